//! Inspection of a table for host tools (the `amp-sysinfo` inspector): every
//! published entry as stored, with the verdict of the checks the reader and
//! [`Writer::attach`](crate::Writer::attach) make, entry by entry, so a tool
//! can say *which* entry is wrong instead of one [`Error::Corrupt`].
//!
//! Nothing here decodes the table a second time: the header is validated by
//! the reader's own attach, entries are read and bounds-checked by the same
//! functions [`Reader::get`](crate::Reader::get) uses. Never writes.
//!
//! ```
//! use amp_sysinfo::inspect::{EntryFault, Listing};
//! use amp_sysinfo::{Id, PoolConfig, PoolKind, Region, Writer};
//! # #[repr(C, align(16))] struct Pool([u8; 512]);
//! # let mut mem = Pool([0; 512]);
//! let cfg = PoolConfig::new(PoolKind::Hp, 0x4087_c610, 512);
//! // SAFETY: `mem` outlives the region and nothing else touches it.
//! let region = unsafe { Region::new(mem.0.as_mut_ptr(), cfg.bus_base, cfg.size) }.unwrap();
//! let writer = Writer::new();
//! writer.init(region, &cfg).unwrap();
//! writer.alloc(Id::new(1).unwrap(), 24, PoolKind::Hp).unwrap();
//!
//! let listing = Listing::open(region, PoolKind::Hp).unwrap();
//! let entries: Vec<_> = listing.entries().collect();
//! assert_eq!((entries[0].id, entries[0].size, entries[0].offset), (1, 24, Some(160)));
//! assert_eq!(entries[0].fault, None);
//! assert_eq!(listing.used_bytes(), 160 + 24);
//! assert_eq!(listing.check(), Ok(()));
//! # let _ = EntryFault::Empty;
//! ```

use core::fmt;
use core::sync::atomic::Ordering::Relaxed;

use crate::cache::NoCache;
use crate::format::{word, Entry, HEADER_SIZE, MAGIC, MIN_VERSION, VERSION};
use crate::reader::Attached;
use crate::table::{self, Words};
use crate::{Error, Id, PoolConfig, PoolKind, Region};

/// The header words exactly as stored, whatever they hold: for telling a
/// user *why* [`Listing::open`] refused a table (which field disagrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredHeader {
    /// Word 0; [`crate::format::MAGIC`] in a valid table.
    pub magic: u32,
    /// Format version.
    pub version: u16,
    /// Table capacity.
    pub max_entries: u16,
    /// Pool kind byte (0 = HP, 1 = RTC).
    pub kind: u8,
    /// [`PoolFlags`](crate::PoolFlags) bits.
    pub flags: u8,
    /// Pool size the table claims.
    pub pool_size: u32,
    /// Bus base the table claims.
    pub bus_base: u32,
    /// The check word.
    pub check: u32,
    /// Published entry count.
    pub count: u32,
    /// The generation word (word 7): non-zero from version 2 on, 0 in a
    /// version 1 table (where it was reserved).
    pub generation: u32,
    /// Whether magic and check word are what a formatted table holds (the
    /// reader's *not ready* test).
    pub check_ok: bool,
}

impl StoredHeader {
    /// The header at the start of `region`, or `None` if the region is
    /// smaller than a header.
    pub fn read(region: &Region) -> Option<StoredHeader> {
        if region.len_words() < word::ENTRIES {
            return None;
        }
        // SAFETY: indices < 8 <= len_words.
        let w = |i| unsafe { region.load(i, Relaxed) };
        let fields = [
            w(word::MAGIC),
            w(word::VERSION_MAX),
            w(word::KIND_FLAGS),
            w(word::SIZE),
            w(word::BUS_BASE),
        ];
        let check = w(word::CHECK);
        Some(StoredHeader {
            magic: fields[0],
            version: fields[1] as u16,
            max_entries: (fields[1] >> 16) as u16,
            kind: fields[2] as u8,
            flags: (fields[2] >> 8) as u8,
            pool_size: fields[3],
            bus_base: fields[4],
            check,
            count: w(word::COUNT),
            generation: w(word::GENERATION),
            check_ok: fields[0] == MAGIC && check == crate::format::Header::check(&fields),
        })
    }

    /// The pool this header describes, if magic, check word, version and
    /// kind are valid: what a tool without a devicetree may take as the
    /// pool's configuration (then [`Listing::open`] checks the rest).
    pub fn config(&self) -> Option<PoolConfig> {
        let kind = PoolKind::from_u8(self.kind)?;
        (self.check_ok && (MIN_VERSION..=VERSION).contains(&self.version)).then_some(PoolConfig {
            kind,
            bus_base: self.bus_base,
            size: self.pool_size,
            max_entries: self.max_entries,
        })
    }
}

