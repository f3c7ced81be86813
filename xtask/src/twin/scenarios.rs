//! The twin's scenarios and the console each must print: patterns in order
//! per core (like twister's console harness with `ordered: true`, applied
//! to each core's lines, since the two cores' lines interleave freely), and
//! the exit code QEMU's test finisher gives.

pub struct Scenario {
    /// Name on the command line.
    pub key: &'static str,
    pub about: &'static str,
    /// The word the main image reads from the control page.
    pub word: u32,
    /// QEMU's exit status (the test finisher's code).
    pub exit_code: i32,
    /// Patterns each core's lines must match in this order (a pattern names
    /// its core with `[main]` or `[sub ]` at its start).
    pub expect: Vec<&'static str>,
    /// Patterns no line may match.
    pub forbid: &'static [&'static str],
}

/// The main core's setup on a first boot.
const MAIN_SETUP: &[&str] = &[
    r"^\[main\] HP pool 0x80300000\+0x4000: formatted, table of 16 entries$",
    r"^\[main\] RTC pool 0x80310000\+0x1000: formatted, table of 16 entries; boot record 0x0010 at 0x8031[0-9a-f]{4}, boot #1$",
    r"^\[main\] reserved 0xff00: 4 bytes in HP at 0x8030[0-9a-f]{4}$",
    r"^\[main\] reserved 0xff04: 16 bytes in HP at 0x8030[0-9a-f]{4}$",
    r"^\[main\] reserved 0xff05: 4 bytes in RTC at 0x8031[0-9a-f]{4}$",
    r#"^\[main\] published person 0x0001 "Ada Lovelace", age 36, HP at 0x8030[0-9a-f]{4}$"#,
    r"^\[main\] published reply 0x0002, HP at 0x8030[0-9a-f]{4}$",
    r"^\[main\] entries used: HP 7/16 RTC 2/16 \(6 of them the reserved ids\)$",
];

const START_SUB: &[&str] = &[
    r"^\[main\] starting the sub core at 0x80200000$",
    r"^\[sub \] twin sub image on hart 1: started$",
];

const SUB_ATTACH_AT_BOOT: &[&str] = &[
    r"^\[sub \] attached HP pool: 7 entries \(attempt 1\)$",
    r"^\[sub \] attached RTC pool: 2 entries \(attempt 1\)$",
];

const MAIN_PUBLISH_MORE: &[&str] = &[
    r#"^\[main\] published late person 0x0003 "Grace Hopper", age 85, HP at 0x8030[0-9a-f]{4}$"#,
    r"^\[main\] published late pattern 0x0004, 256 bytes, HP at 0x8030[0-9a-f]{4}$",
];

/// The sub core's check up to the boot record; `pm` is the counter line's tail.
fn sub_check_head(pm: &'static str, boot: &'static str) -> Vec<&'static str> {
    vec![
        r"^\[sub \] found reply 0x0002 at 0x8030[0-9a-f]{4}; told the main core$",
        r"^\[sub \] reserved 0xff00: 4 bytes in HP at 0x8030[0-9a-f]{4}, ok$",
        r"^\[sub \] reserved 0xff03: 64 bytes in HP at 0x8030[0-9a-f]{4}, ok$",
        r"^\[sub \] reserved 0xff04: 16 bytes in HP at 0x8030[0-9a-f]{4}, ok$",
        pm,
        boot,
    ]
}

const SUB_CHECK_TAIL: &[&str] = &[
    r"^\[sub \] late entries appeared after \d+ polls$",
    r#"^\[sub \] person 0x0003: "Grace Hopper", age 85, ok$"#,
    r"^\[sub \] late pattern 0x0004: 256 bytes at 0x8030[0-9a-f]{4}, ok$",
    r"^\[sub \] checked 11 entries: 0 errors$",
];

/// Lines no passing run may print.
const PASSING_FORBID: &[&str] = &[r"PANIC", r"FAIL", r"timed out"];

/// The sub core's first check round up to the boot record.
fn first_round() -> Vec<&'static str> {
    let mut v = sub_check_head(
        r"^\[sub \] reserved 0xff05 in RTC: PM counter 0 -> 1$",
        r"^\[sub \] boot record 0x0010 in RTC: boot #1, ok$",
    );
    v.insert(5, r#"^\[sub \] person 0x0001: "Ada Lovelace", age 36, ok$"#);
    v
}

