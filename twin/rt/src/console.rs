//! A line-buffered console on the `virt` machine's 16550 UART, shared by both
//! harts: a line is collected locally and written whole while holding a spin
//! lock in the board's control page, so the two images' lines never mix.

use core::fmt;
use core::sync::atomic::{AtomicU32, Ordering};

use twin_board::{control, mmio};

const LINE: usize = 160;
/// Transmit-holding register is empty (Line Status Register bit 5).
const LSR_THRE: u8 = 1 << 5;

/// A console that prefixes every line with `[tag]`.
///
/// ```no_run
/// use core::fmt::Write;
/// let mut out = twin_rt::Console::new("main");
/// writeln!(out, "hello from hart {}", 0).ok();
/// ```
pub struct Console {
    tag: &'static str,
    buf: [u8; LINE],
    len: usize,
}

impl Console {
    pub const fn new(tag: &'static str) -> Console {
        Console {
            tag,
            buf: [0; LINE],
            len: 0,
        }
    }

    fn flush_line(&mut self) {
        let lock = console_lock();
        while lock.swap(1, Ordering::Acquire) != 0 {
            core::hint::spin_loop();
        }
        raw_write(b"[");
        raw_write(self.tag.as_bytes());
        raw_write(b"] ");
        raw_write(self.buf.get(..self.len).unwrap_or(&[]));
        raw_write(b"\n");
        lock.store(0, Ordering::Release);
        self.len = 0;
    }
}

impl fmt::Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if b == b'\n' {
                self.flush_line();
            } else {
                if self.len >= LINE {
                    // Too long for one line: break it rather than lose it.
                    self.flush_line();
                }
                // `get_mut`, not indexing: no panic path in the images.
                if let Some(slot) = self.buf.get_mut(self.len) {
                    *slot = b;
                    self.len += 1;
                }
            }
        }
        Ok(())
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        if self.len > 0 {
            self.flush_line();
        }
    }
}

fn console_lock() -> &'static AtomicU32 {
    // SAFETY: the word is in the control page (RAM both harts map, outside
    // every image and pool, 4-aligned); it is only ever accessed atomically.
    unsafe { AtomicU32::from_ptr(control::CONSOLE_LOCK as *mut u32) }
}

/// Writes bytes to the UART without the lock (the panic path uses it: the
/// panicking hart may hold the lock already).
pub fn raw_write(bytes: &[u8]) {
    let thr = mmio::UART0 as *mut u8;
    let lsr = (mmio::UART0 + 5) as *const u8;
    for &b in bytes {
        // SAFETY: the 16550's registers at the `virt` machine's UART0 base;
        // byte accesses are what the device expects.
        unsafe {
            while core::ptr::read_volatile(lsr) & LSR_THRE == 0 {}
            core::ptr::write_volatile(thr, b);
        }
    }
}

/// `fmt::Write` straight to the UART, no lock, no prefix (panic path).
pub struct RawUart;

impl fmt::Write for RawUart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        raw_write(s.as_bytes());
        Ok(())
    }
}
