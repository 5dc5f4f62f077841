//! [`JsonClient`] and its builder: the URL, the protocol, authentication,
//! and the one exchange every call, poll, login and logout goes through.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use url::Url;

use super::auth::{Auth, Login, Signer};
use super::call::JsonCall;
use super::error::{error_with_kind, reply_error};
use super::protocol::{AuthScheme, Protocol};
use super::task::Task;
use crate::connection::builder::{TransportOptions, header_pair, parse_base_url};
use crate::connection::log::loggable_body;
use crate::connection::path::{push_segments, with_query};
use crate::connection::{Error, ErrorKind, Secret};
use crate::transport::{Outgoing, Transport, describe};

/// The most bytes of an error reply's body that are read (the rest is
/// dropped with the connection).
const MAX_ERROR_BODY: usize = 64 << 10;

/// A client of one JSON API, described by its [`Protocol`].
///
/// Clones share one pool of kept-alive connections and one login token;
/// the client can be used from many tasks at once. Generated crates wrap it
/// in their own `Client` and build each operation with [`call`](Self::call).
#[derive(Clone)]
pub struct JsonClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) protocol: &'static Protocol,
    transport: Transport,
    /// The URL as given, without a trailing `/`.
    url: String,
    /// The API root; its path has no trailing `/`.
    base: Url,
    /// The path prefix with its value (`/dc/main`), or empty.
    prefix: String,
    /// The protocol's fixed headers, then the user's, then `User-Agent`.
    headers: HeaderMap,
    timeout: Option<Duration>,
    auth: Auth,
    slots: crate::connection::limits::Slots,
    debug: bool,
    label: String,
    pub(crate) backoff: Vec<Duration>,
    pub(crate) deadline: Duration,
}

/// A request checked and ready to go, without its authentication.
pub(crate) struct Prepared {
    method: http::Method,
    url: Url,
    headers: HeaderMap,
    body: Option<Bytes>,
    timeout: Option<Duration>,
    /// `POST https://host/api/vm/x/` (no query), for messages.
    what: String,
}

/// What a request needs to go out: parts of [`Prepared`] the caller gives.
pub(crate) struct Draft<'a> {
    pub(crate) method: &'static str,
    pub(crate) operation: &'static str,
    /// Relative to the API URL, segments in URL form.
    pub(crate) path: &'a str,
    /// Whether the client's path prefix goes in front of `path`.
    pub(crate) prefixed: bool,
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) timeout: Option<Duration>,
}

/// A reply: its status and headers, and its body (whole for a success,
/// the first [`MAX_ERROR_BODY`] bytes otherwise).
pub(crate) struct RawReply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    /// Whether the body was longer than what was read.
    pub(crate) truncated: bool,
    /// The request it answers, as messages name it.
    pub(crate) what: String,
    /// What errors made from the reply must not show.
    pub(crate) secrets: Vec<Secret>,
}

impl RawReply {
    /// The first value of header `name`, as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Content-Type` header.
    pub(crate) fn content_type(&self) -> Option<&str> {
        self.header(CONTENT_TYPE.as_str())
    }

    /// Whether the status is 2xx.
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `error` without the secrets of the request this answers.
    pub(crate) fn hide_secrets(&self, error: Error) -> Error {
        error.scrubbed(&self.secrets)
    }
}

/// The authentication of one request.
struct Credentials {
    headers: Vec<(HeaderName, HeaderValue)>,
    secrets: Vec<Secret>,
    /// The generation of the login token used, if one was.
    login_generation: Option<u64>,
    /// Whether the reply body may be logged (not that of a login: it holds
    /// a token no one knows yet, so it can't be taken out).
    reply_loggable: bool,
}

impl Credentials {
    /// No authentication headers; `secrets` kept out of logs and errors.
    fn none(secrets: Vec<Secret>) -> Credentials {
        Credentials { headers: Vec::new(), secrets, login_generation: None, reply_loggable: true }
    }
}

impl JsonClient {
    /// Starts building a client of the API described by `protocol`, whose
    /// root is `url` (such as `https://my.erigones.com/api`).
    pub fn builder(url: impl Into<String>, protocol: &'static Protocol) -> JsonClientBuilder {
        JsonClientBuilder::new(url.into(), protocol)
    }

