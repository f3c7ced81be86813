//! Links the sub image from the twin's devicetree (board DTS + this image's
//! overlay, compiled as a Zephyr build would): `pools.rs` (the pools, through
//! the `amp-sysinfo-dt` generator), `memory.x` (this image's RAM, `/chosen
//! zephyr,sram`, with every pool and reserved node cut out), and `link.x`
//! beside this file.
use std::env;
use std::path::PathBuf;

use amp_sysinfo_dt::Devicetree;

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let board = manifest.join("../../boards/qemu/twin");
    let dt = Devicetree::from_board(
        &board.join("twin.dts"),
        &[board.join("twin_sub.overlay")],
        &[],
    )
    .unwrap_or_else(|e| panic!("twin devicetree: {e}"));
    for input in dt.inputs() {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    dt.write_rust(&out.join("pools.rs"))
        .unwrap_or_else(|e| panic!("{e}"));
    dt.write_memory_x(&out.join("memory.x"), None)
        .unwrap_or_else(|e| panic!("{e}"));
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-search={}", manifest.display());
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rerun-if-changed=link.x");
}
