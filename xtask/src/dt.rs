//! Devicetree checks:
//!
//! 1. `cargo test -p amp-sysinfo-dt`: the generator's unit tests (one per
//!    validation error), golden outputs, and the module's ESP32-C6 overlays
//!    on small models of the 4.0 and 4.4 core views.
//! 2. `tools/dt/check_heaps.py`: the post-build heap check in CMake script
//!    mode against every heap that can reach a pool.
//! 3. `tools/dt/check.py` in the project venv: every shipped board overlay
//!    (`boards/*esp32c6*.overlay`) applied to the board devicetree of the
//!    Zephyr workspace (cpp + dtc as its dts.cmake, its own edtlib from
//!    `scripts/dts/python-devicetree`, its bindings), then the generator;
//!    negative fixtures must be rejected. Overlays for board targets this
//!    Zephyr does not have are reported as skipped by the script.
//!
//! The workspace is [`crate::workspace::find`]'s (ZEPHYR_BASE, the enclosing
//! west workspace, ~/zephyrproject). Without one the step is skipped.

use std::path::PathBuf;
use std::process::Command;

use crate::outcome::{Outcome, StepResult};
use crate::{cargo, project_root, run, Result};

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
        return Err(anyhow::anyhow!(
            "built amp-sysinfo-dt but found no binary at {}",
            bin.display()
        ));
    }
    Ok(bin)
}

/// `cargo xtask dt-check --view TARGET=OVERLAY[,OVERLAY...]...`: a board of
/// the user's (any board target of the workspace) with their overlays,
/// through the same chain; all views must give the same pools.
pub fn check_views(views: &[String]) -> StepResult {
    let Some(ws) = crate::workspace::find() else {
        return Ok(Outcome::Skipped(crate::workspace::NO_WORKSPACE.into()));
    };
    run(&mut views_command(&ws, views)?)?;
    Ok(Outcome::Passed)
}

fn views_command(ws: &crate::workspace::Workspace, views: &[String]) -> crate::Result<Command> {
    let bin = generator()?;
    let py = crate::setup::venv()?;
    let mut cmd = Command::new(py);
    cmd.arg(project_root().join("tools/dt/check.py"))
        .arg("--zephyr")
        .arg(&ws.zephyr)
        .arg("--generator")
        .arg(&bin);
    for v in views {
        cmd.arg("--view").arg(v);
    }
    Ok(cmd)
}

/// The `--view` mode on a board this workspace has: the same overlay in two
/// views agrees; a second view with other pools must be refused.
fn self_test_views(ws: &crate::workspace::Workspace) -> crate::Result<()> {
    let target = crate::twister::esp32c6_devkitc(ws).replace('/', "_");
    let overlay = project_root().join(format!("boards/{target}.overlay"));
    let resized = project_root().join("tools/dt/fixtures/docs-resize.overlay");
    let same = format!("{target}={}", overlay.display());
    run(&mut views_command(ws, &[same.clone(), same.clone()])?)?;
    let other = format!("{target}={},{}", overlay.display(), resized.display());
    let out = views_command(ws, &[same, other])?.output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if out.status.success() || !text.contains("give different pools") {
        return Err(anyhow::anyhow!(
            "dt-check --view: two views with different pools were not refused:\n{text}"
        ));
    }
    eprintln!("dt-check --view: two views with different pools refused, as expected");
    Ok(())
}

pub fn check() -> StepResult {
    run(cargo().args(["test", "-p", "amp-sysinfo-dt"]))?;
    run(Command::new("python3")
        .arg(project_root().join("tools/dt/check_heaps.py"))
        .args(["cmake", "riscv64-unknown-elf-gcc", "riscv64-unknown-elf-nm"])
        .arg(project_root()))?;
    let Some(ws) = crate::workspace::find() else {
        // The generator's own tests and the heap script ran; the upstream
        // board chain needs a workspace.
        let why = crate::workspace::NO_WORKSPACE;
        eprintln!("dt-check: skipped: {why}");
        return Ok(Outcome::Skipped(why.into()));
    };
    eprintln!("dt-check: Zephyr workspace {}", ws.describe());
    let bin = generator()?;
    let py = crate::setup::venv()?;
    run(Command::new(py)
        .arg(project_root().join("tools/dt/check.py"))
        .arg("--zephyr")
        .arg(&ws.zephyr)
        .arg("--generator")
        .arg(&bin)
        .current_dir(project_root()))?;
    if ws.hal_espressif().is_some() {
        self_test_views(&ws)?;
    }
    Ok(Outcome::Passed)
}
