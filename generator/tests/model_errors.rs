//! The checker: every class of mistake the model language rejects is
//! reported with the file, the entity and the key it is about, and no input
//! makes loading panic.
//!
//! Every test starts from the same small valid model (see [`valid`]) and
//! changes one thing in it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use sdkgen::ModelError;

// ---------------------------------------------------------------------------
// The valid model
// ---------------------------------------------------------------------------

const API: &str = "\
api: test
doc: A tiny API for the checker tests.
root_service: System
root_path: /api
";

const SYSTEM: &str = "\
service: System
doc: The root.
locators:
  vms: Vms
";

const VMS: &str = "\
service: Vms
methods:
  list:
    params:
      vms: {type: Vm, list: true, dir: out}
      search: String
locators:
  vm: {service: Vm, id: true}
";

const VM_SERVICE: &str = "\
service: Vm
methods:
  get:
    params:
      vm: {type: Vm, dir: out}
";

const VM: &str = "\
struct: Vm
doc: A virtual machine.
attributes:
  id: String
  name: String
  status: VmStatus
";

const VM_STATUS: &str = "\
enum: VmStatus
values:
  - down
  - up
";

/// Every file of the valid model.
fn valid() -> Vec<(&'static str, String)> {
    vec![
        ("api.yaml", API.to_owned()),
        ("services/system.yaml", SYSTEM.to_owned()),
        ("services/vms.yaml", VMS.to_owned()),
        ("services/vm.yaml", VM_SERVICE.to_owned()),
        ("types/vm.yaml", VM.to_owned()),
        ("enums/vm_status.yaml", VM_STATUS.to_owned()),
    ]
}

/// `text` with `from` (which must occur exactly once) replaced by `to`.
#[track_caller]
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur exactly once in:\n{text}");
    text.replacen(from, to, 1)
}

/// The valid model with some files replaced or added.
fn with(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = valid().into_iter().map(|(p, t)| (p.to_owned(), t)).collect();
    for (path, text) in changes {
        match files.iter_mut().find(|(p, _)| p == path) {
            Some(f) => f.1 = (*text).to_owned(),
            None => files.push(((*path).to_owned(), (*text).to_owned())),
        }
    }
    files
}

/// The valid model with some files replaced or added and some removed.
fn with_without(changes: &[(&str, &str)], removed: &[&str]) -> Vec<(String, String)> {
    let mut files = with(changes);
    for r in removed {
        let before = files.len();
        files.retain(|(p, _)| p != r);
        assert_eq!(files.len() + 1, before, "`{r}` is not a file of the model");
    }
    files
}

// ---------------------------------------------------------------------------
// Temporary model folders
// ---------------------------------------------------------------------------

/// A model folder under the system temporary folder, removed on drop.
struct TempModel {
    dir: PathBuf,
}

impl TempModel {
    fn new() -> TempModel {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sdkgen-model-errors-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempModel { dir }
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
    }

    fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for TempModel {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Writes `files` (`api.yaml` is the valid one unless given) into a fresh folder.
fn model<P: AsRef<str>, T: AsRef<str>>(files: &[(P, T)]) -> TempModel {
    let m = TempModel::new();
    if !files.iter().any(|(p, _)| p.as_ref() == "api.yaml") {
        m.write("api.yaml", API);
    }
    for (path, text) in files {
        m.write(path.as_ref(), text.as_ref());
    }
    m
}

/// Loads `files`, which must be a valid model.
#[track_caller]
fn loads<P: AsRef<str>, T: AsRef<str>>(files: &[(P, T)]) -> sdkgen::ir::Api {
    let m = model(files);
    match sdkgen::load(m.path()) {
        Ok(api) => api,
        Err(e) => panic!("the model should load, but:\n{e}"),
    }
}

/// Loads `files`, which must be rejected; the problems, checked to be sorted.
#[track_caller]
fn errors<P: AsRef<str>, T: AsRef<str>>(files: &[(P, T)]) -> Vec<ModelError> {
    let m = model(files);
    match sdkgen::load(m.path()) {
        Ok(_) => panic!("the model should be rejected, but it loads"),
        Err(e) => {
            assert!(!e.0.is_empty(), "an error without problems");
            assert!(e.0.is_sorted(), "the problems are not sorted:\n{e}");
            e.0
        }
    }
}

/// The problem with this file, entity and key whose message contains
/// `message`; its `Display` text must name all four.
#[track_caller]
fn find<'a>(
    errors: &'a [ModelError],
    file: &str,
    entity: Option<&str>,
    key: Option<&str>,
    message: &str,
) -> &'a ModelError {
    let found = errors.iter().find(|e| {
        e.file == Path::new(file)
            && e.entity.as_deref() == entity
            && e.key.as_deref() == key
            && e.message.contains(message)
    });
    let Some(e) = found else {
        let list: Vec<String> = errors.iter().map(|e| format!("  {e:?}")).collect();
        panic!(
            "no problem with file {file:?}, entity {entity:?}, key {key:?} and a message containing {message:?}; \
             found:\n{}",
            list.join("\n")
        );
    };
    let text = e.to_string();
    assert!(text.starts_with(file), "`{text}` does not start with the file `{file}`");
    for part in entity.into_iter().chain(key).chain([message]) {
        assert!(text.contains(part), "`{text}` does not name `{part}`");
    }
    e
}

/// Like [`find`], and it must be the only problem.
#[track_caller]
fn only<'a>(
    errors: &'a [ModelError],
    file: &str,
    entity: Option<&str>,
    key: Option<&str>,
    message: &str,
) -> &'a ModelError {
    let e = find(errors, file, entity, key, message);
    assert_eq!(errors.len(), 1, "expected only one problem, found: {errors:#?}");
    e
}

/// Shorthand: the one problem of the valid model with `changes`.
#[track_caller]
fn single(changes: &[(&str, &str)], file: &str, entity: Option<&str>, key: Option<&str>, message: &str) -> ModelError {
    let errs = errors(&with(changes));
    only(&errs, file, entity, key, message).clone()
}

// ---------------------------------------------------------------------------
// The starting point
// ---------------------------------------------------------------------------

#[test]
fn the_valid_model_loads() {
    let api = loads(&valid());
    assert_eq!(api.name, "test");
    assert_eq!(api.services[api.root_service].name, "System");
    let names: Vec<&str> = api.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["System", "Vm", "Vms"]);
    assert_eq!(api.structs.len(), 1);
    assert_eq!(api.enums[0].values.len(), 2);
}

// ---------------------------------------------------------------------------
// Parsing: syntax, unknown keys, shapes
// ---------------------------------------------------------------------------

#[test]
fn yaml_syntax_error_names_the_file_and_the_line() {
    // Line 5 opens a flow map that never closes; the key is as far as the
    // parser got (`?`: the key it was reading).
    let text = edit(VM, "  name: String\n", "  name: {type: String\n");
    let errs = errors(&with(&[("types/vm.yaml", &text)]));
    only(
        &errs,
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.name.?"),
        "did not find expected ',' or '}' at line 6 column 9, while parsing a flow mapping at line 5 column 9",
    );
}

#[test]
fn yaml_syntax_error_at_the_top_level() {
    let text = edit(VM, "doc: A virtual machine.\n", "doc: A virtual machine.\n  status: x\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("?"),
        "mapping values are not allowed in this context at line 3 column 9",
    );
}

#[test]
fn an_empty_file() {
    single(&[("types/vm.yaml", "")], "types/vm.yaml", None, None, "missing field `struct`");
}

#[test]
fn a_duplicate_top_level_key_names_the_key_and_the_line() {
    let text = edit(VM, "struct: Vm\n", "struct: Vm\ndoc: Twice.\n");
    let e =
        single(&[("types/vm.yaml", &text)], "types/vm.yaml", Some("struct Vm"), Some("doc"), "duplicate field `doc`");
    assert!(e.message.contains("line 3"), "no line number: {e}");
}

#[test]
fn unknown_top_level_key() {
    let text = edit(VM, "doc: A virtual machine.\n", "doc: A virtual machine.\ncolour: blue\n");
    let e = single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("colour"),
        "unknown field `colour`",
    );
    assert!(e.message.contains("line 3"), "no line number: {e}");
}

#[test]
fn unknown_top_level_key_in_api_yaml() {
    let text = edit(API, "root_path: /api\n", "root_path: /api\nroot_paths: /x\n");
    single(&[("api.yaml", &text)], "api.yaml", Some("api"), Some("root_paths"), "unknown field `root_paths`");
}

#[test]
fn unknown_key_in_a_member_map() {
    let text = edit(VM, "  name: String\n", "  name: {type: String, secrett: true}\n");
    let e = single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.name.secrett"),
        "unknown field `secrett`",
    );
    assert!(e.message.contains("line 5"), "no line number: {e}");
}

