//! Every error path, with the pool's bytes compared before and after: an
//! error leaves the shared memory exactly as it was.

mod common;

use amp_sysinfo::format::{EMPTY_SLOT, MAX_BLOCK_OFFSET, MIN_VERSION, VERSION};
use amp_sysinfo::inspect::Listing;
use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Reader, Region, Writer};
use common::{fix_check, offsets_to_addresses, Mem};

const BUS: u32 = 0x4080_0000;

fn id(raw: u16) -> Id {
    Id::new(raw).unwrap()
}

/// A formatted pool of `size` bytes with `max` entries, and its writer.
fn pool(size: usize, max: u16, kind: PoolKind) -> (Mem, Writer) {
    let mut mem = Mem::filled(size, 0xa5);
    let cfg = PoolConfig {
        max_entries: max,
        ..mem.config(kind, BUS)
    };
    let writer = Writer::new();
    writer.init(mem.region(BUS), &cfg).unwrap();
    (mem, writer)
}

/// Runs `f`, expects `err`, and checks that the bytes did not change.
fn unchanged<T: std::fmt::Debug>(mem: &Mem, err: Error, f: impl FnOnce() -> Result<T, Error>) {
    let before = mem.bytes().to_vec();
    assert_eq!(f().unwrap_err(), err);
    assert!(
        mem.bytes() == &before[..],
        "an error ({err:?}) changed the shared bytes"
    );
}

#[test]
fn ids_reserved_through_the_user_api() {
    assert_eq!(Id::new(0xfeff).unwrap().raw(), 0xfeff);
    for raw in [0xff00, 0xff05, 0xfffe, 0xffff] {
        assert_eq!(Id::new(raw), Err(Error::ReservedId));
    }
    assert_eq!(Id::from_raw(0xff03).unwrap(), Id::VQUEUE);
    assert_eq!(Id::from_raw(0xffff), Err(Error::ReservedId));
    let raws: Vec<u16> = Id::RESERVED.iter().map(|i| i.raw()).collect();
    assert_eq!(raws, [0xff00, 0xff01, 0xff02, 0xff03, 0xff04, 0xff05]);
}

#[test]
fn region_rejects_misaligned_zero_and_wrapping() {
    let mut mem = Mem::new(64);
    let p = mem.ptr();
    // SAFETY (all): the buffer is valid for 64 bytes; no region is used.
    unsafe {
        assert_eq!(Region::new(p.add(4), BUS, 32), Err(Error::BadAlignment));
        assert_eq!(Region::new(p, BUS + 8, 32), Err(Error::BadAlignment));
        assert_eq!(Region::new(p, BUS, 40), Err(Error::BadAlignment));
        assert_eq!(Region::new(p, BUS, 0), Err(Error::BadAlignment));
        assert_eq!(Region::new(p, 0xffff_fff0, 32), Err(Error::Corrupt));
        assert_eq!(
            Region::new(std::ptr::null_mut(), BUS, 32),
            Err(Error::Corrupt)
        );
        assert!(
            Region::new(p, 0xffff_ffc0, 64).is_ok(),
            "a pool may end at the top of the address space"
        );
    }
}

#[test]
fn region_translate_is_the_bounds_check() {
    let mut mem = Mem::new(64);
    let r = mem.region(BUS);
    assert_eq!(r.translate(BUS, 64).map(|p| p.as_ptr()), Some(mem.ptr()));
    assert!(r.translate(BUS + 60, 4).is_some());
    assert!(r.translate(BUS + 60, 5).is_none());
    assert!(r.translate(BUS + 64, 0).is_some());
    assert!(r.translate(BUS + 65, 0).is_none());
    assert!(r.translate(BUS - 4, 4).is_none());
    assert!(r.translate(u32::MAX, 2).is_none());
}

