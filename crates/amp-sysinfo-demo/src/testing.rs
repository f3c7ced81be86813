//! Test support: what a pool holds before the main core formats it. Used by
//! the twin's start-up-order scenario and the host tests.

use core::fmt::Write;

use amp_sysinfo::{CacheSync, Writer};

use crate::error::DemoError;
use crate::pools::{Pool, Pools};

/// Fills the pool with pseudo-random words from `seed` (xorshift32). With
/// `with_magic`, the first word is the table magic and the second a plausible
/// version word, so only the check word can tell it is garbage.
///
/// # Safety
/// Nothing else may use the pool's memory meanwhile (no core attached).
pub unsafe fn fill_garbage(pool: &Pool, seed: u32, with_magic: bool) {
    let base = pool.region().local_base().cast::<u32>();
    let words = pool.region().size() as usize / 4;
    let mut x = seed | 1;
    for i in 0..words {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let value = match (with_magic, i) {
            (true, 0) => amp_sysinfo::format::MAGIC,
            (true, 1) => amp_sysinfo::format::VERSION as u32 | (16 << 16),
            _ => x,
        };
        // SAFETY: `i < size / 4` and the base is 16-aligned: inside the
        // region, which the caller guarantees nobody else uses now.
        unsafe { base.add(i).write_volatile(value) };
    }
}

/// Zeroes the pool.
///
/// # Safety
/// As for [`fill_garbage`].
pub unsafe fn zero(pool: &Pool) {
    let base = pool.region().local_base().cast::<u32>();
    for i in 0..pool.region().size() as usize / 4 {
        // SAFETY: as in `fill_garbage`.
        unsafe { base.add(i).write_volatile(0) };
    }
}

/// [`crate::main_stress`] done wrong, the way C code often uses ESP-AMP's
/// `esp_amp_sys_info_alloc`: allocate (which publishes the zero-filled block)
/// and fill it afterwards, `fill_gap()` later. A sub core polling meanwhile
/// sees incomplete items, and [`crate::sub_stress`] must count them as
/// inconsistencies: this shows the stress check can fail.
pub fn main_stress_publish_then_fill<C: CacheSync>(
    w: &Writer<C>,
    pools: &Pools,
    out: &mut impl Write,
    pause: &mut impl FnMut(),
    fill_gap: &mut impl FnMut(),
) -> Result<u32, DemoError> {
    crate::stress::publish_items(w, pools, out, pause, Some(fill_gap))
}
