//! SysInfo: a validated registry of shared-memory blocks between the main and
//! the sub core of asymmetric multi-core chips (ESP32-C6/C5 HP + LP core,
//! ESP32-P4), compatible in spirit with ESP-AMP's `esp_amp_sys_info`.
//!
//! The main core formats *pools* (HP RAM, and RTC/LP RAM when the LP core is
//! the sub core) and allocates named blocks in them with a [`Writer`]; the sub
//! core finds them by [`Id`] with a [`Reader`]. Each pool starts with a header
//! and a table of `(u16 id, u16 size, u16 offset)` entries (wire format v4,
//! [`format`]: the offset places the block in the data area), followed by
//! the blocks.
//!
//! What this crate adds over ESP-AMP's C:
//! - **validated tables**: magic, version, check word, capacity, pool base and
//!   size are checked on attach; every entry's block is checked to lie inside
//!   the pool's data area before it is handed out. Corrupt or uninitialised
//!   memory gives an [`Error`], never a panic and never an access outside the
//!   region.
//! - **safe publication**: an entry becomes visible only complete (block and
//!   address first, then a Release store of the entry's id into its empty
//!   slot; readers fence with Acquire on a match), so
//!   the main core may keep allocating after the sub core has booted. Only
//!   aligned 32-bit atomic loads and stores touch the table: no
//!   read-modify-write, which RTC RAM and `riscv32i` do not have.
//! - **typed, bounds-checked access**: [`Block`] reads and writes are bounds
//!   checked, [`Shared<T>`] gives volatile typed copies for any
//!   [`zerocopy`] plain-data type, and atomics are only handed out from pools
//!   that have them.
//! - **bus vs local addresses**: a [`Region`] is where this core sees the pool
//!   and where the bus has it; the table stores bus addresses.
//!
//! ```
//! use amp_sysinfo::{Id, PoolConfig, PoolKind, Reader, Region, Writer};
//!
//! # #[repr(C, align(16))] struct Pool([u8; 1024]);
//! # let mut mem = Pool([0; 1024]);
//! // Both cores take the pool from the devicetree; here: 1 KiB of host memory
//! // that the "bus" sees at 0x5000_0000.
//! let cfg = PoolConfig::new(PoolKind::Hp, 0x5000_0000, 1024);
//! // SAFETY: `mem` outlives every use below and nothing else touches it.
//! let region = unsafe { Region::new(mem.0.as_mut_ptr(), cfg.bus_base, cfg.size) }.unwrap();
//!
//! // Main core.
//! static WRITER: Writer = Writer::new();
//! WRITER.init(region, &cfg).unwrap();
//! let person = WRITER.alloc_with(Id::new(0x0001).unwrap(), PoolKind::Hp, &[18u32, 170]).unwrap();
//!
//! // Sub core.
//! let mut reader = Reader::new();
//! reader.attach(region, PoolKind::Hp).unwrap();
//! let seen = reader.get_as::<[u32; 2]>(Id::new(0x0001).unwrap(), PoolKind::Hp).unwrap();
//! assert_eq!(seen.read(), [18, 170]);
//! assert_eq!(seen.block().bus_addr(), person.block().bus_addr());
//! ```
#![no_std]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]
#![deny(missing_docs)]

#[cfg(test)]
extern crate std;

/// Diagnostics through `log` when the `log` feature is on; nothing otherwise.
#[cfg(feature = "log")]
macro_rules! diag {
    ($lvl:ident, $($arg:tt)*) => { log::$lvl!($($arg)*) };
}
#[cfg(not(feature = "log"))]
macro_rules! diag {
    // Type-check the arguments (and use them) without emitting anything.
    ($lvl:ident, $($arg:tt)*) => {{
        if false {
            let _ = core::format_args!($($arg)*);
        }
    }};
}

mod block;
mod cache;
mod error;
pub mod format;
mod handle;
mod id;
pub mod inspect;
mod reader;
mod region;
mod table;
mod writer;

pub use block::{Block, Shared};
pub use cache::{fence_before_sub_core_start, CacheSync, NoCache};
pub use error::Error;
pub use format::{table_bytes, PoolConfig, PoolFlags, PoolKind};
pub use handle::Handle;
pub use id::Id;
pub use reader::Reader;
pub use region::Region;
pub use writer::Writer;
