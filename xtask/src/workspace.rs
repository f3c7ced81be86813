//! The Zephyr workspace the Zephyr steps build in, found the way Zephyr's own
//! tools find one, and the environment to build there (toolchain, Python).
//!
//! Search order: `ZEPHYR_BASE`; the west workspace that contains this
//! repository (a `.west/` directory in one of its parents); `~/zephyrproject`,
//! where Zephyr's Getting Started guide puts one. A workspace holds `zephyr/`
//! and, for the chip targets, `modules/hal/espressif` and `modules/lang/rust`
//! (the paths west.yml gives them).
//!
//! Nothing here reads a path outside this repository and that workspace.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{project_root, run, Result};

/// What a Zephyr step prints, and the summary counts, when none is found.
pub const NO_WORKSPACE: &str =
    "no Zephyr workspace (set ZEPHYR_BASE, or run cargo xtask zephyr-setup)";

/// A Zephyr workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The directory holding `zephyr/` and `modules/` (west's topdir).
    pub topdir: PathBuf,
    /// The Zephyr tree (`ZEPHYR_BASE`).
    pub zephyr: PathBuf,
    /// How it was found, for the log.
    pub found_by: &'static str,
}

/// Finds a workspace in the documented order, or `None`.
pub fn find() -> Option<Workspace> {
    if let Some(base) = std::env::var_os("ZEPHYR_BASE").filter(|v| !v.is_empty()) {
        let zephyr = PathBuf::from(base);
        if is_zephyr_tree(&zephyr) {
            let topdir = zephyr.parent().unwrap_or(&zephyr).to_path_buf();
            return Some(Workspace {
                topdir,
                zephyr,
                found_by: "ZEPHYR_BASE",
            });
        }
        eprintln!(
            "workspace: ZEPHYR_BASE={} is not a Zephyr tree; ignored",
            zephyr.display()
        );
    }
    let root = project_root();
    if let Some(topdir) = root.ancestors().skip(1).find(|d| d.join(".west").is_dir()) {
        let zephyr = topdir.join("zephyr");
        if is_zephyr_tree(&zephyr) {
            return Some(Workspace {
                topdir: topdir.to_path_buf(),
                zephyr,
                found_by: "the west workspace around this repository",
            });
        }
    }
    let home = PathBuf::from(std::env::var_os("HOME")?).join("zephyrproject");
    let zephyr = home.join("zephyr");
    is_zephyr_tree(&zephyr).then_some(Workspace {
        topdir: home,
        zephyr,
        found_by: "~/zephyrproject",
    })
}

fn is_zephyr_tree(dir: &Path) -> bool {
    dir.join("VERSION").is_file() && dir.join("cmake/modules/zephyr_default.cmake").is_file()
}

impl Workspace {
    /// `major.minor.patch` from `zephyr/VERSION`.
    pub fn version(&self) -> Result<(u32, u32, u32)> {
        let text = std::fs::read_to_string(self.zephyr.join("VERSION"))?;
        let field = |key: &str| -> Result<u32> {
            text.lines()
                .find_map(|l| {
                    l.strip_prefix(key)?
                        .trim_start()
                        .strip_prefix('=')
                        .map(str::trim)
                })
                .with_context(|| format!("zephyr/VERSION has no {key}"))?
                .parse()
                .map_err(|e| anyhow::anyhow!("zephyr/VERSION {key}: {e}"))
        };
        Ok((
            field("VERSION_MAJOR")?,
            field("VERSION_MINOR")?,
            field("PATCHLEVEL")?,
        ))
    }

    /// A module at its west.yml path, if the workspace has it.
    fn module(&self, rel: &str) -> Option<PathBuf> {
        let dir = self.topdir.join(rel);
        dir.join("zephyr/module.yml").is_file().then_some(dir)
    }

    /// hal_espressif (ESP32-C6 SoC support), if present.
    pub fn hal_espressif(&self) -> Option<PathBuf> {
        self.module("modules/hal/espressif")
    }

    /// zephyr-lang-rust (Rust applications), if present.
    pub fn lang_rust(&self) -> Option<PathBuf> {
        self.module("modules/lang/rust")
    }

    /// `ZEPHYR_MODULES`: this repository and the workspace's modules it
    /// needs. Given explicitly so the build is the same inside and outside
    /// a west workspace (outside one, Zephyr ignores `ZEPHYR_EXTRA_MODULES`).
    pub fn zephyr_modules(&self) -> String {
        let mut mods = vec![project_root()];
        mods.extend(self.hal_espressif());
        mods.extend(self.lang_rust());
        mods.iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(";")
    }

    /// One line for the log: where, which version, which modules.
    pub fn describe(&self) -> String {
        let v = self
            .version()
            .map(|(a, b, c)| format!("{a}.{b}.{c}"))
            .unwrap_or_else(|e| e.to_string());
        let has = |m: Option<PathBuf>, name: &str| {
            if m.is_some() {
                name.to_string()
            } else {
                format!("no {name}")
            }
        };
        format!(
            "Zephyr {v} at {} (found by {}); {}, {}",
            self.zephyr.display(),
            self.found_by,
            has(self.hal_espressif(), "hal_espressif"),
            has(self.lang_rust(), "zephyr-lang-rust"),
        )
    }
}

