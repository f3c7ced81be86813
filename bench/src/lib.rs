//! Scaffolding of the benchmark images (QEMU riscv32 `virt`): console,
//! exit, the platform glue's critical-section hooks of the C API, the
//! instruction counter, and the sub-core *shapes* whose bytes are measured.
//!
//! Every image links this crate; what an image does not call is dropped by
//! the linker, so the shape images differ from `shape-base` only by what
//! SysInfo costs them.
#![no_std]

use core::arch::asm;
use core::fmt;

use amp_sysinfo::{Id, PoolConfig, PoolKind, Region, Writer};

pub mod shapes;

// The panic handler of every image (see Cargo.toml).
use amp_sysinfo_capi as _;

/// The ns16550 UART of QEMU `virt`.
const UART: usize = 0x1000_0000;
/// The SiFive test device of QEMU `virt`: 0x5555 = pass, 0x3333 | code << 16 = fail.
const TEST_DEVICE: usize = 0x10_0000;

/// Console on the UART (polled; QEMU needs no set-up).
pub struct Console;

impl fmt::Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            // SAFETY: the UART's registers on QEMU `virt`: LSR at +5 (bit 5:
            // transmit holding register empty), THR at +0.
            unsafe {
                while core::ptr::read_volatile((UART + 5) as *const u8) & 0x20 == 0 {}
                core::ptr::write_volatile(UART as *mut u8, b);
            }
        }
        Ok(())
    }
}

/// Ends QEMU through the test device: exit status 0 for `ok`, 1 otherwise.
pub fn exit(ok: bool) -> ! {
    let word = if ok { 0x5555 } else { 0x3333 | 1 << 16 };
    // SAFETY: the test device's only register.
    unsafe { core::ptr::write_volatile(TEST_DEVICE as *mut u32, word) };
    loop {
        riscv::asm::wfi();
    }
}

/// The C API's `port-critical-section` hooks, as a single-hart sub core's
/// platform glue defines them: mask machine interrupts, restore them.
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_port_critical_enter() -> u32 {
    let mstatus: u32;
    // SAFETY: clears mstatus.MIE, returns the old mstatus; no memory access.
    unsafe { asm!("csrrci {0}, mstatus, 8", out(reg) mstatus) };
    mstatus & 8
}

/// See [`esp_amp_sys_info_port_critical_enter`].
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_port_critical_exit(state: u32) {
    if state != 0 {
        // SAFETY: sets mstatus.MIE back as it was.
        unsafe { asm!("csrsi mstatus, 8") };
    }
}

/// Instructions retired between two reads of `minstret` with nothing in
/// between (the calibration: subtracted from every measurement).
#[inline(always)]
pub fn empty() -> u32 {
    let (start, end): (u32, u32);
    // SAFETY: reads a counter CSR.
    unsafe {
        asm!("csrr {0}, minstret", "csrr {1}, minstret", out(reg) start, out(reg) end, options(nostack))
    };
    end.wrapping_sub(start)
}

/// Instructions retired by ten `nop`s, as measured (the check of
/// the method: 10 `nop`s read as 11 before calibration).
#[inline(always)]
pub fn ten_nops() -> u32 {
    let (start, end): (u32, u32);
    // SAFETY: reads a counter CSR.
    unsafe {
        asm!(
            "csrr {0}, minstret",
            "nop", "nop", "nop", "nop", "nop", "nop", "nop", "nop", "nop", "nop",
            "csrr {1}, minstret",
            out(reg) start, out(reg) end, options(nostack)
        )
    };
    end.wrapping_sub(start)
}

/// Measures one call of the C-ABI function at `f` with `args` (at most four,
/// in `a0..`): `minstret` is read, the arguments are moved into place (one
/// `mv` each, as a caller's set-up), the function is called (`jalr`), and
/// `minstret` is read again. Returns the raw count (calibrate with
/// [`empty`]) and the function's `a0`.
#[inline(always)]
pub fn call(f: usize, args: &[usize]) -> (u32, usize) {
    let a = [
        args.first().copied().unwrap_or(0),
        args.get(1).copied().unwrap_or(0),
        args.get(2).copied().unwrap_or(0),
        args.get(3).copied().unwrap_or(0),
    ];
    let (start, end, ret): (u32, u32, usize);
    // SAFETY: `f` is an `extern "C"` function taking `args.len()` word
    // arguments (callers pass them so); start/end live in callee-saved
    // registers across the call, everything else is clobbered per the C ABI.
    unsafe {
        match args.len() {
            0 => asm!("csrr s2, minstret", "jalr ra, 0(t0)", "csrr s3, minstret",
                in("t0") f, out("s2") start, out("s3") end, lateout("a0") ret, clobber_abi("C")),
            1 => asm!("csrr s2, minstret", "mv a0, t3", "jalr ra, 0(t0)", "csrr s3, minstret",
                in("t0") f, in("t3") a[0], out("s2") start, out("s3") end, lateout("a0") ret, clobber_abi("C")),
            2 => {
                asm!("csrr s2, minstret", "mv a0, t3", "mv a1, t4", "jalr ra, 0(t0)", "csrr s3, minstret",
                in("t0") f, in("t3") a[0], in("t4") a[1], out("s2") start, out("s3") end, lateout("a0") ret, clobber_abi("C"))
            }
            3 => {
                asm!("csrr s2, minstret", "mv a0, t3", "mv a1, t4", "mv a2, t5", "jalr ra, 0(t0)", "csrr s3, minstret",
                in("t0") f, in("t3") a[0], in("t4") a[1], in("t5") a[2], out("s2") start, out("s3") end, lateout("a0") ret, clobber_abi("C"))
            }
            _ => {
                asm!("csrr s2, minstret", "mv a0, t3", "mv a1, t4", "mv a2, t5", "mv a3, t6", "jalr ra, 0(t0)", "csrr s3, minstret",
                in("t0") f, in("t3") a[0], in("t4") a[1], in("t5") a[2], in("t6") a[3], out("s2") start, out("s3") end, lateout("a0") ret, clobber_abi("C"))
            }
        }
    }
    (end.wrapping_sub(start), ret)
}

/// The HP pool of every benchmark image, a constant as the devicetree
/// generator emits it for a sub core: 16 KiB (the ESP32-C6's HP pool size)
/// at 0x8010_0000, in QEMU `virt`'s RAM but outside the images' 1 MiB. Like
/// the C6's 0x4087_c000 it is one `lui` away.
pub const POOL: PoolConfig = PoolConfig::new(PoolKind::Hp, 0x8010_0000, 0x4000);

/// Formats `region` as an HP pool of `max_entries` entries holding blocks
/// of 4 bytes with ids `1..=n` (the main core's side of the benchmark).
pub fn publish(
    writer: &Writer,
    region: Region,
    max_entries: u16,
    n: u16,
) -> Result<(), amp_sysinfo::Error> {
    let cfg = PoolConfig {
        kind: PoolKind::Hp,
        bus_base: region.bus_base(),
        size: region.size(),
        max_entries,
    };
    writer.init(region, &cfg)?;
    for raw in 1..=n {
        writer.alloc(Id::new(raw)?, 4, PoolKind::Hp)?;
    }
    Ok(())
}
