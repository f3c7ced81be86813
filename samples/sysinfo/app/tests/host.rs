//! The main core's sequence on the host, with a thread as the sub core
//! running the same checks as the LP-core image.

use std::sync::Mutex;
use std::thread;

use amp_sysinfo::{PoolConfig, PoolKind, Reader, Region, Writer};
use amp_sysinfo_demo::{sub_check, sub_wait_attach, DemoError, Patience, Pool, Pools};
use sysinfo_sample_app::{run_demo, run_error_paths, AppError, Platform};

#[repr(C, align(16))]
struct Mem<const N: usize>([u8; N]);

/// The pools handed to the sub-core thread.
#[derive(Clone, Copy)]
struct SendPools(Pools);
// SAFETY: the regions are leaked buffers that outlive the test, and every
// access to them goes through SysInfo's volatile, fenced reads and writes.
unsafe impl Send for SendPools {}

fn pools(with_rtc: bool) -> Pools {
    let hp_mem: &'static mut Mem<0x4000> = Box::leak(Box::new(Mem([0xa5; 0x4000])));
    let rtc_mem: &'static mut Mem<0x3f0> = Box::leak(Box::new(Mem([0x5a; 0x3f0])));
    let hp = PoolConfig::new(PoolKind::Hp, 0x4087_c610, 0x4000);
    let rtc = PoolConfig::new(PoolKind::Rtc, 0x5000_3800, 0x3f0);
    // SAFETY: leaked buffers of the configured sizes, used only through SysInfo.
    unsafe {
        let hp = Pool::new(
            Region::new(hp_mem.0.as_mut_ptr(), hp.bus_base, hp.size).unwrap(),
            hp,
        )
        .unwrap();
        let rtc = Pool::new(
            Region::new(rtc_mem.0.as_mut_ptr(), rtc.bus_base, rtc.size).unwrap(),
            rtc,
        )
        .unwrap();
        Pools::new(hp, with_rtc.then_some(rtc)).unwrap()
    }
}

/// The LP-core image's sequence, as the sub-core threads run it: wait up to
/// `attach_polls` polls for the main core to publish, then check round 1.
fn sub_core_sequence(pools: &Pools, out: &mut String, attach_polls: u32) -> Result<(), DemoError> {
    let mut reader: Reader = Reader::new();
    let mut pause = || thread::yield_now();
    sub_wait_attach(
        &mut reader,
        pools,
        out,
        Patience::polls(attach_polls),
        &mut pause,
    )?;
    sub_check(
        &reader,
        pools,
        1,
        out,
        Patience::polls(1_000_000),
        &mut pause,
    )?;
    Ok(())
}

struct ThreadSubCore {
    pools: SendPools,
    log: &'static Mutex<String>,
    started: bool,
}

impl Platform for ThreadSubCore {
    fn start_sub_core(&mut self) -> Result<(), i32> {
        let pools = self.pools;
        let log = self.log;
        self.started = true;
        thread::spawn(move || {
            let pools = pools;
            let mut out = String::new();
            sub_core_sequence(&pools.0, &mut out, 100_000).unwrap();
            log.lock().unwrap().push_str(&out);
        });
        Ok(())
    }

    fn pause(&mut self) {
        thread::sleep(std::time::Duration::from_micros(200));
    }
}

fn leak_log() -> &'static Mutex<String> {
    Box::leak(Box::new(Mutex::new(String::new())))
}

/// A sub core on a thread, not yet started, logging to a leaked buffer.
fn thread_sub_core(pools: Pools) -> ThreadSubCore {
    ThreadSubCore {
        pools: SendPools(pools),
        log: leak_log(),
        started: false,
    }
}

/// A main-core registry for one boot.
fn leak_writer() -> &'static Writer {
    Box::leak(Box::new(Writer::new()))
}

