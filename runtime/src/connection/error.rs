//! The one error type of the connection, and the reading of fault documents.

use std::fmt;

use crate::xml::{XmlError, XmlReader};

/// What kind of problem an [`Error`] is.
///
/// The kinds follow the error classes of the official SDKs (`AuthError`,
/// `NotFoundError`, `ConnectionError`, `TimeoutError`, …) plus a few that
/// those SDKs fold into their generic error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The SSO server refused the credentials or the token, or the API
    /// answered 401 or 403.
    Authentication,
    /// The API answered 404.
    NotFound,
    /// The API answered 409.
    Conflict,
    /// The API answered with another error status, or an action reply
    /// carried a `<fault>`.
    Fault,
    /// The server (or the proxy) could not be reached, the proxy would not
    /// open a tunnel, or the connection broke before the whole reply arrived.
    Connection,
    /// The request took longer than its timeout, or connecting longer than
    /// the connect timeout.
    Timeout,
    /// The TLS handshake failed: an untrusted certificate, a host name that
    /// does not match, or a CA that could not be loaded.
    Tls,
    /// The reply is not what the protocol promises: not XML, not JSON from
    /// the SSO service, an empty body where one was needed, a redirect
    /// (never followed), a gzip body that can't be decompressed, or a reply
    /// that is not HTTP.
    InvalidResponse,
    /// The caller gave something unusable: a bad URL, a header value that
    /// is not valid, a missing CA file, a closed connection.
    InvalidInput,
    /// A reply that claims to be XML could not be read.
    Xml,
    /// A reply that claims to be JSON could not be read into the type the
    /// API declares; the message names the request and the JSON path.
    Json,
    /// What was waited for failed: the object reached a state that means
    /// the operation failed (a disk that became `illegal`, a job that
    /// `failed`), as a waiter's model declares.
    Failed,
    /// A long-running task of a JSON API finished with a failure status;
    /// [`Error::detail`] holds its result and [`Error::task_id`] its id.
    TaskFailed,
    /// A long-running task of a JSON API was revoked (cancelled) before it
    /// finished; [`Error::detail`] holds its result and [`Error::task_id`] its id.
    TaskRevoked,
    /// The server is busy with the object (pending tasks, a lock, a state
    /// that does not allow the request): the same request may work later.
    RetryLater,
    /// The server wants an explicit confirmation (a `force` flag) before it
    /// does something that can't be undone.
    NeedsConfirmation,
    /// A precondition of the request does not hold (a setting already made,
    /// an object in the wrong state, an invalid ordering).
    Precondition,
    /// The server failed (an HTTP status from 500 up) on a JSON API.
    Server,
}

/// The `<fault>` the server sent with an error: the built-in `Fault` type
/// of the API, with its two members.
///
/// It comes from a plain `<fault>` document (validation and HTTP errors) or
/// from the `<fault>` inside an `<action>` reply (a failed action).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fault {
    /// Short reason (`<reason>`), such as `Operation Failed`.
    pub reason: Option<String>,
    /// Longer explanation (`<detail>`).
    pub detail: Option<String>,
}

/// An error of the connection or of a request made through it.
///
/// The message of a reply with an error status reads like the official
/// SDKs' (`Fault reason is "…". Fault detail is "…". HTTP response code is
/// 404.`) followed by the HTTP status text and the request (`HTTP response
/// message is "Not Found". Request was GET
/// https://engine.example.com/ovirt-engine/api/vms/123.`). A transport
/// failure is one sentence naming the server or the request the same way
/// (`The server closed the connection before it replied to GET https://…`),
/// with the underlying error as [`source`](std::error::Error::source). A
/// message never contains a password, a token or an `Authorization` value.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    code: Option<u16>,
    fault: Option<Fault>,
    /// What a JSON API said about the error: the message member of its body,
    /// or the result of a failed or revoked task.
    detail: Option<serde_json::Value>,
    task_id: Option<String>,
    source: Option<Source>,
}

