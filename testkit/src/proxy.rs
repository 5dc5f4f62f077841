//! A minimal HTTP CONNECT proxy for tests of proxy support.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// The CONNECT request lines a proxy saw, each with its `Proxy-Authorization`.
type ProxyLog = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A minimal HTTP CONNECT proxy on 127.0.0.1 that tunnels to loopback
/// addresses only, and records each CONNECT request line and its
/// `Proxy-Authorization` header.
pub struct Proxy {
    pub addr: SocketAddr,
    pub seen: ProxyLog,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let task = tokio::spawn(async move {
            let mut tunnels = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((client, _)) = accepted else { continue };
                        let log = log.clone();
                        tunnels.spawn(async move { let _ = tunnel(client, log).await; });
                    }
                    Some(_) = tunnels.join_next(), if !tunnels.is_empty() => {}
                }
            }
        });
        Proxy { addr, seen, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<(String, Option<String>)> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn tunnel(client: TcpStream, log: ProxyLog) -> std::io::Result<()> {
    let mut client = BufReader::new(client);
    let mut line = String::new();
    client.read_line(&mut line).await?;
    let mut auth = None;
    loop {
        let mut h = String::new();
        client.read_line(&mut h).await?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            if n.trim().eq_ignore_ascii_case("proxy-authorization") {
                auth = Some(v.trim().to_owned());
            }
        }
    }
    log.lock().unwrap().push((line.trim_end().to_owned(), auth));
    let target = line.split(' ').nth(1).unwrap_or_default().to_owned();
    let allowed = target.parse::<SocketAddr>().is_ok_and(|a| a.ip().is_loopback()) || target.starts_with("localhost:");
    if !line.starts_with("CONNECT ") || !allowed {
        client.get_mut().write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").await?;
        return Ok(());
    }
    let mut upstream = TcpStream::connect(&target).await?;
    client.get_mut().write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await?;
    let mut client = client.into_inner();
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}
