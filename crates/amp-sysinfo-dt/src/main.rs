#![allow(clippy::result_large_err)] // see lib.rs
//! `amp-sysinfo-dt`: the generator and checks on the command line.
//! See the crate documentation for the commands.

use std::path::PathBuf;
use std::process::ExitCode;

use amp_sysinfo_dt::{Devicetree, Error};

const USAGE: &str =
    "usage: amp-sysinfo-dt <pools|rust|c-pools|memory-x|check-elf|dts|reg> INPUT [options]
  INPUT:     --dts FILE (a final zephyr.dts)
           | --board FILE [--overlay FILE]... [-I DIR]...
  rust:      [-o FILE]
  c-pools:   [-o FILE]
  memory-x:  [--ram NODE (label or path; default /chosen zephyr,sram)] [-o FILE]
  check-elf: --elf FILE
  dts:       --board input only; [-o FILE] (the final tree as DTS, like a build's zephyr.dts)
  reg:       --node NODE (label or path): prints its one reg entry, `0x... size 0x... NODE`";

const HELP: &str = "amp-sysinfo-dt: the SysInfo pools of a devicetree (esp-amp-sysinfo).
Checks the pool nodes (compatible \"esp-amp-sysinfo,pool\"), writes the Rust constants and
a linker MEMORY block with the pools cut out, and checks a linked ELF against the pools.
Every error names the node and says what to change; see docs/pools.md and docs/boards.md.

  pools      check, and print one line per pool
  rust       the Rust constants (HP_POOL, RTC_POOL, POOLS)
  c-pools    C defining esp_amp_sys_info_pools (the C API's linked-pools sub core)
  memory-x   a linker MEMORY block: the image RAM without the pools
  check-elf  fail when an allocated section of --elf lies in a pool
  dts        the final tree (board + overlays) as DTS
  reg        one node's reg entry";

#[derive(Default)]
struct Args {
    dts: Option<PathBuf>,
    board: Option<PathBuf>,
    overlays: Vec<PathBuf>,
    includes: Vec<PathBuf>,
    out: Option<PathBuf>,
    ram: Option<String>,
    elf: Option<PathBuf>,
    node: Option<String>,
}

fn parse(args: &[String]) -> Result<Args, Error> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| Error::Usage(format!("{flag} needs a value\n{USAGE}")))
        };
        match flag.as_str() {
            "--dts" => a.dts = Some(value()?.into()),
            "--board" => a.board = Some(value()?.into()),
            "--overlay" => a.overlays.push(value()?.into()),
            "-I" => a.includes.push(value()?.into()),
            "-o" | "--out" => a.out = Some(value()?.into()),
            "--ram" => a.ram = Some(value()?),
            "--elf" => a.elf = Some(value()?.into()),
            "--node" => a.node = Some(value()?),
            other => return Err(Error::Usage(format!("unknown argument `{other}`\n{USAGE}"))),
        }
    }
    Ok(a)
}

fn load(a: &Args) -> Result<Devicetree, Error> {
    match (&a.dts, &a.board) {
        (Some(dts), None) if a.overlays.is_empty() => Devicetree::from_dts(dts),
        (None, Some(board)) => Devicetree::from_board(board, &a.overlays, &a.includes),
        _ => Err(Error::Usage(format!(
            "give either --dts, or --board with optional --overlay\n{USAGE}"
        ))),
    }
}

fn emit(a: &Args, text: String) -> Result<(), Error> {
    match &a.out {
        Some(p) => std::fs::write(p, text).map_err(|source| Error::Io {
            path: p.clone(),
            source,
        }),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn run(args: &[String]) -> Result<(), Error> {
    if matches!(
        args.first().map(String::as_str),
        Some("-h" | "--help" | "help")
    ) {
        println!("{HELP}\n\n{USAGE}");
        return Ok(());
    }
    let (cmd, rest) = args
        .split_first()
        .ok_or_else(|| Error::Usage(USAGE.into()))?;
    let a = parse(rest)?;
    match cmd.as_str() {
        "pools" => {
            for p in load(&a)?.pools()? {
                println!(
                    "{:<3} {:#010x} size {:#x} max-entries {:<3} {}",
                    amp_sysinfo_dt::kind_value(p.config.kind),
                    p.config.bus_base,
                    p.config.size,
                    p.config.max_entries,
                    p.node
                );
            }
            Ok(())
        }
        "rust" => emit(&a, load(&a)?.rust()?),
        "c-pools" => emit(&a, load(&a)?.c_pools()?),
        "memory-x" => emit(&a, load(&a)?.memory_x(a.ram.as_deref())?),
        "check-elf" => {
            let elf = a
                .elf
                .as_ref()
                .ok_or_else(|| Error::Usage(format!("check-elf needs --elf\n{USAGE}")))?;
            let dt = load(&a)?;
            let n = dt.check_elf(elf)?;
            println!("{}: {n} allocated sections, none in a pool", elf.display());
            Ok(())
        }
        "dts" => match (&a.dts, &a.board) {
            (None, Some(board)) => emit(
                &a,
                amp_sysinfo_dt::final_dts(board, &a.overlays, &a.includes)?,
            ),
            _ => Err(Error::Usage(format!("dts needs --board\n{USAGE}"))),
        },
        "reg" => {
            let node = a
                .node
                .as_ref()
                .ok_or_else(|| Error::Usage(format!("reg needs --node\n{USAGE}")))?;
            let (name, range) = load(&a)?.region(node)?;
            println!("{:#010x} size {:#x} {name}", range.start, range.size());
            Ok(())
        }
        other => Err(Error::Usage(format!("unknown command `{other}`\n{USAGE}"))),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("amp-sysinfo-dt: error: {e}");
            ExitCode::FAILURE
        }
    }
}
