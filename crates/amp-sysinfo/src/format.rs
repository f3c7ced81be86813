//! Wire format v4 (see `docs/format.md`): what lies at the base of a pool.
//! Version 1, 2 and 3 tables are upgraded in place by the main core's
//! `Writer::attach` (versions 1 and 2: even capacities); readers take
//! version 4 only.
//!
//! ```text
//! offset  size  field
//! 0x00    4     magic            b"SYSI" (0x4953_5953 little-endian); written last when formatting
//! 0x04    2     version          4 (3: entries hold bus addresses, 2: unpublished slots 0,
//!                                1: no generation either)
//! 0x06    2     max_entries      table capacity
//! 0x08    1     kind             0 = HP, 1 = RTC
//! 0x09    1     flags            PoolFlags bits
//! 0x0a    2     reserved         0
//! 0x0c    4     pool_size        bytes, header and table included
//! 0x10    4     bus_base         bus address of the pool (what entries are relative to)
//! 0x14    4     check            CHECK_SEED ^ words 0..5: catches garbage that has the magic
//! 0x18    4     count            published entries; the Release store that publishes an entry
//! 0x1c    4     generation       non-zero, new on every format (v1: 0); cleared first when formatting
//! 0x20    8*S   slots            u16 id, u16 size, u16 offset, u16 reserved (0); little-endian.
//!                                offset: the block's, from the data area's start, in 4-byte
//!                                units. S = N rounded up to even; a slot not (yet) published
//!                                holds EMPTY_SLOT (id 0xffff)
//! ...           data area        blocks, 4-byte aligned at least, zero-filled
//! ```
//! Every field is read and written as an aligned 32-bit word, with atomic
//! loads and stores only (no read-modify-write: RTC RAM has no atomics, and
//! zephyr-lang-rust builds the ESP32-C6 as `riscv32i`).

use bitflags::bitflags;

/// `b"SYSI"` read as a little-endian word.
pub const MAGIC: u32 = u32::from_le_bytes(*b"SYSI");
/// The format version this crate writes and the only one a reader attaches to.
pub const VERSION: u16 = 4;
/// The oldest format version the main core's `Writer::attach` re-opens (and
/// upgrades to [`VERSION`] in place: versions 1 and 2 when the capacity is
/// even).
pub const MIN_VERSION: u16 = 1;
/// Both words of a slot that holds no entry: id 0xffff is never an entry's
/// ([`Id`](crate::Id)), so a lookup may compare every slot of the table.
pub const EMPTY_SLOT: u32 = u32::MAX;
/// Bit 31 of the generation word: a format (or upgrade) under way. A format
/// first stores the generation it is writing with this bit set, and the
/// generation alone (bits 0..31, never 0) last, so the word never goes back
/// to an earlier table's value, even after a format cut short by a reset.
pub const FORMATTING: u32 = 1 << 31;
/// Bytes of the pool header.
pub const HEADER_SIZE: usize = 32;
/// Bytes of one table entry: `u16 id`, `u16 size`, `u16 offset`, `u16`
/// reserved.
pub const ENTRY_SIZE: usize = 8;
/// Default table capacity, as ESP-AMP's.
pub const DEFAULT_MAX_ENTRIES: u16 = 16;
/// Required alignment of a pool's base and size (ESP-AMP aligns to 16).
pub const POOL_ALIGN: u32 = 16;
/// Minimum alignment of every block: the unit of an entry's offset.
pub const BLOCK_ALIGN: usize = 4;
/// The furthest a block may start from its data area's start: the largest
/// offset an entry holds (0xffff units of [`BLOCK_ALIGN`] bytes).
pub const MAX_BLOCK_OFFSET: u32 = 0xffff * BLOCK_ALIGN as u32;
/// Largest alignment `alloc_aligned` accepts.
pub const MAX_BLOCK_ALIGN: usize = 4096;

const CHECK_SEED: u32 = 0x5a5a_c3c3;

/// Word indices of the header fields.
pub(crate) mod word {
    pub const MAGIC: usize = 0;
    pub const VERSION_MAX: usize = 1;
    pub const KIND_FLAGS: usize = 2;
    pub const SIZE: usize = 3;
    pub const BUS_BASE: usize = 4;
    pub const CHECK: usize = 5;
    pub const COUNT: usize = 6;
    pub const GENERATION: usize = 7;
    pub const ENTRIES: usize = 8;
}

/// Table slots for a capacity of `max_entries`: rounded up to even, so a
/// lookup compares slots two at a time (the odd capacity's extra slot stays
/// empty).
pub const fn table_slots(max_entries: u16) -> usize {
    max_entries as usize + (max_entries as usize & 1)
}

