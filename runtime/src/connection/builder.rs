//! [`ConnectionBuilder`]: every option of a connection, checked by `build`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use url::Url;

use super::auth::{Auth, NegotiateFn, SsoService};
use super::error::{Error, ErrorKind};
use super::secret::Secret;
use super::tls::{TlsSettings, client_config};
use super::{Connection, Inner, TokenSlot, XmlProtocol};
use crate::transport::{ProxyChoice, ProxyServer, Settings, Transport};

/// Which proxy the connection goes through.
#[derive(Clone)]
pub(crate) enum ProxySetting {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (and their
    /// lower-case forms), read when the connection is built.
    Environment,
    /// No proxy at all.
    Direct,
    /// This proxy for every request.
    Url(Secret),
}

/// The options of the transport every client of the crate shares (the oVirt
/// [`ConnectionBuilder`] and the JSON APIs' builder): TLS, proxy, timeouts,
/// compression, connection limit, extra headers and logging.
#[derive(Clone)]
pub(crate) struct TransportOptions {
    pub(crate) insecure: bool,
    pub(crate) ca_file: Option<PathBuf>,
    pub(crate) ca_pem: Vec<Vec<u8>>,
    /// The longest a whole request may take; `None`: no limit.
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) compress: bool,
    pub(crate) headers: Vec<(String, String)>,
    /// The most connections at once; 0: no limit.
    pub(crate) connections: usize,
    pub(crate) proxy: ProxySetting,
    pub(crate) debug: bool,
    pub(crate) log_label: Option<String>,
}

impl TransportOptions {
    /// The defaults: TLS checked against the system's CAs, gzip asked for,
    /// the proxy from the environment, no limits.
    pub(crate) fn new() -> TransportOptions {
        TransportOptions {
            insecure: false,
            ca_file: None,
            ca_pem: Vec::new(),
            timeout: None,
            connect_timeout: None,
            compress: true,
            headers: Vec::new(),
            connections: 0,
            proxy: ProxySetting::Environment,
            debug: false,
            log_label: None,
        }
    }

    /// Sets a proxy URL (kept as a secret: it may hold a password).
    pub(crate) fn set_proxy(&mut self, url: String) {
        self.proxy = ProxySetting::Url(Secret::new(url));
    }

    /// Connects directly, whatever the environment says.
    pub(crate) fn set_no_proxy(&mut self) {
        self.proxy = ProxySetting::Direct;
    }

    /// The longest a whole request may take; zero means no limit.
    pub(crate) fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = (!timeout.is_zero()).then_some(timeout);
    }

    /// The longest connecting may take; zero means no limit.
    pub(crate) fn set_connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = (!timeout.is_zero()).then_some(timeout);
    }

    /// The label of log events: the one given, or the host and port of `base`.
    pub(crate) fn label(&self, base: &Url) -> String {
        self.log_label.clone().unwrap_or_else(|| {
            let host = base.host_str().unwrap_or_default();
            match base.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            }
        })
    }

    /// The extra headers, checked.
    pub(crate) fn checked_headers(&self) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
        self.headers.iter().map(|(n, v)| header_pair(n, v)).collect()
    }

    /// The transport these options describe (TLS set up, CA files read,
    /// the proxy chosen); warns in the log when TLS checks are off.
    pub(crate) fn transport(&self, label: &str) -> Result<Transport, Error> {
        let tls = client_config(&TlsSettings {
            insecure: self.insecure,
            ca_file: self.ca_file.as_deref(),
            ca_pem: &self.ca_pem,
        })?;
        let proxy = match &self.proxy {
            ProxySetting::Environment => ProxyChoice::from_environment(),
            ProxySetting::Direct => ProxyChoice::Direct,
            // The message does not repeat the URL: it may hold a password.
            ProxySetting::Url(url) => ProxyChoice::Fixed(
                ProxyServer::parse(url.expose())
                    .map_err(|why| Error::new(ErrorKind::InvalidInput, format!("The 'proxy' parameter {why}.")))?,
            ),
        };
        let transport = Transport::new(Settings {
            tls: Arc::new(tls),
            proxy,
            connect_timeout: self.connect_timeout,
            max_idle: self.connections,
            compress: self.compress,
        });
        if self.insecure {
            tracing::warn!(
                connection = %label,
                "TLS verification is off (insecure): the server's certificate and host name are not checked"
            );
        }
        Ok(transport)
    }

    /// The slots that enforce the `connections` limit.
    pub(crate) fn slots(&self) -> super::limits::Slots {
        super::limits::Slots::new(self.connections)
    }

    /// How `Debug` shows the proxy setting (never the URL).
    pub(crate) fn proxy_shown(&self) -> &'static str {
        match &self.proxy {
            ProxySetting::Environment => "environment",
            ProxySetting::Direct => "none",
            ProxySetting::Url(_) => "<set>",
        }
    }

    /// How `Debug` shows the extra headers: their names only.
    pub(crate) fn header_names(&self) -> Vec<&str> {
        self.headers.iter().map(|(n, _)| n.as_str()).collect()
    }
}

