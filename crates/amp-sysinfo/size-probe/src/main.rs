//! Size probe: each `probe_*` function is one public call of the crate,
//! compiled as a sub core would (opt-level "s", LTO), kept out of line so
//! `nm --size-sort` shows what the call costs.
#![no_std]
#![no_main]

use core::ptr::{null_mut, read_volatile};

use amp_sysinfo::{Id, PoolConfig, PoolKind, Reader, Region, Writer};

/// As the devicetree generator emits it for a sub core.
const HP_POOL: PoolConfig = PoolConfig::new(PoolKind::Hp, 0x4087_c000, 0x4000);

/// `Reader::get`: bounds-checked lookup by id. Null on any error.
#[no_mangle]
#[inline(never)]
pub extern "C" fn probe_get(reader: &Reader, id: Id) -> *mut u8 {
    match reader.get(id, PoolKind::Hp) {
        Ok(block) => block.as_ptr(),
        Err(_) => null_mut(),
    }
}

/// `Reader::attach`: header validation. Entry count, or -1.
#[no_mangle]
#[inline(never)]
pub extern "C" fn probe_attach(reader: &mut Reader) -> i32 {
    // SAFETY: measured, never run; on a chip the pool comes from the devicetree.
    let region = unsafe { Region::identity(&HP_POOL) };
    match region.and_then(|r| reader.attach(r, PoolKind::Hp)) {
        Ok(n) => n as i32,
        Err(_) => -1,
    }
}

/// `Writer::alloc` (main core), for comparison.
#[no_mangle]
#[inline(never)]
pub extern "C" fn probe_alloc(writer: &Writer, id: u16, size: u16) -> *mut u8 {
    match Id::new(id).and_then(|id| writer.alloc(id, size, PoolKind::Hp)) {
        Ok(block) => block.as_ptr(),
        Err(_) => null_mut(),
    }
}

static WRITER: Writer = Writer::new();
static mut INPUT: [u32; 3] = [0; 3];

#[no_mangle]
#[link_section = ".text._start"]
pub extern "C" fn _start() -> ! {
    let mut reader = Reader::new();
    // SAFETY: single-threaded probe; volatile reads keep the inputs opaque.
    let id = unsafe { read_volatile(&(*(&raw const INPUT))[2]) as u16 };
    let n = probe_attach(&mut reader);
    let a = probe_get(&reader, Id::from_raw(id).unwrap_or(Id::PM));
    let b = probe_alloc(&WRITER, id, n as u16);
    // SAFETY: keeps the results alive; the probe is never run.
    unsafe { read_volatile(&(a as usize ^ b as usize)) };
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

struct SingleHart;
critical_section::set_impl!(SingleHart);

// SAFETY: one hart; masking machine interrupts makes the section exclusive.
unsafe impl critical_section::Impl for SingleHart {
    unsafe fn acquire() -> bool {
        let mstatus: usize;
        // SAFETY: clears MIE and returns the old mstatus; no memory access.
        unsafe { core::arch::asm!("csrrci {0}, mstatus, 8", out(reg) mstatus) };
        mstatus & 8 != 0
    }
    unsafe fn release(was_enabled: bool) {
        if was_enabled {
            // SAFETY: restores MIE as it was on acquire.
            unsafe { core::arch::asm!("csrsi mstatus, 8") };
        }
    }
}
