//! The main core's side: format or re-attach the pools, allocate and publish,
//! keep publishing after the sub core booted, read its reply.

use core::fmt::Write;
use core::sync::atomic::Ordering;

use amp_sysinfo::{Block, CacheSync, Error, Id, PoolKind, Shared, Writer};

use crate::blocks::*;
use crate::error::DemoError;
use crate::pools::{Pool, Pools};
use crate::{read_typed, write_typed, Patience};

/// What [`main_setup`] found and made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    /// The RTC pool's table was valid and re-attached (a wake from deep sleep).
    pub rtc_retained: bool,
    /// Entries kept in the RTC pool (0 when it was formatted).
    pub rtc_entries_kept: u16,
    /// Boot number from the RTC boot record (1 after formatting; 0 without RTC pool).
    pub boots: u32,
    /// The PM block's counter as found (the sub core increments it).
    pub pm_counter: u32,
    /// The reply block the sub core will fill.
    pub reply: Shared<Reply>,
}

/// Start-up of the main core: formats the HP pool; re-attaches the RTC pool
/// if it holds a valid table with the demo's boot record (waking from deep
/// sleep) and formats it otherwise; allocates the six reserved ids (skipping
/// the RTC one when it was kept), the specification's person and the reply block.
/// Everything is published when it returns; start the sub core after
/// [`amp_sysinfo::fence_before_sub_core_start`].
///
/// ```
/// # #[repr(C, align(16))] struct Mem([u8; 0x1000]);
/// # let mut hp = Mem([0; 0x1000]);
/// use amp_sysinfo::{PoolConfig, PoolKind, Region, Writer};
/// use amp_sysinfo_demo::{main_setup, Pool, Pools};
///
/// let cfg = PoolConfig::new(PoolKind::Hp, 0x4080_0000, 0x1000);
/// // SAFETY: `hp` outlives every use and nothing else touches it.
/// let region = unsafe { Region::new(hp.0.as_mut_ptr(), cfg.bus_base, cfg.size) }.unwrap();
/// let pools = Pools::new(Pool::new(region, cfg).unwrap(), None).unwrap();
/// let writer = Writer::new();
/// let mut log = String::new();
/// let setup = main_setup(&writer, &pools, &mut log).unwrap();
/// assert!(!setup.rtc_retained);
/// assert!(log.contains("published person 0x0001 \"Ada Lovelace\""));
/// // 6 reserved ids (no RTC pool: PM goes to HP), person, reply.
/// assert_eq!(writer.count(PoolKind::Hp), Ok(8));
/// ```
pub fn main_setup<C: CacheSync>(
    w: &Writer<C>,
    pools: &Pools,
    out: &mut impl Write,
) -> Result<Setup, DemoError> {
    let hp = &pools.hp;
    w.init(hp.region(), hp.config())
        .map_err(DemoError::sysinfo("format HP pool", None))?;
    let _ = writeln!(
        out,
        "HP pool {:#010x}+{:#x}: formatted, table of {} entries",
        hp.config().bus_base,
        hp.config().size,
        hp.config().max_entries
    );

    let mut boot = RtcBoot::default();
    if let Some(rtc) = &pools.rtc {
        boot = rtc_boot(w, rtc, out)?;
    }

    let has_rtc = pools.rtc.is_some();
    for r in RESERVED_PLAN {
        let kind = r.placed(has_rtc);
        if kind == PoolKind::Rtc && boot.retained {
            continue;
        }
        let block = w
            .alloc(r.id, r.size, kind)
            .map_err(DemoError::sysinfo("allocate reserved id", Some(r.id)))?;
        let _ = writeln!(
            out,
            "reserved {:#06x}: {} bytes in {} at {:#010x}",
            r.id.raw(),
            r.size,
            kind.name(),
            block.bus_addr()
        );
    }

    let person = w
        .alloc_with(PERSON, PoolKind::Hp, &FIRST_PERSON)
        .map_err(DemoError::sysinfo("publish person", Some(PERSON)))?;
    let _ = writeln!(
        out,
        "published person {:#06x} \"{}\", age {}, HP at {:#010x}",
        PERSON.raw(),
        FIRST_PERSON.name(),
        FIRST_PERSON.age,
        person.block().bus_addr()
    );
    let reply = w
        .alloc_with(REPLY, PoolKind::Hp, &Reply::default())
        .map_err(DemoError::sysinfo("publish reply block", Some(REPLY)))?;
    let _ = writeln!(
        out,
        "published reply {:#06x}, HP at {:#010x}",
        REPLY.raw(),
        reply.block().bus_addr()
    );
    print_usage(w, pools, out);
    Ok(Setup {
        rtc_retained: boot.retained,
        rtc_entries_kept: boot.kept,
        boots: boot.boots,
        pm_counter: boot.pm_counter,
        reply,
    })
}

#[derive(Default)]
struct RtcBoot {
    retained: bool,
    kept: u16,
    boots: u32,
    pm_counter: u32,
}

