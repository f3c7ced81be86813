//! `cargo xtask <workflow>`: the project's workflows in one place.
//!
//! - `demo`: build the twin's two images and run them on QEMU (the main job).
//! - `test`: everything CI runs; installs what a fresh machine lacks first.
//! - `zephyr-setup`: find (or, with network, make) a Zephyr workspace and
//!   install what its builds need; `zephyr-test`: twister from it.
//! - `twin-test`, `dt-check`, `zephyr-check`, `zephyr-test`, `cross`, `lint`,
//!   `size`, ...: parts of `test`.

mod bench;
mod dt;
mod fuzz;
mod inspect;
mod nopanic;
mod outcome;
mod setup;
mod size;
mod toolchain;
mod twin;
mod twister;
mod workspace;
mod zephyr;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use outcome::{Outcome, StepResult};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the root").to_path_buf()
}

/// Runs a command, inheriting stdio; an error if it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().map_err(|e| format!("{:?}: {e}", cmd.get_program()))?;
    if !status.success() {
        return Err(format!("command failed ({status}): {cmd:?}").into());
    }
    Ok(())
}

pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(project_root());
    c
}

/// Host tests of the workspace (unit, property, doc, multi-process), then the
/// loom model of publication.
fn host_tests() -> Result<()> {
    run(cargo().args(["test", "--workspace"]))?;
    run(cargo()
        .args(["test", "-p", "amp-sysinfo", "--release", "--lib", "--", "loom"])
        .env("RUSTFLAGS", "--cfg loom")
        .env("CARGO_TARGET_DIR", project_root().join("target/loom")))?;
    Ok(())
}

/// Lints as errors: clippy on every host crate and target, rustdoc (broken
/// links, missing docs where a crate denies them).
fn lint() -> Result<()> {
    run(Command::new("rustup").args(["component", "add", "clippy"]))?;
    run(cargo().args(["clippy", "--quiet", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    run(cargo().args(["doc", "--quiet", "--no-deps", "--workspace"]).env("RUSTDOCFLAGS", "-D warnings"))?;
    Ok(())
}

/// The portable crates for every chip target: ESP32-C6/C5 LP core and the twin
/// (`imac`), zephyr-lang-rust's ESP32-C6 target (`i`), ESP32-P4 (`imafc`).
fn cross() -> Result<()> {
    for target in setup::TARGETS {
        for (pkg, features) in CROSS_CRATES {
            run(cargo().args(["build", "--release", "-p", pkg, "--target", target]).args(*features))?;
        }
    }
    Ok(())
}

/// `(package, extra cargo args)` cross-compiled for every target.
const CROSS_CRATES: &[(&str, &[&str])] = &[
    ("amp-sysinfo", &[]),
    ("amp-sysinfo", &["--features", "log"]),
    ("amp-sysinfo-demo", &[]),
    ("amp-sysinfo-capi", &[]),
    ("amp-sysinfo-capi", &["--features", "sub-core,port-critical-section"]),
];

/// A named step of `cargo xtask test`.
type Step = (&'static str, fn() -> StepResult);

/// A step that either runs completely or fails.
fn passed(r: Result<()>) -> StepResult {
    r.map(|()| Outcome::Passed)
}

fn test_all() -> Result<()> {
    setup::all()?;
    let steps: &[Step] = &[
        ("host tests", || passed(host_tests())),
        ("lints (clippy, rustdoc)", || passed(lint())),
        ("cross-compile", || passed(cross())),
        ("size report", || passed(size::report())),
        ("LP-core benchmark (instructions on QEMU, bytes per shape)", bench::check),
        ("no panic path in sub-core images", nopanic::check),
        ("fuzz targets (bounded run)", fuzz::run),
        ("devicetree checks", dt::check),
        ("twin scenarios", || passed(twin::test())),
        ("zephyr module checks", || passed(zephyr::check())),
        ("zephyr: twister (qemu_riscv32 run, ESP32-C6 build-only)", twister::test),
    ];
    let mut failed = Vec::new();
    let mut skipped = 0;
    for (name, step) in steps {
        eprintln!("\n==> xtask test: {name}");
        match step() {
            Ok(Outcome::Passed) => eprintln!("==> ok: {name}"),
            Ok(Outcome::Skipped(why)) => {
                eprintln!("==> skipped: {name}: {why}");
                skipped += 1;
            }
            Err(e) => {
                eprintln!("==> FAILED: {name}: {e}");
                failed.push(*name);
            }
        }
    }
    let passed = steps.len() - failed.len() - skipped;
    // One plain closing line, read by CI.
    println!("xtask: {passed} passed, {} failed, {skipped} skipped", failed.len());
    if failed.is_empty() { Ok(()) } else { Err(format!("failed steps: {}", failed.join(", ")).into()) }
}

/// A single step run on its own: says when it was skipped.
fn report(r: StepResult) -> Result<()> {
    if let Outcome::Skipped(why) = r? {
        eprintln!("xtask: skipped: {why}");
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = &args[1.min(args.len())..];
    let result = match args.first().map(String::as_str) {
        Some("demo") => twin::demo(rest),
        Some("test") => test_all(),
        Some("twin-test") => setup::all().and_then(|()| twin::test()),
        Some("dt-check") if rest.is_empty() => setup::all().and_then(|()| report(dt::check())),
        Some("dt-check") => match rest {
            [flag, views @ ..] if flag == "--view" || views.iter().any(|v| v == "--view") => {
                let views: Vec<String> = rest.iter().filter(|a| *a != "--view").cloned().collect();
                setup::all().and_then(|()| report(dt::check_views(&views)))
            }
            _ => Err("usage: cargo xtask dt-check [--view TARGET=OVERLAY[,OVERLAY...]]...".into()),
        },
        Some("zephyr-check") => setup::all().and_then(|()| zephyr::check()),
        Some("zephyr-test") => setup::all().and_then(|()| report(twister::test())),
        Some("zephyr-setup") => setup::all().and_then(|()| report(twister::setup())),
        Some("cross") => setup::rustup_targets().and_then(|()| cross()),
        Some("lint") => lint(),
        Some("size") => setup::all().and_then(|()| size::report()),
        Some("bench") => setup::all().and_then(|()| bench::run_bench()),
        Some("nopanic") => setup::all().and_then(|()| report(nopanic::check())),
        Some("fuzz") => report(fuzz::run()),
        Some("setup") => setup::all(),
        _ => {
            eprintln!("usage: cargo xtask <demo|test|twin-test|dt-check|zephyr-check|zephyr-setup|zephyr-test|cross|lint|size|bench|nopanic|fuzz|setup>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
