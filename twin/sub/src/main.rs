#![no_std]
#![no_main]

mod start;

use core::fmt::Write;
use twin_rt::Console;

fn main() -> ! {
    let mut out = Console::new("sub ");
    writeln!(out, "hello from the sub image").ok();
    loop { core::hint::spin_loop(); }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    twin_rt::panic_report("sub ", info)
}
