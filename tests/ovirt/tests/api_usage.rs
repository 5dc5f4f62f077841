//! The SDK used the way a user writes code (list with a search, add a VM
//! from a template, start it, follow its links, stream a big list, handle a
//! missing VM, remove it), against a small local server that answers like
//! an engine and records what it received. An ergonomic regression of the
//! generated API breaks the build of this file.

use ovirt_sdk::prelude::*;
use sdkgen_testkit::{Recorded, Reply, Server};

const API: &str = "/ovirt-engine/api";

/// The engine's side of the conversation.
fn answer(seen: &Recorded) -> (u16, String) {
    let path = seen.target.split('?').next().unwrap_or("");
    let Some(path) = path.strip_prefix(API) else { return (200, "{}".into()) };
    let vm = |id: &str, name: &str, status: &str| {
        format!(
            r#"<vm id="{id}" href="{API}/vms/{id}"><name>{name}</name><status>{status}</status><cluster id="c1" href="{API}/clusters/c1"/><link rel="nics" href="{API}/vms/{id}/nics"/><actions><link rel="start" href="{API}/vms/{id}/start"/></actions></vm>"#
        )
    };
    match (seen.method.as_str(), path) {
        ("GET", "/vms") if seen.target.contains("all_content=true") => {
            // A big collection (over 4 MiB), for the streamed list and for a
            // `send()` that parses it as it arrives.
            let mut body = String::from("<vms>");
            for i in 0..BIG {
                body.push_str(&vm(&i.to_string(), &format!("vm-{i}"), "up"));
            }
            body.push_str("</vms>");
            (200, body)
        }
        ("GET", "/vms") if seen.target.contains("search=nothing") => (200, "<vms/>".into()),
        ("GET", "/vms") if seen.target.contains("+page+1") => {
            (200, format!("<vms>{}{}</vms>", vm("1", "web-1", "up"), vm("2", "web-2", "up")))
        }
        ("GET", "/vms") if seen.target.contains("+page+2") => (200, format!("<vms>{}</vms>", vm("4", "web-4", "up"))),
        ("GET", "/vms") => {
            (200, format!("<vms>{}{}</vms>", vm("1", "web-1", "up"), vm("2", "web-2", "migrating_to_mars")))
        }
        ("POST", "/vms") => (201, vm("3", "web-3", "down")),
        ("POST", "/vms/3/start") => (200, "<action><status>complete</status></action>".into()),
        ("GET", "/vms/3") => (200, vm("3", "web-3", "up")),
        ("GET", "/clusters/c1") => {
            (200, format!(r#"<cluster id="c1" href="{API}/clusters/c1"><name>prod</name></cluster>"#))
        }
        ("GET", "/disks/d1") => (200, r#"<disk id="d1"><status>ok</status></disk>"#.into()),
        ("GET", "/disks/d2") => (200, r#"<disk id="d2"><status>illegal</status></disk>"#.into()),
        ("GET", "/vms/3/nics") => (200, r#"<nics><nic id="n1"><name>eth0</name></nic></nics>"#.into()),
        ("DELETE", "/vms/3") => (200, String::new()),
        _ => {
            (404, format!("<fault><reason>Operation Failed</reason><detail>Entity not found: {path}</detail></fault>"))
        }
    }
}

/// A collection whose body stops half-way: the server promises more than
/// it sends, then drops the connection, or (with `max=`) keeps it open and
/// never sends the rest.
fn cut_hosts(request: &Recorded) -> Reply {
    let part = "<hosts><host id=\"1\"><name>a</name></host><host id=\"2\"><na";
    let reply = Reply::new(200, "application/xml", part);
    if request.target.contains("max=") { reply.stall(part.len() + 1000) } else { reply.cut(part.len() + 1000) }
}

fn reply(request: &Recorded) -> Reply {
    if request.target.starts_with(&format!("{API}/hosts")) {
        return cut_hosts(request);
    }
    let (status, body) = answer(request);
    let kind = if body.starts_with('{') { "application/json" } else { "application/xml" };
    Reply::new(status, kind, body)
}

/// Starts the fake engine, which records every request it receives.
async fn engine() -> Server {
    Server::start(reply).await
}

/// How many VMs the big collection holds: about 5 MB of XML.
const BIG: usize = 15_000;

#[tokio::test]
async fn a_day_in_the_life_of_a_provisioning_script() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("the-token").build()?;
    let vms = conn.system_service().vms_service();

    // Inventory with a search.
    let found = vms.list().search("name=web*").max(10).send().await?;
    let names: Vec<&str> = found.iter().filter_map(|vm| vm.name()).collect();
    assert_eq!(names, ["web-1", "web-2"]);
    // A status from a newer engine is kept, not fatal.
    assert_eq!(found[1].status(), Some(VmStatus::from_wire("migrating_to_mars")));

    // Provisioning: add from a template (a builder), then start with a parameter.
    let vm = vms
        .add(Vm::builder().name("web-3").cluster(Cluster::named("prod")).template(Template::named("rhel9")))
        .clone_param(true)
        .send()
        .await?;
    let vm_service = vms.vm_service(&vm);
    vm_service.start().use_cloud_init(true).send().await?;
    // The same service found from the object's `href`.
    assert_eq!(conn.service_of(&vm)?.path(), vm_service.path());

    // Follow links: the single one typed as its struct, the list one as its items.
    let vm = vm_service.get().follow("nics").send().await?;
    let cluster = conn.follow(vm.cluster()).await?;
    assert_eq!(cluster.name(), Some("prod"));
    let nics = conn.follow(&vm.nics).await?;
    assert_eq!(nics[0].name(), Some("eth0"));

    // Errors a user can act on.
    match vms.vm_service("missing").get().send().await {
        Err(e) if e.is_not_found() => {
            assert_eq!(e.code(), Some(404));
            assert_eq!(e.fault().and_then(|f| f.detail.as_deref()), Some("Entity not found: /vms/missing"));
        }
        other => panic!("expected not found, got {other:?}"),
    }

    vm_service.remove().send().await?;
    conn.close().await?;

    let seen = server.requests();
    let api: Vec<&Recorded> = seen.iter().filter(|s| s.target.starts_with(API)).collect();
    let lines: Vec<String> = api.iter().map(|s| format!("{} {}", s.method, s.target)).collect();
    assert_eq!(
        lines,
        [
            "GET /ovirt-engine/api/vms?search=name%3Dweb*&max=10",
            "POST /ovirt-engine/api/vms?clone=true",
            "POST /ovirt-engine/api/vms/3/start",
            "GET /ovirt-engine/api/vms/3?follow=nics",
            "GET /ovirt-engine/api/clusters/c1",
            "GET /ovirt-engine/api/vms/3/nics",
            "GET /ovirt-engine/api/vms/missing",
            "DELETE /ovirt-engine/api/vms/3",
        ]
    );
    assert_eq!(
        api[1].text(),
        "<vm><name>web-3</name><cluster><name>prod</name></cluster><template><name>rhel9</name></template></vm>"
    );
    assert_eq!(api[2].text(), "<action><use_cloud_init>true</use_cloud_init></action>");
    for s in &api {
        assert_eq!(s.header("Authorization"), Some("Bearer the-token"));
        assert_eq!(s.header("Version"), Some("4"));
        assert_eq!(s.header("Accept"), Some("application/xml"));
    }
    // `close()` revoked the token.
    assert!(seen.iter().any(|s| !s.target.starts_with(API) && s.text().contains("the-token")));
    Ok(())
}

/// The style from before the getters and builders keeps working: public
/// fields, struct literals and the `follow_link` helpers.
#[tokio::test]
async fn the_old_style_keeps_working() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").build()?;
    let vms = conn.system_service().vms_service();
    let vm = vms
        .add(Vm {
            name: Some("web-3".into()),
            cluster: Some(Cluster::named("prod").into()),
            template: Some(Template::named("rhel9").into()),
            ..Default::default()
        })
        .send()
        .await?;
    let vm_service = vms.vm_service(vm.id.as_deref().unwrap_or_default());
    let vm = vm_service.get().send().await?;
    let cluster: Cluster = conn.follow_link(vm.cluster.as_deref().expect("cluster link")).await?;
    assert_eq!(cluster.name.as_deref(), Some("prod"));
    let nics = conn.follow_list_link(vm.nics.as_ref().expect("nics link")).await?;
    assert_eq!(nics[0].name.as_deref(), Some("eth0"));
    Ok(())
}

#[tokio::test]
async fn a_big_list_is_streamed_item_by_item() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").build()?;
    let vms = conn.system_service().vms_service();
    let mut stream = vms.list().all_content(true).stream().await?;
    let mut count = 0;
    while let Some(vm) = stream.try_next().await? {
        assert_eq!(vm.name(), Some(format!("vm-{count}").as_str()));
        count += 1;
    }
    assert_eq!(count, BIG);
    let all = vms.list().all_content(true).send().await?;
    assert_eq!(all.len(), BIG);
    assert!(all.iter().enumerate().all(|(i, vm)| vm.name() == Some(format!("vm-{i}").as_str())));

    // Dropping a stream half-way is fine, and the connection goes on working.
    let mut stream = vms.list().all_content(true).stream().await?;
    assert!(stream.try_next().await?.is_some());
    drop(stream);
    assert_eq!(vms.list().send().await?.len(), 2);

    // An error status is reported before any item.
    let missing = conn.system_service().storage_domains_service().list().stream().await;
    assert!(missing.is_err_and(|e| e.is_not_found()));
    Ok(())
}

#[tokio::test]
async fn many_tasks_share_one_connection() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").connections(4).build()?;
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let vms = conn.system_service().vms_service();
            tokio::spawn(async move { vms.vm_service("3").get().send().await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task")?.name.as_deref(), Some("web-3"));
    }
    assert_eq!(server.requests().len(), 50);
    Ok(())
}

#[tokio::test]
async fn a_stream_cut_short_or_stalled_is_an_error_after_the_items_that_arrived() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").build()?;
    let hosts = conn.system_service().hosts_service();

    // The connection drops mid-body: the complete item arrives, then an error.
    let mut stream = hosts.list().stream().await?;
    let first = stream.try_next().await?.expect("the first host arrived whole");
    assert_eq!(first.name.as_deref(), Some("a"));
    let err = stream.try_next().await.expect_err("the body was cut");
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(stream.try_next().await?.is_none(), "the stream ends after its error");

    // The server stalls: the request's timeout ends the stream.
    let mut stream = hosts.list().max(5).timeout(std::time::Duration::from_millis(500)).stream().await?;
    assert!(stream.try_next().await?.is_some());
    let err = stream.try_next().await.expect_err("the body never completes");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");

    // The same cut with `send()` is an error too, never a partial list.
    let err = hosts.list().send().await.expect_err("cut body");
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    Ok(())
}

/// An id is one path segment whatever it holds, a path given to
/// `service()` is in URL form, and an `href` with escapes is followed to the
/// path it names.
#[tokio::test]
async fn an_id_is_always_one_path_segment() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").build()?;
    let vms = conn.system_service().vms_service();
    let ids = [
        ("a/b", "a%2Fb"),
        ("what?", "what%3F"),
        ("#1", "%231"),
        ("100%", "100%25"),
        ("%2F", "%252F"),
        ("my vm", "my%20vm"),
        ("vm-\u{e9}", "vm-%C3%A9"),
    ];
    for (id, segment) in ids {
        let service = vms.vm_service(id).nics_service();
        assert_eq!(service.path(), format!("vms/{segment}/nics"));
        let err = service.list().send().await.expect_err("the fake engine knows no such VM");
        assert!(err.is_not_found(), "{err}");
        match conn.service(&format!("vms/{segment}/nics"))? {
            ovirt_sdk::services::AnyService::VmNics(found) => assert_eq!(found.path(), service.path()),
            other => panic!("{other:?}"),
        }
    }
    let err = conn.follow_href::<Vm>(&format!("{API}/vms/a%2Fb")).await.expect_err("no such VM");
    assert!(err.is_not_found(), "{err}");
    assert_eq!(conn.relative_path(&format!("{API}/vms/a%2Fb/nics"))?, "vms/a%2Fb/nics");

    let seen = server.requests();
    let targets: Vec<&str> = seen.iter().map(|s| s.target.as_str()).collect();
    let mut expected: Vec<String> = ids.iter().map(|(_, segment)| format!("{API}/vms/{segment}/nics")).collect();
    expected.push(format!("{API}/vms/a%2Fb"));
    assert_eq!(targets, expected);
    Ok(())
}

