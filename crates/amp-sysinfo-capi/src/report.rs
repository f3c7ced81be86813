//! Why a call failed: the last-error string, the C log sink and `log`.
//!
//! The error path builds its line by copying bytes (no `core::fmt`), so a
//! sub-core image that never calls `esp_amp_sys_info_dump` does not pay for
//! the formatting machinery.

use core::ffi::{c_char, CStr};
use core::fmt;
use core::sync::atomic::{AtomicPtr, AtomicU8, Ordering};

use amp_sysinfo::Error;

use crate::abi::{esp_amp_sys_info_cap_t, esp_amp_sys_info_log_fn_t};

/// Why a C call failed: an error of the core crate, or one only the C
/// boundary can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The core crate refused.
    Core(Error),
    /// `cap` is neither `SYS_INFO_CAP_HP` nor `SYS_INFO_CAP_RTC`.
    InvalidCap,
    /// A pointer that must not be NULL was NULL.
    NullPointer,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

impl Failure {
    /// The NUL-terminated reason `esp_amp_sys_info_last_error` returns. For
    /// core errors it is the text of [`Error::as_str`].
    pub const fn reason(self) -> &'static CStr {
        match self {
            Failure::Core(e) => e.as_cstr(),
            Failure::InvalidCap => c"invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)",
            Failure::NullPointer => c"null pointer",
        }
    }
}

impl Failure {
    /// The failure as one byte: [`Error::code`] + 1 for the core's errors,
    /// 0xfe and 0xfd for the boundary's own (0 is "ok").
    pub const fn code(self) -> u8 {
        match self {
            Failure::Core(e) => e.code() + 1,
            Failure::InvalidCap => 0xfe,
            Failure::NullPointer => 0xfd,
        }
    }

    /// The failure of [`Failure::code`] `code` (`None` for 0, "ok").
    pub const fn from_code(code: u8) -> Option<Failure> {
        match code {
            0xfe => Some(Failure::InvalidCap),
            0xfd => Some(Failure::NullPointer),
            0 => None,
            c => match Error::from_code(c - 1) {
                Some(e) => Some(Failure::Core(e)),
                None => None,
            },
        }
    }
}

const OK: &CStr = c"ok";

/// The outcome of the last call, as [`Failure::code`] (0: ok): one byte, so
/// that a failing call stores just that (the text is looked up only by
/// `esp_amp_sys_info_last_error`, which a sub core need not link). Atomic so
/// that an interrupt handler calling the API cannot tear it (a plain
/// load/store: no read-modify-write on `riscv32i`).
static LAST: AtomicU8 = AtomicU8::new(0);

/// The log sink, as a type-erased function pointer (null: none).
static SINK: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

/// The reason of the most recent call's outcome ("ok" after a success).
pub fn last() -> &'static CStr {
    Failure::from_code(LAST.load(Ordering::Relaxed)).map_or(OK, Failure::reason)
}

/// A call's outcome as stored: 0 for "ok", else [`Failure::code`]. The
/// library's functions pass outcomes around as this byte, so that recording
/// one is a single store (no conversion from an enum at the boundary).
pub type Code = u8;

/// The [`Code`] of a core error ([`Failure::code`] of `Failure::Core(e)`):
/// one add, `Error` being `repr(u8)`.
#[inline(always)]
pub const fn code(e: Error) -> Code {
    e.code() + 1
}

/// The [`Code`] of an invalid cap.
pub const INVALID_CAP: Code = Failure::InvalidCap.code();

/// The [`Code`] of a NULL pointer.
pub const NULL_POINTER: Code = Failure::NullPointer.code();

/// Whether failing calls send a line to the C sink: the main core's build
/// with the `log-failures` feature (default). The sub core's build never
/// does: a lookup-only image pays for storing the code and nothing else.
pub const LOGS_FAILURES: bool = cfg!(all(feature = "log-failures", not(feature = "sub-core")));

/// Records a successful call.
#[inline]
pub fn succeeded() {
    LAST.store(0, Ordering::Relaxed);
}

/// Sets (or, with `None`, clears) the C log sink.
pub fn set_sink(sink: esp_amp_sys_info_log_fn_t) {
    let raw = match sink {
        Some(f) => f as *mut (),
        None => core::ptr::null_mut(),
    };
    SINK.store(raw, Ordering::Release);
}

fn sink() -> esp_amp_sys_info_log_fn_t {
    let raw = SINK.load(Ordering::Acquire);
    if raw.is_null() {
        None
    } else {
        // SAFETY: non-null values of `SINK` were stored by `set_sink` from a
        // function pointer of exactly this type; function and data pointers
        // have the same size and representation on every supported target.
        Some(unsafe { core::mem::transmute::<*mut (), unsafe extern "C" fn(*const c_char)>(raw) })
    }
}

/// Which API call failed, for the log line: the function's name and the
/// id and cap it was given, if it takes them.
#[derive(Debug, Clone, Copy)]
// Builds that log no failure line name no call (they store codes only).
#[cfg_attr(
    not(any(
        feature = "log",
        all(feature = "log-failures", not(feature = "sub-core"))
    )),
    allow(dead_code)
)]
pub struct Op {
    name: &'static str,
    id: Option<u16>,
    cap: Option<esp_amp_sys_info_cap_t>,
}

