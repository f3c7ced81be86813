//! `amp-sysinfo map`: the devicetree's memory (its top-level memory nodes)
//! with the pools, the image's allocated sections and the other nodes that
//! claim memory (`/reserved-memory` children, parts of memory nodes such as
//! `ulp_ram`), drawn to scale; then, for each pool, a close-up of its
//! neighbourhood and its nearest neighbours below and above.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use amp_sysinfo_dt::{Range, COMPATIBLE};

use crate::input::Loaded;
use crate::style::Style;

/// Columns of a bar.
pub const WIDTH: usize = 64;

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum What {
    /// A top-level memory node.
    Memory,
    /// A SysInfo pool.
    Pool,
    /// An allocated ELF section.
    Section,
    /// Another `/reserved-memory` node.
    Reserved,
    /// A node inside a memory node (e.g. `ulp_ram`, `ipc_shm`).
    Region,
}

/// One thing in the map.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Item {
    /// Kind.
    pub what: What,
    /// Node (label first) or section name.
    pub name: String,
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

/// The whole map, for `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct MapJson {
    /// Devicetree read.
    pub source: String,
    /// Image read, if any.
    pub elf: Option<String>,
    /// Memory nodes, pools, sections and reserved nodes, by address.
    pub items: Vec<Item>,
}

fn node_label(n: &amp_sysinfo_dt::Node) -> String {
    match n.labels.first() {
        Some(l) => format!("{l} ({})", n.path),
        None => n.path.clone(),
    }
}

/// Collects the map's items (pools checked by the generator first).
pub fn items(loaded: &Loaded) -> Result<MapJson> {
    let pools = loaded.dt.pools()?;
    let tree = loaded.dt.tree();
    let memory = |i: usize| tree.nodes[i].is_memory() && !tree.nodes[i].regions.is_empty();
    let under_memory = |i: usize| {
        let mut p = tree.nodes[i].parent;
        while let Some(q) = p {
            if memory(q) {
                return true;
            }
            p = tree.nodes[q].parent;
        }
        false
    };
    let rm = tree.find("/reserved-memory");
    let mut items = Vec::new();
    for (i, n) in tree.nodes.iter().enumerate() {
        if !n.is_enabled() {
            continue;
        }
        let what = if memory(i) && !under_memory(i) {
            What::Memory
        } else if n.has_compatible(COMPATIBLE) {
            continue; // from `pools`, checked
        } else if rm.is_some() && n.parent == rm {
            What::Reserved
        } else if under_memory(i) {
            What::Region
        } else {
            continue;
        };
        for r in &n.regions {
            items.push(Item {
                what,
                name: node_label(n),
                start: r.start,
                end: r.end,
            });
        }
    }
    for p in &pools {
        let r = p.range();
        let name = match &p.node.label {
            Some(l) => format!("{l} ({}, {})", p.node.path, p.config.kind.name()),
            None => format!("{} ({})", p.node.path, p.config.kind.name()),
        };
        items.push(Item {
            what: What::Pool,
            name,
            start: r.start,
            end: r.end,
        });
    }
    if let Some(elf) = &loaded.elf {
        for (name, r) in amp_sysinfo_dt::allocated_sections(elf)? {
            items.push(Item {
                what: What::Section,
                name,
                start: r.start,
                end: r.end,
            });
        }
    }
    items.sort_by_key(|i| (i.start, std::cmp::Reverse(i.end)));
    Ok(MapJson {
        source: loaded.source.clone(),
        elf: loaded
            .elf
            .as_deref()
            .map(Path::display)
            .map(|d| d.to_string()),
        items,
    })
}

