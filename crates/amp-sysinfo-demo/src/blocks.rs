//! The ids and block types the demo puts in SysInfo: the specification's `Person_t`,
//! the sub core's reply, the retained boot record, the stress items. Each is
//! `#[repr(C)]` plain data (zerocopy), so both cores agree on its layout.

use amp_sysinfo::{Id, PoolKind};
use zerocopy::{FromBytes, Immutable, IntoBytes};

/// The specification's `SYS_INFO_ID_PERSON_1`: published before the sub core starts.
pub const PERSON: Id = user_id(0x0001);
/// The sub core's reply (HP pool): its findings and state word.
pub const REPLY: Id = user_id(0x0002);
/// A second person, published only after the sub core has attached.
pub const LATE_PERSON: Id = user_id(0x0003);
/// A 256-byte pattern, published after the sub core has attached.
pub const LATE_PATTERN: Id = user_id(0x0004);
/// The main core's boot record in the RTC pool: survives deep sleep.
pub const BOOT_RECORD: Id = user_id(0x0010);
/// The stress run's control block (HP pool).
pub const STRESS_CTRL: Id = user_id(0x00ff);
/// First id of the stress items; they use `STRESS_FIRST..STRESS_FIRST + STRESS_IDS`.
pub const STRESS_FIRST: u16 = 0x0100;
/// How many stress ids the sub core scans.
pub const STRESS_IDS: u16 = 32;

const fn user_id(raw: u16) -> Id {
    match Id::new(raw) {
        Ok(id) => id,
        Err(_) => panic!("demo ids are user ids"),
    }
}

/// The six reserved internal ids, with the size and pool the demo gives each
/// (the pools ESP-AMP puts them in). They take 6 of the 16 entries, as in the
/// seed: the user gets the other 10 of a table.
pub const RESERVED_PLAN: [ReservedBlock; 6] = [
    ReservedBlock {
        id: Id::SW_INTR,
        size: 4,
        kind: PoolKind::Hp,
    },
    ReservedBlock {
        id: Id::EVENT_MAIN,
        size: 4,
        kind: PoolKind::Hp,
    },
    ReservedBlock {
        id: Id::EVENT_SUB,
        size: 4,
        kind: PoolKind::Hp,
    },
    ReservedBlock {
        id: Id::VQUEUE,
        size: 64,
        kind: PoolKind::Hp,
    },
    ReservedBlock {
        id: Id::SYSTEM,
        size: 16,
        kind: PoolKind::Hp,
    },
    ReservedBlock {
        id: Id::PM,
        size: 4,
        kind: PoolKind::Rtc,
    },
];

/// Where one reserved id lives and how big its block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReservedBlock {
    pub id: Id,
    pub size: u16,
    /// The preferred pool; RTC blocks go to HP when there is no RTC pool
    /// (ESP32-P4: the sub core is an HP core).
    pub kind: PoolKind,
}

impl ReservedBlock {
    /// The pool the block is in, given whether the system has an RTC pool.
    pub const fn placed(&self, has_rtc: bool) -> PoolKind {
        match self.kind {
            PoolKind::Rtc if !has_rtc => PoolKind::Hp,
            kind => kind,
        }
    }
}

/// The specification's `Person_t { char name[16]; uint32_t age; }`, same layout.
///
/// ```
/// use amp_sysinfo_demo::Person;
/// let p = Person::new("Ada Lovelace", 36);
/// assert_eq!(p.name(), "Ada Lovelace");
/// assert_eq!(core::mem::size_of::<Person>(), 20);
/// ```
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, Immutable)]
pub struct Person {
    /// NUL-padded name (at most 15 bytes, as a C string).
    pub name: [u8; 16],
    pub age: u32,
}

impl Person {
    /// A person; the name is cut to 15 bytes so a NUL always ends it.
    pub const fn new(name: &str, age: u32) -> Person {
        let src = name.as_bytes();
        let mut buf = [0u8; 16];
        let mut i = 0;
        while i < src.len() && i < 15 {
            buf[i] = src[i];
            i += 1;
        }
        Person { name: buf, age }
    }

    /// The name up to its NUL, or `"<not UTF-8>"`.
    pub fn name(&self) -> &str {
        let len = self.name.iter().position(|&b| b == 0).unwrap_or(16);
        core::str::from_utf8(&self.name[..len]).unwrap_or("<not UTF-8>")
    }
}

/// What the main core publishes before the sub core starts.
pub const FIRST_PERSON: Person = Person::new("Ada Lovelace", 36);
/// What the main core publishes after the sub core attached.
pub const SECOND_PERSON: Person = Person::new("Grace Hopper", 85);

