//! `src/client.rs` of a JSON API's crate: the protocol as a value, the
//! `Client` that every service hangs from, and its builder, whose setters
//! are named from the model (`api_key`, `credentials`, `dc`).

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::{Context, doc};
use crate::names::ident;
use crate::protocol::{Auth, Protocol};

/// The tokens of `src/client.rs`.
pub(crate) fn emit(cx: &Context<'_>) -> TokenStream {
    let p = &*cx.api.protocol_or_empty();
    let protocol = protocol_value(p);
    let imports = protocol_imports(p);
    let client = client_type(cx, &p.title);
    let builder = builder_type(p);
    quote! {
        use std::time::Duration;

        use sdkgen_runtime::connection::{Error, Secret};
        use sdkgen_runtime::json::{Errors, JsonClient, JsonClientBuilder, Protocol};
        #(#imports)*

        use crate::services;

        #protocol

        #client

        #builder
    }
}

/// The `Client`: its builder, the root service and the root's locators and
/// methods as shortcuts, and `close()`.
fn client_type(cx: &Context<'_>, title: &str) -> TokenStream {
    let root = &cx.api.services[cx.api.root_service];
    let root_name = format_ident!("{}", root.rust_name);
    let shortcuts = root_shortcuts(cx);
    let client_doc = doc(&format!(
        "A client of the {title} API: the settings, the pool of connections and the login state, shared by \
         clones (cloning is cheap). Make one with [`Client::builder`]."
    ));
    quote! {
        #client_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: JsonClient,
        }

        impl Client {
            /// A builder for a client of the API at `url`, the API's own URL without a trailing `/`
            /// (for example `https://cloud.example.com/api`).
            pub fn builder(url: impl Into<String>) -> ClientBuilder {
                ClientBuilder { inner: JsonClient::builder(url, &PROTOCOL) }
            }

            /// The runtime's client under this one.
            pub fn json_client(&self) -> &JsonClient {
                &self.inner
            }

            /// The API URL the client was built with.
            pub fn url(&self) -> &str {
                self.inner.url()
            }

            /// The root service, from which every other service is reached.
            pub fn root(&self) -> services::#root_name {
                services::#root_name::at(self, "")
            }

            #(#shortcuts)*

            /// Ends the session: logs out when the client logged in (nothing
            /// to do for a key). Later requests log in again.
            pub fn close(&self) -> impl std::future::Future<Output = Result<(), Error>> + Send {
                self.inner.close()
            }
        }
    }
}

/// The `ClientBuilder`: the setters the protocol asks for, the task
/// settings, the transport options and `build()`.
fn builder_type(p: &Protocol) -> TokenStream {
    let settings = builder_settings(p);
    let transport = transport_setters();
    quote! {
        /// The settings of a [`Client`]; [`build`](Self::build) checks them. Its
        /// `Debug` output never shows a secret.
        #[derive(Clone, Debug)]
        #[must_use = "a builder does nothing until `build()`"]
        pub struct ClientBuilder {
            inner: JsonClientBuilder,
        }

        impl ClientBuilder {
            #(#settings)*

            /// How the client waits for a task: the pauses between two polls of its state, the
            /// last one repeating (the API's own schedule by default).
            pub fn task_backoff(self, steps: Vec<Duration>) -> Self {
                ClientBuilder { inner: self.inner.task_backoff(steps) }
            }

            /// The longest `send()` waits for a task before it fails with an error of kind `Timeout`.
            pub fn task_deadline(self, deadline: Duration) -> Self {
                ClientBuilder { inner: self.inner.task_deadline(deadline) }
            }

            #transport

            /// Checks the settings and makes the client. Nothing is sent: the first request
            /// logs in when the client was given credentials.
            pub fn build(&self) -> Result<Client, Error> {
                Ok(Client { inner: self.inner.build()? })
            }
        }
    }
}

