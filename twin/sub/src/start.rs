//! Start-up of the sub image, on riscv-rt: hart 1 arrives at `_start` (the
//! first byte of the sub image's RAM) once the main image releases it.
//! riscv-rt's `_mp_hook(hartid) -> bool` says which hart initialises RAM;
//! only hart 1 ever runs this image, so it always answers true.
core::arch::global_asm!(
    ".section .text._mp_hook, \"ax\"",
    ".global _mp_hook",
    "_mp_hook:",
    "    li a0, 1",
    "    ret",
);
