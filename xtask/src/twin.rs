//! The QEMU twin: the main and sub images on two harts of QEMU's
//! riscv32 `virt` machine.
//!
//! - `cargo xtask demo [normal|stress|retained|order|fault]`: builds both
//!   images and runs one scenario, printing the two cores' console live.
//! - `cargo xtask twin-test`: builds, checks both ELFs against the twin
//!   devicetree (no section in a pool, in the other image or in the control
//!   page, the devicetree's `twin_control`; the sub entry where hart 1
//!   jumps), then runs every scenario with a timeout and checks the console
//!   against expected patterns, in order per core (like twister's console
//!   harness with `ordered: true`, applied to each core's lines, since the
//!   two cores' lines interleave freely), and the exit code QEMU's test
//!   finisher gives.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use regex::Regex;

use crate::{cargo, project_root, run, setup, Result};

const TARGET: &str = "riscv32imac-unknown-none-elf";
/// The twin devicetree's node for the control page; QEMU's loader puts the
/// scenario word at its base (`control::SCENARIO` in `twin/board/src/lib.rs`
/// is at offset 0).
const CONTROL_NODE: &str = "twin_control";
/// Per-run limit; a run takes well under a second.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// What the twin needs on the machine.
const TOOLS: &[(&str, &str)] = &[
    ("qemu-system-riscv32", "qemu-system-misc"),
    ("dtc", "device-tree-compiler"),
    ("cpp", "cpp"),
];

pub fn demo(args: &[String]) -> Result<()> {
    setup::rustup_targets()?;
    setup::debian(TOOLS)?;
    let name = args.first().map(String::as_str).unwrap_or("normal");
    let all = scenarios();
    let scenario = all.iter().find(|s| s.key == name).ok_or_else(|| {
        format!(
            "unknown scenario `{name}`; one of: {}",
            all.iter().map(|s| s.key).collect::<Vec<_>>().join(", ")
        )
    })?;
    let images = build()?;
    eprintln!("twin: {} ({})", scenario.key, scenario.about);
    eprintln!("twin: {}", qemu_command(&images, scenario.word).join(" "));
    eprintln!(
        "twin: [main] lines come from hart 0 (main image), [sub ] lines from hart 1 (sub image)\n"
    );
    let run = run_qemu(&images, scenario.word, true)?;
    let verdict = match run.exit_code {
        Some(0) => "PASS".to_string(),
        Some(c) => format!("exit code {c}"),
        None => "no exit code (killed)".into(),
    };
    eprintln!(
        "\ntwin: QEMU ended after {:.2} s: {verdict}",
        run.elapsed.as_secs_f64()
    );
    if run.exit_code == Some(scenario.exit_code) {
        Ok(())
    } else {
        Err(format!(
            "scenario {} expected exit code {}",
            scenario.key, scenario.exit_code
        )
        .into())
    }
}

pub fn test() -> Result<()> {
    setup::debian(TOOLS)?;
    let images = build()?;
    check_layout(&images)?;
    let mut failed = Vec::new();
    let all = scenarios();
    for scenario in &all {
        let run = run_qemu(&images, scenario.word, false)?;
        match scenario.check(&run) {
            Ok(note) => eprintln!(
                "twin: {:<9} ok     {:>5.2} s  {} lines{note}",
                scenario.key,
                run.elapsed.as_secs_f64(),
                run.lines.len()
            ),
            Err(why) => {
                eprintln!(
                    "twin: {:<9} FAILED {:>5.2} s: {why}",
                    scenario.key,
                    run.elapsed.as_secs_f64()
                );
                eprintln!(
                    "---- console of `{}` ----\n{}\n----",
                    scenario.key,
                    run.lines.join("\n")
                );
                failed.push(scenario.key);
            }
        }
    }
    if failed.is_empty() {
        eprintln!("twin: all {} scenarios passed", all.len());
        Ok(())
    } else {
        Err(format!("twin scenarios failed: {}", failed.join(", ")).into())
    }
}

// ---------------------------------------------------------------------------
// Building

struct Images {
    main: PathBuf,
    sub: PathBuf,
    /// The control page, from the devicetree the images were built from.
    control: Span,
}

fn twin_dir() -> PathBuf {
    project_root().join("twin")
}

/// Both images, release profile, in `twin/target` (the twin's own workspace).
fn build() -> Result<Images> {
    let dir = twin_dir();
    let target_dir = dir.join("target");
    run(cargo()
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target_dir)
        .args(["build", "--quiet", "--release", "--target", TARGET]))?;
    let out = target_dir.join(TARGET).join("release");
    Ok(Images {
        main: out.join("twin-main"),
        sub: out.join("twin-sub"),
        control: control_page()?,
    })
}

// ---------------------------------------------------------------------------
// Layout: no image section in a pool, in the other image or in the control page

/// A half-open address range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u64,
    end: u64,
}

impl Span {
    fn new(start: u64, len: u64) -> Span {
        Span {
            start,
            end: start + len,
        }
    }
    fn overlaps(&self, o: &Span) -> bool {
        self.start < o.end && o.start < self.end
    }
    fn contains(&self, o: &Span) -> bool {
        self.start <= o.start && o.end <= self.end
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#010x}..{:#010x}", self.start, self.end)
    }
}

