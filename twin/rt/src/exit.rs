//! Ending the run through QEMU's SiFive test finisher, which ends QEMU with
//! the given exit status: that is how `cargo xtask twin-test` learns the result.

use core::fmt::Write;
use core::panic::PanicInfo;

use twin_board::mmio;

use crate::console::RawUart;

const FINISHER_PASS: u32 = 0x5555;
const FINISHER_FAIL: u32 = 0x3333;

/// Exit code of a panic in either image.
pub const PANIC_EXIT_CODE: u16 = 101;

/// Ends QEMU with exit status `code` (0: success).
pub fn exit(code: u16) -> ! {
    let word = if code == 0 {
        FINISHER_PASS
    } else {
        (code as u32) << 16 | FINISHER_FAIL
    };
    // SAFETY: the test finisher's register; writing it ends the emulation.
    unsafe { core::ptr::write_volatile(mmio::TEST_FINISHER as *mut u32, word) };
    loop {
        core::hint::spin_loop();
    }
}

/// Prints the panic on one line (without the console lock: this hart may hold
/// it) and ends QEMU with [`PANIC_EXIT_CODE`].
pub fn panic_report(tag: &str, info: &PanicInfo) -> ! {
    let _ = write!(RawUart, "\n[{tag}] PANIC: {info}\n");
    exit(PANIC_EXIT_CODE)
}
