//! Streamed collection replies: items handed out as the body arrives.
//!
//! Three parts run at once, joined by two bounded channels so that only a
//! few chunks and a few items are ever held in memory:
//!
//! 1. a task that reads the body chunk by chunk from its connection (which
//!    that task drives);
//! 2. a blocking thread that runs the synchronous XML reader
//!    ([`ListStream`]) over those chunks (decompressed first when the body
//!    is gzip) and builds one item at a time;
//! 3. the [`ItemStream`] the caller polls.
//!
//! Dropping the [`ItemStream`] stops the other two.

use std::future::Future;
use std::io::Read;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::sync::mpsc;

use super::error::{Error, ErrorKind};
use super::secret::Secret;
use super::{Inner, Prepared};
use crate::transport::{Body, TransportError};
use crate::xml::{ListStream, XmlType};

/// Chunks of the body waiting for the XML reader.
const CHUNKS_IN_FLIGHT: usize = 16;
/// Items read and not yet taken by the caller.
const ITEMS_IN_FLIGHT: usize = 32;

/// A reply whose status and headers arrived and whose body is still to be read.
pub(crate) struct Opened {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) permit: Option<tokio::sync::OwnedSemaphorePermit>,
    pub(crate) deadline: Option<tokio::time::Instant>,
    pub(crate) what: String,
}

/// The items of a collection reply, read from the body as it arrives.
///
/// Made by the `stream()` method of generated list requests (and by
/// [`Connection::stream_list`](super::Connection::stream_list)). Memory use
/// does not grow with the size of the collection: at most a few chunks of
/// the body and a few dozen items are held at any time. Take the items with
/// [`try_next`](Self::try_next) (or as a `futures` `Stream`). A transport
/// failure, a timeout or malformed XML is returned as the next item's
/// error, after which the stream ends.
///
/// ```no_run
/// # async fn demo<T: sdkgen_runtime::xml::XmlType + Send + 'static>(
/// #     mut items: sdkgen_runtime::connection::ItemStream<T>,
/// # ) -> Result<(), sdkgen_runtime::connection::Error> {
/// let mut count = 0;
/// while let Some(_item) = items.try_next().await? {
///     count += 1;
/// }
/// # Ok(()) }
/// ```
pub struct ItemStream<T> {
    items: mpsc::Receiver<Result<T, Error>>,
    pump: tokio::task::JoinHandle<()>,
}

impl<T> ItemStream<T> {
    /// The next item, `Ok(None)` at the end of the collection.
    pub async fn try_next(&mut self) -> Result<Option<T>, Error> {
        self.items.recv().await.transpose()
    }

    /// The next item or error, `None` at the end of the collection.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        self.items.recv().await
    }
}

impl<T> futures_core::Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.poll_recv(cx)
    }
}

impl<T> Drop for ItemStream<T> {
    fn drop(&mut self) {
        // Stops reading the body; the reader thread then sees the end of
        // its input and stops too.
        self.pump.abort();
    }
}

impl<T> std::fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream").finish_non_exhaustive()
    }
}

/// Checks the head of the reply and starts reading items from its body.
pub(crate) async fn start<T: XmlType + Send + 'static>(
    inner: Arc<Inner>,
    prepared: &Prepared,
    token: &Secret,
    opened: Opened,
) -> Result<ItemStream<T>, Error> {
    let Opened { status, headers, mut body, permit, deadline, what } = opened;
    let mut response = inner.response(prepared, token, status, headers, Vec::new());
    let xml = response.content_type().is_some_and(super::request::is_xml_content_type);
    if status != 200 || !xml {
        // A fault or an error page: small, read whole for the message.
        response.body = within(deadline, &what, body.read_all()).await?;
        let error = match response.check_xml_content_type() {
            _ if status != 200 => response.to_error(),
            Err(not_xml) => not_xml,
            Ok(()) => response.error(ErrorKind::InvalidResponse, "The response body is empty."),
        };
        return Err(error);
    }

    let (chunk_tx, chunk_rx) = mpsc::channel::<Result<Bytes, Error>>(CHUNKS_IN_FLIGHT);
    let (item_tx, item_rx) = mpsc::channel::<Result<T, Error>>(ITEMS_IN_FLIGHT);
    // The transport error behind an I/O error the XML reader reports.
    let failure: Arc<Mutex<Option<Error>>> = Arc::default();
    let gzip = body.is_gzip();

    let pump = tokio::spawn(async move {
        let _permit = permit;
        loop {
            let item = match within(deadline, &what, body.chunk()).await {
                Ok(Some(bytes)) => Ok(bytes),
                Ok(None) => break,
                Err(e) => Err(e),
            };
            let failed = item.is_err();
            if chunk_tx.send(item).await.is_err() || failed {
                break;
            }
        }
    });

    let reader: Box<dyn FnOnce() + Send> = Box::new(move || {
        let chunks = ChunkReader { chunks: chunk_rx, current: Bytes::new(), failure: failure.clone() };
        let source: Box<dyn Read + Send> =
            if gzip { Box::new(flate2::read::MultiGzDecoder::new(chunks)) } else { Box::new(chunks) };
        for item in ListStream::<T>::new(source) {
            let item = item.map_err(|e| match failure.lock().ok().and_then(|mut f| f.take()) {
                Some(transport) => transport,
                None => response.xml_error(e),
            });
            if item_tx.blocking_send(item).is_err() {
                break;
            }
        }
    });
    spawn_reader(reader);

    Ok(ItemStream { items: item_rx, pump })
}

/// Runs the XML reader of a stream on a blocking thread. Not generic on
/// purpose: the thread's task type is then instantiated here, once, and not
/// in every crate that streams some `T` (where proving that a deeply nested
/// generated type is `Send` would need a higher `recursion_limit`).
fn spawn_reader(reader: Box<dyn FnOnce() + Send>) {
    tokio::task::spawn_blocking(reader);
}

/// Reads (part of) the body within the deadline of the request.
async fn within<R>(
    deadline: Option<tokio::time::Instant>,
    what: &str,
    reading: impl Future<Output = Result<R, TransportError>>,
) -> Result<R, Error> {
    let read = match deadline {
        None => Ok(reading.await),
        Some(deadline) => tokio::time::timeout_at(deadline, reading).await,
    };
    match read {
        Ok(result) => Ok(result?),
        Err(_) => {
            Err(Error::new(ErrorKind::Timeout, format!("The reply to {what} was not complete within the timeout.")))
        }
    }
}

/// The body as a `std::io::Read`, fed by the chunk channel.
struct ChunkReader {
    chunks: mpsc::Receiver<Result<Bytes, Error>>,
    current: Bytes,
    failure: Arc<Mutex<Option<Error>>>,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                None => return Ok(0),
                Some(Ok(bytes)) => self.current = bytes,
                Some(Err(e)) => {
                    let message = e.message().to_owned();
                    if let Ok(mut slot) = self.failure.lock() {
                        *slot = Some(e);
                    }
                    return Err(std::io::Error::other(message));
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        let _ = self.current.split_to(n);
        Ok(n)
    }
}