/// The transport options, the same on every client (they have the names
/// and meaning of the oVirt `ConnectionBuilder`'s).
fn transport_setters() -> TokenStream {
    quote! {
        /// Accepts any server certificate. Only for tests: anyone on the path can read and change the traffic.
        pub fn insecure(self, insecure: bool) -> Self {
            ClientBuilder { inner: self.inner.insecure(insecure) }
        }

        /// Trusts the CA certificates in this PEM file instead of the system's.
        pub fn ca_file(self, path: impl AsRef<std::path::Path>) -> Self {
            ClientBuilder { inner: self.inner.ca_file(path) }
        }

        /// Trusts the CA certificates in this PEM text instead of the system's.
        pub fn ca_pem(self, pem: impl Into<Vec<u8>>) -> Self {
            ClientBuilder { inner: self.inner.ca_pem(pem) }
        }

        /// The longest a request may take, reply included (no limit by default).
        pub fn timeout(self, timeout: Duration) -> Self {
            ClientBuilder { inner: self.inner.timeout(timeout) }
        }

        /// The longest connecting may take (TLS handshake and proxy included).
        pub fn connect_timeout(self, timeout: Duration) -> Self {
            ClientBuilder { inner: self.inner.connect_timeout(timeout) }
        }

        /// Asks for gzip-compressed replies.
        pub fn compress(self, compress: bool) -> Self {
            ClientBuilder { inner: self.inner.compress(compress) }
        }

        /// Sends every request through this HTTP proxy (by default the `https_proxy`
        /// family of environment variables decides).
        pub fn proxy(self, url: impl Into<String>) -> Self {
            ClientBuilder { inner: self.inner.proxy(url) }
        }

        /// Connects directly, whatever the environment says.
        pub fn no_proxy(self) -> Self {
            ClientBuilder { inner: self.inner.no_proxy() }
        }

        /// A header sent with every request.
        pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
            ClientBuilder { inner: self.inner.header(name, value) }
        }

        /// The most idle connections kept for reuse.
        pub fn connections(self, connections: usize) -> Self {
            ClientBuilder { inner: self.inner.connections(connections) }
        }

        /// Logs every request and reply (secrets redacted) as `tracing` events at debug level;
        /// a `tracing` subscriber must be installed to see them.
        pub fn debug(self, debug: bool) -> Self {
            ClientBuilder { inner: self.inner.debug(debug) }
        }

        /// How the log names this client (the server's host by default).
        pub fn log_label(self, label: impl Into<String>) -> Self {
            ClientBuilder { inner: self.inner.log_label(label) }
        }
    }
}

