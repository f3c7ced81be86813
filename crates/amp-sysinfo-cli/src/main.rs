//! `amp-sysinfo`: see the SysInfo pools of a Zephyr build and decode the
//! tables in memory dumps. docs/inspector.md has the details.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Parser, Subcommand, ValueEnum};

use amp_sysinfo::PoolKind;
use amp_sysinfo_cli::dump::{self, DumpFile};
use amp_sysinfo_cli::input::DtArgs;
use amp_sysinfo_cli::style::Style;
use amp_sysinfo_cli::{map, parse_u32, pools, qemu, Finding, EXIT_OK};

const EXIT_CODES: &str = "Exit codes: 0 everything consistent; 1 a finding (corrupt or unformatted table, \
truncated dump, pools the devicetree generator rejects); 2 bad command line; 3 an input could not be read \
(missing file, no QEMU monitor, cpp/dtc failing).";

#[derive(Parser)]
#[command(name = "amp-sysinfo", version, about = "Inspect SysInfo pools: of a Zephyr build, and in memory dumps", after_help = EXIT_CODES)]
struct Cli {
    /// Machine-readable output (JSON on stdout).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Hp,
    Rtc,
}

impl From<Kind> for PoolKind {
    fn from(k: Kind) -> PoolKind {
        match k {
            Kind::Hp => PoolKind::Hp,
            Kind::Rtc => PoolKind::Rtc,
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Decode and check the SysInfo tables in memory dumps (esptool.py
    /// dump_mem, gdb `dump binary memory`, OpenOCD dump_image, QEMU pmemsave),
    /// or in a running QEMU's memory (--qemu).
    #[command(after_help = EXIT_CODES)]
    Dump {
        /// Dump files: FILE (its first byte at --base) or FILE@ADDR. Several
        /// at once, e.g. an HP and an RTC dump.
        #[arg(value_name = "FILE[@ADDR]", required_unless_present = "qemu")]
        dumps: Vec<String>,
        /// Bus address of the first byte of every FILE given without @ADDR.
        #[arg(long, value_name = "ADDR", value_parser = parse_u32)]
        base: Option<u32>,
        /// Only this pool (default: every pool of the devicetree a dump holds;
        /// without a devicetree, the kind the table's header claims).
        #[arg(long, value_enum)]
        pool: Option<Kind>,
        /// Pool size in bytes (default: from the devicetree; without one, what
        /// the header claims, else the dump's length).
        #[arg(long, value_name = "BYTES", value_parser = parse_u32)]
        size: Option<u32>,
        /// Take the pools from a Zephyr build directory (its zephyr/zephyr.dts).
        #[arg(long, value_name = "DIR", conflicts_with = "dts")]
        build_dir: Option<PathBuf>,
        /// Take the pools from a final DTS (a build's zephyr.dts).
        #[arg(long, value_name = "FILE")]
        dts: Option<PathBuf>,
        /// Read the pools from a running QEMU through its monitor socket
        /// (unix socket path, or tcp:HOST:PORT; QEMU started with
        /// `-monitor unix:PATH,server,nowait`). Needs the pools (--build-dir,
        /// --dts) or --base and --size.
        #[arg(long, value_name = "SOCKET")]
        qemu: Option<String>,
        /// With --qemu: also write each pool's bytes to `DIR/<kind>-<addr>.bin`.
        #[arg(long, value_name = "DIR", requires = "qemu")]
        save: Option<PathBuf>,
    },
    /// The pools a devicetree describes, checked by the generator.
    #[command(after_help = EXIT_CODES)]
    Pools {
        #[command(flatten)]
        dt: DtArgs,
    },
    /// The devicetree's memory with the pools, the image's sections
    /// (zephyr.elf) and the reserved nodes, drawn to scale.
    #[command(after_help = EXIT_CODES)]
    Map {
        #[command(flatten)]
        dt: DtArgs,
    },
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn run(cli: Cli) -> Result<()> {
    let style = if cli.json {
        Style::plain()
    } else {
        Style::for_stdout()
    };
    match cli.cmd {
        Cmd::Pools { dt } => {
            let loaded = dt.load()?;
            let pools = pools::pools(&loaded)?;
            if cli.json {
                print_json(&pools.iter().map(pools::PoolJson::from).collect::<Vec<_>>())?;
            } else {
                print!("{}", pools::text(&loaded, &pools, style));
            }
        }
        Cmd::Map { dt } => {
            let loaded = dt.load()?;
            let m = map::items(&loaded)?;
            if cli.json {
                print_json(&m)?;
            } else {
                print!("{}", map::text(&m, style));
            }
        }
        Cmd::Dump {
            dumps,
            base,
            pool,
            size,
            build_dir,
            dts,
            qemu: monitor,
            save,
        } => {
            let dt_args = match (&build_dir, &dts) {
                (Some(p), _) | (None, Some(p)) => Some(DtArgs::from_input(p)),
                _ => None,
            };
            let dt_pools = match &dt_args {
                Some(a) => Some(pools::pools(&a.load()?)?),
                None => None,
            };
            let kind = pool.map(PoolKind::from);
            let mut files = Vec::new();
            if let Some(mon) = &monitor {
                if !dumps.is_empty() {
                    bail!("give dump files or --qemu, not both");
                }
                let ranges: Vec<(u32, u32)> = match (&dt_pools, base, size) {
                    (Some(ps), _, _) => ps
                        .iter()
                        .filter(|p| kind.is_none_or(|k| k == p.config.kind))
                        .map(|p| (p.config.bus_base, size.unwrap_or(p.config.size)))
                        .collect(),
                    (None, Some(b), Some(s)) => vec![(b, s)],
                    _ => bail!("--qemu needs the pools: --build-dir, --dts, or --base with --size"),
                };
                let (bytes, status) = qemu::snapshot(mon, &ranges)?;
                eprintln!(
                    "amp-sysinfo: read {} range(s) from QEMU ({mon}), guest was {status}",
                    ranges.len()
                );
                for ((addr, _), b) in ranges.iter().zip(bytes) {
                    if let Some(dir) = &save {
                        std::fs::create_dir_all(dir)?;
                        std::fs::write(dir.join(format!("{addr:08x}.bin")), &b)?;
                    }
                    files.push(DumpFile {
                        name: format!("qemu:{mon}"),
                        base: *addr,
                        bytes: b,
                    });
                }
            } else {
                for d in &dumps {
                    let (path, addr) = dump::parse_dump_arg(d);
                    let addr = match (addr, base) {
                        (Some(a), _) => a.map_err(anyhow::Error::msg)?,
                        (None, Some(b)) => b,
                        (None, None) => bail!("{d}: give its address as {d}@ADDR or with --base"),
                    };
                    files.push(DumpFile::read(&path, addr)?);
                }
            }
            let targets = dump::plan(&files, dt_pools.as_deref(), kind, size)?;
            let reports = targets
                .iter()
                .map(|t| dump::decode(&files[t.file], t))
                .collect::<Result<Vec<_>>>()?;
            if cli.json {
                print_json(&reports)?;
            } else {
                print!("{}", dump::text(&reports, style));
            }
            let bad: Vec<String> = reports
                .iter()
                .filter(|r| !r.ok)
                .map(|r| {
                    format!(
                        "{} pool @ {:#010x}: {}",
                        r.kind.to_uppercase(),
                        r.base,
                        r.error.as_deref().unwrap_or("fault")
                    )
                })
                .collect();
            if !bad.is_empty() {
                return Err(Finding(bad.join("; ")).into());
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            eprintln!("amp-sysinfo: error: {e:#}");
            ExitCode::from(amp_sysinfo_cli::exit_code(&e))
        }
    }
}
