//! Wire compatibility of the generated oVirt SDK with the official oVirt
//! Python SDK (`ovirt-engine-sdk-python` 4.6.3, module `ovirtsdk4`), for every
//! struct type of the API, in both directions.
//!
//! `oracle/types_oracle.py build` makes one object per type with every member
//! set to awkward values and writes it with the Python SDK (`<Name>.py.xml`).
//! We read each document, write it back (`<Name>.rs.xml`) and check our own
//! round trip; `types_oracle.py check` reads our documents with the Python
//! SDK and compares them member by member with the objects it built, then
//! writes what it read once more (`<Name>.py2.xml`), which we read and compare
//! with our first read.
//!
//! The Python interpreter comes from `OVIRT_ORACLE_PYTHON` (set by
//! `cargo xtask test`, which creates the venv), else `<workspace>/.venv`.
//! Without either the test fails: CI must run it. The facts file sits beside
//! the repository (`../shared/ovirt-api/facts.json` from the workspace root);
//! `OVIRT_FACTS` overrides its path.

#[path = "oracle/setup.rs"]
mod setup;
use setup::{facts_path, fresh_dir, oracle_python, read_facts};

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ovirt_sdk::xml::{Document, read_document};
use serde_json::Value;

/// Struct types of the API according to the facts (its README counts them).
const STRUCT_TYPES: usize = 220;

fn oracle_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/types_oracle.py")
}

/// `(name, xml root tag)` of every struct type of the facts, in facts order.
fn fact_types() -> Vec<(String, String)> {
    let facts = read_facts();
    let types = facts["types"].as_array().unwrap_or_else(|| panic!("{}: no `types` array", facts_path().display()));
    types
        .iter()
        .map(|t| {
            let field = |key: &str| {
                t[key].as_str().unwrap_or_else(|| panic!("facts type without `{key}`: {}", t["name"])).to_owned()
            };
            (field("name"), field("xml"))
        })
        .collect()
}

/// Runs one oracle command and returns the JSON line it prints last.
fn run_oracle(python: &Path, command: &str, dir: &Path) -> Value {
    let output =
        Command::new(python).arg(oracle_script()).arg(command).arg(facts_path()).arg(dir).output().unwrap_or_else(
            |e| panic!("cannot run the Python oracle {}: {e} (run `cargo xtask test`)", python.display()),
        );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "`types_oracle.py {command}` failed ({}):\n{stdout}\n{stderr}", output.status);
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("`types_oracle.py {command}` printed no JSON summary ({e}):\n{stdout}\n{stderr}"))
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Where two `{:#?}` forms first differ, with the enclosing lines as a path.
fn first_difference(ours: &str, theirs: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    let Some(i) = (0..a.len().min(b.len())).find(|&i| a[i] != b[i]) else {
        return format!("one form is a prefix of the other ({} and {} lines)", a.len(), b.len());
    };
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut path = Vec::new();
    let mut level = indent(a[i]);
    for line in a[..i].iter().rev() {
        if indent(line) < level {
            level = indent(line);
            path.push(line.trim());
        }
    }
    path.reverse();
    format!("line {}, in {}:\n  first read: {}\n  now:        {}", i + 1, path.join(" "), a[i].trim(), b[i].trim())
}