enum Source {
    Xml(XmlError),
    Io(std::io::Error),
    /// The transport's cause (an I/O, TLS or HTTP error), or a decoder's.
    Transport(Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// An error of `kind` with `message`. Generated code uses it for
    /// problems it finds itself (for example a reply of the wrong type).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                code: None,
                fault: None,
                detail: None,
                task_id: None,
                source: None,
            }),
        }
    }

    pub(crate) fn with_detail(mut self, detail: Option<serde_json::Value>) -> Error {
        self.inner.detail = detail;
        self
    }

    pub(crate) fn with_task_id(mut self, task_id: impl Into<String>) -> Error {
        self.inner.task_id = Some(task_id.into());
        self
    }

    pub(crate) fn with_source(mut self, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        self.inner.source = Some(Source::Transport(e.into()));
        self
    }

    pub(crate) fn with_code(mut self, code: u16) -> Error {
        self.inner.code = Some(code);
        self
    }

    pub(crate) fn with_fault(mut self, fault: Option<Fault>) -> Error {
        self.inner.fault = fault;
        self
    }

    /// The same error with every occurrence of `secrets` taken out of the
    /// message, the fault and the detail (a server may echo what it was sent).
    pub(crate) fn scrubbed(mut self, secrets: &[super::Secret]) -> Error {
        use super::log::scrub;
        let inner = &mut *self.inner;
        inner.message = scrub(std::mem::take(&mut inner.message), secrets);
        if let Some(fault) = &mut inner.fault {
            for text in [&mut fault.reason, &mut fault.detail].into_iter().flatten() {
                *text = scrub(std::mem::take(text), secrets);
            }
        }
        if let Some(detail) = &mut inner.detail {
            scrub_json(detail, secrets);
        }
        self
    }

    pub(crate) fn with_xml_source(mut self, e: XmlError) -> Error {
        self.inner.source = Some(Source::Xml(e));
        self
    }

    pub(crate) fn with_io_source(mut self, e: std::io::Error) -> Error {
        self.inner.source = Some(Source::Io(e));
        self
    }

    pub(crate) fn with_transport_source(mut self, e: Option<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        self.inner.source = e.map(Source::Transport);
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The message (the same text `Display` prints).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The HTTP status code of the reply, when the error comes from one.
    pub fn code(&self) -> Option<u16> {
        self.inner.code
    }

    /// The fault the server sent, when it sent one.
    pub fn fault(&self) -> Option<&Fault> {
        self.inner.fault.as_ref()
    }

    /// What a JSON API said about the error, kept as JSON: the message
    /// member of an error body (a string, or an object or list of field
    /// errors), or the result of a failed or revoked task.
    pub fn detail(&self) -> Option<&serde_json::Value> {
        self.inner.detail.as_ref()
    }

    /// The id of the task of a JSON API the error is about (a task that
    /// failed, was revoked or did not finish in time), or the task id an
    /// error reply's envelope carries (for finding the request in a task log).
    pub fn task_id(&self) -> Option<&str> {
        self.inner.task_id.as_deref()
    }

    /// Whether the SSO server or the API refused the credentials or token
    /// (HTTP 401/403 included).
    pub fn is_authentication(&self) -> bool {
        self.inner.kind == ErrorKind::Authentication
    }

    /// Whether the API answered 404.
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }

    /// Whether the API answered 409.
    pub fn is_conflict(&self) -> bool {
        self.inner.kind == ErrorKind::Conflict
    }

    /// Whether the server could not be reached or the connection broke.
    pub fn is_connection(&self) -> bool {
        self.inner.kind == ErrorKind::Connection
    }

    /// Whether a timeout expired.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// Whether the TLS handshake or the TLS set-up failed.
    pub fn is_tls(&self) -> bool {
        self.inner.kind == ErrorKind::Tls
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The fault is not printed: its detail can be megabytes long, and
        // the message already holds a bounded copy of it.
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind);
        if let Some(code) = self.inner.code {
            d.field("code", &code);
        }
        if let Some(task_id) = &self.inner.task_id {
            d.field("task_id", task_id);
        }
        d.field("message", &self.inner.message);
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.source {
            Some(Source::Xml(e)) => Some(e),
            Some(Source::Io(e)) => Some(e),
            Some(Source::Transport(e)) => Some(&**e),
            None => None,
        }
    }
}

