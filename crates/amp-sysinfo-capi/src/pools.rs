//! The library's global state: the one `Writer` (main core) or `Reader`
//! (sub core) of this image, over the pools the platform glue described
//! (module `settings`) or the image defines (module `linked`, cargo
//! feature `linked-pools`): one of the two is built.

use amp_sysinfo::{Block, Error, Id, PoolKind};

use crate::report::Code;
#[cfg(not(feature = "linked-pools"))]
pub use crate::settings::configure;
#[cfg(not(feature = "linked-pools"))]
pub(crate) use side::replace;

/// Opens every configured pool (`side::open`): the HP pool is required
/// (every chip has it and ESP-AMP's own services live there), the RTC pool
/// optional. On any failure no pool stays open, so lookups give "pool
/// absent" instead of using an older table.
pub fn init() -> Code {
    side::open()
}

#[cfg(not(feature = "sub-core"))]
mod side {
    use amp_sysinfo::{Block, Error, Id, PoolConfig, PoolKind, Writer};

    use crate::report::{self, Code, DumpLines};
    use crate::settings::{PoolSetting, SETTINGS};

    /// The main core's allocator.
    static WRITER: Writer = Writer::new();

    /// The configured pool `kind`.
    fn setting(kind: PoolKind) -> Option<PoolSetting> {
        critical_section::with(|cs| SETTINGS[kind as usize].borrow(cs).get())
    }

    /// Formats every configured pool, the HP pool first (checked to be
    /// there before anything is formatted); on a failure, forgets every
    /// pool. `configure` checked that each table fits, so formatting does
    /// not stop half-way.
    pub fn open() -> Code {
        if setting(PoolKind::Hp).is_none() {
            return report::code(Error::PoolAbsent);
        }
        for kind in PoolKind::ALL {
            let Some(setting) = setting(kind) else {
                continue;
            };
            let cfg = PoolConfig {
                kind,
                bus_base: setting.region.bus_base(),
                size: setting.region.size(),
                max_entries: setting.max_entries,
            };
            if let Err(e) = WRITER.init(setting.region, &cfg) {
                for kind in PoolKind::ALL {
                    // The failure being reported is `e`; `Busy` cannot
                    // happen here (nothing holds the state between calls).
                    let _ = WRITER.detach(kind);
                }
                return report::code(e);
            }
        }
        0
    }

    /// Sets pool `kind`'s description and forgets the table opened with
    /// the old one.
    pub fn replace(kind: PoolKind, setting: Option<PoolSetting>) -> Code {
        critical_section::with(|cs| SETTINGS[kind as usize].borrow(cs).set(setting));
        match WRITER.detach(kind) {
            Ok(_) => 0,
            Err(e) => report::code(e),
        }
    }

    /// Allocates and publishes a zero-filled block.
    pub fn alloc(id: Id, size: u16, kind: PoolKind) -> Result<Block, Error> {
        WRITER.alloc(id, size, kind)
    }

    /// Finds a published block.
    #[inline]
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
    use core::cell::UnsafeCell;
    use core::sync::atomic::{AtomicU32, Ordering::Relaxed};

    #[cfg(feature = "linked-pools")]
    use amp_sysinfo::Region;
    use amp_sysinfo::{Block, Error, Id, PoolKind, Reader};
    use critical_section::CriticalSection;

    use crate::report::{self, Code, DumpLines};
    #[cfg(not(feature = "linked-pools"))]
    use crate::settings::{PoolSetting, SETTINGS};

    /// The sub core's view, changed only by [`write()`] and read by [`read()`].
    struct ReaderCell(UnsafeCell<Reader>);

    // SAFETY: every access goes through `read` (shared) or `write`
    // (exclusive), which exclude each other (see there).
    unsafe impl Sync for ReaderCell {}

    static READER: ReaderCell = ReaderCell(UnsafeCell::new(Reader::new()));

    /// Lookups in progress on this core (interrupt handlers nest them).
    static READING: AtomicU32 = AtomicU32::new(0);

    /// Runs `f` on the reader, shared.
    ///
    /// Bare metal (a single-hart sub core): no critical section, so a lookup
    /// costs no call of the platform's hooks. `write` runs inside the
    /// platform's critical section, which masks every interrupt handler that
    /// uses this API (the contract of the port hooks), so no `read` starts
    /// while a `write` is under way; a `write` from an interrupt handler
    /// that preempted a `read` sees `READING` and gives `Busy`. Interrupts
    /// nest last-in first-out, so the plain load and store of the count
    /// (no read-modify-write: LP RAM has no atomics) cannot lose an update.
    #[cfg(target_os = "none")]
    #[inline]
    fn read<R>(f: impl FnOnce(&Reader) -> R) -> R {
        use core::sync::atomic::{compiler_fence, Ordering::SeqCst};
        let depth = READING.load(Relaxed);
        READING.store(depth.wrapping_add(1), Relaxed);
        compiler_fence(SeqCst);
        // SAFETY: no `write` is under way on this core (see above), and none
        // starts before the count drops back.
        let result = f(unsafe { &*READER.0.get() });
        compiler_fence(SeqCst);
        READING.store(depth, Relaxed);
        result
    }

