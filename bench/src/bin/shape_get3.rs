//! Size shape: a lookup-only sub core with three lookup sites, as real sub
//! cores have them: a typed HP block, a reserved id in the RTC pool, and
//! ESP-AMP's run-time form.
#![no_std]
#![no_main]

use core::ptr::{addr_of, addr_of_mut, read_volatile, write_volatile};

use amp_sysinfo::{Id, PoolKind, Reader};
use amp_sysinfo_bench::shapes::{rust_attach, rust_get, site_config, site_pm};

static mut INPUT: [u32; 4] = [0; 4];
static mut OUTPUT: usize = 0;

#[riscv_rt::entry]
fn main() -> ! {
    let mut reader = Reader::new();
    while rust_attach(&mut reader) < 0 {}
    // SAFETY: single hart; volatile keeps the input opaque and the output live.
    unsafe {
        let id = Id::from_raw(read_volatile(addr_of!(INPUT[0])) as u16).unwrap_or(Id::PM);
        let kind = if read_volatile(addr_of!(INPUT[1])) != 0 {
            PoolKind::Rtc
        } else {
            PoolKind::Hp
        };
        let mut size = 0;
        let p = rust_get(&reader, id, kind, &mut size);
        let q = site_pm(&reader);
        let v = site_config(&reader);
        write_volatile(
            addr_of_mut!(OUTPUT),
            p as usize + size as usize + q as usize + v as usize,
        );
    }
    loop {
        riscv::asm::wfi();
    }
}