#[test]
fn python_sdk_and_ours_agree_on_every_type() {
    let started = Instant::now();
    let python = oracle_python();
    let types = fact_types();
    assert_eq!(types.len(), STRUCT_TYPES, "the facts should describe {STRUCT_TYPES} struct types");
    let dir = fresh_dir("xml_oracle");

    // Python writes every type.
    let t = Instant::now();
    let built = run_oracle(&python, "build", &dir);
    assert_eq!(built["types"], STRUCT_TYPES, "oracle build: {built}");
    assert_eq!(built["written"], STRUCT_TYPES, "oracle build: {built}");
    let build_time = t.elapsed();

    // We read each document, check our own round trip and write it back.
    let t = Instant::now();
    let mut problems = Vec::new();
    let mut firsts: Vec<Option<Document>> = Vec::new();
    for (name, tag) in &types {
        let python_xml = read(&dir.join(format!("{name}.py.xml")));
        let first = match read_document(&python_xml) {
            Ok(Some(doc)) => doc,
            Ok(None) => {
                problems.push(format!("{name}: the Python document reads as no document"));
                firsts.push(None);
                continue;
            }
            Err(e) => {
                problems.push(format!("{name}: the Python document does not read: {e}"));
                firsts.push(None);
                continue;
            }
        };
        if first.tag() != tag {
            problems.push(format!("{name}: read as <{}>, expected <{tag}>", first.tag()));
        }
        let ours = match first.to_xml() {
            Ok(xml) => xml,
            Err(e) => {
                problems.push(format!("{name}: cannot write it back: {e}"));
                firsts.push(None);
                continue;
            }
        };
        let path = dir.join(format!("{name}.rs.xml"));
        fs::write(&path, &ours).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        match read_document(ours.as_bytes()) {
            Ok(Some(again)) if again == first => {}
            Ok(Some(again)) => problems.push(format!(
                "{name}: our own round trip changes the value, {}",
                first_difference(&format!("{first:#?}"), &format!("{again:#?}"))
            )),
            Ok(None) => problems.push(format!("{name}: what we wrote reads as no document")),
            Err(e) => problems.push(format!("{name}: what we wrote does not read: {e}")),
        }
        firsts.push(Some(first));
    }
    let rust_time = t.elapsed();

    // Python reads what we wrote and compares it with what it built.
    let t = Instant::now();
    let checked = run_oracle(&python, "check", &dir);
    let check_time = t.elapsed();
    assert_eq!(checked["types"], STRUCT_TYPES, "oracle check: {checked}");
    let ok = checked["ok"].as_u64().unwrap_or(0) as usize;
    for failure in checked["failures"].as_array().into_iter().flatten() {
        let mut text = format!(
            "{}: the Python SDK reads our document differently ({} differences)",
            failure["type"].as_str().unwrap_or("?"),
            failure["count"]
        );
        for diff in failure["diffs"].as_array().into_iter().flatten() {
            let _ = write!(text, "\n    {}", diff.as_str().unwrap_or_default());
        }
        problems.push(text);
    }

    // We read what Python wrote from our document: the same value again.
    let t = Instant::now();
    for ((name, _), first) in types.iter().zip(&firsts) {
        let Some(first) = first else { continue };
        let python_xml = read(&dir.join(format!("{name}.py2.xml")));
        match read_document(&python_xml) {
            Ok(Some(again)) if &again == first => {}
            Ok(Some(again)) => problems.push(format!(
                "{name}: Python's re-serialisation of our document reads differently, {}",
                first_difference(&format!("{first:#?}"), &format!("{again:#?}"))
            )),
            Ok(None) => problems.push(format!("{name}: Python's re-serialisation reads as no document")),
            Err(e) => problems.push(format!("{name}: Python's re-serialisation does not read: {e}")),
        }
    }
    let reread_time = t.elapsed();

    eprintln!(
        "oracle: {} bytes written by Python, {} values compared by Python; python build {build_time:.2?}, \
         rust read/write {rust_time:.2?}, python check {check_time:.2?}, rust re-read {reread_time:.2?}, \
         total {:.2?}",
        built["bytes"],
        checked["values"],
        started.elapsed()
    );
    assert!(
        problems.is_empty(),
        "wire compatibility: {ok} of {STRUCT_TYPES} types pass the Python check; {} problems \
         (documents kept in {}):\n\n{}",
        problems.len(),
        dir.display(),
        problems.join("\n\n")
    );
    assert_eq!(ok, STRUCT_TYPES, "oracle check: {checked}");
    println!("wire compatibility: {ok} of {STRUCT_TYPES} types, both directions");
    let _ = fs::remove_dir_all(&dir);
}