#[test]
fn unknown_key_in_a_method() {
    let text = edit(VMS, "  list:\n", "  list:\n    follows: true\n");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.follows"),
        "unknown field `follows`",
    );
}

#[test]
fn unknown_key_in_a_parameter() {
    let text = edit(VMS, "search: String", "search: {type: String, direction: in}");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.params.search.direction"),
        "unknown field `direction`",
    );
}

#[test]
fn unknown_key_in_a_locator() {
    let text = edit(VMS, "{service: Vm, id: true}", "{service: Vm, ids: true}");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("locators.vm.ids"),
        "unknown field `ids`",
    );
}

#[test]
fn unknown_key_in_an_enum_value() {
    let text = edit(VM_STATUS, "  - up\n", "  - {value: up, deprecate: true}\n");
    single(
        &[("enums/vm_status.yaml", &text)],
        "enums/vm_status.yaml",
        Some("enum VmStatus"),
        Some("values[1].deprecate"),
        "unknown field `deprecate`",
    );
}

#[test]
fn unknown_key_in_the_naming_tables() {
    let text = format!("{API}naming:\n  plurals: {{vm: vms}}\n");
    single(&[("api.yaml", &text)], "api.yaml", Some("api"), Some("naming.plurals"), "unknown field `plurals`");
}

#[test]
fn a_list_where_a_map_is_expected() {
    let text = edit(VM, "attributes:\n  id: String\n  name: String\n  status: VmStatus\n", "attributes: [id, name]\n");
    let e =
        single(&[("types/vm.yaml", &text)], "types/vm.yaml", Some("struct Vm"), Some("attributes"), "expected a map");
    assert!(e.message.contains("line 3"), "no line number: {e}");
}

#[test]
fn a_map_where_a_list_is_expected() {
    let text = edit(VM_STATUS, "values:\n  - down\n  - up\n", "values: {down: 1}\n");
    single(
        &[("enums/vm_status.yaml", &text)],
        "enums/vm_status.yaml",
        Some("enum VmStatus"),
        Some("values"),
        "invalid type: map",
    );
}

#[test]
fn a_list_short_form_with_two_types() {
    let text = edit(VM, "  name: String\n", "  name: [String, Integer]\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.name"),
        "exactly one item type",
    );
}

#[test]
fn a_wrong_direction() {
    let text = edit(VMS, "dir: out", "dir: sideways");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.params.vms.dir"),
        "sideways",
    );
}

#[test]
fn a_missing_required_key() {
    let text = edit(VM_STATUS, "values:\n  - down\n  - up\n", "");
    single(
        &[("enums/vm_status.yaml", &text)],
        "enums/vm_status.yaml",
        Some("enum VmStatus"),
        None,
        "missing field `values`",
    );
}

#[test]
fn a_file_of_the_wrong_kind_in_a_folder() {
    // An enum written into types/: it has no `struct:` and an unknown `enum:`.
    let errs = errors(&with(&[("types/vm_state.yaml", "enum: VmState\nvalues: [a]\n")]));
    only(&errs, "types/vm_state.yaml", None, Some("enum"), "unknown field `enum`");
}

#[test]
fn an_unknown_key_on_the_first_line_names_the_line() {
    let text = format!("colour: blue\n{VM}");
    let e = single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("colour"),
        "unknown field `colour`",
    );
    assert!(e.message.contains("line 1 column 1"), "no line number: {e}");
}

#[test]
fn parse_problems_name_the_entity_too() {
    let text = edit(VM, "  name: String\n", "  name: {type: String, secrett: true}\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.name.secrett"),
        "unknown field `secrett`",
    );
}

// ---------------------------------------------------------------------------
// Unknown references
// ---------------------------------------------------------------------------

#[test]
fn unknown_type_of_an_attribute() {
    let text = edit(VM, "status: VmStatus", "status: VmStatuss");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.status"),
        "unknown type `VmStatuss`",
    );
}

#[test]
fn unknown_type_of_a_link() {
    let text = format!("{VM}links:\n  cluster: Cluster\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("links.cluster"),
        "unknown type `Cluster`",
    );
}

#[test]
fn unknown_type_of_a_parameter() {
    let text = edit(VM_SERVICE, "{type: Vm, dir: out}", "{type: Vmm, dir: out}");
    let errs = errors(&with(&[("services/vm.yaml", &text)]));
    // The parameter is dropped, so `get` is also said to lack its result.
    find(&errs, "services/vm.yaml", Some("service Vm"), Some("methods.get.params.vm"), "unknown type `Vmm`");
}

#[test]
fn unknown_struct_base() {
    let text = edit(VM, "struct: Vm\n", "struct: Vm\nbase: VmBase\n");
    single(&[("types/vm.yaml", &text)], "types/vm.yaml", Some("struct Vm"), Some("base"), "unknown type `VmBase`");
}

#[test]
fn a_struct_base_that_is_an_enum() {
    let text = edit(VM, "struct: Vm\n", "struct: Vm\nbase: VmStatus\n");
    single(&[("types/vm.yaml", &text)], "types/vm.yaml", Some("struct Vm"), Some("base"), "`VmStatus` is not a struct");
}

#[test]
fn unknown_service_of_a_locator() {
    let text = edit(VMS, "{service: Vm, id: true}", "{service: VmService, id: true}");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("locators.vm.service"),
        "unknown service `VmService`",
    );
}

#[test]
fn unknown_service_base() {
    let text = edit(VM_SERVICE, "service: Vm\n", "service: Vm\nbase: Measurable\n");
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("base"),
        "unknown service `Measurable`",
    );
}

#[test]
fn unknown_root_service() {
    let text = edit(API, "root_service: System", "root_service: Root");
    let errs = errors(&with(&[("api.yaml", &text)]));
    only(&errs, "api.yaml", Some("api"), Some("root_service"), "unknown service `Root`");
}

// ---------------------------------------------------------------------------
// Duplicate names
// ---------------------------------------------------------------------------

#[test]
fn two_files_declare_the_same_struct() {
    let errs = errors(&with(&[("types/vm_copy.yaml", "struct: Vm\nattributes:\n  id: String\n")]));
    find(
        &errs,
        "types/vm_copy.yaml",
        Some("struct Vm"),
        Some("struct"),
        "duplicate name: another struct or enum is also named `Vm`",
    );
    // The copy is also in the wrong file; nothing else is wrong.
    find(&errs, "types/vm_copy.yaml", Some("struct Vm"), Some("struct"), "must be named `vm.yaml`");
    assert!(errs.iter().all(|e| e.file == Path::new("types/vm_copy.yaml")), "{errs:#?}");
}

#[test]
fn a_struct_and_an_enum_of_the_same_name() {
    let errs = errors(&with(&[("types/vm_status.yaml", "struct: VmStatus\n")]));
    find(
        &errs,
        "enums/vm_status.yaml",
        Some("enum VmStatus"),
        Some("enum"),
        "duplicate name: another struct or enum is also named `VmStatus`",
    );
}

#[test]
fn two_files_declare_the_same_service() {
    let errs = errors(&with(&[("services/vm_copy.yaml", "service: Vm\nunreachable: true\n")]));
    find(
        &errs,
        "services/vm_copy.yaml",
        Some("service Vm"),
        Some("service"),
        "duplicate name: another service is also named `Vm`",
    );
}

#[test]
fn a_duplicate_member_key_in_one_map() {
    let text = edit(VM, "  status: VmStatus\n", "  status: VmStatus\n  name: String\n");
    let e = single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes"),
        "duplicate name `name`",
    );
    assert!(e.message.contains("line "), "no line number: {e}");
}

#[test]
fn a_member_in_both_attributes_and_links() {
    let text = format!("{VM}links:\n  name: Vm\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("links.name"),
        "duplicate member name: also declared as `name`",
    );
}

#[test]
fn a_member_that_repeats_an_inherited_member() {
    let text = edit(VM, "struct: Vm\n", "struct: Vm\nbase: Identified\n");
    single(
        &[("types/vm.yaml", &text), ("types/identified.yaml", "struct: Identified\nattributes:\n  name: String\n")],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.name"),
        "duplicate member name: also declared as `name` (from Identified)",
    );
}

#[test]
fn a_duplicate_enum_value() {
    let text = edit(VM_STATUS, "  - up\n", "  - up\n  - down\n");
    single(
        &[("enums/vm_status.yaml", &text)],
        "enums/vm_status.yaml",
        Some("enum VmStatus"),
        Some("values[2]"),
        "duplicate value `down`",
    );
}

#[test]
fn a_duplicate_method_key() {
    let text = edit(
        VM_SERVICE,
        "      vm: {type: Vm, dir: out}\n",
        "      vm: {type: Vm, dir: out}\n  get:\n    follow: true\n",
    );
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods"),
        "duplicate name `get`",
    );
}

