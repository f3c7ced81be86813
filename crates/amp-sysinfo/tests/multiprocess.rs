//! Two processes share one file mapping, each at a *different* local address,
//! with one bus address in the table: a writer process allocates and
//! publishes while a reader process (started first, before the table exists)
//! attaches and looks every entry up, then answers through a block it found.
//!
//! The test re-runs its own binary as the two children (the role selected by
//! an environment variable) and checks both exit cleanly and agree.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use amp_sysinfo::{Error, Id, PoolConfig, PoolKind, Reader, Region, Writer};

const BUS_BASE: u32 = 0x4ff0_0000;
const SIZE: u32 = 16 * 1024;
const ENTRIES: u16 = 24;
const ROLE: &str = "AMP_SYSINFO_MP_ROLE";
const PATH: &str = "AMP_SYSINFO_MP_PATH";
/// The reply block: the reader writes the sum of every value it read.
const REPLY: u16 = 0x0fff;

/// Maps the shared file at an address chosen by the kernel; `hint` keeps the
/// two processes' mappings apart so the test proves address translation.
fn map(path: &str, hint: usize) -> Region {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap();
    use std::os::fd::AsRawFd;
    // SAFETY: a shared mapping of a file we just opened, SIZE bytes long;
    // it stays mapped until the process exits.
    let ptr = unsafe {
        libc::mmap(
            hint as *mut libc::c_void,
            SIZE as usize,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        )
    };
    assert_ne!(ptr, libc::MAP_FAILED, "mmap failed");
    eprintln!("{} mapped at {ptr:p}", std::env::var(ROLE).unwrap());
    // SAFETY: the mapping is valid, page aligned and lives until exit.
    unsafe { Region::new(ptr.cast(), BUS_BASE, SIZE) }.unwrap()
}

fn value(i: u16) -> [u32; 4] {
    let i = i as u32;
    [i, i * i, 0xdead_0000 | i, !i]
}

fn writer(path: &str) {
    let region = map(path, 0x6100_0000_0000);
    static WRITER: Writer = Writer::new();
    WRITER
        .init(
            region,
            &PoolConfig {
                max_entries: ENTRIES + 1,
                ..PoolConfig::new(PoolKind::Hp, BUS_BASE, SIZE)
            },
        )
        .unwrap();
    let reply = WRITER
        .alloc_with(Id::new(REPLY).unwrap(), PoolKind::Hp, &[0u32; 2])
        .unwrap();
    for i in 0..ENTRIES {
        WRITER
            .alloc_with(Id::new(i).unwrap(), PoolKind::Hp, &value(i))
            .unwrap();
        // Give the reader time to look in between publications.
        std::thread::sleep(Duration::from_millis(2));
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while reply.read()[0] != 1 {
        assert!(
            Instant::now() < deadline,
            "writer: no reply from the reader"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    println!("writer: reply sum {:#x}", reply.read()[1]);
}

fn reader(path: &str) {
    let region = map(path, 0x6200_0000_0000);
    let mut reader = Reader::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut not_ready = 0u32;
    loop {
        match reader.attach(region, PoolKind::Hp) {
            Ok(_) => break,
            Err(Error::NotReady) => not_ready += 1,
            Err(e) => panic!("reader: attach: {e}"),
        }
        assert!(Instant::now() < deadline, "reader: table never appeared");
        std::thread::yield_now();
    }
    let mut sum = 0u32;
    for i in 0..ENTRIES {
        let v = loop {
            match reader.get_as::<[u32; 4]>(Id::new(i).unwrap(), PoolKind::Hp) {
                Ok(v) => break v.read(),
                Err(Error::NotFound) => {}
                Err(e) => panic!("reader: get {i}: {e}"),
            }
            assert!(
                Instant::now() < deadline,
                "reader: entry {i} never appeared"
            );
            std::thread::yield_now();
        };
        assert_eq!(v, value(i), "entry {i} seen incomplete or wrong");
        sum = sum.wrapping_add(v.iter().fold(0u32, |a, x| a.wrapping_add(*x)));
    }
    let reply = reader
        .get_as::<[u32; 2]>(Id::new(REPLY).unwrap(), PoolKind::Hp)
        .unwrap();
    reply.write(&[1, sum]);
    println!("reader: {ENTRIES} entries, sum {sum:#x}, not ready {not_ready} times");
}

/// The parent: spawns this test binary twice (reader first, then writer),
/// filtered to this same test, with the role in the environment. In a child
/// the role is set and the test runs that role instead, so there is no test
/// that passes without doing anything.
#[test]
fn writer_and_reader_processes_agree() {
    match (std::env::var(ROLE).as_deref(), std::env::var(PATH)) {
        (Ok("writer"), Ok(path)) => return writer(&path),
        (Ok("reader"), Ok(path)) => return reader(&path),
        (Ok(role), _) => panic!("{ROLE}={role}: unknown role, or {PATH} unset"),
        _ => {}
    }
    let path = std::env::temp_dir().join(format!("amp-sysinfo-mp-{}", std::process::id()));
    // Garbage first: the reader must see "not ready", never crash.
    std::fs::write(&path, vec![0x5au8; SIZE as usize]).unwrap();
    let spawn = |role: &str| {
        Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "writer_and_reader_processes_agree",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ROLE, role)
            .env(PATH, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let reader = spawn("reader");
    std::thread::sleep(Duration::from_millis(50));
    let writer = spawn("writer");
    let (w, r) = (
        writer.wait_with_output().unwrap(),
        reader.wait_with_output().unwrap(),
    );
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let (wt, rt) = (text(&w), text(&r));
    std::fs::remove_file(&path).ok();
    assert!(
        w.status.success() && r.status.success(),
        "writer:\n{wt}\nreader:\n{rt}"
    );
    let sum = |t: &str, key: &str| {
        t.split(key)
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .map(|s| s.trim_end_matches(',').to_string())
    };
    let (ws, rs) = (sum(&wt, "reply sum "), sum(&rt, "sum "));
    assert!(
        ws.is_some() && ws == rs,
        "writer and reader disagree:\n{wt}\n{rt}"
    );
    let addr = |t: &str| {
        t.split("mapped at ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .map(str::to_string)
    };
    assert_ne!(
        addr(&wt),
        addr(&rt),
        "the two mappings must be at different local addresses"
    );
    println!("{wt}{rt}");
}