/// The generator's command line on the twin devicetree with `overlay`.
fn generator(cmd: &str, overlay: &str, extra: &[&str]) -> Result<String> {
    let board = project_root().join("boards/qemu/twin");
    let out = cargo()
        .args([
            "run",
            "--quiet",
            "-p",
            "amp-sysinfo-dt",
            "--",
            cmd,
            "--board",
        ])
        .arg(board.join("twin.dts"))
        .arg("--overlay")
        .arg(board.join(overlay))
        .args(extra)
        .stderr(Stdio::inherit())
        .output()?;
    if !out.status.success() {
        return Err(format!("amp-sysinfo-dt {cmd} (overlay {overlay}) failed").into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

fn hex(s: &str) -> Result<u64> {
    Ok(u64::from_str_radix(
        s.trim_start_matches("0x").replace('_', "").as_str(),
        16,
    )?)
}

/// `RAM : ORIGIN = 0x.., LENGTH = 0x..` lines of a generated `memory.x`.
fn memory_regions(memory_x: &str) -> Result<Vec<(String, Span)>> {
    let re = Regex::new(
        r"(?m)^\s*(\w+)\s*:\s*ORIGIN\s*=\s*(0x[0-9a-fA-F]+),\s*LENGTH\s*=\s*(0x[0-9a-fA-F]+)",
    )?;
    let v: Vec<_> = re
        .captures_iter(memory_x)
        .map(|c| Ok((c[1].to_string(), Span::new(hex(&c[2])?, hex(&c[3])?))))
        .collect::<Result<_>>()?;
    if v.is_empty() {
        return Err(format!("no MEMORY regions in:\n{memory_x}").into());
    }
    Ok(v)
}

/// `HP  0x80300000 size 0x4000 ...` lines of `amp-sysinfo-dt pools`.
fn pool_spans(listing: &str) -> Result<Vec<(String, Span)>> {
    let re = Regex::new(r"(?m)^(\w+)\s+(0x[0-9a-fA-F]+) size (0x[0-9a-fA-F]+)")?;
    let v: Vec<_> = re
        .captures_iter(listing)
        .map(|c| Ok((c[1].to_string(), Span::new(hex(&c[2])?, hex(&c[3])?))))
        .collect::<Result<_>>()?;
    if v.is_empty() {
        return Err(format!("no pools in:\n{listing}").into());
    }
    Ok(v)
}

/// The control page: the devicetree node [`CONTROL_NODE`], as the
/// generator reads it (`amp-sysinfo-dt reg --node twin_control`); the twin
/// board's build script takes `control::BASE` / `control::SIZE` from the same
/// node.
fn control_page() -> Result<Span> {
    reg_span(&generator(
        "reg",
        "twin_main.overlay",
        &["--node", CONTROL_NODE],
    )?)
}

/// The `0x80320000 size 0x100 NODE` line of `amp-sysinfo-dt reg`.
fn reg_span(line: &str) -> Result<Span> {
    let re = Regex::new(r"^(0x[0-9a-fA-F]+) size (0x[0-9a-fA-F]+) ")?;
    let c = re
        .captures(line)
        .ok_or_else(|| format!("not a reg line: {line:?}"))?;
    Ok(Span::new(hex(&c[1])?, hex(&c[2])?))
}

/// An ELF32 little-endian image: entry point and allocated sections.
struct Elf {
    entry: u64,
    sections: Vec<(String, Span)>,
    /// Allocated, writable sections with contents in the file (`.data`):
    /// loaded once by QEMU, never restored by a re-entered start-up.
    initialised_data: Vec<String>,
}

fn read_elf(path: &Path) -> Result<Elf> {
    let d = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_elf(&d).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn parse_elf(d: &[u8]) -> std::result::Result<Elf, String> {
    let u16_at = |o: usize| {
        d.get(o..o + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
            .ok_or("truncated")
    };
    let u32_at = |o: usize| {
        d.get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or("truncated")
    };
    if d.get(..6) != Some(&[0x7f, b'E', b'L', b'F', 1, 1][..]) {
        return Err("not a little-endian ELF32 file".into());
    }
    let (entry, shoff, shentsize, shnum, shstrndx) = (
        u32_at(0x18)?,
        u32_at(0x20)?,
        u16_at(0x2e)?,
        u16_at(0x30)?,
        u16_at(0x32)?,
    );
    if shentsize < 40 || shstrndx >= shnum {
        return Err("bad section header table".into());
    }
    let strtab = u32_at(shoff + shstrndx * shentsize + 16)?;
    const SHF_WRITE: usize = 1;
    const SHF_ALLOC: usize = 2;
    const SHT_PROGBITS: usize = 1;
    let mut sections = Vec::new();
    let mut initialised_data = Vec::new();
    for i in 0..shnum {
        let h = shoff + i * shentsize;
        let (name, kind, flags, addr, size) = (
            u32_at(h)?,
            u32_at(h + 4)?,
            u32_at(h + 8)?,
            u32_at(h + 12)?,
            u32_at(h + 20)?,
        );
        if flags & SHF_ALLOC == 0 || size == 0 {
            continue;
        }
        let raw = d.get(strtab + name..).ok_or("bad section name")?;
        let name = String::from_utf8_lossy(&raw[..raw.iter().position(|&b| b == 0).unwrap_or(0)])
            .into_owned();
        if flags & SHF_WRITE != 0 && kind == SHT_PROGBITS {
            initialised_data.push(name.clone());
        }
        sections.push((name, Span::new(addr as u64, size as u64)));
    }
    Ok(Elf {
        entry: entry as u64,
        sections,
        initialised_data,
    })
}

/// Both images against the twin devicetree: the generator's own `check-elf`,
/// then this check: every allocated section inside its image's RAM (as the
/// generator's `memory.x` gives it) and clear of every pool, of the other
/// image's RAM and of the control page; the sub entry is its RAM's first byte.
fn check_layout(images: &Images) -> Result<()> {
    let pools = pool_spans(&generator("pools", "twin_main.overlay", &[])?)?;
    let control = images.control;
    let ram_main = memory_regions(&generator("memory-x", "twin_main.overlay", &[])?)?;
    let ram_sub = memory_regions(&generator("memory-x", "twin_sub.overlay", &[])?)?;
    for (name, span) in &pools {
        if span.overlaps(&control) {
            return Err(format!("{name} pool {span} overlaps the control page {control}").into());
        }
    }
    for (image, path, own, other) in [
        ("main", &images.main, &ram_main, &ram_sub),
        ("sub", &images.sub, &ram_sub, &ram_main),
    ] {
        let overlay = format!("twin_{image}.overlay");
        generator(
            "check-elf",
            &overlay,
            &["--elf", &path.display().to_string()],
        )?;
        let elf = read_elf(path)?;
        let errs = layout_errors(&elf, own, other, &pools, control);
        if !errs.is_empty() {
            return Err(
                format!("{image} image {}:\n  {}", path.display(), errs.join("\n  ")).into(),
            );
        }
        // The retained scenario re-enters the main image's start-up. riscv-rt
        // copies `.data` again from its load image in RAM, which nothing must
        // have written since; with no `.data` at all, the state after the
        // jump is just a zeroed `.bss`, as on the first boot.
        if image == "main" && !elf.initialised_data.is_empty() {
            return Err(format!(
                "main image has initialised writable data ({}): a re-entered start-up would not restore it",
                elf.initialised_data.join(", ")
            )
            .into());
        }
        let first = own.iter().map(|(_, s)| s.start).min().unwrap_or(0);
        if elf.entry != first {
            return Err(format!(
                "{image} image: entry {:#x} is not the first byte of its RAM {first:#x}",
                elf.entry
            )
            .into());
        }
        eprintln!("twin: {image} image: {} allocated sections inside its RAM, none in a pool, the other image or the control page; entry {:#010x}", elf.sections.len(), elf.entry);
    }
    Ok(())
}

fn layout_errors(
    elf: &Elf,
    own: &[(String, Span)],
    other: &[(String, Span)],
    pools: &[(String, Span)],
    control: Span,
) -> Vec<String> {
    let mut errs = Vec::new();
    if elf.sections.is_empty() {
        errs.push("no allocated sections".into());
    }
    for (name, s) in &elf.sections {
        if !own.iter().any(|(_, r)| r.contains(s)) {
            errs.push(format!("section {name} {s} is outside the image's RAM"));
        }
        for (pool, p) in pools {
            if s.overlaps(p) {
                errs.push(format!("section {name} {s} overlaps the {pool} pool {p}"));
            }
        }
        if other.iter().any(|(_, r)| r.overlaps(s)) {
            errs.push(format!("section {name} {s} overlaps the other image's RAM"));
        }
        if s.overlaps(&control) {
            errs.push(format!(
                "section {name} {s} overlaps the control page {control}"
            ));
        }
    }
    errs
}

// ---------------------------------------------------------------------------
// Running

struct Run {
    lines: Vec<String>,
    exit_code: Option<i32>,
    elapsed: Duration,
}

fn qemu_command(images: &Images, word: u32) -> Vec<String> {
    [
        "qemu-system-riscv32",
        // One host thread per hart: the harts really run at the same time
        // (the stress scenario relies on it; QEMU's default for riscv32 on
        // x86-64 hosts, made explicit).
        "-accel",
        "tcg,thread=multi",
        "-machine",
        "virt",
        "-smp",
        "2",
        "-m",
        "128M",
        "-bios",
        "none",
        "-nographic",
        "-monitor",
        "none",
        "-serial",
        "stdio",
        "-kernel",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([
        images.main.display().to_string(),
        "-device".into(),
        format!("loader,file={}", images.sub.display()),
        "-device".into(),
        format!(
            "loader,addr={:#x},data={word},data-len=4",
            images.control.start
        ),
    ])
    .collect()
}

/// Runs QEMU until the test finisher ends it or [`RUN_TIMEOUT`] passes (then
/// kills it). `echo` prints the console while it runs.
fn run_qemu(images: &Images, word: u32, echo: bool) -> Result<Run> {
    let argv = qemu_command(images, word);
    let start = Instant::now();
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("qemu-system-riscv32: {e}"))?;
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if echo {
                println!("{line}");
            }
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if start.elapsed() > RUN_TIMEOUT {
            // Our own child, by its handle.
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let _ = reader.join();
    // Console lines without the UART's carriage returns.
    let lines = rx
        .try_iter()
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect();
    Ok(Run {
        lines,
        exit_code: status.and_then(|s| s.code()),
        elapsed,
    })
}

// ---------------------------------------------------------------------------
// Scenarios and their expected consoles

struct Scenario {
    /// Name on the command line.
    key: &'static str,
    about: &'static str,
    /// The word the main image reads from the control page.
    word: u32,
    /// QEMU's exit status (the test finisher's code).
    exit_code: i32,
    /// Patterns each core's lines must match in this order (a pattern names
    /// its core with `[main]` or `[sub ]` at its start).
    expect: Vec<&'static str>,
    /// Patterns no line may match.
    forbid: &'static [&'static str],
}

/// The main core's setup on a first boot.
const MAIN_SETUP: &[&str] = &[
    r"^\[main\] HP pool 0x80300000\+0x4000: formatted, table of 16 entries$",
    r"^\[main\] RTC pool 0x80310000\+0x1000: formatted, table of 16 entries; boot record 0x0010 at 0x8031[0-9a-f]{4}, boot #1$",
    r"^\[main\] reserved 0xff00: 4 bytes in HP at 0x8030[0-9a-f]{4}$",
    r"^\[main\] reserved 0xff04: 16 bytes in HP at 0x8030[0-9a-f]{4}$",
    r"^\[main\] reserved 0xff05: 4 bytes in RTC at 0x8031[0-9a-f]{4}$",
    r#"^\[main\] published person 0x0001 "Ada Lovelace", age 36, HP at 0x8030[0-9a-f]{4}$"#,
    r"^\[main\] published reply 0x0002, HP at 0x8030[0-9a-f]{4}$",
    r"^\[main\] entries used: HP 7/16 RTC 2/16 \(6 of them the reserved ids\)$",
];

const START_SUB: &[&str] = &[
    r"^\[main\] starting the sub core at 0x80200000$",
    r"^\[sub \] twin sub image on hart 1: started$",
];

const SUB_ATTACH_AT_BOOT: &[&str] = &[
    r"^\[sub \] attached HP pool: 7 entries \(attempt 1\)$",
    r"^\[sub \] attached RTC pool: 2 entries \(attempt 1\)$",
];

const MAIN_PUBLISH_MORE: &[&str] = &[
    r#"^\[main\] published late person 0x0003 "Grace Hopper", age 85, HP at 0x8030[0-9a-f]{4}$"#,
    r"^\[main\] published late pattern 0x0004, 256 bytes, HP at 0x8030[0-9a-f]{4}$",
];

/// The sub core's check up to the boot record; `pm` is the counter line's tail.
fn sub_check_head(pm: &'static str, boot: &'static str) -> Vec<&'static str> {
    vec![
        r"^\[sub \] found reply 0x0002 at 0x8030[0-9a-f]{4}; told the main core$",
        r"^\[sub \] reserved 0xff00: 4 bytes in HP at 0x8030[0-9a-f]{4}, ok$",
        r"^\[sub \] reserved 0xff03: 64 bytes in HP at 0x8030[0-9a-f]{4}, ok$",
        r"^\[sub \] reserved 0xff04: 16 bytes in HP at 0x8030[0-9a-f]{4}, ok$",
        pm,
        boot,
    ]
}

const SUB_CHECK_TAIL: &[&str] = &[
    r"^\[sub \] late entries appeared after \d+ polls$",
    r#"^\[sub \] person 0x0003: "Grace Hopper", age 85, ok$"#,
    r"^\[sub \] late pattern 0x0004: 256 bytes at 0x8030[0-9a-f]{4}, ok$",
    r"^\[sub \] checked 11 entries: 0 errors$",
];

/// Lines no passing run may print.
const PASSING_FORBID: &[&str] = &[r"PANIC", r"FAIL", r"timed out"];

/// The sub core's first check round up to the boot record.
fn first_round() -> Vec<&'static str> {
    let mut v = sub_check_head(
        r"^\[sub \] reserved 0xff05 in RTC: PM counter 0 -> 1$",
        r"^\[sub \] boot record 0x0010 in RTC: boot #1, ok$",
    );
    v.insert(5, r#"^\[sub \] person 0x0001: "Ada Lovelace", age 36, ok$"#);
    v
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            key: "normal",
            about: "publish, start the sub core, publish more; the sub core checks every entry and replies",
            word: 1,
            exit_code: 0,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 1 \(normal\), boot 1$"][..],
                MAIN_SETUP,
                START_SUB,
                SUB_ATTACH_AT_BOOT,
                &[r"^\[main\] sub core attached; publishing more$"],
                MAIN_PUBLISH_MORE,
                &first_round(),
                SUB_CHECK_TAIL,
                &[r"^\[main\] reply \(round 1\): sub core checked 11 entries, 0 errors$", r"^\[main\] PASS: scenario normal$"],
            ]
            .concat(),
            forbid: PASSING_FORBID,
        },
        Scenario {
            key: "stress",
            about: "the main core allocates up to the table limits while the sub core polls lookups",
            word: 2,
            exit_code: 0,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 2 \(stress\), boot 1$"][..],
                MAIN_SETUP,
                START_SUB,
                SUB_ATTACH_AT_BOOT,
                &[
                    r"^\[sub \] found reply 0x0002 at 0x8030[0-9a-f]{4}; told the main core$",
                    r"^\[main\] stress: published 22 items \(HP 8, RTC 14\) until the tables were full$",
                    r"^\[sub \] stress: \d+ passes, \d+ lookups, 22 entries seen of 22 published, \d+ not found yet, 0 inconsistencies$",
                    r"^\[main\] sysinfo HP pool @ 0x80300000, 16384 bytes: 16/16 entries$",
                    r"^\[main\] sysinfo RTC pool @ 0x80310000, 4096 bytes: 16/16 entries$",
                    r"^\[main\] stress reply: lookups \d+, entries seen 22/22, not found yet \d+, inconsistencies 0$",
                    r"^\[main\] PASS: scenario stress$",
                ],
            ]
            .concat(),
            forbid: PASSING_FORBID,
        },
        Scenario {
            key: "retained",
            about: "normal, then deep sleep: the RTC pool is re-attached with its entries, HP formatted anew",
            word: 3,
            exit_code: 0,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 3 \(retained pool\), boot 1$"][..],
                MAIN_SETUP,
                START_SUB,
                SUB_ATTACH_AT_BOOT,
                &first_round(),
                SUB_CHECK_TAIL,
                &[
                    r"^\[sub \] round 1 done; waiting for the main core to wake$",
                    r"^\[main\] reply \(round 1\): sub core checked 11 entries, 0 errors$",
                    r"^\[main\] entering deep sleep: HP RAM is lost, the RTC pool is kept$",
                    r"^\[main\] twin main image on hart 0: scenario 3 \(retained pool\), boot 2$",
                    r"^\[main\] HP pool 0x80300000\+0x4000: formatted, table of 16 entries$",
                    r"^\[main\] RTC pool 0x80310000\+0x1000: re-attached, 2 entries kept; boot #2, PM counter 1$",
                    r"^\[main\] reserved 0xff04: 16 bytes in HP at 0x8030[0-9a-f]{4}$",
                    r"^\[main\] entries used: HP 7/16 RTC 2/16 \(6 of them the reserved ids\)$",
                    r"^\[main\] RTC entries intact after deep sleep; waking the sub core for round 2$",
                    r"^\[sub \] attached HP pool: 7 entries \(attempt 1\)$",
                    r"^\[sub \] attached RTC pool: 2 entries \(attempt 1\)$",
                ],
                &sub_check_head(r"^\[sub \] reserved 0xff05 in RTC: PM counter 1 -> 2$", r"^\[sub \] boot record 0x0010 in RTC: boot #2, ok$"),
                SUB_CHECK_TAIL,
                &[r"^\[main\] reply \(round 2\): sub core checked 11 entries, 0 errors$", r"^\[main\] PASS: scenario retained pool$"],
            ]
            .concat(),
            forbid: PASSING_FORBID,
        },
        Scenario {
            key: "order",
            about: "the sub core starts first: garbage, garbage with the magic, a table for another layout, zeroes, then the table",
            word: 4,
            exit_code: 0,
            expect: [
                &[
                    r"^\[main\] twin main image on hart 0: scenario 4 \(bad start order\), boot 1$",
                    r"^\[main\] starting the sub core at 0x80200000$",
                    r"^\[main\] step 1: pools hold garbage$",
                    r"^\[sub \] step 1: HP pool: no valid table \(not ready\), ok$",
                    r"^\[sub \] step 1: RTC pool: no valid table \(not ready\), ok$",
                    r"^\[main\] step 2: pools hold garbage with the table magic$",
                    r"^\[sub \] step 2: HP pool: no valid table \(not ready\), ok$",
                    r"^\[sub \] step 2: RTC pool: no valid table \(not ready\), ok$",
                    r"^\[main\] step 3: pools hold a valid table of another layout \(pool 1 MiB higher\)$",
                    r"^\[sub \] step 3: HP pool: table corrupt or for another pool, ok$",
                    r"^\[sub \] step 3: RTC pool: table corrupt or for another pool, ok$",
                    r"^\[main\] step 4: pools hold zeroes$",
                    r"^\[sub \] step 4: HP pool: no valid table \(not ready\), ok$",
                    r"^\[sub \] step 4: RTC pool: no valid table \(not ready\), ok$",
                    r"^\[main\] step 5: formatting the pools while the sub core waits$",
                    r"^\[sub \] attached HP pool: \d+ entries \(attempt \d+\)$",
                    r"^\[sub \] attached RTC pool: \d+ entries \(attempt \d+\)$",
                ][..],
                MAIN_SETUP,
                &first_round(),
                SUB_CHECK_TAIL,
                &[r"^\[main\] reply \(round 1\): sub core checked 11 entries, 0 errors$", r"^\[main\] PASS: scenario bad start order$"],
            ]
            .concat(),
            forbid: PASSING_FORBID,
        },
        Scenario {
            key: "fault",
            about: "a published block is damaged behind the table's back: the sub core must catch it, the run must fail",
            word: 5,
            exit_code: 1,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 5 \(fault injection\), boot 1$"][..],
                MAIN_SETUP,
                &[r"^\[main\] fault injected: person 0x0001 age overwritten with 99$"],
                START_SUB,
                &sub_check_head(r"^\[sub \] reserved 0xff05 in RTC: PM counter 0 -> 1$", r"^\[sub \] FAIL id 0x0001: wrong contents: person differs$"),
                &[
                    r"^\[sub \] boot record 0x0010 in RTC: boot #1, ok$",
                    r"^\[sub \] checked 11 entries: 1 errors$",
                    r"^\[main\] reply \(round 1\): sub core checked 11 entries, 1 errors$",
                    r"^\[main\] FAIL: sub core reported 1 failed checks, first on id 0x0001: wrong contents$",
                ],
            ]
            .concat(),
            forbid: &[r"PANIC", r"PASS", r"timed out"],
        },
        Scenario {
            key: "torn",
            about: "stress done wrong (publish, then fill): the sub core must count inconsistencies, the run must fail",
            word: 6,
            exit_code: 1,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 6 \(stress, publish then fill\), boot 1$"][..],
                MAIN_SETUP,
                START_SUB,
                &[
                    r"^\[main\] stress: published 22 items \(HP 8, RTC 14\) until the tables were full$",
                    r"^\[sub \] stress: \d+ passes, \d+ lookups, 22 entries seen of 22 published, \d+ not found yet, [1-9]\d* inconsistencies$",
                    r"^\[main\] stress reply: lookups \d+, entries seen 22/22, not found yet \d+, inconsistencies [1-9]\d*$",
                    r"^\[main\] FAIL: stress: [1-9]\d* inconsistent lookups, 22 of 22 entries seen$",
                ],
            ]
            .concat(),
            forbid: &[r"PANIC", r"PASS", r"timed out"],
        },
        Scenario {
            key: "unknown",
            about: "a scenario word the images do not know: refused with exit code 2",
            word: 9,
            exit_code: 2,
            expect: vec![r"^\[main\] unknown scenario word 9$"],
            forbid: &[r"PANIC", r"PASS", r"\[sub \]"],
        },
    ]
}

