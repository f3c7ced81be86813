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

/// Entry `i`'s two words.
fn set_entry(mem: &mut Mem, i: usize, id: u16, size: u16, addr: u32) {
    mem.set_word(8 + 2 * i, id as u32 | (size as u32) << 16);
    mem.set_word(9 + 2 * i, addr);
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
    let data = BUS + 96;
    let cases: [(usize, u16, u16, u32, EntryFault); 7] = [
        (1, 0xffff, 16, data + 8, EntryFault::InvalidId),
        (1, 2, 0, data + 8, EntryFault::Empty),
        (1, 2, 16, data + 10, EntryFault::Misaligned),
        (1, 2, 16, BUS + 512 - 8, EntryFault::OutOfBounds),
        (1, 2, 16, BUS, EntryFault::OutOfBounds), // inside the table, not the data area
        (1, 1, 16, data + 8, EntryFault::Duplicate { index: 0 }),
        (1, 2, 16, data + 4, EntryFault::Overlaps { index: 0 }),
    ];
    for (i, id, size, addr, fault) in cases {
        let mut mem = written();
        set_entry(&mut mem, i, id, size, addr);
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
    set_entry(&mut mem, 1, 2, 8, BUS + 96 + 40);
    set_entry(&mut mem, 2, 3, 4, BUS + 96 + 32);
    assert_eq!(
        faults(&mut mem),
        [None, None, Some(EntryFault::OutOfOrder { index: 1 })]
    );
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
        entries in proptest::collection::vec((0u16..6, 0u16..40, 0u32..600), 0..8),
        ids_raw in any::<bool>(),
    ) {
        let mut mem = Mem::new(512);
        let cfg = PoolConfig { max_entries: 8, ..mem.config(PoolKind::Hp, BUS) };
        Writer::new().init(mem.region(BUS), &cfg).unwrap();
        for (i, (id, size, off)) in entries.iter().enumerate() {
            let id = if ids_raw && *id == 5 { 0xffff } else { *id };
            set_entry(&mut mem, i, id, *size, BUS.wrapping_add(*off));
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
                let dup_or_bounds = matches!(e.fault, Some(EntryFault::Duplicate { .. } | EntryFault::Empty | EntryFault::Misaligned | EntryFault::OutOfBounds));
                prop_assert!(dup_or_bounds, "{:?}", e);
                continue;
            }
            let got = reader.get(id, PoolKind::Hp);
            match e.fault {
                None => prop_assert_eq!(got.unwrap().bus_addr(), e.addr),
                Some(EntryFault::Overlaps { .. } | EntryFault::OutOfOrder { .. }) => prop_assert!(got.is_ok()),
                Some(_) => prop_assert_eq!(got.unwrap_err(), Error::Corrupt),
            }
        }
    }
}
