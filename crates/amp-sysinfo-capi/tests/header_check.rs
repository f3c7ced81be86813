//! `include/esp_amp_sys_info.h` against the Rust side:
//! - the committed header is exactly what cbindgen makes of this crate with
//!   `cbindgen.toml` (CI's `cbindgen --verify`): every prototype comes from
//!   the real `extern "C"` items;
//! - the enum values, which `cbindgen.toml` spells in ESP-AMP's form, are
//!   checked by a C program of `_Static_assert`s generated from
//!   `abi::CONSTANTS`, compiled against the header with `-Werror`;
//! - the header is pedantic C99 and usable from C++.
//!
//! `AMP_SYSINFO_WRITE_HEADER=1 cargo test -p amp-sysinfo-capi --test
//! header_check` writes cbindgen's output to the header instead of comparing.

mod common;

use std::path::PathBuf;
use std::process::Command;

use amp_sysinfo_capi::abi::CONSTANTS;

fn header_path() -> PathBuf {
    common::include_dir().join("esp_amp_sys_info.h")
}

fn header_text() -> String {
    std::fs::read_to_string(header_path()).expect("read the header")
}

/// What cbindgen makes of this crate with its `cbindgen.toml`.
fn cbindgen_header() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let config =
        cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).expect("read cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("cbindgen writes UTF-8")
}

#[test]
fn header_is_cbindgen_output() {
    let generated = cbindgen_header();
    if std::env::var_os("AMP_SYSINFO_WRITE_HEADER").is_some() {
        std::fs::write(header_path(), &generated).expect("write the header");
        return;
    }
    let committed = header_text();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b);
        panic!(
            "include/esp_amp_sys_info.h is not cbindgen's output (first difference at line {}); \
             regenerate it with AMP_SYSINFO_WRITE_HEADER=1 cargo test -p amp-sysinfo-capi --test header_check",
            line.map_or_else(|| "(one is a prefix of the other)".into(), |l| (l + 1).to_string())
        );
    }
}

/// ESP-AMP's four functions, spelled exactly as ESP-AMP's header spells them:
/// a change of a Rust signature changes cbindgen's output, and this.
#[test]
fn esp_amp_functions_keep_their_signatures() {
    let header = header_text();
    for prototype in [
        "void *esp_amp_sys_info_alloc(uint16_t info_id, uint16_t size, esp_amp_sys_info_cap_t cap);",
        "void *esp_amp_sys_info_get(uint16_t info_id, uint16_t *size, esp_amp_sys_info_cap_t cap);",
        "int esp_amp_sys_info_init(void);",
        "void esp_amp_sys_info_dump(void);",
    ] {
        assert!(header.contains(prototype), "{prototype} not in the header");
    }
}

/// C source that compiles only if the header's enum values are the Rust ones.
fn c_check_program() -> String {
    let mut c = String::from("#include <stdint.h>\n#include \"esp_amp_sys_info.h\"\n\n");
    c += "_Static_assert(sizeof(esp_amp_sys_info_cap_t) == sizeof(uint32_t), \"cap is passed as a 32-bit value\");\n";
    for k in CONSTANTS {
        c += &format!(
            "_Static_assert({} == {:#x}u, \"{} drifted\");\n",
            k.name, k.value, k.name
        );
    }
    c
}

