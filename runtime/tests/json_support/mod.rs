//! What the JSON client tests share: a protocol shaped like Danube Cloud's
//! VM API, its API key, user, password and tokens, and a builder.

#![allow(dead_code)]

use std::time::Duration;

use sdkgen_runtime::connection::ErrorKind;
use sdkgen_runtime::json::{AuthScheme, Envelope, Errors, JsonClient, JsonClientBuilder, LoginScheme, Protocol, Tasks};
pub use sdkgen_testkit::*;

pub const API: &str = "/api";
pub const API_KEY: &str = "key-7Hq2Zx9Secret";
pub const USER: &str = "operator";
pub const PASSWORD: &str = "pw-Danube#Secret!";
pub const TOKEN: &str = "tok-1f2e3d4c5b";
pub const TOKEN_2: &str = "tok-9a8b7c6d5e";
pub const LOGIN: &str = "/api/accounts/login/";
pub const LOGOUT: &str = "/api/accounts/logout/";

const LOGIN_SCHEME: AuthScheme = AuthScheme::Login(LoginScheme {
    path: "/accounts/login/",
    user_field: "username",
    password_field: "password",
    token_field: "token",
    header: "Authorization",
    format: "Token {token}",
    relogin_on: 403,
    relogin_if: &["Authentication credentials were not provided.", "Invalid token."],
    logout: Some(("GET", "/accounts/logout/")),
});

/// A protocol that looks like Danube Cloud's.
pub static DANUBE: Protocol = Protocol {
    title: "Danube Cloud",
    trailing_slash: true,
    prefix: Some("/dc/{dc}"),
    envelope: Some(Envelope { result: "result", status: "status", task_id: "task_id" }),
    tasks: Some(Tasks {
        status_path: "/task/{task_id}/status/",
        pending_http: 201,
        pending: &["PENDING", "STARTED"],
        success: &["SUCCESS"],
        failure: &["FAILURE"],
        revoked: &["REVOKED"],
        backoff_ms: &[1000, 3000, 6000, 12000, 30000],
        deadline_s: 3600,
        cancel: Some(("PUT", "/task/{task_id}/cancel/")),
    }),
    errors: Errors {
        message_fields: &["detail", "message"],
        statuses: &[
            (409, ErrorKind::RetryLater),
            (423, ErrorKind::RetryLater),
            (417, ErrorKind::NeedsConfirmation),
            (412, ErrorKind::Precondition),
            (428, ErrorKind::Precondition),
        ],
    },
    auth: &[AuthScheme::Header { name: "ES-API-KEY", setting: "api_key" }, LOGIN_SCHEME],
    headers: &[("Accept", "application/json")],
};

/// The same API signing its requests instead.
pub static SIGNED: Protocol = Protocol { title: "Signed API", auth: &[AuthScheme::Signer], ..DANUBE };

/// A client of `server` with the API key and millisecond task back-off.
pub fn builder(server: &Server) -> JsonClientBuilder {
    JsonClient::builder(server.url(API), &DANUBE)
        .secret("api_key", API_KEY)
        .no_proxy()
        .task_backoff(vec![Duration::from_millis(5), Duration::from_millis(10)])
}

/// A client of `server` that logs in.
pub fn login_builder(server: &Server) -> JsonClientBuilder {
    JsonClient::builder(server.url(API), &DANUBE)
        .credentials(USER, PASSWORD)
        .no_proxy()
        .task_backoff(vec![Duration::from_millis(5)])
}

/// A Danube envelope.
pub fn envelope(status: &str, result: &str, task_id: &str) -> String {
    format!(r#"{{"status":"{status}","result":{result},"task_id":"{task_id}"}}"#)
}

/// The body of a request as JSON.
pub fn json_body(r: &Recorded) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("the body {:?} is not JSON: {e}", r.text()))
}
