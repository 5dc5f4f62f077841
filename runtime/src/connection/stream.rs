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
use super::request::Response;
use super::secret::Secret;
use super::{Inner, Prepared};
use crate::transport::{Body, MAX_WHOLE_BODY, TransportError};
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
    let (response, body, pumped) = checked(&inner, prepared, token, opened).await?;
    let (chunk_tx, chunk_rx) = mpsc::channel::<Result<Bytes, Error>>(CHUNKS_IN_FLIGHT);
    let (item_tx, item_rx) = mpsc::channel::<Result<T, Error>>(ITEMS_IN_FLIGHT);
    let gzip = body.is_gzip();
    let pump = tokio::spawn(pump(body, chunk_tx, pumped));
    let reader: Box<dyn FnOnce() + Send> = Box::new(move || {
        let (source, failure) = body_source(Bytes::new(), chunk_rx, gzip, None);
        for item in ListStream::<T>::new(source) {
            let item = item.map_err(|e| failure.error_or(|| response.xml_error(e)));
            if item_tx.blocking_send(item).is_err() {
                break;
            }
        }
    });
    spawn_reader(reader);
    Ok(ItemStream { items: item_rx, pump })
}

/// Replies to a list up to this size are read whole and then parsed (and
/// logged whole with `debug`); larger ones are parsed as the rest arrives,
/// so that the bytes of a large reply are never held beside its values.
pub(crate) const READ_WHOLE_UP_TO: usize = 4 << 20;

/// Checks the head of a list reply and reads its items into a `Vec`: whole
/// up to [`READ_WHOLE_UP_TO`], as it arrives beyond. Either way no more
/// than 1 GiB of body (as received, and once decompressed) is read.
pub(crate) async fn collect<T: XmlType + Send + 'static>(
    inner: Arc<Inner>,
    prepared: &Prepared,
    token: &Secret,
    opened: Opened,
) -> Result<Vec<T>, Error> {
    let (mut response, mut body, mut pumped) = checked(&inner, prepared, token, opened).await?;
    let gzip = body.is_gzip();
    let mut head = Vec::new();
    while head.len() <= READ_WHOLE_UP_TO {
        let Some(bytes) = within(pumped.deadline, &pumped.what, body.chunk()).await? else {
            response.body = body.decode(head)?;
            let bytes = response.body.len();
            tracing::debug!(connection = %inner.label, url = %prepared.target(), bytes, "reply received");
            inner.log_reply_body(&response, token);
            return Ok(response.read_list::<T>()?.into_vec());
        };
        head.extend_from_slice(&bytes);
    }
    tracing::debug!(
        connection = %inner.label,
        url = %prepared.target(),
        "the reply is larger than {READ_WHOLE_UP_TO} bytes: its items are read as it arrives, and it is not logged"
    );
    let (chunk_tx, chunk_rx) = mpsc::channel::<Result<Bytes, Error>>(CHUNKS_IN_FLIGHT);
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<Result<Vec<T>, Error>>();
    pumped.limit = Some(MAX_WHOLE_BODY - head.len());
    let what = pumped.what.clone();
    let _stop_pump = AbortOnDrop(tokio::spawn(pump(body, chunk_tx, pumped)));
    let reader: Box<dyn FnOnce() + Send> = Box::new(move || {
        let (source, failure) = body_source(Bytes::from(head), chunk_rx, gzip, Some(what));
        let items = ListStream::<T>::new(source)
            .collect::<Result<Vec<T>, _>>()
            .map_err(|e| failure.error_or(|| response.xml_error(e)));
        let _ = done_tx.send(items);
    });
    spawn_reader(reader);
    done_rx.await.unwrap_or_else(|_| Err(Error::new(ErrorKind::InvalidResponse, "The list reader stopped.")))
}

/// The reply's head checked (see [`refuse_unless_xml`]): the response that
/// errors are made from, the body, and what reading the body needs.
async fn checked(
    inner: &Inner,
    prepared: &Prepared,
    token: &Secret,
    opened: Opened,
) -> Result<(Response, Body, Pumped), Error> {
    let Opened { status, headers, body, permit, deadline, what } = opened;
    let mut response = inner.response(prepared, token, status, headers, Vec::new());
    let body = refuse_unless_xml(&mut response, body, deadline, &what).await?;
    Ok((response, body, Pumped { permit, deadline, what, limit: None }))
}

/// A reply that is not a 200 with XML is an error; its (small) body is read
/// for the message.
async fn refuse_unless_xml(
    response: &mut Response,
    body: Body,
    deadline: Option<tokio::time::Instant>,
    what: &str,
) -> Result<Body, Error> {
    let xml = response.content_type().is_some_and(super::request::is_xml_content_type);
    if response.status == 200 && xml {
        return Ok(body);
    }
    response.body = within(deadline, what, body.read_all()).await?;
    Err(match response.check_xml_content_type() {
        _ if response.status != 200 => response.to_error(),
        Err(not_xml) => not_xml,
        Ok(()) => response.error(ErrorKind::InvalidResponse, "The response body is empty."),
    })
}

