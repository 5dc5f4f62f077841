//! Authentication and TLS of the connection, against the local HTTPS test
//! server (scenarios 1–5, 8 and 9 of the protocol notes, and more).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sdkgen_runtime::connection::{Connection, ErrorKind, Request};
use support::*;

fn api_ok(_: &Recorded) -> Reply {
    Reply::xml(200, "<api><product_info><name>oVirt Engine</name></product_info></api>")
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sdkgen-connection-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

// Scenario 1: a valid CA file works.
#[tokio::test]
async fn a_valid_ca_file_is_trusted() {
    let server = Server::start_tls(engine(api_ok)).await;
    let ca = temp_file("ca.pem", pki().ca_pem.as_bytes());
    let connection = Connection::builder_for(server.url(API), &ENGINE)
        .username(USER)
        .password(PASSWORD)
        .ca_file(&ca)
        .no_proxy()
        .build()
        .unwrap();
    connection.test_or_error().await.unwrap();
    assert!(connection.test().await);
}

// Scenario 1: a CA file that does not exist fails when the connection is built.
#[tokio::test]
async fn a_missing_ca_file_fails_at_build() {
    let err = Connection::builder_for("https://127.0.0.1:1/ovirt-engine/api", &ENGINE)
        .username(USER)
        .password(PASSWORD)
        .ca_file("/nonexistent/dir/ca.pem")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.to_string(), "The CA file '/nonexistent/dir/ca.pem' doesn't exist.");
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn ca_pem_without_a_certificate_is_a_tls_error() {
    let err = Connection::builder_for("https://127.0.0.1:1/ovirt-engine/api", &ENGINE)
        .token("t")
        .ca_pem(b"not a certificate".to_vec())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls);
    let file = temp_file("empty.pem", b"");
    let err = Connection::builder_for("https://127.0.0.1:1/ovirt-engine/api", &ENGINE)
        .token("t")
        .ca_file(file)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls);
    assert!(err.to_string().contains("There is no PEM certificate"), "{err}");
}

// Scenario 1: insecure without a CA works (and ignores a missing CA file).
#[tokio::test]
async fn insecure_needs_no_ca() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = Connection::builder_for(server.url(API), &ENGINE)
        .username(USER)
        .password(PASSWORD)
        .insecure(true)
        .ca_file("/nonexistent/ca.pem")
        .no_proxy()
        .build()
        .unwrap();
    connection.test_or_error().await.unwrap();
}

#[tokio::test]
async fn a_certificate_from_another_ca_is_a_tls_error() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = Connection::builder_for(server.url(API), &ENGINE)
        .username(USER)
        .password(PASSWORD)
        .ca_pem(pki().other_ca_pem.clone())
        .no_proxy()
        .build()
        .unwrap();
    let err = connection.authenticate().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.is_tls());
    let expected = format!(
        "The TLS handshake with 127.0.0.1:{} failed: invalid peer certificate: UnknownIssuer. Is the CA of the \
         server trusted (see 'ca_file' and 'ca_pem')?",
        server.addr.port()
    );
    assert_eq!(err.to_string(), expected);
    // Nothing got through the handshake.
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_system_store_does_not_trust_a_private_ca() {
    let server = Server::start_tls(engine(api_ok)).await;
    let built = Connection::builder_for(server.url(API), &ENGINE).username(USER).password(PASSWORD).no_proxy().build();
    // Either the machine has a system store (the handshake then fails) or
    // it has none (the build says so); both are TLS errors.
    let err = match built {
        Ok(connection) => connection.test_or_error().await.unwrap_err(),
        Err(e) => e,
    };
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
}

#[tokio::test]
async fn the_host_name_is_always_checked_unless_insecure() {
    let server = Server::start_tls_with(pki().wrong_name.clone(), engine(api_ok)).await;
    let err = builder(&server).build().unwrap().test_or_error().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("not valid for name \"127.0.0.1\""), "{err}");

    let insecure = Connection::builder_for(server.url(API), &ENGINE)
        .username(USER)
        .password(PASSWORD)
        .insecure(true)
        .no_proxy()
        .build()
        .unwrap();
    insecure.test_or_error().await.unwrap();
}

