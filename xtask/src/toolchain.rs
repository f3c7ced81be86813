//! The toolchain Zephyr builds with: the Zephyr SDK where one is installed,
//! otherwise Debian's `riscv64-unknown-elf` cross compiler as Zephyr's
//! `cross-compile` variant.
//!
//! Debian's compiler needs two things Zephyr does not do for it:
//! - its multilib directories are named without the `_zicsr`/`_zifencei`
//!   suffixes Zephyr adds to `-march`, so Zephyr's queries for the runtime
//!   library (`--print-libgcc-file-name`, `--print-multi-directory`,
//!   `--print-file-name=`) would return the rv64 default and the link fails
//!   ("ABI is incompatible"); links pick picolibc's `libc.a` the same way.
//!   A wrapper strips the suffixes for those queries and for links, never
//!   for compiles; it lives in this repository's `target/`, never in the
//!   system.
//! - binutils 2.40 warns "LOAD segment with RWX permissions", which
//!   twister's warnings-as-errors turns into a failure:
//!   `-Wl,--no-warn-rwx-segments` on every link (`EXTRA_LDFLAGS`).
//!
//! It also has no C library of its own for Zephyr but Debian's picolibc
//! (`picolibc-riscv64-unknown-elf`), used as the toolchain's picolibc; the
//! ESP32-C6 needs a full libc (hal_espressif includes `<sys/param.h>`).

use std::path::{Path, PathBuf};

use crate::{project_root, Result};

const PREFIX: &str = "riscv64-unknown-elf-";

/// How Zephyr builds here: environment and CMake cache arguments
/// (`-D` for `west build`, `-x` for twister).
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// What it is, for the log and the docs.
    pub name: String,
    /// Environment variables for `west build` and twister.
    pub env: Vec<(String, String)>,
    /// CMake cache entries (`NAME=value`).
    pub cmake: Vec<String>,
}

/// Debian packages the Debian toolchain path needs: `(command, package)`.
pub const DEBIAN: &[(&str, &str)] = &[
    ("cmake", "cmake"),
    ("ninja", "ninja-build"),
    ("riscv64-unknown-elf-gcc", "gcc-riscv64-unknown-elf"),
    ("dtc", "device-tree-compiler"),
    ("clang", "clang"),
    ("qemu-system-riscv32", "qemu-system-misc"),
];

/// The Zephyr SDK if one is installed where Zephyr's CMake looks for it,
/// else the Debian cross compiler (installing what it lacks).
pub fn find() -> Result<Toolchain> {
    let mut env = bindgen_env();
    if let Some(sdk) = zephyr_sdk() {
        env.push(("ZEPHYR_TOOLCHAIN_VARIANT".into(), "zephyr".into()));
        env.push(("ZEPHYR_SDK_INSTALL_DIR".into(), sdk.display().to_string()));
        return Ok(Toolchain {
            name: format!("Zephyr SDK at {}", sdk.display()),
            env,
            cmake: Vec::new(),
        });
    }
    crate::setup::debian(DEBIAN)?;
    crate::setup::debian(&[(
        "/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs",
        "picolibc-riscv64-unknown-elf",
    )])?;
    let bin = write_wrapper(&project_root().join("target/zephyr/toolchain/bin"))?;
    env.push(("ZEPHYR_TOOLCHAIN_VARIANT".into(), "cross-compile".into()));
    env.push((
        "CROSS_COMPILE".into(),
        format!("{}/{PREFIX}", bin.display()),
    ));
    Ok(Toolchain {
        name:
            "Debian riscv64-unknown-elf-gcc (Zephyr's cross-compile variant) with Debian's picolibc"
                .into(),
        env,
        cmake: vec![
            "EXTRA_LDFLAGS=-Wl,--no-warn-rwx-segments".into(),
            "TOOLCHAIN_HAS_PICOLIBC=y".into(),
            "CONFIG_PICOLIBC_USE_TOOLCHAIN=y".into(),
        ],
    })
}

/// `ZEPHYR_SDK_INSTALL_DIR`, or a `zephyr-sdk-*` directory where Zephyr's
/// Getting Started guide installs it (`~`, `/opt`, `/usr/local`).
fn zephyr_sdk() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ZEPHYR_SDK_INSTALL_DIR").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let places = home
        .into_iter()
        .chain([PathBuf::from("/opt"), PathBuf::from("/usr/local")]);
    places
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flat_map(|entries| entries.flatten())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("zephyr-sdk-"))
                && p.join("cmake/Zephyr-sdkConfig.cmake").is_file()
        })
}

