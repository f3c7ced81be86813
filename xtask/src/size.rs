//! Size report of the sub-core read path (`Reader::get`, `Reader::attach`)
//! and the main core's `Writer::alloc`, measured on a small bare-metal image
//! (`crates/amp-sysinfo/size-probe`) with binutils, per RISC-V target.
//!
//! The aims are `get` <= 80 B and `attach` <= 160 B on rv32imac at opt-level
//! "s" (ESP-AMP's unchecked C `get` is 52 B). The report prints the measured
//! sizes against those aims and fails when a size passes its limit: the size
//! measured last, plus [`MARGIN`]. A change that makes the read path bigger
//! must raise the figure here, visibly; one that makes it smaller should
//! lower it.
use anyhow::Context;
use std::process::Command;

use crate::{project_root, run, Result};

/// Bytes a function may grow past its measured size before the report fails
/// (room for a compiler update's noise, not for a feature).
const MARGIN: u64 = 8;

/// `(symbol, aim in bytes or 0 for none, measured bytes on riscv32imac,
/// measured bytes on riscv32i)`, rustc 1.95, with wire format v4's lookup
/// (66 B; 86 B in v3, whose entries held bus addresses: their block check
/// also tested alignment and subtracted the data area's address; v3's
/// two-slot loop was the same 86 B as v2's one-slot loop, which also
/// loaded and bounded the count) and `attach` checking the version and the
/// generation apart (14 B over v2's 202 B, which folded them into one
/// compare) and reading the generation a second time after the other
/// header words, so that an attach overlapping a format is "not ready"
/// (24 B more; docs/performance.md has what each check costs).
const SIZES: &[(&str, u64, u64, u64)] = &[
    ("probe_get", 80, 66, 100),
    ("probe_attach", 160, 240, 288),
    ("probe_alloc", 0, 248, 348),
];

/// Targets measured: the LP core and twin (`imac`), zephyr-lang-rust's C6 HP
/// target (`i`), in the order of the columns of [`SIZES`].
const TARGETS: &[&str] = &["riscv32imac-unknown-none-elf", "riscv32i-unknown-none-elf"];

/// The limit for a measured size.
fn limit(measured: u64) -> u64 {
    measured + MARGIN
}

pub fn report() -> Result<()> {
    let probe = project_root().join("crates/amp-sysinfo/size-probe");
    let target_dir = project_root().join("target/size-probe");
    let mut over = Vec::new();
    for (t, target) in TARGETS.iter().enumerate() {
        run(
            Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .current_dir(&probe)
                .args(["build", "--quiet", "--release", "--target", target])
                .env("CARGO_TARGET_DIR", &target_dir),
        )?;
        let elf = target_dir
            .join(target)
            .join("release/amp-sysinfo-size-probe");
        let symbols = crate::elf::symbols(&elf)?;
        println!("size report ({target}, opt-level \"s\", LTO):");
        for &(symbol, aim, imac, i) in SIZES {
            let measured = [imac, i][t];
            let size = crate::elf::find(&symbols, symbol)
                .map(|s| s.size)
                .with_context(|| format!("{symbol} not in {}", elf.display()))?;
            let aim_note = match aim {
                0 => String::new(),
                aim if size <= aim => format!(" (aim {aim} B: met)"),
                aim => format!(" (aim {aim} B: not met, +{} B)", size - aim),
            };
            println!(
                "  {:<8} {size:>4} B (measured {measured} B){aim_note}",
                symbol.trim_start_matches("probe_")
            );
            if size > limit(measured) {
                over.push(format!(
                    "{symbol} on {target} is {size} B, limit {} B",
                    limit(measured)
                ));
            }
        }
        let size = Command::new("riscv64-unknown-elf-size")
            .arg(&elf)
            .output()?;
        print!("{}", String::from_utf8_lossy(&size.stdout));
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!("size regression: {}", over.join("; ")))
    }
}
