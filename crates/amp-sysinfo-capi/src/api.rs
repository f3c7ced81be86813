//! The exported C functions (`include/esp_amp_sys_info.h`). Every failure
//! returns NULL or -1 and records its reason ([`esp_amp_sys_info_last_error`]);
//! every success records "ok".

use core::ffi::{c_char, c_int, c_void};

use amp_sysinfo::{Block, Id, PoolKind};

use crate::abi::{esp_amp_sys_info_cap_t, esp_amp_sys_info_log_fn_t};
use crate::pools;
use crate::report::{self, Failure, Op};

fn kind_of(cap: esp_amp_sys_info_cap_t) -> Result<PoolKind, Failure> {
    cap.kind().ok_or(Failure::InvalidCap)
}

/// The pointer of a block, or NULL with the reason recorded.
fn block_or_null(op: Op, result: Result<Block, Failure>) -> *mut c_void {
    match result {
        Ok(block) => {
            report::succeeded();
            block.as_ptr().cast()
        }
        Err(failure) => {
            report::failed(op, failure);
            core::ptr::null_mut()
        }
    }
}

/// 0, or -1 with the reason recorded.
fn status(op: Op, result: Result<(), Failure>) -> c_int {
    match result {
        Ok(()) => {
            report::succeeded();
            0
        }
        Err(failure) => {
            report::failed(op, failure);
            -1
        }
    }
}

/// The ids `esp_amp_sys_info_alloc` and `esp_amp_sys_info_get` take: every
/// id but 0xffff (`SYS_INFO_ID_MAX`, never a valid entry), which gives
/// "reserved id". The reserved range 0xff00..=0xfffe ("the upper half is
/// reserved for ESP-AMP internal use") is open through the C API because
/// ESP-AMP's internal users (its event, virtqueue, PM and system components)
/// are C code calling this same API, and the library cannot tell them from
/// an application; keeping out of that range is the application's side of
/// the contract, as in ESP-AMP. (The Rust API does check it: `Id::new`
/// refuses reserved ids, `Id::from_raw` is for internal services.)
///
/// ```
/// use amp_sysinfo::{Error, Id};
/// use amp_sysinfo_capi::api::alloc_id;
/// assert_eq!(alloc_id(0x0001), Ok(Id::new(1).unwrap()));
/// assert_eq!(alloc_id(0xff05), Ok(Id::PM));
/// assert_eq!(alloc_id(0xff06).map(Id::raw), Ok(0xff06));
/// assert_eq!(alloc_id(0xfffe).map(Id::raw), Ok(0xfffe));
/// assert_eq!(alloc_id(0xffff), Err(Error::ReservedId));
/// ```
pub fn alloc_id(raw: u16) -> Result<Id, amp_sysinfo::Error> {
    Id::from_raw(raw)
}

/// Allocates a zero-filled, 4-byte aligned block of `size` bytes with id
/// `info_id` in pool `cap` and publishes it; NULL on any error. Main core
/// only (not built with the `sub-core` feature, as in ESP-AMP).
#[cfg(not(feature = "sub-core"))]
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_alloc(
    info_id: u16,
    size: u16,
    cap: esp_amp_sys_info_cap_t,
) -> *mut c_void {
    let result = kind_of(cap).and_then(|kind| Ok(pools::alloc(alloc_id(info_id)?, size, kind)?));
    block_or_null(Op::alloc(info_id, cap), result)
}

/// The published block with id `info_id` in pool `cap`; its size goes to
/// `*size` unless `size` is NULL. NULL on any error (then `*size` is left
/// alone).
///
/// # Safety
/// `size` is NULL or valid for a `uint16_t` write.
#[no_mangle]
pub unsafe extern "C" fn esp_amp_sys_info_get(
    info_id: u16,
    size: *mut u16,
    cap: esp_amp_sys_info_cap_t,
) -> *mut c_void {
    let result = kind_of(cap).and_then(|kind| {
        Ok(pools::get(alloc_id(info_id)?, kind)?)
    });
    if let (Ok(block), false) = (&result, size.is_null()) {
        // SAFETY: non-null, and valid for a write by the caller's contract.
        unsafe { size.write(block.size()) };
    }
    block_or_null(Op::get(info_id, cap), result)
}

/// Main core: formats every configured pool. Sub core: attaches to the
/// tables the main core formatted. 0, or -1 on error.
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_init() -> c_int {
    status(Op::INIT, pools::init())
}

/// Prints every pool's table through the log sink and `log`.
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_dump() {
    if report::has_output() {
        pools::dump();
    }
}

/// Where pool `cap` is: `size` bytes at bus address `bus_addr`, seen by this
/// core at `local`; `max_entries` 0 means the default (16). 0, or -1 on error.
///
/// # Safety
/// `local..local + size` is valid for reads and writes for the rest of the
/// program and used for nothing but this library's pool.
#[no_mangle]
pub unsafe extern "C" fn esp_amp_sys_info_set_pool(
    cap: esp_amp_sys_info_cap_t,
    local: *mut c_void,
    bus_addr: u32,
    size: u32,
    max_entries: u16,
) -> c_int {
    let result = kind_of(cap).and_then(|kind| {
        // SAFETY: forwarded to our caller.
        unsafe { pools::configure(kind, local.cast(), bus_addr, size, max_entries) }
    });
    status(Op::set_pool(cap), result)
}

/// Why the most recent call failed ("ok" if it succeeded): static,
/// NUL-terminated, never NULL.
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_last_error() -> *const c_char {
    report::last().as_ptr()
}

/// Sends failure reasons and `dump` lines to `sink`; NULL turns it off.
///
/// # Safety
/// `sink` is NULL or a function that may be called with a NUL-terminated line
/// from any later call of this API, and that does not call this API itself.
#[no_mangle]
pub unsafe extern "C" fn esp_amp_sys_info_set_log(sink: esp_amp_sys_info_log_fn_t) {
    report::set_sink(sink);
}

/// The fence to execute after the last allocation and before the MMIO write
/// that starts the sub core (`fence rw, iorw` on RISC-V).
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_fence_before_sub_core_start() {
    amp_sysinfo::fence_before_sub_core_start();
}
