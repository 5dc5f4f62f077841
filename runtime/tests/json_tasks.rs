//! Long-running tasks and error replies of the JSON client, and that every
//! public future is `Send`.

mod json_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use json_support::*;
use sdkgen_runtime::connection::ErrorKind;
use sdkgen_runtime::json::Started;
use serde_json::json;

const TASK: &str = "1e1d2-6f75849b-fc64-4e1c";
const STATUS: &str = "/api/dc/main/task/1e1d2-6f75849b-fc64-4e1c/status/";

/// A server whose deploy starts a task that is pending for `polls` polls,
/// then ends with `last` (status code and envelope status, result).
fn tasks(polls: usize, last: (u16, &'static str, &'static str)) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    let seen = AtomicUsize::new(0);
    move |r: &Recorded| match r.path.as_str() {
        "/api/dc/main/vm/web/" => Reply::json(201, envelope("PENDING", "null", TASK)),
        STATUS if seen.fetch_add(1, Ordering::SeqCst) < polls => Reply::json(201, envelope("STARTED", "null", TASK)),
        STATUS => Reply::json(last.0, envelope(last.1, last.2, TASK)),
        _ => Reply::json(404, r#"{"detail":"Not found"}"#),
    }
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Outcome {
    message: String,
    returncode: i64,
}

#[tokio::test]
async fn a_pending_task_is_polled_until_it_succeeds() {
    let server =
        Server::start(tasks(3, (200, "SUCCESS", r#"{"message":"Successfully created VM web","returncode":0}"#))).await;
    let client = builder(&server).prefix_value("main").build().unwrap();
    let outcome: Outcome = client.call("VmService::deploy", "POST", "vm/web".into()).send().await.unwrap();
    assert_eq!(outcome, Outcome { message: "Successfully created VM web".into(), returncode: 0 });
    let polls = server.requests_to(STATUS);
    assert_eq!(polls.len(), 4);
    assert!(polls.iter().all(|p| p.method == "GET" && p.header("es-api-key") == Some(API_KEY)));
}

#[tokio::test]
async fn a_failed_task_is_an_error_with_its_result_and_id() {
    let server = Server::start(tasks(1, (400, "FAILURE", r#"{"message":"No free node","returncode":1}"#))).await;
    let client = builder(&server).prefix_value("main").build().unwrap();
    let err = client.call("VmService::deploy", "POST", "vm/web".into()).send::<Outcome>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskFailed);
    assert_eq!(err.task_id(), Some(TASK));
    assert_eq!(err.detail(), Some(&json!({"message": "No free node", "returncode": 1})));
    assert_eq!(
        err.to_string(),
        format!("The task {TASK} of VmService::deploy failed (status FAILURE): message: No free node; returncode: 1.")
    );
}

#[tokio::test]
async fn a_revoked_task_is_its_own_kind() {
    let server = Server::start(tasks(0, (410, "REVOKED", r#""cancelled by admin""#))).await;
    let client = builder(&server).prefix_value("main").build().unwrap();
    let err = client.call("VmService::deploy", "POST", "vm/web".into()).send::<Outcome>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TaskRevoked);
    assert_eq!((err.task_id(), err.detail()), (Some(TASK), Some(&json!("cancelled by admin"))));
}

#[tokio::test]
async fn the_deadline_ends_the_wait_naming_the_task() {
    let server = Server::start(tasks(usize::MAX, (200, "SUCCESS", "null"))).await;
    let client = builder(&server).prefix_value("main").task_deadline(Duration::from_millis(60)).build().unwrap();
    let err = client.call("VmService::deploy", "POST", "vm/web".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(err.task_id(), Some(TASK));
    assert!(err.to_string().contains(&format!("the task {TASK} of VmService::deploy to finish")), "{err}");
    assert!(err.to_string().ends_with("it is still status STARTED."), "{err}");
}

#[tokio::test]
async fn dropping_the_future_stops_the_polling() {
    let server = Server::start(tasks(usize::MAX, (200, "SUCCESS", "null"))).await;
    let client = builder(&server).prefix_value("main").build().unwrap();
    let call = client.call("VmService::deploy", "POST", "vm/web".into()).send::<()>();
    assert!(tokio::time::timeout(Duration::from_millis(80), call).await.is_err());
    // A poll written just before the drop may still be on its way to the server.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let polls = server.requests_to(STATUS).len();
    assert!(polls >= 2, "{polls}");
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(server.requests_to(STATUS).len(), polls, "polls went on after the future was dropped");
}

#[tokio::test]
async fn start_returns_the_task_and_wait_polls_later() {
    let server = Server::start(tasks(1, (200, "SUCCESS", r#"{"message":"done","returncode":0}"#))).await;
    let client = builder(&server).prefix_value("main").build().unwrap();
    let started = client.call("VmService::deploy", "POST", "vm/web".into()).start::<Outcome>().await.unwrap();
    let Started::Pending(task) = started else { panic!("the deploy should be pending") };
    assert_eq!(task.id(), TASK);
    assert!(server.requests_to(STATUS).is_empty());
    let status = task.status().await.unwrap();
    assert_eq!((status.status.as_deref(), status.http_status), (Some("STARTED"), 201));
    let outcome: Outcome = task.wait().await.unwrap();
    assert_eq!(outcome.message, "done");
    assert_eq!(server.requests_to(STATUS).len(), 2);
}

#[tokio::test]
async fn a_started_task_can_be_cancelled_and_a_refusal_says_why() {
    const CANCEL: &str = "/api/dc/main/task/1e1d2-6f75849b-fc64-4e1c/cancel/";
    let refuse = std::sync::atomic::AtomicBool::new(false);
    let pending = tasks(usize::MAX, (200, "SUCCESS", "null"));
    let server = Server::start(move |r: &Recorded| match r.path.as_str() {
        CANCEL if refuse.swap(true, Ordering::SeqCst) => Reply::json(406, r#"{"detail":"Task cannot be canceled"}"#),
        CANCEL => Reply::json(410, envelope("REVOKED", "null", TASK)),
        _ => pending(r),
    })
    .await;
    let client = builder(&server).prefix_value("main").build().unwrap();
    let started = client.call("VmService::deploy", "POST", "vm/web".into()).start::<()>().await.unwrap();
    let Started::Pending(task) = started else { panic!("the deploy should be pending") };
    let cancelled = task.cancel().await.unwrap();
    assert_eq!((cancelled.status.as_deref(), cancelled.http_status), (Some("REVOKED"), 410));
    assert_eq!(cancelled.task_id.as_deref(), Some(TASK));
    let sent = server.last();
    assert_eq!((sent.method.as_str(), sent.path.as_str()), ("PUT", CANCEL));
    assert_eq!((sent.body.as_slice(), sent.header("es-api-key")), (&b"{}"[..], Some(API_KEY)));
    let err = task.cancel().await.unwrap_err();
    assert_eq!(err.code(), Some(406));
    assert!(err.to_string().starts_with("Cancelling a task failed: "), "{err}");
    assert!(err.to_string().ends_with("Task cannot be canceled."), "{err}");
}

#[tokio::test]
async fn a_finished_reply_is_done_at_once() {
    let server =
        Server::start(|_| Reply::json(200, envelope("SUCCESS", r#""Successfully updated VM web (locally)""#, "d-1")))
            .await;
    let client = builder(&server).build().unwrap();
    match client.call("VmService::update", "PUT", "vm/web".into()).start::<String>().await.unwrap() {
        Started::Done(reply) => assert_eq!(
            (reply.result.as_str(), reply.task_id.as_deref()),
            ("Successfully updated VM web (locally)", Some("d-1"))
        ),
        Started::Pending(task) => panic!("unexpected task {task:?}"),
    }
}

#[tokio::test]
async fn a_task_that_disappears_is_not_found() {
    let seen = AtomicUsize::new(0);
    let server = Server::start(move |r| match r.path.as_str() {
        "/api/vm/web/" => Reply::json(201, envelope("PENDING", "null", TASK)),
        _ if seen.fetch_add(1, Ordering::SeqCst) == 0 => Reply::json(201, envelope("PENDING", "null", TASK)),
        _ => Reply::json(404, r#"{"detail":"Task does not exist (anymore)"}"#),
    })
    .await;
    let client = builder(&server).build().unwrap();
    let err = client.call("VmService::deploy", "POST", "vm/web".into()).send::<()>().await.unwrap_err();
    assert_eq!((err.kind(), err.task_id()), (ErrorKind::NotFound, Some(TASK)));
    assert!(err.to_string().ends_with("HTTP 404 (Not Found): Task does not exist (anymore)."), "{err}");
}

#[tokio::test]
async fn error_statuses_map_to_kinds_and_keep_the_detail() {
    let server = Server::start(|r| {
        let status: u16 = r.path.trim_matches('/').rsplit('/').next().unwrap().parse().unwrap();
        Reply::json(status, r#"{"detail":"VM has pending tasks"}"#)
    })
    .await;
    let client = builder(&server).build().unwrap();
    let cases = [
        (409, ErrorKind::RetryLater),
        (423, ErrorKind::RetryLater),
        (417, ErrorKind::NeedsConfirmation),
        (412, ErrorKind::Precondition),
        (428, ErrorKind::Precondition),
        (401, ErrorKind::Authentication),
        (404, ErrorKind::NotFound),
        (503, ErrorKind::Server),
        (424, ErrorKind::Fault),
    ];
    for (status, kind) in cases {
        let err = client.call("VmService::update", "PUT", format!("s/{status}")).send::<()>().await.unwrap_err();
        assert_eq!((err.kind(), err.code()), (kind, Some(status)), "{err}");
        assert_eq!(err.detail(), Some(&json!("VM has pending tasks")));
    }
    let err = client.call("VmService::update", "PUT", "s/409".into()).send::<()>().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "VmService::update failed: Danube Cloud answered PUT {} with HTTP 409 (Conflict): VM has pending tasks.",
            server.url("/api/s/409/")
        )
    );
}

#[tokio::test]
async fn a_validation_failure_keeps_the_field_errors() {
    let server = Server::start(|_| {
        Reply::json(400, envelope("FAILURE", r#"{"hostname":["This field is required."],"ram":["Too small."]}"#, "v-1"))
    })
    .await;
    let client = builder(&server).build().unwrap();
    let err = client.call("VmService::deploy", "POST", "vm/web".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Fault);
    assert_eq!(err.task_id(), Some("v-1"), "the log entry of the refusal can be found");
    assert_eq!(err.detail(), Some(&json!({"hostname": ["This field is required."], "ram": ["Too small."]})));
    assert!(err.to_string().ends_with("(Bad Request): hostname: This field is required.; ram: Too small."), "{err}");
}

#[tokio::test]
async fn details_may_be_lists_or_objects_and_message_is_the_fallback() {
    let server = Server::start(|r| match r.path.as_str() {
        "/api/list/" => Reply::json(406, r#"{"detail":["first","second"]}"#),
        _ => Reply::json(400, r#"{"message":"Invalid order_by","class":"Client::BadRequest"}"#),
    })
    .await;
    let client = builder(&server).build().unwrap();
    let err = client.call("X", "GET", "list".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.detail(), Some(&json!(["first", "second"])));
    assert!(err.to_string().ends_with(": first; second."), "{err}");
    let err = client.call("X", "GET", "other".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.detail(), Some(&json!("Invalid order_by")));
}

#[tokio::test]
async fn empty_and_non_json_error_bodies_keep_a_bounded_excerpt() {
    let server = Server::start(|r| match r.path.as_str() {
        "/api/empty/" => Reply::empty(502),
        "/api/html/" => Reply::html(500, format!("<html>{}</html>", "x".repeat(200_000))),
        _ => Reply::html(504, "<html>Gateway Timeout</html>").gzip(),
    })
    .await;
    let client = builder(&server).build().unwrap();
    let err = client.call("X", "GET", "empty".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert!(err.to_string().ends_with("with HTTP 502 (Bad Gateway) and an empty body."), "{err}");
    let err = client.call("X", "GET", "html".into()).send::<()>().await.unwrap_err();
    assert!(
        err.to_string().contains("a body that isn't JSON (content type 'text/html; charset=iso-8859-1'): \"<html>xxx"),
        "{err}"
    );
    assert!(err.to_string().len() < 3000, "{}", err.to_string().len());
    assert!(err.to_string().ends_with("(the rest was not read)."), "{err}");
    let err = client.call("X", "GET", "gz".into()).send::<()>().await.unwrap_err();
    assert!(err.to_string().contains("\"<html>Gateway Timeout</html>\""), "{err}");
}

#[test]
fn every_public_future_is_send() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let server = Server::start(tasks(1, (200, "SUCCESS", r#"{"message":"ok","returncode":0}"#))).await;
        let client = builder(&server).prefix_value("main").build().unwrap();
        let deploy = || client.call("VmService::deploy", "POST", "vm/web".into());
        let sent = tokio::spawn(deploy().send::<Outcome>()).await.unwrap().unwrap();
        assert_eq!(sent.message, "ok");
        let reply = tokio::spawn(deploy().send_reply::<serde_json::Value>()).await.unwrap();
        assert_eq!(reply.unwrap().http_status, 200);
        let Started::Pending(task) = tokio::spawn(deploy().start::<()>()).await.unwrap().unwrap() else { panic!() };
        let task = Arc::new(task);
        tokio::spawn(task.status()).await.unwrap().unwrap();
        tokio::spawn(task.wait::<serde_json::Value>()).await.unwrap().unwrap();
        tokio::spawn(task.wait_reply::<serde_json::Value>()).await.unwrap().unwrap();
        tokio::spawn(client.close()).await.unwrap().unwrap();
    });
}
