//! Finding the pool nodes and checking them against the rest of the tree.

use amp_sysinfo::format::{table_bytes, DEFAULT_MAX_ENTRIES, POOL_ALIGN};
use amp_sysinfo::{PoolConfig, PoolKind};

use crate::error::{Error, NodeName, Range};
use crate::tree::Tree;
use crate::COMPATIBLE;

/// Which core runs the sub image (the HP pool's `sub-core` property).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubCore {
    /// The low-power core (ESP32-C6/C5); the RTC pool is available.
    Lp,
    /// A second HP core (ESP32-P4); there is no RTC pool.
    Hp,
}

/// One pool as the devicetree describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    /// The node, for messages and comments.
    pub node: NodeName,
    /// The value both cores build their view of the pool from.
    pub config: PoolConfig,
}

impl Pool {
    /// The pool's bus address range.
    pub fn range(&self) -> Range {
        Range::new(u64::from(self.config.bus_base), u64::from(self.config.size))
    }
}

/// Every property a pool node may carry: the binding's own and those of
/// `base.yaml` that make sense on a pool, plus `phandle` (dtc adds it when
/// the node is referenced).
pub const POOL_PROPERTIES: &[&str] = &[
    "compatible",
    "reg",
    "reg-names",
    "status",
    "pool-kind",
    "sub-core",
    "max-entries",
    "phandle",
];

/// The `pool-kind` value of a kind, as the devicetree spells it.
pub fn kind_value(kind: PoolKind) -> &'static str {
    match kind {
        PoolKind::Hp => "hp",
        PoolKind::Rtc => "rtc",
    }
}

fn prop_err(node: &NodeName, property: &'static str, problem: impl Into<String>) -> Error {
    Error::Property {
        node: node.clone(),
        property,
        problem: problem.into(),
    }
}

/// Reads and checks every enabled pool node; the HP pool comes first.
pub fn pools(tree: &Tree) -> Result<Vec<Pool>, Error> {
    let mut found: Vec<(usize, Pool, Option<SubCore>)> = Vec::new();
    for (idx, node) in tree.nodes.iter().enumerate() {
        if node.has_compatible(COMPATIBLE) && node.is_enabled() {
            let (pool, sub_core) = pool_of(node)?;
            found.push((idx, pool, sub_core));
        }
    }
    check_set(&found)?;
    for (idx, pool, _) in &found {
        check_placement(tree, *idx, pool)?;
        if pool.config.kind == PoolKind::Rtc {
            check_in_lp_sram(tree, pool)?;
        }
    }
    found.sort_by_key(|(_, p, _)| p.config.kind as u8);
    Ok(found.into_iter().map(|(_, p, _)| p).collect())
}

/// One pool node's properties, each checked, as the pool both cores build
/// their view from (and, on the HP pool, which core is the sub core).
fn pool_of(node: &crate::tree::Node) -> Result<(Pool, Option<SubCore>), Error> {
    let name = node.name();
    if let Some(unknown) = node
        .props
        .keys()
        .find(|k| !POOL_PROPERTIES.contains(&k.as_str()))
    {
        return Err(Error::UnknownProperty {
            node: name,
            property: unknown.clone(),
        });
    }
    let kind = pool_kind(node, &name)?;
    let sub_core = sub_core(node, &name, kind)?;
    let max_entries = max_entries(node, &name)?;
    let range = pool_range(node, &name, max_entries)?;
    let config = PoolConfig {
        kind,
        bus_base: range.start as u32,
        size: range.size() as u32,
        max_entries,
    };
    Ok((Pool { node: name, config }, sub_core))
}

fn pool_kind(node: &crate::tree::Node, name: &NodeName) -> Result<PoolKind, Error> {
    Ok(match node.string("pool-kind") {
        None => {
            return Err(prop_err(
                name,
                "pool-kind",
                "missing; must be \"hp\" or \"rtc\"",
            ))
        }
        Some(Ok("hp")) => PoolKind::Hp,
        Some(Ok("rtc")) => PoolKind::Rtc,
        Some(Ok(other)) => {
            return Err(prop_err(
                name,
                "pool-kind",
                format!("\"{other}\" is not \"hp\" or \"rtc\""),
            ))
        }
        Some(Err(())) => return Err(prop_err(name, "pool-kind", "not a string")),
    })
}

fn sub_core(
    node: &crate::tree::Node,
    name: &NodeName,
    kind: PoolKind,
) -> Result<Option<SubCore>, Error> {
    Ok(match (node.string("sub-core"), kind) {
        (None, PoolKind::Hp) => {
            return Err(prop_err(
                name,
                "sub-core",
                "missing on the HP pool; must be \"lp\" or \"hp\"",
            ))
        }
        (None, _) => None,
        (Some(_), PoolKind::Rtc) => {
            return Err(prop_err(name, "sub-core", "belongs on the HP pool only"));
        }
        (Some(Ok("lp")), _) => Some(SubCore::Lp),
        (Some(Ok("hp")), _) => Some(SubCore::Hp),
        (Some(Ok(other)), _) => {
            return Err(prop_err(
                name,
                "sub-core",
                format!("\"{other}\" is not \"lp\" or \"hp\""),
            ))
        }
        (Some(Err(())), _) => return Err(prop_err(name, "sub-core", "not a string")),
    })
}

fn max_entries(node: &crate::tree::Node, name: &NodeName) -> Result<u16, Error> {
    Ok(match node.u32("max-entries") {
        None => DEFAULT_MAX_ENTRIES,
        Some(Ok(n)) if (1..=u32::from(u16::MAX)).contains(&n) => n as u16,
        Some(Ok(n)) => {
            return Err(prop_err(
                name,
                "max-entries",
                format!("{n} is not in 1..=65535"),
            ))
        }
        Some(Err(())) => return Err(prop_err(name, "max-entries", "not a single 32-bit cell")),
    })
}

