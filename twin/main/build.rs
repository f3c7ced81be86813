//! Links the main image: `memory.x` (its RAM, from the board) and `link.x`
//! (beside this file).
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let ram = twin_board::MAIN_RAM;
    fs::write(out.join("memory.x"), twin_board::memory_x(&ram).to_string()).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-search={}", env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rerun-if-changed=link.x");
}
