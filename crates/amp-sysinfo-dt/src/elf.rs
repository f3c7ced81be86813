//! The post-link check: no allocated section of an image may lie in a pool.

use std::path::Path;

use object::{Object, ObjectSection, SectionFlags};

use crate::error::{Error, Range};
use crate::pools::Pool;

/// ELF `SHF_ALLOC`: the section occupies memory at run time.
const SHF_ALLOC: u64 = 0x2;

/// `(name, range)` of every allocated, non-empty section of an ELF file.
pub fn allocated_sections(elf: &Path) -> Result<Vec<(String, Range)>, Error> {
    let data = std::fs::read(elf).map_err(|source| Error::Io {
        path: elf.to_path_buf(),
        source,
    })?;
    let file = object::File::parse(&*data).map_err(|e| Error::Elf {
        elf: elf.to_path_buf(),
        problem: e.to_string(),
    })?;
    if file.format() != object::BinaryFormat::Elf {
        return Err(Error::Elf {
            elf: elf.to_path_buf(),
            problem: format!("not ELF but {:?}", file.format()),
        });
    }
    let mut out = Vec::new();
    for section in file.sections() {
        let SectionFlags::Elf { sh_flags } = section.flags() else {
            continue;
        };
        if sh_flags & SHF_ALLOC == 0 || section.size() == 0 {
            continue;
        }
        let name = section.name().unwrap_or("<unnamed>").to_string();
        out.push((name, Range::new(section.address(), section.size())));
    }
    Ok(out)
}

/// Fails on the first allocated section that overlaps a pool.
pub fn check(elf: &Path, pools: &[Pool]) -> Result<usize, Error> {
    let sections = allocated_sections(elf)?;
    for (section, range) in &sections {
        if let Some(pool) = pools.iter().find(|p| p.range().overlaps(range)) {
            return Err(Error::ElfOverlap {
                elf: elf.to_path_buf(),
                section: section.clone(),
                range: *range,
                pool: pool.node.clone(),
                pool_range: pool.range(),
            });
        }
    }
    Ok(sections.len())
}
