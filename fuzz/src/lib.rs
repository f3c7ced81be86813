//! What the fuzz targets share: a pool in host memory placed on the bus at a
//! low address or ending exactly at 2^32, built from the fuzzer's bytes, and
//! the oracle every handed-out block must pass.
//!
//! Input: `[flags, size, max, rest...]`.
//! - `flags` bit 0: bus placement (0: low, 0x1000; 1: ending at 2^32);
//!   bit 1: RTC instead of HP; bit 2: start from a valid table (formatted and
//!   filled by the `Writer`: up to 8 blocks of `(b + 1) * 4` bytes) and apply
//!   up to 8 `(offset, xor)` byte pairs to its header and table, else `rest`
//!   is the raw memory; bit 3 (raw memory only): write a consistent header
//!   over it (magic, version, this pool's kind/size/base, check word), so
//!   that the entries, not the header, are what the fuzzer varies; bit 4
//!   (with bit 3): that header is version 1 (generation 0), which readers
//!   refuse and the main core's attach upgrades, else the current version
//!   with a non-zero generation.
//! - `size`: the pool is `64 + 16 * (size % 64)` bytes (64..=1072).
//! - `max`: `max_entries` of the formatted or consistent header.

use amp_sysinfo::{Block, Id, PoolConfig, PoolKind, Region, Writer};

/// Low placement of the pools.
pub const LOW_BUS: u32 = 0x1000;

/// A pool: 16-aligned host memory, a bus placement and a kind.
pub struct Pool {
    words: Vec<u128>,
    /// Bytes of the pool.
    pub size: u32,
    /// Bus address of the first byte.
    pub bus: u32,
    /// HP or RTC.
    pub kind: PoolKind,
}

impl Pool {
    /// `size` zeroed bytes at bus address `bus`.
    pub fn new(size: u32, bus: u32, kind: PoolKind) -> Pool {
        Pool {
            words: vec![0; size as usize / 16],
            size,
            bus,
            kind,
        }
    }

    /// The pool's bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: plain memory owned by `self`, `size` bytes long.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast(), self.size as usize) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above.
        unsafe {
            std::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast(), self.size as usize)
        }
    }

    /// Local address of the first byte.
    pub fn ptr(&mut self) -> *mut u8 {
        self.words.as_mut_ptr().cast()
    }

    /// The region over the whole buffer.
    pub fn region(&mut self) -> Region {
        // SAFETY: the buffer outlives every use of the region in one fuzz
        // iteration, and is only read between library calls.
        unsafe { Region::new(self.ptr(), self.bus, self.size) }
            .expect("fuzz pools are valid regions")
    }

    /// The pool's configuration.
    pub fn config(&self, max_entries: u16) -> PoolConfig {
        PoolConfig {
            kind: self.kind,
            bus_base: self.bus,
            size: self.size,
            max_entries,
        }
    }

    /// Word `i` of the pool (little-endian); 0 past the end.
    pub fn word(&self, i: usize) -> u32 {
        match self.bytes().get(4 * i..4 * i + 4) {
            Some(b) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            None => 0,
        }
    }

    fn set_word(&mut self, i: usize, v: u32) {
        self.bytes_mut()[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// The capacity the header declares (what a reader uses).
    pub fn header_max(&self) -> u16 {
        (self.word(1) >> 16) as u16
    }

    /// Panics unless `block` is what docs/format.md promises: non-empty,
    /// 4-byte aligned, wholly inside the data area of a table of
    /// `max_entries`, and at the local address its bus address maps to.
    pub fn assert_block(&self, block: &Block, max_entries: u16) {
        let addr = block.bus_addr();
        assert!(
            addr >= self.bus,
            "block {addr:#x} below the pool at {:#x}",
            self.bus
        );
        let off = (addr - self.bus) as u64;
        let data = amp_sysinfo::table_bytes(max_entries) as u64;
        assert!(
            off >= data,
            "block at offset {off:#x} inside the table (data at {data:#x})"
        );
        assert!(
            off + block.size() as u64 <= self.size as u64,
            "block {off:#x}+{} past the pool ({})",
            block.size(),
            self.size
        );
        assert!(block.size() > 0, "empty block handed out");
        assert_eq!(addr % 4, 0, "misaligned block handed out");
        assert_eq!(
            block.as_ptr() as usize,
            self.words.as_ptr() as usize + off as usize,
            "local pointer differs"
        );
    }
}

/// The pool an input describes, and the input's unused tail (operations).
pub fn build(data: &[u8]) -> Option<(Pool, &[u8])> {
    let (&flags, rest) = data.split_first()?;
    let (&size, rest) = rest.split_first()?;
    let (&max, rest) = rest.split_first()?;
    let size = 64 + 16 * (size as u32 % 64);
    let bus = if flags & 1 == 0 {
        LOW_BUS
    } else {
        0u32.wrapping_sub(size)
    };
    let kind = if flags & 2 == 0 {
        PoolKind::Hp
    } else {
        PoolKind::Rtc
    };
    let mut pool = Pool::new(size, bus, kind);
    // Capacities whose slots (rounded up to even) fit with a block.
    let fits = ((size - 36) / 8) as u16 & !1;
    let max = 1 + (max as u16 % fits.max(1));
    if flags & 4 != 0 {
        // A valid table with a few blocks, then byte overwrites.
        let region = pool.region();
        let w = Writer::new();
        w.init(region, &pool.config(max)).ok()?;
        let (ops, tail) = rest.split_at(rest.len().min(8));
        for (i, &s) in ops.iter().enumerate() {
            let _ = w.alloc(Id::from_raw(i as u16).ok()?, (s as u16 + 1) * 4, kind);
        }
        let (edits, tail) = tail.split_at(tail.len().min(16));
        for pair in edits.chunks_exact(2) {
            let at = pair[0] as usize % (amp_sysinfo::table_bytes(max) + 8).min(size as usize);
            pool.bytes_mut()[at] ^= pair[1];
        }
        return Some((pool, tail));
    }
    let n = rest.len().min(size as usize);
    pool.bytes_mut()[..n].copy_from_slice(&rest[..n]);
    if flags & 8 != 0 {
        let kind_word = kind as u32 | (kind.flags().bits() as u32) << 8;
        // The current version (random slots: readers compare them all), or
        // version 1, which only the main core's attach takes (upgrading it).
        let legacy = flags & 16 != 0;
        let version = if legacy {
            1
        } else {
            amp_sysinfo::format::VERSION as u32
        };
        let words = [
            u32::from_le_bytes(*b"SYSI"),
            version | (max as u32) << 16,
            kind_word,
            size,
            bus,
        ];
        for (i, w) in words.iter().enumerate() {
            pool.set_word(i, *w);
        }
        pool.set_word(5, words.iter().fold(0x5a5a_c3c3, |a, w| a ^ w));
        let generation = if legacy { 0 } else { pool.word(7) | 1 };
        pool.set_word(7, generation);
    }
    Some((pool, &rest[n..]))
}
