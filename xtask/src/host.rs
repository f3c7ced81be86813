//! The host-side steps of `cargo xtask test`: the workspace's tests (with
//! the loom model), the lints, and the cross builds for every chip target.

use std::process::Command;

use crate::{cargo, project_root, run, setup, Result};

/// Host tests of the workspace (unit, property, doc, multi-process), then the
/// loom model of publication.
pub fn host_tests() -> Result<()> {
    run(cargo().args(["test", "--workspace"]))?;
    // The C API's `linked-pools` build: its unit tests and doctests (its C
    // programs run in the workspace's tests, through their own builds).
    for only in ["--lib", "--doc"] {
        run(cargo().args([
            "test",
            "-p",
            "amp-sysinfo-capi",
            "--features",
            "linked-pools",
            only,
        ]))?;
    }
    run(cargo()
        .args([
            "test",
            "-p",
            "amp-sysinfo",
            "--release",
            "--lib",
            "--",
            "loom",
        ])
        .env("RUSTFLAGS", "--cfg loom")
        .env("CARGO_TARGET_DIR", project_root().join("target/loom")))?;
    Ok(())
}

/// Lints as errors: formatting (rustfmt.toml) of every workspace, clippy on
/// every host crate and target, rustdoc (broken links, missing docs where a
/// crate denies them).
pub fn lint() -> Result<()> {
    run(Command::new("rustup").args(["component", "add", "clippy", "rustfmt"]))?;
    for manifest in FMT_WORKSPACES {
        run(cargo()
            .args(["fmt", "--all", "--check", "--manifest-path"])
            .arg(project_root().join(manifest)))?;
    }
    run(cargo().args([
        "clippy",
        "--quiet",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The chip side: code under `cfg(target_os = "none")` or a RISC-V
    // `cfg` (the C API's lookup guard and port hooks, the core's asm) is
    // only compiled for a chip target: the LP core's (`TARGETS[0]`,
    // riscv32imac).
    for (pkg, features) in CROSS_CRATES {
        run(cargo()
            .args(["clippy", "--quiet", "-p", pkg, "--target"])
            .arg(setup::TARGETS[0])
            .args(*features)
            .args(["--", "-D", "warnings"]))?;
    }
    // The C API's `linked-pools` build has code of its own (`cfg`), which
    // the workspace's default features leave out.
    run(cargo().args([
        "clippy",
        "--quiet",
        "-p",
        "amp-sysinfo-capi",
        "--features",
        "linked-pools",
        "--lib",
        "--",
        "-D",
        "warnings",
    ]))?;
    // Private items too: their docs are the maintainers' map, and a link
    // into a module another build leaves out breaks silently otherwise.
    let doc = ["doc", "--quiet", "--no-deps", "--document-private-items"];
    run(cargo()
        .args(doc)
        .arg("--workspace")
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    run(cargo()
        .args(doc)
        .args(["-p", "amp-sysinfo-capi", "--features", "linked-pools"])
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    Ok(())
}

/// The portable crates for every chip target: ESP32-C6/C5 LP core and the twin
/// (`imac`), zephyr-lang-rust's ESP32-C6 target (`i`), ESP32-P4 (`imafc`).
pub fn cross() -> Result<()> {
    for target in setup::TARGETS {
        for (pkg, features) in CROSS_CRATES {
            run(cargo()
                .args(["build", "--release", "-p", pkg, "--target", target])
                .args(*features))?;
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
    (
        "amp-sysinfo-capi",
        &["--features", "sub-core,port-critical-section"],
    ),
    (
        "amp-sysinfo-capi",
        &["--features", "linked-pools,port-critical-section"],
    ),
];

/// Every Cargo workspace of the repository (the root and those that must be
/// their own: bare-metal images, Zephyr applications, the nightly fuzz crate).
const FMT_WORKSPACES: &[&str] = &[
    "Cargo.toml",
    "twin/Cargo.toml",
    "bench/Cargo.toml",
    "fuzz/Cargo.toml",
    "crates/amp-sysinfo/size-probe/Cargo.toml",
    "samples/sysinfo/Cargo.toml",
    "samples/sysinfo/lpcore/Cargo.toml",
    "samples/sysinfo/sub_hart/Cargo.toml",
    "tests/sysinfo/Cargo.toml",
];