/// The pool's one `reg` entry: named by its address, inside the 32-bit bus
/// space, aligned, and large enough for its header and table.
fn pool_range(node: &crate::tree::Node, name: &NodeName, max_entries: u16) -> Result<Range, Error> {
    if !node.props.contains_key("reg") {
        return Err(prop_err(name, "reg", "missing"));
    }
    let range = match node.regions.as_slice() {
        [r] => *r,
        [] => return Err(prop_err(
            name,
            "reg",
            "does not map to a CPU address (is the pool under /reserved-memory with `ranges;`?)",
        )),
        _ => {
            return Err(prop_err(
                name,
                "reg",
                "must hold exactly one (address, size) pair",
            ))
        }
    };
    // Zephyr only warns about this; a renamed pool whose name still
    // shows the old address would mislead every reader of the overlay.
    if let Some(unit) = node
        .path
        .rsplit('/')
        .next()
        .and_then(|n| n.split_once('@'))
        .map(|(_, u)| u)
    {
        if u64::from_str_radix(unit, 16).ok() != Some(range.start) {
            return Err(prop_err(
                name,
                "reg",
                format!("starts at {:#x} but the node name says @{unit}; rename the node to memory@{:x}", range.start, range.start),
            ));
        }
    }
    if range.end > 1 << 32 {
        return Err(Error::AddressTooLarge {
            node: name.clone(),
            range,
        });
    }
    let align = u64::from(POOL_ALIGN);
    if range.start % align != 0 || range.size() % align != 0 {
        return Err(Error::Misaligned {
            node: name.clone(),
            range,
            align: POOL_ALIGN,
        });
    }
    let needed = table_bytes(max_entries) as u64;
    if range.size() < needed {
        return Err(Error::TooSmall {
            node: name.clone(),
            size: range.size(),
            needed,
            max_entries,
        });
    }
    Ok(range)
}

/// The pools as a set: one of each kind, an HP pool, and no RTC pool when a
/// second HP core is the sub core.
fn check_set(found: &[(usize, Pool, Option<SubCore>)]) -> Result<(), Error> {
    for (i, (_, a, _)) in found.iter().enumerate() {
        if let Some((_, b, _)) = found[..i]
            .iter()
            .find(|(_, b, _)| b.config.kind == a.config.kind)
        {
            return Err(Error::DuplicateKind {
                kind: kind_value(a.config.kind),
                first: b.node.clone(),
                second: a.node.clone(),
            });
        }
    }
    let (_, hp, sub_core) = found
        .iter()
        .find(|(_, p, _)| p.config.kind == PoolKind::Hp)
        .ok_or(Error::MissingHpPool)?;
    if *sub_core == Some(SubCore::Hp) {
        if let Some((_, rtc, _)) = found
            .iter()
            .find(|(_, p, _)| p.config.kind == PoolKind::Rtc)
        {
            return Err(Error::RtcWithoutLpCore {
                node: rtc.node.clone(),
                hp_pool: hp.node.clone(),
            });
        }
    }
    Ok(())
}

/// A pool lies inside one memory node and overlaps no other node with a
/// memory-mapped `reg`, except the memory nodes (and buses) around it.
fn check_placement(tree: &Tree, idx: usize, pool: &Pool) -> Result<(), Error> {
    let range = pool.range();
    let is_container = |other: usize| {
        let n = &tree.nodes[other];
        tree.is_ancestor(other, idx)
            || (n.is_memory()
                && !inside_memory(tree, other)
                && n.regions.iter().any(|r| r.contains(&range)))
    };
    let inside = tree.nodes.iter().enumerate().any(|(o, n)| {
        o != idx
            && n.is_memory()
            && !inside_memory(tree, o)
            && n.regions.iter().any(|r| r.contains(&range))
    });
    if !inside {
        return Err(Error::OutsideMemory {
            node: pool.node.clone(),
            range,
        });
    }
    for (o, other) in tree.nodes.iter().enumerate() {
        if o == idx || is_container(o) {
            continue;
        }
        if let Some(r) = other.regions.iter().find(|r| r.overlaps(&range)) {
            return Err(Error::Overlap {
                node: pool.node.clone(),
                range,
                other: other.name(),
                other_range: *r,
            });
        }
    }
    Ok(())
}

/// An RTC pool lies in LP SRAM: the node labelled `sramlp` (Zephyr's label
/// on the ESP32-C6/C5 since 4.4; the module's Zephyr 4.0 file adds it).
/// Trees without such a node (the QEMU twin) have no LP SRAM to check.
fn check_in_lp_sram(tree: &Tree, pool: &Pool) -> Result<(), Error> {
    let Some(idx) = tree.find("sramlp") else {
        return Ok(());
    };
    let range = pool.range();
    match tree.nodes[idx].regions.first() {
        Some(lp) if lp.contains(&range) => Ok(()),
        Some(lp) => Err(Error::RtcOutsideLpSram {
            node: pool.node.clone(),
            range,
            lp_sram: *lp,
        }),
        None => Ok(()),
    }
}

/// True for a node that lies below a memory node (e.g. `ulp_ram` below
/// `sramlp`): such a node is a claimed part of that memory, not free RAM.
pub fn inside_memory(tree: &Tree, idx: usize) -> bool {
    let mut cur = tree.nodes[idx].parent;
    while let Some(p) = cur {
        if tree.nodes[p].is_memory() {
            return true;
        }
        cur = tree.nodes[p].parent;
    }
    false
}
