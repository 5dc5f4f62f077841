//! The generated SDK's behaviour against the fake server: credentials,
//! envelopes, tasks, error kinds and lenient decoding.

use std::time::Duration;

use danube_cloud_sdk::types::{TaskResult, Vm, VmStatus};
use danube_cloud_sdk::{Client, Error, ErrorKind, Started};
use danube_cloud_sdk_tests::fake::{API_KEY, Fake, PASSWORD, TaskEnd, USERNAME};
use sdkgen_testkit::decode_form;
use serde_json::json;

fn builder(fake: &Fake) -> danube_cloud_sdk::ClientBuilder {
    Client::builder(fake.url()).task_backoff(vec![Duration::from_millis(1)]).task_deadline(Duration::from_secs(5))
}

fn keyed(fake: &Fake) -> Client {
    builder(fake).api_key(API_KEY).build().unwrap()
}

fn detail(error: &Error) -> String {
    format!("{:?}", error.detail())
}

const WEB: &str = "web01.example.com";

#[tokio::test]
async fn login_sends_the_token_and_close_logs_out() {
    let fake = Fake::start().await;
    let client = builder(&fake).credentials(USERNAME, PASSWORD).build().unwrap();
    assert_eq!(client.vms_service().list().send().await.unwrap().len(), 3);
    client.close().await.unwrap();
    let requests = fake.requests();
    let seen: Vec<(&str, &str)> = requests.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    assert_eq!(seen, [("POST", "/api/accounts/login/"), ("GET", "/api/vm/"), ("GET", "/api/accounts/logout/")]);
    assert!(requests[1].header("authorization").is_some_and(|v| v.starts_with("Token ")));
    assert_eq!(requests[1].header("es-api-key"), None);
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_a_second_refusal_fails() {
    let fake = Fake::start().await;
    let client = builder(&fake).credentials(USERNAME, PASSWORD).build().unwrap();
    client.vms_service().list().send().await.unwrap();
    fake.expire_tokens();
    client.vms_service().list().send().await.unwrap();
    assert_eq!(fake.logins(), 2, "one new login after the refusal");
    fake.expire_tokens();
    fake.script_next(403, json!({"detail": "Authentication credentials were not provided."}));
    let error = client.vms_service().list().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert_eq!(fake.logins(), 3, "no second renewal for one call");
    assert!(!error.to_string().contains(PASSWORD) && !format!("{error:?}").contains(PASSWORD));
    // A refusal for lack of permission is not about the token: no new login,
    // which would also replace the token of the user's other sessions.
    fake.script_next(403, json!({"detail": "You do not have permission to perform this action."}));
    let error = client.vms_service().vm_service(WEB).update().force(true).node("node2").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert!(detail(&error).contains("permission"), "{error}");
    assert_eq!(fake.logins(), 3);
}

#[tokio::test]
async fn a_wrong_key_or_password_is_an_authentication_error() {
    let fake = Fake::start().await;
    let error = builder(&fake).api_key("wrong-key").build().unwrap().vms_service().list().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert!(detail(&error).contains("Invalid API key"));
    assert!(!error.to_string().contains("wrong-key") && !format!("{error:?}").contains("wrong-key"));
    let client = builder(&fake).credentials(USERNAME, "not-it-3c").build().unwrap();
    let error = client.vms_service().list().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert!(!format!("{error} {error:?}").contains("not-it-3c"));
}

#[tokio::test]
async fn envelopes_are_unwrapped_into_the_declared_types() {
    let fake = Fake::start().await;
    let client = keyed(&fake);
    let names = client.vms_service().list().order_by("-hostname").send().await.unwrap();
    assert_eq!(names, ["web01.example.com", "mail01.example.com", "db01.example.com"]);
    let vms: Vec<Vm> = client.vms_service().list_extended().send().await.unwrap();
    let stored = fake.vm(WEB).unwrap();
    let web = vms.iter().find(|v| v.hostname() == Some(WEB)).unwrap();
    assert_eq!(web.uuid(), stored["uuid"].as_str());
    assert_eq!(web.vcpus(), stored["vcpus"].as_i64());
    assert_eq!(Some(web.tags().len()), stored["tags"].as_array().map(Vec::len));
    let vm = client.vms_service().vm_service(WEB).get().send().await.unwrap();
    assert_eq!(vm.ram(), stored["ram"].as_i64());
}

#[tokio::test]
async fn a_task_is_polled_until_it_ends_and_its_result_decoded() {
    let fake = Fake::start().await;
    fake.task_polls_until_done(3);
    let done = keyed(&fake).vms_service().vm_service(WEB).create().send().await.unwrap();
    assert_eq!(done.message(), Some("Successfully created VM web01.example.com"));
    assert_eq!(done.returncode(), Some(0));
    let polls = fake.requests().iter().filter(|r| r.path.ends_with("/status/")).count();
    assert_eq!(polls, 4, "three pending polls and the final one");
    assert_eq!(fake.vm(WEB).unwrap()["status"], "running");
}

#[tokio::test]
async fn start_returns_the_pending_task_without_waiting() {
    let fake = Fake::start().await;
    let started = keyed(&fake).vms_service().vm_service(WEB).create().start().await.unwrap();
    let Started::Pending(task) = started else { panic!("a 201 reply must give a pending task") };
    assert_eq!(vec![task.id().to_owned()], fake.pending_tasks());
    assert!(fake.requests().iter().all(|r| !r.path.ends_with("/status/")));
    // Cancelled, it ends as revoked; a second cancel is refused.
    assert_eq!(task.cancel().await.unwrap().status.as_deref(), Some("REVOKED"));
    assert!(fake.pending_tasks().is_empty());
    assert_eq!(task.wait::<TaskResult>().await.unwrap_err().kind(), ErrorKind::TaskRevoked);
    let error = task.cancel().await.unwrap_err();
    assert!(error.to_string().ends_with("Task cannot be canceled."), "{error}");
}

#[tokio::test]
async fn failed_and_revoked_tasks_are_errors_with_their_detail_and_task_id() {
    let fake = Fake::start().await;
    fake.end_next_task(TaskEnd::Failure(json!({"message": "VM has no bootable disk", "returncode": 1})));
    let error = keyed(&fake).vms_service().vm_service(WEB).create().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TaskFailed);
    assert!(detail(&error).contains("no bootable disk"), "{error}");
    assert!(error.task_id().is_some_and(|id| id.starts_with("1e1d1-")));
    fake.end_next_task(TaskEnd::Revoked);
    let error = keyed(&fake).vms_service().vm_service(WEB).delete().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TaskRevoked);
    fake.script_next(400, json!({"status": "FAILURE", "result": {"cb_url": ["Enter a valid URL."]}, "task_id": null}));
    let invalid = keyed(&fake).vms_service().vm_service(WEB).update().cb_url("not a url").send().await.unwrap_err();
    // A FAILURE envelope on a refused request (no task ran) is a plain fault
    // whose detail holds the field errors; only a task that ran and failed is TaskFailed.
    assert_eq!(invalid.kind(), ErrorKind::Fault, "validation errors come in a FAILURE envelope");
    assert_eq!(invalid.code(), Some(400));
    assert!(detail(&invalid).contains("Enter a valid URL"), "{invalid}");
}

