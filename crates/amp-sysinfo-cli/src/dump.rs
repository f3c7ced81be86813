//! `amp-sysinfo dump`: the SysInfo tables in memory dumps, decoded and
//! checked by the core crate itself: [`Reader::attach`] validates the header,
//! [`Listing`] lists every entry with the reader's block check and the
//! writer's re-attach checks, [`Reader::get`] is asked for every clean entry.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use amp_sysinfo::format::{MAX_BLOCK_ALIGN, MIN_VERSION, VERSION};
use amp_sysinfo::inspect::{EntryFault, Listing, StoredHeader};
use amp_sysinfo::{table_bytes, Error, Id, PoolConfig, PoolKind, Reader, Region};
use amp_sysinfo_dt::Pool;

use crate::style::Style;

/// The bytes of one dump and the bus address of its first byte.
#[derive(Debug, Clone)]
pub struct DumpFile {
    /// Where it came from (a path, or `qemu:SOCKET`).
    pub name: String,
    /// Bus address of `bytes[0]`.
    pub base: u32,
    /// The memory.
    pub bytes: Vec<u8>,
}

impl DumpFile {
    /// Reads `path`, whose first byte is at bus address `base`.
    pub fn read(path: &Path, base: u32) -> Result<DumpFile> {
        let bytes =
            std::fs::read(path).with_context(|| format!("reading dump {}", path.display()))?;
        Ok(DumpFile {
            name: path.display().to_string(),
            base,
            bytes,
        })
    }

    fn end(&self) -> u64 {
        self.base as u64 + self.bytes.len() as u64
    }
}

/// `FILE` or `FILE@ADDR` on the command line.
pub fn parse_dump_arg(s: &str) -> (PathBuf, Option<Result<u32, String>>) {
    match s.rsplit_once('@') {
        Some((path, addr)) if !path.is_empty() => {
            (PathBuf::from(path), Some(crate::parse_u32(addr)))
        }
        _ => (PathBuf::from(s), None),
    }
}

/// One pool to decode out of one dump.
#[derive(Debug, Clone)]
pub struct Target {
    /// Index into the dump files.
    pub file: usize,
    /// The pool as this side sees it (the reader's own view).
    pub kind: PoolKind,
    /// Bus base.
    pub base: u32,
    /// Bytes.
    pub size: u32,
    /// The devicetree node, when the pool came from one.
    pub node: Option<String>,
}

/// Which pools of which dump to decode. With devicetree pools: every pool
/// (of `kind`, if given) that starts inside a dump; a dump that holds none
/// is an error. Without: each dump is one pool at its base, of `kind` and
/// `size` if given, else of the kind and size its header claims (else the
/// dump's length), checked against the base given.
pub fn plan(
    files: &[DumpFile],
    pools: Option<&[Pool]>,
    kind: Option<PoolKind>,
    size: Option<u32>,
) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    for (i, f) in files.iter().enumerate() {
        match pools {
            Some(pools) => {
                let mut found = false;
                for p in pools
                    .iter()
                    .filter(|p| kind.is_none_or(|k| k == p.config.kind))
                {
                    let base = p.config.bus_base as u64;
                    if f.base as u64 <= base && base < f.end().max(f.base as u64 + 1) {
                        found = true;
                        targets.push(Target {
                            file: i,
                            kind: p.config.kind,
                            base: p.config.bus_base,
                            size: size.unwrap_or(p.config.size),
                            node: Some(p.node.to_string()),
                        });
                    }
                }
                if !found {
                    let list: Vec<String> = pools
                        .iter()
                        .map(|p| {
                            format!(
                                "{} {:#010x}+{:#x}",
                                p.config.kind.name(),
                                p.config.bus_base,
                                p.config.size
                            )
                        })
                        .collect();
                    bail!(
                        "{} ({:#010x}..{:#010x}) holds no{} pool of the devicetree (pools: {}); is --base / @ADDR right?",
                        f.name,
                        f.base,
                        f.end(),
                        kind.map(|k| format!(" {}", k.name())).unwrap_or_default(),
                        list.join(", ")
                    );
                }
            }
            None => {
                let claim = claimed(f);
                let kind = kind.or(claim.map(|c| c.kind)).unwrap_or(PoolKind::Hp);
                let size = size
                    .or(claim
                        .filter(|c| c.bus_base == f.base && c.size as usize <= f.bytes.len())
                        .map(|c| c.size))
                    .unwrap_or((f.bytes.len() as u32) & !15);
                targets.push(Target {
                    file: i,
                    kind,
                    base: f.base,
                    size,
                    node: None,
                });
            }
        }
    }
    Ok(targets)
}

