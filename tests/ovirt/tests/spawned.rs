//! Every public future of the SDK runs to completion when spawned on a
//! multi-thread runtime (what `#[tokio::main]` builds). The requests go to
//! a port where nothing listens, so each one must end in a connection error
//! (and a `follow_link` of an object without `href` in an input error): the
//! point is that they were accepted by `tokio::spawn` in this crate and ran.

use ovirt_sdk::prelude::*;
use ovirt_sdk_tests::spawns;

/// A connection to a local port that refuses connections.
fn unreachable_engine() -> Connection {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("bound").port()
    };
    Connection::builder(format!("https://127.0.0.1:{port}/ovirt-engine/api"))
        .token("spawn-test")
        .insecure(true)
        .no_proxy()
        .build()
        .expect("valid options")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_and_stream_runs_in_a_spawned_task() {
    let connection = unreachable_engine();
    let tasks = spawns::spawn_requests(&connection);
    assert_eq!(tasks.len(), spawns::REQUEST_COUNT);
    for task in tasks {
        let error = task.await.expect("the task ran").expect_err("nothing listens");
        assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_follow_runs_in_a_spawned_task() {
    let connection = unreachable_engine();
    let tasks = spawns::spawn_follows(&connection, "/ovirt-engine/api/things");
    assert_eq!(tasks.len(), spawns::FOLLOW_COUNT);
    let (mut refused, mut no_href) = (0, 0);
    for task in tasks {
        let error = task.await.expect("the task ran").expect_err("nothing listens");
        match error.kind() {
            ErrorKind::Connection => refused += 1,
            ErrorKind::InvalidInput => no_href += 1,
            other => panic!("unexpected {other:?}: {error}"),
        }
    }
    // Objects are made without an `href`; lists carry the one given.
    assert_eq!((refused, no_href), (spawns::FOLLOW_COUNT / 2, spawns::FOLLOW_COUNT / 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_can_be_held_across_an_await() {
    assert!(spawns::spawn_document().await.expect("the task ran"));
}
