//! The sub core of samples/sysinfo and tests/sysinfo on qemu_riscv32: hart 1
//! of QEMU's riscv32 `virt` machine, standing in for the ESP32-C6 LP core.
//!
//! QEMU's generic loader starts this hart at the image's entry when the
//! machine starts; like the LP core, which stays off until the HP core
//! starts it, it then waits until the main core (Zephyr, hart 0) signals
//! "start" with a machine software interrupt through the CLINT. From then on
//! it does what the LP image does: attach to the pools the main core
//! formatted, find every published block by id, check it, wait for the
//! blocks published after its boot, and write its findings into the reply
//! block, which the main core prints. The checks are `amp-sysinfo-demo`'s,
//! shared with the LP image and the twin.
//!
//! The pools' and the CLINT's addresses come from the Zephyr build's
//! devicetree (build.rs); the image is linked around the pools.

#![no_std]
#![no_main]

use amp_sysinfo_demo::{sub_round, Patience, Pools};

/// The pools of the build's devicetree: `HP_POOL`, `RTC_POOL`, `POOLS`.
#[allow(dead_code)] // POOLS: generated for every image, unused here.
mod pools {
    include!(concat!(env!("OUT_DIR"), "/pools.rs"));
}

/// `CLINT_BASE`, from the devicetree.
mod board {
    include!(concat!(env!("OUT_DIR"), "/board.rs"));
}

/// How long to wait for the main core, in polls of [`POLL_TICKS`].
const PATIENCE: Patience = Patience::polls(20_000);
/// One poll: 500 µs of the CLINT's 10 MHz `mtime` (QEMU `virt`).
const POLL_TICKS: u64 = 5_000;

// The SiFive CLINT layout (QEMU hw/intc/riscv_aclint.c): one 32-bit
// software-interrupt word per hart from offset 0, `mtime` at 0xbff8.
const MSIP_OFFSET: usize = 0;
const MTIME_OFFSET: usize = 0xbff8;

// riscv-rt calls `_mp_hook` on every hart that runs this image and lets the
// one for which it returns true initialise `.data`/`.bss`. Only hart 1 ever
// runs it (hart 0 runs Zephyr), so that hart is the one.
core::arch::global_asm!(
    ".section .init.mp_hook, \"ax\"",
    ".global _mp_hook",
    "_mp_hook:",
    "    li a0, 1",
    "    ret",
);

/// This image's findings travel in the reply block: no console of its own
/// (the UART is Zephyr's).
struct Discard;

impl core::fmt::Write for Discard {
    fn write_str(&mut self, _: &str) -> core::fmt::Result {
        Ok(())
    }
}

#[riscv_rt::entry]
fn main(hart: usize) -> ! {
    wait_for_start(hart);
    let _ = run();
    // Done (or failed: the main core times out and says so).
    loop {
        riscv::asm::wfi();
    }
}

/// Sleeps until the main core sets this hart's software-interrupt word,
/// then clears it. Interrupts stay globally off (`mstatus.MIE` = 0): `wfi`
/// only needs `mie.MSIE` to wake on the pending interrupt.
fn wait_for_start(hart: usize) {
    let msip = (board::CLINT_BASE + MSIP_OFFSET + 4 * hart) as *mut u32;
    // SAFETY: setting mie.MSIE only enables waking from `wfi`; with
    // mstatus.MIE clear no trap is taken.
    unsafe { riscv::register::mie::set_msoft() };
    // SAFETY: `msip` is this hart's software-interrupt word of the CLINT the
    // devicetree names: device memory, read and written as one u32.
    while unsafe { msip.read_volatile() } == 0 {
        riscv::asm::wfi();
    }
    // SAFETY: as above.
    unsafe { msip.write_volatile(0) };
}

fn mtime() -> u64 {
    let base = board::CLINT_BASE + MTIME_OFFSET;
    loop {
        // SAFETY: the CLINT's `mtime`, two aligned device words; read high,
        // low, high again so a carry between the halves is seen.
        let (hi, lo, hi2) = unsafe {
            let hi = ((base + 4) as *const u32).read_volatile();
            let lo = (base as *const u32).read_volatile();
            (hi, lo, ((base + 4) as *const u32).read_volatile())
        };
        if hi == hi2 {
            return (u64::from(hi) << 32) | u64::from(lo);
        }
    }
}

fn pause() {
    let until = mtime().wrapping_add(POLL_TICKS);
    while mtime() < until {}
}

fn run() -> Result<(), ()> {
    // SAFETY: the pools are the devicetree's reserved-memory nodes at their
    // bus addresses, which every hart sees identically; this image is linked
    // around them (build.rs) and only SysInfo touches them.
    let pools = unsafe { Pools::identity(pools::HP_POOL, pools::RTC_POOL) }.map_err(|_| ())?;
    sub_round(&pools, 1, &mut Discard, PATIENCE, &mut pause)
        .map(|_| ())
        .map_err(|_| ())
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        riscv::asm::wfi();
    }
}