#[test]
fn a_duplicate_locator_key() {
    let text = edit(VMS, "  vm: {service: Vm, id: true}\n", "  vm: {service: Vm, id: true}\n  vm: Vm\n");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("locators"),
        "duplicate name `vm`",
    );
}

#[test]
fn a_duplicate_parameter_key() {
    let text = edit(VMS, "      search: String\n", "      search: String\n      search: Integer\n");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.params"),
        "duplicate name `search`",
    );
}

#[test]
fn a_duplicate_naming_table_key() {
    let text = format!("{API}naming:\n  xml: {{vm: machine, vm: box}}\n");
    single(&[("api.yaml", &text)], "api.yaml", Some("api"), Some("naming.xml"), "duplicate name `vm`");
}

#[test]
fn a_variant_parameter_that_repeats_a_method_parameter() {
    let text = edit(
        VMS,
        "      search: String\n",
        "      search: String\n    variants:\n      by_name:\n        params: {search: Boolean}\n",
    );
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.variants.by_name.params.search"),
        "the method already has a parameter of this name",
    );
}

// ---------------------------------------------------------------------------
// Names that map to the same Rust or XML name
// ---------------------------------------------------------------------------

#[test]
fn two_members_with_the_same_xml_name_by_override() {
    let text = edit(VM, "  status: VmStatus\n", "  status: VmStatus\n  title: {type: String, xml: name}\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.title"),
        "XML name `name` is also the XML name of `name`",
    );
}

#[test]
fn two_members_with_the_same_xml_name_by_the_naming_table() {
    let api = format!("{API}naming:\n  xml: {{full_name: name}}\n");
    let vm = edit(VM, "  status: VmStatus\n", "  status: VmStatus\n  full_name: String\n");
    single(
        &[("api.yaml", &api), ("types/vm.yaml", &vm)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.full_name"),
        "XML name `name` is also the XML name of `name`",
    );
}

#[test]
fn a_member_with_the_xml_name_of_an_inherited_member() {
    let text = edit(VM, "struct: Vm\n", "struct: Vm\nbase: Identified\n");
    let text = edit(&text, "  name: String\n", "  label: {type: String, xml: title}\n");
    single(
        &[("types/vm.yaml", &text), ("types/identified.yaml", "struct: Identified\nattributes:\n  title: String\n")],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.label"),
        "XML name `title` is also the XML name of `title` (from Identified)",
    );
}

#[test]
fn two_parameters_with_the_same_xml_name() {
    let text = edit(VMS, "      search: String\n", "      search: String\n      query: {type: String, xml: search}\n");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.params.query"),
        "XML name `search` is also the XML name of parameter `search`",
    );
}

#[test]
fn a_variant_parameter_with_the_xml_name_of_a_method_parameter() {
    let text = edit(
        VMS,
        "      search: String\n",
        "      search: String\n    variants:\n      by_query:\n        params: {query: {type: String, xml: search}}\n",
    );
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.variants.by_query.params.query"),
        "XML name `search` is also the XML name of parameter `search`",
    );
}

#[test]
fn a_variant_parameter_with_the_xml_name_of_a_method_parameter_is_detected() {
    let text = edit(
        VMS,
        "      search: String\n",
        "      search: String\n    variants:\n      by_query:\n        params: {query: {type: String, xml: search}}\n",
    );
    let errs = errors(&with(&[("services/vms.yaml", &text)]));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let e = &errs[0];
    assert_eq!((e.file.to_str(), e.entity.as_deref()), (Some("services/vms.yaml"), Some("service Vms")));
    assert!(e.key.as_deref().is_some_and(|k| k.starts_with("methods.list.") && k.ends_with(".query")), "{e}");
    assert!(e.message.contains("XML name `search` is also the XML name of parameter `search`"), "{e}");
}

#[test]
fn two_enum_values_with_the_same_rust_variant() {
    // `x_86` → `X` + `86` and `x86` → `X86`.
    assert_eq!(sdkgen::names::rust_variant("x_86"), sdkgen::names::rust_variant("x86"));
    let text = edit(VM_STATUS, "  - up\n", "  - up\n  - x86\n  - x_86\n");
    single(
        &[("enums/vm_status.yaml", &text)],
        "enums/vm_status.yaml",
        Some("enum VmStatus"),
        Some("values[3]"),
        "values `x86` and `x_86` map to the same Rust variant `X86`",
    );
}

#[test]
fn a_method_and_a_variant_with_the_same_rust_name() {
    // Variant `by_name` of `list` is the Rust method `list_by_name`.
    let text = edit(
        VMS,
        "      search: String\n",
        "      search: String\n    variants:\n      by_name: {}\n  list_by_name:\n    params: {name: String}\n",
    );
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list_by_name"),
        "Rust method `list_by_name` is also produced by method `list`",
    );
}

#[test]
fn a_method_and_a_locator_with_the_same_rust_name() {
    // Locator `vm` is the Rust method `vm_service`.
    let text = edit(VMS, "locators:\n", "  vm_service: {}\nlocators:\n");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("locators.vm"),
        "Rust method `vm_service` is also produced by `vm_service`",
    );
}

#[test]
fn two_locators_with_the_same_url_segment() {
    let text = edit(SYSTEM, "  vms: Vms\n", "  vms: Vms\n  v_ms: Vms\n");
    single(
        &[("services/system.yaml", &text)],
        "services/system.yaml",
        Some("service System"),
        Some("locators.v_ms"),
        "URL segment `vms` is also the segment of locator `vms`",
    );
}

#[test]
fn two_entities_with_the_same_rust_name() {
    let errs = errors(&with(&[("types/machine.yaml", "struct: Machine\nrust_name: Vm\n")]));
    find(
        &errs,
        "types/vm.yaml",
        Some("struct Vm"),
        Some("rust_name"),
        "Rust name `Vm` is also the Rust name of struct Machine",
    );
}

// ---------------------------------------------------------------------------
// List flags and kinds where they cannot be
// ---------------------------------------------------------------------------

#[test]
fn item_on_a_single_member() {
    let text = edit(VM, "  name: String\n", "  name: {type: String, item: names}\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.name.item"),
        "only valid on a list",
    );
}

#[test]
fn rel_on_an_attribute() {
    let text = edit(VM, "  status: VmStatus\n", "  status: VmStatus\n  tags: {type: String, list: true, rel: tags}\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.tags.rel"),
        "`rel` is only valid on a list link",
    );
}

#[test]
fn rel_on_a_single_link() {
    let text = format!("{VM}links:\n  parent: {{type: Vm, rel: parent}}\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("links.parent.rel"),
        "`rel` is only valid on a list link",
    );
}

#[test]
fn a_list_as_the_body_of_update() {
    let text = format!("{VM_SERVICE}  update:\n    params:\n      vm: {{type: Vm, list: true, dir: inout}}\n");
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods.update.params.vm"),
        "the body of `update` must be a single struct, not a list",
    );
}

#[test]
fn a_link_to_a_primitive() {
    let text = format!("{VM}links:\n  owner: String\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("links.owner"),
        "a link must point to a struct type, not `String`",
    );
}

#[test]
fn a_link_to_an_enum() {
    let text = format!("{VM}links:\n  states: [VmStatus]\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("links.states"),
        "a link must point to a struct type, not `VmStatus`",
    );
}

#[test]
fn dir_on_a_struct_member() {
    let text = edit(VM, "  name: String\n", "  name: {type: String, dir: in}\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.name.dir"),
        "`dir` belongs to parameters",
    );
}

#[test]
fn item_on_a_parameter() {
    let text = edit(VMS, "search: String", "search: {type: String, item: s}");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.params.search.item"),
        "`item` is not valid on a parameter",
    );
}

#[test]
fn a_get_whose_result_is_a_list() {
    let text = edit(VM_SERVICE, "{type: Vm, dir: out}", "{type: Vm, list: true, dir: out}");
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods.get.params.vm"),
        "the result of `get` must be a single value",
    );
}

#[test]
fn a_list_whose_result_is_not_a_list() {
    let text = edit(VMS, "{type: Vm, list: true, dir: out}", "{type: Vm, dir: out}");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.params.vms"),
        "the result of `list` must be a list",
    );
}

#[test]
fn an_id_member_that_is_a_list() {
    let text = edit(VM, "  id: String\n", "  id: [String]\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.id"),
        "travels as an XML attribute",
    );
}

#[test]
fn a_declared_href() {
    let text = edit(VM, "  id: String\n", "  id: String\n  href: String\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.href"),
        "`href` is implicit",
    );
}

// ---------------------------------------------------------------------------
// Enum values
// ---------------------------------------------------------------------------

fn bad_enum_value(value: &str, message: &str) {
    let text = edit(VM_STATUS, "  - up\n", &format!("  - up\n  - {value}\n"));
    single(
        &[("enums/vm_status.yaml", &text)],
        "enums/vm_status.yaml",
        Some("enum VmStatus"),
        Some("values[2]"),
        message,
    );
}

