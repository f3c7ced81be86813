//! `amp_sysinfo::inspect`: the per-entry verdicts on tables the writer made
//! and then corrupted, and its agreement with `Writer::attach` and
//! `Reader::get` on arbitrary tables.

mod common;

use amp_sysinfo::inspect::{EntryFault, Listing, StoredHeader};
use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Reader, Writer};
use common::Mem;
use proptest::prelude::*;

const BUS: u32 = 0x4087_c610;

/// A 512-byte HP pool with 8 entries and blocks of 8, 16 and 4 bytes.
fn written() -> Mem {
    let mut mem = Mem::new(512);
    let cfg = PoolConfig {
        max_entries: 8,
        ..mem.config(PoolKind::Hp, BUS)
    };
    let w = Writer::new();
    w.init(mem.region(BUS), &cfg).unwrap();
    w.alloc(Id::new(1).unwrap(), 8, PoolKind::Hp).unwrap();
    w.alloc(Id::new(2).unwrap(), 16, PoolKind::Hp).unwrap();
    w.alloc(Id::SYSTEM, 4, PoolKind::Hp).unwrap();
    mem
}

/// Entry `i`'s two words: `place` is the offset word (version 4: 4-byte
/// units from the data area, and the reserved half above them).
fn set_entry(mem: &mut Mem, i: usize, id: u16, size: u16, place: u32) {
    mem.set_word(8 + 2 * i, id as u32 | (size as u32) << 16);
    mem.set_word(9 + 2 * i, place);
}

fn faults(mem: &mut Mem) -> Vec<Option<EntryFault>> {
    let l = Listing::open(mem.region(BUS), PoolKind::Hp).unwrap();
    l.entries().map(|e| e.fault).collect()
}

#[test]
fn a_written_table_lists_clean() {
    let mut mem = written();
    let l = Listing::open(mem.region(BUS), PoolKind::Hp).unwrap();
    let data = 32 + 8 * 8;
    let got: Vec<_> = l
        .entries()
        .map(|e| (e.index, e.id, e.size, e.offset, e.fault))
        .collect();
    assert_eq!(
        got,
        [
            (0, 1, 8, Some(data), None),
            (1, 2, 16, Some(data + 8), None),
            (2, 0xff04, 4, Some(data + 24), None)
        ]
    );
    assert_eq!(
        (l.count(), l.max_entries(), l.data_offset(), l.used_bytes()),
        (3, 8, data, data + 28)
    );
    assert_eq!(l.check(), Ok(()));
    let h = StoredHeader::read(&mem.region(BUS)).unwrap();
    assert!(h.check_ok);
    assert_eq!(
        h.config(),
        Some(PoolConfig {
            kind: PoolKind::Hp,
            bus_base: BUS,
            size: 512,
            max_entries: 8
        })
    );
}

#[test]
fn each_fault_is_named_with_the_crate_error() {
    // Offsets in 4-byte units from the data area (96 bytes in, 416 long).
    let cases: [(usize, u16, u16, u32, EntryFault); 8] = [
        (1, 0xffff, 16, 2, EntryFault::InvalidId),
        (1, 2, 0, 2, EntryFault::Empty),
        (1, 2, 16, 2 | 1 << 16, EntryFault::Reserved),
        (1, 2, 16, (416 - 8) / 4, EntryFault::OutOfBounds),
        (1, 2, 16, 0xffff, EntryFault::OutOfBounds),
        (1, 1, 16, 2, EntryFault::Duplicate { index: 0 }),
        (1, 2, 16, 1, EntryFault::Overlaps { index: 0 }),
        (1, 2, 16, 1 | 1 << 31, EntryFault::Reserved),
    ];
    for (i, id, size, place, fault) in cases {
        let mut mem = written();
        set_entry(&mut mem, i, id, size, place);
        assert_eq!(faults(&mut mem)[i], Some(fault), "{fault:?}");
        let l = Listing::open(mem.region(BUS), PoolKind::Hp).unwrap();
        assert_eq!(l.check(), Err(fault.error()));
        assert_eq!(
            Writer::new().attach(mem.region(BUS), PoolKind::Hp),
            Err(Error::Corrupt),
            "{fault:?}"
        );
    }
    assert_eq!(
        EntryFault::Duplicate { index: 0 }.error(),
        Error::DuplicateId
    );
    // Blocks swapped: neither overlaps, the second is out of allocation order.
    let mut mem = written();
    set_entry(&mut mem, 1, 2, 8, 40 / 4);
    set_entry(&mut mem, 2, 3, 4, 32 / 4);
    assert_eq!(
        faults(&mut mem),
        [None, None, Some(EntryFault::OutOfOrder { index: 1 })]
    );
}

