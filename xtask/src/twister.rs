//! `cargo xtask zephyr-test`: Zephyr's twister, from the workspace found, on
//! this repository's `samples/` and `tests/`: run on `qemu_riscv32`,
//! build-only on the ESP32-C6 DevKitC (twister builds and does not run a
//! platform it cannot simulate). The summary names each configuration with
//! its result.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::outcome::{Outcome, StepResult};
use crate::workspace::{self, Workspace};
use crate::{project_root, toolchain};

/// A twister configuration's result, from `twister.json`.
#[derive(Debug)]
pub struct Configuration {
    /// Scenario name (`sample.sysinfo.c_api`).
    pub name: String,
    /// Platform (`qemu_riscv32/qemu_virt_riscv32`).
    pub platform: String,
    /// twister's status (`passed`, `failed`, `error`, `filtered`, `not run`
    /// for a successful build-only configuration, ...).
    pub status: String,
    /// Why, for filtered, skipped or failed configurations.
    pub reason: Option<String>,
}

impl Configuration {
    fn ok(&self) -> bool {
        // "not run": built, and build-only (the ESP32-C6 here).
        matches!(
            self.status.as_str(),
            "passed" | "not run" | "filtered" | "skipped"
        )
    }
}

/// The ESP32-C6 DevKitC's HP-core board target in this Zephyr: Zephyr
/// v4.4.0 has `esp32c6_devkitc/esp32c6/hpcore` (and `/lpcore`); Zephyr 4.0
/// has only `esp32c6_devkitc`, the HP core.
pub fn esp32c6_devkitc(ws: &Workspace) -> &'static str {
    let dir = ws.zephyr.join("boards/espressif/esp32c6_devkitc");
    if dir.join("esp32c6_devkitc_hpcore.dts").is_file() {
        "esp32c6_devkitc/esp32c6/hpcore"
    } else {
        "esp32c6_devkitc"
    }
}

/// The step of `cargo xtask test`.
pub fn test() -> StepResult {
    let Some((ws, py, tc)) = prepare("zephyr-test")? else {
        return Ok(Outcome::Skipped(workspace::NO_WORKSPACE.into()));
    };

    let mut platforms = vec!["qemu_riscv32".to_string()];
    let mut skipped = Vec::new();
    if ws.hal_espressif().is_some() {
        platforms.push(esp32c6_devkitc(&ws).to_string());
    } else {
        skipped.push("ESP32-C6 (the workspace has no modules/hal/espressif)".to_string());
    }
    let out = project_root().join("target/zephyr/twister-out");
    let root = project_root();
    let mut cmd = Command::new(&py);
    cmd.arg(ws.zephyr.join("scripts/twister"))
        .arg("-T")
        .arg(root.join("samples"))
        .arg("-T")
        .arg(root.join("tests"))
        .arg("--outdir")
        .arg(&out)
        .args(["--inline-logs", "--no-clean", "-j", &jobs()])
        .arg("-x")
        .arg(format!("ZEPHYR_MODULES={}", ws.zephyr_modules()));
    for p in &platforms {
        cmd.args(["-p", p]);
    }
    for c in &tc.cmake {
        cmd.arg("-x").arg(c);
    }
    cmd.envs(tc.env.iter().map(|(k, v)| (k, v)))
        .env("ZEPHYR_BASE", &ws.zephyr)
        .env("PATH", venv_path(&py))
        .current_dir(&ws.topdir);
    // twister's own exit status is checked below through its report, so that
    // every configuration is listed even when one fails.
    let status = cmd.status().map_err(|e| anyhow::anyhow!("twister: {e}"))?;
    let configs = read_report(&out.join("twister.json"))?;
    print_summary(&configs);
    let failed: Vec<&Configuration> = configs.iter().filter(|c| !c.ok()).collect();
    if !failed.is_empty() || !status.success() {
        return Err(anyhow::anyhow!(
            "twister: {} of {} configurations failed (exit {status})",
            failed.len(),
            configs.len()
        ));
    }
    let ran = configs.iter().filter(|c| c.status == "passed").count();
    if ran == 0 {
        return Err(anyhow::anyhow!("twister ran no configuration"));
    }
    rust_suites_ran(&ws, &configs, &mut skipped)?;
    // The inspector on every build twister made: it must find the pools of
    // each build's zephyr.dts and, with zephyr.elf, the image's sections.
    let dirs = build_dirs(&out, &configs);
    for dir in &dirs {
        crate::inspect::check_build_dir(dir)?;
    }
    eprintln!(
        "zephyr-test: amp-sysinfo pools/map read {} build directories",
        dirs.len()
    );
    if ws.hal_espressif().is_some() {
        negative_build(&ws, &tc, &py)?;
    }
    match skipped.is_empty() {
        true => Ok(Outcome::Passed),
        false => Ok(Outcome::Skipped(format!("partly: {}", skipped.join("; ")))),
    }
}

