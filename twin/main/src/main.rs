//! The twin's main image (hart 0): formats the pools, publishes, starts the
//! sub core, keeps publishing, reads the sub core's reply, ends QEMU with the
//! verdict. The application logic is `amp-sysinfo-demo`'s, as in the Zephyr
//! sample; this file only wires it to the twin (pools from the devicetree,
//! console, sub-core release, scenarios).
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
/// `SUB_ENTRY`, generated from the twin devicetree by build.rs.
mod sub_image {
    include!(concat!(env!("OUT_DIR"), "/sub_image.rs"));
}

use core::fmt::Write;

use amp_sysinfo::{PoolConfig, PoolKind, Region, Writer};
use amp_sysinfo_demo::{self as demo, testing, DemoError, Patience, Pool, Pools, ReplyState};
use twin_board::{control, scenario};
use twin_rt::mmio::{read32, write32};
use twin_rt::Console;

/// The main core's SysInfo writer. In `.bss`: a re-entered start-up (deep
/// sleep) begins with a fresh writer, as a rebooted main core would.
static WRITER: Writer = Writer::new();

/// Exit code when a demo step fails (QEMU's exit status).
const EXIT_FAILED: u16 = 1;
/// Exit code for an unknown scenario word.
const EXIT_BAD_SCENARIO: u16 = 2;

/// How long to wait for the other core: polls with a [`pause`] of 2 µs
/// (CLINT time) between two, so at least 10 s, far above any run's need
/// (`cargo xtask twin-test` kills QEMU after 60 s).
const PATIENCE: Patience = Patience::polls(5_000_000);

fn pause() {
    twin_rt::time::delay_us(2);
}

#[riscv_rt::entry]
fn main() -> ! {
    let mut out = Console::new("main");
    let word = twin_rt::mmio::scenario();
    let Some(scenario) = scenario::from_word(word) else {
        let _ = writeln!(out, "unknown scenario word {word}");
        twin_rt::exit(EXIT_BAD_SCENARIO)
    };
    // SAFETY: the control page is reserved for these words.
    let wake = unsafe { read32(control::MAIN_WAKE) };
    let _ = writeln!(
        out,
        "twin main image on hart 0: scenario {} ({}), boot {}",
        scenario,
        scenario::name(scenario),
        wake + 1
    );
    let pools = twin_pools();
    let result = match scenario {
        scenario::STRESS => stress(&pools, &mut out, false),
        scenario::TORN => stress(&pools, &mut out, true),
        scenario::RETAINED if wake == 0 => retained_first_boot(&pools, &mut out),
        scenario::RETAINED => retained_wake(&pools, &mut out),
        scenario::START_ORDER => start_order(&pools, &mut out),
        scenario::FAULT => fault(&pools, &mut out),
        scenario::REFORMAT => reformat(&pools, &mut out),
        _ => normal(&pools, &mut out, true),
    };
    let code = match result {
        Ok(()) => {
            let _ = writeln!(out, "PASS: scenario {}", scenario::name(scenario));
            0
        }
        Err(e) => {
            let _ = writeln!(out, "FAIL: {e}");
            EXIT_FAILED
        }
    };
    if twin_rt::mmio::hold() {
        hold(code, &mut out)
    }
    twin_rt::exit(code)
}

/// Keeps QEMU running with the pools as the run left them, for a reader on
/// QEMU's monitor, which ends QEMU (`quit`).
fn hold(code: u16, out: &mut Console) -> ! {
    let _ = writeln!(out, "holding (exit code {code}) until QEMU is ended");
    loop {
        // SAFETY: `wfi` only waits for an interrupt (none are enabled; QEMU
        // may also return at once, hence the loop).
        unsafe { core::arch::asm!("wfi") };
    }
}

/// The pools of the twin devicetree, at their bus addresses.
fn twin_pools() -> Pools {
    // SAFETY: the devicetree reserves both pools and the build cuts them out
    // of both images' RAM (build.rs, `cargo xtask twin-test` checks the ELFs);
    // only SysInfo uses them, and QEMU's RAM is there.
    let pool = |cfg| unsafe { Pool::identity(cfg) }.unwrap_or_else(|e| panic!("pool {cfg:?}: {e}"));
    Pools::new(pool(pools::HP_POOL), pools::RTC_POOL.map(pool))
        .unwrap_or_else(|e| panic!("pools: {e}"))
}

/// Publish, release the sub core, publish more, collect the reply.
/// `start_sub` is false when the sub core is already running.
fn normal(pools: &Pools, out: &mut Console, start_sub: bool) -> Result<(), Failure> {
    let setup = demo::main_setup(&WRITER, pools, out)?;
    let _ = WRITER.dump(out);
    if start_sub {
        release_sub_core(out);
    }
    demo::main_wait_reply(&setup.reply, ReplyState::Attached, PATIENCE, &mut pause)?;
    let _ = writeln!(out, "sub core attached; publishing more");
    demo::main_publish_more(&WRITER, out)?;
    let reply = demo::main_wait_reply(&setup.reply, ReplyState::Done, PATIENCE, &mut pause)?;
    Ok(demo::main_report(&reply, out)?)
}