impl Op {
    /// `esp_amp_sys_info_alloc(id, .., cap)`.
    pub const fn alloc(id: u16, cap: esp_amp_sys_info_cap_t) -> Op {
        Op {
            name: "esp_amp_sys_info_alloc",
            id: Some(id),
            cap: Some(cap),
        }
    }
    /// `esp_amp_sys_info_get(id, .., cap)`.
    pub const fn get(id: u16, cap: esp_amp_sys_info_cap_t) -> Op {
        Op {
            name: "esp_amp_sys_info_get",
            id: Some(id),
            cap: Some(cap),
        }
    }
    /// `esp_amp_sys_info_init()`.
    pub const INIT: Op = Op {
        name: "esp_amp_sys_info_init",
        id: None,
        cap: None,
    };
    /// `esp_amp_sys_info_set_pool(cap, ..)`.
    pub const fn set_pool(cap: esp_amp_sys_info_cap_t) -> Op {
        Op {
            name: "esp_amp_sys_info_set_pool",
            id: None,
            cap: Some(cap),
        }
    }
}

/// Records the outcome `code` of `op` (0: success): stores it (what
/// `esp_amp_sys_info_last_error` reads); on a failure, with
/// [`LOGS_FAILURES`], also one line to the C sink (if set), and one
/// `log::warn!` with the `log` feature. Without those, recording a failure
/// is the one store of its code (the text is looked up only by
/// `esp_amp_sys_info_last_error`, linked only where it is called).
#[inline]
pub fn record(op: Op, code: Code) {
    LAST.store(code, Ordering::Relaxed);
    if (LOGS_FAILURES || cfg!(feature = "log")) && code != 0 {
        log_failure(op, code);
    }
    let _ = op;
}

/// Records a failure: [`record`] with its code.
#[inline]
pub fn failed(op: Op, failure: Failure) {
    record(op, failure.code());
}

/// The failure's line to the sink and to `log` (out of line: the error
/// path only).
#[cold]
#[inline(never)]
#[cfg_attr(
    not(any(
        feature = "log",
        all(feature = "log-failures", not(feature = "sub-core"))
    )),
    allow(dead_code)
)]
fn log_failure(op: Op, code: Code) {
    let reason = Failure::from_code(code).map_or(OK, Failure::reason);
    #[cfg(feature = "log")]
    {
        let mut line = Line::new();
        describe(&mut line, op);
        let call = core::str::from_utf8(line.as_bytes()).unwrap_or(op.name);
        log::warn!("{call}: {}", reason.to_str().unwrap_or("?"));
    }
    if !LOGS_FAILURES {
        return;
    }
    if let Some(sink) = sink() {
        let mut line = Line::new();
        describe(&mut line, op);
        line.push(b": ");
        line.push(reason.to_bytes());
        line.emit(sink);
    }
}

/// `esp_amp_sys_info_get(id 0x0001, cap 0)` and the like, without `core::fmt`.
#[cfg_attr(
    not(any(
        feature = "log",
        all(feature = "log-failures", not(feature = "sub-core"))
    )),
    allow(dead_code)
)]
fn describe(line: &mut Line, op: Op) {
    line.push(op.name.as_bytes());
    line.push(b"(");
    if let Some(id) = op.id {
        line.push(b"id 0x");
        line.push_hex(id as u32, 4);
        if op.cap.is_some() {
            line.push(b", ");
        }
    }
    if let Some(cap) = op.cap {
        line.push(b"cap ");
        line.push_hex(cap.0, 1);
    }
    line.push(b")");
}

/// Sends one line of `dump` output to the C sink and to `log`.
pub fn dump_line(text: &[u8]) {
    #[cfg(feature = "log")]
    log::info!("{}", valid_prefix(text));
    if let Some(sink) = sink() {
        let mut line = Line::new();
        line.push(text);
        line.emit(sink);
    }
}

/// The longest valid UTF-8 prefix of `bytes` (a cut line may end inside a
/// character).
#[cfg(feature = "log")]
fn valid_prefix(bytes: &[u8]) -> &str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => bytes
            .get(..e.valid_up_to())
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or(""),
    }
}

/// Whether dump output goes anywhere (skip formatting otherwise).
pub fn has_output() -> bool {
    cfg!(feature = "log") || !SINK.load(Ordering::Relaxed).is_null()
}

/// A line of at most `Line::CAP - 1` bytes (longer text is cut), always
/// NUL-terminated when emitted.
pub struct Line {
    buf: [u8; Line::CAP],
    len: usize,
}

impl Line {
    /// Bytes of the buffer, NUL included.
    pub const CAP: usize = 128;

    /// An empty line.
    pub const fn new() -> Self {
        Line {
            buf: [0; Line::CAP],
            len: 0,
        }
    }

