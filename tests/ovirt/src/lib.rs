//! Tests of the generated `ovirt-sdk` crate, from a crate that uses it the
//! way an application does: it depends on the SDK and nothing else of the
//! project, and keeps the compiler's default `recursion_limit`.
//!
//! [`spawns`] is written by `cargo xtask generate` from the model: it hands
//! every public future of the SDK to `tokio::spawn` (every request builder's
//! `send()`, every list's `stream()`, `follow_link` and `follow_list_link`
//! for every type, and a task holding an `xml::Document`), so this crate
//! compiles only if every one of them is `Send + 'static` in a user's
//! crate. `tests/spawned.rs` then runs them all on a multi-thread runtime.
//!
//! The other tests of the SDK sit beside it in `tests/`: its use as an
//! application writes it (`api_usage.rs`, `ovirt_types.rs`), path resolution
//! (`service_paths.rs`), the XML readers and writers (`xml_*.rs`, with the
//! engine replies in `tests/data/`) and wire compatibility with the official
//! Python SDK (`wire_methods.rs`, `xml_oracle.rs`, with the oracles and the
//! generated call table in `tests/oracle/`). Only they use more of the
//! project: the loopback server of `sdkgen-testkit`, and `sdkgen` to walk
//! every service and type of the model. `benches/` holds the XML benchmark
//! and the two programs whose peak memory `cargo xtask bench` measures.

#[rustfmt::skip]
pub mod spawns;
