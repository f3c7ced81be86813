//! Everything that can go wrong, each variant naming the node and property at
//! fault so a build log says exactly what to fix in which overlay.

use std::fmt;
use std::path::PathBuf;

/// A node as the user wrote it: its path, and its first label if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeName {
    /// The full path, e.g. `/reserved-memory/sysinfo_hp@50000000`.
    pub path: String,
    /// The node's first label, e.g. `sysinfo_hp`.
    pub label: Option<String>,
}

impl fmt::Display for NodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.label {
            Some(l) => write!(f, "{} ({l})", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// An address range `[start, end)` in the CPU's (bus) address space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Range {
    /// The first address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
}

impl Range {
    /// `size` bytes from `start`.
    pub fn new(start: u64, size: u64) -> Range {
        Range {
            start,
            end: start + size,
        }
    }
    /// Length in bytes.
    pub fn size(&self) -> u64 {
        self.end - self.start
    }
    /// True when the two share at least one byte.
    pub fn overlaps(&self, other: &Range) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// True when `other` lies wholly inside `self`.
    pub fn contains(&self, other: &Range) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}..{:#x}", self.start, self.end)
    }
}

/// Why a devicetree could not be read, or why its pools are not usable.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// `cpp` or `dtc` could not be started or failed; `stderr` is its output.
    Tool {
        /// The command (`cpp` or `dtc`).
        tool: String,
        /// How it ended (exit status, or why it did not start).
        status: String,
        /// Its standard error.
        stderr: String,
    },
    /// The compiled blob is not a valid flattened devicetree.
    Blob(String),
    /// A pool property is missing, of the wrong type, or has a value the
    /// binding does not allow.
    Property {
        /// The node at fault.
        node: NodeName,
        /// The property at fault.
        property: &'static str,
        /// What is wrong, in words.
        problem: String,
    },
    /// A pool node has a property its binding does not declare (a typo such
    /// as `max-entires` would otherwise leave the default in force).
    UnknownProperty {
        /// The node at fault.
        node: NodeName,
        /// The property at fault.
        property: String,
    },
    /// No enabled node is an HP pool: every configuration needs one.
    MissingHpPool,
    /// Two enabled pools claim the same kind.
    DuplicateKind {
        /// The pool kind (`hp` or `rtc`).
        kind: &'static str,
        /// The pool that claimed the kind first.
        first: NodeName,
        /// The pool that claimed it again.
        second: NodeName,
    },
    /// An RTC pool, but the HP pool says the sub core is not the LP core.
    RtcWithoutLpCore {
        /// The node at fault.
        node: NodeName,
        /// The HP pool, which carries `sub-core`.
        hp_pool: NodeName,
    },
    /// The pool does not lie inside one memory node.
    OutsideMemory {
        /// The node at fault.
        node: NodeName,
        /// The range at fault.
        range: Range,
    },
    /// An RTC pool outside the LP SRAM node (label `sramlp`): it would not
    /// be retained in deep sleep, and the LP core's view of it differs.
    RtcOutsideLpSram {
        /// The node at fault.
        node: NodeName,
        /// The range at fault.
        range: Range,
        /// The LP SRAM node's range.
        lp_sram: Range,
    },
    /// The pool overlaps another node's registers or memory.
    Overlap {
        /// The node at fault.
        node: NodeName,
        /// The range at fault.
        range: Range,
        /// The node it overlaps.
        other: NodeName,
        /// That node's range.
        other_range: Range,
    },
    /// Base or size is not a multiple of the pool alignment (16 bytes).
    Misaligned {
        /// The node at fault.
        node: NodeName,
        /// The range at fault.
        range: Range,
        /// The required alignment in bytes.
        align: u32,
    },
    /// The pool cannot hold its own header and table.
    TooSmall {
        /// The node at fault.
        node: NodeName,
        /// The pool's size in bytes.
        size: u64,
        /// Bytes the header and table need.
        needed: u64,
        /// The pool's `max-entries`.
        max_entries: u16,
    },
    /// A pool reaches above 4 GiB: the table stores 32-bit bus addresses.
    AddressTooLarge {
        /// The node at fault.
        node: NodeName,
        /// The range at fault.
        range: Range,
    },
    /// The image RAM node asked for does not exist or has no usable `reg`.
    RamNode {
        /// The label or path asked for.
        wanted: String,
        /// What is wrong, in words.
        problem: String,
    },
    /// A node asked for by label or path (`Devicetree::region`) does not
    /// exist or has no usable `reg`.
    Node {
        /// The label or path asked for.
        wanted: String,
        /// What is wrong, in words.
        problem: String,
    },
    /// An allocated ELF section lies in a pool.
    ElfOverlap {
        /// The ELF file.
        elf: PathBuf,
        /// The section's name.
        section: String,
        /// The range at fault.
        range: Range,
        /// The pool node.
        pool: NodeName,
        /// The pool's range.
        pool_range: Range,
    },
    /// The ELF file could not be parsed.
    Elf {
        /// The ELF file.
        elf: PathBuf,
        /// What is wrong, in words.
        problem: String,
    },
    /// Wrong command-line usage.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Tool { tool, status, stderr } => write!(f, "{tool} failed ({status}):\n{stderr}"),
            Error::Blob(e) => write!(f, "not a valid devicetree blob: {e}"),
            Error::Property { node, property, problem } => write!(f, "{node}: property `{property}`: {problem}"),
            Error::UnknownProperty { node, property } => write!(
                f,
                "{node}: property `{property}` is not in the pool binding (known: {})",
                crate::pools::POOL_PROPERTIES.join(", ")
            ),
            Error::MissingHpPool => write!(
                f,
                "no HP pool: add an enabled node with compatible \"{}\" and pool-kind = \"hp\" under /reserved-memory",
                crate::COMPATIBLE
            ),
            Error::DuplicateKind { kind, first, second } => {
                write!(f, "{second}: a second {kind} pool (the first is {first}); each kind may appear once: \
                           `/delete-node/` one of them, or set status = \"disabled\"")
            }
            Error::RtcWithoutLpCore { node, hp_pool } => write!(
                f,
                "{node}: an RTC pool needs the LP core as sub core, but {hp_pool} says sub-core = \"hp\"; \
                 delete the RTC pool (`/delete-node/ &sysinfo_rtc;`) or set sub-core = \"lp\" on the HP pool"
            ),
            Error::OutsideMemory { node, range } => write!(
                f,
                "{node}: pool {range} does not lie inside one memory node (device_type = \"memory\" or mmio-sram); \
                 move it into RAM the devicetree describes, or add the memory node (on Zephyr 4.0 the ESP32-C6 \
                 devicetree has no LP SRAM node and its sram0 ends at 0x40850000: include \
                 <espressif/esp32c6/esp_amp_sysinfo_hpcore_zephyr_4_0.dtsi>), see docs/boards.md"
            ),
            Error::RtcOutsideLpSram { node, range, lp_sram } => write!(
                f,
                "{node}: RTC pool {range} lies outside LP SRAM (the node labelled sramlp, {lp_sram}); \
                 pool-kind = \"rtc\" is LP SRAM that survives deep sleep: move the pool into sramlp, above the \
                 shrunk ulp_ram (docs/pools.md), or make it the HP pool"
            ),
            Error::Overlap { node, range, other, other_range } => {
                write!(f, "{node}: pool {range} overlaps {other} at {other_range}; {}", overlap_hint(*range, other, *other_range))
            }
            Error::Misaligned { node, range, align } => {
                write!(f, "{node}: pool {range}: base and size must be multiples of {align} bytes; round the base up and the size down")
            }
            Error::TooSmall { node, size, needed, max_entries } => write!(
                f,
                "{node}: pool of {size:#x} bytes cannot hold its header and a table of {max_entries} entries ({needed:#x} bytes); \
                 lower max-entries or grow the pool"
            ),
            Error::AddressTooLarge { node, range } => {
                write!(f, "{node}: pool {range} lies above 4 GiB; pools hold 32-bit bus addresses")
            }
            Error::RamNode { wanted, problem } => write!(f, "image RAM {wanted}: {problem}"),
            Error::Node { wanted, problem } => write!(f, "node {wanted}: {problem}"),
            Error::ElfOverlap { elf, section, range, pool, pool_range } => write!(
                f,
                "{}: section `{section}` at {range} overlaps pool {pool} at {pool_range}",
                elf.display()
            ),
            Error::Elf { elf, problem } => write!(f, "{}: {problem}", elf.display()),
            Error::Usage(u) => f.write_str(u),
        }
    }
}

/// What to do about an overlap, by what the pool runs into.
fn overlap_hint(range: Range, other: &NodeName, other_range: Range) -> String {
    let label = other.label.as_deref().unwrap_or("");
    match label {
        "ulp_ram" if range.start > other_range.start => format!(
            "ulp_ram is the LP core's image RAM: shrink ulp_ram to end where the pool begins \
             (`&ulp_ram {{ reg = <0x0 {:#x}>; }};`) in the hpcore and the lpcore overlay alike, \
             see docs/pools.md",
            range.start - other_range.start
        ),
        "esp32c6_rom_data" => format!(
            "that is the ESP32-C6 ROM's .bss/.data: end the HP pool at or below {:#x}, see docs/pools.md",
            other_range.start
        ),
        _ if other_range.start >= range.start => format!(
            "end the pool at or below {:#x} (shrink it or move it down), see docs/pools.md",
            other_range.start
        ),
        _ => format!(
            "start the pool at or above {:#x} (move it up), or shrink {} in the overlay, see docs/pools.md",
            other_range.end, other
        ),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
