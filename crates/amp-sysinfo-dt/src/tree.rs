//! An owned copy of a flattened devicetree, with every `reg` translated to CPU
//! (bus) addresses through the parents' `ranges`.
//!
//! The blob is parsed by the `fdt` crate; this module only adds what the pool
//! checks need and `fdt` does not do: full paths, labels (from the
//! `__symbols__` node `dtc -@` writes) and address translation.

use std::collections::BTreeMap;

use crate::error::{Error, NodeName, Range};

/// One node of the tree.
#[derive(Debug, Clone)]
pub struct Node {
    /// Full path, e.g. `/soc/memory@50000000/memory@0`.
    pub path: String,
    /// Labels, in the order `__symbols__` lists them (e.g. `ulp_ram`).
    pub labels: Vec<String>,
    /// Raw property values by name.
    pub props: BTreeMap<String, Vec<u8>>,
    /// Index of the parent in [`Tree::nodes`]; `None` for `/`.
    pub parent: Option<usize>,
    /// `reg` entries in CPU address space; empty when the node has no `reg`,
    /// or when a parent bus does not map it (no `ranges`), or when its size
    /// cells are 0 (e.g. `/cpus/cpu@0`).
    pub regions: Vec<Range>,
}

impl Node {
    /// The node's path and first label, for messages.
    pub fn name(&self) -> NodeName {
        NodeName {
            path: self.path.clone(),
            label: self.labels.first().cloned(),
        }
    }

    /// A property as a string (the first of a string list).
    pub fn string(&self, prop: &str) -> Option<Result<&str, ()>> {
        self.props.get(prop).map(|v| {
            let s = v.strip_suffix(&[0]).ok_or(())?;
            let first = s.split(|b| *b == 0).next().ok_or(())?;
            std::str::from_utf8(first).map_err(|_| ())
        })
    }

    /// Every string of a string-list property.
    pub fn strings(&self, prop: &str) -> Vec<&str> {
        match self.props.get(prop).and_then(|v| v.strip_suffix(&[0])) {
            Some(s) => s
                .split(|b| *b == 0)
                .filter_map(|w| std::str::from_utf8(w).ok())
                .collect(),
            None => Vec::new(),
        }
    }

    /// A property holding exactly one 32-bit cell.
    pub fn u32(&self, prop: &str) -> Option<Result<u32, ()>> {
        self.props.get(prop).map(|v| {
            <[u8; 4]>::try_from(v.as_slice())
                .map(u32::from_be_bytes)
                .map_err(|_| ())
        })
    }

    /// `status` absent, `"okay"` or `"ok"`.
    pub fn is_enabled(&self) -> bool {
        matches!(self.string("status"), None | Some(Ok("okay" | "ok")))
    }

    /// `compat` is one of the node's `compatible` strings.
    pub fn has_compatible(&self, compat: &str) -> bool {
        self.strings("compatible").contains(&compat)
    }

    /// A memory node: RAM the devicetree describes as such.
    pub fn is_memory(&self) -> bool {
        self.string("device_type") == Some(Ok("memory")) || self.has_compatible("mmio-sram")
    }
}

/// A whole devicetree.
#[derive(Debug, Clone)]
pub struct Tree {
    /// Every node, parents before children; `nodes[0]` is `/`.
    pub nodes: Vec<Node>,
}

