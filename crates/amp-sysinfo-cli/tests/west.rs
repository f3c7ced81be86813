//! `west sysinfo`, loaded by west's own extension-command machinery: a west
//! workspace whose manifest repository is this repository (`west.yml`
//! `self: west-commands:`), run with the west that `cargo xtask setup`
//! installs in `.venv/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

fn python() -> PathBuf {
    let py = root().join(".venv/bin/python");
    assert!(
        py.is_file(),
        "{}: missing; run `cargo xtask setup` (it installs west there)",
        py.display()
    );
    py
}

/// The repository's `west.yml` without its `import:` (the projects are not
/// cloned here, and west refuses a manifest whose imports it cannot read).
fn manifest_without_imports() -> String {
    let text = std::fs::read_to_string(root().join("west.yml")).unwrap();
    let mut out = Vec::new();
    let mut skip: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(i) = skip {
            if line.trim().is_empty() || indent > i {
                continue;
            }
            skip = None;
        }
        if line.trim_start().starts_with("import:") {
            skip = Some(indent);
            continue;
        }
        out.push(line);
    }
    let m = out.join("\n") + "\n";
    assert!(
        m.contains("west-commands: scripts/west-commands.yml"),
        "west.yml declares no west-commands:\n{m}"
    );
    m
}

/// A workspace `<tmp>/west-ws` whose manifest repository holds the
/// repository's `west.yml` (imports dropped) and its `scripts/`.
fn workspace(name: &str) -> PathBuf {
    let ws = scratch(name);
    let repo = ws.join("esp-amp-sysinfo");
    // Never write through a link into the repository itself.
    assert!(
        !std::fs::symlink_metadata(&repo).is_ok_and(|m| m.file_type().is_symlink()),
        "{}",
        repo.display()
    );
    std::fs::create_dir_all(ws.join(".west")).unwrap();
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("west.yml"), manifest_without_imports()).unwrap();
    // Copies: west refuses a west-commands file that resolves outside the
    // manifest repository.
    std::fs::create_dir_all(repo.join("scripts")).unwrap();
    for f in ["west-commands.yml", "west_sysinfo.py"] {
        std::fs::copy(root().join("scripts").join(f), repo.join("scripts").join(f)).unwrap();
    }
    std::fs::write(
        ws.join(".west/config"),
        "[manifest]\npath = esp-amp-sysinfo\nfile = west.yml\n",
    )
    .unwrap();
    ws
}

fn west(ws: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(python());
    c.arg("-m")
        .arg("west")
        .args(args)
        .current_dir(ws)
        .env("NO_COLOR", "1")
        .env_remove("ZEPHYR_BASE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "west failed ({:?}):\n{}\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
    stdout(o)
}

#[test]
fn west_loads_the_extension_and_runs_the_cli_on_a_build_dir() {
    let ws = workspace("west-ws");
    let help = ok(&west(&ws, &["help"], &[]));
    assert!(
        help.contains("sysinfo"),
        "`west help` lists no sysinfo:\n{help}"
    );
    let help = ok(&west(&ws, &["sysinfo", "--help"], &[]));
    assert!(
        help.contains("-d BUILD_DIR") && help.contains("--qemu"),
        "{help}"
    );

    let build = twin_build_dir("west-build");
    let b = build.to_str().unwrap();
    let env = [("AMP_SYSINFO_CLI", BIN)];
    let out = ok(&west(&ws, &["sysinfo", "-d", b, "pools"], &env));
    assert!(
        out.contains("sysinfo_hp") && out.contains("sysinfo_rtc"),
        "{out}"
    );
    let out = ok(&west(&ws, &["sysinfo", "-d", b, "map"], &env));
    assert!(out.contains("near sysinfo_rtc"), "{out}");
    // A corrupt dump: the CLI's exit code comes through west.
    let dump = scratch("west-zero.bin");
    std::fs::write(&dump, vec![0u8; 0x4000]).unwrap();
    let arg = format!("{}@0x80300000", dump.display());
    let o = west(&ws, &["sysinfo", "-d", b, "dump", &arg], &env);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("[NotReady]"), "{}", stdout(&o));
}

#[test]
fn west_builds_the_cli_on_first_use() {
    let ws = workspace("west-ws-first-use");
    let target = scratch("west-first-use-target");
    let _ = std::fs::remove_dir_all(&target);
    // A stand-in for cargo that "builds" the CLI as a wrapper of the test's
    // binary and records its arguments.
    let fake = scratch("fake-cargo");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho \"$@\" > \"$CARGO_TARGET_DIR/args\"\nmkdir -p \"$CARGO_TARGET_DIR/release\"\nprintf '#!/bin/sh\\nexec {BIN} \"$@\"\\n' > \"$CARGO_TARGET_DIR/release/amp-sysinfo\"\nchmod +x \"$CARGO_TARGET_DIR/release/amp-sysinfo\"\n"
        ),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&fake)
        .status()
        .unwrap();
    std::fs::create_dir_all(&target).unwrap();
    let build = twin_build_dir("west-build-first");
    let env = [
        ("CARGO", fake.to_str().unwrap()),
        ("CARGO_TARGET_DIR", target.to_str().unwrap()),
        ("PATH", "/usr/bin:/bin"),
    ];
    let o = west(
        &ws,
        &["sysinfo", "-d", build.to_str().unwrap(), "pools"],
        &env,
    );
    let out = ok(&o);
    assert!(
        stderr(&o).contains("building it") || out.contains("building it"),
        "{}",
        stderr(&o)
    );
    assert!(out.contains("sysinfo_hp"), "{out}");
    let args = std::fs::read_to_string(target.join("args")).unwrap();
    assert!(
        args.contains("build --release") && args.contains("-p amp-sysinfo-cli"),
        "{args}"
    );
}
