//! Helpers: run the binary, scratch files, the twin's devicetree.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_amp-sysinfo");

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("amp-sysinfo-cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

pub fn cli(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and expects exit `code`; returns stdout.
pub fn expect(args: &[&str], code: i32) -> String {
    let o = cli(args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "amp-sysinfo {args:?}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// The twin main image's final devicetree as DTS (a stand-in for a build's
/// `zephyr.dts`), in a build-directory layout: `<dir>/zephyr/zephyr.dts`.
pub fn twin_build_dir(name: &str) -> PathBuf {
    let twin = root().join("boards/qemu/twin");
    let dts = amp_sysinfo_dt::final_dts(
        &twin.join("twin.dts"),
        &[twin.join("twin_main.overlay")],
        &[],
    )
    .unwrap();
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("zephyr")).unwrap();
    std::fs::write(dir.join("zephyr/zephyr.dts"), dts).unwrap();
    dir
}

/// Compares with `tests/golden/<name>`; `UPDATE_GOLDEN=1` rewrites it.
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert!(
        want == actual,
        "{name} differs from the golden file:\n--- want\n{want}\n--- got\n{actual}"
    );
}
