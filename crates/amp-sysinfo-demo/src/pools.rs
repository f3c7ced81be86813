//! The pools the demo runs on, as both cores see them.

use amp_sysinfo::{format, Error, PoolConfig, PoolKind, Region};

/// A pool: its devicetree configuration and where this core sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool {
    region: Region,
    config: PoolConfig,
}

impl Pool {
    /// Pairs a region with its configuration; [`Error::RegionMismatch`] if
    /// the region is not the configured pool (other bus base or size).
    pub fn new(region: Region, config: PoolConfig) -> Result<Pool, Error> {
        if region.bus_base() != config.bus_base || region.size() != config.size {
            return Err(Error::RegionMismatch);
        }
        Ok(Pool { region, config })
    }

    /// The pool at its bus address, as on the ESP32-C6/C5/P4 and the twin.
    ///
    /// # Safety
    /// As for [`Region::identity`]: the pool's memory is valid, and nothing
    /// but SysInfo uses it (the devicetree keeps it out of every image).
    pub unsafe fn identity(config: PoolConfig) -> Result<Pool, Error> {
        // SAFETY: forwarded to the caller.
        let region = unsafe { Region::identity(&config) }?;
        Pool::new(region, config)
    }

    pub const fn region(&self) -> Region {
        self.region
    }

    pub const fn config(&self) -> &PoolConfig {
        &self.config
    }

    pub const fn kind(&self) -> PoolKind {
        self.config.kind
    }

    /// True if `size` bytes at bus address `bus` lie inside this pool's data
    /// area (after the header and table): the sub core's own bounds check.
    pub fn holds_block(&self, bus: u32, size: u16) -> bool {
        let data =
            self.config.bus_base as u64 + format::table_bytes(self.config.max_entries) as u64;
        let end = self.config.bus_base as u64 + self.config.size as u64;
        (bus as u64) >= data && bus as u64 + size as u64 <= end
    }
}

/// The system's pools: HP always, RTC when the LP core is the sub core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pools {
    pub hp: Pool,
    pub rtc: Option<Pool>,
}

impl Pools {
    /// [`Error::RegionMismatch`] unless `hp` is an HP pool and `rtc` an RTC pool.
    pub fn new(hp: Pool, rtc: Option<Pool>) -> Result<Pools, Error> {
        if hp.kind() != PoolKind::Hp || rtc.is_some_and(|p| p.kind() != PoolKind::Rtc) {
            return Err(Error::RegionMismatch);
        }
        Ok(Pools { hp, rtc })
    }

    /// The devicetree's pools (`HP_POOL`, `RTC_POOL` of a generated
    /// `pools.rs`) at their bus addresses: what every image of the demo
    /// starts from.
    ///
    /// # Safety
    /// As for [`Pool::identity`], for both pools.
    pub unsafe fn identity(hp: PoolConfig, rtc: Option<PoolConfig>) -> Result<Pools, Error> {
        // SAFETY: forwarded to the caller.
        let hp = unsafe { Pool::identity(hp) }?;
        let rtc = match rtc {
            // SAFETY: forwarded to the caller.
            Some(cfg) => Some(unsafe { Pool::identity(cfg) }?),
            None => None,
        };
        Pools::new(hp, rtc)
    }

    /// The pool of `kind`, if the system has it.
    pub fn get(&self, kind: PoolKind) -> Option<&Pool> {
        match kind {
            PoolKind::Hp => Some(&self.hp),
            PoolKind::Rtc => self.rtc.as_ref(),
        }
    }

    /// The pools present, HP first.
    pub fn iter(&self) -> impl Iterator<Item = &Pool> {
        core::iter::once(&self.hp).chain(self.rtc.as_ref())
    }
}
