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

/// Compiles a complete DTS (e.g. a build's `zephyr.dts`) to a blob, with
/// labels kept (`-@`) so messages can name nodes by label.
pub fn compile(dts: &Path) -> Result<Vec<u8>, Error> {
    let scratch = Scratch::new()?;
    let out = scratch.0.join("out.dtb");
    let mut cmd = Command::new(dtc());
    // `-b 0` and the warning flags are those of Zephyr's dts.cmake.
    cmd.args([
        "-I",
        "dts",
        "-O",
        "dtb",
        "-@",
        "-b",
        "0",
        "-E",
        "unit_address_vs_reg",
    ])
    .args([
        "-Wno-unique_unit_address",
        "-Wunique_unit_address_if_enabled",
        "-q",
        "-o",
    ])
    .arg(&out)
    .arg(dts);
    run(&mut cmd, "dtc")?;
    std::fs::read(&out).map_err(io(&out))
}

/// Preprocesses a board DTS and its overlays as Zephyr does, then compiles.
/// Returns the blob, the preprocessed DTS text and every file `cpp` read.
pub fn preprocess_and_compile(
    board: &Path,
    overlays: &[PathBuf],
    include_dirs: &[PathBuf],
) -> Result<(Vec<u8>, String, Vec<PathBuf>), Error> {
    let scratch = Scratch::new()?;
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
    let text = std::fs::read_to_string(&dts).map_err(io(&dts))?;
    let inputs = read_deps(&deps, &empty)?;
    Ok((compile(&dts)?, text, inputs))
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
