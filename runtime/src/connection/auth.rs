//! Authentication: the SSO token (password or Kerberos grant), its reuse
//! and renewal, and its revocation.

use std::sync::Arc;

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, USER_AGENT};
use serde_json::Value;
use url::Url;

use super::error::{Error, ErrorKind, MessageParts};
use super::request::{content_type_message, is_json_content_type, redirect_message};
use super::secret::Secret;
use super::{Inner, TokenSlot};
use crate::transport::{Outgoing, describe};

/// The hook that produces a SPNEGO (`Negotiate`) token for a host, for
/// the Kerberos grant. See [`ConnectionBuilder::negotiate`](super::ConnectionBuilder::negotiate).
pub(crate) type NegotiateFn =
    Arc<dyn Fn(&str) -> Result<String, Box<dyn std::error::Error + Send + Sync>> + Send + Sync>;

/// How the connection gets its token.
pub(crate) struct Auth {
    pub(crate) username: Option<String>,
    pub(crate) password: Option<Secret>,
    pub(crate) kerberos: bool,
    pub(crate) negotiate: Option<NegotiateFn>,
    /// The API's SSO service; `None` when the API has none and the
    /// connection was given a token.
    pub(crate) sso: Option<SsoService>,
}

/// The SSO service of a connection: its URLs and what its grants ask for.
pub(crate) struct SsoService {
    pub(crate) token_url: Url,
    pub(crate) revoke_url: Url,
    /// The member of the token service's reply that holds the token.
    pub(crate) token_name: String,
    pub(crate) scope: &'static str,
    pub(crate) kerberos_grant: &'static str,
}

impl Auth {
    /// Whether a new token can be requested (credentials or Kerberos).
    pub(crate) fn can_authenticate(&self) -> bool {
        self.kerberos || (self.username.is_some() && self.password.is_some())
    }

    /// How the connection authenticates, for `Debug`.
    pub(crate) fn describe(&self) -> &'static str {
        match (self.kerberos, self.password.is_some()) {
            (true, _) => "kerberos",
            (false, true) => "password",
            (false, false) => "token",
        }
    }
}

/// What the SSO service answered.
struct SsoReply {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: Vec<u8>,
    /// The request, as messages name it.
    request: String,
}

impl Inner {
    /// The token to use: the stored one, or a new one from SSO (only one
    /// task asks SSO; the others wait for its answer).
    pub(crate) async fn current_token(&self) -> Result<(u64, Secret), Error> {
        if let Some(found) = self.stored_token() {
            return Ok(found);
        }
        let _guard = self.auth_lock.lock().await;
        if let Some(found) = self.stored_token() {
            return Ok(found);
        }
        self.check_open()?;
        let token = self.request_token().await?;
        Ok(self.store_token(token))
    }

    /// A new token after the one of `failed_generation` was refused. When
    /// another task already renewed it, that token is used instead of
    /// asking SSO again.
    pub(crate) async fn renew_token(&self, failed_generation: u64) -> Result<(u64, Secret), Error> {
        let _guard = self.auth_lock.lock().await;
        if let Some((generation, token)) = self.stored_token() {
            if generation != failed_generation {
                return Ok((generation, token));
            }
        }
        // A token got after `close` would never be revoked.
        self.check_open()?;
        let token = self.request_token().await?;
        Ok(self.store_token(token))
    }

    pub(crate) fn stored_token(&self) -> Option<(u64, Secret)> {
        let slot = self.token.lock().unwrap_or_else(|p| p.into_inner());
        slot.token.clone().map(|t| (slot.generation, t))
    }

    fn store_token(&self, token: Secret) -> (u64, Secret) {
        let mut slot = self.token.lock().unwrap_or_else(|p| p.into_inner());
        *slot = TokenSlot { generation: slot.generation + 1, token: Some(token.clone()) };
        (slot.generation, token)
    }

