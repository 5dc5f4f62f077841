//! Checks the oVirt model (`model/ovirt`) against the facts extracted from the
//! public oVirt API model (`shared/ovirt-api/facts.json`, see its README).
//!
//! The facts file sits beside the repository (`../shared/ovirt-api/facts.json`
//! from the workspace root); `OVIRT_FACTS` overrides its path. A missing file
//! is a failure, not a skip.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use sdkgen::ir::{Api, Detail, Member, MemberKind, Method, Param, Service, Variant};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------

fn load_model() -> Api {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/ovirt");
    sdkgen::load(&dir).unwrap_or_else(|e| panic!("{} does not load:\n{e}", dir.display()))
}

fn facts_path() -> PathBuf {
    match std::env::var_os("OVIRT_FACTS") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/ovirt-api/facts.json"),
    }
}

fn load_facts() -> Value {
    let path = facts_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the oVirt facts at {}: {e}\n\
             (expected `shared/ovirt-api/facts.json` beside the repository; set OVIRT_FACTS to its path)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// Reading facts (absent keys read as null / false / empty)
// ---------------------------------------------------------------------------

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A string that every entry of its kind has.
fn field<'a>(v: &'a Value, key: &str) -> &'a str {
    text(v, key).unwrap_or_else(|| panic!("facts entry without `{key}`: {v}"))
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn number(v: &Value, pointer: &str) -> usize {
    let n = v.pointer(pointer).and_then(Value::as_u64);
    n.unwrap_or_else(|| panic!("facts have no number at `{pointer}`")) as usize
}

/// Facts entries keyed by one of their string fields.
fn keyed<'a>(items: &'a [Value], key: &str) -> Vec<(String, &'a Value)> {
    items.iter().map(|v| (field(v, key).to_owned(), v)).collect()
}

/// `mandatory` or `optional` input detail of a facts method or variant.
fn fact_detail<'a>(v: &'a Value, which: &str) -> &'a [Value] {
    v.pointer(&format!("/input_detail/{which}")).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

// ---------------------------------------------------------------------------
// Reading the model
// ---------------------------------------------------------------------------

/// Input detail in the facts' JSON form: each item a path string or a list of them.
fn model_detail(items: &[Detail]) -> Json {
    let items: Vec<Value> = items
        .iter()
        .map(|d| match d {
            Detail::One(path) => Value::from(path.as_str()),
            Detail::AnyOf(paths) => Value::from(paths.clone()),
        })
        .collect();
    Json(items.into())
}

/// JSON that compares by value and shows as compact JSON text in messages.
#[derive(PartialEq)]
struct Json(Value);

impl Debug for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

fn has_detail(mandatory: &[Detail], optional: &[Detail]) -> bool {
    !mandatory.is_empty() || !optional.is_empty()
}

fn service_name(api: &Api, index: usize) -> String {
    format!("{}Service", api.services[index].name)
}

fn lower_debug(value: impl Debug) -> String {
    format!("{value:?}").to_lowercase()
}

fn methods(api: &Api) -> impl Iterator<Item = &Method> {
    api.services.iter().flat_map(|s| &s.methods)
}

fn variants(api: &Api) -> impl Iterator<Item = &Variant> {
    methods(api).flat_map(|m| &m.variants)
}

fn count<T>(items: impl Iterator<Item = T>, pred: impl Fn(&T) -> bool) -> usize {
    items.filter(|x| pred(x)).count()
}

// ---------------------------------------------------------------------------
// Collecting mismatches
// ---------------------------------------------------------------------------

/// Every comparison made and every mismatch found, reported together.
#[derive(Default)]
struct Diff {
    compared: usize,
    mismatches: Vec<String>,
}

impl Diff {
    fn check<T: PartialEq + Debug>(&mut self, at: &str, what: &str, model: T, fact: T) {
        self.compared += 1;
        if model != fact {
            self.mismatches.push(format!("{at}: {what}: model {model:?}, facts {fact:?}"));
        }
    }

    /// Like `check`, for a number or value that must equal a fixed expectation.
    fn expect<T: PartialEq + Debug>(&mut self, at: &str, what: &str, got: T, expected: T) {
        self.compared += 1;
        if got != expected {
            self.mismatches.push(format!("{at}: {what}: is {got:?}, expected {expected:?}"));
        }
    }

