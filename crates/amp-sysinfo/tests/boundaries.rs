//! Pools at both ends of the 32-bit bus space: at bus address 0 and ending
//! exactly at 2^32. Tables that fill the region exactly, blocks that end
//! exactly at the region's end, and `max_entries` 0, 1 and the largest that
//! fits. Run with overflow checks on (the default test profile), so any
//! address arithmetic that wraps panics here.

mod common;

use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Reader, Region, Writer};
use common::{fix_check, Mem};

/// Bus bases of a `size`-byte pool: the bottom of the bus space, an ordinary
/// address, and the top (the pool's last byte is 0xffff_ffff).
fn bases(size: u32) -> [u32; 3] {
    [0, 0x4087_0000, 0u32.wrapping_sub(size)]
}

fn id(raw: u16) -> Id {
    Id::from_raw(raw).unwrap()
}

fn cfg(bus: u32, size: u32, max_entries: u16) -> PoolConfig {
    PoolConfig {
        kind: PoolKind::Hp,
        bus_base: bus,
        size,
        max_entries,
    }
}

/// Checks every property a handed-out block must have.
fn inside(mem: &Mem, bus: u32, size: u32, data_start: u32, block: &amp_sysinfo::Block) {
    let off = block.bus_addr().wrapping_sub(bus);
    assert!(
        block.bus_addr() >= bus,
        "block {:#x} below the pool {bus:#x}",
        block.bus_addr()
    );
    assert!(
        off >= data_start && off as u64 + block.size() as u64 <= size as u64,
        "block at {off:#x} +{}",
        block.size()
    );
    assert!(block.size() > 0 && block.bus_addr() % 4 == 0);
    assert_eq!(
        block.as_ptr() as usize,
        mem.bytes().as_ptr() as usize + off as usize
    );
}

#[test]
fn regions_may_end_exactly_at_4_gib_but_not_past_it() {
    let mut mem = Mem::new(256);
    let p = mem.ptr();
    // SAFETY (all): `mem` outlives the regions; nothing else touches it.
    unsafe {
        assert!(Region::new(p, 0xffff_ff00, 256).is_ok());
        assert_eq!(Region::new(p, 0xffff_ff10, 256), Err(Error::Corrupt));
        assert_eq!(Region::new(p, 0xffff_fff0, 32), Err(Error::Corrupt));
        assert!(Region::new(p, 0, 256).is_ok());
    }
    // SAFETY: as above.
    let top = unsafe { Region::new(p, 0xffff_ff00, 256) }.unwrap();
    assert!(top.translate(0xffff_fffc, 4).is_some());
    assert!(top.translate(0xffff_fffc, 5).is_none());
    assert!(top.translate(0xffff_ff00, 256).is_some());
    // Bus address 0 is not the end of a pool that ends at 2^32.
    assert!(top.translate(0, 0).is_none());
    assert!(top.translate(0, 4).is_none());
    assert!(top.translate(0xffff_fe00, 0).is_none());
    // SAFETY: as above.
    let bottom = unsafe { Region::new(p, 0, 256) }.unwrap();
    assert!(bottom.translate(0, 256).is_some());
    assert!(bottom.translate(256, 0).is_some());
    assert!(bottom.translate(256, 1).is_none());
    assert!(bottom.translate(u32::MAX, 2).is_none());
}

/// The reproducer, at every base: max 1, one block filling the rest
/// of a 256-byte pool (ending exactly at the region end), then the deep-sleep
/// re-attach, a lookup from the sub core, and a full pool.
#[test]
fn block_ending_at_the_region_end_reattaches_at_every_base() {
    for bus in bases(256) {
        let mut mem = Mem::new(256);
        let region = mem.region(bus);
        let w = Writer::new();
        w.init(region, &cfg(bus, 256, 1)).unwrap();
        // Capacity 1 takes two slots (version 3 rounds up to even).
        let b = w.alloc(id(1), 208, PoolKind::Hp).unwrap();
        assert_eq!(b.bus_addr(), bus.wrapping_add(48), "bus {bus:#x}");
        inside(&mem, bus, 256, 48, &b);
        let w2 = Writer::new();
        assert_eq!(w2.attach(region, PoolKind::Hp), Ok(1), "bus {bus:#x}");
        assert_eq!(w2.alloc(id(2), 4, PoolKind::Hp), Err(Error::TableFull));
        let mut r = Reader::new();
        assert_eq!(r.attach(region, PoolKind::Hp), Ok(1));
        let got = r.get(id(1), PoolKind::Hp).unwrap();
        assert_eq!(got, b);
        inside(&mem, bus, 256, 48, &got);
    }
}

