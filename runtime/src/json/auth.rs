//! How a JSON client proves who it is: a secret header, a token from a
//! login operation (renewed once when refused), or a request signer.

use super::protocol::LoginScheme;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::header::{HeaderName, HeaderValue};

use crate::connection::{Error, Secret};

/// What a [`Signer`] returns: the headers to add, their values secret.
pub type SignFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<(String, Secret)>, Error>> + Send + 'a>>;

/// Signs requests for APIs whose authentication depends on each request
/// (such as a hash over the method, URL, body and a timestamp).
///
/// The client calls it for every request it sends, with the exact method,
/// full URL (query included) and body bytes that then go on the wire, and
/// adds the headers it returns. Their values are treated as secrets: they
/// never appear in logs, errors or `Debug` output.
pub trait Signer: Send + Sync {
    /// The headers that sign `request`.
    fn sign<'a>(&'a self, request: SignRequest<'a>) -> SignFuture<'a>;
}

/// What a [`Signer`] signs: the request exactly as it is sent.
#[derive(Debug, Clone, Copy)]
pub struct SignRequest<'a> {
    /// The method: `GET`, `POST`, …
    pub method: &'a str,
    /// The full URL, with its query.
    pub url: &'a str,
    /// The body bytes (empty when the request has no body).
    pub body: &'a [u8],
}

impl LoginScheme {
    /// Whether a reply with `status` and `body` refuses the token itself
    /// (it expired or was revoked), rather than the request.
    pub(crate) fn refuses_the_token(&self, status: u16, body: &[u8]) -> bool {
        status == self.relogin_on
            && (self.relogin_if.is_empty() || {
                let text = String::from_utf8_lossy(body);
                self.relogin_if.iter().any(|t| text.contains(t))
            })
    }
}

/// The token of a login, and a counter that changes with each new token so
/// that requests that saw the same refusal log in again only once.
#[derive(Default)]
pub(crate) struct TokenSlot {
    pub(crate) generation: u64,
    pub(crate) token: Option<Secret>,
}

/// A login scheme with the user's credentials and the current token.
pub(crate) struct Login {
    pub(crate) scheme: LoginScheme,
    pub(crate) username: String,
    pub(crate) password: Secret,
    pub(crate) slot: std::sync::Mutex<TokenSlot>,
    /// Held while logging in or out: one login at a time (single flight).
    pub(crate) lock: tokio::sync::Mutex<()>,
}

impl Login {
    /// The JSON body of the login request.
    pub(crate) fn body(&self) -> Vec<u8> {
        let mut members = serde_json::Map::new();
        members.insert(self.scheme.user_field.to_owned(), self.username.clone().into());
        members.insert(self.scheme.password_field.to_owned(), self.password.expose().into());
        serde_json::Value::Object(members).to_string().into_bytes()
    }

    /// The header that carries `token`, marked sensitive.
    pub(crate) fn header(&self, token: &Secret) -> Option<(HeaderName, HeaderValue)> {
        let name = HeaderName::from_bytes(self.scheme.header.as_bytes()).ok()?;
        let mut value = HeaderValue::from_str(&self.scheme.format.replace("{token}", token.expose())).ok()?;
        value.set_sensitive(true);
        Some((name, value))
    }

    /// The token in use and its generation, if there is one.
    pub(crate) fn current(&self) -> Option<(u64, Secret)> {
        let slot = self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        slot.token.clone().map(|token| (slot.generation, token))
    }

    /// Keeps a new token; its generation.
    pub(crate) fn store(&self, token: Secret) -> u64 {
        let mut slot = self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        slot.generation += 1;
        slot.token = Some(token);
        slot.generation
    }

    /// Forgets the token, returning it.
    pub(crate) fn take(&self) -> Option<Secret> {
        let mut slot = self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        slot.generation += 1;
        slot.token.take()
    }

    /// The generation of the token in use (changes with every login).
    pub(crate) fn generation(&self) -> u64 {
        self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).generation
    }
}

/// The authentication a client was built with.
pub(crate) enum Auth {
    /// The API declares no authentication.
    Anonymous,
    /// A secret sent in a fixed header.
    Header { name: HeaderName, value: HeaderValue, secret: Secret },
    /// A token from a login operation.
    Login(Box<Login>),
    /// A signer called for every request.
    Signer(Arc<dyn Signer>),
}

impl Auth {
    /// The secrets of the client itself (not those of one request).
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        match self {
            Auth::Anonymous | Auth::Signer(_) => Vec::new(),
            Auth::Header { secret, .. } => vec![secret.clone()],
            Auth::Login(login) => {
                let mut secrets = vec![login.password.clone()];
                secrets.extend(login.current().map(|(_, token)| token));
                secrets
            }
        }
    }

    /// How `Debug` shows the scheme, without any secret.
    pub(crate) fn describe(&self) -> String {
        match self {
            Auth::Anonymous => "none".to_owned(),
            Auth::Header { name, .. } => format!("header {name}"),
            Auth::Login(login) => format!("login at {}", login.scheme.path),
            Auth::Signer(_) => "signer".to_owned(),
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> Login {
        Login {
            scheme: LoginScheme {
                path: "/accounts/login/",
                user_field: "username",
                password_field: "password",
                token_field: "token",
                header: "Authorization",
                format: "Token {token}",
                relogin_on: 403,
                relogin_if: &[],
                logout: None,
            },
            username: "admin".into(),
            password: Secret::new("pa\"ss"),
            slot: Default::default(),
            lock: Default::default(),
        }
    }

    #[test]
    fn the_login_body_is_json_with_both_fields() {
        let body: serde_json::Value = serde_json::from_slice(&login().body()).unwrap();
        assert_eq!(body, serde_json::json!({"username": "admin", "password": "pa\"ss"}));
    }

    #[test]
    fn tokens_have_generations() {
        let login = login();
        assert!(login.current().is_none());
        let first = login.store(Secret::new("t1"));
        assert_eq!(login.current().map(|(g, t)| (g, t.expose().to_owned())), Some((first, "t1".to_owned())));
        let (name, value) = login.header(&Secret::new("t1")).unwrap();
        assert_eq!((name.as_str(), value.to_str().unwrap()), ("authorization", "Token t1"));
        assert!(value.is_sensitive());
        assert_eq!(login.take().map(|t| t.expose().to_owned()), Some("t1".to_owned()));
        assert!(login.generation() > first);
        assert!(login.header(&Secret::new("bad\nvalue")).is_none());
    }
}
