//! Requests per second of sequential small GETs (a 6.6 KB `<vm>`, read into
//! a struct) over one kept-alive HTTPS connection, against the test-server kit's local
//! server, in alternating rounds of:
//!
//! * `limit`: the same request written by hand on one kept-alive TLS
//!   connection, the reply read by its `Content-Length` and not parsed: what
//!   the server, TLS and the loopback allow a client at best;
//! * `ours_current_thread`: our connection on a `current_thread` runtime;
//! * `ours_unparsed`: the same, the reply's body left unread as XML (what
//!   the HTTP side costs without the XML reader);
//! * `ours_multi_thread`: our connection on a default multi-thread runtime,
//!   driven from `block_on` as `#[tokio::main]` does;
//! * `ours_8_tasks`: the same number of requests from 8 tasks sharing one
//!   connection, on the multi-thread runtime;
//! * `python`: the official Python SDK (`py_get.py`), when given.
//!
//! Usage: `cargo bench -p sdkgen-runtime --bench connection -- [--requests=N]
//! [--rounds=R] [--python=PYTHON --script=py_get.py] [--only=NAME,…]
//! [--url=https://127.0.0.1:PORT/ovirt-engine/api --ca=CA.pem]` (or `cargo
//! xtask bench connection`, which finds the Python SDK and the script).
//! `--url` and `--ca` measure against another server (such as a local
//! nginx serving the same VM at `…/vms/123`) instead of the built-in one. Prints one line
//! per client: the median rate of the rounds, the slowest round's rate over
//! the median, and for our clients the context switches and CPU time per
//! request of the client's threads (the server's thread left out).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sdkgen_runtime::connection::{Connection, Request, XmlProtocol};
use sdkgen_runtime::xml::{XmlError, XmlReader, XmlType, XmlWriter};
use sdkgen_testkit::{Recorded, Reply, Server, pki};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The token every client is given (no SSO request is timed).
const TOKEN: &str = "bench-token";

/// What the clients speak: the engine's API headers; the token is given, so
/// no SSO service is needed.
static ENGINE: XmlProtocol = XmlProtocol {
    title: "bench engine",
    root_path: "/ovirt-engine/api",
    headers: &[("Version", "4")],
    query_headers: &[],
    sso: None,
};

/// The reply: one VM as the engine writes it (what
/// `../shared/bench/make_corpus.py 1` writes for it), 6.6 KB.
const VM: &str = include_str!("vm.xml");

/// A reference to another object (`<cluster href=… id=…/>`).
#[derive(Default)]
struct Ref {
    id: Option<String>,
}

impl XmlType for Ref {
    const TAG: &'static str = "ref";
    const PLURAL: &'static str = "refs";

    fn read_into(&mut self, r: &mut XmlReader<'_>) -> Result<(), XmlError> {
        self.id = r.attr("id")?;
        r.skip()
    }

    fn write(&self, w: &mut XmlWriter, tag: &str) {
        w.start(tag);
        w.end(tag);
    }
}

/// What the benchmark reads from the reply: the members a program looks
/// at (the rest is still read by the XML reader, and skipped).
#[derive(Default)]
struct Vm {
    id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    comment: Option<String>,
    status: Option<String>,
    kind: Option<String>,
    memory: Option<i64>,
    stateless: Option<bool>,
    delete_protected: Option<bool>,
    creation_time: Option<String>,
    cluster: Option<Box<Ref>>,
    host: Option<Box<Ref>>,
    template: Option<Box<Ref>>,
}

impl XmlType for Vm {
    const TAG: &'static str = "vm";
    const PLURAL: &'static str = "vms";