/// What the header at the start of the dump claims, if it is a table.
fn claimed(f: &DumpFile) -> Option<PoolConfig> {
    let head = Aligned::copy(&f.bytes[..f.bytes.len().min(32)], 32);
    let mut head = head?;
    let region = head.region(f.base).ok()?;
    StoredHeader::read(&region)?.config()
}

/// 16-byte aligned copy of a pool's bytes (the reader's `Region` wants a
/// 16-aligned local base).
struct Aligned(Vec<u128>);

impl Aligned {
    /// `bytes` padded with zeros to `len` (a multiple of 16), or `None` if
    /// `len` is not.
    fn copy(bytes: &[u8], len: usize) -> Option<Aligned> {
        if len % 16 != 0 || bytes.len() > len {
            return None;
        }
        let mut words = vec![0u128; len / 16];
        for (w, chunk) in words.iter_mut().zip(bytes.chunks(16)) {
            let mut b = [0u8; 16];
            b[..chunk.len()].copy_from_slice(chunk);
            *w = u128::from_le_bytes(b);
        }
        Some(Aligned(words))
    }

    fn region(&mut self, bus_base: u32) -> Result<Region, Error> {
        let size = u32::try_from(self.0.len() * 16).map_err(|_| Error::Corrupt)?;
        // SAFETY: the buffer outlives every use of the region (all within
        // `decode`), and only the core crate's reader touches it.
        unsafe { Region::new(self.0.as_mut_ptr().cast(), bus_base, size) }
    }
}

/// The header as stored, for the report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HeaderJson {
    /// Word 0.
    pub magic: u32,
    /// Format version.
    pub version: u16,
    /// Table capacity.
    pub max_entries: u16,
    /// Kind byte.
    pub kind: u8,
    /// Flags byte.
    pub flags: u8,
    /// Size the table claims.
    pub pool_size: u32,
    /// Base the table claims.
    pub bus_base: u32,
    /// Published count as stored.
    pub count: u32,
    /// Magic and check word valid.
    pub check_ok: bool,
}

impl From<StoredHeader> for HeaderJson {
    fn from(h: StoredHeader) -> HeaderJson {
        HeaderJson {
            magic: h.magic,
            version: h.version,
            max_entries: h.max_entries,
            kind: h.kind,
            flags: h.flags,
            pool_size: h.pool_size,
            bus_base: h.bus_base,
            count: h.count,
            check_ok: h.check_ok,
        }
    }
}

/// One entry of the report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EntryJson {
    /// Table index.
    pub index: u16,
    /// Id.
    pub id: u16,
    /// The name of a reserved id (`SW_INTR`, ..., `PM`, or `reserved`).
    pub name: Option<&'static str>,
    /// Block size.
    pub size: u16,
    /// The entry's second word as stored: the block's offset from the data
    /// area in 4-byte units (version 4; the high half reserved, 0), or its
    /// bus address (versions 1 to 3).
    pub stored: u32,
    /// Block bus address.
    pub addr: u32,
    /// Offset of the block in the pool, when its address lies in the pool.
    pub offset: Option<u32>,
    /// Largest power of two (up to 4096) the address is a multiple of.
    pub align: u32,
    /// What is wrong, or `None`.
    pub fault: Option<String>,
    /// The core crate's `Error` for the fault (`Corrupt`, `DuplicateId`).
    pub error: Option<String>,
}