/// Collects the options of a [`Connection`]; [`build`](Self::build) checks
/// them and creates it, sending nothing over the network.
///
/// The builder can be kept and `build` called again for each new
/// connection (as the Python SDK's `ConnectionBuilder` is used).
///
/// ```
/// use std::time::Duration;
/// use sdkgen_runtime::connection::Connection;
/// # use sdkgen_runtime::connection::{Sso, XmlProtocol};
/// # static PROTOCOL: XmlProtocol = XmlProtocol {
/// #     title: "Example", root_path: "/api", headers: &[], query_headers: &[],
/// #     sso: Some(Sso { token_path: "/sso/token", kerberos_token_path: "/sso/token-http-auth",
/// #         kerberos_grant: "urn:example:grant", revoke_path: "/sso/logout", scope: "api" }),
/// # };
///
/// let builder = Connection::builder_for("https://engine.example.com/api", &PROTOCOL)
///     .username("admin@internal")
///     .password("secret")
///     .ca_pem(b"-----BEGIN CERTIFICATE-----\n...".to_vec())
///     .timeout(Duration::from_secs(60));
/// // `builder.build()?` checks everything and sends nothing.
/// # let _ = builder;
/// ```
#[derive(Clone)]
pub struct ConnectionBuilder {
    url: String,
    protocol: &'static XmlProtocol,
    username: Option<String>,
    password: Option<Secret>,
    token: Option<Secret>,
    kerberos: bool,
    negotiate: Option<NegotiateFn>,
    sso_url: Option<String>,
    sso_revoke_url: Option<String>,
    sso_token_name: String,
    pipeline: usize,
    transport: TransportOptions,
}

impl ConnectionBuilder {
    pub(crate) fn new(url: String, protocol: &'static XmlProtocol) -> ConnectionBuilder {
        ConnectionBuilder {
            url,
            protocol,
            username: None,
            password: None,
            token: None,
            kerberos: false,
            negotiate: None,
            sso_url: None,
            sso_revoke_url: None,
            sso_token_name: "access_token".to_owned(),
            pipeline: 0,
            transport: TransportOptions::new(),
        }
    }

