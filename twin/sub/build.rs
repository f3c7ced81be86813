//! Links the sub image from the twin's devicetree (board DTS + this image's
//! overlay, compiled as a Zephyr build would) through
//! `twin_board::build::link_image`, shared with the main image: `pools.rs`,
//! `memory.x` for riscv-rt's `link.x`.

fn main() {
    twin_board::build::link_image("twin_sub.overlay");
}
