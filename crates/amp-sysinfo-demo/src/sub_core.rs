//! The sub core's side: attach (waiting while the main core has not formatted
//! the pools), look every entry up, check it, reply through SysInfo.

use core::fmt::Write;
use core::sync::atomic::Ordering;

use amp_sysinfo::{Block, CacheSync, Error, Id, PoolKind, Reader, Shared};
use zerocopy::IntoBytes;

use crate::blocks::*;
use crate::error::DemoError;
use crate::pools::Pools;
use crate::{read_typed, write_typed, Patience};

/// Attaches every pool, retrying while it holds no valid table yet (garbage
/// or zeroed memory: [`Error::NotReady`], or a table for another pool:
/// [`Error::Corrupt`]). Says once per pool that it waits. Returns the number
/// of attempts the slowest pool took.
pub fn sub_wait_attach<C: CacheSync>(
    r: &mut Reader<C>,
    pools: &Pools,
    out: &mut impl Write,
    patience: Patience,
    pause: &mut impl FnMut(),
) -> Result<u32, DemoError> {
    let mut most = 0;
    for pool in pools.iter() {
        let kind = pool.kind();
        let mut tries = 0;
        loop {
            tries += 1;
            match r.attach(pool.region(), kind) {
                Ok(count) => {
                    let _ = writeln!(
                        out,
                        "attached {} pool: {} entries (attempt {})",
                        kind.name(),
                        count,
                        tries
                    );
                    break;
                }
                Err(e @ (Error::NotReady | Error::Corrupt | Error::UnsupportedVersion))
                    if tries < patience.polls =>
                {
                    if tries == 1 {
                        let _ = writeln!(
                            out,
                            "{} pool: {}; waiting for the main core",
                            kind.name(),
                            e
                        );
                    }
                    pause();
                }
                Err(e) => {
                    return Err(DemoError::Sysinfo {
                        step: if kind == PoolKind::Hp {
                            "attach HP pool"
                        } else {
                            "attach RTC pool"
                        },
                        id: None,
                        error: e,
                    })
                }
            }
        }
        most = most.max(tries);
    }
    Ok(most)
}

/// One whole round of the sub core on a fresh view of the pools: attach
/// ([`sub_wait_attach`], waiting for the main core), then check and reply
/// ([`sub_check`]). What every sub-core image (LP core, QEMU sub hart, twin)
/// runs.
pub fn sub_round(
    pools: &Pools,
    round: u32,
    out: &mut impl Write,
    patience: Patience,
    pause: &mut impl FnMut(),
) -> Result<Reply, DemoError> {
    let mut reader: Reader = Reader::new();
    sub_wait_attach(&mut reader, pools, out, patience, pause)?;
    sub_check(&reader, pools, round, out, patience, pause)
}

