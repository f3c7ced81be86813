//! Reads the SysInfo pools of a devicetree and generates what every image
//! needs from them: Rust constants ([`Devicetree::rust`]), the C API's pools
//! object ([`Devicetree::c_pools`]) and a linker-script `MEMORY` block with
//! the pools cut out ([`Devicetree::memory_x`]). It also
//! checks a linked image against the pools ([`Devicetree::check_elf`]).
//!
//! One devicetree drives every image: the Zephyr main-core build reads its
//! final `zephyr.dts` (zephyr-lang-rust passes its path to `build.rs` as
//! `ZEPHYR_DTS`); a bare-metal sub-core image reads the board DTS plus
//! overlays, preprocessed and compiled exactly as a Zephyr build would.
//!
//! # Pools in the devicetree
//!
//! A pool is an enabled node under `/reserved-memory` with compatible
//! `"esp-amp-sysinfo,pool"` (binding `dts/bindings/reserved-memory/esp-amp-sysinfo,pool.yaml`):
//!
//! ```dts
//! reserved-memory {
//!     #address-cells = <1>;
//!     #size-cells = <1>;
//!     ranges;
//!     sysinfo_hp: memory@4087c610 {
//!         compatible = "esp-amp-sysinfo,pool";
//!         reg = <0x4087c610 0x1f50>;
//!         pool-kind = "hp";
//!         sub-core = "lp";    /* the LP core runs the sub image: RTC pool allowed */
//!     };
//!     sysinfo_rtc: memory@50003800 {
//!         compatible = "esp-amp-sysinfo,pool";
//!         reg = <0x50003800 0x3f0>;
//!         pool-kind = "rtc";
//!         max-entries = <8>;  /* optional, default 16 */
//!     };
//! };
//! ```
//!
//! [`Devicetree::pools`] rejects, naming the node: a missing HP pool; two
//! pools of one kind; an RTC pool when the HP pool says `sub-core = "hp"`; a
//! pool not inside one memory node (`device_type = "memory"` or `mmio-sram`);
//! a pool overlapping any other node with a memory-mapped `reg` (another pool,
//! another reserved-memory node, or a claimed part of a memory node such as
//! Zephyr's `ulp_ram`, `ulp_shm`, `lp_rtc`, `retainedmem`, `ipc_shm`,
//! `mbox0`); base or size not a multiple of 16; a pool too small for its
//! header and table; a missing or mistyped property.
//!
//! # Reading the blob: why `dtc` + the `fdt` crate
//!
//! Sources go through `cpp` and `dtc` with the flags of Zephyr's
//! `cmake/modules/dts.cmake`, so `#include`, macros such as `DT_SIZE_K`,
//! label references, overlays, `/delete-node/` and cell arithmetic mean what
//! they mean in a Zephyr build: the tools that define the language evaluate it.
//! The resulting blob has a small, fixed binary format, which the maintained
//! `fdt` crate parses; parsing DTS text ourselves would mean re-implementing
//! dtc's grammar and merge rules. This crate adds only full paths, labels
//! (`dtc -@`) and `ranges` translation, so `reg = <0x3800 0x3f0>` under
//! `sramlp` is checked as 0x5000_3800. `CPP` and `DTC` override the tools.
//!
//! # From `build.rs`
//!
//! ```no_run
//! # fn main() -> Result<(), amp_sysinfo_dt::Error> {
//! use std::path::{Path, PathBuf};
//! use amp_sysinfo_dt::Devicetree;
//!
//! let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
//! let dt = match std::env::var_os("ZEPHYR_DTS") {
//!     // Inside a Zephyr build (zephyr-lang-rust): the final devicetree.
//!     Some(dts) => Devicetree::from_dts(Path::new(&dts))?,
//!     // A bare-metal image: board DTS + overlays, as Zephyr would combine them.
//!     None => Devicetree::from_board(
//!         Path::new("../boards/qemu/twin/twin.dts"),
//!         &[PathBuf::from("../boards/qemu/twin/twin_sub.overlay")],
//!         &[],
//!     )?,
//! };
//! for input in dt.inputs() {
//!     println!("cargo:rerun-if-changed={}", input.display());
//! }
//! dt.write_rust(&out.join("pools.rs"))?;          // include!(concat!(env!("OUT_DIR"), "/pools.rs"));
//! dt.write_memory_x(&out.join("memory.x"), None)?; // RAM of /chosen zephyr,sram, pools cut out
//! println!("cargo:rustc-link-search={}", out.display());
//! # Ok(()) }
//! ```
//!
//! The generated Rust names the `amp_sysinfo` crate, so the image depends on
//! it. For the twin's main overlay it reads:
//!
//! ```text
//! pub const HP_POOL: amp_sysinfo::PoolConfig = amp_sysinfo::PoolConfig { kind: amp_sysinfo::PoolKind::Hp, bus_base: 0x80300000, size: 0x4000, max_entries: 16 };
//! pub const RTC_POOL: Option<amp_sysinfo::PoolConfig> = Some(amp_sysinfo::PoolConfig { kind: amp_sysinfo::PoolKind::Rtc, bus_base: 0x80310000, size: 0x1000, max_entries: 16 });
//! pub const POOLS: &[amp_sysinfo::PoolConfig] = &[ /* HP, then RTC */ ];
//! ```
//!
//! `RTC_POOL` is always emitted, as `None` where the devicetree has no RTC
//! pool, so code that uses it builds on every configuration.
//!
//! # Command line
//!
//! ```text
//! amp-sysinfo-dt pools     INPUT              # check, print the pools
//! amp-sysinfo-dt rust      INPUT [-o FILE]    # the Rust constants
//! amp-sysinfo-dt memory-x  INPUT [--ram NODE] [-o FILE]
//! amp-sysinfo-dt check-elf INPUT --elf IMAGE.elf
//! amp-sysinfo-dt dts       BOARD_INPUT [-o FILE]  # the final tree as DTS (see final_dts)
//! amp-sysinfo-dt reg       INPUT --node NODE  # a node's one reg entry (see Devicetree::region)
//! INPUT = --dts zephyr.dts | BOARD_INPUT
//! BOARD_INPUT = --board BOARD.dts [--overlay X.overlay]... [-I DIR]...
//! ```

