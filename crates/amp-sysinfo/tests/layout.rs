//! Wire format v4 pinned byte for byte (docs/format.md): a change here is a
//! format change and needs a new version number. (v2 = v1 with word 7, then
//! reserved, holding the table's generation; v3 = v2 with unpublished slots
//! holding 0xffff_ffff and the slots rounded up to an even number; v4 = v3
//! with each entry's bus address replaced by the block's offset from the
//! data area in 4-byte units, and a reserved half-word.)

mod common;

use amp_sysinfo::format::{
    DEFAULT_MAX_ENTRIES, ENTRY_SIZE, HEADER_SIZE, MAGIC, MIN_VERSION, VERSION,
};
use amp_sysinfo::{table_bytes, Id, PoolConfig, PoolKind, Writer};
use common::Mem;

#[test]
fn constants() {
    assert_eq!(MAGIC.to_le_bytes(), *b"SYSI");
    assert_eq!(
        (
            VERSION,
            MIN_VERSION,
            HEADER_SIZE,
            ENTRY_SIZE,
            DEFAULT_MAX_ENTRIES
        ),
        (4, 1, 32, 8, 16)
    );
    assert_eq!(amp_sysinfo::format::MAX_BLOCK_OFFSET, 0x3fffc);
    assert_eq!(table_bytes(16), 160);
    assert_eq!(table_bytes(15), 160, "an odd capacity takes one more slot");
    assert_eq!(amp_sysinfo::format::EMPTY_SLOT, 0xffff_ffff);
}

#[test]
fn formatted_rtc_pool_and_one_entry_byte_for_byte() {
    let mut mem = Mem::filled(256, 0xee);
    let cfg = PoolConfig {
        max_entries: 2,
        ..PoolConfig::new(PoolKind::Rtc, 0x5000_3c00, 256)
    };
    let w = Writer::new();
    w.init(mem.region(cfg.bus_base), &cfg).unwrap();
    w.alloc(Id::new(0x1234).unwrap(), 0x0a, PoolKind::Rtc)
        .unwrap();
    w.alloc(Id::new(0x0042).unwrap(), 4, PoolKind::Rtc).unwrap();
    let check = [MAGIC, 4 | 2 << 16, 1 | 2 << 8, 256, 0x5000_3c00]
        .iter()
        .fold(0x5a5a_c3c3u32, |a, w| a ^ w);
    let mut want = Vec::new();
    want.extend_from_slice(b"SYSI");
    want.extend_from_slice(&[4, 0, 2, 0]); // version 4, max_entries 2
    want.extend_from_slice(&[1, 2, 0, 0]); // kind RTC, flags RETAINED, reserved
    want.extend_from_slice(&256u32.to_le_bytes());
    want.extend_from_slice(&0x5000_3c00u32.to_le_bytes());
    want.extend_from_slice(&check.to_le_bytes());
    want.extend_from_slice(&2u32.to_le_bytes()); // count
                                                 // generation: what word 7 held, plus one, bit 31 (a format under way) clear
    want.extend_from_slice(&0x6eee_eeefu32.to_le_bytes());
    want.extend_from_slice(&[0x34, 0x12, 0x0a, 0x00]); // id, size
    want.extend_from_slice(&[0, 0, 0, 0]); // offset 0 (right after the table), reserved
    want.extend_from_slice(&[0x42, 0x00, 0x04, 0x00]); // id, size
    want.extend_from_slice(&[3, 0, 0, 0]); // offset 3 units: 12 bytes on, reserved
    want.extend_from_slice(&[0; 10]); // the first block, zero-filled
    want.extend_from_slice(&[0xee; 2]); // padding to 4 bytes, untouched
    want.extend_from_slice(&[0; 4]); // the second block
    assert_eq!(&mem.bytes()[..want.len()], &want[..]);
    assert!(
        mem.bytes()[want.len()..].iter().all(|&b| b == 0xee),
        "bytes past the block untouched"
    );
}

#[test]
fn hp_pool_header_flags() {
    let mut mem = Mem::new(256);
    let cfg = mem.config(PoolKind::Hp, 0x4080_0000);
    Writer::new().init(mem.region(cfg.bus_base), &cfg).unwrap();
    assert_eq!(&mem.bytes()[8..12], &[0, 1, 0, 0]); // kind HP, flags ATOMICS
    assert_eq!(mem.word(1), 4 | 16 << 16);
}

#[test]
fn every_format_writes_a_new_non_zero_generation() {
    let mut mem = Mem::new(256);
    let cfg = mem.config(PoolKind::Hp, 0x4080_0000);
    let w = Writer::new();
    w.init(mem.region(cfg.bus_base), &cfg).unwrap();
    assert_eq!(mem.word(7), 1, "zeroed memory: generation 1");
    w.init(mem.region(cfg.bus_base), &cfg).unwrap();
    assert_eq!(mem.word(7), 2);
    mem.set_word(7, u32::MAX);
    w.init(mem.region(cfg.bus_base), &cfg).unwrap();
    assert_eq!(mem.word(7), 1, "0 is skipped");
    // Re-attaching (the RTC pool after deep sleep) keeps the generation.
    assert_eq!(
        Writer::new().attach(mem.region(cfg.bus_base), PoolKind::Hp),
        Ok(0)
    );
    assert_eq!(mem.word(7), 1);
}
