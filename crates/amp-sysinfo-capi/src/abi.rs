//! The types the C header names, and every constant of its two enums with
//! the value the Rust side uses.
//!
//! cbindgen writes `include/esp_amp_sys_info.h` from this crate's functions
//! (`cbindgen.toml`); the enums are written in `cbindgen.toml` in ESP-AMP's
//! form, and `tests/header_check.rs` compiles a `_Static_assert` of every
//! entry of [`CONSTANTS`] against the header, so the two cannot drift.

use core::ffi::{c_char, c_void};

use amp_sysinfo::{Id, PoolKind};

/// `esp_amp_sys_info_cap_t`: which pool. A C enum whose values are all
/// non-negative is an `unsigned int` for GCC and Clang, hence a `u32`; any
/// value is accepted at the boundary and checked (an out-of-range value is a
/// typed error, not undefined behaviour as a Rust `enum` would be).
#[allow(non_camel_case_types)]
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct esp_amp_sys_info_cap_t(pub u32);

/// HP RAM pool.
pub const SYS_INFO_CAP_HP: esp_amp_sys_info_cap_t = esp_amp_sys_info_cap_t(PoolKind::Hp as u32);
/// RTC / LP RAM pool.
pub const SYS_INFO_CAP_RTC: esp_amp_sys_info_cap_t = esp_amp_sys_info_cap_t(PoolKind::Rtc as u32);

impl esp_amp_sys_info_cap_t {
    /// The pool this value names, if any.
    ///
    /// ```
    /// use amp_sysinfo::PoolKind;
    /// use amp_sysinfo_capi::{esp_amp_sys_info_cap_t, SYS_INFO_CAP_RTC};
    /// assert_eq!(SYS_INFO_CAP_RTC.kind(), Some(PoolKind::Rtc));
    /// assert_eq!(esp_amp_sys_info_cap_t(2).kind(), None);
    /// ```
    pub const fn kind(self) -> Option<PoolKind> {
        // One compare: the value is the kind's index.
        if self.0 > 1 {
            None
        } else if self.0 == 0 {
            Some(PoolKind::Hp)
        } else {
            Some(PoolKind::Rtc)
        }
    }
}

/// Not in ESP-AMP. Where one pool is, for the `linked-pools` build: `size`
/// bytes at bus address `bus_addr`, seen by this core at `local` (NULL: no
/// such pool). The same rules as esp_amp_sys_info_set_pool()'s arguments:
/// 16-byte aligned, the bus range ending at 4 GiB at most.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct esp_amp_sys_info_pool_t {
    /// The pool's first byte as this core sees it; NULL: no such pool.
    pub local: *mut c_void,
    /// Its bus address (what the table's header holds; blocks lie at offsets
    /// from the data area after the table).
    pub bus_addr: u32,
    /// Its size in bytes, header and table included.
    pub size: u32,
}

/// Not in ESP-AMP. The pools of a sub-core image built with the cargo
/// feature `linked-pools`: the image defines one object of this type named
/// `esp_amp_sys_info_pools` (usually `const`; `amp-sysinfo-dt c-pools`
/// writes it from the devicetree), and esp_amp_sys_info_init() attaches to the pools it names, so
/// an ESP-AMP sub core's code runs unchanged, without
/// esp_amp_sys_info_set_pool() (which that build does not define). The HP
/// pool is required, the RTC pool optional (`local` NULL). As for
/// set_pool's arguments, the memory each pool names must be valid for reads
/// and writes for the rest of the program and used for nothing but this
/// library's pool; the image must not change the object while
/// esp_amp_sys_info_init() runs.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct esp_amp_sys_info_pools_t {
    /// `SYS_INFO_CAP_HP`'s pool.
    pub hp: esp_amp_sys_info_pool_t,
    /// `SYS_INFO_CAP_RTC`'s pool (`local` NULL: none).
    pub rtc: esp_amp_sys_info_pool_t,
}

/// Not in ESP-AMP. Receives one NUL-terminated line (no trailing newline) of
/// log output.
#[allow(non_camel_case_types)]
pub type esp_amp_sys_info_log_fn_t = Option<unsafe extern "C" fn(line: *const c_char)>;

/// One enum constant of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CConstant {
    /// The `typedef enum { ... } name;` it belongs to.
    pub enum_name: &'static str,
    /// The constant's name.
    pub name: &'static str,
    /// Its value.
    pub value: u32,
}

/// Every enum constant of the header, with the value the Rust side uses.
pub const CONSTANTS: &[CConstant] = &[
    id("SYS_INFO_RESERVED_ID", Id::RESERVED_START as u32),
    id("SYS_INFO_RESERVED_ID_SW_INTR", Id::SW_INTR.raw() as u32),
    id(
        "SYS_INFO_RESERVED_ID_EVENT_MAIN",
        Id::EVENT_MAIN.raw() as u32,
    ),
    id("SYS_INFO_RESERVED_ID_EVENT_SUB", Id::EVENT_SUB.raw() as u32),
    id("SYS_INFO_RESERVED_ID_VQUEUE", Id::VQUEUE.raw() as u32),
    id("SYS_INFO_RESERVED_ID_SYSTEM", Id::SYSTEM.raw() as u32),
    id("SYS_INFO_RESERVED_ID_PM", Id::PM.raw() as u32),
    id("SYS_INFO_ID_MAX", Id::INVALID as u32),
    cap("SYS_INFO_CAP_HP", SYS_INFO_CAP_HP.0),
    cap("SYS_INFO_CAP_RTC", SYS_INFO_CAP_RTC.0),
];

/// A constant of `esp_amp_sys_info_id_t`.
const fn id(name: &'static str, value: u32) -> CConstant {
    CConstant {
        enum_name: "esp_amp_sys_info_id_t",
        name,
        value,
    }
}

/// A constant of `esp_amp_sys_info_cap_t`.
const fn cap(name: &'static str, value: u32) -> CConstant {
    CConstant {
        enum_name: "esp_amp_sys_info_cap_t",
        name,
        value,
    }
}
