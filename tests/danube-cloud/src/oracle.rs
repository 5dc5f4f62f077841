//! The wire oracle: what the `esdc-api` Python client (the peer) sends for
//! a list of calls, recorded by a test server, and a comparison with what
//! the SDK sends for the same calls.
//!
//! The peer runs from the oracle venv (`.venv/` at the workspace root, or
//! the interpreter named by `OVIRT_ORACLE_PYTHON`, which `cargo xtask test`
//! sets), the same interpreter the oVirt oracle tests use. It runs
//! `oracle/esdc_calls.py`, which makes each call through `esdc_api.Client`
//! and tags it with an `X-Oracle-Call: <name>` header.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use sdkgen_testkit::{Recorded, Reply, Server, decode_form};
use serde_json::{Value, json};

use crate::samples;

/// The API key both clients send to the recording server (a test value).
pub const ORACLE_KEY: &str = "oracle-key-31f0";
/// The token the recording server hands out on login.
pub const ORACLE_TOKEN: &str = "0badc0ffee0000000000000000000000000000aa";

/// Where the peer and the SDK differ on purpose or by the peer's design,
/// by name, with the reason. [`same_wire`] forgives exactly these.
pub const KNOWN_PEER_DIFFERENCES: [(&str, &str); 6] = [
    (
        "es-stream",
        "the peer sends `ES-STREAM: es` by default and reads the server's push stream; \
         it stops when a call passes `stream=False`. The SDK polls `/task/<id>/status/` instead. \
         The header is not compared.",
    ),
    (
        "query-booleans",
        "the peer hands GET parameters to `requests`, which writes Python booleans as `True`/`False`; \
         the SDK writes `true`/`false`. The server reads both; the comparison lowercases `True`/`False`.",
    ),
    (
        "content-type-parameters",
        "the peer labels bodies `application/json; indent=4` (the parameter only pretty-prints the reply); \
         only the media type is compared.",
    ),
    (
        "content-type-without-body",
        "the peer sends its `Content-Type` on GET requests too, which carry no body; \
         `Content-Type` is compared only when a body is sent.",
    ),
    (
        "user-agent-and-accept",
        "the peer sends `User-Agent: esdc-api/python-client/2.0.1` and `Accept: application/json; indent=4`; \
         neither is compared.",
    ),
    (
        "body-formatting",
        "the peer writes bodies with `json.dumps` (spaces after `:` and `,`, its own member order); \
         bodies are compared as JSON values.",
    ),
];

/// One request as compared: what both clients must agree on.
#[derive(Clone, Debug, PartialEq)]
pub struct Wire {
    /// The `X-Oracle-Call` header, when the request had one.
    pub call: Option<String>,
    pub method: String,
    /// The path from the server root, e.g. `/api/vm/web01/`.
    pub path: String,
    pub query: BTreeMap<String, String>,
    /// The body read as JSON; `None` for no body; a body that is not JSON
    /// is kept as a JSON string of its text.
    pub body: Option<Value>,
    /// Names in lower case.
    pub headers: BTreeMap<String, String>,
}

impl Wire {
    /// The comparable parts of a recorded request.
    pub fn from_recorded(request: &Recorded) -> Wire {
        let body = (!request.body.is_empty())
            .then(|| serde_json::from_slice(&request.body).unwrap_or_else(|_| Value::String(request.text())));
        Wire {
            call: request.header("x-oracle-call").map(str::to_owned),
            method: request.method.clone(),
            path: request.path.clone(),
            query: decode_form(request.query.as_deref().unwrap_or_default()).into_iter().collect(),
            body,
            headers: request.headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.clone())).collect(),
        }
    }
}

