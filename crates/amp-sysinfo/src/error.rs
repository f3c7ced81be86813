//! The one error type of the crate.

use core::ffi::CStr;
use core::fmt;

/// Everything that can go wrong, typed. After any error from an allocating or
/// formatting call the shared bytes are exactly as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u8)]
pub enum Error {
    /// The id is reserved (0xff00..=0xffff) and was passed through the user
    /// API, or is 0xffff, which is never a valid entry.
    ReservedId,
    /// An entry with this id already exists in this pool.
    DuplicateId,
    /// A block of zero bytes was requested.
    ZeroSize,
    /// The requested size does not fit the entry's 16-bit size field.
    SizeTooLarge,
    /// All `max_entries` entries of the pool's table are used.
    TableFull,
    /// The pool's data area has no room for the block.
    PoolFull,
    /// The pool was never set up on this core (or does not exist on this chip).
    PoolAbsent,
    /// An alignment that is not a power of two, or a region whose base or size
    /// is not 16-byte aligned.
    BadAlignment,
    /// The region cannot hold the header and a table of `max_entries` entries,
    /// or `max_entries` is 0.
    PoolTooSmall,
    /// No published entry has this id (yet).
    NotFound,
    /// The region holds no valid table: wrong magic or check word (zeroed or
    /// uninitialised memory, or the main core has not formatted it yet).
    NotReady,
    /// The table's format version is not one this crate reads.
    UnsupportedVersion,
    /// The table is well-formed on its face but disagrees with this core's
    /// view of the pool (other base, size or kind), or an entry lies outside
    /// the pool's data area.
    Corrupt,
    /// A typed view was asked for a block whose size differs from the type's.
    SizeMismatch,
    /// A typed view was asked for a block not aligned for the type.
    Misaligned,
    /// The writer's state was found in use by another call on this core.
    /// The public API never holds it while user code runs, so this is a
    /// guard, not an expected outcome.
    Busy,
    /// The region handed in does not match the pool's configuration (other
    /// base or size).
    RegionMismatch,
    /// Atomic access was asked for in a pool without atomics (RTC / LP RAM).
    NoAtomics,
    /// A [`Handle`](crate::Handle) of a table the main core has formatted
    /// again since (it rebooted, or re-initialised the pool): look the block
    /// up again (after attaching again).
    Stale,
}

impl Error {
    /// Every error, in declaration order: `ALL[e.code() as usize] == e`.
    pub const ALL: [Error; 19] = [
        Error::ReservedId,
        Error::DuplicateId,
        Error::ZeroSize,
        Error::SizeTooLarge,
        Error::TableFull,
        Error::PoolFull,
        Error::PoolAbsent,
        Error::BadAlignment,
        Error::PoolTooSmall,
        Error::NotFound,
        Error::NotReady,
        Error::UnsupportedVersion,
        Error::Corrupt,
        Error::SizeMismatch,
        Error::Misaligned,
        Error::Busy,
        Error::RegionMismatch,
        Error::NoAtomics,
        Error::Stale,
    ];

    /// The error as one byte (its index in [`Error::ALL`]), for storing it
    /// where a word is all there is (the C API's last error).
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The error of [`Error::code`] `code`, if there is one.
    pub const fn from_code(code: u8) -> Option<Error> {
        if (code as usize) < Error::ALL.len() {
            Some(Error::ALL[code as usize])
        } else {
            None
        }
    }

    /// A short, stable description (also what the C API logs).
    pub const fn as_str(self) -> &'static str {
        // SAFETY: every `as_cstr` text is an ASCII string literal.
        unsafe { core::str::from_utf8_unchecked(self.as_cstr().to_bytes()) }
    }

    /// [`Error::as_str`] with a terminating NUL, for the C API's
    /// `esp_amp_sys_info_last_error`.
    pub const fn as_cstr(self) -> &'static CStr {
        match self {
            Error::ReservedId => c"reserved id",
            Error::DuplicateId => c"duplicate id in this pool",
            Error::ZeroSize => c"size 0",
            Error::SizeTooLarge => c"size over 65535 bytes",
            Error::TableFull => c"table full",
            Error::PoolFull => c"pool full",
            Error::PoolAbsent => c"pool absent",
            Error::BadAlignment => c"bad alignment",
            Error::PoolTooSmall => c"pool too small for its table",
            Error::NotFound => c"id not found",
            Error::NotReady => c"no valid table (not ready)",
            Error::UnsupportedVersion => c"unsupported format version",
            Error::Corrupt => c"table corrupt or for another pool",
            Error::SizeMismatch => c"block size differs from the type's",
            Error::Misaligned => c"block misaligned for the type",
            Error::Busy => c"writer re-entered",
            Error::RegionMismatch => c"region does not match the pool configuration",
            Error::NoAtomics => c"pool has no atomics",
            Error::Stale => c"stale handle (the pool was formatted again)",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::Error;

    /// The texts the C API logs and returns from
    /// `esp_amp_sys_info_last_error`, pinned here once: changing a text
    /// changes what C callers see, so it must change this table too.
    const TEXTS: [(Error, &str); 19] = [
        (Error::ReservedId, "reserved id"),
        (Error::DuplicateId, "duplicate id in this pool"),
        (Error::ZeroSize, "size 0"),
        (Error::SizeTooLarge, "size over 65535 bytes"),
        (Error::TableFull, "table full"),
        (Error::PoolFull, "pool full"),
        (Error::PoolAbsent, "pool absent"),
        (Error::BadAlignment, "bad alignment"),
        (Error::PoolTooSmall, "pool too small for its table"),
        (Error::NotFound, "id not found"),
        (Error::NotReady, "no valid table (not ready)"),
        (Error::UnsupportedVersion, "unsupported format version"),
        (Error::Corrupt, "table corrupt or for another pool"),
        (Error::SizeMismatch, "block size differs from the type's"),
        (Error::Misaligned, "block misaligned for the type"),
        (Error::Busy, "writer re-entered"),
        (
            Error::RegionMismatch,
            "region does not match the pool configuration",
        ),
        (Error::NoAtomics, "pool has no atomics"),
        (Error::Stale, "stale handle (the pool was formatted again)"),
    ];

    #[test]
    fn every_error_has_its_pinned_text() {
        // The table lists the variants in declaration order, so a variant
        // added anywhere but at the end, or left out, shows up here.
        for (i, (e, text)) in TEXTS.iter().enumerate() {
            assert_eq!(*e as usize, i, "{e:?} is not in declaration order");
            assert_eq!(e.as_str(), *text, "{e:?}");
            assert_eq!(e.as_cstr().to_bytes(), text.as_bytes(), "{e:?}");
            assert_eq!((Error::ALL[i], Error::from_code(e.code())), (*e, Some(*e)));
        }
        assert_eq!(
            (Error::ALL.len(), Error::from_code(Error::ALL.len() as u8)),
            (TEXTS.len(), None)
        );
        // A variant added at the end is caught by this match, which has no
        // wildcard: it must be given its text in the table above.
        match Error::NoAtomics {
            Error::ReservedId
            | Error::DuplicateId
            | Error::ZeroSize
            | Error::SizeTooLarge
            | Error::TableFull
            | Error::PoolFull
            | Error::PoolAbsent
            | Error::BadAlignment
            | Error::PoolTooSmall
            | Error::NotFound
            | Error::NotReady
            | Error::UnsupportedVersion
            | Error::Corrupt
            | Error::SizeMismatch
            | Error::Misaligned
            | Error::Busy
            | Error::RegionMismatch
            | Error::NoAtomics
            | Error::Stale => {}
        }
    }
}