#[test]
fn init_rejects_mismatched_region_and_small_pool_without_writing() {
    let mut mem = Mem::filled(256, 0x5a);
    let region = mem.region(BUS);
    let w = Writer::new();
    let cfg = mem.config(PoolKind::Hp, BUS);
    unchanged(&mem, Error::RegionMismatch, || {
        w.init(
            region,
            &PoolConfig {
                bus_base: BUS + 0x100,
                ..cfg
            },
        )
    });
    unchanged(&mem, Error::RegionMismatch, || {
        w.init(region, &PoolConfig { size: 128, ..cfg })
    });
    unchanged(&mem, Error::PoolTooSmall, || {
        w.init(
            region,
            &PoolConfig {
                max_entries: 0,
                ..cfg
            },
        )
    });
    // 32 + 28 * 8 = 256: a table that fills the pool leaves no room for a block.
    unchanged(&mem, Error::PoolTooSmall, || {
        w.init(
            region,
            &PoolConfig {
                max_entries: 28,
                ..cfg
            },
        )
    });
    unchanged(&mem, Error::PoolAbsent, || w.alloc(id(1), 4, PoolKind::Hp));
    w.init(
        region,
        &PoolConfig {
            max_entries: 26,
            ..cfg
        },
    )
    .unwrap();
    assert_eq!(
        w.alloc(id(1), 4, PoolKind::Hp).unwrap().bus_addr(),
        BUS + 32 + 26 * 8
    );
}

#[test]
fn alloc_errors_leave_the_table_unchanged() {
    let (mem, w) = pool(512, 4, PoolKind::Hp);
    w.alloc(id(1), 16, PoolKind::Hp).unwrap();
    unchanged(&mem, Error::ZeroSize, || w.alloc(id(2), 0, PoolKind::Hp));
    unchanged(&mem, Error::SizeTooLarge, || {
        w.alloc_with(id(2), PoolKind::Hp, &[0u8; 70_000])
    });
    unchanged(&mem, Error::BadAlignment, || {
        w.alloc_aligned(id(2), 4, 3, PoolKind::Hp)
    });
    unchanged(&mem, Error::BadAlignment, || {
        w.alloc_aligned(id(2), 4, 8192, PoolKind::Hp)
    });
    unchanged(&mem, Error::BadAlignment, || {
        w.alloc_aligned(id(2), 4, 0, PoolKind::Hp)
    });
    unchanged(&mem, Error::DuplicateId, || w.alloc(id(1), 8, PoolKind::Hp));
    unchanged(&mem, Error::PoolAbsent, || w.alloc(id(2), 8, PoolKind::Rtc));
    // Data area: 512 - 64 = 448 bytes, 16 used.
    unchanged(&mem, Error::PoolFull, || w.alloc(id(2), 433, PoolKind::Hp));
    w.alloc(id(2), 432, PoolKind::Hp).unwrap();
    unchanged(&mem, Error::PoolFull, || w.alloc(id(3), 4, PoolKind::Hp));
    assert_eq!(w.count(PoolKind::Hp), Ok(2));
}

#[test]
fn table_full_after_max_entries() {
    let (mem, w) = pool(512, 3, PoolKind::Rtc);
    for raw in 0..3 {
        w.alloc(id(raw), 4, PoolKind::Rtc).unwrap();
    }
    unchanged(&mem, Error::TableFull, || w.alloc(id(9), 4, PoolKind::Rtc));
    // A duplicate is reported before a full table: the more specific fault.
    unchanged(&mem, Error::DuplicateId, || {
        w.alloc(id(0), 4, PoolKind::Rtc)
    });
}

#[test]
fn same_id_once_per_pool() {
    let mut hp = Mem::new(256);
    let mut rtc = Mem::new(256);
    let w = Writer::new();
    w.init(hp.region(BUS), &hp.config(PoolKind::Hp, BUS))
        .unwrap();
    w.init(
        rtc.region(0x5000_0000),
        &rtc.config(PoolKind::Rtc, 0x5000_0000),
    )
    .unwrap();
    let a = w.alloc(Id::VQUEUE, 8, PoolKind::Hp).unwrap();
    let b = w.alloc(Id::VQUEUE, 8, PoolKind::Rtc).unwrap();
    assert_ne!(a.bus_addr(), b.bus_addr());
    assert_eq!(
        w.alloc(Id::VQUEUE, 8, PoolKind::Rtc),
        Err(Error::DuplicateId)
    );
    assert_eq!(w.get(Id::VQUEUE, PoolKind::Rtc).unwrap(), b);
}