impl Scenario {
    /// Checks a run: exit code, ordered patterns per core, forbidden lines.
    /// On success, a note for the summary line (the stress counts).
    fn check(&self, run: &Run) -> std::result::Result<String, String> {
        if run.exit_code.is_none() {
            return Err(format!(
                "no exit within {} s (QEMU killed)",
                RUN_TIMEOUT.as_secs()
            ));
        }
        if run.exit_code != Some(self.exit_code) {
            return Err(format!(
                "exit code {:?}, expected {}",
                run.exit_code, self.exit_code
            ));
        }
        ordered_per_core(&self.expect, &run.lines)?;
        stress_overlap(&run.lines)?;
        let text = run.lines.join("\n");
        for f in self.forbid {
            let re = Regex::new(&format!("(?m){f}")).map_err(|e| e.to_string())?;
            if let Some(m) = re.find(&text) {
                return Err(format!("forbidden output /{f}/: {:?}", m.as_str()));
            }
        }
        Ok(stress_note(&run.lines))
    }
}

/// Every pattern must match a line of its core (the `[main]`/`[sub ]` tag it
/// starts with), after the line the previous pattern of that core matched.
fn ordered_per_core(patterns: &[&str], lines: &[String]) -> std::result::Result<(), String> {
    let mut next = std::collections::HashMap::<&str, usize>::new();
    for p in patterns {
        let core = core_of(p).ok_or_else(|| format!("pattern /{p}/ names no core"))?;
        let re = Regex::new(p).map_err(|e| format!("pattern /{p}/: {e}"))?;
        let from = next.get(core).copied().unwrap_or(0);
        let found = lines
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, l)| l.starts_with(core) && re.is_match(l));
        match found {
            Some((i, _)) => {
                next.insert(core, i + 1);
            }
            None => return Err(format!("no {core} line matching /{p}/ after line {from}")),
        }
    }
    Ok(())
}

