//! Host side, for the images' build scripts (feature `build`): links one twin
//! image from the twin's devicetree, `boards/qemu/twin/twin.dts` plus that
//! image's overlay, compiled as a Zephyr build would.
//!
//! Both images' `build.rs` call [`link_image`], so the two are linked the same
//! way; the main image then adds what only it needs (the sub image's entry).

extern crate std;

use std::path::PathBuf;
use std::{env, panic, println};

pub use amp_sysinfo_dt::Devicetree;

/// An image whose pools and `memory.x` are written: what its build script may
/// generate on top.
pub struct Image {
    /// The twin devicetree with this image's overlay.
    pub devicetree: Devicetree,
    /// The build script's `OUT_DIR`.
    pub out_dir: PathBuf,
}

/// Writes `pools.rs` (the pools, through the `amp-sysinfo-dt` generator) and
/// `memory.x` (this image's RAM, `/chosen zephyr,sram`, with every pool and
/// reserved node cut out) to `OUT_DIR`, and tells Cargo to link the image with
/// `link.x` beside its `Cargo.toml` and to rerun when the devicetree or
/// `link.x` changes. `overlay` is the image's overlay in `boards/qemu/twin`.
///
/// Call from an image's build script only (it reads `CARGO_MANIFEST_DIR` and
/// `OUT_DIR`); panics, as a build script should, on any error.
pub fn link_image(overlay: &str) -> Image {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let board = manifest.join("../../boards/qemu/twin");
    let devicetree = Devicetree::from_board(&board.join("twin.dts"), &[board.join(overlay)], &[])
        .unwrap_or_else(|e| panic!("twin devicetree: {e}"));
    for input in devicetree.inputs() {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    devicetree
        .write_rust(&out_dir.join("pools.rs"))
        .unwrap_or_else(|e| panic!("{e}"));
    devicetree
        .write_memory_x(&out_dir.join("memory.x"), None)
        .unwrap_or_else(|e| panic!("{e}"));
    println!("cargo:rustc-link-search={}", out_dir.display());
    println!("cargo:rustc-link-search={}", manifest.display());
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rerun-if-changed=link.x");
    Image {
        devicetree,
        out_dir,
    }
}