/// Compares the SDK's request with the peer's: method, path, query (as
/// maps), body (as JSON) and the `ES-API-KEY`, `Authorization` and
/// `Content-Type` headers, forgiving [`KNOWN_PEER_DIFFERENCES`]. The error
/// names every difference.
pub fn same_wire(ours: &Wire, peer: &Wire) -> Result<(), String> {
    let mut differences = Vec::new();
    let mut differ = |what: &str, a: String, b: String| {
        if a != b {
            differences.push(format!("{what}: ours {a}, the peer's {b}"));
        }
    };
    differ("method", ours.method.clone(), peer.method.clone());
    differ("path", ours.path.clone(), peer.path.clone());
    differ("query", format!("{:?}", lower_booleans(&ours.query)), format!("{:?}", lower_booleans(&peer.query)));
    differ("body", format!("{:?}", ours.body), format!("{:?}", peer.body));
    for name in ["es-api-key", "authorization"] {
        differ(name, format!("{:?}", ours.headers.get(name)), format!("{:?}", peer.headers.get(name)));
    }
    if ours.body.is_some() || peer.body.is_some() {
        let media =
            |w: &Wire| w.headers.get("content-type").map(|v| v.split(';').next().unwrap_or_default().trim().to_owned());
        differ("content-type", format!("{:?}", media(ours)), format!("{:?}", media(peer)));
    }
    if differences.is_empty() { Ok(()) } else { Err(differences.join("; ")) }
}

fn lower_booleans(query: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let lower = |v: &String| match v.as_str() {
        "True" => "true".to_owned(),
        "False" => "false".to_owned(),
        _ => v.clone(),
    };
    query.iter().map(|(k, v)| (k.clone(), lower(v))).collect()
}

/// The workspace root (two folders above this crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The oracle venv's interpreter; a missing oracle is a failure, never a skip.
pub fn oracle_python() -> PathBuf {
    if let Some(python) = std::env::var_os("OVIRT_ORACLE_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(python);
    }
    let venv = workspace_root().join(".venv/bin/python");
    assert!(
        venv.exists(),
        "the Python oracle is missing: OVIRT_ORACLE_PYTHON is not set and {} does not exist; \
         `cargo xtask test` creates it from xtask/oracle-requirements.txt",
        venv.display()
    );
    venv
}

/// The reply the recording server gives to `request`: the shape the real
/// server gives for that path, with fixed values, always a success.
pub fn canned_reply(request: &Recorded) -> Reply {
    let path = request.path.strip_prefix("/api").unwrap_or(&request.path);
    let path = match path.strip_prefix("/dc/") {
        Some(rest) => rest.split_once('/').map_or(path, |(_, tail)| &path[path.len() - tail.len() - 1..]),
        None => path,
    };
    let query: BTreeMap<String, String> =
        decode_form(request.query.as_deref().unwrap_or_default()).into_iter().collect();
    let truthy = |name: &str| query.get(name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let vm = samples::vm(1, "web01.example.com");
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let body = match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["accounts", "login"]) => {
            json!({"token": ORACLE_TOKEN, "expires": "2030-01-01T00:00:00+00:00", "detail": "Welcome to Danube Cloud API."})
        }
        (_, ["accounts", "logout"]) => json!({"detail": "Bye."}),
        (_, ["ping"]) => json!("pong"),
        (_, ["task"]) => json!(["1e1d1-6f750000-fc64-4e1c-9a7f"]),
        (_, ["task", "log"]) => json!({"count": 1, "next": null, "previous": null,
            "results": [samples::log_entry(&samples::time(1), "1e1d1-6f750000-fc64-4e1c-9a7f", "SUCCESS", "Create VM", "", "web01.example.com", 1)]}),
        (_, ["task", id, "done"]) => json!({"task_id": id, "done": true}),
        (_, ["task", id, _]) => json!({"task_id": id, "status": "SUCCESS", "result": samples::task_result("Done", 0)}),
        ("GET", ["vm"]) if truthy("extended") => envelope(json!([Value::Object(vm)])),
        ("GET", ["vm"]) if truthy("full") => envelope(json!([samples::full(&vm)])),
        ("GET", ["vm"]) => envelope(json!(["web01.example.com"])),
        ("GET", ["vm", _]) => envelope(samples::full(&vm)),
        (_, ["vm", _]) => envelope(samples::task_result("Successfully updated VM web01.example.com", 0)),
        _ => return Reply::json(404, r#"{"detail":"Not found."}"#),
    };
    Reply::json(200, body.to_string()).header("es_version", "4.0-oracle")
}

fn envelope(result: Value) -> Value {
    json!({"status": "SUCCESS", "result": result, "task_id": "1d1d1-00000001-a0b1-4c2d-8e3f"})
}

/// What the peer did for a list of calls: the requests the server
/// recorded, and one report per call as `esdc_calls.py` printed it.
pub struct PeerRun {
    pub requests: Vec<Wire>,
    pub reports: Vec<Value>,
}

