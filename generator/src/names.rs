//! Name derivation: how the words of a model name become XML names, URL
//! segments and Rust identifiers.
//!
//! Every rule lives here so that the IR decides each name exactly once.

use heck::{ToSnakeCase, ToUpperCamelCase};
use indexmap::IndexMap;

/// The naming tables of one API (from `api.yaml`).
#[derive(Debug, Clone, Default)]
pub struct NamingRules {
    /// Plural of a last word, exceptions only.
    pub plural: IndexMap<String, String>,
    /// Singular of a last word, exceptions only.
    pub singular: IndexMap<String, String>,
    /// Derived XML name → real XML name.
    pub xml: IndexMap<String, String>,
}

impl NamingRules {
    /// The XML name for a `_`-joined word list, after the exceptions table.
    pub fn xml(&self, snake: &str) -> String {
        self.xml.get(snake).cloned().unwrap_or_else(|| snake.to_owned())
    }

    /// The plural of a `_`-joined word list (only the last word changes).
    pub fn plural(&self, snake: &str) -> String {
        let (head, last) = split_last(snake);
        let last = match self.plural.get(last) {
            Some(p) => p.clone(),
            None if last.ends_with('y') => format!("{}ies", &last[..last.len() - 1]),
            None => format!("{last}s"),
        };
        format!("{head}{last}")
    }

    /// The singular of a `_`-joined word list (only the last word changes).
    pub fn singular(&self, snake: &str) -> String {
        let (head, last) = split_last(snake);
        let last = match self.singular.get(last) {
            Some(s) => s.clone(),
            None if last.ends_with("ies") => format!("{}y", &last[..last.len() - 3]),
            None if last.ends_with('s') => last[..last.len() - 1].to_owned(),
            None => last.to_owned(),
        };
        format!("{head}{last}")
    }
}

fn split_last(snake: &str) -> (&str, &str) {
    match snake.rfind('_') {
        Some(i) => (&snake[..=i], &snake[i + 1..]),
        None => ("", snake),
    }
}

/// Words of an `UpperCamelCase` entity name joined with `_`: a word starts
/// at every upper-case letter (`OpenStackImage` → `open_stack_image`,
/// `IscsiDetails` → `iscsi_details`).
pub fn camel_to_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// URL segment, action path or link `rel`: the words joined with nothing.
pub fn path_segment(snake: &str) -> String {
    snake.replace('_', "")
}

/// True for a snake-case word list: `[a-z][a-z0-9]*(_[a-z0-9]+)*`.
pub fn is_snake(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && !s.ends_with('_')
        && !s.contains("__")
        && s.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// True for an enum wire value: lower-case words of letters and digits
/// joined by single `_` (`x86_64`, `3des`); unlike a snake name it may
/// start with a digit.
pub fn is_wire_value(s: &str) -> bool {
    !s.is_empty() && s.split('_').all(|w| !w.is_empty() && w.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9')))
}

/// Any wire text as lower-case words joined by `_` (`not ready (running)`
/// becomes `not_ready_running`, `PENDING` becomes `pending`), from which
/// [`rust_variant`] names a JSON enum value.
pub fn wire_words(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// True for an `UpperCamelCase` name: an ASCII capital, then letters and digits.
pub fn is_upper_camel(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('A'..='Z')) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Rust keywords of every edition (strict and reserved).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Names of the Rust prelude and of the runtime types that generated code
/// uses unqualified: a generated type of one of these names would shadow it.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "DateTime",
    "Decimal",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "List",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// The Rust identifier (as written in source) for a snake-case member,
/// parameter or method name: keywords become raw identifiers (`r#type`),
/// the few that cannot be raw get a trailing `_`.
pub fn rust_field(snake: &str) -> String {
    if NOT_RAW.contains(&snake) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake) {
        format!("r#{snake}")
    } else {
        snake.to_owned()
    }
}

/// The Rust name of a generated method (service method, locator or
/// parameter setter): keywords get a trailing `_` (`import_`, `async_`,
/// `move_`), the convention of the official Python SDK, because a raw
/// identifier is awkward to call (`.r#async(true)`).
pub fn rust_method(snake: &str) -> String {
    if KEYWORDS.contains(&snake) || NOT_RAW.contains(&snake) { format!("{snake}_") } else { snake.to_owned() }
}

/// Methods every generated service has (`path`, `at`) or gets from a
/// derive (`clone`): a model method of the same name gets a trailing `_`
/// (`VmService::clone_` is the `clone` action, `clone()` copies the service).
pub const SERVICE_METHODS: &[&str] = &["at", "clone", "path"];

/// The Rust name of a service method (see [`rust_method`] and [`SERVICE_METHODS`]).
pub fn rust_service_method(snake: &str) -> String {
    if SERVICE_METHODS.contains(&snake) { format!("{snake}_") } else { rust_method(snake) }
}

/// Methods a generated request builder has (XML and JSON ones: `send_reply`
/// and `start` are JSON's); a parameter setter of the same name gets a
/// `_param` suffix (`Host.upgrade`'s `timeout` becomes
/// `timeout_param`, as `timeout` sets the time allowed for the request).
pub const REQUEST_BUILDER_METHODS: &[&str] =
    &["clone", "first", "header", "one", "pages", "query", "send", "send_reply", "start", "stream", "timeout"];

/// The Rust name of a parameter setter (see [`rust_method`] and
/// [`REQUEST_BUILDER_METHODS`]).
pub fn rust_setter(snake: &str) -> String {
    if REQUEST_BUILDER_METHODS.contains(&snake) { format!("{snake}_param") } else { rust_method(snake) }
}

/// Methods every generated struct type has (constructors, `builder`) or
/// that its derives and traits give it: a member getter of the same name
/// gets a trailing `_` (`clone_()`, `from_()`), so that `vm.clone()` still
/// copies and `Vm::from(builder)` still converts.
pub const TYPE_METHODS: &[&str] =
    &["builder", "clone", "default", "eq", "fmt", "from", "hash", "into", "named", "ne", "to_owned", "with_id"];

/// The Rust name of a member's getter (see [`rust_method`] and [`TYPE_METHODS`]).
pub fn rust_getter(snake: &str) -> String {
    if TYPE_METHODS.contains(&snake) { format!("{snake}_") } else { rust_method(snake) }
}

/// Methods every generated struct builder has: a member setter of the same
/// name gets a trailing `_` (`Version::builder().build_(17)`).
pub const BUILDER_METHODS: &[&str] = &["build", "clone", "default", "fmt", "from", "into"];

/// The Rust name of a member's setter on a struct builder.
pub fn rust_builder_setter(snake: &str) -> String {
    if BUILDER_METHODS.contains(&snake) { format!("{snake}_") } else { rust_method(snake) }
}

/// The Rust name of an enum variant for a wire value: `UpperCamelCase` of
/// its words, `V` before a leading digit, `_` after `Self`.
pub fn rust_variant(wire: &str) -> String {
    let camel = upper_camel(wire);
    if camel.is_empty() {
        return "Empty".to_owned();
    }
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("V{camel}");
    }
    if camel == "Self" {
        return "Self_".to_owned();
    }
    camel
}

/// `UpperCamelCase` of a snake word list; a `_` stays between two digits
/// so that `x86_64` becomes `X86_64`, not `X8664`.
pub fn upper_camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    for word in snake.split('_').filter(|w| !w.is_empty()) {
        if out.ends_with(|c: char| c.is_ascii_digit()) && word.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('_');
        }
        out.push_str(&word.to_upper_camel_case());
    }
    out
}

