//! `check_elf`: an allocated section in a pool is an error; anything else
//! is not.

mod common;
#[path = "common/elf.rs"]
mod elf;

use std::path::{Path, PathBuf};

use amp_sysinfo_dt::{Devicetree, Error};
use elf::*;

/// The twin's main image: RAM 0x8000_0000..0x8020_0000; HP pool at
/// 0x8030_0000 (16 KiB), RTC pool at 0x8031_0000 (4 KiB).
fn twin_main() -> Devicetree {
    Devicetree::from_board(
        Path::new("../../boards/qemu/twin/twin.dts"),
        &[PathBuf::from("../../boards/qemu/twin/twin_main.overlay")],
        &[],
    )
    .unwrap()
}

/// 256 bytes of code at the start of the main image's RAM.
const TEXT: Section<'static> = (
    ".text",
    SHT_PROGBITS,
    SHF_ALLOC | SHF_EXECINSTR,
    0x8000_0000,
    0x100,
);

/// An allocated, writable section without file contents (`.bss`, `.noinit`).
fn nobits(name: &str, addr: u32, size: u32) -> Section<'_> {
    (name, SHT_NOBITS, SHF_ALLOC | SHF_WRITE, addr, size)
}

fn write(sections: &[Section<'_>]) -> PathBuf {
    let path = common::scratch("image.elf");
    std::fs::write(&path, elf32(sections)).unwrap();
    path
}

#[test]
fn an_image_in_its_own_ram_passes() {
    let elf = write(&[
        TEXT,
        nobits(".bss", 0x8000_1000, 0x200),
        // Not allocated: its address means nothing, even inside a pool.
        (".comment", SHT_PROGBITS, 0, 0x8030_0000, 0x10),
        // Allocated but empty: occupies nothing.
        (".empty", SHT_PROGBITS, SHF_ALLOC, 0x8030_0000, 0),
    ]);
    assert_eq!(twin_main().check_elf(&elf).unwrap(), 2);
}

#[test]
fn a_nobits_section_reaching_into_the_hp_pool_fails() {
    let elf = write(&[TEXT, nobits(".noinit", 0x802f_ff00, 0x200)]);
    let err = twin_main().check_elf(&elf).unwrap_err();
    match &err {
        Error::ElfOverlap {
            section,
            range,
            pool,
            ..
        } => {
            assert_eq!(section, ".noinit");
            assert_eq!((range.start, range.end), (0x802f_ff00, 0x8030_0100));
            assert_eq!(pool.label.as_deref(), Some("sysinfo_hp"));
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string()
            .contains("section `.noinit` at 0x802fff00..0x80300100 overlaps pool"),
        "{err}"
    );
}

#[test]
fn a_section_in_the_rtc_pool_fails() {
    let elf = write(&[(
        ".data",
        SHT_PROGBITS,
        SHF_ALLOC | SHF_WRITE,
        0x8031_0800,
        0x10,
    )]);
    let err = twin_main().check_elf(&elf).unwrap_err();
    assert!(
        matches!(&err, Error::ElfOverlap { pool, .. } if pool.label.as_deref() == Some("sysinfo_rtc")),
        "{err}"
    );
}

#[test]
fn a_section_ending_exactly_at_the_pool_passes() {
    let elf = write(&[nobits(".bss", 0x802f_f000, 0x1000)]);
    assert_eq!(twin_main().check_elf(&elf).unwrap(), 1);
}

#[test]
fn not_an_elf_file() {
    let path = common::scratch("not.elf");
    std::fs::write(&path, b"just text").unwrap();
    assert!(matches!(
        twin_main().check_elf(&path),
        Err(Error::Elf { .. })
    ));
}

#[test]
fn allocated_sections_lists_what_check_elf_checks() {
    let elf = write(&[
        TEXT,
        nobits(".bss", 0x8000_1000, 0x200),
        (".comment", SHT_PROGBITS, 0, 0x8030_0000, 0x10),
        (".empty", SHT_PROGBITS, SHF_ALLOC, 0x8030_0000, 0),
    ]);
    let got = amp_sysinfo_dt::allocated_sections(&elf).unwrap();
    let got: Vec<_> = got
        .iter()
        .map(|(n, r)| (n.as_str(), r.start, r.end))
        .collect();
    assert_eq!(
        got,
        [
            (".text", 0x8000_0000, 0x8000_0100),
            (".bss", 0x8000_1000, 0x8000_1200)
        ]
    );
}
