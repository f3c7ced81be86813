//! Host tests: both cores' sides of the demo on real memory, the sub core on
//! its own thread where the flow needs concurrency.

use std::string::String;
use std::thread;
use std::vec::Vec;

use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Reader, Region, Writer};

use crate::*;

#[repr(C, align(16))]
struct Mem([u8; 0x1000]);

/// Two pools in host memory, at the twin's bus addresses.
struct Board {
    hp: Vec<Mem>,
    rtc: Vec<Mem>,
}

impl Board {
    fn new() -> Board {
        Board {
            hp: std::vec![Mem([0; 0x1000])],
            rtc: std::vec![Mem([0; 0x1000])],
        }
    }

    fn pools(&mut self, with_rtc: bool) -> Pools {
        let hp = PoolConfig::new(PoolKind::Hp, 0x8030_0000, 0x1000);
        let rtc = PoolConfig::new(PoolKind::Rtc, 0x8031_0000, 0x1000);
        // SAFETY: the buffers live as long as the board, which outlives each test's use.
        unsafe {
            let hp = Pool::new(
                Region::new(self.hp[0].0.as_mut_ptr(), hp.bus_base, hp.size).unwrap(),
                hp,
            )
            .unwrap();
            let rtc = Pool::new(
                Region::new(self.rtc[0].0.as_mut_ptr(), rtc.bus_base, rtc.size).unwrap(),
                rtc,
            )
            .unwrap();
            Pools::new(hp, with_rtc.then_some(rtc)).unwrap()
        }
    }
}

fn yield_now() -> impl FnMut() {
    || thread::yield_now()
}

const PATIENT: Patience = Patience::polls(1_000_000);

/// Fails, showing the whole log, unless `log` contains `text`.
#[track_caller]
fn assert_logged(log: &str, text: &str) {
    assert!(log.contains(text), "{text:?} not in the log:\n{log}");
}

/// The main core's start-up on `pools`, its log dropped.
fn format(pools: &Pools) -> (Writer, Setup) {
    let writer = Writer::new();
    let setup = main_setup(&writer, pools, &mut String::new()).unwrap();
    (writer, setup)
}

/// The main core's wait for the sub core's reply to reach `want`, polling
/// `patience.polls` times (the thread yields between two polls).
fn wait_reply(setup: &Setup, want: ReplyState, patience: Patience) -> Result<Reply, DemoError> {
    main_wait_reply(&setup.reply, want, patience, &mut yield_now())
}

/// The sub core's patient attach, as on its own thread: the attached reader,
/// its log, and how many tries the attach took.
fn sub_attach(pools: &Pools) -> (Reader, String, u32) {
    let mut reader = Reader::new();
    let mut log = String::new();
    let tries = sub_wait_attach(&mut reader, pools, &mut log, PATIENT, &mut yield_now()).unwrap();
    (reader, log, tries)
}

/// The sub core started after the main core (one poll must attach), then
/// its check of round 1 with `patience`: the check's result and the log.
fn sub_check_now(pools: &Pools, patience: Patience) -> (Result<Reply, DemoError>, String) {
    let mut reader = Reader::new();
    let mut log = String::new();
    sub_wait_attach(&mut reader, pools, &mut log, Patience::polls(1), &mut || ()).unwrap();
    let findings = sub_check(&reader, pools, 1, &mut log, patience, &mut || ());
    (findings, log)
}

/// What `sub_wait_attach` returns when the HP pool's table is refused.
fn attach_hp_failed(error: Error) -> Result<u32, DemoError> {
    Err(DemoError::Sysinfo {
        step: "attach HP pool",
        id: None,
        error,
    })
}

