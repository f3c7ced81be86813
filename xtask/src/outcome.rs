//! What a step of `cargo xtask test` ended with, for the summary line
//! `N passed, M failed, K skipped`.

/// How a step that did not fail ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Everything the step names ran and passed.
    Passed,
    /// The step could not run here (the reason is printed and counted as
    /// skipped, never as passed).
    Skipped(String),
}

/// A step's result: `Ok(Outcome)` or the error that failed it.
pub type StepResult = crate::Result<Outcome>;
