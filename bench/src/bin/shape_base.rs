//! Size shape: the scaffolding every shape shares (runtime, an opaque input
//! and output), without SysInfo. What the other shapes add to it is what
//! SysInfo costs them.
#![no_std]
#![no_main]

use amp_sysinfo_bench::shapes::io;

#[riscv_rt::entry]
fn main() -> ! {
    io::output(io::input(0) as usize);
    io::park()
}
