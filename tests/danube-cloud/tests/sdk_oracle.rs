//! The wire oracle: every planned operation through the SDK and through
//! the esdc-api Python client gives the same requests.

use std::time::Duration;

use danube_cloud_sdk::Client;
use danube_cloud_sdk_tests::oracle::{ORACLE_KEY, Wire, canned_reply, login_calls, planned_calls, run_peer, same_wire};
use sdkgen_testkit::Server;

const TASK: &str = "1e1d1-6f750000-fc64-4e1c-9a7f";

/// The SDK's calls, in the order of `planned_calls()`.
async fn ours(client: &Client) {
    let vms = client.vms_service();
    vms.list().active(true).order_by("hostname").dc("admin").send().await.unwrap();
    vms.list_full().active(false).order_by("-created").dc("lab").send().await.unwrap();
    vms.list_extended().active(true).order_by("alias").send().await.unwrap();
    vms.vm_service("web01.example.com").get().extended(true).active(true).dc("lab").send().await.unwrap();
    let vm = vms.vm_service("web01");
    vm.create()
        .recreate(true)
        .force(true)
        .cb_url("https://cb.example.com/hook")
        .cb_method("POST")
        .dc("lab")
        .send()
        .await
        .unwrap();
    vm.update()
        .force(true)
        .node("node2.example.com")
        .cb_url("https://cb.example.com/u?x=1&y=2")
        .cb_method("PUT")
        .dc("lab")
        .send()
        .await
        .unwrap();
    vm.delete().cb_url("https://cb.example.com/d").cb_method("GET").dc("lab").send().await.unwrap();
    client.tasks_service().list().send().await.unwrap();
    client
        .tasks_service()
        .log()
        .page(2)
        .status("SUCCESS")
        .object_type("vm")
        .object_name("web01")
        .show_running(true)
        .hide_auto(false)
        .date_from("2026-11-01")
        .date_to("2026-11-30T23:59:59")
        .order_by("-time")
        .dc("lab")
        .send()
        .await
        .unwrap();
    client.tasks_service().task_service(TASK).status().send().await.unwrap();
    client.tasks_service().task_service(TASK).done().send().await.unwrap();
    client.tasks_service().task_service(TASK).cancel().force(true).send().await.unwrap();
    client.ping().send().await.unwrap();
}

fn compare(ours: &[Wire], peer: &[Wire], names: &[String]) {
    assert_eq!(ours.len(), peer.len(), "ours sent {ours:#?}\nthe peer sent {peer:#?}");
    let failures: Vec<String> = ours
        .iter()
        .zip(peer)
        .zip(names)
        .filter_map(|((o, p), name)| same_wire(o, p).err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_operation_has_the_peers_wire() {
    let server = Server::start(canned_reply).await;
    let client = Client::builder(server.url("/api"))
        .api_key(ORACLE_KEY)
        .task_backoff(vec![Duration::from_millis(1)])
        .build()
        .unwrap();
    ours(&client).await;
    // The DC-prefixed list comes from a client with `.dc("main")`.
    let main = Client::builder(server.url("/api")).api_key(ORACLE_KEY).dc("main").build().unwrap();
    main.vms_service().list().send().await.unwrap();
    let ours: Vec<Wire> = server.requests().iter().map(Wire::from_recorded).collect();
    let peer = run_peer(&planned_calls(), ORACLE_KEY).await.unwrap();
    let names: Vec<String> = peer.requests.iter().map(|w| w.call.clone().unwrap_or_default()).collect();
    compare(&ours, &peer.requests, &names);
}

#[tokio::test]
async fn login_token_and_logout_have_the_peers_wire() {
    let server = Server::start(canned_reply).await;
    let client = Client::builder(server.url("/api")).credentials("admin", "oracle-password").build().unwrap();
    client.vms_service().vm_service("web01").get().send().await.unwrap();
    client.close().await.unwrap();
    let ours: Vec<Wire> = server.requests().iter().map(Wire::from_recorded).collect();
    let peer = run_peer(&login_calls(), "").await.unwrap();
    let names = ["login".to_owned(), "vm_get_after_login".to_owned(), "logout".to_owned()];
    compare(&ours, &peer.requests, &names);
}
