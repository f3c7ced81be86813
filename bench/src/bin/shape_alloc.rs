//! Size shape: the main core's side, for comparison: format the pool, then
//! one `Writer::alloc` with the pool chosen at run time.
#![no_std]
#![no_main]

use core::ptr::{addr_of, addr_of_mut, read_volatile, write_volatile};

use amp_sysinfo::{PoolKind, Region, Writer};
use amp_sysinfo_bench::shapes::rust_alloc;
use amp_sysinfo_bench::POOL;

static mut INPUT: [u32; 4] = [0; 4];
static mut OUTPUT: usize = 0;
static WRITER: Writer = Writer::new();

#[riscv_rt::entry]
fn main() -> ! {
    // SAFETY: the pool is memory that only SysInfo uses.
    if let Ok(region) = unsafe { Region::identity(&POOL) } {
        let _ = WRITER.init(region, &POOL);
    }
    // SAFETY: single hart; volatile keeps the input opaque and the output live.
    unsafe {
        let id = read_volatile(addr_of!(INPUT[0])) as u16;
        let size = read_volatile(addr_of!(INPUT[1])) as u16;
        let kind = if read_volatile(addr_of!(INPUT[2])) != 0 {
            PoolKind::Rtc
        } else {
            PoolKind::Hp
        };
        let p = rust_alloc(&WRITER, id, size, kind);
        write_volatile(addr_of_mut!(OUTPUT), p as usize);
    }
    loop {
        riscv::asm::wfi();
    }
}
