//! The Zephyr side of [`sysinfo_sample_app::Platform`]: printk console,
//! `k_sleep`, and the sub core of the board (see sub_core.cmake):
//! - ESP32-C6: the embedded LP-core image and hal_espressif's loader;
//! - qemu_riscv32: hart 1, which QEMU has loaded with the sub-hart image and
//!   which waits for a software interrupt from this core.
//!
//! Shared by samples/sysinfo and tests/sysinfo.

use core::fmt;

use sysinfo_sample_app::Platform;
use zephyr::time::{sleep, Duration};

/// The pools of the build's devicetree (`HP_POOL`, `RTC_POOL`, `POOLS`).
#[allow(dead_code)] // POOLS: generated for every image.
pub mod pools {
    include!(concat!(env!("OUT_DIR"), "/pools.rs"));
}

/// Zephyr's console (printk).
pub struct Console;

impl fmt::Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        zephyr::printk!("{}", s);
        Ok(())
    }
}

/// The board's sub core.
pub struct SubCore;

#[cfg(CONFIG_SOC_SERIES_ESP32C6)]
mod lp_core {
    /// The LP-core image (lpcore/), built and checked against the pools by
    /// lpcore/lpcore.cmake.
    pub static LP_IMAGE: &[u8] = include_bytes!(env!("SYSINFO_LP_IMAGE"));

    extern "C" {
        pub fn sysinfo_lp_core_start(image: *const u8, len: usize) -> i32;
        pub fn sysinfo_deep_sleep_ms(ms: u32);
    }
}

#[cfg(CONFIG_SOC_SERIES_ESP32C6)]
impl Platform for SubCore {
    fn start_sub_core(&mut self) -> Result<(), i32> {
        // SAFETY: `LP_IMAGE` is a static byte slice of `len` bytes; the C
        // function only reads it while copying it to LP SRAM.
        let rc = unsafe {
            lp_core::sysinfo_lp_core_start(lp_core::LP_IMAGE.as_ptr(), lp_core::LP_IMAGE.len())
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(rc)
        }
    }

    fn pause(&mut self) {
        sleep(Duration::millis_at_least(1));
    }

    fn deep_sleep_ms(&mut self, ms: u32) -> Result<(), i32> {
        // SAFETY: plain C function taking an integer; on success it does not
        // return (the HP core restarts after the wake-up).
        unsafe { lp_core::sysinfo_deep_sleep_ms(ms) };
        // Only reached if powering off failed.
        Err(-1)
    }
}

#[cfg(not(CONFIG_SOC_SERIES_ESP32C6))]
mod board {
    include!(concat!(env!("OUT_DIR"), "/board.rs"));
}

#[cfg(not(CONFIG_SOC_SERIES_ESP32C6))]
impl Platform for SubCore {
    fn start_sub_core(&mut self) -> Result<(), i32> {
        /// The hart that runs the sub image.
        const SUB_HART: usize = 1;
        // The SiFive CLINT layout (QEMU hw/intc/riscv_aclint.c): one 32-bit
        // software-interrupt word per hart from offset 0.
        let msip = (board::CLINT_BASE + 4 * SUB_HART) as *mut u32;
        // SAFETY: hart 1's software-interrupt word of the CLINT the
        // devicetree names; Zephyr runs on hart 0 only and never uses it.
        unsafe { msip.write_volatile(1) };
        Ok(())
    }

    fn pause(&mut self) {
        sleep(Duration::millis_at_least(1));
    }

    /// QEMU has no deep sleep: a machine reset stands in for it. Like the
    /// ESP32-C6's wake-up, it restarts both cores, and like LP SRAM the RAM
    /// outside the images (the pools) keeps its contents (QEMU reloads only
    /// the images it loaded).
    #[cfg(CONFIG_REBOOT)]
    fn deep_sleep_ms(&mut self, _ms: u32) -> Result<(), i32> {
        extern "C" {
            fn sys_reboot(kind: i32) -> !;
        }
        zephyr::printk!("qemu: resetting the machine (stands in for deep sleep)\n");
        /// `SYS_REBOOT_COLD` (zephyr/sys/reboot.h).
        const SYS_REBOOT_COLD: i32 = 1;
        // SAFETY: Zephyr's sys_reboot takes the reboot kind and does not
        // return; nothing of this core's state must survive it.
        unsafe { sys_reboot(SYS_REBOOT_COLD) }
    }
}
