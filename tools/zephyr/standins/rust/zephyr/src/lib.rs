//! Stand-in of the `zephyr` crate: see Cargo.toml. Type-checking only; the
//! bodies do nothing useful.
#![no_std]

pub mod printk {
    use core::fmt::Arguments;

    /// Upstream: writes through `k_str_out`.
    pub fn printk(_args: Arguments<'_>) {}
    pub fn printkln(_args: Arguments<'_>) {}
}

/// Upstream: `zephyr::printk!`, same syntax as `format!`.
#[macro_export]
macro_rules! printk {
    ($($arg:tt)*) => {{
        $crate::printk::printk(format_args!($($arg)*));
    }};
}

/// Upstream: `zephyr::printkln!`.
#[macro_export]
macro_rules! printkln {
    ($($arg:tt)*) => {{
        $crate::printk::printkln(format_args!($($arg)*));
    }};
}

pub mod kconfig {
    /// Upstream: generated from the build's .config.
    pub const CONFIG_BOARD: &str = "stand-in";
}

pub mod time {
    /// Upstream: `CONFIG_SYS_CLOCK_TICKS_PER_SEC`.
    pub const SYS_FREQUENCY: u32 = 10_000;
    pub type Tick = u64;
    pub type Duration = fugit::Duration<Tick, 1, SYS_FREQUENCY>;

    /// Upstream: wraps `k_timeout_t`.
    pub struct Timeout(pub i64);

    impl From<Duration> for Timeout {
        fn from(value: Duration) -> Timeout {
            Timeout(value.ticks() as i64)
        }
    }

    /// Upstream: `k_sleep`; returns the time left if woken early.
    pub fn sleep<T>(timeout: T) -> Duration
    where
        T: Into<Timeout>,
    {
        let _ = timeout.into();
        Duration::millis(0)
    }
}

/// Upstream: `irq_lock`/`irq_unlock`. A stand-in never runs: it panics.
struct StandInCriticalSection;
critical_section::set_impl!(StandInCriticalSection);

// SAFETY: never called in a stand-in build (nothing is linked or run).
unsafe impl critical_section::Impl for StandInCriticalSection {
    unsafe fn acquire() -> critical_section::RawRestoreState {
        panic!("zephyr stand-in: not for running")
    }

    unsafe fn release(_token: critical_section::RawRestoreState) {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
