//! Paths shared by the oracle tests: the facts file, the Python oracle and
//! a scratch folder per test.

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `shared/ovirt-api/facts.json` beside the repository, or `OVIRT_FACTS`.
pub fn facts_path() -> PathBuf {
    match std::env::var_os("OVIRT_FACTS") {
        Some(path) => PathBuf::from(path),
        None => workspace_root().join("../shared/ovirt-api/facts.json"),
    }
}

/// The facts file, parsed; a missing or broken file fails the test with
/// where it was looked for.
pub fn read_facts() -> serde_json::Value {
    let path = facts_path();
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the oVirt facts at {}: {e}\n\
             (expected `shared/ovirt-api/facts.json` beside the repository; set OVIRT_FACTS to its path)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

/// The interpreter of the oracle venv; a missing oracle is a failure, never a skip.
pub fn oracle_python() -> PathBuf {
    if let Some(python) = std::env::var_os("OVIRT_ORACLE_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(python);
    }
    let venv = workspace_root().join(".venv/bin/python");
    if venv.exists() {
        return venv;
    }
    panic!(
        "the Python oracle is missing: OVIRT_ORACLE_PYTHON is not set and {} does not exist.\n\
         Run `cargo xtask test`: it creates .venv with the official oVirt Python SDK \
         (xtask/oracle-requirements.txt) and runs the tests with OVIRT_ORACLE_PYTHON set.",
        venv.display()
    )
}

/// A fresh, empty folder `name` under the test scratch space (kept after a
/// failure for inspection, emptied by the next run).
pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("cannot empty {}: {e}", dir.display()));
    }
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}
