//! A small HTTP/1.1 client that knows nothing of any particular API: a pool
//! of kept-alive connections (TLS, optionally through a proxy), gzip, and
//! errors that say which step failed.
//!
//! Each request is driven by the task that sends it: the connection it
//! uses is polled inside that task's own future (no task is spawned per
//! connection), so a request never waits for a wake-up from another
//! thread. An idle connection sits in the pool unpolled; before it is used
//! again it is polled once, which tells whether the server closed it in
//! the meantime. A request that could not be written at all on a reused
//! connection is sent again on another one; once any of it may have gone
//! out, a failure is reported, never retried.

mod connect;
mod error;
mod proxy;

use std::future::{Future, poll_fn};
use std::io::Read as _;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, HOST, PROXY_AUTHORIZATION};
use http::{HeaderMap, HeaderValue, Method};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use url::Url;

use connect::{BoxIo, Endpoint};
pub(crate) use error::{Step, TransportError};
use error::{find_cause, io_reason};
pub(crate) use proxy::{ProxyChoice, ProxyServer};

/// The largest body read whole, as received and once decompressed.
pub(crate) const MAX_WHOLE_BODY: usize = 1 << 30;

/// How long an idle connection is kept for reuse. A server usually closes
/// one sooner (which is noticed); this also covers a network that dropped
/// it without a word.
const MAX_IDLE_TIME: Duration = Duration::from_secs(90);

/// How a transport connects.
pub(crate) struct Settings {
    pub(crate) tls: Arc<rustls::ClientConfig>,
    pub(crate) proxy: ProxyChoice,
    /// The longest resolving, connecting, the proxy tunnel and the TLS
    /// handshake may take together.
    pub(crate) connect_timeout: Option<Duration>,
    /// The most idle connections kept per server (0: no limit).
    pub(crate) max_idle: usize,
    /// Ask for gzip bodies (`Accept-Encoding: gzip`) and decompress them.
    pub(crate) compress: bool,
}

/// The pool of connections, shared by clones.
#[derive(Clone)]
pub(crate) struct Transport {
    shared: Arc<Shared>,
}

struct Shared {
    settings: Settings,
    idle: Mutex<Vec<Idle>>,
}

/// A connection waiting in the pool.
struct Idle {
    endpoint: Endpoint,
    conn: Conn,
    since: Instant,
}

/// A request as the transport sends it.
pub(crate) struct Outgoing<'a> {
    pub(crate) method: Method,
    pub(crate) url: &'a Url,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: Option<Bytes>,
    /// How messages name the request: what [`describe`] makes of it.
    pub(crate) what: &'a str,
}

/// How messages name a request: the method and the URL without its query
/// (which may be long or hold search terms): `GET https://host/api/vms`.
pub(crate) fn describe(method: &Method, url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    format!("{method} {shown}")
}

/// The head of a reply, and its body still to be read.
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// Without `Content-Encoding` and `Content-Length` when the body is
    /// decompressed, as they describe the compressed bytes.
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
}

impl Transport {
    pub(crate) fn new(settings: Settings) -> Transport {
        Transport { shared: Arc::new(Shared { settings, idle: Mutex::new(Vec::new()) }) }
    }

    /// Sends a request and returns the head of the reply; its body is read
    /// from [`Reply::body`], on the same connection, by the caller's task.
    pub(crate) async fn send(&self, outgoing: Outgoing<'_>) -> Result<Reply, TransportError> {
        let what = outgoing.what.to_owned();
        let endpoint = endpoint_of(outgoing.url, &what)?;
        let settings = &self.shared.settings;
        let proxy = settings.proxy.for_server(endpoint.https, &endpoint.host).cloned();
        let mut request = self.http_request(&outgoing, &endpoint, proxy.as_ref(), &what)?;
        loop {
            let (mut conn, reused) = match self.checkout(&endpoint) {
                Some(conn) => (conn, true),
                None => (self.connect(&endpoint, proxy.as_ref()).await?, false),
            };
            let ready = conn.driver.run(conn.sender.ready()).await;
            if ready.is_err() && reused {
                continue;
            }
            if let Err(e) = ready {
                return Err(exchange_error(e, &what, &endpoint));
            }
            match conn.driver.run(conn.sender.try_send_request(request)).await {
                Ok(response) => return Ok(self.reply(response, conn, endpoint, what)),
                Err(mut failure) => match failure.take_message() {
                    // Nothing of it was written: the kept-alive connection
                    // was closed by the server; another one is tried.
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(exchange_error(failure.into_error(), &what, &endpoint)),
                },
            }
        }
    }

