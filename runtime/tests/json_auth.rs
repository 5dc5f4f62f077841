//! Authentication of the JSON client: API-key header, login with one
//! re-login on refusal, logout, and a request signer.

mod json_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use json_support::*;
use sdkgen_runtime::connection::{ErrorKind, Secret};
use sdkgen_runtime::json::{JsonClient, SignFuture, SignRequest, Signer};

/// A login server: the right credentials give the current token (TOKEN,
/// then TOKEN_2 after `rotate`), requests with the current token get `{}`.
fn danube(logins: Arc<AtomicUsize>, rotated: Arc<AtomicUsize>) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    move |r: &Recorded| {
        let current = if rotated.load(Ordering::SeqCst) > 0 { TOKEN_2 } else { TOKEN };
        match r.path.as_str() {
            LOGIN => {
                let body = json_body(r);
                if body["username"] == USER && body["password"] == PASSWORD {
                    logins.fetch_add(1, Ordering::SeqCst);
                    Reply::json(200, format!(r#"{{"token":"{current}","expires":"x","detail":"Welcome"}}"#))
                } else {
                    Reply::json(400, r#"{"detail":"Unable to log in with provided credentials."}"#)
                }
            }
            LOGOUT => Reply::json(200, r#"{"detail":"Bye."}"#),
            _ if r.header("authorization") == Some(&format!("Token {current}")) => {
                Reply::json(200, envelope("SUCCESS", "{}", "t")).delayed(std::time::Duration::from_millis(20))
            }
            _ => Reply::json(403, r#"{"detail":"Authentication credentials were not provided."}"#),
        }
    }
}

#[tokio::test]
async fn the_api_key_goes_in_its_header_and_never_in_errors() {
    let server = Server::start(|_| Reply::json(403, format!(r#"{{"detail":"Invalid API key {API_KEY}"}}"#))).await;
    let client = builder(&server).build().unwrap();
    let err = client.call("VmService::list", "GET", "vm".into()).send::<()>().await.unwrap_err();
    assert_eq!(server.last().header("es-api-key"), Some(API_KEY));
    assert_eq!(err.kind(), ErrorKind::Authentication);
    let shown = format!("{err} {err:?} {:?} {client:?} {:?}", err.detail(), builder(&server));
    assert!(!shown.contains(API_KEY), "{shown}");
    assert!(shown.contains("Invalid API key [redacted]"), "{shown}");
}

#[tokio::test]
async fn an_anonymous_call_carries_no_credentials_and_needs_no_login() {
    let logins = Arc::new(AtomicUsize::new(0));
    let server = Server::start(danube(logins.clone(), Arc::default())).await;
    let anonymous = |client: &JsonClient| {
        let mut call = client.call("Api::ping", "GET", "ping".into());
        call.anonymous();
        call
    };
    let keyed = builder(&server).build().unwrap();
    anonymous(&keyed).send::<serde_json::Value>().await.unwrap_err();
    assert_eq!(server.last().header("es-api-key"), None);
    let logged_in = login_builder(&server).build().unwrap();
    anonymous(&logged_in).send::<serde_json::Value>().await.unwrap_err();
    assert_eq!((server.last().header("authorization"), logins.load(Ordering::SeqCst)), (None, 0));
    // The same client's other calls still authenticate.
    logged_in.call("VmService::get", "GET", "vm/x".into()).send::<serde_json::Value>().await.unwrap();
    assert_eq!(server.last().header("authorization"), Some(format!("Token {TOKEN}").as_str()));
}

#[tokio::test]
async fn a_login_token_is_got_once_and_sent_as_a_token_header() {
    let logins = Arc::new(AtomicUsize::new(0));
    let server = Server::start(danube(logins.clone(), Arc::default())).await;
    let client = login_builder(&server).build().unwrap();
    let calls = (0..4).map(|_| client.call("VmService::get", "GET", "vm/x".into()).send::<serde_json::Value>());
    for result in futures_join(calls).await {
        result.unwrap();
    }
    assert_eq!(logins.load(Ordering::SeqCst), 1);
    let login = &server.requests_to(LOGIN)[0];
    assert_eq!(json_body(login), serde_json::json!({"username": USER, "password": PASSWORD}));
    assert_eq!(login.header("content-type"), Some("application/json"));
    assert_eq!(login.header("authorization"), None);
}

#[tokio::test]
async fn a_refused_token_logs_in_again_once_for_all_concurrent_requests() {
    let (logins, rotated) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let server = Server::start(danube(logins.clone(), rotated.clone())).await;
    let client = login_builder(&server).build().unwrap();
    let _: serde_json::Value = client.call("VmService::get", "GET", "vm/x".into()).send().await.unwrap();
    rotated.store(1, Ordering::SeqCst);
    let calls = (0..4).map(|_| client.call("VmService::get", "GET", "vm/x".into()).send::<serde_json::Value>());
    for result in futures_join(calls).await {
        result.unwrap();
    }
    assert_eq!(logins.load(Ordering::SeqCst), 2);
    let last = server.requests_to("/api/vm/x/").pop().unwrap();
    assert_eq!(last.header("authorization"), Some(format!("Token {TOKEN_2}").as_str()));
}

/// A server that gives a token to every login and refuses every other
/// request with 403 and `detail`; it counts the logins.
fn refusing(detail: &'static str, logins: Arc<AtomicUsize>) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    move |r: &Recorded| match r.path.as_str() {
        LOGIN => {
            logins.fetch_add(1, Ordering::SeqCst);
            Reply::json(200, format!(r#"{{"token":"{TOKEN}"}}"#))
        }
        _ => Reply::json(403, format!(r#"{{"detail":"{detail}"}}"#)),
    }
}

#[tokio::test]
async fn a_second_refusal_is_an_authentication_error() {
    let logins = Arc::new(AtomicUsize::new(0));
    let server = Server::start(refusing("Invalid token.", logins.clone())).await;
    let client = login_builder(&server).build().unwrap();
    let err = client.call("VmService::get", "GET", "vm/x".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(logins.load(Ordering::SeqCst), 2);
    assert_eq!(server.requests_to("/api/vm/x/").len(), 2);
    assert!(err.to_string().ends_with("HTTP 403 (Forbidden): Invalid token."), "{err}");
    assert!(!format!("{err:?}").contains(TOKEN));
}

#[tokio::test]
async fn a_refusal_that_is_not_about_the_token_does_not_log_in_again() {
    let logins = Arc::new(AtomicUsize::new(0));
    let server = Server::start(refusing("User account is not allowed to access API", logins.clone())).await;
    let client = login_builder(&server).build().unwrap();
    let err = client.call("VmService::get", "GET", "vm/x".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(logins.load(Ordering::SeqCst), 1);
    assert_eq!(server.requests_to("/api/vm/x/").len(), 1);
    assert!(err.to_string().ends_with("HTTP 403 (Forbidden): User account is not allowed to access API."), "{err}");
}

#[tokio::test]
async fn a_refused_login_is_an_authentication_error_with_the_detail() {
    let server = Server::start(danube(Arc::default(), Arc::default())).await;
    let client =
        JsonClient::builder(server.url(API), &DANUBE).credentials(USER, "wrong-pw").no_proxy().build().unwrap();
    let err = client.call("VmService::get", "GET", "vm/x".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.code(), Some(400));
    assert_eq!(err.detail(), Some(&serde_json::json!("Unable to log in with provided credentials.")));
    assert_eq!(
        err.to_string(),
        format!(
            "Logging in failed: Danube Cloud answered POST {} with HTTP 400 (Bad Request): \
             Unable to log in with provided credentials.",
            server.url(LOGIN)
        )
    );
    assert!(server.requests_to("/api/vm/x/").is_empty());
}

#[tokio::test]
async fn close_logs_out_once() {
    let server = Server::start(danube(Arc::default(), Arc::default())).await;
    let client = login_builder(&server).build().unwrap();
    client.close().await.unwrap();
    assert!(server.requests().is_empty(), "nothing to log out of before a login");
    let _: serde_json::Value = client.call("VmService::get", "GET", "vm/x".into()).send().await.unwrap();
    client.close().await.unwrap();
    client.close().await.unwrap();
    let logouts = server.requests_to(LOGOUT);
    assert_eq!(logouts.len(), 1);
    assert_eq!(
        (logouts[0].method.as_str(), logouts[0].header("authorization")),
        ("GET", Some(format!("Token {TOKEN}").as_str()))
    );
}

#[tokio::test]
async fn credentials_are_required_and_checked() {
    let err = JsonClient::builder("https://h/api", &DANUBE).build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        err.to_string(),
        "No credentials for Danube Cloud: give 'api_key', or a user name and password ('credentials')."
    );
    let err = JsonClient::builder("https://h/api", &DANUBE).secret("api_kee", "k").build().unwrap_err();
    assert!(err.to_string().starts_with("Danube Cloud has no 'api_kee' setting"), "{err}");
    let err = JsonClient::builder("https://h/api", &DANUBE).secret("api_key", "bad\nkey").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(!err.to_string().contains("bad"), "{err}");
}

/// A toy signer: an FNV hash of method, URL and body, in `X-Sig`.
struct ToySigner;

fn toy_hash(method: &str, url: &str, body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    for byte in method.bytes().chain([0]).chain(url.bytes()).chain([0]).chain(body.iter().copied()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x100000001b3);
    }
    format!("{hash:016x}")
}

impl Signer for ToySigner {
    fn sign<'a>(&'a self, request: SignRequest<'a>) -> SignFuture<'a> {
        Box::pin(async move {
            let signature = toy_hash(request.method, request.url, request.body);
            Ok(vec![("X-Sig".to_owned(), Secret::new(signature))])
        })
    }
}

#[tokio::test]
async fn a_signer_sees_the_exact_bytes_that_are_sent() {
    let server = Server::start(|r| {
        let url = format!(
            "http://127.0.0.1:{}{}",
            r.header("host").unwrap_or_default().rsplit(':').next().unwrap(),
            r.target
        );
        let expected = toy_hash(&r.method, &url, &r.body);
        if r.header("x-sig") == Some(expected.as_str()) {
            Reply::json(200, r#"{"result":"ok"}"#)
        } else {
            Reply::json(403, format!(r#"{{"message":"bad signature for {url}"}}"#))
        }
    })
    .await;
    let client = JsonClient::builder(server.url(API), &SIGNED).signer(ToySigner).no_proxy().build().unwrap();
    let mut get = client.call("UserService::list", "GET", "cloud/user".into());
    get.set_param("q", Some(serde_json::json!("a b&c")));
    assert_eq!(get.send::<String>().await.unwrap(), "ok");
    let mut post = client.call("UserService::create", "POST", "cloud/user".into());
    post.set_param("description", Some(serde_json::json!("é")));
    assert_eq!(post.send::<String>().await.unwrap(), "ok");
    assert_eq!(server.requests().len(), 2);
}

/// Runs futures at once on the current task.
async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for slot in pending.iter_mut() {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(out) => {
                        outputs.push(out);
                        *slot = None;
                    }
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
    outputs
}

#[tokio::test]
async fn debug_logs_never_show_the_password_the_token_or_the_key() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start(danube(Arc::default(), Arc::default())).await;
    let client = login_builder(&server).debug(true).log_label("danube-test").build().unwrap();
    let _: serde_json::Value = client.call("VmService::get", "GET", "vm/x".into()).send().await.unwrap();
    let keyed = builder(&server).debug(true).build().unwrap();
    let _ = keyed.call("VmService::get", "GET", "vm/x".into()).send::<()>().await;
    let logged = capture.text();
    assert!(logged.contains("danube-test") && logged.contains("request body"), "{logged}");
    for secret in [PASSWORD, TOKEN, API_KEY] {
        assert!(!logged.contains(secret), "{secret} was logged:\n{logged}");
    }
}
