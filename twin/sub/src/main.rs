//! The twin's sub image (hart 1): attaches to the pools the main core
//! formats, looks every entry up, checks it and replies through SysInfo. The
//! checks are `amp-sysinfo-demo`'s, as in the ESP32-C6 LP-core image; this
//! file wires them to the twin (pools from the devicetree, console, scenarios).
#![no_std]
#![no_main]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

mod start;

// The `critical-section` implementation for one hart (`riscv`'s
// `critical-section-single-hart`), which the core crate's `Writer` uses.
use riscv as _;

/// The pools, generated from the twin devicetree by build.rs.
#[allow(dead_code)]
mod pools {
    include!(concat!(env!("OUT_DIR"), "/pools.rs"));
}

use core::fmt::Write;

use amp_sysinfo::{Error, PoolKind, Reader};
use amp_sysinfo_demo::{self as demo, DemoError, Patience, Pool, Pools, PERSON};
use twin_board::{control, scenario};
use twin_rt::mmio::{read32, write32};
use twin_rt::Console;

/// Exit code when a sub-core step fails (QEMU's exit status).
const EXIT_SUB_FAILED: u16 = 3;

/// How long to wait for the other core: polls with a [`pause`] of 2 µs
/// (CLINT time) between two, so at least 10 s, far above any run's need
/// (`cargo xtask twin-test` kills QEMU after 60 s).
const PATIENCE: Patience = Patience::polls(5_000_000);

fn pause() {
    twin_rt::time::delay_us(2);
}

#[riscv_rt::entry]
fn main() -> ! {
    let mut out = Console::new("sub ");
    let scenario = scenario::from_word(twin_rt::mmio::scenario()).unwrap_or(scenario::NORMAL);
    let _ = writeln!(out, "twin sub image on hart 1: started");
    let pools = twin_pools(&mut out);
    let result = match scenario {
        scenario::STRESS | scenario::TORN => stress(&pools, &mut out),
        scenario::RETAINED => retained(&pools, &mut out),
        scenario::START_ORDER => start_order(&pools, &mut out),
        scenario::REFORMAT => reformat(&pools, &mut out),
        _ => check(&pools, &mut out, 1),
    };
    if let Err(e) = result {
        let _ = writeln!(out, "FAIL: {e}");
        twin_rt::exit(EXIT_SUB_FAILED)
    }
    // Done: the main core ends the run. Idle like a finished LP core.
    loop {
        // SAFETY: `wfi` only waits for an interrupt (none are enabled; QEMU
        // may also return at once, hence the loop).
        unsafe { core::arch::asm!("wfi") };
    }
}

/// The devicetree's pools; a bad one ends the run with a FAIL line (no
/// panic: the sub image links no panic path, checked by `cargo xtask nopanic`).
fn twin_pools(out: &mut Console) -> Pools {
    // SAFETY: the devicetree reserves both pools and the build cuts them out
    // of both images' RAM; only SysInfo uses them.
    let pool = |cfg| unsafe { Pool::identity(cfg) };
    let pools = pool(pools::HP_POOL).and_then(|hp| {
        let rtc = match pools::RTC_POOL.map(pool) {
            Some(Ok(rtc)) => Some(rtc),
            Some(Err(e)) => return Err(e),
            None => None,
        };
        Pools::new(hp, rtc)
    });
    match pools {
        Ok(pools) => pools,
        Err(e) => {
            let _ = writeln!(out, "FAIL: pools from the devicetree: {e}");
            twin_rt::exit(EXIT_SUB_FAILED)
        }
    }
}

fn check(pools: &Pools, out: &mut Console, round: u32) -> Result<(), DemoError> {
    demo::sub_round(pools, round, out, PATIENCE, &mut pause).map(|_| ())
}

fn stress(pools: &Pools, out: &mut Console) -> Result<(), DemoError> {
    let mut reader = Reader::new();
    demo::sub_wait_attach(&mut reader, pools, out, PATIENCE, &mut pause)?;
    // No pause between passes: poll as hard as the hart can.
    demo::sub_stress(&reader, pools, out, PATIENCE, &mut || ())?;
    Ok(())
}