    fn reply(&self, response: http::Response<Incoming>, conn: Conn, endpoint: Endpoint, what: String) -> Reply {
        let (head, incoming) = response.into_parts();
        let mut headers = head.headers;
        let gzip = self.shared.settings.compress
            && headers.get(CONTENT_ENCODING).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
        if gzip {
            headers.remove(CONTENT_ENCODING);
            headers.remove(CONTENT_LENGTH);
        }
        let body =
            Body { incoming, conn: Some(conn), home: Some((self.shared.clone(), endpoint)), what, received: 0, gzip };
        Reply { status: head.status.as_u16(), headers, body }
    }

    /// The request as hyper sends it: the target in origin form (absolute
    /// through a plain-HTTP proxy), `Host`, and the transport's own headers.
    fn http_request(
        &self,
        outgoing: &Outgoing<'_>,
        endpoint: &Endpoint,
        proxy: Option<&ProxyServer>,
        what: &str,
    ) -> Result<http::Request<Full<Bytes>>, TransportError> {
        let url = outgoing.url;
        let plain_proxy = proxy.filter(|_| !endpoint.https);
        let target = match (plain_proxy, url.query()) {
            (Some(_), _) => url[..url::Position::AfterQuery].to_owned(),
            (None, Some(query)) => format!("{}?{query}", url.path()),
            (None, None) => url.path().to_owned(),
        };
        let mut request = http::Request::builder().method(outgoing.method.clone()).uri(target);
        if let Some(headers) = request.headers_mut() {
            headers.clone_from(outgoing.headers);
            let default_port = if endpoint.https { 443 } else { 80 };
            let host = match endpoint.port {
                port if port == default_port => endpoint.host.clone(),
                _ => endpoint.address(),
            };
            if let Ok(host) = HeaderValue::from_str(&host) {
                headers.insert(HOST, host);
            }
            if self.shared.settings.compress && !headers.contains_key(ACCEPT_ENCODING) {
                headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
            }
            if let Some(authorization) = plain_proxy.and_then(|p| p.authorization.clone()) {
                headers.insert(PROXY_AUTHORIZATION, authorization);
            }
        }
        request.body(Full::new(outgoing.body.clone().unwrap_or_default())).map_err(|e| {
            TransportError::new(Step::Request, format!("The request {what} can't be sent: {e}.")).caused_by(e)
        })
    }

    /// A new connection to `endpoint`, within the connect timeout.
    async fn connect(&self, endpoint: &Endpoint, proxy: Option<&ProxyServer>) -> Result<Conn, TransportError> {
        let settings = &self.shared.settings;
        let opening = async {
            let io = connect::open(endpoint, proxy, &settings.tls).await?;
            http1::Builder::new().handshake::<_, Full<Bytes>>(TokioIo::new(io)).await.map_err(|e| {
                let message = format!("Cannot start HTTP on the connection to {}: {e}.", endpoint.address());
                TransportError::new(Step::Exchange, message).caused_by(e)
            })
        };
        let (sender, connection) = match settings.connect_timeout {
            None => opening.await?,
            Some(limit) => tokio::time::timeout(limit, opening).await.map_err(|_| {
                let via = proxy.map(|p| format!(" through the proxy {}", p.address())).unwrap_or_default();
                let message = format!(
                    "Cannot connect to {}{via}: no connection within {} s (the connect timeout).",
                    endpoint.address(),
                    limit.as_secs_f64()
                );
                TransportError::new(Step::ConnectTimeout, message)
            })??,
        };
        tracing::debug!(server = %endpoint.address(), "opened a new connection");
        Ok(Conn { sender, driver: Driver { connection: Box::pin(connection), ended: false } })
    }

    /// Closes the idle connections (those in use close when their reply
    /// has been read).
    pub(crate) fn close_idle(&self) {
        self.shared.idle.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// The most recently used idle connection to `endpoint` that is still
    /// open (those the server closed are dropped on the way).
    fn checkout(&self, endpoint: &Endpoint) -> Option<Conn> {
        let mut idle = self.shared.idle.lock().unwrap_or_else(PoisonError::into_inner);
        idle.retain(|i| i.since.elapsed() < MAX_IDLE_TIME);
        while let Some(i) = idle.iter().rposition(|i| i.endpoint == *endpoint) {
            let mut conn = idle.remove(i).conn;
            if conn.is_usable() {
                return Some(conn);
            }
        }
        None
    }
}

impl Shared {
    /// Keeps a connection whose reply was read to its end, for the next request.
    fn checkin(&self, endpoint: Endpoint, mut conn: Conn) {
        if !conn.is_usable() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let max = self.settings.max_idle;
        if max > 0 && idle.iter().filter(|i| i.endpoint == endpoint).count() >= max {
            if let Some(oldest) = idle.iter().position(|i| i.endpoint == endpoint) {
                idle.remove(oldest);
            }
        }
        idle.push(Idle { endpoint, conn, since: Instant::now() });
    }
}

/// Where a URL's requests go.
fn endpoint_of(url: &Url, what: &str) -> Result<Endpoint, TransportError> {
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        other => {
            return Err(TransportError::new(Step::Request, format!("{what} can't be sent: '{other}:' isn't HTTP.")));
        }
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| TransportError::new(Step::Request, format!("{what} can't be sent: the URL has no host.")))?;
    let port = url.port_or_known_default().unwrap_or(if https { 443 } else { 80 });
    Ok(Endpoint { https, host: host.to_owned(), port })
}