#[test]
fn an_enum_value_in_upper_case() {
    bad_enum_value("Paused", "invalid enum value `Paused`");
}

#[test]
fn an_enum_value_with_a_space() {
    bad_enum_value("'not responding'", "invalid enum value `not responding`");
}

#[test]
fn an_enum_value_with_a_leading_underscore() {
    bad_enum_value("_paused", "invalid enum value `_paused`");
}

#[test]
fn an_enum_value_with_a_double_underscore() {
    bad_enum_value("image__locked", "invalid enum value `image__locked`");
}

#[test]
fn an_enum_value_with_a_leading_digit_and_a_bad_underscore() {
    bad_enum_value("3__des", "invalid enum value `3__des`");
    bad_enum_value("3des_", "invalid enum value `3des_`");
}

#[test]
fn an_enum_value_with_a_leading_digit_loads() {
    let text = edit(VM_STATUS, "  - up\n", "  - up\n  - 3des\n");
    let api = loads(&with(&[("enums/vm_status.yaml", &text)]));
    assert_eq!(api.enums[0].values[2].rust, "V3des");
}

#[test]
fn an_enum_value_that_maps_to_the_catch_all_variant() {
    bad_enum_value("unrecognized", "maps to the Rust variant `Unrecognized`");
}

#[test]
fn an_enum_without_values() {
    let text = edit(VM_STATUS, "values:\n  - down\n  - up\n", "values: []\n");
    single(
        &[("enums/vm_status.yaml", &text)],
        "enums/vm_status.yaml",
        Some("enum VmStatus"),
        Some("values"),
        "an enum needs at least one value",
    );
}

// ---------------------------------------------------------------------------
// Name forms, file names, Rust names
// ---------------------------------------------------------------------------

#[test]
fn a_member_name_that_is_not_snake_case() {
    let text = edit(VM, "  name: String\n", "  fullName: String\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("attributes.fullName"),
        "`fullName` is not a snake-case name",
    );
}

#[test]
fn a_method_name_that_is_not_snake_case() {
    let text = format!("{VM_SERVICE}  Start: {{}}\n");
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods.Start"),
        "`Start` is not a snake-case name",
    );
}

#[test]
fn a_locator_name_that_is_not_snake_case() {
    let text = edit(SYSTEM, "  vms: Vms\n", "  all-vms: Vms\n");
    single(
        &[("services/system.yaml", &text)],
        "services/system.yaml",
        Some("service System"),
        Some("locators.all-vms"),
        "`all-vms` is not a snake-case name",
    );
}

#[test]
fn a_parameter_name_that_is_not_snake_case() {
    let text = edit(VMS, "search: String", "search_: String");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.params.search_"),
        "`search_` is not a snake-case name",
    );
}

#[test]
fn a_variant_name_that_is_not_snake_case() {
    let text = edit(VMS, "      search: String\n", "      search: String\n    variants:\n      ByName: {}\n");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.variants.ByName"),
        "`ByName` is not a snake-case name",
    );
}

#[test]
fn an_entity_name_that_is_not_upper_camel_case() {
    let errs = errors(&with(&[("types/disk_image.yaml", "struct: Disk_image\n")]));
    find(&errs, "types/disk_image.yaml", Some("struct Disk_image"), Some("struct"), "is not an UpperCamelCase name");
}

#[test]
fn an_api_name_that_is_not_snake_case() {
    let text = edit(API, "api: test", "api: Test");
    single(&[("api.yaml", &text)], "api.yaml", Some("api"), Some("api"), "`Test` is not a snake-case name");
}

#[test]
fn a_root_path_without_a_slash() {
    let text = edit(API, "root_path: /api", "root_path: api");
    single(&[("api.yaml", &text)], "api.yaml", Some("api"), Some("root_path"), "must start with `/`");
}

#[test]
fn a_file_name_that_does_not_match_the_entity() {
    let errs = errors(&with_without(&[("types/virtual_machine.yaml", VM)], &["types/vm.yaml"]));
    only(
        &errs,
        "types/virtual_machine.yaml",
        Some("struct Vm"),
        Some("struct"),
        "the file of `Vm` must be named `vm.yaml`",
    );
}

#[test]
fn a_struct_named_like_a_prelude_type() {
    single(
        &[("types/option.yaml", "struct: Option\nattributes:\n  name: String\n")],
        "types/option.yaml",
        Some("struct Option"),
        Some("rust_name"),
        "the Rust name `Option` would shadow",
    );
}

#[test]
fn a_struct_named_like_a_prelude_type_with_a_rust_name_loads() {
    let api = loads(&with(&[("types/option.yaml", "struct: Option\nrust_name: ApiOption\n")]));
    let st = api.structs.iter().find(|s| s.name == "Option").unwrap();
    assert_eq!(st.rust_name, "ApiOption");
}

#[test]
fn an_enum_named_like_a_prelude_type() {
    single(
        &[("enums/result.yaml", "enum: Result\nvalues: [ok]\n")],
        "enums/result.yaml",
        Some("enum Result"),
        Some("rust_name"),
        "the Rust name `Result` would shadow",
    );
}

#[test]
fn a_service_named_so_that_its_rust_name_is_taken() {
    // `Vm` + `Service` is `VmService`; a struct of that name clashes with it.
    let errs = errors(&with(&[("types/vm_service.yaml", "struct: VmService\n")]));
    find(
        &errs,
        "services/vm.yaml",
        Some("service Vm"),
        Some("rust_name"),
        "Rust name `VmService` is also the Rust name",
    );
}

// ---------------------------------------------------------------------------
// Bases, method signatures, input detail
// ---------------------------------------------------------------------------

#[test]
fn a_struct_base_cycle() {
    let errs = errors(&with(&[
        ("types/disk.yaml", "struct: Disk\nbase: Image\n"),
        ("types/image.yaml", "struct: Image\nbase: Disk\n"),
    ]));
    assert_eq!(errs.len(), 2, "{errs:#?}");
    find(&errs, "types/disk.yaml", Some("struct Disk"), Some("base"), "the base types form a cycle");
    find(&errs, "types/image.yaml", Some("struct Image"), Some("base"), "the base types form a cycle");
}

#[test]
fn a_struct_that_is_its_own_base() {
    let text = edit(VM, "struct: Vm\n", "struct: Vm\nbase: Vm\n");
    single(
        &[("types/vm.yaml", &text)],
        "types/vm.yaml",
        Some("struct Vm"),
        Some("base"),
        "the base types form a cycle",
    );
}

#[test]
fn a_service_base_cycle() {
    let errs = errors(&with(&[
        ("services/measurable.yaml", "service: Measurable\nbase: Vm\nunreachable: true\n"),
        ("services/vm.yaml", &edit(VM_SERVICE, "service: Vm\n", "service: Vm\nbase: Measurable\n")),
    ]));
    // The cycle is reported once, on the first service of it (by name), and
    // broken there so that nothing else trips over it.
    only(&errs, "services/measurable.yaml", Some("service Measurable"), Some("base"), "the base services form a cycle");
}

#[test]
fn a_service_that_is_its_own_base() {
    let text = edit(VM_SERVICE, "service: Vm\n", "service: Vm\nbase: Vm\n");
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("base"),
        "the base services form a cycle",
    );
}

#[test]
fn a_get_without_an_out_parameter() {
    let text = edit(VM_SERVICE, "dir: out", "dir: in");
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods.get"),
        "a `get` method needs exactly one `out` parameter for its result, found 0",
    );
}

#[test]
fn an_action_with_two_out_parameters() {
    let text = format!(
        "{VM_SERVICE}  clone:\n    params:\n      vm: {{type: Vm, dir: out}}\n      copy: {{type: Vm, dir: out}}\n"
    );
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods.clone"),
        "an action returns at most one `out` parameter, found 2",
    );
}

#[test]
fn a_remove_with_an_out_parameter() {
    let text = format!("{VM_SERVICE}  remove:\n    params:\n      vm: {{type: Vm, dir: out}}\n");
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods.remove"),
        "returns nothing",
    );
}

#[test]
fn an_add_without_a_body() {
    let text = edit(VMS, "locators:\n", "  add:\n    params: {vm: Vm}\nlocators:\n");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.add"),
        "needs an `inout` struct parameter",
    );
}

#[test]
fn a_variant_with_an_out_parameter() {
    let text = edit(
        VMS,
        "      search: String\n",
        "      search: String\n    variants:\n      x:\n        params: {more: {type: Vm, dir: out}}\n",
    );
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.variants.x.params.more"),
        "a variant can only add `in` parameters",
    );
}

