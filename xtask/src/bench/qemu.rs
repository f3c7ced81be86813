//! Running the benchmark image on QEMU and reading its instruction counts.

use super::*;
use anyhow::Context;

/// Runs the instruction-count image on QEMU; its console lines.
pub(super) fn run_qemu(elf: &Path) -> Result<Vec<String>> {
    let mut child = Command::new("qemu-system-riscv32")
        .args([
            "-machine",
            "virt",
            "-bios",
            "none",
            "-icount",
            "shift=0",
            "-nographic",
        ])
        .args(["-monitor", "none", "-serial", "stdio", "-kernel"])
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| anyhow::anyhow!("qemu-system-riscv32: {e}"))?;
    let mut stdout = child.stdout.take().context("qemu: no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = crate::wait_or_kill(&mut child, start, QEMU_TIMEOUT)?;
    let text = reader
        .join()
        .map_err(|_| anyhow::anyhow!("qemu output reader panicked"))?;
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect();
    match status {
        Some(s) if s.success() && lines.iter().any(|l| l == "bench done") => Ok(lines),
        Some(s) => Err(anyhow::anyhow!(
            "{}: QEMU ended with {s}; console:\n{}",
            elf.display(),
            lines.join("\n")
        )),
        None => Err(anyhow::anyhow!(
            "{}: no exit within {QEMU_TIMEOUT:?} (a panic parks the hart); console:\n{}",
            elf.display(),
            lines.join("\n")
        )),
    }
}

/// Instruction counts by `(function, case, entries)`.
pub(super) type Counts = BTreeMap<(String, String, u32), u64>;

/// `bench <function> <case> <entries> <count>` lines; a `bench error` line
/// or a calibration other than the (10 `nop`s read as 11) fails.
pub(super) fn parse_counts(lines: &[String]) -> Result<Counts> {
    let mut counts = Counts::new();
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["bench", "error", ..] => return Err(anyhow::anyhow!("benchmark image: {line}")),
            ["bench", "calibration", "empty", e, "ten_nops", t] if (*e, *t) != ("1", "11") => {
                return Err(anyhow::anyhow!("minstret calibration is off (empty {e}, ten nops {t}; expected 1 and 11): is -icount on?"));
            }
            ["bench", function, case, n, count] => {
                counts.insert(
                    (function.to_string(), case.to_string(), n.parse()?),
                    count.parse()?,
                );
            }
            _ => {}
        }
    }
    if counts.is_empty() {
        return Err(anyhow::anyhow!("benchmark image printed no figures"));
    }
    Ok(counts)
}

/// Per-entry cost of a scan: the slope of a miss from 16 to 256 entries.
pub(super) fn per_entry(counts: &Counts, function: &str) -> Option<u64> {
    let at = |n| {
        counts
            .get(&(function.to_string(), "miss".to_string(), n))
            .copied()
    };
    let (a, b) = (at(16)?, at(256)?);
    Some((b.saturating_sub(a) + 120) / 240)
}

pub(super) fn add_instruction_figures(build: &str, counts: &Counts, figures: &mut Figures) {
    let mut functions = BTreeSet::new();
    for ((function, case, n), count) in counts {
        figures.insert(format!("{build} insn {function}:{case}:{n}"), *count);
        functions.insert(function.clone());
    }
    for function in functions {
        if let Some(slope) = per_entry(counts, &function) {
            figures.insert(format!("{build} per-entry {function}"), slope);
        }
    }
}
