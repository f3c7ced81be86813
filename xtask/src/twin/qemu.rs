//! Running the twin on QEMU: the command line (two harts, the sub image
//! and the scenario word through QEMU's generic loader) and a run with a
//! timeout that collects the console.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::Images;
use crate::Result;

/// Per-run limit; a run takes well under a second.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Run {
    pub lines: Vec<String>,
    pub exit_code: Option<i32>,
    pub elapsed: Duration,
}

pub fn qemu_command(images: &Images, word: u32) -> Vec<String> {
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
pub fn run_qemu(images: &Images, word: u32, echo: bool) -> Result<Run> {
    let argv = qemu_command(images, word);
    let start = Instant::now();
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| anyhow::anyhow!("qemu-system-riscv32: {e}"))?;
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
    let status = crate::wait_or_kill(&mut child, start, RUN_TIMEOUT)?;
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
