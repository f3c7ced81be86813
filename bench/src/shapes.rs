//! The functions the benchmark counts instructions of (on QEMU) and the
//! sub-core shapes whose bytes it measures. Each is `extern "C"`,
//! `#[no_mangle]` and never inlined, so it is one symbol of `nm` and one
//! `jalr` of the instruction counter.

use core::ptr::null_mut;

use amp_sysinfo::{Handle, Id, PoolKind, Reader, Region, Writer};

use crate::POOL;

/// `Reader::get` doing ESP-AMP's `esp_amp_sys_info_get` work: the pool is
/// chosen at run time and the size is returned. NULL on any error.
#[no_mangle]
#[inline(never)]
pub extern "C" fn rust_get(reader: &Reader, id: Id, kind: PoolKind, size: &mut u16) -> *mut u8 {
    match reader.get(id, kind) {
        Ok(block) => {
            *size = block.size();
            block.as_ptr()
        }
        Err(_) => null_mut(),
    }
}

/// `Reader::get_as::<u32>`: the typed lookup (size and alignment checked
/// for the type). NULL on any error.
#[no_mangle]
#[inline(never)]
pub extern "C" fn rust_get_as(reader: &Reader, id: Id, kind: PoolKind) -> *const u32 {
    match reader.get_as::<u32>(id, kind) {
        Ok(shared) => shared.block().as_ptr().cast(),
        Err(_) => core::ptr::null(),
    }
}

/// `Reader::attach` of the devicetree's pool (a constant, as on a sub
/// core): the entry count, or -1.
#[no_mangle]
#[inline(never)]
pub extern "C" fn rust_attach(reader: &mut Reader) -> i32 {
    // SAFETY: the pool is memory that only SysInfo uses (the benchmark's
    // layout keeps it out of the image).
    let region = unsafe { Region::identity(&POOL) };
    match region.and_then(|r| reader.attach(r, PoolKind::Hp)) {
        Ok(n) => n as i32,
        Err(_) => -1,
    }
}

/// `Writer::alloc` (main core) with the pool chosen at run time, as
/// ESP-AMP's `esp_amp_sys_info_alloc`. NULL on any error.
#[no_mangle]
#[inline(never)]
pub extern "C" fn rust_alloc(writer: &Writer, id: u16, size: u16, kind: PoolKind) -> *mut u8 {
    match Id::new(id).and_then(|id| writer.alloc(id, size, kind)) {
        Ok(block) => block.as_ptr(),
        Err(_) => null_mut(),
    }
}

/// One of three lookups a sub core makes from different places: a
/// constant id in the HP pool, its first word read.
#[no_mangle]
#[inline(never)]
pub extern "C" fn site_config(reader: &Reader) -> u32 {
    match reader.get_as::<u32>(Id::from_raw(0x0001).unwrap_or(Id::PM), PoolKind::Hp) {
        Ok(v) => v.read(),
        Err(_) => 0,
    }
}

/// One of three lookups: a constant reserved id in the RTC pool.
#[no_mangle]
#[inline(never)]
pub extern "C" fn site_pm(reader: &Reader) -> *mut u8 {
    match reader.get(Id::PM, PoolKind::Rtc) {
        Ok(block) => block.as_ptr(),
        Err(_) => null_mut(),
    }
}

/// `Handle::get` of a cached handle (events-style repeated access): the
/// block's pointer, NULL once the handle is stale.
#[no_mangle]
#[inline(never)]
pub extern "C" fn rust_handle_get(handle: &Handle) -> *mut u8 {
    match handle.as_ptr() {
        Ok(ptr) => ptr.as_ptr(),
        Err(_) => null_mut(),
    }
}

/// `Reader::handle`: finds the block once (a full lookup). False on any
/// error.
#[no_mangle]
#[inline(never)]
pub extern "C" fn rust_handle_new(
    reader: &Reader,
    id: Id,
    kind: PoolKind,
    out: &mut Option<Handle>,
) -> bool {
    *out = reader.handle(id, kind).ok();
    out.is_some()
}

/// The scaffolding every shape image shares: an input the optimiser cannot
/// see through, an output it must keep, and the idle loop.
pub mod io {
    use core::ptr::{addr_of, addr_of_mut, read_volatile, write_volatile};

    use amp_sysinfo::{Id, PoolKind};

    static mut INPUT: [u32; 4] = [0; 4];
    static mut OUTPUT: usize = 0;

    /// Input word `i` (below 4), read volatile.
    #[inline(always)]
    pub fn input(i: usize) -> u32 {
        // SAFETY: single hart, and `INPUT` is only ever read; volatile
        // keeps the value opaque.
        unsafe { read_volatile(addr_of!(INPUT[i])) }
    }

    /// Input word `i` as an id (`Id::PM` for 0xffff).
    #[inline(always)]
    pub fn input_id(i: usize) -> Id {
        Id::from_raw(input(i) as u16).unwrap_or(Id::PM)
    }

    /// Input word `i` as a pool: RTC if non-zero.
    #[inline(always)]
    pub fn input_kind(i: usize) -> PoolKind {
        if input(i) != 0 {
            PoolKind::Rtc
        } else {
            PoolKind::Hp
        }
    }

    /// Keeps `v` live (volatile store).
    #[inline(always)]
    pub fn output(v: usize) {
        // SAFETY: single hart; the only writer of `OUTPUT`.
        unsafe { write_volatile(addr_of_mut!(OUTPUT), v) }
    }

    /// Idles for ever.
    #[inline(always)]
    pub fn park() -> ! {
        loop {
            riscv::asm::wfi();
        }
    }
}
