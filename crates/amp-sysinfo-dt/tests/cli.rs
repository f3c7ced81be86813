//! The `amp-sysinfo-dt` command line, as CMake and the twin's scripts call it.

mod common;
#[path = "common/elf.rs"]
mod elf;

use std::path::{Path, PathBuf};
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

/// Runs the command, which must succeed; its stdout.
#[track_caller]
fn succeeds(args: &[&str]) -> String {
    let o = cli(args);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// Runs the command, which must fail; its stderr.
#[track_caller]
fn fails(args: &[&str]) -> String {
    let o = cli(args);
    assert!(!o.status.success());
    stderr(&o)
}

#[track_caller]
fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{text}");
}

/// `command` on the twin's sub overlay, written to `out` with `-o`; whether
/// it succeeded.
fn twin_sub_to_file(command: &str, out: &Path) -> bool {
    cli(&[
        command,
        "--board",
        TWIN,
        "--overlay",
        TWIN_SUB,
        "-o",
        out.to_str().unwrap(),
    ])
    .status
    .success()
}

#[test]
fn pools_lists_both_twin_pools() {
    let out = succeeds(&["pools", "--board", TWIN, "--overlay", TWIN_SUB]);
    assert_contains(
        &out,
        "hp  0x80300000 size 0x4000 max-entries 16  /reserved-memory/memory@80300000 (sysinfo_hp)",
    );
    assert_contains(&out, "rtc 0x80310000 size 0x1000");
}

#[test]
fn rust_c_pools_and_memory_x_match_the_golden_files() {
    let dir = common::scratch("cli-out");
    std::fs::create_dir_all(&dir).unwrap();
    let rs = dir.join("pools.rs");
    let mx = dir.join("memory.x");
    let c = dir.join("pools.c");
    assert!(twin_sub_to_file("rust", &rs));
    assert!(twin_sub_to_file("memory-x", &mx));
    assert!(twin_sub_to_file("c-pools", &c));
    assert_eq!(
        std::fs::read_to_string(c).unwrap(),
        include_str!("golden/twin_sub.pools.c")
    );
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
fn dts_writes_the_final_tree() {
    let out = common::scratch("final.dts");
    assert!(twin_sub_to_file("dts", &out));
    let text = std::fs::read_to_string(&out).unwrap();
    // The overlay's pools merged into the board's tree, labels kept, and no
    // `__symbols__` (dtc without -@), as a build's zephyr.dts.
    assert!(text.starts_with("/dts-v1/;"), "{text}");
    assert_contains(&text, "sysinfo_hp: memory@80300000");
    assert_contains(&text, "sysinfo_rtc: memory@80310000");
    assert!(!text.contains("__symbols__"), "{text}");
    // The text is a complete devicetree: --dts reads the same pools.
    let pools = succeeds(&["pools", "--dts", out.to_str().unwrap()]);
    assert_eq!(
        pools,
        succeeds(&["pools", "--board", TWIN, "--overlay", TWIN_SUB])
    );
    assert_contains(
        &fails(&["dts", "--dts", out.to_str().unwrap()]),
        "dts needs --board",
    );
}

#[test]
fn memory_x_for_a_named_node() {
    assert_contains(
        &succeeds(&["memory-x", "--board", TWIN, "--ram", "ram_shared"]),
        "RAM_1  : ORIGIN = 0x80304000, LENGTH = 0xc000",
    );
    assert_contains(
        &fails(&["memory-x", "--board", TWIN, "--ram", "no_such_ram"]),
        "image RAM no_such_ram: no such node",
    );
}

#[test]
fn reg_prints_a_reserved_nodes_region() {
    // The twin's control page: a reserved-memory node that is not a pool.
    assert_eq!(
        succeeds(&[
            "reg",
            "--board",
            TWIN,
            "--overlay",
            TWIN_SUB,
            "--node",
            "twin_control"
        ]),
        "0x80320000 size 0x100 /reserved-memory/memory@80320000 (twin_control)\n"
    );
    assert_eq!(
        succeeds(&[
            "reg",
            "--board",
            TWIN,
            "--node",
            "/reserved-memory/memory@80320000"
        ]),
        "0x80320000 size 0x100 /reserved-memory/memory@80320000 (twin_control)\n"
    );
    assert_contains(
        &fails(&["reg", "--board", TWIN, "--node", "no_such_node"]),
        "node no_such_node: no such node",
    );
    assert_contains(
        &fails(&["reg", "--board", TWIN, "--node", "cpu0"]),
        "has not exactly one memory-mapped reg entry",
    );
    assert_contains(&fails(&["reg", "--board", TWIN]), "reg needs --node");
}

#[test]
fn memory_x_without_a_chosen_sram_says_so() {
    assert_contains(
        &fails(&["memory-x", "--board", TWIN]),
        "/chosen zephyr,sram: no such node",
    );
}

/// An ELF file with one section, and `check-elf` of it on the twin's sub
/// overlay.
fn check_elf(name: &str, section: elf::Section<'_>) -> Output {
    let path: PathBuf = common::scratch(name);
    std::fs::write(&path, elf::elf32(&[section])).unwrap();
    cli(&[
        "check-elf",
        "--board",
        TWIN,
        "--overlay",
        TWIN_SUB,
        "--elf",
        path.to_str().unwrap(),
    ])
}

#[test]
fn check_elf_exit_status_follows_the_overlap() {
    use elf::*;
    let o = check_elf(
        "good.elf",
        (
            ".text",
            SHT_PROGBITS,
            SHF_ALLOC | SHF_EXECINSTR,
            0x8020_0000,
            0x40,
        ),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_contains(&stdout(&o), "1 allocated sections, none in a pool");

    let o = check_elf(
        "bad.elf",
        (
            ".stack",
            SHT_NOBITS,
            SHF_ALLOC | SHF_WRITE,
            0x8030_0000,
            0x800,
        ),
    );
    assert_eq!(o.status.code(), Some(1));
    assert_contains(&stderr(&o), "section `.stack` at 0x80300000..0x80300800 overlaps pool /reserved-memory/memory@80300000 (sysinfo_hp)");
}

#[test]
fn final_zephyr_dts_input() {
    // A build's zephyr.dts is complete: --dts compiles it without cpp.
    assert_contains(
        &succeeds(&["pools", "--dts", "tests/fixtures/split.dts"]),
        "max-entries 8",
    );
}

#[test]
fn usage_errors() {
    assert_contains(&fails(&[]), "usage: amp-sysinfo-dt");
    for (args, message) in [
        (
            &["rust", "--dts", "a.dts", "--board", "b.dts"][..],
            "give either --dts, or --board",
        ),
        (
            &["check-elf", "--dts", "tests/fixtures/split.dts"],
            "check-elf needs --elf",
        ),
        (&["frobnicate"], "unknown command `frobnicate`"),
        (&["pools", "--dts"], "--dts needs a value"),
    ] {
        assert_contains(&stderr(&cli(args)), message);
    }
}

#[test]
fn a_missing_input_file_names_it() {
    assert_contains(
        &fails(&["pools", "--board", "no/such/board.dts"]),
        "no/such/board.dts",
    );
}

#[test]
fn help_is_not_an_error() {
    for flag in ["--help", "-h", "help"] {
        let out = succeeds(&[flag]);
        assert_contains(&out, "usage: amp-sysinfo-dt");
        assert_contains(&out, "check-elf");
    }
}