/// With two entries: the block that ends at the region's end is allocated
/// after re-attach, and the pool is then full to the last byte.
#[test]
fn reattached_pool_allocates_up_to_the_last_byte() {
    for bus in bases(512) {
        let mut mem = Mem::new(512);
        let region = mem.region(bus);
        let w = Writer::new();
        w.init(region, &cfg(bus, 512, 2)).unwrap();
        w.alloc(id(1), 100, PoolKind::Hp).unwrap();
        let w2 = Writer::new();
        assert_eq!(w2.attach(region, PoolKind::Hp), Ok(1));
        let data = 32 + 16 + 100;
        let last = w2.alloc(id(2), (512 - data) as u16, PoolKind::Hp).unwrap();
        assert_eq!(last.bus_addr(), bus.wrapping_add(data));
        inside(&mem, bus, 512, 48, &last);
        let w3 = Writer::new();
        assert_eq!(w3.attach(region, PoolKind::Hp), Ok(2));
        // One byte over the end, with the table not full.
        let w4 = Writer::new();
        w4.init(region, &cfg(bus, 512, 3)).unwrap();
        // Capacity 3: four slots.
        w4.alloc(id(1), (512 - 64) as u16, PoolKind::Hp).unwrap();
        assert_eq!(w4.alloc(id(2), 1, PoolKind::Hp), Err(Error::PoolFull));
    }
}

#[test]
fn max_entries_zero_one_and_the_largest_that_fits() {
    for size in [64u32, 80, 256, 4096] {
        for bus in bases(size) {
            let mut mem = Mem::new(size as usize);
            let region = mem.region(bus);
            let w = Writer::new();
            // 0: refused, memory untouched.
            assert_eq!(w.init(region, &cfg(bus, size, 0)), Err(Error::PoolTooSmall));
            assert!(mem.bytes().iter().all(|&b| b == 0));
            // The largest the writer formats: header + table + one 4-byte
            // block, the table's slots an even number (one more, odd,
            // would take as many slots as two more).
            let largest = ((size - 32 - 4) / 8) as u16 & !1;
            assert_eq!(
                w.init(region, &cfg(bus, size, largest + 1)),
                Err(Error::PoolTooSmall)
            );
            assert!(mem.bytes().iter().all(|&b| b == 0));
            for max in [1, largest] {
                w.init(region, &cfg(bus, size, max)).unwrap();
                let data_start = amp_sysinfo::table_bytes(max) as u32;
                let room = size - data_start;
                // As many blocks as fit (4 bytes each); the last one takes
                // the rest of the pool, ending exactly at the region's end.
                let n = (max as u32).min(room / 4).min(64) as u16;
                for i in 0..n {
                    let each = if i + 1 == n {
                        room - 4 * (n as u32 - 1)
                    } else {
                        4
                    };
                    let b = w
                        .alloc(id(i), each.min(0xfffc) as u16, PoolKind::Hp)
                        .unwrap();
                    inside(&mem, bus, size, data_start, &b);
                }
                let full = if n == max {
                    Error::TableFull
                } else {
                    Error::PoolFull
                };
                assert_eq!(
                    w.alloc(id(n), 4, PoolKind::Hp),
                    Err(full),
                    "size {size} bus {bus:#x} max {max}"
                );
                let mut r = Reader::new();
                assert_eq!(r.attach(region, PoolKind::Hp), Ok(n));
                for i in 0..n {
                    inside(
                        &mem,
                        bus,
                        size,
                        data_start,
                        &r.get(id(i), PoolKind::Hp).unwrap(),
                    );
                }
                assert_eq!(Writer::new().attach(region, PoolKind::Hp), Ok(n));
            }
        }
    }
}

