//! On-target tests on the ESP32-C6 (twister: tests/sysinfo/testcase.yaml).
//!
//! Every run: the sample's sequence (allocation, lookup from the LP core,
//! publication after the LP core booted), then the error paths. With
//! `CONFIG_SYSINFO_TEST_DEEP_SLEEP`: the first boot goes into deep sleep
//! after that; the second (after the timer wake-up) must find the RTC pool
//! retained (boot #2, its entries kept). The sequence is
//! `sysinfo_sample_app::test_main`, also run on the host (app/tests).
#![no_std]

use amp_sysinfo::Writer;
use sysinfo_sample_app::{devicetree_pools, test_main};

#[path = "../../../samples/sysinfo/src/platform.rs"]
mod platform;

use platform::{pools, Console, SubCore};

static WRITER: Writer = Writer::new();

#[no_mangle]
extern "C" fn rust_main() {
    // SAFETY: as in the sample: the devicetree's pools, kept out of every
    // image by the module's build checks, used only through SysInfo.
    let pools = unsafe { devicetree_pools(pools::HP_POOL, pools::RTC_POOL) };
    test_main(
        &WRITER,
        pools,
        cfg!(CONFIG_SYSINFO_TEST_DEEP_SLEEP),
        &mut Console,
        &mut SubCore,
    );
}
