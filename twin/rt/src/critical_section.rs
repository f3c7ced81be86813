//! `critical-section` for one hart: each image runs alone on its hart, so
//! masking this hart's machine interrupts (`mstatus.MIE`) is enough. The
//! previous state is restored, so sections nest. Cross-hart exclusion is not
//! needed: SysInfo's protocol between the cores uses only word loads and stores.

use core::arch::asm;

struct SingleHart;
critical_section::set_impl!(SingleHart);

// SAFETY: `acquire` disables machine interrupts on this hart and returns
// whether they were enabled; `release` re-enables them only if they were, so
// no code of this hart can run inside a section but the section's own.
unsafe impl critical_section::Impl for SingleHart {
    unsafe fn acquire() -> bool {
        let mstatus: usize;
        // SAFETY: clears MIE (bit 3) and returns the old mstatus; M-mode code.
        unsafe { asm!("csrrci {0}, mstatus, 8", out(reg) mstatus) };
        mstatus & 8 != 0
    }

    unsafe fn release(was_enabled: bool) {
        if was_enabled {
            // SAFETY: sets MIE again, as it was before `acquire`.
            unsafe { asm!("csrsi mstatus, 8") };
        }
    }
}