// Scenario 3: the SSO request.
#[tokio::test]
async fn the_password_grant_request() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = connect(&server);
    let token = connection.authenticate().await.unwrap();
    assert_eq!(token.expose(), TOKEN);

    let sso = server.requests_to(SSO);
    assert_eq!(sso.len(), 1);
    let r = &sso[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.query, None);
    assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert!(r.header("user-agent").unwrap().starts_with("sdkgen-runtime/"));
    assert_eq!(r.header("authorization"), None);
    let form = r.form();
    assert_eq!(form.len(), 4, "{form:?}");
    assert_eq!(form["grant_type"], "password");
    assert_eq!(form["scope"], "ovirt-app-api");
    assert_eq!(form["username"], USER);
    assert_eq!(form["password"], PASSWORD);
    // Form values are URL-encoded (`@` → `%40`).
    assert!(r.text().contains("username=admin%40internal"), "{}", r.text());
}

// Scenario 2: Kerberos.
#[tokio::test]
async fn the_kerberos_grant_request() {
    let server = Server::start_tls(|r: &Recorded| match r.path.as_str() {
        SSO_KERBEROS if r.header("authorization") == Some("Negotiate YIIGtest") => {
            Reply::json(200, format!(r#"{{"access_token":"{TOKEN}"}}"#))
        }
        SSO_KERBEROS => Reply::json(401, r#"{"error":"access_denied","error_description":"no ticket"}"#),
        _ if r.bearer() == Some(TOKEN) => Reply::xml(200, "<api/>"),
        _ => Reply::xml(401, "<fault/>"),
    })
    .await;
    let hosts = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = hosts.clone();
    let connection = trusting(server.url(API), &ENGINE)
        .kerberos(true)
        .negotiate(move |host| {
            seen.lock().unwrap().push(host.to_owned());
            Ok("YIIGtest".to_owned())
        })
        .build()
        .unwrap();
    connection.test_or_error().await.unwrap();
    let sso = server.requests_to(SSO_KERBEROS);
    assert_eq!(sso.len(), 1);
    assert_eq!(sso[0].method, "POST");
    assert_eq!(sso[0].query, None);
    let form = sso[0].form();
    assert_eq!(form.len(), 2, "{form:?}");
    assert_eq!(form["grant_type"], "urn:ovirt:params:oauth:grant-type:http");
    assert_eq!(form["scope"], "ovirt-app-api");
    assert_eq!(*hosts.lock().unwrap(), ["127.0.0.1"]);
    assert!(server.requests_to(SSO).is_empty());

    // Without the hook, nothing is sent for Negotiate and the SSO refusal
    // is reported.
    let bare = trusting(server.url(API), &ENGINE).kerberos(true).build().unwrap();
    let err = bare.authenticate().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.to_string(), "Error during SSO authentication access_denied : no ticket");
    assert_eq!(server.requests_to(SSO_KERBEROS).last().unwrap().header("authorization"), None);

    // A failing hook is an authentication error.
    let failing = trusting(server.url(API), &ENGINE)
        .kerberos(true)
        .negotiate(|_| Err("no credentials cache".into()))
        .build()
        .unwrap();
    let err = failing.authenticate().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(err.to_string().contains("no credentials cache"), "{err}");
}

const DENIED: &str = "Error during SSO authentication access_denied : Cannot authenticate user 'admin@internal': The username or password is incorrect..";

// Scenario 4: both shapes of SSO errors.
#[tokio::test]
async fn both_shapes_of_sso_errors() {
    let shapes = [
        r#"{"error":"access_denied","error_description":"Cannot authenticate user 'admin@internal': The username or password is incorrect.."}"#,
        r#"{"error_code":"access_denied","error":"Cannot authenticate user 'admin@internal': The username or password is incorrect.."}"#,
        r#"[{"error_code":"access_denied","error":"Cannot authenticate user 'admin@internal': The username or password is incorrect.."}]"#,
    ];
    for shape in shapes {
        let server = Server::start_tls(move |_: &Recorded| Reply::json(401, shape)).await;
        let err = connect(&server).authenticate().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Authentication, "{shape}");
        assert!(err.is_authentication());
        assert_eq!(err.to_string(), DENIED);
        assert_eq!(err.code(), Some(401));
    }
}

#[tokio::test]
async fn a_redirected_sso_request_says_so() {
    let server =
        Server::start_tls(|_: &Recorded| Reply::empty(302).header("Location", "https://login.example.test/")).await;
    let err = connect(&server).authenticate().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert_eq!(err.code(), Some(302));
    assert_eq!(
        err.to_string(),
        format!(
            "The server redirected POST {}{SSO} to https://login.example.test/ (HTTP 302): redirects are not \
             followed. The SSO URL is probably wrong, or a login proxy is in front of the engine.",
            server.origin()
        )
    );
}

// Scenario 5: wrong user name or wrong password.
#[tokio::test]
async fn wrong_credentials_fail_authentication() {
    let server = Server::start_tls(engine(api_ok)).await;
    for (user, password) in [("nobody@internal", PASSWORD), (USER, "wrong")] {
        let connection = builder(&server).username(user).password(password).build().unwrap();
        let err = connection.authenticate().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Authentication);
        assert_eq!(err.to_string(), DENIED);
        // A request fails the same way, without reaching the API.
        let err = connection.send(Request::get("vms")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Authentication);
    }
    assert!(server.requests().iter().all(|r| r.path == SSO));
}

