//! The checked protocol of an API: what its `api.yaml` says about headers
//! and, for a JSON API, authentication, the reply envelope, long-running
//! tasks, errors and paths; for an XML API, its single sign-on service.
//!
//! The emitter writes it out as the crate's `PROTOCOL` value, which the
//! runtime reads; nothing here is specific to one API.

use std::path::Path;

use crate::error::ModelError;
use crate::model::{RawAuth, RawLogin, RawProtocol, RawSso, WireFormat};

/// An API's protocol, checked.
#[derive(Debug, Clone, Default)]
pub struct Protocol {
    /// How messages and logs name the API.
    pub title: String,
    /// Every request path ends with `/`.
    pub trailing_slash: bool,
    /// The client-wide path prefix, if the API has one.
    pub prefix: Option<Prefix>,
    /// Headers sent with every request.
    pub headers: Vec<(String, String)>,
    /// The member names of the reply envelope.
    pub envelope: Option<Envelope>,
    /// Long-running operations.
    pub tasks: Option<Tasks>,
    /// Members of an error body that hold its message, tried in order.
    pub error_message: Vec<String>,
    /// HTTP statuses with a kind of their own: the status and the runtime's
    /// `ErrorKind` variant.
    pub error_statuses: Vec<(u16, String)>,
    /// The ways to authenticate, in order.
    pub auth: Vec<Auth>,
    /// XML: query parameters mirrored into headers, as (parameter, header).
    pub query_headers: Vec<(String, String)>,
    /// XML: the single sign-on service.
    pub sso: Option<Sso>,
}

/// The single sign-on service of an XML API.
#[derive(Debug, Clone)]
pub struct Sso {
    /// Path of the password grant's token service.
    pub token_path: String,
    /// Path of the Kerberos grant's token service.
    pub kerberos_token_path: String,
    /// The Kerberos grant's `grant_type`.
    pub kerberos_grant: String,
    /// Path of the revocation service.
    pub revoke_path: String,
    /// The scope of every grant and revocation.
    pub scope: String,
}

/// A path prefix such as `/dc/{dc}`: its template and its one parameter.
#[derive(Debug, Clone)]
pub struct Prefix {
    /// The template as written.
    pub template: String,
    /// The name of its parameter, which is also the client setting's name.
    pub param: String,
}

/// The member names of the reply envelope.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Member of the result.
    pub result: String,
    /// Member of the state.
    pub status: String,
    /// Member of the task id.
    pub task_id: String,
}

/// How a still-running task is followed.
#[derive(Debug, Clone)]
pub struct Tasks {
    /// Path of a task's status, with `{task_id}`.
    pub status_path: String,
    /// HTTP status of a reply whose task still runs.
    pub pending_http: u16,
    /// States of a running task.
    pub pending: Vec<String>,
    /// States of a task that succeeded.
    pub success: Vec<String>,
    /// States of a task that failed.
    pub failure: Vec<String>,
    /// States of a cancelled task.
    pub revoked: Vec<String>,
    /// Milliseconds between polls; the last one repeats.
    pub backoff_ms: Vec<u64>,
    /// Default deadline of a wait, in seconds.
    pub deadline_s: u64,
    /// Method and path that cancel a task.
    pub cancel: Option<(String, String)>,
}

/// One way to authenticate.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A header carrying a secret from the client setting `setting`.
    Header {
        /// Header name.
        name: String,
        /// Client setting (snake case).
        setting: String,
        /// What the secret is.
        doc: Option<String>,
    },
    /// A login operation whose token goes into a header.
    Login {
        /// Login path.
        path: String,
        /// Body member of the user name.
        user: String,
        /// Body member of the password.
        password: String,
        /// Reply member of the token.
        token: String,
        /// Header of the token.
        header: String,
        /// Header value with `{token}`.
        format: String,
        /// Status after which the client logs in again once.
        relogin_on: u16,
        /// Texts one of which a refusal must hold (none: any refusal).
        relogin_if: Vec<String>,
        /// Method and path of the logout.
        logout: Option<(String, String)>,
    },
    /// A signer installed by the user.
    Signer {
        /// What the signer must do.
        doc: Option<String>,
    },
}

