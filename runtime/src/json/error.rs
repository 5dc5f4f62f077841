//! The errors of JSON replies: error statuses and their bodies, redirects,
//! bodies that don't match the declared type, failed and revoked tasks.

use serde_json::Value;

use super::client::RawReply;
use super::protocol::Protocol;
use crate::connection::error::bounded;
use crate::connection::request::{is_json_content_type, redirect_message};
use crate::connection::{Error, ErrorKind};

/// The error for a reply with an error status (or an unexpected 1xx):
/// its kind from the protocol's mapping, its message from the body's
/// message member (or the envelope's result, or the body itself), which is
/// kept as JSON in [`Error::detail`].
pub(crate) fn reply_error(protocol: &Protocol, operation: &str, reply: &RawReply) -> Error {
    let kind = protocol.errors.kind_for(reply.status);
    error_with_kind(protocol, operation, reply, kind)
}

/// As [`reply_error`], with the kind given.
pub(crate) fn error_with_kind(protocol: &Protocol, operation: &str, reply: &RawReply, kind: ErrorKind) -> Error {
    let lead = format!(
        "{operation} failed: {} answered {} with HTTP {}",
        protocol.title,
        reply.what,
        status_text(reply.status)
    );
    let (message, detail) = match serde_json::from_slice::<Value>(&reply.body) {
        _ if reply.body.is_empty() => (format!("{lead} and an empty body."), None),
        Ok(body) => {
            let detail = detail_of(protocol, body);
            (sentence(&lead, &render(&detail)), Some(detail))
        }
        Err(_) => (format!("{lead} and a body that isn't JSON{}.", excerpt(reply)), None),
    };
    Error::new(kind, message).with_code(reply.status).with_detail(detail)
}

/// `lead: text.` (no second full stop when `text` ends a sentence; just
/// `lead.` when there is no text).
fn sentence(lead: &str, text: &str) -> String {
    let text = bounded(text.trim());
    if text.is_empty() {
        return format!("{lead}.");
    }
    let stop = if text.ends_with(['.', '!', '?']) { "" } else { "." };
    format!("{lead}: {text}{stop}")
}

/// `404 (Not Found)`, or just the code when it has no standard reason.
fn status_text(status: u16) -> String {
    match http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()) {
        Some(reason) => format!("{status} ({reason})"),
        None => status.to_string(),
    }
}

/// What an error body says: its first message member, or the envelope's
/// result, or (for anything else) the whole body.
fn detail_of(protocol: &Protocol, body: Value) -> Value {
    let Value::Object(mut members) = body else { return body };
    for field in protocol.errors.message_fields {
        if let Some(message) = members.remove(*field) {
            return message;
        }
    }
    if let Some(envelope) = &protocol.envelope {
        match members.remove(envelope.result) {
            Some(Value::Null) | None => {}
            Some(result) => return result,
        }
    }
    Value::Object(members)
}

/// A JSON value as a person reads it: text as it is, lists joined with
/// `; `, objects as `name: value` pairs (`hostname: This field is required.`).
pub(crate) fn render(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => join(items.iter().map(render)),
        Value::Object(members) => join(members.iter().map(|(name, member)| format!("{name}: {}", render(member)))),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
    }
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.filter(|p| !p.is_empty()).collect::<Vec<_>>().join("; ")
}

/// ` (content type 'text/html'): "<html>…"`: what a body that is not JSON
/// looks like, bounded.
fn excerpt(reply: &RawReply) -> String {
    let kind = match reply.content_type() {
        Some(ct) => format!(" (content type '{ct}')"),
        None => " (no content type)".to_owned(),
    };
    let text = String::from_utf8_lossy(&reply.body);
    let more = if reply.truncated { " (the rest was not read)" } else { "" };
    format!("{kind}: \"{}\"{more}", bounded(text.trim()))
}

/// A redirect, which is never followed: where to, and what it likely means.
pub(crate) fn redirect_error(protocol: &Protocol, reply: &RawReply) -> Error {
    let likely = if protocol.trailing_slash {
        "The path is probably missing its trailing '/' (every path of this API ends with one), \
         or the URL is not the API root."
    } else {
        "The path is probably missing a trailing '/', or the URL is not the API root."
    };
    let message = redirect_message(&reply.what, reply.status, reply.header("location"), likely);
    Error::new(ErrorKind::InvalidResponse, message).with_code(reply.status)
}

