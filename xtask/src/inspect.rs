//! The inspector (`amp-sysinfo`, crates/amp-sysinfo-cli) on a Zephyr build
//! directory: for the twister step, on every build directory twister made.

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;

use crate::{cargo, run, Result};

/// Builds the `amp-sysinfo` binary (debug) and returns its path.
fn cli() -> Result<PathBuf> {
    run(cargo().args([
        "build",
        "--quiet",
        "-p",
        "amp-sysinfo-cli",
        "--bin",
        "amp-sysinfo",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::project_root().join("target"));
    Ok(target.join("debug/amp-sysinfo"))
}

/// Bus bases of the pool nodes in a final DTS (its text, independently of
/// the generator): `memory@<base> { ... compatible = "esp-amp-sysinfo,pool"`.
fn pool_bases(dts: &str) -> Vec<u64> {
    let re = Regex::new(r#"memory@([0-9a-fA-F]+)\s*\{[^{}]*"esp-amp-sysinfo,pool""#)
        .expect("valid regex");
    re.captures_iter(dts)
        .filter_map(|c| u64::from_str_radix(&c[1], 16).ok())
        .collect()
}

/// Runs `amp-sysinfo pools` and `amp-sysinfo map` on the build directory
/// `dir` (`dir/zephyr/zephyr.dts`, `dir/zephyr/zephyr.elf`) and checks that
/// both succeed and name every pool node of that `zephyr.dts` by address;
/// `map` must also show the image's sections.
// Called by the twister step (xtask/src/zephyr.rs) on every build directory.
#[allow(dead_code)]
pub fn check_build_dir(dir: &Path) -> Result<()> {
    let dts_path = dir.join("zephyr/zephyr.dts");
    let dts = std::fs::read_to_string(&dts_path)
        .map_err(|e| anyhow::anyhow!("{}: {e}", dts_path.display()))?;
    let bases = pool_bases(&dts);
    if bases.is_empty() {
        return Err(anyhow::anyhow!(
            "{}: no esp-amp-sysinfo,pool node",
            dts_path.display()
        ));
    }
    let exe = cli()?;
    for cmd in ["pools", "map"] {
        let out = Command::new(&exe)
            .args([cmd, "--json"])
            .arg(dir)
            .output()
            .map_err(|e| anyhow::anyhow!("{}: {e}", exe.display()))?;
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(anyhow::anyhow!(
                "amp-sysinfo {cmd} {}: {}\n{}",
                dir.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        for base in &bases {
            // JSON numbers: `"base": N` (pools) or `"start": N` (map items).
            let key = if cmd == "pools" { "base" } else { "start" };
            if !text.contains(&format!("\"{key}\": {base}")) {
                return Err(anyhow::anyhow!(
                    "amp-sysinfo {cmd} {}: no pool at {base:#x}:\n{text}",
                    dir.display()
                ));
            }
        }
        if cmd == "map"
            && dir.join("zephyr/zephyr.elf").is_file()
            && !text.contains("\"what\": \"section\"")
        {
            return Err(anyhow::anyhow!(
                "amp-sysinfo map {}: no image sections",
                dir.display()
            ));
        }
    }
    eprintln!(
        "inspect: {}: pools and map name {} pool(s)",
        dir.display(),
        bases.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_bases_are_read_from_a_final_dts() {
        let dts = r#"
            reserved-memory {
                sysinfo_hp: memory@87f00000 {
                    compatible = "esp-amp-sysinfo,pool";
                    reg = <0x87f00000 0x4000>;
                };
                other: memory@87f10000 { compatible = "something"; };
            };"#;
        assert_eq!(pool_bases(dts), [0x87f0_0000]);
    }

    /// A real build directory when `AMP_SYSINFO_BUILD_DIR` names one.
    #[test]
    fn check_build_dir_on_a_real_build_when_given() {
        if let Some(dir) = std::env::var_os("AMP_SYSINFO_BUILD_DIR") {
            check_build_dir(Path::new(&dir)).unwrap();
        }
    }
}
