//! Opening a connection: name resolution, TCP, the proxy tunnel and TLS,
//! each failure reported as the step it happened at.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::error::{Step, TransportError, find_cause, io_reason};
use super::proxy::ProxyServer;

/// A byte stream to a server: TCP, TLS over TCP, or either inside a proxy
/// tunnel (TLS inside TLS for an `https://` proxy).
pub(crate) trait Io: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

pub(crate) type BoxIo = Pin<Box<dyn Io>>;

/// A server to connect to.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) https: bool,
    /// As in the URL (an IPv6 address in brackets).
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl Endpoint {
    /// `host:port`, for messages.
    pub(crate) fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// The longest head of a proxy's answer to `CONNECT` that is read.
const MAX_PROXY_HEAD: usize = 16 << 10;

/// A stream to `endpoint`, through `proxy` when there is one, with TLS when
/// the endpoint is `https`.
pub(crate) async fn open(
    endpoint: &Endpoint,
    proxy: Option<&ProxyServer>,
    tls: &Arc<rustls::ClientConfig>,
) -> Result<BoxIo, TransportError> {
    let stream = match proxy {
        None => Box::pin(tcp(&endpoint.host, endpoint.port, "").await?) as BoxIo,
        Some(proxy) => {
            let to_proxy = Box::pin(tcp(&proxy.host, proxy.port, "the proxy ").await?) as BoxIo;
            let to_proxy =
                if proxy.https { handshake(to_proxy, &proxy.host, proxy.port, tls).await? } else { to_proxy };
            if endpoint.https { tunnel(to_proxy, proxy, endpoint).await? } else { to_proxy }
        }
    };
    if endpoint.https { handshake(stream, &endpoint.host, endpoint.port, tls).await } else { Ok(stream) }
}

/// A TCP connection to the first address of `host` that accepts one.
/// `role` (`""` or `"the proxy "`) goes into messages.
async fn tcp(host: &str, port: u16, role: &str) -> Result<TcpStream, TransportError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|e| {
                TransportError::new(
                    Step::Resolve,
                    format!("Cannot find the address of {role}{host}: {}.", io_reason(&e)),
                )
                .caused_by(e)
            })?
            .collect(),
    };
    let mut last = None;
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => {
                // Requests are written whole; waiting to fill packets only adds latency.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => {
            TransportError::new(Step::Connect, format!("Cannot connect to {role}{host}:{port}: {}.", io_reason(&e)))
                .caused_by(e)
        }
        None => TransportError::new(Step::Resolve, format!("Cannot find the address of {role}{host}: it has none.")),
    })
}

/// TLS over `stream`, checking the certificate for `host`.
async fn handshake(
    stream: BoxIo,
    host: &str,
    port: u16,
    tls: &Arc<rustls::ClientConfig>,
) -> Result<BoxIo, TransportError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let name = ServerName::try_from(bare.to_owned()).map_err(|e| {
        TransportError::new(Step::Tls, format!("The host name '{host}' can't be used for TLS: {e}.")).caused_by(e)
    })?;
    let connector = tokio_rustls::TlsConnector::from(tls.clone());
    match connector.connect(name, stream).await {
        Ok(tls) => Ok(Box::pin(tls)),
        Err(e) => Err(handshake_error(e, host, port)),
    }
}

fn handshake_error(e: std::io::Error, host: &str, port: u16) -> TransportError {
    let Some(tls) = find_cause::<rustls::Error>(&e) else {
        let message = format!("The TLS handshake with {host}:{port} failed: {}.", io_reason(&e));
        return TransportError::new(Step::Tls, message).caused_by(e);
    };
    let text = tls.to_string();
    let hint = if text.contains("UnknownIssuer") {
        " Is the CA of the server trusted (see 'ca_file' and 'ca_pem')?"
    } else if text.contains("not valid for name") {
        " The host name of the URL must be one the certificate names."
    } else {
        ""
    };
    TransportError::new(Step::Tls, format!("The TLS handshake with {host}:{port} failed: {text}.{hint}")).caused_by(e)
}

/// Asks the proxy for a tunnel to `endpoint` (`CONNECT host:port`).
async fn tunnel(mut stream: BoxIo, proxy: &ProxyServer, endpoint: &Endpoint) -> Result<BoxIo, TransportError> {
    let target = endpoint.address();
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(authorization) = &proxy.authorization {
        request.push_str("Proxy-Authorization: ");
        request.push_str(authorization.to_str().unwrap_or_default());
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    let failed = |e: std::io::Error| {
        let message = format!(
            "The proxy {} closed the connection instead of opening a tunnel to {target}: {}.",
            proxy.address(),
            io_reason(&e)
        );
        TransportError::new(Step::Proxy, message).caused_by(e)
    };
    stream.write_all(request.as_bytes()).await.map_err(failed)?;
    stream.flush().await.map_err(failed)?;
    let head = read_head(&mut stream).await.map_err(failed)?;
    let status_line = head.lines().next().unwrap_or_default();
    let status = status_line.split_whitespace().nth(1).and_then(|s| s.parse::<u16>().ok());
    if status.is_some_and(|s| (200..300).contains(&s)) {
        return Ok(stream);
    }
    let answered = status_line.split_once(' ').map_or(status_line, |(_, rest)| rest).trim();
    let hint = if status == Some(407) { " Give the proxy's user and password in its URL." } else { "" };
    Err(TransportError::new(
        Step::Proxy,
        format!("The proxy {} refused to open a tunnel to {target}: it answered '{answered}'.{hint}", proxy.address()),
    ))
}

/// The head of the proxy's answer (up to the empty line), read byte by byte
/// so that nothing of the tunnel's data is taken; bounded in size.
async fn read_head(stream: &mut BoxIo) -> std::io::Result<String> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_PROXY_HEAD {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "its answer has no end of head"));
        }
        let byte = stream.read_u8().await?;
        head.push(byte);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}
