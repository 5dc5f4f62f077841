//! The wire of every operation of the generated SDK, against the fake
//! server.

use std::collections::BTreeMap;
use std::time::Duration;

use danube_cloud_sdk::Client;
use danube_cloud_sdk_tests::fake::{API_KEY, Fake};
use sdkgen_testkit::{Recorded, decode_form};
use serde_json::{Value, json};

fn client(fake: &Fake, dc: Option<&str>) -> Client {
    let mut builder = Client::builder(fake.url()).api_key(API_KEY).task_backoff(vec![Duration::from_millis(1)]);
    if let Some(dc) = dc {
        builder = builder.dc(dc);
    }
    builder.task_deadline(Duration::from_secs(5)).build().expect("the client builds")
}

fn query(request: &Recorded) -> BTreeMap<String, String> {
    decode_form(request.query.as_deref().unwrap_or_default()).into_iter().collect()
}

fn pairs(list: &[(&str, &str)]) -> BTreeMap<String, String> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn body(request: &Recorded) -> Value {
    serde_json::from_slice(&request.body)
        .unwrap_or_else(|_| panic!("{} {} has no JSON body", request.method, request.path))
}

/// The only request sent since the last call, checked for the rules every
/// request keeps: a trailing slash, the key, no body on GET, JSON otherwise.
fn only(fake: &Fake) -> Recorded {
    let mut requests = fake.take_requests();
    assert_eq!(requests.len(), 1, "one request expected: {requests:?}");
    let request = requests.remove(0);
    check_rules(&request);
    request
}

fn check_rules(request: &Recorded) {
    assert!(request.path.ends_with('/'), "{} has no trailing slash", request.path);
    assert_eq!(request.header("es-api-key"), Some(API_KEY));
    if request.method == "GET" {
        assert!(request.body.is_empty(), "GET {} has a body", request.path);
    } else {
        assert!(request.header("content-type").is_some_and(|v| v.starts_with("application/json")));
        body(request);
    }
}

#[tokio::test]
async fn the_vm_reads_put_their_parameters_in_the_query() {
    let fake = Fake::start().await;
    let client = client(&fake, None);
    let names = client.vms_service().list().active(true).order_by("hostname").dc("admin").send().await.unwrap();
    assert_eq!(names.len(), 3);
    let list = only(&fake);
    assert_eq!((list.method.as_str(), list.path.as_str()), ("GET", "/api/vm/"));
    assert_eq!(query(&list), pairs(&[("active", "true"), ("order_by", "hostname"), ("dc", "admin")]));
    client.vms_service().list_full().send().await.unwrap();
    assert_eq!(query(&only(&fake)), pairs(&[("full", "true")]));
    client.vms_service().list_extended().send().await.unwrap();
    assert_eq!(query(&only(&fake)), pairs(&[("extended", "true")]));
    client.vms_service().vm_service("web01.example.com").get().extended(true).send().await.unwrap();
    let get = only(&fake);
    assert_eq!((get.path.as_str(), query(&get)), ("/api/vm/web01.example.com/", pairs(&[("extended", "true")])));
}

#[tokio::test]
async fn the_vm_changes_send_json_bodies_and_delete_sends_an_empty_object() {
    let fake = Fake::start().await;
    fake.task_polls_until_done(0);
    let client = client(&fake, None);
    let vm = client.vms_service().vm_service("web01.example.com");
    vm.create().recreate(true).force(true).cb_url("https://cb.example.com").cb_method("POST").send().await.unwrap();
    let requests = fake.take_requests();
    let create = &requests[0];
    check_rules(create);
    assert_eq!((create.method.as_str(), create.path.as_str()), ("POST", "/api/vm/web01.example.com/"));
    let expected = json!({"recreate": true, "force": true, "cb_url": "https://cb.example.com", "cb_method": "POST"});
    assert_eq!(body(create), expected);
    assert!(create.query.is_none());
    assert!(requests[1].path.starts_with("/api/task/") && requests[1].path.ends_with("/status/"));
    vm.update().force(true).node("node2.example.com").send().await.unwrap();
    let update = &fake.take_requests()[0];
    assert_eq!((update.method.as_str(), body(update)), ("PUT", json!({"force": true, "node": "node2.example.com"})));
    vm.delete().send().await.unwrap();
    let delete = &fake.take_requests()[0];
    check_rules(delete);
    assert_eq!((delete.method.as_str(), body(delete)), ("DELETE", json!({})));
}

#[tokio::test]
async fn the_task_calls_and_ping_have_their_paths() {
    let fake = Fake::start().await;
    fake.task_polls_until_done(5);
    fake.add_log_entries(150);
    let client = client(&fake, None);
    let started = client.vms_service().vm_service("db01.example.com").delete().start().await.unwrap();
    let danube_cloud_sdk::Started::Pending(task) = started else { panic!("the delete finished at once") };
    let id = task.id().to_owned();
    fake.take_requests();
    client.tasks_service().list().send().await.unwrap();
    assert_eq!(only(&fake).path, "/api/task/");
    client.tasks_service().log().page(1).status("SUCCESS").object_type("vm").object_name("web01").send().await.unwrap();
    let log = only(&fake);
    assert_eq!(log.path, "/api/task/log/");
    let expected = pairs(&[("page", "1"), ("status", "SUCCESS"), ("object_type", "vm"), ("object_name", "web01")]);
    assert_eq!(query(&log), expected);
    client.tasks_service().task_service(&id).done().send().await.unwrap();
    assert_eq!(only(&fake).path, format!("/api/task/{id}/done/"));
    let _ = client.tasks_service().task_service(&id).cancel().force(true).send().await;
    let cancel = only(&fake);
    assert_eq!(
        (cancel.method.as_str(), cancel.path.clone(), body(&cancel)),
        ("PUT", format!("/api/task/{id}/cancel/"), json!({"force": true}))
    );
    assert_eq!(client.ping().send().await.unwrap(), "pong");
    assert_eq!(fake.take_requests()[0].path, "/api/ping/");
}

#[tokio::test]
async fn a_client_dc_prefixes_every_path() {
    let fake = Fake::start().await;
    fake.task_polls_until_done(0);
    let client = client(&fake, Some("main"));
    client.vms_service().list().send().await.unwrap();
    client.vms_service().vm_service("web01.example.com").update().force(true).send().await.unwrap();
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths[0], "/api/dc/main/vm/");
    assert_eq!(paths[1], "/api/dc/main/vm/web01.example.com/");
    assert!(paths.iter().all(|p| p.starts_with("/api/dc/main/")), "{paths:?}");
}
