//! The `amp-sysinfo-dt` command line, as CMake and the twin's scripts call it.

mod common;
#[path = "common/elf.rs"]
mod elf;

use std::process::{Command, Output};

const TWIN: &str = "../../boards/qemu/twin/twin.dts";
const TWIN_SUB: &str = "../../boards/qemu/twin/twin_sub.overlay";

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amp-sysinfo-dt"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn pools_lists_both_twin_pools() {
    let o = cli(&["pools", "--board", TWIN, "--overlay", TWIN_SUB]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("hp  0x80300000 size 0x4000 max-entries 16  /reserved-memory/memory@80300000 (sysinfo_hp)"), "{out}");
    assert!(out.contains("rtc 0x80310000 size 0x1000"), "{out}");
}

#[test]
fn rust_and_memory_x_match_the_golden_files() {
    let dir = common::scratch("cli-out");
    std::fs::create_dir_all(&dir).unwrap();
    let rs = dir.join("pools.rs");
    let mx = dir.join("memory.x");
    assert!(cli(&[
        "rust",
        "--board",
        TWIN,
        "--overlay",
        TWIN_SUB,
        "-o",
        rs.to_str().unwrap()
    ])
    .status
    .success());
    assert!(cli(&[
        "memory-x",
        "--board",
        TWIN,
        "--overlay",
        TWIN_SUB,
        "-o",
        mx.to_str().unwrap()
    ])
    .status
    .success());
    assert_eq!(
        std::fs::read_to_string(rs).unwrap(),
        include_str!("golden/twin_sub.rs")
    );
    assert_eq!(
        std::fs::read_to_string(mx).unwrap(),
        include_str!("golden/twin_sub.memory.x")
    );
}

#[test]
fn memory_x_for_a_named_node() {
    let o = cli(&["memory-x", "--board", TWIN, "--ram", "ram_shared"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("RAM_1  : ORIGIN = 0x80304000, LENGTH = 0xc000"),
        "{}",
        stdout(&o)
    );
    let o = cli(&["memory-x", "--board", TWIN, "--ram", "no_such_ram"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("image RAM no_such_ram: no such node"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn memory_x_without_a_chosen_sram_says_so() {
    let o = cli(&["memory-x", "--board", TWIN]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("/chosen zephyr,sram: no such node"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_elf_exit_status_follows_the_overlap() {
    use elf::*;
    let good = common::scratch("good.elf");
    std::fs::write(
        &good,
        elf32(&[(
            ".text",
            SHT_PROGBITS,
            SHF_ALLOC | SHF_EXECINSTR,
            0x8020_0000,
            0x40,
        )]),
    )
    .unwrap();
    let o = cli(&[
        "check-elf",
        "--board",
        TWIN,
        "--overlay",
        TWIN_SUB,
        "--elf",
        good.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 allocated sections, none in a pool"),
        "{}",
        stdout(&o)
    );

    let bad = common::scratch("bad.elf");
    std::fs::write(
        &bad,
        elf32(&[(
            ".stack",
            SHT_NOBITS,
            SHF_ALLOC | SHF_WRITE,
            0x8030_0000,
            0x800,
        )]),
    )
    .unwrap();
    let o = cli(&[
        "check-elf",
        "--board",
        TWIN,
        "--overlay",
        TWIN_SUB,
        "--elf",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("section `.stack` at 0x80300000..0x80300800 overlaps pool /reserved-memory/memory@80300000 (sysinfo_hp)"), "{}", stderr(&o));
}

#[test]
fn final_zephyr_dts_input() {
    // A build's zephyr.dts is complete: --dts compiles it without cpp.
    let o = cli(&["pools", "--dts", "tests/fixtures/split.dts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("max-entries 8"), "{}", stdout(&o));
}

#[test]
fn usage_errors() {
    let o = cli(&[]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("usage: amp-sysinfo-dt"),
        "{}",
        stderr(&o)
    );
    let o = cli(&["rust", "--dts", "a.dts", "--board", "b.dts"]);
    assert!(
        stderr(&o).contains("give either --dts, or --board"),
        "{}",
        stderr(&o)
    );
    let o = cli(&["check-elf", "--dts", "tests/fixtures/split.dts"]);
    assert!(
        stderr(&o).contains("check-elf needs --elf"),
        "{}",
        stderr(&o)
    );
    let o = cli(&["frobnicate"]);
    assert!(
        stderr(&o).contains("unknown command `frobnicate`"),
        "{}",
        stderr(&o)
    );
    let o = cli(&["pools", "--dts"]);
    assert!(stderr(&o).contains("--dts needs a value"), "{}", stderr(&o));
}

#[test]
fn a_missing_input_file_names_it() {
    let o = cli(&["pools", "--board", "no/such/board.dts"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no/such/board.dts"), "{}", stderr(&o));
}
