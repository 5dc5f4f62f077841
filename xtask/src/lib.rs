//! The work behind `cargo xtask`: regenerating `generated/` from `model/`
//! and checking that the committed output is fresh.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use sdkgen::{Options, OutputFile};

/// The workspace root (the folder above `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// The Python interpreter of the oracle venv (`.venv/` at the root), which
/// holds the peer clients (the official oVirt Python SDK, esdc-api) that
/// wire-compatibility tests and benchmarks compare against.
pub fn oracle_python(root: &Path) -> PathBuf {
    root.join(".venv/bin/python")
}

/// The Python modules of the peer clients the oracle venv must hold.
const ORACLE_MODULES: &str = "import ovirtsdk4, esdc_api, requests";

/// Creates the oracle venv when it is missing, and installs
/// `xtask/oracle-requirements.txt` into it when it lacks a peer client (a
/// venv made before a peer was added gets it on the next run).
pub fn ensure_oracle(root: &Path) -> Result<PathBuf, String> {
    use std::process::Command;
    let python = oracle_python(root);
    let has_sdk =
        |p: &Path| Command::new(p).args(["-c", ORACLE_MODULES]).output().map(|o| o.status.success()).unwrap_or(false);
    if python.exists() && has_sdk(&python) {
        return Ok(python);
    }
    eprintln!("setting up the Python oracle in .venv (the peer clients of xtask/oracle-requirements.txt)");
    if !python.exists() {
        let status = Command::new("python3").arg("-m").arg("venv").arg(root.join(".venv")).status();
        if !status.map(|s| s.success()).unwrap_or(false) {
            return Err("`python3 -m venv .venv` failed".into());
        }
    }
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(root.join("xtask/oracle-requirements.txt"))
        .status();
    if !status.map(|s| s.success()).unwrap_or(false) {
        return Err("installing xtask/oracle-requirements.txt into .venv failed".into());
    }
    if has_sdk(&python) { Ok(python) } else { Err(format!("the oracle venv cannot `{ORACLE_MODULES}`")) }
}

/// Every model folder below `model/`, sorted.
pub fn model_dirs(root: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(root.join("model"))? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    Ok(out)
}

/// The generator options for the model folder `model/<name>`.
pub fn options_for(name: &str) -> Options {
    Options {
        crate_name: format!("{name}-sdk"),
        crate_version: "0.1.0".to_owned(),
        runtime_path: "../../runtime".to_owned(),
        runtime_version: "0.1.0".to_owned(),
        model_label: format!("model/{name}"),
    }
}

/// How one emitted file compares with what is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Not on disk yet.
    Added(PathBuf),
    /// On disk with other contents.
    Changed(PathBuf),
    /// On disk but no longer emitted.
    Removed(PathBuf),
}

impl Change {
    /// The file concerned.
    pub fn path(&self) -> &Path {
        match self {
            Change::Added(p) | Change::Changed(p) | Change::Removed(p) => p,
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (word, p) = match self {
            Change::Added(p) => ("added  ", p),
            Change::Changed(p) => ("changed", p),
            Change::Removed(p) => ("removed", p),
        };
        write!(f, "{word} {}", p.display())
    }
}

/// Where the call tables of the method-level wire test go (one file per model).
pub const CALL_TABLES: &str = "tests/ovirt/tests/oracle/calls";

/// Result of generating every model.
#[derive(Debug, Default)]
pub struct Report {
    /// Files that differ (and were written unless checking).
    pub changes: Vec<Change>,
    /// Files emitted in all.
    pub files: usize,
}

/// Regenerates every crate under `generated/` from `model/`. With `check`,
/// writes nothing and only reports what differs. Files that did not change
/// are not touched, so their modification times stay as they were.
pub fn generate_all(root: &Path, check: bool) -> Result<Report, String> {
    let mut report = Report::default();
    let mut calls = Vec::new();
    for name in model_dirs(root).map_err(|e| format!("model/: {e}"))? {
        let model = root.join("model").join(&name);
        let out_dir = root.join("generated").join(&name);
        let files = sdkgen::generate(&model, &options_for(&name)).map_err(|e| format!("model/{name}: {e}"))?;
        report.files += files.len();
        sync(root, &out_dir, &files, check, &mut report.changes)?;
        let call_table =
            sdkgen::generate_call_table(&model, &options_for(&name)).map_err(|e| format!("model/{name}: {e}"))?;
        calls.extend(call_table);
        // The spawn check, for an API that has a test crate.
        let tests = root.join("tests").join(&name);
        if tests.join("Cargo.toml").is_file() {
            let spawns =
                sdkgen::generate_spawn_check(&model, &options_for(&name)).map_err(|e| format!("model/{name}: {e}"))?;
            if let Some(spawns) = spawns {
                report.files += 1;
                sync_one(root, &tests, &spawns, check, &mut report.changes)?;
            }
        }
    }
    // The call tables of the method-level wire test, beside that test.
    report.files += calls.len();
    sync(root, &root.join(CALL_TABLES), &calls, check, &mut report.changes)?;
    Ok(report)
}

/// Writes one emitted file below `out_dir` when it differs from what is on
/// disk (with `check`, only reports it), leaving the folder's other files alone.
fn sync_one(
    root: &Path,
    out_dir: &Path,
    file: &OutputFile,
    check: bool,
    changes: &mut Vec<Change>,
) -> Result<(), String> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
    let path = out_dir.join(&file.path);
    let change = match fs::read(&path).ok() {
        None => Change::Added(rel(&path)),
        Some(bytes) if bytes.as_slice() != file.contents.as_bytes() => Change::Changed(rel(&path)),
        Some(_) => return Ok(()),
    };
    if !check {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    changes.push(change);
    Ok(())
}

/// Makes `out_dir` hold exactly `files`: writes those that differ and
/// removes every other file (with `check`, only reports).
fn sync(
    root: &Path,
    out_dir: &Path,
    files: &[OutputFile],
    check: bool,
    changes: &mut Vec<Change>,
) -> Result<(), String> {
    for file in files {
        sync_one(root, out_dir, file, check, changes)?;
    }
    let wanted: BTreeSet<PathBuf> = files.iter().map(|f| out_dir.join(&f.path)).collect();
    let mut existing = Vec::new();
    list_files(out_dir, &mut existing).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    existing.sort();
    for path in existing {
        if !wanted.contains(&path) {
            if !check {
                fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            changes.push(Change::Removed(path.strip_prefix(root).unwrap_or(&path).to_path_buf()));
        }
    }
    Ok(())
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            list_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}
