//! Size shape: an events-style sub core: attach, find its block once
//! (`Reader::handle`), then use the cached handle on every notification.
#![no_std]
#![no_main]

use core::ptr::{addr_of, addr_of_mut, read_volatile, write_volatile};

use amp_sysinfo::{Handle, Id, PoolKind, Reader};
use amp_sysinfo_bench::shapes::{rust_attach, rust_handle_get, rust_handle_new};

static mut INPUT: [u32; 4] = [0; 4];
static mut OUTPUT: usize = 0;

#[riscv_rt::entry]
fn main() -> ! {
    let mut reader = Reader::new();
    while rust_attach(&mut reader) < 0 {}
    let mut handle: Option<Handle> = None;
    // SAFETY: single hart; volatile keeps the input opaque and the output live.
    unsafe {
        let id = Id::from_raw(read_volatile(addr_of!(INPUT[0])) as u16).unwrap_or(Id::PM);
        while !rust_handle_new(&reader, id, PoolKind::Hp, &mut handle) {}
        if let Some(handle) = &handle {
            loop {
                write_volatile(addr_of_mut!(OUTPUT), rust_handle_get(handle) as usize);
            }
        }
    }
    loop {
        riscv::asm::wfi();
    }
}
