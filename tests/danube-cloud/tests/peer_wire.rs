//! What the peer (`esdc-api` 2.0.1) sends, checked against the research
//! facts, and the comparison function checked on the peer's own requests.

use danube_cloud_sdk_tests::oracle::{
    KNOWN_PEER_DIFFERENCES, ORACLE_KEY, ORACLE_TOKEN, Wire, login_calls, planned_calls, run_peer, same_wire,
};
use serde_json::{Value, json};

fn by_call<'a>(requests: &'a [Wire], name: &str) -> &'a Wire {
    requests.iter().find(|w| w.call.as_deref() == Some(name)).unwrap_or_else(|| panic!("no request for {name}"))
}

fn query(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn the_peer_slashes_paths_puts_get_data_in_the_query_and_the_rest_in_json() {
    let run = run_peer(&planned_calls(), ORACLE_KEY).await.unwrap();
    assert_eq!(run.requests.len(), planned_calls().as_array().unwrap().len(), "one request per call");
    for wire in &run.requests {
        assert!(wire.path.ends_with('/'), "{} has no trailing slash", wire.path);
        assert_eq!(wire.headers.get("es-api-key").map(String::as_str), Some(ORACLE_KEY));
        assert_eq!(wire.headers.get("es-stream").map(String::as_str), Some("es"), "the peer streams by default");
        if wire.method == "GET" {
            assert_eq!(wire.body, None, "{} GET carries a body", wire.path);
        } else {
            assert!(wire.body.is_some(), "{} {} has no body", wire.method, wire.path);
        }
    }
    let list = by_call(&run.requests, "vm_list");
    assert_eq!((list.method.as_str(), list.path.as_str()), ("GET", "/api/vm/"));
    assert_eq!(list.query, query(&[("active", "True"), ("dc", "admin"), ("order_by", "hostname")]));
    assert_eq!(
        by_call(&run.requests, "vm_list_full").query,
        query(&[("active", "False"), ("dc", "lab"), ("full", "True"), ("order_by", "-created")])
    );
    let get = by_call(&run.requests, "vm_get");
    assert_eq!(get.path, "/api/vm/web01.example.com/");
    let create = by_call(&run.requests, "vm_create");
    assert_eq!((create.method.as_str(), create.path.as_str()), ("POST", "/api/vm/web01/"));
    let expected = json!({
        "recreate": true, "force": true, "cb_url": "https://cb.example.com/hook", "cb_method": "POST", "dc": "lab"
    });
    assert_eq!(create.body, Some(expected));
    assert!(create.query.is_empty());
    let update = json!({
        "force": true, "node": "node2.example.com", "cb_url": "https://cb.example.com/u?x=1&y=2", "cb_method": "PUT",
        "dc": "lab"
    });
    assert_eq!(by_call(&run.requests, "vm_update").body, Some(update));
    let delete = by_call(&run.requests, "vm_delete");
    let expected = json!({"cb_url": "https://cb.example.com/d", "cb_method": "GET", "dc": "lab"});
    assert_eq!((delete.method.as_str(), delete.body.clone()), ("DELETE", Some(expected)));
    let log = by_call(&run.requests, "task_log");
    assert_eq!(log.path, "/api/task/log/");
    assert_eq!(
        log.query,
        query(&[
            ("date_from", "2026-11-01"),
            ("date_to", "2026-11-30T23:59:59"),
            ("dc", "lab"),
            ("hide_auto", "False"),
            ("object_name", "web01"),
            ("object_type", "vm"),
            ("order_by", "-time"),
            ("page", "2"),
            ("show_running", "True"),
            ("status", "SUCCESS"),
        ])
    );
    let cancel = by_call(&run.requests, "task_cancel");
    assert_eq!(
        (cancel.path.as_str(), cancel.body.clone()),
        ("/api/task/1e1d1-6f750000-fc64-4e1c-9a7f/cancel/", Some(json!({"force": true})))
    );
    assert_eq!(by_call(&run.requests, "vm_list_dc_main").path, "/api/dc/main/vm/");
    assert!(create.headers["content-type"].starts_with("application/json"));
}

#[tokio::test]
async fn the_peer_unwraps_the_envelope_and_reports_the_result() {
    let run = run_peer(&planned_calls(), ORACLE_KEY).await.unwrap();
    let report = |name: &str| run.reports.iter().find(|r| r["name"] == name).cloned().unwrap();
    assert_eq!(report("vm_list")["result"], json!(["web01.example.com"]));
    assert_eq!(report("vm_list")["task_status"], "SUCCESS");
    assert_eq!(report("vm_get")["result"]["hostname"], "web01.example.com");
    assert_eq!(report("ping")["result"], "pong");
    assert_eq!(report("task_done")["result"]["done"], true);
}

#[tokio::test]
async fn the_peer_logs_in_then_sends_the_token_and_logs_out() {
    let run = run_peer(&login_calls(), "").await.unwrap();
    let methods: Vec<(&str, &str)> = run.requests.iter().map(|w| (w.method.as_str(), w.path.as_str())).collect();
    assert_eq!(
        methods,
        [("POST", "/api/accounts/login/"), ("GET", "/api/vm/web01/"), ("GET", "/api/accounts/logout/")]
    );
    assert_eq!(run.requests[0].body, Some(json!({"username": "admin", "password": "oracle-password"})));
    let token = format!("Token {ORACLE_TOKEN}");
    assert_eq!(run.requests[1].headers.get("authorization"), Some(&token));
    assert_eq!(run.requests[2].headers.get("authorization"), Some(&token));
    assert!(run.requests.iter().all(|w| !w.headers.contains_key("es-api-key")));
}

#[tokio::test]
async fn same_wire_forgives_only_the_known_differences() {
    let run = run_peer(&planned_calls(), ORACLE_KEY).await.unwrap();
    let peer = by_call(&run.requests, "vm_list").clone();
    let mut ours = peer.clone();
    ours.query.insert("active".into(), "true".into());
    ours.headers.remove("es-stream");
    ours.headers.insert("content-type".into(), "application/json".into());
    assert_eq!(same_wire(&ours, &peer), Ok(()));
    ours.path = "/api/vm".into();
    let error = same_wire(&ours, &peer).unwrap_err();
    assert!(error.contains("path"), "{error}");
    let create = by_call(&run.requests, "vm_create").clone();
    let mut ours = create.clone();
    ours.body = Some(json!({"recreate": true, "force": false}));
    ours.headers.insert("content-type".into(), "text/plain".into());
    let error = same_wire(&ours, &create).unwrap_err();
    assert!(error.contains("body") && error.contains("content-type"), "{error}");
    ours = create.clone();
    ours.headers.remove("es-api-key");
    assert!(same_wire(&ours, &create).unwrap_err().contains("es-api-key"));
    assert!(KNOWN_PEER_DIFFERENCES.iter().any(|(name, _)| *name == "es-stream"));
}

#[test]
fn the_call_list_covers_every_planned_operation() {
    let calls = planned_calls();
    let names: Vec<&str> = calls.as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    for op in ["vm_list", "vm_list_full", "vm_list_extended", "vm_get", "vm_create", "vm_update", "vm_delete"] {
        assert!(names.contains(&op), "{op} is missing");
    }
    for op in ["task_list", "task_log", "task_done", "task_cancel", "ping"] {
        assert!(names.contains(&op), "{op} is missing");
    }
    assert!(calls.as_array().unwrap().iter().all(|c| c["resource"].as_str().is_some_and(|r| r.starts_with('/'))));
    let _: Value = login_calls();
}
