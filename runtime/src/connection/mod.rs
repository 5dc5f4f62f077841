//! The connection to the API server: authentication, transport, errors.
//!
//! A [`Connection`] is made by [`Connection::builder_for`] and is cheap to
//! clone: clones share one pool of kept-alive HTTPS connections and one
//! token, and can be used from many tasks at once. Generated services call
//! [`Connection::send`] / [`Connection::execute`] with a [`Request`] and read
//! the [`Response`]; applications mostly use [`Connection::authenticate`],
//! [`Connection::test`], [`Connection::close`] and the `follow_*` helpers.
//!
//! What happens on every request:
//!
//! * the first request gets an SSO token (password grant, or the Kerberos
//!   grant, with the scope the protocol names), unless one was given;
//!   only one task asks, the others wait for it;
//! * every request carries `Authorization: Bearer <token>`, the headers of
//!   the API's [`XmlProtocol`] (`Version: 4` for oVirt), `Accept:
//!   application/xml`, `User-Agent`, `Content-Type: application/xml` (with
//!   or without a body), a header for each query parameter the protocol
//!   mirrors (`All-Content` for `all_content`), and the connection's and the
//!   request's own headers;
//! * a 401 from the API makes the connection get a new token and send the
//!   request once more (exactly once);
//! * requests and replies are logged with `tracing` at debug level (target
//!   `sdkgen_runtime::connection`), bodies at trace level when the
//!   connection was built with `debug(true)`. Passwords, tokens and
//!   `Authorization` values are never logged, nor put in errors or `Debug`
//!   output.

mod auth;
pub(crate) mod builder;
pub(crate) mod error;
mod follow;
pub(crate) mod limits;
pub(crate) mod log;
pub(crate) mod path;
mod protocol;
pub(crate) mod request;
mod scope;
mod secret;
mod stream;
mod tls;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use url::Url;

pub use builder::ConnectionBuilder;
pub use error::{Error, ErrorKind, Fault};
pub use follow::Followable;
pub use protocol::{Sso, XmlProtocol};
pub use request::{Method, Request, Response};
pub use secret::Secret;
pub use stream::ItemStream;

use crate::Identity;
use crate::List;
use crate::transport::{Outgoing, Transport};
use crate::xml::XmlType;

/// A connection to the API server.
///
/// ```no_run
/// # async fn demo() -> Result<(), sdkgen_runtime::connection::Error> {
/// use sdkgen_runtime::connection::{Connection, Request};
/// # use sdkgen_runtime::connection::{Sso, XmlProtocol};
/// # static PROTOCOL: XmlProtocol = XmlProtocol {
/// #     title: "Example", root_path: "/api", headers: &[], query_headers: &[],
/// #     sso: Some(Sso { token_path: "/sso/token", kerberos_token_path: "/sso/token-http-auth",
/// #         kerberos_grant: "urn:example:grant", revoke_path: "/sso/logout", scope: "api" }),
/// # };
///
/// let connection = Connection::builder_for("https://engine.example.com/api", &PROTOCOL)
///     .username("admin@internal")
///     .password("secret")
///     .ca_file("ca.pem")
///     .build()?;
/// let reply = connection.execute(Request::get("vms").query("search", "name=web*"), &[200]).await?;
/// println!("{} bytes of XML", reply.body().len());
/// connection.close().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Connection {
    inner: Arc<Inner>,
}

/// The token in use, and a counter that changes with each new token so
/// that tasks that saw the same refusal renew it only once.
pub(crate) struct TokenSlot {
    generation: u64,
    token: Option<Secret>,
}

pub(crate) struct Inner {
    transport: Transport,
    /// The URL as given (minus a trailing `/`), for `url()`.
    url: String,
    base: Url,
    api_path: Arc<str>,
    protocol: &'static XmlProtocol,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The protocol's fixed headers, checked once when the connection was built.
    protocol_headers: Vec<(HeaderName, HeaderValue)>,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    auth: auth::Auth,
    token: std::sync::Mutex<TokenSlot>,
    auth_lock: tokio::sync::Mutex<()>,
    slots: limits::Slots,
    closed: AtomicBool,
    debug: bool,
    label: String,
    connections: usize,
    insecure: bool,
}