/// How full the pool is.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UsageJson {
    /// Header and table.
    pub table_bytes: u32,
    /// Bytes of in-bounds blocks.
    pub block_bytes: u32,
    /// Up to the end of the last block (padding included).
    pub used_bytes: u32,
    /// After it.
    pub free_bytes: u32,
    /// Published entries.
    pub entries: u16,
    /// Capacity.
    pub max_entries: u16,
}

/// The verdict on one pool of one dump.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PoolReport {
    /// The dump it was read from.
    pub dump: String,
    /// Offset of the pool in the dump.
    pub dump_offset: u64,
    /// `"hp"` or `"rtc"`.
    pub kind: &'static str,
    /// Bus base (this side's view).
    pub base: u32,
    /// Bytes (this side's view).
    pub size: u32,
    /// Devicetree node.
    pub node: Option<String>,
    /// The header as stored, when the dump holds one.
    pub header: Option<HeaderJson>,
    /// Every published entry.
    pub entries: Vec<EntryJson>,
    /// Usage, when the header is valid.
    pub usage: Option<UsageJson>,
    /// The first fault: the core's error text, or `truncated`.
    pub error: Option<String>,
    /// The core's `Error` variant (`NotReady`, `Corrupt`, ...), or `Truncated`.
    pub error_kind: Option<String>,
    /// Why, in detail (which header field, which entry).
    pub detail: Vec<String>,
    /// Header valid and every entry clean.
    pub ok: bool,
}

/// ESP-AMP's name of a reserved id.
pub fn reserved_name(id: u16) -> Option<&'static str> {
    const NAMES: [(Id, &str); 6] = [
        (Id::SW_INTR, "SW_INTR"),
        (Id::EVENT_MAIN, "EVENT_MAIN"),
        (Id::EVENT_SUB, "EVENT_SUB"),
        (Id::VQUEUE, "VQUEUE"),
        (Id::SYSTEM, "SYSTEM"),
        (Id::PM, "PM"),
    ];
    match NAMES.iter().find(|(i, _)| i.raw() == id) {
        Some((_, n)) => Some(n),
        None if id >= Id::RESERVED_START => Some(if id == Id::INVALID {
            "INVALID"
        } else {
            "reserved"
        }),
        None => None,
    }
}

fn align_of(addr: u32) -> u32 {
    if addr == 0 {
        MAX_BLOCK_ALIGN as u32
    } else {
        (1u32 << addr.trailing_zeros()).min(MAX_BLOCK_ALIGN as u32)
    }
}

/// Why the reader refused the header, field by field.
fn header_detail(h: &StoredHeader, t: &Target) -> Vec<String> {
    let mut d = Vec::new();
    if !h.check_ok {
        d.push(format!(
            "magic {:#010x} / check word {:#010x}: not a formatted table (zeroed, garbage, or not formatted yet)",
            h.magic, h.check
        ));
        return d;
    }
    if !(MIN_VERSION..=VERSION).contains(&h.version) {
        d.push(format!(
            "format version {} (this reader: {MIN_VERSION} to {VERSION})",
            h.version
        ));
    }
    if PoolKind::from_u8(h.kind) != Some(t.kind) || h.flags != t.kind.flags().bits() {
        d.push(format!(
            "kind {} flags {:#04x} stored, a {} pool expected",
            h.kind,
            h.flags,
            t.kind.name()
        ));
    }
    if h.pool_size != t.size {
        d.push(format!(
            "pool size {:#x} stored, {:#x} expected",
            h.pool_size, t.size
        ));
    }
    if h.bus_base != t.base {
        d.push(format!(
            "bus base {:#010x} stored, {:#010x} expected",
            h.bus_base, t.base
        ));
    }
    if (h.generation == 0) != (h.version == MIN_VERSION) {
        d.push(format!(
            "generation {:#010x} in a version {} table (version {MIN_VERSION}: 0, later: non-zero)",
            h.generation, h.version
        ));
    }
    if h.max_entries == 0 || table_bytes(h.max_entries) > t.size as usize {
        d.push(format!(
            "a table of {} entries does not fit {:#x} bytes",
            h.max_entries, t.size
        ));
    }
    if h.count > h.max_entries as u32 {
        d.push(format!(
            "count {} above the capacity {}",
            h.count, h.max_entries
        ));
    }
    d
}

