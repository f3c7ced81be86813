//! The sub core's side: attach to the tables the main core formatted and look
//! blocks up by id. Never writes to a table.

use core::fmt;
use core::ptr::NonNull;

use zerocopy::{FromBytes, Immutable, IntoBytes};

use crate::cache::{CacheSync, NoCache};
use crate::format::{table_bytes, Entry, BLOCK_ALIGN};
use crate::table;
use crate::{Block, Error, Handle, Id, PoolKind, Region, Shared};

/// An attached pool: the region, its data area, and the capacity and
/// generation its header declared.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attached {
    pub region: Region,
    /// Where blocks may lie: everything after the table.
    pub data: DataArea,
    pub max_entries: u16,
    /// The table's generation (0: a version 1 table).
    pub generation: u32,
}

/// The data area of a pool: `len` bytes from byte `start` of the region on.
/// Kept as offsets, never as an end address: a pool may end exactly at 2^32,
/// whose bus address a `u32` cannot hold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DataArea {
    /// Local address of the first data byte.
    local: NonNull<u8>,
    /// Bus address of the first data byte, *wrapping*: only ever used as the
    /// origin of a `wrapping_sub` (when the table fills a pool that ends at
    /// 2^32 it is 0, with `len` 0).
    bus: u32,
    /// Bytes in the data area (`region.size() - start`).
    pub len: u32,
}

// SAFETY: like `Region`, a description of shared memory, not an owner;
// blocks made from it are only accessed through the checked `Block` API.
unsafe impl Send for DataArea {}
// SAFETY: as above.
unsafe impl Sync for DataArea {}

impl DataArea {
    /// The block at bus address `addr` of `size` bytes as an offset into the
    /// data area, if it is what docs/format.md promises of every handed-out
    /// block: non-empty, 4-byte aligned and wholly inside the data area.
    /// No arithmetic here can overflow, wherever the pool lies.
    #[inline]
    pub(crate) fn check(&self, addr: u32, size: u16) -> Option<u32> {
        // Below the data area (or below the pool) wraps to at least
        // 2^32 - start - bus_base >= len.
        let rel = addr.wrapping_sub(self.bus);
        // `end <= rel` exactly when the block is empty or `rel + size`
        // wraps; otherwise `rel < end`, and `end <= len` puts the whole
        // block inside the data area (so `rel < len` too).
        let end = rel.wrapping_add(size as u32);
        if addr % BLOCK_ALIGN as u32 != 0 || end <= rel || end > self.len {
            return None;
        }
        Some(rel)
    }
}

impl Attached {
    /// Validates the header in `region` for a pool of `kind` (invalidating
    /// cached copies of the header, then of the table); returns the pool and
    /// its published entry count.
    #[inline]
    pub(crate) fn open(
        region: Region,
        kind: PoolKind,
        cache: &impl CacheSync,
    ) -> Result<(Attached, u16), Error> {
        cache.invalidate(region.local_base(), crate::format::HEADER_SIZE);
        let opened = table::read_header(&region, kind, region.bus_base(), region.size())?;
        let pool = Attached::new(region, opened.max_entries, opened.generation);
        cache.invalidate(region.local_base(), pool.table_len());
        Ok((pool, opened.count))
    }

    /// The header check (or `Writer::init`) established that the table fits.
    /// `table_bytes(max_entries) <= region.size()`.
    pub(crate) fn new(region: Region, max_entries: u16, generation: u32) -> Attached {
        let start = table_bytes(max_entries) as u32;
        // Wrapping only to keep a panic path out of the image: `start <= size`.
        let len = region.size().wrapping_sub(start);
        // SAFETY: `start <= size` (this function's precondition).
        let local = unsafe { region.at(start) };
        let data = DataArea {
            local,
            bus: region.bus_base().wrapping_add(start),
            len,
        };
        Attached {
            region,
            data,
            max_entries,
            generation,
        }
    }

    /// The block of the published entry `entry`, found by `id`:
    /// [`Error::Corrupt`] unless it is non-empty, 4-byte aligned and lies
    /// inside the data area ([`DataArea::check`], the one block check).
    #[inline]
    pub(crate) fn block(&self, id: Id, entry: Entry, kind: PoolKind) -> Result<Block, Error> {
        let rel = self
            .data
            .check(entry.addr, entry.size)
            .ok_or(Error::Corrupt)?;
        // SAFETY: `rel + size <= len`: inside the data area, so the region.
        let ptr = unsafe { self.data.local.add(rel as usize) };
        Ok(Block::new(ptr, entry.addr, entry.size, id, kind))
    }

