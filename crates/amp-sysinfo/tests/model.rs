//! Property test: random sequences of allocations and lookups in both pools,
//! against a plain model of what the table must hold.

mod common;

use std::collections::BTreeMap;

use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Reader, Writer};
use common::Mem;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Alloc {
        kind: PoolKind,
        id: u16,
        size: u16,
        align: u32,
    },
    Get {
        kind: PoolKind,
        id: u16,
    },
}

fn kind() -> impl Strategy<Value = PoolKind> {
    prop_oneof![Just(PoolKind::Hp), Just(PoolKind::Rtc)]
}

fn op() -> impl Strategy<Value = Op> {
    // Few ids (duplicates happen), reserved ones included; sizes around the
    // pools' capacity (full pools happen); odd alignments included.
    let id = prop_oneof![0u16..12, 0xff00u16..0xff06];
    let align = prop_oneof![Just(1u32), Just(4), Just(8), Just(64), Just(3), Just(0)];
    prop_oneof![
        3 => (kind(), id.clone(), 0u16..300, align).prop_map(|(kind, id, size, align)| Op::Alloc { kind, id, size, align }),
        2 => (kind(), id).prop_map(|(kind, id)| Op::Get { kind, id }),
    ]
}

/// What one pool must hold.
#[derive(Default)]
struct ModelPool {
    blocks: BTreeMap<u16, (u32, u16)>, // id -> (bus address, size)
    cursor: u32,
}

struct Model {
    pools: [(PoolConfig, ModelPool); 2],
}

impl Model {
    fn alloc(
        &mut self,
        kind: PoolKind,
        id: u16,
        size: u16,
        align: u32,
    ) -> Result<(u32, u16), Error> {
        let (cfg, pool) = &mut self.pools[kind as usize];
        if size == 0 {
            return Err(Error::ZeroSize);
        }
        if !align.is_power_of_two() {
            return Err(Error::BadAlignment);
        }
        if pool.blocks.contains_key(&id) {
            return Err(Error::DuplicateId);
        }
        if pool.blocks.len() == cfg.max_entries as usize {
            return Err(Error::TableFull);
        }
        let align = align.max(4);
        let start = (cfg.bus_base + pool.cursor).next_multiple_of(align);
        if start + size as u32 > cfg.bus_base + cfg.size {
            return Err(Error::PoolFull);
        }
        pool.cursor = start + size as u32 - cfg.bus_base;
        pool.blocks.insert(id, (start, size));
        Ok((start, size))
    }
}

/// A byte pattern unique to a block, to catch one block overwriting another.
fn pattern(kind: PoolKind, id: u16, i: usize) -> u8 {
    (id as usize * 7 + i + kind as usize * 101) as u8
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn table_matches_model(ops in proptest::collection::vec(op(), 1..60)) {
        let mut hp = Mem::new(1024);
        let mut rtc = Mem::new(512);
        let hp_cfg = PoolConfig { max_entries: 8, ..hp.config(PoolKind::Hp, 0x4080_0000) };
        let rtc_cfg = PoolConfig { max_entries: 4, ..rtc.config(PoolKind::Rtc, 0x5000_0000) };
        let (hp_region, rtc_region) = (hp.region(hp_cfg.bus_base), rtc.region(rtc_cfg.bus_base));
        let writer = Writer::new();
        writer.init(hp_region, &hp_cfg).unwrap();
        writer.init(rtc_region, &rtc_cfg).unwrap();
        let mut reader = Reader::new();
        reader.attach(hp_region, PoolKind::Hp).unwrap();
        reader.attach(rtc_region, PoolKind::Rtc).unwrap();
        let mut model = Model {
            pools: [
                (hp_cfg, ModelPool { cursor: 32 + 8 * 8, ..Default::default() }),
                (rtc_cfg, ModelPool { cursor: 32 + 4 * 8, ..Default::default() }),
            ],
        };

        for op in ops {
            match op {
                Op::Alloc { kind, id, size, align } => {
                    let id = Id::from_raw(id).unwrap();
                    let got = writer.alloc_aligned(id, size, align, kind);
                    let want = model.alloc(kind, id.raw(), size, align);
                    prop_assert_eq!(got.map(|b| (b.bus_addr(), b.size())), want);
                    if let Ok(b) = got {
                        let bytes: Vec<u8> = (0..size as usize).map(|i| pattern(kind, id.raw(), i)).collect();
                        b.write(0, &bytes).unwrap();
                    }
                }
                Op::Get { kind, id } => {
                    let id = Id::from_raw(id).unwrap();
                    let want = model.pools[kind as usize].1.blocks.get(&id.raw()).copied().ok_or(Error::NotFound);
                    prop_assert_eq!(reader.get(id, kind).map(|b| (b.bus_addr(), b.size())), want);
                    prop_assert_eq!(writer.get(id, kind).map(|b| (b.bus_addr(), b.size())), want);
                }
            }
        }

        // Every block still holds its own pattern, and a fresh reader and a
        // re-attached writer see exactly the model's table.
        let mut fresh = Reader::new();
        for (kind, region) in [(PoolKind::Hp, hp_region), (PoolKind::Rtc, rtc_region)] {
            let blocks = &model.pools[kind as usize].1.blocks;
            prop_assert_eq!(fresh.attach(region, kind), Ok(blocks.len() as u16));
            prop_assert_eq!(Writer::new().attach(region, kind), Ok(blocks.len() as u16));
            for (&raw, &(addr, size)) in blocks {
                let b = fresh.get(Id::from_raw(raw).unwrap(), kind).unwrap();
                prop_assert_eq!((b.bus_addr(), b.size()), (addr, size));
                let mut buf = vec![0; size as usize];
                b.read(0, &mut buf).unwrap();
                let want: Vec<u8> = (0..size as usize).map(|i| pattern(kind, raw, i)).collect();
                prop_assert_eq!(buf, want);
            }
        }
    }
}