/// Decodes one pool of one dump with the core's reader.
pub fn decode(file: &DumpFile, t: &Target) -> Result<PoolReport> {
    let offset = (t.base - file.base) as u64;
    let avail = file.bytes.len() as u64 - offset.min(file.bytes.len() as u64);
    let mut report = PoolReport {
        dump: file.name.clone(),
        dump_offset: offset,
        kind: amp_sysinfo_dt::kind_value(t.kind),
        base: t.base,
        size: t.size,
        node: t.node.clone(),
        header: None,
        entries: Vec::new(),
        usage: None,
        error: None,
        error_kind: None,
        detail: Vec::new(),
        ok: false,
    };
    let bytes = &file.bytes[offset as usize..];
    if avail < t.size as u64 {
        report.error = Some("truncated".into());
        report.error_kind = Some("Truncated".into());
        report.detail.push(format!(
            "the dump holds {avail} of the pool's {} bytes",
            t.size
        ));
        if let Some(mut head) = Aligned::copy(&bytes[..bytes.len().min(32)], 32) {
            if let Ok(r) = head.region(t.base) {
                report.header = StoredHeader::read(&r).map(HeaderJson::from);
            }
        }
        return Ok(report);
    }
    let Some(mut mem) = Aligned::copy(&bytes[..t.size as usize], t.size as usize) else {
        return Ok(fail(
            report,
            Error::BadAlignment,
            vec![format!("pool size {:#x} is not a multiple of 16", t.size)],
        ));
    };
    let region = match mem.region(t.base) {
        Ok(r) => r,
        Err(e) => {
            return Ok(fail(
                report,
                e,
                vec![format!(
                    "pool {:#010x}+{:#x} is not a valid region",
                    t.base, t.size
                )],
            ))
        }
    };
    let stored = StoredHeader::read(&region);
    report.header = stored.map(HeaderJson::from);
    let mut reader = Reader::new();
    if let Err(e) = reader.attach(region, t.kind) {
        let detail = stored.map(|h| header_detail(&h, t)).unwrap_or_default();
        return Ok(fail(report, e, detail));
    }
    let listing =
        Listing::open(region, t.kind).context("the reader attached but the listing did not")?;
    let listed: Vec<_> = listing.entries().collect();
    let mut block_bytes = 0u32;
    for e in &listed {
        let bounds_fault = matches!(
            e.fault,
            Some(
                EntryFault::InvalidId
                    | EntryFault::Empty
                    | EntryFault::Misaligned
                    | EntryFault::OutOfBounds
            )
        );
        if !bounds_fault {
            block_bytes += e.size as u32;
        }
        // The reader's own lookup for every clean entry: the same block.
        if e.fault.is_none() {
            let id = Id::from_raw(e.id).expect("a clean entry has a valid id");
            let got = reader.get(id, t.kind).map(|b| b.bus_addr());
            if got != Ok(e.addr) {
                bail!(
                    "internal: Reader::get({:#06x}) gave {got:?}, the listing {:#010x}",
                    e.id,
                    e.addr
                );
            }
        }
        if let Some(f) = e.fault {
            report.detail.push(format!(
                "entry {} (id {:#06x}): {f} [{:?}]",
                e.index,
                e.id,
                f.error()
            ));
        }
        report.entries.push(EntryJson {
            index: e.index,
            id: e.id,
            name: reserved_name(e.id),
            size: e.size,
            stored: e.stored,
            addr: e.addr,
            offset: e.offset,
            align: align_of(e.addr),
            fault: e.fault.map(|f| f.to_string()),
            error: e.fault.map(|f| format!("{:?}", f.error())),
        });
    }
    if let Some(slot) = listing.stray_slot() {
        report.detail.push(format!(
            "slot {slot}: not published but not empty (lookups compare every slot) [Corrupt]"
        ));
    }
    let used = listing.used_bytes();
    report.usage = Some(UsageJson {
        table_bytes: listing.data_offset(),
        block_bytes,
        used_bytes: used,
        free_bytes: t.size - used,
        entries: listing.count(),
        max_entries: listing.max_entries(),
    });
    match listing.check() {
        Ok(()) => report.ok = true,
        Err(e) => {
            report.error = Some(e.as_str().into());
            report.error_kind = Some(format!("{e:?}"));
        }
    }
    Ok(report)
}

