//! Guest memory from a running QEMU, through its human monitor (HMP) on a
//! unix socket (`-monitor unix:PATH,server,nowait`) or TCP
//! (`-monitor tcp:HOST:PORT,server,nowait`): `pmemsave` of each range into a
//! scratch file, with the guest stopped for the snapshot and resumed after
//! if it was running.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};

const PROMPT: &str = "(qemu) ";

trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

/// A connection to a QEMU monitor.
pub struct Monitor {
    stream: Box<dyn Stream>,
    name: String,
}

impl Monitor {
    /// Connects to `addr`: a unix socket path, or `tcp:HOST:PORT`.
    pub fn connect(addr: &str) -> Result<Monitor> {
        let timeout = Some(Duration::from_secs(20));
        let stream: Box<dyn Stream> = match addr.strip_prefix("tcp:") {
            Some(hp) => {
                let s = TcpStream::connect(hp)
                    .with_context(|| format!("connecting to the QEMU monitor at {hp}"))?;
                s.set_read_timeout(timeout)?;
                Box::new(s)
            }
            None => {
                let path = addr.strip_prefix("unix:").unwrap_or(addr);
                let s = UnixStream::connect(path).with_context(|| {
                    format!("connecting to the QEMU monitor socket {path} (is QEMU running with `-monitor unix:{path},server,nowait`?)")
                })?;
                s.set_read_timeout(timeout)?;
                Box::new(s)
            }
        };
        let mut m = Monitor {
            stream,
            name: addr.to_string(),
        };
        m.read_prompt()
            .context("waiting for the QEMU monitor's prompt")?;
        Ok(m)
    }

    fn read_prompt(&mut self) -> Result<String> {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = self
                .stream
                .read(&mut buf)
                .with_context(|| format!("reading from the QEMU monitor {}", self.name))?;
            if n == 0 {
                bail!("the QEMU monitor {} closed the connection", self.name);
            }
            out.extend_from_slice(&buf[..n]);
            if out.ends_with(PROMPT.as_bytes()) {
                let text = String::from_utf8_lossy(&out[..out.len() - PROMPT.len()]).into_owned();
                return Ok(strip_escapes(&text));
            }
        }
    }

    /// Runs one monitor command; its output (without the echo and prompt).
    pub fn command(&mut self, cmd: &str) -> Result<String> {
        self.stream.write_all(format!("{cmd}\n").as_bytes())?;
        let out = self.read_prompt()?;
        // The monitor echoes the command line first.
        let out = out
            .split_once('\n')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default();
        Ok(out.replace('\r', ""))
    }

    /// `info status`: `running`, `paused`, `paused (shutdown)`, ...
    pub fn status(&mut self) -> Result<String> {
        let s = self.command("info status")?;
        Ok(s.trim().trim_start_matches("VM status:").trim().to_string())
    }

    /// Reads `len` bytes of guest physical memory at `addr` (`pmemsave` into
    /// a scratch file in `dir`, which QEMU must be able to write).
    pub fn read_memory(&mut self, addr: u32, len: u32, dir: &Path) -> Result<Vec<u8>> {
        let file = dir.join(format!("pmem-{addr:08x}-{len:x}.bin"));
        let _ = std::fs::remove_file(&file);
        let out = self.command(&format!(
            "pmemsave {addr:#x} {len:#x} \"{}\"",
            file.display()
        ))?;
        let bytes = std::fs::read(&file).with_context(|| {
            format!(
                "QEMU did not write {} (monitor said: {})",
                file.display(),
                out.trim()
            )
        })?;
        let _ = std::fs::remove_file(&file);
        if bytes.len() != len as usize {
            bail!("pmemsave wrote {} of {len} bytes at {addr:#x}", bytes.len());
        }
        Ok(bytes)
    }
}

/// Drops the terminal escapes QEMU's readline monitor sends.
fn strip_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Reads every `(addr, len)` range from the QEMU at `addr`, stopping the
/// guest for the snapshot (all ranges from the same instant) and resuming it
/// if it was running. Returns the bytes and the status QEMU reported before.
pub fn snapshot(monitor: &str, ranges: &[(u32, u32)]) -> Result<(Vec<Vec<u8>>, String)> {
    let mut m = Monitor::connect(monitor)?;
    let status = m.status()?;
    let running = status == "running";
    if running {
        m.command("stop")?;
    }
    let dir = scratch_dir()?;
    let result = ranges
        .iter()
        .map(|&(a, l)| m.read_memory(a, l, &dir))
        .collect::<Result<Vec<_>>>();
    if running {
        m.command("cont")?;
    }
    let _ = std::fs::remove_dir(&dir);
    Ok((result?, status))
}

fn scratch_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("amp-sysinfo-qemu-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
