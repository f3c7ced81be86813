//! `amp-sysinfo pools`: the pools a devicetree describes, as the generator
//! reads and checks them.

use anyhow::Result;
use serde::Serialize;

use amp_sysinfo::format::table_bytes;
use amp_sysinfo_dt::{kind_value, Pool};

use crate::input::Loaded;
use crate::style::Style;

/// One pool, for `--json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PoolJson {
    /// `"hp"` or `"rtc"`.
    pub kind: &'static str,
    /// Bus address.
    pub base: u32,
    /// Bytes.
    pub size: u32,
    /// Table capacity.
    pub max_entries: u16,
    /// Where the data area starts (bytes of header and table).
    pub table_bytes: u32,
    /// Node path.
    pub node: String,
    /// Node label.
    pub label: Option<String>,
}

impl From<&Pool> for PoolJson {
    fn from(p: &Pool) -> PoolJson {
        PoolJson {
            kind: kind_value(p.config.kind),
            base: p.config.bus_base,
            size: p.config.size,
            max_entries: p.config.max_entries,
            table_bytes: table_bytes(p.config.max_entries) as u32,
            node: p.node.path.clone(),
            label: p.node.label.clone(),
        }
    }
}

/// The checked pools of `loaded` (the generator's error if it refuses them).
pub fn pools(loaded: &Loaded) -> Result<Vec<Pool>> {
    Ok(loaded.dt.pools()?)
}

/// The `pools` report as text.
pub fn text(loaded: &Loaded, pools: &[Pool], style: Style) -> String {
    let mut s = format!("{}\n", style.head(&format!("pools of {}:", loaded.source)));
    s += &format!(
        "  {:<4}  {:<10}  {:<10}  {:>8}  {:>7}  {:>5}  node\n",
        "kind", "base", "end", "size", "entries", "table"
    );
    for p in pools {
        let c = p.config;
        s += &format!(
            "  {:<4}  {:#010x}  {:#010x}  {:>8}  {:>7}  {:>5}  {}\n",
            c.kind.name(),
            c.bus_base,
            c.bus_base as u64 + c.size as u64,
            format!("{:#x}", c.size),
            c.max_entries,
            table_bytes(c.max_entries),
            p.node
        );
    }
    s += &format!(
        "{} pool(s), {}\n",
        pools.len(),
        style.good("checked by the generator")
    );
    s
}
