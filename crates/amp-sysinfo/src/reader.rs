//! The sub core's side: attach to the tables the main core formatted and look
//! blocks up by id. Never writes to a table.

use core::fmt;
use core::mem::MaybeUninit;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU16, AtomicU32, Ordering::Relaxed};

use zerocopy::{FromBytes, Immutable, IntoBytes};

use crate::cache::{CacheSync, NoCache};
use crate::format::{data_start, table_bytes, Entry, BLOCK_ALIGN, VERSION};
use crate::table;
use crate::{Block, Error, Handle, Id, PoolKind, Region, Shared};

/// An attached pool, laid out for a lookup: where its slots start and end
/// (the data area's start), the data area, and what its header declared.
/// 32 bytes (8 of them padding, never written), so a lookup picks the pool
/// with one shift and an attach stores six words. The region is not kept:
/// its base is 32 bytes before `first`, the rest follows from the data area
/// ([`Attached::region`]).
#[derive(Debug, Clone, Copy)]
#[repr(C)]
pub(crate) struct Attached {
    /// Local address of slot 0.
    first: NonNull<u32>,
    /// Where blocks may lie: everything after the table. Its local start is
    /// also the end of the slots.
    pub data: DataArea,
    /// The table's generation (0: a version 1 table, inspector only).
    pub generation: u32,
    /// Table capacity.
    pub max_entries: u16,
    _pad: MaybeUninit<[u16; 5]>,
}

// SAFETY: like `Region`, a description of shared memory, not an owner;
// blocks made from it are only accessed through the checked `Block` API.
unsafe impl Send for Attached {}
// SAFETY: as above.
unsafe impl Sync for Attached {}

/// The data area of a pool: `len` bytes from byte `start` of the region on.
/// Kept as offsets, never as an end address: a pool may end exactly at 2^32,
/// whose bus address a `u32` cannot hold.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
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

impl DataArea {
    /// The block `units` 4-byte units into the data area, of `size` bytes,
    /// as a byte offset into the data area, if it is what docs/format.md
    /// promises of every handed-out block: non-empty and wholly inside the
    /// data area (4-byte aligned by construction). `units * 4 + size` is
    /// below 2^19: nothing here can overflow, wherever the pool lies.
    #[inline(always)]
    pub(crate) fn check(&self, units: u16, size: u16) -> Option<u32> {
        let rel = units as u32 * BLOCK_ALIGN as u32;
        if size != 0 && rel + size as u32 <= self.len {
            Some(rel)
        } else {
            cold();
            None
        }
    }

    /// As [`DataArea::check`] for an entry of a version 1 to 3 table, which
    /// holds the block's bus address `addr`: non-empty, 4-byte aligned and
    /// wholly inside the data area. No arithmetic here can overflow either.
    pub(crate) fn check_addr(&self, addr: u32, size: u16) -> Option<u32> {
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

    /// The byte offset into the data area of entry `e`'s block in a table of
    /// `version`, if it passes the block check of that version as a lookup
    /// makes it (version 4: the reserved half-word is not read).
    pub(crate) fn place(&self, version: u16, e: Entry) -> Option<u32> {
        if version < VERSION {
            self.check_addr(e.place, e.size)
        } else {
            self.check(e.units(), e.size)
        }
    }

    /// As [`DataArea::place`], and in version 4 the reserved half-word 0:
    /// the main core's check of a table it re-opens.
    pub(crate) fn check_entry(&self, version: u16, e: Entry) -> Option<u32> {
        if version >= VERSION && e.reserved_set() {
            return None;
        }
        self.place(version, e)
    }

    /// The bus address entry `e` of a table of `version` gives its block: the
    /// stored one (versions 1 to 3), or this data area's plus the offset
    /// (version 4, the reserved half left out as a lookup leaves it out).
    pub(crate) fn entry_addr(&self, version: u16, e: Entry) -> u32 {
        if version < VERSION {
            e.place
        } else {
            self.bus_addr(e.units() as u32 * BLOCK_ALIGN as u32)
        }
    }

    /// The bus address of byte `rel` of the data area.
    pub(crate) fn bus_addr(&self, rel: u32) -> u32 {
        self.bus.wrapping_add(rel)
    }

    /// The local address of byte `rel` of the data area.
    ///
    /// # Safety
    /// `rel < len`.
    #[inline(always)]
    pub(crate) unsafe fn at(&self, rel: u32) -> NonNull<u8> {
        // SAFETY: inside the data area (the caller's promise).
        unsafe { self.local.add(rel as usize) }
    }
}

impl Attached {
    /// Validates the header in `region` for a pool of `kind` (invalidating
    /// cached copies of the header, then of the table) and returns what it
    /// holds; [`Attached::of`] then makes the pool. Versions
    /// `oldest..=VERSION` are accepted (a reader: [`VERSION`] only).
    ///
    /// (Two steps: a result as large as the pool would make the compiler
    /// store the pool's words byte by byte.)
    #[inline]
    pub(crate) fn open(
        region: Region,
        kind: PoolKind,
        cache: &impl CacheSync,
        oldest: u16,
    ) -> Result<table::Opened, Error> {
        cache.invalidate(region.local_base(), crate::format::HEADER_SIZE);
        let opened = table::read_header(&region, kind, region.bus_base(), region.size(), oldest)?;
        cache.invalidate(region.local_base(), Attached::start(&opened));
        Ok(opened)
    }

