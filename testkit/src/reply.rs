//! What the server answers.

use std::io::Write as _;
use std::time::Duration;

/// What the server does with a request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A complete reply; `Content-Length` is added.
    Http { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// A head that promises `promised` body bytes, then only `body`, then
    /// the connection is dropped.
    Cut { status: u16, headers: Vec<(String, String)>, body: Vec<u8>, promised: usize },
    /// A head that promises `promised` body bytes, then only `body`, then
    /// nothing more, ever (the connection stays open).
    Stall { status: u16, headers: Vec<(String, String)>, body: Vec<u8>, promised: usize },
    /// A complete reply whose body is the file at `path`, read piece by
    /// piece as it is sent: a large body the server never holds in memory.
    File { status: u16, headers: Vec<(String, String)>, path: std::path::PathBuf },
    /// These bytes as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// No answer, ever (the connection stays open).
    Hang,
    /// The reply after a pause.
    Delay(Duration, Box<Reply>),
}

impl Reply {
    /// A complete reply with a `Content-Type` whose body is the file at
    /// `path`, sent as it is read (see [`Reply::File`]).
    pub fn file(status: u16, content_type: &str, path: impl Into<std::path::PathBuf>) -> Reply {
        Reply::File { status, headers: vec![("Content-Type".into(), content_type.into())], path: path.into() }
    }

    /// A complete reply with a `Content-Type`.
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

    /// A reply without headers or body.
    pub fn empty(status: u16) -> Reply {
        Reply::Http { status, headers: Vec::new(), body: Vec::new() }
    }

    /// One more header (replies that have headers only).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Http { headers, .. } | Reply::Cut { headers, .. } | Reply::Stall { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// The body gzip-compressed, with `Content-Encoding: gzip` (complete
    /// replies only).
    pub fn gzip(self) -> Reply {
        let Reply::Http { status, mut headers, body } = self else { return self };
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&body).expect("writing to a Vec cannot fail");
        headers.push(("Content-Encoding".into(), "gzip".into()));
        Reply::Http { status, headers, body: encoder.finish().expect("writing to a Vec cannot fail") }
    }

    /// This complete reply turned into a cut one: the head promises
    /// `promised` body bytes, the body sent is only this reply's, and the
    /// connection drops after it. Other replies are left as they are.
    pub fn cut(self, promised: usize) -> Reply {
        match self {
            Reply::Http { status, headers, body } => Reply::Cut { status, headers, body, promised },
            other => other,
        }
    }

    /// Like [`Reply::cut`], but the connection stays open and nothing more
    /// comes: the head (and this reply's body, if any), then silence.
    pub fn stall(self, promised: usize) -> Reply {
        match self {
            Reply::Http { status, headers, body } => Reply::Stall { status, headers, body, promised },
            other => other,
        }
    }

    pub fn delayed(self, by: Duration) -> Reply {
        Reply::Delay(by, Box::new(self))
    }
}

/// A status line, the headers and a `Content-Length`, then the body.
pub(crate) fn encode(status: u16, headers: &[(String, String)], length: usize, body: &[u8], close: bool) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str(&format!("Content-Length: {length}\r\n\r\n"));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
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