/// What is wrong with one published entry. [`EntryFault::error`] is the
/// crate's [`Error`] for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntryFault {
    /// Id 0xffff, which never names an entry.
    InvalidId,
    /// Size 0.
    Empty,
    /// Address not 4-byte aligned (a version 1 to 3 table's entry, which
    /// holds a bus address; a version 4 offset is aligned by construction).
    Misaligned,
    /// The reserved half-word after a version 4 entry's offset is not 0.
    Reserved,
    /// The block does not lie wholly inside the pool's data area.
    OutOfBounds,
    /// The same id as the earlier entry `index` in this pool.
    Duplicate {
        /// Table index of the first entry with this id.
        index: u16,
    },
    /// The block overlaps the block of the earlier entry `index`.
    Overlaps {
        /// Table index of the entry it overlaps.
        index: u16,
    },
    /// The block starts before the end of the previous entry `index`'s block
    /// without overlapping it: not in allocation order, which the writer
    /// never produces (its `attach` refuses such a table).
    OutOfOrder {
        /// Table index of the previous entry.
        index: u16,
    },
}

impl EntryFault {
    /// The crate's error for this fault: [`Error::DuplicateId`] for a
    /// duplicate, [`Error::Corrupt`] (what `Reader::get` and
    /// `Writer::attach` return) for every other.
    pub const fn error(self) -> Error {
        match self {
            EntryFault::Duplicate { .. } => Error::DuplicateId,
            _ => Error::Corrupt,
        }
    }

    /// A short description (without the index).
    pub const fn as_str(self) -> &'static str {
        match self {
            EntryFault::InvalidId => "id 0xffff is never valid",
            EntryFault::Empty => "size 0",
            EntryFault::Misaligned => "address not 4-byte aligned",
            EntryFault::Reserved => "reserved half-word not 0",
            EntryFault::OutOfBounds => "block outside the pool's data area",
            EntryFault::Duplicate { .. } => "duplicate id in this pool",
            EntryFault::Overlaps { .. } => "block overlaps another entry's block",
            EntryFault::OutOfOrder { .. } => "block not in allocation order",
        }
    }
}

impl fmt::Display for EntryFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            EntryFault::Duplicate { index } => write!(f, "duplicate id of entry {index}"),
            EntryFault::Overlaps { index } => write!(f, "block overlaps entry {index}'s block"),
            EntryFault::OutOfOrder { index } => {
                write!(f, "block starts before entry {index}'s block ends")
            }
            other => f.write_str(other.as_str()),
        }
    }
}

/// One published entry as stored, with its verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListedEntry {
    /// Table index.
    pub index: u16,
    /// Id as stored.
    pub id: u16,
    /// Block size as stored.
    pub size: u16,
    /// The entry's second word as stored: in a version 4 table the block's
    /// offset from the data area in 4-byte units (low half) and the
    /// reserved half (high, 0); in versions 1 to 3 its bus address.
    pub stored: u32,
    /// Bus address of the block: the stored one (versions 1 to 3), or the
    /// data area's bus address plus 4 times the stored offset (version 4,
    /// the reserved half left out as a lookup leaves it out).
    pub addr: u32,
    /// Byte offset of the block from the pool's base, when its address lies
    /// in the pool.
    pub offset: Option<u32>,
    /// The first check it fails, or `None`.
    pub fault: Option<EntryFault>,
}

/// A pool's table whose header the reader accepted, listed entry by entry.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    table: Attached,
    kind: PoolKind,
    /// What the header holds (version, capacity, count, generation).
    opened: table::Opened,
}

impl Listing {
    /// Validates the header in `region` as the `kind` pool with the reader's
    /// own check ([`Reader::attach`](crate::Reader::attach): same errors).
    pub fn open(region: Region, kind: PoolKind) -> Result<Listing, Error> {
        let opened = Attached::open(region, kind, &NoCache, crate::format::MIN_VERSION)?;
        let table = Attached::of(region, &opened);
        Ok(Listing {
            table,
            kind,
            opened,
        })
    }

    /// The pool's kind.
    pub fn kind(&self) -> PoolKind {
        self.kind
    }

    /// The region the table was read from.
    pub fn region(&self) -> Region {
        self.table.region()
    }

    /// Published entries.
    pub fn count(&self) -> u16 {
        self.opened.count
    }

    /// The header's format version.
    pub fn version(&self) -> u16 {
        self.opened.version
    }

    /// The first unpublished slot of a version 3 or 4 table that is not empty
    /// (all ones), which `Writer::attach` refuses as corrupt: a lookup
    /// compares every slot. Tables of earlier versions have none (their
    /// unpublished slots are not read).
    pub fn stray_slot(&self) -> Option<u16> {
        table::stray_slot(&self.table.region(), &self.opened)
    }

