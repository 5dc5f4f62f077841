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
mod envelope;
mod error;
mod pages;
mod protocol;
mod task;

pub use auth::{SignFuture, SignRequest, Signer};
pub use call::{JsonCall, Reply, Started, decode_body};
pub use client::{JsonClient, JsonClientBuilder};
pub use pages::{JsonPages, Paging};
pub use protocol::{AuthScheme, Envelope, Errors, LoginScheme, Protocol, Tasks};
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

/// `base` and `segment` joined with one `/` (either may be empty): the path
/// of a service or method below the one it hangs from.
///
/// ```
/// use sdkgen_runtime::json::join_path;
/// assert_eq!(join_path("", "vm"), "vm");
/// assert_eq!(join_path("vm", "web01"), "vm/web01");
/// assert_eq!(join_path("task/1", ""), "task/1");
/// ```
pub fn join_path(base: &str, segment: &str) -> String {
    match (base.is_empty(), segment.is_empty()) {
        (true, _) => segment.to_owned(),
        (_, true) => base.to_owned(),
        _ => format!("{base}/{segment}"),
    }
}

/// A value of a generated type as a request parameter. Generated types
/// only hold strings, numbers, booleans, lists and objects with string
/// keys, which always convert; anything that would not (a custom type
/// whose `Serialize` fails) becomes `null`, which leaves the parameter out.
pub fn to_param<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
