//! A small HTTPS server for the connection tests, written for them: it
//! listens on 127.0.0.1 with certificates made when the tests start,
//! records every request, and answers with whatever the test's handler
//! says, including the broken answers a real network produces (a
//! connection dropped mid-body, a reply that never comes).
//!
//! Also an HTTP CONNECT proxy, and a `tracing` subscriber that keeps every
//! event as text so tests can read what was logged.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sdkgen_runtime::connection::{Connection, ConnectionBuilder};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// The user name, password and tokens the fake engine knows.
pub const USER: &str = "admin@internal";
pub const PASSWORD: &str = "pw-Zq8#Secret!";
pub const TOKEN: &str = "tok-8c1f0e5d7a";
pub const TOKEN_2: &str = "tok-2b9e4d3c6f";
pub const API: &str = "/ovirt-engine/api";
pub const SSO: &str = "/ovirt-engine/sso/oauth/token";
pub const SSO_KERBEROS: &str = "/ovirt-engine/sso/oauth/token-http-auth";
pub const REVOKE: &str = "/ovirt-engine/services/sso-logout";

/// The certificates of a test run: a CA, a server certificate it signed
/// for `localhost` and `127.0.0.1`, and one for another name only.
pub struct Pki {
    pub ca_pem: String,
    pub server: Arc<ServerConfig>,
    pub wrong_name: Arc<ServerConfig>,
    /// A CA that signed nothing the servers use.
    pub other_ca_pem: String,
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let ca_key = KeyPair::generate().unwrap();
        let params = ca_params("sdkgen test CA");
        let ca_cert = params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(params, ca_key);
        let other_key = KeyPair::generate().unwrap();
        let other_ca = ca_params("another CA").self_signed(&other_key).unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            server: server_config(&["localhost", "127.0.0.1"], &issuer, ca_cert.der()),
            wrong_name: server_config(&["engine.example.test"], &issuer, ca_cert.der()),
            other_ca_pem: other_ca.pem(),
        }
    })
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    params
}

fn server_config(names: &[&str], issuer: &Issuer<'_, KeyPair>, ca: &CertificateDer<'static>) -> Arc<ServerConfig> {
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let cert = CertificateParams::new(names).unwrap().signed_by(&key, issuer).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone(), ca.clone()], key)
        .unwrap();
    Arc::new(config)
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Which TCP connection it came on (numbered from 1 per server).
    pub connection: usize,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body read as a form.
    pub fn form(&self) -> BTreeMap<String, String> {
        url::form_urlencoded::parse(&self.body).into_owned().collect()
    }

    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization").and_then(|v| v.strip_prefix("Bearer "))
    }
}

/// What the server does with a request.
pub enum Reply {
    /// A complete HTTP reply.
    Http { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// These bytes as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// No answer, ever (the connection stays open).
    Hang,
    /// The reply after a pause.
    Delay(Duration, Box<Reply>),
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Http { status, headers: vec![("Content-Type".into(), content_type.into())], body: body.into() }
    }

