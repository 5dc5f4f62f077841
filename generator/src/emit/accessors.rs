//! What every struct type gets besides its fields: a getter per member,
//! the [`Identity`](sdkgen_runtime::Identity) impl, and a builder
//! (`Vm::builder().name("web").cluster(Cluster::named("prod"))`).
//!
//! Getters are plain functions; builder setters are generic over the
//! argument (`impl Optional<String>`), which costs nothing until a program
//! calls them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Context, deprecated, doc};
use crate::ir::{Member, Primitive, StructType, TypeRef};
use crate::names::{ident, rust_builder_setter, rust_getter, words};

pub(crate) fn emit_accessors(cx: &Context<'_>, index: usize) -> TokenStream {
    let st = &cx.api.structs[index];
    let name = format_ident!("{}", st.rust_name);
    let getters = st.members.iter().map(|m| getter(cx, st, m));
    let identity = identity(st);
    let builder = builder(cx, st);
    quote! {
        impl #name {
            /// The URL path of the object on the server (`None` for an object that
            /// was not read from the server).
            pub fn href(&self) -> Option<&str> {
                self.href.as_deref()
            }

            #(#getters)*
        }

        #identity

        #builder
    }
}

/// The first sentence of a member's documentation, or words from its name.
fn summary(st: &StructType, m: &Member) -> String {
    match m.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => {
            let first = d.split("\n\n").next().unwrap_or(d).replace('\n', " ");
            match first.find(". ") {
                Some(end) => first[..=end].to_owned(),
                None => first,
            }
        }
        None => {
            format!("The {} of the {}.", words(&m.name), words(&crate::names::camel_to_snake(&st.name)).to_lowercase())
        }
    }
}

fn getter(cx: &Context<'_>, st: &StructType, m: &Member) -> TokenStream {
    let field = ident(&m.rust);
    let method = ident(&rust_getter(&m.name));
    let item = item_type(cx, m.ty);
    let (ret, body, when_unset) = if m.list {
        (quote! { &[#item] }, quote! { self.#field.as_deref().map_or(&[], Vec::as_slice) }, "Empty when not set.")
    } else {
        let (ret, body) = match m.ty {
            TypeRef::Primitive(Primitive::String | Primitive::Json) => {
                (quote! { Option<&str> }, quote! { self.#field.as_deref() })
            }
            TypeRef::Primitive(Primitive::Boolean | Primitive::Integer) => {
                (quote! { Option<#item> }, quote! { self.#field })
            }
            TypeRef::Primitive(Primitive::Decimal | Primitive::Date) => {
                (quote! { Option<&#item> }, quote! { self.#field.as_ref() })
            }
            TypeRef::Enum(_) => (quote! { Option<#item> }, quote! { self.#field.clone() }),
            TypeRef::Struct(_) => (quote! { Option<&#item> }, quote! { self.#field.as_deref() }),
        };
        (ret, body, "`None` when not set.")
    };
    let d = doc(&format!("{} {when_unset}", summary(st, m)));
    let dep = deprecated(m.deprecated);
    quote! {
        #d
        #dep
        pub fn #method(&self) -> #ret {
            #body
        }
    }
}

/// The Rust type of one item of a member (the member itself when it is not a list).
pub(crate) fn item_type(cx: &Context<'_>, ty: TypeRef) -> TokenStream {
    match ty {
        TypeRef::Primitive(Primitive::String | Primitive::Json) => quote! { String },
        TypeRef::Primitive(Primitive::Boolean) => quote! { bool },
        TypeRef::Primitive(Primitive::Integer) => quote! { i64 },
        TypeRef::Primitive(Primitive::Decimal) => quote! { Decimal },
        TypeRef::Primitive(Primitive::Date) => quote! { DateTime },
        TypeRef::Enum(i) => {
            let n = format_ident!("{}", cx.api.enums[i].rust_name);
            quote! { #n }
        }
        TypeRef::Struct(i) => {
            let n = format_ident!("{}", cx.api.structs[i].rust_name);
            quote! { #n }
        }
    }
}

fn identity(st: &StructType) -> TokenStream {
    let name = format_ident!("{}", st.rust_name);
    let id = if st.has_id() {
        quote! { self.id.as_deref() }
    } else {
        quote! { None }
    };
    let name_method = st.has_name().then(|| {
        quote! {
            fn name(&self) -> Option<&str> {
                self.name.as_deref()
            }
        }
    });
    quote! {
        impl Identity for #name {
            fn id(&self) -> Option<&str> {
                #id
            }

            #name_method

            fn href(&self) -> Option<&str> {
                self.href.as_deref()
            }
        }
    }
}

fn builder(cx: &Context<'_>, st: &StructType) -> TokenStream {
    let name = format_ident!("{}", st.rust_name);
    let builder = format_ident!("{}Builder", st.rust_name);
    let setters = st.members.iter().map(|m| setter(cx, m));
    let type_doc = doc(&format!(
        "Builds a [`{0}`] member by member, each setter taking the value or an `Option` of it; \
         pass the builder wherever a `{0}` is expected (it converts), or call [`build`]({1}::build).",
        st.rust_name, builder
    ));
    let ctor_doc = doc(&format!("A builder of a `{}` with every member unset.", st.rust_name));
    let dep = deprecated(st.deprecated);
    quote! {
        impl #name {
            #ctor_doc
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #type_doc
        #dep
        #[derive(Clone, Debug, Default, PartialEq)]
        #[must_use = "a builder does nothing until it is built"]
        pub struct #builder(#name);

        // Setters are named after the members (`is_default`, `from_checkpoint_id`).
        #[allow(clippy::wrong_self_convention)]
        impl #builder {
            #(#setters)*

            /// The value built.
            pub fn build(self) -> #name {
                self.0
            }
        }

        impl From<#builder> for #name {
            fn from(builder: #builder) -> #name {
                builder.0
            }
        }

        impl Optional<#name> for #builder {
            fn into_option(self) -> Option<#name> {
                Some(self.0)
            }
        }
    }
}

fn setter(cx: &Context<'_>, m: &Member) -> TokenStream {
    let field = ident(&m.rust);
    let method = ident(&rust_builder_setter(&m.name));
    let item = item_type(cx, m.ty);
    let dep = deprecated(m.deprecated);
    let d = doc(&format!("Sets `{}`.", m.rust.trim_start_matches("r#")));
    if m.list {
        return quote! {
            #d
            #dep
            pub fn #method<I>(mut self, items: I) -> Self
            where
                I: IntoIterator,
                I::Item: Into<#item>,
            {
                self.0.#field = Some(items.into_iter().map(Into::into).collect());
                self
            }
        };
    }
    let value = match m.ty {
        TypeRef::Struct(_) => quote! { value.into_option().map(Box::new) },
        _ => quote! { value.into_option() },
    };
    quote! {
        #d
        #dep
        pub fn #method(mut self, value: impl Optional<#item>) -> Self {
            self.0.#field = #value;
            self
        }
    }
}