/// Compiles `program` against `header` (written as `esp_amp_sys_info.h` in a
/// scratch include directory); returns the compiler's complaint on failure.
fn compile_check(test: &str, header: &str, program: &str) -> Result<(), String> {
    let dir = common::scratch(test);
    std::fs::write(dir.join("esp_amp_sys_info.h"), header).unwrap();
    std::fs::write(dir.join("check.c"), program).unwrap();
    let out = Command::new(common::cc())
        .args(common::C_FLAGS)
        .args(["-c", "-o"])
        .arg(dir.join("check.o"))
        .arg("-I")
        .arg(&dir)
        .arg(dir.join("check.c"))
        .output()
        .expect("run the C compiler");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn generated_static_asserts_compile_against_the_header() {
    let program = c_check_program();
    compile_check("c-check", &header_text(), &program).unwrap_or_else(|e| panic!("{e}\n{program}"));
}

/// Every `_Static_assert` of the check program is live: with every expected
/// value off by one, the compiler rejects each of them.
#[test]
fn each_static_assert_fails_on_a_wrong_value() {
    let program = c_check_program()
        .replace("== sizeof(uint32_t)", "== sizeof(uint16_t)")
        .lines()
        .map(|line| match line.split_once(" == 0x") {
            Some((head, tail)) if line.starts_with("_Static_assert(") => {
                let (hex, rest) = tail.split_once('u').expect("a u suffix");
                let value = u32::from_str_radix(hex, 16).expect("a hex value");
                format!("{head} == {:#x}u{rest}", value ^ 1)
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let err = compile_check("c-check-wrong", &header_text(), &program)
        .expect_err("the wrong values compiled");
    let failed = err.matches("static assertion failed").count();
    assert_eq!(failed, CONSTANTS.len() + 1, "{err}");
}

/// A header whose enum values drifted from the Rust ones fails the
/// `_Static_assert`s (and is not cbindgen's output either).
#[test]
fn drifted_enum_values_are_caught() {
    let header = header_text();
    let edits = [
        ("SYS_INFO_CAP_RTC = 1", "SYS_INFO_CAP_RTC = 2"),
        (
            "SYS_INFO_RESERVED_ID_PM = 0xff05",
            "SYS_INFO_RESERVED_ID_PM = 0xff06",
        ),
        ("SYS_INFO_ID_MAX = 0xffff", "SYS_INFO_ID_MAX = 0xfffe"),
    ];
    for (i, (from, to)) in edits.iter().enumerate() {
        assert!(
            header.contains(from),
            "edit {i}: {from:?} not in the header"
        );
        let drifted = header.replace(from, to);
        assert!(
            compile_check(&format!("c-drift-{i}"), &drifted, &c_check_program()).is_err(),
            "edit {i} ({to}) not caught by the C compiler"
        );
    }
}

/// The header is plain C99 (`-pedantic`).
#[test]
fn header_is_pedantic_c99() {
    let dir = common::scratch("header-c99");
    let c = dir.join("use.c");
    std::fs::write(&c, "#include \"esp_amp_sys_info.h\"\nint use(void) { return esp_amp_sys_info_get(1, 0, SYS_INFO_CAP_HP) == 0; }\n").unwrap();
    let out = syntax_check(
        std::ffi::OsStr::new(&common::cc()),
        "-std=c99",
        &["-pedantic"],
        &c,
    )
    .expect("run the C compiler");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The header is usable from C++ (the `extern "C"` guard). Needs `$CXX`, else
/// `c++` (Debian's `g++`, which `cargo xtask setup` installs): without it
/// the test fails.
#[test]
fn header_is_usable_from_cpp() {
    let dir = common::scratch("header-cpp");
    let cpp = dir.join("use.cpp");
    std::fs::write(&cpp, "#include \"esp_amp_sys_info.h\"\nint use() { return esp_amp_sys_info_get(1, nullptr, SYS_INFO_CAP_HP) == nullptr; }\n").unwrap();
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
    let out = syntax_check(std::ffi::OsStr::new(&cxx), "-std=c++17", &[], &cpp)
        .unwrap_or_else(|e| panic!("{cxx}: {e} (install g++: cargo xtask setup, or set CXX)"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `compiler -fsyntax-only` of `file` against the header, warnings as errors.
fn syntax_check(
    compiler: &std::ffi::OsStr,
    std: &str,
    extra: &[&str],
    file: &std::path::Path,
) -> std::io::Result<std::process::Output> {
    Command::new(compiler)
        .arg(std)
        .args(extra)
        .args(["-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I"])
        .arg(common::include_dir())
        .arg(file)
        .output()
}
