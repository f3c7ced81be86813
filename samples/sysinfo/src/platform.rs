//! The Zephyr side of [`sysinfo_sample_app::Platform`] on the ESP32-C6:
//! printk console, `k_sleep`, the embedded LP-core image and its loader.
//! Shared by samples/sysinfo and tests/sysinfo.

use core::fmt;

use sysinfo_sample_app::Platform;
use zephyr::time::{sleep, Duration};

/// The pools of the build's devicetree (`HP_POOL`, `RTC_POOL`, `POOLS`).
#[allow(dead_code)] // POOLS: generated for every image.
pub mod pools {
    include!(concat!(env!("OUT_DIR"), "/pools.rs"));
}

/// The LP-core image (lpcore/), built and checked against the pools by
/// lpcore/lpcore.cmake.
static LP_IMAGE: &[u8] = include_bytes!(env!("SYSINFO_LP_IMAGE"));

extern "C" {
    fn sysinfo_lp_core_start(image: *const u8, len: usize) -> i32;
    fn sysinfo_deep_sleep_ms(ms: u32);
}

/// Zephyr's console (printk).
pub struct Console;

impl fmt::Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        zephyr::printk!("{}", s);
        Ok(())
    }
}

/// The ESP32-C6 LP core as the sub core.
pub struct LpCore;

impl Platform for LpCore {
    fn start_sub_core(&mut self) -> Result<(), i32> {
        // SAFETY: `LP_IMAGE` is a static byte slice of `len` bytes; the C
        // function only reads it while copying it to LP SRAM.
        let rc = unsafe { sysinfo_lp_core_start(LP_IMAGE.as_ptr(), LP_IMAGE.len()) };
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
        unsafe { sysinfo_deep_sleep_ms(ms) };
        // Only reached if powering off failed.
        Err(-1)
    }
}
