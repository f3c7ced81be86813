//! samples/sysinfo: the main core (ESP32-C6 HP core, Zephyr, Rust).
//!
//! Formats the devicetree's SysInfo pools, allocates the specification's `Person_t`
//! and the rest of the demo, starts the LP core (bare-metal Rust, lpcore/),
//! keeps publishing after the LP core booted, and prints what the LP core
//! reports. The sequence is `sysinfo-sample-app` (app/), the checks on both
//! cores are `amp-sysinfo-demo`'s, shared with the QEMU twin.
#![no_std]

use amp_sysinfo::Writer;
use sysinfo_sample_app::{devicetree_pools, sample_main};

mod platform;

use platform::{pools, Console, SubCore};

/// The registry of this core: formats and allocates (serialised by the
/// `zephyr` crate's critical section).
static WRITER: Writer = Writer::new();

#[no_mangle]
extern "C" fn rust_main() {
    // SAFETY: the pools are the devicetree's esp-amp-sysinfo,pool nodes; the
    // module's build checks keep this image, its heap and the LP image out
    // of them, and only SysInfo uses them.
    let pools = unsafe { devicetree_pools(pools::HP_POOL, pools::RTC_POOL) };
    sample_main(
        &WRITER,
        pools,
        zephyr::kconfig::CONFIG_BOARD,
        &mut Console,
        &mut SubCore,
    );
}