/// `first()`/`one()` of a list, setters that take an `Option`, and services
/// made from an object or from a missing id.
#[tokio::test]
async fn first_one_optional_parameters_and_ids() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").build()?;
    let vms = conn.system_service().vms_service();

    let first = vms.list().search("name=web*").first().await?.expect("the engine has VMs");
    assert_eq!(first.name(), Some("web-1"));
    assert_eq!(vms.list().search("nothing").first().await?, None);
    let err = vms.list().search("nothing").one().await.expect_err("nothing matches");
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains("search=nothing"), "{err}");

    // `None` leaves a parameter out; `Some` and plain values set it.
    let no_limit: Option<i64> = None;
    vms.list().max(no_limit).search(Some("name=web*")).case_sensitive(false).send().await?;
    let target = server.last().target;
    assert!(target.contains("search=name%3Dweb*") && target.contains("case_sensitive=false"), "{target}");
    assert!(!target.contains("max="), "{target}");
    vms.list().max(10).max(None).send().await?;
    assert!(!server.last().target.contains("max="));

    // A service from an object (its id), and from an id that is missing.
    let vm = vms.vm_service(&Vm::with_id("3")).get().send().await?;
    assert_eq!(vm.name(), Some("web-3"));
    let sent = server.requests().len();
    let err = vms.vm_service(&Vm::named("no-id")).start().send().await.expect_err("no id");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        err.to_string(),
        "VmsService::vm_service was given a Vm without an id, so the service it returned can't send requests."
    );
    let err = vms.vm_service("").nics_service().list().send().await.expect_err("empty id");
    assert!(err.to_string().contains("was given an empty id"), "{err}");
    let err = vms.vm_service(vm.host()).get().send().await.expect_err("no host");
    assert!(err.to_string().contains("was given no Host (None)"), "{err}");
    assert_eq!(server.requests().len(), sent, "nothing is sent for a missing id");
    Ok(())
}

