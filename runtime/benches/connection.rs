//! Requests per second of a small GET over one kept-alive connection,
//! against the local HTTPS test server of the connection tests, and the
//! official Python SDK doing the same requests against the same server in
//! the same run.
//!
//! Usage: `cargo bench -p sdkgen-runtime --bench connection -- [--requests=N]
//! [--python=PYTHON --script=py_get.py]` (or `cargo xtask bench connection`,
//! which finds the Python SDK and the script). Prints one
//! `name: requests=N seconds=S req/s=R` line per measurement.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use sdkgen_runtime::connection::{Connection, Request};
use sdkgen_runtime::xml::{XmlError, XmlReader, XmlType, XmlWriter};
use support::pki;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The token both clients are given (no SSO request is timed).
const TOKEN: &str = "bench-token";

/// The reply: a small VM, as `GET vms/123` gives with few members set.
const VM: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<vm href="/ovirt-engine/api/vms/123" id="123">
  <actions><link href="/ovirt-engine/api/vms/123/start" rel="start"/></actions>
  <name>web-1</name>
  <description>bench</description>
  <link href="/ovirt-engine/api/vms/123/nics" rel="nics"/>
  <status>up</status>
  <memory>4294967296</memory>
  <cluster href="/ovirt-engine/api/clusters/1" id="1"/>
</vm>"#;

/// What the benchmark reads from the reply (a generated `Vm` reads more
/// members, but they are absent here, so the work is the same).
#[derive(Default)]
struct Vm {
    id: Option<String>,
    name: Option<String>,
    status: Option<String>,
    memory: Option<i64>,
}

impl XmlType for Vm {
    const TAG: &'static str = "vm";
    const PLURAL: &'static str = "vms";

    fn read_into(&mut self, r: &mut XmlReader<'_>) -> Result<(), XmlError> {
        self.id = r.attr("id")?;
        while let Some(tag) = r.next_child()? {
            match tag.as_bytes() {
                b"name" => self.name = r.read_string()?,
                b"status" => self.status = r.read_string()?,
                b"memory" => self.memory = r.read_i64()?,
                _ => r.skip()?,
            }
        }
        Ok(())
    }

    fn write(&self, w: &mut XmlWriter, tag: &str) {
        w.start(tag);
        w.end(tag);
    }
}

/// A lean HTTPS server for the measurement, on its own thread and runtime:
/// it answers every request (keep-alive, no body expected) with the
/// prepared reply, or 401 without the token, and records nothing, so that
/// the time measured is mostly the client's.
fn start_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let ok = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{VM}",
        VM.len()
    );
    let refused = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/xml\r\nContent-Length: 8\r\n\r\n<fault/>";
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let acceptor = tokio_rustls::TlsAcceptor::from(pki().server.clone());
            loop {
                let Ok((tcp, _)) = listener.accept().await else { continue };
                let _ = tcp.set_nodelay(true);
                let (acceptor, ok) = (acceptor.clone(), ok.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let mut buf = Vec::with_capacity(8192);
                    let mut chunk = [0u8; 8192];
                    loop {
                        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                            match tls.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                            continue;
                        };
                        let head = &buf[..end];
                        let authorized = head.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes());
                        let reply = if authorized { ok.as_bytes() } else { refused.as_bytes() };
                        if tls.write_all(reply).await.is_err() {
                            return;
                        }
                        buf.drain(..end + 4);
                    }
                });
            }
        });
    });
    format!("https://127.0.0.1:{port}/ovirt-engine/api")
}

fn arg(name: &str) -> Option<String> {
    std::env::args().find_map(|a| a.strip_prefix(&format!("--{name}=")).map(str::to_owned))
}

/// Runs of each measurement; the median is reported.
const RUNS: usize = 3;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn line(name: &str, requests: usize, elapsed: Duration) {
    let s = elapsed.as_secs_f64();
    println!("{name}: requests={requests} seconds={s:.3} req/s={:.0}", requests as f64 / s);
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: a short smoke run.
    let benching = std::env::args().any(|a| a == "--bench");
    let requests: usize = arg("requests").and_then(|n| n.parse().ok()).unwrap_or(if benching { 5000 } else { 20 });
    let url = start_server();
    // The client on one thread, the server on another: two cores, as the
    // Python process and the server have.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let connection =
            Connection::builder(url.as_str()).token(TOKEN).ca_pem(pki().ca_pem.clone()).no_proxy().build().unwrap();
        let get = || async {
            let vm: Vm = connection.follow_href("/ovirt-engine/api/vms/123").await.unwrap();
            assert_eq!(vm.name.as_deref(), Some("web-1"));
        };
        for _ in 0..100 {
            get().await;
        }
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            for _ in 0..requests {
                get().await;
            }
            runs.push(started.elapsed());
        }
        line("ours", requests, median(runs));

        // The same number of requests from 8 tasks sharing the connection.
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            let tasks: Vec<_> = (0..8)
                .map(|_| {
                    let c = connection.clone();
                    tokio::spawn(async move {
                        for _ in 0..requests / 8 {
                            let _: Vm = c.execute(Request::get("vms/123"), &[200]).await.unwrap().read().unwrap();
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            runs.push(started.elapsed());
        }
        line("ours_8_tasks", requests / 8 * 8, median(runs));

        let (Some(python), Some(script)) = (arg("python"), arg("script")) else { return };
        let mut rates = Vec::new();
        for _ in 0..RUNS {
            let (python, script, url) = (python.clone(), script.clone(), url.clone());
            let output = tokio::task::spawn_blocking(move || {
                std::process::Command::new(python).arg(script).arg(url).arg(requests.to_string()).output()
            })
            .await
            .unwrap()
            .expect("the Python SDK could not be run");
            let text = String::from_utf8_lossy(&output.stdout);
            let seconds = text
                .split_whitespace()
                .find_map(|w| w.strip_prefix("seconds=")?.parse::<f64>().ok())
                .filter(|_| output.status.success());
            match seconds {
                Some(s) => rates.push(Duration::from_secs_f64(s)),
                None => {
                    eprintln!("the Python SDK failed:\n{text}\n{}", String::from_utf8_lossy(&output.stderr));
                    std::process::exit(1);
                }
            }
        }
        line("python", requests, median(rates));
    });
}
