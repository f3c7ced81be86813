//! Generates the LP image's layout and pool constants from the devicetree.
//!
//! Inside the sample's Zephyr build, CMake sets `SYSINFO_DTS` to the main
//! image's final `zephyr.dts` (the same file the main core's build.rs reads
//! through `ZEPHYR_DTS`), so both images take their pools from one
//! devicetree; the LP image's RAM is the node labelled `SYSINFO_LP_RAM`
//! (default `ulp_ram`, Zephyr's LP-core reservation in LP SRAM).
//!
//! Standalone (the repository's checks), `SYSINFO_BOARD` names the LP-core
//! board DTS, `SYSINFO_OVERLAYS` its overlays and `SYSINFO_DTS_INCLUDES` the
//! include directories (both `:`-separated); the RAM is the board's
//! `/chosen zephyr,sram`.

use std::env;
use std::path::{Path, PathBuf};

use amp_sysinfo_dt::Devicetree;

fn split(var: &str) -> Vec<PathBuf> {
    env::var_os(var)
        .map(|v| {
            env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn main() {
    for var in [
        "SYSINFO_DTS",
        "SYSINFO_LP_RAM",
        "SYSINFO_BOARD",
        "SYSINFO_OVERLAYS",
        "SYSINFO_DTS_INCLUDES",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=lpcore.x");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    let (dt, ram) = if let Some(dts) = env::var_os("SYSINFO_DTS") {
        let ram = env::var("SYSINFO_LP_RAM").unwrap_or_else(|_| "ulp_ram".into());
        (Devicetree::from_dts(Path::new(&dts)), Some(ram))
    } else if let Some(board) = env::var_os("SYSINFO_BOARD") {
        (
            Devicetree::from_board(
                Path::new(&board),
                &split("SYSINFO_OVERLAYS"),
                &split("SYSINFO_DTS_INCLUDES"),
            ),
            None,
        )
    } else {
        panic!(
            "sysinfo-lpcore: no devicetree. Set SYSINFO_DTS to the main image's zephyr.dts \
             (the sample's CMakeLists.txt does), or SYSINFO_BOARD (+ SYSINFO_OVERLAYS, SYSINFO_DTS_INCLUDES) \
             to the LP-core board DTS"
        );
    };
    let dt = dt.unwrap_or_else(|e| panic!("sysinfo-lpcore: devicetree: {e}"));
    for input in dt.inputs() {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    dt.write_rust(&out.join("pools.rs"))
        .unwrap_or_else(|e| panic!("sysinfo-lpcore: pools.rs: {e}"));
    dt.write_memory_x(&out.join("memory.x"), ram.as_deref())
        .unwrap_or_else(|e| panic!("sysinfo-lpcore: memory.x: {e}"));
    std::fs::copy("lpcore.x", out.join("lpcore.x")).expect("copy lpcore.x");

    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=-Tlpcore.x");
}
