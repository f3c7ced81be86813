//! The `amp-sysinfo` host inspector (docs/inspector.md).
//!
//! - [`dump`]: decodes SysInfo tables in memory dumps with the core crate's
//!   reader ([`amp_sysinfo::Reader`], [`amp_sysinfo::inspect`]): no second
//!   decoder.
//! - [`pools`]: the pools a devicetree describes, through the generator
//!   ([`amp_sysinfo_dt`]) and its validation.
//! - [`map`]: the chip's memory with the pools, the image's sections and the
//!   devicetree's reserved nodes, to scale.
//! - [`qemu`]: reads guest memory through a QEMU monitor socket.
//!
//! Exit codes (the binary's): [`EXIT_OK`], [`EXIT_FINDING`] (a corrupt
//! table, a devicetree the generator refuses), [`EXIT_USAGE`], [`EXIT_INPUT`]
//! (an input that cannot be read).

#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

pub mod dump;
pub mod input;
pub mod map;
pub mod pools;
pub mod qemu;
pub mod style;

use std::fmt;

/// Everything checked and consistent.
pub const EXIT_OK: u8 = 0;
/// The inspector found a fault: a corrupt or unformatted table, a truncated
/// dump, a devicetree whose pools the generator rejects.
pub const EXIT_FINDING: u8 = 1;
/// Bad command line (clap's own code).
pub const EXIT_USAGE: u8 = 2;
/// An input could not be read (missing file, QEMU monitor not reachable,
/// no `dtc`).
pub const EXIT_INPUT: u8 = 3;

/// An error that is a *finding* about the inspected thing (exit code
/// [`EXIT_FINDING`]), as opposed to a failure to inspect it.
#[derive(Debug)]
pub struct Finding(pub String);

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Finding {}

/// The exit code for an error returned by a command.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.chain().any(|c| c.is::<Finding>() || is_dt_finding(c)) {
        EXIT_FINDING
    } else {
        EXIT_INPUT
    }
}

/// A devicetree error that is about the tree's pools (the generator's
/// validation), not about reading it (I/O, `cpp`/`dtc` failing, a bad ELF).
fn is_dt_finding(e: &(dyn std::error::Error + 'static)) -> bool {
    use amp_sysinfo_dt::Error as E;
    !matches!(
        e.downcast_ref::<E>(),
        None | Some(E::Io { .. } | E::Usage(_) | E::Tool { .. } | E::Blob(_) | E::Elf { .. })
    )
}

/// `0x…` or decimal, with optional `_` separators.
pub fn parse_u32(s: &str) -> Result<u32, String> {
    let t = s.replace('_', "");
    let r = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16),
        None => t.parse(),
    };
    r.map_err(|e| format!("`{s}` is not a 32-bit number: {e}"))
}