/// A table written by another implementation may fill the region exactly
/// (no data area at all): the reader accepts the header and hands out no
/// block; the writer re-attaches and has no room. `max_entries` 0 and one
/// more than fits are corrupt.
#[test]
fn table_exactly_filling_the_region() {
    for size in [64u32, 256] {
        for bus in bases(size) {
            let mut mem = Mem::new(size as usize);
            let region = mem.region(bus);
            Writer::new().init(region, &cfg(bus, size, 1)).unwrap();
            let fill = ((size - 32) / 8) as u16;
            // Every slot of the largest table empty, as a writer leaves them.
            for w in 8..size as usize / 4 {
                mem.set_word(w, amp_sysinfo::format::EMPTY_SLOT);
            }
            for (max, want) in [
                (0u16, Err(Error::Corrupt)),
                (fill + 1, Err(Error::Corrupt)),
                (fill, Ok(0)),
            ] {
                mem.set_word(1, amp_sysinfo::format::VERSION as u32 | (max as u32) << 16);
                fix_check(&mut mem);
                let before = mem.bytes().to_vec();
                let mut r = Reader::new();
                assert_eq!(
                    r.attach(region, PoolKind::Hp),
                    want,
                    "size {size} bus {bus:#x} max {max}"
                );
                assert_eq!(Writer::new().attach(region, PoolKind::Hp), want);
                assert!(mem.bytes() == &before[..]);
            }
            // Entry 0 names a block where the (empty) data area would be
            // (offset 0: the region's end, which for the top pool is bus
            // address 0), or as far as an offset reaches.
            for (w0, addr) in [(1u32, 0u32), (1 | 4 << 16, 0), (1 | 4 << 16, 0xffff)] {
                mem.set_word(6, 1);
                mem.set_word(8, w0);
                mem.set_word(9, addr);
                let before = mem.bytes().to_vec();
                let mut r = Reader::new();
                assert_eq!(r.attach(region, PoolKind::Hp), Ok(1));
                assert_eq!(
                    r.get(id(1), PoolKind::Hp),
                    Err(Error::Corrupt),
                    "entry {w0:#x} at {addr:#x}"
                );
                let w = Writer::new();
                assert_eq!(w.attach(region, PoolKind::Hp), Err(Error::Corrupt));
                assert!(mem.bytes() == &before[..]);
            }
            mem.set_word(6, 0);
            // An unpublished slot that is not empty is corrupt too.
            assert_eq!(
                Writer::new().attach(region, PoolKind::Hp),
                Err(Error::Corrupt)
            );
            mem.set_word(8, amp_sysinfo::format::EMPTY_SLOT);
            mem.set_word(9, amp_sysinfo::format::EMPTY_SLOT);
            let w = Writer::new();
            assert_eq!(w.attach(region, PoolKind::Hp), Ok(0));
            assert_eq!(w.alloc(id(1), 4, PoolKind::Hp), Err(Error::PoolFull));
        }
    }
}

/// An entry at the end of a pool that ends at 2^32 (bus address 0), empty
/// or not, must be refused, not handed out (it would be one past the pool).
#[test]
fn entry_at_the_end_of_a_pool_ending_at_4_gib_is_corrupt() {
    let (bus, size) = (0xffff_ff00u32, 256u32);
    let mut mem = Mem::new(size as usize);
    let region = mem.region(bus);
    let w = Writer::new();
    w.init(region, &cfg(bus, size, 2)).unwrap();
    w.alloc(id(1), 8, PoolKind::Hp).unwrap();
    for w0 in [1u32, 1 | 4 << 16] {
        mem.set_word(8, w0);
        // The data area starts 48 bytes in: this offset is its end.
        mem.set_word(9, (size - 48) / 4);
        let before = mem.bytes().to_vec();
        let mut r = Reader::new();
        r.attach(region, PoolKind::Hp).unwrap();
        assert_eq!(r.get(id(1), PoolKind::Hp), Err(Error::Corrupt));
        assert_eq!(w.get(id(1), PoolKind::Hp), Err(Error::Corrupt));
        assert_eq!(
            Writer::new().attach(region, PoolKind::Hp),
            Err(Error::Corrupt)
        );
        assert!(mem.bytes() == &before[..]);
    }
}