    /// Pairs the named items of both sides; a name on one side only is a mismatch.
    fn pair<M, F>(
        &mut self,
        at: &str,
        what: &str,
        model: impl IntoIterator<Item = (String, M)>,
        facts: impl IntoIterator<Item = (String, F)>,
    ) -> Vec<(String, M, F)> {
        let mut facts: BTreeMap<String, F> = facts.into_iter().collect();
        let mut pairs = Vec::new();
        for (name, m) in model {
            self.compared += 1;
            match facts.remove(&name) {
                Some(f) => pairs.push((name, m, f)),
                None => self.mismatches.push(format!("{at}: {what} `{name}` is in the model but not in the facts")),
            }
        }
        for name in facts.into_keys() {
            self.compared += 1;
            self.mismatches.push(format!("{at}: {what} `{name}` is in the facts but not in the model"));
        }
        pairs
    }

    fn assert_clean(&self, title: &str) {
        const SHOWN: usize = 50;
        if self.mismatches.is_empty() {
            return;
        }
        let mut msg = format!("{title}: {} mismatches in {} comparisons:\n", self.mismatches.len(), self.compared);
        for m in self.mismatches.iter().take(SHOWN) {
            msg.push_str(&format!("  {m}\n"));
        }
        if self.mismatches.len() > SHOWN {
            msg.push_str(&format!("  ... and {} more\n", self.mismatches.len() - SHOWN));
        }
        panic!("{msg}");
    }
}

// ---------------------------------------------------------------------------
// 1. Counts
// ---------------------------------------------------------------------------

#[test]
fn full_model_counts() {
    let api = load_model();
    let facts = load_facts();

    for needed in ["Fault", "GracePeriod", "Action"] {
        assert!(api.structs.iter().any(|s| s.name == needed), "the model has no struct `{needed}`");
    }

    let declared = || api.structs.iter().enumerate().flat_map(|(i, s)| s.own_members(i));
    let is_attr = |m: &&Member| m.kind == MemberKind::Attribute;
    let is_link = |m: &&Member| m.kind == MemberKind::Link;
    let values = || api.enums.iter().flat_map(|e| &e.values);
    let params = || methods(&api).flat_map(|m| &m.params);
    let variant_params = || variants(&api).flat_map(|v| &v.params);
    let locators = || api.services.iter().flat_map(|s| &s.locators);
    let kind = |k: &str| count(methods(&api), |m| lower_debug(m.kind) == k);

    let with_detail = count(methods(&api), |m| has_detail(&m.mandatory, &m.optional))
        + count(variants(&api), |v| has_detail(&v.mandatory, &v.optional));
    let facts_with_detail = facts_detail_count(&facts);

    // (what, model, expected, facts `counts` pointer)
    let rows: Vec<(&str, usize, usize, Option<&str>)> = vec![
        ("structs", api.structs.len(), 220, Some("/counts/types")),
        ("enums", api.enums.len(), 115, Some("/counts/enums")),
        ("enum values", values().count(), 598, Some("/counts/enum_values")),
        ("services", api.services.len(), 288, Some("/counts/services")),
        ("methods", methods(&api).count(), 637, Some("/counts/methods")),
        ("get methods", kind("get"), 134, Some("/counts/methods_by_kind/get")),
        ("list methods", kind("list"), 141, Some("/counts/methods_by_kind/list")),
        ("add methods", kind("add"), 92, Some("/counts/methods_by_kind/add")),
        ("update methods", kind("update"), 51, Some("/counts/methods_by_kind/update")),
        ("remove methods", kind("remove"), 95, Some("/counts/methods_by_kind/remove")),
        ("action methods", kind("action"), 124, Some("/counts/methods_by_kind/action")),
        ("variants", variants(&api).count(), 49, Some("/counts/variants")),
        ("locators", locators().count(), 318, Some("/counts/locators")),
        ("locators with id", count(locators(), |l| l.takes_id), 138, Some("/counts/locators_with_id")),
        ("method parameters", params().count(), 1339, Some("/counts/parameters")),
        ("variant parameters", variant_params().count(), 6, Some("/counts/variant_parameters")),
        ("declared attributes", count(declared(), is_attr), 989, Some("/counts/attributes")),
        ("declared links", count(declared(), is_link), 349, Some("/counts/links")),
        ("deprecated types", count(api.structs.iter(), |s| s.deprecated), 6, Some("/counts/deprecated/types")),
        (
            "deprecated attributes",
            count(declared().filter(is_attr), |m| m.deprecated),
            25,
            Some("/counts/deprecated/attributes"),
        ),
        ("deprecated links", count(declared().filter(is_link), |m| m.deprecated), 3, Some("/counts/deprecated/links")),
        ("deprecated enums", count(api.enums.iter(), |e| e.deprecated), 5, Some("/counts/deprecated/enums")),
        ("deprecated enum values", count(values(), |v| v.deprecated), 7, Some("/counts/deprecated/enum_values")),
        ("deprecated services", count(api.services.iter(), |s| s.deprecated), 6, Some("/counts/deprecated/services")),
        ("deprecated methods", count(methods(&api), |m| m.deprecated), 9, Some("/counts/deprecated/methods")),
        (
            "deprecated parameters",
            count(params().chain(variant_params()), |p| p.deprecated),
            4,
            Some("/counts/deprecated/parameters"),
        ),
        ("deprecated locators", count(locators(), |l| l.deprecated), 0, Some("/counts/deprecated/locators")),
        ("methods+variants with input detail", with_detail, 199, None),
        ("facts: methods+variants with non-empty input detail", facts_with_detail, 199, None),
    ];

    let mut diff = Diff::default();
    for &(what, model, expected, pointer) in &rows {
        diff.expect("model", what, model, expected);
        if let Some(pointer) = pointer {
            diff.expect(&format!("facts.json {pointer}"), what, number(&facts, pointer), expected);
        }
    }
    diff.check("input detail", "methods+variants with non-empty input detail", with_detail, facts_with_detail);
    // The facts count every signature that states input detail, even with both lists empty.
    let listed = count(fact_signatures(&facts), |v| v.get("input_detail").is_some());
    diff.expect(
        "facts.json",
        "signatures with input_detail",
        listed,
        number(&facts, "/counts/methods_with_input_detail"),
    );
    check_flattened_counts(&api, &facts, &mut diff);

    let summary: Vec<String> = rows.iter().map(|(what, model, ..)| format!("{what} {model}")).collect();
    println!("ovirt model counts: {}", summary.join(", "));
    diff.assert_clean("oVirt model counts");
}