/// `pages(size)`: page after page through the search (`page N`), until a
/// page is not full.
#[tokio::test]
async fn pages_of_a_search() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").build()?;
    let mut pages = conn.system_service().vms_service().list().search("name=web*").pages(2);
    let mut names = Vec::new();
    while let Some(page) = pages.next_page().await? {
        names.push(page.iter().filter_map(|vm| vm.name().map(str::to_owned)).collect::<Vec<_>>());
    }
    assert_eq!(names, [vec!["web-1", "web-2"], vec!["web-4"]]);
    let targets: Vec<String> = server.requests().into_iter().map(|s| s.target).collect();
    assert_eq!(targets.len(), 2, "the short second page is the last: {targets:?}");
    assert!(targets[0].contains("search=name%3Dweb*+page+1") && targets[0].contains("max=2"), "{targets:?}");
    assert!(targets[1].contains("search=name%3Dweb*+page+2"), "{targets:?}");
    Ok(())
}

/// One `follow` for a linked object, a linked list and their `Option`s.
#[tokio::test]
async fn follow_takes_objects_lists_and_options() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").build()?;
    let vm = conn.system_service().vms_service().vm_service("3").get().send().await?;
    assert_eq!(conn.follow(vm.cluster()).await?.name(), Some("prod"));
    assert_eq!(conn.follow(&vm.cluster).await?.id(), Some("c1"));
    let nics = conn.follow(&vm.nics).await?;
    assert_eq!(nics.iter().map(|n| n.name()).collect::<Vec<_>>(), [Some("eth0")]);
    // The future does not borrow the object: it can run after the VM is gone.
    let task = tokio::spawn(conn.follow(vm.cluster()));
    drop(vm);
    assert_eq!(task.await.expect("task")?.name(), Some("prod"));

    let vm = Vm::builder().cluster(Cluster::named("local")).build();
    let err = conn.follow(vm.host()).await.expect_err("absent");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().starts_with("There is no Host to follow: the link is absent"), "{err}");
    assert!(err.to_string().contains("(`follow` called at tests/ovirt/tests/api_usage.rs:"), "{err}");
    let err = conn.follow(vm.cluster()).await.expect_err("built locally");
    assert!(err.to_string().starts_with("The Cluster has no href to follow"), "{err}");
    let err = conn.follow(&vm.disk_attachments).await.expect_err("no list");
    assert!(err.to_string().starts_with("There is no list of DiskAttachment to follow"), "{err}");
    Ok(())
}

