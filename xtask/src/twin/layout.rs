//! The twin's layout check: both images against the twin devicetree, read
//! through the generator's library (`amp-sysinfo-dt`) and the ELF files
//! through the `object` crate. No section in a pool, in the other image's
//! RAM or in the control page; the sub image's entry where hart 1 jumps.

use std::path::{Path, PathBuf};

use amp_sysinfo_dt::{Devicetree, Range};
use object::{Object, ObjectSection, SectionFlags, SectionKind};

use super::Images;
use crate::{project_root, Result};

/// The twin devicetree's node for the control page; QEMU's loader puts the
/// scenario word at its base (`control::SCENARIO` in `twin/board/src/lib.rs`
/// is at offset 0).
const CONTROL_NODE: &str = "twin_control";

/// The twin devicetree with one image's overlay (`twin_main` or `twin_sub`).
fn devicetree(image: &str) -> Result<Devicetree> {
    let board = project_root().join("boards/qemu/twin");
    let overlay: PathBuf = board.join(format!("{image}.overlay"));
    Ok(Devicetree::from_board(
        &board.join("twin.dts"),
        &[overlay],
        &[],
    )?)
}

/// The control page, the devicetree node [`CONTROL_NODE`]; the twin board's
/// build script takes `control::BASE` / `control::SIZE` from the same node.
pub fn control_page() -> Result<Range> {
    Ok(devicetree("twin_main")?.region(CONTROL_NODE)?.1)
}

/// An ELF image: entry point and allocated sections.
struct Elf {
    entry: u64,
    sections: Vec<(String, Range)>,
    /// Allocated, writable sections with contents in the file (`.data`).
    initialised_data: Vec<String>,
}

fn read_elf(path: &Path) -> Result<Elf> {
    let data = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let file =
        object::File::parse(&*data).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let sections = amp_sysinfo_dt::allocated_sections(path)?;
    let initialised_data = file
        .sections()
        .filter(|s| s.kind() == SectionKind::Data && s.size() > 0)
        .filter(|s| matches!(s.flags(), SectionFlags::Elf { sh_flags } if sh_flags & u64::from(object::elf::SHF_ALLOC) != 0))
        .filter_map(|s| s.name().ok().map(str::to_string))
        .collect();
    Ok(Elf {
        entry: file.entry(),
        sections,
        initialised_data,
    })
}

/// Both images against the twin devicetree: the generator's own
/// `check-elf`, then every allocated section inside its image's RAM and
/// clear of every pool, of the other image's RAM and of the control page;
/// the sub entry is its RAM's first byte.
pub fn check_layout(images: &Images) -> Result<()> {
    let main_dt = devicetree("twin_main")?;
    let sub_dt = devicetree("twin_sub")?;
    let pools: Vec<(String, Range)> = main_dt
        .pools()?
        .iter()
        .map(|p| (p.config.kind.name().to_string(), p.range()))
        .collect();
    if pools.is_empty() {
        return Err(anyhow::anyhow!("the twin devicetree has no pools"));
    }
    let control = images.control;
    let ram_main = main_dt.image_ram(None)?.1;
    let ram_sub = sub_dt.image_ram(None)?.1;
    for (name, span) in &pools {
        if span.overlaps(&control) {
            return Err(anyhow::anyhow!(
                "{name} pool {span} overlaps the control page {control}"
            ));
        }
    }
    for (image, path, dt, own, other) in [
        ("main", &images.main, &main_dt, ram_main, ram_sub),
        ("sub", &images.sub, &sub_dt, ram_sub, ram_main),
    ] {
        dt.check_elf(path)?;
        let elf = read_elf(path)?;
        let errs = layout_errors(&elf, own, other, &pools, control);
        if !errs.is_empty() {
            return Err(anyhow::anyhow!(
                "{image} image {}:\n  {}",
                path.display(),
                errs.join("\n  ")
            ));
        }
        // The retained scenario re-enters the main image's start-up. riscv-rt
        // copies `.data` again from its load image in RAM, which nothing must
        // have written since; with no `.data` at all, the state after the
        // jump is just a zeroed `.bss`, as on the first boot.
        if image == "main" && !elf.initialised_data.is_empty() {
            return Err(anyhow::anyhow!(
                "main image has initialised writable data ({}): a re-entered start-up would not restore it",
                elf.initialised_data.join(", ")
            ));
        }
        if elf.entry != own.start {
            return Err(anyhow::anyhow!(
                "{image} image: entry {:#x} is not the first byte of its RAM {:#x}",
                elf.entry,
                own.start
            ));
        }
        eprintln!(
            "twin: {image} image: {} allocated sections inside its RAM, none in a pool, the other image or the control page; entry {:#010x}",
            elf.sections.len(),
            elf.entry
        );
    }
    Ok(())
}

