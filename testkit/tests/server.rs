//! The kit's server seen from a raw TCP client.

use std::time::Duration;

use sdkgen_testkit::{Recorded, Reply, Server, decode_form};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(server.addr).await.unwrap()
}

/// Everything the server sends until it closes the connection, which it
/// must do within a few seconds.
async fn read_all_bytes(stream: &mut TcpStream) -> Vec<u8> {
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("the server did not close the connection")
        .unwrap();
    answer
}

/// The same, as text.
async fn read_all(stream: &mut TcpStream) -> String {
    String::from_utf8(read_all_bytes(stream).await).unwrap()
}

#[test]
fn forms_decode_plus_and_escapes() {
    assert_eq!(
        decode_form("a=x+y%C3%A9%26z&b&c=%2B%3D&d=%zz"),
        [("a", "x y\u{e9}&z"), ("b", ""), ("c", "+="), ("d", "%zz")]
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .to_vec()
    );
}

#[tokio::test]
async fn records_sized_and_chunked_bodies_on_one_kept_alive_connection() {
    let server = Server::start(|r: &Recorded| match r.path.as_str() {
        "/c" => Reply::empty(404),
        _ => Reply::xml(200, "<vm/>"),
    })
    .await;
    let mut stream = connect(&server).await;
    let requests = "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc\
                    PUT /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\
                    Expect: 100-continue\r\n\r\n2;ext=1\r\nde\r\n3\r\nfgh\r\n0\r\nTrailer: t\r\n\r\n\
                    GET /c HTTP/1.1\r\nConnection: close\r\n\r\n";
    stream.write_all(requests.as_bytes()).await.unwrap();
    let answer = read_all(&mut stream).await;
    assert_eq!(answer.matches("HTTP/1.1 200 OK").count(), 2, "{answer}");
    assert_eq!(answer.matches("HTTP/1.1 100 Continue").count(), 1, "{answer}");
    assert!(answer.ends_with("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), "{answer}");
    let seen = server.take_requests();
    assert_eq!(seen.len(), 3);
    assert_eq!((seen[0].method.as_str(), seen[0].path.as_str(), seen[0].query.as_deref()), ("POST", "/a", Some("x=1")));
    assert_eq!(seen[0].target, "/a?x=1");
    assert_eq!(seen[0].body, b"abc");
    assert_eq!(seen[1].body, b"defgh");
    assert_eq!(seen[1].header("TRANSFER-ENCODING"), Some("chunked"));
    assert_eq!(seen[2].target, "/c");
    assert!(seen.iter().all(|r| r.connection == 1));
    assert_eq!(server.accepted_connections(), 1);
    assert!(server.requests().is_empty(), "taken requests are forgotten");
}

#[tokio::test]
async fn a_cut_reply_promises_more_than_it_sends_then_closes() {
    let server = Server::start(|_: &Recorded| Reply::xml(200, "<hosts><ho").cut(1000)).await;
    let mut stream = connect(&server).await;
    stream.write_all(b"GET /hosts HTTP/1.1\r\n\r\n").await.unwrap();
    let answer = read_all(&mut stream).await;
    assert!(answer.contains("Content-Length: 1000\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n<hosts><ho"), "{answer}");
}

#[tokio::test]
async fn a_stalled_reply_sends_its_head_then_nothing() {
    let server = Server::start(|_: &Recorded| Reply::xml(200, "").stall(10)).await;
    let mut stream = connect(&server).await;
    stream.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    let mut head = vec![0; 4096];
    let n = stream.read(&mut head).await.unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).ends_with("Content-Length: 10\r\n\r\n"));
    let more = tokio::time::timeout(Duration::from_millis(300), stream.read(&mut head)).await;
    assert!(more.is_err(), "the server sent more: {more:?}");
    assert_eq!(server.open_connections(), 1);
}

#[tokio::test]
async fn a_gzip_reply_is_compressed_and_says_so() {
    let server = Server::start(|_: &Recorded| Reply::xml(200, "<vm/>".repeat(100)).gzip()).await;
    let mut stream = connect(&server).await;
    stream.write_all(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").await.unwrap();
    let answer = read_all_bytes(&mut stream).await;
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&answer[..end]);
    assert!(head.contains("Content-Encoding: gzip\r\n"), "{head}");
    let mut body = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&answer[end..]), &mut body).unwrap();
    assert_eq!(body, "<vm/>".repeat(100));
}

#[tokio::test]
async fn a_malformed_request_ends_its_connection_without_a_reply() {
    let server = Server::start(|_: &Recorded| Reply::empty(200)).await;
    let mut stream = connect(&server).await;
    stream.write_all(b"GET / HTTP/1.1\r\nno colon here\r\n\r\n").await.unwrap();
    assert_eq!(read_all(&mut stream).await, "");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_file_reply_sends_the_file_as_it_is_read() {
    let path = std::env::temp_dir().join(format!("sdkgen-testkit-file-{}.xml", std::process::id()));
    let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &body).unwrap();
    let served = path.clone();
    let server = Server::start(move |r: &Recorded| match r.path.as_str() {
        "/missing" => Reply::file(200, "application/xml", "/nonexistent/file.xml"),
        _ => Reply::file(200, "application/xml", &served),
    })
    .await;
    let mut stream = connect(&server).await;
    stream.write_all(b"GET /f HTTP/1.1\r\n\r\nGET /missing HTTP/1.1\r\nConnection: close\r\n\r\n").await.unwrap();
    let answer = read_all_bytes(&mut stream).await;
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n", body.len());
    assert!(answer.starts_with(head.as_bytes()));
    assert_eq!(&answer[head.len()..head.len() + body.len()], &body[..]);
    let rest = String::from_utf8_lossy(&answer[head.len() + body.len()..]).into_owned();
    assert!(rest.starts_with("HTTP/1.1 500") && rest.ends_with("can't read /nonexistent/file.xml"), "{rest}");
    std::fs::remove_file(path).unwrap();
}