/// Waiters declared in the model: done, failed, timed out; and the generic
/// `wait_until` of any service that has a `get`.
#[tokio::test]
async fn waiters_poll_until_done_failed_or_timed_out() -> Result<(), Error> {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").build()?;
    let disks = conn.system_service().disks_service();
    let disk = disks.disk_service("d1").wait_until_ok().send().await?;
    assert_eq!(disk.id(), Some("d1"));

    let err = disks.disk_service("d2").wait_until_ok().send().await.expect_err("illegal");
    assert_eq!(err.kind(), ErrorKind::Failed);
    assert_eq!(
        err.to_string(),
        "Gave up waiting for the Disk at 'disks/d2' to have status ok: it is status illegal, which means it failed."
    );

    let vm_service = conn.system_service().vms_service().vm_service("3");
    let err = vm_service
        .wait_until_down()
        .interval(std::time::Duration::from_millis(10))
        .timeout(std::time::Duration::from_millis(35))
        .send()
        .await
        .expect_err("the VM stays up");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(
        err.to_string().ends_with("for the Vm at 'vms/3' to have status down, and it is still status up."),
        "{err}"
    );

    let vm = vm_service.wait_until(|vm| vm.name() == Some("web-3")).send().await?;
    assert_eq!(vm.status(), Some(VmStatus::Up));
    Ok(())
}