/// The error kinds a status may be given, by their model names, and the
/// runtime's `ErrorKind` variant of each.
const ERROR_KINDS: &[(&str, &str)] = &[
    ("authentication", "Authentication"),
    ("not_found", "NotFound"),
    ("conflict", "Conflict"),
    ("retry_later", "RetryLater"),
    ("needs_confirmation", "NeedsConfirmation"),
    ("precondition", "Precondition"),
    ("server", "Server"),
    ("fault", "Fault"),
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH"];

/// Whether `verb` is an HTTP method a model may use.
pub fn is_http_method(verb: &str) -> bool {
    METHODS.contains(&verb)
}

/// Checks `protocol:` and returns it, or pushes every problem to `errors`.
pub fn build(file: &Path, raw: &RawProtocol, format: WireFormat, errors: &mut Vec<ModelError>) -> Protocol {
    let mut err = |key: &str, msg: String| errors.push(ModelError::new(file, msg).entity("api").key(key));
    if raw.title.trim().is_empty() {
        err("protocol.title", "the API needs a title for messages and logs".into());
    }
    check_format_keys(raw, format, &mut err);
    for (name, value) in &raw.headers.0 {
        check_header(&format!("protocol.headers.{name}"), name, Some(value), &mut err);
    }
    for (param, header) in &raw.query_headers.0 {
        check_header(&format!("protocol.query_headers.{param}"), header, None, &mut err);
    }
    let sso = raw.sso.as_ref().map(|s| sso(s, &mut err));
    let prefix = raw.prefix.as_ref().and_then(|template| {
        let params = template_params(template);
        match params.as_slice() {
            [one] if template.starts_with('/') && crate::names::is_snake(one) => {
                Some(Prefix { template: template.clone(), param: one.clone() })
            }
            _ => {
                err(
                    "protocol.prefix",
                    format!("`{template}` must start with `/` and hold exactly one snake-case `{{parameter}}`"),
                );
                None
            }
        }
    });
    let tasks = raw.tasks.as_ref().map(|t| {
        if template_params(&t.status_path) != ["task_id"] || !t.status_path.starts_with('/') {
            err("protocol.tasks.status_path", "the status path must start with `/` and hold `{task_id}`".into());
        }
        if t.backoff.is_empty() || t.backoff.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
            err("protocol.tasks.backoff", "the back-off needs at least one positive number of seconds".into());
        }
        if t.pending.is_empty() || t.success.is_empty() {
            err("protocol.tasks", "`pending` and `success` each need at least one state".into());
        }
        Tasks {
            status_path: t.status_path.clone(),
            pending_http: t.pending_http,
            pending: t.pending.clone(),
            success: t.success.clone(),
            failure: t.failure.clone(),
            revoked: t.revoked.clone(),
            backoff_ms: t.backoff.iter().map(|s| (s * 1000.0).round() as u64).collect(),
            deadline_s: t.deadline,
            cancel: t.cancel.as_deref().and_then(|text| match method_and_path(text) {
                Some((verb, path)) if template_params(&path) == ["task_id"] => Some((verb, path)),
                _ => {
                    err("protocol.tasks.cancel", "write the cancel as `METHOD /path` holding `{task_id}`".into());
                    None
                }
            }),
        }
    });
    if tasks.is_some() && raw.envelope.is_none() {
        err("protocol.tasks", "tasks are read from the envelope: declare `envelope:` too".into());
    }
    let mut error_statuses = Vec::new();
    for (status, kind) in &raw.errors.statuses.0 {
        let key = format!("protocol.errors.statuses.{status}");
        let code = status.parse::<u16>().ok().filter(|c| (400..600).contains(c));
        let variant = ERROR_KINDS.iter().find(|(name, _)| name == kind).map(|(_, v)| (*v).to_owned());
        match (code, variant) {
            (Some(code), Some(variant)) => error_statuses.push((code, variant)),
            (None, _) => err(&key, format!("`{status}` is not an HTTP error status (400 to 599)")),
            (_, None) => {
                let known: Vec<&str> = ERROR_KINDS.iter().map(|(n, _)| *n).collect();
                err(&key, format!("unknown error kind `{kind}`; the kinds are {}", known.join(", ")))
            }
        }
    }
    let auth =
        raw.auth.iter().enumerate().filter_map(|(i, a)| auth(a, &format!("protocol.auth[{i}]"), &mut err)).collect();
    Protocol {
        title: raw.title.clone(),
        trailing_slash: raw.trailing_slash,
        prefix,
        headers: raw.headers.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        envelope: raw.envelope.as_ref().map(|e| Envelope {
            result: e.result.clone(),
            status: e.status.clone(),
            task_id: e.task_id.clone(),
        }),
        tasks,
        error_message: raw.errors.message.clone(),
        error_statuses,
        auth,
        query_headers: raw.query_headers.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        sso,
    }
}

