//! What the connection logs, and that no secret ever shows: in the log
//! (captured with a subscriber of our own), in errors, in `Debug` or
//! `Display` output (scenario 36 of the protocol notes).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sdkgen_runtime::connection::{Connection, Request, Secret};
use support::*;

const BODY_PASSWORD: &str = "rootpw-in-a-body-77";

/// Everything that must never be printed.
fn secrets() -> [&'static str; 5] {
    [PASSWORD, TOKEN, TOKEN_2, BODY_PASSWORD, "Bearer "]
}

fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(!text.contains(secret), "{what} contains {secret:?}:\n{text}");
    }
}

/// SSO gives `TOKEN` then `TOKEN_2`; the API takes only `TOKEN_2`, so the
/// first request goes through the 401 renewal. Replies echo the token and
/// the password, as a careless server might.
fn server_handler() -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let grants = Arc::new(AtomicUsize::new(0));
    move |r: &Recorded| match r.path.as_str() {
        SSO => {
            let token = if grants.fetch_add(1, Ordering::SeqCst) == 0 { TOKEN } else { TOKEN_2 };
            Reply::json(200, format!(r#"{{"access_token":"{token}"}}"#))
        }
        REVOKE => Reply::json(200, "{}"),
        _ if r.bearer() != Some(TOKEN_2) => Reply::xml(401, "<fault><reason>Unauthorized</reason></fault>"),
        "/ovirt-engine/api/missing" => {
            Reply::xml(404, format!("<fault><reason>Not here</reason><detail>token {TOKEN_2}</detail></fault>"))
        }
        _ => Reply::xml(200, format!("<user><name>u</name><token>{TOKEN_2}</token><note>{PASSWORD}</note></user>")),
    }
}

#[tokio::test]
async fn secrets_never_reach_the_log() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start_tls(server_handler()).await;
    let connection = builder(&server).debug(true).header("X-Trace", "t-1").build().unwrap();

    // The first request is refused (401), renewed and sent again.
    connection.execute(Request::get("vms"), &[200]).await.unwrap();
    let body = format!(
        "<user><user_name>u</user_name><password>{PASSWORD}</password>\
         <initialization><root_password>{BODY_PASSWORD}</root_password></initialization></user>"
    );
    connection.execute(Request::post("users", body), &[200, 201]).await.unwrap();
    let err = connection.execute(Request::get("missing"), &[200]).await.unwrap_err();
    assert!(err.is_not_found());
    let token = connection.authenticate().await.unwrap();
    connection.close().await.unwrap();

    let log = capture.text();
    assert_clean("the log", &log);
    // The log is not empty: each step is there.
    for expected in [
        "DEBUG sdkgen_runtime::connection::auth",
        "requesting an SSO token",
        "grant=password",
        "sending request",
        "method=GET",
        "url=/ovirt-engine/api/vms",
        "status=401",
        "authenticating again",
        "reply received",
        "status=200",
        "TRACE sdkgen_runtime::connection",
        "request body",
        "<user_name>u</user_name>",
        "reply body",
        "status=404",
        "revoking the SSO token",
        "closing the connection",
    ] {
        assert!(log.contains(expected), "the log lacks {expected:?}:\n{log}");
    }
    // Secrets in bodies are replaced, not dropped with their surroundings.
    assert!(log.contains("<password>[redacted]</password>"), "{log}");
    assert!(log.contains("<token>[redacted]</token>"), "{log}");
    assert!(log.contains("<note>[redacted]</note>"), "{log}");

    // Neither do errors, the token's own printing, or the connection.
    assert_clean("the error", &format!("{err} {err:?}"));
    assert_clean("the token", &format!("{token} {token:?}"));
    assert_clean("the connection", &format!("{connection:?}"));
}

#[tokio::test]
async fn bodies_are_not_logged_unless_debug_is_on() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start_tls(server_handler()).await;
    let connection = builder(&server).build().unwrap();
    connection.execute(Request::post("users", "<user><name>visible-name</name></user>"), &[200]).await.unwrap();
    let log = capture.text();
    assert!(log.contains("sending request"), "{log}");
    assert!(!log.contains("body="), "{log}");
    assert!(!log.contains("visible-name"), "{log}");
    assert_clean("the log", &log);
}

