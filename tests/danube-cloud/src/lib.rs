//! Test support for the generated Danube Cloud SDK (`danube-cloud-sdk`).
//!
//! - [`fake`]: an in-memory Danube Cloud API on `sdkgen-testkit`, with the
//!   real server's rules (trailing slashes, JSON bodies, API key and token
//!   authentication, envelopes, 201 tasks that are polled to the end) and
//!   knobs a test turns to script errors and slow or failing tasks.
//! - [`oracle`]: runs the `esdc-api` Python client (the peer) against a
//!   recording server and compares what it sent with what the SDK sent.
//! - [`http`]: a minimal HTTP/1.1 client for tests of the fake itself.
//! - [`samples`]: the JSON shapes (VM, task log entry) both use.

pub mod fake;
pub mod http;
pub mod oracle;
pub mod samples;