fn cells(v: &[u8]) -> Vec<u32> {
    v.chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Reads `n` cells as one number (at most 2 cells are meaningful here).
fn number(c: &[u32]) -> u64 {
    c.iter().fold(0u64, |acc, x| (acc << 32) | u64::from(*x))
}

impl Tree {
    /// Parses a flattened devicetree blob (`dtc -O dtb`).
    pub fn from_blob(blob: &[u8]) -> Result<Tree, Error> {
        let fdt = fdt::Fdt::new(blob).map_err(|e| Error::Blob(format!("{e:?}")))?;
        let root = fdt
            .find_node("/")
            .ok_or_else(|| Error::Blob("no root node".into()))?;
        let mut tree = Tree { nodes: Vec::new() };
        tree.add(root, None, String::from("/"));
        tree.apply_symbols();
        tree.translate();
        Ok(tree)
    }

    fn add(&mut self, node: fdt::node::FdtNode<'_, '_>, parent: Option<usize>, path: String) {
        let props = node
            .properties()
            .map(|p| (p.name.to_string(), p.value.to_vec()))
            .collect();
        let idx = self.nodes.len();
        self.nodes.push(Node {
            path: path.clone(),
            labels: Vec::new(),
            props,
            parent,
            regions: Vec::new(),
        });
        for child in node.children() {
            let child_path = if path == "/" {
                format!("/{}", child.name)
            } else {
                format!("{path}/{}", child.name)
            };
            self.add(child, Some(idx), child_path);
        }
    }

    /// Labels come from `/__symbols__` (label = path), written by `dtc -@`.
    fn apply_symbols(&mut self) {
        let Some(sym) = self.nodes.iter().position(|n| n.path == "/__symbols__") else {
            return;
        };
        let pairs: Vec<(String, String)> = self.nodes[sym]
            .props
            .keys()
            .filter_map(|label| {
                Some((
                    label.clone(),
                    self.nodes[sym].string(label)?.ok()?.to_string(),
                ))
            })
            .collect();
        for (label, path) in pairs {
            if let Some(n) = self.nodes.iter_mut().find(|n| n.path == path) {
                n.labels.push(label);
            }
        }
    }

    fn address_cells(&self, idx: usize) -> usize {
        // Devicetree specification defaults: 2 address cells, 1 size cell.
        self.nodes[idx]
            .u32("#address-cells")
            .and_then(Result::ok)
            .unwrap_or(2) as usize
    }
    fn size_cells(&self, idx: usize) -> usize {
        self.nodes[idx]
            .u32("#size-cells")
            .and_then(Result::ok)
            .unwrap_or(1) as usize
    }

    /// Maps an address on the bus below `bus` up to the root; `None` when a
    /// bus on the way has no `ranges` (its children are not memory-mapped).
    fn to_cpu(&self, bus: usize, addr: u64) -> Option<u64> {
        let mut bus = bus;
        let mut addr = addr;
        while let Some(up) = self.nodes[bus].parent {
            let ranges = self.nodes[bus].props.get("ranges")?;
            if !ranges.is_empty() {
                let (ca, pa, sc) = (
                    self.address_cells(bus),
                    self.address_cells(up),
                    self.size_cells(bus),
                );
                let c = cells(ranges);
                let entry = ca + pa + sc;
                if entry == 0 {
                    return None;
                }
                let hit = c.chunks_exact(entry).find_map(|e| {
                    let (child, parent, len) = (
                        number(&e[..ca]),
                        number(&e[ca..ca + pa]),
                        number(&e[ca + pa..]),
                    );
                    (addr >= child && addr - child < len.max(1)).then(|| parent + (addr - child))
                });
                addr = hit?;
            }
            bus = up;
        }
        Some(addr)
    }

    fn translate(&mut self) {
        for idx in 0..self.nodes.len() {
            let Some(parent) = self.nodes[idx].parent else {
                continue;
            };
            let Some(reg) = self.nodes[idx].props.get("reg") else {
                continue;
            };
            let (ac, sc) = (self.address_cells(parent), self.size_cells(parent));
            if sc == 0 || ac == 0 || ac > 2 || sc > 2 {
                continue;
            }
            let c = cells(reg);
            let regions: Vec<Range> = c
                .chunks_exact(ac + sc)
                .filter_map(|e| {
                    let (addr, size) = (number(&e[..ac]), number(&e[ac..]));
                    Some(Range::new(self.to_cpu(parent, addr)?, size))
                })
                .collect();
            self.nodes[idx].regions = regions;
        }
    }

    /// The node with this path, or with this label.
    pub fn find(&self, path_or_label: &str) -> Option<usize> {
        let wanted = path_or_label.strip_prefix('&').unwrap_or(path_or_label);
        self.nodes
            .iter()
            .position(|n| n.path == wanted || n.labels.iter().any(|l| l == wanted))
    }

    /// The node a `/chosen` property points to (a path string, as dtc writes
    /// phandle references in `/chosen`).
    pub fn chosen(&self, prop: &str) -> Option<usize> {
        let chosen = self.find("/chosen")?;
        let target = self.nodes[chosen].string(prop)?.ok()?;
        self.find(target)
    }

    /// True when `ancestor` is a parent (or grand-parent ...) of `idx`.
    pub fn is_ancestor(&self, ancestor: usize, idx: usize) -> bool {
        let mut cur = self.nodes[idx].parent;
        while let Some(p) = cur {
            if p == ancestor {
                return true;
            }
            cur = self.nodes[p].parent;
        }
        false
    }
}