    pub(crate) fn take_token(&self) -> Option<Secret> {
        let mut slot = self.token.lock().unwrap_or_else(|p| p.into_inner());
        slot.token.take()
    }

    /// Asks the SSO service for a token (password or Kerberos grant).
    async fn request_token(&self) -> Result<Secret, Error> {
        let (sso, grant, form, authorization) = self.grant_request()?;
        tracing::debug!(connection = %self.label, url = %sso.token_url, grant, "requesting an SSO token");
        let reply = self.sso_post(&sso.token_url, form, authorization).await?;
        tracing::debug!(connection = %self.label, status = reply.status, "SSO token reply received");
        let object = self.sso_object(&reply, "authentication")?;
        match object.get(&sso.token_name) {
            Some(Value::String(token)) if !token.is_empty() => Ok(Secret::new(token.clone())),
            _ => Err(Error::new(
                ErrorKind::InvalidResponse,
                MessageParts {
                    lead: Some(&format!("The SSO response doesn't contain the token field '{}'.", sso.token_name)),
                    fault: None,
                    status: Some((reply.status, reason(reply.status))),
                    request: Some(&describe(&http::Method::POST, &sso.token_url)),
                }
                .render(),
            )
            .with_code(reply.status)),
        }
    }

    /// The SSO service to ask, the grant's name (for the log), its form and
    /// its `Authorization` header.
    fn grant_request(&self) -> Result<(&SsoService, &'static str, String, Option<HeaderValue>), Error> {
        let auth = &self.auth;
        let no_credentials = || {
            Error::new(
                ErrorKind::Authentication,
                "The token was refused and there are no credentials to get a new one.",
            )
        };
        let sso = auth.sso.as_ref().ok_or_else(no_credentials)?;
        if auth.kerberos {
            let form = form(&[("grant_type", sso.kerberos_grant), ("scope", sso.scope)]);
            let Some(negotiate) = &auth.negotiate else { return Ok((sso, "kerberos", form, None)) };
            let host = sso.token_url.host_str().unwrap_or_default();
            let token = negotiate(host).map_err(|e| {
                Error::new(ErrorKind::Authentication, format!("Can't get a Negotiate token for '{host}': {e}."))
            })?;
            let mut value = HeaderValue::from_str(&format!("Negotiate {token}")).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidInput,
                    "The Negotiate token contains characters that aren't allowed in an HTTP header.",
                )
            })?;
            value.set_sensitive(true);
            return Ok((sso, "kerberos", form, Some(value)));
        }
        let (Some(username), Some(password)) = (&auth.username, &auth.password) else { return Err(no_credentials()) };
        let form = form(&[
            ("grant_type", "password"),
            ("scope", sso.scope),
            ("username", username),
            ("password", password.expose()),
        ]);
        Ok((sso, "password", form, None))
    }

    /// Revokes `token` at the SSO service (nothing to do for an API without one).
    pub(crate) async fn revoke(&self, token: &Secret) -> Result<(), Error> {
        let Some(sso) = &self.auth.sso else { return Ok(()) };
        let url = &sso.revoke_url;
        let form = form(&[("scope", sso.scope), ("token", token.expose())]);
        tracing::debug!(connection = %self.label, url = %url, "revoking the SSO token");
        let reply = self.sso_post(url, form, None).await?;
        tracing::debug!(connection = %self.label, status = reply.status, "SSO revoke reply received");
        let is_json = reply.content_type.as_deref().is_some_and(is_json_content_type);
        if is_json && !reply.body.iter().all(u8::is_ascii_whitespace) {
            self.sso_object(&reply, "revoke")?;
        }
        if !(200..300).contains(&reply.status) {
            return Err(Error::new(
                ErrorKind::Authentication,
                MessageParts {
                    lead: Some("Error during SSO revoke."),
                    fault: None,
                    status: Some((reply.status, reason(reply.status))),
                    request: Some(&describe(&http::Method::POST, url)),
                }
                .render(),
            )
            .with_code(reply.status));
        }
        Ok(())
    }

    /// Reads the JSON object of an SSO reply; an `error` in it becomes an
    /// authentication error with the server's code and text.
    fn sso_object(&self, reply: &SsoReply, what: &str) -> Result<serde_json::Map<String, Value>, Error> {
        if (300..400).contains(&reply.status) {
            let likely = "The SSO URL is probably wrong, or a login proxy is in front of the engine.";
            let message = redirect_message(&reply.request, reply.status, reply.location.as_deref(), likely);
            return Err(Error::new(ErrorKind::InvalidResponse, message).with_code(reply.status));
        }
        let status = Some((reply.status, reason(reply.status)));
        let kind_on_failure =
            if matches!(reply.status, 401 | 403) { ErrorKind::Authentication } else { ErrorKind::InvalidResponse };
        if !reply.content_type.as_deref().is_some_and(is_json_content_type) {
            let lead =
                content_type_message(reply.content_type.as_deref(), "JSON", &self.api_path, self.protocol.root_path);
            let message = MessageParts { lead: Some(&lead), fault: None, status, request: None }.render();
            return Err(Error::new(kind_on_failure, message).with_code(reply.status));
        }
        let value: Value = serde_json::from_slice(&reply.body).map_err(|e| {
            let lead = format!("The SSO response isn't valid JSON: {e}.");
            Error::new(kind_on_failure, MessageParts { lead: Some(&lead), fault: None, status, request: None }.render())
                .with_code(reply.status)
        })?;
        // Every official SDK also accepts the object wrapped in a
        // one-element array.
        let value = match value {
            Value::Array(mut items) if items.len() == 1 => items.remove(0),
            other => other,
        };
        let Value::Object(object) = value else {
            let lead = "The SSO response isn't a JSON object.";
            return Err(Error::new(
                kind_on_failure,
                MessageParts { lead: Some(lead), fault: None, status, request: None }.render(),
            )
            .with_code(reply.status));
        };
        if object.contains_key("error") {
            // Two shapes: OpenID (`error` = code, `error_description` =
            // text) and the engine's own (`error_code` = code, `error` = text).
            let (code, text) = if object.contains_key("error_description") {
                (json_text(object.get("error")), json_text(object.get("error_description")))
            } else {
                (json_text(object.get("error_code")), json_text(object.get("error")))
            };
            let secrets: Vec<Secret> = self.auth.password.iter().cloned().collect();
            return Err(Error::new(ErrorKind::Authentication, format!("Error during SSO {what} {code} : {text}"))
                .with_code(reply.status)
                .scrubbed(&secrets));
        }
        Ok(object)
    }

    /// One form POST to the SSO service, within the connection's limits
    /// and timeout. The body (credentials, tokens) is never logged.
    async fn sso_post(&self, url: &Url, form: String, authorization: Option<HeaderValue>) -> Result<SsoReply, Error> {
        let what = describe(&http::Method::POST, url);
        let _permit = self.slots.take("connection").await?;
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        if let Some(value) = authorization {
            headers.insert(AUTHORIZATION, value);
        }
        let outgoing =
            Outgoing { method: http::Method::POST, url, headers: &headers, body: Some(form.into()), what: &what };
        let exchange = async {
            let reply = self.transport.send(outgoing).await?;
            let text = |name| {
                reply.headers.get(name).map(|v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned())
            };
            let (content_type, location) = (text(CONTENT_TYPE), text(LOCATION));
            let body = reply.body.read_all().await?;
            Ok(SsoReply { status: reply.status, content_type, location, body, request: what.clone() })
        };
        super::limits::within(self.timeout, &what, exchange).await
    }
}

/// A form body: `name=value&…`, URL-encoded.
fn form(pairs: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        form.append_pair(name, value);
    }
    form.finish()
}

fn json_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}
