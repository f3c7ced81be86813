//! Zephyr module checks that need no Zephyr workspace: what the real build
//! (`cargo xtask zephyr-test`, twister) cannot check, or the parts of the
//! module that are plain Rust or script code with tests of their own.
//!
//! 1. `west.yml` through west's own manifest API and the project's rules
//!    (`tools/zephyr/check_west.py`): `west update` needs the network, so
//!    the manifest is checked without resolving it; negative fixtures.
//! 2. `.github/workflows` against GitHub's workflow schema (check-jsonschema):
//!    GitHub's runner is not available here.
//! 3. The post-build heap check (cmake/esp_amp_sys_info_check_heap.cmake) in
//!    CMake script mode on small ELFs, including the cases a real build
//!    cannot produce on demand (`check_cmake_heap.py`).
//! 4. `samples/sysinfo/app` (the sample's and tests' logic, no `zephyr`
//!    crate): host tests, clippy, and a build for `riscv32i-unknown-none-elf`
//!    (zephyr-lang-rust's target for the ESP32-C6), as are the demo crate and
//!    the C API library with the features the module's CMake uses.
//! 5. The ESP32-C6 LP-core image (esp-lp-hal, `riscv32imac`): Zephyr 4.0 has
//!    no LP-core board, so it is built against the repository's model of the
//!    Zephyr 4.4 LP-core devicetree with the module's LP-core overlay; its
//!    sections are checked against the pools (`amp-sysinfo-dt check-elf`),
//!    its start-up addresses and flat binary checked; too little RAM must
//!    fail to link.
//! 6. rustfmt on the Zephyr applications' and sub images' sources.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, project_root, run, Result};

const LP_TARGET: &str = "riscv32imac-unknown-none-elf";
const ZEPHYR_RUST_TARGET: &str = "riscv32i-unknown-none-elf";
/// Where the ESP32-C6 LP core starts: LP SRAM + 0x80.
const LP_SRAM_BASE: u64 = 0x5000_0000;

pub fn check() -> Result<()> {
    let root = project_root();
    let py = crate::setup::venv()?;
    let tools = root.join("tools/zephyr");
    let fixtures = tools.join("fixtures");

    step("west.yml (west API)");
    run(python(&py, &tools.join("check_west.py")).arg(root.join("west.yml")))?;
    for f in files(&fixtures, |n| n.starts_with("west-") && n.ends_with(".yml"))? {
        run(python(&py, &tools.join("check_west.py"))
            .arg(&f)
            .arg("--expect-fail"))?;
    }

    step(".github/workflows (GitHub's workflow schema, check-jsonschema)");
    workflows(&root, &py, &fixtures)?;

    step("post-build heap check (CMake script mode)");
    run(python(&py, &tools.join("check_cmake_heap.py"))
        .arg(cmake(&py)?)
        .arg("riscv64-unknown-elf-gcc")
        .arg("riscv64-unknown-elf-nm")
        .arg(&root))?;

    step("samples/sysinfo/app: host tests, clippy, riscv32i");
    sample_app(&root)?;

    step("ESP32-C6 LP-core image (esp-lp-hal, riscv32imac)");
    lp_image(&root)?;

    step("rustfmt: Zephyr applications and sub images");
    let mut rust_sources = Vec::new();
    for dir in [
        "samples/sysinfo/src",
        "tests/sysinfo/src",
        "samples/sysinfo/sub_hart/src",
    ] {
        find(
            &root.join(dir),
            &mut |p| p.extension().is_some_and(|e| e == "rs"),
            &mut rust_sources,
        )?;
    }
    run(Command::new("rustfmt")
        .args(["--check", "--edition", "2021"])
        .args(&rust_sources))?;
    Ok(())
}

fn workflows(root: &Path, py: &Path, fixtures: &Path) -> Result<()> {
    let checker = py
        .parent()
        .map(|d| d.join("check-jsonschema"))
        .context("no venv bin dir")?;
    let mut workflows = Vec::new();
    find(
        &root.join(".github/workflows"),
        &mut |p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"),
        &mut workflows,
    )?;
    run(Command::new(&checker)
        .args(["--builtin-schema", "vendor.github-workflows"])
        .args(&workflows))?;
    let bad = Command::new(&checker)
        .args(["--builtin-schema", "vendor.github-workflows"])
        .arg(fixtures.join("workflow-typo.yml"))
        .output()?;
    if bad.status.success() {
        return Err(anyhow::anyhow!(
            "the misspelt workflow fixture was accepted"
        ));
    }
    eprintln!("zephyr-check: misspelt workflow rejected, as expected");
    Ok(())
}

