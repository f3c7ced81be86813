//! A minimal 32-bit RISC-V ELF executable with chosen sections, written
//! byte by byte (ELF32 header, section data, section header table), so the
//! `check-elf` tests need no cross toolchain.

/// `(name, sh_type, sh_flags, sh_addr, sh_size)`.
pub type Section<'a> = (&'a str, u32, u32, u32, u32);

pub const SHT_PROGBITS: u32 = 1;
pub const SHT_NOBITS: u32 = 8;
const SHT_STRTAB: u32 = 3;
pub const SHF_WRITE: u32 = 1;
pub const SHF_ALLOC: u32 = 2;
pub const SHF_EXECINSTR: u32 = 4;
const EM_RISCV: u16 = 243;

pub fn elf32(sections: &[Section<'_>]) -> Vec<u8> {
    // Section names: "\0" then each name, then ".shstrtab".
    let mut shstr = vec![0u8];
    let mut name_off = Vec::new();
    for (name, ..) in sections {
        name_off.push(shstr.len() as u32);
        shstr.extend_from_slice(name.as_bytes());
        shstr.push(0);
    }
    let shstrtab_name = shstr.len() as u32;
    shstr.extend_from_slice(b".shstrtab\0");

    let mut data = Vec::new(); // after the 52-byte header
    let mut offsets = Vec::new();
    for (_, ty, _, _, size) in sections {
        offsets.push(52 + data.len() as u32);
        if *ty != SHT_NOBITS {
            data.extend(std::iter::repeat_n(0u8, *size as usize));
        }
    }
    let shstr_off = 52 + data.len() as u32;
    data.extend_from_slice(&shstr);
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let shoff = 52 + data.len() as u32;
    let shnum = sections.len() as u16 + 2;

    let mut out = Vec::new();
    out.extend_from_slice(&[0x7f, b'E', b'L', b'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    out.extend_from_slice(&EM_RISCV.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes()); // EV_CURRENT
    out.extend_from_slice(&0u32.to_le_bytes()); // entry
    out.extend_from_slice(&0u32.to_le_bytes()); // phoff
    out.extend_from_slice(&shoff.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // flags
    for half in [52u16, 32, 0, 40, shnum, shnum - 1] {
        out.extend_from_slice(&half.to_le_bytes());
    }
    assert_eq!(out.len(), 52);
    out.extend_from_slice(&data);

    let mut header = |name: u32, ty: u32, flags: u32, addr: u32, off: u32, size: u32| {
        for word in [name, ty, flags, addr, off, size, 0, 0, 4, 0] {
            out.extend_from_slice(&word.to_le_bytes());
        }
    };
    header(0, 0, 0, 0, 0, 0);
    for (i, (_, ty, flags, addr, size)) in sections.iter().enumerate() {
        header(name_off[i], *ty, *flags, *addr, offsets[i], *size);
    }
    header(
        shstrtab_name,
        SHT_STRTAB,
        0,
        0,
        shstr_off,
        shstr.len() as u32,
    );
    out
}
