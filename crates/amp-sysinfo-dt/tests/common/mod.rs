//! Small devicetrees for the tests, written to files and loaded the way a
//! build script would (through `dtc`).
#![allow(dead_code, clippy::result_large_err)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use amp_sysinfo_dt::{Devicetree, Error, Pool};

/// A scratch file in cargo's per-test-target temporary directory.
pub fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("dt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}-{name}", NEXT.fetch_add(1, Ordering::Relaxed)))
}

/// A devicetree with a root of one address and one size cell around `body`.
pub fn tree(body: &str) -> String {
    format!("/dts-v1/;\n/ {{\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n{body}\n}};\n")
}

/// 64 KiB of RAM at 0x4000_0000, labelled `sram`.
pub const RAM: &str =
    "\tsram: memory@40000000 { device_type = \"memory\"; reg = <0x40000000 0x10000>; };\n";

/// `/reserved-memory` holding `nodes`.
pub fn reserved(nodes: &str) -> String {
    format!("\treserved-memory {{\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n\t\tranges;\n{nodes}\t}};\n")
}

/// A pool node; `extra` is more properties (e.g. `sub-core = "lp";`).
pub fn pool(label: &str, addr: u32, size: u32, kind: &str, extra: &str) -> String {
    format!(
        "\t\t{label}: memory@{addr:x} {{ compatible = \"esp-amp-sysinfo,pool\"; reg = <{addr:#x} {size:#x}>; pool-kind = \"{kind}\"; {extra} }};\n"
    )
}

/// The usual HP pool: 4 KiB at 0x4000_8000, LP sub core.
pub fn hp_pool() -> String {
    pool(
        "sysinfo_hp",
        0x4000_8000,
        0x1000,
        "hp",
        "sub-core = \"lp\";",
    )
}

pub fn load(dts: &str) -> Result<Devicetree, Error> {
    let path = scratch("test.dts");
    std::fs::write(&path, dts).unwrap();
    Devicetree::from_dts(&path)
}

pub fn pools(dts: &str) -> Result<Vec<Pool>, Error> {
    load(dts)?.pools()
}