/// Re-attaches the RTC pool if its table and the demo's boot record are
/// intact (counting this boot), else formats it with a new boot record.
fn rtc_boot<C: CacheSync>(
    w: &Writer<C>,
    rtc: &Pool,
    out: &mut impl Write,
) -> Result<RtcBoot, DemoError> {
    let cfg = rtc.config();
    let why = match w.attach(rtc.region(), PoolKind::Rtc) {
        Ok(kept) => match retained_state(w) {
            Ok((record, rec, pm_counter)) => {
                let boots = rec.boots.wrapping_add(1);
                write_typed(
                    &record,
                    &BootRecord {
                        magic: BootRecord::MAGIC,
                        boots,
                    },
                )
                .map_err(DemoError::sysinfo("count this boot", Some(BOOT_RECORD)))?;
                let _ = writeln!(
                    out,
                    "RTC pool {:#010x}+{:#x}: re-attached, {} entries kept; boot #{}, PM counter {}",
                    cfg.bus_base, cfg.size, kept, boots, pm_counter
                );
                return Ok(RtcBoot {
                    retained: true,
                    kept,
                    boots,
                    pm_counter,
                });
            }
            Err(e) => e,
        },
        Err(e) => e,
    };
    let _ = writeln!(
        out,
        "RTC pool {:#010x}+{:#x}: nothing to keep ({}); formatting",
        cfg.bus_base, cfg.size, why
    );
    w.init(rtc.region(), cfg)
        .map_err(DemoError::sysinfo("format RTC pool", None))?;
    let record = BootRecord {
        magic: BootRecord::MAGIC,
        boots: 1,
    };
    let block = w
        .alloc_with(BOOT_RECORD, PoolKind::Rtc, &record)
        .map_err(DemoError::sysinfo("publish boot record", Some(BOOT_RECORD)))?;
    let _ = writeln!(
        out,
        "RTC pool {:#010x}+{:#x}: formatted, table of {} entries; boot record {:#06x} at {:#010x}, boot #1",
        cfg.bus_base,
        cfg.size,
        cfg.max_entries,
        BOOT_RECORD.raw(),
        block.block().bus_addr()
    );
    Ok(RtcBoot {
        retained: false,
        kept: 0,
        boots: 1,
        pm_counter: 0,
    })
}

/// The boot record (block and value) and the PM counter of a re-attached
/// RTC pool, checked.
fn retained_state<C: CacheSync>(w: &Writer<C>) -> Result<(Block, BootRecord, u32), Error> {
    let record = w.get(BOOT_RECORD, PoolKind::Rtc)?;
    let value: BootRecord = read_typed(&record)?;
    if value.magic != BootRecord::MAGIC {
        return Err(Error::Corrupt);
    }
    let pm: u32 = read_typed(&w.get(Id::PM, PoolKind::Rtc)?)?;
    Ok((record, value, pm))
}

fn print_usage<C: CacheSync>(w: &Writer<C>, pools: &Pools, out: &mut impl Write) {
    let _ = write!(out, "entries used:");
    for pool in pools.iter() {
        let kind = pool.kind();
        let _ = write!(
            out,
            " {} {}/{}",
            kind.name(),
            w.count(kind).unwrap_or(0),
            pool.config().max_entries
        );
    }
    let _ = writeln!(out, " ({} of them the reserved ids)", RESERVED_PLAN.len());
}

/// Waits until the sub core's reply reaches `want` (or [`ReplyState::Done`]),
/// polling `patience.polls` times with `pause()` between, and returns it.
pub fn main_wait_reply(
    reply: &Shared<Reply>,
    want: ReplyState,
    patience: Patience,
    pause: &mut impl FnMut(),
) -> Result<Reply, DemoError> {
    let block = reply.block();
    let words = block
        .atomic_words()
        .map_err(DemoError::sysinfo("reply state word", Some(REPLY)))?;
    for _ in 0..patience.polls {
        let state = words[0].load(Ordering::Acquire);
        if state == want as u32 || state == ReplyState::Done as u32 {
            return Ok(reply.read());
        }
        pause();
    }
    Err(DemoError::Timeout {
        waiting_for: match want {
            ReplyState::Done => "the sub core's reply",
            _ => "the sub core to attach",
        },
    })
}

/// Publication after the sub core booted: a second person and a 256-byte
/// pattern, each complete before its entry appears.
pub fn main_publish_more<C: CacheSync>(
    w: &Writer<C>,
    out: &mut impl Write,
) -> Result<(), DemoError> {
    let person = w
        .alloc_with(LATE_PERSON, PoolKind::Hp, &SECOND_PERSON)
        .map_err(DemoError::sysinfo("publish late person", Some(LATE_PERSON)))?;
    let _ = writeln!(
        out,
        "published late person {:#06x} \"{}\", age {}, HP at {:#010x}",
        LATE_PERSON.raw(),
        SECOND_PERSON.name(),
        SECOND_PERSON.age,
        person.block().bus_addr()
    );
    let pattern = w
        .alloc_with(LATE_PATTERN, PoolKind::Hp, &late_pattern())
        .map_err(DemoError::sysinfo(
            "publish late pattern",
            Some(LATE_PATTERN),
        ))?;
    let _ = writeln!(
        out,
        "published late pattern {:#06x}, 256 bytes, HP at {:#010x}",
        LATE_PATTERN.raw(),
        pattern.block().bus_addr()
    );
    Ok(())
}

/// Prints the sub core's findings; an error if it reported failed checks.
pub fn main_report(reply: &Reply, out: &mut impl Write) -> Result<(), DemoError> {
    let _ = writeln!(
        out,
        "reply (round {}): sub core checked {} entries, {} errors",
        reply.round, reply.entries_checked, reply.errors
    );
    if reply.errors != 0 || reply.entries_checked == 0 {
        return Err(DemoError::SubReported {
            errors: reply.errors,
            first_id: reply.first_error_id as u16,
            first_check: Check::from_u32(reply.first_error_check),
        });
    }
    Ok(())
}