/// A stress run, the sub core on another thread: the main core formats,
/// waits for the sub core to attach, publishes through `publish` and waits
/// for the reply. Returns (what `publish` returned, the reply the main core
/// read, the one the sub core sent, the main core's log).
fn stress_run(
    pools: Pools,
    publish: impl FnOnce(&Writer, &Pools, &mut String) -> Result<u32, DemoError>,
) -> (u32, Reply, Reply, String) {
    let (writer, setup) = format(&pools);
    thread::scope(|s| {
        let sub = s.spawn(move || {
            let (reader, mut log, _) = sub_attach(&pools);
            sub_stress(&reader, &pools, &mut log, PATIENT, &mut || ()).unwrap()
        });
        wait_reply(&setup, ReplyState::Attached, PATIENT).unwrap();
        let mut log = String::new();
        let published = publish(&writer, &pools, &mut log).unwrap();
        let reply = wait_reply(&setup, ReplyState::Done, PATIENT).unwrap();
        (published, reply, sub.join().unwrap(), log)
    })
}

/// The whole normal exchange, with the sub core on another thread: returns
/// (main log, sub log, the sub core's findings).
fn normal_run(pools: Pools, round: u32) -> (String, String, Reply) {
    let writer = Writer::new();
    let mut main_log = String::new();
    let setup = main_setup(&writer, &pools, &mut main_log).unwrap();
    amp_sysinfo::fence_before_sub_core_start();
    thread::scope(|s| {
        let sub = s.spawn(move || {
            let (reader, mut log, _) = sub_attach(&pools);
            let findings =
                sub_check(&reader, &pools, round, &mut log, PATIENT, &mut yield_now()).unwrap();
            (log, findings)
        });
        wait_reply(&setup, ReplyState::Attached, PATIENT).unwrap();
        main_publish_more(&writer, &mut main_log).unwrap();
        let reply = wait_reply(&setup, ReplyState::Done, PATIENT).unwrap();
        main_report(&reply, &mut main_log).unwrap();
        let (sub_log, findings) = sub.join().unwrap();
        assert_eq!(
            reply, findings,
            "the main core reads what the sub core wrote"
        );
        (main_log, sub_log, findings)
    })
}

#[test]
fn normal_exchange_checks_every_entry() {
    let mut board = Board::new();
    let (main_log, sub_log, findings) = normal_run(board.pools(true), 1);
    // 6 reserved + person + boot record + late person + late pattern + reply.
    assert_eq!(findings.entries_checked, 11, "{sub_log}");
    assert_eq!(findings.errors, 0, "{sub_log}");
    assert_eq!(findings.state, ReplyState::Done as u32);
    assert_logged(
        &main_log,
        "entries used: HP 7/16 RTC 2/16 (6 of them the reserved ids)",
    );
    assert_logged(&sub_log, "person 0x0003: \"Grace Hopper\", age 85, ok");
    assert_logged(&sub_log, "reserved 0xff05 in RTC: PM counter 0 -> 1");
}

#[test]
fn without_rtc_pool_pm_goes_to_hp() {
    let mut board = Board::new();
    let (main_log, sub_log, findings) = normal_run(board.pools(false), 1);
    assert_eq!(findings.errors, 0, "{sub_log}");
    // No boot record without an RTC pool.
    assert_eq!(findings.entries_checked, 10);
    assert_logged(&main_log, "reserved 0xff05: 4 bytes in HP");
    assert!(!main_log.contains("RTC"), "{main_log}");
}

#[test]
fn retained_rtc_pool_survives_a_second_boot() {
    let mut board = Board::new();
    let pools = board.pools(true);
    normal_run(pools, 1);
    // Deep sleep: the HP pool loses its contents, the RTC pool keeps them.
    // SAFETY: no core uses the pools between the two runs.
    unsafe { testing::fill_garbage(&pools.hp, 7, false) };
    let writer = Writer::new();
    let mut log = String::new();
    let setup = main_setup(&writer, &pools, &mut log).unwrap();
    assert!(setup.rtc_retained, "{log}");
    assert_eq!(
        (setup.rtc_entries_kept, setup.boots, setup.pm_counter),
        (2, 2, 1),
        "{log}"
    );
    assert_eq!(
        writer.count(PoolKind::Rtc),
        Ok(2),
        "PM is not allocated twice"
    );
    assert_logged(&log, "re-attached, 2 entries kept; boot #2, PM counter 1");
    // And the second round checks out (the sub core bumps PM to 2).
    let (_, sub_log, findings) = normal_run(pools, 2);
    assert_eq!(findings.errors, 0, "{sub_log}");
    assert_logged(&sub_log, "boot record 0x0010 in RTC: boot #3, ok");
}

