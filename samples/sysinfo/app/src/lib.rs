//! The main core's part of the Zephyr sample and on-target tests, written
//! against a small [`Platform`] so that it builds without the `zephyr` crate.
//!
//! [`run_demo`] is the sample: format the pools (or re-attach the retained
//! RTC pool), publish the specification's `Person_t` and the rest of the demo, start
//! the sub core, publish more once the sub core has booted and attached,
//! and print the sub core's findings. [`run_error_paths`] checks that bad
//! requests fail with the right [`Error`] and leave the table usable.
//! Every line goes to a [`core::fmt::Write`]; the twister harness of
//! `samples/sysinfo/sample.yaml` and `tests/sysinfo/testcase.yaml` matches
//! them.
#![no_std]

use core::fmt::{self, Write};

use amp_sysinfo::{
    fence_before_sub_core_start, CacheSync, Error, Id, PoolConfig, PoolKind, Writer,
};
use amp_sysinfo_demo::{
    main_publish_more, main_report, main_setup, main_wait_reply, DemoError, Patience, Pools,
    ReplyState, Setup, PERSON,
};

/// What the application needs from the system it runs on.
pub trait Platform {
    /// Loads and starts the sub core. Called once, after everything
    /// [`run_demo`] publishes first, and after
    /// [`fence_before_sub_core_start`].
    fn start_sub_core(&mut self) -> Result<(), i32>;
    /// Waits a little (about a millisecond) before polling the sub core again.
    fn pause(&mut self);
    /// Puts the main core into deep sleep for `ms` milliseconds; it wakes
    /// through a reset. On hardware this does not return unless it failed
    /// (`Err(code)`). `Ok(())` means the platform simulates the reset (host
    /// tests): the caller returns and the platform runs the next boot.
    fn deep_sleep_ms(&mut self, ms: u32) -> Result<(), i32> {
        let _ = ms;
        Err(-1)
    }
}

/// How many [`Platform::pause`]s to wait for the sub core at each step.
pub const PATIENCE: Patience = Patience::polls(5_000);

/// Why the application stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppError {
    /// The devicetree's pools are unusable (checked again at run time).
    Pools(Error),
    /// A step of the demo failed.
    Demo(DemoError),
    /// The platform could not start the sub core (its error code).
    StartSubCore(i32),
    /// An error path gave the wrong result.
    ErrorPath {
        case: &'static str,
        expected: Error,
        got: Result<(), Error>,
    },
    /// Deep sleep failed (the platform's code).
    DeepSleep(i32),
    /// After the wake-up from deep sleep the RTC pool was not retained.
    RtcPoolLost { boots: u32 },
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Pools(e) => write!(f, "pools: {e}"),
            AppError::Demo(e) => write!(f, "{e}"),
            AppError::StartSubCore(code) => write!(f, "starting the sub core failed ({code})"),
            AppError::ErrorPath {
                case,
                expected,
                got: Ok(()),
            } => write!(f, "{case}: succeeded, expected {expected}"),
            AppError::ErrorPath {
                case,
                expected,
                got: Err(e),
            } => write!(f, "{case}: {e}, expected {expected}"),
            AppError::DeepSleep(code) => write!(f, "deep sleep failed ({code})"),
            AppError::RtcPoolLost { boots } => {
                write!(f, "RTC pool not retained after deep sleep (boot #{boots})")
            }
        }
    }
}

impl From<DemoError> for AppError {
    fn from(e: DemoError) -> AppError {
        AppError::Demo(e)
    }
}

/// The pools of the devicetree, at their bus addresses (the ESP32-C6/C5/P4
/// cores see shared memory at the same address).
///
/// # Safety
/// The configurations come from the devicetree's `esp-amp-sysinfo,pool`
/// nodes, whose memory exists and is used by nothing but SysInfo (the module
/// checks at build time that the image stays out of it).
pub unsafe fn devicetree_pools(hp: PoolConfig, rtc: Option<PoolConfig>) -> Result<Pools, AppError> {
    // SAFETY: forwarded to the caller.
    unsafe { Pools::identity(hp, rtc) }.map_err(AppError::Pools)
}

