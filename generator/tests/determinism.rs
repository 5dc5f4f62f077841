//! The output is a pure function of the model: byte-identical on every run,
//! and an edit to one model file changes only the files that depend on it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn ovirt_model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/ovirt")
}

fn options() -> sdkgen::Options {
    sdkgen::Options {
        crate_name: "ovirt-sdk".into(),
        crate_version: "0.1.0".into(),
        runtime_path: "../../runtime".into(),
        runtime_version: "0.1.0".into(),
        model_label: "model/ovirt".into(),
    }
}

fn generate(model: &Path) -> BTreeMap<String, String> {
    sdkgen::generate(model, &options())
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

/// A copy of the oVirt model in a fresh temporary folder.
struct ModelCopy(PathBuf);

impl ModelCopy {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("sdkgen-determinism-{}-{tag}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        copy_dir(&ovirt_model(), &dir);
        ModelCopy(dir)
    }
}

impl Drop for ModelCopy {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

fn changed(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> BTreeSet<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter().filter(|k| before.get(*k) != after.get(*k)).cloned().collect()
}

#[test]
fn output_is_byte_identical_on_rerun() {
    let first = generate(&ovirt_model());
    let second = generate(&ovirt_model());
    assert_eq!(first.len(), second.len());
    assert!(changed(&first, &second).is_empty(), "files differ between two runs: {:?}", changed(&first, &second));
    for (path, text) in &first {
        if path.ends_with(".rs") {
            assert!(text.starts_with("// @generated"), "{path} lacks the @generated header");
        }
        assert!(text.ends_with('\n') && !text.contains('\r'), "{path}: line ends must be \\n with a final newline");
    }
}

#[test]
fn output_does_not_depend_on_file_order() {
    // Renaming files is not allowed (names are checked), but the order in
    // which the file system lists them must not matter: recreate the folder
    // with the files written in reverse order.
    let copy = ModelCopy::new("order");
    for folder in ["types", "enums", "services"] {
        let dir = copy.0.join(folder);
        let mut files: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.clone(), fs::read(&p).unwrap()))
            .collect();
        fs::remove_dir_all(&dir).unwrap();
        fs::create_dir_all(&dir).unwrap();
        files.sort();
        for (p, bytes) in files.into_iter().rev() {
            fs::write(p, bytes).unwrap();
        }
    }
    assert!(changed(&generate(&ovirt_model()), &generate(&copy.0)).is_empty());
}

#[test]
fn editing_a_leaf_type_changes_only_its_file() {
    let before = generate(&ovirt_model());
    let copy = ModelCopy::new("leaf");
    let file = copy.0.join("types/vlan.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{text}  tag_protocol: String\n")).unwrap();
    let after = generate(&copy.0);
    assert_eq!(
        changed(&before, &after),
        BTreeSet::from(["src/types/vlan.rs".to_owned(), "src/xml/vlan.rs".to_owned()])
    );
    assert!(after["src/types/vlan.rs"].contains("pub tag_protocol: Option<String>"));
}

#[test]
fn editing_a_base_type_changes_exactly_it_and_its_descendants() {
    let before = generate(&ovirt_model());
    let api = sdkgen::load(&ovirt_model()).unwrap();
    let base = api.structs.iter().position(|s| s.name == "VmBase").expect("VmBase exists");
    let expected: BTreeSet<String> = api
        .structs
        .iter()
        .enumerate()
        .filter(|(i, s)| *i == base || s.ancestors.contains(&base))
        .flat_map(|(_, s)| [format!("src/types/{}.rs", s.module), format!("src/xml/{}.rs", s.module)])
        .collect();
    assert!(expected.len() >= 8, "VmBase should have several descendants: {expected:?}");

    let copy = ModelCopy::new("base");
    let file = copy.0.join("types/vm_base.yaml");
    let text = fs::read_to_string(&file).unwrap();
    let edited = text.replacen("attributes:\n", "attributes:\n  boot_order_hint: Integer\n", 1);
    assert_ne!(edited, text, "vm_base.yaml has an attributes section");
    fs::write(&file, edited).unwrap();
    assert_eq!(changed(&before, &generate(&copy.0)), expected);
}

#[test]
fn editing_an_enum_changes_only_its_file() {
    let before = generate(&ovirt_model());
    let copy = ModelCopy::new("enum");
    let file = copy.0.join("enums/vm_status.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{text}  - migrating_to_mars\n")).unwrap();
    let after = generate(&copy.0);
    assert_eq!(changed(&before, &after), BTreeSet::from(["src/types/vm_status.rs".to_owned()]));
    assert!(after["src/types/vm_status.rs"].contains("MigratingToMars"));
}
