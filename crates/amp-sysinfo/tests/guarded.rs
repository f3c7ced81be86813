//! proptest over corrupted tables, with the pool between guard pages: the
//! pool's memory is mmap'd with `PROT_NONE` pages right before and right
//! after it (the pool is placed flush against one of them), so any read or
//! write outside the region faults and fails the test. Pools at a low bus
//! address and ending exactly at 2^32; overflow checks on (test profile).
//!
//! Corruptions: random word overwrites and bit flips of a valid table,
//! counts above the capacity, entries outside or straddling the region (at
//! both ends of the bus space), zero-size and misaligned entries, duplicate
//! and overlapping entries, mismatched header fields (made consistent with
//! the check word), raw random bytes. Oracle: no panic, no fault, every
//! block handed out is non-empty, 4-aligned and inside the data area, the
//! reader never writes, a failed writer call changes no byte, and the
//! writer's own table always re-attaches.
#![cfg(unix)]

mod common;

use amp_sysinfo::{Block, Error, Id, PoolConfig, PoolKind, Reader, Region, Writer};
use proptest::prelude::*;

/// Pool memory with an inaccessible page on each side.
struct Guarded {
    base: *mut u8,
    len: usize,
    page: usize,
    /// Offset of the pool in the accessible span.
    at: usize,
    size: usize,
}

impl Guarded {
    /// `size` bytes flush against the left guard page, or the right one.
    fn new(size: usize, flush_right: bool) -> Guarded {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
        let span = size.div_ceil(page) * page;
        let len = span + 2 * page;
        // SAFETY: a fresh anonymous private mapping; checked below.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(base, libc::MAP_FAILED);
        let base = base.cast::<u8>();
        // SAFETY: both pages lie inside the mapping just made.
        unsafe {
            assert_eq!(libc::mprotect(base.cast(), page, libc::PROT_NONE), 0);
            assert_eq!(
                libc::mprotect(base.add(page + span).cast(), page, libc::PROT_NONE),
                0
            );
        }
        let at = if flush_right { span - size } else { 0 };
        Guarded {
            base,
            len,
            page,
            at,
            size,
        }
    }

    fn ptr(&self) -> *mut u8 {
        // SAFETY: inside the accessible span.
        unsafe { self.base.add(self.page + self.at) }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: the pool's bytes, accessible, only changed through the
        // library between calls.
        unsafe { std::slice::from_raw_parts(self.ptr(), self.size) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts_mut(self.ptr(), self.size) }
    }

    /// Word `i` (0 past the end).
    fn word(&self, i: usize) -> u32 {
        self.bytes()
            .get(4 * i..4 * i + 4)
            .map_or(0, |b| u32::from_le_bytes(b.try_into().unwrap()))
    }

