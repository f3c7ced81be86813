//! Entry ids: 16 bits, the upper 256 reserved for ESP-AMP's own services.

use crate::Error;

/// An entry id. User ids are `0x0000..=0xfeff`; `0xff00..=0xfffe` are
/// reserved for internal services; `0xffff` is never a valid entry.
///
/// An id is unique *within its pool*: the same id may exist once in the HP
/// pool and once in the RTC pool (ESP-AMP's queue relies on that).
///
/// ```
/// use amp_sysinfo::{Error, Id};
/// assert_eq!(Id::new(0x0001).unwrap().raw(), 1);
/// assert_eq!(Id::new(0xff00), Err(Error::ReservedId));
/// assert_eq!(Id::PM.raw(), 0xff05);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct Id(u16);

impl Id {
    /// First reserved id.
    pub const RESERVED_START: u16 = 0xff00;
    /// Never a valid entry.
    pub const INVALID: u16 = 0xffff;

    /// Reserved for software interrupt bits (HP pool).
    pub const SW_INTR: Id = Id(0xff00);
    /// Reserved for main-core events (HP pool).
    pub const EVENT_MAIN: Id = Id(0xff01);
    /// Reserved for sub-core events (HP pool).
    pub const EVENT_SUB: Id = Id(0xff02);
    /// Reserved for the shared queue (packed virtqueue) and its buffers (HP pool).
    pub const VQUEUE: Id = Id(0xff03);
    /// Reserved for the system service (HP pool).
    pub const SYSTEM: Id = Id(0xff04);
    /// Reserved for power management (RTC pool).
    pub const PM: Id = Id(0xff05);

    /// The six internal ids, in the specification's order.
    pub const RESERVED: [Id; 6] = [
        Id::SW_INTR,
        Id::EVENT_MAIN,
        Id::EVENT_SUB,
        Id::VQUEUE,
        Id::SYSTEM,
        Id::PM,
    ];

    /// A user id: `0x0000..=0xfeff`, else [`Error::ReservedId`].
    pub const fn new(raw: u16) -> Result<Id, Error> {
        if raw < Self::RESERVED_START {
            Ok(Id(raw))
        } else {
            Err(Error::ReservedId)
        }
    }

    /// Any id that may name an entry, reserved ones included (`0xffff` is
    /// refused). For internal services and the C API, which takes raw ids as
    /// ESP-AMP does.
    pub const fn from_raw(raw: u16) -> Result<Id, Error> {
        if raw != Self::INVALID {
            Ok(Id(raw))
        } else {
            Err(Error::ReservedId)
        }
    }

    /// The 16-bit value stored in the table.
    pub const fn raw(self) -> u16 {
        self.0
    }

    /// True for `0xff00..=0xfffe`.
    pub const fn is_reserved(self) -> bool {
        self.0 >= Self::RESERVED_START
    }
}
