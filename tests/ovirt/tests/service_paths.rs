//! `connection.service(path)` resolves every locator path of the model to
//! the right typed service, and rejects paths that lead nowhere with an
//! error naming the first segment that did not resolve.

use std::collections::VecDeque;
use std::path::Path;

use ovirt_sdk::{Connection, ConnectionExt, ErrorKind};

fn api() -> sdkgen::ir::Api {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../model/ovirt");
    sdkgen::load(&dir).unwrap_or_else(|e| panic!("{} does not load:\n{e}", dir.display()))
}

fn connection() -> Connection {
    // Building a connection sends nothing; resolving a path neither.
    Connection::builder("https://engine.example.com/ovirt-engine/api").token("t").build().expect("connection")
}

/// Every locator of every reachable service, as (path, expected service type).
fn every_locator_path(api: &sdkgen::ir::Api) -> Vec<(String, String)> {
    let mut routes: Vec<Option<String>> = vec![None; api.services.len()];
    routes[api.root_service] = Some(String::new());
    let mut queue = VecDeque::from([api.root_service]);
    let mut out = Vec::new();
    let mut ids = 0;
    while let Some(s) = queue.pop_front() {
        let base = routes[s].clone().expect("queued services have a route");
        for (_, l) in api.all_locators(s) {
            let segment = if l.takes_id {
                ids += 1;
                format!("id-{ids}")
            } else {
                l.path.clone()
            };
            let path = if base.is_empty() { segment } else { format!("{base}/{segment}") };
            out.push((path.clone(), api.services[l.service].rust_name.clone()));
            if routes[l.service].is_none() {
                routes[l.service] = Some(path);
                queue.push_back(l.service);
            }
        }
    }
    out
}

#[test]
fn every_locator_path_resolves_to_its_service() {
    let api = api();
    let connection = connection();
    let paths = every_locator_path(&api);
    let locators: usize = api.services.iter().filter(|s| !s.unreachable).map(|s| s.locators.len()).sum();
    assert!(paths.len() >= locators, "{} paths for {locators} locators", paths.len());
    for (path, expected) in &paths {
        let service = connection.service(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(service.type_name(), expected, "{path}");
        assert_eq!(service.path(), path);
    }
    println!("service(path): {} locator paths resolved", paths.len());
}

#[test]
fn the_empty_path_is_the_system_service() {
    let connection = connection();
    for path in ["", "/"] {
        let service = connection.service(path).expect("root");
        assert_eq!(service.type_name(), "SystemService");
        assert_eq!(service.path(), "");
    }
    assert_eq!(connection.system_service().path(), "");
}

#[test]
fn typed_locators_build_the_same_paths() {
    let connection = connection();
    let nics = connection.system_service().vms_service().vm_service("123").nics_service();
    assert_eq!(nics.path(), "vms/123/nics");
    match connection.service("vms/123/nics/7").expect("resolves") {
        ovirt_sdk::services::AnyService::VmNic(nic) => assert_eq!(nic.path(), "vms/123/nics/7"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unknown_path_names_the_first_segment_that_did_not_resolve() {
    let connection = connection();
    let e = connection.service("vms/123/wheels/4").expect_err("no wheels");
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("'wheels'"), "{e}");
    assert!(e.message().contains("VmService ('vms/123')"), "{e}");
    let e = connection.service("nothing").expect_err("no such collection");
    assert!(e.message().contains("'nothing'") && e.message().contains("SystemService"), "{e}");
    let e = connection.service("vms//nics").expect_err("empty segment");
    assert!(e.message().contains("''"), "{e}");
}
