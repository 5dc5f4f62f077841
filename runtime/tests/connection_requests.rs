//! What every request carries, errors, broken servers, concurrency and
//! links, against the local HTTPS test server (scenarios 6, 7, 10, 16–19,
//! 22–24 of the protocol notes, and more).

mod support;

use std::time::{Duration, Instant};

use sdkgen_runtime::connection::{Connection, ErrorKind, Method, Request};
use sdkgen_runtime::xml::{XmlError, XmlReader, XmlType, XmlWriter};
use sdkgen_runtime::{Identity, List};
use support::*;

fn ok(_: &Recorded) -> Reply {
    Reply::xml(200, "<api/>")
}

/// Shaped like a generated type, with just what the tests need.
#[derive(Debug, Default, PartialEq)]
struct DataCenter {
    href: Option<String>,
    id: Option<String>,
    name: Option<String>,
}

impl Identity for DataCenter {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }
}

impl XmlType for DataCenter {
    const TAG: &'static str = "data_center";
    const PLURAL: &'static str = "data_centers";

    fn read_into(&mut self, r: &mut XmlReader<'_>) -> Result<(), XmlError> {
        self.href = r.attr("href")?;
        self.id = r.attr("id")?;
        while let Some(tag) = r.next_child()? {
            match tag.as_bytes() {
                b"name" => self.name = r.read_text()?,
                _ => r.skip()?,
            }
        }
        Ok(())
    }

    fn write(&self, w: &mut XmlWriter, tag: &str) {
        w.start(tag);
        if let Some(v) = &self.href {
            w.attr("href", v);
        }
        if let Some(v) = &self.id {
            w.attr("id", v);
        }
        if let Some(v) = &self.name {
            w.text("name", v);
        }
        w.end(tag);
    }
}

// §2.2: the headers of every request.
#[tokio::test]
async fn every_request_carries_the_protocol_headers() {
    let server = Server::start_tls(engine(ok)).await;
    let connection = connect(&server);
    connection.execute(Request::get("vms"), &[200]).await.unwrap();
    let get = server.last();
    assert_eq!(get.method, "GET");
    assert_eq!(get.path, "/ovirt-engine/api/vms");
    assert_eq!(get.header_values("version"), ["4"]);
    assert_eq!(get.header_values("accept"), ["application/xml"]);
    assert_eq!(get.header_values("authorization"), [format!("Bearer {TOKEN}")]);
    assert_eq!(get.header_values("user-agent"), [format!("sdkgen-runtime/{}", env!("CARGO_PKG_VERSION"))]);
    // As in all the official SDKs, also without a body.
    assert_eq!(get.header_values("content-type"), ["application/xml"]);
    assert_eq!(get.header("all-content"), None);

    connection.execute(Request::post("vms", "<vm><name>a</name></vm>"), &[201, 200]).await.unwrap();
    let post = server.last();
    assert_eq!(post.method, "POST");
    assert_eq!(post.header_values("content-type"), ["application/xml"]);
    assert_eq!(post.text(), "<vm><name>a</name></vm>");

    connection.execute(Request::put("vms/1", "<vm/>"), &[200]).await.unwrap();
    assert_eq!(server.last().method, "PUT");
    connection.execute(Request::delete("vms/1"), &[200]).await.unwrap();
    assert_eq!(server.last().method, "DELETE");
    assert_eq!(server.last().path, "/ovirt-engine/api/vms/1");
}

// Scenario 16: extra query parameters and headers on every kind of method.
#[tokio::test]
async fn extra_query_and_headers_arrive_verbatim() {
    let server = Server::start_tls(engine(ok)).await;
    let connection = connect(&server);
    let requests = [
        Request::post("vms", "<vm/>"),
        Request::put("vms/123", "<vm/>"),
        Request::post("vms/123/start", "<action/>"),
        Request::get("vms"),
        Request::delete("vms/123"),
    ];
    for request in requests {
        let method = request.method;
        let request = request.query("my", "value").query("your", "value").header("X-My", "my value");
        connection.execute(request, &[200]).await.unwrap();
        let r = server.last();
        assert_eq!(r.query.as_deref(), Some("my=value&your=value"), "{method}");
        assert_eq!(r.header_values("x-my"), ["my value"], "{method}");
    }
    // Values are form-encoded.
    connection.execute(Request::get("vms").query("search", "name=my vm & co"), &[200]).await.unwrap();
    assert_eq!(server.last().query.as_deref(), Some("search=name%3Dmy+vm+%26+co"));
}

