//! The main core's side: format pools, re-attach retained ones, allocate and
//! publish blocks. Allocation is serialised with `critical-section`.

use core::cell::RefCell;
use core::fmt;

use critical_section::Mutex;
use zerocopy::{FromBytes, Immutable, IntoBytes};

use crate::cache::{CacheSync, NoCache};
use crate::format::{
    table_bytes, Entry, Header, BLOCK_ALIGN, ENTRY_SIZE, MAX_BLOCK_ALIGN, MAX_BLOCK_OFFSET,
    MIN_VERSION,
};
use crate::reader::Attached;
use crate::table;
use crate::{Block, Error, Id, PoolConfig, PoolKind, Region, Shared};

/// A pool the writer owns: the attached table plus the allocation state that
/// only the main core keeps (the shared count is its published copy).
#[derive(Debug, Clone, Copy)]
struct Owned {
    /// Kept whole (the attached table only keeps what a lookup needs).
    region: Region,
    table: Attached,
    count: u16,
    /// Offset of the first free byte from the data area's start.
    cursor: u32,
}

/// The main core's allocator. Lives in a `static`; every call runs inside a
/// critical section, so threads and interrupts on the main core may allocate.
///
/// ```
/// use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Region, Writer};
/// # #[repr(C, align(16))] struct Pool([u8; 512]);
/// # let mut mem = Pool([0; 512]);
/// let cfg = PoolConfig::new(PoolKind::Rtc, 0x5000_1000, 512);
/// // SAFETY: `mem` outlives the region and nothing else touches it.
/// let region = unsafe { Region::new(mem.0.as_mut_ptr(), cfg.bus_base, cfg.size) }.unwrap();
/// static WRITER: Writer = Writer::new();
/// WRITER.init(region, &cfg).unwrap();
/// let id = Id::new(7).unwrap();
/// let block = WRITER.alloc(id, 24, PoolKind::Rtc).unwrap();
/// assert_eq!(block.bus_addr(), 0x5000_1000 + 32 + 16 * 8);
/// assert_eq!(WRITER.alloc(id, 24, PoolKind::Rtc), Err(Error::DuplicateId));
/// assert_eq!(WRITER.alloc(id, 24, PoolKind::Hp), Err(Error::PoolAbsent));
/// ```
pub struct Writer<C: CacheSync = NoCache> {
    pools: Mutex<RefCell<[Option<Owned>; 2]>>,
    cache: C,
}

impl Writer<NoCache> {
    /// A writer with no pool, for chips whose shared RAM is not cached.
    pub const fn new() -> Self {
        Writer::with_cache(NoCache)
    }
}

impl Default for Writer<NoCache> {
    fn default() -> Self {
        Writer::new()
    }
}

impl<C: CacheSync> Writer<C> {
    /// A writer that writes cached shared memory back before publishing.
    pub const fn with_cache(cache: C) -> Self {
        Writer {
            pools: Mutex::new(RefCell::new([None, None])),
            cache,
        }
    }

    /// Runs `f` on the pool state, serialised.
    fn with<R>(
        &self,
        f: impl FnOnce(&mut [Option<Owned>; 2]) -> Result<R, Error>,
    ) -> Result<R, Error> {
        critical_section::with(|cs| {
            let mut pools = self
                .pools
                .borrow(cs)
                .try_borrow_mut()
                .map_err(|_| Error::Busy)?;
            f(&mut pools)
        })
    }

