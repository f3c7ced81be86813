#![no_std]
#![no_main]

mod start;

use core::fmt::Write;
use twin_rt::Console;

fn main() -> ! {
    let mut out = Console::new("main");
    writeln!(out, "hello, scenario {}", twin_rt::mmio::scenario()).ok();
    start::start_sub_core();
    for _ in 0..2_000_000 { core::hint::spin_loop(); }
    writeln!(out, "bye").ok();
    twin_rt::exit(twin_rt::mmio::scenario() as u16)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    twin_rt::panic_report("main", info)
}