/// Bytes taken by the header and the table of a capacity of `max_entries`
/// entries ([`table_slots`]): where the data area starts.
///
/// ```
/// assert_eq!(amp_sysinfo::table_bytes(16), 32 + 16 * 8);
/// assert_eq!(amp_sysinfo::table_bytes(3), 32 + 4 * 8);
/// ```
pub const fn table_bytes(max_entries: u16) -> usize {
    HEADER_SIZE + ENTRY_SIZE * table_slots(max_entries)
}

/// Whether a table of `version` has its slots rounded up to an even number,
/// the unpublished ones empty (from version 3 on; versions 1 and 2 left them
/// 0 and did not round).
pub(crate) const fn rounds_slots(version: u16) -> bool {
    version >= 3
}

/// Where the data area of a table of `version` and `max_entries` starts.
pub(crate) const fn data_start(version: u16, max_entries: u16) -> usize {
    if rounds_slots(version) {
        table_bytes(max_entries)
    } else {
        HEADER_SIZE + ENTRY_SIZE * max_entries as usize
    }
}

/// Which pool: the numbering is ESP-AMP's `esp_amp_sys_info_cap_t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PoolKind {
    /// HP RAM: general purpose, atomics allowed (`SYS_INFO_CAP_HP = 0`).
    Hp = 0,
    /// RTC / LP RAM: retained in deep sleep, no atomics (`SYS_INFO_CAP_RTC = 1`).
    Rtc = 1,
}

impl PoolKind {
    /// Both kinds, in index order.
    pub const ALL: [PoolKind; 2] = [PoolKind::Hp, PoolKind::Rtc];

    /// From the stored byte / the C enum value.
    pub const fn from_u8(v: u8) -> Option<PoolKind> {
        match v {
            0 => Some(PoolKind::Hp),
            1 => Some(PoolKind::Rtc),
            _ => None,
        }
    }

    /// The capability flags a pool of this kind carries.
    pub const fn flags(self) -> PoolFlags {
        match self {
            PoolKind::Hp => PoolFlags::ATOMICS,
            PoolKind::Rtc => PoolFlags::RETAINED,
        }
    }

    /// `"HP"` or `"RTC"`.
    pub const fn name(self) -> &'static str {
        match self {
            PoolKind::Hp => "HP",
            PoolKind::Rtc => "RTC",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

bitflags! {
    /// Capabilities of a pool, stored in its header.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct PoolFlags: u8 {
        /// Atomic read-modify-write instructions work on this memory (HP RAM).
        const ATOMICS = 1 << 0;
        /// The memory keeps its contents across the main core's deep sleep.
        const RETAINED = 1 << 1;
    }
}

/// A pool as the devicetree describes it: both cores build the same value
/// (the `amp-sysinfo-dt` generator emits these as constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PoolConfig {
    /// HP or RTC.
    pub kind: PoolKind,
    /// Bus address of the pool's first byte: what the table stores.
    pub bus_base: u32,
    /// Bytes, header and table included.
    pub size: u32,
    /// Table capacity.
    pub max_entries: u16,
}

impl PoolConfig {
    /// A pool with the default table capacity (16).
    pub const fn new(kind: PoolKind, bus_base: u32, size: u32) -> PoolConfig {
        PoolConfig {
            kind,
            bus_base,
            size,
            max_entries: DEFAULT_MAX_ENTRIES,
        }
    }
}

/// The header fields that identify a table (everything but the count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub kind: PoolKind,
    pub max_entries: u16,
    pub size: u32,
    pub bus_base: u32,
}

impl Header {
    pub(crate) fn words(&self) -> [u32; 5] {
        [
            MAGIC,
            VERSION as u32 | (self.max_entries as u32) << 16,
            self.kind as u32 | (self.kind.flags().bits() as u32) << 8,
            self.size,
            self.bus_base,
        ]
    }

    pub(crate) fn check(words: &[u32; 5]) -> u32 {
        // Plain XOR: every field but `max_entries` is also compared with the
        // reader's own view, so this only has to reject garbage (and it keeps
        // the sub core's attach small).
        CHECK_SEED ^ words[0] ^ words[1] ^ words[2] ^ words[3] ^ words[4]
    }
}

/// One table entry, unpacked: its second word as stored (version 4: the
/// offset in the low half, the reserved half 0; versions 1 to 3: the
/// block's bus address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub id: u16,
    pub size: u16,
    pub place: u32,
}

impl Entry {
    /// Version 4: the block's offset from the data area, in [`BLOCK_ALIGN`]
    /// units (the low half of the second word).
    pub(crate) const fn units(&self) -> u16 {
        self.place as u16
    }

    /// Version 4: whether the reserved half of the second word is not 0.
    pub(crate) const fn reserved_set(&self) -> bool {
        self.place >> 16 != 0
    }

    /// First word: `id` in the low half, `size` in the high half, so that the
    /// little-endian bytes are `u16 id, u16 size`.
    pub(crate) const fn word0(&self) -> u32 {
        self.id as u32 | (self.size as u32) << 16
    }
}
