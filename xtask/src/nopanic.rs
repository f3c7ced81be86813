//! `cargo xtask nopanic`: no sub-core image links a panic path.
//!
//! Builds every sub-core image the project has, for the LP core's target
//! (`riscv32imac`), and reads its symbols (the `object` crate, demangled):
//!
//! - the size probe (`crates/amp-sysinfo/size-probe`: `Reader::attach`,
//!   `Reader::get`, `Writer::alloc`), once as shipped (release: no overflow
//!   checks) and once with `-C overflow-checks=on`, so that an unchecked `+`
//!   in the core's address arithmetic, which release builds would let wrap
//!   silently, shows up as `panic_const_add_overflow`;
//! - the twin's sub image (`twin/sub`, release);
//! - the C API's sub-core library (`--features sub-core,port-critical-section`,
//!   LTO'd staticlib) linked into the C probe `tests/c/probe_sub_core.c`,
//!   and its `linked-pools` build into `tests/c/probe_sub_core_linked.c`.
//!
//! The step also runs the C API's `tests/riscv_link.rs` (`--ignored` in a
//! plain `cargo test`, as it needs these tools): both libraries link into C
//! images with GNU ld, nothing undefined, within a size budget.
//!
//! An image fails if any symbol of `core` that panics is left in it
//! (`core::panicking::*`, `panic_bounds_check`, `slice_index_fail`,
//! `unwrap_failed`, `len_mismatch_fail`, ...). The image's own
//! `#[panic_handler]` may stay: rustc needs one, and with nothing calling it
//! it is dead code.

use std::path::{Path, PathBuf};

use crate::outcome::{Outcome, StepResult};
use crate::{cargo, project_root, run, Result};

const TARGET: &str = "riscv32imac-unknown-none-elf";
const GCC: &str = "riscv64-unknown-elf-gcc";

/// Where this step builds: `$CARGO_TARGET_DIR/nopanic`, else `target/nopanic`.
fn target_base() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"))
        .join("nopanic")
}

/// True for a symbol (demangled) that is part of `core`'s panic machinery.
pub fn is_panic_symbol(name: &str) -> bool {
    name.contains("core::panicking")
        || (name.starts_with("core::") && (name.contains("panic") || name.contains("_fail")))
}

/// The panic symbols of `elf` (demangled names).
fn panic_symbols(elf: &Path) -> Result<Vec<String>> {
    Ok(crate::elf::symbols(elf)?
        .into_iter()
        .map(|s| s.name)
        .filter(|name| is_panic_symbol(name))
        .collect())
}

fn size_probe(overflow_checks: bool) -> Result<PathBuf> {
    let dir = target_base().join(if overflow_checks {
        "size-probe-oc"
    } else {
        "size-probe"
    });
    let mut cmd = cargo();
    cmd.current_dir(project_root().join("crates/amp-sysinfo/size-probe"))
        .args(["build", "--quiet", "--release", "--target", TARGET])
        .env("CARGO_TARGET_DIR", &dir);
    if overflow_checks {
        cmd.env("RUSTFLAGS", "-C overflow-checks=on");
    }
    run(&mut cmd)?;
    Ok(dir.join(TARGET).join("release/amp-sysinfo-size-probe"))
}

fn twin_sub() -> Result<PathBuf> {
    let dir = target_base().join("twin");
    run(cargo()
        .current_dir(project_root().join("twin"))
        .args([
            "build",
            "--quiet",
            "--release",
            "--target",
            TARGET,
            "-p",
            "twin-sub",
        ])
        .env("CARGO_TARGET_DIR", &dir))?;
    Ok(dir.join(TARGET).join("release/twin-sub"))
}

/// The C probe `probe` (under the C API's `tests/c`) linked with the C
/// API's sub-core staticlib built with `features`.
fn capi_probe(name: &str, features: &str, probe: &str) -> Result<PathBuf> {
    let dir = target_base().join(name);
    let lib = crate::capi_image::staticlib(TARGET, features, "s", &dir)?;
    let elf = dir.join(probe.replace(".c", ".elf"));
    let source = project_root()
        .join("crates/amp-sysinfo-capi/tests/c")
        .join(probe);
    crate::capi_image::link("rv32imac_zicsr", &source, Some(&lib), &[], &elf)?;
    Ok(elf)
}

fn capi_sub_probe() -> Result<PathBuf> {
    capi_probe(
        "capi-sub",
        crate::capi_image::SUB_CORE_FEATURES,
        "probe_sub_core.c",
    )
}

fn capi_sub_linked_probe() -> Result<PathBuf> {
    capi_probe(
        "capi-sub-linked",
        crate::capi_image::LINKED_POOLS_FEATURES,
        "probe_sub_core_linked.c",
    )
}

/// Builds one image and returns its ELF.
type Build = fn() -> Result<PathBuf>;

pub fn check() -> StepResult {
    for tool in [GCC] {
        if !crate::setup::have(tool) {
            return Ok(Outcome::Skipped(format!(
                "{tool} not installed (cargo xtask setup)"
            )));
        }
    }
    let images: [(&str, Build); 5] = [
        ("size probe (release)", || size_probe(false)),
        ("size probe (overflow checks on)", || size_probe(true)),
        ("twin sub image", twin_sub),
        ("C API sub-core probe image", capi_sub_probe),
        ("C API linked-pools probe image", capi_sub_linked_probe),
    ];
    let mut bad = Vec::new();
    for (name, build) in images {
        let elf = build()?;
        let found = panic_symbols(&elf)?;
        if found.is_empty() {
            eprintln!("nopanic: {name}: no panic symbol ({})", elf.display());
        } else {
            eprintln!("nopanic: {name}: {} panic symbol(s):", found.len());
            for s in &found {
                eprintln!("    {s}");
            }
            bad.push(name);
        }
    }
    if !bad.is_empty() {
        return Err(anyhow::anyhow!(
            "panic path linked into: {}",
            bad.join(", ")
        ));
    }
    run(cargo().args([
        "test",
        "--quiet",
        "-p",
        "amp-sysinfo-capi",
        "--test",
        "riscv_link",
        "--",
        "--ignored",
    ]))?;
    Ok(Outcome::Passed)
}

#[cfg(test)]
mod tests {
    use super::{is_panic_symbol, panic_symbols};

    /// A host binary that can panic (this test binary) has `core` panic
    /// symbols, and they are found in the real ELF file.
    #[test]
    fn finds_the_panic_symbols_of_a_real_image() {
        let exe = std::env::current_exe().unwrap();
        let found = panic_symbols(&exe).unwrap();
        assert!(
            found.iter().any(|s| s.starts_with("core::panicking::")),
            "{found:?}"
        );
    }

    #[test]
    fn recognises_core_panic_symbols_only() {
        for s in [
            "core::panicking::panic_fmt",
            "core::panicking::panic_bounds_check",
            "core::panicking::panic_const::panic_const_add_overflow",
            "core::slice::index::slice_index_fail",
            "core::slice::copy_from_slice_impl::len_mismatch_fail",
            "core::option::unwrap_failed",
            "core::cell::panic_already_borrowed",
        ] {
            assert!(is_panic_symbol(s), "{s}");
        }
        for s in [
            "rust_begin_unwind",
            "__rustc::rust_begin_unwind",
            "twin_rt::exit::panic_report",
            "probe_get",
            "core::fmt::write",
        ] {
            assert!(!is_panic_symbol(s), "{s}");
        }
    }
}