/// Reports the keys that belong to the other wire format.
fn check_format_keys(raw: &RawProtocol, format: WireFormat, err: &mut impl FnMut(&str, String)) {
    let (keys, only) = match format {
        WireFormat::Xml => (
            vec![
                ("trailing_slash", raw.trailing_slash),
                ("prefix", raw.prefix.is_some()),
                ("envelope", raw.envelope.is_some()),
                ("tasks", raw.tasks.is_some()),
                ("errors", !raw.errors.message.is_empty() || !raw.errors.statuses.0.is_empty()),
                ("auth", !raw.auth.is_empty()),
            ],
            "a JSON",
        ),
        WireFormat::Json => {
            (vec![("query_headers", !raw.query_headers.0.is_empty()), ("sso", raw.sso.is_some())], "an XML")
        }
    };
    for (key, present) in keys {
        if present {
            err(&format!("protocol.{key}"), format!("only {only} API has `{key}`"));
        }
    }
}

/// A header name (and value) as HTTP allows them.
fn check_header(key: &str, name: &str, value: Option<&str>, err: &mut impl FnMut(&str, String)) {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        err(key, format!("`{name}` is not a valid HTTP header name"));
    }
    if value.is_some_and(|v| !v.chars().all(|c| c == ' ' || c == '\t' || c.is_ascii_graphic())) {
        err(key, "a header value holds printable ASCII only".into());
    }
}

fn sso(raw: &RawSso, err: &mut impl FnMut(&str, String)) -> Sso {
    for (key, path) in [
        ("token_path", &raw.token_path),
        ("kerberos_token_path", &raw.kerberos_token_path),
        ("revoke_path", &raw.revoke_path),
    ] {
        if !path.starts_with('/') {
            err(&format!("protocol.sso.{key}"), format!("`{path}` must start with `/`"));
        }
    }
    for (key, value) in [("scope", &raw.scope), ("kerberos_grant", &raw.kerberos_grant)] {
        if value.trim().is_empty() {
            err(&format!("protocol.sso.{key}"), "can't be empty".into());
        }
    }
    Sso {
        token_path: raw.token_path.clone(),
        kerberos_token_path: raw.kerberos_token_path.clone(),
        kerberos_grant: raw.kerberos_grant.clone(),
        revoke_path: raw.revoke_path.clone(),
        scope: raw.scope.clone(),
    }
}

fn auth(raw: &RawAuth, key: &str, err: &mut impl FnMut(&str, String)) -> Option<Auth> {
    match (&raw.header, &raw.login, &raw.signer) {
        (Some(h), None, None) => {
            if !crate::names::is_snake(&h.setting) {
                err(&format!("{key}.header.setting"), format!("`{}` is not a snake-case name", h.setting));
            }
            Some(Auth::Header { name: h.name.clone(), setting: h.setting.clone(), doc: h.doc.clone() })
        }
        (None, Some(l), None) => login(l, &format!("{key}.login"), err),
        (None, None, Some(s)) => Some(Auth::Signer { doc: s.doc.clone() }),
        _ => {
            err(key, "write exactly one of `header:`, `login:` or `signer:`".into());
            None
        }
    }
}

fn login(l: &RawLogin, key: &str, err: &mut impl FnMut(&str, String)) -> Option<Auth> {
    if !l.format.contains("{token}") {
        err(&format!("{key}.format"), "the header value must hold `{token}`".into());
    }
    if !l.path.starts_with('/') {
        err(&format!("{key}.path"), "the login path must start with `/`".into());
    }
    let logout = match l.logout.as_deref().map(method_and_path) {
        None => None,
        Some(Some(operation)) => Some(operation),
        Some(None) => {
            err(&format!("{key}.logout"), "write the logout as `METHOD /path`".into());
            return None;
        }
    };
    Some(Auth::Login {
        path: l.path.clone(),
        user: l.user.clone(),
        password: l.password.clone(),
        token: l.token.clone(),
        header: l.header.clone(),
        format: l.format.clone(),
        relogin_on: l.relogin_on,
        relogin_if: l.relogin_if.clone(),
        logout,
    })
}

/// An operation written `METHOD /path`, split, when it is written so.
fn method_and_path(text: &str) -> Option<(String, String)> {
    let (verb, path) = text.split_once(' ')?;
    (is_http_method(verb) && path.starts_with('/')).then(|| (verb.to_owned(), path.to_owned()))
}

/// The `{name}` parameters of a path template, in order.
pub fn template_params(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push(rest[open + 1..open + close].to_owned());
        rest = &rest[open + close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_params_are_read_in_order() {
        assert_eq!(template_params("/dc/{dc}"), ["dc"]);
        assert_eq!(template_params("/a/{x}/b/{y}/"), ["x", "y"]);
        assert!(template_params("/plain/").is_empty());
    }
}
