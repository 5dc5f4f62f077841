//! The services of a JSON API: a service is a path on a client; each method
//! returns a request builder whose setters place parameters (the runtime
//! puts them in the query of a `GET` and in the JSON body otherwise) and
//! whose `send()` returns the declared result.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{item_type, shaped, type_words};
use crate::emit::{Context, deprecated, doc};
use crate::ir::{Locator, Method, Param, Primitive, Service, Shape, TypeRef};
use crate::model::RawFixed;
use crate::names::{self, ident};

/// The module of a service (`vms_service`).
pub(crate) fn module(service: &Service) -> String {
    names::module_name(&service.rust_name)
}

/// The name of a method's request builder (`VmsListFullRequest`).
pub(crate) fn request_name(service: &Service, method: &Method) -> proc_macro2::Ident {
    let short = service.rust_name.strip_suffix("Service").unwrap_or(&service.rust_name);
    format_ident!("{short}{}Request", names::upper_camel(&method.name))
}

/// One service file.
pub(crate) fn emit_service(cx: &Context<'_>, index: usize) -> TokenStream {
    let sv = &cx.api.services[index];
    let name = format_ident!("{}", sv.rust_name);
    let service_doc = doc(&format!(
        "{}\n\nA service value is only a path on a client: making one sends nothing, and it is cheap to clone. \
         Each method returns a request builder; nothing is sent before its `send()`.",
        sv.doc.as_deref().map(str::trim).unwrap_or("A service of the API.")
    ));
    let dep = deprecated(sv.deprecated);
    let methods: Vec<(usize, &Method)> = cx.api.all_methods(index);
    let method_fns = methods.iter().map(|(_, m)| method_fn(cx, sv, m));
    let builders = methods.iter().map(|(_, m)| builder(cx, sv, m));
    let locators = cx.api.all_locators(index).into_iter().map(|(_, l)| locator_fn(cx, l));
    let optional = methods
        .iter()
        .any(|(_, m)| m.params.iter().any(|p| p.dir == crate::model::Direction::In))
        .then(|| quote! { use sdkgen_runtime::Optional; });
    let started = methods.iter().any(|(_, m)| m.task).then(|| quote! { use sdkgen_runtime::json::Started; });
    let calls = (!methods.is_empty()).then(|| {
        quote! {
            use sdkgen_runtime::connection::Error;
            use sdkgen_runtime::json::{JsonCall, Reply};
            use sdkgen_runtime::service::RequestOptions;
        }
    });
    quote! {
        #![allow(deprecated)]

        #optional
        #calls
        use sdkgen_runtime::json::JsonClient;
        #started
        #[allow(unused_imports)]
        use crate::types;
        #[allow(unused_imports)]
        use super::*;

        #service_doc
        #dep
        #[derive(Clone, Debug)]
        pub struct #name {
            pub(crate) client: JsonClient,
            pub(crate) path: String,
        }

        impl #name {
            /// This service at `path` below the API URL of `client` (the
            /// locators build the same value step by step).
            pub fn at(client: &crate::Client, path: impl Into<String>) -> Self {
                #name { client: client.json_client().clone(), path: path.into() }
            }

            /// The path of this service below the API URL.
            pub fn path(&self) -> &str {
                &self.path
            }

            #(#method_fns)*
            #(#locators)*
        }

        #(#builders)*
    }
}

/// `vms.vm_service("web01")` or `api.vms_service()`.
fn locator_fn(cx: &Context<'_>, l: &Locator) -> TokenStream {
    let target = &cx.api.services[l.service];
    let target_name = format_ident!("{}", target.rust_name);
    let method = ident(&names::rust_method(&l.rust));
    let summary = l.doc.as_deref().map(str::trim).unwrap_or("A service below this one.");
    let dep = deprecated(l.deprecated);
    if l.takes_id {
        let prefix = l.path.replace("{id}", "");
        let d = doc(&format!(
            "{summary}\n\nThe id is sent as one path segment (`/`, `?`, `#`, `%`, spaces and non-ASCII \
             characters are percent-encoded)."
        ));
        quote! {
            #d
            #dep
            pub fn #method(&self, id: impl AsRef<str>) -> #target_name {
                let segment = format!("{}{}", #prefix, sdkgen_runtime::json::encode_segment(id.as_ref()));
                #target_name { client: self.client.clone(), path: sdkgen_runtime::json::join_path(&self.path, &segment) }
            }
        }
    } else {
        let segment = &l.path;
        let d = doc(summary);
        quote! {
            #d
            #dep
            pub fn #method(&self) -> #target_name {
                #target_name { client: self.client.clone(), path: sdkgen_runtime::json::join_path(&self.path, #segment) }
            }
        }
    }
}

