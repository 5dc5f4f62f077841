//! The struct types of a JSON API: plain structs that `serde` reads and
//! writes, every member optional, unknown members ignored.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{Context, deprecated, doc};
use crate::ir::CHOICE_CATCH_ALL;
use crate::ir::{Member, Primitive, Shape, StructType, TypeRef};
use crate::names::{self, camel_to_snake, ident, rust_getter, words};

/// The Rust type of one item of a member or parameter, as seen from the
/// crate's `types` module (`Vm`, `String`, `serde_json::Value`).
pub(crate) fn item_type(cx: &Context<'_>, ty: TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Primitive(Primitive::String | Primitive::Date) => quote! { String },
        TypeRef::Primitive(Primitive::Boolean) => quote! { bool },
        TypeRef::Primitive(Primitive::Integer) => quote! { i64 },
        TypeRef::Primitive(Primitive::Decimal) => quote! { f64 },
        TypeRef::Primitive(Primitive::Json) => quote! { serde_json::Value },
        TypeRef::Enum(i) => {
            let n = format_ident!("{}", cx.api.enums[i].rust_name);
            quote! { #prefix #n }
        }
        TypeRef::Struct(i) => {
            let n = format_ident!("{}", cx.api.structs[i].rust_name);
            quote! { #prefix #n }
        }
    }
}

/// `item` as the Rust type of a value of `shape` (`Vm`, `Vec<Vm>`,
/// `BTreeMap<String, Vm>`).
pub(crate) fn shaped(item: TokenStream, shape: Shape) -> TokenStream {
    match shape {
        Shape::One => item,
        Shape::List => quote! { Vec<#item> },
        Shape::Map => quote! { std::collections::BTreeMap<String, #item> },
    }
}

/// Words for a type in documentation (`text`, `a list, each item [`Vm`]`).
pub(crate) fn type_words(cx: &Context<'_>, ty: TypeRef, shape: Shape) -> String {
    let one = match ty {
        TypeRef::Primitive(Primitive::String) => "text".to_owned(),
        TypeRef::Primitive(Primitive::Date) => "a date and time as ISO 8601 text".to_owned(),
        TypeRef::Primitive(Primitive::Boolean) => "a boolean".to_owned(),
        TypeRef::Primitive(Primitive::Integer) => "an integer".to_owned(),
        TypeRef::Primitive(Primitive::Decimal) => "a number".to_owned(),
        TypeRef::Primitive(Primitive::Json) => "any JSON value".to_owned(),
        TypeRef::Enum(i) => format!("[`{0}`](crate::types::{0})", cx.api.enums[i].rust_name),
        TypeRef::Struct(i) => format!("[`{0}`](crate::types::{0})", cx.api.structs[i].rust_name),
    };
    match shape {
        Shape::One => one,
        Shape::List => format!("a list, each item {one}"),
        Shape::Map => format!("an object whose members, under any names, are each {one}"),
    }
}

/// One struct file.
pub(crate) fn emit_struct(cx: &Context<'_>, index: usize) -> TokenStream {
    let st = &cx.api.structs[index];
    if st.choice {
        return emit_choice(cx, index);
    }
    let name = format_ident!("{}", st.rust_name);
    let mut text = match &st.doc {
        Some(d) => d.trim().to_owned(),
        None => format!("The {} type of the API.", words(&camel_to_snake(&st.name))),
    };
    text.push_str(
        "\n\nEvery member is optional: `None` when the server did not send it (or sent `null`). \
         Members the server sends that this version does not know are ignored.",
    );
    if !cx.returned_by[index].is_empty() {
        let list: Vec<String> = cx.returned_by[index].iter().map(|m| format!("`{m}`")).collect();
        text.push_str(&format!("\n\nReturned by {}.", list.join(", ")));
    }
    let struct_doc = doc(&text);
    let dep = deprecated(st.deprecated);
    let fields = st.members.iter().map(|m| field(cx, m));
    let getters = st.members.iter().map(|m| getter(cx, m));
    let secret = st.members.iter().any(|m| m.secret);
    let derive_debug = if secret {
        TokenStream::new()
    } else {
        quote! { Debug, }
    };
    let debug_impl = if secret { redacting_debug(st) } else { TokenStream::new() };
    let allow = if st.deprecated || st.members.iter().any(|m| m.deprecated) {
        quote! { #![allow(deprecated)] }
    } else {
        TokenStream::new()
    };
    quote! {
        #allow
        #[allow(unused_imports)]
        use super::*;

        #struct_doc
        #dep
        #[derive(Clone, #derive_debug Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #(#getters)*
        }

        #debug_impl
    }
}

/// A choice (`one_of:`): an enum with one variant per alternative, read as
/// the first alternative the value fits, and a last variant that keeps a
/// value of none of them, so that a newer server's shape is never fatal.
fn emit_choice(cx: &Context<'_>, index: usize) -> TokenStream {
    let st = &cx.api.structs[index];
    let name = format_ident!("{}", st.rust_name);
    let other = format_ident!("{CHOICE_CATCH_ALL}");
    let mut text = st.doc.as_deref().map(str::trim).unwrap_or("One of several shapes of a value.").to_owned();
    text.push_str(&format!(
        "\n\nThe value is read as the first alternative it fits, in the order below; one that fits none \
         is kept in [`{}::{CHOICE_CATCH_ALL}`] as it came.",
        st.rust_name
    ));
    if !cx.returned_by[index].is_empty() {
        let list: Vec<String> = cx.returned_by[index].iter().map(|m| format!("`{m}`")).collect();
        text.push_str(&format!("\n\nReturned by {}.", list.join(", ")));
    }
    let choice_doc = doc(&text);
    let dep = deprecated(st.deprecated);
    let variants = st.members.iter().map(|m| {
        let variant = format_ident!("{}", names::upper_camel(&m.name));
        let ty = alternative_type(cx, m);
        let summary = m.doc.as_deref().map(str::trim).unwrap_or("One alternative.");
        let d = doc(&format!("{summary}\n\nJSON: {}.", type_words(cx, m.ty, m.shape())));
        let dep = deprecated(m.deprecated);
        quote! { #d #dep #variant(#ty), }
    });
    let getters = st.members.iter().map(|m| {
        let variant = format_ident!("{}", names::upper_camel(&m.name));
        let method = ident(&rust_getter(&m.name));
        let ty = alternative_type(cx, m);
        let first = m.doc.as_deref().map(first_sentence).unwrap_or_else(|| format!("The `{}` alternative.", m.name));
        let d = doc(&format!("{first} `None` when the value is another alternative."));
        let text = m.shape() == Shape::One && matches!(m.ty, TypeRef::Primitive(Primitive::String | Primitive::Date));
        let (ret, value) =
            if text { (quote! { &str }, quote! { value.as_str() }) } else { (quote! { &#ty }, quote! { value }) };
        quote! {
            #d
            pub fn #method(&self) -> Option<#ret> {
                match self {
                    Self::#variant(value) => Some(#value),
                    _ => None,
                }
            }
        }
    });
    quote! {
        #[allow(unused_imports)]
        use super::*;

        #choice_doc
        #dep
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
            /// A value that fits none of the alternatives above, as it came (sent by a newer server).
            #other(serde_json::Value),
        }

        impl #name {
            #(#getters)*
        }
    }
}

/// The Rust type an alternative holds (`String`, `TaskResult`, `Vec<Vm>`).
fn alternative_type(cx: &Context<'_>, m: &Member) -> TokenStream {
    shaped(item_type(cx, m.ty, &TokenStream::new()), m.shape())
}

/// The field of a member: optional, left out of what is written when unset,
/// renamed when its wire name is not its Rust name.
fn field(cx: &Context<'_>, m: &Member) -> TokenStream {
    let ident = ident(&m.rust);
    let item = item_type(cx, m.ty, &TokenStream::new());
    let ty = match (m.shape(), m.ty) {
        (Shape::One, TypeRef::Struct(_)) => quote! { Option<Box<#item>> },
        (shape, _) => {
            let ty = shaped(item, shape);
            quote! { Option<#ty> }
        }
    };
    let summary = m.doc.as_deref().map(str::trim).unwrap_or("A member of the object.");
    let d = doc(&format!("{summary}\n\nJSON member `{}`: {}.", m.wire, type_words(cx, m.ty, m.shape())));
    let dep = deprecated(m.deprecated);
    let rename = if m.wire != m.rust.trim_start_matches("r#") {
        let wire = &m.wire;
        quote! { #[serde(rename = #wire)] }
    } else {
        TokenStream::new()
    };
    quote! {
        #d
        #dep
        #rename
        #[serde(skip_serializing_if = "Option::is_none")]
        pub #ident: #ty,
    }
}

/// `vm.hostname()`: text as `Option<&str>`, copies of numbers, booleans and
/// enums, references to objects, lists as slices.
fn getter(cx: &Context<'_>, m: &Member) -> TokenStream {
    let field = ident(&m.rust);
    let method = ident(&rust_getter(&m.name));
    let item = item_type(cx, m.ty, &TokenStream::new());
    let (ret, body, unset) = if m.shape() == Shape::List {
        (quote! { &[#item] }, quote! { self.#field.as_deref().unwrap_or(&[]) }, "Empty when not set.")
    } else if m.shape() == Shape::Map {
        let map = shaped(item, Shape::Map);
        (quote! { Option<&#map> }, quote! { self.#field.as_ref() }, "`None` when not set.")
    } else {
        let (ret, body) = match m.ty {
            TypeRef::Primitive(Primitive::String | Primitive::Date) => {
                (quote! { Option<&str> }, quote! { self.#field.as_deref() })
            }
            TypeRef::Primitive(Primitive::Boolean | Primitive::Integer | Primitive::Decimal) => {
                (quote! { Option<#item> }, quote! { self.#field })
            }
            TypeRef::Primitive(Primitive::Json) => (quote! { Option<&#item> }, quote! { self.#field.as_ref() }),
            TypeRef::Enum(_) => (quote! { Option<#item> }, quote! { self.#field.clone() }),
            TypeRef::Struct(_) => (quote! { Option<&#item> }, quote! { self.#field.as_deref() }),
        };
        (ret, body, "`None` when not set.")
    };
    let first = m.doc.as_deref().map(first_sentence).unwrap_or_else(|| format!("The `{}` member.", m.name));
    let d = doc(&format!("{first} {unset}"));
    let dep = deprecated(m.deprecated);
    quote! {
        #d
        #dep
        pub fn #method(&self) -> #ret {
            #body
        }
    }
}

/// The first sentence of a doc text (up to the first `. ` or line end).
fn first_sentence(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or_default();
    match line.find(". ") {
        Some(end) => line[..=end].to_owned(),
        None => line.to_owned(),
    }
}

/// A `Debug` that shows `<redacted>` for secret members.
fn redacting_debug(st: &StructType) -> TokenStream {
    let name = format_ident!("{}", st.rust_name);
    let label = &st.rust_name;
    let entries = st.members.iter().map(|m| {
        let field = ident(&m.rust);
        let label = m.rust.trim_start_matches("r#");
        if m.secret {
            quote! { .field(#label, &self.#field.as_ref().map(|_| "<redacted>")) }
        } else {
            quote! { .field(#label, &self.#field) }
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}