/// The sample: see the crate documentation. Returns what the set-up found
/// (whether the RTC pool was retained, the boot count).
pub fn run_demo<C: CacheSync>(
    w: &Writer<C>,
    pools: &Pools,
    out: &mut impl Write,
    platform: &mut impl Platform,
) -> Result<Setup, AppError> {
    let setup = main_setup(w, pools, out)?;
    if setup.rtc_retained {
        let _ = writeln!(
            out,
            "RTC pool retained: {} entries kept, boot #{}",
            setup.rtc_entries_kept, setup.boots
        );
    }
    // Everything above is published: order it before the start of the sub core.
    fence_before_sub_core_start();
    platform.start_sub_core().map_err(AppError::StartSubCore)?;
    let _ = writeln!(out, "sub core started");

    let attached = main_wait_reply(&setup.reply, ReplyState::Attached, PATIENCE, &mut || {
        platform.pause()
    })?;
    if attached.state == ReplyState::Attached as u32 {
        let _ = writeln!(out, "sub core attached; publishing after its boot");
    }
    main_publish_more(w, out)?;
    let reply = main_wait_reply(&setup.reply, ReplyState::Done, PATIENCE, &mut || {
        platform.pause()
    })?;
    main_report(&reply, out)?;
    let _ = w.dump(out);
    Ok(setup)
}

/// Bad requests on the formatted pools: each must fail with its error and
/// change nothing a later lookup sees. Run after [`run_demo`] (the person
/// exists). Returns the number of cases checked.
pub fn run_error_paths<C: CacheSync>(
    w: &Writer<C>,
    pools: &Pools,
    out: &mut impl Write,
) -> Result<u32, AppError> {
    let mut cases = 0;
    let mut expect =
        |case: &'static str, expected: Error, got: Result<(), Error>, out: &mut dyn Write| {
            cases += 1;
            if got == Err(expected) {
                let _ = writeln!(out, "error path {case}: {expected}, ok");
                Ok(())
            } else {
                Err(AppError::ErrorPath {
                    case,
                    expected,
                    got,
                })
            }
        };
    let count_before = w.count(PoolKind::Hp).map_err(AppError::Pools)?;

    expect(
        "reserved id",
        Error::ReservedId,
        Id::new(0xff10).map(|_| ()),
        out,
    )?;
    expect(
        "duplicate id",
        Error::DuplicateId,
        w.alloc(PERSON, 4, PoolKind::Hp).map(|_| ()),
        out,
    )?;
    expect(
        "zero size",
        Error::ZeroSize,
        w.alloc(user_id(0x0a00), 0, PoolKind::Hp).map(|_| ()),
        out,
    )?;
    expect(
        "larger than the pool",
        Error::PoolFull,
        w.alloc(user_id(0x0a01), u16::MAX, PoolKind::Hp).map(|_| ()),
        out,
    )?;
    expect(
        "unknown id",
        Error::NotFound,
        w.get(user_id(0x0a02), PoolKind::Hp).map(|_| ()),
        out,
    )?;
    if pools.rtc.is_none() {
        expect(
            "absent RTC pool",
            Error::PoolAbsent,
            w.alloc(user_id(0x0a03), 4, PoolKind::Rtc).map(|_| ()),
            out,
        )?;
    }
    let count_after = w.count(PoolKind::Hp).map_err(AppError::Pools)?;
    if count_after != count_before {
        return Err(AppError::ErrorPath {
            case: "failed calls changed the table",
            expected: Error::Corrupt,
            got: Ok(()),
        });
    }

    // Fill the HP table with small blocks: the first id that does not fit
    // must get TableFull (or PoolFull if the pool's data runs out first).
    let mut next = 0x0b00;
    let last = loop {
        match w.alloc(user_id(next), 4, PoolKind::Hp) {
            Ok(_) => next += 1,
            Err(e) => break e,
        }
        if next == 0x0c00 {
            break Error::Busy; // never reached with any valid table size
        }
    };
    cases += 1;
    match last {
        Error::TableFull | Error::PoolFull => {
            let _ = writeln!(
                out,
                "error path full table: {} after {} more entries, ok",
                last,
                next - 0x0b00
            );
        }
        e => {
            return Err(AppError::ErrorPath {
                case: "full table",
                expected: Error::TableFull,
                got: Err(e),
            })
        }
    }
    // The earlier entries are still found.
    w.get(PERSON, PoolKind::Hp)
        .map_err(|e| AppError::ErrorPath {
            case: "person after errors",
            expected: e,
            got: Err(e),
        })?;
    let _ = writeln!(out, "error paths: {cases} cases ok");
    Ok(cases)
}

