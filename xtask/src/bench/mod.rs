//! `cargo xtask bench`: the LP core's own terms — instructions
//! per call counted by `minstret` on QEMU's riscv32 `virt` machine under
//! `-icount shift=0`, and the bytes of every SysInfo function in the shapes
//! real sub cores have, at opt-level "s" and "z".
//!
//! - Instructions: the image `bench/src/bin/qemu.rs` (built for
//!   `riscv32imac` and `riscv32i`) formats a pool of 1, 16, 64 and 256
//!   entries and counts one call of each measured function (argument set-up,
//!   call and return included, the empty measurement subtracted).
//! - Bytes: the shape images of `bench/` (Rust) and `bench/c/` (C, linked
//!   with GNU ld against the LTO'd C API staticlib). Per function: the
//!   symbol and every function it calls (the call graph from `objdump -d`).
//!   In all: what the shape's image grows by over its `base` shape (text and
//!   data: code, constants, initialised state).
//!
//! Writes `docs/performance.md` and fails when a figure is past its limit in
//! [`LIMITS`] (the figure measured when the limit was set, plus a small
//! margin). Host timings stay with `cargo bench -p amp-sysinfo`.

use anyhow::Context;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::outcome::{Outcome, StepResult};
use crate::{project_root, run, Result};

mod bytes;
mod qemu;
mod report;

use bytes::*;
use qemu::*;
use report::*;

/// Regression limits: `(figure, limit)`, figures named as in
/// docs/performance.md's "All figures" (`<build> <kind> <what>`). A limit is
/// the figure measured when it was set plus a small margin (bytes: ~5%,
/// instructions: ~3%); lower a limit when a change makes the figure smaller.
pub const LIMITS: &[(&str, u64)] = &[
    // Bytes, rv32imac, opt-level "s" (measured: the comment).
    ("imac-s bytes get1:rust_get", 78), // 74 (88 in wire format v3)
    ("imac-s bytes get1:rust_attach", 252), // 240 (216 before the attach re-reads the generation)
    ("imac-s bytes handle:rust_handle_get", 28), // 24
    ("imac-s bytes capi_get1:esp_amp_sys_info_get", 160), // 152 (162 in v3)
    ("imac-s bytes capi_get1:esp_amp_sys_info_init", 390), // 372
    ("imac-s bytes capi_get1:esp_amp_sys_info_set_pool", 197), // 188
    ("imac-s bytes alloc:rust_alloc", 292), // 278 (264 in v3: v4 stores an offset, checks its reach)
    ("imac-s bytes capi_alloc:esp_amp_sys_info_alloc", 395), // 376 (without log-failures)
    ("imac-s footprint get1", 403),         // 384
    ("imac-s footprint get3", 706),         // 672: the lookup inlined at each of the three sites
    ("imac-s footprint handle", 538),       // 512
    ("imac-s footprint capi_get1", 792),    // 754
    ("imac-s footprint capi_get3", 851),    // 810 (790 when it set the HP pool only)
    ("imac-s bytes capi_linked_get1:esp_amp_sys_info_init", 445), // 424
    ("imac-s footprint capi_linked_get1", 664), // 632
    ("imac-s footprint capi_linked_get3", 701), // 668
    // Bytes, rv32imac "z" and rv32i "s".
    ("imac-z bytes get1:rust_get", 183), // 174
    ("imac-z footprint get1", 504),      // 480
    ("i-s bytes get1:rust_get", 110),    // 104
    ("i-s footprint get1", 538),         // 512
    // Instructions, rv32imac, opt-level "s".
    ("imac-s insn rust_get:first:1", 24), // 24 (the target, held exactly)
    ("imac-s insn rust_get:last:16", 71), // 69 (target 74)
    ("imac-s insn rust_get:miss:256", 803), // 780
    ("imac-s insn rust_get_as:last:16", 100), // 97
    ("imac-s insn capi_get:first:1", 42), // 40
    ("imac-s insn capi_get:last:16", 88), // 85
    ("imac-s insn capi_get:miss:256", 818), // 794
    ("imac-s insn rust_handle_get:hit:256", 12), // 12 (the target, held exactly)
    ("imac-s insn rust_handle_get:stale:256", 12), // 12 (the target, held exactly)
    ("imac-s insn rust_attach:-:16", 75), // 72
    ("imac-s insn capi_init:-:16", 118),  // 115
    ("imac-s per-entry rust_get", 3),     // 3 (target 4; held at 3)
    ("imac-s per-entry capi_get", 3),     // 3
    // Instructions, rv32i.
    ("i-s insn rust_get:last:16", 71),       // 69
    ("i-s insn rust_handle_get:hit:16", 12), // 12
    ("i-s per-entry rust_get", 3),           // 3
];

