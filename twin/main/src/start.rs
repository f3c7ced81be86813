//! Start-up of the main image, on riscv-rt. Both harts of the `virt` machine
//! begin at this image's `_start` (QEMU's reset code jumps to the `-kernel`
//! entry with `a0 = mhartid`); riscv-rt gives each hart its own stack and
//! asks [`_mp_hook`](self) which hart initialises RAM. Hart 0 does, and runs
//! [`crate::main`]. Hart 1 never returns from the hook: it waits in the
//! control page until the main image releases it, then jumps to the sub
//! image's entry, as the ESP32-C6 HP core releases the LP core.

use twin_board::control;

use crate::sub_image::SUB_ENTRY;

// riscv-rt's `_mp_hook(hartid) -> bool`, called before `.data`/`.bss` are
// set up (so in assembly, touching no RAM of the image): true on hart 0; on
// hart 1, a wait for the release word and a jump into the sub image with
// `a0 = mhartid`.
core::arch::global_asm!(
    ".section .text._mp_hook, \"ax\"",
    ".global _mp_hook",
    "_mp_hook:",
    "    beqz a0, 2f",
    "    li t0, {go}",
    "    li t2, {magic}",
    "1:  lw t1, 0(t0)",
    "    bne t1, t2, 1b",
    "    fence r, rw",
    "    fence.i",
    "    li t0, {entry}",
    "    csrr a0, mhartid",
    "    jr t0",
    "2:  li a0, 1",
    "    ret",
    go = const control::SUB_GO,
    magic = const control::GO_MAGIC,
    entry = const SUB_ENTRY,
);

/// Releases hart 1 into the sub image. Everything the sub core should see at
/// boot must be published before (SysInfo's `fence_before_sub_core_start`).
pub fn start_sub_core() {
    // SAFETY: the release word in the control page; hart 1 only reads it.
    unsafe { twin_rt::mmio::write32(control::SUB_GO, control::GO_MAGIC) };
}

/// Runs the start-up path again as after a deep sleep: riscv-rt's `_start`
/// on hart 0 resets the stack, copies `.data`, zeroes `.bss` and runs
/// [`crate::main`] from the top. RAM outside the image (the pools, the
/// control page) is left as it is, as RTC RAM keeps its contents.
pub fn reenter_startup() -> ! {
    // SAFETY: jumps to this image's own entry on hart 0, which resets sp,
    // `.data` and `.bss` before running Rust code again; nothing is returned to.
    unsafe { core::arch::asm!("la t0, _start", "jr t0", options(noreturn)) }
}
