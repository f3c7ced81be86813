//! Size shape: the scaffolding every shape shares (runtime, an opaque input
//! and output), without SysInfo. What the other shapes add to it is what
//! SysInfo costs them.
#![no_std]
#![no_main]

use core::ptr::{addr_of, addr_of_mut, read_volatile, write_volatile};

use amp_sysinfo_bench as _;

static mut INPUT: [u32; 4] = [0; 4];
static mut OUTPUT: usize = 0;

#[riscv_rt::entry]
fn main() -> ! {
    // SAFETY: single hart; volatile keeps the input opaque and the output live.
    unsafe {
        let x = read_volatile(addr_of!(INPUT[0])) as usize;
        write_volatile(addr_of_mut!(OUTPUT), x);
    }
    loop {
        riscv::asm::wfi();
    }
}
