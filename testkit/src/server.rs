//! The server: accepting connections and answering their requests.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rustls::ServerConfig;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::reply::{Reply, encode};
use crate::request::{Recorded, read_request};

type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

#[derive(Default)]
struct Counters {
    accepted: AtomicUsize,
    open: AtomicUsize,
    max_open: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// What every connection of a server shares.
struct Shared {
    handler: Handler,
    log: Mutex<Vec<Recorded>>,
    counters: Counters,
}

/// A loopback HTTP/1.1 server. Dropping it stops it and every connection
/// it holds.
pub struct Server {
    pub addr: SocketAddr,
    scheme: &'static str,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// A plain HTTP server.
    pub async fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        Server::listen(None, Arc::new(handler)).await
    }

    /// An HTTPS server with the `localhost`/`127.0.0.1` certificate of [`crate::pki`].
    pub async fn start_tls(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_tls_with(crate::pki().server.clone(), handler).await
    }

    /// An HTTPS server with the given TLS configuration.
    pub async fn start_tls_with(
        config: Arc<ServerConfig>,
        handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> Server {
        Server::listen(Some(tokio_rustls::TlsAcceptor::from(config)), Arc::new(handler)).await
    }

    async fn listen(tls: Option<tokio_rustls::TlsAcceptor>, handler: Handler) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("cannot listen on 127.0.0.1");
        let addr = listener.local_addr().expect("a bound listener has an address");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shared = Arc::new(Shared { handler, log: Mutex::default(), counters: Counters::default() });
        let task = tokio::spawn(accept_loop(listener, tls, shared.clone()));
        Server { addr, scheme, shared, task }
    }

    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("{}://127.0.0.1:{}", self.scheme, self.addr.port())
    }

    /// The origin followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin())
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    /// The requests received so far, which are then forgotten.
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.shared.log.lock().unwrap())
    }

    /// The requests whose path is `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }

    /// The last request received; panics if there was none.
    pub fn last(&self) -> Recorded {
        self.requests().pop().expect("no request was received")
    }

    pub fn accepted_connections(&self) -> usize {
        self.shared.counters.accepted.load(Ordering::SeqCst)
    }

    /// The connections open right now.
    pub fn open_connections(&self) -> usize {
        self.shared.counters.open.load(Ordering::SeqCst)
    }

    pub fn max_open_connections(&self) -> usize {
        self.shared.counters.max_open.load(Ordering::SeqCst)
    }

    /// The most requests being answered at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.shared.counters.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, tls: Option<tokio_rustls::TlsAcceptor>, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                connections.spawn(connection(tcp, tls.clone(), shared.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection(tcp: TcpStream, tls: Option<tokio_rustls::TlsAcceptor>, shared: Arc<Shared>) {
    let counters = &shared.counters;
    let id = counters.accepted.fetch_add(1, Ordering::SeqCst) + 1;
    let open = counters.open.fetch_add(1, Ordering::SeqCst) + 1;
    counters.max_open.fetch_max(open, Ordering::SeqCst);
    let _ = tcp.set_nodelay(true);
    match tls {
        Some(acceptor) => {
            if let Ok(stream) = acceptor.accept(tcp).await {
                serve(stream, id, &shared).await;
            }
        }
        None => serve(tcp, id, &shared).await,
    }
    counters.open.fetch_sub(1, Ordering::SeqCst);
}

/// Answers the requests of one connection until either side closes it.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: S, id: usize, shared: &Shared) {
    let mut stream = BufReader::new(stream);
    // A malformed request, or a client gone mid-request, ends the connection.
    while let Ok(Some(request)) = read_request(&mut stream, id).await {
        shared.log.lock().unwrap().push(request.clone());
        let counters = &shared.counters;
        let in_flight = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        counters.max_in_flight.fetch_max(in_flight, Ordering::SeqCst);
        let close = request.wants_close();
        let keep = answer((shared.handler)(&request), close, stream.get_mut()).await;
        counters.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !keep || close {
            break;
        }
    }
    let _ = stream.get_mut().shutdown().await;
}

/// Sends a reply; whether the connection can take another request.
async fn answer<S: AsyncWrite + Unpin>(mut reply: Reply, close: bool, stream: &mut S) -> bool {
    loop {
        match reply {
            Reply::Delay(by, then) => {
                tokio::time::sleep(by).await;
                reply = *then;
            }
            Reply::Http { status, headers, body } => {
                return send(stream, &encode(status, &headers, body.len(), &body, close)).await;
            }
            Reply::Cut { status, headers, body, promised } => {
                send(stream, &encode(status, &headers, promised, &body, close)).await;
                return false;
            }
            Reply::Stall { status, headers, body, promised } => {
                send(stream, &encode(status, &headers, promised, &body, close)).await;
                return std::future::pending().await;
            }
            Reply::File { status, headers, path } => return send_file(stream, status, &headers, &path, close).await,
            Reply::Raw(bytes) => {
                send(stream, &bytes).await;
                return false;
            }
            Reply::Hang => return std::future::pending().await,
        }
    }
}

/// Sends a reply whose body is a file, 64 KiB at a time; whether it worked.
/// A file that can't be read gives a 500 instead.
async fn send_file<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: u16,
    headers: &[(String, String)],
    path: &std::path::Path,
    close: bool,
) -> bool {
    use std::io::Read as _;
    let opened = std::fs::File::open(path).and_then(|f| Ok((f.metadata()?.len(), f)));
    let Ok((length, mut file)) = opened else {
        let message = format!("the test server can't read {}", path.display());
        return send(stream, &encode(500, &[], message.len(), message.as_bytes(), close)).await;
    };
    if !send(stream, &encode(status, headers, length as usize, &[], close)).await {
        return false;
    }
    let mut piece = vec![0; 64 << 10];
    loop {
        match file.read(&mut piece) {
            Ok(0) => return true,
            Ok(n) if send(stream, &piece[..n]).await => {}
            _ => return false,
        }
    }
}

/// Writes and flushes; whether it worked.
async fn send<S: AsyncWrite + Unpin>(stream: &mut S, bytes: &[u8]) -> bool {
    stream.write_all(bytes).await.is_ok() && stream.flush().await.is_ok()
}