fn sample_app(root: &Path) -> Result<()> {
    let app = root.join("samples/sysinfo/app/Cargo.toml");
    let app_target = root.join("target/sample-app");
    run(cargo()
        .args(["test", "--manifest-path"])
        .arg(&app)
        .env("CARGO_TARGET_DIR", &app_target))?;
    // zephyr-lang-rust's CI lints applications with these flags.
    run(cargo()
        .args(["clippy", "--all-targets", "--manifest-path"])
        .arg(&app)
        .args([
            "--",
            "-D",
            "warnings",
            "-D",
            "clippy::undocumented_unsafe_blocks",
        ])
        .env("CARGO_TARGET_DIR", &app_target))?;
    run(cargo()
        .args([
            "build",
            "--release",
            "--target",
            ZEPHYR_RUST_TARGET,
            "--manifest-path",
        ])
        .arg(&app)
        .env("CARGO_TARGET_DIR", &app_target))?;
    // What the module's CMake runs for a C application (cmake/esp_amp_sys_info.cmake).
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "amp-sysinfo-capi",
        "--features",
        "port-critical-section",
        "--target",
        ZEPHYR_RUST_TARGET,
    ]))?;
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "amp-sysinfo-demo",
        "--target",
        ZEPHYR_RUST_TARGET,
    ]))?;
    Ok(())
}

/// Builds the LP image against the repository's model of the Zephyr 4.4
/// LP-core devicetree with the module's overlay, and checks it; then the
/// negative layout fixture.
fn lp_image(root: &Path) -> Result<()> {
    let view = LpView::new(root)?;
    run(&mut view.cargo("build", &[&view.overlay])?)?;
    // zephyr-lang-rust's CI lints with these flags; the LP image follows suit.
    run(view.cargo("clippy", &[&view.overlay])?.args([
        "--",
        "-D",
        "warnings",
        "-D",
        "clippy::undocumented_unsafe_blocks",
    ]))?;
    let elf = view
        .target_dir
        .join(LP_TARGET)
        .join("release/sysinfo-lpcore");
    // The generator's check: no allocated section in a pool.
    view.dt.check_elf(&elf)?;
    let (image_end, stack_top) = check_lp_startup(&elf, &view.lp_pools()?)?;
    let len = flat_binary_len(&elf, &view.target_dir.join("sysinfo-lpcore.bin"))?;
    expect_eq(
        "flat binary length (incl. .bss)",
        len,
        image_end - LP_SRAM_BASE,
    )?;
    eprintln!(
        "zephyr-check: LP image {len} bytes at {LP_SRAM_BASE:#x}..{image_end:#x}, stack top {stack_top:#x}, reset vector {:#x}",
        LP_SRAM_BASE + 0x80
    );

    // Negative: too little RAM for the image must fail the link.
    let small = root.join("tools/zephyr/fixtures/lpcore-ram-too-small.overlay");
    expect_failure(
        &view.cargo("build", &[&view.overlay, &small])?.output()?,
        "RAM",
        "LP image with 4 KiB of RAM: expected a link error about region RAM",
    )?;
    eprintln!("zephyr-check: LP image with 4 KiB of RAM rejected by the linker, as expected");
    Ok(())
}

/// The LP-core view the image is built against: the repository's model of
/// the Zephyr 4.4 LP-core devicetree with the module's LP overlay.
struct LpView {
    board: PathBuf,
    overlay: PathBuf,
    /// The module's dts_root include directories (as Zephyr adds them).
    includes: Vec<PathBuf>,
    dt: amp_sysinfo_dt::Devicetree,
    manifest: PathBuf,
    target_dir: PathBuf,
}

impl LpView {
    fn new(root: &Path) -> Result<LpView> {
        let board = root.join("crates/amp-sysinfo-dt/tests/fixtures/esp32c6/lp_view_4_4.dts");
        let overlay = root.join("boards/esp32c6_devkitc_esp32c6_lpcore.overlay");
        let includes: Vec<PathBuf> = ["dts", "dts/common", "dts/riscv"]
            .iter()
            .map(|d| root.join(d))
            .filter(|d| d.is_dir())
            .collect();
        let dt = amp_sysinfo_dt::Devicetree::from_board(
            &board,
            std::slice::from_ref(&overlay),
            &includes,
        )?;
        Ok(LpView {
            board,
            overlay,
            includes,
            dt,
            manifest: root.join("samples/sysinfo/lpcore/Cargo.toml"),
            target_dir: root.join("target/lpcore"),
        })
    }

    /// cargo `subcommand` on the LP crate with this view and `overlays`.
    fn cargo(&self, subcommand: &str, overlays: &[&Path]) -> Result<Command> {
        let mut c = cargo();
        c.args([
            subcommand,
            "--release",
            "--target",
            LP_TARGET,
            "--manifest-path",
        ])
        .arg(&self.manifest)
        .env("CARGO_TARGET_DIR", &self.target_dir)
        .env("SYSINFO_BOARD", &self.board)
        .env("SYSINFO_OVERLAYS", std::env::join_paths(overlays)?)
        .env(
            "SYSINFO_DTS_INCLUDES",
            std::env::join_paths(&self.includes)?,
        )
        .env_remove("SYSINFO_DTS");
        Ok(c)
    }