#[test]
fn a_path_on_a_method_that_is_not_an_action() {
    let text = edit(VMS, "  list:\n", "  list:\n    path: all\n");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.path"),
        "only actions have a path",
    );
}

#[test]
fn follow_true_and_a_declared_follow_parameter() {
    let text = edit(VMS, "    params:\n", "    follow: true\n    params:\n      follow: String\n");
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.list.params.follow"),
        "`follow` is added by `follow: true`",
    );
}

#[test]
fn follow_true_loads() {
    let text = edit(VMS, "    params:\n", "    follow: true\n    params:\n");
    let api = loads(&with(&[("services/vms.yaml", &text)]));
    let vms = api.services.iter().find(|s| s.name == "Vms").unwrap();
    assert!(vms.methods[0].params.iter().any(|p| p.name == "follow" && p.from_follow));
}

/// `services/vms.yaml` with an `add` whose mandatory detail is `detail`.
fn vms_with_add(detail: &str) -> String {
    edit(
        VMS,
        "locators:\n",
        &format!("  add:\n    params:\n      vm: {{type: Vm, dir: inout}}\n    mandatory: [{detail}]\nlocators:\n"),
    )
}

#[test]
fn input_detail_that_loads() {
    loads(&with(&[("services/vms.yaml", &vms_with_add("vm.name, [vm.id, vm.status]"))]));
}

#[test]
fn input_detail_through_a_missing_member() {
    single(
        &[("services/vms.yaml", &vms_with_add("vm.colour"))],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.add.mandatory"),
        "input detail `vm.colour`: struct Vm has no member `colour`",
    );
}

#[test]
fn input_detail_with_brackets_on_a_single_member() {
    single(
        &[("services/vms.yaml", &vms_with_add("'vm.name[]'"))],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.add.mandatory"),
        "input detail `vm.name[]`: `name` is not a list",
    );
}

#[test]
fn input_detail_with_brackets_on_a_single_parameter() {
    single(
        &[("services/vms.yaml", &vms_with_add("'vm[].name'"))],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.add.mandatory"),
        "input detail `vm[].name`: `vm` is not a list",
    );
}

#[test]
fn input_detail_starting_at_a_missing_parameter() {
    single(
        &[("services/vms.yaml", &vms_with_add("disk.id"))],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.add.mandatory"),
        "input detail `disk.id`: no parameter named `disk`",
    );
}

#[test]
fn input_detail_through_a_primitive() {
    single(
        &[("services/vms.yaml", &vms_with_add("[vm.id, vm.name.first]"))],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.add.mandatory"),
        "input detail `vm.name.first`: `name` is not a struct",
    );
}

#[test]
fn input_detail_of_a_variant_using_another_variants_parameter() {
    let text = edit(
        VMS,
        "locators:\n",
        "  add:\n    params:\n      vm: {type: Vm, dir: inout}\n    variants:\n      a:\n        params: {x: Vm}\n      b:\n        optional: [x.id]\nlocators:\n",
    );
    single(
        &[("services/vms.yaml", &text)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("methods.add.variants.b.optional"),
        "input detail `x.id`: no parameter named `x`",
    );
}

// ---------------------------------------------------------------------------
// Reachability
// ---------------------------------------------------------------------------

const ORPHAN: &str = "service: Orphan\nmethods:\n  get:\n    params: {vm: {type: Vm, dir: out}}\n";

#[test]
fn an_unreachable_service() {
    single(
        &[("services/orphan.yaml", ORPHAN)],
        "services/orphan.yaml",
        Some("service Orphan"),
        Some("service"),
        "unreachable: no chain of locators leads here",
    );
}

#[test]
fn an_unreachable_service_marked_unreachable_loads() {
    let text = format!("{ORPHAN}unreachable: true\n");
    loads(&with(&[("services/orphan.yaml", &text)]));
}

#[test]
fn a_reachable_service_marked_unreachable() {
    let text = format!("{VM_SERVICE}unreachable: true\n");
    single(
        &[("services/vm.yaml", &text)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("unreachable"),
        "marked unreachable but a locator leads to it",
    );
}

#[test]
fn a_service_reachable_only_through_an_inherited_locator_loads() {
    let text = edit(VMS, "service: Vms\n", "service: Vms\nbase: Collection\n");
    let text = edit(&text, "locators:\n  vm: {service: Vm, id: true}\n", "");
    loads(&with(&[
        ("services/vms.yaml", &text),
        (
            "services/collection.yaml",
            "service: Collection\nunreachable: true\nlocators:\n  vm: {service: Vm, id: true}\n",
        ),
    ]));
}

// ---------------------------------------------------------------------------
// Files that do not belong
// ---------------------------------------------------------------------------

#[test]
fn a_stray_file_in_the_model_folder() {
    let errs = errors(&with(&[("notes.txt", "todo\n")]));
    only(&errs, "notes.txt", None, None, "not part of the model language");
}

#[test]
fn a_misspelled_folder() {
    let errs = errors(&with(&[("service/extra.yaml", "service: Extra\n")]));
    only(&errs, "service", None, None, "not part of the model language");
}

#[test]
fn a_file_that_is_not_yaml_in_types() {
    let errs = errors(&with(&[("types/disk.yml", "struct: Disk\n")]));
    only(&errs, "types/disk.yml", None, None, "only `.yaml` files belong here");
}

#[test]
fn a_folder_in_types() {
    let errs = errors(&with(&[("types/more/disk.yaml", "struct: Disk\n")]));
    only(&errs, "types/more", None, None, "only `.yaml` files belong here");
}

#[test]
fn a_readme_and_hidden_files_are_allowed() {
    loads(&with(&[("README.md", "# Test\n"), (".editorconfig", "root = true\n")]));
}

#[test]
fn a_missing_api_yaml() {
    let m = TempModel::new();
    for (path, text) in valid().into_iter().filter(|(p, _)| *p != "api.yaml") {
        m.write(path, text);
    }
    let errs = sdkgen::load(m.path()).unwrap_err().0;
    only(&errs, "api.yaml", None, None, "cannot read");
}

// ---------------------------------------------------------------------------
// Several problems at once
// ---------------------------------------------------------------------------

#[test]
fn several_problems_are_all_reported_sorted() {
    let errs = errors(&with(&[
        ("types/vm.yaml", &edit(VM, "status: VmStatus", "status: VmStatuss")),
        ("enums/vm_status.yaml", &edit(VM_STATUS, "  - up\n", "  - up\n  - Up\n")),
        ("services/vm.yaml", &edit(VM_SERVICE, "dir: out", "dir: in")),
        ("services/vms.yaml", &edit(VMS, "{service: Vm, id: true}", "{service: Vn, id: true}")),
        ("api.yaml", &edit(API, "root_path: /api", "root_path: api")),
    ]));
    assert_eq!(errs.len(), 5, "{errs:#?}");
    find(&errs, "api.yaml", Some("api"), Some("root_path"), "must start with `/`");
    find(&errs, "enums/vm_status.yaml", Some("enum VmStatus"), Some("values[2]"), "invalid enum value `Up`");
    find(&errs, "services/vm.yaml", Some("service Vm"), Some("methods.get"), "exactly one `out` parameter");
    find(&errs, "services/vms.yaml", Some("service Vms"), Some("locators.vm.service"), "unknown service `Vn`");
    find(&errs, "types/vm.yaml", Some("struct Vm"), Some("attributes.status"), "unknown type `VmStatuss`");
    let files: Vec<&Path> = errs.iter().map(|e| e.file.as_path()).collect();
    assert!(files.is_sorted(), "{files:?}");
}

#[test]
fn several_parse_problems_are_all_reported_sorted() {
    let errs = errors(&with(&[
        ("types/vm.yaml", &edit(VM, "doc:", "docs:")),
        ("services/vms.yaml", &edit(VMS, "  list:\n", "  list:\n    follows: true\n")),
        ("enums/vm_status.yaml", "enum: VmStatus\nvalues: [down\n"),
        ("notes.txt", "todo\n"),
    ]));
    assert_eq!(errs.len(), 4, "{errs:#?}");
    find(&errs, "enums/vm_status.yaml", Some("enum VmStatus"), find_key_of(&errs, "enums/vm_status.yaml"), "line ");
    find(&errs, "notes.txt", None, None, "not part of the model language");
    find(&errs, "services/vms.yaml", Some("service Vms"), Some("methods.list.follows"), "unknown field `follows`");
    find(&errs, "types/vm.yaml", Some("struct Vm"), Some("docs"), "unknown field `docs`");
}

fn find_key_of<'a>(errors: &'a [ModelError], file: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.file == Path::new(file)).and_then(|e| e.key.as_deref())
}

