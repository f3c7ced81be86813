//! Start-up of the sub image: hart 1 arrives here (the first byte of the sub
//! image's RAM) once the main image releases it. Sets the stack, zeroes
//! `.bss`, runs [`crate::main`].

core::arch::global_asm!(
    ".section .text.start, \"ax\"",
    ".global _start",
    "_start:",
    "    la sp, _stack_top",
    "    la t0, __bss_start",
    "    la t1, __bss_end",
    "1:  bgeu t0, t1, 2f",
    "    sw zero, 0(t0)",
    "    addi t0, t0, 4",
    "    j 1b",
    "2:  call {main}",
    "    j 2b",
    main = sym main_entry,
);

extern "C" fn main_entry() -> ! {
    crate::main()
}