/// Every method and variant of the facts.
fn fact_signatures(facts: &Value) -> impl Iterator<Item = &Value> {
    let methods = list(facts, "services").iter().flat_map(|s| list(s, "methods"));
    methods.flat_map(|m| std::iter::once(m).chain(list(m, "variants")))
}

/// Methods and variants whose facts list at least one input-detail item.
fn facts_detail_count(facts: &Value) -> usize {
    count(fact_signatures(facts), |v| !fact_detail(v, "mandatory").is_empty() || !fact_detail(v, "optional").is_empty())
}

/// Attribute and link counts of every struct, inherited members included.
fn check_flattened_counts(api: &Api, facts: &Value, diff: &mut Diff) {
    let model = api.structs.iter().map(|s| (s.name.clone(), s));
    for (name, st, fact) in diff.pair("flattened", "struct", model, keyed(list(facts, "types"), "name")) {
        let at = format!("struct {name}");
        for (kind, key) in [(MemberKind::Attribute, "attributes"), (MemberKind::Link, "links")] {
            let n = count(st.members.iter(), |m| m.kind == kind);
            diff.check(&at, &format!("flattened {key}"), n, number(fact, &format!("/flattened/{key}")));
        }
    }
}

// ---------------------------------------------------------------------------
// 2. Names
// ---------------------------------------------------------------------------

#[test]
fn names_match_facts() {
    let api = load_model();
    let facts = load_facts();
    let mut diff = Diff::default();
    compare_structs(&api, &facts, &mut diff);
    compare_enums(&api, &facts, &mut diff);
    compare_services(&api, &facts, &mut diff);
    println!("ovirt model names: {} compared, {} mismatches", diff.compared, diff.mismatches.len());
    diff.assert_clean("oVirt model names differ from facts.json");
}

