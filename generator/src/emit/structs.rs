//! One Rust struct per model struct.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Context, deprecated, doc};
use crate::ir::{Member, MemberKind, Primitive, StructType, TypeRef};
use crate::names::{ident, words};

/// How many returning methods a type's documentation lists before it sums up.
const MAX_RETURNED_BY: usize = 8;

pub(crate) fn emit_struct(cx: &Context<'_>, index: usize) -> TokenStream {
    let api = cx.api;
    let st = &api.structs[index];
    let name = format_ident!("{}", st.rust_name);

    // Imports: other generated types by name, runtime types as needed.
    let mut local: BTreeSet<&str> = BTreeSet::new();
    let mut runtime: BTreeSet<&str> = BTreeSet::new();
    for m in &st.members {
        match m.ty {
            TypeRef::Struct(i) if i != index => {
                local.insert(&api.structs[i].rust_name);
            }
            TypeRef::Enum(i) => {
                local.insert(&api.enums[i].rust_name);
            }
            TypeRef::Primitive(Primitive::Decimal) => {
                runtime.insert("Decimal");
            }
            TypeRef::Primitive(Primitive::Date) => {
                runtime.insert("DateTime");
            }
            _ => {}
        }
        if m.list {
            runtime.insert("List");
        }
    }
    let local_uses = (!local.is_empty()).then(|| {
        let names = local.iter().map(|n| format_ident!("{n}"));
        quote! { use super::{ #(#names),* }; }
    });
    runtime.extend(["Identity", "Optional", "require_send_sync"]);
    let runtime_uses = (!runtime.is_empty()).then(|| {
        let names = runtime.iter().map(|n| format_ident!("{n}"));
        quote! { use sdkgen_runtime::{ #(#names),* }; }
    });

    let struct_doc = doc(&struct_doc(cx, index));
    let struct_deprecated = deprecated(st.deprecated);
    let fields = st.members.iter().map(|m| {
        let field = ident(&m.rust);
        let ty = field_type(cx, m);
        let d = doc(&member_doc(cx, index, m));
        let dep = deprecated(m.deprecated);
        quote! { #d #dep pub #field: Option<#ty>, }
    });

    // The file itself must name deprecated items; users still get the warning.
    let refers_to_deprecated = st.deprecated
        || st.members.iter().any(|m| {
            m.deprecated
                || match m.ty {
                    TypeRef::Struct(i) => api.structs[i].deprecated,
                    TypeRef::Enum(i) => api.enums[i].deprecated,
                    TypeRef::Primitive(_) => false,
                }
        });
    let allow = if refers_to_deprecated {
        quote! { #![allow(deprecated)] }
    } else {
        TokenStream::new()
    };

    let mut ctors = Vec::new();
    if st.has_id() {
        let d = doc(&format!(
            "A `{}` that refers to the object with the given id, every other member unset.",
            st.rust_name
        ));
        ctors.push(quote! {
            #d
            pub fn with_id(id: impl Into<String>) -> Self {
                Self { id: Some(id.into()), ..Self::default() }
            }
        });
    }
    if st.has_name() {
        let d = doc(&format!(
            "A `{}` that refers to the object with the given name, every other member unset.",
            st.rust_name
        ));
        ctors.push(quote! {
            #d
            pub fn named(name: impl Into<String>) -> Self {
                Self { name: Some(name.into()), ..Self::default() }
            }
        });
    }
    let ctors_impl = (!ctors.is_empty()).then(|| quote! { impl #name { #(#ctors)* } });

    // `Debug` shows only the members that are set and hides secrets.
    let debug_fields = st.members.iter().map(|m| {
        let field = ident(&m.rust);
        let label = &m.name;
        if m.secret {
            quote! { if self.#field.is_some() { d.field(#label, &format_args!("<redacted>")); } }
        } else {
            quote! { if let Some(v) = &self.#field { d.field(#label, v); } }
        }
    });
    let label = &st.rust_name;
    let thread_safety = thread_safety(st);
    let accessors = super::accessors::emit_accessors(cx, index);

    quote! {
        #allow
        #local_uses
        #runtime_uses

        #struct_doc
        #struct_deprecated
        #[derive(Clone, Default, PartialEq)]
        pub struct #name {
            #[doc = " The URL path of the object on the server (XML attribute `href`)."]
            pub href: Option<String>,
            #(#fields)*
        }

        #ctors_impl

        #accessors

        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut d = f.debug_struct(#label);
                if let Some(v) = &self.href { d.field("href", v); }
                #(#debug_fields)*
                d.finish()
            }
        }

        #thread_safety
    }
}

/// `Send` and `Sync` stated for the struct, with a compile-time proof that
/// every member is `Send` and `Sync`.
///
/// The compiler would derive both on its own, but the types refer to each
/// other in long cycles (`Vm` → `Host` → `Cluster` → `DataCenter` → …), and
/// deriving walks every path through them: in a user's crate with the
/// default `recursion_limit` that overflows (E0275) as soon as a value is
/// held across an `.await` in a spawned task. A stated impl is found in one
/// step. It cannot be wrong: the closure below only compiles when each
/// member's type is `Send + Sync`, and for members of generated types that
/// check stops at their own stated impls.
fn thread_safety(st: &StructType) -> TokenStream {
    let name = format_ident!("{}", st.rust_name);
    let fields: Vec<_> =
        std::iter::once(format_ident!("href")).chain(st.members.iter().map(|m| ident(&m.rust))).collect();
    quote! {
        /// Safety: every member is `Send` and `Sync`, as the constant below proves
        /// at compile time. Stated rather than derived so that proving it takes one
        /// step instead of a walk through every type this one refers to.
        #[allow(unsafe_code)]
        unsafe impl Send for #name {}

        /// Safety: every member is `Send` and `Sync` (see the `Send` impl).
        #[allow(unsafe_code)]
        unsafe impl Sync for #name {}

        // The pattern names every member (a missing one does not compile).
        const _: fn(&#name) = |#name { #(#fields),* }| {
            #(require_send_sync(#fields);)*
        };
    }
}

fn field_type(cx: &Context<'_>, m: &Member) -> TokenStream {
    let item = super::accessors::item_type(cx, m.ty);
    match (m.list, m.ty) {
        (true, _) => quote! { List<#item> },
        (false, TypeRef::Struct(_)) => quote! { Box<#item> },
        (false, _) => item,
    }
}

fn struct_doc(cx: &Context<'_>, index: usize) -> String {
    let api = cx.api;
    let st = &api.structs[index];
    let mut text = match &st.doc {
        Some(d) => d.trim().to_owned(),
        None => format!("The {} type of the API.", words(&crate::names::camel_to_snake(&st.name))),
    };
    let xml_names = st.xml_names(&api.naming);
    text.push_str(&format!(
        "\n\nOn the wire: the element `<{}>`; a collection of them is `<{}>`.",
        xml_names.element, xml_names.plural
    ));
    if let Some(b) = st.base {
        let chain: Vec<String> = st.ancestors.iter().map(|&a| link(&api.structs[a].rust_name)).collect();
        text.push_str(&format!(
            "\nIt has every member of {}{}, followed by its own.",
            link(&api.structs[b].rust_name),
            if chain.len() > 1 { format!(" (and so of {})", chain[1..].join(", ")) } else { String::new() }
        ));
    }
    let returned = &cx.returned_by[index];
    if !returned.is_empty() {
        let shown: Vec<String> = returned.iter().take(MAX_RETURNED_BY).map(|r| format!("`{r}`")).collect();
        let more = returned.len().saturating_sub(MAX_RETURNED_BY);
        text.push_str(&format!(
            "\n\nReturned by {}{}.",
            shown.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        ));
    }
    if st.has_id() || st.has_name() {
        let mut ctors = Vec::new();
        if st.has_id() {
            ctors.push(format!("[`{0}::with_id`]", st.rust_name));
        }
        if st.has_name() {
            ctors.push(format!("[`{0}::named`]", st.rust_name));
        }
        text.push_str(&format!(
            "\n\nBuild one with a struct literal and `..Default::default()`, or refer to an existing object with {}.",
            ctors.join(" or ")
        ));
    }
    text
}

fn member_doc(cx: &Context<'_>, index: usize, m: &Member) -> String {
    let api = cx.api;
    let mut text = match &m.doc {
        Some(d) => format!("{}\n\n", d.trim()),
        None => String::new(),
    };
    let what = match (m.ty, m.list) {
        (TypeRef::Struct(i), false) => {
            format!("{} {} object", article(&api.structs[i].rust_name), link(&api.structs[i].rust_name))
        }
        (TypeRef::Struct(i), true) => format!("a list of {} objects", link(&api.structs[i].rust_name)),
        (TypeRef::Enum(i), false) => {
            format!("{} {} value", article(&api.enums[i].rust_name), link(&api.enums[i].rust_name))
        }
        (TypeRef::Enum(i), true) => format!("a list of {} values", link(&api.enums[i].rust_name)),
        (TypeRef::Primitive(p), list) => {
            let (one, many) = match p {
                Primitive::String | Primitive::Json => ("text", "strings"),
                Primitive::Boolean => ("a boolean", "booleans"),
                Primitive::Integer => ("an integer", "integers"),
                Primitive::Decimal => ("a decimal number", "decimal numbers"),
                Primitive::Date => ("a date and time", "dates and times"),
            };
            if list { format!("a list of {many}") } else { one.to_owned() }
        }
    };
    let xml = m.xml_facts();
    let wire = if xml.attribute {
        format!("the XML attribute `{}`", m.wire)
    } else if let Some(item) = &xml.item {
        format!("the element `<{}>` holding `<{item}>` items", m.wire)
    } else {
        format!("the element `<{}>`", m.wire)
    };
    match (m.kind, &xml.rel) {
        (MemberKind::Link, Some(rel)) => text.push_str(&format!(
            "Link to {what}. The server sends `<link rel=\"{rel}\" href=\"…\"/>`, kept as an empty list that remembers its `href`; the items come with {wire} when the link is followed."
        )),
        (MemberKind::Link, None) => text.push_str(&format!(
            "Link to {what}, sent as {wire}; usually only its `id` and `href` are set unless the link is followed."
        )),
        (MemberKind::Attribute | MemberKind::Alternative, _) => text.push_str(&format!("{}, sent as {wire}.", capitalise(&what))),
    }
    if let Some(xsd) = &xml.xsd {
        if xsd.starts_with("xs:") {
            text.push_str(&format!(" Schema type `{xsd}`."));
        }
    }
    if m.secret {
        text.push_str(" Secret: never shown by `Debug`.");
    }
    if m.declared_in != index {
        text.push_str(&format!(" Declared by {}.", link(&api.structs[m.declared_in].rust_name)));
    }
    text
}

/// A documentation link to a sibling type that works without an import.
fn link(rust_name: &str) -> String {
    format!("[`{rust_name}`](super::{rust_name})")
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
