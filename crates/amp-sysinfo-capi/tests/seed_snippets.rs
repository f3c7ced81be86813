//! The specification's two C snippets (main core allocates a `Person_t`, sub
//! core reads it), compiled unchanged against `include/esp_amp_sys_info.h`
//! and run as two processes sharing one file mapping, each at its own local
//! address; plus the C API's error paths from C.

// The wrappers use POSIX mmap and the link line is glibc's
// (`common::NATIVE_LIBS`): Linux hosts only.
#![cfg(target_os = "linux")]

mod common;

use common::{build_program, run, scratch, stderr, stdout, Side};

const POOL_SIZE: usize = 4096;

/// "main: pool local 0x7f..., person local 0x..., offset 0x.." → the pool's address.
fn main_pool_address(out: &str) -> &str {
    let rest = out
        .split("main: pool local ")
        .nth(1)
        .expect("main prints its mapping");
    rest.split(',').next().unwrap().trim()
}

fn sub_pool_address(out: &str) -> &str {
    let rest = out
        .split("sub: pool local ")
        .nth(1)
        .expect("sub prints its mapping");
    rest.lines().next().unwrap().trim()
}

#[test]
fn seed_snippets_share_a_person_across_two_processes() {
    let dir = scratch("seed-two-processes");
    let main = build_program("seed_main.c", Side::Main, &dir);
    let sub = build_program("seed_sub.c", Side::Sub, &dir);
    let pool = dir.join("pool");
    let pool = pool.to_str().unwrap();

    let m = run(&main, &[pool, "Alice", "30"]);
    assert!(
        m.status.success(),
        "main failed: {}\n{}",
        stdout(&m),
        stderr(&m)
    );
    let main_out = stdout(&m);
    let main_addr = main_pool_address(&main_out).to_owned();
    // The block is past the header and the 16-entry table: 32 + 16 * 8.
    assert!(main_out.contains("offset 0xa0"), "{main_out}");
    // The dump went through the log sink with the block's bus address.
    assert!(
        stderr(&m).contains("id 0x0001  size    20  addr 0x4087c0a0"),
        "{}",
        stderr(&m)
    );

    let s = run(&sub, &[pool, &main_addr]);
    let sub_out = stdout(&s);
    assert!(s.status.success(), "sub failed: {sub_out}\n{}", stderr(&s));
    assert!(
        sub_out.contains("Person name: Alice\nPerson age: 30\n"),
        "{sub_out}"
    );
    // The sub core's dump lists the same entry at the same bus address.
    assert!(
        stderr(&s).contains("id 0x0001  size    20  addr 0x4087c0a0"),
        "{}",
        stderr(&s)
    );
    assert_ne!(
        sub_pool_address(&sub_out),
        main_addr,
        "the two processes must map the pool at different addresses"
    );
}

/// The sub core runs first and polls, as a real sub core started early would:
/// attach fails with "not ready" until the main process formats the pool,
/// then it waits for the ready entry the main process publishes after filling
/// in the Person, and must then see the Person complete.
#[test]
fn sub_core_started_first_waits_for_the_main_core() {
    started_first_waits_for_the_main_core(Side::Sub);
}

/// The same with the `linked-pools` library: the sub core's image defines
/// where the pool is, and the snippet runs with no `set_pool` call.
#[test]
fn linked_pools_sub_core_started_first_waits_for_the_main_core() {
    started_first_waits_for_the_main_core(Side::SubLinked);
}

fn started_first_waits_for_the_main_core(side: Side) {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};

    let dir = scratch(&format!("seed-concurrent-{side:?}"));
    let main = build_program("seed_main.c", Side::Main, &dir);
    let sub = build_program("seed_sub.c", side, &dir);
    let pool = dir.join("pool");
    std::fs::write(&pool, vec![0u8; POOL_SIZE]).unwrap();
    let pool = pool.to_str().unwrap();

    let mut child = Command::new(&sub)
        .args([pool, "--wait"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    // The sub process has mapped the (still zeroed) pool and is polling.
    assert!(first.starts_with("sub: pool local "), "{first}");

    let m = run(&main, &[pool, "Carol", "52"]);
    assert!(
        m.status.success(),
        "main failed: {}\n{}",
        stdout(&m),
        stderr(&m)
    );

    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "sub failed: {rest}\n{err}");
    assert!(
        rest.contains("sub: ready entry seen\nPerson name: Carol\nPerson age: 52\n"),
        "{rest}"
    );
}

#[test]
fn sub_core_before_the_main_core_formats_gets_not_ready() {
    let dir = scratch("seed-not-ready");
    let sub = build_program("seed_sub.c", Side::Sub, &dir);
    let pool = dir.join("pool");
    std::fs::write(&pool, vec![0u8; POOL_SIZE]).unwrap();
    let s = run(&sub, &[pool.to_str().unwrap()]);
    assert_eq!(s.status.code(), Some(2), "{}", stdout(&s));
    assert!(
        stdout(&s).contains("sub: init failed: no valid table (not ready)"),
        "{}",
        stdout(&s)
    );
    assert!(!stdout(&s).contains("Person"));
}

