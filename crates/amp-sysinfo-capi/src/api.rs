//! The exported C functions (`include/esp_amp_sys_info.h`). Every failure
//! returns NULL or -1 and records its reason ([`esp_amp_sys_info_last_error`]);
//! every success records "ok".

use core::ffi::{c_char, c_int, c_void};

use amp_sysinfo::{Block, Id, PoolKind};

use crate::abi::{esp_amp_sys_info_cap_t, esp_amp_sys_info_log_fn_t};
use crate::pools;
use crate::report::{self, Code, Op};

fn kind_of(cap: esp_amp_sys_info_cap_t) -> Result<PoolKind, Code> {
    cap.kind().ok_or(report::INVALID_CAP)
}

/// The pointer of a block, or NULL, with the outcome recorded.
#[inline]
fn block_or_null(op: Op, result: Result<Block, Code>) -> *mut c_void {
    let (ptr, code) = match result {
        Ok(block) => (block.as_ptr().cast(), 0),
        Err(code) => (core::ptr::null_mut(), code),
    };
    report::record(op, code);
    ptr
}

/// 0, or -1 on a failure, with the outcome recorded.
#[inline]
fn status(op: Op, code: Code) -> c_int {
    report::record(op, code);
    if code == 0 {
        0
    } else {
        -1
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

/// Allocate a zero-filled, 4-byte aligned block of `size` bytes with id
/// `info_id` in pool `cap` and publish it. Main core only: the sub-core
/// build (cargo feature `sub-core`) does not define it, as ESP-AMP's
/// sub-core build does not.
///
/// @retval NULL on any error (reason: esp_amp_sys_info_last_error())
/// @retval pointer to the block as this core sees it
#[cfg(not(feature = "sub-core"))]
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_alloc(
    info_id: u16,
    size: u16,
    cap: esp_amp_sys_info_cap_t,
) -> *mut c_void {
    let result = kind_of(cap).and_then(|kind| {
        let id = alloc_id(info_id).map_err(report::code)?;
        pools::alloc(id, size, kind).map_err(report::code)
    });
    block_or_null(Op::alloc(info_id, cap), result)
}

/// Find the published block with id `info_id` in pool `cap`. If `size` is not
/// NULL, the block's size is stored there (left alone on error).
///
/// @retval NULL on any error (reason: esp_amp_sys_info_last_error())
/// @retval pointer to the block as this core sees it
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
        let id = alloc_id(info_id).map_err(report::code)?;
        pools::get(id, kind).map_err(report::code)
    });
    if let (Ok(block), false) = (&result, size.is_null()) {
        // SAFETY: non-null, and valid for a write by the caller's contract.
        unsafe { size.write(block.size()) };
    }
    block_or_null(Op::get(info_id, cap), result)
}

/// Main core: format every pool given to esp_amp_sys_info_set_pool().
/// Sub core: attach to (validate) the tables the main core formatted.
///
/// @retval 0 if successful
/// @retval -1 on error (reason: esp_amp_sys_info_last_error()); a sub core
///         gets -1 with "no valid table (not ready)" until the main core has
///         formatted the pool, and may retry. After -1 no pool is open (get
///         and alloc give "pool absent"), never one of an earlier init; the
///         pools given to esp_amp_sys_info_set_pool() stay, for the retry.
///         Needs esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, ...) first: the
///         Zephyr module's glue does it from the devicetree before main();
///         bare-metal glue makes that one call itself. The `linked-pools`
///         build reads the pools from the image's `esp_amp_sys_info_pools`
///         at every call instead (HP `local` NULL: "pool absent"; a
///         description set_pool would refuse: its reason).
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_init() -> c_int {
    status(Op::INIT, pools::init())
}

/// Print every pool's table (id, size, bus address of each block) through the
/// log sink (esp_amp_sys_info_set_log()) and the Rust `log` crate. On Zephyr
/// the module's glue sets the sink to printk before main(), so this prints to
/// the console by default; on bare metal the platform glue calls
/// esp_amp_sys_info_set_log() once with its console's line printer (without
/// a sink and without the `log` feature nothing is printed).
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_dump() {
    if report::has_output() {
        pools::dump();
    }
}

/// Not in ESP-AMP. Tell the library where pool `cap` is, before
/// esp_amp_sys_info_init(): it is `size` bytes at bus address `bus_addr`,
/// seen by this core at `local` (on the ESP32-C6/C5/P4
/// `local == (void *)bus_addr`). The platform glue calls it with the
/// devicetree's `reserved-memory` node. `local`, `bus_addr` and `size` must
/// be 16-byte aligned. `max_entries` is the table capacity when the main core
/// formats the pool (0: the default, 16); a sub core reads it from the table.
/// A main core refuses a `max_entries` whose table and one 4-byte block do
/// not fit in `size` ("pool too small for its table"). The bus range may end
/// exactly at 4 GiB, not past it.
/// Every call, failed or not, first forgets pool `cap` (its description and
/// the table init opened with it): after a failure the library has no such
/// pool ("pool absent"), never the old one; after a success, call init again.
///
/// @retval 0 if successful
/// @retval -1 on error (reason: esp_amp_sys_info_last_error())
///
/// Not defined by the `linked-pools` build (a link error), whose image
/// defines `esp_amp_sys_info_pools` instead.
///
/// # Safety
/// `local..local + size` is valid for reads and writes for the rest of the
/// program and used for nothing but this library's pool.
#[cfg(not(feature = "linked-pools"))]
#[no_mangle]
pub unsafe extern "C" fn esp_amp_sys_info_set_pool(
    cap: esp_amp_sys_info_cap_t,
    local: *mut c_void,
    bus_addr: u32,
    size: u32,
    max_entries: u16,
) -> c_int {
    let code = match kind_of(cap) {
        // SAFETY: forwarded to our caller.
        Ok(kind) => unsafe { pools::configure(kind, local.cast(), bus_addr, size, max_entries) },
        Err(code) => code,
    };
    status(Op::set_pool(cap), code)
}

/// Not in ESP-AMP. Why the most recent call of this API on this core failed:
/// a static, NUL-terminated string, "ok" if it succeeded. Never NULL.
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_last_error() -> *const c_char {
    report::last().as_ptr()
}

/// Not in ESP-AMP. Send error reasons and esp_amp_sys_info_dump()'s lines to
/// `sink` (e.g. a function calling printk("%s\n", line)); NULL turns it off
/// (the default). The sub-core build, and a main-core build without the
/// `log-failures` feature (Zephyr: CONFIG_ESP_AMP_SYS_INFO_C_API_LOG_FAILURES=n),
/// send dump lines only: a failing call there stores its error code and
/// nothing else (read it with esp_amp_sys_info_last_error()), so the image
/// does not pay for building log lines.
///
/// # Safety
/// `sink` is NULL or a function that may be called with a NUL-terminated line
/// from any later call of this API, and that does not call this API itself.
#[no_mangle]
pub unsafe extern "C" fn esp_amp_sys_info_set_log(sink: esp_amp_sys_info_log_fn_t) {
    report::set_sink(sink);
}

/// Not in ESP-AMP. The fence the main core must execute after its last
/// allocation and before the MMIO write that starts the sub core
/// (`fence rw, iorw` on RISC-V).
#[no_mangle]
pub extern "C" fn esp_amp_sys_info_fence_before_sub_core_start() {
    amp_sysinfo::fence_before_sub_core_start();
}
