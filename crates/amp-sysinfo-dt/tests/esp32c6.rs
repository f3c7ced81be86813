//! The module's ESP32-C6 overlays (`boards/*esp32c6*.overlay`, which include
//! the chip-level files in `dts/espressif/esp32c6/`) on small models of the
//! upstream core views (`tests/fixtures/esp32c6/*_view_*.dts`, written for
//! these tests): Zephyr 4.4's HP and LP views and Zephyr 4.0's single HP
//! view. The real upstream chains are checked by `cargo xtask dt-check` on
//! the workspace's Zephyr.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use amp_sysinfo_dt::{Devicetree, Error};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/esp32c6")
        .join(name)
}

/// The upstream view a board overlay applies to, by its file name.
fn view_of(overlay: &str) -> &'static str {
    if overlay.ends_with("_esp32c6_hpcore.overlay") {
        "hp_view_4_4.dts"
    } else if overlay.ends_with("_esp32c6_lpcore.overlay") {
        "lp_view_4_4.dts"
    } else {
        "hp_view_4_0.dts"
    }
}

/// Board view + overlays, with the module's `dts/` on the include path as
/// Zephyr's dts_root puts it.
fn load(view: &str, overlays: &[PathBuf]) -> Result<Devicetree, Error> {
    Devicetree::from_board(&fixture(view), overlays, &[root().join("dts")])
}

fn shipped_overlays() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("boards"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.contains("esp32c6") && n.ends_with(".overlay")
        })
        .collect();
    v.sort();
    v
}

fn body(rust: &str) -> String {
    rust.split_once('\n').unwrap().1.to_string()
}

#[test]
fn every_shipped_overlay_passes_on_its_view_and_all_agree() {
    let overlays = shipped_overlays();
    assert!(overlays.len() >= 3, "{overlays:?}");
    let mut constants = Vec::new();
    for o in &overlays {
        let name = o.file_name().unwrap().to_string_lossy().to_string();
        let dt =
            load(view_of(&name), std::slice::from_ref(o)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let pools = dt.pools().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(pools.len(), 2, "{name}");
        constants.push((name, body(&dt.rust().unwrap())));
    }
    for (name, c) in &constants {
        assert_eq!(
            c, &constants[0].1,
            "{name} disagrees with {}",
            constants[0].0
        );
    }
}

#[test]
fn the_lp_image_ram_ends_where_the_rtc_pool_begins() {
    let dt = load(
        "lp_view_4_4.dts",
        &[root().join("boards/esp32c6_devkitc_esp32c6_lpcore.overlay")],
    )
    .unwrap();
    let mx = dt.memory_x(None).unwrap();
    assert!(mx.contains("ORIGIN = 0x50000000, LENGTH = 0x3800"), "{mx}");
}

#[test]
fn the_pools_alone_on_the_4_4_hp_view_collide_with_ulp_ram_and_say_what_to_do() {
    // Without the shrink of ulp_ram (which the hpcore file does).
    let err = load(
        "hp_view_4_4.dts",
        &[root().join("dts/espressif/esp32c6/esp_amp_sysinfo_pools.dtsi")],
    )
    .unwrap()
    .pools()
    .unwrap_err();
    assert!(
        matches!(&err, Error::Overlap { other, .. } if other.label.as_deref() == Some("ulp_ram")),
        "{err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("shrink ulp_ram") && msg.contains("0x3800") && msg.contains("docs/pools.md"),
        "{msg}"
    );
}

fn negative(view: &str, board_overlay: &str, bad: &str) -> Error {
    load(
        view,
        &[root().join("boards").join(board_overlay), fixture(bad)],
    )
    .unwrap()
    .pools()
    .unwrap_err()
}

#[test]
fn an_hp_pool_running_into_the_roms_data_is_refused() {
    for (view, overlay) in [
        ("hp_view_4_4.dts", "esp32c6_devkitc_esp32c6_hpcore.overlay"),
        ("lp_view_4_4.dts", "esp32c6_devkitc_esp32c6_lpcore.overlay"),
        ("hp_view_4_0.dts", "esp32c6_devkitc.overlay"),
    ] {
        let err = negative(view, overlay, "hp-into-rom.overlay");
        assert!(
            matches!(&err, Error::Overlap { node, other, .. }
                if node.label.as_deref() == Some("sysinfo_hp") && other.label.as_deref() == Some("esp32c6_rom_data")),
            "{view}: {err}"
        );
        assert!(err.to_string().contains("0x4087e610"), "{view}: {err}");
    }
}

#[test]
fn an_rtc_pool_in_hp_sram_is_refused() {
    for (view, overlay) in [
        ("hp_view_4_4.dts", "esp32c6_devkitc_esp32c6_hpcore.overlay"),
        ("lp_view_4_4.dts", "esp32c6_devkitc_esp32c6_lpcore.overlay"),
        ("hp_view_4_0.dts", "esp32c6_devkitc.overlay"),
    ] {
        let err = negative(view, overlay, "rtc-in-hp-sram.overlay");
        assert!(
            matches!(&err, Error::RtcOutsideLpSram { node, .. } if node.label.as_deref() == Some("sysinfo_rtc")),
            "{view}: {err}"
        );
        let msg = err.to_string();
        assert!(msg.contains("sramlp") && msg.contains("LP SRAM"), "{msg}");
    }
}

#[test]
fn an_rtc_pool_on_retainedmem_is_refused_on_both_views() {
    let err = negative(
        "hp_view_4_4.dts",
        "esp32c6_devkitc_esp32c6_hpcore.overlay",
        "rtc-on-retainedmem.overlay",
    );
    assert!(
        matches!(&err, Error::Overlap { other, .. } if other.label.as_deref() == Some("retainedmem")),
        "{err}"
    );
    let err = negative(
        "lp_view_4_4.dts",
        "esp32c6_devkitc_esp32c6_lpcore.overlay",
        "rtc-on-retainedmem.overlay",
    );
    assert!(
        matches!(&err, Error::Overlap { other, .. } if other.label.as_deref() == Some("sysinfo_hp_view_retainedmem")),
        "{err}"
    );
}