// Scenario 17: connection-level headers go with every method; a per-call
// header of the same name replaces them.
#[tokio::test]
async fn connection_headers_and_per_call_overrides() {
    let server = Server::start_tls(engine(ok)).await;
    let connection = builder(&server)
        .header("X-Conn", "global")
        .headers([("X-Other", "kept"), ("User-Agent", "my-tool/1.0")])
        .build()
        .unwrap();
    for method in [Method::Get, Method::Post, Method::Put, Method::Delete] {
        connection.execute(Request::new(method, "vms"), &[200]).await.unwrap();
        let r = server.last();
        assert_eq!(r.header_values("x-conn"), ["global"], "{method}");
        assert_eq!(r.header_values("x-other"), ["kept"]);
        assert_eq!(r.header_values("user-agent"), ["my-tool/1.0"]);
    }
    connection.execute(Request::get("vms").header("x-conn", "local"), &[200]).await.unwrap();
    let r = server.last();
    assert_eq!(r.header_values("x-conn"), ["local"]);
    assert_eq!(r.header_values("x-other"), ["kept"]);
    // Headers do not go to the SSO service.
    assert_eq!(server.requests_to(SSO)[0].header("x-conn"), None);
    // The protocol's own headers can't be replaced.
    connection
        .execute(Request::get("vms").header("Accept", "text/html").header("Authorization", "Basic eA=="), &[200])
        .await
        .unwrap();
    let r = server.last();
    assert_eq!(r.header_values("accept"), ["application/xml"]);
    assert_eq!(r.header_values("authorization"), [format!("Bearer {TOKEN}")]);
}