/// Creates a workspace from this repository's west.yml where the network
/// allows (`west init -l` + `west update` + `west blobs fetch hal_espressif`),
/// in the directory above this repository, as Zephyr's example-application
/// does. Returns `Ok(None)` when GitHub cannot be reached.
pub fn setup(py: &Path) -> Result<Option<Workspace>> {
    if let Some(ws) = find() {
        return Ok(Some(ws));
    }
    let reachable = Command::new("timeout")
        .args([
            "20",
            "git",
            "ls-remote",
            "--heads",
            "https://github.com/zephyrproject-rtos/zephyr",
            "main",
        ])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !reachable {
        eprintln!("zephyr-setup: github.com cannot be reached; no workspace created");
        return Ok(None);
    }
    let west = py.with_file_name("west");
    let root = project_root();
    let topdir = root
        .parent()
        .context("the repository has no parent directory")?;
    run(Command::new(&west).arg("init").arg("-l").arg(&root))?;
    run(Command::new(&west)
        .arg("update")
        .arg("--narrow")
        .current_dir(topdir))?;
    run(Command::new(&west)
        .args(["blobs", "fetch", "hal_espressif"])
        .current_dir(topdir))?;
    Ok(find())
}

/// Installs the workspace's own Python requirements (those its build and
/// twister need) into the project's venv, once per requirements content.
pub fn python_requirements(ws: &Workspace, py: &Path) -> Result<()> {
    let files: Vec<PathBuf> = ["base", "build-test", "run-test"]
        .iter()
        .map(|n| ws.zephyr.join(format!("scripts/requirements-{n}.txt")))
        .filter(|p| p.is_file())
        .collect();
    let mut want = String::new();
    for f in &files {
        want.push_str(&std::fs::read_to_string(f)?);
    }
    let stamp = py
        .parent()
        .and_then(Path::parent)
        .context("venv layout")?
        .join(".zephyr-requirements");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    eprintln!(
        "setup: pip install the workspace's scripts/requirements-{{base,build-test,run-test}}.txt"
    );
    let mut cmd = Command::new(py);
    cmd.args(["-m", "pip", "install", "-q", "--disable-pip-version-check"]);
    for f in &files {
        cmd.arg("-r").arg(f);
    }
    run(&mut cmd)?;
    std::fs::write(stamp, want)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_tree(dir: &Path, minor: u32) {
        std::fs::create_dir_all(dir.join("cmake/modules")).unwrap();
        std::fs::write(dir.join("cmake/modules/zephyr_default.cmake"), "").unwrap();
        std::fs::write(
            dir.join("VERSION"),
            format!(
                "VERSION_MAJOR = 4\nVERSION_MINOR = {minor}\nPATCHLEVEL = 0\nVERSION_TWEAK = 0\n"
            ),
        )
        .unwrap();
    }

    /// `ZEPHYR_BASE` wins over `~/zephyrproject`; a `ZEPHYR_BASE` that is no
    /// Zephyr tree is ignored; modules count only with their module.yml.
    /// (One test: it sets process-wide environment variables.)
    #[test]
    fn search_order_and_modules() {
        let scratch = std::env::temp_dir().join(format!("xtask-ws-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let base = scratch.join("ws/zephyr");
        fake_tree(&base, 4);
        let home = scratch.join("home");
        fake_tree(&home.join("zephyrproject/zephyr"), 0);
        std::fs::create_dir_all(scratch.join("ws/modules/hal/espressif/zephyr")).unwrap();
        std::fs::write(
            scratch.join("ws/modules/hal/espressif/zephyr/module.yml"),
            "name: hal_espressif\n",
        )
        .unwrap();
        std::fs::create_dir_all(scratch.join("ws/modules/lang/rust")).unwrap(); // no module.yml

        let saved = (std::env::var_os("ZEPHYR_BASE"), std::env::var_os("HOME"));
        std::env::set_var("HOME", &home);
        std::env::set_var("ZEPHYR_BASE", &base);
        let ws = find().expect("ZEPHYR_BASE");
        assert_eq!(ws.found_by, "ZEPHYR_BASE");
        assert_eq!(ws.version().unwrap(), (4, 4, 0));
        assert!(ws.hal_espressif().is_some());
        assert!(ws.lang_rust().is_none());
        assert_eq!(ws.zephyr_modules().split(';').count(), 2);

        std::env::set_var("ZEPHYR_BASE", scratch.join("not-zephyr"));
        let ws = find().expect("~/zephyrproject");
        assert_eq!(ws.found_by, "~/zephyrproject");
        assert_eq!(ws.version().unwrap(), (4, 0, 0));

        std::env::remove_var("ZEPHYR_BASE");
        std::env::set_var("HOME", scratch.join("empty-home"));
        // The repository is not inside a west workspace in this test's
        // checkout unless the developer put it there.
        if project_root()
            .ancestors()
            .skip(1)
            .all(|d| !d.join(".west").is_dir())
        {
            assert!(find().is_none());
        }
        for (k, v) in [("ZEPHYR_BASE", saved.0), ("HOME", saved.1)] {
            match v {
                Some(v) => std::env::set_var(k, v),
                None => std::env::remove_var(k),
            }
        }
        std::fs::remove_dir_all(&scratch).unwrap();
    }
}
