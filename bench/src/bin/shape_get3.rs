//! Size shape: a lookup-only sub core with three lookup sites, as real sub
//! cores have them: a typed HP block, a reserved id in the RTC pool, and
//! ESP-AMP's run-time form.
#![no_std]
#![no_main]

use amp_sysinfo::Reader;
use amp_sysinfo_bench::shapes::{io, rust_attach, rust_get, site_config, site_pm};

#[riscv_rt::entry]
fn main() -> ! {
    let mut reader = Reader::new();
    while rust_attach(&mut reader) < 0 {}
    let mut size = 0;
    let p = rust_get(&reader, io::input_id(0), io::input_kind(1), &mut size);
    let q = site_pm(&reader);
    let v = site_config(&reader);
    io::output(p as usize + size as usize + q as usize + v as usize);
    io::park()
}
