//! Snapshot tests: each folder under `tests/fixtures/` holds a small model
//! (`model/`) and the crate the generator must emit for it (`expected/`).
//!
//! Refresh the expected output with `SDKGEN_BLESS=1 cargo test -p sdkgen --test snapshots`
//! and review the change as a diff. A second test compiles every expected crate
//! and runs its doc tests and the fixture's own tests (`<fixture>/tests/`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.join("model").is_dir())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixtures found in {}", dir.display());
    out
}

fn options(case: &str) -> sdkgen::Options {
    sdkgen::Options {
        crate_name: format!("fixture-{case}"),
        crate_version: "0.0.0".into(),
        // From tests/fixtures/<case>/expected to the workspace's runtime/.
        runtime_path: "../../../../../runtime".into(),
        runtime_version: "0.1.0".into(),
        model_label: format!("generator/tests/fixtures/{case}/model"),
    }
}

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for e in entries {
            let path = e.expect("readable entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("below base").to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read_to_string(&path).expect("utf-8 file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The first differing line of two texts, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}:\n  expected: {e}\n  actual:   {a}", i + 1);
        }
    }
    format!("lengths differ: expected {} lines, got {}", expected.lines().count(), actual.lines().count())
}

#[test]
fn snapshots_match() {
    let bless = std::env::var_os("SDKGEN_BLESS").is_some();
    let mut failures = Vec::new();
    for case_dir in fixtures() {
        let case = case_dir.file_name().unwrap().to_string_lossy().into_owned();
        let files = sdkgen::generate(&case_dir.join("model"), &options(&case))
            .unwrap_or_else(|e| panic!("fixture {case} does not generate: {e}"));
        let actual: BTreeMap<String, String> = files.into_iter().map(|f| (f.path, f.contents)).collect();
        let expected_dir = case_dir.join("expected");
        if bless {
            let _ = fs::remove_dir_all(&expected_dir);
            for (path, text) in &actual {
                let p = expected_dir.join(path);
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(p, text).unwrap();
            }
            continue;
        }
        let expected = read_tree(&expected_dir);
        for path in expected.keys().filter(|p| !actual.contains_key(*p)) {
            failures.push(format!("{case}: {path} is expected but no longer emitted"));
        }
        for (path, text) in &actual {
            match expected.get(path) {
                None => failures.push(format!("{case}: {path} is emitted but not expected")),
                Some(e) if e != text => failures.push(format!("{case}: {path} differs, {}", first_difference(e, text))),
                Some(_) => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is intended, run `SDKGEN_BLESS=1 cargo test -p sdkgen --test snapshots` and review the diff.",
        failures.join("\n")
    );
}

#[test]
fn snapshots_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let runtime = root.join("runtime");
    let work = root.join("target/fixture-crates");
    for case_dir in fixtures() {
        let case = case_dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected = read_tree(&case_dir.join("expected"));
        assert!(!expected.is_empty(), "fixture {case} has no expected output");
        let dir = work.join(&case);
        let _ = fs::remove_dir_all(&dir);
        for (path, text) in &expected {
            let p = dir.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            // Outside the fixture tree the relative runtime path no longer
            // holds: point it at the workspace's runtime and detach the crate.
            let text = if path == "Cargo.toml" {
                let fixed = text.replace("../../../../../runtime", &runtime.to_string_lossy().replace('\\', "/"));
                assert_ne!(&fixed, text, "Cargo.toml of {case} does not name the runtime path");
                // The fixture's own tests run on the test kit's server.
                let testkit = root.join("testkit").to_string_lossy().replace('\\', "/");
                let dev = format!(
                    "[dev-dependencies]\nsdkgen-testkit = {{ path = \"{testkit}\" }}\n\
                     tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
                );
                format!("{fixed}\n{dev}\n[workspace]\n")
            } else {
                text.clone()
            };
            fs::write(p, text).unwrap();
        }
        // A fixture's own tests of the emitted crate's behaviour (`tests/`).
        let own_tests = case_dir.join("tests");
        for entry in fs::read_dir(&own_tests).into_iter().flatten() {
            let from = entry.expect("readable entry").path();
            let to = dir.join("tests").join(from.file_name().unwrap());
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(&from, &to).unwrap();
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(cargo)
            .args(["check", "--quiet", "--offline", "--all-targets", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "fixture {case} does not compile without warnings:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["test", "--quiet", "--offline"])
            // With tests of its own, everything runs (doc tests included).
            .args(if own_tests.is_dir() { &[][..] } else { &["--doc"] })
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "tests of fixture {case} fail:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