#[test]
fn reader_on_zeroed_and_garbage_memory_is_not_ready() {
    for fill in [0x00, 0xff, 0x53] {
        let mut mem = Mem::filled(256, fill);
        let region = mem.region(BUS);
        let mut r = Reader::new();
        unchanged(&mem, Error::NotReady, || r.attach(region, PoolKind::Hp));
        assert_eq!(r.get(id(1), PoolKind::Hp), Err(Error::PoolAbsent));
    }
    // The magic alone is not enough: the check word must match too.
    let mut mem = Mem::new(256);
    mem.bytes_mut()[..4].copy_from_slice(b"SYSI");
    let region = mem.region(BUS);
    assert_eq!(
        Reader::new().attach(region, PoolKind::Hp),
        Err(Error::NotReady)
    );
}

/// A valid table, then one header edit with the check word recomputed.
fn forged(edit: impl FnOnce(&mut Mem), kind: PoolKind, err: Error) {
    let (mut mem, _w) = pool(256, 4, PoolKind::Hp);
    edit(&mut mem);
    fix_check(&mut mem);
    let region = mem.region(BUS);
    let mut r = Reader::new();
    unchanged(&mem, err, || r.attach(region, kind));
    unchanged(&mem, err, || Writer::new().attach(region, kind));
}

#[test]
fn attach_validates_the_header() {
    forged(|_| (), PoolKind::Rtc, Error::Corrupt); // an HP table is not the RTC pool
    forged(
        |m| m.set_word(1, 5 | 4 << 16),
        PoolKind::Hp,
        Error::UnsupportedVersion,
    ); // version 5
    forged(
        |m| m.set_word(1, 4 << 16),
        PoolKind::Hp,
        Error::UnsupportedVersion,
    ); // version 0
    forged(
        |m| m.set_word(1, VERSION as u32 | 200 << 16),
        PoolKind::Hp,
        Error::Corrupt,
    ); // table larger than the pool
    forged(
        |m| m.set_word(1, VERSION as u32),
        PoolKind::Hp,
        Error::Corrupt,
    ); // zero entries
    forged(|m| m.set_word(3, 512), PoolKind::Hp, Error::Corrupt); // other size
    forged(
        |m| m.set_word(4, BUS + 0x1000),
        PoolKind::Hp,
        Error::Corrupt,
    ); // other base
    forged(|m| m.set_word(2, 2 << 8), PoolKind::Hp, Error::Corrupt); // wrong flags for HP

    // The generation word is 0 in a version 4 table only while the main core
    // formats it: not ready (retry).
    forged(|m| m.set_word(7, 0), PoolKind::Hp, Error::NotReady);
}

/// A formatted table of capacity `max`, relabelled as version `version`
/// with `published` entries, as the writers of that version left it: each
/// entry holding its block's bus address, the unpublished slots zeroed
/// (versions 1 and 2), generation 0 (version 1).
fn legacy(version: u16, max: u16, published: u16) -> (Mem, Region) {
    legacy_in(256, version, max, published)
}

/// As [`legacy`], in a pool of `size` bytes.
fn legacy_in(size: usize, version: u16, max: u16, published: u16) -> (Mem, Region) {
    let (mut mem, w) = pool(size, max, PoolKind::Hp);
    for i in 0..published {
        w.alloc_with(id(i + 1), PoolKind::Hp, &(0xbeef_0000u32 | i as u32))
            .unwrap();
    }
    offsets_to_addresses(&mut mem, BUS, published as usize);
    if version < 3 {
        for slot in published as usize..max as usize {
            mem.set_word(8 + 2 * slot, 0);
            mem.set_word(9 + 2 * slot, 0);
        }
    }
    mem.set_word(1, version as u32 | (max as u32) << 16);
    if version == 1 {
        mem.set_word(7, 0);
    }
    fix_check(&mut mem);
    let region = mem.region(BUS);
    (mem, region)
}

