//! A memory dump of the QEMU twin taken while it runs, through QEMU's
//! monitor, decoded by `amp-sysinfo dump --qemu`: builds the twin's images
//! as `cargo xtask demo` does (own target directory), starts QEMU with the
//! command line of `xtask/src/twin.rs` plus a monitor socket, and reads
//! both pools once the main core has published its blocks, given its verdict
//! and holds (QEMU keeps running until the test quits it).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;

const TARGET: &str = "riscv32imac-unknown-none-elf";

fn build_twin() -> (PathBuf, PathBuf) {
    let target_dir = scratch("twin-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let st = Command::new(cargo)
        .current_dir(root().join("twin"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .env_remove("RUSTFLAGS")
        .args(["build", "--quiet", "--release", "--target", TARGET])
        .status()
        .unwrap();
    assert!(st.success(), "building the twin failed");
    let out = target_dir.join(TARGET).join("release");
    (out.join("twin-main"), out.join("twin-sub"))
}

#[test]
fn dump_of_the_running_twin_through_the_qemu_monitor() {
    let (main, sub) = build_twin();
    let build = twin_build_dir("twin-qemu-build");
    let dt = amp_sysinfo_dt::Devicetree::from_dts(&build.join("zephyr/zephyr.dts")).unwrap();
    let (_, control) = dt.region("twin_control").unwrap();
    let sock = scratch("twin-monitor.sock");
    let _ = std::fs::remove_file(&sock);
    // `stress` (scenario word 2) fills both pools; the hold word (control
    // page + 0x18, `control::HOLD` in twin/board) keeps QEMU running after
    // the verdict instead of ending it, so the monitor is there whenever the
    // CLI connects (without it QEMU ended some 100 ms after the last
    // publication, and a loaded machine missed that window).
    let mut qemu = Command::new("qemu-system-riscv32")
        .args([
            "-accel",
            "tcg,thread=multi",
            "-machine",
            "virt",
            "-smp",
            "2",
            "-m",
            "128M",
            "-bios",
            "none",
        ])
        .args(["-nographic", "-serial", "stdio"])
        .arg("-monitor")
        .arg(format!("unix:{},server,nowait", sock.display()))
        .arg("-kernel")
        .arg(&main)
        .arg("-device")
        .arg(format!("loader,file={}", sub.display()))
        .arg("-device")
        .arg(format!(
            "loader,addr={:#x},data=2,data-len=4",
            control.start
        ))
        .arg("-device")
        .arg(format!(
            "loader,addr={:#x},data=1,data-len=4",
            control.start + 0x18
        ))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("qemu-system-riscv32 (Debian: qemu-system-misc; `cargo xtask setup` installs it)");
    let (tx, rx) = mpsc::channel();
    let console_out = qemu.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(console_out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Wait until the main core has given its verdict and holds.
    let mut console = Vec::new();
    let published = loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(l) => {
                let done = l.contains("[main] holding");
                console.push(l);
                if done {
                    break true;
                }
            }
            Err(_) => break false,
        }
    };
    let out = if published {
        Some(cli(&[
            "dump",
            "--json",
            "--qemu",
            sock.to_str().unwrap(),
            "--build-dir",
            build.to_str().unwrap(),
        ]))
    } else {
        None
    };
    // End our QEMU through its monitor (then by its handle).
    if let Ok(mut s) = UnixStream::connect(&sock) {
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = s.read(&mut [0u8; 512]);
        let _ = s.write_all(b"quit\n");
    }
    std::thread::sleep(Duration::from_millis(300));
    let _ = qemu.kill();
    let _ = qemu.wait();
    let out =
        out.unwrap_or_else(|| panic!("the twin never held; console:\n{}", console.join("\n")));
    let (so, se) = (stdout(&out), stderr(&out));
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{so}\nstderr:\n{se}\nconsole:\n{}",
        console.join("\n")
    );
    eprintln!("{se}");
    assert!(
        console.iter().any(|l| l == "[main] PASS: scenario stress"),
        "console:\n{}",
        console.join("\n")
    );
    let v: serde_json::Value = serde_json::from_str(&so).unwrap();
    let pools = v.as_array().unwrap();
    assert_eq!(pools.len(), 2, "{so}");
    let ids = |i: usize| -> Vec<u64> {
        pools[i]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(
        (pools[0]["kind"].as_str(), pools[1]["kind"].as_str()),
        (Some("hp"), Some("rtc"))
    );
    let hp = ids(0);
    for id in [0xff00, 0xff04, 0x0001, 0x0002] {
        assert!(hp.contains(&id), "HP pool lacks {id:#06x}: {hp:x?}");
    }
    let rtc = ids(1);
    assert!(
        rtc.contains(&0xff05) && rtc.contains(&0x0010),
        "RTC pool: {rtc:x?}"
    );
    assert!(pools.iter().all(|p| p["ok"] == true), "{so}");
    assert!(se.contains("guest was "), "{se}");
}
