//! The C API of [`amp_sysinfo`]: ESP-AMP's `esp_amp_sys_info_*` functions,
//! declared in `include/esp_amp_sys_info.h`, as a static library.
//!
//! ESP-AMP's four functions keep their names, types, signatures and
//! "NULL (or -1) on error" convention; on top of ESP-AMP the library
//! validates tables, bounds-checks blocks, publishes entries complete, and
//! records why a call failed ([`api::esp_amp_sys_info_last_error`]). See
//! `docs/c-api.md`.
//!
//! One library per core: the default build is the *main core's* (its
//! `esp_amp_sys_info_init` formats the pools; it allocates); with the
//! `sub-core` feature it is the *sub core's* (`esp_amp_sys_info_init`
//! attaches to the tables the main core formatted; no allocation). Either way
//! the platform glue first says where the pools are with
//! `esp_amp_sys_info_set_pool`, except in the sub core's `linked-pools`
//! build, whose image defines them (`esp_amp_sys_info_pools`, an
//! [`esp_amp_sys_info_pools_t`]).
//!
//! ```
//! use amp_sysinfo_capi::api::*;
//! use amp_sysinfo_capi::SYS_INFO_CAP_HP;
//! # #[repr(C, align(16))] struct Pool([u8; 1024]);
//! # static mut MEM: Pool = Pool([0; 1024]);
//! // SAFETY: MEM is used for nothing else and lives forever.
//! let local = unsafe { core::ptr::addr_of_mut!(MEM.0) }.cast();
//! // SAFETY: 1 KiB, 16-byte aligned, valid for the whole program.
//! # #[cfg(not(feature = "linked-pools"))]
//! assert_eq!(unsafe { esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, local, 0x4087_0000, 1024, 0) }, 0);
//! # #[cfg(feature = "linked-pools")]
//! # {
//! #     use amp_sysinfo_capi::{esp_amp_sys_info_pool_t, esp_amp_sys_info_pools_t};
//! #     const NONE: esp_amp_sys_info_pool_t =
//! #         esp_amp_sys_info_pool_t { local: core::ptr::null_mut(), bus_addr: 0, size: 0 };
//! #     // The object a `linked-pools` image defines (filled here at run time).
//! #     #[no_mangle]
//! #     static mut esp_amp_sys_info_pools: esp_amp_sys_info_pools_t =
//! #         esp_amp_sys_info_pools_t { hp: NONE, rtc: NONE };
//! #     // SAFETY: single-threaded doctest, before the library reads it.
//! #     unsafe { esp_amp_sys_info_pools.hp = esp_amp_sys_info_pool_t { local, bus_addr: 0x4087_0000, size: 1024 } };
//! # }
//! # #[cfg(not(feature = "sub-core"))] {
//! // Main core: format, allocate, look up.
//! assert_eq!(esp_amp_sys_info_init(), 0);
//! let block = esp_amp_sys_info_alloc(0x0001, 20, SYS_INFO_CAP_HP);
//! assert!(!block.is_null());
//! let mut size = 0u16;
//! // SAFETY: `size` is a valid place for the size.
//! assert_eq!(unsafe { esp_amp_sys_info_get(0x0001, &mut size, SYS_INFO_CAP_HP) }, block);
//! assert_eq!(size, 20);
//! // Every failure is NULL (or -1) plus a reason.
//! assert!(esp_amp_sys_info_alloc(0x0001, 20, SYS_INFO_CAP_HP).is_null());
//! // SAFETY: the returned string is static and NUL-terminated.
//! let why = unsafe { core::ffi::CStr::from_ptr(esp_amp_sys_info_last_error()) };
//! assert_eq!(why.to_str(), Ok("duplicate id in this pool"));
//! # }
//! # #[cfg(feature = "sub-core")] {
//! // Sub core, before the main core has formatted the pool.
//! assert_eq!(esp_amp_sys_info_init(), -1);
//! // SAFETY: the returned string is static and NUL-terminated.
//! let why = unsafe { core::ffi::CStr::from_ptr(esp_amp_sys_info_last_error()) };
//! assert_eq!(why.to_str(), Ok("no valid table (not ready)"));
//! # }
//! ```
#![no_std]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]
#![deny(missing_docs)]

// Hosted targets link std: it provides the panic handler of the staticlib
// and the `critical-section` implementation.
#[cfg(not(target_os = "none"))]
extern crate std;

pub mod abi;
pub mod api;
#[cfg(feature = "linked-pools")]
mod linked;
mod pools;
mod port;
pub mod report;
#[cfg(not(feature = "linked-pools"))]
mod settings;

pub use abi::{
    esp_amp_sys_info_cap_t, esp_amp_sys_info_log_fn_t, esp_amp_sys_info_pool_t,
    esp_amp_sys_info_pools_t, SYS_INFO_CAP_HP, SYS_INFO_CAP_RTC,
};
pub use report::Failure;

/// Whether this build is the sub core's (`sub-core` feature).
pub const IS_SUB_CORE: bool = cfg!(feature = "sub-core");
