//! The checked intermediate representation.
//!
//! `build` resolves every reference of a [`RawModel`], decides every Rust and
//! wire name exactly once and reports every problem it finds. Emitters only
//! read this representation; they never look at the YAML again.
//!
//! What both wire formats share lives in the plain fields (a member's or
//! parameter's `wire` name is its XML element or attribute name, or its JSON
//! object member name). What only XML has (attributes, list item elements,
//! link `rel`s, schema types, element and collection names of types) lives in
//! one optional side table per item, [`XmlMember`] and [`XmlNames`], which is
//! `None` in a JSON model.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use crate::error::{ModelError, ModelErrors};
use crate::model::{
    Direction, MemberSpec, OrderedMap, RawDetail, RawEnum, RawEnumValue, RawFixed, RawMember, RawModel, RawService,
    RawStruct, Sourced, WireFormat,
};
use crate::names::{self, NamingRules};
use crate::protocol::Protocol;

/// The primitive types of the model language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// Unicode text.
    String,
    /// `true` / `false`.
    Boolean,
    /// A signed integer (64-bit in Rust: safe for every member).
    Integer,
    /// A decimal number, kept exactly as written.
    Decimal,
    /// A date and time with its offset.
    Date,
    /// JSON models only: any JSON value, kept as it came. The checker keeps
    /// it out of XML models (whose emitters would treat it as text).
    Json,
}

impl Primitive {
    fn from_name(name: &str) -> Option<Primitive> {
        Some(match name {
            "String" => Primitive::String,
            "Boolean" => Primitive::Boolean,
            "Integer" => Primitive::Integer,
            "Decimal" => Primitive::Decimal,
            "Date" => Primitive::Date,
            "Json" => Primitive::Json,
            _ => return None,
        })
    }

    /// The model name of the primitive.
    pub fn name(self) -> &'static str {
        match self {
            Primitive::String => "String",
            Primitive::Boolean => "Boolean",
            Primitive::Integer => "Integer",
            Primitive::Decimal => "Decimal",
            Primitive::Date => "Date",
            Primitive::Json => "Json",
        }
    }
}

/// What a member or parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A primitive.
    Primitive(Primitive),
    /// An enum, by index into [`Api::enums`].
    Enum(usize),
    /// A struct, by index into [`Api::structs`].
    Struct(usize),
}

/// The whole checked API.
#[derive(Debug)]
pub struct Api {
    /// Short name (`ovirt`).
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Index of the root service.
    pub root_service: usize,
    /// URL path of the root service.
    pub root_path: String,
    /// The naming tables.
    pub naming: NamingRules,
    /// How list methods page, when the API pages.
    pub paging: Option<Paging>,
    /// The wire format.
    pub format: WireFormat,
    /// The protocol: always there for a JSON API, optional for an XML one.
    pub protocol: Option<Protocol>,
    /// Struct types, sorted by name.
    pub structs: Vec<StructType>,
    /// Enums, sorted by name.
    pub enums: Vec<EnumType>,
    /// Services, sorted by name.
    pub services: Vec<Service>,
}

/// How list methods page (see `paging:` in the model language).
#[derive(Debug, Clone)]
pub struct Paging {
    /// The query parameter (snake name) that says which page.
    pub param: String,
    /// How the page is written into it (`{value}`, `{page}`).
    pub format: String,
    /// The query parameter (snake name) that sets the page size.
    pub size: Option<String>,
    /// The number of the first page.
    pub first: i64,
    /// JSON: the member of a page that holds its items, and the one that
    /// is unset on the last page.
    pub json: Option<JsonPaging>,
}

/// How a JSON API's page object says what it holds and whether more follow.
#[derive(Debug, Clone)]
pub struct JsonPaging {
    /// The member holding the page's items (`results`).
    pub items: String,
    /// The member that is unset or `null` on the last page (`next`).
    pub next: String,
}

/// A struct type.
#[derive(Debug)]
pub struct StructType {
    /// Model name (`Vm`).
    pub name: String,
    /// Rust name.
    pub rust_name: String,
    /// Rust module (file) name.
    pub module: String,
    /// The model file.
    pub file: PathBuf,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// XML only: the element and collection names (`None` in a JSON model).
    pub xml: Option<XmlNames>,
    /// Base type.
    pub base: Option<usize>,
    /// All ancestors, nearest first.
    pub ancestors: Vec<usize>,
    /// Every member, inherited ones first (root-most base first), in model order.
    pub members: Vec<Member>,
    /// JSON: the value is exactly one of `members` (its `one_of:`
    /// alternatives, tried in order), not an object holding them.
    pub choice: bool,
}

impl StructType {
    /// Members declared by this type itself.
    pub fn own_members(&self, me: usize) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(move |m| m.declared_in == me)
    }

    /// The XML element and collection names of the type.
    ///
    /// Only XML emitters ask, and they only run for XML models, where the
    /// builder always sets them. Were they missing, the names are derived
    /// from the model name as the builder derives them when the model states
    /// none, so the answer is never a panic.
    pub fn xml_names(&self, naming: &NamingRules) -> Cow<'_, XmlNames> {
        names_or_derived(self.xml.as_ref(), naming, &self.name)
    }

    /// True when the type has an `id` member of type `String`.
    pub fn has_id(&self) -> bool {
        self.members.iter().any(|m| m.name == "id" && m.ty == TypeRef::Primitive(Primitive::String) && !m.list)
    }

    /// True when the type has a `name` member of type `String`.
    pub fn has_name(&self) -> bool {
        self.members.iter().any(|m| m.name == "name" && m.ty == TypeRef::Primitive(Primitive::String) && !m.list)
    }
}

/// Whether a member is data or a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    /// A data member.
    Attribute,
    /// A link to other objects.
    Link,
    /// JSON: one alternative of a choice (`one_of:`).
    Alternative,
}

impl MemberKind {
    /// The section of a struct's model file that declares members of this kind.
    fn section(self) -> &'static str {
        match self {
            MemberKind::Attribute => "attributes",
            MemberKind::Link => "links",
            MemberKind::Alternative => "one_of",
        }
    }
}

/// A member of a struct.
#[derive(Debug, Clone)]
pub struct Member {
    /// Snake name.
    pub name: String,
    /// Rust field name (may be raw, `r#type`).
    pub rust: String,
    /// The name on the wire: the XML element or attribute name, or the JSON
    /// object member name.
    pub wire: String,
    /// Data or link.
    pub kind: MemberKind,
    /// Item type.
    pub ty: TypeRef,
    /// A list of `ty`.
    pub list: bool,
    /// JSON: an object of `ty` values under free-text keys.
    pub map: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Never shown by `Debug`.
    pub secret: bool,
    /// XML only: how the member travels in XML (`None` in a JSON model).
    pub xml: Option<XmlMember>,
    /// The struct that declares the member.
    pub declared_in: usize,
}

/// The facts about a member that only XML has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XmlMember {
    /// Travels as an XML attribute (`id`, `rel`) rather than an element.
    pub attribute: bool,
    /// Item element name, for lists.
    pub item: Option<String>,
    /// Link `rel`, for list links.
    pub rel: Option<String>,
    /// Schema type of the wire form, when stated.
    pub xsd: Option<String>,
}

/// What a member without XML facts is in XML: a plain element, no list item
/// name, no `rel`, no schema type.
static PLAIN_ELEMENT: XmlMember = XmlMember { attribute: false, item: None, rel: None, xsd: None };

/// How many values a JSON member or parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One value.
    One,
    /// A list of values.
    List,
    /// An object of values under free-text keys.
    Map,
}

impl Shape {
    fn of(list: bool, map: bool) -> Shape {
        match (list, map) {
            (true, _) => Shape::List,
            (false, true) => Shape::Map,
            (false, false) => Shape::One,
        }
    }
}

impl Member {
    /// One value, a list or a map.
    pub fn shape(&self) -> Shape {
        Shape::of(self.list, self.map)
    }

    /// How the member travels in XML.
    ///
    /// XML emitters ask, and they only run for XML models, where the builder
    /// always sets these facts. A member without them (every member of a
    /// JSON model) reads as a plain element with no `rel`, never as a panic;
    /// the builder's name checks rely on that for JSON models.
    pub fn xml_facts(&self) -> &XmlMember {
        self.xml.as_ref().unwrap_or(&PLAIN_ELEMENT)
    }
}

/// An enum.
#[derive(Debug)]
pub struct EnumType {
    /// Model name.
    pub name: String,
    /// Rust name.
    pub rust_name: String,
    /// Rust module (file) name.
    pub module: String,
    /// The model file.
    pub file: PathBuf,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// XML only: the element and collection names (`None` in a JSON model).
    pub xml: Option<XmlNames>,
    /// Values in model order.
    pub values: Vec<EnumValue>,
}

impl EnumType {
    /// The XML element and collection names of the enum; see
    /// [`StructType::xml_names`], which answers the same way.
    pub fn xml_names(&self, naming: &NamingRules) -> Cow<'_, XmlNames> {
        names_or_derived(self.xml.as_ref(), naming, &self.name)
    }
}

/// The names a struct or enum type has only in XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlNames {
    /// The element of one value (`<vm>`).
    pub element: String,
    /// The element of a collection of them (`<vms>`).
    pub plural: String,
}