    /// Where the data area of the table `opened` starts.
    fn start(opened: &table::Opened) -> usize {
        data_start(opened.version, opened.max_entries)
    }

    /// The pool whose header [`Attached::open`] accepted as `opened`.
    #[inline]
    pub(crate) fn of(region: Region, opened: &table::Opened) -> Attached {
        let start = Attached::start(opened);
        Attached::with_start(region, opened.max_entries, opened.generation, start)
    }

    /// A version 4 table of `max_entries` in `region`: the header check (or
    /// `Writer::init`) established that `table_bytes(max_entries) <=
    /// region.size()`.
    pub(crate) fn new(region: Region, max_entries: u16, generation: u32) -> Attached {
        Attached::with_start(region, max_entries, generation, table_bytes(max_entries))
    }

    /// The pool whose data area starts at byte `start <= region.size()`.
    fn with_start(region: Region, max_entries: u16, generation: u32, start: usize) -> Attached {
        let start = start as u32;
        // Wrapping only to keep a panic path out of the image: `start <= size`.
        let len = region.size().wrapping_sub(start);
        // SAFETY: `32 <= start <= size` (this function's precondition).
        let (first, local) = unsafe {
            (
                region.at(crate::format::HEADER_SIZE as u32).cast(),
                region.at(start),
            )
        };
        Attached {
            first,
            data: DataArea {
                local,
                bus: region.bus_base().wrapping_add(start),
                len,
            },
            generation,
            max_entries,
            _pad: MaybeUninit::uninit(),
        }
    }

    /// The region the table lies at the base of: `data_start` bytes before
    /// the data area, which runs to its end.
    pub(crate) fn region(&self) -> Region {
        let start = self.data_start();
        // Wrapping: the inverse of `with_start`'s (the data area's bus
        // address is 0 when the table fills a pool that ends at 2^32).
        Region::from_parts(
            self.base(),
            self.data.bus.wrapping_sub(start),
            self.data.len.wrapping_add(start),
        )
    }

    /// Local address of the region's first byte (the header).
    fn base(&self) -> NonNull<u8> {
        // SAFETY: `first` is 32 bytes into the region (`with_start`).
        unsafe { self.first.cast::<u8>().sub(crate::format::HEADER_SIZE) }
    }

    /// Drops cached copies of the header and the table (`cache`'s
    /// `invalidate`), found from the pool's own fields.
    #[inline(always)]
    fn invalidate_table(&self, cache: &impl CacheSync) {
        cache.invalidate(self.base().as_ptr(), self.data_start() as usize);
    }

    /// The block of the published entry `entry` of this version 4 table,
    /// found by `id`: [`Error::Corrupt`] unless it passes the block check
    /// ([`DataArea::check_entry`]).
    #[inline]
    pub(crate) fn block(&self, id: Id, entry: Entry, kind: PoolKind) -> Result<Block, Error> {
        let rel = self
            .data
            .check_entry(VERSION, entry)
            .ok_or(Error::Corrupt)?;
        // SAFETY: `rel < rel + size <= len` (the check).
        let ptr = unsafe { self.data.at(rel) };
        Ok(Block::new(
            ptr,
            self.data.bus_addr(rel),
            entry.size,
            id,
            kind,
        ))
    }