    /// Table capacity.
    pub fn max_entries(&self) -> u16 {
        self.table.max_entries
    }

    /// Byte offset of the data area (header and table before it).
    pub fn data_offset(&self) -> u32 {
        self.table.data_start()
    }

    /// Bytes in use: the header, the table and everything up to the end of
    /// the last in-bounds block.
    pub fn used_bytes(&self) -> u32 {
        self.entries()
            .filter(|e| {
                !matches!(
                    e.fault,
                    Some(
                        EntryFault::InvalidId
                            | EntryFault::Empty
                            | EntryFault::Misaligned
                            | EntryFault::OutOfBounds
                    )
                )
            })
            .filter_map(|e| e.offset.map(|o| o + e.size as u32))
            .fold(self.data_offset(), u32::max)
    }

    /// Entry `index` (below [`Listing::count`]) with its verdict.
    pub fn entry(&self, index: u16) -> Option<ListedEntry> {
        if index >= self.opened.count {
            return None;
        }
        // SAFETY: `index < count <= max_entries` of an attached table.
        let e = unsafe { table::entry(&self.table.region(), index) };
        let addr = self.table.data.entry_addr(self.opened.version, e);
        Some(ListedEntry {
            index,
            id: e.id,
            size: e.size,
            stored: e.place,
            addr,
            offset: self
                .table
                .region()
                .translate(addr, 0)
                .map(|_| addr - self.table.region().bus_base()),
            fault: self.fault(index, e),
        })
    }

    /// Every published entry, in table order.
    pub fn entries(&self) -> impl Iterator<Item = ListedEntry> + '_ {
        (0..self.opened.count).filter_map(|i| self.entry(i))
    }

    /// `Ok` exactly when `Writer::attach` would accept the table; else the
    /// first faulty entry's [`EntryFault::error`], or
    /// [`Error::UnsupportedVersion`] for the first entry of an older table
    /// that the upgrade to version 4 cannot take (its block starts more
    /// than [`MAX_BLOCK_OFFSET`](crate::format::MAX_BLOCK_OFFSET) bytes into
    /// the data area).
    pub fn check(&self) -> Result<(), Error> {
        self.opened.upgradable()?;
        let far = |e: &ListedEntry| {
            // Only an entry that passes the block check gets this far, and
            // then its bus address lies in the data area.
            let rel = e.addr.wrapping_sub(self.table.data.bus_addr(0));
            rel > crate::format::MAX_BLOCK_OFFSET
        };
        let verdict = self.entries().find_map(|e| match e.fault {
            Some(f) => Some(f.error()),
            None if far(&e) => Some(Error::UnsupportedVersion),
            None => None,
        });
        match verdict {
            None if self.stray_slot().is_some() => Err(Error::Corrupt),
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// The block of entry `e` as an offset range in the data area, if it
    /// passes the block check of the table's version as a lookup makes it
    /// (version 4: the reserved half left out).
    fn span(&self, e: Entry) -> Option<(u32, u32)> {
        self.table
            .data
            .place(self.opened.version, e)
            .map(|rel| (rel, rel + e.size as u32))
    }

    fn fault(&self, index: u16, e: Entry) -> Option<EntryFault> {
        let region = &self.table.region();
        if Id::from_raw(e.id).is_err() {
            return Some(EntryFault::InvalidId);
        }
        let Some((start, end)) = self.span(e) else {
            let legacy = self.opened.version < VERSION;
            return Some(if e.size == 0 {
                EntryFault::Empty
            } else if legacy && e.place % crate::format::BLOCK_ALIGN as u32 != 0 {
                EntryFault::Misaligned
            } else {
                EntryFault::OutOfBounds
            });
        };
        if self.opened.version >= VERSION && e.reserved_set() {
            return Some(EntryFault::Reserved);
        }
        // SAFETY: `j < index < count <= max_entries` of an attached table.
        let earlier_entry = |j: u16| unsafe { table::entry(region, j) };
        if let Some(j) = (0..index).find(|&j| earlier_entry(j).id == e.id) {
            return Some(EntryFault::Duplicate { index: j });
        }
        let earlier = |j: u16| self.span(earlier_entry(j));
        if let Some(j) = (0..index).find(|&j| earlier(j).is_some_and(|(s, t)| s < end && start < t))
        {
            return Some(EntryFault::Overlaps { index: j });
        }
        if index > 0 && earlier(index - 1).is_some_and(|(_, t)| start < t) {
            return Some(EntryFault::OutOfOrder { index: index - 1 });
        }
        None
    }
}

// `HEADER_SIZE` is what `StoredHeader::read` needs at least.
const _: () = assert!(word::ENTRIES * 4 == HEADER_SIZE);
