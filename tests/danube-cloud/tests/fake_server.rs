//! The fake Danube server on its own, driven by plain HTTP requests.

use danube_cloud_sdk_tests::fake::{API_KEY, Fake, HOSTNAMES, PASSWORD, TaskEnd, USERNAME};
use danube_cloud_sdk_tests::http::{Response, send};
use serde_json::{Value, json};

const KEY: (&str, &str) = ("ES-API-KEY", API_KEY);
const JSON: (&str, &str) = ("Content-Type", "application/json");

async fn get(fake: &Fake, target: &str) -> Response {
    send(&fake.url(), "GET", &format!("/api{target}"), &[KEY], None).await
}

async fn with_body(fake: &Fake, method: &str, target: &str, body: Value) -> Response {
    send(&fake.url(), method, &format!("/api{target}"), &[KEY, JSON], Some(body.to_string().as_bytes())).await
}

#[tokio::test]
async fn a_path_without_its_slash_is_redirected_to_the_slashed_url() {
    let fake = Fake::start().await;
    let reply = get(&fake, "/vm?full=true").await;
    assert_eq!(reply.status, 301);
    assert_eq!(reply.header("location"), Some(format!("{}/vm/?full=true", fake.url()).as_str()));
}

#[tokio::test]
async fn the_vm_list_is_hostnames_unless_full_or_extended() {
    let fake = Fake::start().await;
    let names = get(&fake, "/vm/?order_by=-hostname").await.json();
    let mut expected: Vec<&str> = HOSTNAMES.to_vec();
    expected.sort();
    expected.reverse();
    assert_eq!(names["status"], "SUCCESS");
    assert_eq!(names["result"], json!(expected));
    let full = get(&fake, "/vm/?full=true").await.json();
    let first = &full["result"][0];
    assert_eq!(first["hostname"], "db01.example.com");
    assert!(first.get("vcpus").is_some() && first.get("tags").is_none());
    let extended = get(&fake, "/vm/?extended=True").await.json();
    assert!(extended["result"][0]["tags"].is_array());
    assert_eq!(get(&fake, "/vm/?order_by=alias").await.status, 412);
}

#[tokio::test]
async fn credentials_are_the_key_or_a_token_and_failures_say_why() {
    let fake = Fake::start().await;
    let none = send(&fake.url(), "GET", "/api/vm/", &[], None).await;
    assert_eq!(
        (none.status, none.json()["detail"].clone()),
        (403, json!("Authentication credentials were not provided."))
    );
    let bad = send(&fake.url(), "GET", "/api/vm/", &[("ES-API-KEY", "wrong")], None).await;
    assert_eq!(bad.json(), json!({"detail": "Invalid API key"}));
    let login = json!({"username": USERNAME, "password": PASSWORD}).to_string();
    let reply = send(&fake.url(), "POST", "/api/accounts/login/", &[JSON], Some(login.as_bytes())).await;
    assert_eq!(reply.status, 200);
    let token = reply.json()["token"].as_str().unwrap().to_owned();
    let auth = format!("Token {token}");
    let ok = send(&fake.url(), "GET", "/api/vm/", &[("Authorization", &auth)], None).await;
    assert_eq!(ok.status, 200);
    fake.expire_tokens();
    let stale = send(&fake.url(), "GET", "/api/vm/", &[("Authorization", &auth)], None).await;
    assert_eq!(stale.json()["detail"], "Authentication credentials were not provided.");
    let wrong = json!({"username": USERNAME, "password": "nope"}).to_string();
    let refused = send(&fake.url(), "POST", "/api/accounts/login/", &[JSON], Some(wrong.as_bytes())).await;
    assert_eq!(refused.status, 400);
}

#[tokio::test]
async fn logout_deletes_the_token() {
    let fake = Fake::start().await;
    let login = json!({"username": USERNAME, "password": PASSWORD}).to_string();
    let reply = send(&fake.url(), "POST", "/api/accounts/login/", &[JSON], Some(login.as_bytes())).await;
    let auth = format!("Token {}", reply.json()["token"].as_str().unwrap());
    let bye = send(&fake.url(), "GET", "/api/accounts/logout/", &[("Authorization", &auth)], None).await;
    assert_eq!(bye.json(), json!({"detail": "Bye."}));
    let after = send(&fake.url(), "GET", "/api/vm/", &[("Authorization", &auth)], None).await;
    assert_eq!(after.json(), json!({"detail": "Invalid token."}));
}

#[tokio::test]
async fn bodies_must_be_json_get_has_none_and_delete_has_one() {
    let fake = Fake::start().await;
    let form =
        send(&fake.url(), "PUT", "/api/vm/db01.example.com/", &[KEY, ("Content-Type", "text/plain")], Some(b"x")).await;
    assert_eq!(form.status, 415);
    let get_body = send(&fake.url(), "GET", "/api/vm/", &[KEY, JSON], Some(b"{}")).await;
    assert_eq!(get_body.status, 400);
    let bare_delete = send(&fake.url(), "DELETE", "/api/vm/db01.example.com/", &[KEY], None).await;
    assert_eq!(bare_delete.status, 400);
    let delete = with_body(&fake, "DELETE", "/vm/db01.example.com/", json!({})).await;
    assert_eq!(delete.status, 201);
}

