//! One test per validation rule of the generator, on small devicetrees.

mod common;

use amp_sysinfo::PoolKind;
use amp_sysinfo_dt::{Error, Pool};
use common::*;

/// The pools of a tree with [`RAM`] and a `/reserved-memory` of `nodes`.
#[allow(clippy::result_large_err)] // see lib.rs
fn pools_in_ram(nodes: &str) -> Result<Vec<Pool>, Error> {
    pools(&tree(&format!("{RAM}{}", reserved(nodes))))
}

/// As [`pools_in_ram`], with LP SRAM and its claimed children ([`SRAMLP`]).
#[allow(clippy::result_large_err)] // see lib.rs
fn pools_with_lp_sram(nodes: &str) -> Result<Vec<Pool>, Error> {
    pools(&tree(&format!("{RAM}{SRAMLP}{}", reserved(nodes))))
}

/// A pool labelled `sysinfo_hp`.
fn hp_at(addr: u32, size: u32, extra: &str) -> String {
    pool("sysinfo_hp", addr, size, "hp", extra)
}

/// A pool labelled `sysinfo_rtc`.
fn rtc_at(addr: u32, size: u32, extra: &str) -> String {
    pool("sysinfo_rtc", addr, size, "rtc", extra)
}

/// Asserts that `err` is an overlap with the node labelled `other_label`.
#[track_caller]
fn assert_overlaps(err: &Error, other_label: &str) {
    assert!(
        matches!(err, Error::Overlap { other, .. } if other.label.as_deref() == Some(other_label)),
        "{err}"
    );
}

/// Asserts that `err` is about the pool property `property`.
#[track_caller]
fn assert_property(err: &Error, property: &str) {
    assert!(
        matches!(err, Error::Property { property: p, .. } if *p == property),
        "{err}"
    );
}

#[test]
fn accepts_an_hp_and_an_rtc_pool_hp_first() {
    let rtc = rtc_at(0x4000_2000, 0x400, "max-entries = <4>;");
    let pools = pools_in_ram(&(rtc + &hp_pool())).unwrap();
    assert_eq!(pools.len(), 2);
    // (kind, base, size, max entries) of pool `i`.
    let config = |i: usize| {
        let c = &pools[i].config;
        (c.kind, c.bus_base, c.size, c.max_entries)
    };
    assert_eq!(config(0), (PoolKind::Hp, 0x4000_8000, 0x1000, 16));
    assert_eq!(config(1), (PoolKind::Rtc, 0x4000_2000, 0x400, 4));
    assert_eq!(pools[0].node.label.as_deref(), Some("sysinfo_hp"));
    assert_eq!(pools[0].node.path, "/reserved-memory/memory@40008000");
}

#[test]
fn missing_hp_pool() {
    let rtc = rtc_at(0x4000_2000, 0x400, "");
    assert!(matches!(pools_in_ram(&rtc), Err(Error::MissingHpPool)));
    // No pool at all is the same error.
    assert!(matches!(pools(&tree(RAM)), Err(Error::MissingHpPool)));
}

