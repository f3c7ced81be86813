//! `Writer::attach` (re-opening a retained pool) + `alloc`/`alloc_aligned`
//! on any pool contents, placed low and ending at 2^32. Oracle: a failed
//! attach or alloc changes no byte; every block handed out is inside the
//! data area, non-empty, aligned as asked and overlaps no other live block;
//! the writer's own table re-attaches with every entry (the deep-sleep path)
//! and the reader finds each block where the writer put it.
#![no_main]

use amp_sysinfo::{Id, Reader, Writer};
use amp_sysinfo_fuzz::build;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((mut pool, ops)) = build(data) else {
        return;
    };
    let region = pool.region();
    let kind = pool.kind;
    let before = pool.bytes().to_vec();
    let w = Writer::new();
    let Ok(count) = w.attach(region, kind) else {
        assert!(
            pool.bytes() == &before[..],
            "a failed attach changed the pool"
        );
        return;
    };
    let max = pool.header_max();
    // Live blocks: the re-attached entries, then every allocation.
    let mut live: Vec<(u16, u32, u32)> = Vec::new();
    for i in 0..count as usize {
        let w0 = pool.word(8 + 2 * i);
        let b = w
            .get(Id::from_raw(w0 as u16).unwrap(), kind)
            .expect("re-attached entry is found");
        pool.assert_block(&b, max);
        live.push((w0 as u16, b.bus_addr(), b.size() as u32));
    }
    for op in ops.chunks_exact(4) {
        let id = u16::from_le_bytes([op[0], op[1]]);
        let size = op[2] as u16 * 4 + (op[3] & 3) as u16;
        let align = 1u32 << (op[3] >> 4);
        let snapshot = pool.bytes().to_vec();
        let result = Id::from_raw(id).and_then(|id| w.alloc_aligned(id, size, align, kind));
        match result {
            Ok(b) => {
                pool.assert_block(&b, max);
                assert_eq!(b.bus_addr() % align.max(4), 0, "alignment {align} not kept");
                let (start, end) = (b.bus_addr() as u64, b.bus_addr() as u64 + b.size() as u64);
                for &(other, s, n) in &live {
                    assert!(
                        end <= s as u64 || start >= s as u64 + n as u64,
                        "block of {id:#x} overlaps {other:#x}"
                    );
                }
                live.push((id, b.bus_addr(), b.size() as u32));
            }
            Err(_) => assert!(
                pool.bytes() == &snapshot[..],
                "a failed alloc changed the pool"
            ),
        }
    }
    // The deep-sleep path: the writer's own table re-attaches completely.
    assert_eq!(
        Writer::new().attach(region, kind),
        Ok(live.len() as u16),
        "own table refused"
    );
    let mut r = Reader::new();
    assert_eq!(r.attach(region, kind), Ok(live.len() as u16));
    for &(id, addr, size) in &live {
        let b = r
            .get(Id::from_raw(id).unwrap(), kind)
            .expect("published block found");
        assert_eq!((b.bus_addr(), b.size() as u32), (addr, size));
    }
});
