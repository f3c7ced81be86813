//! A pool's memory as this core sees it: the one place where bus addresses
//! (what the table stores) become local pointers (what this core
//! dereferences), and where every bounds check lives.

use core::ptr::NonNull;
use core::sync::atomic::{AtomicU16, AtomicU32, Ordering};

use crate::format::{PoolConfig, POOL_ALIGN};
use crate::table::Words;
use crate::Error;

/// A pool's memory: `size` bytes at bus address `bus_base`, visible to this
/// core at `local`. On the ESP32-C6/C5/P4 both cores see the same addresses
/// ([`Region::identity`]); a host process or the ESP32-S2/S3 ULP (RTC RAM at
/// 0x0) sees them elsewhere ([`Region::new`]).
///
/// `Send` and `Sync`: it describes memory rather than owning it, and every
/// access through it is an atomic word access or a bounded volatile copy, so
/// a region may be handed to another thread or kept in a `static`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    local: NonNull<u8>,
    bus_base: u32,
    size: u32,
}

// SAFETY: a `Region` is a description of shared memory, not an owner of it;
// every access the crate makes through it is an atomic word access or a
// copy into/out of a block that the table hands out once.
unsafe impl Send for Region {}
// SAFETY: as above; `&Region` only allows the same atomic/bounded accesses.
unsafe impl Sync for Region {}

impl Region {
    /// A region of `size` bytes at bus address `bus_base`, mapped at `local`
    /// on this core.
    ///
    /// Errors: [`Error::BadAlignment`] unless `local`, `bus_base` and `size`
    /// are 16-byte aligned and `size` is non-zero; [`Error::Corrupt`] if the
    /// bus range wraps around the 32-bit address space or `local` is null.
    ///
    /// # Safety
    /// `local..local + size` must be valid for reads and writes for as long
    /// as this region, or anything obtained through it, is used, and it must
    /// be memory that only this crate's table protocol and the blocks it hands
    /// out touch (a devicetree pool kept out of every image).
    pub unsafe fn new(local: *mut u8, bus_base: u32, size: u32) -> Result<Region, Error> {
        let local = NonNull::new(local).ok_or(Error::Corrupt)?;
        if size == 0
            || size % POOL_ALIGN != 0
            || bus_base % POOL_ALIGN != 0
            || local.as_ptr() as usize % POOL_ALIGN as usize != 0
        {
            return Err(Error::BadAlignment);
        }
        if bus_base.checked_add(size - 1).is_none() {
            return Err(Error::Corrupt);
        }
        Ok(Region {
            local,
            bus_base,
            size,
        })
    }

    /// The pool of `cfg`, at the same address locally as on the bus (all
    /// supported chips: both cores share one address map).
    ///
    /// # Safety
    /// As for [`Region::new`], with `local = cfg.bus_base`.
    pub unsafe fn identity(cfg: &PoolConfig) -> Result<Region, Error> {
        // SAFETY: forwarded to the caller.
        unsafe { Region::new(cfg.bus_base as usize as *mut u8, cfg.bus_base, cfg.size) }
    }

    /// Bus address of the first byte.
    pub const fn bus_base(&self) -> u32 {
        self.bus_base
    }

    /// Bytes in the region.
    pub const fn size(&self) -> u32 {
        self.size
    }

    /// Local address of the first byte.
    pub const fn local_base(&self) -> *mut u8 {
        self.local.as_ptr()
    }

    /// The local pointer of `len` bytes at bus address `bus`, or `None` if any
    /// of them lies outside the region (`len` 0: `bus` must lie in the region
    /// or be its end; a region ending at 2^32 has no representable end, so
    /// bus address 0 is never part of it). Never overflows.
    #[inline]
    pub fn translate(&self, bus: u32, len: u32) -> Option<NonNull<u8>> {
        if bus < self.bus_base {
            return None;
        }
        let offset = bus - self.bus_base;
        if offset > self.size || self.size - offset < len {
            return None;
        }
        // SAFETY: `offset + len <= size`, so the pointer stays inside the
        // allocation `new` was given.
        Some(unsafe { self.local.add(offset as usize) })
    }

    /// A region already checked by [`Region::new`], from its parts.
    pub(crate) const fn from_parts(local: NonNull<u8>, bus_base: u32, size: u32) -> Region {
        Region {
            local,
            bus_base,
            size,
        }
    }

