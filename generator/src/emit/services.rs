//! Services: one module per model service, holding the service struct (its
//! methods and locators) and one request builder per method and variant;
//! `services/mod.rs` adds [`AnyService`](#) and path resolution.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Context, deprecated, doc, inner_doc};
use crate::error::Error;
use crate::ir::{Member, Method, MethodKind, Param, Primitive, TypeRef};
use crate::model::Direction;
use crate::names::{self, ident, upper_camel, words};

// The struct every action sends and receives (its members are checked
// against the parameters of all actions when the model is loaded).
use crate::ir::ACTION_STRUCT as ACTION_TYPE;

/// The Rust module of a service.
pub(crate) fn module(cx: &Context<'_>, service: usize) -> String {
    names::module_name(&cx.api.services[service].rust_name)
}

/// The method of the connection that returns the root service
/// (`system_service`).
pub(crate) fn root_method(cx: &Context<'_>) -> proc_macro2::Ident {
    format_ident!("{}", names::module_name(&cx.api.services[cx.api.root_service].rust_name))
}

/// The short name of a service (`Vms` for `VmsService`), used for builders
/// and for the variants of `AnyService`.
fn short(cx: &Context<'_>, service: usize) -> String {
    let rust = &cx.api.services[service].rust_name;
    rust.strip_suffix("Service").unwrap_or(rust).to_owned()
}

/// The request builder type of a method (or variant) declared by `service`.
fn builder_name(cx: &Context<'_>, service: usize, rust_method: &str) -> proc_macro2::Ident {
    format_ident!("{}{}Request", short(cx, service), upper_camel(rust_method.trim_end_matches('_')))
}

/// One signature to emit: a method, or one of its variants.
struct Signature<'a> {
    rust: &'a str,
    params: Vec<&'a Param>,
    doc: Option<&'a str>,
    deprecated: bool,
    variant: Option<&'a str>,
    /// The Rust method whose request builder this signature returns: its own,
    /// or for a variant that adds no parameter, the method's.
    builder: &'a str,
}

impl Signature<'_> {
    /// Whether this signature has a request builder of its own.
    fn owns_builder(&self) -> bool {
        self.builder == self.rust
    }
}

fn signatures(m: &Method) -> Vec<Signature<'_>> {
    let mut out = vec![Signature {
        rust: &m.rust,
        params: m.params.iter().collect(),
        doc: m.doc.as_deref(),
        deprecated: m.deprecated,
        variant: None,
        builder: &m.rust,
    }];
    for v in &m.variants {
        // A variant is sent like its method: when it adds no parameter it
        // returns the method's request builder instead of a copy of it.
        let builder = if v.params.is_empty() { m.rust.as_str() } else { v.rust.as_str() };
        out.push(Signature {
            rust: &v.rust,
            params: m.params.iter().chain(v.params.iter()).collect(),
            doc: v.doc.as_deref(),
            deprecated: m.deprecated || v.deprecated,
            variant: Some(&v.name),
            builder,
        });
    }
    out
}