    /// The user name, with its domain: `admin@internal`.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The password of the user.
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// An SSO access token to use as it is, instead of asking for one.
    /// With a user name and password as well, they are used to get a new
    /// token when this one is refused.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Turns off the checks of the server's certificate and host name.
    /// Only for tests: anyone on the path can then read and change the
    /// traffic, passwords included. A warning is logged when a connection
    /// is built this way. The CA options are ignored.
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.transport.insecure = insecure;
        self
    }

    /// A PEM file with the CA certificates to trust instead of the
    /// system's (usually the engine's CA, from
    /// `https://ENGINE/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA`).
    /// Read by [`build`](Self::build).
    pub fn ca_file(mut self, path: impl AsRef<Path>) -> Self {
        self.transport.ca_file = Some(path.as_ref().to_path_buf());
        self
    }

    /// CA certificates in PEM form, to trust instead of the system's; can
    /// be given several times and together with [`ca_file`](Self::ca_file).
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.transport.ca_pem.push(pem.into());
        self
    }

    /// Gets the token with the Kerberos grant (`token-http-auth`) instead
    /// of the password grant. The SPNEGO token for it comes from the
    /// [`negotiate`](Self::negotiate) hook.
    pub fn kerberos(mut self, kerberos: bool) -> Self {
        self.kerberos = kerberos;
        self
    }

    /// The hook that produces the SPNEGO token sent as
    /// `Authorization: Negotiate <token>` with the Kerberos grant. It is
    /// given the host name of the SSO service (the service principal is
    /// `HTTP@host`) and returns the base64 token, typically from a GSSAPI
    /// library such as the `libgssapi` crate. This crate links no GSSAPI
    /// library itself.
    pub fn negotiate<F>(mut self, hook: F) -> Self
    where
        F: Fn(&str) -> Result<String, Box<dyn std::error::Error + Send + Sync>> + Send + Sync + 'static,
    {
        self.negotiate = Some(Arc::new(hook));
        self
    }

    /// The longest a whole request may take, from connecting to the last
    /// byte of the reply; a request can set its own. Zero, the default,
    /// means no limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport.set_timeout(timeout);
        self
    }

    /// The longest connecting (TCP and TLS handshake) may take. Zero, the
    /// default, means no limit other than [`timeout`](Self::timeout).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.set_connect_timeout(timeout);
        self
    }

    /// Asks the server for gzip-compressed replies (and decompresses them).
    /// On by default.
    pub fn compress(mut self, compress: bool) -> Self {
        self.transport.compress = compress;
        self
    }

    /// The URL of the SSO token service, used as it is for both grants.
    /// By default the protocol's token path (or its Kerberos token path)
    /// below the scheme, host and port of the connection's URL: for oVirt
    /// `https://HOST/ovirt-engine/sso/oauth/token`.
    pub fn sso_url(mut self, url: impl Into<String>) -> Self {
        self.sso_url = Some(url.into());
        self
    }

    /// The URL of the SSO revocation service; by default the protocol's
    /// revocation path below the connection's scheme, host and port (for
    /// oVirt `https://HOST/ovirt-engine/services/sso-logout`).
    pub fn sso_revoke_url(mut self, url: impl Into<String>) -> Self {
        self.sso_revoke_url = Some(url.into());
        self
    }

    /// The name of the token field in the SSO reply; `access_token` by default.
    pub fn sso_token_name(mut self, name: impl Into<String>) -> Self {
        self.sso_token_name = name.into();
        self
    }

    /// A header sent with every API request (not with SSO requests). A
    /// request's own header of the same name replaces it.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.transport.headers.push((name.into(), value.into()));
        self
    }

    /// Several headers, as [`header`](Self::header).
    pub fn headers<I, N, V>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = (N, V)>,
        N: Into<String>,
        V: Into<String>,
    {
        self.transport.headers.extend(headers.into_iter().map(|(n, v)| (n.into(), v.into())));
        self
    }

    /// The most connections open to the server at once, and so the most
    /// requests in flight; more requests wait for a free one. Idle
    /// connections are kept alive and reused. Zero, the default, means no
    /// limit.
    pub fn connections(mut self, connections: usize) -> Self {
        self.transport.connections = connections;
        self
    }

    /// Accepted for compatibility with the Python SDK, without effect:
    /// HTTP/1.1 pipelining is not done (the HTTP stack does not support it,
    /// and libcurl, which the Python SDK relies on, removed it). Concurrent
    /// requests are sent on separate kept-alive connections instead; see
    /// [`connections`](Self::connections).
    pub fn pipeline(mut self, pipeline: usize) -> Self {
        self.pipeline = pipeline;
        self
    }

    /// Sends every request (SSO included) through this proxy:
    /// `http://proxy.example.com:3128`, with `user:password@` in it when
    /// the proxy needs them. Replaces the proxy
    /// environment variables.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.transport.set_proxy(url.into());
        self
    }

    /// Connects directly, ignoring the proxy environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.transport.set_no_proxy();
        self
    }

    /// Also logs request and reply bodies, at trace level. Off by default,
    /// because bodies may hold data a log should not keep; even then,
    /// passwords and tokens are taken out of what is logged.
    ///
    /// Logging goes through the `tracing` crate: nothing is written anywhere
    /// unless the application installs a subscriber (for example
    /// `tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).init()`),
    /// so `debug(true)` alone shows nothing.
    pub fn debug(mut self, debug: bool) -> Self {
        self.transport.debug = debug;
        self
    }

    /// The value of the `connection` field of every event this connection
    /// logs, to tell connections apart; by default the host and port.
    pub fn log_label(mut self, label: impl Into<String>) -> Self {
        self.transport.log_label = Some(label.into());
        self
    }

    /// Checks the options and creates the connection. Nothing is sent: the
    /// first request authenticates.
    ///
    /// Errors: a URL that is not an absolute `http`/`https` URL or holds a
    /// user name, password, query or fragment; no credentials (a user name
    /// and password, a token, or Kerberos); a header that is not valid; a
    /// CA file that does not exist or CA PEM without a certificate.
    pub fn build(&self) -> Result<Connection, Error> {
        let base = parse_base_url(&self.url)?;
        let api_path: Arc<str> = Arc::from(base.path());
        let origin = base.origin().ascii_serialization();
        let options = &self.transport;
        let label = options.label(&base);

        let auth = self.auth(&origin)?;
        let headers = options.checked_headers()?;
        let protocol_headers =
            self.protocol.headers.iter().map(|(n, v)| header_pair(n, v)).collect::<Result<_, _>>()?;
        if self.sso_token_name.is_empty() {
            return Err(Error::new(ErrorKind::InvalidInput, "The 'sso_token_name' parameter can't be empty."));
        }

        let transport = options.transport(&label)?;
        if self.pipeline > 0 {
            tracing::debug!(connection = %label, pipeline = self.pipeline, "pipelining is not done; the option has no effect");
        }

        let slot = TokenSlot { generation: u64::from(self.token.is_some()), token: self.token.clone() };
        let inner = Inner {
            transport,
            url: self.url.trim_end_matches('/').to_owned(),
            base,
            api_path,
            protocol: self.protocol,
            headers,
            protocol_headers,
            user_agent: HeaderValue::from_static(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"))),
            timeout: options.timeout,
            auth,
            token: std::sync::Mutex::new(slot),
            auth_lock: tokio::sync::Mutex::new(()),
            slots: options.slots(),
            closed: AtomicBool::new(false),
            debug: options.debug,
            label,
            connections: options.connections,
            insecure: options.insecure,
        };
        Ok(Connection { inner: Arc::new(inner) })
    }

    fn auth(&self, origin: &str) -> Result<Auth, Error> {
        let has_user = self.username.as_deref().is_some_and(|u| !u.is_empty());
        if has_user != self.password.is_some() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "The 'username' and 'password' parameters go together: give both or neither.",
            ));
        }
        if self.token.as_ref().is_some_and(Secret::is_empty) {
            return Err(Error::new(ErrorKind::InvalidInput, "The 'token' parameter can't be empty."));
        }
        if !has_user && self.token.is_none() && !self.kerberos {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "No credentials: give 'username' and 'password', a 'token', or enable 'kerberos'.",
            ));
        }
        let sso = match self.protocol.sso {
            Some(sso) => Some(self.sso_service(origin, &sso)?),
            None if has_user || self.kerberos => {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "The {} API has no single sign-on service to log in with a user name and password \
                         or Kerberos: give the connection a 'token'.",
                        self.protocol.title
                    ),
                ));
            }
            None => None,
        };
        Ok(Auth {
            username: self.username.clone().filter(|u| !u.is_empty()),
            password: self.password.clone(),
            kerberos: self.kerberos,
            negotiate: self.negotiate.clone(),
            sso,
        })
    }

    /// The SSO service's URLs: the ones given, or the protocol's paths
    /// below the origin of the connection's URL.
    fn sso_service(&self, origin: &str, sso: &super::Sso) -> Result<SsoService, Error> {
        let grant_path = if self.kerberos { sso.kerberos_token_path } else { sso.token_path };
        let token_url = match &self.sso_url {
            Some(u) => parse_service_url(u, "sso_url")?,
            None => parse_service_url(&format!("{origin}{grant_path}"), "url")?,
        };
        let revoke_url = match &self.sso_revoke_url {
            Some(u) => parse_service_url(u, "sso_revoke_url")?,
            None => parse_service_url(&format!("{origin}{}", sso.revoke_path), "url")?,
        };
        Ok(SsoService {
            token_url,
            revoke_url,
            token_name: self.sso_token_name.clone(),
            scope: sso.scope,
            kerberos_grant: sso.kerberos_grant,
        })
    }
}

