//! Start-up of the main image. Both harts of the `virt` machine begin here
//! (QEMU's reset code jumps to the `-kernel` entry with `a0 = mhartid`):
//! hart 0 sets up its stack and `.bss` and runs [`crate::main`]; hart 1 waits
//! in the control page until the main image releases it, then jumps to the sub
//! image's entry, as the ESP32-C6 HP core releases the LP core.

use twin_board::control;

use crate::sub_image::SUB_ENTRY;

// Hart 0 runs the shared start-up ([`twin_rt::start!`]); hart 1 branches
// past it.
twin_rt::start! {
    main = crate::main,
    before = [
        "    csrr t0, mhartid",
        "    bnez t0, 3f",
    ],
    // Hart 1: wait for the release word, then start the sub image.
    after = [
        "3:  li t0, {go}",
        "    li t2, {magic}",
        "4:  lw t1, 0(t0)",
        "    bne t1, t2, 4b",
        "    fence r, rw",
        "    fence.i",
        "    li t0, {entry}",
        "    csrr a0, mhartid",
        "    jr t0",
    ],
    go = const control::SUB_GO,
    magic = const control::GO_MAGIC,
    entry = const SUB_ENTRY,
}

/// Releases hart 1 into the sub image. Everything the sub core should see at
/// boot must be published before (SysInfo's `fence_before_sub_core_start`).
pub fn start_sub_core() {
    // SAFETY: the release word in the control page; hart 1 only reads it.
    unsafe { twin_rt::mmio::write32(control::SUB_GO, control::GO_MAGIC) };
}

/// Runs the start-up path again as after a deep sleep: `.bss` zeroed, stack
/// reset, [`crate::main`] from the top. RAM outside the image (the pools, the
/// control page) is left as it is, as RTC RAM keeps its contents.
pub fn reenter_startup() -> ! {
    // SAFETY: jumps to this image's own entry on hart 0, which resets sp and
    // `.bss` before running Rust code again; nothing is returned to.
    unsafe { core::arch::asm!("la t0, _start", "jr t0", options(noreturn)) }
}
