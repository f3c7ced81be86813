//! What both twin images need besides their start-up code: a console whose
//! lines never mix between harts, an exit through QEMU's test finisher, a
//! critical section for one hart, and a panic report.
//!
//! The core of the start-up code (stack, `.bss`, the call of `main`) is the
//! macro [`start!`]; each image's `_start` (`main/`, `sub/`) wraps it in what
//! only that image does (which hart goes where), and its linker script lives
//! beside it: the two differ in entry and layout.
#![no_std]

pub mod console;
mod critical_section;
pub mod exit;
pub mod mmio;
mod start;
pub mod time;

pub use console::Console;
pub use exit::{exit, panic_report};