#[tokio::test]
async fn the_token_is_fetched_once_and_reused() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = connect(&server);
    assert!(server.requests().is_empty(), "build() must send nothing");
    for _ in 0..5 {
        connection.execute(Request::get(""), &[200]).await.unwrap();
    }
    let clone = connection.clone();
    clone.execute(Request::get("vms"), &[200]).await.unwrap();
    assert_eq!(connection.authenticate().await.unwrap().expose(), TOKEN);
    assert_eq!(server.requests_to(SSO).len(), 1);
    let api: Vec<_> = server.requests().into_iter().filter(|r| r.path.starts_with(API)).collect();
    assert_eq!(api.len(), 6);
    assert!(api.iter().all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_requests_authenticate_once() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = connect(&server);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let c = connection.clone();
            tokio::spawn(async move { c.execute(Request::get(""), &[200]).await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(server.requests_to(SSO).len(), 1);
}

#[tokio::test]
async fn a_given_token_is_used_as_is() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = trusting(server.url(API), &ENGINE).token(TOKEN).build().unwrap();
    connection.test_or_error().await.unwrap();
    assert_eq!(connection.authenticate().await.unwrap().expose(), TOKEN);
    assert!(server.requests_to(SSO).is_empty());
    assert_eq!(server.last().bearer(), Some(TOKEN));
}

/// SSO gives `TOKEN` first, then `TOKEN_2`; the API only takes the token
/// `accepted` says.
fn rotating(accepted: Option<&'static str>) -> (Arc<AtomicUsize>, impl Fn(&Recorded) -> Reply + Send + Sync) {
    let grants = Arc::new(AtomicUsize::new(0));
    let count = grants.clone();
    let handler = move |r: &Recorded| match r.path.as_str() {
        SSO => {
            let token = if count.fetch_add(1, Ordering::SeqCst) == 0 { TOKEN } else { TOKEN_2 };
            Reply::json(200, format!(r#"{{"access_token":"{token}"}}"#))
        }
        REVOKE => Reply::json(200, "{}"),
        _ if accepted.is_some() && r.bearer() == accepted => Reply::xml(200, "<api/>"),
        _ => Reply::xml(401, "<fault/>"),
    };
    (grants, handler)
}

// Scenario 8: a 401 gets one new token and one retry.
#[tokio::test]
async fn a_401_renews_the_token_and_retries_once() {
    let (grants, handler) = rotating(Some(TOKEN_2));
    let server = Server::start_tls(handler).await;
    let connection = connect(&server);
    let reply = connection.execute(Request::get("vms"), &[200]).await.unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(grants.load(Ordering::SeqCst), 2);
    let api = server.requests_to(&format!("{API}/vms"));
    assert_eq!(api.iter().map(|r| r.bearer().unwrap()).collect::<Vec<_>>(), [TOKEN, TOKEN_2]);
    // The new token is kept.
    connection.execute(Request::get("vms"), &[200]).await.unwrap();
    assert_eq!(grants.load(Ordering::SeqCst), 2);
    assert_eq!(connection.authenticate().await.unwrap().expose(), TOKEN_2);
}

// Scenario 8: a second 401 is an authentication error; no third try.
#[tokio::test]
async fn a_second_401_is_an_authentication_error() {
    let (grants, handler) = rotating(None);
    let server = Server::start_tls(handler).await;
    let connection = connect(&server);
    let err = connection.execute(Request::get("vms"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.code(), Some(401));
    assert!(err.to_string().contains("HTTP response code is 401."), "{err}");
    assert_eq!(grants.load(Ordering::SeqCst), 2);
    assert_eq!(server.requests_to(&format!("{API}/vms")).len(), 2);
    // `send` returns the second 401 as it is.
    let reply = connection.send(Request::get("vms")).await.unwrap();
    assert_eq!(reply.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_renew_the_token_once() {
    let (grants, handler) = rotating(Some(TOKEN_2));
    let server = Server::start_tls(handler).await;
    let connection = builder(&server).token(TOKEN).build().unwrap();
    grants.store(1, Ordering::SeqCst); // the next grant gives TOKEN_2
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let c = connection.clone();
            tokio::spawn(async move { c.execute(Request::get(""), &[200]).await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(server.requests_to(SSO).len(), 1);
}

#[tokio::test]
async fn a_refused_given_token_without_credentials_is_an_authentication_error() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = trusting(server.url(API), &ENGINE).token("expired").build().unwrap();
    let err = connection.test_or_error().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(server.requests_to(SSO).is_empty());
    assert_eq!(server.requests().len(), 1);
}

// Scenario 9: close revokes the token; close without logout does not.
#[tokio::test]
async fn close_revokes_the_token() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = connect(&server);
    connection.test_or_error().await.unwrap();
    let clone = connection.clone();
    connection.close().await.unwrap();
    let revoke = server.requests_to(REVOKE);
    assert_eq!(revoke.len(), 1);
    assert_eq!(revoke[0].method, "POST");
    let form = revoke[0].form();
    assert_eq!(form["token"], TOKEN);
    assert_eq!(form["scope"], "ovirt-app-api");
    assert_eq!(revoke[0].header("content-type"), Some("application/x-www-form-urlencoded"));

    // Closed for every clone; closing again does nothing.
    assert!(clone.is_closed());
    let err = clone.send(Request::get("")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.to_string(), "The connection is closed.");
    assert!(clone.authenticate().await.is_err());
    clone.close().await.unwrap();
    assert_eq!(server.requests_to(REVOKE).len(), 1);
}

/// `scope` closes the connection (revoking the token) when the work
/// succeeds and when it fails half-way, and returns the work's result.
#[tokio::test]
async fn scope_closes_the_connection_however_the_work_ends() {
    let server = Server::start_tls(engine(api_ok)).await;
    let status = connect(&server)
        .scope(|connection| async move {
            let reply = connection.execute(Request::get(""), &[200]).await?;
            Ok::<_, sdkgen_runtime::connection::Error>(reply.status())
        })
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(server.requests_to(REVOKE).len(), 1);

    let connection = connect(&server);
    let kept = connection.clone();
    let err = connection
        .scope(|connection| async move {
            connection.test_or_error().await?;
            // A failure after the token was obtained, as `?` would return it.
            connection.execute(Request::get("missing"), &[204]).await?;
            Ok::<_, sdkgen_runtime::connection::Error>(())
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(200), "{err}");
    assert!(kept.is_closed());
    assert_eq!(server.requests_to(REVOKE).len(), 2);
}

#[tokio::test]
async fn close_without_logout_keeps_the_token() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = connect(&server);
    connection.test_or_error().await.unwrap();
    connection.close_without_logout().await.unwrap();
    assert!(connection.is_closed());
    // Closing a connection that never authenticated revokes nothing either.
    connect(&server).close().await.unwrap();
    assert!(server.requests_to(REVOKE).is_empty());
}

#[tokio::test]
async fn close_revokes_a_given_token_too() {
    let server = Server::start_tls(engine(api_ok)).await;
    let connection = trusting(server.url(API), &ENGINE).token(TOKEN).build().unwrap();
    connection.close().await.unwrap();
    assert_eq!(server.requests_to(REVOKE)[0].form()["token"], TOKEN);
}

#[tokio::test]
async fn a_failed_revocation_is_an_authentication_error() {
    let server = Server::start_tls(|r: &Recorded| match r.path.as_str() {
        REVOKE => Reply::json(400, r#"{"error_code":"invalid_token","error":"Token not found"}"#),
        _ => Reply::json(200, format!(r#"{{"access_token":"{TOKEN}"}}"#)),
    })
    .await;
    let connection = connect(&server);
    connection.authenticate().await.unwrap();
    let err = connection.close().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.to_string(), "Error during SSO revoke invalid_token : Token not found");
}

#[tokio::test]
async fn sso_urls_and_token_name_can_be_replaced() {
    let server = Server::start_tls(|r: &Recorded| match r.path.as_str() {
        "/custom/token" => Reply::json(200, r#"[{"my_token":"tok-custom","access_token":"wrong"}]"#),
        "/custom/revoke" => Reply::empty(204),
        _ if r.bearer() == Some("tok-custom") => Reply::xml(200, "<api/>"),
        _ => Reply::xml(401, "<fault/>"),
    })
    .await;
    let connection = builder(&server)
        .sso_url(format!("{}/custom/token", server.origin()))
        .sso_revoke_url(format!("{}/custom/revoke", server.origin()))
        .sso_token_name("my_token")
        .build()
        .unwrap();
    connection.test_or_error().await.unwrap();
    connection.close().await.unwrap();
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/custom/token", API, "/custom/revoke"]);
}

#[tokio::test]
async fn sso_replies_that_are_not_json() {
    let server = Server::start_tls(|r: &Recorded| match r.path.as_str() {
        SSO => Reply::html(200, "<html>login page</html>"),
        _ => Reply::xml(200, "<api/>"),
    })
    .await;
    let err = connect(&server).authenticate().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(
        err.to_string()
            .starts_with("The response content type 'text/html; charset=iso-8859-1' isn't the expected JSON."),
        "{err}"
    );

    let server = Server::start_tls(|_: &Recorded| Reply::json(200, r#"{"token_type":"bearer"}"#)).await;
    let err = connect(&server).authenticate().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.to_string().contains("doesn't contain the token field 'access_token'"), "{err}");

    let server = Server::start_tls(|_: &Recorded| Reply::json(200, "{not json")).await;
    let err = connect(&server).authenticate().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.to_string().contains("isn't valid JSON"), "{err}");
}

#[test]
fn build_checks_its_input() {
    type Make = fn(&str) -> sdkgen_runtime::connection::ConnectionBuilder;
    let cases: &[(&str, Make, &str)] = &[
        ("", |u| Connection::builder_for(u, &ENGINE).token("t"), "The 'url' parameter is mandatory."),
        (
            "https://300.300.300.300/ovirt-engine/api",
            |u| Connection::builder_for(u, &ENGINE).token("t"),
            "isn't a valid URL",
        ),
        ("ftp://engine/ovirt-engine/api", |u| Connection::builder_for(u, &ENGINE).token("t"), "must be an https://"),
        (
            "https://admin:pw@engine/ovirt-engine/api",
            |u| Connection::builder_for(u, &ENGINE).token("t"),
            "must not contain a user name",
        ),
        (
            "https://engine/ovirt-engine/api?x=1",
            |u| Connection::builder_for(u, &ENGINE).token("t"),
            "must not have a query",
        ),
        ("https://engine/ovirt-engine/api", |u| Connection::builder_for(u, &ENGINE), "No credentials"),
        ("https://engine/ovirt-engine/api", |u| Connection::builder_for(u, &ENGINE).username(USER), "go together"),
        ("https://engine/ovirt-engine/api", |u| Connection::builder_for(u, &ENGINE).password("x"), "go together"),
        (
            "https://engine/ovirt-engine/api",
            |u| Connection::builder_for(u, &ENGINE).token("t").header("Bad Name", "x"),
            "header name",
        ),
        (
            "https://engine/ovirt-engine/api",
            |u| Connection::builder_for(u, &ENGINE).token("t").header("X-A", "caf\u{e9}"),
            "can't be sent",
        ),
        (
            "https://engine/ovirt-engine/api",
            |u| Connection::builder_for(u, &ENGINE).token("t").sso_token_name(""),
            "sso_token_name",
        ),
        (
            "https://engine/ovirt-engine/api",
            |u| Connection::builder_for(u, &ENGINE).token(""),
            "'token' parameter can't be empty",
        ),
        (
            "https://engine/ovirt-engine/api",
            |u| Connection::builder_for(u, &ENGINE).token("t").sso_url("not a url"),
            "'sso_url'",
        ),
        (
            "https://engine/ovirt-engine/api",
            |u| Connection::builder_for(u, &ENGINE).token("t").proxy("::nope::"),
            "'proxy'",
        ),
    ];
    for (url, make, expected) in cases {
        let err = make(url).build().map(|_| ()).expect_err(expected);
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{url}: {err}");
        assert!(err.to_string().contains(expected), "{url}: {err}");
        assert!(!err.to_string().contains("pw@"), "{err}");
    }
    // A trailing slash is dropped.
    let c =
        Connection::builder_for("https://engine/ovirt-engine/api/", &ENGINE).token("t").insecure(true).build().unwrap();
    assert_eq!(c.url(), "https://engine/ovirt-engine/api");
}