    /// Hosted builds (tests, simulations with threads): inside the critical
    /// section, like `write`, so threads are serialised.
    #[cfg(not(target_os = "none"))]
    fn read<R>(f: impl FnOnce(&Reader) -> R) -> R {
        critical_section::with(|_| {
            // SAFETY: `write` holds the critical section for its whole run and
            // checks `READING`, so it is not under way on any thread.
            f(unsafe { &*READER.0.get() })
        })
    }

    /// Runs `f` on the reader, exclusive: inside the critical section
    /// ([`crate::port::section`]), and `Busy` if a lookup is in progress on
    /// this core (an interrupt handler calling `init` or `set_pool` in the
    /// middle of a `get`).
    #[inline]
    fn write(f: impl FnOnce(&mut Reader, CriticalSection<'_>) -> Code) -> Code {
        crate::port::section(|cs| {
            if READING.load(Relaxed) != 0 {
                return report::code(Error::Busy);
            }
            // SAFETY: no `read` is in progress (above) or can start (the
            // critical section), and `write` does not nest (`f` never calls
            // back into this API: it is the crate's own code).
            f(unsafe { &mut *READER.0.get() }, cs)
        })
    }

    /// Sets pool `kind`'s description and forgets the table opened with
    /// the old one, in one critical section (`Busy`, changing nothing, under
    /// a lookup in progress).
    #[cfg(not(feature = "linked-pools"))]
    pub fn replace(kind: PoolKind, setting: Option<PoolSetting>) -> Code {
        write(|reader, cs| {
            SETTINGS[kind as usize].borrow(cs).set(setting);
            reader.detach(kind);
            0
        })
    }

    /// Attaches to the configured pool `kind` (`NotReady` until the main
    /// core has formatted it); a pool that is not configured is "pool
    /// absent" for the HP pool, which is required, and skipped (0) for the
    /// RTC pool. Out of line: one copy of `Reader::attach` for both pools,
    /// in a leaf function (no registers to save; a loop over the pools in
    /// one function keeps its constants in saved registers instead). The
    /// code is returned as a `u32`: no zero-extension at the call.
    #[cfg(not(feature = "linked-pools"))]
    #[inline(never)]
    fn attach(reader: &mut Reader, kind: PoolKind, cs: CriticalSection<'_>) -> u32 {
        // SAFETY: read in place, not copied out of the cell (copying the
        // `Option` makes LLVM store the region byte by byte): nothing writes
        // the cell during this read, which is inside the critical section.
        match unsafe { &*SETTINGS[kind as usize].borrow(cs).as_ptr() } {
            Some(setting) => match reader.attach(setting.region, kind) {
                Ok(_) => 0,
                Err(e) => report::code(e) as u32,
            },
            None if kind == PoolKind::Hp => report::code(Error::PoolAbsent) as u32,
            None => 0,
        }
    }

    /// Attaches to the pool `kind` the image defines
    /// ([`crate::linked`]), as the `attach` of the other sub-core build
    /// does with the one `set_pool` described: a pool whose `local` is NULL
    /// is "pool absent" for the HP pool and skipped (0) for the RTC pool,
    /// and a description `set_pool` would refuse gives its reason here. A
    /// skipped RTC pool is also detached: the image may have named one at
    /// an earlier `init` (the other build detaches in `set_pool`).
    #[cfg(feature = "linked-pools")]
    #[inline(never)]
    fn attach(reader: &mut Reader, kind: PoolKind, _cs: CriticalSection<'_>) -> u32 {
        let pool = crate::linked::pool(kind);
        if pool.local.is_null() {
            return match kind {
                // `open` detaches both pools on this failure.
                PoolKind::Hp => report::code(Error::PoolAbsent) as u32,
                PoolKind::Rtc => {
                    reader.detach(PoolKind::Rtc);
                    0
                }
            };
        }
        // SAFETY: the contract of `esp_amp_sys_info_pools` (the feature's):
        // the memory it names is the pool's for the whole program and used
        // only through this library.
        let region = unsafe { Region::new(pool.local.cast(), pool.bus_addr, pool.size) };
        match region.and_then(|region| reader.attach(region, kind)) {
            Ok(_) => 0,
            Err(e) => report::code(e) as u32,
        }
    }

    /// Attaches to every configured pool, the HP pool first. On any failure
    /// no pool stays attached. One critical section for the settings, the
    /// attaches and the clean-up.
    pub fn open() -> Code {
        write(|reader, cs| {
            let mut code = attach(reader, PoolKind::Hp, cs);
            if code == 0 {
                code = attach(reader, PoolKind::Rtc, cs);
            }
            if code != 0 {
                reader.detach(PoolKind::Hp);
                reader.detach(PoolKind::Rtc);
            }
            code as Code
        })
    }

    /// Finds a published block.
    #[inline]
    pub fn get(id: Id, kind: PoolKind) -> Result<Block, Error> {
        read(|reader| reader.get(id, kind))
    }

    /// Prints the attached tables, entry by entry, as the main core's dump.
    pub fn dump() {
        let mut out = DumpLines::new();
        // `DumpLines` never fails; a formatting error cannot happen.
        read(|reader| {
            let _ = reader.dump(&mut out);
        });
        out.flush();
    }
}

pub use side::dump;

#[cfg(not(feature = "sub-core"))]
pub use side::alloc;

/// Finds a published block in this core's view.
#[inline]
pub fn get(id: Id, kind: PoolKind) -> Result<Block, Error> {
    side::get(id, kind)
}
