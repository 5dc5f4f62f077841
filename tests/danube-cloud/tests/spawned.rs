//! Every kind of future the SDK returns can be handed to `tokio::spawn` on a
//! multi-thread runtime from a crate with default settings (this one), and
//! does its work there: the list forms, a get, a task followed to its end or
//! only started and waited for later, the task queries, ping and logout.

use std::time::Duration;

use danube_cloud_sdk::{Client, Started};
use danube_cloud_sdk_tests::fake::{Fake, PASSWORD, USERNAME};

const WEB: &str = "web01.example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_future_runs_on_spawned_tasks() {
    let fake = Fake::start().await;
    fake.task_polls_until_done(2);
    let client = Client::builder(fake.url())
        .credentials(USERNAME, PASSWORD)
        .task_backoff(vec![Duration::from_millis(1)])
        .build()
        .unwrap();
    let vms = client.vms_service();
    let names = tokio::spawn(vms.list().send()).await.unwrap().unwrap();
    let full = tokio::spawn(vms.list_full().send()).await.unwrap().unwrap();
    let extended = tokio::spawn(vms.list_extended().send_reply()).await.unwrap().unwrap();
    assert_eq!((names.len(), full.len(), extended.result.len()), (3, 3, 3));
    let first = tokio::spawn(vms.list_full().first()).await.unwrap().unwrap();
    let one = tokio::spawn(vms.list().one()).await.unwrap().unwrap();
    assert_eq!(first.and_then(|vm| vm.hostname().map(str::to_owned)), Some(one));
    let vm = tokio::spawn(vms.vm_service(WEB).get().send()).await.unwrap().unwrap();
    assert_eq!(vm.hostname(), Some(WEB));
    let created = tokio::spawn(vms.vm_service(WEB).create().send()).await.unwrap().unwrap();
    assert!(created.message().is_some());
    let started = tokio::spawn(vms.vm_service(WEB).delete().start()).await.unwrap().unwrap();
    let Started::Pending(task) = started else { panic!("the delete finished at once") };
    let id = task.id().to_owned();
    let outcome = tokio::spawn(async move { task.wait::<danube_cloud_sdk::types::TaskResult>().await });
    assert!(outcome.await.unwrap().unwrap().message().is_some());
    let tasks = client.tasks_service();
    tokio::spawn(tasks.task_service(&id).status().send()).await.unwrap().unwrap();
    tokio::spawn(tasks.task_service(&id).done().send()).await.unwrap().unwrap();
    tokio::spawn(tasks.list().send()).await.unwrap().unwrap();
    assert_eq!(tokio::spawn(client.ping().send()).await.unwrap().unwrap(), "pong");
    let closing = client.clone();
    tokio::spawn(async move { closing.close().await }).await.unwrap().unwrap();
    assert_eq!(fake.logins(), 1, "one login served every task");
}
