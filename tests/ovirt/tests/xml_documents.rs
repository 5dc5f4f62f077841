//! Every document the tests read survives our round trip,
//! `read(write(read(x))) == read(x)`: the engine replies in `tests/data` and
//! a small `<vms>` corpus made by the benchmark's own corpus maker
//! (`../shared/bench/make_corpus.py`, written with the official Python SDK).
//! The oracle documents get the same check in `xml_oracle.rs`.
//!
//! Lists that are only a link (`<link rel="nics" href="…"/>`) or followed
//! but empty (`<nics href="…"></nics>`) must come back as the official SDK
//! writes them, `<nics href="…"/>`: the Python SDK reads and writes each
//! document too, and both outputs must hold the same such elements.

#[path = "oracle/setup.rs"]
#[allow(dead_code)] // the facts file is not needed here
mod setup;
use setup::{fresh_dir, oracle_python, workspace_root};

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use ovirt_sdk::xml::{Document, read_document};
use quick_xml::events::Event;

/// VMs in the small corpus: enough for every shape of the big one.
const CORPUS_VMS: usize = 200;

/// Reads each file with the Python SDK and writes what it read to
/// `<file>.py.xml` (a list is written under the root `<vms>`).
const PYTHON_REWRITE: &str = r#"
import sys
from ovirtsdk4.reader import Reader
from ovirtsdk4.writer import Writer
import ovirtsdk4.readers, ovirtsdk4.writers
for path in sys.argv[1:]:
    value = Reader.read(open(path, "rb").read())
    root = "vms" if isinstance(value, list) else None
    with open(path + ".py.xml", "w", encoding="utf-8") as out:
        out.write(Writer.write(value, root=root))
"#;

fn run_python(python: &Path, args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>) {
    let output = Command::new(python)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the Python oracle {}: {e}", python.display()));
    assert!(output.status.success(), "Python failed:\n{}", String::from_utf8_lossy(&output.stderr));
}

/// The documents under test: `tests/data/*.xml` and a fresh small corpus.
fn documents(python: &Path, dir: &Path) -> Vec<PathBuf> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut paths: Vec<PathBuf> = fs::read_dir(&data)
        .unwrap_or_else(|e| panic!("{}: {e}", data.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .map(|p| {
            let copy = dir.join(p.file_name().unwrap());
            fs::copy(&p, &copy).unwrap();
            copy
        })
        .collect();
    paths.sort();
    let corpus = dir.join(format!("vms-{CORPUS_VMS}.xml"));
    let maker = workspace_root().join("../shared/bench/make_corpus.py");
    run_python(python, [maker.as_os_str(), CORPUS_VMS.to_string().as_ref(), corpus.as_os_str()]);
    paths.push(corpus);
    paths
}

/// Every element `<x href="…"/>` with no other attribute and no content,
/// by path: what a list that is only a link is written as. Counted, since
/// a path may hold several (one per VM of a collection).
fn link_only_lists(xml: &str) -> BTreeMap<(String, String), usize> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut found = BTreeMap::new();
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("written XML does not parse: {e}")) {
            Event::Start(s) => path.push(s.name().as_ref().to_owned()),
            Event::End(_) => {
                path.pop();
            }
            Event::Empty(s) => {
                let attrs: Vec<_> = s.attributes().map(Result::unwrap).collect();
                if let [only] = attrs.as_slice()
                    && only.key.as_ref() == "href"
                {
                    let name = s.name().as_ref().to_owned();
                    let href = only.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned();
                    *found.entry((format!("{}/{name}", path.join("/")), href)).or_default() += 1;
                }
            }
            Event::Eof => return found,
            _ => {}
        }
    }
}

fn read(name: &str, bytes: &[u8]) -> Document {
    read_document(bytes)
        .unwrap_or_else(|e| panic!("{name} does not read: {e}"))
        .unwrap_or_else(|| panic!("{name} reads as no document"))
}

#[test]
fn every_document_round_trips_and_lists_that_are_links_are_written_as_the_python_sdk_does() {
    let python = oracle_python();
    let dir = fresh_dir("xml_documents");
    let paths = documents(&python, &dir);
    let mut args: Vec<&std::ffi::OsStr> = vec!["-c".as_ref(), PYTHON_REWRITE.as_ref()];
    args.extend(paths.iter().map(|p| p.as_os_str()));
    run_python(&python, args);

    let mut link_only = 0;
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let first = read(&name, &fs::read(path).unwrap());
        let written = first.to_xml().unwrap_or_else(|e| panic!("{name} does not write: {e}"));
        let again = read(&format!("{name} as we wrote it"), written.as_bytes());
        assert!(again == first, "{name}: read(write(read(x))) != read(x)");

        let python_xml = fs::read_to_string(path.with_extension("xml.py.xml")).unwrap();
        let ours = link_only_lists(&written);
        assert_eq!(ours, link_only_lists(&python_xml), "{name}: lists that are only a link differ from Python's");
        link_only += ours.values().sum::<usize>();
    }
    // The engine replies and the corpus hold such lists in every VM.
    assert!(link_only >= 10 * CORPUS_VMS, "only {link_only} lists that are only a link were checked");
    let _ = fs::remove_dir_all(&dir);
}
