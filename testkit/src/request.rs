//! Reading one HTTP/1.1 request off a connection, and what is kept of it.

use std::collections::BTreeMap;
use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Longest request line or header line accepted.
const MAX_LINE: u64 = 64 * 1024;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// The target up to its `?`.
    pub path: String,
    /// The target after its `?`, if it has one.
    pub query: Option<String>,
    /// Names as sent, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, with any chunked framing removed.
    pub body: Vec<u8>,
    /// Which TCP connection it came on (numbered from 1 per server).
    pub connection: usize,
}

impl Recorded {
    /// The first value of a header, its name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body read as a form.
    pub fn form(&self) -> BTreeMap<String, String> {
        decode_form(&self.body).into_iter().collect()
    }

    /// The token of an `Authorization: Bearer` header.
    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization").and_then(|v| v.strip_prefix("Bearer "))
    }

    fn has_token(&self, name: &str, token: &str) -> bool {
        self.header_values(name).iter().any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    }

    /// Whether the client asked to close the connection after this request.
    pub fn wants_close(&self) -> bool {
        self.has_token("connection", "close")
    }
}

/// Decodes a form-encoded text (`+` is a space, `%xx` a byte) into its
/// pairs, in order; a pair without `=` has an empty value, and a `%` not
/// followed by two hex digits stays as it is.
pub fn decode_form(form: impl AsRef<[u8]>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(form.as_ref()).into_owned().collect()
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// One line without its line end; `None` at the end of the stream.
async fn read_line<R: AsyncBufRead + Unpin>(read: &mut R) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    if (&mut *read).take(MAX_LINE).read_until(b'\n', &mut line).await? == 0 {
        return Ok(None);
    }
    if line.pop() != Some(b'\n') {
        return Err(invalid("A line is too long or cut short.".into()));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line).map(Some).map_err(|_| invalid("A request line or header is not UTF-8.".into()))
}

async fn require_line<R: AsyncBufRead + Unpin>(read: &mut R, place: &str) -> io::Result<String> {
    read_line(read).await?.ok_or_else(|| invalid(format!("The stream ends in {place}.")))
}

/// Reads the next request; `None` when the client closed the connection
/// between requests. Answers `Expect: 100-continue` before reading the body.
pub(crate) async fn read_request<S>(stream: &mut S, connection: usize) -> io::Result<Option<Recorded>>
where
    S: AsyncBufRead + AsyncWrite + Unpin,
{
    // Empty lines before a request line are allowed (RFC 9112, 2.2).
    let request_line = loop {
        match read_line(stream).await? {
            None => return Ok(None),
            Some(line) if line.is_empty() => continue,
            Some(line) => break line,
        }
    };
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(format!("The request line {request_line:?} is not method, target and version.")));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(invalid(format!("The version {version} is not HTTP/1.")));
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.to_owned(), None),
    };
    let headers = read_headers(stream).await?;
    let mut request =
        Recorded { method: method.into(), target: target.into(), path, query, headers, body: Vec::new(), connection };
    if request.has_token("expect", "100-continue") {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
        stream.flush().await?;
    }
    request.body = read_body(stream, &request).await?;
    Ok(Some(request))
}

async fn read_headers<R: AsyncBufRead + Unpin>(read: &mut R) -> io::Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    loop {
        let line = require_line(read, "the headers").await?;
        if line.is_empty() {
            return Ok(headers);
        }
        let (name, value) =
            line.split_once(':').ok_or_else(|| invalid(format!("The header line {line:?} has no colon.")))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
}

async fn read_body<R: AsyncBufRead + Unpin>(read: &mut R, request: &Recorded) -> io::Result<Vec<u8>> {
    if request.has_token("transfer-encoding", "chunked") {
        return read_chunks(read).await;
    }
    let Some(length) = request.header("content-length") else { return Ok(Vec::new()) };
    let length: usize =
        length.parse().map_err(|_| invalid(format!("The Content-Length {length:?} is not a number.")))?;
    let mut body = vec![0; length];
    read.read_exact(&mut body).await?;
    Ok(body)
}

async fn read_chunks<R: AsyncBufRead + Unpin>(read: &mut R) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = require_line(read, "a chunk size").await?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size =
            usize::from_str_radix(size, 16).map_err(|_| invalid(format!("The chunk size {line:?} is not hex.")))?;
        if size == 0 {
            // Trailers, up to the empty line; they are not kept.
            while !require_line(read, "the trailers").await?.is_empty() {}
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + size, 0);
        read.read_exact(&mut body[start..]).await?;
        if !require_line(read, "a chunk").await?.is_empty() {
            return Err(invalid("A chunk is not followed by a line end.".into()));
        }
    }
}
