//! The code examples of the repository's README, compiled as doc tests of
//! this crate, which depends on every generated SDK as a user's crate would
//! (the quick starts are `no_run`: they need a server).

/// The README, whose Rust blocks are the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