    /// The URL of the API root, as given (without a trailing `/`).
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// A call of `method` ("GET", "POST", "PUT", "DELETE", "PATCH") on `path` relative to the API URL
    /// (segments already percent-encoded by the caller via [`encode_segment`](super::encode_segment)),
    /// named `operation` in messages ("VmService::get").
    pub fn call(&self, operation: &'static str, method: &'static str, path: String) -> JsonCall {
        JsonCall::new(self.clone(), operation, method, path)
    }

    /// A handle on the task `id`, started earlier (perhaps by another
    /// process), named after `operation` in messages.
    pub fn task(&self, operation: &'static str, id: impl Into<String>) -> Task {
        Task::new(self.clone(), operation, id.into())
    }

    /// Logs out when a login scheme is in use and has a logout operation; idempotent.
    /// The token is forgotten (the next call logs in again) and idle
    /// connections are closed.
    pub fn close(&self) -> impl Future<Output = Result<(), Error>> + Send + use<> {
        let inner = self.inner.clone();
        async move {
            let result = inner.logout().await;
            inner.transport.close_idle();
            result
        }
    }
}

impl fmt::Debug for JsonClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("JsonClient")
            .field("api", &i.protocol.title)
            .field("url", &i.url)
            .field("prefix", &i.prefix)
            .field("auth", &i.auth)
            .field("timeout", &i.timeout)
            .finish_non_exhaustive()
    }
}

impl Inner {
    /// Checks and completes a request; nothing is sent yet.
    pub(crate) fn prepare(&self, draft: Draft<'_>) -> Result<Prepared, Error> {
        let method = http::Method::from_bytes(draft.method.as_bytes()).map_err(|_| {
            let m = draft.method.escape_debug();
            Error::new(
                ErrorKind::InvalidInput,
                format!("The method '{m}' of {} isn't an HTTP method.", draft.operation),
            )
        })?;
        let url = self.url_for(draft.path, draft.prefixed, draft.query)?;
        let mut headers = self.headers.clone();
        let mut own = HeaderMap::new();
        for (name, value) in draft.headers {
            let (name, value) = header_pair(name, value)?;
            own.append(name, value);
        }
        for name in own.keys() {
            headers.remove(name);
        }
        headers.extend(own);
        if draft.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        let timeout = match draft.timeout {
            Some(t) if t.is_zero() => None,
            Some(t) => Some(t),
            None => self.timeout,
        };
        let what = describe(&method, &url);
        Ok(Prepared { method, url, headers, body: draft.body.map(Bytes::from), timeout, what })
    }

    /// The URL of `path`: the API root, the prefix when asked for, each
    /// segment of `path` made safe (its escapes kept), the trailing `/`
    /// when the protocol wants one, and `query`.
    fn url_for(&self, path: &str, prefixed: bool, query: &[(String, String)]) -> Result<Url, Error> {
        let relative = path.strip_prefix('/').unwrap_or(path);
        let (relative, slash) = match relative.strip_suffix('/') {
            Some(rest) => (rest, true),
            None => (relative, false),
        };
        let mut full = self.base.path().trim_end_matches('/').to_owned();
        if prefixed {
            full.push_str(&self.prefix);
        }
        if !relative.is_empty() {
            push_segments(&mut full, relative, path)?;
        }
        if slash || self.protocol.trailing_slash || full.is_empty() {
            full.push('/');
        }
        let mut url = self.base.clone();
        url.set_path(&full);
        Ok(with_query(url, query))
    }

