//! The model as written in YAML: one serde structure per file kind.
//!
//! These types mirror the files one to one and reject unknown keys. They do
//! no resolution; `ir` turns them into the checked intermediate
//! representation.

use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{ModelError, ModelErrors};

/// An ordered map that rejects duplicate keys (plain maps keep the last one
/// silently, which would lose a member).
#[derive(Debug, Clone)]
pub struct OrderedMap<V>(pub IndexMap<String, V>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(IndexMap::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OrderedMap::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = IndexMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if out.contains_key(&key) {
                        return Err(de::Error::custom(format_args!("duplicate name `{key}`")));
                    }
                    let value = map.next_value()?;
                    out.insert(key, value);
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_any(V2(PhantomData))
    }
}

/// `api.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApi {
    /// Short name of the API.
    pub api: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Name of the root service.
    pub root_service: String,
    /// URL path of the root service, below the server (`/` when the client
    /// is given the API's own URL).
    #[serde(default = "root_path")]
    pub root_path: String,
    /// Naming exception tables.
    #[serde(default)]
    pub naming: RawNaming,
    /// How list methods page, when the API pages.
    pub paging: Option<RawPaging>,
    /// The wire format: `xml` (the default) or `json`.
    #[serde(default)]
    pub format: WireFormat,
    /// The API-wide protocol choices: for a JSON API its auth, envelope,
    /// tasks, errors and path conventions; for an XML API its headers and
    /// single sign-on service.
    pub protocol: Option<RawProtocol>,
}

/// The wire format of an API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WireFormat {
    /// XML documents, oVirt style: elements named after members, `href` links.
    #[default]
    Xml,
    /// JSON objects whose members are named as the model says.
    Json,
}

/// The `protocol:` of an `api.yaml`. `title` and `headers` serve both
/// formats; `query_headers` and `sso` only XML, the rest only JSON.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProtocol {
    /// How messages and logs name the API (`Danube Cloud`).
    pub title: String,
    /// Every request path ends with `/`.
    #[serde(default)]
    pub trailing_slash: bool,
    /// A client-wide path prefix with one parameter (`/dc/{dc}`), used when
    /// the client sets that parameter.
    pub prefix: Option<String>,
    /// Headers sent with every request.
    #[serde(default)]
    pub headers: OrderedMap<String>,
    /// The object replies are wrapped in.
    pub envelope: Option<RawEnvelope>,
    /// How long-running operations are followed.
    pub tasks: Option<RawTasks>,
    /// How error replies are read.
    #[serde(default)]
    pub errors: RawErrors,
    /// The ways a client may authenticate, in the order they are tried.
    #[serde(default)]
    pub auth: Vec<RawAuth>,
    /// XML: query parameters whose value is also sent as a header
    /// (`all_content: All-Content`).
    #[serde(default)]
    pub query_headers: OrderedMap<String>,
    /// XML: the single sign-on service that hands out tokens.
    pub sso: Option<RawSso>,
}

/// The single sign-on service of an XML API: OAuth grants for a token.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSso {
    /// Path of the password grant's token service, below the server.
    pub token_path: String,
    /// Path of the Kerberos grant's token service.
    pub kerberos_token_path: String,
    /// The `grant_type` of the Kerberos grant.
    pub kerberos_grant: String,
    /// Path of the service that revokes a token.
    pub revoke_path: String,
    /// The `scope` every grant and revocation asks for.
    pub scope: String,
}

/// The names of the envelope's members.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnvelope {
    /// The member holding the operation's result.
    pub result: String,
    /// The member holding the state of the operation.
    pub status: String,
    /// The member holding the id of the task.
    pub task_id: String,
}

/// Long-running operations: a reply that says "still running" is followed
/// by polling the task's status.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTasks {
    /// The path of a task's status, with the parameter `{task_id}`.
    pub status_path: String,
    /// The HTTP status of a reply whose task still runs.
    pub pending_http: u16,
    /// Envelope states of a task that still runs.
    pub pending: Vec<String>,
    /// Envelope states of a task that succeeded.
    pub success: Vec<String>,
    /// Envelope states of a task that failed.
    pub failure: Vec<String>,
    /// Envelope states of a task that was cancelled.
    #[serde(default)]
    pub revoked: Vec<String>,
    /// Seconds between two polls; the last one repeats.
    pub backoff: Vec<f64>,
    /// The longest a wait lasts by default, in seconds.
    pub deadline: u64,
    /// `METHOD /path` that cancels a task, with `{task_id}`, if the API can.
    pub cancel: Option<String>,
}