fn core_of(pattern: &str) -> Option<&'static str> {
    if pattern.starts_with(r"^\[main\]") {
        Some("[main]")
    } else if pattern.starts_with(r"^\[sub \]") {
        Some("[sub ]")
    } else {
        None
    }
}

/// A stress run must have overlapped: the sub core made at least
/// [`MIN_STRESS_PASSES`] passes and saw ids "not found yet", that is, it
/// polled while the main core was still publishing.
fn stress_overlap(lines: &[String]) -> std::result::Result<(), String> {
    let re = Regex::new(r"^\[sub \] stress: (\d+) passes, \d+ lookups, \d+ entries seen of \d+ published, (\d+) not found yet").expect("valid");
    let Some(c) = lines.iter().find_map(|l| re.captures(l)) else {
        return Ok(());
    };
    let (passes, not_found): (u64, u64) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
    if passes < MIN_STRESS_PASSES || not_found == 0 {
        return Err(format!("stress did not overlap publication: {passes} passes, {not_found} lookups not found yet"));
    }
    Ok(())
}

/// See [`stress_overlap`]; a normal run makes thousands.
const MIN_STRESS_PASSES: u64 = 10;

/// The stress counts, from the main core's verdict line (and the sub core's
/// pass count).
fn stress_note(lines: &[String]) -> String {
    let verdict = Regex::new(r"stress reply: (lookups \d+, entries seen \d+/\d+, not found yet \d+, inconsistencies \d+)").expect("valid");
    let passes = Regex::new(r"^\[sub \] stress: (\d+) passes").expect("valid");
    let Some(v) = lines.iter().find_map(|l| verdict.captures(l)) else {
        return String::new();
    };
    let p = lines
        .iter()
        .find_map(|l| passes.captures(l))
        .map(|c| format!(", {} passes", &c[1]))
        .unwrap_or_default();
    format!("; stress: {}{p}", &v[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ordered_per_core_allows_interleaving_but_not_reordering() {
        let out = lines(&["[main] a", "[sub ] x", "[main] b", "[sub ] y"]);
        assert!(
            ordered_per_core(&[r"^\[main\] a", r"^\[sub \] y", r"^\[main\] b"], &out).is_ok(),
            "cores are independent"
        );
        let err = ordered_per_core(&[r"^\[main\] b", r"^\[main\] a"], &out).unwrap_err();
        assert!(
            err.contains(r"no [main] line matching /^\[main\] a/ after line 3"),
            "{err}"
        );
        assert!(
            ordered_per_core(&[r"^\[sub \] a"], &out).is_err(),
            "a main line does not satisfy a sub pattern"
        );
        assert!(ordered_per_core(&[r"a"], &out)
            .unwrap_err()
            .contains("names no core"));
        assert!(
            ordered_per_core(&[r"^\[main\] c"], &out).is_err(),
            "missing line"
        );
    }

    #[test]
    fn every_scenario_pattern_compiles_and_names_a_core() {
        let all = scenarios();
        let mut keys: Vec<_> = all.iter().map(|s| s.key).collect();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
        for s in &all {
            assert!(!s.expect.is_empty(), "{}", s.key);
            for p in s.expect.iter().chain(s.forbid) {
                Regex::new(p).unwrap();
            }
            assert!(s.expect.iter().all(|p| core_of(p).is_some()), "{}", s.key);
        }
    }

    #[test]
    fn scenario_check_rejects_wrong_exit_code_timeout_and_forbidden_lines() {
        let all = scenarios();
        let unknown = all.iter().find(|s| s.key == "unknown").unwrap();
        let ok = Run {
            lines: lines(&["[main] unknown scenario word 9"]),
            exit_code: Some(2),
            elapsed: Duration::ZERO,
        };
        assert_eq!(unknown.check(&ok), Ok(String::new()));
        let wrong_code = Run {
            exit_code: Some(0),
            ..ok
        };
        assert!(unknown
            .check(&wrong_code)
            .unwrap_err()
            .contains("exit code Some(0), expected 2"));
        let killed = Run {
            lines: lines(&["[main] unknown scenario word 9"]),
            exit_code: None,
            elapsed: Duration::ZERO,
        };
        assert!(unknown.check(&killed).unwrap_err().contains("QEMU killed"));
        let forbidden = Run {
            lines: lines(&["[main] unknown scenario word 9", "[sub ] hello"]),
            exit_code: Some(2),
            elapsed: Duration::ZERO,
        };
        assert!(unknown
            .check(&forbidden)
            .unwrap_err()
            .contains("forbidden output"));
    }

    #[test]
    fn stress_must_overlap_publication() {
        let line = |passes: u32, nf: u32| {
            lines(&[&format!("[sub ] stress: {passes} passes, 999 lookups, 22 entries seen of 22 published, {nf} not found yet, 0 inconsistencies")])
        };
        assert!(stress_overlap(&line(500, 300)).is_ok());
        assert!(stress_overlap(&line(1, 42))
            .unwrap_err()
            .contains("did not overlap"));
        assert!(stress_overlap(&line(500, 0)).is_err());
        assert!(
            stress_overlap(&lines(&["[main] PASS"])).is_ok(),
            "not a stress run"
        );
    }

    #[test]
    fn stress_counts_are_read_from_the_verdict_line() {
        let out = lines(&[
            "[main] stress reply: lookups 10, entries seen 2/2, not found yet 8, inconsistencies 0",
        ]);
        assert_eq!(
            stress_note(&out),
            "; stress: lookups 10, entries seen 2/2, not found yet 8, inconsistencies 0"
        );
        assert_eq!(stress_note(&lines(&["[main] PASS"])), "");
    }

    /// A minimal ELF32 with `.text` (alloc) at `text`, `.comment` (not
    /// alloc), and the section-name table.
    fn elf(entry: u32, text: u32, text_len: u32) -> Vec<u8> {
        elf_with_flags(entry, text, text_len, 6)
    }

    /// As [`elf`], with the first section's `sh_flags` given and type PROGBITS.
    fn elf_with_flags(entry: u32, text: u32, text_len: u32, text_flags: u32) -> Vec<u8> {
        let names = b"\0.text\0.comment\0.shstrtab\0";
        let shoff = 52 + names.len() as u32;
        let mut d = vec![0u8; 52];
        d[..6].copy_from_slice(&[0x7f, b'E', b'L', b'F', 1, 1]);
        d[0x18..0x1c].copy_from_slice(&entry.to_le_bytes());
        d[0x20..0x24].copy_from_slice(&shoff.to_le_bytes());
        d[0x2e..0x30].copy_from_slice(&40u16.to_le_bytes());
        d[0x30..0x32].copy_from_slice(&4u16.to_le_bytes());
        d[0x32..0x34].copy_from_slice(&3u16.to_le_bytes());
        d.extend_from_slice(names);
        let mut sh = |name: u32, flags: u32, addr: u32, offset: u32, size: u32| {
            let mut h = [0u8; 40];
            h[0..4].copy_from_slice(&name.to_le_bytes());
            h[4..8].copy_from_slice(&1u32.to_le_bytes()); // SHT_PROGBITS
            h[8..12].copy_from_slice(&flags.to_le_bytes());
            h[12..16].copy_from_slice(&addr.to_le_bytes());
            h[16..20].copy_from_slice(&offset.to_le_bytes());
            h[20..24].copy_from_slice(&size.to_le_bytes());
            d.extend_from_slice(&h);
        };
        sh(0, 0, 0, 0, 0);
        sh(1, text_flags, text, 0, text_len);
        sh(7, 0, 0, 0, 10);
        sh(16, 0, 0, 52, names.len() as u32);
        d
    }

    #[test]
    fn elf_sections_and_entry_are_read() {
        let e = parse_elf(&elf(0x8020_0000, 0x8020_0000, 0x100)).unwrap();
        assert_eq!(e.entry, 0x8020_0000);
        assert_eq!(
            e.sections,
            vec![(".text".to_string(), Span::new(0x8020_0000, 0x100))],
            "only allocated sections"
        );
        assert!(e.initialised_data.is_empty(), "text is not writable");
        let data = parse_elf(&elf_with_flags(0, 0x8000_1000, 8, 3)).unwrap();
        assert_eq!(
            data.initialised_data,
            vec![".text".to_string()],
            "alloc + write + PROGBITS"
        );
        assert!(parse_elf(b"\x7fELF\x02\x01").is_err(), "ELF64 refused");
        assert!(parse_elf(&elf(0, 0, 0)[..60]).is_err(), "truncated");
    }

    #[test]
    fn layout_errors_name_the_section_and_what_it_hits() {
        let own = vec![("RAM".to_string(), Span::new(0x8020_0000, 0x10_0000))];
        let other = vec![("RAM".to_string(), Span::new(0x8000_0000, 0x20_0000))];
        let pools = vec![("HP".to_string(), Span::new(0x8030_0000, 0x4000))];
        let control = Span::new(0x8032_0000, 0x100);
        let ok = parse_elf(&elf(0x8020_0000, 0x8020_0000, 0x100)).unwrap();
        assert!(layout_errors(&ok, &own, &other, &pools, control).is_empty());
        let in_pool = parse_elf(&elf(0x8020_0000, 0x802f_ff00, 0x200)).unwrap();
        let errs = layout_errors(&in_pool, &own, &other, &pools, control);
        assert!(
            errs.iter()
                .any(|e| e.contains("section .text 0x802fff00..0x80300100 overlaps the HP pool")),
            "{errs:?}"
        );
        assert!(
            errs.iter().any(|e| e.contains("outside the image's RAM")),
            "{errs:?}"
        );
        let in_main = parse_elf(&elf(0x8020_0000, 0x8010_0000, 0x10)).unwrap();
        assert!(layout_errors(&in_main, &own, &other, &pools, control)
            .iter()
            .any(|e| e.contains("other image's RAM")));
        let in_control = parse_elf(&elf(0, 0x8032_0000, 4)).unwrap();
        assert!(layout_errors(&in_control, &own, &other, &pools, control)
            .iter()
            .any(|e| e.contains("control page")));
    }

    #[test]
    fn generator_listings_are_parsed() {
        let m = memory_regions("MEMORY\n{\n    RAM    : ORIGIN = 0x80200000, LENGTH = 0x100000\n    RAM_1  : ORIGIN = 0x80000000, LENGTH = 0x10\n}\n").unwrap();
        assert_eq!(
            m,
            vec![
                ("RAM".into(), Span::new(0x8020_0000, 0x10_0000)),
                ("RAM_1".into(), Span::new(0x8000_0000, 0x10))
            ]
        );
        assert!(memory_regions("MEMORY {}").is_err());
        let p = pool_spans(
            "HP  0x80300000 size 0x4000 max-entries 16  /reserved-memory/memory@80300000\n",
        )
        .unwrap();
        assert_eq!(p, vec![("HP".into(), Span::new(0x8030_0000, 0x4000))]);
        assert!(pool_spans("").is_err());
    }

    #[test]
    fn reg_line_is_parsed() {
        assert_eq!(
            reg_span("0x80320000 size 0x100 /reserved-memory/memory@80320000 (twin_control)\n")
                .unwrap(),
            Span::new(0x8032_0000, 0x100)
        );
        assert!(reg_span("").is_err());
        assert!(reg_span("amp-sysinfo-dt: error: node twin_control: no such node").is_err());
    }
}