#[test]
fn readers_refuse_version_1_2_and_3_tables_the_writer_upgrades_them() {
    for version in MIN_VERSION..VERSION {
        let (mem, region) = legacy(version, 4, 2);
        // A reader takes the current version only: a typed error, nothing written.
        let mut r = Reader::new();
        unchanged(&mem, Error::UnsupportedVersion, || {
            r.attach(region, PoolKind::Hp)
        });
        // The main core re-opens it (a retained pool of an older firmware),
        // keeping its entries, and upgrades it in place.
        let old_generation = mem.word(7);
        let w = Writer::new();
        assert_eq!(w.attach(region, PoolKind::Hp), Ok(2), "version {version}");
        assert_eq!(mem.word(1), VERSION as u32 | 4 << 16);
        // A new generation, as a format writes: an attach that overlapped
        // the upgrade sees it change.
        assert_ne!(mem.word(7), 0, "a generation");
        assert_ne!(mem.word(7), old_generation, "a new generation");
        for slot in 2..4 {
            assert_eq!(mem.word(8 + 2 * slot), EMPTY_SLOT);
            assert_eq!(mem.word(9 + 2 * slot), EMPTY_SLOT);
        }
        // Each bus address became an offset into the data area (64 bytes
        // in), in 4-byte units.
        assert_eq!([mem.word(9), mem.word(11)], [0, 1], "version {version}");
        assert_eq!(r.attach(region, PoolKind::Hp), Ok(2));
        for i in 0..2u16 {
            let v = r.get_as::<u32>(id(i + 1), PoolKind::Hp).unwrap();
            assert_eq!(v.read(), 0xbeef_0000 | i as u32);
        }
        assert_eq!(r.get(id(3), PoolKind::Hp), Err(Error::NotFound));
        // and allocates on after the kept blocks.
        let b = w.alloc(id(3), 4, PoolKind::Hp).unwrap();
        assert_eq!(r.get(id(3), PoolKind::Hp), Ok(b));
    }
}

#[test]
fn legacy_tables_the_writer_cannot_upgrade_are_left_alone() {
    // Odd capacity in version 1 or 2: version 4 would put the data area one
    // slot later (version 3 rounded up as version 4 does).
    for version in [1, 2] {
        let (mem, region) = legacy(version, 3, 1);
        unchanged(&mem, Error::UnsupportedVersion, || {
            Writer::new().attach(region, PoolKind::Hp)
        });
    }
    let (_mem, region) = legacy(3, 3, 1);
    assert_eq!(Writer::new().attach(region, PoolKind::Hp), Ok(1));
    // A block further into the data area than an offset reaches: the last
    // entry's, past the first MAX_BLOCK_OFFSET bytes.
    let size = 64 + MAX_BLOCK_OFFSET as usize + 64;
    let (mut mem, region) = legacy_in(size, 3, 4, 2);
    let far = BUS + 64 + MAX_BLOCK_OFFSET + 4;
    mem.set_word(11, far);
    unchanged(&mem, Error::UnsupportedVersion, || {
        Writer::new().attach(region, PoolKind::Hp)
    });
    let listing = Listing::open(region, PoolKind::Hp).unwrap();
    assert_eq!(listing.check(), Err(Error::UnsupportedVersion));
    assert_eq!(
        listing.entry(1).map(|e| (e.addr, e.fault)),
        Some((far, None))
    );
    // At the limit itself, it upgrades.
    mem.set_word(11, far - 4);
    assert_eq!(Listing::open(region, PoolKind::Hp).unwrap().check(), Ok(()));
    assert_eq!(Writer::new().attach(region, PoolKind::Hp), Ok(2));
    assert_eq!(mem.word(11), MAX_BLOCK_OFFSET / 4);
    // Version 1 with a generation: corrupt. Version 2 without one: a
    // format under way, not ready.
    let (mut mem, region) = legacy(MIN_VERSION, 4, 1);
    mem.set_word(7, 5);
    fix_check(&mut mem);
    unchanged(&mem, Error::Corrupt, || {
        Writer::new().attach(region, PoolKind::Hp)
    });
    let (mut mem, region) = legacy(2, 4, 1);
    mem.set_word(7, 0);
    fix_check(&mut mem);
    unchanged(&mem, Error::NotReady, || {
        Writer::new().attach(region, PoolKind::Hp)
    });
}