/// The Rust type of a struct (`types::Vm`).
fn struct_path(cx: &Context<'_>, index: usize) -> TokenStream {
    let n = format_ident!("{}", cx.api.structs[index].rust_name);
    quote! { types::#n }
}

/// The Rust type a setter takes, for one value (not a list).
fn value_type(cx: &Context<'_>, ty: TypeRef) -> TokenStream {
    match ty {
        TypeRef::Primitive(Primitive::String | Primitive::Json) => quote! { String },
        TypeRef::Primitive(Primitive::Boolean) => quote! { bool },
        TypeRef::Primitive(Primitive::Integer) => quote! { i64 },
        TypeRef::Primitive(Primitive::Decimal) => quote! { sdkgen_runtime::Decimal },
        TypeRef::Primitive(Primitive::Date) => quote! { sdkgen_runtime::DateTime },
        TypeRef::Enum(i) => {
            let n = format_ident!("{}", cx.api.enums[i].rust_name);
            quote! { types::#n }
        }
        TypeRef::Struct(i) => struct_path(cx, i),
    }
}

/// Words for a type in documentation.
fn type_words(cx: &Context<'_>, ty: TypeRef, list: bool) -> String {
    let one = match ty {
        TypeRef::Primitive(Primitive::String | Primitive::Json) => "text".to_owned(),
        TypeRef::Primitive(Primitive::Boolean) => "a boolean".to_owned(),
        TypeRef::Primitive(Primitive::Integer) => "an integer".to_owned(),
        TypeRef::Primitive(Primitive::Decimal) => "a decimal number".to_owned(),
        TypeRef::Primitive(Primitive::Date) => "a date and time".to_owned(),
        TypeRef::Enum(i) => format!("[`{0}`](crate::types::{0})", cx.api.enums[i].rust_name),
        TypeRef::Struct(i) => format!("[`{0}`](crate::types::{0})", cx.api.structs[i].rust_name),
    };
    if list { format!("a list of {one}") } else { one }
}

pub(crate) fn emit_service(cx: &Context<'_>, index: usize) -> Result<TokenStream, Error> {
    let api = cx.api;
    let s = &api.services[index];
    let name = format_ident!("{}", s.rust_name);
    let path_file = format!("src/services/{}.rs", module(cx, index));
    let err = |message: String| Error::Emit { file: path_file.clone(), message };

    let service_doc = {
        let mut text = match &s.doc {
            Some(d) => d.trim().to_owned(),
            None => format!("The {} service.", words(&names::camel_to_snake(&s.name))),
        };
        text.push_str(
            "\n\nA service value is only a path on a connection: making one sends nothing, and it is cheap \
             to clone. Each method returns a request builder; nothing is sent before its `send()`.",
        );
        if s.base.is_some() {
            let chain: Vec<String> = api.service_chain(index)[1..]
                .iter()
                .map(|&b| format!("[`{0}`](super::{0})", api.services[b].rust_name))
                .collect();
            text.push_str(&format!("\n\nIt also has the methods and locators of {}.", chain.join(", ")));
        }
        doc(&text)
    };
    let dep = deprecated(s.deprecated);

    // Methods of the service (its own and inherited), and their builders
    // (only for its own methods: inherited ones reuse the base's builders).
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for (declared_in, m) in api.all_methods(index) {
        for sig in signatures(m) {
            let b = builder_name(cx, declared_in, sig.builder);
            let method_ident = ident(sig.rust);
            let body = m.body.map(|i| &m.params[i]);
            let mut text = match sig.doc {
                Some(d) => format!("{}\n\n", d.trim()),
                None => String::new(),
            };
            text.push_str(&method_summary(cx, m, sig.variant));
            text.push_str(&input_detail(m, sig.variant));
            let method_doc = doc(&text);
            let mdep = deprecated(sig.deprecated);
            let call = quote! { self.ctx.call() };
            methods.push(match (m.kind, body) {
                (MethodKind::Add | MethodKind::Update, Some(p)) => {
                    let arg = ident(&p.rust);
                    let item = value_type(cx, p.ty);
                    // A single object may be given as its builder too.
                    let (ty, body) = if p.list {
                        (quote! { Vec<#item> }, quote! { #arg })
                    } else {
                        (quote! { impl Into<#item> }, quote! { #arg.into() })
                    };
                    quote! {
                        #method_doc
                        #mdep
                        pub fn #method_ident(&self, #arg: #ty) -> #b {
                            #b { call: #call, body: #body }
                        }
                    }
                }
                (MethodKind::Action, _) => quote! {
                    #method_doc
                    #mdep
                    pub fn #method_ident(&self) -> #b {
                        #b { call: #call, action: types::Action::default() }
                    }
                },
                _ => {
                    let fields = sig.params.iter().filter(|p| is_remove_body(m, p)).map(|p| {
                        let f = format_ident!("{}", p.name);
                        quote! { #f: None, }
                    });
                    quote! {
                        #method_doc
                        #mdep
                        pub fn #method_ident(&self) -> #b {
                            #b { call: #call, #(#fields)* }
                        }
                    }
                }
            });
            if declared_in == index && sig.owns_builder() {
                builders.push(emit_builder(cx, index, m, &sig, &b).map_err(&err)?);
            }
        }
    }

    let mut locators = Vec::new();
    let mut locate_arms = Vec::new();
    let mut id_arm = None;
    for (_, l) in api.all_locators(index) {
        let target = &api.services[l.service];
        let tname = format_ident!("{}", target.rust_name);
        let variant = format_ident!("{}", short(cx, l.service));
        let lname = ident(&l.rust);
        let ldep = deprecated(l.deprecated);
        let text = match &l.doc {
            Some(d) => format!("{}\n\n", d.trim()),
            None => String::new(),
        };
        if l.takes_id {
            let ldoc = doc(&format!(
                "{text}The service of one object below this one (the path `…/{{id}}`), given its id (`\"123\"`) or \
                 the object itself (`&vm`, `vm.cluster()`). A missing or empty id is reported by the first request \
                 of the service, before anything is sent."
            ));
            let locator_name = format!("{}::{}", s.rust_name, l.rust);
            locators.push(quote! {
                #ldoc
                #ldep
                pub fn #lname(&self, id: impl IdSource) -> #tname {
                    #tname { ctx: self.ctx.child_id(id, #locator_name) }
                }
            });
            id_arm = Some((variant, lname));
        } else {
            let segment = &l.path;
            let ldoc = doc(&format!("{text}The service at `…/{segment}` below this one."));
            locators.push(quote! {
                #ldoc
                #ldep
                pub fn #lname(&self) -> #tname {
                    #tname { ctx: self.ctx.child(#segment) }
                }
            });
            locate_arms.push(quote! { #segment => Some(AnyService::#variant(self.#lname())), });
        }
    }
    let locate_body = match (locate_arms.is_empty(), id_arm) {
        (true, None) => quote! { let _ = segment; None },
        (true, Some((variant, lname))) => quote! { Some(AnyService::#variant(self.#lname(segment))) },
        (false, Some((variant, lname))) => quote! {
            match segment {
                #(#locate_arms)*
                id => Some(AnyService::#variant(self.#lname(id))),
            }
        },
        (false, None) => quote! {
            match segment {
                #(#locate_arms)*
                _ => None,
            }
        },
    };
    let locate = quote! {
        /// The service one segment below this one, as [`AnyService`].
        pub(crate) fn locate(&self, segment: &str) -> Option<AnyService> {
            #locate_body
        }
    };

    let waiters = emit_waiters(cx, index);

    let module_doc = inner_doc(&format!("The [`{0}`] and the request builders of its methods.", s.rust_name));
    let items = quote! {
        #service_doc
        #dep
        #[derive(Clone, Debug)]
        pub struct #name {
            pub(crate) ctx: ServiceContext,
        }

        impl #name {
            /// This service at `path` below the API root of `connection`, for a path
            /// known in advance (the locators build the same value step by step).
            pub fn at(connection: &sdkgen_runtime::connection::Connection, path: impl Into<String>) -> Self {
                #name { ctx: ServiceContext::at(connection, path) }
            }

            /// The path of this service below the API root.
            pub fn path(&self) -> &str {
                self.ctx.path()
            }

            #(#methods)*
            #(#waiters)*
            #(#locators)*
            #locate
        }

        #(#builders)*
    };
    // Only the imports the module uses (an unused one is a warning).
    let text = items.to_string();
    let mut imports = Vec::new();
    if !builders.is_empty() {
        imports.push(quote! { use sdkgen_runtime::connection::Error; });
        imports.push(quote! { use sdkgen_runtime::service::{Call, RequestOptions, ServiceContext}; });
    } else {
        imports.push(quote! { use sdkgen_runtime::service::ServiceContext; });
    }
    if text.contains("types ::") {
        imports.push(quote! { use crate::types; });
    }
    if text.contains("impl Optional <") {
        imports.push(quote! { use sdkgen_runtime::Optional; });
    }
    if text.contains("impl IdSource") {
        imports.push(quote! { use sdkgen_runtime::IdSource; });
    }
    imports.push(quote! { use super::*; });
    Ok(quote! {
        #module_doc
        // Deprecated parts of the API are still wired here; users see the warnings.
        #![allow(deprecated)]

        #(#imports)*

        #items
    })
}

/// `pages(size)` of a list request, when the API pages (`paging:` in
/// `api.yaml`) and the method has the parameter that carries the page.
fn pages_method(cx: &Context<'_>, sig: &Signature<'_>, item: &TokenStream) -> TokenStream {
    let Some(paging) = cx.api.paging_of(sig.params.iter().copied()) else { return TokenStream::new() };
    let wire = |name: &str| sig.params.iter().find(|p| p.name == name).map(|p| p.wire.clone());
    let param = wire(&paging.param).unwrap_or_default();
    let size = match paging.size.as_deref().and_then(wire) {
        Some(size) => quote! { Some(#size) },
        None => quote! { None },
    };
    let (format, first) = (&paging.format, paging.first);
    let d = doc(&format!(
        "Sends the request page after page, `size` items a page, the page number written into `{param}` \
         (as `{format}`): `next_page().await?` gives each page's items and `None` after the last."
    ));
    quote! {
        #d
        pub fn pages(self, size: i64) -> sdkgen_runtime::service::Pages<#item> {
            self.call.pages(#param, #format, #size, size, #first)
        }
    }
}

/// The waiters of a service: `wait_until(|object| …)` for every service
/// whose `get` returns a struct, and one `wait_until_<name>()` per waiter
/// the model declares.
fn emit_waiters(cx: &Context<'_>, index: usize) -> Vec<TokenStream> {
    let api = cx.api;
    let Some(TypeRef::Struct(object)) = api.get_result(index) else {
        return Vec::new();
    };
    let mut out = vec![generic_waiter(cx, object)];
    out.extend(api.services[index].waiters.iter().map(|w| declared_waiter(cx, w)));
    out
}

/// `wait_until(|object| …)` of a service whose `get` returns `object`.
fn generic_waiter(cx: &Context<'_>, object: usize) -> TokenStream {
    let t = struct_path(cx, object);
    let type_name = &cx.api.structs[object].rust_name;
    let generic_doc = doc(&format!(
        "Waits until `done` is true of the {type_name}, fetching it with `get()` every 2 s for at most \
         10 min (the returned [`Wait`](sdkgen_runtime::wait::Wait) sets both); returns the {type_name} that \
         met the condition. Dropping the future stops waiting."
    ));
    quote! {
        #generic_doc
        pub fn wait_until(
            &self,
            done: impl Fn(&#t) -> bool + Send + Sync + 'static,
        ) -> sdkgen_runtime::wait::Wait<#t> {
            self.ctx.wait_until(done)
        }
    }
}

/// `wait_until_<name>()` of a waiter the model declares: a match of the
/// watched enum member on its done and failure values.
fn declared_waiter(cx: &Context<'_>, w: &crate::ir::Waiter) -> TokenStream {
    let api = cx.api;
    let t = struct_path(cx, w.object);
    let member = &api.structs[w.object].members[w.member];
    let en = &api.enums[w.values_of];
    let e = format_ident!("{}", en.rust_name);
    let field = ident(&member.rust);
    let variants = |ix: &[usize]| -> Vec<TokenStream> {
        ix.iter()
            .map(|&i| {
                let v = format_ident!("{}", en.values[i].rust);
                quote! { types::#e::#v }
            })
            .collect()
    };
    let done = variants(&w.done);
    let seen = format!("{} {{value}}", member.name);
    let unset = format!("without {}", member.name);
    let fail_arm = match variants(&w.fail).as_slice() {
        [] => TokenStream::new(),
        [one] => quote! { Some(value @ #one) => Progress::Failed(format!(#seen)), },
        many => quote! { Some(value @ (#(#many)|*)) => Progress::Failed(format!(#seen)), },
    };
    let wires = |ix: &[usize]| ix.iter().map(|&i| format!("`{}`", en.values[i].wire)).collect::<Vec<_>>().join(" or ");
    let what = format!("to have {} {}", member.name, wires(&w.done).replace('`', ""));
    let d = doc(&waiter_doc(w, &member.name, &api.structs[w.object].rust_name, &wires(&w.done), &wires(&w.fail)));
    let method = format_ident!("{}", w.rust);
    quote! {
        #d
        pub fn #method(&self) -> sdkgen_runtime::wait::Wait<#t> {
            use sdkgen_runtime::wait::Progress;
            self.ctx.wait_for(#what, |object: &#t| match &object.#field {
                Some(#(#done)|*) => Progress::Done,
                #fail_arm
                Some(value) => Progress::Pending(format!(#seen)),
                None => Progress::Pending(#unset.to_owned()),
            })
        }
    }
}

/// The documentation of a declared waiter: the model's words, then what it does.
fn waiter_doc(w: &crate::ir::Waiter, member: &str, type_name: &str, done: &str, fail: &str) -> String {
    let mut text = match &w.doc {
        Some(d) => format!("{}\n\n", d.trim()),
        None => String::new(),
    };
    text.push_str(&format!(
        "Waits until the `{member}` of the {type_name} is {done}, fetching it with `get()` every 2 s for at most \
         10 min (the returned [`Wait`](sdkgen_runtime::wait::Wait) sets both); returns the {type_name}."
    ));
    if !fail.is_empty() {
        text.push_str(&format!(" It is an error of kind `Failed` as soon as it is {fail}."));
    }
    text
}

/// What the server requires and accepts of the input, from the model's
/// input detail (the method's, plus the variant's for a variant).
fn input_detail(m: &Method, variant: Option<&str>) -> String {
    use crate::ir::Detail;
    let v = variant.and_then(|name| m.variants.iter().find(|v| v.name == name));
    let mandatory: Vec<&Detail> = m.mandatory.iter().chain(v.iter().flat_map(|v| v.mandatory.iter())).collect();
    let optional: Vec<&Detail> = m.optional.iter().chain(v.iter().flat_map(|v| v.optional.iter())).collect();
    let show = |d: &Detail| match d {
        Detail::One(path) => format!("`{path}`"),
        Detail::AnyOf(paths) => paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" or "),
    };
    let mut text = String::new();
    if !mandatory.is_empty() {
        let items: Vec<String> = mandatory.iter().map(|d| show(d)).collect();
        text.push_str(&folded("The server requires", &items));
    }
    if !optional.is_empty() {
        let items: Vec<String> = optional.iter().map(|d| show(d)).collect();
        text.push_str(&folded("The server also reads", &items));
    }
    text
}

/// Lists longer than this are folded away below their summary line.
const SHORT_LIST: usize = 6;

/// `lead: a, b, c.` as a paragraph, or for a long list a collapsed block
/// (`<details>`) whose summary says how many items it holds.
fn folded(lead: &str, items: &[String]) -> String {
    if items.len() <= SHORT_LIST {
        return format!("\n\n{lead}: {}.", items.join(", "));
    }
    format!(
        "\n\n<details><summary>{lead} {} members of the input (click to show)</summary>\n\n{}.\n\n</details>",
        items.len(),
        items.join(", ")
    )
}

/// The member of the action document that carries the action parameter
/// `p` (loading the model checked that it exists, with the same type).
fn action_member<'a>(cx: &Context<'a>, p: &Param) -> Result<&'a Member, String> {
    cx.api
        .structs
        .iter()
        .find(|t| t.name == ACTION_TYPE)
        .and_then(|action| action.members.iter().find(|a| a.name == p.name))
        .ok_or_else(|| format!("`{ACTION_TYPE}` has no member for the action parameter `{}`", p.name))
}

/// Whether `p` is sent as the body of a remove (a list of objects).
pub(crate) fn is_remove_body(m: &Method, p: &Param) -> bool {
    m.kind == MethodKind::Remove && p.list && matches!(p.ty, TypeRef::Struct(_))
}

/// The derived part of a method's documentation: what it sends and returns.
fn method_summary(cx: &Context<'_>, m: &Method, variant: Option<&str>) -> String {
    let http = match m.kind {
        MethodKind::Get => "Sends `GET` to this service and returns the object.".to_owned(),
        MethodKind::List => "Sends `GET` to this service and returns the collection; `stream()` on the request \
                             returns the items as they arrive instead."
            .to_owned(),
        MethodKind::Add => "Sends `POST` with the new object to this collection and returns the object the server \
                            created."
            .to_owned(),
        MethodKind::Update => "Sends `PUT` with the changed members and returns the updated object.".to_owned(),
        MethodKind::Remove => "Sends `DELETE` to this service.".to_owned(),
        MethodKind::Action => format!(
            "Sends `POST` with an `<action>` document to `…/{}` below this service{}.",
            m.path.as_deref().unwrap_or(""),
            match m.params.iter().find(|p| p.dir != Direction::In) {
                Some(p) => format!(" and returns its `{}` ({})", p.wire, type_words(cx, p.ty, p.list)),
                None => String::new(),
            }
        ),
    };
    match variant {
        Some(v) => {
            format!("{http}\n\nThe `{v}` form of `{}`: same request, with the parameters that form uses.", m.rust)
        }
        None => http,
    }
}

fn emit_builder(
    cx: &Context<'_>,
    service: usize,
    m: &Method,
    sig: &Signature<'_>,
    b: &proc_macro2::Ident,
) -> Result<TokenStream, String> {
    let api = cx.api;
    let s = &api.services[service];
    let body = m.body.map(|i| &m.params[i]);
    let result = m.result.map(|i| &m.params[i]);

    let mut setters = Vec::new();
    let mut remove_body: Option<(&Param, usize)> = None;
    for p in &sig.params {
        if p.dir == Direction::Out || Some(p.name.as_str()) == body.map(|b| b.name.as_str()) {
            continue;
        }
        if p.dir == Direction::Inout && m.kind != MethodKind::Action {
            return Err(format!("{}.{}: parameter `{}` is in-out but not the body", s.name, m.name, p.name));
        }
        let setter = ident(&p.rust);
        let mut text = match &p.doc {
            Some(d) => format!("{}\n\n", d.trim()),
            None => String::new(),
        };
        let pdep = deprecated(p.deprecated);
        let setter_tokens = if m.kind == MethodKind::Action {
            let member = action_member(cx, p)?;
            text.push_str(&format!(
                "Sent as the element `<{}>` of the action document ({}).",
                member.wire,
                type_words(cx, p.ty, p.list)
            ));
            let field = ident(&member.rust);
            let item = value_type(cx, p.ty);
            let (arg_ty, value) = match (p.ty, p.list) {
                (_, true) => (quote! { Vec<#item> }, quote! { Some(value.into()) }),
                (TypeRef::Struct(_), false) => {
                    (quote! { impl Optional<#item> }, quote! { value.into_option().map(Box::new) })
                }
                _ => (quote! { impl Optional<#item> }, quote! { value.into_option() }),
            };
            let sdoc = doc(&text);
            quote! {
                #sdoc
                #pdep
                pub fn #setter(mut self, value: #arg_ty) -> Self {
                    self.action.#field = #value;
                    self
                }
            }
        } else if let (true, TypeRef::Struct(i)) = (is_remove_body(m, p), p.ty) {
            // The documented form: the objects to remove go in the body.
            if remove_body.replace((p, i)).is_some() {
                return Err(format!("{}.{}: only one parameter can be the body of a remove", s.name, m.name));
            }
            text.push_str(&format!(
                "Sent as the body of the request: `<{}>` holding {}.",
                p.wire,
                type_words(cx, p.ty, true)
            ));
            let item = struct_path(cx, i);
            let field = format_ident!("{}", p.name);
            let sdoc = doc(&text);
            quote! {
                #sdoc
                #pdep
                pub fn #setter(mut self, value: Vec<#item>) -> Self {
                    self.#field = Some(value);
                    self
                }
            }
        } else {
            if p.list {
                return Err(format!("{}.{}: list parameter `{}` can't be a query parameter", s.name, m.name, p.name));
            }
            let wire = &p.wire;
            text.push_str(&format!(
                "Sent as the query parameter `{wire}` ({}); takes the value or an `Option` of it (`None` leaves it out).",
                type_words(cx, p.ty, false)
            ));
            let render = match p.ty {
                TypeRef::Primitive(Primitive::String | Primitive::Json) => quote! { value.into_option() },
                TypeRef::Primitive(Primitive::Boolean) => {
                    quote! { value.into_option().map(sdkgen_runtime::service::render_bool) }
                }
                TypeRef::Primitive(Primitive::Integer) => {
                    quote! { value.into_option().map(sdkgen_runtime::service::render_integer) }
                }
                TypeRef::Primitive(Primitive::Decimal | Primitive::Date) => {
                    quote! { value.into_option().map(|v| v.to_string()) }
                }
                TypeRef::Enum(_) => quote! { value.into_option().map(|v| v.as_str().to_owned()) },
                TypeRef::Struct(_) => {
                    return Err(format!(
                        "{}.{}: struct parameter `{}` can't be a query parameter",
                        s.name, m.name, p.name
                    ));
                }
            };
            let item = value_type(cx, p.ty);
            let sdoc = doc(&text);
            quote! {
                #sdoc
                #pdep
                pub fn #setter(mut self, value: impl Optional<#item>) -> Self {
                    self.call.set_param(#wire, #render);
                    self
                }
            }
        };
        setters.push(setter_tokens);
    }

    // The fields of the builder and what `send` does.
    let struct_type = |p: &Param| match p.ty {
        TypeRef::Struct(i) => Ok(struct_path(cx, i)),
        _ => Err(format!("{}.{}: `{}` must be a struct", s.name, m.name, p.name)),
    };
    let mut extra_fields = TokenStream::new();
    let mut stream = TokenStream::new();
    let (ret, send_body) = match m.kind {
        MethodKind::Get => {
            let r = result.ok_or_else(|| format!("{}.{}: a get needs an out parameter", s.name, m.name))?;
            let t = struct_type(r)?;
            (quote! { #t }, quote! { self.call.fetch() })
        }
        MethodKind::List => {
            let r = result.ok_or_else(|| format!("{}.{}: a list needs an out parameter", s.name, m.name))?;
            let t = struct_type(r)?;
            let pages = pages_method(cx, sig, &t);
            stream = quote! {
                /// Sends the request and returns the items as they are read from the reply,
                /// in constant memory, instead of collecting them all first.
                pub fn stream(
                    self,
                ) -> impl std::future::Future<Output = Result<sdkgen_runtime::connection::ItemStream<#t>, Error>> + Send {
                    self.call.stream()
                }

                /// Sends the request and returns the first item, `None` when the list is empty.
                pub fn first(self) -> impl std::future::Future<Output = Result<Option<#t>, Error>> + Send {
                    self.call.fetch_first()
                }

                /// Sends the request and returns the first item; an empty list is an error
                /// of kind `NotFound` that names the request (with its search).
                pub fn one(self) -> impl std::future::Future<Output = Result<#t, Error>> + Send {
                    self.call.fetch_one()
                }

                #pages
            };
            (quote! { Vec<#t> }, quote! { self.call.fetch_list() })
        }
        MethodKind::Add | MethodKind::Update => {
            let p = body.ok_or_else(|| format!("{}.{}: needs a body parameter", s.name, m.name))?;
            let t = struct_type(p)?;
            if p.list {
                // A collection of objects at once (`GlusterBricks.add`): the
                // body is a list document named after the parameter.
                if m.kind != MethodKind::Add {
                    return Err(format!("{}.{}: only an add can take a list", s.name, m.name));
                }
                let root = &p.wire;
                extra_fields = quote! { pub(crate) body: Vec<#t>, };
                (quote! { Vec<#t> }, quote! { self.call.add_list_as(crate::xml::list_to_xml(&self.body, #root)) })
            } else {
                extra_fields = quote! { pub(crate) body: #t, };
                let verb = if m.kind == MethodKind::Add {
                    quote! { add_as }
                } else {
                    quote! { update_as }
                };
                (quote! { #t }, quote! { self.call.#verb(crate::xml::to_xml(&self.body)) })
            }
        }
        MethodKind::Remove => match remove_body {
            None => (quote! { () }, quote! { self.call.remove(None) }),
            Some((p, i)) => {
                let item = struct_path(cx, i);
                let field = format_ident!("{}", p.name);
                let root = &p.wire;
                extra_fields = quote! { pub(crate) #field: Option<Vec<#item>>, };
                (
                    quote! { () },
                    quote! {
                        let body = self.#field.as_deref().map(|items| crate::xml::list_to_xml(items, #root));
                        self.call.remove(body)
                    },
                )
            }
        },
        MethodKind::Action => {
            extra_fields = quote! { pub(crate) action: types::Action, };
            let path = m.path.as_deref().unwrap_or_default();
            let body = quote! { crate::xml::to_xml(&self.action) };
            let out = m.params.iter().find(|p| p.dir != Direction::In);
            match out {
                None => (quote! { () }, quote! { self.call.action_done(#path, #body) }),
                Some(p) => {
                    let member = action_member(cx, p)?;
                    let field = ident(&member.rust);
                    let item = value_type(cx, p.ty);
                    let (ret, pick) = match (p.ty, p.list) {
                        (_, true) => (
                            quote! { Vec<#item> },
                            quote! { reply.#field.map(sdkgen_runtime::List::into_vec).unwrap_or_default() },
                        ),
                        (TypeRef::Struct(_), false) => {
                            (quote! { Option<#item> }, quote! { reply.#field.map(|value| *value) })
                        }
                        _ => (quote! { Option<#item> }, quote! { reply.#field }),
                    };
                    (ret, quote! { self.call.action_output(#path, #body, |reply: types::Action| #pick) })
                }
            }
        }
    };

    let method_path = format!("{}::{}", s.rust_name, sig.rust);
    let sharing: Vec<String> = signatures(m)
        .iter()
        .filter(|other| other.builder == sig.rust && other.rust != sig.rust)
        .map(|other| format!("[`{0}::{1}`](super::{0}::{1})", s.rust_name, other.rust))
        .collect();
    let also = match sharing.as_slice() {
        [] => String::new(),
        many => format!(" (and of {}, which are sent the same way)", many.join(", ")),
    };
    let bdoc = doc(&format!(
        "The request of [`{method_path}`](super::{method_path}){also}: set its parameters, then `send()` it."
    ));
    let send_doc = match m.kind {
        MethodKind::Remove => "Sends the request.",
        MethodKind::Action if m.params.iter().any(|p| p.dir != Direction::In) => {
            "Sends the request and returns the output of the action (`None` when the server left it out)."
        }
        MethodKind::Action => "Sends the request; a fault in the reply is an error.",
        _ => "Sends the request and returns the reply, read into its type.",
    };
    let send_doc = doc(send_doc);
    let dep = deprecated(sig.deprecated);
    Ok(quote! {
        #bdoc
        #dep
        #[must_use = "a request does nothing until it is sent"]
        pub struct #b {
            pub(crate) call: Call,
            #extra_fields
        }

        impl #b {
            #(#setters)*

            #send_doc
            pub fn send(self) -> impl std::future::Future<Output = Result<#ret, Error>> + Send {
                #send_body
            }

            #stream
        }

        impl RequestOptions for #b {
            type Call = Call;

            fn call_mut(&mut self) -> &mut Call {
                &mut self.call
            }
        }
    })
}

/// `services/mod.rs`: the modules, `AnyService` and path resolution.
pub(crate) fn emit_services_mod(cx: &Context<'_>) -> TokenStream {
    let api = cx.api;
    let mut order: Vec<usize> = (0..api.services.len()).collect();
    order.sort_by_key(|&i| module(cx, i));
    let mods = order.iter().map(|&i| {
        let m = format_ident!("{}", module(cx, i));
        quote! { mod #m; }
    });
    let uses = order.iter().map(|&i| {
        let m = format_ident!("{}", module(cx, i));
        let s = &api.services[i];
        let mut items = vec![format_ident!("{}", s.rust_name)];
        for mth in &s.methods {
            for sig in signatures(mth).iter().filter(|sig| sig.owns_builder()) {
                items.push(builder_name(cx, i, sig.rust));
            }
        }
        quote! { pub use #m::{#(#items),*}; }
    });
    let variants = order.iter().map(|&i| {
        let v = format_ident!("{}", short(cx, i));
        let t = format_ident!("{}", api.services[i].rust_name);
        let d = doc(&format!("A [`{0}`].", api.services[i].rust_name));
        quote! { #d #v(#t), }
    });
    let path_arms = order.iter().map(|&i| {
        let v = format_ident!("{}", short(cx, i));
        quote! { AnyService::#v(s) => s.path(), }
    });
    let locate_arms = order.iter().map(|&i| {
        let v = format_ident!("{}", short(cx, i));
        quote! { AnyService::#v(s) => s.locate(segment), }
    });
    let name_arms = order.iter().map(|&i| {
        let v = format_ident!("{}", short(cx, i));
        let n = &api.services[i].rust_name;
        quote! { AnyService::#v(_) => #n, }
    });
    let root = &api.services[api.root_service];
    let root_name = format_ident!("{}", root.rust_name);
    let root_variant = format_ident!("{}", short(cx, api.root_service));
    let module_doc = inner_doc(&format!(
        "The services of the {} API: {} service types, reached from [`{}`] through their locators \
         (`vms_service()`, `vm_service(id)`, …), or from a path with [`resolve`].\n\n\
         Every method returns a request builder with one setter per parameter, plus `query`, `header` and \
         `timeout`; `send().await` sends it and returns the typed result. Names that are Rust keywords get \
         a trailing `_` (`import_`, `async_`), and a parameter named like a builder method gets `_param` \
         (`timeout_param`).",
        api.name,
        api.services.len(),
        root.rust_name
    ));
    quote! {
        #module_doc
        #![allow(deprecated)]

        #(#mods)*

        #(#uses)*

        use sdkgen_runtime::connection::{Connection, Error, ErrorKind};
        use sdkgen_runtime::service::ServiceContext;

        /// Any service, as found by [`resolve`].
        #[derive(Clone, Debug)]
        pub enum AnyService {
            #(#variants)*
        }

        impl AnyService {
            /// The path of the service below the API root.
            pub fn path(&self) -> &str {
                match self {
                    #(#path_arms)*
                }
            }

            /// The name of the service type (`VmService`).
            pub fn type_name(&self) -> &'static str {
                match self {
                    #(#name_arms)*
                }
            }

            /// The service one segment below this one.
            fn locate(&self, segment: &str) -> Option<AnyService> {
                match self {
                    #(#locate_arms)*
                }
            }
        }

        /// The root service of `connection`.
        pub fn root(connection: &Connection) -> #root_name {
            #root_name { ctx: ServiceContext::root(connection) }
        }

        /// The service at `path` below the API root (`""` is the root, `"vms/123/nics"`
        /// the NICs of a VM), found by following the locators segment by segment.
        /// The path is in URL form: `vms/a%2Fb` is the VM whose id is `a/b`. A path that leads
        /// nowhere is an error naming the first segment that did not resolve.
        pub fn resolve(connection: &Connection, path: &str) -> Result<AnyService, Error> {
            let mut current = AnyService::#root_variant(root(connection));
            let trimmed = path.trim_matches('/');
            if trimmed.is_empty() {
                return Ok(current);
            }
            for segment in trimmed.split('/') {
                let next = if segment.is_empty() { None } else { current.locate(&sdkgen_runtime::service::decode_segment(segment)) };
                current = next.ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidInput,
                        format!(
                            "The path '{path}' leads to no service: '{segment}' is not a service below {} ('{}').",
                            current.type_name(),
                            current.path()
                        ),
                    )
                })?;
            }
            Ok(current)
        }
    }
}
