//! XML readers and writers: one `XmlType` impl per struct, and the generic
//! document entry point.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Context, inner_doc};
use crate::ir::{Member, MemberKind, Primitive, TypeRef};
use crate::names::ident;

fn bytes(s: &str) -> Literal {
    Literal::byte_string(s.as_bytes())
}

/// The `impl XmlType` of one struct.
pub(crate) fn emit_struct_xml(cx: &Context<'_>, index: usize) -> TokenStream {
    let api = cx.api;
    let st = &api.structs[index];
    let name = format_ident!("{}", st.rust_name);
    let xml_names = st.xml_names(&api.naming);
    let (tag, plural) = (&xml_names.element, &xml_names.plural);

    let mut uses = std::collections::BTreeSet::new();
    uses.insert(st.rust_name.clone());
    let mut needs_link_list = false;

    // Attributes (`href` is implicit on every struct).
    let mut read_attrs = vec![quote! { if let Some(v) = r.attr("href")? { self.href = Some(v); } }];
    let mut write_attrs = vec![quote! { if let Some(v) = &self.href { w.attr("href", v); } }];
    for m in st.members.iter().filter(|m| m.xml_facts().attribute) {
        let field = ident(&m.rust);
        let xml = &m.wire;
        let getter = match m.ty {
            TypeRef::Primitive(Primitive::String | Primitive::Json) => quote! { r.attr(#xml)? },
            TypeRef::Primitive(Primitive::Boolean) => quote! { r.attr_bool(#xml)? },
            TypeRef::Primitive(Primitive::Integer) => quote! { r.attr_i64(#xml)? },
            TypeRef::Primitive(Primitive::Decimal) => quote! { r.attr_decimal(#xml)? },
            TypeRef::Primitive(Primitive::Date) => quote! { r.attr_date(#xml)? },
            TypeRef::Enum(e) => {
                let en = format_ident!("{}", api.enums[e].rust_name);
                uses.insert(api.enums[e].rust_name.clone());
                quote! { r.attr_enum(#xml, #en::from_wire)? }
            }
            TypeRef::Struct(_) => unreachable!("the checker rejects struct-typed XML attributes"),
        };
        read_attrs.push(quote! { if let Some(v) = #getter { self.#field = Some(v); } });
        let text = match m.ty {
            TypeRef::Primitive(Primitive::String) => quote! { v },
            TypeRef::Enum(_) => quote! { v.as_str() },
            _ => quote! { &v.to_string() },
        };
        write_attrs.push(quote! { if let Some(v) = &self.#field { w.attr(#xml, #text); } });
    }

    // Child elements.
    let mut arms = Vec::new();
    let mut link_arms = Vec::new();
    let mut writes = Vec::new();
    for m in st.members.iter().filter(|m| !m.xml_facts().attribute) {
        let field = ident(&m.rust);
        let xml = bytes(&m.wire);
        if let TypeRef::Enum(e) = m.ty {
            uses.insert(api.enums[e].rust_name.clone());
        }
        let (read, write) = member_code(cx, m);
        arms.push(quote! { #xml => #read, });
        writes.push(quote! { if let Some(v) = &self.#field { #write } });
        if let (MemberKind::Link, Some(rel)) = (m.kind, &m.xml_facts().rel) {
            needs_link_list = true;
            link_arms.push((rel.clone(), quote! { link_list(&mut self.#field, href) }));
        }
    }
    let link_arm = match link_arms.as_slice() {
        [] => TokenStream::new(),
        [(rel, set)] => quote! {
            b"link" => {
                if let Some((rel, href)) = r.read_link()? {
                    if rel.as_bytes() == #rel.as_bytes() {
                        #set;
                    }
                }
            }
        },
        many => {
            let arms = many.iter().map(|(rel, set)| {
                let rel = bytes(rel);
                quote! { #rel => #set, }
            });
            quote! {
                b"link" => {
                    if let Some((rel, href)) = r.read_link()? {
                        match rel.as_bytes() {
                            #(#arms)*
                            _ => {}
                        }
                    }
                }
            }
        }
    };
    let names = uses.iter().map(|n| format_ident!("{n}"));
    let link_use = if needs_link_list {
        quote! { link_list, }
    } else {
        TokenStream::new()
    };
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
    let loop_body = if arms.is_empty() && link_arms.is_empty() {
        quote! { while r.next_child()?.is_some() { r.skip()?; } }
    } else {
        quote! {
            while let Some(tag) = r.next_child()? {
                match tag.as_bytes() {
                    #(#arms)*
                    #link_arm
                    _ => r.skip()?,
                }
            }
        }
    };

    quote! {
        #allow
        use crate::types::{ #(#names),* };
        use sdkgen_runtime::xml::{ #link_use XmlError, XmlReader, XmlType, XmlWriter };

        impl XmlType for #name {
            const TAG: &'static str = #tag;
            const PLURAL: &'static str = #plural;

            fn read_into(&mut self, r: &mut XmlReader<'_>) -> Result<(), XmlError> {
                #(#read_attrs)*
                #loop_body
                Ok(())
            }

            fn write(&self, w: &mut XmlWriter, tag: &str) {
                w.start(tag);
                #(#write_attrs)*
                #(#writes)*
                w.end(tag);
            }
        }
    }
}

/// How one child-element member is read (an expression of type `()`) and
/// written (a statement using `v`, a reference to the set value).
fn member_code(cx: &Context<'_>, m: &Member) -> (TokenStream, TokenStream) {
    let field = ident(&m.rust);
    let xml = &m.wire;
    let api = cx.api;
    let scalar_read = |ty: TypeRef| -> TokenStream {
        match ty {
            TypeRef::Primitive(Primitive::String | Primitive::Json) => quote! { r.read_string() },
            TypeRef::Primitive(Primitive::Boolean) => quote! { r.read_bool() },
            TypeRef::Primitive(Primitive::Integer) => quote! { r.read_i64() },
            TypeRef::Primitive(Primitive::Decimal) => quote! { r.read_decimal() },
            TypeRef::Primitive(Primitive::Date) => quote! { r.read_date() },
            TypeRef::Enum(e) => {
                let en = format_ident!("{}", api.enums[e].rust_name);
                quote! { r.read_enum(#en::from_wire) }
            }
            TypeRef::Struct(_) => unreachable!("structs are read by their own reader"),
        }
    };
    let scalar_write = |ty: TypeRef, tag: &str, value: TokenStream| -> TokenStream {
        match ty {
            TypeRef::Primitive(Primitive::String | Primitive::Json) => quote! { w.text(#tag, #value); },
            TypeRef::Primitive(Primitive::Boolean) => quote! { w.bool(#tag, *#value); },
            TypeRef::Primitive(Primitive::Integer) => quote! { w.i64(#tag, *#value); },
            TypeRef::Primitive(Primitive::Decimal) => quote! { w.decimal(#tag, #value); },
            TypeRef::Primitive(Primitive::Date) => quote! { w.date(#tag, #value); },
            TypeRef::Enum(_) => quote! { w.text(#tag, #value.as_str()); },
            TypeRef::Struct(_) => unreachable!("structs are written by their own writer"),
        }
    };
    match (m.ty, m.list) {
        (TypeRef::Struct(_), false) => (quote! { self.#field = Some(r.read_struct()?) }, quote! { v.write(w, #xml); }),
        (TypeRef::Struct(i), true) => {
            let item = m
                .xml_facts()
                .item
                .clone()
                .unwrap_or_else(|| api.structs[i].xml_names(&api.naming).into_owned().element);
            (quote! { r.read_struct_list(&mut self.#field)? }, list_write(xml, quote! { item.write(w, #item); }))
        }
        (ty, false) => {
            let read = scalar_read(ty);
            (quote! { self.#field = #read? }, scalar_write(ty, xml, quote! { v }))
        }
        (ty, true) => {
            let item = m.xml_facts().item.clone().unwrap_or_default();
            let read = scalar_read(ty);
            let write_item = scalar_write(ty, &item, quote! { item });
            (quote! { r.read_value_list(#item, &mut self.#field, |r| #read)? }, list_write(xml, write_item))
        }
    }
}

/// Writes the list member `v` as the element `tag`, each item with
/// `write_item` (a statement using `w` and `item`).
fn list_write(tag: &str, write_item: TokenStream) -> TokenStream {
    quote! { w.list(#tag, v, |w, item| { #write_item }); }
}

/// `src/xml/mod.rs`: the modules, the `Document` enum and its reader.
pub(crate) fn emit_xml_mod(cx: &Context<'_>) -> TokenStream {
    let api = cx.api;
    let modules = api.structs.iter().map(|s| format_ident!("{}", s.module));
    let mut variants = Vec::new();
    let mut read_arms = Vec::new();
    let mut write_arms = Vec::new();
    let mut tag_arms = Vec::new();
    let mut any_deprecated = false;
    for s in &api.structs {
        let ty = format_ident!("{}", s.rust_name);
        let one = format_ident!("{}", s.rust_name);
        let many = format_ident!("{}List", s.rust_name);
        let xml_names = s.xml_names(&api.naming);
        let (tag, plural) = (&xml_names.element, &xml_names.plural);
        let (tag_b, plural_b) = (bytes(tag), bytes(plural));
        let dep = if s.deprecated {
            any_deprecated = true;
            quote! { #[deprecated] }
        } else {
            TokenStream::new()
        };
        let doc_one = format!(" A `<{tag}>` document.");
        let doc_many = format!(" A `<{plural}>` document.");
        variants.push(quote! {
            #[doc = #doc_one] #dep #one(Box<#ty>),
            #[doc = #doc_many] #dep #many(List<#ty>),
        });
        read_arms.push(quote! {
            #tag_b => Document::#one(r.read_struct()?),
            #plural_b => Document::#many(read_list_element(&mut r)?),
        });
        let write_many = list_write(plural, quote! { item.write(w, #tag); });
        write_arms.push(quote! {
            Document::#one(v) => v.write(w, #tag),
            Document::#many(v) => { #write_many }
        });
        tag_arms.push(quote! {
            Document::#one(_) => #tag,
            Document::#many(_) => #plural,
        });
    }
    let allow = if any_deprecated {
        quote! { #![allow(deprecated)] }
    } else {
        TokenStream::new()
    };
    let module_doc = inner_doc(&format!(
        "Reading and writing the XML documents of the {} API.\n\n\
         Every struct type implements [`XmlType`], so [`from_xml`], [`to_xml`], [`list_from_xml`], \
         [`list_to_xml`] and [`ListStream`] work with any of them. [`read_document`] reads a document \
         of any type, chosen by its root element.",
        api.name
    ));
    let unknown = format!(
        "<{{}}> is not a document of the {} API (an HTML page usually comes from a proxy or a wrong URL)",
        api.name
    );
    quote! {
        #module_doc
        #allow

        #(mod #modules;)*

        use crate::types::*;
        use sdkgen_runtime::List;
        use sdkgen_runtime::xml::read_list_element;
        pub use sdkgen_runtime::xml::{
            from_xml, list_from_xml, list_to_xml, to_xml, ListStream, XmlError, XmlErrorKind, XmlLimits, XmlReader, XmlType,
            XmlWriter,
        };

        /// A document of any type of the API, as [`read_document`] returns it.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum Document {
            #(#variants)*
        }

        impl Document {
            /// The root element name of the document.
            pub fn tag(&self) -> &'static str {
                match self {
                    #(#tag_arms)*
                }
            }

            /// The document as XML.
            pub fn to_xml(&self) -> Result<String, XmlError> {
                let mut w = XmlWriter::with_capacity(1024);
                self.write_into(&mut w);
                w.finish()
            }

            /// Writes the document as an element of a larger document.
            pub fn write_into(&self, w: &mut XmlWriter) {
                match self {
                    #(#write_arms)*
                }
            }
        }

        /// Writes documents of any types inside one root element, as in
        /// `<list><vm/><disk/></list>`.
        pub fn documents_to_xml(items: &[Document], root: &str) -> Result<String, XmlError> {
            let mut w = XmlWriter::with_capacity(1024 * (items.len() + 1));
            w.start(root);
            for item in items {
                item.write_into(&mut w);
            }
            w.end(root);
            w.finish()
        }

        /// Reads a document of any type of the API, chosen by its root element
        /// (one object, such as `<vm>`, or a collection, such as `<vms>`).
        /// An empty document (nothing but white space) is `None`.
        pub fn read_document(bytes: &[u8]) -> Result<Option<Document>, XmlError> {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(None);
            }
            let mut r = XmlReader::from_slice(bytes);
            let tag = r.root()?;
            let document = match tag.as_bytes() {
                #(#read_arms)*
                _ => return Err(r.error(XmlErrorKind::UnexpectedRoot, format!(#unknown, tag.as_str()))),
            };
            r.finish()?;
            Ok(Some(document))
        }
    }
}