/// One HTTP/1.1 connection: where requests go in, and what drives it.
struct Conn {
    sender: http1::SendRequest<Full<Bytes>>,
    driver: Driver,
}

impl Conn {
    fn is_usable(&mut self) -> bool {
        self.driver.is_open() && !self.sender.is_closed()
    }
}

/// The connection's state machine, polled by whichever task is using the
/// connection.
struct Driver {
    connection: Pin<Box<http1::Connection<TokioIo<BoxIo>, Full<Bytes>>>>,
    /// Whether the connection finished (closed or failed).
    ended: bool,
}

impl Driver {
    /// Runs `work` (a step of an exchange on this connection) while driving
    /// the connection, in the calling task. When the connection ends, what
    /// was waiting on it is told so by hyper, and `work` finishes.
    async fn run<F: Future>(&mut self, work: F) -> F::Output {
        let mut work = pin!(work);
        poll_fn(|cx| {
            if let Poll::Ready(out) = work.as_mut().poll(cx) {
                return Poll::Ready(out);
            }
            if !self.ended && self.connection.as_mut().poll(cx).is_ready() {
                self.ended = true;
            }
            // Driving may have completed the work (a reply or a piece of body arrived).
            work.as_mut().poll(cx)
        })
        .await
    }

    /// Polls the idle connection once: whether it is still open (the server
    /// may have closed it while it sat in the pool).
    fn is_open(&mut self) -> bool {
        if !self.ended {
            let mut cx = Context::from_waker(Waker::noop());
            self.ended = self.connection.as_mut().poll(&mut cx).is_ready();
        }
        !self.ended
    }
}

/// The body of a reply, read on its connection; the connection goes back
/// to the pool once the body was read to its end, and is closed when the
/// body is dropped before.
pub(crate) struct Body {
    incoming: Incoming,
    conn: Option<Conn>,
    home: Option<(Arc<Shared>, Endpoint)>,
    what: String,
    received: u64,
    gzip: bool,
}

impl Body {
    /// Whether the bytes [`chunk`](Self::chunk) gives are gzip-compressed
    /// (those of [`read_all`](Self::read_all) never are).
    pub(crate) fn is_gzip(&self) -> bool {
        self.gzip
    }

    /// The next piece of the body as it arrives, `None` at its end.
    pub(crate) async fn chunk(&mut self) -> Result<Option<Bytes>, TransportError> {
        let Body { incoming, conn, .. } = self;
        let Some(live) = conn.as_mut() else { return Ok(None) };
        loop {
            match live.driver.run(incoming.frame()).await {
                None => break,
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if !data.is_empty() => {
                        self.received += data.len() as u64;
                        return Ok(Some(data));
                    }
                    // Empty data and trailers carry nothing for the caller.
                    _ => continue,
                },
                Some(Err(e)) => {
                    *conn = None;
                    return Err(body_error(e, &self.what, self.received));
                }
            }
        }
        if let (Some(conn), Some((shared, endpoint))) = (self.conn.take(), self.home.take()) {
            shared.checkin(endpoint, conn);
        }
        Ok(None)
    }

    /// The whole body, decompressed: no more than [`MAX_WHOLE_BODY`] as
    /// received and once decompressed (a larger reply is read with
    /// [`chunk`](Self::chunk), piece by piece).
    pub(crate) async fn read_all(mut self) -> Result<Vec<u8>, TransportError> {
        let mut raw = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            append_bounded(&mut raw, &chunk, MAX_WHOLE_BODY).map_err(|()| self.too_large())?;
        }
        self.decode(raw)
    }

    /// Bytes of this body as they were received (at most
    /// [`MAX_WHOLE_BODY`]), decompressed when the body is gzip.
    pub(crate) fn decode(&self, raw: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        if self.gzip { inflate(&raw, &self.what) } else { Ok(raw) }
    }

    /// At most `limit` bytes of the body, decompressed, and whether there
    /// was more (for bodies only a part of which is worth keeping, such as
    /// error messages). A body cut short this way is not read to its end,
    /// so its connection is closed rather than reused.
    pub(crate) async fn read_prefix(mut self, limit: usize) -> Result<(Vec<u8>, bool), TransportError> {
        let mut raw = Vec::new();
        let mut more = false;
        while let Some(chunk) = self.chunk().await? {
            let room = limit.saturating_sub(raw.len());
            raw.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if chunk.len() > room {
                more = true;
                break;
            }
        }
        if !self.gzip {
            return Ok((raw, more));
        }
        let mut inflated = Vec::new();
        let decoder = flate2::read::MultiGzDecoder::new(raw.as_slice());
        // A prefix of a gzip stream ends early: what was inflated is kept.
        let _ = decoder.take(limit as u64 + 1).read_to_end(&mut inflated);
        more |= inflated.len() > limit;
        inflated.truncate(limit);
        Ok((inflated, more))
    }

    fn too_large(&self) -> TransportError {
        too_large(&self.what)
    }
}