impl XmlNames {
    /// The names of the type `model_name` when its model states none: its
    /// snake name and that name's plural, each through the `naming.xml`
    /// table. A stated `xml:` or `xml_plural:` replaces its half.
    fn derive(naming: &NamingRules, model_name: &str, element: Option<&String>, plural: Option<&String>) -> XmlNames {
        let snake = names::camel_to_snake(model_name);
        XmlNames {
            element: element.cloned().unwrap_or_else(|| naming.xml(&snake)),
            plural: plural.cloned().unwrap_or_else(|| naming.xml(&naming.plural(&snake))),
        }
    }
}

/// The XML names of a type: the ones the builder set, or else the ones it
/// would have derived.
fn names_or_derived<'a>(names: Option<&'a XmlNames>, naming: &NamingRules, model_name: &str) -> Cow<'a, XmlNames> {
    match names {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(XmlNames::derive(naming, model_name, None, None)),
    }
}

/// One enum value.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// Wire value.
    pub wire: String,
    /// Rust variant name.
    pub rust: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
}

/// The name of the extra variant that keeps values the model does not know.
pub const CATCH_ALL_VARIANT: &str = "Unrecognized";

/// The variant of a JSON choice that keeps a value of none of its
/// alternatives, as it came.
pub const CHOICE_CATCH_ALL: &str = "Other";

/// A service.
#[derive(Debug)]
pub struct Service {
    /// Model name (`Vms`).
    pub name: String,
    /// Rust name (`VmsService`).
    pub rust_name: String,
    /// The model file.
    pub file: PathBuf,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Marked as reachable by no locator.
    pub unreachable: bool,
    /// Base service.
    pub base: Option<usize>,
    /// Methods declared here.
    pub methods: Vec<Method>,
    /// Locators declared here.
    pub locators: Vec<Locator>,
    /// Waiters declared here.
    pub waiters: Vec<Waiter>,
}

/// A waiter of a service: poll `get` until a member reaches a value.
#[derive(Debug)]
pub struct Waiter {
    /// Snake name (`up`).
    pub name: String,
    /// Rust method name (`wait_until_up`).
    pub rust: String,
    /// The struct `get` returns.
    pub object: usize,
    /// Index of the watched member in the struct's members.
    pub member: usize,
    /// The enum of the member.
    pub values_of: usize,
    /// Indexes into the enum's values that end the wait.
    pub done: Vec<usize>,
    /// Indexes into the enum's values that fail it.
    pub fail: Vec<usize>,
    /// Documentation.
    pub doc: Option<String>,
}

/// Kinds of methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MethodKind {
    /// GET one object.
    Get,
    /// GET a collection.
    List,
    /// POST a new object.
    Add,
    /// PUT an object.
    Update,
    /// DELETE.
    Remove,
    /// POST to an action path.
    Action,
}

impl MethodKind {
    fn from_name(name: &str) -> MethodKind {
        match name {
            "get" => MethodKind::Get,
            "list" => MethodKind::List,
            "add" => MethodKind::Add,
            "update" => MethodKind::Update,
            "remove" => MethodKind::Remove,
            _ => MethodKind::Action,
        }
    }

    /// The HTTP method of the kind.
    pub fn http_method(self) -> &'static str {
        match self {
            MethodKind::Get | MethodKind::List => "GET",
            MethodKind::Add | MethodKind::Action => "POST",
            MethodKind::Update => "PUT",
            MethodKind::Remove => "DELETE",
        }
    }
}

/// A method of a service.
#[derive(Debug)]
pub struct Method {
    /// Snake name.
    pub name: String,
    /// Rust method name.
    pub rust: String,
    /// Kind.
    pub kind: MethodKind,
    /// URL path segment of an action.
    pub path: Option<String>,
    /// Parameters (with `follow` last when the method takes it).
    pub params: Vec<Param>,
    /// Other signatures.
    pub variants: Vec<Variant>,
    /// Mandatory input detail.
    pub mandatory: Vec<Detail>,
    /// Optional input detail.
    pub optional: Vec<Detail>,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Index into `params` of the request body (add, update).
    pub body: Option<usize>,
    /// Index into `params` of the result.
    pub result: Option<usize>,
    /// The HTTP method and the path below the service.
    pub http: HttpBinding,
    /// JSON: the reply may be a task still running.
    pub task: bool,
    /// JSON: parameters always sent, with their values.
    pub fixed: Vec<(String, RawFixed)>,
    /// JSON: the envelope itself is the result.
    pub keep_envelope: bool,
    /// JSON: non-2xx statuses that are answers.
    pub also_success: Vec<u16>,
    /// JSON: sent without the client's credentials.
    pub anonymous: bool,
}

/// How a method travels over HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBinding {
    /// `GET`, `POST`, `PUT`, `DELETE` or `PATCH`.
    pub verb: String,
    /// Path below the service's own path (segments joined by `/`), if any.
    pub path: Option<String>,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Snake name.
    pub name: String,
    /// Rust name.
    pub rust: String,
    /// The name on the wire: the query parameter or action element name in
    /// XML, the JSON object member (or query parameter) name in JSON.
    pub wire: String,
    /// Type.
    pub ty: TypeRef,
    /// A list.
    pub list: bool,
    /// JSON: an object of values under free-text keys.
    pub map: bool,
    /// JSON: the value is the whole request body.
    pub body: bool,
    /// Direction.
    pub dir: Direction,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// A password or token: never logged.
    pub secret: bool,
    /// Added by the `follow: true` shorthand.
    pub from_follow: bool,
}

impl Param {
    /// One value, a list or a map.
    pub fn shape(&self) -> Shape {
        Shape::of(self.list, self.map)
    }
}

/// A variant (signature) of a method.
#[derive(Debug)]
pub struct Variant {
    /// Snake name (`from_scratch`).
    pub name: String,
    /// Rust method name (`add_from_scratch`).
    pub rust: String,
    /// Parameters the variant adds.
    pub params: Vec<Param>,
    /// Mandatory input detail of the variant.
    pub mandatory: Vec<Detail>,
    /// Optional input detail of the variant.
    pub optional: Vec<Detail>,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
}

/// An input-detail item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// One path.
    One(String),
    /// One of these paths.
    AnyOf(Vec<String>),
}

/// A locator.
#[derive(Debug)]
pub struct Locator {
    /// Snake name.
    pub name: String,
    /// Rust name (`vm_service`).
    pub rust: String,
    /// URL segment, `{id}` when it takes an id.
    pub path: String,
    /// Target service.
    pub service: usize,
    /// Takes an id.
    pub takes_id: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
}

impl Api {
    /// The protocol, or for an API without `protocol:` (an XML API may
    /// leave it out) an empty one titled with the API's short name.
    pub fn protocol_or_empty(&self) -> std::borrow::Cow<'_, Protocol> {
        match &self.protocol {
            Some(p) => std::borrow::Cow::Borrowed(p),
            None => std::borrow::Cow::Owned(Protocol { title: self.name.clone(), ..Protocol::default() }),
        }
    }

    /// Methods of a service including those of its bases (own first, then
    /// each base's that the service does not redefine).
    pub fn all_methods(&self, service: usize) -> Vec<(usize, &Method)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for s in self.service_chain(service) {
            for m in &self.services[s].methods {
                if seen.insert(m.name.as_str()) {
                    out.push((s, m));
                }
            }
        }
        out
    }

    /// Locators of a service including those of its bases.
    pub fn all_locators(&self, service: usize) -> Vec<(usize, &Locator)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for s in self.service_chain(service) {
            for l in &self.services[s].locators {
                if seen.insert(l.name.as_str()) {
                    out.push((s, l));
                }
            }
        }
        out
    }

    /// What the `get` of a service (its own or a base's) returns, if it has one.
    pub fn get_result(&self, service: usize) -> Option<TypeRef> {
        let (_, get) = self.all_methods(service).into_iter().find(|(_, m)| m.kind == MethodKind::Get)?;
        get.result.map(|r| get.params[r].ty)
    }

    /// The paging of the API when a list method with these parameters pages
    /// (it has the parameter that `paging:` names).
    pub fn paging_of<'a>(&self, mut params: impl Iterator<Item = &'a Param>) -> Option<&Paging> {
        self.paging.as_ref().filter(|p| params.any(|q| q.name == p.param))
    }

    /// The service and its bases, nearest first.
    pub fn service_chain(&self, service: usize) -> Vec<usize> {
        let mut out = vec![service];
        let mut cur = self.services[service].base;
        while let Some(b) = cur {
            if out.contains(&b) {
                break;
            }
            out.push(b);
            cur = self.services[b].base;
        }
        out
    }

    /// Model name of a type reference.
    pub fn type_name(&self, ty: TypeRef) -> &str {
        match ty {
            TypeRef::Primitive(p) => p.name(),
            TypeRef::Enum(i) => &self.enums[i].name,
            TypeRef::Struct(i) => &self.structs[i].name,
        }
    }

    /// Rust name of an enum or struct reference (the primitive's model name otherwise).
    pub fn rust_type_name(&self, ty: TypeRef) -> &str {
        match ty {
            TypeRef::Primitive(p) => p.name(),
            TypeRef::Enum(i) => &self.enums[i].rust_name,
            TypeRef::Struct(i) => &self.structs[i].rust_name,
        }
    }
}

