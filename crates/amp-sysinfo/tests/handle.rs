//! Cached handles: found once, then one compare of the table's generation
//! word; stale (a typed error, never a block of the old table) once the
//! main core formats the pool again, even with the same layout.

mod common;

use amp_sysinfo::format::{FORMATTING, MIN_VERSION};
use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Reader, Writer};
use common::{fix_check, offsets_to_addresses, Mem};

const BUS: u32 = 0x4080_0000;

fn id(raw: u16) -> Id {
    Id::new(raw).unwrap()
}

fn setup(mem: &mut Mem) -> (Writer, PoolConfig) {
    let cfg = mem.config(PoolKind::Hp, BUS);
    let w = Writer::new();
    w.init(mem.region(BUS), &cfg).unwrap();
    for raw in 1..=3 {
        w.alloc(id(raw), 8, PoolKind::Hp).unwrap();
    }
    (w, cfg)
}

#[test]
fn handle_gives_the_block_get_gives() {
    let mut mem = Mem::new(512);
    setup(&mut mem);
    let mut r = Reader::new();
    r.attach(mem.region(BUS), PoolKind::Hp).unwrap();
    for raw in 1..=3 {
        let h = r.handle(id(raw), PoolKind::Hp).unwrap();
        assert_eq!(h.get(), r.get(id(raw), PoolKind::Hp));
        assert_eq!((h.id(), h.kind()), (id(raw), PoolKind::Hp));
        assert_eq!(h.get_as::<[u32; 2]>().unwrap().read(), [0, 0]);
        assert_eq!(h.get_as::<u32>().err(), Some(Error::SizeMismatch));
    }
    assert_eq!(r.handle(id(9), PoolKind::Hp).err(), Some(Error::NotFound));
    assert_eq!(
        r.handle(id(1), PoolKind::Rtc).err(),
        Some(Error::PoolAbsent)
    );
}

#[test]
fn a_new_format_makes_every_handle_stale_even_with_the_same_layout() {
    let mut mem = Mem::new(512);
    let (w, cfg) = setup(&mut mem);
    let mut r = Reader::new();
    r.attach(mem.region(BUS), PoolKind::Hp).unwrap();
    let h = r.handle(id(2), PoolKind::Hp).unwrap();
    // The main core reboots and publishes the same blocks at the same places.
    w.init(mem.region(BUS), &cfg).unwrap();
    for raw in 1..=3 {
        w.alloc(id(raw), 8, PoolKind::Hp).unwrap();
    }
    assert_eq!(h.get(), Err(Error::Stale));
    assert_eq!(h.get_as::<[u32; 2]>().err(), Some(Error::Stale));
    // The reader still holds the old attachment: no handle from it either.
    assert_eq!(r.handle(id(2), PoolKind::Hp).err(), Some(Error::Stale));
    r.attach(mem.region(BUS), PoolKind::Hp).unwrap();
    assert!(r.handle(id(2), PoolKind::Hp).unwrap().get().is_ok());
}

#[test]
fn a_format_under_way_is_stale_already() {
    let mut mem = Mem::new(512);
    setup(&mut mem);
    let mut r = Reader::new();
    r.attach(mem.region(BUS), PoolKind::Hp).unwrap();
    let h = r.handle(id(1), PoolKind::Hp).unwrap();
    // What the first store of a format leaves: the next generation, marked.
    let g = mem.word(7);
    mem.set_word(7, (g + 1) | FORMATTING);
    assert_eq!(h.get(), Err(Error::Stale));
    // An attach then is not ready (retry), whatever else the header holds.
    let mut other = Reader::new();
    assert_eq!(
        other.attach(mem.region(BUS), PoolKind::Hp),
        Err(Error::NotReady)
    );
    mem.set_word(7, g);
    assert!(h.get().is_ok());
}

/// A format cut short (a reset right after its first store) must not make
/// the next format reuse the generation of the table before it: handles of
/// that table would then pass against the new one.
#[test]
fn a_format_cut_short_does_not_bring_back_an_old_generation() {
    let mut mem = Mem::new(512);
    let (w, cfg) = setup(&mut mem);
    let mut r = Reader::new();
    r.attach(mem.region(BUS), PoolKind::Hp).unwrap();
    let h = r.handle(id(1), PoolKind::Hp).unwrap();
    let old = mem.word(7);
    // The cut-short format's first store, then a reset: magic and all else
    // as they were.
    mem.set_word(7, (old + 1) | FORMATTING);
    w.init(mem.region(BUS), &cfg).unwrap();
    w.alloc(id(1), 8, PoolKind::Hp).unwrap();
    let new = mem.word(7);
    assert!(
        new != old && new & FORMATTING == 0 && new != 0,
        "{old:#x} -> {new:#x}"
    );
    assert_eq!(h.get(), Err(Error::Stale));
    // The generation counts on past the cut-short one, and wraps below bit 31.
    assert_eq!(new, old + 2);
    mem.set_word(7, FORMATTING - 1);
    w.init(mem.region(BUS), &cfg).unwrap();
    assert_eq!(mem.word(7), 1);
}

#[test]
fn a_version_1_table_upgraded_by_the_main_core_gives_handles() {
    let mut mem = Mem::new(512);
    setup(&mut mem);
    offsets_to_addresses(&mut mem, BUS, 3);
    mem.set_word(1, MIN_VERSION as u32 | (mem.word(1) & 0xffff_0000));
    mem.set_word(7, 0);
    fix_check(&mut mem);
    let mut r = Reader::new();
    // No generation to check: readers refuse it until the main core
    // re-attaches, which upgrades it with a new generation.
    assert_eq!(
        r.attach(mem.region(BUS), PoolKind::Hp),
        Err(Error::UnsupportedVersion)
    );
    assert_eq!(Writer::new().attach(mem.region(BUS), PoolKind::Hp), Ok(3));
    assert_ne!(mem.word(7), 0);
    assert_eq!(r.attach(mem.region(BUS), PoolKind::Hp), Ok(3));
    let h = r.handle(id(3), PoolKind::Hp).unwrap();
    assert!(h.get().is_ok());
    mem.set_word(7, mem.word(7) ^ 1);
    assert_eq!(h.get(), Err(Error::Stale));
}
