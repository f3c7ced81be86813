//! `include/esp_amp_sys_info.h` against the Rust side, both ways:
//! - the header's prototypes and enum constants are parsed and compared with
//!   the crate's ABI lists (`abi::EXPORTS`, `abi::IMPORTS`, `abi::CONSTANTS`),
//!   which the compiler ties to the real `extern "C"` items;
//! - a C program generated from those lists (`_Static_assert`s on every
//!   constant and on the enum's size, and a typed pointer to every function)
//!   must compile against the header with `-Werror`;
//! - the same checks are run on deliberately drifted headers and must fail.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use amp_sysinfo::Id;
use amp_sysinfo_capi::abi::{CFunction, CONSTANTS, EXPORTS, IMPORTS};

/// A prototype as parsed from the header: return type and parameter types,
/// spelled as `CType::C` spells them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Prototype {
    ret: String,
    params: Vec<String>,
}

fn header_text() -> String {
    std::fs::read_to_string(common::include_dir().join("esp_amp_sys_info.h"))
        .expect("read the header")
}

/// The header without comments and preprocessor lines.
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits C text into identifiers, numbers and single punctuation tokens.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            out.push(c.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
}

/// A parameter's type: its tokens without the trailing parameter name.
fn param_type(toks: &[String]) -> String {
    let toks = match toks {
        [.., last] if toks.len() > 1 && is_ident(last) => &toks[..toks.len() - 1],
        _ => toks,
    };
    toks.join(" ")
}

/// Every function prototype (`ret name(params);`, typedefs excluded).
fn prototypes(header: &str) -> BTreeMap<String, Prototype> {
    let mut out = BTreeMap::new();
    let body = strip(header);
    for decl in body.split(';') {
        let toks = tokens(decl);
        let Some(first) = toks.first() else { continue };
        if first == "typedef" || toks.iter().any(|t| t == "{" || t == "}") {
            continue;
        }
        let Some(open) = toks.iter().position(|t| t == "(") else {
            continue;
        };
        if open == 0 || toks.last().map(String::as_str) != Some(")") {
            continue;
        }
        let name = toks[open - 1].clone();
        let ret = toks[..open - 1].join(" ");
        let inner = &toks[open + 1..toks.len() - 1];
        let params = if inner.len() == 1 && inner[0] == "void" {
            Vec::new()
        } else {
            inner.split(|t| t == ",").map(param_type).collect()
        };
        assert!(
            out.insert(name.clone(), Prototype { ret, params })
                .is_none(),
            "{name} declared twice"
        );
    }
    out
}

/// Every constant of every `typedef enum { ... } name;`: (enum, constant) → value.
fn enum_constants(header: &str) -> BTreeMap<(String, String), u32> {
    let mut out = BTreeMap::new();
    let body = strip(header);
    let mut rest = body.as_str();
    while let Some(start) = rest.find("typedef enum") {
        let after = &rest[start..];
        let open = after.find('{').expect("enum body");
        let close = after.find('}').expect("enum end");
        let name_end = after[close..].find(';').expect("enum name") + close;
        let enum_name = after[close + 1..name_end].trim().to_owned();
        let mut next = 0u32;
        for item in after[open + 1..close].split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n.trim(), parse_value(v.trim(), &out, &enum_name)),
                None => (item, next),
            };
            next = value + 1;
            out.insert((enum_name.clone(), name.to_owned()), value);
        }
        rest = &after[name_end..];
    }
    out
}

fn parse_value(v: &str, known: &BTreeMap<(String, String), u32>, enum_name: &str) -> u32 {
    if let Some(hex) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16).expect("hex constant")
    } else if let Ok(n) = v.parse() {
        n
    } else {
        *known
            .get(&(enum_name.to_owned(), v.to_owned()))
            .unwrap_or_else(|| panic!("unknown value {v}"))
    }
}

/// Differences between the header's prototypes and the Rust lists.
fn function_drift(header: &str) -> Vec<String> {
    let parsed = prototypes(header);
    let mut problems = Vec::new();
    let listed: Vec<&CFunction> = EXPORTS.iter().chain(IMPORTS).collect();
    for f in &listed {
        match parsed.get(f.name) {
            None => problems.push(format!(
                "{} is in the Rust ABI list but not in the header",
                f.name
            )),
            Some(p) => {
                let want = Prototype {
                    ret: f.ret.to_owned(),
                    params: f.params.iter().map(|s| s.to_string()).collect(),
                };
                if *p != want {
                    problems.push(format!("{}: header {:?}, Rust {:?}", f.name, p, want));
                }
            }
        }
    }
    for name in parsed.keys() {
        if !listed.iter().any(|f| f.name == name) {
            problems.push(format!(
                "{name} is in the header but not in the Rust ABI list"
            ));
        }
    }
    problems
}

/// Differences between the header's enum constants and `abi::CONSTANTS`.
fn constant_drift(header: &str) -> Vec<String> {
    let parsed = enum_constants(header);
    let mut problems = Vec::new();
    for c in CONSTANTS {
        match parsed.get(&(c.enum_name.to_owned(), c.name.to_owned())) {
            None => problems.push(format!(
                "{}::{} missing from the header",
                c.enum_name, c.name
            )),
            Some(&v) if v != c.value => {
                problems.push(format!("{}: header {v:#x}, Rust {:#x}", c.name, c.value))
            }
            Some(_) => {}
        }
    }
    for (e, n) in parsed.keys() {
        if !CONSTANTS.iter().any(|c| c.enum_name == e && c.name == n) {
            problems.push(format!(
                "{e}::{n} is in the header but not in the Rust list"
            ));
        }
    }
    problems
}

