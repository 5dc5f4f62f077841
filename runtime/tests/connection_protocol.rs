//! The connection takes every fact about its API from the `XmlProtocol` it
//! was built with: SSO paths and scope, fixed headers, headers mirrored from
//! the query, the usual root path. These tests use an API unlike the engine
//! of the other tests to show that nothing of the engine is built in.

mod support;

use sdkgen_runtime::connection::{Connection, ErrorKind, Request, Sso, XmlProtocol};
use support::*;

/// An API with its own SSO paths, scope, grant and headers.
static OTHER: XmlProtocol = XmlProtocol {
    title: "Other",
    root_path: "/other/v2",
    headers: &[("X-Api-Level", "7")],
    query_headers: &[("detail", "X-Detail")],
    sso: Some(Sso {
        token_path: "/auth/grant",
        kerberos_token_path: "/auth/grant-negotiate",
        kerberos_grant: "urn:example:negotiate",
        revoke_path: "/auth/forget",
        scope: "other-api",
    }),
};

/// An API that takes tokens only.
static TOKENS_ONLY: XmlProtocol =
    XmlProtocol { title: "Token Only", root_path: "/t", headers: &[], query_headers: &[], sso: None };

fn other_api(r: &Recorded) -> Reply {
    match r.path.as_str() {
        "/auth/grant" => Reply::json(200, format!(r#"{{"access_token":"{TOKEN}"}}"#)),
        "/auth/forget" => Reply::json(200, "{}"),
        _ if r.bearer() == Some(TOKEN) => Reply::xml(200, "<api/>"),
        _ => Reply::xml(401, "<fault><reason>Unauthorized</reason></fault>"),
    }
}

#[tokio::test]
async fn sso_paths_scope_and_headers_come_from_the_protocol() {
    let server = Server::start_tls(other_api).await;
    let connection = trusting(server.url("/other/v2"), &OTHER).username(USER).password(PASSWORD).build().unwrap();
    connection
        .execute(Request::get("things").query("detail", "full").query("all_content", "true"), &[200])
        .await
        .unwrap();
    connection.close().await.unwrap();

    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/auth/grant", "/other/v2/things", "/auth/forget"]);
    let grant = requests[0].form();
    assert_eq!((grant["grant_type"].as_str(), grant["scope"].as_str()), ("password", "other-api"));
    assert_eq!(requests[2].form()["scope"], "other-api");
    let api = &requests[1];
    assert_eq!(api.header_values("x-api-level"), ["7"]);
    assert_eq!(api.header_values("x-detail"), ["full"]);
    assert!(api.header("version").is_none() && api.header("all-content").is_none(), "{:?}", api.headers);
}

#[tokio::test]
async fn the_kerberos_grant_is_the_protocols() {
    let server = Server::start_tls(|r: &Recorded| match r.path.as_str() {
        "/auth/grant-negotiate" => Reply::json(200, format!(r#"{{"access_token":"{TOKEN}"}}"#)),
        _ => other_api(r),
    })
    .await;
    let connection = trusting(server.url("/other/v2"), &OTHER).kerberos(true).build().unwrap();
    connection.authenticate().await.unwrap();
    let grant = server.requests_to("/auth/grant-negotiate")[0].form();
    assert_eq!((grant["grant_type"].as_str(), grant["scope"].as_str()), ("urn:example:negotiate", "other-api"));
}

#[tokio::test]
async fn an_api_without_sso_takes_a_token_and_refuses_a_password() {
    let err = Connection::builder_for("https://127.0.0.1:1/t", &TOKENS_ONLY)
        .username(USER)
        .password(PASSWORD)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        err.to_string(),
        "The Token Only API has no single sign-on service to log in with a user name and password or \
         Kerberos: give the connection a 'token'."
    );

    let server = Server::start_tls(|r: &Recorded| match r.bearer() {
        Some(TOKEN) => Reply::xml(200, "<api/>"),
        _ => Reply::xml(401, "<fault><reason>Unauthorized</reason></fault>"),
    })
    .await;
    let build = || trusting(server.url("/t"), &TOKENS_ONLY);
    let connection = build().token(TOKEN).build().unwrap();
    connection.execute(Request::get("x"), &[200]).await.unwrap();
    // Closing revokes nothing: there is no service to revoke at.
    connection.close().await.unwrap();
    assert_eq!(server.requests().len(), 1);

    // A refused token is the server's refusal: there is nothing to renew it with.
    let connection = build().token("stale").build().unwrap();
    let err = connection.execute(Request::get("x"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.code(), Some(401));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_url_hint_names_the_protocols_usual_root() {
    let server = Server::start_tls(|_: &Recorded| Reply::html(200, "<html>login</html>")).await;
    let connect = |path: &str| trusting(server.url(path), &OTHER).token(TOKEN).build();
    let err = connect("/elsewhere").unwrap().execute(Request::get("x"), &[200]).await.unwrap_err();
    assert!(err.to_string().contains("The typical one is '/other/v2'"), "{err}");
    let err = connect("/other/v2").unwrap().execute(Request::get("x"), &[200]).await.unwrap_err();
    assert!(!err.to_string().contains("typical"), "{err}");
}