fn fail(mut report: PoolReport, e: Error, detail: Vec<String>) -> PoolReport {
    report.error = Some(e.as_str().into());
    report.error_kind = Some(format!("{e:?}"));
    report.detail = detail;
    report
}

/// The reports as text.
pub fn text(reports: &[PoolReport], style: Style) -> String {
    let mut s = String::new();
    for r in reports {
        let node = r
            .node
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        s += &style.head(&format!(
            "{} pool @ {:#010x}, {:#x} bytes{node}, from {} +{:#x}",
            r.kind.to_uppercase(),
            r.base,
            r.size,
            r.dump,
            r.dump_offset
        ));
        s += "\n";
        if let Some(u) = &r.usage {
            s += &format!(
                "  header ok: version {}, {}/{} entries, data area from +{:#x}\n",
                r.header.as_ref().map_or(VERSION, |h| h.version),
                u.entries,
                u.max_entries,
                u.table_bytes
            );
            s += &format!(
                "  {:>3}  {:<6}  {:<10}  {:>5}  {:<10}  {:>7}  {:>5}  verdict\n",
                "idx", "id", "name", "size", "address", "offset", "align"
            );
            for e in &r.entries {
                let verdict = match (&e.fault, &e.error) {
                    (Some(f), Some(err)) => style.bad(&format!("{f} [{err}]")),
                    _ => style.good("ok"),
                };
                s += &format!(
                    "  {:>3}  {:#06x}  {:<10}  {:>5}  {:#010x}  {:>7}  {:>5}  {verdict}\n",
                    e.index,
                    e.id,
                    e.name.unwrap_or("-"),
                    e.size,
                    e.addr,
                    e.offset
                        .map(|o| format!("+{o:#x}"))
                        .unwrap_or_else(|| "outside".into()),
                    e.align
                );
            }
            s += &format!(
                "  usage: {} of {} bytes ({:.1} %): table {}, blocks {}, free {}; {} of {} entries\n",
                u.used_bytes,
                r.size,
                100.0 * u.used_bytes as f64 / r.size as f64,
                u.table_bytes,
                u.block_bytes,
                u.free_bytes,
                u.entries,
                u.max_entries
            );
        } else if let Some(h) = &r.header {
            s += &format!(
                "  header as stored: magic {:#010x} version {} max {} kind {} flags {:#04x} size {:#x} base {:#010x} count {}\n",
                h.magic, h.version, h.max_entries, h.kind, h.flags, h.pool_size, h.bus_base, h.count
            );
        }
        for d in &r.detail {
            s += &format!("  {}\n", style.bad(d));
        }
        match (&r.error, &r.error_kind) {
            (Some(e), Some(k)) => s += &format!("  {}\n", style.bad(&format!("FAULT: {e} [{k}]"))),
            _ => s += &format!("  {}\n", style.good("ok")),
        }
    }
    s
}