#[tokio::test]
async fn a_created_task_is_pending_for_the_set_polls_then_succeeds() {
    let fake = Fake::start().await;
    fake.task_polls_until_done(2);
    let started = with_body(&fake, "POST", "/vm/web01.example.com/", json!({})).await;
    assert_eq!(started.status, 201);
    assert_eq!(started.header("es_task_response"), Some("true"));
    let body = started.json();
    let id = body["task_id"].as_str().unwrap().to_owned();
    assert_eq!(started.header("es_task_id"), Some(id.as_str()));
    assert_eq!((body["status"].clone(), body["result"].clone()), (json!("PENDING"), Value::Null));
    assert_eq!(get(&fake, "/task/").await.json(), json!([id]));
    assert_eq!(get(&fake, &format!("/task/{id}/done/")).await.json(), json!({"task_id": id, "done": false}));
    for _ in 0..2 {
        assert_eq!(get(&fake, &format!("/task/{id}/status/")).await.status, 201);
    }
    let end = get(&fake, &format!("/task/{id}/status/")).await;
    assert_eq!(end.status, 200);
    assert_eq!(end.json()["result"], json!({"message": "Successfully created VM web01.example.com", "returncode": 0}));
    assert_eq!(fake.vm("web01.example.com").unwrap()["status"], "running");
    assert_eq!(get(&fake, &format!("/task/{id}/done/")).await.json()["done"], true);
}

#[tokio::test]
async fn tasks_end_as_scripted_and_can_be_cancelled() {
    let fake = Fake::start().await;
    fake.task_polls_until_done(0);
    fake.end_next_task(TaskEnd::Failure(json!({"message": "No bootable disk", "returncode": 1})));
    let id = with_body(&fake, "PUT", "/vm/db01.example.com/", json!({"force": true})).await.json()["task_id"].clone();
    let failed = get(&fake, &format!("/task/{}/status/", id.as_str().unwrap())).await;
    assert_eq!((failed.status, failed.json()["status"].clone()), (400, json!("FAILURE")));
    let id = with_body(&fake, "DELETE", "/vm/db01.example.com/", json!({})).await.json()["task_id"].clone();
    let id = id.as_str().unwrap();
    let cancel = with_body(&fake, "PUT", &format!("/task/{id}/cancel/"), json!({"force": true})).await;
    assert_eq!((cancel.status, cancel.json()["status"].clone()), (410, json!("REVOKED")));
    assert!(fake.vm("db01.example.com").is_some(), "a revoked delete leaves the VM");
    let again = with_body(&fake, "PUT", &format!("/task/{id}/cancel/"), json!({})).await;
    assert_eq!(again.status, 406);
    assert_eq!(get(&fake, "/task/nope-1/status/").await.json()["detail"], "Task does not exist (anymore)");
}

#[tokio::test]
async fn validation_errors_come_in_a_failure_envelope_and_confirmation_is_417() {
    let fake = Fake::start().await;
    let invalid = with_body(&fake, "POST", "/vm/web01.example.com/", json!({"recreate": "maybe"})).await;
    assert_eq!(invalid.status, 400);
    assert_eq!(invalid.json()["status"], "FAILURE");
    assert!(invalid.json()["result"]["recreate"][0].is_string());
    let unsure = with_body(&fake, "POST", "/vm/web01.example.com/", json!({"recreate": true})).await;
    assert_eq!((unsure.status, unsure.json()), (417, json!({"detail": "Are you sure?"})));
    assert_eq!(get(&fake, "/vm/nothere.example.com/").await.json(), json!({"detail": "VM not found"}));
}

#[tokio::test]
async fn scripted_replies_come_first_and_the_dc_prefix_is_accepted() {
    let fake = Fake::start().await;
    fake.script_next(423, json!({"detail": "Node is not operational"}));
    let locked = get(&fake, "/dc/main/vm/").await;
    assert_eq!((locked.status, locked.json()["detail"].clone()), (423, json!("Node is not operational")));
    let listed = get(&fake, "/dc/main/vm/").await;
    assert_eq!((listed.status, listed.header("es_dc")), (200, Some("main")));
    assert_eq!(fake.requests()[0].path, "/api/dc/main/vm/");
}

#[tokio::test]
async fn the_task_log_pages_by_one_hundred() {
    let fake = Fake::start().await;
    fake.add_log_entries(250);
    let page2 = get(&fake, "/task/log/?page=2").await.json();
    assert_eq!(page2["count"], 250);
    assert_eq!(page2["results"].as_array().unwrap().len(), 100);
    assert!(page2["next"].as_str().unwrap().ends_with("page=3"));
    assert_eq!(page2["previous"], Value::Null, "the link to page 1 is null, as the server's paginator writes it");
    let page3 = get(&fake, "/task/log/?page=3").await.json();
    assert_eq!((page3["results"].as_array().unwrap().len(), page3["next"].clone()), (50, Value::Null));
    assert!(page3["previous"].as_str().unwrap().ends_with("page=2"));
    let failures = get(&fake, "/task/log/?page=1&status=FAILURE").await.json();
    assert_eq!(failures["count"], 25);
    assert_eq!(get(&fake, "/task/log/?page=4").await.status, 404);
    assert_eq!(get(&fake, "/task/log/?page=1&object_name=web01").await.status, 400);
    assert_eq!(get(&fake, "/task/log/").await.json()["results"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn ping_answers_pong_without_credentials() {
    let fake = Fake::start().await;
    let reply = send(&fake.url(), "GET", "/api/ping/", &[], None).await;
    assert_eq!((reply.status, reply.json()), (200, json!("pong")));
}