    /// Byte offset of the data area in the region: the header and the slots.
    pub(crate) fn data_start(&self) -> u32 {
        // Wrapping only to keep a panic path out of the image: the data area
        // starts after the slots, which start 32 bytes into the region.
        let slots = (self.data.local.as_ptr() as usize).wrapping_sub(self.first.as_ptr() as usize);
        (crate::format::HEADER_SIZE as u32).wrapping_add(slots as u32)
    }

    /// The slot holding `id`, comparing the slots two at a time (three
    /// instructions a slot: `lhu`, `beq`, and half of `addi`, `bne`), then
    /// an Acquire fence that pairs with the slot's Release store.
    ///
    /// # Safety
    /// `self` is a table whose header check passed: its slots, an even
    /// number of at least two, lie in the region.
    #[inline(always)]
    unsafe fn find_slot(&self, id: u16) -> Option<NonNull<u32>> {
        let end = self.data.local.as_ptr().cast::<u32>();
        let mut p = self.first.as_ptr();
        let at = loop {
            // SAFETY: `p` and `p + 2` are the first words of two slots below
            // the end (their number is even and at least two). An aligned
            // half-word load of a word the other core stores whole is
            // single-copy atomic (RVWMO's mixed-size rules).
            unsafe {
                if slot_id(p) == id {
                    break p;
                }
                if slot_id(p.add(2)) == id {
                    break p.add(2);
                }
                p = p.add(4);
            }
            if p == end {
                return None;
            }
        };
        core::sync::atomic::fence(core::sync::atomic::Ordering::Acquire);
        // SAFETY: a slot's address is never null.
        Some(unsafe { NonNull::new_unchecked(at) })
    }

    /// Prints the pool's header line and every published entry of this
    /// version 4 table, with each block's bus address.
    pub(crate) fn dump(&self, kind: PoolKind, out: &mut impl fmt::Write) -> fmt::Result {
        let region = self.region();
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
            let addr = self.data.entry_addr(VERSION, e);
            writeln!(
                out,
                "  id {:#06x}  size {:5}  addr {:#010x}",
                e.id, e.size, addr
            )?;
        }
        Ok(())
    }
}

/// Marks the path that calls it as unlikely (a call to a `#[cold]`
/// function), which LLVM lays out of the way. Used on the block check's
/// failure: the lookup's miss and a failed check then share the one exit
/// right after the scan loop, which closes with a single `bne` (three
/// instructions a slot; without the hint LLVM put the check's failure
/// there and closed the loop with `beq` + `j`, 3.5 a slot, measured).
/// `core::hint::cold_path` does this too, but is newer than this crate's
/// MSRV (1.85).
#[cold]
#[inline(always)]
fn cold() {}