#[test]
fn damaged_boot_record_means_format_anew() {
    let mut board = Board::new();
    let pools = board.pools(true);
    main_setup(&Writer::new(), &pools, &mut String::new()).unwrap();
    // The boot record's magic is the first word after the table (first block).
    let record = pools
        .rtc
        .unwrap()
        .region()
        .local_base()
        .wrapping_add(amp_sysinfo::table_bytes(16));
    // SAFETY: inside the RTC buffer; nothing else runs.
    unsafe { record.write_volatile(0) };
    let mut log = String::new();
    let setup = main_setup(&Writer::new(), &pools, &mut log).unwrap();
    assert!(!setup.rtc_retained);
    assert_logged(
        &log,
        "nothing to keep (table corrupt or for another pool); formatting",
    );
}

#[test]
fn sub_core_before_main_core_sees_not_ready_then_succeeds() {
    let mut board = Board::new();
    let pools = board.pools(true);
    let mut reader = Reader::new();
    for (what, garbage) in [
        ("garbage", Some(false)),
        ("garbage with magic", Some(true)),
        ("zeroes", None),
    ] {
        // SAFETY: nothing is attached to the pools.
        unsafe {
            for pool in pools.iter() {
                match garbage {
                    Some(magic) => testing::fill_garbage(pool, 0x1234_5678, magic),
                    None => testing::zero(pool),
                }
            }
        }
        for pool in pools.iter() {
            assert_eq!(
                reader.attach(pool.region(), pool.kind()),
                Err(Error::NotReady),
                "{what}"
            );
        }
        assert_eq!(
            reader.get(PERSON, PoolKind::Hp),
            Err(Error::PoolAbsent),
            "{what}"
        );
        let mut log = String::new();
        let r = sub_wait_attach(
            &mut reader,
            &pools,
            &mut log,
            Patience::polls(3),
            &mut || (),
        );
        assert_eq!(r, attach_hp_failed(Error::NotReady), "{what}");
        assert_logged(
            &log,
            "HP pool: no valid table (not ready); waiting for the main core",
        );
    }
    // The main core formats while the sub core waits.
    let writer = Writer::new();
    thread::scope(|s| {
        let sub = s.spawn(move || {
            let (reader, log, tries) = sub_attach(&pools);
            // Attached as soon as the table is formatted; the person follows.
            let person = loop {
                match reader.get(PERSON, PoolKind::Hp) {
                    Err(Error::NotFound) => thread::yield_now(),
                    other => break other,
                }
            };
            (tries, person.is_ok(), log)
        });
        thread::sleep(std::time::Duration::from_millis(20));
        main_setup(&writer, &pools, &mut String::new()).unwrap();
        let (tries, found, log) = sub.join().unwrap();
        assert!(tries > 1, "the sub core had to wait: {log}");
        assert!(found);
    });
}

#[test]
fn stress_sees_only_complete_entries() {
    let mut board = Board::new();
    let (published, reply, sub_reply, mut log) =
        stress_run(board.pools(true), |writer, pools, log| {
            main_stress(writer, pools, log, &mut yield_now())
        });
    main_stress_report(&reply, published, &mut log).unwrap();
    // HP: 16 - 5 reserved - person - reply - control = 8; RTC: 16 - PM - boot record = 14.
    assert_eq!(published, 22, "{log}");
    assert_eq!(sub_reply, reply);
    assert_eq!(reply.inconsistencies, 0);
    assert_eq!(reply.entries_seen, 22);
    assert!(reply.lookups >= 2 * STRESS_IDS as u32);
}

