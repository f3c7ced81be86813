//! The twin board: QEMU's riscv32 `virt` machine with two harts, split the way
//! an ESP32-C6 is (main-core RAM, sub-core RAM, an HP pool, an RTC-like pool).
//!
//! The memory layout (each image's RAM, the pools, the sub image's entry) is
//! not here: both images' build scripts take it from the twin's devicetree,
//! `boards/qemu/twin/twin.dts` with `twin_main.overlay` / `twin_sub.overlay`,
//! through the `amp-sysinfo-dt` generator. The twin's control page is there
//! too (`twin_control`); this crate's build script reads its place from the
//! same devicetree, and this crate holds the words in it and the devices the
//! runtime drives. With the feature `build` (host only, for the images' build
//! scripts) it also links an image from that devicetree (module `build`).
#![no_std]

#[cfg(feature = "build")]
pub mod build;

/// Memory-mapped devices of QEMU's `virt` machine.
pub mod mmio {
    /// NS16550A UART (`virt` machine's `uart0`).
    pub const UART0: usize = 0x1000_0000;
    /// SiFive test finisher: 0x5555 exits 0, `(code << 16) | 0x3333` exits `code`.
    pub const TEST_FINISHER: usize = 0x10_0000;
    /// CLINT `mtime`, the 64-bit machine timer shared by both harts.
    pub const CLINT_MTIME: usize = 0x0200_bff8;
    /// `mtime` ticks per second (the devicetree's `timebase-frequency`).
    pub const MTIME_HZ: u64 = 10_000_000;
}

/// The twin's control page: a few words outside every image and every pool
/// that stand in for the chip's hardware between the cores (the register that
/// releases the sub core, a shared console). Nothing of SysInfo lives here.
pub mod control {
    // `BASE` and `SIZE`: the devicetree node `twin_control`
    // (`/reserved-memory/memory@80320000` in `boards/qemu/twin/twin.dts`, in
    // `ram_shared` above both pools, outside both images' RAM), written by
    // this crate's build.rs. The generator keeps the pools clear of it and
    // cuts it out of every image's `memory.x`; `cargo xtask twin-test` reads
    // the same node and checks that no image section and no pool overlaps it.
    include!(concat!(env!("OUT_DIR"), "/control.rs"));

    /// Scenario word, put there by QEMU (`-device loader,addr=..,data=N,data-len=4`;
    /// `cargo xtask` gives the base of the devicetree's `twin_control`, so
    /// this word stays at offset 0).
    pub const SCENARIO: usize = BASE;
    /// Console spin lock (0 free, 1 held): lines of the two harts never mix.
    pub const CONSOLE_LOCK: usize = BASE + 0x04;
    /// Hart 1 waits in the main image's start-up code until this word is
    /// [`GO_MAGIC`], then jumps to the sub image's entry (the first byte of
    /// its RAM, as the ESP32-C6 LP core boots from the start of LP SRAM).
    pub const SUB_GO: usize = BASE + 0x08;
    /// Handshake word the sub image writes (start-up order scenario).
    pub const SUB_STEP: usize = BASE + 0x0c;
    /// Handshake word the main image writes (start-up order scenario).
    pub const MAIN_STEP: usize = BASE + 0x10;
    /// Deep-sleep count of the main image (models a wake-up cause register).
    pub const MAIN_WAKE: usize = BASE + 0x14;
    /// Hold word, put there by QEMU like the scenario word (0 if not given).
    /// Nonzero: after its verdict the main image keeps QEMU running instead of
    /// ending it, so the pools can be read through QEMU's monitor (the CLI's
    /// `qemu_twin` test). The test finisher would end QEMU at once: QEMU 7.2's
    /// SiFive finisher calls `exit()`, which `-action shutdown=pause` does not
    /// stop.
    pub const HOLD: usize = BASE + 0x18;
    /// The value of [`SUB_GO`] that releases hart 1.
    pub const GO_MAGIC: u32 = 0x5ab_c0de;
    /// The value of [`SUB_STEP`] once the sub core has seen enough attaches
    /// in the re-format scenario.
    pub const REFORMAT_DONE: u32 = 0x7e_f0a7;

    // Every word above lies in the page the devicetree reserves.
    const _: () = assert!(BASE % 4 == 0 && HOLD + 4 <= BASE + SIZE);
}

/// What one run shows, chosen by the scenario word QEMU puts in the control
/// page (`cargo xtask demo [scenario]`, `cargo xtask twin-test`).
pub mod scenario {
    /// Publish, start the sub core, publish more; the sub core checks all.
    pub const NORMAL: u32 = 1;
    /// Allocate up to the table limits while the sub core polls lookups.
    pub const STRESS: u32 = 2;
    /// Normal, then deep sleep: re-attach the RTC pool, format HP anew, again.
    pub const RETAINED: u32 = 3;
    /// The sub core starts first: garbage, then zeroes, then the table.
    pub const START_ORDER: u32 = 4;
    /// Fault injection: the main core damages a published block behind the
    /// table's back; the sub core must catch it and the run must fail.
    pub const FAULT: u32 = 5;
    /// Stress done wrong: each item is published zero-filled and filled
    /// later; the sub core must count inconsistencies and the run must fail.
    pub const TORN: u32 = 6;
    /// The main core formats the HP pool over and over (as if it kept
    /// rebooting) while the sub core attaches over and over: every attach
    /// sees one table whole or "not ready", never "corrupt".
    pub const REFORMAT: u32 = 7;

    /// The scenario a word selects (0, no word given, is [`NORMAL`]).
    pub const fn from_word(word: u32) -> Option<u32> {
        match word {
            0 => Some(NORMAL),
            NORMAL | STRESS | RETAINED | START_ORDER | FAULT | TORN | REFORMAT => Some(word),
            _ => None,
        }
    }

    pub const fn name(scenario: u32) -> &'static str {
        match scenario {
            NORMAL => "normal",
            STRESS => "stress",
            RETAINED => "retained pool",
            START_ORDER => "bad start order",
            FAULT => "fault injection",
            TORN => "stress, publish then fill",
            REFORMAT => "attach during formats",
            _ => "unknown",
        }
    }
}
