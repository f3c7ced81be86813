//! Shared by the integration tests: where things are, building the C API
//! staticlib for the host with cargo, compiling and running C programs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// The repository root (the workspace).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// `include/`, where `esp_amp_sys_info.h` is.
pub fn include_dir() -> PathBuf {
    repo_root().join("include")
}

/// The C test programs.
pub fn c_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c")
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("amp-sysinfo-capi")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The host C compiler (`$CC`, else `cc`).
pub fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".into())
}

/// Which build of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Main,
    Sub,
    /// The main core's library without its default `log-failures` feature.
    MainQuiet,
    /// The sub core's library with `linked-pools`: the program defines
    /// `esp_amp_sys_info_pools` (compiled with `-DTEST_LINKED_POOLS`; a
    /// program that fills it at run time also defines
    /// `ESP_AMP_SYS_INFO_POOLS_WRITABLE`).
    SubLinked,
}

static BUILD: Mutex<[Option<PathBuf>; 4]> = Mutex::new([None, None, None, None]);

/// Builds `libamp_sysinfo_capi.a` for the host (main- or sub-core build)
/// with cargo, in a target directory of its own, once per test process, and
/// returns a copy that later builds do not overwrite.
pub fn staticlib(side: Side) -> PathBuf {
    let mut built = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let slot = &mut built[side as usize];
    if let Some(path) = slot {
        return path.clone();
    }
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("capi-host");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--lib",
        "-p",
        "amp-sysinfo-capi",
        "--manifest-path",
    ])
    .arg(repo_root().join("Cargo.toml"))
    .env("CARGO_TARGET_DIR", &target_dir);
    match side {
        Side::Main => {}
        Side::Sub => {
            cmd.args(["--features", "sub-core"]);
        }
        Side::MainQuiet => {
            cmd.args(["--no-default-features", "--features", "panic-handler"]);
        }
        Side::SubLinked => {
            cmd.args(["--features", "linked-pools"]);
        }
    }
    let out = cmd.output().expect("run cargo");
    assert!(
        out.status.success(),
        "cargo build of the C API failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lib = target_dir.join("debug/libamp_sysinfo_capi.a");
    let copy = target_dir.join(match side {
        Side::Main => "libamp_sysinfo_capi-main.a",
        Side::Sub => "libamp_sysinfo_capi-sub.a",
        Side::MainQuiet => "libamp_sysinfo_capi-main-quiet.a",
        Side::SubLinked => "libamp_sysinfo_capi-sub-linked.a",
    });
    std::fs::copy(&lib, &copy).expect("copy the staticlib");
    *slot = Some(copy.clone());
    copy
}

/// What a Rust staticlib for x86_64/aarch64 Linux needs from the system
/// (rustc's `--print native-static-libs` for std on glibc).
pub const NATIVE_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

/// Compiler flags of every C test program: the snippets must build cleanly.
pub const C_FLAGS: &[&str] = &["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1"];

/// Compiler flags of every C++ test program.
pub const CXX_FLAGS: &[&str] = &["-std=c++17", "-Wall", "-Wextra", "-Werror", "-O1"];

/// Compiles `source` (a file under `tests/c`; `.cpp`: C++, with `$CXX`,
/// else `c++`) linked with `side`'s library into `out_dir`, returning the
/// program's path. Panics with the compiler's output on failure.
pub fn build_program(source: &str, side: Side, out_dir: &Path) -> PathBuf {
    let lib = staticlib(side);
    let (compiler, flags) = match source.strip_suffix(".cpp") {
        Some(_) => (
            std::env::var("CXX").unwrap_or_else(|_| "c++".into()),
            CXX_FLAGS,
        ),
        None => (cc(), C_FLAGS),
    };
    let stem = source.trim_end_matches(".cpp").trim_end_matches(".c");
    let exe = out_dir.join(stem);
    let out = Command::new(compiler)
        .args(flags)
        .args((side == Side::SubLinked).then_some("-DTEST_LINKED_POOLS"))
        .arg("-I")
        .arg(include_dir())
        .arg(c_dir().join(source))
        .arg(&lib)
        .args(NATIVE_LIBS)
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("run the C compiler");
    assert!(
        out.status.success(),
        "compiling {source} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Runs a program; returns its output (any exit status).
pub fn run(exe: &Path, args: &[&str]) -> Output {
    Command::new(exe)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", exe.display()))
}

/// Stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
