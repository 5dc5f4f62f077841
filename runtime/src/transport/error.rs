//! What can go wrong on the way: one error per step of an exchange, with a
//! sentence naming the host or the request, and the cause kept.

use std::fmt;

/// The step of an exchange that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The request itself can't be sent (a URL HTTP can't carry).
    Request,
    /// Resolving the host name.
    Resolve,
    /// Opening the TCP connection (to the server or the proxy).
    Connect,
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// The proxy would not open a tunnel.
    Proxy,
    /// The TLS handshake, or TLS later on.
    Tls,
    /// Sending the request or waiting for the head of the reply.
    Exchange,
    /// The server closed the connection before it replied.
    Closed,
    /// The reply is not HTTP the client can read.
    Protocol,
    /// Reading the body of the reply.
    Body,
    /// The body could not be decompressed, or is larger than allowed.
    Decode,
}

/// A failure of the transport: a plain sentence (`message`) for people, the
/// step for programs, and the underlying error as [`std::error::Error::source`].
pub(crate) struct TransportError {
    pub(crate) step: Step,
    pub(crate) message: String,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    pub(crate) fn new(step: Step, message: String) -> TransportError {
        TransportError { step, message, source: None }
    }

    pub(crate) fn caused_by(mut self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> TransportError {
        self.source = Some(source.into());
        self
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError").field("step", &self.step).field("message", &self.message).finish()
    }
}

/// What an I/O error means, in a few lower-case words: `connection
/// refused`, `connection reset by the server`, … (the error's own text
/// for kinds without a plainer name).
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let plain = match e.kind() {
        K::ConnectionRefused => "connection refused",
        K::ConnectionReset => "the connection was reset",
        K::ConnectionAborted => "the connection was aborted",
        K::BrokenPipe | K::UnexpectedEof => "the connection was closed",
        K::TimedOut => "the attempt timed out",
        K::HostUnreachable => "the host is unreachable",
        K::NetworkUnreachable => "the network is unreachable",
        K::AddrNotAvailable => "the address is not available",
        K::PermissionDenied => "permission denied",
        _ => return e.to_string(),
    };
    plain.to_owned()
}

/// The first error of `kind` in the chain of causes of `error` (stepping
/// into `io::Error`s, which report the source of what they wrap instead of
/// the wrapped error itself).
pub(crate) fn find_cause<'a, E: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut current = Some(error);
    // Bounded, in case a cause refers back to itself.
    for _ in 0..32 {
        let e = current?;
        if let Some(found) = e.downcast_ref::<E>() {
            return Some(found);
        }
        current = match e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_read_plainly() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(io_reason(&refused), "connection refused");
        let other = std::io::Error::other("something odd");
        assert_eq!(io_reason(&other), "something odd");
    }

    #[test]
    fn causes_are_found_inside_io_errors() {
        let tls = rustls::Error::General("bad".into());
        let io = std::io::Error::other(tls);
        let found: Option<&rustls::Error> = find_cause(&io);
        assert_eq!(found.map(ToString::to_string), Some("unexpected error: bad".to_owned()));
        let plain = std::io::Error::other("x");
        let none: Option<&rustls::Error> = find_cause(&plain);
        assert!(none.is_none());
    }
}