// ---------------------------------------------------------------------------
// Building and checking
// ---------------------------------------------------------------------------

struct Ctx {
    errors: Vec<ModelError>,
    format: WireFormat,
    /// The API declares long-running tasks.
    has_tasks: bool,
}

impl Ctx {
    /// Every problem found, sorted, each once.
    fn into_errors(mut self) -> ModelErrors {
        self.errors.sort();
        self.errors.dedup();
        ModelErrors(self.errors)
    }

    fn err(&mut self, file: &Path, entity: &str, key: impl Into<String>, msg: impl Into<String>) {
        self.errors.push(ModelError::new(file, msg).entity(entity).key(key));
    }

    /// Reports each present key that only an XML model may use, when the
    /// model is a JSON one.
    fn xml_only(&mut self, file: &Path, entity: &str, prefix: &str, keys: &[(&str, bool)]) {
        self.only_in(WireFormat::Xml, file, entity, prefix, keys);
    }

    /// Reports each present key that only a JSON model may use, when the
    /// model is an XML one.
    fn json_only(&mut self, file: &Path, entity: &str, prefix: &str, keys: &[(&str, bool)]) {
        self.only_in(WireFormat::Json, file, entity, prefix, keys);
    }

    fn only_in(&mut self, format: WireFormat, file: &Path, entity: &str, prefix: &str, keys: &[(&str, bool)]) {
        if self.format == format {
            return;
        }
        let (what, other) = match format {
            WireFormat::Xml => ("an XML", "JSON"),
            WireFormat::Json => ("a JSON", "XML"),
        };
        for (key, _) in keys.iter().filter(|(_, present)| *present) {
            let key = if prefix.is_empty() { (*key).to_owned() } else { format!("{prefix}.{key}") };
            self.err(file, entity, key, format!("only {what} model uses this key; this model's format is {other}"));
        }
    }

    /// Reports a type the model's format can't carry (`Json` in XML).
    fn check_type_allowed(&mut self, file: &Path, entity: &str, key: &str, ty: TypeRef) {
        if self.format == WireFormat::Xml && ty == TypeRef::Primitive(Primitive::Json) {
            self.err(file, entity, key, "the type `Json` exists only in JSON models");
        }
    }

    /// The wire name of a member or parameter: for XML its element name,
    /// for JSON its object member name.
    fn wire_name(&self, naming: &NamingRules, name: &str, spec: &RawMember) -> String {
        match self.format {
            WireFormat::Xml => spec.xml.clone().unwrap_or_else(|| naming.xml(name)),
            WireFormat::Json => spec.wire.clone().unwrap_or_else(|| name.to_owned()),
        }
    }

    /// Reports the keys of a member or parameter that the model's format
    /// does not use.
    fn check_member_keys(&mut self, file: &Path, entity: &str, key: &str, spec: &RawMember) {
        let xml_keys = [
            ("xml", spec.xml.is_some()),
            ("item", spec.item.is_some()),
            ("rel", spec.rel.is_some()),
            ("xsd", spec.xsd.is_some()),
        ];
        self.xml_only(file, entity, key, &xml_keys);
        self.json_only(file, entity, key, &[("wire", spec.wire.is_some()), ("map", spec.map)]);
        if spec.map && spec.list {
            self.err(file, entity, key, "a member is a list or a map, not both");
        }
    }
}

/// Checks `protocol:` against `format:`.
fn build_protocol(cx: &mut Ctx, file: &Path, raw: &crate::model::RawApi) -> Option<Protocol> {
    match (raw.format, &raw.protocol) {
        (format, Some(p)) => Some(crate::protocol::build(file, p, format, &mut cx.errors)),
        (WireFormat::Json, None) => {
            cx.err(file, "api", "protocol", "a JSON API needs a `protocol:` (at least its `title:`)");
            None
        }
        (WireFormat::Xml, None) => None,
    }
}

#[derive(Clone, Copy)]
enum Named {
    Struct(usize),
    Enum(usize),
}

/// Checks a parsed model and builds the IR, or returns every problem found.
///
/// Each phase reports what it finds and goes on, so that one run reports
/// every problem (sorted in the end). The checks that need the whole IR
/// (paging, waiters, reachability, actions, input details) run only when the
/// phases before them found nothing.
pub fn build(raw: &RawModel) -> Result<Api, ModelErrors> {
    let mut b = Builder::new(raw);
    b.check_api_names();
    b.register_structs();
    b.register_enums();
    b.resolve_struct_bases();
    b.build_struct_members();
    b.register_services();
    b.build_service_members();
    b.break_service_base_cycles();
    b.finish()
}

/// The indexes `0..len` sorted by the name `name_of` gives each, so that the
/// IR (and the output) never depends on file-system order.
fn name_order<'a>(len: usize, name_of: impl Fn(usize) -> &'a str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| name_of(a).cmp(name_of(b)));
    order
}

/// The state of one [`build`]: the model, the problems found so far and the
/// entities registered so far. Entity `i` of `structs` comes from
/// `raw.structs[struct_order[i]]`, and likewise for enums and services.
struct Builder<'r> {
    raw: &'r RawModel,
    cx: Ctx,
    naming: NamingRules,
    protocol: Option<Protocol>,
    struct_order: Vec<usize>,
    enum_order: Vec<usize>,
    service_order: Vec<usize>,
    /// Struct and enum names, to resolve type references.
    types_by_name: HashMap<&'r str, Named>,
    /// Service names, to resolve bases, locators and the root service.
    services_by_name: HashMap<&'r str, usize>,
    /// The Rust type names taken so far, with the entity that took each.
    rust_names: BTreeMap<String, String>,
    /// The Rust module names taken so far, with the entity that took each.
    modules: BTreeMap<String, String>,
    structs: Vec<StructType>,
    enums: Vec<EnumType>,
    services: Vec<Service>,
}

impl<'r> Builder<'r> {
    /// Starts a build: checks `protocol:` and orders the entities by name.
    fn new(raw: &'r RawModel) -> Self {
        let rawapi = &raw.api.value;
        let mut cx = Ctx { errors: Vec::new(), format: rawapi.format, has_tasks: false };
        let protocol = build_protocol(&mut cx, &raw.api.file, rawapi);
        cx.has_tasks = protocol.as_ref().is_some_and(|p| p.tasks.is_some());
        let naming = NamingRules {
            plural: rawapi.naming.plural.0.clone(),
            singular: rawapi.naming.singular.0.clone(),
            xml: rawapi.naming.xml.0.clone(),
        };
        Builder {
            raw,
            cx,
            naming,
            protocol,
            struct_order: name_order(raw.structs.len(), |i| raw.structs[i].value.name.as_str()),
            enum_order: name_order(raw.enums.len(), |i| raw.enums[i].value.name.as_str()),
            service_order: name_order(raw.services.len(), |i| raw.services[i].value.name.as_str()),
            types_by_name: HashMap::new(),
            services_by_name: HashMap::new(),
            rust_names: BTreeMap::new(),
            modules: BTreeMap::new(),
            structs: Vec::new(),
            enums: Vec::new(),
            services: Vec::new(),
        }
    }

    /// Checks the API's own name and root path.
    fn check_api_names(&mut self) {
        let (file, rawapi) = (&self.raw.api.file, &self.raw.api.value);
        if !names::is_snake(&rawapi.api) {
            self.cx.err(file, "api", "api", format!("`{}` is not a snake-case name", rawapi.api));
        }
        if !rawapi.root_path.starts_with('/') {
            self.cx.err(file, "api", "root_path", "must start with `/`");
        }
    }

    /// Checks the name and file of a struct, enum or service, and takes its
    /// Rust name (and Rust module, when it has one of its own).
    fn check_entity(&mut self, file: &Path, kind: &str, name: &str, rust: &str, module: Option<&str>) {
        let entity = format!("{kind} {name}");
        if !names::is_upper_camel(name) {
            self.cx.err(file, &entity, kind, format!("`{name}` is not an UpperCamelCase name"));
        }
        let expected = format!("{}.yaml", names::camel_to_snake(name));
        if file.file_name().and_then(|f| f.to_str()) != Some(expected.as_str()) {
            self.cx.err(file, &entity, kind, format!("the file of `{name}` must be named `{expected}`"));
        }
        if !names::is_upper_camel(rust) {
            self.cx.err(file, &entity, "rust_name", format!("`{rust}` is not an UpperCamelCase name"));
        } else if names::RESERVED_TYPE_NAMES.contains(&rust) {
            self.cx.err(
                file,
                &entity,
                "rust_name",
                format!(
                    "the Rust name `{rust}` would shadow a Rust prelude or runtime name; give the entity a `rust_name:`"
                ),
            );
        }
        if let Some(prev) = self.rust_names.insert(rust.to_owned(), entity.clone()) {
            self.cx.err(file, &entity, "rust_name", format!("Rust name `{rust}` is also the Rust name of {prev}"));
        }
        if let Some(module) = module {
            if let Some(prev) = self.modules.insert(module.to_owned(), entity.clone()) {
                self.cx.err(file, &entity, "rust_name", format!("Rust module `{module}` is also the module of {prev}"));
            }
        }
    }

