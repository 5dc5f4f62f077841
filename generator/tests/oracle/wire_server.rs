//! A recording HTTP/1.1 server for the method-level wire test.
//!
//! Plain HTTP on `127.0.0.1`, any number of concurrent kept-alive
//! connections, request bodies with `Content-Length` or chunked, an interim
//! `100 Continue` when the client sends `Expect: 100-continue`. Every request
//! is recorded under the value of its `X-Oracle-Call` header and answered
//! with the canned reply of that call (`application/xml`); a request without
//! the header, or for a call without a reply, is recorded apart and answered
//! with a 404 fault.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};

/// The header that names the call.
pub const CALL_HEADER: &str = "x-oracle-call";

/// Longest request line or header line accepted.
const MAX_LINE: usize = 64 * 1024;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The canned reply of a call.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

#[derive(Default)]
struct Records {
    by_call: HashMap<String, Vec<Recorded>>,
    unknown: Vec<Recorded>,
}

/// A running server; it stops with the runtime.
pub struct Server {
    pub port: u16,
    records: Arc<Mutex<Records>>,
}

impl Server {
    /// Starts a server on a free port of `127.0.0.1`.
    pub async fn start(replies: Arc<HashMap<String, Reply>>) -> io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let records = Arc::new(Mutex::new(Records::default()));
        let shared = records.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (replies, records) = (replies.clone(), shared.clone());
                tokio::spawn(async move {
                    // A client that goes away mid-request only loses that
                    // request, which then shows up as missing.
                    let _ = serve(stream, &replies, &records).await;
                });
            }
        });
        Ok(Server { port, records })
    }

    /// Takes what was recorded so far: the requests by call, and those that
    /// named no known call.
    pub fn take(&self) -> (HashMap<String, Vec<Recorded>>, Vec<Recorded>) {
        let mut records = self.records.lock().unwrap();
        let taken = std::mem::take(&mut *records);
        (taken.by_call, taken.unknown)
    }
}

async fn serve(stream: TcpStream, replies: &HashMap<String, Reply>, records: &Mutex<Records>) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    while let Some(request) = read_request(&mut read, &mut write).await? {
        let close = request.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let reply = request.header(CALL_HEADER).and_then(|id| replies.get(id)).cloned();
        {
            let mut records = records.lock().unwrap();
            match (&reply, request.header(CALL_HEADER)) {
                (Some(_), Some(id)) => records.by_call.entry(id.to_owned()).or_default().push(request),
                _ => records.unknown.push(request),
            }
        }
        let reply = reply.unwrap_or_else(|| Reply {
            status: 404,
            body: "<fault><reason>Unknown oracle call</reason><detail>no canned reply</detail></fault>".into(),
        });
        let reason = match reply.status {
            200 => "OK",
            201 => "Created",
            202 => "Accepted",
            404 => "Not Found",
            _ => "",
        };
        let head = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n{}\r\n",
            reply.status,
            reply.body.len(),
            if close { "Connection: close\r\n" } else { "" }
        );
        write.write_all(head.as_bytes()).await?;
        write.write_all(reply.body.as_bytes()).await?;
        write.flush().await?;
        if close {
            return Ok(());
        }
    }
    Ok(())
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// One line without its CR LF; `None` at the end of the stream.
async fn read_line<R: AsyncBufReadExt + Unpin>(read: &mut R) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let n = (&mut *read).take(MAX_LINE as u64).read_until(b'\n', &mut line).await?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(invalid("line too long or cut short"));
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line).map(Some).map_err(|_| invalid("a request line or header is not UTF-8"))
}

async fn read_request<R: AsyncBufReadExt + Unpin>(
    read: &mut R,
    write: &mut OwnedWriteHalf,
) -> io::Result<Option<Recorded>> {
    // Empty lines before a request line are allowed (RFC 9112 §2.2).
    let request_line = loop {
        match read_line(read).await? {
            None => return Ok(None),
            Some(line) if line.is_empty() => continue,
            Some(line) => break line,
        }
    };
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(format!("bad request line {request_line:?}")));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(invalid(format!("unsupported version {version}")));
    }
    let mut headers = Vec::new();
    loop {
        let line = read_line(read).await?.ok_or_else(|| invalid("the stream ends in the headers"))?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| invalid(format!("bad header line {line:?}")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut request = Recorded { method: method.to_owned(), target: target.to_owned(), headers, body: Vec::new() };
    if request.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        write.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        write.flush().await?;
    }
    let chunked = request.header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            let line = read_line(read).await?.ok_or_else(|| invalid("the stream ends in a chunk size"))?;
            let size = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size, 16).map_err(|_| invalid(format!("bad chunk size {line:?}")))?;
            if size == 0 {
                // Trailers, up to the empty line.
                while !read_line(read).await?.ok_or_else(|| invalid("the stream ends in the trailers"))?.is_empty() {}
                break;
            }
            let start = request.body.len();
            request.body.resize(start + size, 0);
            read.read_exact(&mut request.body[start..]).await?;
            if !read_line(read).await?.is_some_and(|l| l.is_empty()) {
                return Err(invalid("a chunk is not followed by CR LF"));
            }
        }
    } else if let Some(length) = request.header("content-length") {
        let length: usize = length.parse().map_err(|_| invalid(format!("bad Content-Length {length:?}")))?;
        request.body.resize(length, 0);
        read.read_exact(&mut request.body).await?;
    }
    Ok(Some(request))
}

/// Decodes a form-encoded query (`+` is a space, `%xx` a byte) into its
/// pairs, in order; a pair without `=` has an empty value.
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let byte = bytes
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    match byte {
                        Some(b) => {
                            out.push(b);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (decode(name), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_as_forms() {
        assert_eq!(
            decode_query("a=x+y%C3%A9%26z&b&c=%2B%3D&d=%zz"),
            [("a", "x y\u{e9}&z"), ("b", ""), ("c", "+="), ("d", "%zz")]
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .to_vec()
        );
    }

    #[test]
    fn records_sized_and_chunked_bodies_on_one_kept_alive_connection() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let replies = HashMap::from([("c1".to_owned(), Reply { status: 200, body: "<vm/>".into() })]);
            let server = Server::start(Arc::new(replies)).await.unwrap();
            let mut stream = TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
            let requests = "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nX-Oracle-Call: c1\r\nContent-Length: 3\r\n\r\nabc\
                            PUT /b HTTP/1.1\r\nX-Oracle-Call: c1\r\nTransfer-Encoding: chunked\r\n\
                            Expect: 100-continue\r\n\r\n2;ext=1\r\nde\r\n3\r\nfgh\r\n0\r\nTrailer: t\r\n\r\n\
                            GET /c HTTP/1.1\r\nConnection: close\r\n\r\n";
            stream.write_all(requests.as_bytes()).await.unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).await.unwrap();
            assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 2, "{answer}");
            assert_eq!(answer.matches("HTTP/1.1 100 Continue").count(), 1, "{answer}");
            assert!(answer.contains("HTTP/1.1 404 Not Found"), "{answer}");
            let (by_call, unknown) = server.take();
            let calls = &by_call["c1"];
            assert_eq!(calls.len(), 2);
            assert_eq!((calls[0].method.as_str(), calls[0].path(), calls[0].query()), ("POST", "/a", Some("x=1")));
            assert_eq!(calls[0].body, b"abc");
            assert_eq!(calls[1].body, b"defgh");
            assert_eq!(calls[1].header("X-ORACLE-CALL"), Some("c1"));
            assert_eq!(unknown.len(), 1);
            assert_eq!(unknown[0].target, "/c");
        });
    }
}
