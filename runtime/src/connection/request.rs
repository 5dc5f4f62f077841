//! [`Request`] and [`Response`]: the low-level exchange generated services
//! are built on.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::error::{Error, ErrorKind, Fault, MessageParts, kind_for_status, parse_fault};
use super::secret::Secret;
use crate::List;
use crate::xml::{XmlType, from_xml, list_from_xml};

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Method {
    /// `get` and `list`.
    #[default]
    Get,
    /// `add` and actions.
    Post,
    /// `update`.
    Put,
    /// `remove`.
    Delete,
}

impl Method {
    pub(crate) fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Delete => http::Method::DELETE,
        }
    }

    /// The method as it goes on the wire (`GET`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One API request, before the connection adds what every request carries
/// (authentication, `Version`, `Accept`, …).
///
/// `path` is relative to the API root given as the connection URL: `""` is
/// the root itself, `"vms/123/start"` an action of a VM. It is in URL form:
/// `%XX` escapes are sent as they are (`vms/a%2Fb` is the VM whose id is
/// `a/b`), and any other character a path segment can't hold is
/// percent-encoded. Query parameters are
/// sent in the order given, form-encoded. Per-call `headers` override the
/// connection's headers of the same name. A query parameter `all_content`
/// is mirrored into the `All-Content` header, as the API requires.
///
/// ```
/// use std::time::Duration;
/// use sdkgen_runtime::connection::{Method, Request};
///
/// let r = Request::get("vms")
///     .query("search", "name=web*")
///     .header("Filter", "true")
///     .timeout(Duration::from_secs(5));
/// assert_eq!(r.method, Method::Get);
/// assert_eq!(r.query, [("search".to_string(), "name=web*".to_string())]);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// The path relative to the API root, without a leading `/`, in URL form.
    pub path: String,
    /// Query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Extra headers for this request.
    pub headers: Vec<(String, String)>,
    /// The XML document to send, if any.
    pub body: Option<String>,
    /// Total time allowed for this request, replacing the connection's
    /// timeout.
    pub timeout: Option<Duration>,
}