    /// Registers a struct or enum name for type references, reporting a
    /// name that another struct or enum already has.
    fn register_type_name(&mut self, file: &Path, kind: &str, name: &'r str, named: Named) {
        if self.types_by_name.insert(name, named).is_some() {
            self.cx.err(
                file,
                &format!("{kind} {name}"),
                kind,
                format!("duplicate name: another struct or enum is also named `{name}`"),
            );
        }
    }

    /// The XML names of a struct or enum type, in an XML model.
    fn xml_names(&self, model_name: &str, element: Option<&String>, plural: Option<&String>) -> Option<XmlNames> {
        (self.cx.format == WireFormat::Xml).then(|| XmlNames::derive(&self.naming, model_name, element, plural))
    }

    /// Registers every struct with its names; bases and members come later.
    fn register_structs(&mut self) {
        let raw = self.raw;
        for ri in self.struct_order.clone() {
            self.register_struct(&raw.structs[ri]);
        }
    }

    /// Registers one struct (see [`Builder::register_structs`]).
    fn register_struct(&mut self, s: &'r Sourced<RawStruct>) {
        let r = &s.value;
        let entity = format!("struct {}", r.name);
        let rust_name = r.rust_name.clone().unwrap_or_else(|| r.name.clone());
        let module = names::module_name(&rust_name);
        self.check_entity(&s.file, "struct", &r.name, &rust_name, Some(&module));
        self.register_type_name(&s.file, "struct", &r.name, Named::Struct(self.structs.len()));
        self.cx.xml_only(&s.file, &entity, "", &[("xml", r.xml.is_some()), ("xml_plural", r.xml_plural.is_some())]);
        if self.cx.format == WireFormat::Json && !r.links.0.is_empty() {
            self.cx.err(&s.file, &entity, "links", "a JSON model has no links: declare the members under `attributes`");
        }
        let choice = !r.one_of.0.is_empty();
        self.check_choice(&s.file, &entity, r);
        let xml = self.xml_names(&r.name, r.xml.as_ref(), r.xml_plural.as_ref());
        self.structs.push(StructType {
            name: r.name.clone(),
            rust_name,
            module,
            file: s.file.clone(),
            doc: r.doc.clone(),
            deprecated: r.deprecated,
            xml,
            base: None,
            ancestors: Vec::new(),
            members: Vec::new(),
            choice,
        });
    }

    /// A choice (`one_of:`) is JSON only, has at least two alternatives, and
    /// nothing else: no members, links or base.
    fn check_choice(&mut self, file: &Path, entity: &str, r: &RawStruct) {
        if r.one_of.0.is_empty() {
            return;
        }
        self.cx.json_only(file, entity, "", &[("one_of", true)]);
        if r.one_of.0.len() < 2 {
            self.cx.err(file, entity, "one_of", "a choice needs at least two alternatives");
        }
        let extra =
            [("attributes", !r.attributes.0.is_empty()), ("links", !r.links.0.is_empty()), ("base", r.base.is_some())];
        for (key, _) in extra.iter().filter(|(_, present)| *present) {
            self.cx.err(file, entity, *key, "a choice holds only its `one_of:` alternatives");
        }
        if r.one_of.0.keys().any(|name| names::upper_camel(name) == CHOICE_CATCH_ALL) {
            self.cx.err(
                file,
                entity,
                "one_of",
                format!("the variant `{CHOICE_CATCH_ALL}` keeps values of no alternative"),
            );
        }
    }

    /// Registers every enum with its names and values.
    fn register_enums(&mut self) {
        let raw = self.raw;
        for ri in self.enum_order.clone() {
            self.register_enum(&raw.enums[ri]);
        }
    }

    /// Registers one enum with its values.
    fn register_enum(&mut self, e: &'r Sourced<RawEnum>) {
        let r = &e.value;
        let entity = format!("enum {}", r.name);
        let rust_name = r.rust_name.clone().unwrap_or_else(|| r.name.clone());
        let module = names::module_name(&rust_name);
        self.check_entity(&e.file, "enum", &r.name, &rust_name, Some(&module));
        self.register_type_name(&e.file, "enum", &r.name, Named::Enum(self.enums.len()));
        self.cx.xml_only(&e.file, &entity, "", &[("xml", r.xml.is_some()), ("xml_plural", r.xml_plural.is_some())]);
        let values = self.enum_values(&e.file, &entity, &r.values);
        if r.values.is_empty() {
            self.cx.err(&e.file, &entity, "values", "an enum needs at least one value");
        }
        let xml = self.xml_names(&r.name, r.xml.as_ref(), r.xml_plural.as_ref());
        self.enums.push(EnumType {
            name: r.name.clone(),
            rust_name,
            module,
            file: e.file.clone(),
            doc: r.doc.clone(),
            deprecated: r.deprecated,
            xml,
            values,
        });
    }

    /// The values of an enum that are well formed, distinct and map to
    /// distinct Rust variants; each other value is reported.
    fn enum_values(&mut self, file: &Path, entity: &str, raw_values: &[RawEnumValue]) -> Vec<EnumValue> {
        let cx = &mut self.cx;
        let mut values = Vec::new();
        let mut wires = BTreeSet::new();
        let mut rusts: BTreeMap<String, String> = BTreeMap::new();
        for (i, v) in raw_values.iter().enumerate() {
            let key = format!("values[{i}]");
            let json = cx.format == WireFormat::Json;
            if json && names::wire_words(&v.value).is_empty() {
                cx.err(file, entity, &key, format!("enum value `{}` needs at least one letter or digit", v.value));
                continue;
            }
            if !json && !names::is_wire_value(&v.value) {
                cx.err(
                    file,
                    entity,
                    &key,
                    format!("invalid enum value `{}`: expected lower-case words joined by `_`", v.value),
                );
                continue;
            }
            if !wires.insert(v.value.clone()) {
                cx.err(file, entity, &key, format!("duplicate value `{}`", v.value));
                continue;
            }
            let rust = match &v.rust_name {
                Some(r) if names::is_upper_camel(r) => r.clone(),
                Some(r) => {
                    cx.err(file, entity, format!("{key}.rust_name"), format!("`{r}` is not an UpperCamelCase name"));
                    continue;
                }
                None => names::rust_variant(&if json { names::wire_words(&v.value) } else { v.value.clone() }),
            };
            if rust == CATCH_ALL_VARIANT {
                cx.err(
                    file,
                    entity,
                    &key,
                    format!(
                        "value `{}` maps to the Rust variant `{CATCH_ALL_VARIANT}`, which keeps unknown values",
                        v.value
                    ),
                );
                continue;
            }
            if let Some(prev) = rusts.insert(rust.clone(), v.value.clone()) {
                cx.err(
                    file,
                    entity,
                    &key,
                    format!("values `{prev}` and `{}` map to the same Rust variant `{rust}`", v.value),
                );
                continue;
            }
            values.push(EnumValue { wire: v.value.clone(), rust, doc: v.doc.clone(), deprecated: v.deprecated });
        }
        values
    }

    /// The type a model type name refers to, if any.
    fn resolve(&self, name: &str) -> Option<TypeRef> {
        if let Some(p) = Primitive::from_name(name) {
            return Some(TypeRef::Primitive(p));
        }
        self.types_by_name.get(name).map(|n| match *n {
            Named::Struct(i) => TypeRef::Struct(i),
            Named::Enum(i) => TypeRef::Enum(i),
        })
    }

    /// Resolves each struct's `base:`, then its chain of ancestors.
    fn resolve_struct_bases(&mut self) {
        let raw = self.raw;
        for (idx, &ri) in self.struct_order.iter().enumerate() {
            let r = &raw.structs[ri].value;
            let Some(base) = &r.base else { continue };
            let entity = format!("struct {}", r.name);
            match self.resolve(base) {
                Some(TypeRef::Struct(b)) if self.structs[b].choice => {
                    self.cx.err(&self.structs[idx].file, &entity, "base", format!("`{base}` is a choice, not a base"))
                }
                Some(TypeRef::Struct(b)) => self.structs[idx].base = Some(b),
                Some(_) => {
                    self.cx.err(&self.structs[idx].file, &entity, "base", format!("`{base}` is not a struct type"))
                }
                None => self.cx.err(&self.structs[idx].file, &entity, "base", format!("unknown type `{base}`")),
            }
        }
        for idx in 0..self.structs.len() {
            self.structs[idx].ancestors = self.ancestors(idx);
        }
    }

    /// The ancestors of struct `idx`, nearest first; none when the bases
    /// form a cycle, which is reported.
    fn ancestors(&mut self, idx: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut cur = self.structs[idx].base;
        while let Some(b) = cur {
            if b == idx || chain.contains(&b) {
                let st = &self.structs[idx];
                self.cx.err(&st.file, &format!("struct {}", st.name), "base", "the base types form a cycle");
                return Vec::new();
            }
            chain.push(b);
            cur = self.structs[b].base;
        }
        chain
    }

    /// Builds the members each struct declares, then gives every struct its
    /// inherited ones too (root-most ancestor first) and checks their names.
    fn build_struct_members(&mut self) {
        let raw = self.raw;
        let order = self.struct_order.clone();
        let declared: Vec<Vec<Member>> =
            order.iter().enumerate().map(|(idx, &ri)| self.declared_members(idx, &raw.structs[ri].value)).collect();
        for idx in 0..self.structs.len() {
            let mut chain: Vec<usize> = self.structs[idx].ancestors.iter().rev().copied().collect();
            chain.push(idx);
            let members: Vec<Member> = chain.iter().flat_map(|&s| declared[s].iter().cloned()).collect();
            check_member_names(&mut self.cx, &self.structs[idx], &members, &self.structs);
            self.structs[idx].members = members;
        }
    }