#[test]
fn an_unpublished_slot_that_is_not_empty_is_corrupt() {
    let (mut mem, w) = pool(256, 4, PoolKind::Hp);
    w.alloc(id(1), 8, PoolKind::Hp).unwrap();
    let region = mem.region(BUS);
    assert_eq!(Writer::new().attach(region, PoolKind::Hp), Ok(1));
    for (word, slot) in [(10, 1), (11, 1), (15, 3)] {
        let before = mem.word(word);
        mem.set_word(word, 0);
        unchanged(&mem, Error::Corrupt, || {
            Writer::new().attach(region, PoolKind::Hp)
        });
        // The inspector says so too, naming the slot.
        let listing = Listing::open(region, PoolKind::Hp).unwrap();
        assert_eq!(listing.stray_slot(), Some(slot));
        assert_eq!(listing.check(), Err(Error::Corrupt));
        mem.set_word(word, before);
    }
    let listing = Listing::open(region, PoolKind::Hp).unwrap();
    assert_eq!((listing.stray_slot(), listing.check()), (None, Ok(())));
    assert_eq!(Writer::new().attach(region, PoolKind::Hp), Ok(1));
}

/// A table with one published entry whose words are then replaced.
fn bad_entry(id_size: u32, addr: u32) -> (Mem, Region) {
    let (mut mem, w) = pool(256, 4, PoolKind::Hp);
    w.alloc(id(1), 8, PoolKind::Hp).unwrap();
    mem.set_word(8, id_size);
    mem.set_word(9, addr);
    let region = mem.region(BUS);
    (mem, region)
}

#[test]
fn get_checks_every_entry_lies_in_the_data_area() {
    // The data area starts 64 bytes in and is 192 bytes long: 48 units.
    // (entry word 0, offset word, what the reader's get gives). Every case is
    // refused by the writer's attach (which also checks order and
    // duplicates); the reader's get checks what docs/format.md says: the
    // block is non-empty and inside the data area (an offset in 4-byte
    // units is aligned, and cannot point into the header or the table).
    let corrupt = Err(Error::Corrupt);
    let cases: [(u32, u32, Result<(), Error>); 8] = [
        (1 | 8 << 16, 47, corrupt),                  // runs past the end
        (1 | 8 << 16, 48, corrupt),                  // starts at the end
        (1 | 8 << 16, 0xffff, corrupt),              // as far as an offset goes
        (1 | 0xffff << 16, 0, corrupt),              // far too big
        (1, 0, corrupt),                             // size 0
        (1, 48, corrupt),                            // size 0, one past the pool
        (1 | 8 << 16, 1 << 16, Ok(())),              // reserved half set: not read
        (0xffff | 8 << 16, 0, Err(Error::NotFound)), // id 0xffff: never looked up
    ];
    for (w0, place, want) in cases {
        let (mem, region) = bad_entry(w0, place);
        let mut r = Reader::new();
        r.attach(region, PoolKind::Hp).unwrap();
        let before = mem.bytes().to_vec();
        let got = r.get(
            Id::from_raw(w0 as u16).unwrap_or(Id::new(1).unwrap()),
            PoolKind::Hp,
        );
        assert_eq!(got.map(|_| ()), want, "entry {w0:#x} at {place:#x}");
        if let Ok(b) = got {
            assert_eq!(b.as_ptr() as usize, mem.bytes().as_ptr() as usize + 64);
            assert_eq!(b.bus_addr(), BUS + 64);
        }
        assert!(mem.bytes() == &before[..]);
        unchanged(&mem, Error::Corrupt, || {
            Writer::new().attach(region, PoolKind::Hp)
        });
    }
}