/// The method that makes a request builder.
fn method_fn(cx: &Context<'_>, sv: &Service, m: &Method) -> TokenStream {
    let method = ident(&m.rust);
    let request = request_name(sv, m);
    let verb = &m.http.verb;
    let operation = format!("{}::{}", sv.rust_name, m.rust);
    let path = match &m.http.path {
        Some(p) => quote! { sdkgen_runtime::json::join_path(&self.path, #p) },
        None => quote! { self.path.clone() },
    };
    // A fixed parameter is set once here and has no setter.
    let fixed = m.fixed.iter().map(|(name, value)| {
        let value = match value {
            RawFixed::Boolean(b) => quote! { serde_json::Value::Bool(#b) },
            RawFixed::Integer(i) => {
                let i = proc_macro2::Literal::i64_unsuffixed(*i);
                quote! { serde_json::Value::from(#i) }
            }
            RawFixed::Text(t) => quote! { serde_json::Value::from(#t) },
        };
        quote! { call.set_param(#name, Some(#value)); }
    });
    let keep = m.keep_envelope.then(|| quote! { call.keep_envelope(); });
    let also = (!m.also_success.is_empty()).then(|| {
        let statuses = m.also_success.iter().map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
        quote! { call.also_success(&[#(#statuses),*]); }
    });
    let anonymous = m.anonymous.then(|| quote! { call.anonymous(); });
    let d = doc(&method_doc(cx, m));
    let dep = deprecated(m.deprecated);
    let settings: Vec<TokenStream> = fixed.chain(keep).chain(also).chain(anonymous).collect();
    let call = if settings.is_empty() {
        quote! { let call = self.client.call(#operation, #verb, #path); }
    } else {
        quote! { let mut call = self.client.call(#operation, #verb, #path); #(#settings)* }
    };
    quote! {
        #d
        #dep
        pub fn #method(&self) -> #request {
            #call
            #request { call }
        }
    }
}

fn method_doc(cx: &Context<'_>, m: &Method) -> String {
    let mut text = m.doc.as_deref().map(str::trim).unwrap_or("Sends the request of this method.").to_owned();
    let body = m.params.iter().find(|p| p.body);
    let placement = match body {
        Some(p) => format!("in the query, and `{}` is the body", p.rust),
        None if m.http.verb == "GET" => "in the query".to_owned(),
        None => "as members of a JSON object in the body".to_owned(),
    };
    let mut wire = format!("Sends `{}` to this service's path", m.http.verb);
    if let Some(p) = &m.http.path {
        wire.push_str(&format!(" followed by `{p}`"));
    }
    wire.push_str(&format!("; parameters travel {placement}."));
    if !m.fixed.is_empty() {
        let fixed: Vec<String> = m.fixed.iter().map(|(n, v)| format!("`{n}={}`", fixed_text(v))).collect();
        wire.push_str(&format!(" Always sends {}.", fixed.join(", ")));
    }
    if let Some(r) = m.result {
        let p = &m.params[r];
        wire.push_str(&format!(" Returns {}.", type_words(cx, p.ty, p.shape())));
    }
    if m.anonymous {
        wire.push_str(" Sent without the client's credentials.");
    }
    if m.task {
        wire.push_str(
            " The server may answer with a running task: `send()` waits for it (see the client's \
             `task_backoff` and `task_deadline`) and returns its result, `start()` returns as soon as the \
             server accepted the request.",
        );
    }
    text.push_str("\n\n");
    text.push_str(&wire);
    text
}

fn fixed_text(value: &RawFixed) -> String {
    match value {
        RawFixed::Boolean(b) => b.to_string(),
        RawFixed::Integer(i) => i.to_string(),
        RawFixed::Text(t) => t.clone(),
    }
}

/// The result type of a method (`()` when it declares none).
fn result_type(cx: &Context<'_>, m: &Method) -> TokenStream {
    match m.result {
        None => quote! { () },
        Some(r) => {
            let p = &m.params[r];
            shaped(item_type(cx, p.ty, &quote! { types:: }), p.shape())
        }
    }
}

/// The request builder of a method: one setter per `in` parameter, then
/// `send()`, `send_reply()` and, for a task, `start()`.
fn builder(cx: &Context<'_>, sv: &Service, m: &Method) -> TokenStream {
    let request = request_name(sv, m);
    let d = doc(&format!(
        "The request of [`{0}::{1}`](super::{0}::{1}): set its parameters, then `send()` it.",
        sv.rust_name, m.rust
    ));
    let setters = m.params.iter().filter(|p| p.dir == crate::model::Direction::In).map(|p| setter(cx, p));
    let result = result_type(cx, m);
    let (send, send_reply) = if m.result.is_some() {
        (quote! { self.call.send() }, quote! { self.call.send_reply() })
    } else {
        (
            quote! { async move { self.call.send::<serde::de::IgnoredAny>().await.map(|_| ()) } },
            quote! {
                async move {
                    let reply = self.call.send_reply::<serde::de::IgnoredAny>().await?;
                    Ok(Reply { result: (), status: reply.status, task_id: reply.task_id, http_status: reply.http_status })
                }
            },
        )
    };
    let pages = pages_fn(cx, m);
    let first_and_one = first_and_one(cx, m);
    let start = m.task.then(|| {
        quote! {
            /// Sends the request and returns as soon as the server accepted it: a task
            /// that still runs comes back as [`Started::Pending`], whose
            /// [`wait`](sdkgen_runtime::json::Task::wait) follows it later.
            pub fn start(self) -> impl std::future::Future<Output = Result<Started<#result>, Error>> + Send {
                self.call.start()
            }
        }
    });
    quote! {
        #d
        #[must_use = "a request does nothing until it is sent"]
        pub struct #request {
            pub(crate) call: JsonCall,
        }

        impl #request {
            #(#setters)*

            /// Sends the request and returns the result, read into its type.
            pub fn send(self) -> impl std::future::Future<Output = Result<#result, Error>> + Send {
                #send
            }

            /// Sends the request and returns the result with what the reply says about
            /// it (its state, task id and HTTP status).
            pub fn send_reply(self) -> impl std::future::Future<Output = Result<Reply<#result>, Error>> + Send {
                #send_reply
            }

            #start
            #first_and_one
            #pages
        }

        impl RequestOptions for #request {
            type Call = JsonCall;

            fn call_mut(&mut self) -> &mut JsonCall {
                &mut self.call
            }
        }
    }
}

/// `first()` and `one()` for a method whose result is a list.
fn first_and_one(cx: &Context<'_>, m: &Method) -> Option<TokenStream> {
    let result = &m.params[m.result?];
    if result.shape() != Shape::List {
        return None;
    }
    let item = item_type(cx, result.ty, &quote! { types:: });
    Some(quote! {
        /// Sends the request and returns the first item of the list, `None` when it is empty.
        pub fn first(self) -> impl std::future::Future<Output = Result<Option<#item>, Error>> + Send {
            self.call.first()
        }

        /// Sends the request and returns the first item of the list; an empty list is an
        /// error of kind `NotFound` that names the request and its parameters.
        pub fn one(self) -> impl std::future::Future<Output = Result<#item, Error>> + Send {
            self.call.one()
        }
    })
}

/// `pages()` for a method that takes the API's page parameter and returns
/// a page object (a struct with the paging's `items` list member).
fn pages_fn(cx: &Context<'_>, m: &Method) -> Option<TokenStream> {
    let paging = cx.api.paging_of(m.params.iter().filter(|p| p.dir == crate::model::Direction::In))?;
    let json = paging.json.as_ref()?;
    let TypeRef::Struct(page) = m.params[m.result?].ty else { return None };
    let items = cx.api.structs[page].members.iter().find(|x| x.wire == json.items && x.list)?;
    let item = item_type(cx, items.ty, &quote! { types:: });
    let (param, format) = (&paging.param, &paging.format);
    let first = proc_macro2::Literal::i64_unsuffixed(paging.first);
    let (items_member, next) = (&json.items, &json.next);
    let d = doc(&format!(
        "The items of every page, one request per page from page {first} on (the `{param}` parameter set \
         before is replaced), until a page says no other follows (`{next}` unset) or holds no item."
    ));
    Some(quote! {
        #d
        pub fn pages(self) -> sdkgen_runtime::json::JsonPages<#item> {
            let paging = sdkgen_runtime::json::Paging {
                param: #param,
                format: #format,
                first: #first,
                items: #items_member,
                next: #next,
            };
            self.call.pages(paging)
        }
    })
}

fn setter(cx: &Context<'_>, p: &Param) -> TokenStream {
    let method = ident(&names::rust_setter(&p.name));
    let wire = &p.wire;
    let ty = shaped(item_type(cx, p.ty, &quote! { types:: }), p.shape());
    let to_json = match (p.ty, p.shape()) {
        (TypeRef::Enum(_), Shape::One) => quote! { |v| serde_json::Value::from(v.as_str()) },
        (TypeRef::Primitive(Primitive::Json), Shape::One) => quote! { |v| v },
        (TypeRef::Primitive(_), Shape::One | Shape::List) => quote! { serde_json::Value::from },
        _ => quote! { |v| sdkgen_runtime::json::to_param(&v) },
    };
    let summary = p.doc.as_deref().map(str::trim).unwrap_or("A parameter of the request.");
    let (sent, set) = if p.body {
        ("Sent as the whole body".to_owned(), quote! { self.call.set_body(value.into_option().map(#to_json)); })
    } else {
        (format!("Sent as `{wire}`"), quote! { self.call.set_param(#wire, value.into_option().map(#to_json)); })
    };
    let d = doc(&format!(
        "{summary}\n\n{sent} ({}); takes the value or an `Option` of it (`None` leaves it out).",
        type_words(cx, p.ty, p.shape())
    ));
    let dep = deprecated(p.deprecated);
    quote! {
        #d
        #dep
        pub fn #method(mut self, value: impl Optional<#ty>) -> Self {
            #set
            self
        }
    }
}
