//! `Reader::attach` + `get` / `get_as` / `count` / `dump` on any pool
//! contents, placed low and ending at 2^32. Oracle: every block handed out
//! is non-empty, 4-aligned and inside the data area; the reader never
//! changes a byte; no panic (overflow checks on).
#![no_main]

use amp_sysinfo::{Id, Reader};
use amp_sysinfo_fuzz::build;
use libfuzzer_sys::fuzz_target;

/// Discards dump output (formatting is still done).
struct Sink;
impl core::fmt::Write for Sink {
    fn write_str(&mut self, _: &str) -> core::fmt::Result {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((mut pool, ops)) = build(data) else {
        return;
    };
    let region = pool.region();
    let before = pool.bytes().to_vec();
    let mut reader = Reader::new();
    let attached = reader.attach(region, pool.kind);
    assert!(pool.bytes() == &before[..], "attach changed the pool");
    if attached.is_err() {
        assert_eq!(
            reader.get(Id::from_raw(0).unwrap(), pool.kind).err(),
            Some(amp_sysinfo::Error::PoolAbsent)
        );
        return;
    }
    let max = pool.header_max();
    let _ = reader.count(pool.kind);
    let _ = reader.dump(&mut Sink);
    // The ids in the table's slots, then the ids the input names.
    let mut ids: Vec<u16> = (0..max.min(64) as usize)
        .map(|i| pool.word(8 + 2 * i) as u16)
        .collect();
    ids.extend(
        ops.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]])),
    );
    for raw in ids {
        let Ok(id) = Id::from_raw(raw) else { continue };
        if let Ok(block) = reader.get(id, pool.kind) {
            pool.assert_block(&block, max);
            let mut buf = [0u8; 8];
            let _ = block.read(0, &mut buf[..(block.size() as usize).min(8)]);
        }
        if let Ok(v) = reader.get_as::<u32>(id, pool.kind) {
            pool.assert_block(&v.block(), max);
            let _ = v.read();
        }
        if let Ok(v) = reader.get_as::<[u64; 2]>(id, pool.kind) {
            pool.assert_block(&v.block(), max);
        }
    }
    assert!(pool.bytes() == &before[..], "a lookup changed the pool");
});
