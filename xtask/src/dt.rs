//! Devicetree checks (issue 3, devicetree-configured pools):
//!
//! 1. `cargo test -p amp-sysinfo-dt`: the generator's unit tests (one per
//!    validation error) and golden outputs (twin and ESP32-C6 devicetrees).
//! 2. `tools/dt/check.py` in the project venv: every board overlay applied to
//!    the unmodified upstream Zephyr board devicetree (cpp + dtc as Zephyr's
//!    dts.cmake, edtlib as gen_edt.py), then the generator; negative fixtures
//!    must be rejected.
//!
//! The upstream files live outside the repository, in `shared/upstream/`
//! beside it (`../shared/upstream` from the project root).

use std::path::PathBuf;
use std::process::Command;

use crate::{cargo, project_root, run, Result};

/// The vendored upstream Zephyr tree the overlays are checked against.
fn upstream() -> Result<PathBuf> {
    let dir = project_root().join("../shared/upstream/zephyr");
    if !dir.join("dts").is_dir() || !dir.join("boards").is_dir() {
        return Err(format!(
            "the upstream Zephyr devicetree files are missing: expected them in {} \
             (shared/upstream/zephyr beside the repository; see shared/upstream/README.md)",
            dir.display()
        )
        .into());
    }
    Ok(dir)
}

/// The generator binary of a `cargo build -p amp-sysinfo-dt` in this workspace.
fn generator() -> Result<PathBuf> {
    run(cargo().args([
        "build",
        "--quiet",
        "-p",
        "amp-sysinfo-dt",
        "--bin",
        "amp-sysinfo-dt",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        project_root().join(target)
    };
    let bin = target
        .join("debug")
        .join(format!("amp-sysinfo-dt{}", std::env::consts::EXE_SUFFIX));
    if !bin.is_file() {
        return Err(format!(
            "built amp-sysinfo-dt but found no binary at {}",
            bin.display()
        )
        .into());
    }
    Ok(bin)
}

pub fn check() -> Result<()> {
    let upstream = upstream()?;
    run(cargo().args(["test", "-p", "amp-sysinfo-dt"]))?;
    let bin = generator()?;
    let py = crate::setup::venv()?;
    run(Command::new(py)
        .arg(project_root().join("tools/dt/check.py"))
        .arg("--upstream")
        .arg(&upstream)
        .arg("--generator")
        .arg(&bin)
        .current_dir(project_root()))
}
