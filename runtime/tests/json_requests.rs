//! How the JSON client puts requests on the wire and reads their replies,
//! against the loopback test server, with a Danube-like protocol.

mod json_support;

use json_support::*;
use sdkgen_runtime::connection::ErrorKind;
use sdkgen_runtime::json::{self, JsonClient, encode_segment};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, PartialEq)]
struct Vm {
    hostname: String,
    vcpus: i64,
}

fn vm_list(_: &Recorded) -> Reply {
    Reply::json(
        200,
        envelope("SUCCESS", r#"[{"hostname":"a","vcpus":1,"new_member":[1]},{"hostname":"b","vcpus":2}]"#, "t-0"),
    )
}

#[tokio::test]
async fn get_parameters_go_to_the_query_as_plain_text() {
    let server = Server::start(vm_list).await;
    let client = builder(&server).build().unwrap();
    let mut call = client.call("VmService::list", "GET", "vm".into());
    call.set_param("full", Some(json!(true)));
    call.set_param("active", Some(json!(false)));
    call.set_param("limit", Some(json!(25)));
    call.set_param("order_by", Some(json!(["-hostname", "uuid"])));
    call.set_param("dc", Some(json!("main zone")));
    call.set_param("unset", None);
    let vms: Vec<Vm> = call.send().await.unwrap();
    assert_eq!(vms, [Vm { hostname: "a".into(), vcpus: 1 }, Vm { hostname: "b".into(), vcpus: 2 }]);
    let r = server.last();
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/api/vm/"));
    let query = decode_form(r.query.clone().unwrap_or_default());
    let expected =
        [("full", "true"), ("active", "false"), ("limit", "25"), ("order_by", "-hostname,uuid"), ("dc", "main zone")];
    let expected: Vec<(String, String)> = expected.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    assert_eq!(query, expected);
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("es-api-key"), Some(API_KEY));
}

