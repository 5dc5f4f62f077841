//! One open Rust enum per model enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Context, deprecated, doc};
use crate::ir::CATCH_ALL_VARIANT;
use crate::model::WireFormat;
use crate::names::{camel_to_snake, words};

pub(crate) fn emit_enum(cx: &Context<'_>, index: usize) -> TokenStream {
    let en = &cx.api.enums[index];
    let name = format_ident!("{}", en.rust_name);
    let other = format_ident!("{CATCH_ALL_VARIANT}");
    let mut text = match &en.doc {
        Some(d) => d.trim().to_owned(),
        None => format!("The values of the {} enumeration.", words(&camel_to_snake(&en.name))),
    };
    let json = cx.api.format == WireFormat::Json;
    let wire_form = if json { "its text, a JSON string" } else { "its lower-case text" };
    text.push_str(&format!(
        "\n\nOn the wire each value is {wire_form}. A value this version of the SDK does not know \
         (sent by a newer server) is kept in [`{0}::{CATCH_ALL_VARIANT}`] and written back unchanged.",
        en.rust_name
    ));
    let enum_doc = doc(&text);
    let enum_deprecated = deprecated(en.deprecated);
    let variants = en.values.iter().map(|v| {
        let ident = format_ident!("{}", v.rust);
        let d = match &v.doc {
            Some(d) => doc(&format!("{}\n\nWire value `{}`.", d.trim(), v.wire)),
            None => doc(&format!("Wire value `{}`.", v.wire)),
        };
        let dep = deprecated(v.deprecated);
        quote! { #d #dep #ident, }
    });
    let idents: Vec<_> = en.values.iter().map(|v| format_ident!("{}", v.rust)).collect();
    let wires: Vec<&str> = en.values.iter().map(|v| v.wire.as_str()).collect();
    // The file itself must name deprecated items; users still get the warning.
    let allow = if en.deprecated || en.values.iter().any(|v| v.deprecated) {
        quote! { #![allow(deprecated)] }
    } else {
        TokenStream::new()
    };
    let other_doc = doc(&format!(
        "A value the model does not know, exactly as received (see the type's documentation).\n\nNever build this variant for a value listed above: [`{}::from_wire`] returns the named variant for it.",
        en.rust_name
    ));

    let from_wire_doc = doc(&format!(
        "The value for a wire text. An exact match wins; otherwise case is ignored (the server \
         writes lower case); anything else is kept as [`{}::{CATCH_ALL_VARIANT}`].",
        en.rust_name
    ));

    let serde = if json { serde_impls(&name) } else { TokenStream::new() };
    quote! {
        #allow
        #enum_doc
        #enum_deprecated
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #other_doc
            #other(String),
        }

        impl #name {
            /// Every value the model knows, in model order.
            pub const VALUES: &'static [#name] = &[ #(#name::#idents),* ];

            /// The wire text of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #name::#idents => #wires, )*
                    #name::#other(raw) => raw,
                }
            }

            #from_wire_doc
            pub fn from_wire(text: &str) -> Self {
                match text {
                    #( #wires => #name::#idents, )*
                    _ => match Self::VALUES.iter().find(|v| v.as_str().eq_ignore_ascii_case(text)) {
                        Some(known) => known.clone(),
                        None => #name::#other(text.to_owned()),
                    },
                }
            }

            /// True for a value the model does not know.
            pub fn is_unrecognized(&self) -> bool {
                matches!(self, #name::#other(_))
            }
        }

        impl From<&str> for #name {
            fn from(text: &str) -> Self {
                Self::from_wire(text)
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(text))
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #serde
    }
}

/// A JSON enum travels as its text: written with `as_str`, read with
/// `from_wire` (so an unknown value is kept, never an error).
fn serde_impls(name: &proc_macro2::Ident) -> TokenStream {
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire(&text))
            }
        }
    }
}