/// Every scenario with its expected console. One long function on purpose:
/// it is a table (one literal per scenario), read top to bottom beside the
/// twin's scenario code, not logic to split.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            key: "normal",
            about: "publish, start the sub core, publish more; the sub core checks every entry and replies",
            word: 1,
            exit_code: 0,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 1 \(normal\), boot 1$"][..],
                MAIN_SETUP,
                START_SUB,
                SUB_ATTACH_AT_BOOT,
                &[r"^\[main\] sub core attached; publishing more$"],
                MAIN_PUBLISH_MORE,
                &first_round(),
                SUB_CHECK_TAIL,
                &[r"^\[main\] reply \(round 1\): sub core checked 11 entries, 0 errors$", r"^\[main\] PASS: scenario normal$"],
            ]
            .concat(),
            forbid: PASSING_FORBID,
        },
        Scenario {
            key: "stress",
            about: "the main core allocates up to the table limits while the sub core polls lookups",
            word: 2,
            exit_code: 0,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 2 \(stress\), boot 1$"][..],
                MAIN_SETUP,
                START_SUB,
                SUB_ATTACH_AT_BOOT,
                &[
                    r"^\[sub \] found reply 0x0002 at 0x8030[0-9a-f]{4}; told the main core$",
                    r"^\[main\] stress: published 22 items \(HP 8, RTC 14\) until the tables were full$",
                    r"^\[sub \] stress: \d+ passes, \d+ lookups, 22 entries seen of 22 published, \d+ not found yet, 0 inconsistencies$",
                    r"^\[main\] sysinfo HP pool @ 0x80300000, 16384 bytes: 16/16 entries$",
                    r"^\[main\] sysinfo RTC pool @ 0x80310000, 4096 bytes: 16/16 entries$",
                    r"^\[main\] stress reply: lookups \d+, entries seen 22/22, not found yet \d+, inconsistencies 0$",
                    r"^\[main\] PASS: scenario stress$",
                ],
            ]
            .concat(),
            forbid: PASSING_FORBID,
        },
        Scenario {
            key: "retained",
            about: "normal, then deep sleep: the RTC pool is re-attached with its entries, HP formatted anew",
            word: 3,
            exit_code: 0,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 3 \(retained pool\), boot 1$"][..],
                MAIN_SETUP,
                START_SUB,
                SUB_ATTACH_AT_BOOT,
                &first_round(),
                SUB_CHECK_TAIL,
                &[
                    r"^\[sub \] round 1 done; waiting for the main core to wake$",
                    r"^\[main\] reply \(round 1\): sub core checked 11 entries, 0 errors$",
                    r"^\[main\] entering deep sleep: HP RAM is lost, the RTC pool is kept$",
                    r"^\[main\] twin main image on hart 0: scenario 3 \(retained pool\), boot 2$",
                    r"^\[main\] HP pool 0x80300000\+0x4000: formatted, table of 16 entries$",
                    r"^\[main\] RTC pool 0x80310000\+0x1000: re-attached, 2 entries kept; boot #2, PM counter 1$",
                    r"^\[main\] reserved 0xff04: 16 bytes in HP at 0x8030[0-9a-f]{4}$",
                    r"^\[main\] entries used: HP 7/16 RTC 2/16 \(6 of them the reserved ids\)$",
                    r"^\[main\] RTC entries intact after deep sleep; waking the sub core for round 2$",
                    r"^\[sub \] attached HP pool: 7 entries \(attempt 1\)$",
                    r"^\[sub \] attached RTC pool: 2 entries \(attempt 1\)$",
                ],
                &sub_check_head(r"^\[sub \] reserved 0xff05 in RTC: PM counter 1 -> 2$", r"^\[sub \] boot record 0x0010 in RTC: boot #2, ok$"),
                SUB_CHECK_TAIL,
                &[r"^\[main\] reply \(round 2\): sub core checked 11 entries, 0 errors$", r"^\[main\] PASS: scenario retained pool$"],
            ]
            .concat(),
            forbid: PASSING_FORBID,
        },
        Scenario {
            key: "order",
            about: "the sub core starts first: garbage, garbage with the magic, a table for another layout, zeroes, then the table",
            word: 4,
            exit_code: 0,
            expect: [
                &[
                    r"^\[main\] twin main image on hart 0: scenario 4 \(bad start order\), boot 1$",
                    r"^\[main\] starting the sub core at 0x80200000$",
                    r"^\[main\] step 1: pools hold garbage$",
                    r"^\[sub \] step 1: HP pool: no valid table \(not ready\), ok$",
                    r"^\[sub \] step 1: RTC pool: no valid table \(not ready\), ok$",
                    r"^\[main\] step 2: pools hold garbage with the table magic$",
                    r"^\[sub \] step 2: HP pool: no valid table \(not ready\), ok$",
                    r"^\[sub \] step 2: RTC pool: no valid table \(not ready\), ok$",
                    r"^\[main\] step 3: pools hold a valid table of another layout \(pool 1 MiB higher\)$",
                    r"^\[sub \] step 3: HP pool: table corrupt or for another pool, ok$",
                    r"^\[sub \] step 3: RTC pool: table corrupt or for another pool, ok$",
                    r"^\[main\] step 4: pools hold zeroes$",
                    r"^\[sub \] step 4: HP pool: no valid table \(not ready\), ok$",
                    r"^\[sub \] step 4: RTC pool: no valid table \(not ready\), ok$",
                    r"^\[main\] step 5: formatting the pools while the sub core waits$",
                    r"^\[sub \] attached HP pool: \d+ entries \(attempt \d+\)$",
                    r"^\[sub \] attached RTC pool: \d+ entries \(attempt \d+\)$",
                ][..],
                MAIN_SETUP,
                &first_round(),
                SUB_CHECK_TAIL,
                &[r"^\[main\] reply \(round 1\): sub core checked 11 entries, 0 errors$", r"^\[main\] PASS: scenario bad start order$"],
            ]
            .concat(),
            forbid: PASSING_FORBID,
        },
        Scenario {
            key: "fault",
            about: "a published block is damaged behind the table's back: the sub core must catch it, the run must fail",
            word: 5,
            exit_code: 1,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 5 \(fault injection\), boot 1$"][..],
                MAIN_SETUP,
                &[r"^\[main\] fault injected: person 0x0001 age overwritten with 99$"],
                START_SUB,
                &sub_check_head(r"^\[sub \] reserved 0xff05 in RTC: PM counter 0 -> 1$", r"^\[sub \] FAIL id 0x0001: wrong contents: person differs$"),
                &[
                    r"^\[sub \] boot record 0x0010 in RTC: boot #1, ok$",
                    r"^\[sub \] checked 11 entries: 1 errors$",
                    r"^\[main\] reply \(round 1\): sub core checked 11 entries, 1 errors$",
                    r"^\[main\] FAIL: sub core reported 1 failed checks, first on id 0x0001: wrong contents$",
                ],
            ]
            .concat(),
            forbid: &[r"PANIC", r"PASS", r"timed out"],
        },
        Scenario {
            key: "torn",
            about: "stress done wrong (publish, then fill): the sub core must count inconsistencies, the run must fail",
            word: 6,
            exit_code: 1,
            expect: [
                &[r"^\[main\] twin main image on hart 0: scenario 6 \(stress, publish then fill\), boot 1$"][..],
                MAIN_SETUP,
                START_SUB,
                &[
                    r"^\[main\] stress: published 22 items \(HP 8, RTC 14\) until the tables were full$",
                    r"^\[sub \] stress: \d+ passes, \d+ lookups, 22 entries seen of 22 published, \d+ not found yet, [1-9]\d* inconsistencies$",
                    r"^\[main\] stress reply: lookups \d+, entries seen 22/22, not found yet \d+, inconsistencies [1-9]\d*$",
                    r"^\[main\] FAIL: stress: [1-9]\d* inconsistent lookups, 22 of 22 entries seen$",
                ],
            ]
            .concat(),
            forbid: &[r"PANIC", r"PASS", r"timed out"],
        },
        Scenario {
            key: "reformat",
            about: "the main core formats the HP pool over and over while the sub core attaches: one table whole or not ready, never corrupt",
            word: 7,
            exit_code: 0,
            expect: vec![
                r"^\[main\] twin main image on hart 0: scenario 7 \(attach during formats\), boot 1$",
                r"^\[main\] reformat: formatting the HP pool over and over while the sub core attaches$",
                r"^\[main\] starting the sub core at 0x80200000$",
                r"^\[sub \] twin sub image on hart 1: started$",
                r"^\[sub \] reformat: \d+ attaches: \d{4,} attached, \d{4,} not ready, 0 other outcomes$",
                r"^\[main\] reformat: \d+ formats until the sub core was done$",
                r"^\[main\] PASS: scenario attach during formats$",
            ],
            forbid: PASSING_FORBID,
        },
        Scenario {
            key: "unknown",
            about: "a scenario word the images do not know: refused with exit code 2",
            word: 9,
            exit_code: 2,
            expect: vec![r"^\[main\] unknown scenario word 9$"],
            forbid: &[r"PANIC", r"PASS", r"\[sub \]"],
        },
    ]
}