    /// The members struct `owner` declares itself: attributes, then links.
    fn declared_members(&mut self, owner: usize, r: &RawStruct) -> Vec<Member> {
        let mut own = Vec::new();
        let sections = [
            (MemberKind::Attribute, &r.attributes),
            (MemberKind::Link, &r.links),
            (MemberKind::Alternative, &r.one_of),
        ];
        for (kind, map) in sections {
            for (name, spec) in &map.0 {
                own.extend(self.member(owner, kind, name, &spec.0));
            }
        }
        own
    }

    /// One member declared by struct `owner`, or `None` when it is too
    /// broken to keep (each problem is reported).
    fn member(&mut self, owner: usize, kind: MemberKind, name: &str, spec: &RawMember) -> Option<Member> {
        let file = self.structs[owner].file.clone();
        let entity = format!("struct {}", self.structs[owner].name);
        let key = format!("{}.{name}", kind.section());
        let (file, entity, key) = (file.as_path(), entity.as_str(), key.as_str());
        let cx = &mut self.cx;
        if !names::is_snake(name) {
            cx.err(file, entity, key, format!("`{name}` is not a snake-case name"));
            return None;
        }
        if name == "href" && cx.format == WireFormat::Xml {
            cx.err(file, entity, key, "`href` is implicit on every struct and must not be declared");
            return None;
        }
        cx.check_member_keys(file, entity, key, spec);
        if spec.dir.is_some() {
            cx.err(file, entity, format!("{key}.dir"), "`dir` belongs to parameters, not to struct members");
        }
        if spec.body {
            cx.err(file, entity, format!("{key}.body"), "`body` belongs to parameters, not to struct members");
        }
        let Some(ty) = self.resolve(&spec.ty) else {
            self.cx.err(file, entity, key, format!("unknown type `{}`", spec.ty));
            return None;
        };
        let cx = &mut self.cx;
        cx.check_type_allowed(file, entity, key, ty);
        if kind == MemberKind::Link && !matches!(ty, TypeRef::Struct(_)) {
            cx.err(file, entity, key, format!("a link must point to a struct type, not `{}`", spec.ty));
            return None;
        }
        if spec.item.is_some() && !spec.list {
            cx.err(file, entity, format!("{key}.item"), "`item` is only valid on a list");
        }
        if spec.rel.is_some() && !(spec.list && kind == MemberKind::Link) {
            cx.err(file, entity, format!("{key}.rel"), "`rel` is only valid on a list link");
        }
        let xml_format = cx.format == WireFormat::Xml;
        if xml_format && travels_as_xml_attribute(name) && (spec.list || matches!(ty, TypeRef::Struct(_))) {
            cx.err(
                file,
                entity,
                key,
                format!("`{name}` travels as an XML attribute and must be a single primitive or enum"),
            );
        }
        let xml = xml_format.then(|| self.xml_member(kind, name, spec, ty));
        Some(Member {
            name: name.to_owned(),
            rust: names::rust_field(name),
            wire: self.cx.wire_name(&self.naming, name, spec),
            kind,
            ty,
            list: spec.list,
            map: spec.map,
            doc: spec.doc.clone(),
            deprecated: spec.deprecated,
            secret: spec.secret,
            xml,
            declared_in: owner,
        })
    }

    /// How a member of an XML model travels: as an attribute or element,
    /// with its list item element and link `rel` (stated or derived).
    fn xml_member(&self, kind: MemberKind, name: &str, spec: &RawMember, ty: TypeRef) -> XmlMember {
        let naming = &self.naming;
        XmlMember {
            attribute: travels_as_xml_attribute(name),
            item: spec.list.then(|| {
                spec.item.clone().unwrap_or_else(|| match ty {
                    TypeRef::Struct(i) => self.structs[i].xml_names(naming).element.clone(),
                    _ => naming.xml(&naming.singular(name)),
                })
            }),
            rel: (spec.list && kind == MemberKind::Link)
                .then(|| spec.rel.clone().unwrap_or_else(|| names::path_segment(name))),
            xsd: spec.xsd.clone(),
        }
    }

    /// Registers every service with its names; bases, methods and locators
    /// come later.
    fn register_services(&mut self) {
        let raw = self.raw;
        for ri in self.service_order.clone() {
            self.register_service(&raw.services[ri]);
        }
    }

    /// Registers one service (see [`Builder::register_services`]).
    fn register_service(&mut self, s: &'r Sourced<RawService>) {
        let r = &s.value;
        let rust_name = format!("{}Service", r.name);
        self.check_entity(&s.file, "service", &r.name, &rust_name, None);
        if self.services_by_name.insert(r.name.as_str(), self.services.len()).is_some() {
            self.cx.err(
                &s.file,
                &format!("service {}", r.name),
                "service",
                format!("duplicate name: another service is also named `{}`", r.name),
            );
        }
        self.services.push(Service {
            name: r.name.clone(),
            rust_name,
            file: s.file.clone(),
            doc: r.doc.clone(),
            deprecated: r.deprecated,
            unreachable: r.unreachable,
            base: None,
            methods: Vec::new(),
            locators: Vec::new(),
            waiters: Vec::new(),
        });
    }

    /// Resolves the base of every service and builds its methods and locators.
    fn build_service_members(&mut self) {
        let raw = self.raw;
        for (idx, ri) in self.service_order.clone().into_iter().enumerate() {
            self.build_service(idx, &raw.services[ri].value);
        }
    }

    /// Resolves the base of service `idx` and builds its methods and locators.
    fn build_service(&mut self, idx: usize, r: &RawService) {
        let file = self.services[idx].file.clone();
        let entity = format!("service {}", r.name);
        if let Some(base) = &r.base {
            match self.services_by_name.get(base.as_str()) {
                Some(&b) => self.services[idx].base = Some(b),
                None => self.cx.err(&file, &entity, "base", format!("unknown service `{base}`")),
            }
        }
        // Methods, variants and locators each become Rust methods of the service.
        let mut rust_methods: BTreeMap<String, String> = BTreeMap::new();
        self.services[idx].methods = self.service_methods(&file, &entity, r, &mut rust_methods);
        self.services[idx].locators = self.locators(&file, &entity, r, &mut rust_methods);
    }

    /// The methods of a service, taking their Rust names in `rust_methods`.
    fn service_methods(
        &mut self,
        file: &Path,
        entity: &str,
        r: &RawService,
        rust_methods: &mut BTreeMap<String, String>,
    ) -> Vec<Method> {
        let mut methods = Vec::new();
        for (name, m) in &r.methods.0 {
            let default = Default::default();
            let m = m.as_ref().unwrap_or(&default);
            let Some(method) = self.method(file, entity, name, m) else { continue };
            for rust in std::iter::once(method.rust.clone()).chain(method.variants.iter().map(|v| v.rust.clone())) {
                if let Some(prev) = rust_methods.insert(rust.clone(), name.clone()) {
                    self.cx.err(
                        file,
                        entity,
                        format!("methods.{name}"),
                        format!("Rust method `{rust}` is also produced by method `{prev}`"),
                    );
                }
            }
            methods.push(method);
        }
        methods
    }

    /// The locators of a service, taking their Rust names in `rust_methods`.
    fn locators(
        &mut self,
        file: &Path,
        entity: &str,
        r: &RawService,
        rust_methods: &mut BTreeMap<String, String>,
    ) -> Vec<Locator> {
        let mut locators = Vec::new();
        let mut paths: BTreeMap<String, String> = BTreeMap::new();
        for (name, l) in &r.locators.0 {
            let key = format!("locators.{name}");
            if !names::is_snake(name) {
                self.cx.err(file, entity, &key, format!("`{name}` is not a snake-case name"));
                continue;
            }
            let Some(&target) = self.services_by_name.get(l.service.as_str()) else {
                self.cx.err(file, entity, format!("{key}.service"), format!("unknown service `{}`", l.service));
                continue;
            };
            let path = match (&l.path, l.id) {
                (Some(p), _) => p.clone(),
                (None, true) => "{id}".to_owned(),
                (None, false) => names::path_segment(name),
            };
            if let Some(prev) = paths.insert(path.clone(), name.clone()) {
                self.cx.err(
                    file,
                    entity,
                    &key,
                    format!("URL segment `{path}` is also the segment of locator `{prev}`"),
                );
            }
            let rust = format!("{name}_service");
            if let Some(prev) = rust_methods.insert(rust.clone(), name.clone()) {
                self.cx.err(file, entity, &key, format!("Rust method `{rust}` is also produced by `{prev}`"));
            }
            locators.push(Locator {
                name: name.clone(),
                rust,
                path,
                service: target,
                takes_id: l.id,
                doc: l.doc.clone(),
                deprecated: l.deprecated,
            });
        }
        locators
    }

