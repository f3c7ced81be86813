//! Volatile word access to fixed addresses of the `virt` machine.

/// Reads the 32-bit word at `addr`.
///
/// # Safety
/// `addr` must be a 4-aligned address of RAM or a device register that may be
/// read at any time (the board's control page, the UART).
#[inline]
pub unsafe fn read32(addr: usize) -> u32 {
    // SAFETY: forwarded to the caller.
    unsafe { core::ptr::read_volatile(addr as *const u32) }
}

/// Writes the 32-bit word at `addr`.
///
/// # Safety
/// As for [`read32`], and the write must not break anything another agent
/// relies on at that address.
#[inline]
pub unsafe fn write32(addr: usize, value: u32) {
    // SAFETY: forwarded to the caller.
    unsafe { core::ptr::write_volatile(addr as *mut u32, value) }
}

/// The scenario number QEMU's loader put in the control page (0 if none).
pub fn scenario() -> u32 {
    // SAFETY: the control page is RAM outside every image and pool, reserved
    // for these words by the board.
    unsafe { read32(twin_board::control::SCENARIO) }
}

/// Whether QEMU's loader asked the main image to keep QEMU running after its
/// verdict ([`twin_board::control::HOLD`]).
pub fn hold() -> bool {
    // SAFETY: as for `scenario`.
    unsafe { read32(twin_board::control::HOLD) != 0 }
}