#[test]
fn sub_core_refuses_an_entry_pointing_outside_the_pool() {
    let dir = scratch("seed-corrupt");
    let main = build_program("seed_main.c", Side::Main, &dir);
    let sub = build_program("seed_sub.c", Side::Sub, &dir);
    let pool = dir.join("pool");
    let m = run(&main, &[pool.to_str().unwrap(), "Bob", "41"]);
    assert!(m.status.success(), "{}", stderr(&m));

    // Entry 0's offset (bytes 36..38, in 4-byte units from the data area, 160
    // bytes in) now points at the end of the pool.
    let mut bytes = std::fs::read(&pool).unwrap();
    assert_eq!(u32::from_le_bytes(bytes[36..40].try_into().unwrap()), 0);
    bytes[36..38].copy_from_slice(&((POOL_SIZE as u16 - 160) / 4).to_le_bytes());
    std::fs::write(&pool, &bytes).unwrap();

    let s = run(&sub, &[pool.to_str().unwrap()]);
    // The snippet's `return -1`: NULL from esp_amp_sys_info_get, with the reason.
    assert_eq!(s.status.code(), Some(1), "{}", stdout(&s));
    assert!(
        stdout(&s).contains("sub: snippet failed: table corrupt or for another pool"),
        "{}",
        stdout(&s)
    );
    // The sub core's build stores the failure's code only (so that a lookup-only
    // image pays little for error reporting); no line goes to its sink.
    assert!(
        !stderr(&s).contains("esp_amp_sys_info_get(id 0x0001, cap 0)"),
        "{}",
        stderr(&s)
    );
    assert!(!stdout(&s).contains("Person name"));
}

#[test]
fn c_api_error_paths_from_c() {
    run_checks("c-errors", "c_errors", Side::Main, 100);
}

/// The main-core library without `log-failures`: failures keep their
/// reasons (`esp_amp_sys_info_last_error`) and leave the pool unchanged, but
/// send no line to the sink; the dump still prints.
#[test]
fn c_api_without_failure_lines_keeps_the_reasons() {
    run_checks("c-quiet", "c_quiet", Side::MainQuiet, 30);
}

/// The `linked-pools` library: `init` reads the image's
/// `esp_amp_sys_info_pools` each time; a missing HP pool, a table not yet
/// formatted, descriptions `set_pool` would refuse (misaligned, past
/// 4 GiB), a table of another pool and an unformatted RTC pool each fail
/// with their reason and leave no pool open; both pools attach; an RTC pool
/// the image drops is gone at the next `init`.
#[test]
fn linked_pools_from_c() {
    run_checks("c-linked-sub", "c_linked_sub", Side::SubLinked, 40);
}

/// A C++ image defines the object `const`, as the header documents: the
/// header's declaration gives it C linkage, so the library finds it.
#[test]
fn linked_pools_from_cpp() {
    let dir = scratch("cpp-linked-sub");
    let exe = build_program("cpp_linked_sub.cpp", Side::SubLinked, &dir);
    let out = run(&exe, &[]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out), "cpp_linked_sub: ok\n");
}

/// The sub-core library after failed `set_pool`/`init` calls: no pool,
/// never the old one.
#[test]
fn sub_core_state_after_failures_from_c() {
    let dir = scratch("c-state-sub");
    let exe = build_program("c_state_sub.c", Side::Sub, &dir);
    let out = run(&exe, &[]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).starts_with("c_state_sub: "),
        "{}",
        stdout(&out)
    );
}

/// The `.inc` files hold the spec's snippets; the spec itself lives outside
/// the repository and is not read by any test, so the snippets' key lines
/// are checked.
#[test]
fn snippets_hold_the_specification_calls() {
    let dir = common::c_dir();
    let main = std::fs::read_to_string(dir.join("seed_main_snippet.inc")).unwrap();
    let sub = std::fs::read_to_string(dir.join("seed_sub_snippet.inc")).unwrap();
    assert!(main.contains(
        "Person_t *person = (Person_t *) esp_amp_sys_info_alloc(SYS_INFO_ID_PERSON_1, sizeof(Person_t), SYS_INFO_CAP_HP);"
    ));
    assert!(sub.contains("Person_t *person = (Person_t *) esp_amp_sys_info_get(SYS_INFO_ID_PERSON_1, NULL, SYS_INFO_CAP_HP);"));
}

/// Builds the C test program `program` (`tests/c/<program>.c`, using
/// `checks.h`) against `side`'s library in the scratch directory `dir`, runs
/// it, and requires success with at least `minimum` checks counted in its
/// "<program>: N checks passed" line.
fn run_checks(dir: &str, program: &str, side: Side, minimum: u32) {
    let dir = scratch(dir);
    let exe = build_program(&format!("{program}.c"), side, &dir);
    let out = run(&exe, &[]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let checks: u32 = stdout(&out)
        .strip_prefix(&format!("{program}: "))
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{program} prints its check count"));
    assert!(checks >= minimum, "only {checks} checks ran");
}