/// The error of a 2xx body that could not be read into the declared type:
/// a body that is not JSON (or cut short) is an invalid response; JSON of
/// the wrong shape is a [`Json`](ErrorKind::Json) error naming the path in
/// the body (`result[3].vcpus`, `within` being the envelope member read).
pub(crate) fn decode_error(
    operation: &str,
    reply: &RawReply,
    within: Option<&str>,
    path: &str,
    inner: serde_json::Error,
) -> Error {
    let path = json_path(within, path);
    let reason = without_position(&inner);
    if inner.is_data() && reply.body.iter().any(|b| !b.is_ascii_whitespace()) {
        let message =
            format!("The reply of {operation} to {} does not match the API: at `{path}`: {reason}.", reply.what);
        return Error::new(ErrorKind::Json, message).with_code(reply.status).with_source(inner);
    }
    let kind = match reply.content_type() {
        Some(ct) if !is_json_content_type(ct) => format!(" (its content type is '{ct}')"),
        None if !reply.body.is_empty() => " (it has no content type)".to_owned(),
        _ => String::new(),
    };
    let message = if reply.body.iter().all(u8::is_ascii_whitespace) {
        format!("The reply of {operation} to {} is empty, where the API promises a value: {reason}.", reply.what)
    } else {
        let (line, column) = (inner.line(), inner.column());
        format!(
            "The reply of {operation} to {} isn't valid JSON{kind}: {reason} at line {line} column {column}.",
            reply.what
        )
    };
    Error::new(ErrorKind::InvalidResponse, message).with_code(reply.status).with_source(inner)
}

/// The path of a decoding error inside the whole body.
pub(crate) fn json_path(within: Option<&str>, inner: &str) -> String {
    match (within, inner) {
        (None, ".") => "the top level".to_owned(),
        (None, path) => path.to_owned(),
        (Some(member), ".") => member.to_owned(),
        (Some(member), path) if path.starts_with('[') => format!("{member}{path}"),
        (Some(member), path) => format!("{member}.{path}"),
    }
}

/// The text of a serde_json error without its ` at line L column C`.
pub(crate) fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).map(str::to_owned).unwrap_or(text)
}

/// The error of a task that finished with a failure or was revoked: the
/// task's result is the detail.
pub(crate) fn task_error(
    kind: ErrorKind,
    operation: &str,
    task_id: Option<&str>,
    status: &str,
    result: Value,
) -> Error {
    let how = if kind == ErrorKind::TaskRevoked { "was revoked" } else { "failed" };
    let id = task_id.map(|id| format!(" {id}")).unwrap_or_default();
    let lead = format!("The task{id} of {operation} {how} (status {status})");
    let message = sentence(&lead, &render(&result));
    let detail = (!result.is_null()).then_some(result);
    let error = Error::new(kind, message).with_detail(detail);
    match task_id {
        Some(id) => error.with_task_id(id),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn details_read_plainly() {
        assert_eq!(render(&json!("VM not found")), "VM not found");
        assert_eq!(
            render(&json!({"hostname": ["This field is required."], "ram": ["Too small.", "Odd."]})),
            "hostname: This field is required.; ram: Too small.; Odd."
        );
        assert_eq!(render(&json!([1, true, null, "x"])), "1; true; x");
        assert_eq!(render(&json!(null)), "");
    }

    #[test]
    fn sentences_end_once() {
        assert_eq!(sentence("a", "b."), "a: b.");
        assert_eq!(sentence("a", "b"), "a: b.");
        assert_eq!(sentence("a", "  "), "a.");
    }

    #[test]
    fn paths_include_the_envelope_member() {
        assert_eq!(json_path(Some("result"), "[3].vcpus"), "result[3].vcpus");
        assert_eq!(json_path(Some("result"), "vcpus"), "result.vcpus");
        assert_eq!(json_path(Some("result"), "."), "result");
        assert_eq!(json_path(None, "."), "the top level");
        assert_eq!(json_path(None, "[0]"), "[0]");
    }
}