/// The error of a reply to `what` whose body is over [`MAX_WHOLE_BODY`].
pub(crate) fn too_large(what: &str) -> TransportError {
    let message = format!("The body of the reply to {what} is larger than 1 GiB: it can only be streamed.");
    TransportError::new(Step::Decode, message)
}

/// A gzip body decompressed, no more than [`MAX_WHOLE_BODY`] of it.
fn inflate(raw: &[u8], what: &str) -> Result<Vec<u8>, TransportError> {
    let mut inflated = Vec::new();
    let decoder = flate2::read::MultiGzDecoder::new(raw);
    match decoder.take(MAX_WHOLE_BODY as u64 + 1).read_to_end(&mut inflated) {
        Err(e) => {
            let message = format!("The gzip body of the reply to {what} is corrupt: {e}.");
            Err(TransportError::new(Step::Decode, message).caused_by(e))
        }
        Ok(n) if n > MAX_WHOLE_BODY => Err(too_large(what)),
        Ok(_) => Ok(inflated),
    }
}

/// Appends `chunk` to `buffer` unless that makes it longer than `limit`.
fn append_bounded(buffer: &mut Vec<u8>, chunk: &[u8], limit: usize) -> Result<(), ()> {
    if buffer.len().saturating_add(chunk.len()) > limit {
        return Err(());
    }
    buffer.extend_from_slice(chunk);
    Ok(())
}

/// Whether an I/O error means the other side closed the connection.
fn is_closing(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(e.kind(), K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof)
}

/// The error of a failed exchange (writing the request, waiting for the head).
fn exchange_error(e: hyper::Error, what: &str, endpoint: &Endpoint) -> TransportError {
    if let Some(tls) = find_cause::<rustls::Error>(&e) {
        let message = format!("TLS failed on the connection to {} during {what}: {tls}.", endpoint.address());
        return TransportError::new(Step::Tls, message).caused_by(e);
    }
    if e.is_parse() || e.is_parse_status() {
        return TransportError::new(Step::Protocol, format!("The reply to {what} isn't HTTP that can be read: {e}."))
            .caused_by(e);
    }
    let io = find_cause::<std::io::Error>(&e);
    if e.is_incomplete_message() || e.is_canceled() || e.is_closed() || io.is_some_and(is_closing) {
        return TransportError::new(
            Step::Closed,
            format!("The server closed the connection before it replied to {what}."),
        )
        .caused_by(e);
    }
    let reason = io.map_or_else(|| e.to_string(), io_reason);
    let message = format!(
        "The connection to {} failed while sending {what} or waiting for its reply: {reason}.",
        endpoint.address()
    );
    TransportError::new(Step::Exchange, message).caused_by(e)
}

/// The error of a body that could not be read to its end.
fn body_error(e: hyper::Error, what: &str, received: u64) -> TransportError {
    let io = find_cause::<std::io::Error>(&e);
    let message = if e.is_incomplete_message() || io.is_some_and(is_closing) {
        format!(
            "The server closed the connection after {received} bytes of the body of the reply to {what}, before its end."
        )
    } else if let Some(tls) = find_cause::<rustls::Error>(&e) {
        format!("TLS failed while reading the reply to {what}: {tls}.")
    } else {
        let reason = io.map_or_else(|| e.to_string(), io_reason);
        format!("The connection broke while reading the reply to {what}: {reason}.")
    };
    TransportError::new(Step::Body, message).caused_by(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_bodies_are_bounded() {
        let mut buffer = Vec::new();
        assert_eq!(append_bounded(&mut buffer, b"abc", 4), Ok(()));
        assert_eq!(append_bounded(&mut buffer, b"de", 4), Err(()));
        assert_eq!(buffer, b"abc");
        assert_eq!(append_bounded(&mut buffer, b"d", 4), Ok(()));
        assert_eq!(buffer, b"abcd");
    }

    #[test]
    fn requests_are_named_without_their_query() {
        let url = Url::parse("https://engine.example.com/ovirt-engine/api/vms?search=name%3Dweb#x").unwrap();
        assert_eq!(describe(&Method::GET, &url), "GET https://engine.example.com/ovirt-engine/api/vms");
    }
}