/// An older table's entries hold bus addresses: the upgrade checks them as
/// that version's readers did (non-empty, 4-byte aligned, inside the data
/// area), and refuses the table, unchanged, otherwise.
#[test]
fn legacy_entries_are_checked_as_addresses_before_the_upgrade() {
    let data = BUS + 32 + 4 * 8;
    let cases = [
        (1 | 8 << 16, BUS + 8),       // inside the header
        (1 | 8 << 16, data - 4),      // overlaps the table
        (1 | 8 << 16, BUS + 256 - 4), // runs past the end
        (1 | 8 << 16, BUS + 256),     // starts at the end
        (1 | 8 << 16, 0x1000),        // another address entirely
        (1 | 0xffff << 16, data),     // far too big
        (1 | 8 << 16, data + 2),      // misaligned
        (1, data),                    // size 0
    ];
    for version in MIN_VERSION..VERSION {
        let (mut mem, region) = legacy(version, 4, 1);
        assert_eq!(Listing::open(region, PoolKind::Hp).unwrap().check(), Ok(()));
        for (w0, addr) in cases {
            mem.set_word(8, w0);
            mem.set_word(9, addr);
            let listing = Listing::open(region, PoolKind::Hp).unwrap();
            assert_eq!(listing.check(), Err(Error::Corrupt), "{addr:#x}");
            unchanged(&mem, Error::Corrupt, || {
                Writer::new().attach(region, PoolKind::Hp)
            });
        }
    }
}

/// A block is refused, with nothing written, when it would start further
/// into the data area than an entry's offset reaches; up to there, blocks
/// are placed and found as anywhere else.
#[test]
fn alloc_stops_where_an_offset_stops() {
    // Capacity 8: the data area starts 96 bytes in, and has room past the
    // offset limit.
    let size = 96 + MAX_BLOCK_OFFSET as usize + 0x100;
    let (mut mem, w) = pool(size, 8, PoolKind::Hp);
    for i in 1..=4 {
        w.alloc(id(i), 0xfffc, PoolKind::Hp).unwrap();
    }
    // 4 * 0xfffc = MAX_BLOCK_OFFSET - 12 bytes used: a block there, and one
    // at the limit itself.
    let near = w.alloc(id(5), 12, PoolKind::Hp).unwrap();
    let last = w.alloc(id(6), 4, PoolKind::Hp).unwrap();
    assert_eq!(last.bus_addr(), BUS + 96 + MAX_BLOCK_OFFSET);
    assert_eq!(mem.word(9 + 2 * 5), MAX_BLOCK_OFFSET / 4);
    unchanged(&mem, Error::PoolFull, || w.alloc(id(7), 4, PoolKind::Hp));
    let mut r = Reader::new();
    r.attach(mem.region(BUS), PoolKind::Hp).unwrap();
    assert_eq!(r.get(id(5), PoolKind::Hp), Ok(near));
    assert_eq!(r.get(id(6), PoolKind::Hp), Ok(last));
    assert_eq!(Writer::new().attach(mem.region(BUS), PoolKind::Hp), Ok(6));
}

#[test]
fn count_beyond_capacity_is_corrupt() {
    let (mut mem, _w) = pool(256, 4, PoolKind::Hp);
    mem.set_word(6, 5);
    let region = mem.region(BUS);
    let mut r = Reader::new();
    assert_eq!(r.attach(region, PoolKind::Hp), Err(Error::Corrupt));
}