/// A request checked and ready to go (without its `Authorization`).
struct Prepared {
    method: Method,
    url: Url,
    headers: HeaderMap,
    /// Shared, so that the retry after a 401 sends it again without a copy.
    body: Option<bytes::Bytes>,
    timeout: Option<Duration>,
    /// `GET https://host/ovirt-engine/api/vms` (no query), for messages.
    what: String,
}

impl Prepared {
    /// What the transport sends, with `headers` (those of the request and
    /// the token).
    fn outgoing<'a>(&'a self, headers: &'a HeaderMap) -> Outgoing<'a> {
        Outgoing { method: self.method.to_http(), url: &self.url, headers, body: self.body.clone(), what: &self.what }
    }

    /// The path and query, for logs (written only when logged).
    fn target(&self) -> Target<'_> {
        Target(&self.url)
    }
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

impl Connection {
    /// Starts building a connection to the API whose root is `url`, such as
    /// `https://engine.example.com/ovirt-engine/api`, that speaks `protocol`.
    /// A generated crate calls this with its own `PROTOCOL` from
    /// `Connection::builder(url)` (its `ConnectionExt` trait).
    pub fn builder_for(url: impl Into<String>, protocol: &'static XmlProtocol) -> ConnectionBuilder {
        ConnectionBuilder::new(url.into(), protocol)
    }

    /// The URL of the API root, as given (without a trailing `/`).
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// Whether [`close`](Self::close) was called on this connection or a clone.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// Sends `request` and returns the reply whatever its status (after
    /// the one retry of a 401). Errors are transport problems, timeouts,
    /// authentication failures and invalid requests (such as a header value
    /// that is not valid, found before anything is sent).
    pub async fn send(&self, request: Request) -> Result<Response, Error> {
        self.check_open()?;
        let prepared = self.inner.prepare(request)?;
        let (generation, token) = self.inner.current_token().await?;
        let response = self.inner.exchange(&prepared, &token).await?;
        if self.inner.renews_after(response.status, &prepared) {
            let (_, token) = self.inner.renew_token(generation).await?;
            return self.inner.exchange(&prepared, &token).await;
        }
        Ok(response)
    }

