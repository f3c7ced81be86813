//! Start-up of the sub image: hart 1 arrives here (the first byte of the sub
//! image's RAM) once the main image releases it. Sets the stack, zeroes
//! `.bss`, runs [`crate::main`] (the shared [`twin_rt::start!`]).

twin_rt::start! {
    main = crate::main,
    before = [],
    after = ["    j 2b"],
}
