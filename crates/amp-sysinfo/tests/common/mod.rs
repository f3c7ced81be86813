//! Host memory standing in for a pool, with byte snapshots.
#![allow(dead_code)]

use amp_sysinfo::{PoolConfig, PoolKind, Region};

/// 16-byte aligned heap memory (u128 is 16-aligned on the test hosts).
pub struct Mem {
    words: Vec<u128>,
}

impl Mem {
    pub fn new(size: usize) -> Mem {
        assert_eq!(std::mem::align_of::<u128>(), 16);
        Mem {
            words: vec![0; size.div_ceil(16)],
        }
    }

    pub fn filled(size: usize, byte: u8) -> Mem {
        let mut m = Mem::new(size);
        m.bytes_mut().fill(byte);
        m
    }

    pub fn ptr(&mut self) -> *mut u8 {
        self.words.as_mut_ptr().cast()
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: plain memory owned by `self`.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast(), self.words.len() * 16) }
    }

    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: plain memory owned by `self`.
        unsafe {
            std::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast(), self.words.len() * 16)
        }
    }

    pub fn word(&self, index: usize) -> u32 {
        u32::from_le_bytes(self.bytes()[index * 4..index * 4 + 4].try_into().unwrap())
    }

    pub fn set_word(&mut self, index: usize, value: u32) {
        self.bytes_mut()[index * 4..index * 4 + 4].copy_from_slice(&value.to_le_bytes());
    }

    /// The region of the whole buffer at bus address `bus_base`.
    pub fn region(&mut self, bus_base: u32) -> Region {
        let size = (self.words.len() * 16) as u32;
        // SAFETY: the buffer outlives every region a test makes from it, and
        // tests touch it only between SysInfo calls.
        unsafe { Region::new(self.ptr(), bus_base, size) }.unwrap()
    }

    pub fn config(&self, kind: PoolKind, bus_base: u32) -> PoolConfig {
        PoolConfig::new(kind, bus_base, (self.words.len() * 16) as u32)
    }
}

/// Recomputes the header check word after a test edited words 0..5, so that
/// the edit is seen as *consistent* garbage rather than caught by the check.
pub fn fix_check(mem: &mut Mem) {
    let words: Vec<u32> = (0..5).map(|i| mem.word(i)).collect();
    let check = words.iter().fold(0x5a5a_c3c3u32, |acc, w| acc ^ w);
    mem.set_word(5, check);
}

/// Rewrites the first `count` entries of the version 4 table in `mem` (a
/// pool at bus address `bus`) as versions 1 to 3 stored them: each offset
/// (4-byte units from the data area) becomes the block's bus address.
pub fn offsets_to_addresses(mem: &mut Mem, bus: u32, count: usize) {
    let max = (mem.word(1) >> 16) as u16;
    let data = bus + amp_sysinfo::table_bytes(max) as u32;
    for i in 0..count {
        let at = 9 + 2 * i;
        mem.set_word(at, data + 4 * mem.word(at));
    }
}