/// A real build that must fail: `samples/sysinfo_c` for the ESP32-C6 with
/// the HP pool moved into the image's heap range
/// (`tools/zephyr/fixtures/hp-pool-in-heap.overlay`): the module's
/// post-build heap check must refuse it.
fn negative_build(ws: &Workspace, tc: &toolchain::Toolchain, py: &Path) -> crate::Result<()> {
    let root = project_root();
    let build = root.join("target/zephyr/negative/hp-pool-in-heap");
    let _ = std::fs::remove_dir_all(&build);
    let mut cmd = Command::new(py.with_file_name("west"));
    cmd.args(["build", "-p", "always", "-b", esp32c6_devkitc(ws), "-d"])
        .arg(&build)
        .arg(root.join("samples/sysinfo_c"))
        .arg("--")
        .arg(format!("-DZEPHYR_MODULES={}", ws.zephyr_modules()))
        .arg(format!(
            "-DEXTRA_DTC_OVERLAY_FILE={}",
            root.join("tools/zephyr/fixtures/hp-pool-in-heap.overlay")
                .display()
        ))
        .args(tc.cmake.iter().map(|c| format!("-D{c}")))
        .envs(tc.env.iter().map(|(k, v)| (k, v)))
        .env("ZEPHYR_BASE", &ws.zephyr)
        .env("PATH", venv_path(py))
        .current_dir(&ws.topdir);
    let out = cmd
        .output()
        .map_err(|e| anyhow::anyhow!("west build: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.status.success() || !flat.contains("heap") {
        return Err(anyhow::anyhow!(
            "the HP pool in the heap range: expected the post-build heap check to fail the build, got (exit {}):\n{}",
            out.status,
            text.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let line = text
        .lines()
        .find(|l| l.contains("heap range"))
        .unwrap_or("(heap check)");
    eprintln!(
        "zephyr-test: a pool in the heap range fails the real build, as it must: {}",
        line.trim()
    );
    Ok(())
}

/// Twister's jobs: one per core (it runs builds side by side).
fn jobs() -> String {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .to_string()
}

/// `PATH` with the venv's `bin/` first, so twister's `west`, `cmake` and
/// Python tools come from the venv.
fn venv_path(py: &Path) -> std::ffi::OsString {
    let bin = py.parent().map(Path::to_path_buf).unwrap_or_default();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin];
    paths.extend(std::env::split_paths(&rest));
    std::env::join_paths(paths).unwrap_or(rest)
}

/// The Rust sample and tests (`samples/sysinfo`, `tests/sysinfo`, reported as
/// `sysinfo/<scenario>`) declare `modules: [lang-rust]`. Inside a west
/// workspace twister takes its module list from the manifest and drops, with
/// no error, every suite whose module the manifest does not activate: Zephyr
/// 4.0 lists zephyr-lang-rust in its "optional" group, filtered out by
/// default. A run without them must not pass as a full one: an error when
/// the workspace has `modules/lang/rust` (a setup to fix), *skipped* (partly)
/// when it has not.
fn rust_suites_ran(
    ws: &Workspace,
    configs: &[Configuration],
    skipped: &mut Vec<String>,
) -> crate::Result<()> {
    let rust_ran = configs
        .iter()
        .any(|c| c.name.starts_with("sysinfo/") && c.status == "passed");
    match (rust_ran, ws.lang_rust().is_some()) {
        (true, _) => Ok(()),
        (false, true) => Err(anyhow::anyhow!(
            "twister ran none of the Rust samples and tests, though the workspace has \
             modules/lang/rust: it filtered them out (`modules: lang-rust`), because the \
             west manifest does not activate zephyr-lang-rust; in {} run \
             `west config manifest.group-filter -- +optional` (Zephyr's manifest lists it \
             in the optional group)",
            ws.topdir.display()
        )),
        (false, false) => {
            skipped
                .push("the Rust samples and tests (the workspace has no modules/lang/rust)".into());
            Ok(())
        }
    }
}

/// Every configuration of a `twister.json` report.
pub fn read_report(path: &Path) -> crate::Result<Vec<Configuration>> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)?;
    let suites = json["testsuites"]
        .as_array()
        .context("twister.json: no testsuites")?;
    Ok(suites
        .iter()
        .map(|s| Configuration {
            name: s["name"].as_str().unwrap_or("?").to_string(),
            platform: s["platform"].as_str().unwrap_or("?").to_string(),
            status: s["status"].as_str().unwrap_or("?").to_string(),
            reason: s["reason"].as_str().map(str::to_string),
        })
        .collect())
}

fn print_summary(configs: &[Configuration]) {
    eprintln!("zephyr-test: twister configurations:");
    for c in configs {
        let what = match c.status.as_str() {
            "passed" => "passed (built and run)".to_string(),
            "not run" => "built (build-only)".to_string(),
            other => other.to_string(),
        };
        let why = match (c.status.as_str(), c.reason.as_deref()) {
            ("passed" | "not run", _) | (_, None) => String::new(),
            (_, Some(r)) => format!(": {r}"),
        };
        eprintln!("  {:<48} {:<40} {what}{why}", c.name, c.platform);
    }
}

/// The build directories of configurations that built.
fn build_dirs(out: &Path, configs: &[Configuration]) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for c in configs
        .iter()
        .filter(|c| matches!(c.status.as_str(), "passed" | "not run"))
    {
        // twister-out/<platform with / as _>/<path>/<scenario>
        let platform = c.platform.replace('/', "_");
        // Report names are `<suite dir>/<scenario>`; the directory is the scenario's.
        let scenario = c.name.rsplit('/').next().unwrap_or(&c.name);
        let mut found = Vec::new();
        find_named(&out.join(&platform), scenario, &mut found);
        dirs.extend(
            found
                .into_iter()
                .filter(|d| d.join("zephyr/zephyr.dts").is_file()),
        );
    }
    dirs
}

fn find_named(dir: &Path, name: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if !p.is_dir() {
            continue;
        }
        if p.file_name().is_some_and(|n| n == name) {
            out.push(p);
        } else if !p.ends_with("zephyr") {
            find_named(&p, name, out);
        }
    }
}

/// `cargo xtask zephyr-setup`: find or create the workspace, install what
/// the Zephyr steps need.
pub fn setup() -> StepResult {
    match prepare("zephyr-setup")? {
        Some(_) => Ok(Outcome::Passed),
        None => Ok(Outcome::Skipped(workspace::NO_WORKSPACE.into())),
    }
}

/// The workspace (found, or made where the network allows), the venv's
/// Python with the workspace's requirements, and the toolchain; `None`
/// without a workspace.
fn prepare(who: &str) -> crate::Result<Option<(Workspace, PathBuf, toolchain::Toolchain)>> {
    let py = crate::setup::venv()?;
    let Some(ws) = workspace::setup(&py)? else {
        return Ok(None);
    };
    eprintln!("{who}: {}", ws.describe());
    workspace::python_requirements(&ws, &py)?;
    let tc = toolchain::find()?;
    eprintln!("{who}: toolchain: {}", tc.name);
    Ok(Some((ws, py, tc)))
}