fn layout_errors(
    elf: &Elf,
    own: Range,
    other: Range,
    pools: &[(String, Range)],
    control: Range,
) -> Vec<String> {
    let mut errs = Vec::new();
    if elf.sections.is_empty() {
        errs.push("no allocated sections".into());
    }
    for (name, s) in &elf.sections {
        if !own.contains(s) {
            errs.push(format!("section {name} {s} is outside the image's RAM"));
        }
        for (pool, p) in pools {
            if s.overlaps(p) {
                errs.push(format!("section {name} {s} overlaps the {pool} pool {p}"));
            }
        }
        if other.overlaps(s) {
            errs.push(format!("section {name} {s} overlaps the other image's RAM"));
        }
        if s.overlaps(&control) {
            errs.push(format!(
                "section {name} {s} overlaps the control page {control}"
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`read_elf`] on bytes, through a scratch file.
    fn parsed(bytes: &[u8]) -> Result<Elf> {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("xtask-twin-elf-{}-{n}", std::process::id()));
        std::fs::write(&path, bytes)?;
        let elf = read_elf(&path);
        let _ = std::fs::remove_file(&path);
        elf
    }

    /// A minimal ELF32 with `.text` (alloc) at `text`, `.comment` (not
    /// alloc), and the section-name table.
    fn elf(entry: u32, text: u32, text_len: u32) -> Vec<u8> {
        elf_with_flags(entry, text, text_len, 6)
    }

    /// As [`elf`], with the first section's `sh_flags` given and type PROGBITS.
    fn elf_with_flags(entry: u32, text: u32, text_len: u32, text_flags: u32) -> Vec<u8> {
        // Padded so that the section headers after it are 4-byte aligned.
        let names = b"\0.text\0.comment\0.shstrtab\0\0\0";
        let shoff = 52 + names.len() as u32;
        let mut d = vec![0u8; 52];
        d[..7].copy_from_slice(&[0x7f, b'E', b'L', b'F', 1, 1, 1]); // ELF32, LE, version 1
        d[0x10..0x12].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        d[0x12..0x14].copy_from_slice(&0xf3u16.to_le_bytes()); // EM_RISCV
        d[0x14..0x18].copy_from_slice(&1u32.to_le_bytes()); // EV_CURRENT
        d[0x28..0x2a].copy_from_slice(&52u16.to_le_bytes()); // e_ehsize
        d[0x18..0x1c].copy_from_slice(&entry.to_le_bytes());
        d[0x20..0x24].copy_from_slice(&shoff.to_le_bytes());
        d[0x2e..0x30].copy_from_slice(&40u16.to_le_bytes());
        d[0x30..0x32].copy_from_slice(&4u16.to_le_bytes());
        d[0x32..0x34].copy_from_slice(&3u16.to_le_bytes());
        d.extend_from_slice(names);
        let mut sh = |name: u32, flags: u32, addr: u32, offset: u32, size: u32| {
            let mut h = [0u8; 40];
            h[0..4].copy_from_slice(&name.to_le_bytes());
            h[4..8].copy_from_slice(&1u32.to_le_bytes()); // SHT_PROGBITS
            h[8..12].copy_from_slice(&flags.to_le_bytes());
            h[12..16].copy_from_slice(&addr.to_le_bytes());
            h[16..20].copy_from_slice(&offset.to_le_bytes());
            h[20..24].copy_from_slice(&size.to_le_bytes());
            d.extend_from_slice(&h);
        };
        sh(0, 0, 0, 0, 0);
        sh(1, text_flags, text, 0, text_len);
        sh(7, 0, 0, 0, 10);
        sh(16, 0, 0, 52, names.len() as u32);
        d
    }

    #[test]
    fn elf_sections_and_entry_are_read() {
        let e = parsed(&elf(0x8020_0000, 0x8020_0000, 0x100)).unwrap();
        assert_eq!(e.entry, 0x8020_0000);
        assert_eq!(
            e.sections,
            vec![(".text".to_string(), Range::new(0x8020_0000, 0x100))],
            "only allocated sections"
        );
        assert!(e.initialised_data.is_empty(), "text is not writable");
        let data = parsed(&elf_with_flags(0, 0x8000_1000, 8, 3)).unwrap();
        assert_eq!(
            data.initialised_data,
            vec![".text".to_string()],
            "alloc + write + PROGBITS"
        );
        assert!(parsed(&elf(0, 0, 0)[..60]).is_err(), "truncated");
    }

    #[test]
    fn layout_errors_name_the_section_and_what_it_hits() {
        let own = Range::new(0x8020_0000, 0x10_0000);
        let other = Range::new(0x8000_0000, 0x20_0000);
        let pools = vec![("HP".to_string(), Range::new(0x8030_0000, 0x4000))];
        let control = Range::new(0x8032_0000, 0x100);
        let ok = parsed(&elf(0x8020_0000, 0x8020_0000, 0x100)).unwrap();
        assert!(layout_errors(&ok, own, other, &pools, control).is_empty());
        let in_pool = parsed(&elf(0x8020_0000, 0x802f_ff00, 0x200)).unwrap();
        let errs = layout_errors(&in_pool, own, other, &pools, control);
        assert!(
            errs.iter()
                .any(|e| e.contains("section .text 0x802fff00..0x80300100 overlaps the HP pool")),
            "{errs:?}"
        );
        assert!(
            errs.iter().any(|e| e.contains("outside the image's RAM")),
            "{errs:?}"
        );
        let in_main = parsed(&elf(0x8020_0000, 0x8010_0000, 0x10)).unwrap();
        assert!(layout_errors(&in_main, own, other, &pools, control)
            .iter()
            .any(|e| e.contains("other image's RAM")));
        let in_control = parsed(&elf(0, 0x8032_0000, 4)).unwrap();
        assert!(layout_errors(&in_control, own, other, &pools, control)
            .iter()
            .any(|e| e.contains("control page")));
    }
}