    /// Sends a `GET` whose reply is a collection of `T` and returns its
    /// items as they are read from the body, holding only a few of them in
    /// memory at a time (see [`ItemStream`]). A reply with a status other
    /// than 200, or one that is not XML, is an error before any item.
    pub fn stream_list<T: XmlType + Send + 'static>(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<ItemStream<T>, Error>> + Send + use<T> {
        let connection = self.clone();
        async move { connection.open_stream(request).await }
    }

    async fn open_stream<T: XmlType + Send + 'static>(&self, request: Request) -> Result<ItemStream<T>, Error> {
        let (prepared, token, opened) = self.open_reply(request).await?;
        stream::start(self.inner.clone(), &prepared, &token, opened).await
    }

    /// Sends a `GET` whose reply is a collection of `T` and returns its
    /// items. A reply up to 4 MiB is read whole and then parsed (and logged
    /// whole with `debug`); a larger one is parsed as the rest arrives, so
    /// that its bytes are never held beside its values. At most 1 GiB of
    /// body is read, as received and once decompressed.
    pub fn fetch_list<T: XmlType + Send + 'static>(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<Vec<T>, Error>> + Send + use<T> {
        let connection = self.clone();
        async move {
            let (prepared, token, opened) = connection.open_reply(request).await?;
            stream::collect(connection.inner.clone(), &prepared, &token, opened).await
        }
    }

    /// Sends `request` and returns its reply with the body still to read
    /// (after getting a new token and sending once more on a 401), with the
    /// token errors of this reply must hide.
    async fn open_reply(&self, request: Request) -> Result<(Prepared, Secret, stream::Opened), Error> {
        self.check_open()?;
        let prepared = self.inner.prepare(request)?;
        let (generation, mut token) = self.inner.current_token().await?;
        let mut opened = self.inner.open(&prepared, &token).await?;
        if self.inner.renews_after(opened.status, &prepared) {
            token = self.inner.renew_token(generation).await?.1;
            opened = self.inner.open(&prepared, &token).await?;
        }
        Ok((prepared, token, opened))
    }

    /// Sends `request` and checks the reply: a status not in `success` is
    /// an error (see [`Response::to_error`]), and a non-empty body must be
    /// XML. The statuses the official SDKs accept are `[200]` for get, list,
    /// update and remove, and `[200, 201, 202]` for add and actions.
    pub async fn execute(&self, request: Request, success: &[u16]) -> Result<Response, Error> {
        let response = self.send(request).await?;
        if !success.contains(&response.status) {
            return Err(response.to_error());
        }
        response.check_xml_content_type()?;
        Ok(response)
    }

    /// Sends an action (`POST …/start` with an `<action>` body): success is
    /// 200, 201 or 202 without a `<fault>` in the reply. The reply's
    /// `<action>` is left to the caller to read for output parameters.
    pub async fn execute_action(&self, request: Request) -> Result<Response, Error> {
        let response = self.execute(request, &[200, 201, 202]).await?;
        response.check_action()?;
        Ok(response)
    }

    /// Returns the token, getting one from SSO first if there is none yet.
    /// It can be given to [`ConnectionBuilder::token`] later; it is revoked
    /// by [`close`](Self::close) unless [`close_without_logout`](Self::close_without_logout) is used.
    pub async fn authenticate(&self) -> Result<Secret, Error> {
        self.check_open()?;
        self.inner.current_token().await.map(|(_, token)| token)
    }

    /// Tests the connection by reading the API root (which authenticates
    /// first when needed): `true` when it works.
    pub async fn test(&self) -> bool {
        self.test_or_error().await.is_ok()
    }

    /// As [`test`](Self::test), returning the error when it fails.
    pub async fn test_or_error(&self) -> Result<(), Error> {
        self.execute(Request::get(""), &[200]).await.map(|_| ())
    }

    /// Closes the connection (and its clones): the token is revoked at the
    /// SSO service (even a token given to the builder), and every later
    /// request fails. The connection is closed even when the revocation
    /// fails (the error says why); closing again does nothing. Dropping a
    /// connection does not revoke its token, which then stays valid on the
    /// server until it expires.
    pub async fn close(&self) -> Result<(), Error> {
        self.shut(true).await
    }

    /// Closes the connection without revoking the token, which stays
    /// usable (for example by another connection built with it).
    pub async fn close_without_logout(&self) -> Result<(), Error> {
        self.shut(false).await
    }

    async fn shut(&self, logout: bool) -> Result<(), Error> {
        // Wait for an authentication in progress, so its token is revoked too.
        let _guard = self.inner.auth_lock.lock().await;
        if self.inner.closed.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        let token = self.inner.take_token();
        tracing::debug!(connection = %self.inner.label, logout, "closing the connection");
        let revoked = match token {
            Some(token) if logout => self.inner.revoke(&token).await,
            _ => Ok(()),
        };
        // Nothing may use them any more.
        self.inner.transport.close_idle();
        revoked
    }

    /// Whether `object` is a link: whether it has an `href`.
    pub fn is_link<T: XmlType + Identity>(&self, object: &T) -> bool {
        href_of(object).is_some()
    }

    /// Fetches the object `object` links to (its `href`), as a `T`.
    ///
    /// The `href` is taken (and the connection cloned) when this is called;
    /// the future holds nothing of `T`, so it is `Send` for any `T` without
    /// the compiler having to look into `T`.
    ///
    /// ```no_run
    /// # use sdkgen_runtime::connection::{Connection, Error};
    /// # use sdkgen_runtime::xml::XmlType;
    /// # use sdkgen_runtime::Identity;
    /// # async fn demo<DataCenter: XmlType + Identity>(connection: &Connection, dc_link: &DataCenter) -> Result<(), Error> {
    /// // With `cluster.data_center` read from `<data_center href="…/datacenters/123" id="123"/>`:
    /// let data_center: DataCenter = connection.follow_link(dc_link).await?;
    /// # Ok(()) }
    /// ```
    pub fn follow_link<T: XmlType + Identity>(
        &self,
        object: &T,
    ) -> impl Future<Output = Result<T, Error>> + Send + use<T> {
        let request = href_of(object).ok_or_else(no_href).and_then(|href| self.link_request(href));
        self.fetch_link(request, Response::read)
    }

    /// Fetches the list a link stands for (such as `vm.nics` read from
    /// `<link rel="nics" href="…"/>`). As with
    /// [`follow_link`](Self::follow_link), the future holds nothing of `T`.
    pub fn follow_list_link<T: XmlType>(
        &self,
        list: &List<T>,
    ) -> impl Future<Output = Result<List<T>, Error>> + Send + use<T> {
        let request = list.href().ok_or_else(no_href).and_then(|href| self.link_request(href));
        self.fetch_link(request, Response::read_list)
    }

    /// Fetches the object at `href` (a path under the connection URL, as
    /// the server writes them: `/ovirt-engine/api/datacenters/123`).
    pub fn follow_href<T: XmlType>(&self, href: &str) -> impl Future<Output = Result<T, Error>> + Send + use<T> {
        self.fetch_link(self.link_request(href), Response::read)
    }

    /// Fetches the list at `href`.
    pub fn follow_list_href<T: XmlType>(
        &self,
        href: &str,
    ) -> impl Future<Output = Result<List<T>, Error>> + Send + use<T> {
        self.fetch_link(self.link_request(href), Response::read_list)
    }

    /// Sends the `GET` of a link and reads its reply with `read`. Everything
    /// the future needs is owned and none of it depends on `R`.
    fn fetch_link<R>(
        &self,
        request: Result<Request, Error>,
        read: fn(&Response) -> Result<R, Error>,
    ) -> impl Future<Output = Result<R, Error>> + Send + use<R> {
        let connection = self.clone();
        async move { read(&connection.execute(request?, &[200]).await?) }
    }

    /// The request path (relative to the API root) of an `href` the
    /// server sent, such as `datacenters/123` for
    /// `/ovirt-engine/api/datacenters/123` (a full URL on the same server
    /// works too), in URL form (its `%XX` escapes kept). Its query, if any,
    /// is left out.
    pub fn relative_path(&self, href: &str) -> Result<String, Error> {
        self.link_request(href).map(|r| r.path)
    }

    fn link_request(&self, href: &str) -> Result<Request, Error> {
        let incompatible = || {
            Error::new(
                ErrorKind::InvalidInput,
                format!("The URL '{href}' isn't compatible with the base URL of the connection."),
            )
        };
        let (path, query) = if href.starts_with("http://") || href.starts_with("https://") {
            let url = Url::parse(href).map_err(|_| incompatible())?;
            if url.origin() != self.inner.base.origin() {
                return Err(incompatible());
            }
            (url.path().to_owned(), url.query().map(str::to_owned))
        } else {
            match href.split_once('?') {
                Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
                None => (href.to_owned(), None),
            }
        };
        let root = &*self.inner.api_path;
        let rest = if path == root {
            ""
        } else {
            path.strip_prefix(root).and_then(|r| r.strip_prefix('/')).ok_or_else(incompatible)?
        };
        // The path stays in URL form: an escaped `/` in an id stays inside its segment.
        let mut request = Request::get(rest);
        if let Some(q) = query {
            request.query = url::form_urlencoded::parse(q.as_bytes()).into_owned().collect();
        }
        Ok(request)
    }

    fn check_open(&self) -> Result<(), Error> {
        self.inner.check_open()
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Connection")
            .field("url", &i.url)
            .field("auth", &i.auth.describe())
            .field("insecure", &i.insecure)
            .field("timeout", &i.timeout)
            .field("connections", &i.connections)
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl Inner {
    fn check_open(&self) -> Result<(), Error> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::new(ErrorKind::InvalidInput, "The connection is closed."));
        }
        Ok(())
    }

    /// Checks and completes a request; nothing is sent yet.
    fn prepare(&self, request: Request) -> Result<Prepared, Error> {
        let url = self.url_for(&request.path, &request.query)?;
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        // The request's own headers replace the connection's.
        let mut own = HeaderMap::new();
        for (name, value) in &request.headers {
            let (name, value) = builder::header_pair(name, value)?;
            own.append(name, value);
        }
        for name in own.keys() {
            headers.remove(name);
        }
        for (name, value) in &own {
            headers.append(name.clone(), value.clone());
        }
        // What the protocol requires comes last and wins.
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, self.user_agent.clone());
        }
        for (name, value) in &self.protocol_headers {
            headers.insert(name.clone(), value.clone());
        }
        headers.insert(ACCEPT, HeaderValue::from_static("application/xml"));
        // Sent on every request, with a body or not, as all the official SDKs do.
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/xml"));
        for (param, header) in self.protocol.query_headers {
            if let Some((_, value)) = request.query.iter().rev().find(|(n, _)| n.eq_ignore_ascii_case(param)) {
                let (name, value) = builder::header_pair(header, value)?;
                headers.insert(name, value);
            }
        }
        headers.remove(AUTHORIZATION);
        let timeout = match request.timeout {
            Some(t) if t.is_zero() => None,
            Some(t) => Some(t),
            None => self.timeout,
        };
        let what = crate::transport::describe(&request.method.to_http(), &url);
        Ok(Prepared { method: request.method, url, headers, body: request.body.map(bytes::Bytes::from), timeout, what })
    }

    /// The URL of `path` (relative to the API root, in URL form) with
    /// `query`: the escapes of each segment are kept and anything else a
    /// segment can't hold is percent-encoded.
    fn url_for(&self, path: &str, query: &[(String, String)]) -> Result<Url, Error> {
        if path.starts_with('/') {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("The path '{path}' must be relative to the API root ('vms/123', not '/vms/123')."),
            ));
        }
        let mut url = self.base.clone();
        if !path.is_empty() {
            let mut full = self.base.path().trim_end_matches('/').to_owned();
            path::push_segments(&mut full, path, path)?;
            url.set_path(&full);
        }
        Ok(path::with_query(url, query))
    }

    /// One exchange with the API: the request with the token, the whole reply.
    async fn exchange(&self, prepared: &Prepared, token: &Secret) -> Result<Response, Error> {
        let what = &prepared.what;
        let headers = self.headers_with_token(prepared, token)?;
        let _permit = self.slots.take("connection").await?;
        let target = prepared.target();
        tracing::debug!(connection = %self.label, method = %prepared.method, url = %target, "sending request");
        if self.debug {
            if let Some(body) = &prepared.body {
                let logged = log::loggable_body(body, &self.secrets(token));
                tracing::trace!(connection = %self.label, body = %logged, "request body");
            }
        }
        let started = Instant::now();
        let exchange = async {
            let reply = self.transport.send(prepared.outgoing(&headers)).await?;
            let head = reply_headers(&reply.headers);
            let body = reply.body.read_all().await?;
            Ok(self.response(prepared, token, reply.status, head, body))
        };
        let result = limits::within(prepared.timeout, what, exchange).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(reply) => {
                tracing::debug!(
                    connection = %self.label,
                    method = %prepared.method,
                    url = %target,
                    status = reply.status,
                    bytes = reply.body.len(),
                    elapsed_ms,
                    "reply received"
                );
                self.log_reply_body(reply, token);
            }
            Err(e) => {
                tracing::debug!(
                    connection = %self.label,
                    method = %prepared.method,
                    url = %target,
                    elapsed_ms,
                    error = %e,
                    "request failed"
                );
            }
        }
        result
    }

    /// With `debug`, the body of `reply` at trace level, secrets hidden.
    pub(crate) fn log_reply_body(&self, reply: &Response, token: &Secret) {
        if self.debug && !reply.body.is_empty() {
            let logged = log::loggable_body(&reply.body, &self.secrets(token));
            tracing::trace!(connection = %self.label, body = %logged, "reply body");
        }
    }

    /// The reply to `prepared`, with what its errors need to name it and
    /// to hide the secrets.
    fn response(
        &self,
        prepared: &Prepared,
        token: &Secret,
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Response {
        let reason = http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
        Response {
            status,
            reason: reason.to_owned(),
            headers,
            body,
            method: prepared.method,
            url_path: prepared.url.path().to_owned(),
            request: prepared.what.clone(),
            api_path: self.api_path.clone(),
            usual_root: self.protocol.root_path,
            secrets: self.secrets(token),
        }
    }

    /// What must never be logged or shown: the password and the token.
    fn secrets(&self, token: &Secret) -> Vec<Secret> {
        let mut secrets = vec![token.clone()];
        secrets.extend(self.auth.password.clone());
        secrets
    }

    /// The headers of `prepared` with the token.
    fn headers_with_token(&self, prepared: &Prepared, token: &Secret) -> Result<HeaderMap, Error> {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
            Error::new(ErrorKind::InvalidInput, "The token contains characters that can't be sent in an HTTP header.")
        })?;
        authorization.set_sensitive(true);
        let mut headers = prepared.headers.clone();
        headers.insert(AUTHORIZATION, authorization);
        Ok(headers)
    }

    /// Whether a reply of `status` to `prepared` calls for a new token and
    /// one more try (a 401, when the connection can authenticate).
    fn renews_after(&self, status: u16, prepared: &Prepared) -> bool {
        let renew = status == 401 && self.auth.can_authenticate();
        if renew {
            tracing::debug!(
                connection = %self.label,
                request = %prepared.target(),
                "the token was refused (401): authenticating again and sending once more"
            );
        }
        renew
    }

    /// Sends a prepared request and waits for the status and headers of the
    /// reply (within the request's timeout); the body is left to be read.
    async fn open(&self, prepared: &Prepared, token: &Secret) -> Result<stream::Opened, Error> {
        let what = prepared.what.clone();
        let headers = self.headers_with_token(prepared, token)?;
        let permit = self.slots.take("connection").await?;
        let target = prepared.target();
        tracing::debug!(connection = %self.label, method = %prepared.method, url = %target, "sending request");
        let deadline = prepared.timeout.map(|t| tokio::time::Instant::now() + t);
        let head = async { Ok(self.transport.send(prepared.outgoing(&headers)).await?) };
        let reply = limits::within(prepared.timeout, &what, head).await?;
        tracing::debug!(
            connection = %self.label,
            method = %prepared.method,
            url = %target,
            status = reply.status,
            "reply headers received; reading the body as it arrives"
        );
        Ok(stream::Opened {
            status: reply.status,
            headers: reply_headers(&reply.headers),
            body: reply.body,
            permit,
            deadline,
            what,
        })
    }
}