/// How error replies are read.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawErrors {
    /// Members of an error body that hold its message, tried in order.
    #[serde(default)]
    pub message: Vec<String>,
    /// HTTP statuses that mean a particular kind of error.
    #[serde(default)]
    pub statuses: OrderedMap<String>,
}

/// One way to authenticate: exactly one of its keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuth {
    /// A header that carries a secret the user gives.
    pub header: Option<RawHeaderAuth>,
    /// A login operation whose token is sent with every request.
    pub login: Option<RawLogin>,
    /// A request signer the user (or a later crate) installs.
    pub signer: Option<RawSigner>,
}

/// A header that carries a secret.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeaderAuth {
    /// The header's name.
    pub name: String,
    /// The client setting that holds the secret (`api_key`).
    pub setting: String,
    /// What the secret is, for the setter's documentation.
    pub doc: Option<String>,
}

/// A request signer.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSigner {
    /// What the signer must do, for the setter's documentation.
    pub doc: Option<String>,
}

/// A login operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLogin {
    /// `POST` path of the login.
    pub path: String,
    /// Body member of the user name.
    pub user: String,
    /// Body member of the password.
    pub password: String,
    /// Reply member holding the token.
    pub token: String,
    /// The header the token is sent in.
    pub header: String,
    /// The header's value, with `{token}` where the token goes.
    pub format: String,
    /// The status of a refusal after which the client logs in again once.
    pub relogin_on: u16,
    /// Texts of which a refusal's body must hold one to mean the token is
    /// no longer accepted; empty: every refusal with `relogin_on`.
    #[serde(default)]
    pub relogin_if: Vec<String>,
    /// `METHOD /path` of the logout, if the API has one.
    pub logout: Option<String>,
}

/// The `paging:` of `api.yaml`: list methods that have `param` get
/// `pages(size)`, which asks for page after page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPaging {
    /// The query parameter that says which page (`search`, `page`).
    pub param: String,
    /// How the page is written into it: `{page}` is the page number and
    /// `{value}` what the caller set the parameter to (`"{value} page {page}"`).
    pub format: String,
    /// The query parameter that sets the page size (`max`), if any.
    pub size: Option<String>,
    /// The number of the first page.
    #[serde(default = "first_page")]
    pub first: i64,
    /// JSON APIs: the member of a page that holds its items.
    pub items: Option<String>,
    /// JSON APIs: the member of a page that is unset or `null` on the last
    /// page.
    pub next: Option<String>,
}

fn root_path() -> String {
    "/".to_owned()
}

fn first_page() -> i64 {
    1
}

/// The `naming:` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNaming {
    /// Plural exceptions of last words.
    #[serde(default)]
    pub plural: OrderedMap<String>,
    /// Singular exceptions of last words.
    #[serde(default)]
    pub singular: OrderedMap<String>,
    /// XML name exceptions.
    #[serde(default)]
    pub xml: OrderedMap<String>,
}

/// `types/<name>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStruct {
    /// Type name.
    #[serde(rename = "struct")]
    pub name: String,
    /// Base type.
    pub base: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: bool,
    /// Rust name override.
    pub rust_name: Option<String>,
    /// XML element override.
    pub xml: Option<String>,
    /// XML collection override.
    pub xml_plural: Option<String>,
    /// Data members.
    #[serde(default)]
    pub attributes: OrderedMap<MemberSpec>,
    /// Links to other objects.
    #[serde(default)]
    pub links: OrderedMap<MemberSpec>,
    /// JSON models: the value is exactly one of these alternatives (a
    /// typed choice, such as "a text or an object") instead of an object
    /// with members.
    #[serde(default)]
    pub one_of: OrderedMap<MemberSpec>,
}

