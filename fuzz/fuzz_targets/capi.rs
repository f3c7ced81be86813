//! The C API (sub-core library): `esp_amp_sys_info_set_pool` with any
//! placement, size and alignment, `esp_amp_sys_info_init` on any pool
//! contents, and `esp_amp_sys_info_get` with any id and cap. Oracle: a
//! pointer returned lies inside the pool's data area (of the capacity the
//! table declares), is 4-aligned, with a non-zero size; after a failed
//! `set_pool` or `init`, `get` returns NULL (no pool, never an older one);
//! no byte of the pool changes (the sub core never writes).
#![no_main]

use std::ffi::CStr;

use amp_sysinfo_capi::api::*;
use amp_sysinfo_capi::esp_amp_sys_info_cap_t;
use amp_sysinfo_fuzz::build;
use libfuzzer_sys::fuzz_target;

fn last_error() -> &'static str {
    // SAFETY: static NUL-terminated strings.
    unsafe { CStr::from_ptr(esp_amp_sys_info_last_error()) }
        .to_str()
        .unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else {
        return;
    };
    let Some((mut pool, ops)) = build(data) else {
        return;
    };
    let before = pool.bytes().to_vec();
    let cap = esp_amp_sys_info_cap_t(pool.kind as u32);
    // A failed set_pool leaves no pool: clear what an earlier iteration left
    // (its memory is gone), and check that it is gone.
    clear();
    for c in [0, 1] {
        // SAFETY: a null size pointer is allowed.
        assert!(unsafe {
            esp_amp_sys_info_get(0, std::ptr::null_mut(), esp_amp_sys_info_cap_t(c))
        }
        .is_null());
        assert_eq!(last_error(), "pool absent");
    }
    // Mostly the pool as built; sometimes a bad description of it, or
    // another (possibly invalid) cap.
    let (skew, size, bus) = match mode % 8 {
        0 => (4, pool.size, pool.bus),
        1 => (0, pool.size - 8, pool.bus),
        2 => (0, pool.size, pool.bus.wrapping_add(8)),
        3 => (0, 0, pool.bus),
        4 => (0, pool.size - 16, pool.bus.wrapping_add(16)),
        _ => (0, pool.size, pool.bus),
    };
    let cap_set = if mode & 0x80 != 0 {
        esp_amp_sys_info_cap_t(mode as u32 >> 3 & 0xf)
    } else {
        cap
    };
    let local = pool
        .ptr()
        .wrapping_add(skew + (pool.size - size.min(pool.size)) as usize * (mode as usize >> 2 & 1));
    // SAFETY: `local..local + size` lies inside the pool's buffer, or is
    // refused (misaligned, size 0) before any access.
    let set = unsafe { esp_amp_sys_info_set_pool(cap_set, local.cast(), bus, size, 0) };
    assert_eq!(pool.bytes(), &before[..], "set_pool changed the pool");
    if set != 0 {
        // SAFETY: a null size pointer is allowed.
        assert!(unsafe { esp_amp_sys_info_get(0, std::ptr::null_mut(), cap) }.is_null());
        return;
    }
    // What the library was told: `size` bytes at `local` (inside the buffer).
    let base = local as usize;
    let start = base - pool.ptr() as usize;
    let header_max = |pool: &amp_sysinfo_fuzz::Pool| (pool.word(start / 4 + 1) >> 16) as usize;
    let init = esp_amp_sys_info_init();
    let why = last_error();
    assert_eq!(pool.bytes(), &before[..], "init changed the pool");
    let max = header_max(&pool);
    let ids = ops
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    let ids: Vec<u16> = (0..max.min(32))
        .map(|i| pool.word(start / 4 + 8 + 2 * i) as u16)
        .chain(ids)
        .collect();
    for id in ids {
        let mut n = 0u16;
        // SAFETY: `n` is a valid place for the size.
        let p = unsafe { esp_amp_sys_info_get(id, &mut n, cap) };
        if init != 0 {
            assert!(
                p.is_null(),
                "get after a failed init ({why}) returned a pointer"
            );
            continue;
        }
        if !p.is_null() {
            assert!(p as usize >= base, "pointer below the pool");
            let off = p as usize - base;
            assert!(off >= 32 + 8 * max, "pointer inside the table");
            assert!(
                off + n as usize <= size as usize && n > 0 && off % 4 == 0,
                "bad block {off:#x}+{n}"
            );
        }
        // SAFETY: as above.
        assert!(unsafe {
            esp_amp_sys_info_get(id, std::ptr::null_mut(), esp_amp_sys_info_cap_t(2))
        }
        .is_null());
    }
    esp_amp_sys_info_dump();
    assert_eq!(pool.bytes(), &before[..], "a lookup changed the pool");
    clear();
});

/// Forgets both pools (a failing `set_pool` leaves none).
fn clear() {
    for c in [0, 1] {
        // SAFETY: a null pointer is refused before any use.
        let r = unsafe {
            esp_amp_sys_info_set_pool(esp_amp_sys_info_cap_t(c), std::ptr::null_mut(), 0, 16, 0)
        };
        assert_eq!(r, -1);
    }
}