/// The sub core's check, round `round`: finds the reply block (waiting for
/// it) and marks it
/// [`ReplyState::Attached`] (the main core may now publish more), checks the
/// reserved ids (size, bounds, zero contents), the person, the boot record,
/// increments the PM counter, waits for the late entries and checks them,
/// then writes the findings and marks the reply [`ReplyState::Done`].
///
/// Failed checks are counted in the reply, not returned as errors: only a
/// missing reply block or a timeout is an `Err`.
pub fn sub_check<C: CacheSync>(
    r: &Reader<C>,
    pools: &Pools,
    round: u32,
    out: &mut impl Write,
    patience: Patience,
    pause: &mut impl FnMut(),
) -> Result<Reply, DemoError> {
    let reply = find_reply(r, out, patience, pause)?;
    let mut f = Findings {
        reply: Reply {
            round,
            ..Reply::default()
        },
    };
    let has_rtc = pools.rtc.is_some();

    for plan in RESERVED_PLAN {
        let kind = plan.placed(has_rtc);
        let Some(block) = f.lookup(r, pools, plan.id, kind, Some(plan.size), out) else {
            continue;
        };
        if plan.id == Id::PM {
            // The PM block is the sub core's counter (ESP-AMP: written by the sub core).
            match read_typed::<u32>(&block).and_then(|n| write_typed(&block, &(n + 1)).map(|()| n))
            {
                Ok(n) => {
                    let _ = writeln!(
                        out,
                        "reserved {:#06x} in {}: PM counter {} -> {}",
                        plan.id.raw(),
                        kind.name(),
                        n,
                        n + 1
                    );
                }
                Err(_) => f.fail(plan.id, Check::Content, "PM counter not writable", out),
            }
        } else if is_zeroed(&block) {
            let _ = writeln!(
                out,
                "reserved {:#06x}: {} bytes in {} at {:#010x}, ok",
                plan.id.raw(),
                block.size(),
                kind.name(),
                block.bus_addr()
            );
        } else {
            f.fail(
                plan.id,
                Check::Content,
                "reserved block not zero-filled",
                out,
            );
        }
    }

    f.person(r, pools, PERSON, &FIRST_PERSON, out);
    if has_rtc {
        if let Some(block) = f.lookup(
            r,
            pools,
            BOOT_RECORD,
            PoolKind::Rtc,
            Some(core::mem::size_of::<BootRecord>() as u16),
            out,
        ) {
            match read_typed::<BootRecord>(&block) {
                Ok(rec) if rec.magic == BootRecord::MAGIC && rec.boots >= 1 => {
                    let _ = writeln!(
                        out,
                        "boot record {:#06x} in RTC: boot #{}, ok",
                        BOOT_RECORD.raw(),
                        rec.boots
                    );
                }
                _ => f.fail(BOOT_RECORD, Check::Content, "boot record damaged", out),
            }
        }
    }

    // Publication after boot: the main core publishes these once it sees
    // `Attached`; until then a lookup says "not found".
    let mut polls = 0;
    let appeared = loop {
        match r.get(LATE_PATTERN, PoolKind::Hp) {
            Err(Error::NotFound) if polls < patience.polls => {
                polls += 1;
                pause();
            }
            Err(Error::NotFound) => break false,
            _ => break true,
        }
    };
    if appeared {
        let _ = writeln!(out, "late entries appeared after {} polls", polls);
    } else {
        f.fail(
            LATE_PATTERN,
            Check::Late,
            "late entries never appeared",
            out,
        );
    }
    f.person(r, pools, LATE_PERSON, &SECOND_PERSON, out);
    if let Some(block) = f.lookup(r, pools, LATE_PATTERN, PoolKind::Hp, Some(256), out) {
        let mut bytes = [0u8; 256];
        if block.read(0, &mut bytes).is_ok() && bytes == late_pattern() {
            let _ = writeln!(
                out,
                "late pattern {:#06x}: 256 bytes at {:#010x}, ok",
                LATE_PATTERN.raw(),
                block.bus_addr()
            );
        } else {
            f.fail(LATE_PATTERN, Check::Content, "pattern differs", out);
        }
    }
    // The reply block itself was found through SysInfo: count it too.
    f.reply.entries_checked += 1;

    let _ = writeln!(
        out,
        "checked {} entries: {} errors",
        f.reply.entries_checked, f.reply.errors
    );
    finish(&reply, &f.reply)?;
    Ok(Reply {
        state: ReplyState::Done as u32,
        ..f.reply
    })
}

/// Finds the reply block, waiting while it is not published yet (a sub core
/// started early may attach before the main core allocated it), and marks it
/// `Attached`.
pub(crate) fn find_reply<C: CacheSync>(
    r: &Reader<C>,
    out: &mut impl Write,
    patience: Patience,
    pause: &mut impl FnMut(),
) -> Result<Shared<Reply>, DemoError> {
    let mut polls = 0;
    let reply = loop {
        match r.get_as::<Reply>(REPLY, PoolKind::Hp) {
            Err(Error::NotFound) if polls < patience.polls => {
                polls += 1;
                pause();
            }
            other => {
                break other.map_err(DemoError::sysinfo("find the reply block", Some(REPLY)))?
            }
        }
    };
    let block = reply.block();
    set_reply_state(&block, ReplyState::Attached)?;
    let _ = writeln!(
        out,
        "found reply {:#06x} at {:#010x}; told the main core",
        REPLY.raw(),
        block.bus_addr()
    );
    Ok(reply)
}

/// Writes the findings (everything but the state word), then `Done` with a
/// Release store: the main core reads the findings after an Acquire load.
pub(crate) fn finish(reply: &Shared<Reply>, findings: &Reply) -> Result<(), DemoError> {
    let block = reply.block();
    block
        .write(4, findings.as_bytes().get(4..).unwrap_or(&[]))
        .map_err(DemoError::sysinfo("write the reply", Some(REPLY)))?;
    set_reply_state(&block, ReplyState::Done)
}