impl From<XmlError> for Error {
    fn from(e: XmlError) -> Error {
        Error::new(ErrorKind::Xml, e.to_string()).with_xml_source(e)
    }
}

impl From<crate::transport::TransportError> for Error {
    fn from(e: crate::transport::TransportError) -> Error {
        use crate::transport::Step;
        let kind = match e.step {
            Step::Request => ErrorKind::InvalidInput,
            Step::ConnectTimeout => ErrorKind::Timeout,
            Step::Tls => ErrorKind::Tls,
            Step::Protocol | Step::Decode => ErrorKind::InvalidResponse,
            Step::Resolve | Step::Connect | Step::Proxy | Step::Exchange | Step::Closed | Step::Body => {
                ErrorKind::Connection
            }
        };
        Error::new(kind, e.message).with_transport_source(e.source)
    }
}

/// Takes `secrets` out of every string (and member name) inside `value`.
fn scrub_json(value: &mut serde_json::Value, secrets: &[super::Secret]) {
    use super::log::scrub;
    use serde_json::Value;
    match value {
        Value::String(text) => *text = scrub(std::mem::take(text), secrets),
        Value::Array(items) => items.iter_mut().for_each(|item| scrub_json(item, secrets)),
        Value::Object(members) => {
            let taken = std::mem::take(members);
            for (name, mut member) in taken {
                scrub_json(&mut member, secrets);
                members.insert(scrub(name, secrets), member);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The kind an HTTP error status maps to.
pub(crate) fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        401 | 403 => ErrorKind::Authentication,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        _ => ErrorKind::Fault,
    }
}

/// Longest piece of a fault's reason or detail copied into a message; the
/// whole text stays available through [`Error::fault`].
const MESSAGE_FAULT_CHARS: usize = 2000;

pub(crate) fn bounded(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MESSAGE_FAULT_CHARS) {
        Some((cut, _)) => format!("{}… ({} more bytes)", &text[..cut], text.len() - cut).into(),
        None => text.into(),
    }
}

/// Builds a message from the parts the official SDKs use, in their order.
pub(crate) struct MessageParts<'a> {
    pub(crate) lead: Option<&'a str>,
    pub(crate) fault: Option<&'a Fault>,
    pub(crate) status: Option<(u16, &'a str)>,
    /// The request, as [`describe`](crate::transport::describe) names it.
    pub(crate) request: Option<&'a str>,
}

impl MessageParts<'_> {
    pub(crate) fn render(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(lead) = self.lead {
            parts.push(lead.to_owned());
        }
        if let Some(fault) = self.fault {
            if let Some(r) = &fault.reason {
                parts.push(format!("Fault reason is \"{}\".", bounded(r)));
            }
            if let Some(d) = &fault.detail {
                parts.push(format!("Fault detail is \"{}\".", bounded(d)));
            }
        }
        if let Some((code, reason)) = self.status {
            parts.push(format!("HTTP response code is {code}."));
            if !reason.is_empty() {
                parts.push(format!("HTTP response message is \"{reason}\"."));
            }
        }
        if let Some(request) = self.request {
            parts.push(format!("Request was {request}."));
        }
        parts.join(" ")
    }
}

/// Reads the fault of a `<fault>` document or of an `<action>` document
/// that holds one. Anything else (another document, malformed XML) gives
/// `None`: the caller then reports the reply without a fault.
pub(crate) fn parse_fault(body: &[u8]) -> Option<Fault> {
    let mut reader = XmlReader::from_slice(body);
    let root = reader.root().ok()?;
    match root.as_bytes() {
        b"fault" => read_fault(&mut reader).ok(),
        b"action" => {
            while let Some(tag) = reader.next_child().ok()? {
                if tag.as_bytes() == b"fault" {
                    return read_fault(&mut reader).ok();
                }
                reader.skip().ok()?;
            }
            None
        }
        _ => None,
    }
}

