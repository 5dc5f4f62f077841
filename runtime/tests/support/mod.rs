//! What the connection tests share beyond the server kit: the engine's
//! user, password, tokens and paths, a handler that answers like its SSO,
//! and the connection builder the tests start from.

#![allow(dead_code)]

use sdkgen_runtime::connection::{Connection, ConnectionBuilder, Sso, XmlProtocol};
pub use sdkgen_testkit::*;

/// The user name, password and tokens the fake engine knows.
pub const USER: &str = "admin@internal";
pub const PASSWORD: &str = "pw-Zq8#Secret!";
pub const TOKEN: &str = "tok-8c1f0e5d7a";
pub const TOKEN_2: &str = "tok-2b9e4d3c6f";
pub const API: &str = "/ovirt-engine/api";
pub const SSO: &str = "/ovirt-engine/sso/oauth/token";
pub const SSO_KERBEROS: &str = "/ovirt-engine/sso/oauth/token-http-auth";
pub const REVOKE: &str = "/ovirt-engine/services/sso-logout";

/// The protocol of the fake engine: oVirt's, as its model declares it.
pub static ENGINE: XmlProtocol = XmlProtocol {
    title: "Test Engine",
    root_path: API,
    headers: &[("Version", "4")],
    query_headers: &[("all_content", "All-Content")],
    sso: Some(Sso {
        token_path: SSO,
        kerberos_token_path: SSO_KERBEROS,
        kerberos_grant: "urn:ovirt:params:oauth:grant-type:http",
        revoke_path: REVOKE,
        scope: "ovirt-app-api",
    }),
};

/// A handler that behaves like the engine's SSO: the password grant with
/// the right user and password gives `TOKEN`, the revocation answers `{}`;
/// API requests with `Bearer TOKEN` go to `api`, others get 401.
pub fn engine(
    api: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    move |r: &Recorded| match r.path.as_str() {
        SSO => {
            let form = r.form();
            if form.get("username").map(String::as_str) == Some(USER)
                && form.get("password").map(String::as_str) == Some(PASSWORD)
            {
                Reply::json(200, format!(r#"{{"access_token":"{TOKEN}","token_type":"bearer","exp":"1"}}"#))
            } else {
                Reply::json(
                    400,
                    r#"{"error_code":"access_denied","error":"Cannot authenticate user 'admin@internal': The username or password is incorrect.."}"#,
                )
            }
        }
        REVOKE => Reply::json(200, "{}"),
        _ if r.bearer() == Some(TOKEN) => api(r),
        _ => Reply::xml(401, "<fault><reason>Unauthorized</reason></fault>"),
    }
}

/// A builder for `url` speaking `protocol` that trusts the test CA and
/// takes no proxy from the environment, with no credentials yet.
pub fn trusting(url: impl Into<String>, protocol: &'static XmlProtocol) -> ConnectionBuilder {
    Connection::builder_for(url, protocol).ca_pem(pki().ca_pem.clone()).no_proxy()
}

/// The builder the tests start from: the server's URL, the test CA, the
/// right credentials, no proxy from the environment.
pub fn builder(server: &Server) -> ConnectionBuilder {
    trusting(server.url(API), &ENGINE).username(USER).password(PASSWORD)
}

/// A connection from [`builder`].
pub fn connect(server: &Server) -> Connection {
    builder(server).build().unwrap()
}