    /// Appends `bytes` (an embedded NUL ends the C string early, harmlessly).
    /// Written without indexing so that no panic path is compiled in.
    pub fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            // The last byte of `buf` is kept for the NUL.
            match self.buf.get_mut(self.len) {
                Some(slot) if self.len + 1 < Line::CAP => *slot = b,
                _ => return,
            }
            self.len += 1;
        }
    }

    /// Appends the low `digits` hex digits of `value`, lower case (a value
    /// needing more digits gets them).
    pub fn push_hex(&mut self, value: u32, digits: u32) {
        let needed = (32 - value.leading_zeros())
            .div_ceil(4)
            .max(digits.clamp(1, 8));
        for i in (0..needed).rev() {
            let nibble = ((value >> (i * 4)) & 0xf) as u8;
            self.push(&[if nibble < 10 {
                b'0' + nibble
            } else {
                b'a' + nibble - 10
            }]);
        }
    }

    /// The text so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    fn emit(&mut self, sink: unsafe extern "C" fn(*const c_char)) {
        match self.buf.get_mut(self.len) {
            Some(nul) => *nul = 0,
            None => return,
        }
        // SAFETY: `buf` is NUL-terminated (len < CAP) and lives across the
        // call; the sink's contract (header) is to read the line only.
        unsafe { sink(self.buf.as_ptr().cast()) };
    }
}

impl Default for Line {
    fn default() -> Self {
        Line::new()
    }
}

/// Collects `core::fmt` output and emits it line by line to [`dump_line`].
pub struct DumpLines {
    line: Line,
}

impl DumpLines {
    /// No pending text.
    pub const fn new() -> Self {
        DumpLines { line: Line::new() }
    }

    /// Emits a pending partial line, if any.
    pub fn flush(&mut self) {
        if self.line.len > 0 {
            self.emit();
        }
    }

    fn emit(&mut self) {
        dump_line(self.line.as_bytes());
        self.line = Line::new();
    }
}

impl Default for DumpLines {
    fn default() -> Self {
        DumpLines::new()
    }
}

impl fmt::Write for DumpLines {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Byte by byte: no slicing, so no panic path in the image.
        for &b in s.as_bytes() {
            if b == b'\n' {
                self.emit();
            } else {
                self.line.push(&[b]);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The reason texts are pinned once, in the core's table
    // (`amp_sysinfo::Error`'s tests); the C programs under `tests/c` check
    // what `esp_amp_sys_info_last_error` returns after each failing call.

    #[test]
    fn hex_digits_are_padded_and_never_truncated() {
        let mut line = Line::new();
        line.push_hex(0x1, 4);
        line.push(b" ");
        line.push_hex(0xff05, 1);
        line.push(b" ");
        line.push_hex(0x1_2345, 4);
        line.push(b" ");
        line.push_hex(0, 1);
        assert_eq!(line.as_bytes(), b"0001 ff05 12345 0");
    }

    #[test]
    fn long_lines_are_cut_and_keep_room_for_the_nul() {
        let mut line = Line::new();
        line.push(&[b'x'; 300]);
        assert_eq!(line.as_bytes().len(), Line::CAP - 1);
    }

    #[test]
    fn describes_each_operation() {
        let cases: [(Op, &[u8]); 5] = [
            (
                Op::alloc(0x1, esp_amp_sys_info_cap_t(0)),
                b"esp_amp_sys_info_alloc(id 0x0001, cap 0)",
            ),
            (
                Op::get(0xff05, esp_amp_sys_info_cap_t(1)),
                b"esp_amp_sys_info_get(id 0xff05, cap 1)",
            ),
            (Op::INIT, b"esp_amp_sys_info_init()"),
            (
                Op::set_pool(esp_amp_sys_info_cap_t(7)),
                b"esp_amp_sys_info_set_pool(cap 7)",
            ),
            (
                Op::set_pool(esp_amp_sys_info_cap_t(0xdead_beef)),
                b"esp_amp_sys_info_set_pool(cap deadbeef)",
            ),
        ];
        for (op, want) in cases {
            let mut line = Line::new();
            describe(&mut line, op);
            assert_eq!(line.as_bytes(), want, "{op:?}");
        }
    }

    static LINES: std::sync::Mutex<std::vec::Vec<std::string::String>> =
        std::sync::Mutex::new(std::vec::Vec::new());

    unsafe extern "C" fn collect(line: *const c_char) {
        // SAFETY: the library passes a NUL-terminated line.
        let text = unsafe { CStr::from_ptr(line) }
            .to_string_lossy()
            .into_owned();
        LINES.lock().unwrap().push(text);
    }

    /// The only test that touches the global sink: dump output split into
    /// NUL-terminated lines, pieces joined, a partial line flushed.
    #[test]
    fn dump_output_reaches_the_sink_line_by_line() {
        use core::fmt::Write;
        set_sink(Some(collect));
        let mut out = DumpLines::new();
        write!(out, "first {}\nsec", 1).unwrap();
        out.write_str("ond\n\nthird").unwrap();
        out.flush();
        out.flush();
        set_sink(None);
        dump_line(b"not collected");
        let lines = LINES.lock().unwrap().clone();
        assert_eq!(lines, ["first 1", "second", "", "third"]);
    }
}
