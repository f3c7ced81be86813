//! What a lookup or an allocation hands out: a block of shared memory, and a
//! typed view of one.

use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::AtomicU32;

use zerocopy::{FromBytes, Immutable, IntoBytes};

use crate::{Error, Id, PoolFlags, PoolKind};

/// A published block: where it is (locally and on the bus), how big, and in
/// which pool. Reads and writes through it are bounds-checked and volatile
/// (the other core may access the same bytes).
///
/// `Send` and `Sync`, like [`Region`](crate::Region): it is the address of
/// shared memory, and every access through it is volatile or atomic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    ptr: NonNull<u8>,
    bus_addr: u32,
    size: u16,
    id: Id,
    kind: PoolKind,
}

// SAFETY: a `Block` is the address of shared memory that the table protocol
// hands out; every access through it is volatile and bounds-checked, so
// sending or sharing the description between threads adds no aliasing.
unsafe impl Send for Block {}
// SAFETY: as above.
unsafe impl Sync for Block {}

impl Block {
    /// Built only by the reader/writer, from an entry whose span they checked
    /// against the region: `ptr..ptr + size` lies inside it.
    pub(crate) fn new(ptr: NonNull<u8>, bus_addr: u32, size: u16, id: Id, kind: PoolKind) -> Block {
        Block {
            ptr,
            bus_addr,
            size,
            id,
            kind,
        }
    }

    /// The entry's id.
    pub const fn id(&self) -> Id {
        self.id
    }

    /// The pool the block lives in.
    pub const fn kind(&self) -> PoolKind {
        self.kind
    }

    /// Bus address, as stored in the table (what the other core looks up).
    pub const fn bus_addr(&self) -> u32 {
        self.bus_addr
    }

    /// Bytes in the block.
    pub const fn size(&self) -> u16 {
        self.size
    }

    /// Local address of the first byte, for this core.
    pub const fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// `len` bytes at `offset`, or [`Error::SizeMismatch`] if any lies outside.
    fn span(&self, offset: usize, len: usize) -> Result<*mut u8, Error> {
        match offset.checked_add(len) {
            Some(end) if end <= self.size as usize => {
                // SAFETY: `offset + len <= size`, inside the checked block.
                Ok(unsafe { self.ptr.as_ptr().add(offset) })
            }
            _ => Err(Error::SizeMismatch),
        }
    }

    /// Copies `buf.len()` bytes from `offset` of the block into `buf`.
    pub fn read(&self, offset: usize, buf: &mut [u8]) -> Result<(), Error> {
        let src = self.span(offset, buf.len())?;
        for (i, b) in buf.iter_mut().enumerate() {
            // SAFETY: `src..src + buf.len()` is inside the block (span).
            *b = unsafe { src.add(i).read_volatile() };
        }
        Ok(())
    }

    /// Copies `data` into the block at `offset`.
    pub fn write(&self, offset: usize, data: &[u8]) -> Result<(), Error> {
        let dst = self.span(offset, data.len())?;
        // SAFETY: `span` checked that `dst..dst + data.len()` is inside the block.
        unsafe { write_volatile_bytes(dst, data.iter().copied()) };
        Ok(())
    }

    /// Zero-fills the whole block (volatile).
    pub(crate) fn zero(&self) {
        // SAFETY: the block's own `size` bytes from its start.
        unsafe {
            write_volatile_bytes(
                self.ptr.as_ptr(),
                core::iter::repeat_n(0, self.size as usize),
            )
        };
    }

    /// The block's whole 32-bit words as atomics, for lock-free protocols in
    /// the HP pool. [`Error::NoAtomics`] in a pool without atomics (RTC / LP
    /// RAM): there the block only gives volatile copies.
    /// [`Error::Misaligned`] if a corrupt table placed the block off a word.
    pub fn atomic_words(&self) -> Result<&[AtomicU32], Error> {
        if !self.kind.flags().contains(PoolFlags::ATOMICS) {
            return Err(Error::NoAtomics);
        }
        if self.ptr.as_ptr() as usize % 4 != 0 {
            return Err(Error::Misaligned);
        }
        // SAFETY: the block is 4-byte aligned (checked above), the
        // words lie inside the block, and `AtomicU32` has no invalid bit
        // patterns; the shared memory is only accessed through atomics or
        // volatile copies, never through `&mut`.
        Ok(unsafe {
            core::slice::from_raw_parts(
                self.ptr.as_ptr().cast::<AtomicU32>(),
                self.size as usize / 4,
            )
        })
    }

    /// The typed view of this block, after checking size and alignment.
    pub(crate) fn typed<T: FromBytes + IntoBytes + Immutable>(self) -> Result<Shared<T>, Error> {
        if self.size as usize != core::mem::size_of::<T>() {
            return Err(Error::SizeMismatch);
        }
        if self.ptr.as_ptr() as usize % core::mem::align_of::<T>() != 0 {
            return Err(Error::Misaligned);
        }
        Ok(Shared {
            block: self,
            _type: PhantomData,
        })
    }
}

/// A block holding one `T`, accessed by volatile copies only.
///
/// `Shared` never hands out `&T` or `&mut T`: the other core may write the
/// bytes at any time, and a reference would let the compiler assume they do
/// not change. This is also why a typed block cannot carry atomics into the
/// RTC pool: atomics only work through references (see
/// [`Block::atomic_words`] for the HP pool). `T: FromBytes` makes every bit
/// pattern the other core may leave a valid `T`.
#[derive(Debug, PartialEq, Eq)]
pub struct Shared<T> {
    block: Block,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Shared<T> {}

impl<T: FromBytes + IntoBytes + Immutable> Shared<T> {
    /// A volatile copy of the value.
    pub fn read(&self) -> T {
        // SAFETY: size and alignment were checked when the view was made, the
        // block is inside the region, and `T: FromBytes` accepts any bits.
        unsafe { self.block.ptr.as_ptr().cast::<T>().read_volatile() }
    }

    /// Overwrites the value with volatile byte stores (`T: IntoBytes` has no
    /// padding to leak).
    pub fn write(&self, value: &T) {
        // SAFETY: `Shared<T>` is only made for a block of exactly
        // `size_of::<T>()` bytes, which `value.as_bytes()` has.
        unsafe { write_volatile_bytes(self.block.ptr.as_ptr(), value.as_bytes().iter().copied()) };
    }

    /// The untyped block.
    pub const fn block(&self) -> Block {
        self.block
    }
}

/// Volatile byte stores of `bytes` from `dst` on.
///
/// # Safety
/// `dst` and the number of bytes `bytes` yields span memory inside one block
/// (valid for writes, inside the region).
unsafe fn write_volatile_bytes(dst: *mut u8, bytes: impl Iterator<Item = u8>) {
    for (i, b) in bytes.enumerate() {
        // SAFETY: `dst + i` is inside the span the caller vouches for.
        unsafe { dst.add(i).write_volatile(b) };
    }
}