    fn read_into(&mut self, r: &mut XmlReader<'_>) -> Result<(), XmlError> {
        self.id = r.attr("id")?;
        while let Some(tag) = r.next_child()? {
            match tag.as_bytes() {
                b"name" => self.name = r.read_string()?,
                b"description" => self.description = r.read_string()?,
                b"comment" => self.comment = r.read_string()?,
                b"status" => self.status = r.read_string()?,
                b"type" => self.kind = r.read_string()?,
                b"memory" => self.memory = r.read_i64()?,
                b"stateless" => self.stateless = r.read_bool()?,
                b"delete_protected" => self.delete_protected = r.read_bool()?,
                b"creation_time" => self.creation_time = r.read_string()?,
                b"cluster" => self.cluster = Some(r.read_struct()?),
                b"host" => self.host = Some(r.read_struct()?),
                b"template" => self.template = Some(r.read_struct()?),
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

/// The test-server kit's HTTPS server, on its own thread and runtime so
/// that its work can be told apart from the client's: it answers every
/// request with the VM, or 401 without the token. What it records is
/// dropped every second so that a long run does not grow. Returns its
/// address and the id of its thread.
fn start_server() -> (SocketAddr, String) {
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let server = Server::start_tls(|r: &Recorded| match r.bearer() {
                Some(TOKEN) => Reply::xml(200, VM),
                _ => Reply::xml(401, "<fault/>"),
            })
            .await;
            let _ = started_tx.send((server.addr, thread_id()));
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                server.take_requests();
            }
        });
    });
    started_rx.recv().unwrap()
}

/// The id of the calling thread, as `/proc/self/task/<id>` names it.
fn thread_id() -> String {
    let link = std::fs::read_link("/proc/thread-self").unwrap_or_default();
    link.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Context switches and CPU clock ticks of every thread of this process
/// but `skip` (the server's), from `/proc` (zero where it is missing).
fn client_usage(skip: &str) -> (u64, u64) {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return (0, 0) };
    let mut switches = 0;
    let mut ticks = 0;
    for task in tasks.flatten().filter(|t| t.file_name().to_string_lossy() != skip) {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        for line in status.lines().filter(|l| l.contains("ctxt_switches:")) {
            switches += line.split_whitespace().last().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
        }
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        // The fields after the command name; utime and stime are the 12th and 13th.
        let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        ticks += [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<u64>().ok()).sum::<u64>();
    }
    (switches, ticks)
}

/// One timed run of a client.
struct Run {
    elapsed: Duration,
    switches: u64,
    cpu_ticks: u64,
}

/// The runs of one client over the rounds.
struct Client {
    name: &'static str,
    runs: Vec<Run>,
}

/// `/proc` clock ticks per second (`getconf CLK_TCK`, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

impl Client {
    fn new(name: &'static str) -> Client {
        Client { name, runs: Vec::new() }
    }

    fn rates(&self, requests: usize) -> Vec<f64> {
        let mut rates: Vec<f64> = self.runs.iter().map(|r| requests as f64 / r.elapsed.as_secs_f64()).collect();
        rates.sort_by(f64::total_cmp);
        rates
    }

    fn median(&self, requests: usize) -> f64 {
        let rates = self.rates(requests);
        rates[rates.len() / 2]
    }

    /// The median over rounds of this client's rate divided by `other`'s in
    /// the same round: both met the same state of the machine.
    fn ratio_by_round(&self, other: &Client) -> f64 {
        let mut ratios: Vec<f64> = self
            .runs
            .iter()
            .zip(&other.runs)
            .map(|(mine, theirs)| theirs.elapsed.as_secs_f64() / mine.elapsed.as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    }

    fn print(&self, requests: usize) {
        let rates = self.rates(requests);
        let median = rates[rates.len() / 2];
        let total = (requests * self.runs.len()) as f64;
        let switches = self.runs.iter().map(|r| r.switches).sum::<u64>() as f64 / total;
        let cpu_us = self.runs.iter().map(|r| r.cpu_ticks).sum::<u64>() as f64 / TICKS_PER_SECOND * 1e6 / total;
        println!(
            "{}: requests={requests} rounds={} req/s={median:.0} slowest/median={:.2} switches/req={switches:.2} \
             cpu_us/req={cpu_us:.1}",
            self.name,
            self.runs.len(),
            rates[0] / median
        );
    }
}

/// Times `requests` requests made by `run`, with the usage of the client's threads.
fn measure<F: Future<Output = ()>>(block_on: impl FnOnce(F), run: F, server: &str) -> Run {
    let (switches, ticks) = client_usage(server);
    let started = Instant::now();
    block_on(run);
    let elapsed = started.elapsed();
    let (switches_after, ticks_after) = client_usage(server);
    Run { elapsed, switches: switches_after.saturating_sub(switches), cpu_ticks: ticks_after.saturating_sub(ticks) }
}

/// The limit client: one kept-alive TLS connection, the request written
/// by hand, the reply's head searched for its end and its `Content-Length`,
/// the body read and dropped.
struct RawClient {
    tls: tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
    request: Vec<u8>,
    buffer: Vec<u8>,
}

impl RawClient {
    async fn connect(addr: SocketAddr, ca_pem: &str) -> RawClient {
        let mut roots = rustls::RootCertStore::empty();
        let ca = rustls::pki_types::pem::PemObject::from_pem_slice(ca_pem.as_bytes()).unwrap();
        roots.add(ca).unwrap();
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.unwrap();
        let request = format!(
            "GET /ovirt-engine/api/vms/123 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
             Version: 4\r\nAccept: application/xml\r\nContent-Type: application/xml\r\n\
             User-Agent: limit\r\nAccept-Encoding: gzip\r\n\r\n"
        );
        RawClient { tls, request: request.into_bytes(), buffer: Vec::with_capacity(16 << 10) }
    }

