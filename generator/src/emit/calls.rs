//! The call table of the wire-compatibility test: one entry per method and
//! variant of every service, with Rust code that calls it through the
//! generated crate with every parameter set. Written by `cargo xtask
//! generate` beside the test that uses it, not into the SDK crate.

use std::collections::VecDeque;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Context;
use crate::error::Error;
use crate::ir::{Method, MethodKind, Param, Primitive, TypeRef};
use crate::model::Direction;
use crate::names::ident;

/// Python keywords: the official Python SDK adds `_` to such names.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

fn python_name(snake: &str) -> String {
    if PYTHON_KEYWORDS.contains(&snake) { format!("{snake}_") } else { snake.to_owned() }
}

/// How a service is reached: its path, and the Rust expression (after
/// `connection.`) that builds it.
#[derive(Clone)]
pub(super) struct Route {
    path: String,
    rust: TokenStream,
}

pub(super) fn routes(cx: &Context<'_>) -> Vec<Option<Route>> {
    let api = cx.api;
    let mut out: Vec<Option<Route>> = vec![None; api.services.len()];
    let root = super::services::root_method(cx);
    out[api.root_service] = Some(Route { path: String::new(), rust: quote! { #root() } });
    let mut queue = VecDeque::from([api.root_service]);
    let mut ids = 0usize;
    while let Some(s) = queue.pop_front() {
        let Some(route) = out[s].clone() else { continue };
        for (_, l) in api.all_locators(s) {
            if out[l.service].is_some() {
                continue;
            }
            let m = ident(&l.rust);
            let prev = &route.rust;
            let (segment, rust) = if l.takes_id {
                ids += 1;
                let id = format!("id{ids}");
                (id.clone(), quote! { #prev.#m(#id) })
            } else {
                (l.path.clone(), quote! { #prev.#m() })
            };
            let path = if route.path.is_empty() { segment } else { format!("{}/{segment}", route.path) };
            out[l.service] = Some(Route { path, rust });
            queue.push_back(l.service);
        }
    }
    out
}

/// How test code reaches a service: its path and the Rust expression
/// (using a `connection` in scope) that builds it.
pub(super) struct ServiceAccess {
    pub(super) path: String,
    pub(super) expr: TokenStream,
    /// No locator leads to the service: it is built directly at a made-up path.
    pub(super) detached: bool,
}

/// Reaches the service itself, or a service derived from it, or builds it
/// directly at a made-up path (services no locator leads to).
pub(super) fn service_access(cx: &Context<'_>, routes: &[Option<Route>], s: usize) -> ServiceAccess {
    let api = cx.api;
    let derived = (0..api.services.len())
        .filter(|&d| routes[d].is_some() && api.service_chain(d).contains(&s))
        .min_by_key(|&d| (routes[d].as_ref().map(|r| r.path.len()), api.services[d].name.clone()));
    match derived.and_then(|d| routes[d].clone()) {
        Some(Route { path, rust }) => ServiceAccess { path, expr: quote! { connection.#rust }, detached: false },
        None => {
            let service = &api.services[s];
            let path = format!("detached/{}", crate::names::camel_to_snake(&service.name));
            let krate = format_ident!("{}", cx.options.crate_name.replace('-', "_"));
            let t = format_ident!("{}", service.rust_name);
            ServiceAccess { expr: quote! { #krate::services::#t::at(&connection, #path) }, path, detached: true }
        }
    }
}

/// The Rust expression that produces the test value of a parameter.
fn arg(cx: &Context<'_>, p: &Param) -> TokenStream {
    let n = &p.name;
    let enum_ty = |i: usize| {
        let e = format_ident!("{}", cx.api.enums[i].rust_name);
        quote! { types::#e }
    };
    match (p.ty, p.list) {
        (TypeRef::Primitive(Primitive::String | Primitive::Json), false) => quote! { a.string(#n) },
        (TypeRef::Primitive(Primitive::Boolean), false) => quote! { a.boolean(#n) },
        (TypeRef::Primitive(Primitive::Integer), false) => quote! { a.integer(#n) },
        (TypeRef::Primitive(Primitive::Decimal), false) => quote! { a.decimal(#n) },
        (TypeRef::Primitive(Primitive::Date), false) => quote! { a.date(#n) },
        (TypeRef::Enum(i), false) => {
            let e = enum_ty(i);
            quote! { #e::from_wire(&a.string(#n)) }
        }
        (TypeRef::Struct(i), false) => {
            let t = format_ident!("{}", cx.api.structs[i].rust_name);
            quote! { a.object::<types::#t>(#n) }
        }
        (TypeRef::Struct(i), true) => {
            let t = format_ident!("{}", cx.api.structs[i].rust_name);
            quote! { a.objects::<types::#t>(#n) }
        }
        (TypeRef::Enum(i), true) => {
            let e = enum_ty(i);
            quote! { a.strings(#n).iter().map(|s| #e::from_wire(s)).collect() }
        }
        (TypeRef::Primitive(Primitive::String | Primitive::Json), true) => quote! { a.strings(#n) },
        (TypeRef::Primitive(Primitive::Boolean), true) => quote! { a.booleans(#n) },
        (TypeRef::Primitive(Primitive::Integer), true) => quote! { a.integers(#n) },
        (TypeRef::Primitive(Primitive::Decimal | Primitive::Date), true) => {
            quote! { a.strings(#n).iter().map(|s| s.parse().expect("test value")).collect() }
        }
    }
}

fn type_name(cx: &Context<'_>, ty: TypeRef) -> String {
    match ty {
        TypeRef::Primitive(Primitive::String | Primitive::Json) => "String".into(),
        TypeRef::Primitive(Primitive::Boolean) => "Boolean".into(),
        TypeRef::Primitive(Primitive::Integer) => "Integer".into(),
        TypeRef::Primitive(Primitive::Decimal) => "Decimal".into(),
        TypeRef::Primitive(Primitive::Date) => "Date".into(),
        TypeRef::Enum(i) => cx.api.enums[i].name.clone(),
        TypeRef::Struct(i) => cx.api.structs[i].name.clone(),
    }
}

/// The call table for the whole API, as one Rust source file.
pub(crate) fn emit_calls(cx: &Context<'_>) -> Result<TokenStream, Error> {
    let api = cx.api;
    let routes = routes(cx);
    let mut entries = Vec::new();
    let mut runs = Vec::new();
    let mut order: Vec<usize> = (0..api.services.len()).collect();
    order.sort_by(|&a, &b| api.services[a].name.cmp(&api.services[b].name));
    for s in order {
        let service = &api.services[s];
        let ServiceAccess { path, expr: base_expr, detached } = service_access(cx, &routes, s);
        let python_service = detached.then(|| service.rust_name.clone());
        for m in &service.methods {
            // (Rust method, Python method, parameters): the Python SDK names a
            // variant `<method>_<variant>`, whatever Rust name the model gives it.
            let mut sigs: Vec<(String, String, Vec<&Param>)> =
                vec![(m.rust.clone(), python_name(m.rust.trim_end_matches('_')), m.params.iter().collect())];
            for v in &m.variants {
                let python = python_name(&format!("{}_{}", m.name, v.name));
                sigs.push((v.rust.clone(), python, m.params.iter().chain(v.params.iter()).collect()));
            }
            for (rust, python_method, params) in sigs {
                let id = format!("{}.{}", service.name, rust.trim_end_matches('_'));
                let run = format_ident!("run_{}", runs.len());
                let (entry, code) = call_entry(cx, m, &rust, &params, &base_expr)?;
                let kind = format_ident!("{}", format!("{:?}", m.kind));
                let action_path = match &m.path {
                    Some(p) => quote! { Some(#p) },
                    None => quote! { None },
                };
                let python_service = match &python_service {
                    Some(c) => quote! { Some(#c) },
                    None => quote! { None },
                };
                let CallEntry { specs, result } = entry;
                entries.push(quote! {
                    CallSpec {
                        id: #id,
                        service_path: #path,
                        python_service: #python_service,
                        python_method: #python_method,
                        kind: Kind::#kind,
                        action_path: #action_path,
                        params: &[#(#specs),*],
                        result: #result,
                        run: #run,
                    },
                });
                runs.push(quote! {
                    fn #run(connection: Connection, a: Args) -> Run {
                        Box::pin(async move { #code })
                    }
                });
            }
        }
    }
    let count = entries.len();
    let krate = format_ident!("{}", cx.options.crate_name.replace('-', "_"));
    Ok(quote! {
        //! Every method and variant of the API, called through the generated
        //! crate with every parameter set (see `wire_methods.rs`).
        #![allow(deprecated, clippy::all)]

        use super::harness::{Args, CallSpec, Kind, Out, ParamSpec, Place, ResultSpec, Run};
        use #krate::Connection;
        use #krate::ConnectionExt as _;
        use #krate::prelude::RequestOptions as _;
        use #krate::types;

        /// How many calls the table holds.
        pub const COUNT: usize = #count;

        /// The calls.
        pub static CALLS: &[CallSpec] = &[#(#entries)*];

        #(#runs)*
    })
}

struct CallEntry {
    specs: Vec<TokenStream>,
    result: TokenStream,
}

fn call_entry(
    cx: &Context<'_>,
    m: &Method,
    rust: &str,
    params: &[&Param],
    base: &TokenStream,
) -> Result<(CallEntry, TokenStream), Error> {
    let body = m.body.map(|i| m.params[i].name.as_str());
    let mut specs = Vec::new();
    let mut setters = Vec::new();
    let mut body_arg = None;
    for p in params {
        if p.dir == Direction::Out {
            continue;
        }
        let is_body = Some(p.name.as_str()) == body;
        let place = if is_body || super::services::is_remove_body(m, p) {
            quote! { Place::Body }
        } else if m.kind == MethodKind::Action {
            quote! { Place::Action }
        } else {
            quote! { Place::Query }
        };
        let name = &p.name;
        let python = python_name(&p.name);
        let ty = type_name(cx, p.ty);
        let list = p.list;
        specs.push(quote! { ParamSpec { name: #name, python: #python, ty: #ty, list: #list, place: #place } });
        let value = arg(cx, p);
        if is_body {
            body_arg = Some(value);
        } else {
            let setter = ident(&p.rust);
            setters.push(quote! { .#setter(#value) });
        }
    }
    let out = m.params.iter().find(|p| match m.kind {
        MethodKind::Action => p.dir != Direction::In,
        _ => p.dir == Direction::Out || (p.dir == Direction::Inout && m.kind != MethodKind::Remove),
    });
    let result = match out {
        Some(p) => {
            let ty = type_name(cx, p.ty);
            let list = p.list;
            quote! { Some(ResultSpec { ty: #ty, list: #list }) }
        }
        None => quote! { None },
    };
    let out_expr = match (m.kind, out) {
        (MethodKind::Add, Some(p)) if p.list => quote! { Out::objects(&r) },
        (MethodKind::Get | MethodKind::Add | MethodKind::Update, _) => quote! { Out::object(&r) },
        (MethodKind::List, _) => quote! { Out::objects(&r) },
        (MethodKind::Remove, _) | (MethodKind::Action, None) => quote! { { let () = r; Out::none() } },
        (MethodKind::Action, Some(p)) => match (p.ty, p.list) {
            (_, true) if matches!(p.ty, TypeRef::Struct(_)) => quote! { Out::objects(&r) },
            (_, true) => quote! { Out::texts(r.iter().map(|v| v.to_string()).collect()) },
            (TypeRef::Struct(_), false) => quote! { Out::opt_object(r) },
            _ => quote! { Out::opt_text(r.map(|v| v.to_string())) },
        },
    };
    let method = ident(rust);
    let args = body_arg.into_iter();
    let code = quote! {
        let r = #base.#method(#(#args)*)
            #(#setters)*
            .header("X-Oracle-Call", a.id())
            .send()
            .await?;
        Ok(#out_expr)
    };
    Ok((CallEntry { specs, result }, code))
}
