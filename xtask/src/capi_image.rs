//! Bare-metal C images on the C API, as a C sub core links them: the C API's
//! staticlib for a target, and a freestanding rv32 image at 0x5000_0000 (the
//! ESP32-C6 LP SRAM) linked against it with GNU ld. Used by the benchmark's
//! C shapes and by the no-panic check's C probe.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, project_root, run, Result};

/// Features of the C API's bare-metal sub-core library: pools from
/// `esp_amp_sys_info_set_pool`.
pub const SUB_CORE_FEATURES: &str = "panic-handler,sub-core,port-critical-section";
/// Features of its `linked-pools` build: pools defined by the image.
pub const LINKED_POOLS_FEATURES: &str = "panic-handler,linked-pools,port-critical-section";

/// The C API's LTO'd staticlib for `target` with exactly `features` (no
/// default features: name `panic-handler`, `log-failures` where wanted) at
/// `opt_level`, built in `dir` (`cargo rustc --crate-type staticlib`: plain
/// `cargo build` gives a lib that is also an rlib, without LTO). Returns the
/// `.a`.
pub fn staticlib(target: &str, features: &str, opt_level: &str, dir: &Path) -> Result<PathBuf> {
    run(cargo()
        .args([
            "rustc",
            "--quiet",
            "--lib",
            "--release",
            "-p",
            "amp-sysinfo-capi",
            "--crate-type",
            "staticlib",
        ])
        .args(["--target", target, "--no-default-features"])
        .args(["--features", features])
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", opt_level)
        .env("CARGO_TARGET_DIR", dir))?;
    Ok(dir.join(target).join("release/libamp_sysinfo_capi.a"))
}

/// Links the C file `source` (with `include/` on the path) and `lib` into
/// the freestanding image `out`: `-Os`, no start files or C library, unused
/// sections dropped, no undefined symbol allowed. `extra` flags come before
/// the inputs.
pub fn link(
    march: &str,
    source: &Path,
    lib: Option<&Path>,
    extra: &[&str],
    out: &Path,
) -> Result<()> {
    let mut cmd = Command::new("riscv64-unknown-elf-gcc");
    cmd.arg(format!("-march={march}"))
        .args([
            "-mabi=ilp32",
            "-Os",
            "-ffreestanding",
            "-nostdlib",
            "-nostartfiles",
        ])
        .args([
            "-ffunction-sections",
            "-Wl,--gc-sections",
            "-Wl,--no-undefined",
            "-Wl,-Ttext=0x50000000",
        ])
        .args(extra)
        .arg("-I")
        .arg(project_root().join("include"))
        .arg(source);
    if let Some(lib) = lib {
        cmd.arg(lib);
    }
    run(cmd.arg("-o").arg(out))
}