// Scenario 18: a header value that can't be sent is an error before
// anything is sent (not even the SSO request).
#[tokio::test]
async fn invalid_header_values_fail_before_sending() {
    let server = Server::start_tls(engine(ok)).await;
    let connection = connect(&server);
    for (name, value) in [("X-A", "caf\u{e9}"), ("X-A", "line\r\nbreak"), ("X-A", "nul\0"), ("Bad Name", "secret-v")] {
        let err = connection.send(Request::get("vms").header(name, value)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{name}: {value:?}");
        assert!(!err.to_string().contains(value), "{err}");
    }
    let err = connection.send(Request::get("vms").query("all_content", "tr\u{fc}e")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(server.requests().is_empty());
}

// Scenario 19: `all_content` is mirrored into the `All-Content` header.
#[tokio::test]
async fn all_content_is_mirrored_into_a_header() {
    let server = Server::start_tls(engine(ok)).await;
    let connection = connect(&server);
    for value in ["true", "false"] {
        connection.execute(Request::get("vms/123").query("all_content", value), &[200]).await.unwrap();
        let r = server.last();
        assert_eq!(r.query, Some(format!("all_content={value}")));
        assert_eq!(r.header_values("all-content"), [value]);
    }
}

#[tokio::test]
async fn paths_are_relative_to_the_api_root_and_encoded() {
    let server = Server::start_tls(engine(ok)).await;
    let connection = connect(&server);
    connection.execute(Request::get(""), &[200]).await.unwrap();
    assert_eq!(server.last().path, "/ovirt-engine/api");
    connection.execute(Request::get("vms/a b?#/nics"), &[200]).await.unwrap();
    assert_eq!(server.last().path, "/ovirt-engine/api/vms/a%20b%3F%23/nics");
    for bad in ["/vms", "vms//1", "vms/../../etc", "./vms", "vms/"] {
        let err = connection.send(Request::get(bad)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
    }
}

#[tokio::test]
async fn gzip_when_compress_is_on() {
    let body = format!("<vms>{}</vms>", "<vm><name>web</name></vm>".repeat(200));
    let expected = body.clone();
    let server = Server::start_tls(engine(move |r: &Recorded| {
        let reply = Reply::xml(200, body.clone());
        if r.header("accept-encoding").is_some_and(|v| v.contains("gzip")) { reply.gzip() } else { reply }
    }))
    .await;
    let reply = connect(&server).execute(Request::get("vms"), &[200]).await.unwrap();
    assert_eq!(server.last().header("accept-encoding"), Some("gzip"));
    assert_eq!(reply.body(), expected.as_bytes());
    assert!(reply.is_xml());

    let plain = builder(&server).compress(false).build().unwrap();
    let reply = plain.execute(Request::get("vms"), &[200]).await.unwrap();
    assert_eq!(server.last().header("accept-encoding"), None);
    assert_eq!(reply.body(), expected.as_bytes());
}

#[tokio::test]
async fn gzip_bodies_are_decompressed_when_streamed_and_corrupt_ones_are_errors() {
    let body = format!("<data_centers>{}</data_centers>", "<data_center><name>dc</name></data_center>".repeat(500));
    let server = Server::start_tls(engine(move |r: &Recorded| match r.path.as_str() {
        "/ovirt-engine/api/corrupt" => Reply::xml(200, "not gzip at all").header("Content-Encoding", "gzip"),
        _ => Reply::xml(200, body.clone()).gzip(),
    }))
    .await;
    let connection = connect(&server);
    let mut items = connection.stream_list::<DataCenter>(Request::get("datacenters")).await.unwrap();
    let mut count = 0;
    while let Some(item) = items.try_next().await.unwrap() {
        assert_eq!(item.name.as_deref(), Some("dc"));
        count += 1;
    }
    assert_eq!(count, 500);

    let err = connection.execute(Request::get("corrupt"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    let expected = format!("The gzip body of the reply to GET {}/corrupt is corrupt: ", server.url(API));
    assert!(err.to_string().starts_with(&expected), "{err}");
}

// Scenario 7 and "a server that never answers".
#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = Server::start_tls(engine(|_| Reply::Hang)).await;
    let connection = builder(&server).timeout(Duration::from_millis(300)).build().unwrap();
    let started = Instant::now();
    let err = connection.execute(Request::get("vms"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.is_timeout());
    assert!(err.to_string().to_lowercase().contains("timeout"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(err.code(), None);
}

// Scenario 7: the request's timeout wins over the connection's, lower or higher.
#[tokio::test]
async fn the_request_timeout_overrides_the_connection_timeout() {
    let server = Server::start_tls(engine(|r: &Recorded| match r.path.as_str() {
        "/ovirt-engine/api/slow" => Reply::xml(200, "<api/>").delayed(Duration::from_millis(600)),
        _ => Reply::Hang,
    }))
    .await;
    let lenient = builder(&server).timeout(Duration::from_secs(30)).build().unwrap();
    lenient.authenticate().await.unwrap();
    let started = Instant::now();
    let err = lenient.send(Request::get("hang").timeout(Duration::from_millis(200))).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(5));

    let strict = builder(&server).timeout(Duration::from_millis(200)).build().unwrap();
    let err = strict.send(Request::get("slow")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    let reply = strict.execute(Request::get("slow").timeout(Duration::from_secs(20)), &[200]).await.unwrap();
    assert_eq!(reply.status(), 200);
    // Zero means no limit.
    let reply = strict.execute(Request::get("slow").timeout(Duration::ZERO), &[200]).await.unwrap();
    assert_eq!(reply.status(), 200);
}

#[tokio::test]
async fn the_connect_timeout_covers_the_handshake() {
    // A listener that never accepts: TCP connects (the kernel queues it),
    // the TLS handshake never gets an answer.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://127.0.0.1:{}/ovirt-engine/api", silent.local_addr().unwrap().port());
    let connection = trusting(url, &ENGINE).token(TOKEN).connect_timeout(Duration::from_millis(200)).build().unwrap();
    let started = Instant::now();
    let err = connection.test_or_error().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    let port = silent.local_addr().unwrap().port();
    let expected = format!("Cannot connect to 127.0.0.1:{port}: no connection within 0.2 s (the connect timeout).");
    assert_eq!(err.to_string(), expected);
    assert!(started.elapsed() < Duration::from_secs(5));
}

// Scenario 6: a server that can't be reached is a connection error.
#[tokio::test]
async fn an_unreachable_server_is_a_connection_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let connection = trusting(format!("https://127.0.0.1:{port}/ovirt-engine/api"), &ENGINE)
        .username(USER)
        .password(PASSWORD)
        .build()
        .unwrap();
    assert!(!connection.test().await);
    let err = connection.test_or_error().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(err.is_connection());
    assert_eq!(err.to_string(), format!("Cannot connect to 127.0.0.1:{port}: connection refused."));
    // The cause stays available to programs.
    let cause = std::error::Error::source(&err).and_then(|e| e.downcast_ref::<std::io::Error>());
    assert_eq!(cause.map(std::io::Error::kind), Some(std::io::ErrorKind::ConnectionRefused), "{err:?}");
    assert_eq!(err.code(), None);
    assert!(err.fault().is_none());
}

// Scenario 22: 404 with an empty body.
#[tokio::test]
async fn not_found_with_an_empty_body() {
    let server = Server::start_tls(engine(|_| Reply::empty(404))).await;
    let err = connect(&server).execute(Request::get("vms/123"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some(404));
    assert!(err.fault().is_none());
    assert_eq!(
        err.to_string(),
        format!(
            "HTTP response code is 404. HTTP response message is \"Not Found\". Request was GET {}/vms/123.",
            server.url(API)
        )
    );
}

#[tokio::test]
async fn error_kinds_follow_the_status() {
    let server = Server::start_tls(engine(|r: &Recorded| {
        let status = r.path.rsplit('/').next().unwrap().parse().unwrap();
        Reply::xml(status, "<fault><reason>Operation Failed</reason><detail>[Cannot do it]</detail></fault>")
    }))
    .await;
    let connection = connect(&server);
    for (status, kind) in [
        (400, ErrorKind::Fault),
        (403, ErrorKind::Authentication),
        (409, ErrorKind::Conflict),
        (500, ErrorKind::Fault),
        (202, ErrorKind::InvalidResponse),
    ] {
        let err = connection.execute(Request::get(format!("x/{status}")), &[200]).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{status}");
        assert_eq!(err.code(), Some(status));
        let fault = err.fault().unwrap();
        assert_eq!(fault.reason.as_deref(), Some("Operation Failed"));
        assert_eq!(fault.detail.as_deref(), Some("[Cannot do it]"));
        assert!(
            err.to_string().starts_with(&format!(
                "Fault reason is \"Operation Failed\". Fault detail is \"[Cannot do it]\". HTTP response code is {status}."
            )),
            "{err}"
        );
    }
    // 403 is not retried (only 401 is).
    assert_eq!(server.requests_to("/ovirt-engine/api/x/403").len(), 1);
    assert_eq!(server.requests_to(SSO).len(), 1);
}

// Scenario 23: an action fault with a success code, and a bare fault.
#[tokio::test]
async fn action_faults_are_errors() {
    let server = Server::start_tls(engine(|r: &Recorded| match r.path.as_str() {
        "/ovirt-engine/api/vms/123/start" => Reply::xml(
            201,
            "<action><status>failed</status><fault><reason>myreason</reason><detail>mydetail</detail></fault></action>",
        ),
        "/ovirt-engine/api/vms/123/stop" => {
            Reply::xml(400, "<fault><reason>myreason</reason><detail>mydetail</detail></fault>")
        }
        _ => Reply::xml(200, "<action><status>complete</status></action>"),
    }))
    .await;
    let connection = connect(&server);
    for (action, code) in [("start", 201), ("stop", 400)] {
        let request = Request::post(format!("vms/123/{action}"), "<action/>");
        let err = connection.execute_action(request).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Fault, "{action}");
        assert_eq!(err.code(), Some(code));
        assert!(err.to_string().contains("myreason"), "{err}");
        let fault = err.fault().unwrap();
        assert_eq!(fault.reason.as_deref(), Some("myreason"));
        assert_eq!(fault.detail.as_deref(), Some("mydetail"));
        let request = format!("Request was POST {}/vms/123/{action}.", server.url(API));
        assert!(err.to_string().ends_with(&request), "{err}");
    }
    let reply = connection.execute_action(Request::post("vms/123/suspend", "<action/>")).await.unwrap();
    assert_eq!(reply.status(), 200);
    assert!(reply.fault().is_none());
}

// Scenario 24 and "an HTML error page".
#[tokio::test]
async fn replies_that_are_not_xml() {
    let server = Server::start_tls(move |r: &Recorded| match r.path.as_str() {
        SSO => Reply::json(200, format!(r#"{{"access_token":"{TOKEN}"}}"#)),
        "/wrong/api" | "/ovirt-engine/api" => Reply::html(200, "<html><body>Welcome</body></html>"),
        _ => Reply::html(502, "<html><body><h1>Bad Gateway</h1></body></html>"),
    })
    .await;
    let wrong =
        trusting(format!("{}/wrong/api", server.origin()), &ENGINE).username(USER).password(PASSWORD).build().unwrap();
    let err = wrong.test_or_error().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert_eq!(err.code(), Some(200));
    assert_eq!(
        err.to_string(),
        format!(
            "The response content type 'text/html; charset=iso-8859-1' isn't the expected XML. Is the path \
             '/wrong/api' included in the 'url' parameter correct? The typical one is '/ovirt-engine/api'. HTTP \
             response code is 200. HTTP response message is \"OK\". Request was GET {}/wrong/api.",
            server.origin()
        )
    );

    let right = connect(&server);
    let err = right.test_or_error().await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("The response content type 'text/html; charset=iso-8859-1' isn't the expected XML. HTTP"),
        "{err}"
    );

    // An error page from a proxy keeps the kind of its status.
    let err = right.execute(Request::get("vms"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Fault);
    assert_eq!(err.code(), Some(502));
    assert!(err.to_string().contains("isn't the expected XML"), "{err}");
    assert!(err.to_string().contains("HTTP response message is \"Bad Gateway\""), "{err}");
    // `send` itself returns whatever came.
    let reply = right.send(Request::get("vms")).await.unwrap();
    assert_eq!((reply.status(), reply.is_xml()), (502, false));
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_a_connection_error() {
    let server = Server::start_tls(engine(|_| {
        Reply::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n\
              10\r\n<vms><vm id=\"1\">\r\n"
                .to_vec(),
        )
    }))
    .await;
    let err = connect(&server).execute(Request::get("vms"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "The server closed the connection after 16 bytes of the body of the reply to GET {}/vms, before its end.",
            server.url(API)
        )
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn a_200_with_a_truncated_body_is_a_connection_error() {
    let server = Server::start_tls(engine(|_| {
        Reply::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n<vms><vm>".to_vec(),
        )
    }))
    .await;
    let err = connect(&server).execute(Request::get("vms"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(err.to_string().starts_with("The server closed the connection after 9 bytes of the body"), "{err}");
}

#[tokio::test]
async fn a_complete_reply_with_truncated_xml_is_an_xml_error() {
    let server = Server::start_tls(engine(|_| Reply::xml(200, "<data_center id=\"1\"><name>dc"))).await;
    let err = connect(&server).follow_href::<DataCenter>("/ovirt-engine/api/datacenters/1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Xml, "{err}");
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().ends_with(&format!("Request was GET {}/datacenters/1.", server.url(API))), "{err}");
}

#[tokio::test]
async fn a_10_mb_fault() {
    const SIZE: usize = 10 << 20;
    let server = Server::start_tls(engine(|_| {
        let mut body = b"<fault><reason>Huge</reason><detail>".to_vec();
        body.resize(body.len() + SIZE, b'x');
        body.extend_from_slice(b"</detail></fault>");
        Reply::xml(400, body)
    }))
    .await;
    let err = connect(&server).execute(Request::get("vms"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Fault);
    let fault = err.fault().unwrap();
    assert_eq!(fault.reason.as_deref(), Some("Huge"));
    assert_eq!(fault.detail.as_ref().map(String::len), Some(SIZE));
    // The message and `Debug` stay small.
    assert!(err.to_string().len() < 5_000, "{}", err.to_string().len());
    assert!(format!("{err:?}").len() < 5_000);
    assert!(err.to_string().contains(&format!("({} more bytes)", SIZE - 2000)), "{}", &err.to_string()[2000..]);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = Server::start_tls(engine(|_| {
        Reply::empty(302).header("Location", "https://elsewhere.example/ovirt-engine/api")
    }))
    .await;
    let err = connect(&server).execute(Request::get("vms").query("search", "x"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert_eq!(err.code(), Some(302));
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        err.to_string(),
        format!(
            "The server redirected GET {}/vms to https://elsewhere.example/ovirt-engine/api (HTTP 302): redirects \
             are not followed. The URL is probably not the API root, or a login proxy is in front of the engine.",
            server.url(API)
        )
    );
}

#[tokio::test]
async fn a_server_that_closes_without_replying_is_named_so() {
    let server = Server::start_tls(engine(|_| Reply::Raw(Vec::new()))).await;
    let err = connect(&server).execute(Request::get("vms").query("search", "x"), &[200]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    let expected = format!("The server closed the connection before it replied to GET {}/vms.", server.url(API));
    assert_eq!(err.to_string(), expected);
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn a_kept_alive_connection_the_server_closed_is_replaced() {
    // Each reply is complete, then the server closes the connection, as
    // one does when a kept-alive connection has been idle too long.
    let body = "<api/>";
    let raw =
        format!("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    let server = Server::start_tls(engine(move |_| Reply::Raw(raw.clone().into_bytes()))).await;
    let connection = connect(&server);
    for _ in 0..3 {
        connection.execute(Request::get(""), &[200]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(server.accepted_connections(), 3);

    // A reply that says `Connection: close` is not followed by another
    // request on its connection, even while the server keeps it open.
    let server = Server::start_tls(engine(|_| Reply::xml(200, "<api/>").header("Connection", "close"))).await;
    let connection = connect(&server);
    for _ in 0..2 {
        connection.execute(Request::get(""), &[200]).await.unwrap();
    }
    assert_eq!(server.accepted_connections(), 2);
}

#[tokio::test]
async fn a_proxy_that_refuses_the_tunnel_is_named() {
    let proxy = Proxy::start().await;
    // The test proxy only tunnels to loopback addresses.
    let connection = Connection::builder_for("https://engine.example.test/ovirt-engine/api", &ENGINE)
        .token(TOKEN)
        .proxy(proxy.url())
        .build()
        .unwrap();
    let err = connection.test_or_error().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "The proxy {} refused to open a tunnel to engine.example.test:443: it answered '403 Forbidden'.",
            proxy.addr
        )
    );
}

// Scenario 10: many tasks share one connection without mixing replies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_tasks_share_one_connection() {
    let server = Server::start_tls(engine(|r: &Recorded| {
        let id = r.path.rsplit('/').next().unwrap().to_owned();
        let delay = Duration::from_millis(id.len() as u64 % 3);
        Reply::xml(200, format!("<data_center id=\"{id}\"><name>dc-{id}</name></data_center>")).delayed(delay)
    }))
    .await;
    let connection = connect(&server);
    let started = Instant::now();
    let tasks: Vec<_> = (0..100)
        .map(|task| {
            let c = connection.clone();
            tokio::spawn(async move {
                for call in 0..5 {
                    let id = format!("{task}-{call}");
                    let dc: DataCenter = c.follow_href(&format!("/ovirt-engine/api/datacenters/{id}")).await.unwrap();
                    assert_eq!(dc.id.as_deref(), Some(id.as_str()));
                    assert_eq!(dc.name, Some(format!("dc-{id}")));
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(server.requests_to(SSO).len(), 1);
    assert_eq!(server.requests().len(), 501);
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_limits_what_is_in_flight() {
    let server = Server::start_tls(engine(|_| Reply::xml(200, "<api/>").delayed(Duration::from_millis(20)))).await;
    let connection = builder(&server).connections(2).build().unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let c = connection.clone();
            tokio::spawn(async move { c.execute(Request::get(""), &[200]).await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(server.requests().len(), 21);
    assert!(server.max_in_flight() <= 2, "{}", server.max_in_flight());
    assert!(server.max_open_connections() <= 2, "{}", server.max_open_connections());
    assert!(server.accepted_connections() <= 2, "{}", server.accepted_connections());
}

#[tokio::test]
async fn sequential_requests_reuse_one_kept_alive_connection() {
    let server = Server::start_tls(engine(ok)).await;
    let connection = connect(&server);
    for _ in 0..10 {
        connection.execute(Request::get("vms"), &[200]).await.unwrap();
    }
    assert_eq!(server.accepted_connections(), 1);
    assert!(server.requests().iter().all(|r| r.connection == 1));

    // Closing the connection closes the kept-alive one.
    assert_eq!(server.open_connections(), 1);
    connection.close_without_logout().await.unwrap();
    let started = Instant::now();
    while server.open_connections() > 0 && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.open_connections(), 0);
}

// `test()`, `is_link` and `follow_link` (scenario 35's follow part).
#[tokio::test]
async fn links_are_followed_with_their_type() {
    let server = Server::start_tls(engine(|r: &Recorded| match (r.path.as_str(), r.query.as_deref()) {
        ("/ovirt-engine/api", None) => Reply::xml(200, "<api/>"),
        ("/ovirt-engine/api/datacenters/123", None) => Reply::xml(
            200,
            "<data_center href=\"/ovirt-engine/api/datacenters/123\" id=\"123\"><name>Default</name></data_center>",
        ),
        ("/ovirt-engine/api/datacenters", Some("search=name%3DD*")) => Reply::xml(
            200,
            "<data_centers><data_center id=\"1\"><name>D1</name></data_center><data_center id=\"2\"/></data_centers>",
        ),
        _ => Reply::empty(404),
    }))
    .await;
    let connection = connect(&server);
    assert!(connection.test().await);

    let link =
        DataCenter { href: Some("/ovirt-engine/api/datacenters/123".into()), id: Some("123".into()), name: None };
    assert!(connection.is_link(&link));
    assert!(!connection.is_link(&DataCenter::default()));
    let dc = connection.follow_link(&link).await.unwrap();
    assert_eq!(dc.name.as_deref(), Some("Default"));
    assert_eq!(server.last().path, "/ovirt-engine/api/datacenters/123");
    assert_eq!(server.last().query, None);

    let list: List<DataCenter> = List::with_href("/ovirt-engine/api/datacenters?search=name%3DD*");
    let dcs = connection.follow_list_link(&list).await.unwrap();
    assert_eq!(dcs.iter().map(|d| d.id.as_deref().unwrap()).collect::<Vec<_>>(), ["1", "2"]);

    // A full URL on the same server works too.
    let full = format!("{}/ovirt-engine/api/datacenters/123", server.origin());
    assert_eq!(connection.follow_href::<DataCenter>(&full).await.unwrap().id.as_deref(), Some("123"));

    let err = connection.follow_link(&DataCenter::default()).await.unwrap_err();
    assert_eq!(err.to_string(), "Can't follow link because the 'href' attribute doesn't have a value.");
    let err = connection.follow_list_link(&List::<DataCenter>::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    for foreign in ["/api/datacenters/1", "https://other.example/ovirt-engine/api/x", "/ovirt-engine/apix"] {
        let err = connection.follow_href::<DataCenter>(foreign).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("The URL '{foreign}' isn't compatible with the base URL of the connection."),
            "{foreign}"
        );
    }
    assert_eq!(connection.relative_path("/ovirt-engine/api/vms/1/nics").unwrap(), "vms/1/nics");
    assert_eq!(connection.relative_path("/ovirt-engine/api").unwrap(), "");

    // A 404 while following keeps its kind; the wrong document is an XML error.
    let err = connection.follow_href::<DataCenter>("/ovirt-engine/api/datacenters/999").await.unwrap_err();
    assert!(err.is_not_found());
    let err = connection.follow_href::<DataCenter>("/ovirt-engine/api/datacenters?search=name%3DD*").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Xml);
}

#[tokio::test]
async fn replies_expose_what_generated_code_needs() {
    let server = Server::start_tls(engine(|_| Reply::xml(201, "<vm id=\"7\"/>").header("X-Extra", "1"))).await;
    let connection = connect(&server);
    let reply = connection.execute(Request::post("vms", "<vm/>"), &[200, 201, 202]).await.unwrap();
    assert_eq!(reply.status(), 201);
    assert_eq!(reply.reason(), "Created");
    assert!(reply.is_success());
    assert_eq!(reply.header("x-extra"), Some("1"));
    assert_eq!(reply.content_type(), Some("application/xml;charset=UTF-8"));
    assert_eq!(reply.method(), Method::Post);
    assert_eq!(reply.url_path(), "/ovirt-engine/api/vms");
    reply.check_action().unwrap();
    let err = reply.read::<DataCenter>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Xml);
    assert_eq!(reply.into_body(), b"<vm id=\"7\"/>");

    // An empty body where a document was expected.
    let server = Server::start_tls(engine(|_| Reply::empty(200))).await;
    let err = connect(&server).follow_href::<DataCenter>("/ovirt-engine/api/x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.to_string().starts_with("The response body is empty. HTTP response code is 200."), "{err}");
}

#[tokio::test]
async fn the_explicit_proxy_is_used() {
    let server = Server::start_tls(engine(ok)).await;
    let proxy = Proxy::start().await;
    let connection = builder(&server).proxy(proxy.url()).build().unwrap();
    connection.test_or_error().await.unwrap();
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].0, format!("CONNECT 127.0.0.1:{} HTTP/1.1", server.addr.port()));
    assert_eq!(seen[0].1, None);

    // Credentials in the proxy URL go in `Proxy-Authorization`, and never
    // into `Debug`.
    let with_auth = format!("http://puser:ppass@{}", proxy.addr);
    let b = builder(&server).proxy(with_auth);
    assert!(!format!("{b:?}").contains("ppass"));
    b.build().unwrap().test_or_error().await.unwrap();
    assert_eq!(proxy.seen()[1].1.as_deref(), Some("Basic cHVzZXI6cHBhc3M="));
}

#[tokio::test]
async fn extreme_option_values_do_not_panic() {
    let server = Server::start_tls(engine(ok)).await;
    let connection = builder(&server)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .connections(usize::MAX)
        .pipeline(usize::MAX)
        .build()
        .unwrap();
    connection.execute(Request::get("vms").timeout(Duration::MAX), &[200]).await.unwrap();
    let long = "x".repeat(100_000);
    let reply = connection.send(Request::get(long.clone()).query(long.clone(), long)).await;
    // Whatever the server makes of it, the client neither panics nor hangs.
    let _ = reply;
}

// Scenario 6: a host that does not exist, and an address that is not one.
#[tokio::test]
async fn an_unresolvable_host_or_an_invalid_address_is_an_error() {
    let err =
        Connection::builder_for("https://300.300.300.300/ovirt-engine/api", &ENGINE).token("t").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("300.300.300.300"), "{err}");

    // `.invalid` is reserved: no resolver answers it (RFC 6761).
    let connection = Connection::builder_for("https://no-such-engine.invalid/ovirt-engine/api", &ENGINE)
        .token("t")
        .no_proxy()
        .connect_timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    let err = connection.test_or_error().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(err.to_string().starts_with("Cannot find the address of no-such-engine.invalid: "), "{err}");
    assert_eq!(err.code(), None);
}

/// A collection of `n` data centers named `dc-0`, `dc-1`, … (about 60
/// bytes each).
fn data_centers(n: usize) -> String {
    let items: String = (0..n).map(|i| format!("<data_center id=\"{i}\"><name>dc-{i}</name></data_center>")).collect();
    format!("<data_centers>{items}</data_centers>")
}

// A list reply over 4 MiB is parsed as it arrives; below, read whole. Both
// give the same items, plain and gzip.
#[tokio::test]
async fn fetch_list_reads_small_and_large_replies_alike() {
    let (small, large) = (data_centers(1_000), data_centers(120_000));
    assert!(large.len() > 4 << 20, "{}", large.len());
    let server = Server::start_tls(engine(move |r: &Recorded| {
        let body = if r.path.ends_with("small") { small.clone() } else { large.clone() };
        if r.query.as_deref() == Some("gzip") { Reply::xml(200, body).gzip() } else { Reply::xml(200, body) }
    }))
    .await;
    let connection = connect(&server);
    for (path, count) in [("small", 1_000), ("large", 120_000)] {
        for query in ["gzip", "plain"] {
            let request = Request::get(path).query(query, "");
            let items: Vec<DataCenter> = connection.fetch_list(request).await.unwrap();
            assert_eq!(items.len(), count, "{path} {query}");
            let last = items.last().unwrap();
            assert_eq!(last.name.as_deref(), Some(format!("dc-{}", count - 1).as_str()), "{path} {query}");
        }
    }
    // Each connection went back to the pool: one TLS connection served all.
    assert_eq!(server.accepted_connections(), 1);
}

#[tokio::test]
async fn a_large_list_that_breaks_off_or_is_malformed_is_an_error() {
    let large = data_centers(120_000);
    let malformed = large.replacen("</data_center>", "</datacenter>", 100_000);
    let server = Server::start_tls(engine(move |r: &Recorded| match r.path.as_str() {
        // Promises more than it sends, then drops the connection.
        "/ovirt-engine/api/cut" => Reply::xml(200, large.clone()).cut(large.len() * 2),
        _ => Reply::xml(200, malformed.clone()),
    }))
    .await;
    let connection = connect(&server);
    let err = connection.fetch_list::<DataCenter>(Request::get("cut")).await.unwrap_err();
    assert_ne!(err.kind(), ErrorKind::Xml, "the transport's failure, not the XML it left unfinished: {err}");
    assert!(err.to_string().contains("closed the connection"), "{err}");
    let err = connection.fetch_list::<DataCenter>(Request::get("malformed")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Xml, "{err}");
    assert!(err.to_string().contains("GET"), "the error names the request: {err}");
}

#[tokio::test]
async fn fetch_list_refuses_faults_and_other_content_like_execute() {
    let server = Server::start_tls(engine(|r: &Recorded| match r.path.as_str() {
        "/ovirt-engine/api/missing" => Reply::xml(404, "<fault><reason>Operation Failed</reason></fault>"),
        _ => Reply::html(200, "<html>login</html>"),
    }))
    .await;
    let connection = connect(&server);
    for path in ["missing", "html"] {
        let listed = connection.fetch_list::<DataCenter>(Request::get(path)).await.unwrap_err();
        let executed = connection.execute(Request::get(path), &[200]).await.unwrap_err();
        assert_eq!((listed.kind(), listed.to_string()), (executed.kind(), executed.to_string()), "{path}");
    }
}
