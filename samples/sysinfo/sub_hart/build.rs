//! Generates the sub image's layout and constants from the main image's
//! final devicetree (`SYSINFO_DTS`, set by sub_hart.cmake to the Zephyr
//! build's `zephyr.dts`), so both images take their pools from one file:
//!
//! - `pools.rs`: `HP_POOL`, `RTC_POOL`, `POOLS`;
//! - `memory.x` for riscv-rt: the node `SYSINFO_SUB_RAM` (a label; default
//!   `sysinfo_sub_ram`) with every pool and reserved node cut out, every
//!   riscv-rt region in it, and `_max_hart_id = 1` (this image runs on hart
//!   1 only);
//! - `board.rs`: the CLINT's address (`/soc/clint@2000000` in Zephyr's
//!   `dts/riscv/qemu/virt-riscv.dtsi`), whose software-interrupt word for
//!   this hart is the "start" signal from the main core.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use amp_sysinfo_dt::Devicetree;

fn main() {
    for var in ["SYSINFO_DTS", "SYSINFO_SUB_RAM"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dts = env::var_os("SYSINFO_DTS").unwrap_or_else(|| {
        panic!("sysinfo-sub-hart: set SYSINFO_DTS to the Zephyr build's zephyr.dts (sub_hart.cmake does)")
    });
    let ram = env::var("SYSINFO_SUB_RAM").unwrap_or_else(|_| "sysinfo_sub_ram".into());
    let dt = Devicetree::from_dts(Path::new(&dts))
        .unwrap_or_else(|e| panic!("sysinfo-sub-hart: devicetree: {e}"));
    for input in dt.inputs() {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    dt.write_rust(&out.join("pools.rs"))
        .unwrap_or_else(|e| panic!("sysinfo-sub-hart: pools.rs: {e}"));

    let mut memory = dt
        .memory_x(Some(&ram))
        .unwrap_or_else(|e| panic!("sysinfo-sub-hart: memory.x: {e}"));
    for region in ["TEXT", "RODATA", "DATA", "BSS", "HEAP", "STACK"] {
        writeln!(memory, "REGION_ALIAS(\"REGION_{region}\", RAM);").unwrap();
    }
    memory.push_str("_max_hart_id = 1;\n");
    std::fs::write(out.join("memory.x"), memory).expect("write memory.x");

    let board = dt
        .rust_region_base("/soc/clint@2000000", "CLINT_BASE")
        .unwrap_or_else(|e| panic!("the CLINT (hart 1's start signal): {e}"));
    std::fs::write(out.join("board.rs"), board).expect("write board.rs");

    println!("cargo:rustc-link-search={}", out.display());
    // riscv-rt 0.16 takes the memory layout as its own script, before link.x.
    println!("cargo:rustc-link-arg-bins=-Tmemory.x");
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
}