fn release_sub_core(out: &mut Console) {
    // Everything published must be visible before the release word.
    amp_sysinfo::fence_before_sub_core_start();
    let _ = writeln!(
        out,
        "starting the sub core at {:#010x}",
        sub_image::SUB_ENTRY
    );
    start::start_sub_core();
}

/// `torn`: publish each item zero-filled and fill it 1 ms later (the
/// mistake the stress check must catch).
fn stress(pools: &Pools, out: &mut Console, torn: bool) -> Result<(), Failure> {
    let setup = demo::main_setup(&WRITER, pools, out)?;
    release_sub_core(out);
    demo::main_wait_reply(&setup.reply, ReplyState::Attached, PATIENCE, &mut pause)?;
    // 1 ms between two allocations: the sub core makes many passes meanwhile.
    let gap = || twin_rt::time::delay_us(1000);
    let published = if torn {
        testing::main_stress_publish_then_fill(&WRITER, pools, out, &mut { gap }, &mut || {
            twin_rt::time::delay_us(1000)
        })?
    } else {
        demo::main_stress(&WRITER, pools, out, &mut { gap })?
    };
    let reply = demo::main_wait_reply(&setup.reply, ReplyState::Done, PATIENCE, &mut pause)?;
    let _ = WRITER.dump(out);
    Ok(demo::main_stress_report(&reply, published, out)?)
}

/// First boot: the normal exchange, then deep sleep (HP RAM is lost, the RTC
/// pool is kept) and start-up again.
fn retained_first_boot(pools: &Pools, out: &mut Console) -> Result<(), Failure> {
    normal(pools, out, true)?;
    let _ = writeln!(
        out,
        "entering deep sleep: HP RAM is lost, the RTC pool is kept"
    );
    // SAFETY: the sub core is done with this round and waits in the control
    // page; nobody uses the HP pool until it is formatted again.
    unsafe { testing::fill_garbage(&pools.hp, 0xdee9_5ee9, false) };
    // SAFETY: the control page's wake word.
    unsafe { write32(control::MAIN_WAKE, 1) };
    start::reenter_startup()
}

/// After deep sleep: the RTC pool must be re-attached with its entries and
/// the PM counter the sub core wrote; then the exchange again, round 2.
fn retained_wake(pools: &Pools, out: &mut Console) -> Result<(), Failure> {
    let setup = demo::main_setup(&WRITER, pools, out)?;
    if !setup.rtc_retained || setup.boots != 2 || setup.pm_counter != 1 {
        let _ = writeln!(
            out,
            "retained state lost: re-attached {}, boot #{}, PM counter {}",
            setup.rtc_retained, setup.boots, setup.pm_counter
        );
        return Err(Failure::RetainedLost);
    }
    let _ = writeln!(
        out,
        "RTC entries intact after deep sleep; waking the sub core for round 2"
    );
    amp_sysinfo::fence_before_sub_core_start();
    // SAFETY: the control page's step word, read by the waiting sub core.
    unsafe { write32(control::MAIN_STEP, 2) };
    demo::main_wait_reply(&setup.reply, ReplyState::Attached, PATIENCE, &mut pause)?;
    demo::main_publish_more(&WRITER, out)?;
    let reply = demo::main_wait_reply(&setup.reply, ReplyState::Done, PATIENCE, &mut pause)?;
    demo::main_report(&reply, out)?;
    if reply.round != 2 {
        return Err(Failure::WrongRound(reply.round));
    }
    Ok(())
}

/// The normal exchange, but the person's age is overwritten after it was
/// published (a stray write into the pool): the sub core must report it and
/// the run must fail.
fn fault(pools: &Pools, out: &mut Console) -> Result<(), Failure> {
    let setup = demo::main_setup(&WRITER, pools, out)?;
    let person = WRITER
        .get(demo::PERSON, PoolKind::Hp)
        .map_err(DemoError::sysinfo("find person", Some(demo::PERSON)))?;
    // Bytes 16..20 are the age.
    person
        .write(16, &99u32.to_le_bytes())
        .map_err(DemoError::sysinfo("damage person", Some(demo::PERSON)))?;
    let _ = writeln!(
        out,
        "fault injected: person {:#06x} age overwritten with 99",
        demo::PERSON.raw()
    );
    release_sub_core(out);
    demo::main_wait_reply(&setup.reply, ReplyState::Attached, PATIENCE, &mut pause)?;
    demo::main_publish_more(&WRITER, out)?;
    let reply = demo::main_wait_reply(&setup.reply, ReplyState::Done, PATIENCE, &mut pause)?;
    Ok(demo::main_report(&reply, out)?)
}

