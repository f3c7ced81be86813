//! `cargo bench -p amp-sysinfo`: host timings of the hot calls (lookup hit
//! at the last of 16 entries, miss, attach, alloc + format). Plain
//! `std::time` loops, no framework: the numbers are for comparing changes on
//! one machine; the LP-core cost is the size report (`cargo xtask size`).

use std::hint::black_box;
use std::time::Instant;

use amp_sysinfo::{Id, PoolConfig, PoolKind, Reader, Region, Writer};

fn bench(name: &str, iters: u32, mut f: impl FnMut()) {
    for _ in 0..iters / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    let ns = start.elapsed().as_nanos() as f64 / iters as f64;
    println!("{name:<28} {ns:>8.1} ns/iter ({iters} iterations)");
}

fn main() {
    let mut mem = vec![0u128; 4096 / 16];
    let cfg = PoolConfig::new(PoolKind::Hp, 0x4080_0000, 4096);
    // SAFETY: `mem` outlives every use of the region below.
    let region = unsafe { Region::new(mem.as_mut_ptr().cast(), cfg.bus_base, cfg.size) }.unwrap();
    let writer = Writer::new();
    writer.init(region, &cfg).unwrap();
    for raw in 0..16 {
        writer
            .alloc(Id::new(raw).unwrap(), 32, PoolKind::Hp)
            .unwrap();
    }
    let mut reader = Reader::new();
    reader.attach(region, PoolKind::Hp).unwrap();
    let last = Id::new(15).unwrap();
    let missing = Id::new(99).unwrap();

    bench("Reader::get (16th of 16)", 5_000_000, || {
        black_box(reader.get(black_box(last), PoolKind::Hp).unwrap());
    });
    bench("Reader::get (miss, 16)", 5_000_000, || {
        black_box(reader.get(black_box(missing), PoolKind::Hp).unwrap_err());
    });
    bench("Reader::attach", 5_000_000, || {
        black_box(reader.attach(black_box(region), PoolKind::Hp).unwrap());
    });
    bench("Writer::init + 16 x alloc", 200_000, || {
        writer.init(region, &cfg).unwrap();
        for raw in 0..16 {
            black_box(
                writer
                    .alloc(Id::new(raw).unwrap(), 32, PoolKind::Hp)
                    .unwrap(),
            );
        }
    });
}