    /// Formats `region` as the pool `cfg` describes: an empty table. Existing
    /// entries are dropped (use [`Writer::attach`] to keep them).
    ///
    /// Errors, with the memory untouched: [`Error::RegionMismatch`] if the
    /// region's bus base or size differ from `cfg`'s, [`Error::PoolTooSmall`]
    /// if `max_entries` is 0 or the table does not fit with room for a block.
    pub fn init(&self, region: Region, cfg: &PoolConfig) -> Result<(), Error> {
        if region.bus_base() != cfg.bus_base || region.size() != cfg.size {
            return Err(Error::RegionMismatch);
        }
        let data_start = table_bytes(cfg.max_entries);
        if cfg.max_entries == 0 || data_start + BLOCK_ALIGN > cfg.size as usize {
            return Err(Error::PoolTooSmall);
        }
        self.with(|pools| {
            let header = Header {
                kind: cfg.kind,
                max_entries: cfg.max_entries,
                size: cfg.size,
                bus_base: cfg.bus_base,
            };
            let generation = table::next_generation(&region);
            table::format(&region, &header, generation);
            self.cache.clean(region.local_base(), data_start);
            pools[cfg.kind.index()] = Some(Owned {
                region,
                table: Attached::new(region, cfg.max_entries, generation),
                count: 0,
                cursor: 0,
            });
            diag!(
                info,
                "sysinfo: {} pool formatted at {:#010x}, {} bytes, {} entries",
                cfg.kind.name(),
                cfg.bus_base,
                cfg.size,
                cfg.max_entries
            );
            Ok(())
        })
    }

    /// Re-opens the valid table already in `region` as the `kind` pool (the
    /// RTC pool after deep sleep) without losing entries; returns their count.
    ///
    /// Every published entry is validated: inside the data area, ids unique,
    /// blocks in allocation order without overlap; every other slot must be
    /// empty. Any fault gives [`Error::Corrupt`] (or the header's error) and
    /// changes nothing; the caller then formats with [`Writer::init`].
    ///
    /// A valid version 1, 2 or 3 table (an older firmware's retained pool)
    /// is upgraded to version 4 in place, entries kept (each bus address
    /// becomes an offset). [`Error::UnsupportedVersion`], changing nothing,
    /// for a version 1 or 2 table of odd capacity (version 4's slots would
    /// not fit in place) or a table with a block that starts more than
    /// [`MAX_BLOCK_OFFSET`] bytes into the data area (an offset cannot say
    /// where it is).
    pub fn attach(&self, region: Region, kind: PoolKind) -> Result<u16, Error> {
        let opened = Attached::open(region, kind, &self.cache, MIN_VERSION)?;
        let table = Attached::of(region, &opened);
        let count = opened.count;
        opened.upgradable()?;
        if table::stray_slot(&region, &opened).is_some() {
            return Err(Error::Corrupt);
        }
        // Blocks in allocation order: each starts at or after the previous
        // end. Offsets into the data area, not bus addresses: a pool may end
        // exactly at 2^32, and the block check bounds `rel + size` by the
        // area's length.
        let mut next = 0u32;
        for i in 0..count {
            // SAFETY: `i < count`, which `open` bounded by `max_entries`.
            let entry = unsafe { table::entry(&region, i) };
            Id::from_raw(entry.id).map_err(|_| Error::Corrupt)?;
            // Non-empty, aligned, inside the data area (and, in a version 4
            // table, the reserved half-word 0).
            let rel = table
                .data
                .check_entry(opened.version, entry)
                .ok_or(Error::Corrupt)?;
            let duplicate = table::contains(&region, i as u32, entry.id);
            if rel < next || duplicate {
                return Err(Error::Corrupt);
            }
            // Only an older table's address can lie further than an offset.
            if rel > MAX_BLOCK_OFFSET {
                return Err(Error::UnsupportedVersion);
            }
            next = rel + entry.size as u32;
        }
        let cursor = next;
        self.with(|pools| {
            let mut table = table;
            if opened.is_legacy() {
                let header = Header {
                    kind,
                    max_entries: opened.max_entries,
                    size: region.size(),
                    bus_base: region.bus_base(),
                };
                let data_bus = table.data.bus_addr(0);
                table.generation = table::upgrade(&region, &header, &opened, data_bus);
                self.cache
                    .clean(region.local_base(), table.data_start() as usize);
            }
            pools[kind.index()] = Some(Owned {
                region,
                table,
                count,
                cursor,
            });
            diag!(
                info,
                "sysinfo: {} pool re-attached with {} entries",
                kind.name(),
                count
            );
            Ok(count)
        })
    }

