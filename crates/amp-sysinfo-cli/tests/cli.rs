//! `amp-sysinfo` on images written by the core's writer (golden outputs),
//! on corrupt images, on the repository's twin devicetree, and on a real
//! Zephyr build directory when `AMP_SYSINFO_BUILD_DIR` names one.

mod common;

use amp_sysinfo::{Id, PoolConfig, PoolKind, Region, Writer};
use common::*;

const HP: u32 = 0x8030_0000;
const RTC: u32 = 0x8031_0000;
const HP_SIZE: u32 = 0x4000;
const RTC_SIZE: u32 = 0x1000;

/// Bytes of a pool the core's writer formatted and filled with `fill`.
fn image(kind: PoolKind, base: u32, size: u32, fill: impl FnOnce(&Writer)) -> Vec<u8> {
    let mut mem = vec![0u128; size as usize / 16];
    // SAFETY: `mem` outlives the writer's use of the region (this function).
    let region = unsafe { Region::new(mem.as_mut_ptr().cast(), base, size) }.unwrap();
    let w = Writer::new();
    w.init(region, &PoolConfig::new(kind, base, size)).unwrap();
    fill(&w);
    mem.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// The twin's pools as its main image fills them (ids as in the demo).
fn hp_image() -> Vec<u8> {
    image(PoolKind::Hp, HP, HP_SIZE, |w| {
        w.alloc(Id::SW_INTR, 4, PoolKind::Hp).unwrap();
        w.alloc_with(Id::new(1).unwrap(), PoolKind::Hp, &[36u32; 10])
            .unwrap();
        w.alloc_aligned(Id::new(2).unwrap(), 16, 64, PoolKind::Hp)
            .unwrap();
        w.alloc(Id::new(4).unwrap(), 256, PoolKind::Hp).unwrap();
    })
}

fn rtc_image() -> Vec<u8> {
    image(PoolKind::Rtc, RTC, RTC_SIZE, |w| {
        w.alloc(Id::new(0x10).unwrap(), 8, PoolKind::Rtc).unwrap();
    })
}

fn write(name: &str, bytes: &[u8]) -> String {
    let p = scratch(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// Output with the scratch directory replaced, for golden files.
fn portable(s: &str) -> String {
    s.replace(&scratch("").display().to_string(), "$TMP/")
}

fn set_word(bytes: &mut [u8], index: usize, value: u32) {
    bytes[index * 4..index * 4 + 4].copy_from_slice(&value.to_le_bytes());
}

#[test]
fn dump_of_written_images_matches_golden() {
    let hp = write("hp.bin", &hp_image());
    let rtc = write("rtc.bin", &rtc_image());
    let out = expect(
        &["dump", &format!("{hp}@{HP:#x}"), &format!("{rtc}@{RTC:#x}")],
        0,
    );
    golden("dump_hp_rtc.txt", &portable(&out));
    // The same with the pools from the twin's devicetree, one dump at --base.
    let build = twin_build_dir("twin-build");
    let out = expect(
        &[
            "dump",
            &hp,
            "--base",
            "0x80300000",
            "--build-dir",
            build.to_str().unwrap(),
        ],
        0,
    );
    assert!(
        out.contains("/reserved-memory/memory@80300000 (sysinfo_hp)"),
        "{out}"
    );
    assert!(out.contains("  ok\n"), "{out}");
}

#[test]
fn dump_json_names_every_field() {
    let hp = write("hp-json.bin", &hp_image());
    let out = expect(&["dump", "--json", &format!("{hp}@0x80300000")], 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let pool = &v[0];
    assert_eq!(pool["kind"], "hp");
    assert_eq!(pool["ok"], true);
    let e = &pool["entries"];
    assert_eq!(e.as_array().unwrap().len(), 4);
    assert_eq!(
        (e[0]["id"].as_u64(), e[0]["name"].as_str()),
        (Some(0xff00), Some("SW_INTR"))
    );
    assert_eq!(
        (
            e[1]["id"].as_u64(),
            e[1]["size"].as_u64(),
            e[1]["offset"].as_u64()
        ),
        (Some(1), Some(40), Some(0xa4))
    );
    // As stored: 4 bytes into the data area (0xa0 bytes in), in 4-byte units.
    assert_eq!(
        (e[1]["stored"].as_u64(), e[1]["addr"].as_u64()),
        (Some(1), Some(HP as u64 + 0xa4))
    );
    assert!(e[2]["align"].as_u64().unwrap() >= 64, "alloc_aligned(64)");
    assert_eq!(e[2]["offset"].as_u64().unwrap() % 64, 0);
    assert_eq!(pool["usage"]["max_entries"], 16);
    assert_eq!(
        pool["usage"]["free_bytes"].as_u64().unwrap()
            + pool["usage"]["used_bytes"].as_u64().unwrap(),
        0x4000
    );
}

/// Expects exit 1 and each of `needles` in stdout + stderr.
fn corrupt(name: &str, bytes: &[u8], needles: &[&str]) {
    let f = write(name, bytes);
    let o = cli(&[
        "dump",
        &format!("{f}@{HP:#x}"),
        "--pool",
        "hp",
        "--size",
        "0x4000",
    ]);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{name}: {all}");
    assert!(
        stderr(&o).starts_with("amp-sysinfo: error:"),
        "{name}: errors go to stderr: {}",
        stderr(&o)
    );
    for n in needles {
        assert!(all.contains(n), "{name}: no `{n}` in\n{all}");
    }
    // And in JSON, the same verdict.
    let o = cli(&[
        "dump",
        "--json",
        &format!("{f}@{HP:#x}"),
        "--pool",
        "hp",
        "--size",
        "0x4000",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["ok"], false, "{name}");
}

#[test]
fn corrupt_images_are_flagged_with_the_readers_errors() {
    let good = hp_image();
    corrupt(
        "truncated.bin",
        &good[..0x1000],
        &[
            "truncated [Truncated]",
            "holds 4096 of the pool's 16384 bytes",
        ],
    );
    // Random bytes (a fixed xorshift stream).
    let mut x = 0x2545_f491u32;
    let random: Vec<u8> = (0..0x4000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    corrupt(
        "random.bin",
        &random,
        &["[NotReady]", "not a formatted table"],
    );
    let mut b = good.clone();
    // Offsets in 4-byte units from the data area, 0xa0 bytes into the pool.
    set_word(&mut b, 8 + 2 + 1, (0x3ff8 - 0xa0) / 4); // entry 1's block runs past the pool
    corrupt(
        "outside.bin",
        &b,
        &[
            "entry 1 (id 0x0001): block outside the pool's data area [Corrupt]",
            "outside the pool's data area [Corrupt]",
        ],
    );
    let mut b = good.clone();
    set_word(&mut b, 8 + 2 * 2 + 1, (0xa8 - 0xa0) / 4); // entry 2 inside entry 1's block
    corrupt(
        "overlap.bin",
        &b,
        &["entry 2 (id 0x0002): block overlaps entry 1's block [Corrupt]"],
    );
    let mut b = good.clone();
    set_word(&mut b, 8 + 2 * 3, 1 | 256 << 16); // entry 3 gets id 1
    corrupt(
        "duplicate.bin",
        &b,
        &["entry 3 (id 0x0001): duplicate id of entry 1 [DuplicateId]"],
    );
    let mut b = good.clone();
    set_word(&mut b, 8 + 2 * 9, 7 | 4 << 16); // an unpublished slot that is not empty
    corrupt(
        "stray-slot.bin",
        &b,
        &["slot 9: not published but not empty (lookups compare every slot) [Corrupt]"],
    );
    let mut b = good.clone();
    set_word(&mut b, 4, RTC); // consistent garbage: the table says another base
    let words: Vec<u32> = (0..5)
        .map(|i| u32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().unwrap()))
        .collect();
    set_word(&mut b, 5, words.iter().fold(0x5a5a_c3c3, |a, w| a ^ w));
    corrupt(
        "other-base.bin",
        &b,
        &[
            "[Corrupt]",
            "bus base 0x80310000 stored, 0x80300000 expected",
        ],
    );
}

#[test]
fn exit_codes_for_usage_and_unreadable_inputs() {
    expect(&["dump"], 2);
    expect(&["frobnicate"], 2);
    let o = cli(&["dump", "/nonexistent/dump.bin@0x80300000"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("/nonexistent/dump.bin"),
        "{}",
        stderr(&o)
    );
    expect(&["pools", "/nonexistent/build"], 3);
    let hp = write("hp-nobase.bin", &hp_image());
    assert!(stderr(&cli(&["dump", &hp])).contains("--base"));
    // A dump that holds no pool of the devicetree.
    let build = twin_build_dir("twin-build-nopool");
    let o = cli(&[
        "dump",
        &format!("{hp}@0x80000000"),
        "--dts",
        build.join("zephyr/zephyr.dts").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("holds no pool"), "{}", stderr(&o));
    for cmd in ["dump", "pools", "map"] {
        let help = expect(&[cmd, "--help"], 0);
        assert!(help.contains("Exit codes"), "{cmd} --help: {help}");
    }
}

#[test]
fn pools_and_map_of_the_twin_overlays() {
    let twin = root().join("boards/qemu/twin");
    let board = twin.join("twin.dts").display().to_string();
    let main = twin.join("twin_main.overlay").display().to_string();
    let out = expect(&["pools", "--board", &board, "--overlay", &main], 0);
    let out = out.replace(&root().display().to_string(), "$ROOT");
    golden("pools_twin_main.txt", &out);
    let out = expect(&["map", "--board", &board, "--overlay", &main], 0);
    let out = out.replace(&root().display().to_string(), "$ROOT");
    golden("map_twin_main.txt", &out);
    let v: serde_json::Value = serde_json::from_str(&expect(
        &["map", "--json", "--board", &board, "--overlay", &main],
        0,
    ))
    .unwrap();
    let names: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("twin_control")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("sysinfo_rtc")),
        "{names:?}"
    );
}

#[test]
fn pools_of_a_bad_devicetree_gives_the_generators_message() {
    let dts = scratch("misaligned.dts");
    std::fs::write(
        &dts,
        r#"/dts-v1/;
/ {
    #address-cells = <1>; #size-cells = <1>;
    ram: memory@80000000 { device_type = "memory"; reg = <0x80000000 0x100000>; };
    reserved-memory {
        #address-cells = <1>; #size-cells = <1>; ranges;
        sysinfo_hp: memory@80000008 { compatible = "esp-amp-sysinfo,pool"; reg = <0x80000008 0x1000>; pool-kind = "hp"; sub-core = "hp"; };
    };
};
"#,
    )
    .unwrap();
    let o = cli(&["pools", dts.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("sysinfo_hp") && stderr(&o).contains("16"),
        "{}",
        stderr(&o)
    );
}

/// A real Zephyr build directory (e.g. `west build -b qemu_riscv32
/// samples/sysinfo_c`), when `AMP_SYSINFO_BUILD_DIR` names one; the xtask
/// twister step runs `xtask::inspect::check_build_dir` on every build.
#[test]
fn real_zephyr_build_dir_when_given() {
    let Some(dir) = std::env::var_os("AMP_SYSINFO_BUILD_DIR") else {
        eprintln!("AMP_SYSINFO_BUILD_DIR not set: no real build directory checked here");
        return;
    };
    let dir = dir.to_str().unwrap();
    let pools = expect(&["pools", dir], 0);
    assert!(pools.contains("sysinfo_hp"), "{pools}");
    let map = expect(&["map", dir], 0);
    assert!(
        map.contains("with image") && map.contains(" section "),
        "{map}"
    );
}
