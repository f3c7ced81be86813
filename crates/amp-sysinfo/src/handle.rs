//! A block found once and used many times (ESP-AMP's events look their
//! block up on every notify): [`Reader::handle`](crate::Reader::handle)
//! scans the table once, [`Handle::get`] is then O(1).

use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering::Acquire};

use zerocopy::{FromBytes, Immutable, IntoBytes};

use crate::cache::{CacheSync, NoCache};
use crate::{Block, Error, Id, PoolKind, Shared};

/// A looked-up block kept for repeated access.
///
/// [`Handle::get`] loads the table's *generation* word (header word 7,
/// docs/format.md) and compares it with the generation the block was found
/// in: one load and one compare, whatever the table size. Every format of a
/// pool writes a new, non-zero generation, and stores it marked as under
/// way before it changes anything else, so once the main core formats the
/// pool again (after it rebooted, or re-initialised the pool) a `get` that
/// sees that first store gives [`Error::Stale`], never a block of the old
/// table; look the block up again then (attaching again first). (The check
/// comes before the block is used: a format that starts after it may still
/// be rewriting the block while the caller reads it.)
///
/// ```
/// use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Reader, Region, Writer};
/// # #[repr(C, align(16))] struct Pool([u8; 512]);
/// # let mut mem = Pool([0; 512]);
/// let cfg = PoolConfig::new(PoolKind::Hp, 0x5000_0000, 512);
/// // SAFETY: `mem` outlives every use below and nothing else touches it.
/// let region = unsafe { Region::new(mem.0.as_mut_ptr(), cfg.bus_base, cfg.size) }.unwrap();
/// let writer = Writer::new();
/// writer.init(region, &cfg).unwrap();
/// let id = Id::new(7).unwrap();
/// writer.alloc(id, 8, PoolKind::Hp).unwrap();
///
/// let mut reader = Reader::new();
/// reader.attach(region, PoolKind::Hp).unwrap();
/// let handle = reader.handle(id, PoolKind::Hp).unwrap();
/// assert_eq!(handle.get().unwrap().size(), 8);
/// // The main core formats the pool again (it rebooted): the handle is stale.
/// writer.init(region, &cfg).unwrap();
/// writer.alloc(id, 8, PoolKind::Hp).unwrap();
/// assert_eq!(handle.get(), Err(Error::Stale));
/// reader.attach(region, PoolKind::Hp).unwrap();
/// assert!(reader.handle(id, PoolKind::Hp).unwrap().get().is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handle<C: CacheSync = NoCache> {
    /// Local address of the pool's generation word.
    generation: NonNull<u32>,
    /// The generation the block was found in (never 0).
    expected: u32,
    block: Block,
    cache: C,
}

// SAFETY: like `Block`: the address of shared memory the table handed out
// and of the header's generation word, read only with an atomic load.
unsafe impl<C: CacheSync + Send> Send for Handle<C> {}
// SAFETY: as above.
unsafe impl<C: CacheSync + Sync> Sync for Handle<C> {}

impl<C: CacheSync> Handle<C> {
    /// Made by [`Reader::handle`](crate::Reader::handle) from a block it
    /// found in the table of generation `expected`, whose generation word is
    /// at `generation` (inside the region, which outlives the handle by
    /// `Region::new`'s contract).
    pub(crate) fn new(generation: NonNull<u32>, expected: u32, block: Block, cache: C) -> Self {
        Handle {
            generation,
            expected,
            block,
            cache,
        }
    }

    /// The block, if the table it was found in is still the pool's:
    /// [`Error::Stale`] once the main core has formatted the pool again.
    #[inline]
    pub fn get(&self) -> Result<Block, Error> {
        self.check()?;
        Ok(self.block)
    }

    /// The block's local address, checked as [`Handle::get`]: the shortest
    /// path (one load and compare of the generation word).
    #[inline]
    pub fn as_ptr(&self) -> Result<NonNull<u8>, Error> {
        self.check()?;
        // SAFETY: a block's pointer is never null.
        Ok(unsafe { NonNull::new_unchecked(self.block.as_ptr()) })
    }

    #[inline(always)]
    fn check(&self) -> Result<(), Error> {
        self.cache.invalidate(self.generation.as_ptr().cast(), 4);
        // SAFETY: the generation word of the handle's region: in bounds,
        // 4-aligned, and only ever accessed with atomic word loads and stores.
        let now = unsafe { AtomicU32::from_ptr(self.generation.as_ptr()) }.load(Acquire);
        if now != self.expected {
            return Err(Error::Stale);
        }
        self.cache
            .invalidate(self.block.as_ptr(), self.block.size() as usize);
        Ok(())
    }

    /// [`Handle::get`] as a `T`, checked like
    /// [`Reader::get_as`](crate::Reader::get_as).
    #[inline]
    pub fn get_as<T: FromBytes + IntoBytes + Immutable>(&self) -> Result<Shared<T>, Error> {
        self.get()?.typed()
    }

    /// The entry's id.
    pub const fn id(&self) -> Id {
        self.block.id()
    }

    /// The pool the block is in.
    pub const fn kind(&self) -> PoolKind {
        self.block.kind()
    }
}