    /// Forgets the `kind` pool (its memory is left as it is): later calls
    /// for it give [`Error::PoolAbsent`] until the next `init` or `attach`.
    /// Returns whether a pool was there.
    pub fn detach(&self, kind: PoolKind) -> Result<bool, Error> {
        self.with(|pools| Ok(pools[kind.index()].take().is_some()))
    }

    /// Allocates a zero-filled, 4-byte aligned block of `size` bytes for `id`
    /// in the `kind` pool and publishes it.
    pub fn alloc(&self, id: Id, size: u16, kind: PoolKind) -> Result<Block, Error> {
        self.alloc_aligned(id, size, BLOCK_ALIGN as u32, kind)
    }

    /// As [`Writer::alloc`], with the block's *bus address* aligned to `align`
    /// (a power of two up to 4096; below 4 means 4). A core's local pointer
    /// has the same alignment when its view of the pool is at the bus
    /// address (ESP32-C6/C5/P4), and up to 16 otherwise (pool bases are
    /// 16-aligned on both sides); typed views check it on each core.
    ///
    /// Errors, with the shared bytes untouched: [`Error::ZeroSize`],
    /// [`Error::BadAlignment`], [`Error::PoolAbsent`], [`Error::DuplicateId`]
    /// (same id in the same pool), [`Error::TableFull`], [`Error::PoolFull`]
    /// (also when the block would start more than [`MAX_BLOCK_OFFSET`] bytes
    /// into the data area, further than an entry's offset reaches).
    pub fn alloc_aligned(
        &self,
        id: Id,
        size: u16,
        align: u32,
        kind: PoolKind,
    ) -> Result<Block, Error> {
        self.alloc_init(id, size as usize, align, kind, |_| ())
    }

    /// Allocates a block holding `value` in the `kind` pool: the value is in
    /// place before the entry is published, so the other core never sees the
    /// block without it. Aligned for `T` (at least 4).
    pub fn alloc_with<T: FromBytes + IntoBytes + Immutable>(
        &self,
        id: Id,
        kind: PoolKind,
        value: &T,
    ) -> Result<Shared<T>, Error> {
        let align = core::mem::align_of::<T>() as u32;
        let block = self.alloc_init(id, core::mem::size_of::<T>(), align, kind, |block| {
            // The span is exactly `size_of::<T>()` bytes, so this cannot fail.
            let _ = block.write(0, value.as_bytes());
        })?;
        block.typed()
    }