/// A version 3 table's entries hold bus addresses: listed as they are,
/// with the faults an address can have (misaligned, below the data area).
#[test]
fn a_version_3_table_lists_its_addresses() {
    let mut mem = written();
    common::offsets_to_addresses(&mut mem, BUS, 3);
    mem.set_word(1, 3 | 8 << 16);
    common::fix_check(&mut mem);
    let data = BUS + 96;
    let l = Listing::open(mem.region(BUS), PoolKind::Hp).unwrap();
    let got: Vec<_> = l.entries().map(|e| (e.stored, e.addr, e.fault)).collect();
    assert_eq!(
        got,
        [
            (data, data, None),
            (data + 8, data + 8, None),
            (data + 24, data + 24, None)
        ]
    );
    assert_eq!((l.version(), l.check()), (3, Ok(())));
    for (addr, fault) in [
        (data + 10, EntryFault::Misaligned),
        (BUS, EntryFault::OutOfBounds), // inside the table, not the data area
        (BUS + 512 - 8, EntryFault::OutOfBounds),
    ] {
        set_entry(&mut mem, 1, 2, 16, addr);
        assert_eq!(faults(&mut mem)[1], Some(fault), "{fault:?}");
        let l = Listing::open(mem.region(BUS), PoolKind::Hp).unwrap();
        assert_eq!(l.check(), Err(Error::Corrupt));
        assert_eq!(
            Writer::new().attach(mem.region(BUS), PoolKind::Hp),
            Err(Error::Corrupt)
        );
    }
}

#[test]
fn header_faults_are_the_readers_errors() {
    let mut mem = written();
    let mut reader = Reader::new();
    assert_eq!(
        Listing::open(mem.region(BUS + 16), PoolKind::Hp).unwrap_err(),
        Error::Corrupt
    );
    assert_eq!(
        reader.attach(mem.region(BUS + 16), PoolKind::Hp),
        Err(Error::Corrupt)
    );
    assert_eq!(
        Listing::open(mem.region(BUS), PoolKind::Rtc).unwrap_err(),
        Error::Corrupt
    );
    mem.set_word(0, 0x1234_5678);
    assert_eq!(
        Listing::open(mem.region(BUS), PoolKind::Hp).unwrap_err(),
        Error::NotReady
    );
    let h = StoredHeader::read(&mem.region(BUS)).unwrap();
    assert_eq!(
        (h.magic, h.check_ok, h.config()),
        (0x1234_5678, false, None)
    );
}

proptest! {
    /// On any bytes in the table, the listing accepts exactly what
    /// `Writer::attach` accepts, and each clean entry is what `Reader::get`
    /// hands out for its id.
    #[test]
    fn agrees_with_writer_attach_and_reader_get(
        entries in proptest::collection::vec(
            (0u16..6, 0u16..40, 0u32..140, proptest::bool::weighted(0.1)),
            0..8,
        ),
        ids_raw in any::<bool>(),
    ) {
        let mut mem = Mem::new(512);
        let cfg = PoolConfig { max_entries: 8, ..mem.config(PoolKind::Hp, BUS) };
        Writer::new().init(mem.region(BUS), &cfg).unwrap();
        for (i, (id, size, units, reserved)) in entries.iter().enumerate() {
            let id = if ids_raw && *id == 5 { 0xffff } else { *id };
            set_entry(&mut mem, i, id, *size, units | (*reserved as u32) << 16);
        }
        mem.set_word(6, entries.len() as u32);
        let l = Listing::open(mem.region(BUS), PoolKind::Hp).unwrap();
        let writer_ok = Writer::new().attach(mem.region(BUS), PoolKind::Hp).is_ok();
        prop_assert_eq!(l.check().is_ok(), writer_ok);
        let mut reader = Reader::new();
        reader.attach(mem.region(BUS), PoolKind::Hp).unwrap();
        let listed: Vec<_> = l.entries().collect();
        for e in &listed {
            let Ok(id) = Id::from_raw(e.id) else { continue };
            // `get` finds the first entry with an id.
            if listed[..e.index as usize].iter().any(|p| p.id == e.id) {
                let dup_or_bounds = matches!(e.fault, Some(EntryFault::Duplicate { .. } | EntryFault::Empty | EntryFault::Reserved | EntryFault::OutOfBounds));
                prop_assert!(dup_or_bounds, "{:?}", e);
                continue;
            }
            let got = reader.get(id, PoolKind::Hp);
            match e.fault {
                None => prop_assert_eq!(got.unwrap().bus_addr(), e.addr),
                // A lookup does not read the reserved half.
                Some(EntryFault::Overlaps { .. } | EntryFault::OutOfOrder { .. } | EntryFault::Reserved) => prop_assert!(got.is_ok()),
                Some(_) => prop_assert_eq!(got.unwrap_err(), Error::Corrupt),
            }
        }
    }
}
