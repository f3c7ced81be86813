//! `cargo xtask <command>`: the project's workflows in one place
//! (`cargo xtask help` lists them). Each command lives in its own module.

mod bench;
mod capi_image;
mod dt;
mod elf;
mod fuzz;
mod host;
mod inspect;
mod nopanic;
mod outcome;
mod setup;
mod size;
mod test_all;
mod toolchain;
mod twin;
mod twister;
mod workspace;
mod zephyr;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};
use outcome::{Outcome, StepResult};

pub type Result<T> = anyhow::Result<T>;

/// The project's workflows.
#[derive(Parser)]
#[command(name = "cargo xtask", about = "esp-amp-sysinfo workflows", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build the twin's two images and run one scenario on QEMU (the main job).
    Demo {
        /// normal, stress, retained, order, fault, torn, reformat or unknown.
        #[arg(default_value = "normal")]
        scenario: String,
    },
    /// Everything CI runs; installs what a fresh machine lacks first.
    Test,
    /// Every twin scenario on QEMU, checked.
    TwinTest,
    /// The devicetree checks on the Zephyr workspace's boards.
    DtCheck {
        /// Check only this board target with these overlays
        /// (`TARGET=OVERLAY[,OVERLAY...]`; repeat for each core view).
        #[arg(long = "view", value_name = "TARGET=OVERLAYS")]
        views: Vec<String>,
    },
    /// Zephyr-facing checks that need no Zephyr workspace.
    ZephyrCheck,
    /// Find (or, with network, make) a Zephyr workspace; install what it needs.
    ZephyrSetup,
    /// twister on samples/ and tests/: qemu_riscv32 run, ESP32-C6 build-only.
    ZephyrTest,
    /// Cross-compile the portable crates for every chip target.
    Cross,
    /// clippy and rustdoc, warnings as errors.
    Lint,
    /// The sub-core size report and its limits.
    Size,
    /// Instruction counts on QEMU and bytes per shape; writes docs/performance.md.
    Bench,
    /// No core panic symbol in any sub-core image.
    Nopanic,
    /// The fuzz targets, each for a bounded time.
    Fuzz,
    /// Install what the other commands need.
    Setup,
}

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the root")
        .to_path_buf()
}

/// Runs a command, inheriting stdio; an error if it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .map_err(|e| anyhow::anyhow!("{:?}: {e}", cmd.get_program()))?;
    if !status.success() {
        return Err(anyhow::anyhow!("command failed ({status}): {cmd:?}"));
    }
    Ok(())
}

/// Waits for `child` until `timeout` after `start`; then kills it (our own
/// child, by its handle) and returns `None`.
pub fn wait_or_kill(
    child: &mut std::process::Child,
    start: std::time::Instant,
    timeout: std::time::Duration,
) -> Result<Option<std::process::ExitStatus>> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(project_root());
    c
}

/// A single step run on its own: says when it was skipped.
fn report(r: StepResult) -> Result<()> {
    if let Outcome::Skipped(why) = r? {
        eprintln!("xtask: skipped: {why}");
    }
    Ok(())
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Cmd::Demo { scenario } => twin::demo(&[scenario]),
        Cmd::Test => test_all::test_all(),
        Cmd::TwinTest => setup::all().and_then(|()| twin::test()),
        Cmd::DtCheck { views } if views.is_empty() => {
            setup::all().and_then(|()| report(dt::check()))
        }
        Cmd::DtCheck { views } => setup::all().and_then(|()| report(dt::check_views(&views))),
        Cmd::ZephyrCheck => setup::all().and_then(|()| zephyr::check()),
        Cmd::ZephyrSetup => setup::all().and_then(|()| report(twister::setup())),
        Cmd::ZephyrTest => setup::all().and_then(|()| report(twister::test())),
        Cmd::Cross => setup::rustup_targets().and_then(|()| host::cross()),
        Cmd::Lint => host::lint(),
        Cmd::Size => setup::all().and_then(|()| size::report()),
        Cmd::Bench => setup::all().and_then(|()| bench::run_bench()),
        Cmd::Nopanic => setup::all().and_then(|()| report(nopanic::check())),
        Cmd::Fuzz => report(fuzz::run()),
        Cmd::Setup => setup::all(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
