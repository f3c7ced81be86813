//! `Devicetree::region` and `rust_region_base` on the twin devicetree.

use std::path::{Path, PathBuf};

use amp_sysinfo_dt::Devicetree;

fn twin() -> Devicetree {
    let board = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boards/qemu/twin");
    let overlay: PathBuf = board.join("twin_main.overlay");
    Devicetree::from_board(&board.join("twin.dts"), &[overlay], &[]).expect("twin devicetree")
}

#[test]
fn region_base_constant_by_label_and_by_path() {
    let dt = twin();
    let by_label = dt.rust_region_base("twin_control", "CONTROL_BASE").unwrap();
    assert!(
        by_label.ends_with("pub const CONTROL_BASE: usize = 0x80320000;\n"),
        "{by_label}"
    );
    assert!(
        by_label.contains("/reserved-memory/memory@80320000"),
        "{by_label}"
    );
    let by_path = dt
        .rust_region_base("/soc/clint@2000000", "CLINT_BASE")
        .unwrap();
    assert!(
        by_path.ends_with("pub const CLINT_BASE: usize = 0x2000000;\n"),
        "{by_path}"
    );
}

#[test]
fn region_base_of_a_missing_node_is_an_error_naming_it() {
    let err = twin()
        .rust_region_base("/soc/no-such-node", "X")
        .unwrap_err()
        .to_string();
    assert!(err.contains("/soc/no-such-node"), "{err}");
}
