//! `cargo xtask test`: every step CI runs, in order, each reported as passed,
//! skipped (with the reason) or failed, and one closing line
//! `xtask: N passed, M failed, K skipped`.

use crate::outcome::{Outcome, StepResult};
use crate::{bench, dt, fuzz, host, nopanic, setup, size, twin, twister, zephyr, Result};

/// A named step of `cargo xtask test`.
type Step = (&'static str, fn() -> StepResult);

/// A step that either runs completely or fails.
fn passed(r: Result<()>) -> StepResult {
    r.map(|()| Outcome::Passed)
}

pub fn test_all() -> Result<()> {
    setup::all()?;
    let steps: &[Step] = &[
        ("host tests", || passed(host::host_tests())),
        ("lints (clippy, rustdoc)", || passed(host::lint())),
        ("cross-compile", || passed(host::cross())),
        ("size report", || passed(size::report())),
        (
            "LP-core benchmark (instructions on QEMU, bytes per shape)",
            bench::check,
        ),
        ("no panic path in sub-core images", nopanic::check),
        ("fuzz targets (bounded run)", fuzz::run),
        ("devicetree checks", dt::check),
        ("twin scenarios", || passed(twin::test())),
        ("zephyr module checks", || passed(zephyr::check())),
        (
            "zephyr: twister (qemu_riscv32 run, ESP32-C6 build-only)",
            twister::test,
        ),
    ];
    let mut failed = Vec::new();
    let mut skipped = 0;
    for (name, step) in steps {
        eprintln!("\n==> xtask test: {name}");
        match step() {
            Ok(Outcome::Passed) => eprintln!("==> ok: {name}"),
            Ok(Outcome::Skipped(why)) => {
                eprintln!("==> skipped: {name}: {why}");
                skipped += 1;
            }
            Err(e) => {
                eprintln!("==> FAILED: {name}: {e}");
                failed.push(*name);
            }
        }
    }
    let passed = steps.len() - failed.len() - skipped;
    // One plain closing line, read by CI.
    println!(
        "xtask: {passed} passed, {} failed, {skipped} skipped",
        failed.len()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(anyhow::anyhow!("failed steps: {}", failed.join(", ")))
    }
}