/// The API root: absolute, `http` or `https`, without credentials, query
/// or fragment; a trailing `/` is dropped.
pub(crate) fn parse_base_url(text: &str) -> Result<Url, Error> {
    if text.trim().is_empty() {
        return Err(Error::new(ErrorKind::InvalidInput, "The 'url' parameter is mandatory."));
    }
    let mut url = parse_service_url(text, "url")?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("The URL '{url}' must not have a query or a fragment: it is the root of the API."),
        ));
    }
    let trimmed = url.path().trim_end_matches('/').to_owned();
    url.set_path(&trimmed);
    Ok(url)
}

/// An absolute `http`/`https` URL without a user name or password.
fn parse_service_url(text: &str, option: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim()).map_err(|e| {
        // A URL with `@` may carry a password: it is not repeated.
        let shown = if text.contains('@') { String::new() } else { format!(" '{text}'") };
        Error::new(ErrorKind::InvalidInput, format!("The '{option}' parameter{shown} isn't a valid URL: {e}."))
    })?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("The '{option}' parameter must be an https:// (or http://) URL, not '{}:'.", url.scheme()),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "The '{option}' parameter must not contain a user name or password; use 'username' and 'password'."
            ),
        ));
    }
    Ok(url)
}

/// A header checked for sending: a valid name, and a value of visible
/// ASCII (and spaces and tabs) only. The value is never repeated in the
/// error, as it may be a secret.
pub(crate) fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::new(ErrorKind::InvalidInput, format!("The header name '{}' isn't valid.", name.escape_debug()))
    })?;
    // The HTTP types accept any byte from 0x80 up ("obs-text"); the API
    // needs ASCII, as the official SDKs require, so those are refused too.
    let ascii = value.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b));
    let value = HeaderValue::from_str(value).ok().filter(|_| ascii).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidInput,
            format!(
                "The value of the header '{name}' contains characters that can't be sent in an HTTP header \
                 (only visible ASCII characters, spaces and tabs are allowed)."
            ),
        )
    })?;
    Ok((header, value))
}