    /// Sends `prepared` with the client's authentication; a login token
    /// refused as the scheme's `relogin_on`/`relogin_if` describe is renewed once (one
    /// login for every request that saw the same refusal) and the request
    /// sent once more. The reply is returned whatever its status.
    pub(crate) async fn execute(&self, prepared: &Prepared) -> Result<RawReply, Error> {
        let credentials = self.credentials(prepared).await?;
        let reply = self.exchange(prepared, &credentials).await?;
        let (Some(generation), Auth::Login(login)) = (credentials.login_generation, &self.auth) else {
            return Ok(reply);
        };
        if !login.scheme.refuses_the_token(reply.status, &reply.body) {
            return Ok(reply);
        }
        tracing::debug!(
            connection = %self.label,
            request = %prepared.what,
            status = reply.status,
            "the token was refused: logging in again and sending once more"
        );
        self.renew_token(login, generation).await?;
        let credentials = self.credentials(prepared).await?;
        self.exchange(prepared, &credentials).await
    }

    /// Sends `prepared` without credentials; the reply is returned whatever
    /// its status.
    pub(crate) async fn execute_anonymous(&self, prepared: &Prepared) -> Result<RawReply, Error> {
        self.exchange(prepared, &Credentials::none(self.auth.secrets())).await
    }

    /// The authentication headers of one request (logging in first when
    /// the login scheme has no token yet).
    async fn credentials(&self, prepared: &Prepared) -> Result<Credentials, Error> {
        let mut credentials = Credentials::none(self.auth.secrets());
        match &self.auth {
            Auth::Anonymous => {}
            Auth::Header { name, value, .. } => credentials.headers.push((name.clone(), value.clone())),
            Auth::Login(login) => {
                let (generation, token) = self.token(login).await?;
                let header = login.header(&token).ok_or_else(|| {
                    let message = format!("The token {} gave can't be sent in an HTTP header.", self.protocol.title);
                    Error::new(ErrorKind::InvalidResponse, message)
                })?;
                credentials.headers.push(header);
                credentials.secrets.push(token);
                credentials.login_generation = Some(generation);
            }
            Auth::Signer(signer) => self.sign(signer.as_ref(), prepared, &mut credentials).await?,
        }
        Ok(credentials)
    }

    /// Asks the signer for the headers of `prepared`.
    async fn sign(&self, signer: &dyn Signer, prepared: &Prepared, credentials: &mut Credentials) -> Result<(), Error> {
        let body = prepared.body.as_deref().unwrap_or_default();
        let request = super::SignRequest { method: prepared.method.as_str(), url: prepared.url.as_str(), body };
        for (name, value) in signer.sign(request).await? {
            let (name, mut header) = header_pair(&name, value.expose())?;
            header.set_sensitive(true);
            credentials.headers.push((name, header));
            credentials.secrets.push(value);
        }
        Ok(())
    }

    /// The login token and its generation, logging in first when there is
    /// none; concurrent callers share one login.
    async fn token(&self, login: &Login) -> Result<(u64, Secret), Error> {
        if let Some(current) = login.current() {
            return Ok(current);
        }
        let _guard = login.lock.lock().await;
        if let Some(current) = login.current() {
            return Ok(current);
        }
        let token = self.login(login).await?;
        let generation = login.store(token.clone());
        Ok((generation, token))
    }

    /// Logs in again unless another request already did since the token of
    /// `generation` was refused.
    async fn renew_token(&self, login: &Login, generation: u64) -> Result<(), Error> {
        let _guard = login.lock.lock().await;
        if login.generation() != generation && login.current().is_some() {
            return Ok(());
        }
        let token = self.login(login).await?;
        login.store(token);
        Ok(())
    }

    /// The login operation: the credentials in, a token out.
    async fn login(&self, login: &Login) -> Result<Secret, Error> {
        let draft = Draft {
            method: "POST",
            operation: "Logging in",
            path: login.scheme.path,
            prefixed: false,
            query: &[],
            headers: &[],
            body: Some(login.body()),
            timeout: None,
        };
        let prepared = self.prepare(draft)?;
        let anonymous = Credentials { reply_loggable: false, ..Credentials::none(self.auth.secrets()) };
        let reply = self.exchange(&prepared, &anonymous).await?;
        if !reply.is_success() {
            let kind = if reply.status >= 500 { ErrorKind::Server } else { ErrorKind::Authentication };
            return Err(reply.hide_secrets(error_with_kind(self.protocol, "Logging in", &reply, kind)));
        }
        token_of(&reply, login.scheme.token_field).ok_or_else(|| {
            let message = format!(
                "Logging in failed: the reply of {} to {} has no text member '{}' holding the token.",
                self.protocol.title, reply.what, login.scheme.token_field
            );
            reply.hide_secrets(Error::new(ErrorKind::InvalidResponse, message).with_code(reply.status))
        })
    }