#[test]
fn demo_then_error_paths_with_rtc_pool() {
    let pools = pools(true);
    let writer = leak_writer();
    let mut platform = thread_sub_core(pools);
    let mut out = String::new();
    let setup =
        run_demo(writer, &pools, &mut out, &mut platform).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert!(platform.started);
    assert!(!setup.rtc_retained);
    assert!(
        out.contains("published person 0x0001 \"Ada Lovelace\""),
        "{out}"
    );
    assert!(
        out.contains("sub core attached; publishing after its boot"),
        "{out}"
    );
    assert!(out.contains("published late person 0x0003"), "{out}");
    assert!(
        out.contains("sub core checked") && out.contains(", 0 errors"),
        "{out}"
    );

    let cases = run_error_paths(writer, &pools, &mut out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(cases, 6);
    assert!(
        out.contains("error path duplicate id: duplicate id in this pool, ok"),
        "{out}"
    );
    assert!(out.contains("error path full table: table full"), "{out}");
}

#[test]
fn error_paths_without_rtc_pool_include_pool_absent() {
    let pools = pools(false);
    let writer = leak_writer();
    let mut platform = thread_sub_core(pools);
    let mut out = String::new();
    run_demo(writer, &pools, &mut out, &mut platform).unwrap_or_else(|e| panic!("{e}\n{out}"));
    let cases = run_error_paths(writer, &pools, &mut out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(cases, 7);
    assert!(out.contains("error path absent RTC pool"), "{out}");
}

/// A platform whose sub core never starts: the demo must time out, not hang
/// or report success.
struct DeadSubCore;

impl Platform for DeadSubCore {
    fn start_sub_core(&mut self) -> Result<(), i32> {
        Ok(())
    }
    fn pause(&mut self) {}
}

#[test]
fn a_sub_core_that_never_answers_is_a_timeout() {
    let pools = pools(true);
    let mut out = String::new();
    match run_demo(leak_writer(), &pools, &mut out, &mut DeadSubCore) {
        Err(AppError::Demo(e)) => assert!(e.to_string().contains("timed out"), "{e}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

struct FailingStart;

impl Platform for FailingStart {
    fn start_sub_core(&mut self) -> Result<(), i32> {
        Err(-22)
    }
    fn pause(&mut self) {}
}

#[test]
fn a_failed_start_is_reported_with_its_code() {
    let pools = pools(true);
    let mut out = String::new();
    assert_eq!(
        run_demo(leak_writer(), &pools, &mut out, &mut FailingStart).unwrap_err(),
        AppError::StartSubCore(-22)
    );
}

/// A whole run as on the board, with the console captured: the sample's and
/// the on-target tests' entry points with a thread as the LP core. With
/// `SYSINFO_TRANSCRIPT_DIR` set, the transcripts are written there, and
/// `cargo xtask zephyr-check` matches them against the twister harness
/// regexes of samples/sysinfo/sample.yaml and tests/sysinfo/testcase.yaml.
mod transcripts {
    use super::*;
    use amp_sysinfo_demo::testing::fill_garbage;
    use sysinfo_sample_app::{sample_main, test_main, Ended};

    /// The LP core as a thread; deep sleep is simulated by returning, and
    /// the caller then runs the next boot.
    struct Board {
        inner: ThreadSubCore,
        lp_thread: Option<thread::JoinHandle<()>>,
        slept: bool,
    }

    impl Platform for Board {
        fn start_sub_core(&mut self) -> Result<(), i32> {
            let pools = self.inner.pools;
            self.lp_thread = Some(thread::spawn(move || {
                let pools = pools;
                let _ = sub_core_sequence(&pools.0, &mut String::new(), 1_000_000);
            }));
            Ok(())
        }

        fn pause(&mut self) {
            self.inner.pause();
        }

        fn deep_sleep_ms(&mut self, _ms: u32) -> Result<(), i32> {
            if let Some(t) = self.lp_thread.take() {
                t.join().unwrap();
            }
            self.slept = true;
            Ok(())
        }
    }

    fn board(pools: Pools) -> Board {
        Board {
            inner: thread_sub_core(pools),
            lp_thread: None,
            slept: false,
        }
    }

    /// Asserts that the run ended with `pass_line`, then saves it as `name`.
    #[track_caller]
    fn save_passed(name: &str, text: &str, pass_line: &str) {
        assert!(text.ends_with(pass_line), "{text}");
        if let Some(dir) = std::env::var_os("SYSINFO_TRANSCRIPT_DIR") {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(std::path::Path::new(&dir).join(name), text).unwrap();
        }
    }

    /// One boot of tests/sysinfo on `board`, with a fresh main-core registry
    /// (a reset empties it).
    fn boot(pools: Pools, deep_sleep: bool, out: &mut String, board: &mut Board) -> Ended {
        test_main(leak_writer(), Ok(pools), deep_sleep, out, board)
    }

    /// Boot #1 of the deep-sleep test: formats both pools and goes to sleep.
    #[track_caller]
    fn boot_until_sleep(pools: Pools, out: &mut String) {
        let mut b = board(pools);
        assert_eq!(boot(pools, true, out, &mut b), Ended::Sleeping, "{out}");
        assert!(b.slept);
    }

    #[test]
    fn sample_transcript() {
        let pools = pools(true);
        let mut out = String::new();
        assert!(
            sample_main(
                leak_writer(),
                Ok(pools),
                "host",
                &mut out,
                &mut board(pools)
            ),
            "{out}"
        );
        save_passed("sample.txt", &out, "sysinfo sample: PASS\n");
    }

    #[test]
    fn test_transcript() {
        let pools = pools(true);
        let mut out = String::new();
        assert_eq!(boot(pools, false, &mut out, &mut board(pools)), Ended::Done);
        save_passed("test.txt", &out, "sysinfo test: PASS\n");
    }

    #[test]
    fn deep_sleep_transcript() {
        let pools = pools(true);
        let mut out = String::new();
        boot_until_sleep(pools, &mut out);
        // The wake-up is a reset: HP SRAM holds garbage, LP SRAM is retained,
        // the main core's registry starts empty.
        // SAFETY: the LP thread was joined; nothing uses the pool now.
        unsafe { fill_garbage(&pools.hp, 0x5eed, false) };
        assert_eq!(boot(pools, true, &mut out, &mut board(pools)), Ended::Done);
        assert!(
            out.contains("deep sleep: RTC pool survived, boot #2"),
            "{out}"
        );
        save_passed("test-deep-sleep.txt", &out, "sysinfo test: PASS\n");
    }

    #[test]
    fn a_lost_rtc_pool_fails_the_deep_sleep_test() {
        let pools = pools(true);
        let mut out = String::new();
        boot_until_sleep(pools, &mut out);
        // This time LP SRAM is lost too.
        // SAFETY: as above.
        unsafe {
            fill_garbage(&pools.hp, 1, false);
            fill_garbage(pools.rtc.as_ref().unwrap(), 2, false);
        }
        let mut out2 = String::new();
        assert_eq!(
            boot(pools, true, &mut out2, &mut board(pools)),
            Ended::Sleeping
        );
        assert!(out2.contains("deep sleep: boot #1, sleeping"), "{out2}");
    }
}