/// The headers of a reply, as text.
fn reply_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers.iter().map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect()
}

/// The `href` of an object, when it has a non-empty one.
fn href_of(object: &impl Identity) -> Option<&str> {
    object.href().filter(|h| !h.is_empty())
}

fn no_href() -> Error {
    Error::new(ErrorKind::InvalidInput, "Can't follow link because the 'href' attribute doesn't have a value.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Connection>();
        fn check_builder<T: Send + Sync + Clone>() {}
        check_builder::<ConnectionBuilder>();
    }

    /// The futures can be spawned on a multi-threaded runtime.
    #[allow(dead_code, clippy::manual_async_fn)]
    fn futures_are_send(c: &Connection) {
        fn send<T: Send>(_: T) {}
        send(c.send(Request::get("")));
        send(c.execute(Request::get(""), &[200]));
        send(c.execute_action(Request::post("", "")));
        send(c.authenticate());
        send(c.test());
        send(c.close());
        send(c.follow_list_href::<Unit>(""));
        send(c.follow_href::<Unit>(""));
        // `Unit` is not `Sync`: a future holding `&Unit` would not be `Send`.
        send(c.follow_link(&Unit::default()));
        send(c.follow_list_link(&List::<Unit>::default()));
        send(c.stream_list::<Unit>(Request::get("")));
    }

    /// Not `Sync`, like no generated type, to show the futures of the
    /// `follow_*` helpers do not depend on it.
    #[derive(Default)]
    struct Unit(std::marker::PhantomData<std::cell::Cell<u8>>);

    impl Identity for Unit {
        fn id(&self) -> Option<&str> {
            None
        }
    }

    impl XmlType for Unit {
        const TAG: &'static str = "unit";
        const PLURAL: &'static str = "units";
        fn read_into(&mut self, reader: &mut crate::xml::XmlReader<'_>) -> Result<(), crate::xml::XmlError> {
            reader.skip()
        }
        fn write(&self, writer: &mut crate::xml::XmlWriter, tag: &str) {
            writer.start(tag);
            writer.end(tag);
        }
    }
}