#[tokio::test]
async fn status_codes_map_to_error_kinds_with_the_detail() {
    let fake = Fake::start().await;
    let client = keyed(&fake);
    let cases = [
        (409, "VM has pending tasks", ErrorKind::RetryLater),
        (423, "Node is not operational", ErrorKind::RetryLater),
        (417, "VM has snapshots", ErrorKind::NeedsConfirmation),
        (412, "VM already has the requested node set in DB", ErrorKind::Precondition),
        (428, "VM has to be stopped when updating disks or NICs", ErrorKind::Precondition),
        (503, "System update in progress", ErrorKind::Server),
    ];
    for (status, text, kind) in cases {
        fake.script_next(status, json!({"detail": text}));
        let error = client.vms_service().vm_service(WEB).update().force(true).send().await.unwrap_err();
        assert_eq!(error.kind(), kind, "status {status}");
        assert!(detail(&error).contains(text), "status {status}: {error}");
        assert!(!error.to_string().contains('\n'), "one sentence: {error}");
    }
    let error = client.vms_service().vm_service("ghost.example.com").get().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(detail(&error).contains("VM not found"));
    let error = client.vms_service().vm_service(WEB).create().recreate(true).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NeedsConfirmation);
}

#[tokio::test]
async fn a_reply_that_is_not_the_declared_json_names_the_member() {
    let fake = Fake::start().await;
    let mut vm = fake.vm(WEB).unwrap();
    vm["vcpus"] = json!("four");
    fake.add_vm(vm);
    let error = keyed(&fake).vms_service().list_full().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Json);
    let text = error.to_string();
    // The operation and the JSON path of the bad member, to the index in the list.
    assert!(text.contains("VmsService::list_full") && text.contains("result["), "{text}");
    assert!(text.contains("].vcpus"), "{text}");
    fake.script_next(200, json!({"status": "SUCCESS", "result": {"not": "a list"}, "task_id": "1d1d1-x"}));
    let error = keyed(&fake).vms_service().list().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Json);
}

#[tokio::test]
async fn first_and_one_take_the_first_item_of_a_list() {
    let fake = Fake::start().await;
    let vms = keyed(&fake).vms_service();
    let names = vms.list().order_by("-hostname").send().await.unwrap();
    let last = vms.list_full().order_by("-hostname").first().await.unwrap().unwrap();
    assert_eq!(last.hostname(), names.first().map(String::as_str));
    assert_eq!(vms.list().order_by("hostname").one().await.unwrap(), *names.last().unwrap());
    fake.script_next(200, json!({"status": "SUCCESS", "result": [], "task_id": "1d1d1-e"}));
    assert!(vms.list_extended().first().await.unwrap().is_none());
    fake.script_next(200, json!({"status": "SUCCESS", "result": [], "task_id": "1d1d1-e"}));
    let error = vms.list().active(true).one().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.to_string(), "Nothing matched: VmsService::list (GET vm?active=true) returned an empty list.");
}