    /// Logs out (when logged in and the scheme has a logout operation) and
    /// forgets the token.
    async fn logout(&self) -> Result<(), Error> {
        let Auth::Login(login) = &self.auth else { return Ok(()) };
        let _guard = login.lock.lock().await;
        let Some(token) = login.take() else { return Ok(()) };
        let Some((method, path)) = login.scheme.logout else { return Ok(()) };
        let body = (!method.eq_ignore_ascii_case("GET")).then(|| b"{}".to_vec());
        let draft = Draft {
            method,
            operation: "Logging out",
            path,
            prefixed: false,
            query: &[],
            headers: &[],
            body,
            timeout: None,
        };
        let prepared = self.prepare(draft)?;
        let mut credentials = Credentials::none(self.auth.secrets());
        credentials.headers.extend(login.header(&token));
        credentials.secrets.push(token);
        let reply = self.exchange(&prepared, &credentials).await?;
        if reply.is_success() {
            return Ok(());
        }
        Err(reply.hide_secrets(reply_error(self.protocol, "Logging out", &reply)))
    }

    /// One exchange: the request with `credentials`, the reply read within
    /// the request's timeout, both logged without secrets.
    async fn exchange(&self, prepared: &Prepared, credentials: &Credentials) -> Result<RawReply, Error> {
        let mut headers = prepared.headers.clone();
        for (name, value) in &credentials.headers {
            headers.insert(name.clone(), value.clone());
        }
        let secrets = &credentials.secrets;
        let _permit = self.slots.take("client").await?;
        let target = Target(&prepared.url);
        tracing::debug!(connection = %self.label, method = %prepared.method, url = %target, "sending request");
        if let (true, Some(body)) = (self.debug, &prepared.body) {
            tracing::trace!(connection = %self.label, body = %loggable_body(body, secrets), "request body");
        }
        let started = Instant::now();
        let outgoing = Outgoing {
            method: prepared.method.clone(),
            url: &prepared.url,
            headers: &headers,
            body: prepared.body.clone(),
            what: &prepared.what,
        };
        let exchange = async {
            let reply = self.transport.send(outgoing).await?;
            let (body, truncated) = if (200..300).contains(&reply.status) {
                (reply.body.read_all().await?, false)
            } else {
                reply.body.read_prefix(MAX_ERROR_BODY).await?
            };
            let what = prepared.what.clone();
            Ok(RawReply {
                status: reply.status,
                headers: reply.headers,
                body,
                truncated,
                what,
                secrets: secrets.clone(),
            })
        };
        let result = crate::connection::limits::within(prepared.timeout, &prepared.what, exchange)
            .await
            .map_err(|e| e.scrubbed(secrets));
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(reply) => {
                tracing::debug!(connection = %self.label, method = %prepared.method, url = %target,
                    status = reply.status, bytes = reply.body.len(), elapsed_ms, "reply received");
                if self.debug && credentials.reply_loggable && !reply.body.is_empty() {
                    tracing::trace!(connection = %self.label, body = %loggable_body(&reply.body, secrets), "reply body");
                }
            }
            Err(e) => tracing::debug!(connection = %self.label, method = %prepared.method, url = %target,
                elapsed_ms, error = %e, "request failed"),
        }
        result
    }
}

/// The text member `field` of a JSON object body.
fn token_of(reply: &RawReply, field: &str) -> Option<Secret> {
    let body: serde_json::Value = serde_json::from_slice(&reply.body).ok()?;
    let token = body.get(field)?.as_str().filter(|t| !t.is_empty())?;
    Some(Secret::new(token))
}

/// The path and query of a URL, as logs show a request.
struct Target<'a>(&'a Url);

impl fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.path())?;
        match self.0.query() {
            Some(query) => write!(f, "?{query}"),
            None => Ok(()),
        }
    }
}

