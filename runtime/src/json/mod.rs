//! Clients of JSON APIs: one runtime for every JSON API a model describes.
//!
//! Everything that differs between two JSON APIs comes from a [`Protocol`]
//! value (the generator emits it from the model's `api.yaml`): trailing
//! slashes, a client-wide path prefix, the reply envelope, long-running
//! tasks, how errors are read, and the authentication schemes. A
//! [`JsonClient`] built for it sends each operation as a [`JsonCall`]:
//!
//! * parameters go to the query for `GET` and into a JSON object body for
//!   every other method (`DELETE` included, `{}` when there are none);
//! * the reply is read into the operation's type with `serde`, through the
//!   envelope's `result` when the reply has one; unknown members are
//!   ignored, and a reply of the wrong shape is an error of kind
//!   [`Json`](crate::connection::ErrorKind::Json) naming the JSON path;
//! * a reply that says a task is still running is polled at the task's
//!   status path with a back-off until it finishes (or the deadline passes);
//! * an error reply becomes an [`Error`](crate::connection::Error) whose kind
//!   follows the status, whose message is the body's message member, and
//!   whose [`detail`](crate::connection::Error::detail) keeps it as JSON;
//! * redirects are never followed.
//!
//! Secrets (API keys, passwords, tokens, signatures) never appear in logs,
//! errors or `Debug` output. Every future is `Send`.

mod auth;
mod call;
mod client;
mod error;
mod protocol;
mod task;

pub use auth::{SignFuture, SignRequest, Signer};
pub use call::{JsonCall, Reply, Started};
pub use client::{JsonClient, JsonClientBuilder};
pub use protocol::{AuthScheme, Envelope, Errors, Protocol, Tasks};
pub use task::Task;

/// Percent-encodes one path segment (`/ ? # %`, space, non-ASCII), the same rule as the oVirt locators:
/// every character other than letters, digits and `-._~` is escaped.
///
/// ```
/// assert_eq!(sdkgen_runtime::json::encode_segment("my vm/1"), "my%20vm%2F1");
/// ```
pub fn encode_segment(segment: &str) -> String {
    crate::connection::path::encode_id(segment)
}