/// zephyr-lang-rust runs bindgen on Zephyr's headers; Debian's libclang
/// does not find its own `stddef.h` unless its resource directory is given.
fn bindgen_env() -> Vec<(String, String)> {
    if std::env::var_os("BINDGEN_EXTRA_CLANG_ARGS").is_some() {
        return Vec::new();
    }
    let dir = std::process::Command::new("clang")
        .arg("-print-resource-dir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match dir {
        Some(d) if Path::new(&d).join("include/stddef.h").is_file() => {
            vec![(
                "BINDGEN_EXTRA_CLANG_ARGS".into(),
                format!("-isystem {d}/include"),
            )]
        }
        _ => Vec::new(),
    }
}

/// Writes `bin/` with a link to every Debian `riscv64-unknown-elf-*` tool
/// and, for gcc and g++, the wrapper described in the module docs.
fn write_wrapper(bin: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(bin)?;
    for entry in std::fs::read_dir("/usr/bin")?.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|n| n.starts_with(PREFIX)) else {
            continue;
        };
        let link = bin.join(name);
        let _ = std::fs::remove_file(&link);
        if name == format!("{PREFIX}gcc") || name == format!("{PREFIX}g++") {
            write_script(&link, &wrapper_script(&entry.path()))?;
        } else {
            std::os::unix::fs::symlink(entry.path(), &link)?;
        }
    }
    Ok(bin.to_path_buf())
}

fn write_script(path: &Path, text: &str) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

fn wrapper_script(real: &Path) -> String {
    format!(
        r#"#!/bin/sh
# Written by `cargo xtask` (xtask/src/toolchain.rs): Debian's multilib
# directories have no _zicsr/_zifencei in their names, so the suffixes are
# dropped from -march where gcc picks a multilib directory: Zephyr's
# runtime-library queries and links (where picolibc's specs find libc.a).
# Compiles (-c, -S, -E) keep them: the assembler needs zicsr for CSR access.
strip=yes
for a; do
  case "$a" in -c|-S|-E) strip=no;; esac
done
case " $* " in
  *" -print-libgcc-file-name "*|*" --print-libgcc-file-name "*|\
  *" -print-multi-directory "*|*" --print-multi-directory "*|\
  *" -print-file-name="*|*" --print-file-name="*) strip=yes;;
esac
if [ "$strip" = yes ]; then
  for a; do
    shift
    case "$a" in -march=*) a=$(printf '%s' "$a" | sed -e 's/_zicsr//g' -e 's/_zifencei//g');; esac
    set -- "$@" "$a"
  done
fi
exec {real} "$@"
"#,
        real = real.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wrapper rewrites -march for the multilib queries and links and
    /// leaves compiles alone (checked against a "compiler" that echoes).
    #[test]
    fn wrapper_strips_suffixes_for_queries_and_links_only() {
        let dir = std::env::temp_dir().join(format!("xtask-wrapper-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let echo = dir.join("echo-args");
        write_script(&echo, "#!/bin/sh\necho \"$@\"\n").unwrap();
        let gcc = dir.join("gcc");
        write_script(&gcc, &wrapper_script(&echo)).unwrap();
        let run = |args: &[&str]| {
            let o = std::process::Command::new(&gcc)
                .args(args)
                .output()
                .unwrap();
            String::from_utf8(o.stdout).unwrap().trim().to_string()
        };
        assert_eq!(
            run(&[
                "-march=rv32imac_zicsr_zifencei",
                "-mabi=ilp32",
                "--print-multi-directory"
            ]),
            "-march=rv32imac -mabi=ilp32 --print-multi-directory"
        );
        assert_eq!(
            run(&["-march=rv32ima_zicsr", "-print-file-name=crtbegin.o"]),
            "-march=rv32ima -print-file-name=crtbegin.o"
        );
        assert_eq!(
            run(&["-march=rv32imac_zicsr", "-c", "a.c"]),
            "-march=rv32imac_zicsr -c a.c"
        );
        assert_eq!(
            run(&["-E", "-march=rv32imac_zicsr", "x.ld"]),
            "-E -march=rv32imac_zicsr x.ld"
        );
        assert_eq!(
            run(&["-march=rv32imac_zicsr_zifencei", "a.o", "-o", "a.elf"]),
            "-march=rv32imac a.o -o a.elf"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
