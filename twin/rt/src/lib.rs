//! What both twin images need besides riscv-rt (start-up) and the `riscv`
//! crate (single-hart critical section): a console whose lines never mix
//! between harts, an exit through QEMU's test finisher, timed waits on the
//! CLINT and a panic report.
#![no_std]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

pub mod console;
pub mod exit;
pub mod mmio;
pub mod time;

pub use console::Console;
pub use exit::{exit, panic_report};
