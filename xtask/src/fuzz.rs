//! `cargo xtask fuzz`: a bounded run of every fuzz target in `fuzz/`
//! the way CI runs them.
//!
//! Each target runs for `SYSINFO_FUZZ_SECONDS` seconds (default 40) with
//! cargo-fuzz on nightly Rust (libFuzzer, AddressSanitizer, overflow checks
//! and debug assertions on), starting from the small committed corpus in
//! `fuzz/corpus/<target>`, which it only reads: new inputs go to a scratch
//! corpus under the target directory, so the repository's corpus stays
//! small. A crash, an oracle failure (a panic in the target), an ASan report
//! or a timeout fails the step, with the reproducing input's path. It
//! installs nightly Rust and cargo-fuzz when they are missing; where that
//! fails (no network) the step is *skipped* (never reported as passed).
//! How to run longer: docs/reliability.md.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::outcome::{Outcome, StepResult};
use crate::{project_root, Result};

/// The fuzz targets (`fuzz/fuzz_targets/<name>.rs`).
pub const TARGETS: &[&str] = &["reader", "writer", "capi"];

/// Seconds per target unless `SYSINFO_FUZZ_SECONDS` says otherwise.
const DEFAULT_SECONDS: u64 = 40;

fn seconds() -> Result<u64> {
    match std::env::var("SYSINFO_FUZZ_SECONDS") {
        Ok(s) => s
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("SYSINFO_FUZZ_SECONDS={s:?} is not a number of seconds")),
        Err(_) => Ok(DEFAULT_SECONDS),
    }
}

/// Where builds and scratch corpora go: `$CARGO_TARGET_DIR/fuzz`, else `target/fuzz`.
fn target_base() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"))
        .join("fuzz")
}

/// `cargo +nightly ...` through rustup's proxy, run in `fuzz/`.
fn nightly_cargo() -> Command {
    let mut c = Command::new("cargo");
    c.arg("+nightly")
        .current_dir(project_root().join("fuzz"))
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTFLAGS")
        .env("CARGO_TARGET_DIR", target_base().join("build"));
    c
}

fn works(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `Done 123456 runs in 40 second(s)` → 123456.
pub fn executions(log: &str) -> Option<u64> {
    log.lines()
        .rev()
        .find_map(|l| l.strip_prefix("Done ")?.split(' ').next()?.parse().ok())
}

/// Installs what the step lacks, as the other steps' setup does: nightly
/// Rust (rustup) and cargo-fuzz (crates.io). A failed install leaves the
/// step to say *skipped*.
fn install_missing() {
    if !works(nightly_cargo().arg("--version")) {
        eprintln!("fuzz: rustup toolchain install nightly --profile minimal");
        let _ = Command::new("rustup")
            .args(["toolchain", "install", "nightly", "--profile", "minimal"])
            .status();
    }
    if works(nightly_cargo().arg("--version"))
        && !works(nightly_cargo().args(["fuzz", "--version"]))
    {
        eprintln!("fuzz: cargo install cargo-fuzz --locked");
        let _ = Command::new("cargo")
            .args(["install", "cargo-fuzz", "--locked"])
            .env_remove("CARGO_TARGET_DIR")
            .status();
    }
}

pub fn run() -> StepResult {
    install_missing();
    if !works(nightly_cargo().arg("--version")) {
        return Ok(Outcome::Skipped(
            "nightly Rust not installed (rustup toolchain install nightly)".into(),
        ));
    }
    if !works(nightly_cargo().args(["fuzz", "--version"])) {
        return Ok(Outcome::Skipped(
            "cargo-fuzz not installed (cargo install cargo-fuzz)".into(),
        ));
    }
    let secs = seconds()?;
    crate::run(nightly_cargo().args(["fuzz", "build", "--debug-assertions"]))?;
    let mut failed = Vec::new();
    let mut total = 0;
    for target in TARGETS {
        let scratch = target_base().join("corpus").join(target);
        std::fs::create_dir_all(&scratch)?;
        let seeds = project_root().join("fuzz/corpus").join(target);
        let artifacts = target_base().join("artifacts").join(target);
        std::fs::create_dir_all(&artifacts)?;
        let started = Instant::now();
        let out = nightly_cargo()
            .args(["fuzz", "run", "--debug-assertions", target])
            .arg(&scratch)
            .arg(&seeds)
            .arg("--")
            .arg(format!("-max_total_time={secs}"))
            .arg("-timeout=10")
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .stdout(Stdio::piped())
            .output()?;
        let log = String::from_utf8_lossy(&out.stderr);
        let runs = executions(&log);
        total += runs.unwrap_or(0);
        let took = started.elapsed().as_secs();
        if out.status.success() {
            eprintln!(
                "fuzz: {target:<7} ok      {} executions in {took} s, 0 crashes",
                runs.map_or("?".into(), |n| n.to_string())
            );
        } else {
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            eprintln!("fuzz: {target:<7} FAILED after {took} s ({}):", out.status);
            for line in tail.iter().rev() {
                eprintln!("    {line}");
            }
            failed.push(*target);
        }
    }
    eprintln!(
        "fuzz: {total} executions in all ({secs} s per target; SYSINFO_FUZZ_SECONDS to change)"
    );
    if failed.is_empty() {
        Ok(Outcome::Passed)
    } else {
        Err(anyhow::anyhow!(
            "fuzz targets failed: {} (inputs in {})",
            failed.join(", "),
            target_base().join("artifacts").display()
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_libfuzzer_done_line() {
        let log = "#1024\tpulse cov: 10\nDone 1234567 runs in 41 second(s)\n";
        assert_eq!(super::executions(log), Some(1234567));
        assert_eq!(super::executions("nothing"), None);
    }

    #[test]
    fn every_target_has_a_source_and_a_seed_corpus() {
        let root = crate::project_root().join("fuzz");
        for t in super::TARGETS {
            assert!(root.join(format!("fuzz_targets/{t}.rs")).is_file(), "{t}");
            let seeds = std::fs::read_dir(root.join("corpus").join(t))
                .unwrap()
                .count();
            assert!(
                (1..=32).contains(&seeds),
                "{t}: {seeds} seed files (keep the corpus small)"
            );
        }
    }
}
