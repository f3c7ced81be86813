// The linker script lives beside the image that needs it.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    println!("cargo:rustc-link-arg=-T{dir}/probe.x");
    println!("cargo:rerun-if-changed=probe.x");
}
