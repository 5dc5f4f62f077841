//! A loopback test-server kit, shared by every test that needs a server.
//!
//! [`Server`] listens on `127.0.0.1` over plain HTTP or TLS, records every
//! request it reads (method, target, headers, body, sized or chunked, with
//! `Expect: 100-continue` answered) and answers with whatever the test's
//! handler returns: a scripted [`Reply`] (status, headers, body, gzip,
//! delay), or one of the broken answers a real network produces (a body cut
//! short, a reply that stalls, raw bytes, no answer at all). It keeps
//! connections alive and counts them.
//!
//! Beside it: [`Proxy`], an HTTP CONNECT proxy; [`pki`], the certificates of
//! a test run; [`Capture`], a `tracing` subscriber that keeps every event as
//! text; [`Rng`], seeded random numbers for tests that generate their inputs.

mod capture;
mod pki;
mod proxy;
mod reply;
mod request;
mod rng;
mod server;

pub use capture::Capture;
pub use pki::{Pki, pki};
pub use proxy::Proxy;
pub use reply::Reply;
pub use request::{Recorded, decode_form};
pub use rng::Rng;
pub use server::Server;