#[test]
fn header_functions_match_the_rust_exports() {
    let problems = function_drift(&header_text());
    assert!(problems.is_empty(), "{problems:#?}");
    // ESP-AMP's four, spelled exactly as ESP-AMP's header spells them.
    let parsed = prototypes(&header_text());
    let p = |ret: &str, params: &[&str]| Prototype {
        ret: ret.into(),
        params: params.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        parsed["esp_amp_sys_info_alloc"],
        p(
            "void *",
            &["uint16_t", "uint16_t", "esp_amp_sys_info_cap_t"]
        )
    );
    assert_eq!(
        parsed["esp_amp_sys_info_get"],
        p(
            "void *",
            &["uint16_t", "uint16_t *", "esp_amp_sys_info_cap_t"]
        )
    );
    assert_eq!(parsed["esp_amp_sys_info_init"], p("int", &[]));
    assert_eq!(parsed["esp_amp_sys_info_dump"], p("void", &[]));
}

#[test]
fn header_constants_match_the_rust_values() {
    let problems = constant_drift(&header_text());
    assert!(problems.is_empty(), "{problems:#?}");
    // The specification's six reserved ids, in its order, from 0xff00.
    let parsed = enum_constants(&header_text());
    let names = [
        "SW_INTR",
        "EVENT_MAIN",
        "EVENT_SUB",
        "VQUEUE",
        "SYSTEM",
        "PM",
    ];
    for (name, id) in names.iter().zip(Id::RESERVED) {
        let key = (
            "esp_amp_sys_info_id_t".to_owned(),
            format!("SYS_INFO_RESERVED_ID_{name}"),
        );
        assert_eq!(parsed[&key], id.raw() as u32, "{name}");
    }
    assert_eq!(
        parsed[&("esp_amp_sys_info_cap_t".into(), "SYS_INFO_CAP_HP".into())],
        0
    );
    assert_eq!(
        parsed[&("esp_amp_sys_info_cap_t".into(), "SYS_INFO_CAP_RTC".into())],
        1
    );
}

/// C source that compiles only if the header agrees with the Rust lists.
fn c_check_program() -> String {
    let mut c = String::from("#include <stdint.h>\n#include \"esp_amp_sys_info.h\"\n\n");
    c += "_Static_assert(sizeof(esp_amp_sys_info_cap_t) == sizeof(uint32_t), \"cap is passed as a 32-bit value\");\n";
    for k in CONSTANTS {
        c += &format!(
            "_Static_assert({} == {:#x}u, \"{} drifted\");\n",
            k.name, k.value, k.name
        );
    }
    for f in EXPORTS.iter().chain(IMPORTS) {
        let params = if f.params.is_empty() {
            "void".to_owned()
        } else {
            f.params.join(", ")
        };
        c += &format!(
            "{} (*const check_{})({}) = {};\n",
            f.ret, f.name, params, f.name
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
        .args(["-Werror=incompatible-pointer-types", "-c", "-o"])
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
    let err = compile_check("c-check-wrong", &header_text(), &program).expect_err("the wrong values compiled");
    let failed = err.matches("static assertion failed").count();
    assert_eq!(failed, CONSTANTS.len() + 1, "{err}");
}

/// Drifted headers: each edit must be caught by the parser comparison and by
/// the C compiler.
#[test]
fn drift_is_detected() {
    let header = header_text();
    let edits: [(&str, &str); 5] = [
        ("SYS_INFO_CAP_RTC = 1", "SYS_INFO_CAP_RTC = 2"),
        (
            "SYS_INFO_RESERVED_ID_PM = 0xff05",
            "SYS_INFO_RESERVED_ID_PM = 0xff06",
        ),
        (
            "void *esp_amp_sys_info_get(uint16_t info_id, uint16_t *size,",
            "void *esp_amp_sys_info_get(uint16_t info_id, uint32_t *size,",
        ),
        (
            "int esp_amp_sys_info_init(void);",
            "int esp_amp_sys_info_init(int retry);",
        ),
        (
            "const char *esp_amp_sys_info_last_error(void);",
            "char *esp_amp_sys_info_last_error(void);",
        ),
    ];
    for (i, (from, to)) in edits.iter().enumerate() {
        assert!(
            header.contains(from),
            "edit {i}: {from:?} not in the header"
        );
        let drifted = header.replace(from, to);
        let found = function_drift(&drifted).len() + constant_drift(&drifted).len();
        assert!(found > 0, "edit {i} ({to}) not caught by the comparison");
        assert!(
            compile_check(&format!("c-drift-{i}"), &drifted, &c_check_program()).is_err(),
            "edit {i} ({to}) not caught by the C compiler"
        );
    }
    // A function removed from the header, and one added.
    let removed = header.replace("void esp_amp_sys_info_dump(void);", "");
    assert!(function_drift(&removed)
        .iter()
        .any(|p| p.contains("esp_amp_sys_info_dump")));
    let added = header.replace(
        "void esp_amp_sys_info_dump(void);",
        "void esp_amp_sys_info_dump(void);\nvoid esp_amp_sys_info_free(void *p);",
    );
    assert!(function_drift(&added)
        .iter()
        .any(|p| p.contains("esp_amp_sys_info_free")));
}

/// The header is plain C99 (`-pedantic`).
#[test]
fn header_is_pedantic_c99() {
    let dir = common::scratch("header-c99");
    let c = dir.join("use.c");
    std::fs::write(&c, "#include \"esp_amp_sys_info.h\"\nint use(void) { return esp_amp_sys_info_get(1, 0, SYS_INFO_CAP_HP) == 0; }\n").unwrap();
    let out = syntax_check(std::ffi::OsStr::new(&common::cc()), "-std=c99", &["-pedantic"], &c).expect("run the C compiler");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
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
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
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