/// Formats the HP pool again and again, capacity 16 and 8 in turn, with one
/// block each time, until the sub core has seen enough attaches of both
/// outcomes (its step word; it checks them and ends the run on a wrong one).
fn reformat(pools: &Pools, out: &mut Console) -> Result<(), Failure> {
    let _ = writeln!(
        out,
        "reformat: formatting the HP pool over and over while the sub core attaches"
    );
    release_sub_core(out);
    let hp = &pools.hp;
    let mut formats = 0u32;
    // SAFETY: the control page's sub step word.
    while unsafe { read32(control::SUB_STEP) } != control::REFORMAT_DONE {
        if formats == PATIENCE.polls {
            return Err(DemoError::Timeout {
                waiting_for: "the sub core's attaches during formats",
            }
            .into());
        }
        let cfg = PoolConfig {
            max_entries: if formats % 2 == 0 { 16 } else { 8 },
            ..*hp.config()
        };
        WRITER
            .init(hp.region(), &cfg)
            .map_err(DemoError::sysinfo("format again", None))?;
        WRITER
            .alloc_with(demo::PERSON, PoolKind::Hp, &formats)
            .map_err(DemoError::sysinfo("publish after a format", None))?;
        formats += 1;
    }
    let _ = writeln!(
        out,
        "reformat: {formats} formats until the sub core was done"
    );
    Ok(())
}

/// What the pools hold before formatting, one way.
type FillPool = fn(&Pool);

/// The sub core starts before the pools are formatted: it must see "not
/// ready" on garbage, on garbage carrying the magic and on zeroes, "corrupt"
/// on a valid table for another pool layout, then attach once the table is
/// there.
fn start_order(pools: &Pools, out: &mut Console) -> Result<(), Failure> {
    let steps: [(&str, FillPool); 4] = [
        ("garbage", |p| {
            // SAFETY: no core is attached to the pools yet.
            unsafe { testing::fill_garbage(p, 0x1357_9bdf, false) }
        }),
        ("garbage with the table magic", |p| {
            // SAFETY: as above.
            unsafe { testing::fill_garbage(p, 0x2468_ace0, true) }
        }),
        ("a valid table of another layout (pool 1 MiB higher)", |p| {
            // A stale table, as left by firmware with another devicetree:
            // well-formed, but for a pool at another bus address.
            let stale = PoolConfig {
                bus_base: p.config().bus_base + 0x10_0000,
                ..*p.config()
            };
            // SAFETY: the pool's own memory, which no core uses yet; only the
            // bus address the table records differs.
            let region =
                unsafe { Region::new(p.region().local_base(), stale.bus_base, stale.size) };
            region
                .and_then(|r| Writer::new().init(r, &stale))
                .unwrap_or_else(|e| panic!("stale table: {e}"));
        }),
        ("zeroes", |p| {
            // SAFETY: no core is attached to the pools yet.
            unsafe { testing::zero(p) }
        }),
    ];
    release_sub_core(out);
    for (n, (what, fill)) in steps.iter().enumerate() {
        let step = n as u32 + 1;
        for pool in pools.iter() {
            fill(pool);
        }
        let _ = writeln!(out, "step {step}: pools hold {what}");
        // SAFETY: the control page's step words (handshake with the sub core).
        unsafe { write32(control::MAIN_STEP, step) };
        wait_sub_step(step)?;
    }
    let last = steps.len() as u32 + 1;
    let _ = writeln!(
        out,
        "step {last}: formatting the pools while the sub core waits"
    );
    // SAFETY: as above.
    unsafe { write32(control::MAIN_STEP, last) };
    normal(pools, out, false)
}

fn wait_sub_step(step: u32) -> Result<(), DemoError> {
    for _ in 0..PATIENCE.polls {
        // SAFETY: the control page's sub step word.
        if unsafe { read32(control::SUB_STEP) } == step {
            return Ok(());
        }
        pause();
    }
    Err(DemoError::Timeout {
        waiting_for: "the sub core's start-up step",
    })
}

/// Why a run failed.
enum Failure {
    Demo(DemoError),
    /// After deep sleep the RTC pool or its entries were gone.
    RetainedLost,
    /// The reply after deep sleep was not the sub core's second round.
    WrongRound(u32),
}

impl From<DemoError> for Failure {
    fn from(e: DemoError) -> Failure {
        Failure::Demo(e)
    }
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Failure::Demo(e) => write!(f, "{e}"),
            Failure::RetainedLost => {
                f.write_str("the RTC pool's entries did not survive deep sleep")
            }
            Failure::WrongRound(n) => write!(f, "expected the sub core's round 2, got round {n}"),
        }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    twin_rt::panic_report("main", info)
}