#[test]
fn stress_catches_publish_then_fill() {
    let mut board = Board::new();
    let (published, reply, _, mut log) = stress_run(board.pools(true), |writer, pools, log| {
        // Each item sits published but zero-filled for 2 ms.
        testing::main_stress_publish_then_fill(writer, pools, log, &mut || (), &mut || {
            thread::sleep(std::time::Duration::from_millis(2))
        })
    });
    assert!(reply.inconsistencies > 0, "{reply:?}");
    assert!(matches!(
        main_stress_report(&reply, published, &mut log),
        Err(DemoError::Stress { .. })
    ));
}

#[test]
fn stress_report_fails_on_inconsistency_or_missed_entries() {
    let good = Reply {
        lookups: 100,
        entries_seen: 5,
        published: 5,
        ..Reply::default()
    };
    assert!(main_stress_report(&good, 5, &mut String::new()).is_ok());
    let torn = Reply {
        inconsistencies: 1,
        ..good
    };
    assert_eq!(
        main_stress_report(&torn, 5, &mut String::new()),
        Err(DemoError::Stress {
            inconsistencies: 1,
            entries_seen: 5,
            published: 5
        })
    );
    let missed = Reply {
        entries_seen: 4,
        ..good
    };
    assert!(main_stress_report(&missed, 5, &mut String::new()).is_err());
}

#[test]
fn stress_items_detect_damage() {
    let item = StressItem::new(3, PoolKind::Rtc);
    assert!(item.is_valid(STRESS_FIRST + 3, PoolKind::Rtc));
    assert!(!item.is_valid(STRESS_FIRST + 4, PoolKind::Rtc), "other id");
    assert!(!item.is_valid(STRESS_FIRST + 3, PoolKind::Hp), "other pool");
    let mut torn = item;
    torn.words[4] = 0;
    assert!(!torn.is_valid(STRESS_FIRST + 3, PoolKind::Rtc));
    assert!(
        !StressItem::new(0, PoolKind::Hp).is_valid(0x00ff, PoolKind::Hp),
        "below the stress range"
    );
}

#[test]
fn sub_core_reports_wrong_contents_and_main_core_fails() {
    let mut board = Board::new();
    let pools = board.pools(true);
    let (writer, setup) = format(&pools);
    main_publish_more(&writer, &mut String::new()).unwrap();
    // Someone scribbles over the person's age and a reserved block.
    writer
        .get(PERSON, PoolKind::Hp)
        .unwrap()
        .write(16, &[99])
        .unwrap();
    writer
        .get(Id::VQUEUE, PoolKind::Hp)
        .unwrap()
        .write(10, &[1])
        .unwrap();
    let (findings, log) = sub_check_now(&pools, Patience::polls(1));
    let findings = findings.unwrap();
    assert_eq!(findings.errors, 2, "{log}");
    assert_eq!(
        findings.first_error_id,
        Id::VQUEUE.raw() as u32,
        "reserved ids are checked first"
    );
    assert_eq!(
        Check::from_u32(findings.first_error_check),
        Some(Check::Content)
    );
    assert_logged(&log, "FAIL id 0x0001: wrong contents: person differs");
    let reply = wait_reply(&setup, ReplyState::Done, Patience::polls(1)).unwrap();
    assert_eq!(
        main_report(&reply, &mut String::new()),
        Err(DemoError::SubReported {
            errors: 2,
            first_id: 0xff03,
            first_check: Some(Check::Content)
        })
    );
}

