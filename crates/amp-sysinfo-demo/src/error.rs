//! The demo's error: which step failed, on which id, and why.

use core::fmt;

use amp_sysinfo::Error;

use crate::blocks::Check;

/// A demo step that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoError {
    /// A SysInfo call failed.
    Sysinfo {
        /// What the demo was doing.
        step: &'static str,
        /// The entry's id, where there is one.
        id: Option<u16>,
        error: Error,
    },
    /// The other core did not answer within the patience given.
    Timeout {
        /// What was awaited.
        waiting_for: &'static str,
    },
    /// The sub core checked the entries and reported failures.
    SubReported {
        errors: u32,
        first_id: u16,
        first_check: Option<Check>,
    },
    /// The stress run saw inconsistent entries, or not every published one.
    Stress {
        inconsistencies: u32,
        entries_seen: u32,
        published: u32,
    },
}

impl DemoError {
    /// The `map_err` adapter for a failed SysInfo call: `step` is what the
    /// caller was doing, `id` the entry's id where there is one.
    pub fn sysinfo(
        step: &'static str,
        id: Option<amp_sysinfo::Id>,
    ) -> impl FnOnce(Error) -> DemoError {
        move |error| DemoError::Sysinfo {
            step,
            id: id.map(|i| i.raw()),
            error,
        }
    }
}

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DemoError::Sysinfo { step, id: Some(id), error } => write!(f, "{step} (id {id:#06x}): {error}"),
            DemoError::Sysinfo { step, id: None, error } => write!(f, "{step}: {error}"),
            DemoError::Timeout { waiting_for } => write!(f, "timed out waiting for {waiting_for}"),
            DemoError::SubReported { errors, first_id, first_check } => write!(
                f,
                "sub core reported {errors} failed checks, first on id {first_id:#06x}: {}",
                first_check.map_or("unknown check", Check::as_str)
            ),
            DemoError::Stress { inconsistencies, entries_seen, published } => write!(
                f,
                "stress: {inconsistencies} inconsistent lookups, {entries_seen} of {published} entries seen"
            ),
        }
    }
}

impl core::error::Error for DemoError {}
