//! Checking a run's console against its scenario: patterns in order per
//! core (the two cores' lines interleave freely), forbidden lines, the exit
//! code, and the stress scenario's overlap of the cores.

use regex::Regex;

use super::qemu::{Run, RUN_TIMEOUT};
use super::scenarios::Scenario;

impl Scenario {
    /// Checks a run: exit code, ordered patterns per core, forbidden lines.
    /// On success, a note for the summary line (the stress counts).
    pub fn check(&self, run: &Run) -> std::result::Result<String, String> {
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
    use std::time::Duration;

    use super::super::scenarios::scenarios;

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
}
