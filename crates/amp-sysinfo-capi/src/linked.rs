//! The pools of a `linked-pools` build: the image defines them, as the
//! object `esp_amp_sys_info_pools` (C: `const esp_amp_sys_info_pools_t
//! esp_amp_sys_info_pools = { ... };`), the way an ESP-AMP sub core's image
//! fixes where its shared memory is; no `esp_amp_sys_info_set_pool` call,
//! and no copy of the description in this library's state.

use amp_sysinfo::PoolKind;

use crate::abi::{esp_amp_sys_info_pool_t, esp_amp_sys_info_pools_t};

extern "C" {
    /// Defined by the image; a missing definition is a link error that
    /// names it. `static mut`: the image may fill it at run time before
    /// `esp_amp_sys_info_init` (a hosted test maps its pool first), and this
    /// library only ever reads it.
    static mut esp_amp_sys_info_pools: esp_amp_sys_info_pools_t;
}

/// The image's description of pool `kind`, read now (each `init` reads it
/// again).
pub(crate) fn pool(kind: PoolKind) -> esp_amp_sys_info_pool_t {
    // SAFETY: the object is defined by the image (the feature's contract)
    // and only read here; nothing in this library writes it, and the image
    // does not change it while an `init` runs. `hp` and `rtc` are the
    // `#[repr(C)]` struct's two fields of one type, so they lie as an array
    // indexed by the kind (one multiply instead of a branch per pool).
    unsafe {
        let pools = core::ptr::addr_of!(esp_amp_sys_info_pools);
        pools
            .cast::<esp_amp_sys_info_pool_t>()
            .add(kind as usize)
            .read()
    }
}

// `pool` reads the two fields as an array: pinned here.
const _: () = assert!(
    core::mem::offset_of!(esp_amp_sys_info_pools_t, rtc)
        == core::mem::size_of::<esp_amp_sys_info_pool_t>()
);