/// A member or parameter in map form; the short forms `Type` and `[Type]`
/// are turned into this too.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMember {
    /// Type name.
    #[serde(rename = "type")]
    pub ty: String,
    /// A list of `ty`.
    #[serde(default)]
    pub list: bool,
    /// JSON APIs: an object whose member names are free text (keys) and
    /// whose values are `ty`s.
    #[serde(default)]
    pub map: bool,
    /// JSON APIs, parameters only: the value is the whole request body
    /// (the other parameters then travel in the query).
    #[serde(default)]
    pub body: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: bool,
    /// Hidden from `Debug`.
    #[serde(default)]
    pub secret: bool,
    /// XML name override.
    pub xml: Option<String>,
    /// List item element override.
    pub item: Option<String>,
    /// Link `rel` override.
    pub rel: Option<String>,
    /// Schema type of the wire form.
    pub xsd: Option<String>,
    /// Direction (parameters only).
    pub dir: Option<Direction>,
    /// JSON APIs: the member's name on the wire, when it differs from its
    /// model name.
    pub wire: Option<String>,
}

/// Direction of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Sent by the caller.
    In,
    /// Returned by the server.
    Out,
    /// Sent and returned.
    Inout,
}

fn short_member(ty: String, list: bool) -> RawMember {
    RawMember { ty, list, ..RawMember::default() }
}

/// Accepts `Type`, `[Type]` or the map form.
fn de_member<'de, D: Deserializer<'de>>(d: D) -> Result<RawMember, D::Error> {
    struct Vis;
    impl<'de> Visitor<'de> for Vis {
        type Value = RawMember;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a type name, `[Type]` or a map with `type:`")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<RawMember, E> {
            Ok(short_member(v.to_owned(), false))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawMember, A::Error> {
            let ty: String = seq
                .next_element()?
                .ok_or_else(|| de::Error::custom("a list type needs exactly one item type, `[Type]`"))?;
            if seq.next_element::<de::IgnoredAny>()?.is_some() {
                return Err(de::Error::custom("a list type needs exactly one item type, `[Type]`"));
            }
            Ok(short_member(ty, true))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawMember, A::Error> {
            RawMember::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(Vis)
}

/// A member or parameter accepted in every form (`Type`, `[Type]`, map).
#[derive(Debug)]
pub struct MemberSpec(pub RawMember);

impl<'de> Deserialize<'de> for MemberSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de_member(d).map(MemberSpec)
    }
}

/// `enums/<name>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnum {
    /// Enum name.
    #[serde(rename = "enum")]
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: bool,
    /// Rust name override.
    pub rust_name: Option<String>,
    /// XML element override.
    pub xml: Option<String>,
    /// XML collection override.
    pub xml_plural: Option<String>,
    /// Wire values in order.
    pub values: Vec<RawEnumValue>,
}

/// One enum value: `value` or the map form.
#[derive(Debug)]
pub struct RawEnumValue {
    /// Wire value.
    pub value: String,
    /// The Rust variant, when the one derived from the value would not do.
    pub rust_name: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecation.
    pub deprecated: bool,
}

impl<'de> Deserialize<'de> for RawEnumValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            value: String,
            rust_name: Option<String>,
            doc: Option<String>,
            #[serde(default)]
            deprecated: bool,
        }
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = RawEnumValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a wire value or a map with `value:`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawEnumValue, E> {
                Ok(RawEnumValue { value: v.to_owned(), rust_name: None, doc: None, deprecated: false })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawEnumValue, A::Error> {
                let f = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawEnumValue { value: f.value, rust_name: f.rust_name, doc: f.doc, deprecated: f.deprecated })
            }
        }
        d.deserialize_any(Vis)
    }
}

/// `services/<name>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Service name (without `Service`).
    #[serde(rename = "service")]
    pub name: String,
    /// Base service.
    pub base: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: bool,
    /// No locator leads here, on purpose.
    #[serde(default)]
    pub unreachable: bool,
    /// Methods by snake name.
    #[serde(default)]
    pub methods: OrderedMap<Option<RawMethod>>,
    /// Locators by snake name.
    #[serde(default)]
    pub locators: OrderedMap<RawLocator>,
    /// Waiters by snake name (`up` gives `wait_until_up`).
    #[serde(default)]
    pub waiters: OrderedMap<RawWaiter>,
}

/// A waiter: poll the service's `get` until a member of the object has one
/// of `values` (or one of `fail`, which is an error).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWaiter {
    /// The member of the object to watch (an enum member of the `get` result).
    pub member: String,
    /// The values that end the wait successfully.
    pub values: Vec<String>,
    /// The values that end the wait with an error.
    #[serde(default)]
    pub fail: Vec<String>,
    /// Documentation.
    pub doc: Option<String>,
}