fn compare_structs(api: &Api, facts: &Value, diff: &mut Diff) {
    let model = api.structs.iter().enumerate().map(|(i, s)| (s.name.clone(), (i, s)));
    for (name, (index, st), fact) in diff.pair("types", "struct", model, keyed(list(facts, "types"), "name")) {
        let at = format!("struct {name}");
        diff.check(&at, "xml", st.xml.as_ref().map(|x| x.element.as_str()), text(fact, "xml"));
        diff.check(&at, "xml_plural", st.xml.as_ref().map(|x| x.plural.as_str()), text(fact, "xml_plural"));
        diff.check(&at, "base", st.base.map(|b| api.structs[b].name.as_str()), text(fact, "base"));
        diff.check(&at, "deprecated", st.deprecated, flag(fact, "deprecated"));
        let model = st.own_members(index).map(|m| (m.name.clone(), m));
        let declared = list(fact, "attributes").iter().map(|v| ("attribute", v));
        let declared = declared.chain(list(fact, "links").iter().map(|v| ("link", v)));
        let declared = declared.map(|(kind, v)| (field(v, "snake").to_owned(), (kind, v)));
        for (member, m, (kind, f)) in diff.pair(&at, "member", model, declared) {
            compare_member(api, &format!("{at}.{member}"), m, kind, f, diff);
        }
    }
}

fn compare_member(api: &Api, at: &str, m: &Member, kind: &str, f: &Value, diff: &mut Diff) {
    diff.check(at, "kind", lower_debug(m.kind).as_str(), kind);
    diff.check(at, "xml", Some(m.wire.as_str()), text(f, "xml"));
    diff.expect(at, "has XML facts", m.xml.is_some(), true);
    let xml = m.xml_facts();
    diff.check(at, "xml_attribute", xml.attribute, flag(f, "xml_attribute"));
    diff.check(at, "list", m.list, flag(f, "list"));
    diff.check(at, "type", Some(api.type_name(m.ty)), text(f, "type"));
    diff.check(at, "item xml", xml.item.as_deref(), text(f, "xml_item"));
    diff.check(at, "rel", xml.rel.as_deref(), text(f, "rel"));
    diff.check(at, "deprecated", m.deprecated, flag(f, "deprecated"));
}

fn compare_enums(api: &Api, facts: &Value, diff: &mut Diff) {
    let model = api.enums.iter().map(|e| (e.name.clone(), e));
    for (name, e, fact) in diff.pair("enums", "enum", model, keyed(list(facts, "enums"), "name")) {
        let at = format!("enum {name}");
        diff.check(&at, "xml", e.xml.as_ref().map(|x| x.element.as_str()), text(fact, "xml"));
        diff.check(&at, "xml_plural", e.xml.as_ref().map(|x| x.plural.as_str()), text(fact, "xml_plural"));
        diff.check(&at, "deprecated", e.deprecated, flag(fact, "deprecated"));
        let fact_values = list(fact, "values");
        let model_wires: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
        let fact_wires: Vec<&str> = fact_values.iter().map(|v| field(v, "xml")).collect();
        diff.check(&at, "values in order", model_wires, fact_wires);
        let model = e.values.iter().map(|v| (v.wire.clone(), v));
        for (wire, v, f) in diff.pair(&at, "value", model, keyed(fact_values, "xml")) {
            diff.check(&format!("{at}.{wire}"), "deprecated", v.deprecated, flag(f, "deprecated"));
        }
    }
}

fn compare_services(api: &Api, facts: &Value, diff: &mut Diff) {
    let model = api.services.iter().enumerate().map(|(i, s)| (service_name(api, i), s));
    for (name, s, fact) in diff.pair("services", "service", model, keyed(list(facts, "services"), "name")) {
        compare_service(api, &format!("service {name}"), s, fact, diff);
    }
}