impl fmt::Debug for ConnectionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials, header values and the proxy URL (which may hold a
        // password) are not shown; neither is the user name.
        let set = |b: bool| if b { "<set>" } else { "<unset>" };
        let t = &self.transport;
        f.debug_struct("ConnectionBuilder")
            .field("url", &self.url)
            .field("api", &self.protocol.title)
            .field("username", &set(self.username.is_some()))
            .field("password", &set(self.password.is_some()))
            .field("token", &set(self.token.is_some()))
            .field("insecure", &t.insecure)
            .field("ca_file", &t.ca_file)
            .field("ca_pem", &t.ca_pem.len())
            .field("kerberos", &self.kerberos)
            .field("negotiate", &set(self.negotiate.is_some()))
            .field("timeout", &t.timeout)
            .field("connect_timeout", &t.connect_timeout)
            .field("compress", &t.compress)
            .field("sso_url", &self.sso_url)
            .field("sso_revoke_url", &self.sso_revoke_url)
            .field("sso_token_name", &self.sso_token_name)
            .field("headers", &t.header_names())
            .field("connections", &t.connections)
            .field("pipeline", &self.pipeline)
            .field("proxy", &t.proxy_shown())
            .field("debug", &t.debug)
            .field("log_label", &t.log_label)
            .finish()
    }
}