// A host build tool: an error ends the build, so its size does not matter,
// and each variant carries the node names a user needs to fix the overlay.
#![allow(clippy::result_large_err)]
#![deny(missing_docs)]

mod elf;
mod emit;
mod error;
mod pools;
mod source;
mod tree;

use std::path::{Path, PathBuf};

/// `(name, range)` of every allocated (`SHF_ALLOC`), non-empty section of an
/// ELF image, in section-header order: what [`Devicetree::check_elf`] checks
/// against the pools (for tools that draw an image next to them, such as
/// the `amp-sysinfo map` inspector).
pub use elf::allocated_sections;
pub use emit::carve;
pub use error::{Error, NodeName, Range};
pub use pools::{kind_value, Pool, SubCore, POOL_PROPERTIES};
pub use tree::{Node, Tree};

/// The compatible string of a pool node.
pub const COMPATIBLE: &str = "esp-amp-sysinfo,pool";

/// A compiled devicetree and where it came from.
#[derive(Debug, Clone)]
pub struct Devicetree {
    tree: Tree,
    source: String,
    inputs: Vec<PathBuf>,
}

impl Devicetree {
    /// A complete DTS, such as the `zephyr.dts` of a Zephyr build
    /// (`build/zephyr/zephyr.dts`; `ZEPHYR_DTS` in zephyr-lang-rust builds).
    pub fn from_dts(dts: &Path) -> Result<Devicetree, Error> {
        let blob = source::compile(dts)?;
        Ok(Devicetree {
            tree: Tree::from_blob(&blob)?,
            source: dts.display().to_string(),
            inputs: vec![dts.to_path_buf()],
        })
    }

    /// A board DTS plus overlays, preprocessed and compiled the way a Zephyr
    /// build does. `include_dirs` are the `-isystem` directories (for the
    /// ESP32-C6 boards: Zephyr's `include`, `include/zephyr`, `dts/common`,
    /// `dts/riscv`, `dts`).
    pub fn from_board(
        board: &Path,
        overlays: &[PathBuf],
        include_dirs: &[PathBuf],
    ) -> Result<Devicetree, Error> {
        let (blob, _text, inputs) = source::preprocess_and_compile(board, overlays, include_dirs)?;
        let mut names = vec![board.display().to_string()];
        names.extend(overlays.iter().map(|o| o.display().to_string()));
        Ok(Devicetree {
            tree: Tree::from_blob(&blob)?,
            source: names.join(" + "),
            inputs,
        })
    }

    /// An already compiled blob (`dtc -@ -O dtb`; without `-@` messages show
    /// paths only).
    pub fn from_blob(blob: &[u8], source: &str) -> Result<Devicetree, Error> {
        Ok(Devicetree {
            tree: Tree::from_blob(blob)?,
            source: source.into(),
            inputs: Vec::new(),
        })
    }

    /// Every file the devicetree was built from (for `cargo:rerun-if-changed`).
    pub fn inputs(&self) -> &[PathBuf] {
        &self.inputs
    }

    /// The parsed tree.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The checked pools, HP first.
    pub fn pools(&self) -> Result<Vec<Pool>, Error> {
        pools::pools(&self.tree)
    }

    /// The Rust constants (`HP_POOL`, `RTC_POOL`, `POOLS`).
    pub fn rust(&self) -> Result<String, Error> {
        Ok(emit::rust(&self.pools()?, &self.source))
    }

