//! Wire format v3's lookup: every slot of the table is compared, two per
//! loop, so every position (first or second of a pair, the last slot, the
//! padding slot of an odd capacity) and every fill level must give the
//! right block or `NotFound`, never a block of an empty slot.

mod common;

use amp_sysinfo::format::EMPTY_SLOT;
use amp_sysinfo::{table_bytes, Error, Id, PoolConfig, PoolKind, Reader, Writer};
use common::Mem;

const BUS: u32 = 0x4080_0000;

fn id(raw: u16) -> Id {
    Id::new(raw).unwrap()
}

#[test]
fn every_position_at_every_fill_level_of_odd_and_even_capacities() {
    for max in 1..=9u16 {
        let mut mem = Mem::new(512);
        let cfg = PoolConfig {
            max_entries: max,
            ..mem.config(PoolKind::Hp, BUS)
        };
        let region = mem.region(BUS);
        let w = Writer::new();
        w.init(region, &cfg).unwrap();
        // Every slot empty after a format, the odd capacity's extra one too.
        let slots = (table_bytes(max) - 32) / 8;
        assert_eq!(slots, max as usize + max as usize % 2);
        for word in 8..8 + 2 * slots {
            assert_eq!(mem.word(word), EMPTY_SLOT, "max {max} word {word}");
        }
        let mut r = Reader::new();
        r.attach(region, PoolKind::Hp).unwrap();
        for n in 0..=max {
            if n > 0 {
                w.alloc(id(100 + n), 4 * n, PoolKind::Hp).unwrap();
            }
            for k in 1..=max {
                let got = r.get(id(100 + k), PoolKind::Hp);
                if k <= n {
                    let b = got.unwrap();
                    assert_eq!(b.size(), 4 * k, "max {max} n {n} k {k}");
                    assert_eq!(Ok(b), w.get(id(100 + k), PoolKind::Hp));
                } else {
                    assert_eq!(got, Err(Error::NotFound), "max {max} n {n} k {k}");
                }
            }
            // Ids no entry has, 0 and the largest user id included.
            for other in [0, 1, 99, 0xfeff] {
                assert_eq!(r.get(id(other), PoolKind::Hp), Err(Error::NotFound));
            }
            assert_eq!(r.count(PoolKind::Hp), Ok(n));
            assert_eq!(r.capacity(PoolKind::Hp), Ok(max));
            assert_eq!(r.capacity(PoolKind::Rtc), Err(Error::PoolAbsent));
        }
        // The padding slot stays empty when the table is full.
        if max % 2 == 1 {
            let pad = 8 + 2 * max as usize;
            assert_eq!((mem.word(pad), mem.word(pad + 1)), (EMPTY_SLOT, EMPTY_SLOT));
        }
    }
}

/// Reserved ids are entries like any other, 0xfffe (the largest) included:
/// only 0xffff marks an empty slot.
#[test]
fn reserved_ids_up_to_0xfffe_are_found() {
    let mut mem = Mem::new(512);
    let cfg = mem.config(PoolKind::Rtc, BUS);
    let region = mem.region(BUS);
    let w = Writer::new();
    w.init(region, &cfg).unwrap();
    let ids = [Id::PM, Id::from_raw(0xfffe).unwrap()];
    for i in ids {
        w.alloc(i, 8, PoolKind::Rtc).unwrap();
    }
    let mut r = Reader::new();
    r.attach(region, PoolKind::Rtc).unwrap();
    for i in ids {
        assert_eq!(r.get(i, PoolKind::Rtc), w.get(i, PoolKind::Rtc));
        assert!(r.get(i, PoolKind::Rtc).is_ok());
    }
    assert_eq!(
        r.get(Id::SW_INTR, PoolKind::Rtc),
        Err(Error::NotFound),
        "an empty slot never matches"
    );
}