fn read_fault(reader: &mut XmlReader<'_>) -> Result<Fault, XmlError> {
    let mut fault = Fault::default();
    while let Some(tag) = reader.next_child()? {
        match tag.as_bytes() {
            b"reason" => fault.reason = reader.read_text()?,
            b"detail" => fault.detail = reader.read_text()?,
            _ => reader.skip()?,
        }
    }
    Ok(fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_read_from_both_shapes() {
        let plain = parse_fault(b"<fault><reason>r</reason><detail>d</detail></fault>").unwrap();
        assert_eq!((plain.reason.as_deref(), plain.detail.as_deref()), (Some("r"), Some("d")));
        let action = parse_fault(
            b"<action><status>failed</status><fault><detail>d2</detail><x><y/></x><reason>r2</reason></fault></action>",
        )
        .unwrap();
        assert_eq!((action.reason.as_deref(), action.detail.as_deref()), (Some("r2"), Some("d2")));
        assert_eq!(parse_fault(b"<fault/>"), Some(Fault::default()));
        assert_eq!(parse_fault(b"<action><status>complete</status></action>"), None);
        assert_eq!(parse_fault(b"<vm/>"), None);
        assert_eq!(parse_fault(b"<fault><reason>unclosed"), None);
        assert_eq!(parse_fault(b"not xml at all"), None);
        assert_eq!(parse_fault(b""), None);
    }

    #[test]
    fn messages_follow_the_official_order() {
        let fault = Fault { reason: Some("myreason".into()), detail: Some("mydetail".into()) };
        let m = MessageParts {
            lead: None,
            fault: Some(&fault),
            status: Some((400, "Bad Request")),
            request: Some("POST https://engine.example.com/ovirt-engine/api/vms/1/start"),
        }
        .render();
        assert_eq!(
            m,
            "Fault reason is \"myreason\". Fault detail is \"mydetail\". HTTP response code is 400. \
             HTTP response message is \"Bad Request\". Request was POST \
             https://engine.example.com/ovirt-engine/api/vms/1/start."
        );
        let m = MessageParts { lead: None, fault: None, status: Some((404, "")), request: None }.render();
        assert_eq!(m, "HTTP response code is 404.");
    }

    #[test]
    fn long_fault_text_is_bounded_in_messages() {
        let fault = Fault { reason: None, detail: Some("é".repeat(100_000)) };
        let m = MessageParts { lead: None, fault: Some(&fault), status: None, request: None }.render();
        assert!(m.len() < 5000, "{}", m.len());
        assert!(m.contains("more bytes"));
    }

    #[test]
    fn status_kinds() {
        assert_eq!(kind_for_status(401), ErrorKind::Authentication);
        assert_eq!(kind_for_status(403), ErrorKind::Authentication);
        assert_eq!(kind_for_status(404), ErrorKind::NotFound);
        assert_eq!(kind_for_status(409), ErrorKind::Conflict);
        assert_eq!(kind_for_status(500), ErrorKind::Fault);
    }

    #[test]
    fn secrets_are_scrubbed_from_the_detail() {
        use super::super::Secret;
        let detail = serde_json::json!({"detail": ["key k3y refused", {"k3y": 1}], "n": 2});
        let err = Error::new(ErrorKind::Authentication, "k3y refused")
            .with_detail(Some(detail))
            .with_task_id("t-1")
            .scrubbed(&[Secret::new("k3y")]);
        assert_eq!(err.message(), "[redacted] refused");
        assert_eq!(
            err.detail(),
            Some(&serde_json::json!({"detail": ["key [redacted] refused", {"[redacted]": 1}], "n": 2}))
        );
        assert_eq!(err.task_id(), Some("t-1"));
        assert!(format!("{err:?}").contains("t-1"));
    }

    #[test]
    fn errors_are_send_sync_and_std_errors() {
        fn check<T: std::error::Error + Send + Sync + 'static>() {}
        check::<Error>();
    }
}
