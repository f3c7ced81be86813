//! Installing what a fresh machine lacks: rustup targets, Debian packages and
//! the Python venv with the upstream tools (edtlib, west, kconfiglib,
//! pykwalify). Every workflow calls these first, so the README's two commands
//! work as the first thing typed on a fresh machine.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{project_root, run, Result};

/// Rust targets the project cross-compiles for: the twin and the LP core
/// (`imac`), the Zephyr Rust target for ESP32-C6/C5 (`i`), ESP32-P4 (`imafc`).
pub const TARGETS: &[&str] = &[
    "riscv32imac-unknown-none-elf",
    "riscv32i-unknown-none-elf",
    "riscv32imafc-unknown-none-elf",
];

/// `(command that must exist, Debian package that provides it)`.
pub const DEBIAN: &[(&str, &str)] = &[
    ("qemu-system-riscv32", "qemu-system-misc"),
    ("dtc", "device-tree-compiler"),
    ("cpp", "cpp"),
    ("riscv64-unknown-elf-size", "binutils-riscv64-unknown-elf"),
    ("riscv64-unknown-elf-gcc", "gcc-riscv64-unknown-elf"),
    // The C API's header test compiles the header as C++ too.
    ("c++", "g++"),
];

/// Python packages of the upstream tools the checks run.
///
/// Zephyr's edtlib: PyPI's `devicetree` (0.0.2, 2022) is years behind the
/// in-tree `scripts/dts/python-devicetree`; `dtsh` 0.2.5 (2025-10) vendors a
/// current copy of that package as its top-level `devicetree` (EDT with
/// `vendor_prefixes`, `werror`, `infer_binding_for_paths`, as Zephyr's
/// `gen_edt.py` calls it). The two must not be installed together: both
/// install `devicetree/`.
pub const PYTHON: &[&str] = &[
    "dtsh==0.2.5",
    "PyYAML>=6",
    "west>=1.2",
    "cmake>=3.20",
    "check-jsonschema>=0.29",
];

pub fn rustup_targets() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    let installed = match out {
        Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
        Err(_) => {
            return Err(anyhow::anyhow!(
                "rustup not found: install Rust with rustup first"
            ))
        }
    };
    let missing: Vec<&str> = TARGETS
        .iter()
        .copied()
        .filter(|t| !installed.lines().any(|l| l.trim() == *t))
        .collect();
    if !missing.is_empty() {
        eprintln!("setup: rustup target add {}", missing.join(" "));
        let mut cmd = Command::new("rustup");
        cmd.args(["target", "add"]).args(&missing);
        run(&mut cmd)?;
    }
    Ok(())
}

/// A command on `PATH`, or (given as an absolute path) a file.
pub fn have(cmd: &str) -> bool {
    if cmd.starts_with('/') {
        return Path::new(cmd).is_file();
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(cmd).is_file()))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// Installs the Debian packages whose commands are missing (as root), or says
/// exactly what to install.
pub fn debian(needed: &[(&str, &str)]) -> Result<()> {
    let mut pkgs: Vec<&str> = needed
        .iter()
        .filter(|(c, _)| !have(c))
        .map(|(_, p)| *p)
        .collect();
    pkgs.dedup();
    if pkgs.is_empty() {
        return Ok(());
    }
    if !is_root() || !have("apt-get") {
        return Err(anyhow::anyhow!(
            "missing commands; install them with: sudo apt-get install {}",
            pkgs.join(" ")
        ));
    }
    eprintln!("setup: apt-get install {}", pkgs.join(" "));
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&pkgs))?;
    Ok(())
}

/// The project's Python venv (`.venv/`), created and filled on first use.
/// Returns the path of its `python`.
pub fn venv() -> Result<PathBuf> {
    let root = project_root();
    let dir = root.join(".venv");
    let py = dir.join("bin/python");
    let stamp = dir.join(".installed");
    let want = PYTHON.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) && py.is_file() {
        return Ok(py);
    }
    if !py.is_file() {
        eprintln!("setup: python3 -m venv {}", dir.display());
        run(Command::new("python3").args(["-m", "venv"]).arg(&dir))?;
    }
    eprintln!("setup: pip install {}", PYTHON.join(" "));
    run(Command::new(&py)
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .args(PYTHON))?;
    std::fs::write(&stamp, want)?;
    Ok(py)
}

/// Everything the test suite needs.
pub fn all() -> Result<()> {
    rustup_targets()?;
    debian(DEBIAN)?;
    venv()?;
    Ok(())
}

#[allow(dead_code)]
pub fn path_str(p: &Path) -> String {
    p.display().to_string()
}
