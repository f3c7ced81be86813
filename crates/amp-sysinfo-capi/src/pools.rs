//! The library's global state: where the pools are (from the platform glue)
//! and the one `Writer` (main core) or `Reader` (sub core) of this image.

use core::cell::Cell;

use amp_sysinfo::format::DEFAULT_MAX_ENTRIES;
use amp_sysinfo::{Block, Error, Id, PoolKind, Region};
use critical_section::Mutex;

use crate::report::Failure;

/// A pool as `esp_amp_sys_info_set_pool` described it.
#[derive(Debug, Clone, Copy)]
pub struct PoolSetting {
    /// Where it is, locally and on the bus.
    pub region: Region,
    /// Table capacity when the main core formats it (a sub core reads the
    /// capacity from the table instead).
    #[cfg_attr(feature = "sub-core", allow(dead_code))]
    pub max_entries: u16,
}

/// Index: `PoolKind as usize`.
static SETTINGS: Mutex<Cell<[Option<PoolSetting>; 2]>> = Mutex::new(Cell::new([None, None]));

/// Records where pool `kind` is.
///
/// # Safety
/// `local..local + size` must be valid for reads and writes for the rest of
/// the program and used only through this library (the header's contract of
/// `esp_amp_sys_info_set_pool`).
pub unsafe fn configure(
    kind: PoolKind,
    local: *mut u8,
    bus_base: u32,
    size: u32,
    max_entries: u16,
) -> Result<(), Failure> {
    if local.is_null() {
        return Err(Failure::NullPointer);
    }
    // SAFETY: forwarded to our caller (see above).
    let region = unsafe { Region::new(local, bus_base, size) }?;
    let max_entries = if max_entries == 0 {
        DEFAULT_MAX_ENTRIES
    } else {
        max_entries
    };
    critical_section::with(|cs| {
        let cell = SETTINGS.borrow(cs);
        let mut all = cell.get();
        all[kind as usize] = Some(PoolSetting {
            region,
            max_entries,
        });
        cell.set(all);
    });
    Ok(())
}

/// The configured pools, HP first.
pub fn settings() -> [Option<PoolSetting>; 2] {
    critical_section::with(|cs| SETTINGS.borrow(cs).get())
}

/// Runs `f` on every configured pool; the HP pool is required (every chip
/// has it and ESP-AMP's own services live there), the RTC pool optional.
fn each_pool(mut f: impl FnMut(PoolKind, PoolSetting) -> Result<(), Error>) -> Result<(), Failure> {
    let all = settings();
    for kind in PoolKind::ALL {
        match all[kind as usize] {
            Some(setting) => f(kind, setting)?,
            None if kind == PoolKind::Hp => return Err(Failure::Core(Error::PoolAbsent)),
            None => {}
        }
    }
    Ok(())
}

#[cfg(not(feature = "sub-core"))]
mod side {
    use amp_sysinfo::{Block, Error, Id, PoolConfig, PoolKind, Writer};

    use super::each_pool;
    use crate::report::{DumpLines, Failure};

    /// The main core's allocator.
    static WRITER: Writer = Writer::new();

    /// Formats every configured pool.
    pub fn init() -> Result<(), Failure> {
        each_pool(|kind, setting| {
            let cfg = PoolConfig {
                kind,
                bus_base: setting.region.bus_base(),
                size: setting.region.size(),
                max_entries: setting.max_entries,
            };
            WRITER.init(setting.region, &cfg)
        })
    }

    /// Allocates and publishes a zero-filled block.
    pub fn alloc(id: Id, size: u16, kind: PoolKind) -> Result<Block, Error> {
        WRITER.alloc(id, size, kind)
    }

    /// Finds a published block.
    pub fn get(id: Id, kind: PoolKind) -> Result<Block, Error> {
        WRITER.get(id, kind)
    }

    /// Prints the tables.
    pub fn dump() {
        let mut out = DumpLines::new();
        // `DumpLines` never fails; a formatting error cannot happen.
        let _ = WRITER.dump(&mut out);
        out.flush();
    }
}

#[cfg(feature = "sub-core")]
mod side {
    use core::cell::RefCell;
    use core::fmt::Write;

    use amp_sysinfo::{Block, Error, Id, PoolKind, Reader};
    use critical_section::Mutex;

    use super::each_pool;
    use crate::report::{DumpLines, Failure};

    /// The sub core's view. `attach` needs `&mut`: a `RefCell` in a
    /// critical-section mutex, borrowed with `try_borrow*` (never panics).
    static READER: Mutex<RefCell<Reader>> = Mutex::new(RefCell::new(Reader::new()));

    /// Attaches to every configured pool (`NotReady` until the main core
    /// has formatted it).
    pub fn init() -> Result<(), Failure> {
        critical_section::with(|cs| {
            let mut reader = READER
                .borrow(cs)
                .try_borrow_mut()
                .map_err(|_| Failure::Core(Error::Busy))?;
            each_pool(|kind, setting| reader.attach(setting.region, kind).map(|_| ()))
        })
    }

    /// Finds a published block.
    pub fn get(id: Id, kind: PoolKind) -> Result<Block, Error> {
        critical_section::with(|cs| {
            READER
                .borrow(cs)
                .try_borrow()
                .map_err(|_| Error::Busy)?
                .get(id, kind)
        })
    }

    /// Prints the attached tables, entry by entry, as the main core's dump.
    pub fn dump() {
        let mut out = DumpLines::new();
        let printed = critical_section::with(|cs| {
            READER
                .borrow(cs)
                .try_borrow()
                .map(|reader| {
                    // `DumpLines` never fails; a formatting error cannot happen.
                    let _ = reader.dump(&mut out);
                })
                .map_err(|_| Error::Busy)
        });
        if let Err(e) = printed {
            let _ = writeln!(out, "sysinfo: {e}");
        }
        out.flush();
    }
}

pub use side::{dump, init};

#[cfg(not(feature = "sub-core"))]
pub use side::alloc;

/// Finds a published block in this core's view.
pub fn get(id: Id, kind: PoolKind) -> Result<Block, Error> {
    side::get(id, kind)
}