/// One way of building the images.
struct Build {
    /// Short name, the first word of every figure.
    key: &'static str,
    target: &'static str,
    opt: &'static str,
    /// GCC's `-march` for the C shapes.
    march: &'static str,
}

const BUILDS: &[Build] = &[
    Build {
        key: "imac-s",
        target: "riscv32imac-unknown-none-elf",
        opt: "s",
        march: "rv32imac_zicsr",
    },
    Build {
        key: "imac-z",
        target: "riscv32imac-unknown-none-elf",
        opt: "z",
        march: "rv32imac_zicsr",
    },
    Build {
        key: "i-s",
        target: "riscv32i-unknown-none-elf",
        opt: "s",
        march: "rv32i_zicsr",
    },
];

/// Rust shapes: `(bin, functions measured)`; each is compared with `shape-base`.
const RUST_SHAPES: &[(&str, &[&str])] = &[
    ("get1", &["rust_get", "rust_attach"]),
    (
        "get3",
        &["rust_get", "site_config", "site_pm", "rust_attach"],
    ),
    (
        "handle",
        &["rust_handle_new", "rust_handle_get", "rust_attach"],
    ),
    ("alloc", &["rust_alloc"]),
];

/// Which build of the C API's staticlib a C shape links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum CapiLib {
    /// The main core's (without `log-failures`).
    Main,
    /// The sub core's, pools from `esp_amp_sys_info_set_pool`.
    Sub,
    /// The sub core's with `linked-pools`: pools defined by the image.
    SubLinked,
}

/// The C API's functions of a sub-core shape that calls `set_pool`.
const SUB_FNS: &[&str] = &[
    "esp_amp_sys_info_get",
    "esp_amp_sys_info_init",
    "esp_amp_sys_info_set_pool",
];

/// The C API's functions of a `linked-pools` shape (no `set_pool`).
const LINKED_FNS: &[&str] = &["esp_amp_sys_info_get", "esp_amp_sys_info_init"];

/// C shapes (`bench/c/<name>.c`): `(name, library, functions)`; each is
/// compared with `base.c`.
const C_SHAPES: &[(&str, CapiLib, &[&str])] = &[
    ("capi_get1", CapiLib::Sub, SUB_FNS),
    ("capi_get3", CapiLib::Sub, SUB_FNS),
    ("capi_linked_get1", CapiLib::SubLinked, LINKED_FNS),
    ("capi_linked_get3", CapiLib::SubLinked, LINKED_FNS),
    (
        "capi_alloc",
        CapiLib::Main,
        &[
            "esp_amp_sys_info_alloc",
            "esp_amp_sys_info_init",
            "esp_amp_sys_info_set_pool",
        ],
    ),
];

const TOOLS: &[&str] = &[
    "qemu-system-riscv32",
    "riscv64-unknown-elf-gcc",
    "riscv64-unknown-elf-nm",
    "riscv64-unknown-elf-objdump",
    "riscv64-unknown-elf-size",
];

/// The QEMU run may take this long before it counts as hung (a panic parks
/// the hart).
const QEMU_TIMEOUT: Duration = Duration::from_secs(60);

/// Figures by name (`<build> <kind> <what>`).
type Figures = BTreeMap<String, u64>;

/// `cargo xtask bench`.
pub fn run_bench() -> Result<()> {
    match check()? {
        Outcome::Passed => Ok(()),
        Outcome::Skipped(why) => Err(anyhow::anyhow!(why)),
    }
}

