//! Bytes per function (the symbol and every function it calls) and per
//! shape image, from the ELF files and GNU objdump's disassembly.

use super::*;
use anyhow::Context;

/// A function of an image: start address and size.
#[derive(Debug, Clone)]
pub(super) struct Symbol {
    addr: u64,
    size: u64,
}

/// Functions of `elf` by demangled name (the `object` crate).
pub(super) fn functions(elf: &Path) -> Result<HashMap<String, Symbol>> {
    Ok(crate::elf::symbols(elf)?
        .into_iter()
        .filter(|s| s.is_function)
        .map(|s| {
            (
                s.name,
                Symbol {
                    addr: s.address,
                    size: s.size,
                },
            )
        })
        .collect())
}

/// Call graph of `elf` by function start address, from `objdump -d`:
/// every `jal`/`jalr`/`j`/`tail` whose target is another function's start.
pub(super) fn call_graph(elf: &Path) -> Result<HashMap<u64, BTreeSet<u64>>> {
    let out = Command::new("riscv64-unknown-elf-objdump")
        .args(["-d", "--no-show-raw-insn"])
        .arg(elf)
        .output()?;
    if !out.status.success() {
        return Err(anyhow::anyhow!("objdump failed on {}", elf.display()));
    }
    let mut graph: HashMap<u64, BTreeSet<u64>> = HashMap::new();
    let mut current = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let line = line.trim_end();
        // `80000246 <name>:` starts a function.
        if let Some((addr, rest)) = line.split_once(' ') {
            if rest.starts_with('<') && rest.ends_with(">:") {
                current = u64::from_str_radix(addr, 16).ok();
                continue;
            }
        }
        let Some(from) = current else { continue };
        let Some((_, insn)) = line.split_once(":\t") else {
            continue;
        };
        let mnemonic = insn.split_whitespace().next().unwrap_or("");
        if !matches!(
            mnemonic,
            "jal" | "jalr" | "j" | "call" | "tail" | "c.j" | "c.jal" | "jr"
        ) {
            continue;
        }
        // The target is printed as `<addr> <name>` (no `+offset`: a
        // function's start) at the end of the line.
        let Some(open) = line.rfind(" <") else {
            continue;
        };
        if !line.ends_with('>') || line[open..].contains('+') {
            continue;
        }
        let addr_text = line[..open].rsplit([' ', '\t']).next().unwrap_or("");
        if let Ok(to) = u64::from_str_radix(addr_text, 16) {
            if to != from {
                graph.entry(from).or_default().insert(to);
            }
        }
    }
    Ok(graph)
}

/// Bytes of `name` and every function it calls, directly or not.
pub(super) fn closure_bytes(
    name: &str,
    syms: &HashMap<String, Symbol>,
    graph: &HashMap<u64, BTreeSet<u64>>,
) -> Option<u64> {
    let by_addr: HashMap<u64, u64> = syms.values().map(|s| (s.addr, s.size)).collect();
    let root = syms.get(name)?.addr;
    let mut seen = BTreeSet::from([root]);
    let mut todo = vec![root];
    while let Some(f) = todo.pop() {
        for &to in graph.get(&f).into_iter().flatten() {
            if by_addr.contains_key(&to) && seen.insert(to) {
                todo.push(to);
            }
        }
    }
    Some(seen.iter().map(|a| by_addr[a]).sum())
}

/// Bytes the image loads (code, constants, initialised data: the `.text*`,
/// `.init*`, `.rodata*`, `.srodata*`, `.data*` and `.sdata*` sections) and
/// its `.bss*`/`.sbss*`. Unwind tables (`.eh_frame`, which a
/// `panic = "abort"` image never reads) and the stack are not counted.
pub(super) fn loaded_bytes(elf: &Path) -> Result<(u64, u64)> {
    let (mut image, mut bss) = (0, 0);
    for (name, size) in crate::elf::sections(elf)? {
        let starts = |p: &[&str]| p.iter().any(|p| name.starts_with(p));
        if starts(&[".text", ".init", ".rodata", ".srodata", ".data", ".sdata"]) {
            image += size;
        } else if starts(&[".bss", ".sbss"]) {
            bss += size;
        }
    }
    Ok((image, bss))
}

pub(super) fn measure_shape(
    build: &str,
    shape: &str,
    elf: &Path,
    base: &Path,
    names: &[&str],
    figures: &mut Figures,
) -> Result<()> {
    let syms = functions(elf)?;
    let graph = call_graph(elf)?;
    for name in names {
        let bytes = closure_bytes(name, &syms, &graph)
            .with_context(|| format!("{name} not in {}", elf.display()))?;
        figures.insert(format!("{build} bytes {shape}:{name}"), bytes);
    }
    let (image, bss) = loaded_bytes(elf)?;
    let (base_image, base_bss) = loaded_bytes(base)?;
    figures.insert(
        format!("{build} footprint {shape}"),
        image.saturating_sub(base_image),
    );
    figures.insert(
        format!("{build} state {shape}"),
        bss.saturating_sub(base_bss),
    );
    Ok(())
}

pub(super) fn measure_rust_shapes(build: &Build, dir: &Path, figures: &mut Figures) -> Result<()> {
    let base = dir.join("shape-base");
    for (shape, names) in RUST_SHAPES {
        measure_shape(
            build.key,
            shape,
            &dir.join(format!("shape-{shape}")),
            &base,
            names,
            figures,
        )?;
    }
    Ok(())
}

pub(super) fn link_c(build: &Build, source: &str, lib: Option<&Path>, out: &Path) -> Result<()> {
    let source = project_root().join("bench/c").join(format!("{source}.c"));
    crate::capi_image::link(build.march, &source, lib, &["-fdata-sections"], out)
}

pub(super) fn measure_c_shapes(build: &Build, figures: &mut Figures) -> Result<()> {
    let dir = target_base().join(format!("c-{}", build.key));
    std::fs::create_dir_all(&dir)?;
    let base = dir.join("base.elf");
    link_c(build, "base", None, &base)?;
    let mut libs = HashMap::new();
    for (shape, which, names) in C_SHAPES {
        let lib = match libs.get(which) {
            Some(lib) => lib,
            None => libs.entry(*which).or_insert(build_capi(build, *which)?),
        };
        let elf = dir.join(format!("{shape}.elf"));
        link_c(build, shape, Some(lib), &elf)?;
        measure_shape(build.key, shape, &elf, &base, names, figures)?;
    }
    Ok(())
}