    /// Byte offset of the data area in the region (kept out of the struct:
    /// 32 bytes, so a lookup picks the pool with one shift).
    pub(crate) fn data_start(&self) -> u32 {
        table_bytes(self.max_entries) as u32
    }

    /// Bytes of header and table, for cache maintenance.
    pub(crate) fn table_len(&self) -> usize {
        table_bytes(self.max_entries)
    }

    /// Prints the pool's header line and every published entry, with the
    /// addresses the table really holds.
    pub(crate) fn dump(&self, kind: PoolKind, out: &mut impl fmt::Write) -> fmt::Result {
        let region = self.region;
        // A count beyond the capacity (corrupt) is shown as the capacity:
        // only table slots are read.
        let count = table::count(&region, self.max_entries).unwrap_or(self.max_entries);
        writeln!(
            out,
            "sysinfo {} pool @ {:#010x}, {} bytes: {}/{} entries",
            kind.name(),
            region.bus_base(),
            region.size(),
            count,
            self.max_entries
        )?;
        for i in 0..count {
            // SAFETY: `i < count <= max_entries`, which the header check bounded.
            let e = unsafe { table::entry(&region, i) };
            writeln!(
                out,
                "  id {:#06x}  size {:5}  addr {:#010x}",
                e.id, e.size, e.addr
            )?;
        }
        Ok(())
    }
}

/// `lookup`'s error result, out of the hot path (inlined: where the lookup
/// is inlined too, a call here would cost its caller a stack frame).
#[cold]
fn failed(e: Error) -> (*mut u8, u32) {
    (core::ptr::null_mut(), e as u32)
}

/// The sub core's view of the pools.
///
/// ```
/// use amp_sysinfo::{Error, Id, PoolKind, Reader, Region};
/// # #[repr(C, align(16))] struct Pool([u8; 256]);
/// # let mut mem = Pool([0; 256]);
/// // SAFETY: `mem` outlives the region and nothing else touches it.
/// let region = unsafe { Region::new(mem.0.as_mut_ptr(), 0x5000_0000, 256) }.unwrap();
/// let mut reader = Reader::new();
/// // Zeroed (or garbage) memory: the main core has not formatted it yet.
/// assert_eq!(reader.attach(region, PoolKind::Rtc), Err(Error::NotReady));
/// assert_eq!(reader.get(Id::new(1).unwrap(), PoolKind::Rtc), Err(Error::PoolAbsent));
/// ```
#[derive(Debug)]
pub struct Reader<C: CacheSync = NoCache> {
    pools: [Option<Attached>; 2],
    cache: C,
}

impl Reader<NoCache> {
    /// A reader with no pool attached, for chips whose shared RAM is not cached.
    pub const fn new() -> Self {
        Reader {
            pools: [None, None],
            cache: NoCache,
        }
    }
}

impl Default for Reader<NoCache> {
    fn default() -> Self {
        Reader::new()
    }
}

impl<C: CacheSync> Reader<C> {
    /// A reader that invalidates cached shared memory before reading it.
    pub const fn with_cache(cache: C) -> Self {
        Reader {
            pools: [None, None],
            cache,
        }
    }

    /// Validates the table in `region` as the `kind` pool (magic, check word,
    /// version, capacity, and the pool's base, size and kind as this core
    /// sees them) and returns the published entry count.
    ///
    /// [`Error::NotReady`] while the main core has not formatted the pool;
    /// retry later. On any error the previous attachment, if any, stays.
    #[inline]
    pub fn attach(&mut self, region: Region, kind: PoolKind) -> Result<u16, Error> {
        let (pool, count) = Attached::open(region, kind, &self.cache)
            .inspect_err(|e| diag!(debug, "sysinfo: attach {} pool: {}", kind.name(), e))?;
        self.pools[kind.index()] = Some(pool);
        Ok(count)
    }

    /// Forgets the `kind` pool: later lookups in it give
    /// [`Error::PoolAbsent`] until the next successful `attach`. Returns
    /// whether a pool was attached.
    pub fn detach(&mut self, kind: PoolKind) -> bool {
        self.pools[kind.index()].take().is_some()
    }