/// Problems are reported in two rounds: first everything about the
/// structure, then (once the structure is sound, so that no follow-on error
/// hides the real one) reachability and input detail. Each round reports all
/// of its problems at once.
#[test]
fn whole_model_checks_run_once_the_structure_is_sound() {
    let first = errors(&with(&[
        ("types/vm.yaml", &edit(VM, "status: VmStatus", "status: VmStatuss")),
        ("services/orphan.yaml", ORPHAN),
        ("services/vms.yaml", &vms_with_add("vm.colour")),
    ]));
    single_of(&first, "types/vm.yaml", Some("struct Vm"), Some("attributes.status"), "unknown type `VmStatuss`");

    let second = errors(&with(&[("services/orphan.yaml", ORPHAN), ("services/vms.yaml", &vms_with_add("vm.colour"))]));
    assert_eq!(second.len(), 2, "{second:#?}");
    find(&second, "services/orphan.yaml", Some("service Orphan"), Some("service"), "unreachable");
    find(&second, "services/vms.yaml", Some("service Vms"), Some("methods.add.mandatory"), "no member `colour`");
}

fn single_of(errs: &[ModelError], file: &str, entity: Option<&str>, key: Option<&str>, msg: &str) {
    assert_eq!(errs.len(), 1, "{errs:#?}");
    find(errs, file, entity, key, msg);
}

// ---------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------

/// A tiny deterministic pseudo-random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Characters that mean something to YAML or to the model language.
const SIGNIFICANT: &[u8] = b":-[]{}#&*!|>'\"%@`,?\n\t _.0aAzZ";

fn mutate(rng: &mut Rng, text: &[u8]) -> Vec<u8> {
    let mut bytes = text.to_vec();
    for _ in 0..1 + rng.below(3) {
        let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
        let mut out: Vec<u8>;
        match rng.below(8) {
            // Flip one bit (may make the file invalid UTF-8).
            0 if !bytes.is_empty() => {
                out = bytes.clone();
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            // Replace a byte with a significant character.
            1 if !bytes.is_empty() => {
                out = bytes.clone();
                let i = rng.below(out.len());
                out[i] = SIGNIFICANT[rng.below(SIGNIFICANT.len())];
            }
            // Insert a significant character.
            2 => {
                out = bytes.clone();
                let i = rng.below(out.len() + 1);
                out.insert(i, SIGNIFICANT[rng.below(SIGNIFICANT.len())]);
            }
            // Truncate.
            3 => {
                out = bytes.clone();
                out.truncate(rng.below(bytes.len() + 1));
            }
            // Delete a line.
            4 if !lines.is_empty() => {
                let i = rng.below(lines.len());
                out = lines.iter().enumerate().filter(|(j, _)| *j != i).flat_map(|(_, l)| l.iter().copied()).collect();
            }
            // Duplicate a line.
            5 if !lines.is_empty() => {
                let i = rng.below(lines.len());
                out = Vec::new();
                for (j, l) in lines.iter().enumerate() {
                    out.extend_from_slice(l);
                    if j == i {
                        out.extend_from_slice(l);
                    }
                }
            }
            // Swap two lines.
            6 if lines.len() > 1 => {
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                let mut ls = lines.clone();
                ls.swap(a, b);
                out = ls.concat();
            }
            // Copy a line of this file somewhere else (changes its indentation context).
            7 if !lines.is_empty() => {
                let l = lines[rng.below(lines.len())].to_vec();
                let mut ls: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
                ls.insert(rng.below(ls.len() + 1), l);
                out = ls.concat();
            }
            _ => out = bytes.clone(),
        }
        bytes = out;
    }
    bytes
}

#[test]
fn mutated_models_never_make_loading_panic() {
    const RUNS: usize = 2000;
    let files = with(&[
        // Exercise more of the language than the minimal model does.
        ("services/vms.yaml", &vms_with_add("vm.name, [vm.id, vm.status]")),
        ("types/vm.yaml", &format!("{VM}links:\n  parent: Vm\n  children: {{type: Vm, list: true, rel: kids}}\n")),
        ("api.yaml", &format!("{API}naming:\n  xml: {{parent: father}}\n  plural: {{status: statuses}}\n")),
    ]);
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let m = model(&files);
    assert!(sdkgen::load(m.path()).is_ok(), "the starting point must be valid");

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut rejected, mut checked) = (0, 0, 0);
    for run in 0..RUNS {
        let which = rng.below(files.len());
        let (path, original) = &files[which];
        // Now and then, remove the file instead.
        let mutated = (rng.below(50) != 0).then(|| mutate(&mut rng, original.as_bytes()));
        match &mutated {
            Some(bytes) => m.write(path, bytes),
            None => fs::remove_file(m.path().join(path)).unwrap(),
        }
        let dir = m.path().to_owned();
        let result = std::panic::catch_unwind(move || sdkgen::load(&dir));
        let describe = || match &mutated {
            Some(bytes) => format!("run {run}, {path} mutated to:\n{}", String::from_utf8_lossy(bytes)),
            None => format!("run {run}, {path} removed"),
        };
        match result {
            Err(_) => panic!("`sdkgen::load` panicked; {}", describe()),
            Ok(Ok(_)) => ok += 1,
            Ok(Err(errs)) => {
                rejected += 1;
                checked += usize::from(errs.0.iter().any(|e| e.entity.is_some()));
                assert!(!errs.0.is_empty(), "an error without problems; {}", describe());
                for e in &errs.0 {
                    assert!(!e.message.trim().is_empty(), "a problem without a message: {e:?}; {}", describe());
                    let file = e.file.to_string_lossy();
                    assert!(names.contains(&file.as_ref()), "a problem not naming a model file: {e:?}; {}", describe());
                    assert!(e.to_string().starts_with(file.as_ref()), "{e}");
                }
            }
        }
        m.write(path, original);
    }
    // The mutations must exercise every outcome: accepted, rejected by the
    // parser, rejected by the checker.
    assert!(rejected > RUNS / 2, "only {rejected} of {RUNS} mutations were rejected");
    assert!(ok > 0, "no mutation was accepted");
    assert!(checked > RUNS / 20, "only {checked} of {RUNS} mutations got past the parser");
}

// ---------------------------------------------------------------------------
// Actions travel as members of the `Action` struct
// ---------------------------------------------------------------------------

const VM_WITH_START: &str = "\
service: Vm
methods:
  get:
    params:
      vm: {type: Vm, dir: out}
  start:
    params:
      pause: Boolean
";

