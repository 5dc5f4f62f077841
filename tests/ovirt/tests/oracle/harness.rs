//! The contract between the generated table of calls (`calls/ovirt.rs`,
//! written by `cargo xtask generate`) and the method-level wire test
//! (`tests/wire_methods.rs`).
//!
//! The table describes every method and signature variant of every service
//! ([`CallSpec`]) and has one `run` function per call that makes the call
//! with the generated SDK, taking every argument from [`Args`] (the values
//! the test chose) and returning what the call gave back as an [`Out`]. The
//! test makes the same call with the official Python SDK and compares the two
//! requests and the two decoded replies.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use ovirt_sdk::xml::{XmlType, from_xml, to_xml};
use ovirt_sdk::{DateTime, Decimal};

/// What a generated `run` function returns.
pub type Run = Pin<Box<dyn Future<Output = Result<Out, ovirt_sdk::Error>> + Send>>;

/// The kind of a method, which decides its HTTP mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `GET` of an entity.
    Get,
    /// `GET` of a collection.
    List,
    /// `POST` of a new entity to a collection.
    Add,
    /// `PUT` of an entity.
    Update,
    /// `DELETE` of an entity.
    Remove,
    /// `POST` of an `<action>` to `…/<action path>`.
    Action,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The request body (the main parameter of add and update).
    Body,
    /// A query parameter.
    Query,
    /// A child of the `<action>` body.
    Action,
}

/// One input parameter of a call.
#[derive(Debug)]
pub struct ParamSpec {
    /// The model name in snake case, which is also the query parameter name
    /// or the element name inside `<action>`.
    pub name: &'static str,
    /// The keyword argument of the Python SDK (`async_` for `async`).
    pub python: &'static str,
    /// A struct type name, an enum name or a primitive (`String`, `Boolean`,
    /// `Integer`, `Decimal`, `Date`).
    pub ty: &'static str,
    /// Whether the parameter is a list of `ty`.
    pub list: bool,
    /// Where it travels.
    pub place: Place,
}

/// The value a call gives back.
#[derive(Debug)]
pub struct ResultSpec {
    /// As in [`ParamSpec::ty`].
    pub ty: &'static str,
    /// Whether it is a list.
    pub list: bool,
}

/// One method (or signature variant) of one service.
pub struct CallSpec {
    /// Unique name of the call, sent in the `X-Oracle-Call` header.
    pub id: &'static str,
    /// The path of the service from the API root, ids written literally.
    pub service_path: &'static str,
    /// For a service no path leads to (a base service of the model such as
    /// `CopyableService`), the Python SDK class to make at `service_path`;
    /// otherwise `None` and the Python SDK finds the service by its path.
    pub python_service: Option<&'static str>,
    /// The method's name in the Python SDK.
    pub python_method: &'static str,
    /// Its kind.
    pub kind: Kind,
    /// The action path (`start`) of an action.
    pub action_path: Option<&'static str>,
    /// Every input parameter.
    pub params: &'static [ParamSpec],
    /// The value given back, if any.
    pub result: Option<ResultSpec>,
    /// Makes the call with the generated SDK.
    pub run: fn(ovirt_sdk::Connection, Args) -> Run,
}

impl std::fmt::Debug for CallSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallSpec")
            .field("id", &self.id)
            .field("service_path", &self.service_path)
            .field("python_service", &self.python_service)
            .field("python_method", &self.python_method)
            .field("kind", &self.kind)
            .field("action_path", &self.action_path)
            .field("params", &self.params)
            .field("result", &self.result)
            .finish()
    }
}

/// A value chosen for one parameter. Decimals and dates are kept as their
/// wire text; structs as the XML document both SDKs read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A `String`.
    String(String),
    /// A `Boolean`.
    Boolean(bool),
    /// An `Integer`.
    Integer(i64),
    /// A `Decimal`, as text.
    Decimal(String),
    /// A `Date`, as text.
    Date(String),
    /// The wire value of an enum.
    Enum(String),
    /// A struct, as an XML document whose root is the type's tag.
    Object(String),
    /// A list.
    List(Vec<Value>),
}

/// The values of the arguments of one call, by parameter name.
#[derive(Debug, Clone)]
pub struct Args {
    id: String,
    values: BTreeMap<String, Value>,
}

// Not every accessor is used by every table (no query parameter of the API is
// a decimal or a date today), so some may be unused.
#[allow(dead_code)]
impl Args {
    /// The arguments of call `id`.
    pub fn new(id: impl Into<String>, values: BTreeMap<String, Value>) -> Args {
        Args { id: id.into(), values }
    }

    /// The id of the call (the value of the `X-Oracle-Call` header).
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// Every value, by parameter name.
    pub fn values(&self) -> &BTreeMap<String, Value> {
        &self.values
    }

    fn value(&self, name: &str) -> &Value {
        self.values.get(name).unwrap_or_else(|| {
            panic!(
                "call {}: no value was chosen for the parameter `{name}` (it has {:?})",
                self.id,
                self.values.keys().collect::<Vec<_>>()
            )
        })
    }

    fn wrong(&self, name: &str, wanted: &str) -> ! {
        panic!(
            "call {}: the parameter `{name}` was asked for as {wanted}, but its value is {:?}",
            self.id,
            self.value(name)
        )
    }