    /// C source defining the C API's `esp_amp_sys_info_pools` (its
    /// `linked-pools` sub-core build), each pool seen at its bus address.
    pub fn c_pools(&self) -> Result<String, Error> {
        Ok(emit::c_pools(&self.pools()?, &self.source))
    }

    /// Writes [`Devicetree::rust`] to `path` (only when it changed, so cargo
    /// does not rebuild needlessly).
    pub fn write_rust(&self, path: &Path) -> Result<(), Error> {
        write_if_changed(path, &self.rust()?)
    }

    /// The image RAM: the node `ram` names (a label such as `ram_sub`, or a
    /// path), or `/chosen` `zephyr,sram` when `ram` is `None`.
    pub fn image_ram(&self, ram: Option<&str>) -> Result<(NodeName, Range), Error> {
        let wanted = ram.unwrap_or("/chosen zephyr,sram").to_string();
        let idx = match ram {
            Some(r) => self.tree.find(r),
            None => self.tree.chosen("zephyr,sram"),
        }
        .ok_or_else(|| Error::RamNode {
            wanted: wanted.clone(),
            problem: "no such node".into(),
        })?;
        self.one_region(idx)
            .map_err(|problem| Error::RamNode { wanted, problem })
    }

    /// The one memory-mapped `reg` entry (in CPU addresses) of the node
    /// `node` names: a label such as `twin_control`, or a path. For regions
    /// the devicetree reserves besides the pools, such as the QEMU twin's
    /// control page (`/reserved-memory/memory@80320000`, `twin_control`).
    pub fn region(&self, node: &str) -> Result<(NodeName, Range), Error> {
        let idx = self.tree.find(node).ok_or_else(|| Error::Node {
            wanted: node.into(),
            problem: "no such node".into(),
        })?;
        self.one_region(idx).map_err(|problem| Error::Node {
            wanted: node.into(),
            problem,
        })
    }

    /// Rust source for one constant, `pub const NAME: usize = <base>;`, the
    /// base address of the node `node` names (see [`Devicetree::region`]):
    /// for a device an image reaches besides the pools, such as the CLINT
    /// whose software interrupt starts the QEMU sub hart.
    pub fn rust_region_base(&self, node: &str, name: &str) -> Result<String, Error> {
        let (node_name, range) = self.region(node)?;
        Ok(format!(
            "/// Base of `{}` (from the devicetree).\npub const {name}: usize = {:#x};\n",
            node_name.path, range.start
        ))
    }

    fn one_region(&self, idx: usize) -> Result<(NodeName, Range), String> {
        let node = &self.tree.nodes[idx];
        match node.regions.as_slice() {
            [r] => Ok((node.name(), *r)),
            _ => Err(format!(
                "{} has not exactly one memory-mapped reg entry",
                node.name()
            )),
        }
    }

    /// A linker-script `MEMORY` block for a bare-metal image: the image RAM
    /// (see [`Devicetree::image_ram`]) without the pools and without any
    /// other `/reserved-memory` node. The largest free piece is `RAM`, other
    /// pieces `RAM_1`, `RAM_2`, ... in address order.
    pub fn memory_x(&self, ram: Option<&str>) -> Result<String, Error> {
        let pools = self.pools()?;
        let (ram_name, ram_range) = self.image_ram(ram)?;
        let mut holes: Vec<(String, Range)> = pools
            .iter()
            .map(|p| (p.node.to_string(), p.range()))
            .collect();
        if let Some(rm) = self.tree.find("/reserved-memory") {
            for n in self
                .tree
                .nodes
                .iter()
                .filter(|n| n.parent == Some(rm) && !n.has_compatible(COMPATIBLE))
            {
                holes.extend(n.regions.iter().map(|r| (n.name().to_string(), *r)));
            }
        }
        emit::memory_x(ram_range, &ram_name.to_string(), &holes, &self.source)
    }

    /// Writes [`Devicetree::memory_x`] to `path` (only when it changed).
    pub fn write_memory_x(&self, path: &Path, ram: Option<&str>) -> Result<(), Error> {
        write_if_changed(path, &self.memory_x(ram)?)
    }

    /// Fails when an allocated section of the ELF image overlaps a pool;
    /// returns how many allocated sections were checked.
    pub fn check_elf(&self, elf: &Path) -> Result<usize, Error> {
        elf::check(elf, &self.pools()?)
    }
}

/// The final devicetree of a board DTS plus overlays as DTS text, the way a
/// Zephyr build's `zephyr.dts` shows it: preprocessed as
/// [`Devicetree::from_board`] does, then `dtc -O dts` (overlays merged,
/// `/delete-node/` applied, no `__symbols__`). For tools that read a final
/// DTS, such as a stand-in for a build's `zephyr.dts`.
pub fn final_dts(
    board: &Path,
    overlays: &[PathBuf],
    include_dirs: &[PathBuf],
) -> Result<String, Error> {
    source::final_dts(board, overlays, include_dirs)
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), Error> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