const fn user_id(raw: u16) -> Id {
    match Id::new(raw) {
        Ok(id) => id,
        Err(_) => panic!("not a user id"),
    }
}

/// How a run of [`test_main`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Finished; the verdict line was printed.
    Done,
    /// Went into deep sleep (host simulation only: hardware resets instead).
    Sleeping,
}

/// The sample's `rust_main`: [`run_demo`], then the verdict line
/// `sysinfo sample: PASS` or `sysinfo sample: FAIL: <why>`.
pub fn sample_main<C: CacheSync>(
    w: &Writer<C>,
    pools: Result<Pools, AppError>,
    board: &str,
    out: &mut impl Write,
    platform: &mut impl Platform,
) -> bool {
    let _ = writeln!(out, "sysinfo sample on {board}");
    match pools.and_then(|pools| run_demo(w, &pools, out, platform)) {
        Ok(_) => {
            let _ = writeln!(out, "sysinfo sample: PASS");
            true
        }
        Err(e) => {
            let _ = writeln!(out, "sysinfo sample: FAIL: {e}");
            false
        }
    }
}

/// The on-target tests' `rust_main` (tests/sysinfo): [`run_demo`] and
/// [`run_error_paths`]; with `deep_sleep`, the first boot then sleeps 2 s and
/// the second must find the RTC pool retained. Prints `sysinfo test: PASS`
/// or `sysinfo test: FAIL: <why>`.
pub fn test_main<C: CacheSync>(
    w: &Writer<C>,
    pools: Result<Pools, AppError>,
    deep_sleep: bool,
    out: &mut impl Write,
    platform: &mut impl Platform,
) -> Ended {
    match run_tests(w, pools, deep_sleep, out, platform) {
        Ok(Ended::Sleeping) => Ended::Sleeping,
        Ok(Ended::Done) => {
            let _ = writeln!(out, "sysinfo test: PASS");
            Ended::Done
        }
        Err(e) => {
            let _ = writeln!(out, "sysinfo test: FAIL: {e}");
            Ended::Done
        }
    }
}

fn run_tests<C: CacheSync>(
    w: &Writer<C>,
    pools: Result<Pools, AppError>,
    deep_sleep: bool,
    out: &mut impl Write,
    platform: &mut impl Platform,
) -> Result<Ended, AppError> {
    let pools = pools?;
    let setup = run_demo(w, &pools, out, platform)?;
    run_error_paths(w, &pools, out)?;
    if !deep_sleep {
        return Ok(Ended::Done);
    }
    if setup.boots <= 1 {
        let _ = writeln!(out, "deep sleep: boot #{}, sleeping 2000 ms", setup.boots);
        return match platform.deep_sleep_ms(2000) {
            Ok(()) => Ok(Ended::Sleeping),
            Err(code) => Err(AppError::DeepSleep(code)),
        };
    }
    if !setup.rtc_retained {
        return Err(AppError::RtcPoolLost { boots: setup.boots });
    }
    let _ = writeln!(out, "deep sleep: RTC pool survived, boot #{}", setup.boots);
    Ok(Ended::Done)
}
