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

#[rustfmt::skip]
pub mod spawns;