    pub fn xml(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(status, "application/xml;charset=UTF-8", body)
    }

    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(status, "application/json", body)
    }

    pub fn html(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(status, "text/html; charset=iso-8859-1", body)
    }

    pub fn empty(status: u16) -> Reply {
        Reply::Http { status, headers: Vec::new(), body: Vec::new() }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Http { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// The body gzip-compressed, with `Content-Encoding: gzip`.
    pub fn gzip(self) -> Reply {
        match self {
            Reply::Http { status, mut headers, body } => {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                encoder.write_all(&body).unwrap();
                headers.push(("Content-Encoding".into(), "gzip".into()));
                Reply::Http { status, headers, body: encoder.finish().unwrap() }
            }
            other => other,
        }
    }

    pub fn delayed(self, by: Duration) -> Reply {
        Reply::Delay(by, Box::new(self))
    }
}

type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

#[derive(Default)]
struct Stats {
    accepted: AtomicUsize,
    open: AtomicUsize,
    max_open: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// The test server. Dropping it stops it and every connection it holds.
pub struct Server {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Recorded>>>,
    stats: Arc<Stats>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// A server with the `localhost`/`127.0.0.1` certificate.
    pub async fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_with(pki().server.clone(), handler).await
    }

    pub async fn start_with(
        config: Arc<ServerConfig>,
        handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stats = Arc::new(Stats::default());
        let handler: Handler = Arc::new(handler);
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let task = {
            let log = log.clone();
            let stats = stats.clone();
            tokio::spawn(async move {
                let mut connections = JoinSet::new();
                loop {
                    tokio::select! {
                        accepted = listener.accept() => {
                            let Ok((tcp, _)) = accepted else { continue };
                            let id = stats.accepted.fetch_add(1, Ordering::SeqCst) + 1;
                            let (acceptor, handler, log, stats) =
                                (acceptor.clone(), handler.clone(), log.clone(), stats.clone());
                            connections.spawn(async move {
                                let open = stats.open.fetch_add(1, Ordering::SeqCst) + 1;
                                stats.max_open.fetch_max(open, Ordering::SeqCst);
                                if let Ok(tls) = acceptor.accept(tcp).await {
                                    serve(tls, id, handler, log, stats.clone()).await;
                                }
                                stats.open.fetch_sub(1, Ordering::SeqCst);
                            });
                        }
                        Some(_) = connections.join_next(), if !connections.is_empty() => {}
                    }
                }
            })
        };
        Server { addr, log, stats, task }
    }

    /// `https://127.0.0.1:PORT`
    pub fn origin(&self) -> String {
        format!("https://127.0.0.1:{}", self.addr.port())
    }

    /// `https://127.0.0.1:PORT/ovirt-engine/api`
    pub fn url(&self) -> String {
        format!("{}{API}", self.origin())
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }

    pub fn last(&self) -> Recorded {
        self.requests().pop().expect("no request was received")
    }

    pub fn accepted_connections(&self) -> usize {
        self.stats.accepted.load(Ordering::SeqCst)
    }

    /// The connections open right now.
    pub fn open_connections(&self) -> usize {
        self.stats.open.load(Ordering::SeqCst)
    }

    pub fn max_open_connections(&self) -> usize {
        self.stats.max_open.load(Ordering::SeqCst)
    }

    pub fn max_in_flight(&self) -> usize {
        self.stats.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve<S>(stream: S, id: usize, handler: Handler, log: Arc<Mutex<Vec<Recorded>>>, stats: Arc<Stats>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut stream = BufReader::new(stream);
    loop {
        let Some(request) = read_request(&mut stream, id).await else { return };
        log.lock().unwrap().push(request.clone());
        let in_flight = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        stats.max_in_flight.fetch_max(in_flight, Ordering::SeqCst);
        let mut reply = handler(&request);
        let keep = loop {
            match reply {
                Reply::Delay(by, then) => {
                    tokio::time::sleep(by).await;
                    reply = *then;
                }
                Reply::Hang => std::future::pending::<()>().await,
                Reply::Raw(bytes) => {
                    let _ = stream.get_mut().write_all(&bytes).await;
                    let _ = stream.get_mut().flush().await;
                    break false;
                }
                Reply::Http { status, headers, body } => {
                    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                    for (n, v) in &headers {
                        head.push_str(&format!("{n}: {v}\r\n"));
                    }
                    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
                    let mut bytes = head.into_bytes();
                    bytes.extend_from_slice(&body);
                    let ok = stream.get_mut().write_all(&bytes).await.is_ok() && stream.get_mut().flush().await.is_ok();
                    break ok;
                }
            }
        };
        stats.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !keep {
            let _ = stream.get_mut().shutdown().await;
            return;
        }
    }
}

async fn read_request<R: tokio::io::AsyncBufRead + Unpin>(stream: &mut R, id: usize) -> Option<Recorded> {
    let mut line = String::new();
    if stream.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.trim_end().splitn(3, ' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if stream.read_line(&mut h).await.ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_owned(), v.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.ok()?;
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target, None),
    };
    Some(Recorded { method, path, query, headers, body, connection: id })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Other",
    }
}

/// A handler that behaves like the engine's SSO: the password grant with
/// the right user and password gives `TOKEN`, the revocation answers `{}`;
/// API requests with `Bearer TOKEN` go to `api`, others get 401.
pub fn engine(
    api: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    move |r: &Recorded| match r.path.as_str() {
        SSO => {
            let form = r.form();
            if form.get("username").map(String::as_str) == Some(USER)
                && form.get("password").map(String::as_str) == Some(PASSWORD)
            {
                Reply::json(200, format!(r#"{{"access_token":"{TOKEN}","token_type":"bearer","exp":"1"}}"#))
            } else {
                Reply::json(
                    400,
                    r#"{"error_code":"access_denied","error":"Cannot authenticate user 'admin@internal': The username or password is incorrect.."}"#,
                )
            }
        }
        REVOKE => Reply::json(200, "{}"),
        _ if r.bearer() == Some(TOKEN) => api(r),
        _ => Reply::xml(401, "<fault><reason>Unauthorized</reason></fault>"),
    }
}

/// The builder the tests start from: the server's URL, the test CA, the
/// right credentials, no proxy from the environment.
pub fn builder(server: &Server) -> ConnectionBuilder {
    Connection::builder(server.url()).username(USER).password(PASSWORD).ca_pem(pki().ca_pem.clone()).no_proxy()
}

/// A connection from [`builder`].
pub fn connect(server: &Server) -> Connection {
    builder(server).build().unwrap()
}

/// The CONNECT request lines a proxy saw, each with its `Proxy-Authorization`.
type ProxyLog = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A minimal HTTP CONNECT proxy on 127.0.0.1 that tunnels to loopback
/// addresses only, and records each CONNECT request line and its
/// `Proxy-Authorization` header.
pub struct Proxy {
    pub addr: SocketAddr,
    pub seen: ProxyLog,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let task = tokio::spawn(async move {
            let mut tunnels = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((client, _)) = accepted else { continue };
                        let log = log.clone();
                        tunnels.spawn(async move { let _ = tunnel(client, log).await; });
                    }
                    Some(_) = tunnels.join_next(), if !tunnels.is_empty() => {}
                }
            }
        });
        Proxy { addr, seen, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<(String, Option<String>)> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn tunnel(client: TcpStream, log: ProxyLog) -> std::io::Result<()> {
    let mut client = BufReader::new(client);
    let mut line = String::new();
    client.read_line(&mut line).await?;
    let mut auth = None;
    loop {
        let mut h = String::new();
        client.read_line(&mut h).await?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            if n.trim().eq_ignore_ascii_case("proxy-authorization") {
                auth = Some(v.trim().to_owned());
            }
        }
    }
    log.lock().unwrap().push((line.trim_end().to_owned(), auth));
    let target = line.split(' ').nth(1).unwrap_or_default().to_owned();
    let allowed = target.parse::<SocketAddr>().is_ok_and(|a| a.ip().is_loopback()) || target.starts_with("localhost:");
    if !line.starts_with("CONNECT ") || !allowed {
        client.get_mut().write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").await?;
        return Ok(());
    }
    let mut upstream = TcpStream::connect(&target).await?;
    client.get_mut().write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await?;
    let mut client = client.into_inner();
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

/// A `tracing` subscriber that keeps every event (its level, target and
/// all its fields) as one line of text.
#[derive(Clone, Default)]
pub struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_span: Arc<AtomicUsize>,
}

impl Capture {
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    pub fn text(&self) -> String {
        self.lines().join("\n")
    }
}

struct FieldText(String);

impl tracing::field::Visit for FieldText {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push_str(&format!(" {}={}", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut text = FieldText(format!("SPAN {}", span.metadata().name()));
        span.record(&mut text);
        self.lines.lock().unwrap().push(text.0);
        tracing::span::Id::from_u64(self.next_span.fetch_add(1, Ordering::SeqCst) as u64 + 1)
    }

    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut text = FieldText("RECORD".to_owned());
        values.record(&mut text);
        self.lines.lock().unwrap().push(text.0);
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let meta = event.metadata();
        let mut text = FieldText(format!("{} {}", meta.level(), meta.target()));
        event.record(&mut text);
        self.lines.lock().unwrap().push(text.0);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}
