//! Where the devicetree (and the image) come from: a Zephyr build directory,
//! a final DTS, or a board DTS with overlays.

use std::path::{Path, PathBuf};

use amp_sysinfo_dt::Devicetree;
use anyhow::{bail, Context, Result};

/// A devicetree source as the commands take it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DtArgs {
    /// A Zephyr build directory (reads `zephyr/zephyr.dts` and
    /// `zephyr/zephyr.elf`) or a final DTS file such as a build's
    /// `zephyr.dts`.
    #[arg(value_name = "BUILD_DIR|DTS")]
    pub input: Option<PathBuf>,
    /// Instead of a final DTS: a board DTS, preprocessed and compiled as a
    /// Zephyr build does (with --overlay, -I).
    #[arg(long, value_name = "BOARD.dts", conflicts_with = "input")]
    pub board: Option<PathBuf>,
    /// Overlays applied to --board, in order.
    #[arg(long, value_name = "FILE", requires = "board")]
    pub overlay: Vec<PathBuf>,
    /// Include directories for --board.
    #[arg(short = 'I', value_name = "DIR", requires = "board")]
    pub include: Vec<PathBuf>,
    /// The image to draw in `map` (default: the build's `zephyr/zephyr.elf`).
    #[arg(long, value_name = "FILE")]
    pub elf: Option<PathBuf>,
}

/// A loaded devicetree and the image next to it, if any.
#[derive(Debug)]
pub struct Loaded {
    /// The tree.
    pub dt: Devicetree,
    /// What was read, for headings.
    pub source: String,
    /// The ELF image (given, or the build directory's `zephyr/zephyr.elf`).
    pub elf: Option<PathBuf>,
}

/// The final DTS of a build directory: `zephyr/zephyr.dts` (a Zephyr build
/// directory), or `zephyr.dts` directly inside it (its `zephyr/` dir).
pub fn build_dts(dir: &Path) -> Result<PathBuf> {
    for p in [dir.join("zephyr/zephyr.dts"), dir.join("zephyr.dts")] {
        if p.is_file() {
            return Ok(p);
        }
    }
    bail!(
        "{}: no zephyr/zephyr.dts (not a Zephyr build directory, or not built yet)",
        dir.display()
    )
}

impl DtArgs {
    /// A build directory or DTS given positionally.
    pub fn from_input(input: &Path) -> DtArgs {
        DtArgs {
            input: Some(input.to_path_buf()),
            ..DtArgs::default()
        }
    }

    /// True when no devicetree was given.
    pub fn is_empty(&self) -> bool {
        self.input.is_none() && self.board.is_none()
    }

    /// Loads the devicetree.
    pub fn load(&self) -> Result<Loaded> {
        let (dt, source, elf) = match (&self.input, &self.board) {
            (Some(p), None) if p.is_dir() => {
                let dts = build_dts(p)?;
                let elf = dts.with_file_name("zephyr.elf");
                let dt = Devicetree::from_dts(&dts)
                    .with_context(|| format!("reading {}", dts.display()))?;
                (dt, dts.display().to_string(), elf.is_file().then_some(elf))
            }
            (Some(p), None) => {
                if !p.is_file() {
                    bail!("{}: no such file or directory", p.display());
                }
                let dt =
                    Devicetree::from_dts(p).with_context(|| format!("reading {}", p.display()))?;
                (dt, p.display().to_string(), None)
            }
            (None, Some(board)) => {
                let dt = Devicetree::from_board(board, &self.overlay, &self.include)
                    .with_context(|| format!("reading {}", board.display()))?;
                let mut names = vec![board.display().to_string()];
                names.extend(self.overlay.iter().map(|o| o.display().to_string()));
                (dt, names.join(" + "), None)
            }
            _ => bail!("give a build directory, a DTS file, or --board"),
        };
        Ok(Loaded {
            dt,
            source,
            elf: self.elf.clone().or(elf),
        })
    }
}