    fn items(&self, name: &str) -> &[Value] {
        match self.value(name) {
            Value::List(items) => items,
            _ => self.wrong(name, "a list"),
        }
    }

    /// A string, or the wire value of an enum (for `SomeEnum::from_wire`).
    pub fn string(&self, name: &str) -> String {
        match self.value(name) {
            Value::String(s) | Value::Enum(s) => s.clone(),
            _ => self.wrong(name, "a string"),
        }
    }

    /// A boolean.
    pub fn boolean(&self, name: &str) -> bool {
        match self.value(name) {
            Value::Boolean(b) => *b,
            _ => self.wrong(name, "a boolean"),
        }
    }

    /// An integer.
    pub fn integer(&self, name: &str) -> i64 {
        match self.value(name) {
            Value::Integer(i) => *i,
            _ => self.wrong(name, "an integer"),
        }
    }

    /// A decimal.
    pub fn decimal(&self, name: &str) -> Decimal {
        match self.value(name) {
            Value::Decimal(text) => Decimal::parse(text).unwrap_or_else(|e| panic!("call {}: {text}: {e}", self.id)),
            _ => self.wrong(name, "a decimal"),
        }
    }

    /// A date.
    pub fn date(&self, name: &str) -> DateTime {
        match self.value(name) {
            Value::Date(text) => DateTime::parse(text).unwrap_or_else(|e| panic!("call {}: {text}: {e}", self.id)),
            _ => self.wrong(name, "a date"),
        }
    }

    /// A struct, read from its XML with the generated reader.
    pub fn object<T: XmlType>(&self, name: &str) -> T {
        match self.value(name) {
            Value::Object(xml) => self.read(name, xml),
            _ => self.wrong(name, "a struct"),
        }
    }

    /// A list of structs.
    pub fn objects<T: XmlType>(&self, name: &str) -> Vec<T> {
        self.items(name)
            .iter()
            .map(|item| match item {
                Value::Object(xml) => self.read(name, xml),
                _ => self.wrong(name, "a list of structs"),
            })
            .collect()
    }

    /// A list of strings, or of the wire values of an enum.
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.items(name)
            .iter()
            .map(|item| match item {
                Value::String(s) | Value::Enum(s) => s.clone(),
                _ => self.wrong(name, "a list of strings"),
            })
            .collect()
    }

    /// A list of booleans.
    pub fn booleans(&self, name: &str) -> Vec<bool> {
        self.items(name)
            .iter()
            .map(|item| match item {
                Value::Boolean(b) => *b,
                _ => self.wrong(name, "a list of booleans"),
            })
            .collect()
    }

    /// A list of integers.
    pub fn integers(&self, name: &str) -> Vec<i64> {
        self.items(name)
            .iter()
            .map(|item| match item {
                Value::Integer(i) => *i,
                _ => self.wrong(name, "a list of integers"),
            })
            .collect()
    }

    fn read<T: XmlType>(&self, name: &str, xml: &str) -> T {
        from_xml(xml.as_bytes()).unwrap_or_else(|e| {
            panic!("call {}: the value of `{name}` does not read as <{}>: {e}\n{xml}", self.id, T::TAG)
        })
    }
}

/// What a call gave back, written out so that it can be compared with what
/// the Python SDK gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// Nothing (remove, most actions, an absent action output).
    None,
    /// One struct, as the XML document our writer makes of it.
    Object(String),
    /// A list of structs, one document per item.
    Objects(Vec<String>),
    /// A primitive, as text (`true`, `42`, …).
    Text(String),
    /// A list of primitives, as text.
    Texts(Vec<String>),
    /// A value our writer refused to write (the message).
    Unwritable(String),
}

fn written<T: XmlType>(value: &T) -> Result<String, String> {
    to_xml(value).map_err(|e| format!("<{}> cannot be written: {e}", T::TAG))
}

#[allow(dead_code)]
impl Out {
    /// Nothing.
    pub fn none() -> Out {
        Out::None
    }

    /// One struct.
    pub fn object<T: XmlType>(value: &T) -> Out {
        written(value).map_or_else(Out::Unwritable, Out::Object)
    }

    /// A list of structs.
    pub fn objects<T: XmlType>(values: &[T]) -> Out {
        values.iter().map(written).collect::<Result<Vec<_>, _>>().map_or_else(Out::Unwritable, Out::Objects)
    }

    /// A struct that may be absent.
    pub fn opt_object<T: XmlType>(value: Option<T>) -> Out {
        value.as_ref().map_or(Out::None, Out::object)
    }

    /// A list of structs that may be absent.
    pub fn opt_objects<T: XmlType>(values: Option<Vec<T>>) -> Out {
        values.as_deref().map_or(Out::None, Out::objects)
    }

    /// A primitive, as text.
    pub fn text(text: String) -> Out {
        Out::Text(text)
    }

    /// A primitive that may be absent.
    pub fn opt_text(text: Option<String>) -> Out {
        text.map_or(Out::None, Out::Text)
    }

    /// A list of primitives, as text.
    pub fn texts(texts: Vec<String>) -> Out {
        Out::Texts(texts)
    }

    /// A list of primitives that may be absent.
    pub fn opt_texts(texts: Option<Vec<String>>) -> Out {
        texts.map_or(Out::None, Out::Texts)
    }
}