    async fn get(&mut self) {
        self.tls.write_all(&self.request).await.unwrap();
        self.buffer.clear();
        let mut chunk = [0u8; 16 << 10];
        let mut expected = None;
        while expected.is_none_or(|total| self.buffer.len() < total) {
            let n = self.tls.read(&mut chunk).await.unwrap();
            assert!(n > 0, "the server closed the connection");
            self.buffer.extend_from_slice(&chunk[..n]);
            if expected.is_none() {
                expected = self.reply_length();
            }
        }
        assert_eq!(expected, Some(self.buffer.len()));
    }

    /// The length of the whole reply, once its head has arrived.
    fn reply_length(&self) -> Option<usize> {
        let end = self.buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let head = std::str::from_utf8(&self.buffer[..end]).ok()?;
        let length = head.lines().find_map(|l| l.strip_prefix("Content-Length: "))?.trim().parse::<usize>().ok()?;
        Some(end + length)
    }
}

/// The requests of our sequential client.
async fn sequential(connection: &Connection, requests: usize) {
    for _ in 0..requests {
        get(connection).await;
    }
}

async fn get(connection: &Connection) {
    let vm: Vm = connection.execute(Request::get("vms/123"), &[200]).await.unwrap().read().unwrap();
    assert_eq!(vm.status.as_deref(), Some("down"));
}

/// The requests of our sequential client, the replies not read as XML.
async fn unparsed(connection: &Connection, requests: usize) {
    for _ in 0..requests {
        let reply = connection.execute(Request::get("vms/123"), &[200]).await.unwrap();
        assert_eq!(reply.body().len(), VM.len());
    }
}

/// The same number of requests from 8 tasks sharing the connection.
async fn eight_tasks(connection: &Connection, requests: usize) {
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = connection.clone();
            tokio::spawn(async move { sequential(&c, requests / 8).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

/// One run of the Python SDK: its own timing of `requests` GETs.
fn python_run(python: &str, script: &str, url: &str, requests: usize) -> Run {
    let output = std::process::Command::new(python)
        .arg(script)
        .arg(url)
        .arg(requests.to_string())
        .output()
        .expect("the Python SDK could not be run");
    let text = String::from_utf8_lossy(&output.stdout);
    let seconds = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("seconds=")?.parse::<f64>().ok())
        .filter(|_| output.status.success());
    let Some(seconds) = seconds else {
        eprintln!("the Python SDK failed:\n{text}\n{}", String::from_utf8_lossy(&output.stderr));
        std::process::exit(1);
    };
    Run { elapsed: Duration::from_secs_f64(seconds), switches: 0, cpu_ticks: 0 }
}

fn arg(name: &str) -> Option<String> {
    std::env::args().find_map(|a| a.strip_prefix(&format!("--{name}=")).map(str::to_owned))
}

fn connection(url: &str, ca_pem: &str) -> Connection {
    Connection::builder_for(url, &ENGINE).token(TOKEN).ca_pem(ca_pem).no_proxy().build().unwrap()
}

/// The server to measure against: `--url` and `--ca`, or the built-in one.
/// Returns its address, its URL, its CA and the id of its thread (if it
/// runs in this process).
fn server() -> (SocketAddr, String, String, String) {
    if let Some(url) = arg("url") {
        let parsed = url::Url::parse(&url).expect("--url must be a URL");
        let addr = parsed.socket_addrs(|| None).expect("--url must name a reachable host")[0];
        let ca = std::fs::read_to_string(arg("ca").expect("--url needs --ca")).expect("the CA file can't be read");
        return (addr, url, ca, String::new());
    }
    let (addr, thread) = start_server();
    (addr, format!("https://127.0.0.1:{}/ovirt-engine/api", addr.port()), pki().ca_pem.clone(), thread)
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: a short smoke run.
    let benching = std::env::args().any(|a| a == "--bench");
    let requests: usize = arg("requests").and_then(|n| n.parse().ok()).unwrap_or(if benching { 5000 } else { 16 });
    let rounds: usize = arg("rounds").and_then(|n| n.parse().ok()).unwrap_or(if benching { 7 } else { 1 });
    let (addr, url, ca, server) = server();
    let python = arg("python").zip(arg("script"));

    let single = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let multi = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let on_single = connection(&url, &ca);
    let on_multi = connection(&url, &ca);
    let mut raw = single.block_on(RawClient::connect(addr, &ca));
    let warm_up = 100;
    single.block_on(async {
        for _ in 0..warm_up {
            raw.get().await;
        }
        sequential(&on_single, warm_up).await;
    });
    multi.block_on(async {
        sequential(&on_multi, warm_up).await;
        eight_tasks(&on_multi, warm_up).await;
    });

    let mut limit = Client::new("limit");
    let mut current = Client::new("ours_current_thread");
    let mut bare = Client::new("ours_unparsed");
    let mut threads = Client::new("ours_multi_thread");
    let mut tasks = Client::new("ours_8_tasks");
    let mut peer = Client::new("python");
    // `--only=NAME,…` runs only these clients (to profile one).
    let only = arg("only");
    let runs = |name: &str| only.as_deref().is_none_or(|o| o.split(',').any(|o| o == name));
    for _ in 0..rounds {
        let raw_run = async {
            for _ in 0..requests {
                raw.get().await;
            }
        };
        if runs(limit.name) {
            limit.runs.push(measure(|f| single.block_on(f), raw_run, &server));
        }
        if runs(current.name) {
            current.runs.push(measure(|f| single.block_on(f), sequential(&on_single, requests), &server));
        }
        if runs(bare.name) {
            bare.runs.push(measure(|f| single.block_on(f), unparsed(&on_single, requests), &server));
        }
        if runs(threads.name) {
            threads.runs.push(measure(|f| multi.block_on(f), sequential(&on_multi, requests), &server));
        }
        if runs(tasks.name) {
            tasks.runs.push(measure(|f| multi.block_on(f), eight_tasks(&on_multi, requests), &server));
        }
        if let Some((python, script)) = python.as_ref().filter(|_| runs(peer.name)) {
            peer.runs.push(python_run(python, script, &url, requests));
        }
    }
    for client in [&limit, &current, &bare, &threads, &peer].into_iter().filter(|c| !c.runs.is_empty()) {
        client.print(requests);
    }
    if !tasks.runs.is_empty() {
        tasks.print(requests / 8 * 8);
    }
    if limit.runs.is_empty() {
        return;
    }
    let limit_rate = limit.median(requests);
    for client in [&current, &bare, &threads, &tasks].into_iter().filter(|c| !c.runs.is_empty()) {
        let rate = client.median(requests);
        let versus_python = if peer.runs.is_empty() { f64::NAN } else { rate / peer.median(requests) };
        println!(
            "{}: of_limit={:.2} of_limit_by_round={:.2} of_python={versus_python:.1}",
            client.name,
            rate / limit_rate,
            client.ratio_by_round(&limit)
        );
    }
}