#[test]
fn writer_attach_rejects_duplicates_and_overlaps_and_keeps_state() {
    let (mut mem, w) = pool(256, 4, PoolKind::Hp);
    let a = w.alloc(id(1), 8, PoolKind::Hp).unwrap();
    w.alloc(id(2), 8, PoolKind::Hp).unwrap();
    // Second entry given the first one's id.
    mem.set_word(10, 1 | 8 << 16);
    let region = mem.region(BUS);
    let w2 = Writer::new();
    unchanged(&mem, Error::Corrupt, || w2.attach(region, PoolKind::Hp));
    // Second entry overlapping the first block.
    mem.set_word(10, 2 | 8 << 16);
    assert_eq!(a.bus_addr(), BUS + 64, "test setup: the first block");
    mem.set_word(11, 1);
    unchanged(&mem, Error::Corrupt, || w2.attach(region, PoolKind::Hp));
    assert_eq!(
        w2.count(PoolKind::Hp),
        Err(Error::PoolAbsent),
        "a failed attach sets nothing up"
    );
}

#[test]
fn typed_views_check_size_and_alignment() {
    let (_mem, w) = pool(512, 8, PoolKind::Hp);
    w.alloc(id(1), 4, PoolKind::Hp).unwrap();
    let odd = w.alloc(id(2), 8, PoolKind::Hp).unwrap();
    assert_eq!(
        odd.bus_addr() % 8,
        4,
        "test setup: a block 4- but not 8-aligned"
    );
    let mut r = Reader::new();
    r.attach(odd_region(&w), PoolKind::Hp).unwrap();
    assert_eq!(r.get_as::<u64>(id(2), PoolKind::Hp), Err(Error::Misaligned));
    assert_eq!(
        r.get_as::<[u32; 3]>(id(2), PoolKind::Hp),
        Err(Error::SizeMismatch)
    );
    assert_eq!(
        r.get_as::<[u32; 2]>(id(2), PoolKind::Hp).unwrap().read(),
        [0, 0]
    );
    assert_eq!(r.get_as::<u32>(id(3), PoolKind::Hp), Err(Error::NotFound));
    let aligned = w.alloc_aligned(id(3), 8, 64, PoolKind::Hp).unwrap();
    assert_eq!(aligned.bus_addr() % 64, 0);
    // Both bases are 16-aligned, so the local pointer shares the bus
    // address's alignment up to 16 (all of it when local == bus, as on chip).
    assert_eq!(aligned.as_ptr() as usize % 16, 0);
    let v = w
        .alloc_with(id(4), PoolKind::Hp, &0x1122_3344_5566_7788u64)
        .unwrap();
    assert_eq!(v.block().bus_addr() % 8, 0);
    assert_eq!(
        r.get_as::<u64>(id(4), PoolKind::Hp).unwrap().read(),
        0x1122_3344_5566_7788
    );
    assert_eq!(
        w.get_as::<u64>(id(4), PoolKind::Hp).unwrap().read(),
        0x1122_3344_5566_7788
    );
    assert_eq!(w.get_as::<u64>(id(2), PoolKind::Hp), Err(Error::Misaligned));
    assert_eq!(
        w.get_as::<u32>(id(4), PoolKind::Hp),
        Err(Error::SizeMismatch)
    );
}

/// The writer's HP region (through a lookup), to attach a reader to it.
fn odd_region(w: &Writer) -> Region {
    let b = w.get(id(1), PoolKind::Hp).unwrap();
    let base = b.bus_addr() - (32 + 8 * 8);
    // SAFETY: the pool's memory is still owned by the calling test.
    unsafe { Region::new(b.as_ptr().sub((b.bus_addr() - base) as usize), base, 512) }.unwrap()
}

#[test]
fn block_access_is_bounds_checked() {
    let (_mem, w) = pool(256, 4, PoolKind::Rtc);
    let b = w.alloc(id(1), 6, PoolKind::Rtc).unwrap();
    b.write(0, b"sysinf").unwrap();
    assert_eq!(b.write(1, b"sysinf"), Err(Error::SizeMismatch));
    assert_eq!(b.write(usize::MAX, b"x"), Err(Error::SizeMismatch));
    let mut buf = [0u8; 6];
    b.read(0, &mut buf).unwrap();
    assert_eq!(&buf, b"sysinf");
    assert_eq!(b.read(2, &mut buf), Err(Error::SizeMismatch));
}

