//! A minimal HTTP/1.1 client for testing the fake server on its own: one
//! request per connection (`Connection: close`), the reply read to its end.

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A reply: status, headers (names as sent) and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of a header, its name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body read as JSON; panics (in a test) when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("the body {:?} is not JSON: {e}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends `method target` to the server of `url` (only its `host:port` is
/// used) with these headers and an optional body; adds `Host`,
/// `Content-Length` (when there is a body) and `Connection: close`.
pub async fn send(url: &str, method: &str, target: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Response {
    let authority = url.split("://").nth(1).unwrap_or(url).split('/').next().unwrap_or_default();
    let mut stream = TcpStream::connect(authority).await.expect("cannot connect to the fake server");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    stream.write_all(&bytes).await.expect("cannot write the request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("cannot read the reply");
    parse(&raw)
}

/// Splits a whole reply (head and `Content-Length` body) into its parts.
fn parse(raw: &[u8]) -> Response {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("the reply has no end of head");
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("no status");
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    Response { status, headers, body: raw[end + 4..].to_vec() }
}