    /// Bus addresses of the pools in LP SRAM (the RTC pool).
    fn lp_pools(&self) -> Result<Vec<u64>> {
        let lp_sram = LP_SRAM_BASE..LP_SRAM_BASE + 0x4000;
        let pools: Vec<u64> = self
            .dt
            .pools()?
            .iter()
            .map(|p| p.range().start)
            .filter(|a| lp_sram.contains(a))
            .collect();
        if pools.is_empty() {
            return Err(anyhow::anyhow!(
                "the lpcore devicetree has no pool in LP SRAM (expected sysinfo_rtc)"
            ));
        }
        Ok(pools)
    }
}

/// The LP image's start-up addresses, and its stack (no section, so not seen
/// by check-elf) below every pool in LP SRAM. Returns `(__image_end,
/// __stack_top)`.
fn check_lp_startup(elf: &Path, lp_pools: &[u64]) -> Result<(u64, u64)> {
    let symbols = nm(elf)?;
    let sym = |n: &str| {
        symbols
            .iter()
            .find(|(s, _)| s == n)
            .map(|(_, v)| *v)
            .ok_or_else(|| anyhow::anyhow!("{}: no symbol {n}", elf.display()))
    };
    expect_eq("_vector_table", sym("_vector_table")?, LP_SRAM_BASE)?;
    expect_eq("reset_vector", sym("reset_vector")?, LP_SRAM_BASE + 0x80)?;
    if symbols.iter().all(|(s, _)| !s.starts_with("__ULP_MAGIC_")) {
        return Err(anyhow::anyhow!(
            "LP image: no __ULP_MAGIC_ symbol (esp-lp-hal's #[entry] emits one)"
        ));
    }
    let image_end = sym("__image_end")?;
    let stack_top = sym("__stack_top")?;
    for &pool in lp_pools {
        // The stack runs from __image_end up to __stack_top: a pool above
        // the image must start at or after the stack top.
        if image_end <= pool && stack_top > pool {
            return Err(anyhow::anyhow!(
                "LP image: stack top {stack_top:#x} is above the pool at {pool:#x}"
            ));
        }
    }
    Ok((image_end, stack_top))
}

/// The flat binary the main image embeds (`.bss` included as zeros), as
/// lpcore.cmake makes it; returns its length.
fn flat_binary_len(elf: &Path, bin: &Path) -> Result<u64> {
    run(Command::new("riscv64-unknown-elf-objcopy")
        .args([
            "-O",
            "binary",
            "--set-section-flags",
            ".bss=alloc,load,contents",
        ])
        .arg(elf)
        .arg(bin))?;
    Ok(std::fs::metadata(bin)?.len())
}

/// `(name, value)` of every symbol of an ELF file.
fn nm(elf: &Path) -> Result<Vec<(String, u64)>> {
    Ok(crate::elf::symbols(elf)?
        .into_iter()
        .map(|s| (s.name, s.address))
        .collect())
}

fn expect_eq(what: &str, got: u64, want: u64) -> Result<()> {
    if got != want {
        return Err(anyhow::anyhow!(
            "LP image: {what} is {got:#x}, expected {want:#x}"
        ));
    }
    Ok(())
}

/// An error unless `out` is of a command that failed with `needle` in its
/// stderr; the error reads "`expected`, got:" and the stderr.
fn expect_failure(out: &std::process::Output, needle: &str, expected: &str) -> Result<()> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() || !stderr.contains(needle) {
        return Err(anyhow::anyhow!("{expected}, got:\n{stderr}"));
    }
    Ok(())
}

fn python(py: &Path, script: &Path) -> Command {
    let mut c = Command::new(py);
    c.arg(script).current_dir(project_root());
    c
}

fn step(name: &str) {
    eprintln!("\n--> zephyr-check: {name}");
}

fn name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// Files directly in `dir` whose name passes `pick`, sorted.
fn files(dir: &Path, pick: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| pick(name(p)))
        .collect();
    v.sort();
    if v.is_empty() {
        return Err(anyhow::anyhow!("no fixtures in {}", dir.display()));
    }
    Ok(v)
}

/// Every file under `dir` (skipping `target/`) that passes `pick`.
fn find(dir: &Path, pick: &mut impl FnMut(&Path) -> bool, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if name(&p) != "target" {
                find(&p, pick, out)?;
            }
        } else if pick(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// CMake for the script-mode check: the venv's (pip package `cmake`), else PATH.
fn cmake(py: &Path) -> Result<PathBuf> {
    let venv = py.parent().map(|d| d.join("cmake"));
    match venv {
        Some(p) if p.is_file() => Ok(p),
        _ if crate::setup::have("cmake") => Ok(PathBuf::from("cmake")),
        _ => Err(anyhow::anyhow!(
            "cmake not found: it comes with the venv (setup::PYTHON has `cmake`) or install it"
        )),
    }
}
