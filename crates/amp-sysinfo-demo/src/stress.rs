//! Stress: the main core allocates up to the table limit of every pool while
//! the sub core looks every candidate id up in a loop. Each lookup must give
//! either "not found (yet)" or a complete, correct entry, at the same address
//! every time, in one pool only.

use core::fmt::Write;
use core::sync::atomic::Ordering;

use amp_sysinfo::{CacheSync, Error, Id, PoolKind, Reader, Writer};
use zerocopy::IntoBytes;

use crate::blocks::*;
use crate::error::DemoError;
use crate::pools::Pools;
use crate::sub_core::{find_reply, finish};
use crate::Patience;

/// Main core: publishes the stress control block, then [`StressItem`]s
/// alternately in the HP and RTC pools until both tables (or pools) are full,
/// calling `pause()` between two allocations; then tells the sub core how
/// many it published. Returns that number.
pub fn main_stress<C: CacheSync>(
    w: &Writer<C>,
    pools: &Pools,
    out: &mut impl Write,
    pause: &mut impl FnMut(),
) -> Result<u32, DemoError> {
    publish_items(w, pools, out, pause, None)
}

/// The stress publication; with `fill_gap`, each item is allocated (and so
/// published, zero-filled) first and filled only after `fill_gap()`: the
/// publish-then-fill mistake [`crate::testing::main_stress_publish_then_fill`]
/// demonstrates.
pub(crate) fn publish_items<C: CacheSync>(
    w: &Writer<C>,
    pools: &Pools,
    out: &mut impl Write,
    pause: &mut impl FnMut(),
    mut fill_gap: Option<&mut dyn FnMut()>,
) -> Result<u32, DemoError> {
    let ctrl = w
        .alloc_with(STRESS_CTRL, PoolKind::Hp, &StressCtrl::default())
        .map_err(DemoError::sysinfo(
            "publish stress control",
            Some(STRESS_CTRL),
        ))?;
    let mut full = [false, pools.rtc.is_none()];
    let mut published = [0u32; 2];
    let mut seq: u16 = 0;
    while !(full[0] && full[1]) && seq < STRESS_IDS {
        // Alternate while both have room.
        let preferred = if seq % 2 == 0 {
            PoolKind::Hp
        } else {
            PoolKind::Rtc
        };
        let kind = if full[preferred as usize] {
            other(preferred)
        } else {
            preferred
        };
        let id = Id::new(STRESS_FIRST + seq).map_err(DemoError::sysinfo("stress id", None))?;
        let item = StressItem::new(seq, kind);
        let published_item = match fill_gap.as_mut() {
            None => w.alloc_with(id, kind, &item).map(|_| ()),
            Some(gap) => w
                .alloc(id, core::mem::size_of::<StressItem>() as u16, kind)
                .map(|block| {
                    gap();
                    // The block is exactly one item: this cannot fail.
                    let _ = block.write(0, item.as_bytes());
                }),
        };
        match published_item {
            Ok(()) => {
                published[kind as usize] += 1;
                seq += 1;
            }
            Err(Error::TableFull | Error::PoolFull) => full[kind as usize] = true,
            Err(e) => {
                return Err(DemoError::Sysinfo {
                    step: "publish stress item",
                    id: Some(id.raw()),
                    error: e,
                })
            }
        }
        pause();
    }
    let total = published[0] + published[1];
    let block = ctrl.block();
    block
        .write(4, &total.to_le_bytes())
        .map_err(DemoError::sysinfo("stress control", Some(STRESS_CTRL)))?;
    let words = block
        .atomic_words()
        .map_err(DemoError::sysinfo("stress control", Some(STRESS_CTRL)))?;
    words[0].store(StressCtrl::DONE, Ordering::Release);
    let _ = writeln!(
        out,
        "stress: published {} items (HP {}, RTC {}) until the tables were full",
        total, published[0], published[1]
    );
    Ok(total)
}

fn other(kind: PoolKind) -> PoolKind {
    match kind {
        PoolKind::Hp => PoolKind::Rtc,
        PoolKind::Rtc => PoolKind::Hp,
    }
}

