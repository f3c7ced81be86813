//! Size shape: the main core's side, for comparison: format the pool, then
//! one `Writer::alloc` with the pool chosen at run time.
#![no_std]
#![no_main]

use amp_sysinfo::{Region, Writer};
use amp_sysinfo_bench::shapes::{io, rust_alloc};
use amp_sysinfo_bench::POOL;

static WRITER: Writer = Writer::new();

#[riscv_rt::entry]
fn main() -> ! {
    // SAFETY: the pool is memory that only SysInfo uses.
    if let Ok(region) = unsafe { Region::identity(&POOL) } {
        let _ = WRITER.init(region, &POOL);
    }
    let (id, size) = (io::input(0) as u16, io::input(1) as u16);
    let p = rust_alloc(&WRITER, id, size, io::input_kind(2));
    io::output(p as usize);
    io::park()
}
