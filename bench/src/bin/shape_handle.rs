//! Size shape: an events-style sub core: attach, find its block once
//! (`Reader::handle`), then use the cached handle on every notification.
#![no_std]
#![no_main]

use amp_sysinfo::{Handle, PoolKind, Reader};
use amp_sysinfo_bench::shapes::{io, rust_attach, rust_handle_get, rust_handle_new};

#[riscv_rt::entry]
fn main() -> ! {
    let mut reader = Reader::new();
    while rust_attach(&mut reader) < 0 {}
    let mut handle: Option<Handle> = None;
    let id = io::input_id(0);
    while !rust_handle_new(&reader, id, PoolKind::Hp, &mut handle) {}
    if let Some(handle) = &handle {
        loop {
            io::output(rust_handle_get(handle) as usize);
        }
    }
    io::park()
}
