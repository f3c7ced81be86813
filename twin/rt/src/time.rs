//! Wall-clock waits on the CLINT's `mtime`, so that "how long to wait for the
//! other core" means time, not instructions: under QEMU a hart may get few
//! instructions in while the host is busy.

use twin_board::mmio::{CLINT_MTIME, MTIME_HZ};

/// `mtime` now.
pub fn mtime() -> u64 {
    // SAFETY: the CLINT's mtime register, read as two words (RV32); the high
    // word is re-read to catch a carry between the two reads.
    unsafe {
        loop {
            let hi = core::ptr::read_volatile((CLINT_MTIME + 4) as *const u32);
            let lo = core::ptr::read_volatile(CLINT_MTIME as *const u32);
            if core::ptr::read_volatile((CLINT_MTIME + 4) as *const u32) == hi {
                return (hi as u64) << 32 | lo as u64;
            }
        }
    }
}

/// Waits at least `us` microseconds.
///
/// Reads `mtime` only every few hundred spins: under QEMU's multi-threaded
/// TCG every device read takes QEMU's global lock, and a hart that reads the
/// timer back to back was seen to slow the other hart down by a factor of
/// about 30 (the stress scenario's pass count).
pub fn delay_us(us: u64) {
    let end = mtime() + us * MTIME_HZ / 1_000_000;
    loop {
        for _ in 0..SPINS_PER_READ {
            core::hint::spin_loop();
        }
        if mtime() >= end {
            return;
        }
    }
}

const SPINS_PER_READ: u32 = 256;
