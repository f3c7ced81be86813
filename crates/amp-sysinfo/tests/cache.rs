//! The cache hook (ESP32-P4) runs where publication needs it: the block and
//! the entry are written back before the count, and the reader invalidates
//! the table and the block before reading them.

mod common;

use std::sync::Mutex;

use amp_sysinfo::{CacheSync, Id, PoolKind, Reader, Writer};
use common::Mem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Clean(usize, usize),
    Invalidate(usize, usize),
}

#[derive(Default)]
struct Recorder(Mutex<Vec<Op>>);

impl CacheSync for &Recorder {
    fn clean(&self, addr: *const u8, len: usize) {
        self.0.lock().unwrap().push(Op::Clean(addr as usize, len));
    }
    fn invalidate(&self, addr: *const u8, len: usize) {
        self.0
            .lock()
            .unwrap()
            .push(Op::Invalidate(addr as usize, len));
    }
}

fn covers(op: &Op, addr: usize, len: usize) -> bool {
    let (Op::Clean(a, l) | Op::Invalidate(a, l)) = *op;
    a <= addr && addr + len <= a + l
}

#[test]
fn writer_writes_back_block_then_entry_then_count() {
    let mut mem = Mem::new(512);
    let base = mem.ptr() as usize;
    let cfg = mem.config(PoolKind::Hp, 0x4080_0000);
    let rec = Recorder::default();
    let w = Writer::with_cache(&rec);
    w.init(mem.region(cfg.bus_base), &cfg).unwrap();
    assert!(
        rec.0
            .lock()
            .unwrap()
            .iter()
            .any(|op| matches!(op, Op::Clean(..)) && covers(op, base, 32 + 16 * 8)),
        "format writes the table back"
    );
    rec.0.lock().unwrap().clear();

    let b = w.alloc(Id::new(3).unwrap(), 40, PoolKind::Hp).unwrap();
    let ops = rec.0.lock().unwrap().clone();
    let block = ops
        .iter()
        .position(|op| matches!(op, Op::Clean(..)) && covers(op, b.as_ptr() as usize, 40));
    let entry = ops
        .iter()
        .position(|op| matches!(op, Op::Clean(..)) && covers(op, base + 32, 8));
    let count = ops
        .iter()
        .position(|op| matches!(op, Op::Clean(..)) && covers(op, base + 24, 4));
    assert!(
        block.is_some() && entry.is_some() && count.is_some(),
        "{ops:?}"
    );
    assert!(
        block < entry && entry < count,
        "write-back order must be block, entry, count: {ops:?}"
    );
}

#[test]
fn reader_invalidates_table_and_block_before_reading() {
    let mut mem = Mem::new(512);
    let base = mem.ptr() as usize;
    let cfg = mem.config(PoolKind::Rtc, 0x5000_0000);
    let region = mem.region(cfg.bus_base);
    let w = Writer::new();
    w.init(region, &cfg).unwrap();
    let b = w.alloc(Id::new(3).unwrap(), 40, PoolKind::Rtc).unwrap();

    let rec = Recorder::default();
    let mut r = Reader::with_cache(&rec);
    r.attach(region, PoolKind::Rtc).unwrap();
    assert!(
        matches!(rec.0.lock().unwrap()[0], Op::Invalidate(..))
            && covers(&rec.0.lock().unwrap()[0], base, 32)
    );
    rec.0.lock().unwrap().clear();
    r.get(Id::new(3).unwrap(), PoolKind::Rtc).unwrap();
    let ops = rec.0.lock().unwrap().clone();
    assert!(covers(&ops[0], base, 32 + 16 * 8), "table first: {ops:?}");
    assert!(
        ops.iter().any(|op| covers(op, b.as_ptr() as usize, 40)),
        "then the block: {ops:?}"
    );
}
