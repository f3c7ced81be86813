//! Writes `control.rs` (the control page's `BASE` and `SIZE`) to `OUT_DIR`
//! from the twin's devicetree node `twin_control`, through the same host-side
//! helper the images' build scripts use (`src/build.rs`, included here since
//! a build script cannot depend on its own crate).

#[path = "src/build.rs"]
#[allow(dead_code)] // link_image & co. are for the images' build scripts
mod build;

fn main() {
    build::write_control_page();
}