    /// Every check first, then: zero-fill, `init`, write back, publish.
    fn alloc_init(
        &self,
        id: Id,
        size: usize,
        align: u32,
        kind: PoolKind,
        init: impl FnOnce(&Block),
    ) -> Result<Block, Error> {
        let result = self.with(|pools| {
            if size == 0 {
                return Err(Error::ZeroSize);
            }
            let size = u16::try_from(size).map_err(|_| Error::SizeTooLarge)?;
            if !align.is_power_of_two() || align as usize > MAX_BLOCK_ALIGN {
                return Err(Error::BadAlignment);
            }
            let align = align.max(BLOCK_ALIGN as u32);
            let pool = pools[kind.index()].as_mut().ok_or(Error::PoolAbsent)?;
            let region = pool.region;
            if table::contains(&region, pool.count as u32, id.raw()) {
                return Err(Error::DuplicateId);
            }
            if pool.count >= pool.table.max_entries {
                return Err(Error::TableFull);
            }
            // Align the bus address (what the other core uses); the region's
            // base is 16-aligned on both sides, so the local pointer follows.
            // Offsets from the data area's start, checked: no placement of
            // the pool (up to one ending at 2^32) can overflow. (Its bus
            // address wraps to 0 only when it is empty: then nothing fits.)
            let data = &pool.table.data;
            let misalign = data.bus_addr(pool.cursor) & (align - 1);
            let pad = align.wrapping_sub(misalign) & (align - 1);
            // The entry's offset, 4-byte aligned (the area starts 8-aligned
            // in the 16-aligned pool, and `align >= 4`).
            let rel = pool.cursor.checked_add(pad).ok_or(Error::PoolFull)?;
            let end = rel
                .checked_add(size as u32)
                // `rel` is a multiple of 4: below the next one up is at most
                // the limit (one compare with a constant `lui` makes).
                .filter(|&end| end <= data.len && rel < MAX_BLOCK_OFFSET + BLOCK_ALIGN as u32)
                .ok_or(Error::PoolFull)?;
            // SAFETY: `rel < end <= len`: inside the data area.
            let block = Block::new(unsafe { data.at(rel) }, data.bus_addr(rel), size, id, kind);
            // Nothing is written before this point.
            block.zero();
            init(&block);
            self.cache.clean(block.as_ptr(), size as usize);
            // With a cache (ESP32-P4) the entry must reach memory before the
            // count does: write-back order between lines is not guaranteed.
            let at = table::write_entry(
                &region,
                pool.count,
                Entry {
                    id: id.raw(),
                    size,
                    place: rel / BLOCK_ALIGN as u32,
                },
            );
            // SAFETY: `at` is the offset of a table word inside the region.
            self.cache
                .clean(unsafe { region.at(at as u32) }.as_ptr(), ENTRY_SIZE);
            let at = table::publish_count(&region, pool.count + 1);
            // SAFETY: as above, the count word's offset.
            self.cache
                .clean(unsafe { region.at(at as u32) }.as_ptr(), 4);
            pool.count += 1;
            pool.cursor = end;
            Ok(block)
        });
        match &result {
            Ok(b) => diag!(
                debug,
                "sysinfo: alloc id {:#06x} {} bytes at {:#010x} ({})",
                id.raw(),
                size,
                b.bus_addr(),
                kind.name()
            ),
            Err(e) => diag!(
                warn,
                "sysinfo: alloc id {:#06x} {} bytes in {}: {}",
                id.raw(),
                size,
                kind.name(),
                e
            ),
        }
        result
    }

    /// The `kind` pool's table, or [`Error::PoolAbsent`].
    fn table(&self, kind: PoolKind) -> Result<Attached, Error> {
        self.with(|pools| {
            pools[kind.index()]
                .as_ref()
                .map(|p| p.table)
                .ok_or(Error::PoolAbsent)
        })
    }

    /// The published block with `id` in the `kind` pool.
    pub fn get(&self, id: Id, kind: PoolKind) -> Result<Block, Error> {
        let table = self.table(kind)?;
        let entry = table::find(&table.region(), table.max_entries, id.raw())?;
        table.block(id, entry, kind)
    }

    /// The published block with `id` as a `T`, checked like
    /// [`Reader::get_as`](crate::Reader::get_as).
    pub fn get_as<T: FromBytes + IntoBytes + Immutable>(
        &self,
        id: Id,
        kind: PoolKind,
    ) -> Result<Shared<T>, Error> {
        self.get(id, kind)?.typed()
    }

    /// Entries published in the `kind` pool.
    pub fn count(&self, kind: PoolKind) -> Result<u16, Error> {
        self.with(|pools| {
            pools[kind.index()]
                .as_ref()
                .map(|p| p.count)
                .ok_or(Error::PoolAbsent)
        })
    }

    /// Prints every pool's table, like ESP-AMP's `esp_amp_sys_info_dump` but
    /// with each block's real bus address and the pool it is in.
    pub fn dump(&self, out: &mut impl fmt::Write) -> fmt::Result {
        for kind in PoolKind::ALL {
            if let Ok(table) = self.table(kind) {
                table.dump(kind, out)?;
            }
        }
        Ok(())
    }
}
