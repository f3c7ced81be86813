//! The twin board: QEMU's riscv32 `virt` machine with two harts, split the way
//! an ESP32-C6 is (main-core RAM, sub-core RAM, an HP pool, an RTC-like pool).
//!
//! This crate is the one place both images and their build scripts take
//! addresses from. It builds for the host too (it is a build-dependency of
//! both images, which write their linker `MEMORY` from it).
#![no_std]

/// A RAM range one image links into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ram {
    pub origin: u32,
    pub length: u32,
}

impl Ram {
    pub const fn end(&self) -> u32 {
        self.origin + self.length
    }
}

/// The main image's RAM (hart 0 runs it; QEMU's `-kernel`).
pub const MAIN_RAM: Ram = Ram { origin: 0x8000_0000, length: 0x20_0000 };
/// The sub image's RAM (hart 1 runs it; QEMU's `-device loader`).
pub const SUB_RAM: Ram = Ram { origin: 0x8020_0000, length: 0x10_0000 };
/// Where hart 1 starts the sub image: the first byte of its RAM, as the
/// ESP32-C6 LP core boots from the start of LP SRAM.
pub const SUB_ENTRY: u32 = SUB_RAM.origin;

/// Memory-mapped devices of QEMU's `virt` machine.
pub mod mmio {
    /// NS16550A UART (`virt` machine's `uart0`).
    pub const UART0: usize = 0x1000_0000;
    /// SiFive test finisher: 0x5555 exits 0, `(code << 16) | 0x3333` exits `code`.
    pub const TEST_FINISHER: usize = 0x10_0000;
}

/// The twin's control page: a few words outside every image and every pool
/// that stand in for the chip's hardware between the cores (the register that
/// releases the sub core, a shared console). Nothing of SysInfo lives here.
pub mod control {
    /// Base address (in QEMU's DRAM, outside every RAM range and pool above).
    pub const BASE: usize = 0x8032_0000;
    /// Bytes reserved for it.
    pub const SIZE: usize = 0x100;
    /// Scenario word, put there by QEMU (`-device loader,addr=..,data=N,data-len=4`).
    pub const SCENARIO: usize = BASE;
    /// Console spin lock (0 free, 1 held): lines of the two harts never mix.
    pub const CONSOLE_LOCK: usize = BASE + 0x04;
    /// Hart 1 waits in the main image's start-up code until this word is
    /// [`GO_MAGIC`], then jumps to [`SUB_ENTRY`](super::SUB_ENTRY).
    pub const SUB_GO: usize = BASE + 0x08;
    /// Handshake word the sub image writes (start-up order scenario).
    pub const SUB_STEP: usize = BASE + 0x0c;
    /// Handshake word the main image writes (start-up order scenario).
    pub const MAIN_STEP: usize = BASE + 0x10;
    /// Deep-sleep count of the main image (models a wake-up cause register).
    pub const MAIN_WAKE: usize = BASE + 0x14;
    /// The value of [`SUB_GO`] that releases hart 1.
    pub const GO_MAGIC: u32 = 0x5ab_c0de;
}

/// The linker `MEMORY` block of an image that links into `ram` (region `RAM`).
pub fn memory_x(ram: &Ram) -> MemoryX {
    MemoryX(*ram)
}

/// `Display`s as a `memory.x` file.
pub struct MemoryX(Ram);

impl core::fmt::Display for MemoryX {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        writeln!(f, "/* Written by build.rs from the twin board description. */")?;
        writeln!(f, "MEMORY\n{{\n    RAM : ORIGIN = {:#010x}, LENGTH = {:#x}\n}}", self.0.origin, self.0.length)
    }
}