/// Round 1; then, while the main core sleeps and starts up again, wait for
/// its wake-up word and check again with a fresh view of the pools.
fn retained(pools: &Pools, out: &mut Console) -> Result<(), DemoError> {
    check(pools, out, 1)?;
    let _ = writeln!(out, "round 1 done; waiting for the main core to wake");
    wait_main_step(2)?;
    check(pools, out, 2)
}

/// Started before the main core formatted anything: each step's memory must
/// give the expected error (never a table, never a crash), then the real
/// table must attach.
fn start_order(pools: &Pools, out: &mut Console) -> Result<(), DemoError> {
    // What each of the main core's steps must give: garbage, garbage with
    // the magic, a table for another layout, zeroes.
    const EXPECTED: [Error; 4] = [
        Error::NotReady,
        Error::NotReady,
        Error::Corrupt,
        Error::NotReady,
    ];
    for (step, expected) in (1..).zip(EXPECTED) {
        wait_main_step(step)?;
        let mut reader = Reader::new();
        for pool in pools.iter() {
            let kind = pool.kind();
            match reader.attach(pool.region(), kind) {
                Err(e) if e == expected => {
                    let _ = writeln!(out, "step {step}: {} pool: {}, ok", kind.name(), e);
                }
                other => {
                    let _ = writeln!(
                        out,
                        "step {step}: {} pool: expected {expected}, got {:?}",
                        kind.name(),
                        other
                    );
                    return Err(DemoError::Sysinfo {
                        step: "attach before formatting",
                        id: None,
                        error: other.err().unwrap_or(Error::Corrupt),
                    });
                }
            }
        }
        // Nothing attached: lookups say so instead of reading garbage.
        if reader.get(PERSON, PoolKind::Hp) != Err(Error::PoolAbsent) {
            return Err(DemoError::Sysinfo {
                step: "lookup before formatting",
                id: Some(PERSON.raw()),
                error: Error::Corrupt,
            });
        }
        // SAFETY: the control page's step word, read by the main core.
        unsafe { write32(control::SUB_STEP, step) };
    }
    wait_main_step(EXPECTED.len() as u32 + 1)?;
    check(pools, out, 1)
}

/// Attaches to the HP pool over and over while the main core formats it over
/// and over: each attach must give one whole table (capacity 16 or 8, at
/// most the one entry each format publishes) or "not ready"; anything else
/// ends the run. Done once both outcomes were seen `ENOUGH` times.
fn reformat(pools: &Pools, out: &mut Console) -> Result<(), DemoError> {
    const ENOUGH: u32 = 1000;
    let (mut attached, mut not_ready) = (0u32, 0u32);
    let mut reader = Reader::new();
    for _ in 0..PATIENCE.polls {
        if attached >= ENOUGH && not_ready >= ENOUGH {
            break;
        }
        match reader.attach(pools.hp.region(), PoolKind::Hp) {
            Ok(count) if count <= 1 && matches!(reader.capacity(PoolKind::Hp), Ok(16 | 8)) => {
                attached += 1
            }
            Err(Error::NotReady) => not_ready += 1,
            other => {
                let _ = writeln!(
                    out,
                    "reformat: attach during a format gave {other:?} (capacity {:?})",
                    reader.capacity(PoolKind::Hp)
                );
                return Err(DemoError::Sysinfo {
                    step: "attach during a format",
                    id: None,
                    error: other.err().unwrap_or(Error::Corrupt),
                });
            }
        }
    }
    let _ = writeln!(
        out,
        "reformat: {} attaches: {attached} attached, {not_ready} not ready, 0 other outcomes",
        attached + not_ready
    );
    if attached < ENOUGH || not_ready < ENOUGH {
        return Err(DemoError::Timeout {
            waiting_for: "attaches of both outcomes during formats",
        });
    }
    // SAFETY: the control page's sub step word, read by the main core.
    unsafe { write32(control::SUB_STEP, control::REFORMAT_DONE) };
    Ok(())
}

fn wait_main_step(step: u32) -> Result<(), DemoError> {
    for _ in 0..PATIENCE.polls {
        // SAFETY: the control page's main step word.
        if unsafe { read32(control::MAIN_STEP) } == step {
            return Ok(());
        }
        pause();
    }
    Err(DemoError::Timeout {
        waiting_for: "the main core's start-up step",
    })
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    twin_rt::panic_report("sub ", info)
}