/// Sub core: finds the reply (marking it attached, which starts the main
/// core's stress run), waits for the control block, then looks up every
/// stress id in every pool, pass after pass, until a full pass after the main
/// core said it is done. Counts lookups, entries seen, "not found" answers and
/// inconsistencies, writes them to the reply and marks it done.
///
/// At most `patience.polls` passes (and polls for the control block).
pub fn sub_stress<C: CacheSync>(
    r: &Reader<C>,
    pools: &Pools,
    out: &mut impl Write,
    patience: Patience,
    pause: &mut impl FnMut(),
) -> Result<Reply, DemoError> {
    let reply = find_reply(r, out, patience, pause)?;
    let mut polls = 0;
    let ctrl = loop {
        match r.get_as::<StressCtrl>(STRESS_CTRL, PoolKind::Hp) {
            Ok(c) => break c,
            Err(Error::NotFound) if polls < patience.polls => {
                polls += 1;
                pause();
            }
            Err(Error::NotFound) => {
                return Err(DemoError::Timeout {
                    waiting_for: "the stress control block",
                })
            }
            Err(e) => {
                return Err(DemoError::Sysinfo {
                    step: "find stress control",
                    id: Some(STRESS_CTRL.raw()),
                    error: e,
                })
            }
        }
    };
    let ctrl_block = ctrl.block();
    let done = &ctrl_block
        .atomic_words()
        .map_err(DemoError::sysinfo("stress control", Some(STRESS_CTRL)))?[0];

    let mut stats = Reply {
        round: 1,
        ..Reply::default()
    };
    // Where each id was first seen: (bus address, pool); 0 = not yet.
    let mut seen = [(0u32, PoolKind::Hp); STRESS_IDS as usize];
    let mut passes = 0;
    loop {
        // Read "done" before the pass: a whole pass after it sees every item.
        let finished = done.load(Ordering::Acquire) == StressCtrl::DONE;
        for n in 0..STRESS_IDS {
            let id = Id::new(STRESS_FIRST + n).map_err(DemoError::sysinfo("stress id", None))?;
            let mut found_in = 0;
            for pool in pools.iter() {
                let kind = pool.kind();
                stats.lookups += 1;
                match r.get_as::<StressItem>(id, kind) {
                    Err(Error::NotFound) => stats.not_found += 1,
                    Ok(item) => {
                        found_in += 1;
                        let b = item.block();
                        let (addr, first_kind) = seen[n as usize];
                        let ok = item.read().is_valid(id.raw(), kind)
                            && pool.holds_block(b.bus_addr(), b.size())
                            && (addr == 0 || (addr == b.bus_addr() && first_kind == kind));
                        if !ok {
                            stats.inconsistencies += 1;
                        } else if addr == 0 {
                            seen[n as usize] = (b.bus_addr(), kind);
                            stats.entries_seen += 1;
                        }
                    }
                    Err(_) => stats.inconsistencies += 1,
                }
            }
            if found_in > 1 {
                stats.inconsistencies += 1;
            }
        }
        passes += 1;
        if finished {
            break;
        }
        if passes >= patience.polls {
            return Err(DemoError::Timeout {
                waiting_for: "the main core to finish the stress run",
            });
        }
        pause();
    }
    stats.published = ctrl.read().published;
    stats.entries_checked = stats.entries_seen;
    if stats.inconsistencies != 0 || stats.entries_seen != stats.published {
        stats.errors = 1;
    }
    let _ = writeln!(
        out,
        "stress: {} passes, {} lookups, {} entries seen of {} published, {} not found yet, {} inconsistencies",
        passes, stats.lookups, stats.entries_seen, stats.published, stats.not_found, stats.inconsistencies
    );
    finish(&reply, &stats)?;
    Ok(Reply {
        state: ReplyState::Done as u32,
        ..stats
    })
}

/// Main core: the stress verdict from the sub core's reply.
pub fn main_stress_report(
    reply: &Reply,
    published: u32,
    out: &mut impl Write,
) -> Result<(), DemoError> {
    let _ = writeln!(
        out,
        "stress reply: lookups {}, entries seen {}/{}, not found yet {}, inconsistencies {}",
        reply.lookups, reply.entries_seen, published, reply.not_found, reply.inconsistencies
    );
    if reply.inconsistencies != 0 || reply.entries_seen != published || reply.published != published
    {
        return Err(DemoError::Stress {
            inconsistencies: reply.inconsistencies,
            entries_seen: reply.entries_seen,
            published,
        });
    }
    Ok(())
}