    /// The published block with `id` in the `kind` pool.
    ///
    /// [`Error::NotFound`] until the main core publishes it;
    /// [`Error::Corrupt`] if the entry's block does not lie inside the pool.
    #[inline]
    pub fn get(&self, id: Id, kind: PoolKind) -> Result<Block, Error> {
        let (ptr, size) = self.lookup(id.raw(), kind);
        let Some(ptr) = NonNull::new(ptr) else {
            // SAFETY: a null pointer comes with `Error as u32` (`lookup`),
            // and `Error` is `repr(u8)`.
            return Err(unsafe { core::mem::transmute::<u8, Error>(size as u8) });
        };
        // The bus address is only computed where it is used.
        let bus = match &self.pools[kind.index()] {
            // SAFETY: `ptr` lies in this pool's data area (lookup).
            Some(pool) => pool
                .data
                .bus
                .wrapping_add(unsafe { ptr.offset_from(pool.data.local) } as u32),
            None => 0,
        };
        Ok(Block::new(ptr, bus, size as u16, id, kind))
    }

    /// The lookup behind [`Reader::get`]: the block's local address and
    /// size, or NULL and the [`Error`] as a number (a pair of scalars).
    /// Inlined (the hint makes LLVM do so even where several places call
    /// it): no call frame, and no error codes where the caller drops the
    /// error (the C API, a NULL-on-error wrapper); a copy per call site.
    #[inline]
    fn lookup(&self, id: u16, kind: PoolKind) -> (*mut u8, u32) {
        match self.find(id, kind) {
            Ok((ptr, size)) => (ptr.as_ptr(), size as u32),
            Err(e) => failed(e),
        }
    }

    #[inline(always)]
    fn find(&self, id: u16, kind: PoolKind) -> Result<(NonNull<u8>, u16), Error> {
        let pool = self.pools[kind.index()].as_ref().ok_or(Error::PoolAbsent)?;
        self.cache
            .invalidate(pool.region.local_base(), pool.table_len());
        let entry = table::find(&pool.region, pool.max_entries, id)?;
        let rel = pool
            .data
            .check(entry.addr, entry.size)
            .ok_or(Error::Corrupt)?;
        // SAFETY: `rel + size <= len`: inside the data area, so the region.
        let ptr = unsafe { pool.data.local.add(rel as usize) };
        self.cache.invalidate(ptr.as_ptr(), entry.size as usize);
        Ok((ptr, entry.size))
    }

    /// The block with `id`, found once for repeated access: later
    /// [`Handle::get`]s cost one load and compare instead of a scan, and
    /// give [`Error::Stale`] once the main core has formatted the pool again.
    ///
    /// Errors as [`Reader::get`]; [`Error::Stale`] if the pool was formatted
    /// again since this reader attached to it; [`Error::UnsupportedVersion`]
    /// for a version 1 table (it has no generation to check).
    pub fn handle(&self, id: Id, kind: PoolKind) -> Result<Handle<C>, Error>
    where
        C: Clone,
    {
        let pool = self.pools[kind.index()].as_ref().ok_or(Error::PoolAbsent)?;
        if pool.generation == 0 {
            return Err(Error::UnsupportedVersion);
        }
        // SAFETY: the header lies inside the region (checked at attach).
        let word =
            unsafe { pool.region.at(4 * crate::format::word::GENERATION as u32) }.cast::<u32>();
        let handle = Handle::new(
            word,
            pool.generation,
            self.get(id, kind)?,
            self.cache.clone(),
        );
        // The block was found in the table this reader attached to only if
        // that table is still there: checked after the lookup.
        handle.get()?;
        Ok(handle)
    }

    /// The block with `id` as a `T`: [`Error::SizeMismatch`] unless the block
    /// is exactly `size_of::<T>()` bytes, [`Error::Misaligned`] unless it is
    /// aligned for `T`.
    pub fn get_as<T: FromBytes + IntoBytes + Immutable>(
        &self,
        id: Id,
        kind: PoolKind,
    ) -> Result<Shared<T>, Error> {
        self.get(id, kind)?.typed()
    }

    /// Prints every attached pool's table as [`Writer::dump`](crate::Writer::dump)
    /// does: the sub core's view of the same tables.
    pub fn dump(&self, out: &mut impl fmt::Write) -> fmt::Result {
        for kind in PoolKind::ALL {
            if let Some(pool) = &self.pools[kind.index()] {
                self.cache
                    .invalidate(pool.region.local_base(), pool.table_len());
                pool.dump(kind, out)?;
            }
        }
        Ok(())
    }

    /// Published entries of the `kind` pool.
    pub fn count(&self, kind: PoolKind) -> Result<u16, Error> {
        let pool = self.pools[kind.index()].as_ref().ok_or(Error::PoolAbsent)?;
        table::count(&pool.region, pool.max_entries)
    }
}
