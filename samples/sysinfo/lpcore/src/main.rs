//! The sub core of samples/sysinfo: the ESP32-C6 LP core.
//!
//! It attaches to the pools the main core (Zephyr, HP core) formats — waiting
//! while they hold no valid table — finds every published block by id,
//! checks it, waits for the blocks the main core publishes after this core
//! booted, and writes its findings into the reply block, which the main core
//! prints. The checks are `amp-sysinfo-demo`'s, shared with the QEMU twin.
//!
//! The pools' addresses come from the devicetree (build.rs), and this image
//! is linked so that it cannot overlap them (lpcore.x + generated memory.x).

#![no_std]
#![no_main]

use amp_sysinfo_demo::{sub_round, Patience, Pools};
use esp_lp_hal::delay::Delay;
use esp_lp_hal::prelude::*;

/// The pools of the build's devicetree: `HP_POOL`, `RTC_POOL`, `POOLS`.
#[allow(dead_code)] // POOLS: generated for every image, unused here.
mod pools {
    include!(concat!(env!("OUT_DIR"), "/pools.rs"));
}

/// How long to wait for the main core, in polls of [`POLL_US`].
const PATIENCE: Patience = Patience::polls(20_000);
const POLL_US: u32 = 500;

/// The LP core has no console in this sample: its findings travel in the
/// reply block. Its own log lines are dropped.
struct Discard;

impl core::fmt::Write for Discard {
    fn write_str(&mut self, _: &str) -> core::fmt::Result {
        Ok(())
    }
}

#[entry]
fn main() -> ! {
    let _ = run();
    // Done (or failed: the main core times out and says so). Sleep until
    // the main core stops or restarts this core.
    loop {
        // SAFETY: `wfi` only stalls this hart until an interrupt or a debug
        // request; it touches no memory.
        unsafe { core::arch::asm!("wfi") };
    }
}

fn run() -> Result<(), ()> {
    // SAFETY: the pools are the devicetree's reserved-memory nodes at their
    // bus addresses, which the LP core sees identically; this image is linked
    // around them (lpcore.x) and only SysInfo touches them.
    let pools = unsafe { Pools::identity(pools::HP_POOL, pools::RTC_POOL) }.map_err(|_| ())?;
    let mut pause = || Delay.delay_micros(POLL_US);
    sub_round(&pools, 1, &mut Discard, PATIENCE, &mut pause)
        .map(|_| ())
        .map_err(|_| ())
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        // SAFETY: as in `main`.
        unsafe { core::arch::asm!("wfi") };
    }
}