/// The id (first half-word) of the slot at `p`, Relaxed.
///
/// # Safety
/// `p` is a slot's first word.
#[inline(always)]
unsafe fn slot_id(p: *const u32) -> u16 {
    // SAFETY: the caller's promise; slots are 8-aligned.
    unsafe { AtomicU16::from_ptr(p.cast_mut().cast()) }.load(Relaxed)
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
        Reader::with_cache(NoCache)
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

    /// The `kind` pool, if attached.
    #[inline(always)]
    fn pool(&self, kind: PoolKind) -> Result<&Attached, Error> {
        self.pools[kind.index()].as_ref().ok_or(Error::PoolAbsent)
    }

    /// Validates the table in `region` as the `kind` pool (magic, check word,
    /// version, capacity, and the pool's base, size and kind as this core
    /// sees them) and returns the published entry count.
    ///
    /// [`Error::NotReady`] while the main core has not formatted the pool;
    /// retry later. [`Error::UnsupportedVersion`] for a table of another
    /// format version (a version 1 or 2 table: the main core's
    /// `Writer::attach` upgrades it). On any error the previous attachment,
    /// if any, stays.
    #[inline]
    pub fn attach(&mut self, region: Region, kind: PoolKind) -> Result<u16, Error> {
        let opened = Attached::open(region, kind, &self.cache, VERSION)
            .inspect_err(|e| diag!(debug, "sysinfo: attach {} pool: {}", kind.name(), e))?;
        self.pools[kind.index()] = Some(Attached::of(region, &opened));
        Ok(opened.count)
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
        let (ptr, size, pool) = self.lookup(id.raw(), kind)?;
        // The bus address is only computed where it is used.
        // SAFETY: `ptr` lies in this pool's data area (lookup).
        let bus = pool
            .data
            .bus
            .wrapping_add(unsafe { ptr.offset_from(pool.data.local) } as u32);
        Ok(Block::new(ptr, bus, size, id, kind))
    }

    /// The lookup behind [`Reader::get`]: the block's local address and
    /// size, and its pool. Inlined into every caller (no call frame, and
    /// no error codes where the caller drops the error: the C API, a
    /// NULL-on-error wrapper); a copy per call site.
    #[inline(always)]
    fn lookup(&self, id: u16, kind: PoolKind) -> Result<(NonNull<u8>, u16, &Attached), Error> {
        let pool = self.pool(kind)?;
        pool.invalidate_table(&self.cache);
        // SAFETY: `pool` is attached (`Attached::find_slot`).
        let slot = unsafe { pool.find_slot(id) }.ok_or(Error::NotFound)?;
        // SAFETY: the slot's second and third half-words, read after the
        // fence (`find_slot`); aligned, inside the table. The size is taken
        // from its word (`lw`, `srli`: a half-word load would be zero-extended
        // again). The fourth half-word is reserved and not read: the main
        // core's attach refuses a table where it is not 0.
        let (size, units) = unsafe {
            (
                (AtomicU32::from_ptr(slot.as_ptr()).load(Relaxed) >> 16) as u16,
                AtomicU16::from_ptr(slot.as_ptr().add(1).cast()).load(Relaxed),
            )
        };
        let rel = pool.data.check(units, size).ok_or(Error::Corrupt)?;
        // SAFETY: `rel < rel + size <= len` (the check).
        let ptr = unsafe { pool.data.at(rel) };
        self.cache.invalidate(ptr.as_ptr(), size as usize);
        Ok((ptr, size, pool))
    }

    /// The block with `id`, found once for repeated access: later
    /// [`Handle::get`]s cost one load and compare instead of a scan, and
    /// give [`Error::Stale`] once the main core has formatted the pool again.
    ///
    /// Errors as [`Reader::get`]; [`Error::Stale`] if the pool was formatted
    /// again since this reader attached to it.
    pub fn handle(&self, id: Id, kind: PoolKind) -> Result<Handle<C>, Error>
    where
        C: Clone,
    {
        let pool = self.pool(kind)?;
        // SAFETY: the generation word is the word before the slots (header
        // word 7), inside the region.
        let word = unsafe { pool.first.sub(1) };
        let handle = Handle::new(
            word,
            pool.generation,
            self.get(id, kind)?,
            self.cache.clone(),
        );
        // The block was found in the table this reader attached to only if
        // that table is still there: checked after the lookup. The fence
        // orders the lookup's loads (the slot's size and address come after
        // its fence, unordered with the generation's Acquire load) before
        // that check: had one of them read a word of a new format, which
        // marks the generation and fences before writing the slots, the
        // check sees the mark or the new generation and gives `Stale`.
        core::sync::atomic::fence(core::sync::atomic::Ordering::Acquire);
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
                pool.invalidate_table(&self.cache);
                pool.dump(kind, out)?;
            }
        }
        Ok(())
    }

    /// The table capacity (`max_entries`) of the `kind` pool as this reader
    /// attached to it: how many entries the main core can publish there.
    pub fn capacity(&self, kind: PoolKind) -> Result<u16, Error> {
        Ok(self.pool(kind)?.max_entries)
    }

    /// Published entries of the `kind` pool.
    pub fn count(&self, kind: PoolKind) -> Result<u16, Error> {
        let pool = self.pool(kind)?;
        table::count(&pool.region(), pool.max_entries)
    }
}