/// An input-detail item: one path, or one of several paths.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum RawDetail {
    /// A single path.
    One(String),
    /// Either of these paths.
    AnyOf(Vec<String>),
}

/// A method.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMethod {
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: bool,
    /// Takes the standard `follow` parameter.
    #[serde(default)]
    pub follow: bool,
    /// Action path override.
    pub path: Option<String>,
    /// Parameters by snake name.
    #[serde(default)]
    pub params: OrderedMap<MemberSpec>,
    /// Mandatory input detail.
    #[serde(default)]
    pub mandatory: Vec<RawDetail>,
    /// Optional input detail.
    #[serde(default)]
    pub optional: Vec<RawDetail>,
    /// Variants by snake name.
    #[serde(default)]
    pub variants: OrderedMap<Option<RawVariant>>,
    /// JSON APIs: the HTTP method (`GET`, `POST`, `PUT`, `DELETE`, `PATCH`).
    pub http: Option<String>,
    /// JSON APIs: the reply may be a task that is still running; `send()`
    /// waits for it and `start()` does not.
    #[serde(default)]
    pub task: bool,
    /// JSON APIs: parameters the method always sends, with their values.
    #[serde(default)]
    pub fixed: OrderedMap<RawFixed>,
    /// JSON APIs: the reply's envelope is the result (the method returns it
    /// whole instead of its result member).
    #[serde(default)]
    pub keep_envelope: bool,
    /// JSON APIs: HTTP statuses that are answers rather than errors, beyond
    /// the 2xx ones.
    #[serde(default)]
    pub also_success: Vec<u16>,
    /// JSON APIs: sent without the client's credentials.
    #[serde(default)]
    pub anonymous: bool,
}

/// The value of a fixed parameter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawFixed {
    /// `true` or `false`.
    Boolean(bool),
    /// A whole number.
    Integer(i64),
    /// Text.
    Text(String),
}

/// A variant (another signature of a method).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    /// Documentation.
    pub doc: Option<String>,
    /// The Rust method name, when the derived one (`<method>_<variant>`) says nothing.
    pub rust_name: Option<String>,
    /// Deprecation.
    #[serde(default)]
    pub deprecated: bool,
    /// Parameters the variant adds.
    #[serde(default)]
    pub params: OrderedMap<MemberSpec>,
    /// Mandatory input detail.
    #[serde(default)]
    pub mandatory: Vec<RawDetail>,
    /// Optional input detail.
    #[serde(default)]
    pub optional: Vec<RawDetail>,
}

/// A locator: `Service` or the map form.
#[derive(Debug)]
pub struct RawLocator {
    /// Target service.
    pub service: String,
    /// Takes an id.
    pub id: bool,
    /// URL segment override.
    pub path: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecation.
    pub deprecated: bool,
}

impl<'de> Deserialize<'de> for RawLocator {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            service: String,
            #[serde(default)]
            id: bool,
            path: Option<String>,
            doc: Option<String>,
            #[serde(default)]
            deprecated: bool,
        }
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = RawLocator;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a service name or a map with `service:`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawLocator, E> {
                Ok(RawLocator { service: v.to_owned(), id: false, path: None, doc: None, deprecated: false })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawLocator, A::Error> {
                let f = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawLocator { service: f.service, id: f.id, path: f.path, doc: f.doc, deprecated: f.deprecated })
            }
        }
        d.deserialize_any(Vis)
    }
}

/// A parsed file with where it came from.
#[derive(Debug)]
pub struct Sourced<T> {
    /// Path relative to the model folder (`types/vm.yaml`).
    pub file: PathBuf,
    /// The content.
    pub value: T,
}

/// Every file of a model folder, parsed but not checked.
#[derive(Debug)]
pub struct RawModel {
    /// The folder the model was read from.
    pub dir: PathBuf,
    /// `api.yaml`.
    pub api: Sourced<RawApi>,
    /// `types/*.yaml`, sorted by file name.
    pub structs: Vec<Sourced<RawStruct>>,
    /// `enums/*.yaml`, sorted by file name.
    pub enums: Vec<Sourced<RawEnum>>,
    /// `services/*.yaml`, sorted by file name.
    pub services: Vec<Sourced<RawService>>,
}

