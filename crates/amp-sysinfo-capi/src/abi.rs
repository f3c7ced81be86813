//! The C ABI as data: the types the header names, and lists of every exported
//! function, every hook the platform glue defines and every enum constant.
//!
//! The lists are tied to the real Rust items by the compiler (each entry is
//! also a `const` of the function's pointer type, so a signature change that
//! forgets the list does not build) and to `include/esp_amp_sys_info.h` by the
//! crate's tests (`tests/header_check.rs`), which parse the header and compile
//! a C program of `_Static_assert`s and typed function pointers generated from
//! these lists.

use core::ffi::{c_char, c_int, c_void};

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
        match self.0 {
            0 => Some(PoolKind::Hp),
            1 => Some(PoolKind::Rtc),
            _ => None,
        }
    }
}

/// `esp_amp_sys_info_log_fn_t`: receives one NUL-terminated line.
#[allow(non_camel_case_types)]
pub type esp_amp_sys_info_log_fn_t = Option<unsafe extern "C" fn(line: *const c_char)>;

/// How a Rust type is spelled in the header (as a prototype's parameter or
/// return type, without the parameter's name).
pub trait CType {
    /// The C spelling, tokens separated by single spaces (`"uint16_t *"`).
    const C: &'static str;
}

macro_rules! c_types {
    ($($rust:ty => $c:literal,)*) => { $(impl CType for $rust { const C: &'static str = $c; })* };
}

c_types! {
    () => "void",
    u16 => "uint16_t",
    u32 => "uint32_t",
    c_int => "int",
    *mut c_void => "void *",
    *mut u16 => "uint16_t *",
    *const c_char => "const char *",
    esp_amp_sys_info_cap_t => "esp_amp_sys_info_cap_t",
    esp_amp_sys_info_log_fn_t => "esp_amp_sys_info_log_fn_t",
}

/// One C function of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CFunction {
    /// Symbol name.
    pub name: &'static str,
    /// Return type as the header spells it.
    pub ret: &'static str,
    /// Parameter types as the header spells them (names dropped).
    pub params: &'static [&'static str],
    /// Whether this build of the library has it (exports), or uses it
    /// (imports).
    pub built: bool,
}

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

/// Lists C functions and checks, at compile time, that each one that is
/// built has exactly this signature.
macro_rules! c_functions {
    ($(#[$doc:meta])* $list:ident in $module:ident: $( $(#[cfg($c:meta)])? $name:ident ( $($p:ty),* ) -> $r:ty ;)*) => {
        $(#[$doc])*
        pub const $list: &[CFunction] = &[
            $( CFunction {
                name: stringify!($name),
                ret: <$r as CType>::C,
                params: &[$(<$p as CType>::C),*],
                built: true $(&& cfg!($c))?,
            }, )*
        ];
        $(
            $(#[cfg($c)])?
            const _: unsafe extern "C" fn($($p),*) -> $r = crate::$module::$name;
        )*
    };
}

c_functions! {
    /// Every function the library defines, in header order.
    EXPORTS in api:
    #[cfg(not(feature = "sub-core"))]
    esp_amp_sys_info_alloc(u16, u16, esp_amp_sys_info_cap_t) -> *mut c_void;
    esp_amp_sys_info_get(u16, *mut u16, esp_amp_sys_info_cap_t) -> *mut c_void;
    esp_amp_sys_info_init() -> c_int;
    esp_amp_sys_info_dump() -> ();
    esp_amp_sys_info_set_pool(esp_amp_sys_info_cap_t, *mut c_void, u32, u32, u16) -> c_int;
    esp_amp_sys_info_last_error() -> *const c_char;
    esp_amp_sys_info_set_log(esp_amp_sys_info_log_fn_t) -> ();
    esp_amp_sys_info_fence_before_sub_core_start() -> ();
}

c_functions! {
    /// Every function the platform glue defines for the library.
    IMPORTS in port:
    #[cfg(all(target_os = "none", feature = "port-critical-section"))]
    esp_amp_sys_info_port_critical_enter() -> u32;
    #[cfg(all(target_os = "none", feature = "port-critical-section"))]
    esp_amp_sys_info_port_critical_exit(u32) -> ();
}

/// Every enum constant of the header, with the value the Rust side uses.
pub const CONSTANTS: &[CConstant] = &[
    id("SYS_INFO_RESERVED_ID", Id::RESERVED_START as u32),
    id("SYS_INFO_RESERVED_ID_SW_INTR", Id::SW_INTR.raw() as u32),
    id("SYS_INFO_RESERVED_ID_EVENT_MAIN", Id::EVENT_MAIN.raw() as u32),
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
    CConstant { enum_name: "esp_amp_sys_info_id_t", name, value }
}

/// A constant of `esp_amp_sys_info_cap_t`.
const fn cap(name: &'static str, value: u32) -> CConstant {
    CConstant { enum_name: "esp_amp_sys_info_cap_t", name, value }
}