    /// Reports every service whose bases form a cycle, and drops its base.
    fn break_service_base_cycles(&mut self) {
        for idx in 0..self.services.len() {
            let mut seen = vec![idx];
            let mut cur = self.services[idx].base;
            while let Some(b) = cur {
                if seen.contains(&b) {
                    let sv = &self.services[idx];
                    self.cx.err(&sv.file, &format!("service {}", sv.name), "base", "the base services form a cycle");
                    self.services[idx].base = None;
                    break;
                }
                seen.push(b);
                cur = self.services[b].base;
            }
        }
    }

    /// Assembles the API when the phases so far found no problem, runs the
    /// checks that need the whole API and returns it, or every problem found.
    fn finish(mut self) -> Result<Api, ModelErrors> {
        let raw = self.raw;
        let (api_file, rawapi) = (&raw.api.file, &raw.api.value);
        let root_service = match self.services_by_name.get(rawapi.root_service.as_str()) {
            Some(&i) => Some(i),
            None => {
                self.cx.err(api_file, "api", "root_service", format!("unknown service `{}`", rawapi.root_service));
                None
            }
        };
        if !self.cx.errors.is_empty() {
            return Err(self.cx.into_errors());
        }
        let mut cx = self.cx;
        let mut api = Api {
            name: rawapi.api.clone(),
            doc: rawapi.doc.clone(),
            root_service: root_service.unwrap_or(0),
            root_path: rawapi.root_path.clone(),
            naming: self.naming,
            paging: paging(&mut cx, api_file, rawapi),
            format: rawapi.format,
            protocol: self.protocol,
            structs: self.structs,
            enums: self.enums,
            services: self.services,
        };
        build_waiters(&mut cx, raw, &self.service_order, &mut api);
        check_reachability(&mut cx, &api);
        if api.format == WireFormat::Xml {
            check_action_members(&mut cx, &api);
        }
        check_input_details(&mut cx, &api);
        if cx.errors.is_empty() { Ok(api) } else { Err(cx.into_errors()) }
    }
}

/// True for the members that travel as XML attributes in an XML model.
fn travels_as_xml_attribute(name: &str) -> bool {
    matches!(name, "id" | "rel")
}

/// Reports members of a struct (its own and inherited) whose model, Rust,
/// wire or `rel` names clash, once, on the struct that declares the later one.
fn check_member_names(cx: &mut Ctx, st: &StructType, members: &[Member], structs: &[StructType]) {
    let entity = format!("struct {}", st.name);
    let mut by_name: BTreeMap<&str, &Member> = BTreeMap::new();
    let mut by_rust: BTreeMap<&str, &Member> = BTreeMap::new();
    let mut by_wire: BTreeMap<(bool, &str), &Member> = BTreeMap::new();
    let mut by_rel: BTreeMap<&str, &Member> = BTreeMap::new();
    let origin = |m: &Member| -> String {
        if structs[m.declared_in].name == st.name {
            format!("`{}`", m.name)
        } else {
            format!("`{}` (from {})", m.name, structs[m.declared_in].name)
        }
    };
    for m in members {
        let key = format!("{}.{}", m.kind.section(), m.name);
        // Report each clash once, on the struct that declares the later member.
        let mine = structs[m.declared_in].name == st.name;
        if let Some(prev) = by_name.insert(&m.name, m) {
            if mine {
                cx.err(&st.file, &entity, &key, format!("duplicate member name: also declared as {}", origin(prev)));
            }
            continue;
        }
        if m.rust == "href" {
            continue;
        }
        if let Some(prev) = by_rust.insert(&m.rust, m) {
            if mine {
                cx.err(
                    &st.file,
                    &entity,
                    &key,
                    format!("Rust field `{}` is also the field of {}", m.rust, origin(prev)),
                );
            }
        }
        if let Some(prev) = by_wire.insert((m.xml_facts().attribute, &m.wire), m) {
            if mine {
                cx.err(
                    &st.file,
                    &entity,
                    &key,
                    format!("XML name `{}` is also the XML name of {}", m.wire, origin(prev)),
                );
            }
        }
        if let Some(rel) = &m.xml_facts().rel {
            if let Some(prev) = by_rel.insert(rel, m) {
                if mine {
                    cx.err(&st.file, &entity, &key, format!("link rel `{rel}` is also the rel of {}", origin(prev)));
                }
            }
        }
    }
}

