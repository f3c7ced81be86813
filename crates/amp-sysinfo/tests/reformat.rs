//! A reader thread attaching over and over while a writer thread formats the
//! same pool over and over (the main core rebooting while the sub core
//! attaches), 16 entries with three blocks and 2 entries with one in turn:
//! every attach gives one whole table or `NotReady`, never `Corrupt` (as
//! the old table's count with the new capacity would be) and never a
//! table with more entries than its format published. (On x86 the loads
//! keep their order; the loom model in `table.rs` covers reordering.) The twin's `reformat`
//! scenario does the same on two QEMU harts; this runs in every `cargo test`.

mod common;

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Reader, Writer};
use common::Mem;

const BUS: u32 = 0x4000_0000;
/// Attaches of each outcome the run must see: both prove the two threads
/// overlapped.
const ENOUGH: u32 = 1_000;

#[test]
fn attach_during_formats_is_one_table_or_not_ready() {
    let mut mem = Mem::new(1024);
    let region = mem.region(BUS);
    let config = |max_entries| PoolConfig {
        max_entries,
        ..mem.config(PoolKind::Hp, BUS)
    };
    let (wide, narrow) = (config(16), config(2));
    let done = AtomicBool::new(false);
    let (attached, not_ready) = std::thread::scope(|s| {
        let formats = s.spawn(|| {
            let writer = Writer::new();
            let mut formats = 0u32;
            while !done.load(Relaxed) {
                let (cfg, blocks) = if formats % 2 == 0 {
                    (&wide, 3)
                } else {
                    (&narrow, 1)
                };
                writer.init(region, cfg).unwrap();
                for raw in 1..=blocks {
                    writer
                        .alloc_with(Id::new(raw).unwrap(), PoolKind::Hp, &formats)
                        .unwrap();
                }
                formats += 1;
            }
            formats
        });
        let mut reader = Reader::new();
        let (mut attached, mut not_ready) = (0u32, 0u32);
        let deadline = Instant::now() + Duration::from_secs(30);
        while (attached < ENOUGH || not_ready < ENOUGH) && Instant::now() < deadline {
            match reader.attach(region, PoolKind::Hp) {
                Ok(count) => {
                    let capacity = reader.capacity(PoolKind::Hp);
                    assert!(
                        matches!((capacity, count), (Ok(16), 0..=3) | (Ok(2), 0..=1)),
                        "a mix of two tables: {count} entries, capacity {capacity:?}"
                    );
                    attached += 1;
                }
                Err(Error::NotReady) => not_ready += 1,
                Err(e) => {
                    done.store(true, Relaxed);
                    panic!("attach during a format gave {e:?}, not NotReady");
                }
            }
        }
        done.store(true, Relaxed);
        let formats = formats.join().unwrap();
        eprintln!("{attached} attached, {not_ready} not ready, during {formats} formats");
        (attached, not_ready)
    });
    assert!(
        attached >= ENOUGH && not_ready >= ENOUGH,
        "the threads hardly overlapped: {attached} attached, {not_ready} not ready"
    );
}