/// The CI step: measure, write the note, fail past a limit.
pub fn check() -> StepResult {
    if let Some(tool) = TOOLS.iter().find(|t| !crate::setup::have(t)) {
        return Ok(Outcome::Skipped(format!(
            "{tool} not installed (cargo xtask setup)"
        )));
    }
    let start = Instant::now();
    let mut figures = Figures::new();
    let mut counts = BTreeMap::new();
    for build in BUILDS {
        let dir = build_bench(build)?;
        let lines = run_qemu(&dir.join("bench-qemu"))?;
        let insns = parse_counts(&lines)?;
        add_instruction_figures(build.key, &insns, &mut figures);
        counts.insert(build.key, insns);
        measure_rust_shapes(build, &dir, &mut figures)?;
        measure_c_shapes(build, &mut figures)?;
    }
    let over = over_limits(&figures)?;
    let note = render(&figures, &counts, &over);
    std::fs::write(project_root().join("docs/performance.md"), note)?;
    print_summary(&figures, &over);
    eprintln!(
        "bench: wrote docs/performance.md ({:.0} s)",
        start.elapsed().as_secs_f64()
    );
    if over.is_empty() {
        Ok(Outcome::Passed)
    } else {
        Err(anyhow::anyhow!(
            "bench: past the limit: {}",
            over.join("; ")
        ))
    }
}

/// Where the benchmark builds: `$CARGO_TARGET_DIR/bench`, else `target/bench`.
fn target_base() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"))
        .join("bench")
}

fn cargo_in(dir: &Path) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(dir);
    c
}

/// Builds the `bench/` images; returns their directory.
fn build_bench(build: &Build) -> Result<PathBuf> {
    let dir = target_base().join(format!("images-{}", build.opt));
    run(cargo_in(&project_root().join("bench"))
        .args([
            "build",
            "--quiet",
            "--release",
            "--bins",
            "--target",
            build.target,
        ])
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", build.opt)
        .env("CARGO_TARGET_DIR", &dir))?;
    Ok(dir.join(build.target).join("release"))
}

/// The C API's staticlib `lib` for this build. The main core's is built
/// without `log-failures` (a failure stores its code, no line to the sink),
/// as ESP-AMP's figure is "logging compiled out".
fn build_capi(build: &Build, lib: CapiLib) -> Result<PathBuf> {
    let (side, features) = match lib {
        CapiLib::Main => ("main", "panic-handler,port-critical-section"),
        CapiLib::Sub => ("sub", crate::capi_image::SUB_CORE_FEATURES),
        CapiLib::SubLinked => ("sub-linked", crate::capi_image::LINKED_POOLS_FEATURES),
    };
    let dir = target_base().join(format!("capi-{side}-{}", build.opt));
    crate::capi_image::staticlib(build.target, features, build.opt, &dir)
}

/// Figures past their limit, as messages; an error if a limited figure was
/// not measured (the table is stale).
fn over_limits(figures: &Figures) -> Result<Vec<String>> {
    let mut over = Vec::new();
    for (name, limit) in LIMITS {
        let value = figures
            .get(*name)
            .with_context(|| format!("bench: limit for {name}, which was not measured"))?;
        if value > limit {
            over.push(format!("{name} = {value}, limit {limit}"));
        }
    }
    Ok(over)
}

fn print_summary(figures: &Figures, over: &[String]) {
    println!(
        "bench (instructions from minstret on QEMU virt -icount shift=0; bytes from nm/objdump):"
    );
    for (name, limit) in LIMITS {
        let value = figures.get(*name).copied().unwrap_or(0);
        let flag = if value > *limit { "  OVER" } else { "" };
        println!("  {name:<52} {value:>6}  (limit {limit}){flag}");
    }
    if !over.is_empty() {
        println!("bench: {} figure(s) past the limit", over.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_counts_and_slopes() {
        let lines: Vec<String> = [
            "bench calibration empty 1 ten_nops 11",
            "bench rust_get miss 16 153",
            "bench rust_get miss 256 1833",
            "noise",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let c = parse_counts(&lines).unwrap();
        assert_eq!(c[&("rust_get".into(), "miss".into(), 16)], 153);
        assert_eq!(per_entry(&c, "rust_get"), Some(7));
        assert!(parse_counts(&["bench calibration empty 2 ten_nops 12".to_string()]).is_err());
        assert!(parse_counts(&["bench error rust_get first 1: wrong result".to_string()]).is_err());
    }

    #[test]
    fn limits_name_known_builds() {
        for (name, _) in LIMITS {
            let build = name.split(' ').next().unwrap();
            assert!(BUILDS.iter().any(|b| b.key == build), "{name}");
        }
    }
}
