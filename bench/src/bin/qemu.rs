//! The instruction-count benchmark: runs on hart 0 of QEMU's riscv32 `virt`
//! machine under `-icount shift=0` (one instruction, one tick: `minstret`
//! counts retired instructions exactly). For each table size it formats the
//! pool as a main core would, attaches as the sub core, and counts the
//! instructions of one call of every measured function (argument set-up,
//! call and return included, the empty measurement subtracted). One line
//! per figure on the UART, read by `cargo xtask bench`:
//!
//! ```text
//! bench <function> <case> <entries> <instructions>
//! ```
#![no_std]
#![no_main]

use core::fmt::Write;

use amp_sysinfo::{table_bytes, Handle, PoolKind, Reader, Region, Writer};
use amp_sysinfo_bench::shapes::{
    rust_attach, rust_get, rust_get_as, rust_handle_get, rust_handle_new,
};
use amp_sysinfo_bench::{call, empty, exit, publish, ten_nops, Console, POOL};
use amp_sysinfo_capi::api::{
    esp_amp_sys_info_get, esp_amp_sys_info_init, esp_amp_sys_info_set_pool,
};
use amp_sysinfo_capi::SYS_INFO_CAP_HP;

/// Table sizes measured.
const SIZES: [u16; 4] = [1, 16, 64, 256];
/// An id no table holds: a full scan.
const MISS: u16 = 0x7777;

/// Prints one figure; `ok` says whether the call did what it should.
fn figure(
    out: &mut Console,
    function: &str,
    case: &str,
    n: u16,
    count: u32,
    ok: bool,
    all_ok: &mut bool,
) {
    let _ = writeln!(out, "bench {function} {case} {n} {count}");
    if !ok {
        let _ = writeln!(out, "bench error {function} {case} {n}: wrong result");
        *all_ok = false;
    }
}

#[riscv_rt::entry]
fn main() -> ! {
    let mut out = Console;
    let mut ok = true;
    let calib = empty();
    let _ = writeln!(
        out,
        "bench calibration empty {calib} ten_nops {}",
        ten_nops()
    );
    let writer = Writer::new();
    // SAFETY: the pool lies outside this image's memory (memory.x) and only
    // SysInfo touches it.
    let Ok(region) = (unsafe { Region::identity(&POOL) }) else {
        exit(false)
    };
    for n in SIZES {
        if publish(&writer, region, n, n).is_err() {
            let _ = writeln!(out, "bench error publish {n}");
            exit(false);
        }
        // The block of id `i` (ids 1..=n, 4 bytes each, in order).
        let block = |i: u16| {
            (POOL.bus_base as usize + table_bytes(n) + 4 * (i as usize - 1)) as *mut u8 as usize
        };
        let hp = PoolKind::Hp as usize;

        let mut reader = Reader::new();
        let (c, r) = call(
            rust_attach as *const () as usize,
            &[&raw mut reader as usize],
        );
        figure(
            &mut out,
            "rust_attach",
            "-",
            n,
            c - calib,
            r == n as usize,
            &mut ok,
        );

        let mut size = 0u16;
        let size_at = &raw mut size as usize;
        let reader_at = &raw const reader as usize;
        for (case, id, want) in [
            ("first", 1, block(1)),
            ("last", n, block(n)),
            ("miss", MISS, 0),
        ] {
            let (c, r) = call(
                rust_get as *const () as usize,
                &[reader_at, id as usize, hp, size_at],
            );
            figure(&mut out, "rust_get", case, n, c - calib, r == want, &mut ok);
            let (c, r) = call(
                rust_get_as as *const () as usize,
                &[reader_at, id as usize, hp],
            );
            figure(
                &mut out,
                "rust_get_as",
                case,
                n,
                c - calib,
                r == want,
                &mut ok,
            );
        }

        // The cached handle of the last entry: found once, then O(1).
        let mut handle: Option<Handle> = None;
        let (c, r) = call(
            rust_handle_new as *const () as usize,
            &[reader_at, n as usize, hp, &raw mut handle as usize],
        );
        figure(
            &mut out,
            "rust_handle_new",
            "last",
            n,
            c - calib,
            r & 0xff == 1,
            &mut ok,
        );
        let Some(handle) = handle else { exit(false) };
        let (c, r) = call(
            rust_handle_get as *const () as usize,
            &[&raw const handle as usize],
        );
        figure(
            &mut out,
            "rust_handle_get",
            "hit",
            n,
            c - calib,
            r == block(n),
            &mut ok,
        );

        // SAFETY: as for `region`.
        let set = unsafe {
            esp_amp_sys_info_set_pool(
                SYS_INFO_CAP_HP,
                region.local_base().cast(),
                POOL.bus_base,
                POOL.size,
                0,
            )
        };
        let (c, r) = call(esp_amp_sys_info_init as *const () as usize, &[]);
        figure(
            &mut out,
            "capi_init",
            "-",
            n,
            c - calib,
            set == 0 && r == 0,
            &mut ok,
        );
        for (case, id, want) in [
            ("first", 1, block(1)),
            ("last", n, block(n)),
            ("miss", MISS, 0),
        ] {
            let (c, r) = call(
                esp_amp_sys_info_get as *const () as usize,
                &[id as usize, size_at, SYS_INFO_CAP_HP.0 as usize],
            );
            figure(&mut out, "capi_get", case, n, c - calib, r == want, &mut ok);
        }
    }
    // A stale handle: the main core formats the pool again.
    let n = SIZES[SIZES.len() - 1];
    let mut reader = Reader::new();
    let mut handle: Option<Handle> = None;
    let _ = call(
        rust_attach as *const () as usize,
        &[&raw mut reader as usize],
    );
    let _ = call(
        rust_handle_new as *const () as usize,
        &[
            &raw const reader as usize,
            n as usize,
            PoolKind::Hp as usize,
            &raw mut handle as usize,
        ],
    );
    let again = publish(&writer, region, n, n).is_ok();
    let Some(handle) = handle else { exit(false) };
    let (c, r) = call(
        rust_handle_get as *const () as usize,
        &[&raw const handle as usize],
    );
    figure(
        &mut out,
        "rust_handle_get",
        "stale",
        n,
        c - calib,
        again && r == 0,
        &mut ok,
    );
    let _ = writeln!(out, "bench done");
    exit(ok)
}
