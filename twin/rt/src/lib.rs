//! What both twin images need besides their start-up code: a console whose
//! lines never mix between harts, an exit through QEMU's test finisher, a
//! critical section for one hart, and a panic report.
//!
//! Start-up code (`_start`, stack, `.bss`) and linker scripts live beside each
//! image (`main/`, `sub/`): the two differ in entry and layout.
#![no_std]

pub mod console;
mod critical_section;
pub mod exit;
pub mod mmio;
pub mod time;

pub use console::Console;
pub use exit::{exit, panic_report};