/// The file (module) name for a Rust type name.
pub fn module_name(rust_type: &str) -> String {
    let snake = rust_type.to_snake_case();
    if KEYWORDS.contains(&snake.as_str()) { snake + "_" } else { snake }
}

/// A keyword-free Rust identifier as a `proc_macro2::Ident` (raw when needed).
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => proc_macro2::Ident::new(name, proc_macro2::Span::call_site()),
    }
}

/// Plain words for prose: `data_center` → `data center`.
pub fn words(snake: &str) -> String {
    snake.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> NamingRules {
        let mut r = NamingRules::default();
        r.plural.insert("erratum".into(), "errata".into());
        r.singular.insert("errata".into(), "erratum".into());
        r.xml.insert("numa_nodes".into(), "host_numa_nodes".into());
        r
    }

    #[test]
    fn plural_and_singular_follow_the_rules_and_tables() {
        let r = rules();
        assert_eq!(r.plural("vm"), "vms");
        assert_eq!(r.plural("affinity_policy"), "affinity_policies");
        assert_eq!(r.plural("katello_erratum"), "katello_errata");
        assert_eq!(r.singular("usages"), "usage");
        assert_eq!(r.singular("katello_errata"), "katello_erratum");
        assert_eq!(r.singular("required_rng_sources"), "required_rng_source");
        assert_eq!(r.singular("properties"), "property");
        assert_eq!(r.xml("numa_nodes"), "host_numa_nodes");
        assert_eq!(r.xml("nics"), "nics");
    }

    #[test]
    fn entity_names_split_into_words() {
        assert_eq!(camel_to_snake("OpenStackImage"), "open_stack_image");
        assert_eq!(camel_to_snake("Vm"), "vm");
        assert_eq!(camel_to_snake("IscsiDetails"), "iscsi_details");
        assert_eq!(path_segment("disk_attachments"), "diskattachments");
    }

    #[test]
    fn rust_identifiers_avoid_keywords_and_digits() {
        assert_eq!(rust_field("type"), "r#type");
        assert_eq!(rust_field("async"), "r#async");
        assert_eq!(rust_field("self"), "self_");
        assert_eq!(rust_field("name"), "name");
        assert_eq!(rust_variant("image_locked"), "ImageLocked");
        assert_eq!(rust_variant("x86_64"), "X86_64");
        assert_eq!(rust_variant("ipv6"), "Ipv6");
        assert_eq!(rust_variant("3des"), "V3des");
        assert_eq!(rust_variant("self"), "Self_");
        assert_eq!(module_name("VmStatus"), "vm_status");
        assert_eq!(module_name("Type"), "type_");
        assert!(is_snake("disk_attachments"));
        assert!(!is_snake("Disk"));
        assert!(!is_snake("a__b"));
        assert!(is_upper_camel("VmBase"));
        assert!(!is_upper_camel("vm_base"));
    }
}
