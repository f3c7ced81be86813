//! Turning devicetree sources into a blob with the same tools and flags a
//! Zephyr build uses (`cmake/modules/dts.cmake`): the C preprocessor with
//! every input passed as `-include` in order on an empty source, then `dtc`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::Error;

/// The preprocessor; `CPP` overrides it (e.g. a cross toolchain's `cpp`).
fn cpp() -> String {
    std::env::var("CPP").unwrap_or_else(|_| "cpp".into())
}
/// The devicetree compiler; `DTC` overrides it (Zephyr's CMake cache has one).
fn dtc() -> String {
    std::env::var("DTC").unwrap_or_else(|_| "dtc".into())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn run(cmd: &mut Command, tool: &str) -> Result<Vec<u8>, Error> {
    let out = cmd.output().map_err(|e| Error::Tool {
        tool: tool.into(),
        status: "not started".into(),
        stderr: e.to_string(),
    })?;
    if !out.status.success() {
        return Err(Error::Tool {
            tool: tool.into(),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    Ok(out.stdout)
}

/// A scratch directory that removes itself.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, Error> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "amp-sysinfo-dt-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What `dtc` writes: a blob with labels kept (`-@`) so messages can name
/// nodes by label, or the final tree as DTS text (overlays merged,
/// `/delete-node/` applied), like the `zephyr.dts` of a build.
#[derive(Clone, Copy)]
enum Output {
    Blob,
    Dts,
}

/// Runs `dtc` on `dts` with the flags of Zephyr's dts.cmake; returns `out`'s
/// contents.
fn dtc_to(dts: &Path, output: Output, out: &Path) -> Result<Vec<u8>, Error> {
    let mut cmd = Command::new(dtc());
    cmd.args(["-I", "dts", "-O"]);
    match output {
        Output::Blob => cmd.args(["dtb", "-@"]),
        Output::Dts => cmd.arg("dts"),
    };
    // `-b 0` and the warning flags are those of Zephyr's dts.cmake.
    cmd.args(["-b", "0", "-E", "unit_address_vs_reg"])
        .args([
            "-Wno-unique_unit_address",
            "-Wunique_unit_address_if_enabled",
            "-q",
            "-o",
        ])
        .arg(out)
        .arg(dts);
    run(&mut cmd, "dtc")?;
    std::fs::read(out).map_err(io(out))
}

/// Compiles a complete DTS (e.g. a build's `zephyr.dts`) to a blob, with
/// labels kept (`-@`) so messages can name nodes by label.
pub fn compile(dts: &Path) -> Result<Vec<u8>, Error> {
    let scratch = Scratch::new()?;
    dtc_to(dts, Output::Blob, &scratch.0.join("out.dtb"))
}

/// Preprocesses a board DTS and its overlays as Zephyr does, in `scratch`.
/// Returns the preprocessed DTS file and every file `cpp` read.
fn preprocess(
    scratch: &Scratch,
    board: &Path,
    overlays: &[PathBuf],
    include_dirs: &[PathBuf],
) -> Result<(PathBuf, Vec<PathBuf>), Error> {
    let empty = scratch.0.join("empty.c");
    std::fs::write(&empty, b"").map_err(io(&empty))?;
    let dts = scratch.0.join("preprocessed.dts");
    let deps = scratch.0.join("preprocessed.d");
    let mut cmd = Command::new(cpp());
    cmd.args([
        "-x",
        "assembler-with-cpp",
        "-nostdinc",
        "-undef",
        "-D__DTS__",
        "-P",
        "-E",
    ]);
    for dir in include_dirs {
        cmd.arg("-isystem").arg(dir);
    }
    for file in std::iter::once(&board.to_path_buf()).chain(overlays) {
        let abs = std::fs::canonicalize(file).map_err(io(file))?;
        cmd.arg("-include").arg(abs);
    }
    cmd.arg("-MD")
        .arg("-MF")
        .arg(&deps)
        .arg("-o")
        .arg(&dts)
        .arg(&empty);
    run(&mut cmd, "cpp")?;
    let inputs = read_deps(&deps, &empty)?;
    Ok((dts, inputs))
}

/// Preprocesses a board DTS and its overlays as Zephyr does, then compiles.
/// Returns the blob, the preprocessed DTS text and every file `cpp` read.
pub fn preprocess_and_compile(
    board: &Path,
    overlays: &[PathBuf],
    include_dirs: &[PathBuf],
) -> Result<(Vec<u8>, String, Vec<PathBuf>), Error> {
    let scratch = Scratch::new()?;
    let (dts, inputs) = preprocess(&scratch, board, overlays, include_dirs)?;
    let text = std::fs::read_to_string(&dts).map_err(io(&dts))?;
    Ok((compile(&dts)?, text, inputs))
}

/// The final devicetree of a board DTS and its overlays as DTS text:
/// preprocessed as Zephyr does, then put through `dtc -O dts`, which merges
/// the overlays and applies `/delete-node/` (what a build's `zephyr.dts`
/// shows). No `-@`: the text has no `__symbols__` node.
pub fn final_dts(
    board: &Path,
    overlays: &[PathBuf],
    include_dirs: &[PathBuf],
) -> Result<String, Error> {
    let scratch = Scratch::new()?;
    let (dts, _inputs) = preprocess(&scratch, board, overlays, include_dirs)?;
    let out = scratch.0.join("final.dts");
    let text = dtc_to(&dts, Output::Dts, &out)?;
    String::from_utf8(text).map_err(|e| Error::Io {
        path: out,
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

/// Parses the make rule `cpp -MD` writes: every prerequisite but the source.
fn read_deps(deps: &Path, empty: &Path) -> Result<Vec<PathBuf>, Error> {
    let text = std::fs::read_to_string(deps).map_err(io(deps))?;
    let joined = text.replace("\\\n", " ");
    let after_colon = joined.split_once(": ").map(|(_, r)| r).unwrap_or("");
    Ok(after_colon
        .split_whitespace()
        .map(PathBuf::from)
        .filter(|p| p != empty)
        .collect())
}