    /// The local pointer at `offset`.
    ///
    /// # Safety
    /// `offset <= self.size()`.
    #[inline]
    pub(crate) unsafe fn at(&self, offset: u32) -> NonNull<u8> {
        debug_assert!(offset <= self.size);
        // SAFETY: `offset <= size` (the caller's promise): within the region
        // or one past its end.
        unsafe { self.local.add(offset as usize) }
    }
}

/// `x`, unknown to the optimiser (no instruction).
#[inline(always)]
fn opaque<T>(x: *mut T) -> *mut T {
    #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
    {
        let mut x = x;
        // SAFETY: an empty template: nothing is executed.
        // `nomem` is right: the template reads no memory, the pointer's
        // value only passes through a register (the lint cannot tell).
        #[allow(clippy::pointers_in_nomem_asm_block)]
        unsafe {
            core::arch::asm!("/* {0} */", inout(reg) x, options(pure, nomem, nostack, preserves_flags))
        };
        x
    }
    #[cfg(not(any(target_arch = "riscv32", target_arch = "riscv64")))]
    x
}

impl Words for Region {
    /// Four instructions per entry on RISC-V: the id is compared as the
    /// entry's first half-word (`lhu`, `beq`), then the pointer steps to the
    /// next entry and is compared with the end (`addi`, `bne`).
    #[inline]
    unsafe fn find_id(&self, n: u32, id: u16) -> Option<crate::format::Entry> {
        let base = self.local.as_ptr();
        // SAFETY: entries 0..n lie inside the region (the caller's promise),
        // so do `first` and `end` (at most one past the last entry).
        let (first, end) = unsafe {
            let first = base.add(4 * crate::format::word::ENTRIES);
            (first, first.add(8 * n as usize))
        };
        // Kept opaque, so that the loop compares the pointer with it instead
        // of counting a second variable down (five instructions per entry).
        let end = opaque(end);
        let mut p = first;
        while p != end {
            // SAFETY: `p` is an entry's first byte: in bounds, 2-aligned
            // (entries are 8-aligned in a 16-aligned region). An aligned
            // half-word load of a word the other core stores whole is
            // single-copy atomic (RVWMO's mixed-size rules); the entries
            // below `count` are not written while they are read.
            if unsafe { AtomicU16::from_ptr(p.cast()).load(Ordering::Relaxed) } == id {
                // SAFETY: the entry's second half-word and second word, as
                // above (4-aligned: entries are 8-aligned).
                let (size, place) = unsafe {
                    (
                        AtomicU16::from_ptr(p.add(2).cast()).load(Ordering::Relaxed),
                        AtomicU32::from_ptr(p.add(4).cast()).load(Ordering::Relaxed),
                    )
                };
                return Some(crate::format::Entry { id, size, place });
            }
            // SAFETY: at most `end`, inside the region.
            p = unsafe { p.add(8) };
        }
        None
    }

    #[inline]
    unsafe fn load_half(&self, index: usize) -> u16 {
        // Little-endian: the low half of word `index / 2` is its first `u16`.
        #[cfg(target_endian = "big")]
        let index = index ^ 1;
        // SAFETY: `index / 2 < len_words` (caller), the base is 16-aligned, so
        // the half-word is in bounds and 2-aligned. An aligned half-word load
        // of a word the other core stores whole is single-copy atomic on
        // every supported core (RVWMO mixed-size rules).
        unsafe {
            AtomicU16::from_ptr(self.local.as_ptr().add(index * 2).cast()).load(Ordering::Relaxed)
        }
    }

    #[inline]
    fn len_words(&self) -> usize {
        self.size as usize / 4
    }

    #[inline]
    unsafe fn load(&self, index: usize, order: Ordering) -> u32 {
        // SAFETY: `index < len_words` (caller), the base is 16-aligned, so the
        // word is in bounds and 4-aligned; the other core only ever accesses
        // table words with atomic word loads and stores too.
        unsafe { AtomicU32::from_ptr(self.local.as_ptr().add(index * 4).cast()).load(order) }
    }

    #[inline]
    unsafe fn store(&self, index: usize, value: u32, order: Ordering) {
        // SAFETY: as for `load`.
        unsafe {
            AtomicU32::from_ptr(self.local.as_ptr().add(index * 4).cast()).store(value, order)
        }
    }
}