/// Without overflow checks: the first block ends at
/// 2^32, so `addr + size` wrapped to 0 and a second block placed *before*
/// it (overlapping) passed the order check. Re-attach must refuse it, and
/// nothing may be allocated inside a live block.
#[test]
fn overlap_after_a_block_ending_at_4_gib_is_corrupt() {
    let (bus, size) = (0xffff_ff00u32, 256u32);
    let mut mem = Mem::new(size as usize);
    let region = mem.region(bus);
    let w = Writer::new();
    w.init(region, &cfg(bus, size, 2)).unwrap();
    let a = w.alloc(id(1), (size - 48) as u16, PoolKind::Hp).unwrap();
    // Second entry: inside the first block (8 bytes into the data area).
    assert_eq!(a.bus_addr(), bus + 48);
    mem.set_word(6, 2);
    mem.set_word(10, 2 | 8 << 16);
    mem.set_word(11, 8 / 4);
    let before = mem.bytes().to_vec();
    let w2 = Writer::new();
    assert_eq!(w2.attach(region, PoolKind::Hp), Err(Error::Corrupt));
    assert_eq!(w2.alloc(id(3), 4, PoolKind::Hp), Err(Error::PoolAbsent));
    assert!(mem.bytes() == &before[..]);
}

/// Entries straddling the pool's edges at both ends of the bus space.
#[test]
fn entries_straddling_the_edges_are_corrupt() {
    for bus in bases(256) {
        let mut mem = Mem::new(256);
        let region = mem.region(bus);
        let w = Writer::new();
        w.init(region, &cfg(bus, 256, 2)).unwrap();
        w.alloc(id(1), 8, PoolKind::Hp).unwrap();
        // Offsets in 4-byte units from the data area, 208 bytes long.
        let end = (256 - 48) / 4;
        for (size, addr) in [
            (8u32, end - 1),
            (4, end),
            (0xffff, 0),
            (0xffff, 0xffff),
            (4, 0xffff),
            (0, 0),
        ] {
            mem.set_word(8, 1 | size << 16);
            mem.set_word(9, addr);
            let mut r = Reader::new();
            r.attach(region, PoolKind::Hp).unwrap();
            assert_eq!(
                r.get(id(1), PoolKind::Hp),
                Err(Error::Corrupt),
                "bus {bus:#x}: {size} at {addr:#x}"
            );
            assert_eq!(
                Writer::new().attach(region, PoolKind::Hp),
                Err(Error::Corrupt)
            );
        }
    }
}

/// These tests only mean something with overflow checks on (any wrap in the
/// crate's arithmetic panics): the default `cargo test` profile has them;
/// this fails if a profile change turns them off.
#[test]
fn overflow_checks_are_on() {
    let wrapped =
        std::panic::catch_unwind(|| std::hint::black_box(u32::MAX) + std::hint::black_box(1));
    assert!(wrapped.is_err(), "cargo test runs without overflow checks");
}

/// The half-word after a version 4 entry's offset is reserved: a lookup
/// does not read it (the block is still where the offset says), while the
/// main core's re-attach and the inspector refuse a table where it is not
/// 0, leaving it unchanged.
#[test]
fn a_set_reserved_half_word_is_refused_by_attach_not_read_by_lookups() {
    let mut mem = Mem::new(256);
    let bus = 0x4000_0000;
    let region = mem.region(bus);
    let w = Writer::new();
    w.init(region, &cfg(bus, 256, 2)).unwrap();
    let a = w.alloc(id(1), 8, PoolKind::Hp).unwrap();
    assert_eq!(Writer::new().attach(region, PoolKind::Hp), Ok(1));
    mem.set_word(9, 1 << 16);
    let before = mem.bytes().to_vec();
    let mut r = Reader::new();
    r.attach(region, PoolKind::Hp).unwrap();
    assert_eq!(
        r.get(id(1), PoolKind::Hp).map(|b| b.bus_addr()),
        Ok(a.bus_addr())
    );
    assert_eq!(
        Writer::new().attach(region, PoolKind::Hp),
        Err(Error::Corrupt)
    );
    let listing = amp_sysinfo::inspect::Listing::open(region, PoolKind::Hp).unwrap();
    assert_eq!(
        listing.entry(0).and_then(|e| e.fault),
        Some(amp_sysinfo::inspect::EntryFault::Reserved)
    );
    assert_eq!(listing.check(), Err(Error::Corrupt));
    assert!(mem.bytes() == &before[..]);
}