/// Every generated type can travel between tasks without the user raising
/// `recursion_limit`: a spawned task returns a type with a long chain of
/// nested members.
#[tokio::test]
async fn results_of_every_kind_cross_task_boundaries() {
    let server = engine().await;
    let url = server.url(API);
    let conn = Connection::builder(&url).token("t").build().expect("connection");
    let sds = conn.system_service().storage_domains_service();
    let task = tokio::spawn(async move { sds.storage_domain_service("1").get().send().await });
    assert!(task.await.expect("task").is_err_and(|e| e.is_not_found()));
    let hosts = conn.system_service().hosts_service();
    let task = tokio::spawn(async move { hosts.list().send().await });
    assert!(task.await.expect("task").is_err());
    // Following a link inside a spawned task.
    let (link, linker) = (Cluster { href: Some(format!("{API}/clusters/c1")), ..Default::default() }, conn.clone());
    let task = tokio::spawn(async move { linker.follow_link(&link).await });
    assert_eq!(task.await.expect("task").expect("the cluster").name.as_deref(), Some("prod"));
}

/// Every generated type and service can be shared between tasks, proven
/// in a user crate with the default `recursion_limit` (`Document` holds
/// every struct type, `AnyService` every service).
#[test]
fn every_type_and_service_is_send_and_sync() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Vm>();
    shareable::<Host>();
    shareable::<StorageDomain>();
    shareable::<Cluster>();
    shareable::<Disk>();
    shareable::<ovirt_sdk::services::AnyService>();
    shareable::<ovirt_sdk::connection::ItemStream<StorageDomain>>();
}
