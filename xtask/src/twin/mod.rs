//! The QEMU twin: the main and sub images on two harts of QEMU's
//! riscv32 `virt` machine.
//!
//! - `cargo xtask demo [normal|stress|retained|order|fault|torn|reformat]`: builds both
//!   images and runs one scenario, printing the two cores' console live.
//! - `cargo xtask twin-test`: builds, checks both ELFs against the twin
//!   devicetree (no section in a pool, in the other image or in the control
//!   page, the devicetree's `twin_control`; the sub entry where hart 1
//!   jumps), then runs every scenario with a timeout and checks the console
//!   against expected patterns, in order per core (like twister's console
//!   harness with `ordered: true`, applied to each core's lines, since the
//!   two cores' lines interleave freely), and the exit code QEMU's test
//!   finisher gives.

mod console;
mod layout;
mod qemu;
mod scenarios;

use std::path::PathBuf;

use crate::{cargo, project_root, run, setup, Result};
use layout::{check_layout, control_page};
use qemu::{qemu_command, run_qemu};
use scenarios::scenarios;

const TARGET: &str = "riscv32imac-unknown-none-elf";

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
        anyhow::anyhow!(
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
        Err(anyhow::anyhow!(
            "scenario {} expected exit code {}",
            scenario.key,
            scenario.exit_code
        ))
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
        Err(anyhow::anyhow!(
            "twin scenarios failed: {}",
            failed.join(", ")
        ))
    }
}

pub(crate) struct Images {
    pub main: PathBuf,
    pub sub: PathBuf,
    /// The control page, from the devicetree the images were built from.
    pub control: amp_sysinfo_dt::Range,
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