impl Request {
    /// A request with `method` to `path`.
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request { method, path: path.into(), ..Request::default() }
    }

    /// A `GET` of `path`.
    pub fn get(path: impl Into<String>) -> Request {
        Request::new(Method::Get, path)
    }

    /// A `POST` of `body` to `path`.
    pub fn post(path: impl Into<String>, body: impl Into<String>) -> Request {
        Request { body: Some(body.into()), ..Request::new(Method::Post, path) }
    }

    /// A `PUT` of `body` to `path`.
    pub fn put(path: impl Into<String>, body: impl Into<String>) -> Request {
        Request { body: Some(body.into()), ..Request::new(Method::Put, path) }
    }

    /// A `DELETE` of `path`.
    pub fn delete(path: impl Into<String>) -> Request {
        Request::new(Method::Delete, path)
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the timeout of this request.
    pub fn timeout(mut self, timeout: Duration) -> Request {
        self.timeout = Some(timeout);
        self
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values and the body may hold secrets (a custom
        // authentication header, a password inside the XML): only their
        // names and size are shown.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &names)
            .field("body_bytes", &self.body.as_ref().map(String::len))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A reply of the API: status, headers and the whole (decompressed) body,
/// plus what it answered, so that errors made from it can say so.
pub struct Response {
    pub(crate) status: u16,
    pub(crate) reason: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) method: Method,
    /// The URL path requested (no query).
    pub(crate) url_path: String,
    /// The request as messages name it: `GET https://host/ovirt-engine/api/vms`.
    pub(crate) request: String,
    /// The path of the connection URL, for the hint of content-type errors.
    pub(crate) api_path: Arc<str>,
    /// The path of the API root on most servers, for the same hint.
    pub(crate) usual_root: &'static str,
    /// The token and password of the connection, taken out of errors made
    /// from this reply (never shown).
    pub(crate) secrets: Vec<Secret>,
}

impl Response {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The standard text of the status (`Not Found`), empty for an unknown code.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// All headers, names in lower case, in the order received.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first value of header `name` (compared ignoring case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// The body, decompressed.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// The method of the request this answers.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The URL path of the request this answers (no query).
    pub fn url_path(&self) -> &str {
        &self.url_path
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Whether the `Content-Type` is XML (`application/xml` or `text/xml`,
    /// with parameters allowed).
    pub fn is_xml(&self) -> bool {
        self.content_type().is_some_and(is_xml_content_type)
    }

    /// The fault in the body: a `<fault>` document or an `<action>` that
    /// holds one.
    pub fn fault(&self) -> Option<Fault> {
        if self.body.is_empty() || !self.is_xml() { None } else { parse_fault(&self.body) }
    }

    /// The error for a reply whose status the caller did not expect: its
    /// kind follows the status (401/403 authentication, 404 not found, 409
    /// conflict, other errors fault; an unexpected success or redirect is an
    /// invalid response), with the fault when the body holds one, or the
    /// content-type message when the body is not XML. A redirect (which is
    /// never followed) says where to, and what it likely means.
    pub fn to_error(&self) -> Error {
        if (300..400).contains(&self.status) {
            return self.redirect_error();
        }
        let kind = if self.status >= 400 { kind_for_status(self.status) } else { ErrorKind::InvalidResponse };
        let not_xml = !self.body.is_empty() && !self.is_xml();
        let lead = not_xml.then(|| self.content_type_message("XML"));
        let fault = self.fault();
        let message = MessageParts {
            lead: lead.as_deref(),
            fault: fault.as_ref(),
            status: Some((self.status, &self.reason)),
            request: Some(&self.request),
        }
        .render();
        Error::new(kind, message).with_code(self.status).with_fault(fault).scrubbed(&self.secrets)
    }

    fn redirect_error(&self) -> Error {
        let likely = "The URL is probably not the API root, or a login proxy is in front of the engine.";
        let message = redirect_message(&self.request, self.status, self.header("location"), likely);
        Error::new(ErrorKind::InvalidResponse, message).with_code(self.status).scrubbed(&self.secrets)
    }

    /// Checks that a non-empty body is XML; otherwise the error carries
    /// `The response content type '…' isn't the expected XML` and, when the
    /// connection URL does not end in `/ovirt-engine/api`, a hint about it.
    pub fn check_xml_content_type(&self) -> Result<(), Error> {
        if self.body.is_empty() || self.is_xml() {
            return Ok(());
        }
        if self.status >= 400 {
            return Err(self.to_error());
        }
        Err(self.error(ErrorKind::InvalidResponse, &self.content_type_message("XML")))
    }

    /// Checks an action reply: an `<action>` (or `<fault>`) holding a fault
    /// is an error of kind [`ErrorKind::Fault`] (whatever the status).
    pub fn check_action(&self) -> Result<(), Error> {
        match self.fault() {
            None => Ok(()),
            Some(fault) => {
                let kind = if self.status >= 400 { kind_for_status(self.status) } else { ErrorKind::Fault };
                let message = MessageParts {
                    lead: None,
                    fault: Some(&fault),
                    status: Some((self.status, &self.reason)),
                    request: Some(&self.request),
                }
                .render();
                Err(Error::new(kind, message).with_code(self.status).with_fault(Some(fault)).scrubbed(&self.secrets))
            }
        }
    }

    /// An error of `kind` about this reply: `detail` followed by the status
    /// and the request.
    pub fn error(&self, kind: ErrorKind, detail: &str) -> Error {
        let message = MessageParts {
            lead: Some(detail),
            fault: None,
            status: Some((self.status, &self.reason)),
            request: Some(&self.request),
        }
        .render();
        Error::new(kind, message).with_code(self.status).scrubbed(&self.secrets)
    }

    /// Reads the body as one `T` (the document root must be `T::TAG`).
    pub fn read<T: XmlType>(&self) -> Result<T, Error> {
        self.check_readable()?;
        from_xml(&self.body).map_err(|e| self.xml_error(e))
    }

    /// Reads the body as a collection of `T` (root `T::PLURAL`).
    pub fn read_list<T: XmlType>(&self) -> Result<List<T>, Error> {
        self.check_readable()?;
        list_from_xml(&self.body).map_err(|e| self.xml_error(e))
    }

    fn check_readable(&self) -> Result<(), Error> {
        if self.body.is_empty() {
            return Err(self.error(ErrorKind::InvalidResponse, "The response body is empty."));
        }
        self.check_xml_content_type()
    }

    pub(crate) fn xml_error(&self, e: crate::xml::XmlError) -> Error {
        let detail = format!("The response body can't be read: {e}.");
        let mut err = self.error(ErrorKind::Xml, &detail);
        err = err.with_xml_source(e);
        err
    }

    fn content_type_message(&self, expected: &str) -> String {
        content_type_message(self.content_type(), expected, &self.api_path, self.usual_root)
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("method", &self.method)
            .field("url_path", &self.url_path)
            .field("content_type", &self.content_type())
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// The message of a redirect (which is never followed): where to, and
/// the `likely` cause.
pub(crate) fn redirect_message(request: &str, status: u16, location: Option<&str>, likely: &str) -> String {
    let target = match location {
        Some(location) => format!("to {location}"),
        None => "elsewhere (without a Location header)".to_owned(),
    };
    format!("The server redirected {request} {target} (HTTP {status}): redirects are not followed. {likely}")
}

/// `^\s*(application|text)/xml\s*(;.*)?$`, ignoring case.
pub(crate) fn is_xml_content_type(value: &str) -> bool {
    is_media_type(value, "xml")
}

/// `^\s*(application|text)/json\s*(;.*)?$`, ignoring case.
pub(crate) fn is_json_content_type(value: &str) -> bool {
    is_media_type(value, "json")
}

fn is_media_type(value: &str, subtype: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    let Some((top, sub)) = essence.split_once('/') else { return false };
    (top.eq_ignore_ascii_case("application") || top.eq_ignore_ascii_case("text")) && sub.eq_ignore_ascii_case(subtype)
}

/// The message of the official SDKs for a reply of the wrong content type,
/// with a hint about the URL when its path is not the API's usual one.
pub(crate) fn content_type_message(
    content_type: Option<&str>,
    expected: &str,
    api_path: &str,
    usual_root: &str,
) -> String {
    let mut m = match content_type {
        Some(ct) => format!("The response content type '{ct}' isn't the expected {expected}"),
        None => format!("The response has no content type, it isn't the expected {expected}"),
    };
    if api_path != usual_root {
        m.push_str(&format!(
            ". Is the path '{api_path}' included in the 'url' parameter correct? The typical one is '{usual_root}'"
        ));
    }
    m.push('.');
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        for ok in ["application/xml", " text/xml ", "application/XML;charset=UTF-8", "text/xml ; charset=utf-8"] {
            assert!(is_xml_content_type(ok), "{ok}");
        }
        for bad in ["text/html", "application/xhtml+xml", "xml", "", "application/xmlx", "image/xml"] {
            assert!(!is_xml_content_type(bad), "{bad}");
        }
        assert!(is_json_content_type("application/json;charset=UTF-8"));
        assert!(!is_json_content_type("text/html"));
    }

    #[test]
    fn hint_only_for_unusual_paths() {
        assert_eq!(
            content_type_message(Some("text/html"), "XML", "/engine/api", "/engine/api"),
            "The response content type 'text/html' isn't the expected XML."
        );
        assert_eq!(
            content_type_message(Some("text/html"), "XML", "/api", "/engine/api"),
            "The response content type 'text/html' isn't the expected XML. Is the path '/api' included in the \
             'url' parameter correct? The typical one is '/engine/api'."
        );
    }

    #[test]
    fn request_debug_hides_header_values_and_body() {
        let r = Request::post("users", "<user><password>pw</password></user>").header("X-Secret", "s3cr3t");
        let d = format!("{r:?}");
        assert!(d.contains("X-Secret") && !d.contains("s3cr3t") && !d.contains("password"), "{d}");
    }
}