fn size_text(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// Columns `[a, b)` an item covers in a bar over `win` (at least one).
fn cols(win: Range, start: u64, end: u64) -> (usize, usize) {
    let span = win.size().max(1) as u128;
    let s = start.clamp(win.start, win.end) - win.start;
    let e = end.clamp(win.start, win.end) - win.start;
    let a = (s as u128 * WIDTH as u128 / span) as usize;
    let b = (e as u128 * WIDTH as u128).div_ceil(span) as usize;
    (a.min(WIDTH - 1), b.clamp(a + 1, WIDTH))
}

fn mark(what: What) -> char {
    match what {
        What::Pool => 'P',
        What::Section => 's',
        What::Reserved => 'R',
        What::Region => 'r',
        What::Memory => '.',
    }
}

fn paint(style: Style, what: What, t: &str) -> String {
    match what {
        What::Pool => style.pool(t),
        What::Section => style.section(t),
        What::Reserved | What::Region => style.reserved(t),
        What::Memory => t.to_string(),
    }
}

/// One summary bar: every item in its columns; a pool column that something
/// else also covers is `!`.
fn summary_bar(win: Range, items: &[&Item], style: Style) -> String {
    let mut col: Vec<(char, What)> = vec![('.', What::Memory); WIDTH];
    let rank = |w: What| match w {
        What::Memory => 0,
        What::Region => 1,
        What::Section => 2,
        What::Reserved => 3,
        What::Pool => 4,
    };
    for it in items.iter().filter(|i| i.what != What::Memory) {
        let (a, b) = cols(win, it.start, it.end);
        for c in &mut col[a..b] {
            if rank(it.what) > rank(c.1) {
                *c = (mark(it.what), it.what);
            }
        }
    }
    // Overlaps with a pool, exactly (not by column).
    for p in items.iter().filter(|i| i.what == What::Pool) {
        for o in items
            .iter()
            .filter(|o| o.what != What::Memory && !std::ptr::eq(**o, *p))
        {
            if o.start < p.end && p.start < o.end {
                let (a, b) = cols(win, o.start.max(p.start), o.end.min(p.end));
                for c in &mut col[a..b] {
                    *c = ('!', What::Pool);
                }
            }
        }
    }
    let body: String = col
        .iter()
        .map(|(c, w)| {
            if *c == '!' {
                style.bad("!")
            } else {
                paint(style, *w, &c.to_string())
            }
        })
        .collect();
    format!("[{body}]")
}

fn item_line(win: Range, it: &Item, style: Style) -> String {
    let (a, b) = cols(win, it.start, it.end);
    let bar: String = (0..WIDTH)
        .map(|c| if (a..b).contains(&c) { '#' } else { ' ' })
        .collect();
    let what = match it.what {
        What::Pool => "pool",
        What::Section => "section",
        What::Reserved => "reserved",
        What::Region => "region",
        What::Memory => "memory",
    };
    format!(
        "  {:#010x}..{:#010x} {:>9}  {:<8} |{}| {}\n",
        it.start,
        it.end,
        size_text(it.end - it.start),
        what,
        paint(style, it.what, &bar),
        it.name
    )
}

/// The map as text.
pub fn text(map: &MapJson, style: Style) -> String {
    let mut s = style.head(&format!(
        "memory map of {}{}",
        map.source,
        map.elf
            .as_deref()
            .map(|e| format!(" with image {e}"))
            .unwrap_or_else(|| " (no image)".into())
    ));
    s += "\n  legend: P pool, s image section, R reserved-memory node, r part of a memory node, ! overlap with a pool, . unclaimed\n";
    let mems: Vec<&Item> = map
        .items
        .iter()
        .filter(|i| i.what == What::Memory)
        .collect();
    let inside = |m: &Item, i: &Item| i.start >= m.start && i.end <= m.end;
    for m in &mems {
        let win = Range {
            start: m.start,
            end: m.end,
        };
        let content: Vec<&Item> = map
            .items
            .iter()
            .filter(|i| i.what != What::Memory && inside(m, i))
            .collect();
        s += &format!(
            "\n{} {:#010x}..{:#010x} {} (1 column = {})\n",
            style.head(&m.name),
            m.start,
            m.end,
            size_text(m.end - m.start),
            size_text(win.size().div_ceil(WIDTH as u64))
        );
        s += &format!("  {:45}{}\n", "", summary_bar(win, &content, style));
        for it in &content {
            s += &item_line(win, it, style);
        }
    }
    let outside: Vec<&Item> = map
        .items
        .iter()
        .filter(|i| i.what != What::Memory && !mems.iter().any(|m| inside(m, i)))
        .collect();
    if !outside.is_empty() {
        s += &format!(
            "\n{}\n",
            style.head("outside the devicetree's memory nodes (flash, ROM, devices):")
        );
        for it in &outside {
            s += &format!(
                "  {:#010x}..{:#010x} {:>9}  {:?} {}\n",
                it.start,
                it.end,
                size_text(it.end - it.start),
                it.what,
                it.name
            );
        }
    }
    for p in map.items.iter().filter(|i| i.what == What::Pool) {
        s += &near(map, p, style);
    }
    s
}

/// A close-up of a pool's neighbourhood and its nearest neighbours.
fn near(map: &MapJson, p: &Item, style: Style) -> String {
    let others: Vec<&Item> = map
        .items
        .iter()
        .filter(|i| i.what != What::Memory && !std::ptr::eq(*i, p))
        .collect();
    let mem = map
        .items
        .iter()
        .find(|m| m.what == What::Memory && m.start <= p.start && p.end <= m.end);
    let below = others
        .iter()
        .filter(|o| o.end <= p.start)
        .max_by_key(|o| o.end);
    let above = others
        .iter()
        .filter(|o| o.start >= p.end)
        .min_by_key(|o| o.start);
    let hits: Vec<&&Item> = others
        .iter()
        .filter(|o| o.start < p.end && p.start < o.end)
        .collect();
    let mut s = format!("\n{} {}\n", style.head("near"), style.pool(&p.name));
    let lo = below
        .map(|b| b.start)
        .or(mem.map(|m| m.start))
        .unwrap_or(p.start)
        .max(p.start.saturating_sub(4 * (p.end - p.start)));
    let hi = above
        .map(|a| a.end)
        .or(mem.map(|m| m.end))
        .unwrap_or(p.end)
        .min(p.end + 4 * (p.end - p.start));
    let win = Range {
        start: lo.min(p.start),
        end: hi.max(p.end),
    };
    let content: Vec<&Item> = map
        .items
        .iter()
        .filter(|i| i.what != What::Memory && i.start < win.end && win.start < i.end)
        .collect();
    s += &format!(
        "  {:#010x}..{:#010x} (1 column = {})\n",
        win.start,
        win.end,
        size_text(win.size().div_ceil(WIDTH as u64))
    );
    s += &format!("  {:45}{}\n", "", summary_bar(win, &content, style));
    for it in &content {
        s += &item_line(win, it, style);
    }
    let gap = |a: u64, b: u64| format!("{:#x} bytes between", b - a);
    match below {
        Some(b) => {
            s += &format!(
                "  below: {} ends at {:#010x} ({})\n",
                b.name,
                b.end,
                gap(b.end, p.start)
            )
        }
        None => {
            s += &format!(
                "  below: nothing{}\n",
                mem.map(|m| format!(" down to {} ({})", m.name, gap(m.start, p.start)))
                    .unwrap_or_default()
            )
        }
    }
    match above {
        Some(a) => {
            s += &format!(
                "  above: {} starts at {:#010x} ({})\n",
                a.name,
                a.start,
                gap(p.end, a.start)
            )
        }
        None => {
            s += &format!(
                "  above: nothing{}\n",
                mem.map(|m| format!(" up to the end of {} ({})", m.name, gap(p.end, m.end)))
                    .unwrap_or_default()
            )
        }
    }
    for h in hits {
        s += &format!(
            "  {}\n",
            style.bad(&format!(
                "OVERLAPS {} {:#010x}..{:#010x}",
                h.name, h.start, h.end
            ))
        );
    }
    s
}