#[test]
fn two_pools_of_one_kind() {
    let second = pool("second_hp", 0x4000_2000, 0x400, "hp", "sub-core = \"lp\";");
    let err = pools_in_ram(&(second + &hp_pool())).unwrap_err();
    match &err {
        Error::DuplicateKind {
            kind,
            first,
            second,
        } => {
            assert_eq!(*kind, "hp");
            assert_eq!(first.label.as_deref(), Some("second_hp"));
            assert_eq!(second.label.as_deref(), Some("sysinfo_hp"));
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("a second hp pool"), "{err}");
}

#[test]
fn a_disabled_pool_is_ignored() {
    let off = pool(
        "old_hp",
        0x4000_2000,
        0x400,
        "hp",
        "sub-core = \"lp\"; status = \"disabled\";",
    );
    assert_eq!(pools_in_ram(&(off + &hp_pool())).unwrap().len(), 1);
}

#[test]
fn rtc_pool_without_an_lp_sub_core() {
    let hp = hp_at(0x4000_8000, 0x1000, "sub-core = \"hp\";");
    let rtc = rtc_at(0x4000_2000, 0x400, "");
    let err = pools_in_ram(&(hp.clone() + &rtc)).unwrap_err();
    assert!(
        matches!(&err, Error::RtcWithoutLpCore { node, .. } if node.label.as_deref() == Some("sysinfo_rtc")),
        "{err}"
    );
    // The same HP pool alone is fine (ESP32-P4: HP sub core, no RTC pool).
    assert!(pools_in_ram(&hp).is_ok());
}

#[test]
fn pool_outside_any_memory_node() {
    let hp = hp_at(0x5000_0000, 0x1000, "sub-core = \"lp\";");
    let err = pools_in_ram(&hp).unwrap_err();
    assert!(
        matches!(&err, Error::OutsideMemory { node, .. } if node.label.as_deref() == Some("sysinfo_hp")),
        "{err}"
    );
    assert!(err.to_string().contains("0x50000000..0x50001000"), "{err}");
}

#[test]
fn pool_straddling_the_end_of_memory() {
    let hp = hp_at(0x4000_f800, 0x1000, "sub-core = \"lp\";");
    assert!(matches!(
        pools_in_ram(&hp),
        Err(Error::OutsideMemory { .. })
    ));
}

#[test]
fn pool_overlapping_another_pool() {
    let rtc = rtc_at(0x4000_8800, 0x1000, "");
    let err = pools_in_ram(&(hp_pool() + &rtc)).unwrap_err();
    match &err {
        Error::Overlap { node, other, .. } => {
            assert_eq!(node.label.as_deref(), Some("sysinfo_hp"));
            assert_eq!(other.label.as_deref(), Some("sysinfo_rtc"));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn pool_overlapping_another_reserved_memory_node() {
    let other = "\t\tfw_log: memory@40008f00 { reg = <0x40008f00 0x200>; };\n";
    let err = pools_in_ram(&(hp_pool() + other)).unwrap_err();
    assert_overlaps(&err, "fw_log");
}

/// LP SRAM as Zephyr's ESP32-C6 devicetree describes it: children at
/// offsets, mapped by `ranges` (so `ulp_shm` is really at 0x5000_3c00).
const SRAMLP: &str = "\tsoc {
\t\t#address-cells = <1>;
\t\t#size-cells = <1>;
\t\tcompatible = \"simple-bus\";
\t\tranges;
\t\tsramlp: memory@50000000 {
\t\t\t#address-cells = <1>;
\t\t\t#size-cells = <1>;
\t\t\tcompatible = \"mmio-sram\";
\t\t\treg = <0x50000000 0x4000>;
\t\t\tranges = <0x0 0x50000000 0x4000>;
\t\t\tulp_ram: memory@0 { compatible = \"mmio-sram\"; reg = <0x0 0x3800>; };
\t\t\tulp_shm: memory@3c00 { compatible = \"mmio-sram\"; reg = <0x3c00 0x10>; };
\t\t\tmbox0: mbox@3ff8 { compatible = \"espressif,mbox-esp32\"; reg = <0x3ff8 0x8>; };
\t\t};
\t};
";

#[test]
fn rtc_pool_clear_of_the_lp_sram_children_is_accepted() {
    let rtc = rtc_at(0x5000_3800, 0x3f0, "");
    let pools = pools_with_lp_sram(&(hp_pool() + &rtc)).unwrap();
    assert_eq!(pools[1].config.bus_base, 0x5000_3800);
}

#[test]
fn pool_overlapping_a_claimed_part_of_memory_translated_through_ranges() {
    let rtc = rtc_at(0x5000_3a00, 0x400, "");
    let err = pools_with_lp_sram(&(hp_pool() + &rtc)).unwrap_err();
    match &err {
        Error::Overlap {
            other, other_range, ..
        } => {
            assert_eq!(other.label.as_deref(), Some("ulp_shm"));
            assert_eq!(
                (other_range.start, other_range.end),
                (0x5000_3c00, 0x5000_3c10)
            );
        }
        other => panic!("{other}"),
    }
}

#[test]
fn pool_overlapping_a_device_inside_memory() {
    let rtc = rtc_at(0x5000_3f00, 0x100, "max-entries = <4>;");
    let err = pools_with_lp_sram(&(hp_pool() + &rtc)).unwrap_err();
    assert_overlaps(&err, "mbox0");
}

#[test]
fn pool_inside_the_sub_cores_ram_node_is_a_collision() {
    // ulp_ram is the LP core's image RAM: a pool inside it must be carved
    // out in the devicetree (shrink ulp_ram), not overlapped.
    let rtc = rtc_at(0x5000_3000, 0x400, "");
    let err = pools_with_lp_sram(&(hp_pool() + &rtc)).unwrap_err();
    assert_overlaps(&err, "ulp_ram");
}

#[test]
fn misaligned_base() {
    let hp = hp_at(0x4000_8008, 0x1000, "sub-core = \"lp\";");
    let err = pools_in_ram(&hp).unwrap_err();
    assert!(matches!(&err, Error::Misaligned { align: 16, .. }), "{err}");
}

#[test]
fn misaligned_size() {
    let hp = hp_at(0x4000_8000, 0xffc, "sub-core = \"lp\";");
    assert!(matches!(pools_in_ram(&hp), Err(Error::Misaligned { .. })));
}

#[test]
fn too_small_for_its_table() {
    // 32-byte header + 16 entries of 8 bytes = 0xa0.
    let hp = hp_at(0x4000_8000, 0x90, "sub-core = \"lp\";");
    let err = pools_in_ram(&hp).unwrap_err();
    match &err {
        Error::TooSmall {
            size,
            needed,
            max_entries,
            ..
        } => assert_eq!((*size, *needed, *max_entries), (0x90, 0xa0, 16)),
        other => panic!("{other}"),
    }
    // With a smaller table the same pool fits.
    let hp = hp_at(0x4000_8000, 0x90, "sub-core = \"lp\"; max-entries = <4>;");
    assert!(pools_in_ram(&hp).is_ok());
}

#[test]
fn pool_above_4_gib() {
    let dts = "/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <1>;
\thigh: memory@100000000 { device_type = \"memory\"; reg = <0x1 0x0 0x10000>; };
\treserved-memory { #address-cells = <2>; #size-cells = <1>; ranges;
\t\tsysinfo_hp: memory@100000000 { compatible = \"esp-amp-sysinfo,pool\"; reg = <0x1 0x0 0x1000>; pool-kind = \"hp\"; sub-core = \"lp\"; };
\t};\n};\n";
    assert!(matches!(pools(dts), Err(Error::AddressTooLarge { .. })));
}

fn property_error(extra_props: &str, kind: &str) -> (String, String) {
    let reg = if extra_props.contains("reg =") {
        ""
    } else {
        "reg = <0x40008000 0x1000>;"
    };
    let node = format!(
        "\t\tsysinfo_hp: memory@40008000 {{ compatible = \"esp-amp-sysinfo,pool\"; {reg} {kind} {extra_props} }};\n"
    );
    match pools_in_ram(&node) {
        Err(Error::Property {
            node,
            property,
            problem,
        }) => {
            assert_eq!(node.label.as_deref(), Some("sysinfo_hp"));
            (property.to_string(), problem)
        }
        other => panic!("expected a property error, got {other:?}"),
    }
}

#[test]
fn pool_kind_missing_misspelt_or_mistyped() {
    assert_eq!(property_error("sub-core = \"lp\";", "").0, "pool-kind");
    let (prop, problem) = property_error("sub-core = \"lp\";", "pool-kind = \"HP\";");
    assert_eq!(prop, "pool-kind");
    assert!(problem.contains("\"HP\""), "{problem}");
    assert!(property_error("sub-core = \"lp\";", "pool-kind = <1>;")
        .1
        .contains("not a string"));
}

#[test]
fn sub_core_missing_on_hp_wrong_or_on_rtc() {
    assert!(property_error("", "pool-kind = \"hp\";")
        .1
        .contains("missing on the HP pool"));
    assert!(property_error("sub-core = \"ulp\";", "pool-kind = \"hp\";")
        .1
        .contains("\"ulp\""));
    let rtc = rtc_at(0x4000_2000, 0x400, "sub-core = \"lp\";");
    let err = pools_in_ram(&(hp_pool() + &rtc)).unwrap_err();
    assert_property(&err, "sub-core");
}

#[test]
fn max_entries_out_of_range_or_mistyped() {
    let kind = "pool-kind = \"hp\"; sub-core = \"lp\";";
    assert_eq!(property_error("max-entries = <0>;", kind).0, "max-entries");
    assert!(property_error("max-entries = <0x10000>;", kind)
        .1
        .contains("65536"));
    assert!(property_error("max-entries = \"16\";", kind)
        .1
        .contains("not a single 32-bit cell"));
}

#[test]
fn reg_with_two_entries() {
    let (prop, problem) = property_error(
        "sub-core = \"lp\"; reg = <0x40008000 0x800 0x40009000 0x800>;",
        "pool-kind = \"hp\";",
    );
    assert_eq!(prop, "reg");
    assert!(problem.contains("exactly one"), "{problem}");
}

#[test]
fn reg_missing() {
    let node = "\t\tsysinfo_hp: pool { compatible = \"esp-amp-sysinfo,pool\"; pool-kind = \"hp\"; sub-core = \"lp\"; };\n";
    let err = pools_in_ram(node).unwrap_err();
    assert_property(&err, "reg");
}

#[test]
fn a_misspelt_property_is_rejected() {
    let hp = hp_at(0x4000_8000, 0x1000, "sub-core = \"lp\"; max-entires = <8>;");
    let err = pools_in_ram(&hp).unwrap_err();
    match &err {
        Error::UnknownProperty { node, property } => {
            assert_eq!(property, "max-entires");
            assert_eq!(node.label.as_deref(), Some("sysinfo_hp"));
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string().contains("max-entries"),
        "the message lists the known properties: {err}"
    );
}

#[test]
fn messages_name_the_node_by_path_and_label() {
    let hp = hp_at(0x4000_8008, 0x1000, "sub-core = \"lp\";");
    let msg = pools_in_ram(&hp).unwrap_err().to_string();
    assert!(
        msg.starts_with("/reserved-memory/memory@40008008 (sysinfo_hp): "),
        "{msg}"
    );
}

#[test]
fn a_dtc_syntax_error_is_reported_with_dtc_output() {
    let err = load("/dts-v1/;\n/ { oops };\n").unwrap_err();
    match &err {
        Error::Tool { tool, stderr, .. } => {
            assert_eq!(tool, "dtc");
            assert!(stderr.contains("syntax error"), "{stderr}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn unit_address_must_match_reg() {
    let node = "\t\tsysinfo_hp: memory@40008000 { compatible = \"esp-amp-sysinfo,pool\"; reg = <0x40004000 0x1000>; pool-kind = \"hp\"; sub-core = \"lp\"; };\n";
    let err = pools_in_ram(node).unwrap_err();
    match &err {
        Error::Property {
            property: "reg",
            problem,
            ..
        } => assert!(
            problem.contains("rename the node to memory@40004000"),
            "{problem}"
        ),
        other => panic!("{other}"),
    }
}
