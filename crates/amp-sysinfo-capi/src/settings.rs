//! Where the pools are, as `esp_amp_sys_info_set_pool` describes them: every
//! build but `linked-pools`, whose image defines them instead
//! (module `linked`).

use core::cell::Cell;

use amp_sysinfo::format::{BLOCK_ALIGN, DEFAULT_MAX_ENTRIES};
use amp_sysinfo::{table_bytes, Error, PoolKind, Region};
use critical_section::Mutex;

use crate::report::{self, Code};

/// A pool as `esp_amp_sys_info_set_pool` described it.
#[derive(Debug, Clone, Copy)]
pub struct PoolSetting {
    /// Where it is, locally and on the bus.
    pub region: Region,
    /// Table capacity when the main core formats it (a sub core reads the
    /// capacity from the table instead).
    #[cfg_attr(feature = "sub-core", allow(dead_code))]
    pub max_entries: u16,
}

/// Index: `PoolKind as usize`. One cell per pool, so that reading or
/// setting one copies one setting (a few words), never the array (which
/// would take `memcpy` into a sub-core image).
pub(crate) static SETTINGS: [Mutex<Cell<Option<PoolSetting>>>; 2] =
    [Mutex::new(Cell::new(None)), Mutex::new(Cell::new(None))];

/// Records where pool `kind` is; returns the outcome.
///
/// # Safety
/// `local..local + size` must be valid for reads and writes for the rest of
/// the program and used only through this library (the header's contract of
/// `esp_amp_sys_info_set_pool`).
pub unsafe fn configure(
    kind: PoolKind,
    local: *mut u8,
    bus_base: u32,
    size: u32,
    max_entries: u16,
) -> Code {
    // Whatever the outcome, the pool's old description and the table this
    // core opened with it are gone: a failed call leaves no pool (never the
    // old one), a successful one a pool that `init` must open.
    // SAFETY: forwarded to our caller (see above).
    let (setting, code) = unsafe { describe(local, bus_base, size, max_entries) };
    match crate::pools::replace(kind, setting) {
        0 => code,
        busy => busy,
    }
}

/// The checked description of a pool and 0, or `None` and the failure's
/// code. A pair, not a `Result`: `Result<PoolSetting, Code>` puts the code
/// where the bus address is, and LLVM then stores that word byte by byte.
///
/// # Safety
/// As for [`configure`].
unsafe fn describe(
    local: *mut u8,
    bus_base: u32,
    size: u32,
    max_entries: u16,
) -> (Option<PoolSetting>, Code) {
    if local.is_null() {
        return (None, report::NULL_POINTER);
    }
    // SAFETY: forwarded to our caller (see above).
    let region = match unsafe { Region::new(local, bus_base, size) } {
        Ok(region) => region,
        Err(e) => return (None, report::code(e)),
    };
    let max_entries = if max_entries == 0 {
        DEFAULT_MAX_ENTRIES
    } else {
        max_entries
    };
    // The main core formats with this capacity: refuse a table that does not
    // fit with a block now, not at `init` (a sub core reads the capacity
    // from the table instead).
    if !cfg!(feature = "sub-core") && table_bytes(max_entries) + BLOCK_ALIGN > size as usize {
        return (None, report::code(Error::PoolTooSmall));
    }
    let setting = PoolSetting {
        region,
        max_entries,
    };
    (Some(setting), 0)
}