#[test]
fn an_action_needs_the_action_struct() {
    single(
        &[("services/vm.yaml", VM_WITH_START)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods.start.params.pause"),
        "actions need a struct `Action`, which the model does not define",
    );
}

#[test]
fn an_action_parameter_needs_a_member_of_the_action_struct() {
    let action = "struct: Action\nattributes:\n  status: String\n";
    single(
        &[("services/vm.yaml", VM_WITH_START), ("types/action.yaml", action)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods.start.params.pause"),
        "action parameters travel as members of `Action`, which has no member `pause`",
    );
    let wrong = "struct: Action\nattributes:\n  pause: String\n";
    single(
        &[("services/vm.yaml", VM_WITH_START), ("types/action.yaml", wrong)],
        "services/vm.yaml",
        Some("service Vm"),
        Some("methods.start.params.pause"),
        "`pause` differs in type from the member `Action.pause`",
    );
    let right = "struct: Action\nattributes:\n  pause: Boolean\n";
    loads(&with(&[("services/vm.yaml", VM_WITH_START), ("types/action.yaml", right)]));
}

// ---------------------------------------------------------------------------
// Waiters
// ---------------------------------------------------------------------------

/// The `Vm` service with a waiter written as `waiter` (the YAML of its map).
fn vm_waiter(waiter: &str) -> String {
    format!("{VM_SERVICE}waiters:\n  up: {waiter}\n")
}

#[test]
fn a_valid_waiter_loads() {
    let api = loads(&with(&[("services/vm.yaml", &vm_waiter("{member: status, values: [up], fail: [down]}"))]));
    let vm = api.services.iter().find(|s| s.name == "Vm").expect("the Vm service");
    assert_eq!(vm.waiters.len(), 1);
    assert_eq!(vm.waiters[0].rust, "wait_until_up");
}

#[test]
fn waiter_mistakes_name_the_waiter_and_its_key() {
    let cases = [
        ("{member: colour, values: [up]}", "waiters.up.member", "struct Vm has no member `colour`"),
        ("{member: name, values: [up]}", "waiters.up.member", "`name` is not an enum member"),
        ("{member: status, values: [sideways]}", "waiters.up.values", "`sideways` is not a value of enum VmStatus"),
        ("{member: status, values: [up], fail: [gone]}", "waiters.up.fail", "`gone` is not a value of enum VmStatus"),
        (
            "{member: status, values: [up], fail: [up]}",
            "waiters.up.fail",
            "`up` is both a value to wait for and a failure",
        ),
        ("{member: status, values: []}", "waiters.up.values", "a waiter needs at least one value to wait for"),
    ];
    for (waiter, key, message) in cases {
        single(&[("services/vm.yaml", &vm_waiter(waiter))], "services/vm.yaml", Some("service Vm"), Some(key), message);
    }
}

#[test]
fn a_waiter_needs_a_get() {
    let vms = format!("{VMS}waiters:\n  up: {{member: status, values: [up]}}\n");
    single(
        &[("services/vms.yaml", &vms)],
        "services/vms.yaml",
        Some("service Vms"),
        Some("waiters.up"),
        "a waiter needs a `get` method (its own or its base's)",
    );
}

// ---------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------

#[test]
fn paging_loads_and_its_mistakes_name_the_key() {
    let api = format!("{API}paging: {{param: search, format: \"{{value}} page {{page}}\", size: max}}\n");
    let loaded = loads(&with(&[("api.yaml", &api)]));
    let paging = loaded.paging.expect("paging");
    assert_eq!((paging.param.as_str(), paging.size.as_deref(), paging.first), ("search", Some("max"), 1));

    let api = format!("{API}paging: {{param: search, format: \"{{value}} page\"}}\n");
    single(&[("api.yaml", &api)], "api.yaml", Some("api"), Some("paging.format"), "`{page}`");
    let api = format!("{API}paging: {{param: Search, format: \"{{page}}\"}}\n");
    single(&[("api.yaml", &api)], "api.yaml", Some("api"), Some("paging.param"), "`Search` is not a snake-case name");
}

// ---------------------------------------------------------------------------
// JSON models: `format: json`, `protocol:` and HTTP bindings
// ---------------------------------------------------------------------------

const JSON_API: &str = "\
api: shop
doc: A tiny JSON API for the checker tests.
root_service: Root
format: json
protocol:
  title: Shop
  trailing_slash: true
  prefix: /region/{region}
  envelope: {result: result, status: status, task_id: task_id}
  tasks:
    status_path: /task/{task_id}/
    pending_http: 201
    pending: [PENDING]
    success: [SUCCESS]
    failure: [FAILURE]
    backoff: [0.5, 2]
    deadline: 60
  errors:
    message: [detail]
    statuses: {409: retry_later}
  auth:
    - header: {name: X-Key, setting: api_key}
";

const JSON_ROOT: &str = "\
service: Root
locators:
  items: {service: Items, path: item}
";

const JSON_ITEMS: &str = "\
service: Items
methods:
  list:
    http: GET
    fixed: {full: true}
    params:
      sort: String
      items: {type: Item, list: true, dir: out}
  make:
    http: POST
    task: true
    params:
      name: {type: String, wire: itemName}
      item: {type: Item, dir: out}
";

const JSON_ITEM: &str = "\
struct: Item
attributes:
  name: {type: String, wire: itemName}
  extra: Json
  kind: ItemKind
";

const JSON_KIND: &str = "\
enum: ItemKind
values: [SMALL, big one]
";

/// Every file of the valid JSON model.
fn json_valid() -> Vec<(String, String)> {
    [
        ("api.yaml", JSON_API),
        ("services/root.yaml", JSON_ROOT),
        ("services/items.yaml", JSON_ITEMS),
        ("types/item.yaml", JSON_ITEM),
        ("enums/item_kind.yaml", JSON_KIND),
    ]
    .into_iter()
    .map(|(p, t)| (p.to_owned(), t.to_owned()))
    .collect()
}

/// The valid JSON model with one file's text edited.
fn json_with(file: &str, from: &str, to: &str) -> Vec<(String, String)> {
    let mut files = json_valid();
    let f = files.iter_mut().find(|(p, _)| p == file).expect("a file of the JSON model");
    f.1 = edit(&f.1, from, to);
    files
}

#[test]
fn the_valid_json_model_loads_with_its_protocol_and_bindings() {
    let api = loads(&json_valid());
    assert_eq!(api.format, sdkgen::model::WireFormat::Json);
    let p = api.protocol.as_ref().expect("a protocol");
    assert_eq!(p.prefix.as_ref().map(|x| x.param.as_str()), Some("region"));
    assert_eq!(p.tasks.as_ref().map(|t| t.backoff_ms.clone()), Some(vec![500, 2000]));
    assert_eq!(p.error_statuses, [(409, "RetryLater".to_owned())]);
    let items = api.services.iter().find(|s| s.name == "Items").unwrap();
    let make = items.methods.iter().find(|m| m.name == "make").unwrap();
    assert_eq!(make.http.verb, "POST");
    assert!(make.task);
    assert_eq!(make.params[0].wire, "itemName", "the wire name of a parameter");
    let item = api.structs.iter().find(|s| s.name == "Item").unwrap();
    assert_eq!(item.members[0].wire, "itemName");
    assert!(item.xml.is_none() && item.members[0].xml.is_none(), "a JSON model has no XML facts");
    assert!(api.enums.iter().all(|e| e.xml.is_none()), "a JSON model has no XML names");
    let kind = &api.enums[0];
    let rust: Vec<&str> = kind.values.iter().map(|v| v.rust.as_str()).collect();
    assert_eq!(rust, ["Small", "BigOne"], "any wire text becomes a variant name");
}

#[test]
fn a_json_model_reports_every_mistake_with_file_entity_and_key() {
    let mut files = json_with("services/items.yaml", "http: POST", "http: SEND");
    let items = files.iter_mut().find(|(p, _)| p == "services/items.yaml").unwrap();
    items.1 = edit(&items.1, "    http: GET\n", "");
    let errs = errors(&files);
    find(&errs, "services/items.yaml", Some("service Items"), Some("methods.make.http"), "`SEND` is not one of GET");
    find(&errs, "services/items.yaml", Some("service Items"), Some("methods.list"), "needs `http:`");
    assert_eq!(errs.len(), 2, "{errs:#?}");
}

#[test]
fn xml_keys_in_a_json_model_and_json_keys_in_an_xml_model_are_named() {
    let errs = errors(&json_with("types/item.yaml", "wire: itemName", "xml: item_name"));
    only(&errs, "types/item.yaml", Some("struct Item"), Some("attributes.name.xml"), "only an XML model uses this key");
    let errs = errors(&with(&[("types/vm.yaml", &edit(VM, "name: String", "name: {type: String, wire: n}"))]));
    only(&errs, "types/vm.yaml", Some("struct Vm"), Some("attributes.name.wire"), "only a JSON model uses this key");
    let errs = errors(&with(&[("services/vm.yaml", &edit(VM_SERVICE, "  get:\n", "  get:\n    http: GET\n"))]));
    only(&errs, "services/vm.yaml", Some("service Vm"), Some("methods.get.http"), "only a JSON model uses this key");
    let errs = errors(&with(&[("services/vm.yaml", &edit(VM_SERVICE, "  get:\n", "  get:\n    anonymous: true\n"))]));
    only(&errs, "services/vm.yaml", Some("service Vm"), Some("methods.get.anonymous"), "only a JSON model uses this");
    let errs = errors(&with(&[("types/vm.yaml", &edit(VM, "name: String", "name: Json"))]));
    only(&errs, "types/vm.yaml", Some("struct Vm"), Some("attributes.name"), "`Json` exists only in JSON models");
    let errs = errors(&with(&[("types/vm.yaml", &edit(VM, "name: String", "name: {type: String, map: true}"))]));
    only(&errs, "types/vm.yaml", Some("struct Vm"), Some("attributes.name.map"), "only a JSON model uses this key");
    let both = "name: {type: String, wire: itemName, list: true, map: true}";
    let errs = errors(&json_with("types/item.yaml", "name: {type: String, wire: itemName}", both));
    only(&errs, "types/item.yaml", Some("struct Item"), Some("attributes.name"), "a list or a map, not both");
}

#[test]
fn a_json_api_needs_a_protocol_and_an_xml_protocol_holds_only_xml_keys() {
    let errs = errors(&json_with("api.yaml", JSON_API.split_once("protocol:").unwrap().1, "\n"));
    find(&errs, "api.yaml", Some("api"), Some("protocol"), "a JSON API needs a `protocol:`");

    let sso = "  sso:\n    token_path: /sso/token\n    kerberos_token_path: /sso/negotiate\n    \
               kerberos_grant: urn:x\n    revoke_path: /sso/logout\n    scope: api\n";
    let xml = format!("{API}protocol:\n  title: T\n  headers: {{Version: '4'}}\n  query_headers: {{all: All}}\n{sso}");
    let api = loads(&with(&[("api.yaml", &xml)]));
    let protocol = api.protocol.expect("the XML protocol is kept");
    assert_eq!(protocol.sso.map(|s| s.scope).as_deref(), Some("api"));
    assert_eq!(protocol.query_headers, [("all".to_owned(), "All".to_owned())]);

    // Every JSON-only key, every mistake, at once.
    let mistakes = xml.replace("/sso/logout", "sso/logout").replace("Version", "Bad Name")
        + "  trailing_slash: true\n  envelope: {result: r, status: s, task_id: t}\n  auth:\n    - signer: {}\n";
    let errs = errors(&with(&[("api.yaml", &mistakes)]));
    find(&errs, "api.yaml", Some("api"), Some("protocol.trailing_slash"), "only a JSON API has `trailing_slash`");
    find(&errs, "api.yaml", Some("api"), Some("protocol.envelope"), "only a JSON API has `envelope`");
    find(&errs, "api.yaml", Some("api"), Some("protocol.auth"), "only a JSON API has `auth`");
    find(&errs, "api.yaml", Some("api"), Some("protocol.sso.revoke_path"), "must start with `/`");
    find(&errs, "api.yaml", Some("api"), Some("protocol.headers.Bad Name"), "not a valid HTTP header name");
    assert_eq!(errs.len(), 5, "{errs:#?}");

    let errs = errors(&json_with("api.yaml", "protocol:\n", &format!("protocol:\n{sso}")));
    only(&errs, "api.yaml", Some("api"), Some("protocol.sso"), "only an XML API has `sso`");
}

#[test]
fn protocol_mistakes_are_named_by_their_key() {
    let errs = errors(&json_with("api.yaml", "prefix: /region/{region}", "prefix: region/{a}/{b}"));
    only(&errs, "api.yaml", Some("api"), Some("protocol.prefix"), "exactly one snake-case `{parameter}`");
    let errs = errors(&json_with("api.yaml", "409: retry_later", "409: later"));
    only(&errs, "api.yaml", Some("api"), Some("protocol.errors.statuses.409"), "unknown error kind `later`");
    let errs = errors(&json_with("api.yaml", "409: retry_later", "200: retry_later"));
    only(&errs, "api.yaml", Some("api"), Some("protocol.errors.statuses.200"), "not an HTTP error status");
    let errs = errors(&json_with("api.yaml", "backoff: [0.5, 2]", "backoff: []"));
    only(&errs, "api.yaml", Some("api"), Some("protocol.tasks.backoff"), "at least one positive number");
    let two = "- header: {name: X-Key, setting: api_key}\n    - header: {name: A, setting: a}\n      signer: {}";
    let errs = errors(&json_with("api.yaml", "- header: {name: X-Key, setting: api_key}", two));
    only(&errs, "api.yaml", Some("api"), Some("protocol.auth[1]"), "exactly one of `header:`, `login:` or `signer:`");
    let errs = errors(&json_with("api.yaml", "status_path: /task/{task_id}/", "status_path: /task/{id}/"));
    only(&errs, "api.yaml", Some("api"), Some("protocol.tasks.status_path"), "hold `{task_id}`");
    let cancel = "status_path: /task/{task_id}/\n    cancel: PUT /task/{id}/cancel/";
    let errs = errors(&json_with("api.yaml", "status_path: /task/{task_id}/", cancel));
    only(&errs, "api.yaml", Some("api"), Some("protocol.tasks.cancel"), "`METHOD /path` holding `{task_id}`");
    let login = |logout: &str| {
        format!(
            "- login: {{path: /login, user: u, password: p, token: t, header: Authorization, \
             format: 'Token {{token}}', relogin_on: 403, logout: '{logout}'}}"
        )
    };
    let header = "- header: {name: X-Key, setting: api_key}";
    loads(&json_with("api.yaml", header, &login("DELETE /logout")));
    for bad in ["/logout", "FETCH /logout", "DELETE logout"] {
        let errs = errors(&json_with("api.yaml", header, &login(bad)));
        only(&errs, "api.yaml", Some("api"), Some("protocol.auth[0].login.logout"), "`METHOD /path`");
    }
}

#[test]
fn json_method_mistakes_are_named_by_their_key() {
    let errs = errors(&json_with("services/items.yaml", "fixed: {full: true}", "fixed: {sort: x}"));
    only(&errs, "services/items.yaml", Some("service Items"), Some("methods.list.fixed.sort"), "can't also be");
    let second_out = "item: {type: Item, dir: out}\n      other: {type: Item, dir: out}";
    let errs = errors(&json_with("services/items.yaml", "item: {type: Item, dir: out}", second_out));
    only(&errs, "services/items.yaml", Some("service Items"), Some("methods.make"), "at most one `out` parameter");
    let errs = errors(&json_with("services/items.yaml", "sort: String", "sort: {type: String, dir: inout}"));
    only(&errs, "services/items.yaml", Some("service Items"), Some("methods.list.params.sort"), "is `in`, or `out`");
    let tasks_block = &JSON_API[JSON_API.find("  tasks:").unwrap()..JSON_API.find("  errors:").unwrap()];
    let files = json_with("api.yaml", tasks_block, "");
    let errs = errors(&files);
    only(&errs, "services/items.yaml", Some("service Items"), Some("methods.make.task"), "no `protocol.tasks`");
    let errs = errors(&json_with("services/items.yaml", "    task: true\n", "    task: true\n    path: /x/\n"));
    only(&errs, "services/items.yaml", Some("service Items"), Some("methods.make.path"), "without a leading");
    let items = "services/items.yaml";
    let body = "name: {type: String, wire: itemName, body: true}";
    let errs = errors(&json_with(items, "name: {type: String, wire: itemName}", body));
    only(&errs, items, Some("service Items"), Some("methods.make.params.name.body"), "a struct, `Json` or a map");
    let errs = errors(&json_with(items, "sort: String", "sort: {type: Item, body: true}"));
    only(&errs, items, Some("service Items"), Some("methods.list.params.sort.body"), "a `GET` sends no body");
    let two = "name: {type: Json, body: true}\n      more: {type: Json, body: true}";
    let errs = errors(&json_with(items, "name: {type: String, wire: itemName}", two));
    only(&errs, items, Some("service Items"), Some("methods.make"), "at most one `body` parameter, found 2");
    let errs = errors(&json_with("types/item.yaml", "extra: Json", "extra: {type: Json, body: true}"));
    only(&errs, "types/item.yaml", Some("struct Item"), Some("attributes.extra.body"), "belongs to parameters");
}

#[test]
fn choice_mistakes_are_named_by_their_key() {
    let choice = "struct: Pick\none_of:\n  name: String\n  item: Item\n";
    let mut files = json_valid();
    files.push(("types/pick.yaml".to_owned(), choice.to_owned()));
    loads(&files);
    let one = "struct: Pick\none_of:\n  name: String\n";
    let mut files = json_valid();
    files.push(("types/pick.yaml".to_owned(), one.to_owned()));
    only(&errors(&files), "types/pick.yaml", Some("struct Pick"), Some("one_of"), "at least two alternatives");
    let mixed = format!("{choice}attributes:\n  size: Integer\n");
    let mut files = json_valid();
    files.push(("types/pick.yaml".to_owned(), mixed));
    only(
        &errors(&files),
        "types/pick.yaml",
        Some("struct Pick"),
        Some("attributes"),
        "only its `one_of:` alternatives",
    );
    let other = "struct: Pick\none_of:\n  other: String\n  item: Item\n";
    let mut files = json_valid();
    files.push(("types/pick.yaml".to_owned(), other.to_owned()));
    only(&errors(&files), "types/pick.yaml", Some("struct Pick"), Some("one_of"), "keeps values of no alternative");
    let mut files = json_valid();
    files.push(("types/pick.yaml".to_owned(), choice.to_owned()));
    files.push(("types/child.yaml".to_owned(), "struct: Child\nbase: Pick\n".to_owned()));
    only(&errors(&files), "types/child.yaml", Some("struct Child"), Some("base"), "is a choice, not a base");
    let xml = "struct: Pick\none_of:\n  name: String\n  vm: Vm\n";
    let errs = errors(&with(&[("types/pick.yaml", xml)]));
    only(&errs, "types/pick.yaml", Some("struct Pick"), Some("one_of"), "only a JSON model uses this key");
}

#[test]
fn json_paging_names_its_page_members_and_xml_paging_does_not() {
    let paging = "paging:\n  param: page\n  format: \"{page}\"\n";
    let errs = errors(&json_with("api.yaml", "format: json\n", &format!("format: json\n{paging}")));
    only(&errs, "api.yaml", Some("api"), Some("paging"), "names its page's `items:` and `next:` members");
    let full = format!("{paging}  items: results\n  next: next\n");
    loads(&json_with("api.yaml", "format: json\n", &format!("format: json\n{full}")));
    let xml = format!("{API}paging:\n  param: search\n  format: \"{{value}} page {{page}}\"\n  items: results\n");
    let errs = errors(&with(&[("api.yaml", &xml)]));
    only(&errs, "api.yaml", Some("api"), Some("paging.items"), "only a JSON model uses this key");
}
