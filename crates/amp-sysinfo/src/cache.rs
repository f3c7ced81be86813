//! Cache maintenance for SoCs whose shared RAM is cached (ESP32-P4's L1/L2
//! in front of HP RAM). The C6/C5 share uncached SRAM: [`NoCache`].

/// Runs before the writer publishes (write back) and before a reader reads
/// (discard stale lines). Implementations must handle ranges that are not
/// cache-line aligned (round outwards).
pub trait CacheSync {
    /// Write back `len` bytes at `addr` so the other core sees them.
    fn clean(&self, addr: *const u8, len: usize);
    /// Drop cached copies of `len` bytes at `addr` so the next read fetches memory.
    fn invalidate(&self, addr: *const u8, len: usize);
}

/// No cache in front of shared memory: both hooks compile to nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoCache;

impl CacheSync for NoCache {
    #[inline(always)]
    fn clean(&self, _addr: *const u8, _len: usize) {}
    #[inline(always)]
    fn invalidate(&self, _addr: *const u8, _len: usize) {}
}

/// The fence the main core must issue after publishing and before the MMIO
/// write that starts (or releases) the sub core. RISC-V's RVWMO does not order
/// memory against device I/O, so `fence rw, rw` is not enough: `fence rw, iorw`
/// orders every earlier memory access before the later I/O write.
#[inline]
pub fn fence_before_sub_core_start() {
    #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
    // SAFETY: a fence has no operands and no effect other than ordering; it
    // is not `nomem`, so the compiler also keeps memory accesses on their side.
    unsafe {
        core::arch::asm!("fence rw, iorw", options(nostack, preserves_flags));
    }
    #[cfg(not(any(target_arch = "riscv32", target_arch = "riscv64")))]
    core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
}