#[tokio::test]
async fn sso_failures_and_transport_errors_stay_clean() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    // The SSO refuses, and echoes what it got (as a careless server might).
    let server = Server::start_tls(|r: &Recorded| {
        Reply::json(400, format!(r#"{{"error_code":"denied","error":"bad","echo":"{}"}}"#, r.text()))
    })
    .await;
    let connection = builder(&server).debug(true).build().unwrap();
    let err = connection.authenticate().await.unwrap_err();
    assert_eq!(err.to_string(), "Error during SSO authentication denied : bad");
    assert_clean("the error", &format!("{err} {err:?}"));

    // A server that never answers: the timeout error and its log.
    let hang = Server::start_tls(|_: &Recorded| Reply::Hang).await;
    let connection =
        trusting(hang.url(API), &ENGINE).token(TOKEN).debug(true).timeout(Duration::from_millis(100)).build().unwrap();
    let err =
        connection.send(Request::post("vms", format!("<vm><password>{PASSWORD}</password></vm>"))).await.unwrap_err();
    assert!(err.is_timeout());
    assert_clean("the error", &format!("{err} {err:?}"));
    assert_clean("the log", &capture.text());
    assert!(capture.text().contains("request failed"), "{}", capture.text());
}

#[tokio::test]
async fn insecure_mode_is_logged_once() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start_tls(engine(|_| Reply::xml(200, "<api/>"))).await;
    let connection = Connection::builder_for(server.url(API), &ENGINE)
        .username(USER)
        .password(PASSWORD)
        .insecure(true)
        .no_proxy()
        .log_label("lab-engine")
        .build()
        .unwrap();
    for _ in 0..3 {
        connection.test_or_error().await.unwrap();
    }
    let warnings: Vec<String> = capture.lines().into_iter().filter(|l| l.starts_with("WARN")).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("insecure") && warnings[0].contains("connection=lab-engine"), "{warnings:?}");

    // A verified connection warns about nothing.
    builder(&server).build().unwrap().test_or_error().await.unwrap();
    assert_eq!(capture.lines().iter().filter(|l| l.starts_with("WARN")).count(), 1);
}

// Scenario 36: the string forms of the connection, its builder, requests,
// replies and errors never hold the user, the password, the token or a body.
#[tokio::test]
async fn string_forms_hold_no_user_password_token_or_body() {
    let server = Server::start_tls(engine(|_| Reply::xml(200, "<api><secret_body>s3</secret_body></api>"))).await;
    let b = builder(&server).token(TOKEN).header("X-Api-Key", "key-value-9").proxy("http://pu:pp-secret@127.0.0.1:9");
    let shown = format!("{b:?}");
    for hidden in [USER, PASSWORD, TOKEN, "key-value-9", "pp-secret"] {
        assert!(!shown.contains(hidden), "{hidden} in {shown}");
    }
    assert!(shown.contains("X-Api-Key") && shown.contains(&server.url(API)), "{shown}");

    let connection = connect(&server);
    let request = Request::post("users", format!("<user><password>{PASSWORD}</password></user>"));
    assert_clean("the request", &format!("{request:?}"));
    let reply = connection.send(Request::get("")).await.unwrap();
    let shown = format!("{connection:?} {reply:?}");
    for hidden in [USER, PASSWORD, TOKEN, "secret_body", "s3"] {
        assert!(!shown.contains(hidden), "{hidden} in {shown}");
    }
    let secret = Secret::new(PASSWORD);
    assert_eq!(format!("{secret} {secret:?}"), "<redacted> <redacted>");
}

/// A small type to list, with just a name.
#[derive(Debug, Default)]
struct Named {
    name: Option<String>,
}

impl sdkgen_runtime::xml::XmlType for Named {
    const TAG: &'static str = "user";
    const PLURAL: &'static str = "users";

    fn read_into(&mut self, r: &mut sdkgen_runtime::xml::XmlReader<'_>) -> Result<(), sdkgen_runtime::xml::XmlError> {
        while let Some(tag) = r.next_child()? {
            match tag.as_bytes() {
                b"name" => self.name = r.read_text()?,
                _ => r.skip()?,
            }
        }
        Ok(())
    }

    fn write(&self, w: &mut sdkgen_runtime::xml::XmlWriter, tag: &str) {
        w.start(tag);
        w.end(tag);
    }
}

// A listed reply is logged whole with `debug` (secrets replaced) when it is
// small; a large one, parsed as it arrives, is said to be left out.
#[tokio::test]
async fn a_small_list_is_logged_whole_and_a_large_one_is_not() {
    let one = format!("<user><name>u</name><password>{PASSWORD}</password></user>");
    let large = format!("<users>{}</users>", one.repeat(100_000));
    assert!(large.len() > 4 << 20);
    let server = Server::start_tls(engine(move |r: &Recorded| match r.path.as_str() {
        "/ovirt-engine/api/few" => Reply::xml(200, format!("<users>{one}</users>")),
        _ => Reply::xml(200, large.clone()),
    }))
    .await;
    let connection = builder(&server).debug(true).build().unwrap();

    let capture = Capture::default();
    let guard = tracing::subscriber::set_default(capture.clone());
    let few: Vec<Named> = connection.fetch_list(Request::get("few")).await.unwrap();
    drop(guard);
    let log = capture.text();
    assert_eq!(few.len(), 1);
    assert!(log.contains("reply received") && log.contains("reply body"), "{log}");
    assert!(log.contains("<password>[redacted]</password>"), "{log}");
    assert_clean("the log of a small list", &log);

    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let many: Vec<Named> = connection.fetch_list(Request::get("many")).await.unwrap();
    let log = capture.text();
    let start: String = log.chars().take(2_000).collect();
    assert_eq!(many.len(), 100_000);
    assert!(log.contains("read as it arrives, and it is not logged"), "{start}");
    assert!(!log.contains("reply body"), "{start}");
    assert_clean("the log of a large list", &log);
}