/// Runs the peer over `calls` (the JSON array `esdc_calls.py` reads)
/// against a fresh recording server, with `api_key` (none when empty).
pub async fn run_peer(calls: &Value, api_key: &str) -> Result<PeerRun, String> {
    let server = Server::start(canned_reply).await;
    let url = server.url("/api");
    let input = calls.to_string();
    let key = api_key.to_owned();
    let output = tokio::task::spawn_blocking(move || run_script(&url, &key, &input))
        .await
        .map_err(|e| format!("the peer's thread failed: {e}"))??;
    let reports = output
        .lines()
        .map(|line| {
            serde_json::from_str(line).map_err(|e| format!("the peer printed {line:?}, which is not JSON: {e}"))
        })
        .collect::<Result<Vec<Value>, String>>()?;
    let requests = server.requests().iter().map(Wire::from_recorded).collect();
    Ok(PeerRun { requests, reports })
}

fn run_script(url: &str, api_key: &str, input: &str) -> Result<String, String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oracle/esdc_calls.py");
    let mut child = Command::new(oracle_python())
        .arg(&script)
        .arg(url)
        .arg(api_key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the oracle python: {e}"))?;
    child.stdin.take().expect("stdin is piped").write_all(input.as_bytes()).map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("esdc_calls.py failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8(out.stdout).map_err(|_| "esdc_calls.py printed something that is not UTF-8".into())
}

/// One call per planned SDK operation, every parameter set: the list both
/// clients make in the wire oracle test. Resources are as the peer takes
/// them (leading slash, no trailing slash: the peer adds it).
pub fn planned_calls() -> Value {
    json!([
        {"name": "vm_list", "method": "GET", "resource": "/vm", "params": {"active": true, "order_by": "hostname", "dc": "admin"}},
        {"name": "vm_list_full", "method": "GET", "resource": "/vm", "params": {"full": true, "active": false, "order_by": "-created", "dc": "lab"}},
        {"name": "vm_list_extended", "method": "GET", "resource": "/vm", "params": {"extended": true, "active": true, "order_by": "alias"}},
        {"name": "vm_get", "method": "GET", "resource": "/vm/web01.example.com", "params": {"extended": true, "active": true, "dc": "lab"}},
        {"name": "vm_create", "method": "POST", "resource": "/vm/web01", "params": {"recreate": true, "force": true, "cb_url": "https://cb.example.com/hook", "cb_method": "POST", "dc": "lab"}},
        {"name": "vm_update", "method": "PUT", "resource": "/vm/web01", "params": {"force": true, "node": "node2.example.com", "cb_url": "https://cb.example.com/u?x=1&y=2", "cb_method": "PUT", "dc": "lab"}},
        {"name": "vm_delete", "method": "DELETE", "resource": "/vm/web01", "params": {"cb_url": "https://cb.example.com/d", "cb_method": "GET", "dc": "lab"}},
        {"name": "task_list", "method": "GET", "resource": "/task", "params": {}},
        {"name": "task_log", "method": "GET", "resource": "/task/log", "params": {"page": 2, "status": "SUCCESS", "object_type": "vm", "object_name": "web01", "show_running": true, "hide_auto": false, "date_from": "2026-11-01", "date_to": "2026-11-30T23:59:59", "order_by": "-time", "dc": "lab"}},
        {"name": "task_status", "method": "GET", "resource": "/task/1e1d1-6f750000-fc64-4e1c-9a7f/status", "params": {}},
        {"name": "task_done", "method": "GET", "resource": "/task/1e1d1-6f750000-fc64-4e1c-9a7f/done", "params": {}},
        {"name": "task_cancel", "method": "PUT", "resource": "/task/1e1d1-6f750000-fc64-4e1c-9a7f/cancel", "params": {"force": true}},
        {"name": "ping", "method": "GET", "resource": "/ping", "params": {}},
        {"name": "vm_list_dc_main", "method": "GET", "resource": "/dc/main/vm", "params": {}}
    ])
}

/// The calls of a client without an API key that logs in, makes a call
/// with its token, and logs out (run with an empty key).
pub fn login_calls() -> Value {
    json!([
        {"name": "vm_get_after_login", "method": "GET", "resource": "/vm/web01", "params": {},
         "login": {"username": "admin", "password": "oracle-password"}},
        {"name": "logout", "method": "LOGOUT", "resource": "/accounts/logout", "params": {}}
    ])
}
