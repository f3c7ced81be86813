//! Symbols of an ELF image through the `object` crate (names demangled with
//! `rustc-demangle`), for the size report, the no-panic check and the LP
//! image's start-up addresses.

use std::path::Path;

use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};

use crate::Result;

/// One symbol: its demangled name (without the hash), address and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub address: u64,
    pub size: u64,
    /// A function (code), as `nm` marks `T`/`t`/`W`.
    pub is_function: bool,
}

/// Every named symbol of `elf`, defined or not.
pub fn symbols(elf: &Path) -> Result<Vec<Symbol>> {
    let data = std::fs::read(elf).map_err(|e| anyhow::anyhow!("{}: {e}", elf.display()))?;
    let file =
        object::File::parse(&*data).map_err(|e| anyhow::anyhow!("{}: {e}", elf.display()))?;
    Ok(file
        .symbols()
        .filter_map(|s| {
            let name = s.name().ok().filter(|n| !n.is_empty())?;
            Some(Symbol {
                name: format!("{:#}", rustc_demangle::demangle(name)),
                address: s.address(),
                size: s.size(),
                is_function: s.kind() == SymbolKind::Text,
            })
        })
        .collect())
}

/// `(name, size)` of every section of `elf`.
pub fn sections(elf: &Path) -> Result<Vec<(String, u64)>> {
    let data = std::fs::read(elf).map_err(|e| anyhow::anyhow!("{}: {e}", elf.display()))?;
    let file =
        object::File::parse(&*data).map_err(|e| anyhow::anyhow!("{}: {e}", elf.display()))?;
    Ok(file
        .sections()
        .filter_map(|s| Some((s.name().ok()?.to_string(), s.size())))
        .collect())
}

/// The symbol named `name` (demangled), if `symbols` has it.
pub fn find<'a>(symbols: &'a [Symbol], name: &str) -> Option<&'a Symbol> {
    symbols.iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    /// The running test binary is an ELF file with Rust symbols: they come
    /// back demangled, with their sizes.
    #[test]
    fn symbols_of_this_test_binary_are_demangled_with_sizes() {
        let exe = std::env::current_exe().unwrap();
        let symbols = super::symbols(&exe).unwrap();
        let me = symbols
            .iter()
            .find(|s| {
                s.name
                    .ends_with("symbols_of_this_test_binary_are_demangled_with_sizes")
            })
            .expect("this test's own symbol");
        assert!(me.name.contains("::"), "{}", me.name);
        assert!(me.size > 0 && me.address > 0 && me.is_function);
        let sections = super::sections(&exe).unwrap();
        assert!(sections
            .iter()
            .any(|(n, size)| n == ".text" && *size >= me.size));
        assert!(super::find(&symbols, &me.name).is_some());
        assert!(super::find(&symbols, "no such symbol").is_none());
    }
}
