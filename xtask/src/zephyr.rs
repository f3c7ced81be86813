//! Zephyr module checks (issue 5): every Zephyr-facing file through the real
//! upstream tool that reads it, and every Rust crate of the samples that
//! does not need the `zephyr` crate built for its target.
//!
//! 1. `west.yml`: west's Python API (`tools/zephyr/check_west.py`);
//!    `zephyr/module.yml`: zephyr_module.py's schema and rules.
//! 2. `Kconfig`: kconfiglib with stand-ins for Zephyr's symbols and
//!    devicetree functions, on fixtures and on the real upstream ESP32-C6
//!    DevKitC devicetrees with the module's overlays (`check_kconfig.py`).
//! 3. `sample.yaml` / `testcase.yaml`: pykwalify with twister's test-suite
//!    schema, platform names, regexes (`check_twister_yaml.py`).
//! 4. The post-build heap check in CMake script mode (`check_cmake_heap.py`).
//! 5. `samples/sysinfo/app`: host tests; built for `riscv32i-unknown-none-elf`
//!    (zephyr-lang-rust's target for the ESP32-C6), as are the demo crate and
//!    the C API static library with the features the module's CMake uses.
//! 6. The LP-core image for `riscv32imac-unknown-none-elf` with esp-lp-hal,
//!    against the upstream LP-core board devicetree and the module's overlay:
//!    its sections checked against the pools (`amp-sysinfo-dt check-elf`),
//!    its start-up addresses and flat binary checked; an overlay that leaves
//!    it too little RAM must fail to link.
//! 7. The C sample compiled against the real header; the Zephyr Rust
//!    applications' sources parsed by rustfmt (they need the `zephyr` crate,
//!    which only a Zephyr build provides, so they are not compiled here).
//!
//! Each check has negative fixtures in `tools/zephyr/fixtures/` that must be
//! rejected.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, project_root, run, Result};

const LP_TARGET: &str = "riscv32imac-unknown-none-elf";
const ZEPHYR_RUST_TARGET: &str = "riscv32i-unknown-none-elf";
/// Where the ESP32-C6 LP core starts: LP SRAM + 0x80.
const LP_SRAM_BASE: u64 = 0x5000_0000;

