//! The start-up path both images share, as a macro: each image's `_start` is
//! assembled in that image (its entry, its symbols), around the same core.

/// Defines the image's `_start` in `.text.start` (the linker script puts it at
/// the image's first byte): `before` (assembly lines), then set the stack to
/// `_stack_top`, zero `.bss` (`__bss_start`..`__bss_end`, word by word) and
/// call `main` (a `fn() -> !`, through an `extern "C"` fn `main_entry` this
/// macro defines in the calling module), then `after` (reached only by
/// branching to it from `before`, as `main` does not return). Further
/// `name = const value` operands are passed on to `global_asm!` for `before`
/// and `after`, which must not define the local labels `1:` and `2:` (used
/// here) but may branch to `2b` (the call of `main`).
///
/// ```ignore
/// twin_rt::start! {
///     main = crate::main,
///     before = [],
///     after = ["    j 2b"],
/// }
/// ```
#[macro_export]
macro_rules! start {
    (
        main = $main:path,
        before = [$($before:literal),* $(,)?],
        after = [$($after:literal),* $(,)?]
        $(, $name:ident = const $value:expr)* $(,)?
    ) => {
        ::core::arch::global_asm!(
            ".section .text.start, \"ax\"",
            ".global _start",
            "_start:",
            $($before,)*
            "    la sp, _stack_top",
            "    la t0, __bss_start",
            "    la t1, __bss_end",
            "1:  bgeu t0, t1, 2f",
            "    sw zero, 0(t0)",
            "    addi t0, t0, 4",
            "    j 1b",
            "2:  call {main}",
            $($after,)*
            main = sym main_entry,
            $($name = const $value,)*
        );

        extern "C" fn main_entry() -> ! {
            $main()
        }
    };
}