/// Building methods and their parameters.
impl Builder<'_> {
    /// The parameters under `key` (a method or variant), each checked.
    fn params(&mut self, file: &Path, entity: &str, key: &str, params: &OrderedMap<MemberSpec>) -> Vec<Param> {
        let mut out = Vec::new();
        for (name, spec) in &params.0 {
            let spec = &spec.0;
            let pkey = format!("{key}.params.{name}");
            if !names::is_snake(name) {
                self.cx.err(file, entity, &pkey, format!("`{name}` is not a snake-case name"));
                continue;
            }
            let Some(ty) = self.resolve(&spec.ty) else {
                self.cx.err(file, entity, &pkey, format!("unknown type `{}`", spec.ty));
                continue;
            };
            self.cx.check_type_allowed(file, entity, &pkey, ty);
            for (present, what) in
                [(spec.item.is_some(), "item"), (spec.rel.is_some(), "rel"), (spec.xsd.is_some(), "xsd")]
            {
                if present {
                    self.cx.err(
                        file,
                        entity,
                        format!("{pkey}.{what}"),
                        format!("`{what}` is not valid on a parameter"),
                    );
                }
            }
            self.cx.xml_only(file, entity, &pkey, &[("xml", spec.xml.is_some())]);
            self.cx.json_only(
                file,
                entity,
                &pkey,
                &[("wire", spec.wire.is_some()), ("map", spec.map), ("body", spec.body)],
            );
            if spec.map && spec.list {
                self.cx.err(file, entity, &pkey, "a parameter is a list or a map, not both");
            }
            out.push(Param {
                name: name.clone(),
                rust: names::rust_setter(name),
                wire: self.cx.wire_name(&self.naming, name, spec),
                ty,
                list: spec.list,
                map: spec.map,
                body: spec.body,
                dir: spec.dir.unwrap_or(Direction::In),
                doc: spec.doc.clone(),
                deprecated: spec.deprecated,
                secret: spec.secret,
                from_follow: false,
            });
        }
        out
    }

    /// One method of a service, or `None` when it is too broken to keep; a
    /// JSON model's methods are built by [`Builder::json_method`].
    fn method(&mut self, file: &Path, entity: &str, name: &str, m: &crate::model::RawMethod) -> Option<Method> {
        let key = format!("methods.{name}");
        if !names::is_snake(name) {
            self.cx.err(file, entity, &key, format!("`{name}` is not a snake-case name"));
            return None;
        }
        if self.cx.format == WireFormat::Json {
            return self.json_method(file, entity, name, m);
        }
        let json_keys = [
            ("http", m.http.is_some()),
            ("task", m.task),
            ("fixed", !m.fixed.0.is_empty()),
            ("keep_envelope", m.keep_envelope),
            ("also_success", !m.also_success.is_empty()),
            ("anonymous", m.anonymous),
        ];
        self.cx.json_only(file, entity, &key, &json_keys);
        let kind = MethodKind::from_name(name);
        if m.path.is_some() && kind != MethodKind::Action {
            self.cx.err(file, entity, format!("{key}.path"), "only actions have a path of their own");
        }
        let mut params = self.params(file, entity, &key, &m.params);
        if m.follow {
            if params.iter().any(|p| p.name == "follow") {
                self.cx.err(
                    file,
                    entity,
                    format!("{key}.params.follow"),
                    "`follow` is added by `follow: true`; do not declare it too",
                );
            } else {
                params.push(Param {
                    name: "follow".into(),
                    rust: "follow".into(),
                    wire: self.naming.xml("follow"),
                    ty: TypeRef::Primitive(Primitive::String),
                    list: false,
                    map: false,
                    body: false,
                    dir: Direction::In,
                    doc: Some(FOLLOW_DOC.to_owned()),
                    deprecated: false,
                    secret: false,
                    from_follow: true,
                });
            }
        }
        let outs: Vec<usize> =
            params.iter().enumerate().filter(|(_, p)| p.dir != Direction::In).map(|(i, _)| i).collect();
        let mut body = None;
        let mut result = None;
        match kind {
            MethodKind::Get | MethodKind::List => {
                if outs.len() != 1 {
                    self.cx.err(
                        file,
                        entity,
                        &key,
                        format!(
                            "a `{name}` method needs exactly one `out` parameter for its result, found {}",
                            outs.len()
                        ),
                    );
                } else {
                    result = Some(outs[0]);
                    let p = &params[outs[0]];
                    if kind == MethodKind::List && !p.list {
                        self.cx.err(
                            file,
                            entity,
                            format!("{key}.params.{}", p.name),
                            "the result of `list` must be a list (`list: true`)",
                        );
                    }
                    if kind == MethodKind::Get && p.list {
                        self.cx.err(
                            file,
                            entity,
                            format!("{key}.params.{}", p.name),
                            "the result of `get` must be a single value, not a list",
                        );
                    }
                }
            }
            MethodKind::Add | MethodKind::Update => {
                match params.iter().position(|p| p.dir == Direction::Inout && matches!(p.ty, TypeRef::Struct(_))) {
                    Some(i) if params[i].list && kind == MethodKind::Update => {
                        self.cx.err(
                            file,
                            entity,
                            format!("{key}.params.{}", params[i].name),
                            "the body of `update` must be a single struct, not a list",
                        );
                    }
                    Some(i) => {
                        body = Some(i);
                        result = Some(i);
                    }
                    None => self.cx.err(
                        file,
                        entity,
                        &key,
                        format!("an `{name}` method needs an `inout` struct parameter for its body"),
                    ),
                }
            }
            MethodKind::Remove => {
                if !outs.is_empty() {
                    self.cx.err(file, entity, &key, "a `remove` method returns nothing and takes no `out` parameter");
                }
            }
            MethodKind::Action => {
                if outs.len() > 1 {
                    self.cx.err(
                        file,
                        entity,
                        &key,
                        format!("an action returns at most one `out` parameter, found {}", outs.len()),
                    );
                } else {
                    result = outs.first().copied();
                }
            }
        }
        let mut variants = Vec::new();
        for (vname, v) in &m.variants.0 {
            let vkey = format!("{key}.variants.{vname}");
            if !names::is_snake(vname) {
                self.cx.err(file, entity, &vkey, format!("`{vname}` is not a snake-case name"));
                continue;
            }
            let default = Default::default();
            let v = v.as_ref().unwrap_or(&default);
            let vparams = self.params(file, entity, &vkey, &v.params);
            for p in &vparams {
                if params.iter().any(|q| q.name == p.name) {
                    self.cx.err(
                        file,
                        entity,
                        format!("{vkey}.params.{}", p.name),
                        "the method already has a parameter of this name",
                    );
                }
                if p.dir != Direction::In {
                    self.cx.err(
                        file,
                        entity,
                        format!("{vkey}.params.{}", p.name),
                        "a variant can only add `in` parameters",
                    );
                }
            }
            let rust = match &v.rust_name {
                Some(r) if names::is_snake(r) => r.clone(),
                Some(r) => {
                    self.cx.err(file, entity, format!("{vkey}.rust_name"), format!("`{r}` is not a snake-case name"));
                    r.clone()
                }
                None => names::rust_method(&format!("{name}_{vname}")),
            };
            variants.push(Variant {
                name: vname.clone(),
                rust,
                params: vparams,
                mandatory: convert_details(&v.mandatory),
                optional: convert_details(&v.optional),
                doc: v.doc.clone(),
                deprecated: v.deprecated,
            });
        }
        // Parameter names must also be distinct in Rust and on the wire.
        let mut rust_seen: BTreeMap<String, String> = BTreeMap::new();
        let mut wire_seen: BTreeMap<String, String> = BTreeMap::new();
        let key = key.as_str();
        let all =
            params.iter().map(|p| (format!("{key}.params.{}", p.name), p)).chain(variants.iter().flat_map(|v| {
                v.params.iter().map(move |p| (format!("{key}.variants.{}.params.{}", v.name, p.name), p))
            }));
        for (pkey, p) in all {
            if let Some(prev) = rust_seen.insert(p.rust.clone(), p.name.clone()) {
                if prev != p.name {
                    self.cx.err(
                        file,
                        entity,
                        &pkey,
                        format!("Rust name `{}` is also the name of parameter `{prev}`", p.rust),
                    );
                }
            }
            if let Some(prev) = wire_seen.insert(p.wire.clone(), p.name.clone()) {
                if prev != p.name {
                    self.cx.err(
                        file,
                        entity,
                        &pkey,
                        format!("XML name `{}` is also the XML name of parameter `{prev}`", p.wire),
                    );
                }
            }
        }
        let path = (kind == MethodKind::Action).then(|| m.path.clone().unwrap_or_else(|| names::path_segment(name)));
        Some(Method {
            name: name.to_owned(),
            rust: names::rust_service_method(name),
            kind,
            http: HttpBinding { verb: kind.http_method().to_owned(), path: path.clone() },
            path,
            params,
            variants,
            mandatory: convert_details(&m.mandatory),
            optional: convert_details(&m.optional),
            doc: m.doc.clone(),
            deprecated: m.deprecated,
            body,
            result,
            task: false,
            fixed: Vec::new(),
            keep_envelope: false,
            also_success: Vec::new(),
            anonymous: false,
        })
    }

    /// A `body: true` parameter: at most one, `in`, an object (a struct,
    /// `Json` or a map), and not on a `GET`.
    fn check_json_body(&mut self, file: &Path, entity: &str, key: &str, verb: &str, params: &[Param]) {
        let bodies: Vec<&Param> = params.iter().filter(|p| p.body).collect();
        if bodies.len() > 1 {
            self.cx.err(
                file,
                entity,
                key,
                format!("a method has at most one `body` parameter, found {}", bodies.len()),
            );
        }
        for p in bodies {
            let pkey = format!("{key}.params.{}.body", p.name);
            let object = p.shape() == Shape::Map
                || (p.shape() == Shape::One
                    && matches!(p.ty, TypeRef::Struct(_) | TypeRef::Primitive(Primitive::Json)));
            if p.dir != Direction::In {
                self.cx.err(file, entity, &pkey, "only an `in` parameter can be the body");
            } else if verb == "GET" {
                self.cx.err(file, entity, &pkey, "a `GET` sends no body; its parameters go to the query");
            } else if !object {
                self.cx.err(file, entity, &pkey, "the body is a JSON object: a struct, `Json` or a map");
            }
        }
    }

    /// A method of a JSON model: its HTTP binding is written in the model, its
    /// parameters are `in` (placed by the runtime: query for `GET`, JSON body
    /// otherwise) and its result is its one `out` parameter, if any.
    fn json_method(&mut self, file: &Path, entity: &str, name: &str, m: &crate::model::RawMethod) -> Option<Method> {
        let key = format!("methods.{name}");
        let verb = match m.http.as_deref() {
            Some(v) if crate::protocol::is_http_method(v) => v.to_owned(),
            Some(v) => {
                self.cx.err(
                    file,
                    entity,
                    format!("{key}.http"),
                    format!("`{v}` is not one of GET, POST, PUT, DELETE, PATCH"),
                );
                return None;
            }
            None => {
                self.cx.err(file, entity, &key, "a JSON method needs `http:`, its HTTP method");
                return None;
            }
        };
        if m.follow {
            self.cx.err(file, entity, format!("{key}.follow"), "`follow` is an XML notion");
        }
        if !m.variants.0.is_empty() {
            self.cx.err(file, entity, format!("{key}.variants"), "in a JSON model each variant is a method of its own");
        }
        if m.task && !self.cx.has_tasks {
            self.cx.err(file, entity, format!("{key}.task"), "the API declares no `protocol.tasks`");
        }
        if let Some(path) = &m.path {
            if path.is_empty() || path.starts_with('/') || path.ends_with('/') || path.split('/').any(str::is_empty) {
                self.cx.err(
                    file,
                    entity,
                    format!("{key}.path"),
                    "write the path as segments joined by `/`, without a leading or trailing `/`",
                );
            }
        }
        let params = self.params(file, entity, &key, &m.params);
        for p in params.iter().filter(|p| p.dir == Direction::Inout) {
            self.cx.err(
                file,
                entity,
                format!("{key}.params.{}", p.name),
                "a JSON parameter is `in`, or `out` for the result",
            );
        }
        let outs: Vec<usize> =
            params.iter().enumerate().filter(|(_, p)| p.dir == Direction::Out).map(|(i, _)| i).collect();
        if outs.len() > 1 {
            self.cx.err(
                file,
                entity,
                &key,
                format!("a method has at most one `out` parameter (its result), found {}", outs.len()),
            );
        }
        let result = outs.first().copied();
        self.check_json_body(file, entity, &key, &verb, &params);
        let mut fixed = Vec::new();
        for (pname, value) in &m.fixed.0 {
            if !names::is_snake(pname) && !pname.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                self.cx.err(file, entity, format!("{key}.fixed.{pname}"), format!("`{pname}` is not a parameter name"));
            }
            if params.iter().any(|p| &p.wire == pname) {
                self.cx.err(
                    file,
                    entity,
                    format!("{key}.fixed.{pname}"),
                    "a fixed parameter can't also be a settable one",
                );
            }
            fixed.push((pname.clone(), value.clone()));
        }
        let kind = match (name, result.map(|r| params[r].list)) {
            ("get", Some(false)) if verb == "GET" => MethodKind::Get,
            ("list", Some(true)) if verb == "GET" => MethodKind::List,
            _ => MethodKind::Action,
        };
        Some(Method {
            name: name.to_owned(),
            rust: names::rust_service_method(name),
            kind,
            path: m.path.clone(),
            http: HttpBinding { verb, path: m.path.clone() },
            params,
            variants: Vec::new(),
            mandatory: convert_details(&m.mandatory),
            optional: convert_details(&m.optional),
            doc: m.doc.clone(),
            deprecated: m.deprecated,
            body: None,
            result,
            task: m.task,
            fixed,
            keep_envelope: m.keep_envelope,
            also_success: m.also_success.clone(),
            anonymous: m.anonymous,
        })
    }
}

fn convert_details(items: &[RawDetail]) -> Vec<Detail> {
    items
        .iter()
        .map(|d| match d {
            RawDetail::One(s) => Detail::One(s.clone()),
            RawDetail::AnyOf(v) => Detail::AnyOf(v.clone()),
        })
        .collect()
}