/// The late 256-byte pattern: byte `i` is `i ^ 0x5a`.
pub fn late_pattern() -> [u8; 256] {
    core::array::from_fn(|i| i as u8 ^ 0x5a)
}

/// The sub core's reply block (HP pool). Word 0 is the state, written last
/// with a Release store ([`ReplyState`]); the rest are the findings.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable)]
pub struct Reply {
    /// A [`ReplyState`] value.
    pub state: u32,
    /// Check round (1, then 2 after the main core's deep sleep).
    pub round: u32,
    /// Entries looked up and checked.
    pub entries_checked: u32,
    /// Checks that failed.
    pub errors: u32,
    /// Id of the first failed check.
    pub first_error_id: u32,
    /// [`Check`] code of the first failed check.
    pub first_error_check: u32,
    /// Stress: lookups made.
    pub lookups: u32,
    /// Stress: distinct entries seen.
    pub entries_seen: u32,
    /// Stress: lookups that found nothing yet.
    pub not_found: u32,
    /// Stress: lookups that saw an incomplete or wrong entry (must be 0).
    pub inconsistencies: u32,
    /// Stress: entries the main core said it published.
    pub published: u32,
}

/// Word 0 of the [`Reply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum ReplyState {
    /// As allocated (zero).
    Empty = 0,
    /// The sub core found the reply block: it is running and attached.
    Attached = u32::from_le_bytes(*b"ATTA"),
    /// The findings are complete.
    Done = u32::from_le_bytes(*b"DONE"),
}

/// What a failed check was about (stored in [`Reply::first_error_check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Check {
    /// The lookup failed.
    Lookup = 1,
    /// The block's size is not the expected one.
    Size = 2,
    /// The block does not lie inside its pool's data area.
    Bounds = 3,
    /// The block's contents are not what the main core wrote.
    Content = 4,
    /// A late entry did not appear in time.
    Late = 5,
}

impl Check {
    /// From the stored code.
    pub const fn from_u32(v: u32) -> Option<Check> {
        match v {
            1 => Some(Check::Lookup),
            2 => Some(Check::Size),
            3 => Some(Check::Bounds),
            4 => Some(Check::Content),
            5 => Some(Check::Late),
            _ => None,
        }
    }

    /// Short description.
    pub const fn as_str(self) -> &'static str {
        match self {
            Check::Lookup => "lookup failed",
            Check::Size => "wrong size",
            Check::Bounds => "outside the pool",
            Check::Content => "wrong contents",
            Check::Late => "late entry never appeared",
        }
    }
}

/// The main core's boot record in the RTC pool.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, Immutable)]
pub struct BootRecord {
    /// [`BootRecord::MAGIC`].
    pub magic: u32,
    /// Boots of the main core since the pool was formatted (1 = first).
    pub boots: u32,
}

impl BootRecord {
    pub const MAGIC: u32 = u32::from_le_bytes(*b"BOOT");
}

/// One stress item: every word derived from its id and sequence number, so a
/// torn or stale block is recognised.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, Immutable)]
pub struct StressItem {
    pub id: u32,
    pub seq: u32,
    /// The pool it was put in (`PoolKind as u32`).
    pub kind: u32,
    pub words: [u32; 5],
}

impl StressItem {
    /// The item the main core writes for sequence number `seq`.
    pub fn new(seq: u16, kind: PoolKind) -> StressItem {
        let id = (STRESS_FIRST + seq) as u32;
        StressItem {
            id,
            seq: seq as u32,
            kind: kind as u32,
            words: core::array::from_fn(|i| mix(id, i as u32)),
        }
    }

    /// True if this is exactly what the main core wrote for id `id` in `kind`.
    pub fn is_valid(&self, id: u16, kind: PoolKind) -> bool {
        id >= STRESS_FIRST && *self == StressItem::new(id - STRESS_FIRST, kind)
    }
}

fn mix(id: u32, i: u32) -> u32 {
    (id.wrapping_mul(0x9e37_79b9) ^ i.wrapping_mul(0x85eb_ca6b)).rotate_left(13) ^ 0xa5a5_0f0f
}

/// The stress run's control block: the main core's side of the handshake.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromBytes, IntoBytes, Immutable)]
pub struct StressCtrl {
    /// [`StressCtrl::DONE`] once the main core stopped allocating (Release).
    pub done: u32,
    /// Items published.
    pub published: u32,
}

impl StressCtrl {
    pub const DONE: u32 = u32::from_le_bytes(*b"FULL");
}