fn compare_service(api: &Api, at: &str, s: &Service, fact: &Value, diff: &mut Diff) {
    diff.check(at, "base", s.base.map(|b| service_name(api, b)).as_deref(), text(fact, "base"));
    diff.check(at, "deprecated", s.deprecated, flag(fact, "deprecated"));
    let model = s.methods.iter().map(|m| (m.name.clone(), m));
    for (name, m, f) in diff.pair(at, "method", model, keyed(list(fact, "methods"), "snake")) {
        compare_method(api, &format!("{at}.{name}"), m, f, diff);
    }
    let model = s.locators.iter().map(|l| (l.name.clone(), l));
    for (name, l, f) in diff.pair(at, "locator", model, keyed(list(fact, "locators"), "snake")) {
        let at = format!("{at} locator {name}");
        diff.check(&at, "path", Some(l.path.as_str()), text(f, "path"));
        diff.check(&at, "service", Some(service_name(api, l.service).as_str()), text(f, "service"));
        diff.check(&at, "takes_id", l.takes_id, flag(f, "takes_id"));
        diff.check(&at, "deprecated", l.deprecated, flag(f, "deprecated"));
    }
}

fn compare_method(api: &Api, at: &str, m: &Method, f: &Value, diff: &mut Diff) {
    let param_name = |i: Option<usize>| i.map(|i| m.params[i].name.as_str());
    // The facts name the body and result by the parameter's `name`, not its `snake`.
    let fact_param = |key: &str| {
        let name = text(f, key)?;
        let param = list(f, "parameters").iter().find(|p| text(p, "name") == Some(name));
        Some(param.map_or(name, |p| field(p, "snake")))
    };
    diff.check(at, "kind", Some(lower_debug(m.kind).as_str()), text(f, "kind"));
    diff.check(at, "http method", Some(m.kind.http_method()), text(f, "http_method"));
    diff.check(at, "path", m.path.as_deref(), text(f, "path").filter(|p| !p.is_empty()));
    diff.check(at, "deprecated", m.deprecated, flag(f, "deprecated"));
    diff.check(at, "body parameter", param_name(m.body), fact_param("body_parameter"));
    diff.check(at, "result parameter", param_name(m.result), fact_param("result_parameter"));
    compare_details(at, &m.mandatory, &m.optional, f, diff);
    compare_params(api, at, &m.params, list(f, "parameters"), diff);
    let model = m.variants.iter().map(|v| (v.name.clone(), v));
    for (name, v, fv) in diff.pair(at, "variant", model, keyed(list(f, "variants"), "snake")) {
        let at = format!("{at} variant {name}");
        let derived = text(fv, "full_snake");
        let renamed = RENAMED_VARIANTS.iter().find(|(from, _)| Some(*from) == derived).map(|(_, to)| *to);
        diff.check(&at, "rust method", Some(v.rust.as_str()), renamed.or(derived));
        diff.check(&at, "deprecated", v.deprecated, flag(fv, "deprecated"));
        compare_details(&at, &v.mandatory, &v.optional, fv, diff);
        compare_params(api, &at, &v.params, list(fv, "parameters"), diff);
    }
}

/// Variants whose derived Rust name says nothing, renamed in the model
/// (`rust_name:`): the derived name and the name the model gives.
const RENAMED_VARIANTS: &[(&str, &str)] = &[("add_signature1", "add_with_attachment_settings")];

fn compare_details(at: &str, mandatory: &[Detail], optional: &[Detail], f: &Value, diff: &mut Diff) {
    for (which, items) in [("mandatory", mandatory), ("optional", optional)] {
        let fact = Json(fact_detail(f, which).into());
        diff.check(at, &format!("{which} input detail"), model_detail(items), fact);
    }
}

fn compare_params(api: &Api, at: &str, params: &[Param], facts: &[Value], diff: &mut Diff) {
    let model = params.iter().map(|p| (p.name.clone(), p));
    for (name, p, f) in diff.pair(at, "parameter", model, keyed(facts, "snake")) {
        let at = format!("{at}({name})");
        diff.check(&at, "xml", Some(p.wire.as_str()), text(f, "xml"));
        diff.check(&at, "type", Some(api.type_name(p.ty)), text(f, "type"));
        diff.check(&at, "list", p.list, flag(f, "list"));
        diff.check(&at, "direction", Some(lower_debug(p.dir).as_str()), text(f, "direction"));
        diff.check(&at, "deprecated", p.deprecated, flag(f, "deprecated"));
        diff.check(&at, "from the Follow mixin", p.from_follow, text(f, "from_mixin") == Some("Follow"));
    }
}