#[tokio::test]
async fn other_methods_send_parameters_as_a_json_object() {
    let server =
        Server::start(|_| Reply::json(200, envelope("SUCCESS", r#""Successfully updated VM x""#, "t-1"))).await;
    let client = builder(&server).build().unwrap();
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let mut call = client.call("VmService::update", method, format!("vm/{}", encode_segment("web 1")));
        call.set_param("force", Some(json!(true)));
        call.set_param("node", Some(json!("n1")));
        let text: String = call.send().await.unwrap();
        assert_eq!(text, "Successfully updated VM x");
        let r = server.last();
        assert_eq!((r.method.as_str(), r.path.as_str(), r.query.as_deref()), (method, "/api/vm/web%201/", None));
        assert_eq!(json_body(&r), json!({"force": true, "node": "n1"}));
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
}

#[tokio::test]
async fn a_delete_without_parameters_sends_an_empty_object() {
    let server = Server::start(|_| Reply::json(200, envelope("SUCCESS", "null", "t-2"))).await;
    let client = builder(&server).build().unwrap();
    let _: () = client.call("VmService::delete", "DELETE", "vm/x".into()).send().await.unwrap();
    assert_eq!(server.last().text(), "{}");
}

#[tokio::test]
async fn a_typed_body_moves_the_parameters_to_the_query() {
    let server = Server::start(|_| Reply::json(200, "{}")).await;
    let client = builder(&server).build().unwrap();
    let mut call = client.call("UserService::create", "POST", "user/".into());
    call.set_body(Some(json!({"login": "x"})));
    call.set_param("dry_run", Some(json!(true)));
    call.query("extra".into(), "1".into());
    call.header("X-Request".into(), "abc".into());
    let _: serde_json::Value = call.send().await.unwrap();
    let r = server.last();
    assert_eq!(r.query.as_deref(), Some("dry_run=true&extra=1"));
    assert_eq!(json_body(&r), json!({"login": "x"}));
    assert_eq!(r.header("x-request"), Some("abc"));
}

#[tokio::test]
async fn the_prefix_goes_after_the_api_path_and_its_value_is_one_segment() {
    let server = Server::start(vm_list).await;
    let client = builder(&server).prefix_value("main/zone").build().unwrap();
    let _: Vec<Vm> = client.call("VmService::list", "GET", "vm/".into()).send().await.unwrap();
    assert_eq!(server.last().path, "/api/dc/main%2Fzone/vm/");
}

#[tokio::test]
async fn a_prefix_value_needs_a_prefix_in_the_protocol() {
    static PLAIN: sdkgen_runtime::json::Protocol = sdkgen_runtime::json::Protocol { prefix: None, ..DANUBE };
    let err =
        JsonClient::builder("https://h/api", &PLAIN).secret("api_key", "k").prefix_value("main").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.to_string(), "Danube Cloud has no path prefix: the 'prefix_value' parameter can't be used.");
}

#[tokio::test]
async fn encode_segment_keeps_a_value_in_one_segment() {
    assert_eq!(encode_segment("a/b?c#d%e é"), "a%2Fb%3Fc%23d%25e%20%C3%A9");
    assert_eq!(encode_segment("web-01.example_x~"), "web-01.example_x~");
}

#[tokio::test]
async fn dot_segments_are_refused_before_sending() {
    let server = Server::start(vm_list).await;
    let client = builder(&server).build().unwrap();
    let err = client.call("X", "GET", "vm/../task".into()).send::<()>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn redirects_are_not_followed_and_hint_at_the_trailing_slash() {
    let server = Server::start(|r| match r.path.as_str() {
        "/api/vm/" => Reply::empty(301).header("Location", "/api/vm/x/"),
        _ => Reply::json(200, "{}"),
    })
    .await;
    let client = builder(&server).build().unwrap();
    let err = client.call("VmService::list", "GET", "vm".into()).send::<serde_json::Value>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert_eq!(err.code(), Some(301));
    let message = err.to_string();
    assert!(message.contains("to /api/vm/x/") && message.contains("trailing '/'"), "{message}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn send_reply_keeps_the_envelope_metadata() {
    let server = Server::start(vm_list).await;
    let client = builder(&server).build().unwrap();
    let reply: json::Reply<Vec<Vm>> = client.call("VmService::list", "GET", "vm".into()).send_reply().await.unwrap();
    assert_eq!(
        (reply.status.as_deref(), reply.task_id.as_deref(), reply.http_status),
        (Some("SUCCESS"), Some("t-0"), 200)
    );
    assert_eq!(reply.result.len(), 2);
}

#[tokio::test]
async fn replies_without_an_envelope_are_read_whole() {
    let server = Server::start(|r| match r.path.as_str() {
        "/api/task/" => Reply::json(200, r#"["t-1","t-2"]"#),
        _ => Reply::json(200, r#"{"detail":"pong","count":2}"#),
    })
    .await;
    let client = builder(&server).build().unwrap();
    let tasks: Vec<String> = client.call("TaskService::list", "GET", "task".into()).send().await.unwrap();
    assert_eq!(tasks, ["t-1", "t-2"]);
    let reply: json::Reply<serde_json::Value> = client.call("Ping", "GET", "ping".into()).send_reply().await.unwrap();
    assert_eq!(reply.result, json!({"detail": "pong", "count": 2}));
    assert_eq!((reply.status, reply.task_id), (None, None));
}

#[tokio::test]
async fn a_reply_of_the_wrong_shape_names_the_request_and_the_json_path() {
    let server = Server::start(|_| {
        Reply::json(200, envelope("SUCCESS", r#"[{"hostname":"a","vcpus":1},{"hostname":"b","vcpus":"x"}]"#, "t"))
    })
    .await;
    let client = builder(&server).build().unwrap();
    let mut call = client.call("VmService::list", "GET", "vm".into());
    call.set_param("full", Some(json!(true)));
    let err = call.send::<Vec<Vm>>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Json);
    assert_eq!(
        err.to_string(),
        format!(
            "The reply of VmService::list to GET {} does not match the API: at `result[1].vcpus`: \
             invalid type: string \"x\", expected i64.",
            server.url("/api/vm/")
        )
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn a_body_that_is_not_json_or_cut_short_is_an_invalid_response() {
    let server = Server::start(|r| match r.path.as_str() {
        "/api/html/" => Reply::html(200, "<html>hello</html>"),
        "/api/cut/" => Reply::json(200, r#"{"status":"SUCCESS","result":[1,2"#),
        "/api/empty/" => Reply::empty(200),
        _ => Reply::json(200, r#"{"result":1}"#).cut(100),
    })
    .await;
    let client = builder(&server).build().unwrap();
    let send = |path: &str| client.call("X::get", "GET", path.to_owned()).send::<Vec<i64>>();
    let err = send("html").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(
        err.to_string().contains("isn't valid JSON (its content type is 'text/html; charset=iso-8859-1')"),
        "{err}"
    );
    let err = send("cut").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.to_string().contains("isn't valid JSON: EOF while parsing"), "{err}");
    let err = send("empty").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.to_string().contains("is empty"), "{err}");
    let _: () = client.call("X::delete", "GET", "empty".into()).send().await.unwrap();
    let err = send("dropped").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
}

#[tokio::test]
async fn a_slow_reply_hits_the_call_timeout() {
    let server = Server::start(|_| Reply::Hang).await;
    let client = builder(&server).build().unwrap();
    let mut call = client.call("VmService::list", "GET", "vm".into());
    call.timeout(std::time::Duration::from_millis(100));
    let err = call.send::<()>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.to_string().contains("within the timeout of 0.1 s"), "{err}");
}

#[tokio::test]
async fn client_headers_and_the_protocol_headers_are_sent() {
    let server = Server::start(vm_list).await;
    let client =
        builder(&server).header("Accept", "application/json; indent=4").header("X-Trace", "1").build().unwrap();
    let _: Vec<Vm> = client.call("VmService::list", "GET", "vm".into()).send().await.unwrap();
    let r = server.last();
    assert_eq!(r.header_values("accept"), ["application/json; indent=4"]);
    assert_eq!(r.header("x-trace"), Some("1"));
    assert!(r.header("user-agent").is_some_and(|a| a.starts_with("sdkgen-runtime/")));
}

#[tokio::test]
async fn a_tls_server_is_reached_with_the_shared_transport_options() {
    let server = Server::start_tls(vm_list).await;
    let client = builder(&server).ca_pem(pki().ca_pem.clone()).build().unwrap();
    let vms: Vec<Vm> = client.call("VmService::list", "GET", "vm".into()).send().await.unwrap();
    assert_eq!(vms.len(), 2);
    let untrusted = builder(&server).build().unwrap();
    let err = untrusted.call("VmService::list", "GET", "vm".into()).send::<Vec<Vm>>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls);
}
