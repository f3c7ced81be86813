//! Golden outputs: the generated Rust and memory.x of the twin's two images
//! (from the repository's own board files, as the twin's build scripts read
//! them) and of a fixture whose image RAM must be split around pools.
//!
//! `UPDATE_GOLDEN=1 cargo test -p amp-sysinfo-dt --test golden` rewrites the
//! files after an intended change; review the diff.

use std::path::{Path, PathBuf};

use amp_sysinfo_dt::Devicetree;

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        actual,
        expected,
        "{} differs from the generated text",
        path.display()
    );
}

/// Paths relative to this crate, so the `@generated` line is the same on
/// every machine (cargo runs tests in the crate directory).
fn twin(image: &str) -> Devicetree {
    Devicetree::from_board(
        Path::new("../../boards/qemu/twin/twin.dts"),
        &[PathBuf::from(format!(
            "../../boards/qemu/twin/{image}.overlay"
        ))],
        &[],
    )
    .unwrap()
}

#[test]
fn twin_main_image() {
    let dt = twin("twin_main");
    golden("twin_main.rs", &dt.rust().unwrap());
    golden("twin_main.memory.x", &dt.memory_x(None).unwrap());
}

#[test]
fn twin_sub_image() {
    let dt = twin("twin_sub");
    golden("twin_sub.rs", &dt.rust().unwrap());
    golden("twin_sub.memory.x", &dt.memory_x(None).unwrap());
}

#[test]
fn both_twin_images_see_the_same_pools() {
    let main = twin("twin_main").pools().unwrap();
    let sub = twin("twin_sub").pools().unwrap();
    assert_eq!(main, sub);
    assert_eq!(main.len(), 2);
}

#[test]
fn twin_inputs_are_the_files_cpp_read() {
    let dt = twin("twin_sub");
    let names: Vec<String> = dt
        .inputs()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"twin.dts".to_string()), "{names:?}");
    assert!(names.contains(&"twin_sub.overlay".to_string()), "{names:?}");
}

#[test]
fn image_ram_split_around_a_pool_and_a_reserved_region() {
    let dt = Devicetree::from_dts(Path::new("tests/fixtures/split.dts")).unwrap();
    golden("split.rs", &dt.rust().unwrap());
    golden("split.memory.x", &dt.memory_x(None).unwrap());
    // Naming another node gives that node's RAM, with the HP pool cut out.
    golden(
        "split.main_ram.memory.x",
        &dt.memory_x(Some("main_ram")).unwrap(),
    );
}

/// The golden Rust files compile against `amp_sysinfo` and mean what the
/// devicetree says.
#[allow(dead_code)] // each test reads only some of the constants
mod generated {
    pub mod twin_main {
        include!("golden/twin_main.rs");
    }
    pub mod split {
        include!("golden/split.rs");
    }
}

#[test]
fn generated_constants_compile_and_match_the_devicetree() {
    use amp_sysinfo::{PoolConfig, PoolKind};
    assert_eq!(
        generated::twin_main::HP_POOL,
        PoolConfig::new(PoolKind::Hp, 0x8030_0000, 0x4000)
    );
    assert_eq!(
        generated::twin_main::RTC_POOL,
        Some(PoolConfig::new(PoolKind::Rtc, 0x8031_0000, 0x1000))
    );
    assert_eq!(
        generated::twin_main::POOLS,
        &[
            generated::twin_main::HP_POOL,
            generated::twin_main::RTC_POOL.unwrap()
        ]
    );
    let rtc = generated::split::RTC_POOL.unwrap();
    assert_eq!(
        (rtc.bus_base, rtc.size, rtc.max_entries),
        (0x8010_1000, 0x800, 8)
    );
}

#[test]
fn without_an_rtc_pool_rtc_pool_is_none() {
    let rust = hp_only().rust().unwrap();
    assert!(
        rust.contains("pub const RTC_POOL: Option<amp_sysinfo::PoolConfig> = None;"),
        "{rust}"
    );
    assert_eq!(
        rust.matches("amp_sysinfo::PoolKind::").count(),
        2,
        "HP_POOL and its POOLS entry only:\n{rust}"
    );
}

/// The C API's pools object (`c-pools`) of the twin's sub image: golden,
/// and it compiles against `include/esp_amp_sys_info.h` (host C compiler,
/// warnings as errors) with the values in the devicetree.
#[test]
fn twin_sub_c_pools() {
    let c = twin("twin_sub").c_pools().unwrap();
    golden("twin_sub.pools.c", &c);
    compile_c("twin-sub-pools", &c);
}

/// Without an RTC pool in the devicetree the object's `rtc` is all zero
/// (`local` NULL: no RTC pool for `init`), and it still compiles.
#[test]
fn without_an_rtc_pool_the_c_pools_rtc_is_null() {
    let c = hp_only().c_pools().unwrap();
    assert!(
        c.contains("    .hp = {(void *)0x80008000u, 0x80008000u, 0x1000u},\n"),
        "{c}"
    );
    assert!(c.contains("    .rtc = {0, 0, 0},\n"), "{c}");
    compile_c("hp-only-pools", &c);
}

/// A devicetree with an HP pool and no RTC pool. Each caller gets its own
/// file (tests run in parallel).
fn hp_only() -> Devicetree {
    let dts = "/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>;
        ram: memory@80000000 { device_type = \"memory\"; reg = <0x80000000 0x10000>; };
        reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;
            hp: memory@80008000 { compatible = \"esp-amp-sysinfo,pool\"; reg = <0x80008000 0x1000>; pool-kind = \"hp\"; sub-core = \"hp\"; };
        };
    };\n";
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hp-only-{}-{n}.dts", std::process::id()));
    std::fs::write(&path, dts).unwrap();
    Devicetree::from_dts(&path).unwrap()
}

/// Compiles `source` (with `include/` on the path) to an object with the
/// host C compiler, `-Wall -Wextra -Werror`; panics with its output.
fn compile_c(name: &str, source: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-pools");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.c"));
    std::fs::write(&file, source).unwrap();
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../include");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = std::process::Command::new(cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-c"])
        .arg("-I")
        .arg(include)
        .arg(&file)
        .arg("-o")
        .arg(dir.join(format!("{name}.o")))
        .output()
        .expect("run the C compiler");
    assert!(
        out.status.success(),
        "{name}.c does not compile:\n{}\n{source}",
        String::from_utf8_lossy(&out.stderr)
    );
}