/// Collects the options of a [`JsonClient`]; [`build`](Self::build) checks
/// them and creates it, sending nothing over the network. The transport
/// options have the same names and meaning as those of the oVirt
/// [`ConnectionBuilder`](crate::connection::ConnectionBuilder).
#[derive(Clone)]
pub struct JsonClientBuilder {
    url: String,
    protocol: &'static Protocol,
    secrets: Vec<(&'static str, Secret)>,
    credentials: Option<(String, Secret)>,
    signer: Option<Arc<dyn Signer>>,
    prefix_value: Option<String>,
    task_backoff: Option<Vec<Duration>>,
    task_deadline: Option<Duration>,
    transport: TransportOptions,
}

impl JsonClientBuilder {
    fn new(url: String, protocol: &'static Protocol) -> JsonClientBuilder {
        JsonClientBuilder {
            url,
            protocol,
            secrets: Vec::new(),
            credentials: None,
            signer: None,
            prefix_value: None,
            task_backoff: None,
            task_deadline: None,
            transport: TransportOptions::new(),
        }
    }

    /// The secret of a header scheme, named by the scheme's `setting`
    /// (`secret("api_key", key)`).
    pub fn secret(mut self, setting: &'static str, value: impl Into<Secret>) -> Self {
        self.secrets.retain(|(s, _)| *s != setting);
        self.secrets.push((setting, value.into()));
        self
    }

    /// The user name and password of the login scheme.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials = Some((username.into(), password.into()));
        self
    }

    /// The signer of the signer scheme, called for every request.
    pub fn signer(mut self, signer: impl Signer + 'static) -> Self {
        self.signer = Some(Arc::new(signer));
        self
    }

    /// The value of the parameter of the protocol's path prefix (`main` for
    /// `/dc/{dc}`): every call then goes below `/dc/main`.
    pub fn prefix_value(mut self, value: impl Into<String>) -> Self {
        self.prefix_value = Some(value.into());
        self
    }

    /// The pauses between polls of a task; the last one repeats. By default
    /// those of the protocol.
    pub fn task_backoff(mut self, steps: Vec<Duration>) -> Self {
        self.task_backoff = Some(steps);
        self
    }

    /// The longest a call waits for its task to finish. By default that of
    /// the protocol.
    pub fn task_deadline(mut self, deadline: Duration) -> Self {
        self.task_deadline = Some(deadline);
        self
    }