/// What the task that reads a body needs beside the body.
struct Pumped {
    permit: Option<tokio::sync::OwnedSemaphorePermit>,
    deadline: Option<tokio::time::Instant>,
    what: String,
    /// The most bytes it may read, if bounded.
    limit: Option<usize>,
}

/// Reads the body chunk by chunk into `chunks` until its end, an error or
/// the receiver's end (holding the connection's slot meanwhile).
async fn pump(mut body: Body, chunks: mpsc::Sender<Result<Bytes, Error>>, pumped: Pumped) {
    let Pumped { permit: _permit, deadline, what, limit } = pumped;
    let mut received = 0usize;
    loop {
        let item = match within(deadline, &what, body.chunk()).await {
            Ok(Some(bytes)) => {
                received += bytes.len();
                match limit {
                    Some(limit) if received > limit => Err(crate::transport::too_large(&what).into()),
                    _ => Ok(bytes),
                }
            }
            Ok(None) => break,
            Err(e) => Err(e),
        };
        let failed = item.is_err();
        if chunks.send(item).await.is_err() || failed {
            break;
        }
    }
}

/// Stops a task when dropped (when the future waiting on it is dropped).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
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

/// The transport error behind an I/O error the XML reader reports, kept
/// where the reader's caller can find it.
#[derive(Clone, Default)]
struct Failure(Arc<Mutex<Option<Error>>>);

impl Failure {
    fn set(&self, error: Error) -> std::io::Error {
        let message = error.message().to_owned();
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(error);
        }
        std::io::Error::other(message)
    }

    /// The transport error if there was one, else `otherwise()`.
    fn error_or(&self, otherwise: impl FnOnce() -> Error) -> Error {
        self.0.lock().ok().and_then(|mut f| f.take()).unwrap_or_else(otherwise)
    }
}

/// The body as a `std::io::Read`: the bytes already read (`current`), then
/// the chunk channel; decompressed when gzip, and no more than
/// [`MAX_WHOLE_BODY`] of it when `bounded` names the request (for the
/// message). The [`Failure`] holds the transport error behind a read error.
fn body_source(
    current: Bytes,
    chunks: mpsc::Receiver<Result<Bytes, Error>>,
    gzip: bool,
    bounded: Option<String>,
) -> (Box<dyn Read + Send>, Failure) {
    let failure = Failure::default();
    let raw = ChunkReader { chunks, current, failure: failure.clone() };
    let source: Box<dyn Read + Send> =
        if gzip { Box::new(flate2::read::MultiGzDecoder::new(raw)) } else { Box::new(raw) };
    match bounded {
        None => (source, failure),
        Some(what) => {
            let limited = Limited { inner: source, left: MAX_WHOLE_BODY, what, failure: failure.clone() };
            (Box::new(limited), failure)
        }
    }
}

/// The chunks of the channel as a `std::io::Read`.
struct ChunkReader {
    chunks: mpsc::Receiver<Result<Bytes, Error>>,
    current: Bytes,
    failure: Failure,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                None => return Ok(0),
                Some(Ok(bytes)) => self.current = bytes,
                Some(Err(e)) => return Err(self.failure.set(e)),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        let _ = self.current.split_to(n);
        Ok(n)
    }
}

/// A reader that fails once more than `left` bytes came out of it (a
/// decompressed body over the limit).
struct Limited {
    inner: Box<dyn Read + Send>,
    left: usize,
    what: String,
    failure: Failure,
}

impl Read for Limited {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.left.checked_sub(n) {
            Some(left) => {
                self.left = left;
                Ok(n)
            }
            None => Err(self.failure.set(crate::transport::too_large(&self.what).into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limited_body_fails_past_its_limit_with_the_transport_error() {
        let failure = Failure::default();
        let inner: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(vec![b'x'; 100]));
        let mut limited = Limited { inner, left: 64, what: "GET https://h/api/vms".into(), failure: failure.clone() };
        let mut out = Vec::new();
        let err = limited.read_to_end(&mut out).unwrap_err();
        assert!(out.len() <= 64, "{}", out.len());
        assert!(err.to_string().contains("larger than 1 GiB"), "{err}");
        let error = failure.error_or(|| Error::new(ErrorKind::Xml, "not this one"));
        assert_eq!(error.to_string(), err.to_string());

        let inner: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(vec![b'x'; 64]));
        let mut exact = Limited { inner, left: 64, what: String::new(), failure: Failure::default() };
        assert_eq!(exact.read_to_end(&mut Vec::new()).unwrap(), 64);
    }
}
