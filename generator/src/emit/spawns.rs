//! The spawn check of a generated SDK: a module for a separate crate that
//! uses the SDK as a user would (default `recursion_limit`) and hands every
//! public future of it to `tokio::spawn`, which only compiles when the
//! future is `Send + 'static`. Written by `cargo xtask generate` into the
//! API's test crate (`tests/<api>/src/spawns.rs`), not into the SDK.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Context;
use super::calls::{ServiceAccess, routes, service_access};
use crate::error::Error;
use crate::ir::MethodKind;
use crate::names::ident;

/// The spawn check for the whole API, as one Rust source file.
pub(crate) fn emit_spawns(cx: &Context<'_>) -> Result<TokenStream, Error> {
    let api = cx.api;
    let krate = format_ident!("{}", cx.options.crate_name.replace('-', "_"));
    let routes = routes(cx);
    let mut order: Vec<usize> = (0..api.services.len()).collect();
    order.sort_by(|&a, &b| api.services[a].name.cmp(&api.services[b].name));
    let mut service_fns = Vec::new();
    let mut service_calls = Vec::new();
    let mut request_count = 0usize;
    for s in order {
        let ServiceAccess { expr, .. } = service_access(cx, &routes, s);
        let mut requests = Vec::new();
        for m in &api.services[s].methods {
            let body = m.body.map(|i| &m.params[i]);
            let arg = match body.map(|p| (p.list, p.ty)) {
                Some((true, _)) => quote! { Vec::new() },
                Some((false, crate::ir::TypeRef::Struct(i))) => {
                    let t = format_ident!("{}", api.structs[i].rust_name);
                    quote! { types::#t::default() }
                }
                _ => TokenStream::new(),
            };
            let names = std::iter::once(m.rust.as_str()).chain(m.variants.iter().map(|v| v.rust.as_str()));
            for rust in names {
                let method = ident(rust);
                requests.push(spawned(quote! { #expr.#method(#arg).send().await.map(drop) }));
                if m.kind == MethodKind::List {
                    requests.push(spawned(quote! { #expr.#method().stream().await.map(drop) }));
                    requests.push(spawned(quote! { #expr.#method().first().await.map(drop) }));
                    requests.push(spawned(quote! { #expr.#method().one().await.map(drop) }));
                    if api.paging_of(m.params.iter()).is_some() {
                        requests.push(spawned(quote! {
                            let mut pages = #expr.#method().pages(10);
                            pages.next_page().await.map(drop)
                        }));
                    }
                }
            }
        }
        // The waiters: the generic one of a service with a `get`, and those of the model.
        if matches!(api.get_result(s), Some(crate::ir::TypeRef::Struct(_))) {
            requests.push(spawned(quote! { #expr.wait_until(|_| true).send().await.map(drop) }));
        }
        for w in &api.services[s].waiters {
            let waiter = format_ident!("{}", w.rust);
            requests.push(spawned(quote! { #expr.#waiter().send().await.map(drop) }));
        }
        if requests.is_empty() {
            continue;
        }
        request_count += requests.len();
        // One function per service keeps each stack frame small.
        let f = format_ident!("{}", crate::names::module_name(&api.services[s].rust_name));
        service_fns.push(quote! {
            fn #f(connection: &Connection, tasks: &mut Vec<Spawned>) {
                #(#requests)*
            }
        });
        service_calls.push(quote! { #f(connection, &mut tasks); });
    }
    let mut follow_fns = Vec::new();
    let mut follow_calls = Vec::new();
    for st in &api.structs {
        let t = format_ident!("{}", st.rust_name);
        let f = format_ident!("follow_{}", st.module);
        follow_calls.push(quote! { #f(connection, href, &mut tasks); });
        let object = quote! { types::#t::default() };
        let list = quote! { #krate::List::<types::#t>::with_href(href) };
        let tasks = [
            holding(&object, quote! { c.follow_link(&held) }),
            holding(&list, quote! { c.follow_list_link(&held) }),
            holding(&object, quote! { c.follow(&held) }),
            holding(&quote! { Some(#list) }, quote! { c.follow(&held) }),
        ];
        follow_fns.push(quote! {
            fn #f(connection: &Connection, href: &str, tasks: &mut Vec<Spawned>) {
                #(#tasks)*
            }
        });
    }
    let follow_count = api.structs.len() * 4; // the four `holding` tasks of each type
    let document_type = api
        .structs
        .iter()
        .find(|s| !s.deprecated)
        .map_or_else(|| "none".to_owned(), |s| s.xml_names(&api.naming).into_owned().element);
    let document = format!("<{document_type}/>");
    Ok(quote! {
        //! Every public future of the SDK, spawned on the caller's runtime
        //! from a crate with the default `recursion_limit` (see the crate's
        //! documentation).
        #![allow(deprecated, clippy::all)]

        use #krate::prelude::*;
        use #krate::{types, xml};
        use tokio::task::JoinHandle;

        /// What each spawned task returns: the error of its request, if any.
        pub type Spawned = JoinHandle<Result<(), #krate::Error>>;

        /// A task before it is spawned. Turning a future into this type only
        /// compiles when it is `Send + 'static`, the same proof `tokio::spawn`
        /// asks for; spawning one boxed type keeps this crate quick to build.
        pub type Task = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), #krate::Error>> + Send>>;

        /// Spawns `task` on the current runtime.
        fn spawn(task: Task) -> Spawned {
            tokio::spawn(task)
        }

        /// How many tasks [`spawn_requests`] starts.
        pub const REQUEST_COUNT: usize = #request_count;

        /// How many tasks [`spawn_follows`] starts.
        pub const FOLLOW_COUNT: usize = #follow_count;

        /// Spawns `send()` of every request builder (every method and variant of
        /// every service, with an empty body where one is needed), `stream()`,
        /// `first()`, `one()` and a page of `pages()` of every list, and every
        /// waiter's `send()`.
        pub fn spawn_requests(connection: &Connection) -> Vec<Spawned> {
            let mut tasks: Vec<Spawned> = Vec::with_capacity(REQUEST_COUNT);
            #(#service_calls)*
            tasks
        }

        #(#service_fns)*

        /// Spawns `follow_link` and `follow` of an object of every type, and
        /// `follow_list_link` and `follow` of a list of every type (the list's link
        /// is `href`); each task holds the value it follows across the `.await`.
        pub fn spawn_follows(connection: &Connection, href: &str) -> Vec<Spawned> {
            let mut tasks: Vec<Spawned> = Vec::with_capacity(FOLLOW_COUNT);
            #(#follow_calls)*
            tasks
        }

        #(#follow_fns)*

        /// Spawns a task that holds a [`xml::Document`] across an `.await`.
        pub fn spawn_document() -> JoinHandle<bool> {
            tokio::spawn(async move {
                let document = xml::read_document(#document.as_bytes());
                tokio::task::yield_now().await;
                matches!(document, Ok(Some(_)))
            })
        }
    })
}

/// A task that holds `value` (as `held`) across the `.await` of `follow`,
/// a call on `c`, its own clone of the connection.
fn holding(value: &TokenStream, follow: TokenStream) -> TokenStream {
    quote! {
        let held = #value;
        let c = connection.clone();
        tasks.push(spawn(Box::pin(async move {
            let result = #follow.await.map(drop);
            drop(held);
            result
        })));
    }
}

/// One task of a service's function: `call` runs with its own clone of the
/// connection.
fn spawned(call: TokenStream) -> TokenStream {
    quote! {
        tasks.push(spawn({
            let connection = connection.clone();
            Box::pin(async move { #call })
        }));
    }
}
