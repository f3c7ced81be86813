//! The SysInfo demo's application logic, written once for every system that
//! runs it: the QEMU twin's two images and the Zephyr sample (main core) with
//! its bare-metal LP-core image (sub core).
//!
//! The main core ([`main_setup`], [`main_publish_more`], [`main_wait_reply`],
//! [`main_report`], [`main_stress`]) formats the pools or re-attaches a
//! retained RTC pool, allocates the six reserved ids, the specification's `Person_t`
//! ([`Person`]) and a [`Reply`] block, and keeps publishing after the sub
//! core booted. The sub core ([`sub_wait_attach`], [`sub_check`],
//! [`sub_stress`]) attaches, looks every entry up by id, checks contents and
//! bounds, and writes its findings into the reply block it found through
//! SysInfo. Output goes to any [`core::fmt::Write`], one line per event.
//!
//! The cores wait for each other by polling with a budget ([`Patience`]) and a
//! `pause` closure the caller provides (a spin loop on bare metal, `k_sleep`
//! under Zephyr, a thread yield on the host).
//!
//! ```
//! # #[repr(C, align(16))] struct Mem([u8; 0x1000]);
//! # let (mut hp_mem, mut rtc_mem) = (Mem([0; 0x1000]), Mem([0; 0x1000]));
//! use amp_sysinfo::{PoolConfig, PoolKind, Reader, Region, Writer};
//! use amp_sysinfo_demo::*;
//!
//! let hp = PoolConfig::new(PoolKind::Hp, 0x4080_0000, 0x1000);
//! let rtc = PoolConfig::new(PoolKind::Rtc, 0x5000_0000, 0x1000);
//! // SAFETY: both buffers outlive every use below; only SysInfo touches them.
//! let pools = unsafe {
//!     Pools::new(
//!         Pool::new(Region::new(hp_mem.0.as_mut_ptr(), hp.bus_base, hp.size).unwrap(), hp).unwrap(),
//!         Some(Pool::new(Region::new(rtc_mem.0.as_mut_ptr(), rtc.bus_base, rtc.size).unwrap(), rtc).unwrap()),
//!     )
//!     .unwrap()
//! };
//! let (mut main_log, mut sub_log) = (String::new(), String::new());
//!
//! // Main core: set up and publish, then start the sub core.
//! let writer = Writer::new();
//! let setup = main_setup(&writer, &pools, &mut main_log).unwrap();
//! amp_sysinfo::fence_before_sub_core_start();
//! // Late entries (on a real system: after the sub core reported it attached).
//! main_publish_more(&writer, &mut main_log).unwrap();
//!
//! // Sub core (here on the same thread, for brevity).
//! let mut reader = Reader::new();
//! sub_wait_attach(&mut reader, &pools, &mut sub_log, Patience::polls(10), &mut || ()).unwrap();
//! let findings = sub_check(&reader, &pools, 1, &mut sub_log, Patience::polls(10), &mut || ()).unwrap();
//! assert_eq!(findings.errors, 0);
//!
//! // Main core: the reply.
//! let reply = main_wait_reply(&setup.reply, ReplyState::Done, Patience::polls(1), &mut || ()).unwrap();
//! main_report(&reply, &mut main_log).unwrap();
//! assert!(sub_log.contains("person 0x0001: \"Ada Lovelace\", age 36, ok"));
//! ```
#![no_std]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

#[cfg(test)]
extern crate std;

mod blocks;
mod error;
mod main_core;
mod pools;
mod stress;
mod sub_core;
pub mod testing;

pub use blocks::*;
pub use error::DemoError;
pub use main_core::{main_publish_more, main_report, main_setup, main_wait_reply, Setup};
pub use pools::{Pool, Pools};
pub use stress::{main_stress, main_stress_report, sub_stress};
pub use sub_core::{sub_check, sub_round, sub_wait_attach};

use amp_sysinfo::{Block, Error};
use zerocopy::{FromBytes, IntoBytes};

/// How long to wait for the other core: this many polls, with the caller's
/// `pause` between two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patience {
    pub polls: u32,
}

impl Patience {
    pub const fn polls(polls: u32) -> Patience {
        Patience { polls }
    }
}

/// A volatile copy of a block holding exactly one `T`.
pub(crate) fn read_typed<T: FromBytes + IntoBytes>(block: &Block) -> Result<T, Error> {
    if block.size() as usize != core::mem::size_of::<T>() {
        return Err(Error::SizeMismatch);
    }
    let mut value = T::new_zeroed();
    block.read(0, value.as_mut_bytes())?;
    Ok(value)
}

/// Overwrites a block holding exactly one `T`.
pub(crate) fn write_typed<T: IntoBytes + zerocopy::Immutable>(
    block: &Block,
    value: &T,
) -> Result<(), Error> {
    if block.size() as usize != core::mem::size_of::<T>() {
        return Err(Error::SizeMismatch);
    }
    block.write(0, value.as_bytes())
}

#[cfg(test)]
mod tests;
