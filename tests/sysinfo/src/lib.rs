//! On-target tests on the ESP32-C6 (twister: tests/sysinfo/testcase.yaml).
//!
//! Every run: the sample's sequence (allocation, lookup from the LP core,
//! publication after the LP core booted), then the error paths. With
//! `CONFIG_SYSINFO_TEST_DEEP_SLEEP`: the first boot goes into deep sleep
//! after that; the second (after the timer wake-up) must find the RTC pool
//! retained (boot #2, its entries kept).
#![no_std]

use core::fmt::Write;

use amp_sysinfo::Writer;
use sysinfo_sample_app::{devicetree_pools, run_demo, run_error_paths, AppError};

#[path = "../../../samples/sysinfo/src/platform.rs"]
mod platform;

use platform::{pools, Console, LpCore};

static WRITER: Writer = Writer::new();

#[no_mangle]
extern "C" fn rust_main() {
    let mut out = Console;
    match run(&mut out) {
        Ok(()) => {
            let _ = writeln!(out, "sysinfo test: PASS");
        }
        Err(e) => {
            let _ = writeln!(out, "sysinfo test: FAIL: {e}");
        }
    }
}

fn run(out: &mut Console) -> Result<(), AppError> {
    // SAFETY: as in the sample: the devicetree's pools, kept out of every
    // image by the module's build checks, used only through SysInfo.
    let pools = unsafe { devicetree_pools(pools::HP_POOL, pools::RTC_POOL) }?;
    let setup = run_demo(&WRITER, &pools, out, &mut LpCore)?;
    run_error_paths(&WRITER, &pools, out)?;
    deep_sleep_scenario(out, setup.boots, setup.rtc_retained)
}

#[cfg(CONFIG_SYSINFO_TEST_DEEP_SLEEP)]
fn deep_sleep_scenario(out: &mut Console, boots: u32, retained: bool) -> Result<(), AppError> {
    if boots <= 1 {
        let _ = writeln!(out, "deep sleep: boot #{boots}, sleeping 2000 ms");
        platform::deep_sleep_ms(2000);
        // Only reached if powering off failed.
        let _ = writeln!(out, "deep sleep: did not sleep");
        return Err(AppError::StartSubCore(-1));
    }
    if retained {
        let _ = writeln!(out, "deep sleep: RTC pool survived, boot #{boots}");
        Ok(())
    } else {
        let _ = writeln!(out, "deep sleep: RTC pool lost");
        Err(AppError::StartSubCore(-2))
    }
}

#[cfg(not(CONFIG_SYSINFO_TEST_DEEP_SLEEP))]
fn deep_sleep_scenario(_: &mut Console, _: u32, _: bool) -> Result<(), AppError> {
    Ok(())
}