/// Parses one YAML text into `T`, reporting the entity (read from the
/// file's `kind_key`, e.g. `struct`), the key path and the line.
pub fn parse_yaml<T: for<'de> Deserialize<'de>>(file: &Path, text: &str, kind_key: &str) -> Result<T, ModelError> {
    let de = serde_norway::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = e.into_inner();
        let mut message = inner.to_string();
        let mut key = path.clone();
        if !message.contains(" at line ") {
            // Problems found on the top-level map are located at its start;
            // point at the offending key's own line instead.
            let top_field = ["unknown field `", "duplicate field `"]
                .iter()
                .find_map(|p| message.strip_prefix(p).and_then(|r| r.split('`').next()).map(str::to_owned));
            match top_field.filter(|_| path.is_empty()) {
                Some(field) => {
                    let duplicate = message.starts_with("duplicate");
                    let mut lines = text.lines().enumerate().filter(|(_, l)| l.starts_with(&format!("{field}:")));
                    let line = if duplicate { lines.nth(1) } else { lines.next() };
                    if let Some((n, _)) = line {
                        message.push_str(&format!(" at line {} column 1", n + 1));
                    }
                    key = field;
                }
                None => {
                    if let Some(loc) = inner.location() {
                        message.push_str(&format!(" at line {} column {}", loc.line(), loc.column()));
                    }
                }
            }
        }
        let mut err = ModelError::new(file, message).key(key);
        if let Some(entity) = entity_of(text, kind_key) {
            err = err.entity(entity);
        }
        err
    })
}

/// The entity a file declares (`struct Vm`), read leniently so that it can
/// be named even when the file does not parse as its kind.
fn entity_of(text: &str, kind_key: &str) -> Option<String> {
    if kind_key == "api" {
        return Some("api".to_owned());
    }
    let prefix = format!("{kind_key}:");
    let name = text.lines().find_map(|l| l.strip_prefix(&prefix))?.trim().trim_matches(['"', '\'']);
    (!name.is_empty()).then(|| format!("{kind_key} {name}"))
}

/// Reads and parses every file of a model folder. Collects all problems.
pub fn read_model(dir: &Path) -> Result<RawModel, ModelErrors> {
    let mut errors = Vec::new();
    let api_file = PathBuf::from("api.yaml");
    let api = match std::fs::read_to_string(dir.join(&api_file)) {
        Ok(text) => parse_yaml::<RawApi>(&api_file, &text, "api").map_err(|e| errors.push(e)).ok(),
        Err(e) => {
            errors.push(ModelError::new(&api_file, format!("cannot read: {e}")));
            None
        }
    };
    let structs = read_folder::<RawStruct>(dir, "types", "struct", &mut errors);
    let enums = read_folder::<RawEnum>(dir, "enums", "enum", &mut errors);
    let services = read_folder::<RawService>(dir, "services", "service", &mut errors);
    // Anything else in the folder is a mistake too (a typo in a folder name
    // would otherwise drop a whole part of the model silently).
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut names: Vec<String> =
            entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for name in names {
            if !matches!(name.as_str(), "api.yaml" | "types" | "enums" | "services" | "README.md")
                && !name.starts_with('.')
            {
                errors.push(ModelError::new(
                    &name,
                    "not part of the model language (expected api.yaml, types/, enums/, services/)",
                ));
            }
        }
    } else {
        errors.push(ModelError::new(dir, "the model folder cannot be read"));
    }
    match api {
        Some(value) if errors.is_empty() => {
            Ok(RawModel { dir: dir.to_owned(), api: Sourced { file: api_file, value }, structs, enums, services })
        }
        _ => {
            errors.sort();
            Err(ModelErrors(errors))
        }
    }
}

fn read_folder<T: for<'de> Deserialize<'de>>(
    dir: &Path,
    folder: &str,
    kind_key: &str,
    errors: &mut Vec<ModelError>,
) -> Vec<Sourced<T>> {
    let path = dir.join(folder);
    let entries = match std::fs::read_dir(&path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            errors.push(ModelError::new(folder, format!("cannot read folder: {e}")));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let rel = Path::new(folder).join(&name);
        if !name.ends_with(".yaml") || !file.is_file() {
            errors.push(ModelError::new(&rel, "only `.yaml` files belong here"));
            continue;
        }
        match std::fs::read_to_string(&file) {
            Ok(text) => match parse_yaml::<T>(&rel, &text, kind_key) {
                Ok(value) => out.push(Sourced { file: rel, value }),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(ModelError::new(&rel, format!("cannot read: {e}"))),
        }
    }
    out
}
