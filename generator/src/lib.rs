//! `sdkgen` turns a YAML model of an API into a Rust SDK crate.
//!
//! The pipeline has three stages, each in its own module:
//!
//! 1. [`model`]: read every YAML file of a model folder into plain structures
//!    that mirror the files (unknown keys are errors);
//! 2. [`ir`]: resolve and check everything, deciding every Rust and XML name
//!    once; all problems are collected and reported with file, entity and key;
//! 3. [`emit`]: produce the files of the crate with `quote`, formatted by
//!    `prettyplease`, sorted so the output is byte-identical on every run.
//!
//! The model language is documented in `model/README.md`.

pub mod emit;
pub mod error;
pub mod ir;
pub mod model;
pub mod names;
pub mod protocol;

use std::path::Path;

pub use emit::{Options, OutputFile};
pub use error::{Error, ModelError, ModelErrors};

/// Reads and checks a model folder.
pub fn load(model_dir: &Path) -> Result<ir::Api, ModelErrors> {
    let raw = model::read_model(model_dir)?;
    ir::build(&raw)
}

/// Reads, checks and emits: every file of the generated crate, sorted by path.
pub fn generate(model_dir: &Path, options: &Options) -> Result<Vec<OutputFile>, Error> {
    let api = load(model_dir)?;
    emit::emit(&api, options)
}

/// Reads, checks and emits the spawn check of the API's test crate (XML
/// APIs; `None` for the others).
pub fn generate_spawn_check(model_dir: &Path, options: &Options) -> Result<Option<OutputFile>, Error> {
    let api = load(model_dir)?;
    emit::emit_spawn_check(&api, options)
}

/// Reads, checks and emits the call table of the method-level wire test
/// (XML APIs; `None` for the others).
pub fn generate_call_table(model_dir: &Path, options: &Options) -> Result<Option<OutputFile>, Error> {
    let api = load(model_dir)?;
    emit::emit_call_table(&api, options)
}
