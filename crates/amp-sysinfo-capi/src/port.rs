//! What a bare-metal static library needs from the image: a critical section
//! and a panic handler (both optional, by feature).

/// `critical-section` through the platform glue's C hooks.
#[cfg(all(target_os = "none", feature = "port-critical-section"))]
pub(crate) mod critical {
    use core::cell::UnsafeCell;

    extern "C" {
        /// Platform hook, defined by the platform glue, and only when the
        /// library is built with the cargo feature `port-critical-section`:
        /// the library's allocations and attach run between this call and
        /// esp_amp_sys_info_port_critical_exit(), which gets its result. On
        /// Zephyr: return irq_lock();. On a single-hart sub core without
        /// interrupt handlers that use this API it may do nothing. Host
        /// builds use the Rust standard library instead.
        pub fn esp_amp_sys_info_port_critical_enter() -> u32;
        /// Platform hook: leaves the critical section, restoring `state`
        /// (what esp_amp_sys_info_port_critical_enter() returned). On
        /// Zephyr: irq_unlock(state);.
        pub fn esp_amp_sys_info_port_critical_exit(state: u32);
    }

    /// Nesting depth and the outermost `enter`'s state. `critical-section`'s
    /// restore state is `()` unless the final image picks another width, so
    /// the hook's `u32` is kept here: only the outermost acquire calls the
    /// hooks, inner ones just count (the section is already held).
    struct Nesting {
        depth: UnsafeCell<u32>,
        state: UnsafeCell<u32>,
    }

    // SAFETY: both fields are only touched between `enter` and `exit` of the
    // platform's critical section on this (single-hart) core, or at depth 0
    // before `enter` by the one context that is about to take it.
    unsafe impl Sync for Nesting {}

    static NESTING: Nesting = Nesting {
        depth: UnsafeCell::new(0),
        state: UnsafeCell::new(0),
    };

    struct PortCriticalSection;
    critical_section::set_impl!(PortCriticalSection);

    // SAFETY: acquire/release pair up as `critical-section` requires: the
    // outermost acquire enters the platform's section and the matching
    // release leaves it with the state that enter returned.
    unsafe impl critical_section::Impl for PortCriticalSection {
        unsafe fn acquire() {
            // SAFETY: reading `depth` is race-free: a non-zero depth means this
            // context already holds the section (an interrupt cannot run);
            // zero means any interrupt that ran in between left it at zero.
            unsafe {
                if *NESTING.depth.get() == 0 {
                    let state = esp_amp_sys_info_port_critical_enter();
                    *NESTING.state.get() = state;
                }
                *NESTING.depth.get() += 1;
            }
        }

        unsafe fn release(_: ()) {
            // SAFETY: called inside the section taken by `acquire`.
            unsafe {
                *NESTING.depth.get() -= 1;
                if *NESTING.depth.get() == 0 {
                    esp_amp_sys_info_port_critical_exit(*NESTING.state.get());
                }
            }
        }
    }
}

/// Runs `f` inside the platform's critical section: the sub core's
/// `set_pool` and `init`, the only critical sections of its library (a
/// lookup takes none), which never nest. Bare metal with
/// `port-critical-section`: one direct call of each hook around `f`, without
/// `critical-section`'s nesting count (nothing in the sub core's library
/// holds a section when these run, so the call is the outermost). Otherwise
/// `critical_section::with`.
#[cfg(feature = "sub-core")]
#[inline]
pub(crate) fn section<R>(f: impl FnOnce(critical_section::CriticalSection<'_>) -> R) -> R {
    #[cfg(all(target_os = "none", feature = "port-critical-section"))]
    {
        // SAFETY: the hooks' contract: `exit` gets what `enter` returned,
        // once; between the two this core runs nothing that uses the API.
        let state = unsafe { critical::esp_amp_sys_info_port_critical_enter() };
        // SAFETY: inside the platform's critical section (above), until
        // `exit` below, after `f` has returned.
        let result = f(unsafe { critical_section::CriticalSection::new() });
        // SAFETY: as for `enter`.
        unsafe { critical::esp_amp_sys_info_port_critical_exit(state) };
        result
    }
    #[cfg(not(all(target_os = "none", feature = "port-critical-section")))]
    critical_section::with(f)
}

/// A staticlib for a bare-metal target must define the panic handler. The
/// library is written not to panic (every failure is a typed error), so this
/// is reached only on a bug; it parks the core. Images that already have a
/// handler (a Rust application, zephyr-lang-rust) build without the
/// `panic-handler` feature.
#[cfg(all(target_os = "none", feature = "panic-handler"))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