#[test]
fn atomics_only_in_pools_that_have_them() {
    let (_m1, rtc) = pool(256, 4, PoolKind::Rtc);
    let b = rtc.alloc(id(1), 8, PoolKind::Rtc).unwrap();
    assert_eq!(b.atomic_words().unwrap_err(), Error::NoAtomics);
    let (_m2, hp) = pool(256, 4, PoolKind::Hp);
    let b = hp.alloc(id(1), 8, PoolKind::Hp).unwrap();
    let words = b.atomic_words().unwrap();
    assert_eq!(words.len(), 2);
    words[1].store(7, std::sync::atomic::Ordering::Release);
    let mut buf = [0u8; 4];
    b.read(4, &mut buf).unwrap();
    assert_eq!(u32::from_le_bytes(buf), 7);
}

#[test]
fn blocks_are_zero_filled_over_old_contents() {
    let (_mem, w) = pool(256, 4, PoolKind::Hp); // the pool was filled with 0xa5
    let b = w.alloc(id(1), 40, PoolKind::Hp).unwrap();
    let mut buf = [0xffu8; 40];
    b.read(0, &mut buf).unwrap();
    assert_eq!(buf, [0; 40]);
}

#[test]
fn dump_prints_real_addresses() {
    let (mut mem, w) = pool(256, 4, PoolKind::Hp);
    let b = w.alloc(id(0x42), 12, PoolKind::Hp).unwrap();
    let mut out = String::new();
    w.dump(&mut out).unwrap();
    assert!(
        out.contains("HP pool @ 0x40800000, 256 bytes: 1/4 entries"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "id 0x0042  size    12  addr {:#010x}",
            b.bus_addr()
        )),
        "{out}"
    );
    // The sub core prints the same table.
    let mut r = Reader::new();
    r.attach(mem.region(BUS), PoolKind::Hp).unwrap();
    let mut sub = String::new();
    r.dump(&mut sub).unwrap();
    assert_eq!(sub, out);
}

/// The inspector agrees with `Writer::attach` on legacy tables: an odd
/// capacity cannot be upgraded, an even one can (found in review).
#[test]
fn inspector_agrees_with_writer_attach_on_legacy_tables() {
    for (max, want) in [(3u16, Err(Error::UnsupportedVersion)), (4, Ok(()))] {
        let (_mem, region) = legacy(2, max, 1);
        let inspector = Listing::open(region, PoolKind::Hp).unwrap().check();
        assert_eq!(inspector, want, "capacity {max}");
        let attach = Writer::new().attach(region, PoolKind::Hp).map(|_| ());
        assert_eq!(attach, want, "capacity {max}");
    }
}

/// A stray slot is found at the largest capacity too (0x10000 slots, which
/// a `u16` count of slots would wrap to 0; found in review).
#[test]
fn stray_slot_found_at_capacity_0xffff() {
    let size = 32 + 8 * 0x10000 + 64;
    let mut mem = Mem::new(size);
    let cfg = PoolConfig {
        max_entries: 0xffff,
        ..mem.config(PoolKind::Hp, BUS)
    };
    Writer::new().init(mem.region(BUS), &cfg).unwrap();
    let region = mem.region(BUS);
    assert_eq!(Writer::new().attach(region, PoolKind::Hp), Ok(0));
    assert_eq!(
        Listing::open(region, PoolKind::Hp).unwrap().stray_slot(),
        None
    );
    for slot in [0usize, 0xffff] {
        mem.set_word(8 + 2 * slot, 0x0004_0001);
        assert_eq!(
            Writer::new().attach(region, PoolKind::Hp),
            Err(Error::Corrupt)
        );
        let listing = Listing::open(region, PoolKind::Hp).unwrap();
        assert_eq!(listing.stray_slot(), Some(slot as u16));
        assert_eq!(listing.check(), Err(Error::Corrupt));
        mem.set_word(8 + 2 * slot, EMPTY_SLOT);
    }
}