    /// Turns off the checks of the server's certificate and host name
    /// (tests only; a warning is logged).
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.transport.insecure = insecure;
        self
    }

    /// A PEM file with the CA certificates to trust instead of the system's.
    pub fn ca_file(mut self, path: impl AsRef<Path>) -> Self {
        self.transport.ca_file = Some(path.as_ref().to_path_buf());
        self
    }

    /// CA certificates in PEM form to trust instead of the system's; can be
    /// given several times.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.transport.ca_pem.push(pem.into());
        self
    }

    /// The longest one request may take (each poll of a task is one
    /// request); zero, the default, means no limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport.set_timeout(timeout);
        self
    }

    /// The longest connecting (TCP and TLS) may take; zero means no limit.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.set_connect_timeout(timeout);
        self
    }

    /// Asks for gzip-compressed replies (on by default).
    pub fn compress(mut self, compress: bool) -> Self {
        self.transport.compress = compress;
        self
    }

    /// Sends every request through this proxy (`http://user:pw@proxy:3128`),
    /// instead of the one of the environment.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.transport.set_proxy(url.into());
        self
    }

    /// Connects directly, ignoring the proxy environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.transport.set_no_proxy();
        self
    }

    /// A header sent with every request; a call's own header of the same
    /// name replaces it.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.transport.headers.push((name.into(), value.into()));
        self
    }

    /// The most connections open at once; zero, the default, means no limit.
    pub fn connections(mut self, connections: usize) -> Self {
        self.transport.connections = connections;
        self
    }

    /// Also logs request and reply bodies at trace level (secrets taken out).
    pub fn debug(mut self, debug: bool) -> Self {
        self.transport.debug = debug;
        self
    }

    /// The value of the `connection` field of the events this client logs;
    /// by default the protocol's title.
    pub fn log_label(mut self, label: impl Into<String>) -> Self {
        self.transport.log_label = Some(label.into());
        self
    }

    /// Checks the options and creates the client. Nothing is sent: a login
    /// happens with the first call.
    ///
    /// Errors: a URL that is not an absolute `http`/`https` URL without
    /// credentials, query or fragment; no usable credentials for any of the
    /// protocol's schemes, or settings the protocol does not know; an empty
    /// prefix value, or one for a protocol without a prefix; a header that
    /// is not valid; CA files that can't be read.
    pub fn build(&self) -> Result<JsonClient, Error> {
        let base = parse_base_url(&self.url)?;
        let label = self.transport.log_label.clone().unwrap_or_else(|| self.protocol.title.to_owned());
        let prefix = self.prefix()?;
        let auth = self.auth()?;
        let headers = self.headers()?;
        let transport = self.transport.transport(&label)?;
        let inner = Inner {
            protocol: self.protocol,
            transport,
            url: self.url.trim().trim_end_matches('/').to_owned(),
            base,
            prefix,
            headers,
            timeout: self.transport.timeout,
            auth,
            slots: self.transport.slots(),
            debug: self.transport.debug,
            label,
            backoff: self.backoff(),
            deadline: self.deadline(),
        };
        Ok(JsonClient { inner: Arc::new(inner) })
    }

    /// The prefix with its value, encoded as one segment.
    fn prefix(&self) -> Result<String, Error> {
        let title = self.protocol.title;
        let Some(value) = &self.prefix_value else { return Ok(String::new()) };
        let Some(template) = self.protocol.prefix else {
            let message = format!("{title} has no path prefix: the 'prefix_value' parameter can't be used.");
            return Err(Error::new(ErrorKind::InvalidInput, message));
        };
        if value.is_empty() {
            return Err(Error::new(ErrorKind::InvalidInput, "The 'prefix_value' parameter can't be empty."));
        }
        let (Some(open), Some(close)) = (template.find('{'), template.find('}')) else {
            let message = format!("The path prefix '{template}' of {title} has no parameter.");
            return Err(Error::new(ErrorKind::InvalidInput, message));
        };
        let (before, after) = (&template[..open], template.get(close + 1..).unwrap_or_default());
        let prefix = format!("{before}{}{after}", super::encode_segment(value));
        Ok(format!("/{}", prefix.trim_matches('/')))
    }

    /// The first scheme of the protocol the builder has what it needs for.
    fn auth(&self) -> Result<Auth, Error> {
        self.check_settings()?;
        for scheme in self.protocol.auth {
            if let Some(auth) = self.auth_for(scheme)? {
                return Ok(auth);
            }
        }
        if self.protocol.auth.is_empty() {
            return Ok(Auth::Anonymous);
        }
        let message = format!("No credentials for {}: give {}.", self.protocol.title, self.what_schemes_need());
        Err(Error::new(ErrorKind::InvalidInput, message))
    }

    fn auth_for(&self, scheme: &AuthScheme) -> Result<Option<Auth>, Error> {
        Ok(match *scheme {
            AuthScheme::Header { name, setting } => match self.secrets.iter().find(|(s, _)| *s == setting) {
                Some((_, secret)) => {
                    let (name, mut value) = header_pair(name, secret.expose())?;
                    value.set_sensitive(true);
                    Some(Auth::Header { name, value, secret: secret.clone() })
                }
                None => None,
            },
            AuthScheme::Login(scheme) => self.credentials.as_ref().map(|(username, password)| {
                Auth::Login(Box::new(Login {
                    scheme,
                    username: username.clone(),
                    password: password.clone(),
                    slot: Default::default(),
                    lock: Default::default(),
                }))
            }),
            AuthScheme::Signer => self.signer.clone().map(Auth::Signer),
        })
    }

    /// Refuses settings the protocol has no scheme for, and empty ones.
    fn check_settings(&self) -> Result<(), Error> {
        let title = self.protocol.title;
        let schemes = self.protocol.auth;
        for (setting, secret) in &self.secrets {
            let known = schemes.iter().any(|s| matches!(s, AuthScheme::Header { setting: n, .. } if n == setting));
            if !known {
                let message = format!("{title} has no '{setting}' setting; it accepts {}.", self.what_schemes_need());
                return Err(Error::new(ErrorKind::InvalidInput, message));
            }
            if secret.is_empty() {
                return Err(Error::new(ErrorKind::InvalidInput, format!("The '{setting}' parameter can't be empty.")));
            }
        }
        if let Some((username, _)) = &self.credentials {
            if !schemes.iter().any(|s| matches!(s, AuthScheme::Login(_))) {
                let message = format!("{title} has no login operation: 'credentials' can't be used.");
                return Err(Error::new(ErrorKind::InvalidInput, message));
            }
            if username.is_empty() {
                return Err(Error::new(ErrorKind::InvalidInput, "The user name of 'credentials' can't be empty."));
            }
        }
        if self.signer.is_some() && !schemes.contains(&AuthScheme::Signer) {
            let message = format!("{title} does not sign requests: 'signer' can't be used.");
            return Err(Error::new(ErrorKind::InvalidInput, message));
        }
        Ok(())
    }

    /// `'api_key', or a user name and password ('credentials')`.
    fn what_schemes_need(&self) -> String {
        let needs: Vec<String> = self
            .protocol
            .auth
            .iter()
            .map(|scheme| match scheme {
                AuthScheme::Header { setting, .. } => format!("'{setting}'"),
                AuthScheme::Login(_) => "a user name and password ('credentials')".to_owned(),
                AuthScheme::Signer => "a 'signer'".to_owned(),
            })
            .collect();
        needs.join(", or ")
    }

    /// The protocol's fixed headers, the user's (replacing those of the same
    /// name), and `User-Agent` unless given.
    fn headers(&self) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        for (name, value) in self.protocol.headers {
            let (name, value) = header_pair(name, value)?;
            headers.append(name, value);
        }
        let own = self.transport.checked_headers()?;
        for (name, _) in &own {
            headers.remove(name);
        }
        for (name, value) in own {
            headers.append(name, value);
        }
        if !headers.contains_key(USER_AGENT) {
            let agent = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
            headers.insert(USER_AGENT, HeaderValue::from_static(agent));
        }
        Ok(headers)
    }

    fn backoff(&self) -> Vec<Duration> {
        match (&self.task_backoff, &self.protocol.tasks) {
            (Some(steps), _) => steps.clone(),
            (None, Some(tasks)) => tasks.backoff_ms.iter().map(|ms| Duration::from_millis(*ms)).collect(),
            (None, None) => Vec::new(),
        }
    }

    fn deadline(&self) -> Duration {
        match (self.task_deadline, &self.protocol.tasks) {
            (Some(deadline), _) => deadline,
            (None, Some(tasks)) => Duration::from_secs(tasks.deadline_s),
            (None, None) => crate::wait::DEFAULT_TIMEOUT,
        }
    }
}

impl fmt::Debug for JsonClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets, the user name, header values and the proxy URL are not shown.
        let settings: Vec<&str> = self.secrets.iter().map(|(s, _)| *s).collect();
        let t = &self.transport;
        f.debug_struct("JsonClientBuilder")
            .field("url", &self.url)
            .field("api", &self.protocol.title)
            .field("secrets", &settings)
            .field("credentials", &self.credentials.as_ref().map(|_| "<set>"))
            .field("signer", &self.signer.as_ref().map(|_| "<set>"))
            .field("prefix_value", &self.prefix_value)
            .field("task_backoff", &self.task_backoff)
            .field("task_deadline", &self.task_deadline)
            .field("insecure", &t.insecure)
            .field("ca_file", &t.ca_file)
            .field("ca_pem", &t.ca_pem.len())
            .field("timeout", &t.timeout)
            .field("connect_timeout", &t.connect_timeout)
            .field("compress", &t.compress)
            .field("headers", &t.header_names())
            .field("connections", &t.connections)
            .field("proxy", &t.proxy_shown())
            .field("debug", &t.debug)
            .field("log_label", &t.log_label)
            .finish()
    }
}
