//! Stand-in of `zephyr-build`: see Cargo.toml.

/// As upstream (zephyr-build/src/lib.rs @5820bce2): every `CONFIG_X=y` line
/// of the `.config` named by `DOTCONFIG` becomes `cfg(CONFIG_X)`; no
/// check-cfg declarations (the crate declares what it tests).
pub fn export_kconfig_bool_options() {
    let dotconfig = std::env::var("DOTCONFIG").expect("DOTCONFIG must be set by wrapper");
    println!("cargo:rerun-if-env-changed=DOTCONFIG");
    println!("cargo:rerun-if-changed={dotconfig}");
    let text = std::fs::read_to_string(&dotconfig).expect("failed to read .config");
    for line in text.lines() {
        if let Some(name) = line.strip_suffix("=y") {
            if name.starts_with("CONFIG_") {
                println!("cargo:rustc-cfg={name}");
            }
        }
    }
}