/// `pub static PROTOCOL: Protocol = …;`, the model's `protocol:` as a value.
fn protocol_value(p: &Protocol) -> TokenStream {
    let title = &p.title;
    let slash = p.trailing_slash;
    let prefix = option_str(p.prefix.as_ref().map(|x| x.template.as_str()));
    let headers = p.headers.iter().map(|(n, v)| quote! { (#n, #v) });
    let envelope = match &p.envelope {
        Some(e) => {
            let (r, s, t) = (&e.result, &e.status, &e.task_id);
            quote! { Some(Envelope { result: #r, status: #s, task_id: #t }) }
        }
        None => quote! { None },
    };
    let tasks = match &p.tasks {
        Some(t) => {
            let path = &t.status_path;
            let http = Literal::u16_unsuffixed(t.pending_http);
            let (pending, success, failure, revoked) = (&t.pending, &t.success, &t.failure, &t.revoked);
            let backoff = t.backoff_ms.iter().map(|ms| Literal::u64_unsuffixed(*ms));
            let deadline = Literal::u64_unsuffixed(t.deadline_s);
            let cancel = match &t.cancel {
                Some((verb, path)) => quote! { Some((#verb, #path)) },
                None => quote! { None },
            };
            quote! {
                Some(Tasks {
                    status_path: #path,
                    pending_http: #http,
                    pending: &[#(#pending),*],
                    success: &[#(#success),*],
                    failure: &[#(#failure),*],
                    revoked: &[#(#revoked),*],
                    backoff_ms: &[#(#backoff),*],
                    deadline_s: #deadline,
                    cancel: #cancel,
                })
            }
        }
        None => quote! { None },
    };
    let message = &p.error_message;
    let statuses = p.error_statuses.iter().map(|(code, kind)| {
        let code = Literal::u16_unsuffixed(*code);
        let kind = format_ident!("{kind}");
        quote! { (#code, ErrorKind::#kind) }
    });
    let auth = p.auth.iter().map(auth_value);
    let d = doc(&format!(
        "How the {title} API travels: what the model's `api.yaml` says under `protocol:`, read by the runtime."
    ));
    quote! {
        #d
        pub static PROTOCOL: Protocol = Protocol {
            title: #title,
            trailing_slash: #slash,
            prefix: #prefix,
            envelope: #envelope,
            tasks: #tasks,
            errors: Errors { message_fields: &[#(#message),*], statuses: &[#(#statuses),*] },
            auth: &[#(#auth),*],
            headers: &[#(#headers),*],
        };
    }
}

/// The runtime names the protocol value and the setters use, beyond those
/// every client uses.
fn protocol_imports(p: &Protocol) -> Vec<TokenStream> {
    let mut out = Vec::new();
    if !p.error_statuses.is_empty() {
        out.push(quote! { use sdkgen_runtime::connection::ErrorKind; });
    }
    if !p.auth.is_empty() {
        out.push(quote! { use sdkgen_runtime::json::AuthScheme; });
    }
    if p.auth.iter().any(|a| matches!(a, Auth::Login { .. })) {
        out.push(quote! { use sdkgen_runtime::json::LoginScheme; });
    }
    if p.envelope.is_some() {
        out.push(quote! { use sdkgen_runtime::json::Envelope; });
    }
    if p.auth.iter().any(|a| matches!(a, Auth::Signer { .. })) {
        out.push(quote! { use sdkgen_runtime::json::Signer; });
    }
    if p.tasks.is_some() {
        out.push(quote! { use sdkgen_runtime::json::Tasks; });
    }
    out
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    }
}

fn auth_value(auth: &Auth) -> TokenStream {
    match auth {
        Auth::Header { name, setting, .. } => quote! { AuthScheme::Header { name: #name, setting: #setting } },
        Auth::Login { path, user, password, token, header, format, relogin_on, relogin_if, logout } => {
            let relogin_on = Literal::u16_unsuffixed(*relogin_on);
            let logout = match logout {
                Some((verb, path)) => quote! { Some((#verb, #path)) },
                None => quote! { None },
            };
            quote! {
                AuthScheme::Login(LoginScheme {
                    path: #path,
                    user_field: #user,
                    password_field: #password,
                    token_field: #token,
                    header: #header,
                    format: #format,
                    relogin_on: #relogin_on,
                    relogin_if: &[#(#relogin_if),*],
                    logout: #logout,
                })
            }
        }
        Auth::Signer { .. } => quote! { AuthScheme::Signer },
    }
}

/// The builder setters the protocol asks for: one per header secret, the
/// credentials of a login, the signer, the prefix's parameter.
fn builder_settings(p: &Protocol) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for auth in &p.auth {
        out.push(match auth {
            Auth::Header { name, setting, doc: what } => {
                let method = ident(setting);
                let d = doc(&format!(
                    "{}\n\nSent in the `{name}` header of every request; never logged or shown by `Debug`.",
                    what.as_deref().unwrap_or("The secret of this header.")
                ));
                quote! {
                    #d
                    pub fn #method(self, value: impl Into<Secret>) -> Self {
                        ClientBuilder { inner: self.inner.secret(#setting, value) }
                    }
                }
            }
            Auth::Login { path, header, relogin_on, relogin_if, .. } => {
                let when = match relogin_if.as_slice() {
                    [] => String::new(),
                    texts => {
                        format!(" saying {}", texts.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" or "))
                    }
                };
                let d = doc(&format!(
                    "Logs in with a user name and password: the first request posts them to `{path}`, and the \
                     token it returns is sent in the `{header}` header. When the server refuses the token with \
                     {relogin_on}{when} (it expired or was replaced), the client logs in again once and repeats \
                     the request."
                ));
                quote! {
                    #d
                    pub fn credentials(self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
                        ClientBuilder { inner: self.inner.credentials(username, password) }
                    }
                }
            }
            Auth::Signer { doc: what } => {
                let d = doc(&format!(
                    "{}\n\nThe signer sees the exact method, URL and body of every request and adds its headers.",
                    what.as_deref().unwrap_or("Signs every request.")
                ));
                quote! {
                    #d
                    pub fn signer(self, signer: impl Signer + 'static) -> Self {
                        ClientBuilder { inner: self.inner.signer(signer) }
                    }
                }
            }
        });
    }
    if let Some(prefix) = &p.prefix {
        let method = ident(&prefix.param);
        let d = doc(&format!(
            "Puts `{}` in front of every path, with this value for `{{{}}}`.",
            prefix.template, prefix.param
        ));
        out.push(quote! {
            #d
            pub fn #method(self, value: impl Into<String>) -> Self {
                ClientBuilder { inner: self.inner.prefix_value(value) }
            }
        });
    }
    out
}

/// `client.vms_service()`, `client.ping()`: the root service's locators and
/// methods, straight on the client.
fn root_shortcuts(cx: &Context<'_>) -> Vec<TokenStream> {
    let root = &cx.api.services[cx.api.root_service];
    let mut out = Vec::new();
    for (_, l) in cx.api.all_locators(cx.api.root_service) {
        let method = ident(&crate::names::rust_method(&l.rust));
        let target = format_ident!("{}", cx.api.services[l.service].rust_name);
        let d = doc(l.doc.as_deref().map(str::trim).unwrap_or("A service of the root."));
        out.push(if l.takes_id {
            quote! { #d pub fn #method(&self, id: impl AsRef<str>) -> services::#target { self.root().#method(id) } }
        } else {
            quote! { #d pub fn #method(&self) -> services::#target { self.root().#method() } }
        });
    }
    for (_, m) in cx.api.all_methods(cx.api.root_service) {
        let method = ident(&m.rust);
        let request = super::services::request_name(root, m);
        let d = doc(m.doc.as_deref().map(str::trim).unwrap_or("A method of the root service."));
        out.push(quote! { #d pub fn #method(&self) -> services::#request { self.root().#method() } });
    }
    out
}