/// Stores `state` in the reply block's first word with Release ordering, so
/// the main core's Acquire load sees everything written before it.
fn set_reply_state(block: &Block, state: ReplyState) -> Result<(), DemoError> {
    let words = block
        .atomic_words()
        .map_err(DemoError::sysinfo("reply state word", Some(REPLY)))?;
    // `first()`, not `[0]`: no panic path in the sub image (docs/reliability.md).
    words
        .first()
        .ok_or(DemoError::Sysinfo {
            step: "reply state word",
            id: Some(REPLY.raw()),
            error: Error::SizeMismatch,
        })?
        .store(state as u32, Ordering::Release);
    Ok(())
}

fn is_zeroed(block: &Block) -> bool {
    let mut buf = [0u8; 64];
    let mut offset = 0;
    while offset < block.size() as usize {
        let n = (block.size() as usize - offset).min(buf.len());
        let Some(part) = buf.get_mut(..n) else {
            return false;
        };
        if block.read(offset, part).is_err() || part.iter().any(|&b| b != 0) {
            return false;
        }
        offset += n;
    }
    true
}

struct Findings {
    reply: Reply,
}

impl Findings {
    fn fail(&mut self, id: Id, check: Check, detail: &str, out: &mut impl Write) {
        if self.reply.errors == 0 {
            self.reply.first_error_id = id.raw() as u32;
            self.reply.first_error_check = check as u32;
        }
        self.reply.errors += 1;
        let _ = writeln!(
            out,
            "FAIL id {:#06x}: {}: {}",
            id.raw(),
            check.as_str(),
            detail
        );
    }

    /// Looks `id` up in `kind`, checks its size (if given) and that it lies
    /// inside the pool's data area; counts it.
    fn lookup<C: CacheSync>(
        &mut self,
        r: &Reader<C>,
        pools: &Pools,
        id: Id,
        kind: PoolKind,
        size: Option<u16>,
        out: &mut impl Write,
    ) -> Option<Block> {
        self.reply.entries_checked += 1;
        let block = match r.get(id, kind) {
            Ok(b) => b,
            Err(e) => {
                let mut msg = heapless_msg();
                let _ = write!(msg, "{} pool: {}", kind.name(), e);
                self.fail(id, Check::Lookup, msg.as_str(), out);
                return None;
            }
        };
        if size.is_some_and(|s| s != block.size()) {
            self.fail(id, Check::Size, "size differs from the plan", out);
            return None;
        }
        let inside = pools
            .get(kind)
            .is_some_and(|p| p.holds_block(block.bus_addr(), block.size()));
        if !inside || block.kind() != kind {
            self.fail(id, Check::Bounds, "block outside its pool's data area", out);
            return None;
        }
        Some(block)
    }

    fn person<C: CacheSync>(
        &mut self,
        r: &Reader<C>,
        pools: &Pools,
        id: Id,
        want: &Person,
        out: &mut impl Write,
    ) {
        let Some(block) = self.lookup(
            r,
            pools,
            id,
            PoolKind::Hp,
            Some(core::mem::size_of::<Person>() as u16),
            out,
        ) else {
            return;
        };
        match read_typed::<Person>(&block) {
            Ok(p) if p == *want => {
                let _ = writeln!(
                    out,
                    "person {:#06x}: \"{}\", age {}, ok",
                    id.raw(),
                    p.name(),
                    p.age
                );
            }
            _ => self.fail(id, Check::Content, "person differs", out),
        }
    }
}

/// A small stack string for error details.
fn heapless_msg() -> Msg {
    Msg {
        buf: [0; 48],
        len: 0,
    }
}

struct Msg {
    buf: [u8; 48],
    len: usize,
}

impl Msg {
    fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("?")
    }
}

impl Write for Msg {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        // Cut at a char boundary when full: the detail is informative only.
        for c in s.chars() {
            let mut tmp = [0u8; 4];
            let bytes = c.encode_utf8(&mut tmp).as_bytes();
            // Checked slicing: no panic path in the sub image.
            let end = self.len.saturating_add(bytes.len());
            match self.buf.get_mut(self.len..end) {
                Some(dst) => dst.iter_mut().zip(bytes).for_each(|(d, b)| *d = *b),
                None => break,
            }
            self.len = end;
        }
        Ok(())
    }
}