#[tokio::test]
async fn unknown_members_are_ignored_and_unknown_statuses_kept() {
    let fake = Fake::start().await;
    let mut vm = fake.vm(WEB).unwrap();
    vm["status"] = json!("hibernating");
    vm["added_in_a_later_release"] = json!({"nested": [1, 2]});
    vm["node"] = json!(null);
    fake.add_vm(vm);
    let vm = keyed(&fake).vms_service().vm_service(WEB).get().extended(true).send().await.unwrap();
    assert_eq!(vm.status(), Some(VmStatus::Unrecognized("hibernating".into())));
    assert!(vm.status().is_some_and(|s| s.is_unrecognized()));
    // Written back as it came.
    assert_eq!(serde_json::to_value(&vm).unwrap()["status"], "hibernating");
    assert_eq!(vm.node(), None);
    let db = keyed(&fake).vms_service().vm_service("db01.example.com").get().send().await.unwrap();
    let stored = fake.vm("db01.example.com").unwrap();
    assert_eq!(db.status().map(|s| s.as_str().to_owned()).as_deref(), stored["status"].as_str());
    let _: Option<VmStatus> = db.status();
}

#[tokio::test]
async fn the_task_log_and_task_queries_decode() {
    let fake = Fake::start().await;
    fake.add_log_entries(150);
    let client = keyed(&fake);
    let page = client.tasks_service().log().page(2).send().await.unwrap();
    assert_eq!((page.count(), Some(page.results().len())), (Some(150), Some(50)));
    let entry = &page.results()[0];
    assert_eq!(entry.object_type(), Some("vm"));
    let Started::Pending(task) = client.vms_service().vm_service(WEB).delete().start().await.unwrap() else { panic!() };
    assert_eq!(client.tasks_service().list().send().await.unwrap(), vec![task.id().to_owned()]);
    let done = client.tasks_service().task_service(task.id()).done().send().await;
    assert!(done.is_ok_and(|d| d.done() == Some(false)) || fake.pending_tasks().is_empty());
    assert_eq!(client.ping().send().await.unwrap(), "pong");
}

#[tokio::test]
async fn secrets_stay_out_of_debug_output() {
    let fake = Fake::start().await;
    let keyed = builder(&fake).api_key("key-9f3a2b");
    let logged_in = builder(&fake).credentials(USERNAME, "pw-77c1d0");
    let shown = format!("{keyed:?} {logged_in:?} {:?} {:?}", keyed.build().unwrap(), logged_in.build().unwrap());
    assert!(!shown.contains("key-9f3a2b") && !shown.contains("pw-77c1d0"), "{shown}");
}

#[tokio::test]
async fn an_update_reports_either_nothing_to_change_or_the_task() {
    let fake = Fake::start().await;
    let locally = "Successfully updated VM web01.example.com (locally)";
    fake.script_next(200, json!({"status": "SUCCESS", "result": locally, "task_id": "1e1d1-0000"}));
    let vm = keyed(&fake).vms_service().vm_service(WEB);
    let outcome = vm.update().send().await.unwrap();
    assert_eq!(outcome.unchanged(), Some(locally));
    let outcome = vm.update().force(true).send().await.unwrap();
    let report = outcome.done().expect("the task's report");
    assert!(report.message().is_some_and(|m| m.contains("web01")), "{report:?}");
    assert_eq!(report.returncode(), Some(0));
}

#[tokio::test]
async fn the_task_log_pages_until_no_next_page() {
    let fake = Fake::start().await;
    fake.add_log_entries(150);
    let mut pages = keyed(&fake).tasks_service().log().page(7).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next_page().await.unwrap() {
        assert!(page.iter().all(|entry| entry.task().is_some()));
        sizes.push(page.len());
    }
    assert_eq!(sizes, [100, 50]);
    assert!(pages.next_page().await.unwrap().is_none(), "the pages stay ended");
    let page_of = |query: &str| decode_form(query).into_iter().find(|(name, _)| name == "page").map(|(_, v)| v);
    let asked: Vec<String> = fake.requests().iter().filter_map(|r| r.query.as_deref().and_then(page_of)).collect();
    assert_eq!(asked, ["1", "2"], "page 7 set before is replaced, and nothing is asked after the last page");
}

#[tokio::test]
async fn a_page_that_does_not_match_names_the_member() {
    let fake = Fake::start().await;
    fake.script_next(200, json!({"count": 1, "next": null, "results": [{"task": "t1", "flag": "not a number"}]}));
    let error = keyed(&fake).tasks_service().log().pages().next_page().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Json);
    assert!(error.to_string().contains("results[0].flag"), "{error}");
}