    fn set_word(&mut self, i: usize, v: u32) {
        if 4 * i + 4 <= self.size {
            self.bytes_mut()[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
        }
    }

    fn region(&self, bus: u32) -> Region {
        // SAFETY: the mapping outlives every use in one case.
        unsafe { Region::new(self.ptr(), bus, self.size as u32) }.unwrap()
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`.
        unsafe { libc::munmap(self.base.cast(), self.len) };
    }
}

/// One way of damaging a valid table.
#[derive(Debug, Clone)]
enum Damage {
    /// Overwrite word `at % words` with `value`.
    Word(usize, u32),
    /// Flip bit `bit % (8 * size)`.
    Flip(usize),
    /// Entry `i`'s address, relative to the pool's base (wrapping).
    EntryAddr(u16, u32),
    /// Entry `i`'s size.
    EntrySize(u16, u16),
    /// Entry `i`'s id set to entry `j`'s.
    Duplicate(u16, u16),
    /// The count, up to past the capacity.
    Count(u32),
    /// A header field changed, the check word recomputed (consistent garbage).
    Header(usize, u32),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), any::<u32>()).prop_map(|(a, v)| Damage::Word(a, v)),
        any::<usize>().prop_map(Damage::Flip),
        (
            0u16..8,
            prop_oneof![
                Just(0u32),
                Just(28),
                0u32..4200,
                (0u32..64).prop_map(|d| 0u32.wrapping_sub(d)),
                any::<u32>()
            ]
        )
            .prop_map(|(i, a)| Damage::EntryAddr(i, a)),
        (0u16..8, prop_oneof![Just(0u16), 1u16..8, any::<u16>()])
            .prop_map(|(i, s)| Damage::EntrySize(i, s)),
        (0u16..8, 0u16..8).prop_map(|(i, j)| Damage::Duplicate(i, j)),
        prop_oneof![0u32..20, any::<u32>()].prop_map(Damage::Count),
        (1usize..5, any::<u32>()).prop_map(|(f, v)| Damage::Header(f, v)),
    ]
}

fn apply(mem: &mut Guarded, bus: u32, d: &Damage) {
    let words = mem.size / 4;
    match *d {
        Damage::Word(at, v) => mem.set_word(at % words, v),
        Damage::Flip(bit) => {
            let bit = bit % (8 * mem.size);
            mem.bytes_mut()[bit / 8] ^= 1 << (bit % 8);
        }
        Damage::EntryAddr(i, rel) => mem.set_word(9 + 2 * i as usize, bus.wrapping_add(rel)),
        Damage::EntrySize(i, s) => {
            let w = mem.word(8 + 2 * i as usize);
            mem.set_word(8 + 2 * i as usize, (w & 0xffff) | (s as u32) << 16);
        }
        Damage::Duplicate(i, j) => {
            let wj = mem.word(8 + 2 * j as usize);
            let wi = mem.word(8 + 2 * i as usize);
            mem.set_word(8 + 2 * i as usize, (wi & 0xffff_0000) | (wj & 0xffff));
        }
        Damage::Count(n) => mem.set_word(6, n),
        Damage::Header(f, v) => {
            mem.set_word(f, v);
            let check = (0..5).fold(0x5a5a_c3c3u32, |a, i| a ^ mem.word(i));
            mem.set_word(5, check);
        }
    }
}

/// Panics unless `b` is a block docs/format.md allows a lookup to hand out.
fn assert_block(mem: &Guarded, bus: u32, max: u16, b: &Block) {
    assert!(
        b.bus_addr() >= bus,
        "block {:#x} below the pool {bus:#x}",
        b.bus_addr()
    );
    let off = (b.bus_addr() - bus) as u64;
    assert!(
        off >= 32 + 8 * max as u64 && off + b.size() as u64 <= mem.size as u64,
        "block at {off:#x}+{}",
        b.size()
    );
    assert!(b.size() > 0 && b.bus_addr() % 4 == 0);
    assert_eq!(b.as_ptr() as usize, mem.ptr() as usize + off as usize);
}

/// Everything the reader and the writer may do with the damaged pool.
fn exercise(mem: &Guarded, bus: u32, kind: PoolKind) {
    let region = mem.region(bus);
    let before = mem.bytes().to_vec();
    let mut r = Reader::new();
    match r.attach(region, kind) {
        Ok(_) => {
            let max = (mem.word(1) >> 16) as u16;
            let mut out = String::new();
            let _ = r.dump(&mut out);
            let _ = r.count(kind);
            let ids = (0..max.min(64) as usize)
                .map(|i| mem.word(8 + 2 * i) as u16)
                .chain([0, 1, 2, 0xff00, 0xfffe]);
            for raw in ids {
                let Ok(id) = Id::from_raw(raw) else { continue };
                if let Ok(b) = r.get(id, kind) {
                    assert_block(mem, bus, max, &b);
                    let mut buf = vec![0u8; b.size() as usize];
                    b.read(0, &mut buf).unwrap();
                }
                if let Ok(v) = r.get_as::<u32>(id, kind) {
                    assert_block(mem, bus, max, &v.block());
                }
            }
        }
        Err(e) => assert_eq!(
            r.get(Id::new(1).unwrap(), kind),
            Err(Error::PoolAbsent),
            "{e:?}"
        ),
    }
    assert!(mem.bytes() == &before[..], "the reader wrote to the pool");
    let w = Writer::new();
    match w.attach(region, kind) {
        Ok(n) => {
            let max = (mem.word(1) >> 16) as u16;
            for i in 0..n as usize {
                let id = Id::from_raw(mem.word(8 + 2 * i) as u16).unwrap();
                assert_block(mem, bus, max, &w.get(id, kind).unwrap());
            }
            // Allocation after re-attach: inside, and past every live block.
            let end = (0..n as usize)
                .map(|i| mem.word(9 + 2 * i) as u64 + (mem.word(8 + 2 * i) >> 16) as u64)
                .max();
            let snapshot = mem.bytes().to_vec();
            match w.alloc(Id::new(0x7777).unwrap(), 8, kind) {
                Ok(b) => {
                    assert_block(mem, bus, max, &b);
                    assert!(
                        end.is_none_or(|e| b.bus_addr() as u64 >= e),
                        "alloc inside a live block"
                    );
                    assert_eq!(Writer::new().attach(region, kind), Ok(n + 1));
                }
                Err(_) => assert!(mem.bytes() == &snapshot[..], "a failed alloc wrote"),
            }
        }
        Err(_) => assert!(mem.bytes() == &before[..], "a failed attach wrote"),
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// A valid table (pool flush against either guard page, low or at the
    /// top of the bus space), then up to 6 damages.
    #[test]
    fn damaged_tables_between_guard_pages(
        units in 4usize..=256,
        top in any::<bool>(),
        flush_right in any::<bool>(),
        rtc in any::<bool>(),
        max in 1u16..=8,
        sizes in proptest::collection::vec(1u16..=200, 0..8),
        damages in proptest::collection::vec(damage(), 0..=6),
    ) {
        let size = 16 * units;
        let mut mem = Guarded::new(size, flush_right);
        let bus = if top { 0u32.wrapping_sub(size as u32) } else { 0x1000 };
        let kind = if rtc { PoolKind::Rtc } else { PoolKind::Hp };
        // The writer keeps room for a block after an even number of slots.
        let max = max.min(((size - 36) / 8) as u16 & !1);
        let region = mem.region(bus);
        let w = Writer::new();
        w.init(region, &PoolConfig { kind, bus_base: bus, size: size as u32, max_entries: max }).unwrap();
        for (i, s) in sizes.iter().enumerate() {
            let _ = w.alloc(Id::new(i as u16).unwrap(), *s, kind);
        }
        // Undamaged: the writer's own table always re-attaches.
        let published = w.count(kind).unwrap();
        prop_assert_eq!(Writer::new().attach(region, kind), Ok(published));
        for d in &damages {
            apply(&mut mem, bus, d);
        }
        exercise(&mem, bus, kind);
    }

    /// Raw random bytes (a consistent header written over them half the
    /// time, so that the entries are what varies).
    #[test]
    fn random_bytes_between_guard_pages(
        units in 4usize..=64,
        top in any::<bool>(),
        flush_right in any::<bool>(),
        header in any::<bool>(),
        max in 1u16..=16,
        bytes in proptest::collection::vec(any::<u8>(), 64..=1024),
    ) {
        let size = 16 * units;
        let mut mem = Guarded::new(size, flush_right);
        let bus = if top { 0u32.wrapping_sub(size as u32) } else { 0x1000 };
        let n = bytes.len().min(size);
        mem.bytes_mut()[..n].copy_from_slice(&bytes[..n]);
        if header {
            // Version 3: the slots (capacity rounded up to even) must fit.
            let max = max.min(((size - 32) / 8) as u16 & !1) as u32;
            let version = amp_sysinfo::format::VERSION as u32;
            let words = [u32::from_le_bytes(*b"SYSI"), version | max << 16, 1 << 8, size as u32, bus];
            for (i, v) in words.iter().enumerate() {
                mem.set_word(i, *v);
            }
            mem.set_word(5, words.iter().fold(0x5a5a_c3c3, |a, w| a ^ w));
            mem.set_word(7, mem.word(7) | 1);
            mem.set_word(6, mem.word(6) % (max + 2));
        }
        exercise(&mem, bus, PoolKind::Hp);
    }
}

/// The guard pages really fault: a read just past a right-flush pool is
/// outside the mapping's accessible part (checked in a child process).
#[test]
fn guard_page_faults_in_a_child() {
    if std::env::var_os("GUARD_CHILD").is_some() {
        let mem = Guarded::new(64, true);
        // SAFETY: deliberately reads the guard page: this process must die.
        let v = unsafe { mem.ptr().add(64).read_volatile() };
        println!("read {v}");
        std::process::exit(0);
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args(["--exact", "guard_page_faults_in_a_child", "--nocapture"])
        .env("GUARD_CHILD", "1")
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "reading the guard page did not fault"
    );
}