pub fn check() -> Result<()> {
    let root = project_root();
    let py = crate::setup::venv()?;
    let tools = root.join("tools/zephyr");
    let fixtures = tools.join("fixtures");
    let upstream = upstream()?;

    step("west.yml (west API)");
    run(python(&py, &tools.join("check_west.py")).arg(root.join("west.yml")))?;
    for f in files(&fixtures, |n| n.starts_with("west-") && n.ends_with(".yml"))? {
        run(python(&py, &tools.join("check_west.py"))
            .arg(&f)
            .arg("--expect-fail"))?;
    }

    step("zephyr/module.yml (zephyr_module.py's schema and rules)");
    run(python(&py, &tools.join("check_module_yml.py"))
        .arg(&root)
        .args(["--expect-var", "ZEPHYR_ESP_AMP_SYSINFO_MODULE_DIR"]))?;
    for f in files(&fixtures, |n| n.starts_with("module-"))? {
        run(python(&py, &tools.join("check_module_yml.py"))
            .arg(&f)
            .arg("--expect-fail"))?;
    }

    step("Kconfig (kconfiglib)");
    let mut kconfig = python(&py, &tools.join("check_kconfig.py"));
    kconfig.arg(root.join("Kconfig"));
    for f in ["pools.dts", "hp-only.dts", "no-pools.dts"] {
        kconfig.arg(fixtures.join(f));
    }
    kconfig
        .arg("--upstream")
        .arg(&upstream)
        .arg("--bindings")
        .arg(root.join("dts/bindings"))
        .arg("--bindings")
        .arg(root.join("tools/dt/stand-ins/bindings"));
    run(&mut kconfig)?;
    for f in files(&fixtures, |n| n.starts_with("Kconfig."))? {
        run(python(&py, &tools.join("check_kconfig.py"))
            .arg(&f)
            .arg("--expect-fail"))?;
    }

    // Application Kconfig files (tests/sysinfo), on a stand-in Kconfig.zephyr.
    run(python(&py, &tools.join("check_kconfig.py"))
        .arg(root.join("tests/sysinfo/Kconfig"))
        .arg("--app"))?;
    for f in files(&fixtures, |n| n.starts_with("app-Kconfig."))? {
        run(python(&py, &tools.join("check_kconfig.py"))
            .arg(&f)
            .args(["--app", "--expect-fail"]))?;
    }

    let mut confs = Vec::new();
    for dir in ["samples", "tests"] {
        find(&root.join(dir), &mut |p| name(p) == "prj.conf", &mut confs)?;
    }
    run(python(&py, &tools.join("check_prj_conf.py"))
        .arg(&root)
        .args(&confs))?;
    run(python(&py, &tools.join("check_prj_conf.py"))
        .arg(&root)
        .arg(fixtures.join("prj-typo.conf"))
        .arg("--expect-fail"))?;

    step("sample.yaml / testcase.yaml (twister schema)");
    let mut suites = Vec::new();
    for dir in ["samples", "tests"] {
        find(
            &root.join(dir),
            &mut |p| matches!(name(p), "sample.yaml" | "testcase.yaml"),
            &mut suites,
        )?;
    }
    if suites.len() < 4 {
        return Err(
            format!("expected the samples' and tests' yaml files, found {suites:?}").into(),
        );
    }
    run(python(&py, &tools.join("check_twister_yaml.py")).args(&suites))?;
    let mut bad = Vec::new();
    find(
        &fixtures.join("twister"),
        &mut |p| p.extension().is_some_and(|e| e == "yaml"),
        &mut bad,
    )?;
    run(python(&py, &tools.join("check_twister_yaml.py"))
        .arg("--expect-fail")
        .args(&bad))?;

    step(".github/workflows (GitHub's workflow schema, check-jsonschema)");
    let checker = py
        .parent()
        .map(|d| d.join("check-jsonschema"))
        .ok_or("no venv bin dir")?;
    let mut workflows = Vec::new();
    find(
        &root.join(".github/workflows"),
        &mut |p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"),
        &mut workflows,
    )?;
    run(Command::new(&checker)
        .args(["--builtin-schema", "vendor.github-workflows"])
        .args(&workflows))?;
    let bad = Command::new(&checker)
        .args(["--builtin-schema", "vendor.github-workflows"])
        .arg(fixtures.join("workflow-typo.yml"))
        .output()?;
    if bad.status.success() {
        return Err("the misspelt workflow fixture was accepted".into());
    }
    eprintln!("zephyr-check: misspelt workflow rejected, as expected");

    step("post-build heap check (CMake script mode)");
    run(python(&py, &tools.join("check_cmake_heap.py"))
        .arg(cmake(&py)?)
        .arg("riscv64-unknown-elf-gcc")
        .arg("riscv64-unknown-elf-nm")
        .arg(&root))?;

    step("module CMake + the sample's lpcore.cmake in a stand-in harness");
    cmake_harness(&root, &upstream, &cmake(&py)?)?;

    step("samples/sysinfo/app: host tests, riscv32i");
    let app = root.join("samples/sysinfo/app/Cargo.toml");
    let app_target = root.join("target/sample-app");
    let transcripts = app_target.join("transcripts");
    let _ = std::fs::remove_dir_all(&transcripts);
    run(cargo()
        .args(["test", "--manifest-path"])
        .arg(&app)
        .env("CARGO_TARGET_DIR", &app_target)
        .env("SYSINFO_TRANSCRIPT_DIR", &transcripts))?;
    // The twister console regexes against the host runs of the same code.
    let matches: [(&str, &str, &str, bool); 4] = [
        (
            "samples/sysinfo/sample.yaml",
            "sample.sysinfo.rust_lp_core",
            "sample.txt",
            true,
        ),
        (
            "tests/sysinfo/testcase.yaml",
            "sysinfo.two_cores.publish_and_lookup",
            "test.txt",
            true,
        ),
        (
            "tests/sysinfo/testcase.yaml",
            "sysinfo.two_cores.rtc_pool_survives_deep_sleep",
            "test-deep-sleep.txt",
            true,
        ),
        // A run without deep sleep must not pass the deep-sleep scenario.
        (
            "tests/sysinfo/testcase.yaml",
            "sysinfo.two_cores.rtc_pool_survives_deep_sleep",
            "test.txt",
            false,
        ),
    ];
    for (yaml, scenario, transcript, pass) in matches {
        let mut c = python(&py, &tools.join("check_transcript.py"));
        c.arg(root.join(yaml))
            .arg(scenario)
            .arg(transcripts.join(transcript));
        if !pass {
            c.arg("--expect-fail");
        }
        run(&mut c)?;
    }
    // zephyr-lang-rust's CI lints applications with these flags.
    run(cargo()
        .args(["clippy", "--all-targets", "--manifest-path"])
        .arg(&app)
        .args([
            "--",
            "-D",
            "warnings",
            "-D",
            "clippy::undocumented_unsafe_blocks",
        ])
        .env("CARGO_TARGET_DIR", &app_target))?;
    run(cargo()
        .args([
            "build",
            "--release",
            "--target",
            ZEPHYR_RUST_TARGET,
            "--manifest-path",
        ])
        .arg(&app)
        .env("CARGO_TARGET_DIR", &app_target))?;
    // What the module's CMake runs for a C application (cmake/esp_amp_sys_info.cmake).
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "amp-sysinfo-capi",
        "--features",
        "port-critical-section",
        "--target",
        ZEPHYR_RUST_TARGET,
    ]))?;
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "amp-sysinfo-demo",
        "--target",
        ZEPHYR_RUST_TARGET,
    ]))?;

    step("Zephyr Rust applications against stand-in zephyr crates (riscv32i)");
    zephyr_rust_apps(&root)?;

    step("the module's HP pool placement on the upstream hpcore devicetree (generator)");
    let hpcore = upstream.join("boards/espressif/esp32c6_devkitc/esp32c6_devkitc_hpcore.dts");
    let out = generator(
        "pools",
        &hpcore,
        &[&root.join("boards/esp32c6_devkitc_esp32c6_hpcore.overlay")],
        &dts_includes(&root, &upstream),
    )
    .output()?;
    let listing = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !listing.contains("hp  0x4087c610 size 0x1f50") {
        return Err(format!(
            "the module's HP pool: expected 0x4087c610+0x1f50 accepted by the generator, got:\n{listing}{}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    eprint!("{listing}");

    step("LP-core image (esp-lp-hal, riscv32imac)");
    lp_image(&root, &upstream)?;

    step("C sample and C API glue against include/esp_amp_sys_info.h; Rust app sources");
    // The host's C compiler: the cross gcc here has no C library headers,
    // and the check is about the API's types and signatures.
    run(Command::new(if crate::setup::have("cc") {
        "cc"
    } else {
        "gcc"
    })
    .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"])
    .arg("-I")
    .arg(root.join("include"))
    .arg("-I")
    .arg(tools.join("standins/c"))
    .arg(root.join("samples/sysinfo_c/src/main.c")))?;
    // The C API glue, with and without an RTC pool, against stand-ins of the
    // Zephyr headers it includes (tools/zephyr/standins/c) and the real header.
    for variant in [None, Some("-DSTANDIN_NO_RTC_POOL")] {
        run(Command::new(if crate::setup::have("cc") {
            "cc"
        } else {
            "gcc"
        })
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"])
        .args([
            "-DCONFIG_ESP_AMP_SYS_INFO_LOG_LEVEL=3",
            "-DCONFIG_ESP_AMP_SYS_INFO_MAX_ENTRIES=16",
            "-DCONFIG_APPLICATION_INIT_PRIORITY=90",
        ])
        .args(variant)
        .arg("-I")
        .arg(root.join("include"))
        .arg("-I")
        .arg(tools.join("standins/c"))
        .arg(root.join("zephyr/esp_amp_sys_info_zephyr.c")))?;
    }
    c_sample_on_host(&root, &py, &tools)?;
    let mut rust_sources = Vec::new();
    for dir in ["samples/sysinfo/src", "tests/sysinfo/src"] {
        find(
            &root.join(dir),
            &mut |p| p.extension().is_some_and(|e| e == "rs"),
            &mut rust_sources,
        )?;
    }
    run(Command::new("rustfmt")
        .args(["--check", "--edition", "2021"])
        .args(&rust_sources))?;
    Ok(())
}

/// Builds the LP image against the upstream LP-core board devicetree and
/// checks it; then the negative layout fixture.
fn lp_image(root: &Path, upstream: &Path) -> Result<()> {
    let board = upstream.join("boards/espressif/esp32c6_devkitc/esp32c6_devkitc_lpcore.dts");
    let overlay = root.join("boards/esp32c6_devkitc_esp32c6_lpcore.overlay");
    let includes = dts_includes(root, upstream);
    let manifest = root.join("samples/sysinfo/lpcore/Cargo.toml");
    let target_dir = root.join("target/lpcore");
    let build = |subcommand: &str, overlays: &[&Path]| {
        let mut c = cargo();
        c.args([
            subcommand,
            "--release",
            "--target",
            LP_TARGET,
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("SYSINFO_BOARD", &board)
        .env("SYSINFO_OVERLAYS", std::env::join_paths(overlays)?)
        .env("SYSINFO_DTS_INCLUDES", std::env::join_paths(&includes)?)
        .env_remove("SYSINFO_DTS");
        Ok::<_, Box<dyn std::error::Error>>(c)
    };
    run(&mut build("build", &[&overlay])?)?;
    // zephyr-lang-rust's CI lints with these flags; the LP image follows suit.
    run(build("clippy", &[&overlay])?.args([
        "--",
        "-D",
        "warnings",
        "-D",
        "clippy::undocumented_unsafe_blocks",
    ]))?;
    let elf = target_dir.join(LP_TARGET).join("release/sysinfo-lpcore");

    // The generator's check: no allocated section in a pool.
    run(generator("check-elf", &board, &[&overlay], &includes)
        .arg("--elf")
        .arg(&elf))?;

    // The stack (no section, so not seen by check-elf) ends below every pool
    // in LP SRAM.
    let listing = generator("pools", &board, &[&overlay], &includes).output()?;
    if !listing.status.success() {
        return Err(format!(
            "amp-sysinfo-dt pools: {}",
            String::from_utf8_lossy(&listing.stderr)
        )
        .into());
    }
    let lp_pools: Vec<u64> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter_map(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok())
        })
        .filter(|a| (LP_SRAM_BASE..LP_SRAM_BASE + 0x4000).contains(a))
        .collect();
    if lp_pools.is_empty() {
        return Err("the lpcore devicetree has no pool in LP SRAM (expected sysinfo_rtc)".into());
    }

    // Start-up addresses, and the flat binary the main image embeds.
    let symbols = nm(&elf)?;
    let sym = |n: &str| {
        symbols
            .iter()
            .find(|(s, _)| s == n)
            .map(|(_, v)| *v)
            .ok_or(format!("{}: no symbol {n}", elf.display()))
    };
    expect_eq("_vector_table", sym("_vector_table")?, LP_SRAM_BASE)?;
    expect_eq("reset_vector", sym("reset_vector")?, LP_SRAM_BASE + 0x80)?;
    if symbols.iter().all(|(s, _)| !s.starts_with("__ULP_MAGIC_")) {
        return Err("LP image: no __ULP_MAGIC_ symbol (esp-lp-hal's #[entry] emits one)".into());
    }
    let image_end = sym("__image_end")?;
    let stack_top = sym("__stack_top")?;
    for &pool in &lp_pools {
        // The stack runs from __image_end up to __stack_top: a pool above
        // the image must start at or after the stack top.
        if image_end <= pool && stack_top > pool {
            return Err(format!(
                "LP image: stack top {stack_top:#x} is above the pool at {pool:#x}"
            )
            .into());
        }
    }
    let bin = target_dir.join("sysinfo-lpcore.bin");
    run(Command::new("riscv64-unknown-elf-objcopy")
        .args([
            "-O",
            "binary",
            "--set-section-flags",
            ".bss=alloc,load,contents",
        ])
        .arg(&elf)
        .arg(&bin))?;
    let len = std::fs::metadata(&bin)?.len();
    expect_eq(
        "flat binary length (incl. .bss)",
        len,
        image_end - LP_SRAM_BASE,
    )?;
    eprintln!(
        "zephyr-check: LP image {len} bytes at {LP_SRAM_BASE:#x}..{image_end:#x}, stack top {stack_top:#x}, reset vector {:#x}",
        LP_SRAM_BASE + 0x80
    );

    // Negative: too little RAM for the image must fail the link.
    let small = root.join("tools/zephyr/fixtures/lpcore-ram-too-small.overlay");
    expect_failure(
        &build("build", &[&overlay, &small])?.output()?,
        "RAM",
        "LP image with 4 KiB of RAM: expected a link error about region RAM",
    )?;
    eprintln!("zephyr-check: LP image with 4 KiB of RAM rejected by the linker, as expected");
    // Leave the tree built for the real overlay (the next cargo run relinks anyway).
    Ok(())
}

/// Configures and builds tools/zephyr/cmake-harness: the module's CMake and
/// lpcore.cmake with stand-ins for Zephyr's functions, on the LP-core view's
/// final devicetree; building runs the real cargo/objcopy/check-elf
/// commands. Then a CPU without a Rust mapping must fail to configure.
fn cmake_harness(root: &Path, upstream: &Path, cmake: &Path) -> Result<()> {
    let work = root.join("target/zephyr-cmake-harness");
    std::fs::create_dir_all(&work)?;
    let module_overlay = root.join("boards/esp32c6_devkitc_esp32c6_lpcore.overlay");
    // The module's pools (HP pool above _heap_sentry).
    let dts = final_dts(root, upstream, &work.join("zephyr.dts"), &[&module_overlay])?;
    let in_heap = root.join("tools/zephyr/fixtures/hp-pool-in-heap.dtsi");
    let dts_bad = final_dts(
        root,
        upstream,
        &work.join("zephyr-in-heap.dts"),
        &[&module_overlay, &in_heap],
    )?;

    let harness = root.join("tools/zephyr/cmake-harness");
    let configure = |build: &Path, dts: &Path, extra: &[&str]| {
        let mut c = Command::new(cmake);
        c.arg("-S")
            .arg(&harness)
            .arg("-B")
            .arg(build)
            .arg(format!("-DZEPHYR_DTS={}", dts.display()))
            .arg("-DCMAKE_OBJCOPY=riscv64-unknown-elf-objcopy")
            .arg("-DCMAKE_NM=riscv64-unknown-elf-nm")
            .args(extra);
        c
    };
    let build = work.join("build");
    run(&mut configure(&build, &dts, &[]))?;
    run(Command::new(cmake).arg("--build").arg(&build))?;
    let bin = build.join("lpcore/sysinfo-lpcore.bin");
    let len = std::fs::metadata(&bin)
        .map_err(|e| format!("{}: {e}", bin.display()))?
        .len();
    eprintln!("zephyr-check: harness built the C API library and the LP image ({len} bytes)");

    // The post-build commands on a zephyr.elf shaped like an ESP32-C6 image
    // (code from 0x4080_0000, _end at 0x4086_0000, _heap_sentry at
    // DRAM_USER_END 0x4087_c610): a pool in the heap range must fail; the
    // module's placement must pass.
    let post = |build: &Path| {
        Command::new(cmake)
            .arg("--build")
            .arg(build)
            .args(["--target", "harness_post_build"])
            .output()
    };
    let build_bad = work.join("build-in-heap");
    run(&mut configure(&build_bad, &dts_bad, &[]))?;
    fake_zephyr_elf(&build_bad.join("zephyr/zephyr.elf"))?;
    let out = post(&build_bad)?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.status.success() || !flat.contains("lies in the image's heap range") {
        return Err(format!(
            "post-build with the HP pool at 0x4087_8000: expected the heap check to fail, got:\n{text}"
        )
        .into());
    }
    eprintln!("zephyr-check: post-build commands reject a pool in the heap range, as expected");
    // The module's own placement (boards/esp32c6_devkitc_sysinfo_pools.dtsi)
    // must pass.
    fake_zephyr_elf(&build.join("zephyr/zephyr.elf"))?;
    let out = post(&build)?;
    if !out.status.success() {
        return Err(format!(
            "post-build with the module's HP pool: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    eprintln!("zephyr-check: post-build commands pass with the module's HP pool (0x4087c610)");

    let no_cpu = work.join("build-no-rust-target");
    let _ = std::fs::remove_dir_all(&no_cpu);
    expect_failure(
        &configure(&no_cpu, &dts, &["-DHARNESS_CPU=none"]).output()?,
        "no Rust target for this board's CPU",
        "harness without a RISC-V CPU: expected the module to refuse",
    )?;
    eprintln!("zephyr-check: harness without a Rust target refused, as expected");
    Ok(())
}

/// The LP-core view's final devicetree (upstream lpcore board + overlays),
/// preprocessed as Zephyr's dts.cmake does and merged by `dtc -O dts`, as the
/// zephyr.dts of a build shows the final tree (the harness's dt_* stand-ins
/// read it): the generator's `dts` command.
fn final_dts(root: &Path, upstream: &Path, out: &Path, overlays: &[&Path]) -> Result<PathBuf> {
    let board = upstream.join("boards/espressif/esp32c6_devkitc/esp32c6_devkitc_lpcore.dts");
    run(
        generator("dts", &board, overlays, &dts_includes(root, upstream))
            .arg("-o")
            .arg(out),
    )?;
    Ok(out.to_path_buf())
}

/// `amp-sysinfo-dt SUBCOMMAND --board BOARD [--overlay O]... [-I DIR]...`,
/// the workspace's generator run through cargo.
fn generator(subcommand: &str, board: &Path, overlays: &[&Path], includes: &[PathBuf]) -> Command {
    let mut c = cargo();
    c.args([
        "run",
        "--quiet",
        "--release",
        "-p",
        "amp-sysinfo-dt",
        "--",
        subcommand,
        "--board",
    ])
    .arg(board);
    for o in overlays {
        c.arg("--overlay").arg(o);
    }
    for i in includes {
        c.arg("-I").arg(i);
    }
    c
}

/// A small rv32 ELF with the ESP32-C6 image's RAM symbols (see cmake_harness).
fn fake_zephyr_elf(elf: &Path) -> Result<()> {
    let dir = elf.parent().ok_or("no parent")?;
    std::fs::create_dir_all(dir)?;
    let src = dir.join("fake.s");
    let ld = dir.join("fake.ld");
    std::fs::write(&src, ".text\n.globl _start\n_start:\n  j _start\n")?;
    std::fs::write(
        &ld,
        "SECTIONS { .text 0x40800000 : { *(.text) } }\n_end = 0x40860000;\n_heap_sentry = 0x4087c610;\n",
    )?;
    run(Command::new("riscv64-unknown-elf-gcc")
        .args(["-march=rv32i", "-mabi=ilp32", "-nostdlib", "-T"])
        .arg(&ld)
        .arg("-o")
        .arg(elf)
        .arg(&src))
}

/// Type-checks samples/sysinfo and tests/sysinfo (both deep-sleep cfgs) for
/// zephyr-lang-rust's target with `zephyr`/`zephyr-build` patched to the
/// stand-ins in tools/zephyr/standins/rust, the way rust_cargo_application()
/// patches the real crates; ZEPHYR_DTS and BUILD_DIR (with the LP image) come
/// from the CMake harness run. The real `zephyr` crate needs a Zephyr build.
fn zephyr_rust_apps(root: &Path) -> Result<()> {
    let harness = root.join("target/zephyr-cmake-harness");
    let standins = root.join("tools/zephyr/standins/rust");
    let target_dir = root.join("target/zephyr-standin");
    std::fs::create_dir_all(&target_dir)?;
    let cases: [(&str, &str); 3] = [
        ("samples/sysinfo", ""),
        ("tests/sysinfo", ""),
        ("tests/sysinfo", "CONFIG_SYSINFO_TEST_DEEP_SLEEP=y\n"),
    ];
    for (dir, dotconfig) in cases {
        let config = target_dir.join(".config");
        std::fs::write(&config, format!("CONFIG_RUST=y\n{dotconfig}"))?;
        let lock = root.join(dir).join("Cargo.lock");
        let had_lock = lock.exists();
        let cargo_app = |subcommand: &str| {
            let mut c = cargo();
            c.args([
                subcommand,
                "--release",
                "--target",
                ZEPHYR_RUST_TARGET,
                "--manifest-path",
            ])
            .arg(root.join(dir).join("Cargo.toml"))
            .arg("--config")
            .arg(format!(
                "patch.crates-io.zephyr.path=\"{}\"",
                standins.join("zephyr").display()
            ))
            .arg("--config")
            .arg(format!(
                "patch.crates-io.zephyr-build.path=\"{}\"",
                standins.join("zephyr-build").display()
            ))
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("ZEPHYR_DTS", harness.join("zephyr.dts"))
            .env("BUILD_DIR", harness.join("build"))
            .env("DOTCONFIG", &config);
            c
        };
        // Built, then linted as zephyr-lang-rust's `clippy` target does.
        let result = run(&mut cargo_app("build")).and_then(|()| {
            run(cargo_app("clippy").args([
                "--",
                "-D",
                "warnings",
                "-D",
                "clippy::undocumented_unsafe_blocks",
            ]))
        });
        // A lock file resolved against stand-ins is not the application's.
        if !had_lock {
            let _ = std::fs::remove_file(&lock);
        }
        result?;
        eprintln!(
            "zephyr-check: {dir} builds and passes clippy ({})",
            if dotconfig.is_empty() {
                "default"
            } else {
                dotconfig.trim()
            }
        );
    }
    Ok(())
}

/// Runs samples/sysinfo_c's main() on the host against the C API built for
/// the host (tools/zephyr/host/sysinfo_c_host.c does what the Zephyr glue does
/// before main()), and matches its output against sample.yaml's regexes.
fn c_sample_on_host(root: &Path, py: &Path, tools: &Path) -> Result<()> {
    run(cargo().args(["build", "--quiet", "-p", "amp-sysinfo-capi"]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_absolute() { t } else { root.join(t) })
        .unwrap_or_else(|| root.join("target"));
    let lib = target.join("debug/libamp_sysinfo_capi.a");
    let work = root.join("target/zephyr-c-host");
    std::fs::create_dir_all(&work)?;
    let cc = if crate::setup::have("cc") {
        "cc"
    } else {
        "gcc"
    };
    let flags = ["-std=c11", "-Wall", "-Wextra", "-Werror"];
    run(Command::new(cc)
        .args(flags)
        .args(["-Dmain=sysinfo_c_main", "-c", "-o"])
        .arg(work.join("main.o"))
        .arg("-I")
        .arg(root.join("include"))
        .arg("-I")
        .arg(tools.join("standins/c"))
        .arg(root.join("samples/sysinfo_c/src/main.c")))?;
    run(Command::new(cc)
        .args(flags)
        .args(["-c", "-o"])
        .arg(work.join("host.o"))
        .arg("-I")
        .arg(root.join("include"))
        .arg(tools.join("host/sysinfo_c_host.c")))?;
    let exe = work.join("sysinfo_c_host");
    run(Command::new(cc)
        .arg(work.join("main.o"))
        .arg(work.join("host.o"))
        .arg(&lib)
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe))?;
    let out = Command::new(&exe).output()?;
    let transcript = work.join("sample_c.txt");
    std::fs::write(&transcript, &out.stdout)?;
    if !out.status.success() {
        return Err(format!(
            "samples/sysinfo_c on the host failed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
        .into());
    }
    run(python(py, &tools.join("check_transcript.py"))
        .arg(root.join("samples/sysinfo_c/sample.yaml"))
        .arg("sample.sysinfo.c_api")
        .arg(&transcript))
}

/// Include directories for the upstream ESP32-C6 devicetrees, as Zephyr's
/// dts.cmake orders them, then the devicetree check's header stand-ins.
fn dts_includes(root: &Path, upstream: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = [
        "include",
        "include/zephyr",
        "dts/common",
        "dts/riscv",
        "dts",
    ]
    .iter()
    .map(|d| upstream.join(d))
    .collect();
    let standins = root.join("tools/dt/stand-ins/include");
    v.push(standins.join("zephyr"));
    v.push(standins);
    v
}

fn upstream() -> Result<PathBuf> {
    let dir = project_root().join("../shared/upstream/zephyr");
    if !dir.join("boards").is_dir() {
        return Err(format!(
            "the upstream Zephyr devicetree files are missing: expected them in {} (see shared/upstream/README.md)",
            dir.display()
        )
        .into());
    }
    Ok(dir.canonicalize()?)
}

/// CMake for the script-mode check: the venv's (pip package `cmake`), else PATH.
fn cmake(py: &Path) -> Result<PathBuf> {
    let venv = py.parent().map(|d| d.join("cmake"));
    match venv {
        Some(p) if p.is_file() => Ok(p),
        _ if crate::setup::have("cmake") => Ok(PathBuf::from("cmake")),
        _ => Err(
            "cmake not found: it comes with the venv (setup::PYTHON has `cmake`) or install it"
                .into(),
        ),
    }
}

fn nm(elf: &Path) -> Result<Vec<(String, u64)>> {
    let out = Command::new("riscv64-unknown-elf-nm").arg(elf).output()?;
    if !out.status.success() {
        return Err(format!("nm {} failed", elf.display()).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let value = u64::from_str_radix(it.next()?, 16).ok()?;
            let _kind = it.next()?;
            Some((it.next()?.to_string(), value))
        })
        .collect())
}

fn expect_eq(what: &str, got: u64, want: u64) -> Result<()> {
    if got != want {
        return Err(format!("LP image: {what} is {got:#x}, expected {want:#x}").into());
    }
    Ok(())
}

/// An error unless `out` is of a command that failed with `needle` in its
/// stderr; the error reads "`expected`, got:" and the stderr.
fn expect_failure(out: &std::process::Output, needle: &str, expected: &str) -> Result<()> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() || !stderr.contains(needle) {
        return Err(format!("{expected}, got:\n{stderr}").into());
    }
    Ok(())
}

fn python(py: &Path, script: &Path) -> Command {
    let mut c = Command::new(py);
    c.arg(script).current_dir(project_root());
    c
}

fn step(name: &str) {
    eprintln!("\n--> zephyr-check: {name}");
}

fn name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// Files directly in `dir` whose name passes `pick`, sorted.
fn files(dir: &Path, pick: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| pick(name(p)))
        .collect();
    v.sort();
    if v.is_empty() {
        return Err(format!("no fixtures in {}", dir.display()).into());
    }
    Ok(v)
}

/// Every file under `dir` (skipping `target/`) that passes `pick`.
fn find(dir: &Path, pick: &mut impl FnMut(&Path) -> bool, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if name(&p) != "target" {
                find(&p, pick, out)?;
            }
        } else if pick(&p) {
            out.push(p);
        }
    }
    Ok(())
}