#[test]
fn missing_late_entries_and_silent_sub_core_time_out() {
    let mut board = Board::new();
    let pools = board.pools(true);
    let (_writer, setup) = format(&pools);
    let err = wait_reply(&setup, ReplyState::Attached, Patience::polls(5)).unwrap_err();
    assert_eq!(
        err,
        DemoError::Timeout {
            waiting_for: "the sub core to attach"
        }
    );
    let (findings, log) = sub_check_now(&pools, Patience::polls(5));
    let findings = findings.unwrap();
    // The late pattern never came: the wait fails, then both lookups.
    assert_eq!(findings.errors, 3, "{log}");
    assert_eq!(
        (
            findings.first_error_id,
            Check::from_u32(findings.first_error_check)
        ),
        (LATE_PATTERN.raw() as u32, Some(Check::Late))
    );
}

#[test]
fn sub_core_without_reply_block_is_an_error() {
    let mut board = Board::new();
    let pools = board.pools(false);
    let writer = Writer::new();
    writer.init(pools.hp.region(), pools.hp.config()).unwrap();
    let err = sub_check_now(&pools, Patience::polls(1)).0.unwrap_err();
    assert_eq!(
        err,
        DemoError::Sysinfo {
            step: "find the reply block",
            id: Some(2),
            error: Error::NotFound
        }
    );
    assert_eq!(
        std::format!("{err}"),
        "find the reply block (id 0x0002): id not found"
    );
}

#[test]
fn pools_must_match_their_configuration() {
    let mut board = Board::new();
    let pools = board.pools(true);
    let other = PoolConfig::new(PoolKind::Hp, 0x8030_0000, 0x800);
    assert_eq!(
        Pool::new(pools.hp.region(), other),
        Err(Error::RegionMismatch)
    );
    assert_eq!(
        Pools::new(pools.rtc.unwrap(), None),
        Err(Error::RegionMismatch),
        "HP slot holds an RTC pool"
    );
    assert_eq!(
        Pools::new(pools.hp, Some(pools.hp)),
        Err(Error::RegionMismatch),
        "RTC slot holds an HP pool"
    );
    assert!(pools.hp.holds_block(0x8030_0000 + 0xa0, 4));
    assert!(
        !pools.hp.holds_block(0x8030_0000 + 0x9c, 4),
        "inside the table"
    );
    assert!(!pools.hp.holds_block(0x8030_0ffc, 8), "past the end");
}

#[test]
fn person_names_are_c_strings() {
    let p = Person::new("a name longer than fifteen", 1);
    assert_eq!(p.name(), "a name longer t");
    assert_eq!(p.name[15], 0);
    assert_eq!(core::mem::size_of::<Reply>(), 44);
}

#[test]
fn stale_table_of_another_layout_is_refused_and_replaced() {
    let mut board = Board::new();
    let pools = board.pools(true);
    // A well-formed table that records another bus address for each pool.
    for pool in pools.iter() {
        let stale = PoolConfig {
            bus_base: pool.config().bus_base + 0x10_0000,
            ..*pool.config()
        };
        // SAFETY: the pool's own buffer; nothing is attached.
        let region =
            unsafe { Region::new(pool.region().local_base(), stale.bus_base, stale.size) }.unwrap();
        Writer::new().init(region, &stale).unwrap();
    }
    let mut reader = Reader::new();
    let r = sub_wait_attach(
        &mut reader,
        &pools,
        &mut String::new(),
        Patience::polls(2),
        &mut || (),
    );
    assert_eq!(r, attach_hp_failed(Error::Corrupt));
    let mut log = String::new();
    let setup = main_setup(&Writer::new(), &pools, &mut log).unwrap();
    assert!(!setup.rtc_retained, "{log}");
    assert_logged(&log, "RTC pool 0x80310000+0x1000: nothing to keep (table corrupt or for another pool); formatting");
    assert_eq!(
        sub_wait_attach(
            &mut reader,
            &pools,
            &mut String::new(),
            Patience::polls(1),
            &mut || ()
        ),
        Ok(1)
    );
}
