//! Size shape: a lookup-only sub core with one lookup site: attach to the
//! devicetree's pool, then one `Reader::get` doing ESP-AMP's work (pool
//! chosen at run time, size returned).
#![no_std]
#![no_main]

use amp_sysinfo::Reader;
use amp_sysinfo_bench::shapes::{io, rust_attach, rust_get};

#[riscv_rt::entry]
fn main() -> ! {
    let mut reader = Reader::new();
    while rust_attach(&mut reader) < 0 {}
    let mut size = 0;
    let p = rust_get(&reader, io::input_id(0), io::input_kind(1), &mut size);
    io::output(p as usize + size as usize);
    io::park()
}