/// The `paging:` of `api.yaml`, checked: the format must hold `{page}`.
fn paging(cx: &mut Ctx, file: &Path, api: &crate::model::RawApi) -> Option<Paging> {
    let p = api.paging.as_ref()?;
    if !p.format.contains("{page}") {
        cx.err(file, "api", "paging.format", "the format must say where the page number goes: `{page}`");
    }
    for (key, name) in [("paging.param", Some(&p.param)), ("paging.size", p.size.as_ref())] {
        if let Some(name) = name.filter(|n| !names::is_snake(n)) {
            cx.err(file, "api", key, format!("`{name}` is not a snake-case name"));
        }
    }
    cx.json_only(file, "api", "paging", &[("items", p.items.is_some()), ("next", p.next.is_some())]);
    let json = match (&p.items, &p.next) {
        (Some(items), Some(next)) => Some(JsonPaging { items: items.clone(), next: next.clone() }),
        _ if cx.format == WireFormat::Json => {
            cx.err(file, "api", "paging", "a JSON API's paging names its page's `items:` and `next:` members");
            None
        }
        _ => None,
    };
    Some(Paging { param: p.param.clone(), format: p.format.clone(), size: p.size.clone(), first: p.first, json })
}

/// Resolves the `waiters:` of every service: the watched member must be a
/// single enum member of what the service's `get` returns, and every value
/// one of that enum's.
fn build_waiters(cx: &mut Ctx, raw: &RawModel, service_order: &[usize], api: &mut Api) {
    for (idx, &ri) in service_order.iter().enumerate() {
        let r = &raw.services[ri].value;
        let file = api.services[idx].file.clone();
        let entity = format!("service {}", r.name);
        let mut waiters = Vec::new();
        for (name, w) in &r.waiters.0 {
            let key = format!("waiters.{name}");
            if !names::is_snake(name) {
                cx.err(&file, &entity, &key, format!("`{name}` is not a snake-case name"));
                continue;
            }
            let object = match api.get_result(idx) {
                Some(TypeRef::Struct(t)) => t,
                Some(_) => {
                    cx.err(&file, &entity, &key, "a waiter needs a `get` method that returns a struct");
                    continue;
                }
                None => {
                    cx.err(&file, &entity, &key, "a waiter needs a `get` method (its own or its base's)");
                    continue;
                }
            };
            let st = &api.structs[object];
            let Some(member) = st.members.iter().position(|m| m.name == w.member) else {
                cx.err(
                    &file,
                    &entity,
                    format!("{key}.member"),
                    format!("struct {} has no member `{}`", st.name, w.member),
                );
                continue;
            };
            let TypeRef::Enum(e) = st.members[member].ty else {
                cx.err(&file, &entity, format!("{key}.member"), format!("`{}` is not an enum member", w.member));
                continue;
            };
            if st.members[member].list {
                cx.err(&file, &entity, format!("{key}.member"), format!("`{}` is a list", w.member));
                continue;
            }
            let en = &api.enums[e];
            let mut lookup = |field: &str, wires: &[String]| -> Vec<usize> {
                let mut out = Vec::new();
                for wire in wires {
                    match en.values.iter().position(|v| &v.wire == wire) {
                        Some(i) => out.push(i),
                        None => cx.err(
                            &file,
                            &entity,
                            format!("{key}.{field}"),
                            format!("`{wire}` is not a value of enum {}", en.name),
                        ),
                    }
                }
                out
            };
            let done = lookup("values", &w.values);
            let fail = lookup("fail", &w.fail);
            if w.values.is_empty() {
                cx.err(&file, &entity, format!("{key}.values"), "a waiter needs at least one value to wait for");
            }
            if let Some(both) = w.values.iter().find(|v| w.fail.contains(v)) {
                cx.err(
                    &file,
                    &entity,
                    format!("{key}.fail"),
                    format!("`{both}` is both a value to wait for and a failure"),
                );
            }
            waiters.push(Waiter {
                name: name.clone(),
                rust: format!("wait_until_{name}"),
                object,
                member,
                values_of: e,
                done,
                fail,
                doc: w.doc.clone(),
            });
        }
        api.services[idx].waiters = waiters;
    }
}

/// The documentation of the standard `follow` parameter (`follow: true`).
const FOLLOW_DOC: &str = "The links to read inline in the reply, as a comma-separated list of link names, with \
                          dots for links of links: `nics,disk_attachments.disk` returns the VM with its NICs and \
                          with the disk of each disk attachment, in one request.";

/// The struct every action sends and receives.
pub const ACTION_STRUCT: &str = "Action";

/// Actions send their parameters as members of the struct `Action` and read
/// their output from it: each parameter needs a member of the same name,
/// type and shape.
fn check_action_members(cx: &mut Ctx, api: &Api) {
    let action = api.structs.iter().find(|t| t.name == ACTION_STRUCT);
    for s in &api.services {
        let entity = format!("service {}", s.name);
        for m in s.methods.iter().filter(|m| m.kind == MethodKind::Action) {
            let all = m.params.iter().map(|p| (format!("methods.{}.params.{}", m.name, p.name), p)).chain(
                m.variants.iter().flat_map(|v| {
                    v.params
                        .iter()
                        .map(move |p| (format!("methods.{}.variants.{}.params.{}", m.name, v.name, p.name), p))
                }),
            );
            for (key, p) in all {
                let Some(action) = action else {
                    cx.err(
                        &s.file,
                        &entity,
                        key,
                        format!("actions need a struct `{ACTION_STRUCT}`, which the model does not define"),
                    );
                    return;
                };
                match action.members.iter().find(|a| a.name == p.name) {
                    None => cx.err(
                        &s.file,
                        &entity,
                        key,
                        format!(
                            "action parameters travel as members of `{ACTION_STRUCT}`, which has no member `{}`",
                            p.name
                        ),
                    ),
                    Some(a) if a.ty != p.ty || a.list != p.list => cx.err(
                        &s.file,
                        &entity,
                        key,
                        format!("`{}` differs in type from the member `{ACTION_STRUCT}.{}`", p.name, a.name),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}

fn check_reachability(cx: &mut Ctx, api: &Api) {
    let mut reached = vec![false; api.services.len()];
    let mut queue = VecDeque::from([api.root_service]);
    reached[api.root_service] = true;
    while let Some(s) = queue.pop_front() {
        for (_, l) in api.all_locators(s) {
            if !reached[l.service] {
                reached[l.service] = true;
                queue.push_back(l.service);
            }
        }
    }
    for (i, s) in api.services.iter().enumerate() {
        let entity = format!("service {}", s.name);
        if !reached[i] && !s.unreachable {
            cx.err(&s.file, &entity, "service", "unreachable: no chain of locators leads here from the root service (mark it `unreachable: true` if that is intended)");
        }
        if reached[i] && s.unreachable {
            cx.err(&s.file, &entity, "unreachable", "the service is marked unreachable but a locator leads to it");
        }
    }
}

fn check_input_details(cx: &mut Ctx, api: &Api) {
    for s in &api.services {
        let entity = format!("service {}", s.name);
        for m in &s.methods {
            let key = format!("methods.{}", m.name);
            let all: Vec<&Param> = m.params.iter().chain(m.variants.iter().flat_map(|v| v.params.iter())).collect();
            let check = |cx: &mut Ctx, key: &str, items: &[Detail], params: &[&Param]| {
                for d in items {
                    let paths: Vec<&String> = match d {
                        Detail::One(p) => vec![p],
                        Detail::AnyOf(v) => v.iter().collect(),
                    };
                    for p in paths {
                        if let Err(msg) = check_detail_path(api, p, params) {
                            cx.err(&s.file, &entity, key, format!("input detail `{p}`: {msg}"));
                        }
                    }
                }
            };
            check(cx, &format!("{key}.mandatory"), &m.mandatory, &all);
            check(cx, &format!("{key}.optional"), &m.optional, &all);
            for v in &m.variants {
                let own: Vec<&Param> = m.params.iter().chain(v.params.iter()).collect();
                check(cx, &format!("{key}.variants.{}.mandatory", v.name), &v.mandatory, &own);
                check(cx, &format!("{key}.variants.{}.optional", v.name), &v.optional, &own);
            }
        }
    }
}

fn check_detail_path(api: &Api, path: &str, params: &[&Param]) -> Result<(), String> {
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or_default();
    let (first_name, first_many) = match first.strip_suffix("[]") {
        Some(n) => (n, true),
        None => (first, false),
    };
    let Some(param) = params.iter().find(|p| p.name == first_name) else {
        return Err(format!("no parameter named `{first_name}`"));
    };
    if first_many && !param.list {
        return Err(format!("`{first_name}` is not a list, so `[]` does not apply"));
    }
    let mut cur = param.ty;
    let mut at = first_name.to_owned();
    for part in parts {
        let (name, many) = match part.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (part, false),
        };
        let TypeRef::Struct(si) = cur else {
            return Err(format!("`{at}` is not a struct, so it has no member `{name}`"));
        };
        let st = &api.structs[si];
        let Some(member) = st.members.iter().find(|m| m.name == name) else {
            return Err(format!("struct {} has no member `{name}`", st.name));
        };
        if many && !member.list {
            return Err(format!("`{name}` is not a list, so `[]` does not apply"));
        }
        cur = member.ty;
        at = name.to_owned();
    }
    Ok(())
}
