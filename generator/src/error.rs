//! Errors of the generator: every problem names the file, the entity and
//! the key it is about.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModelError {
    /// The model file the problem is in (relative to the model folder's parent
    /// when possible).
    pub file: PathBuf,
    /// The entity, e.g. `struct Vm` or `service Vms`, when known.
    pub entity: Option<String>,
    /// The key path inside the entity, e.g. `attributes.status`.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl ModelError {
    pub(crate) fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        ModelError { file: file.into(), entity: None, key: None, message: message.into() }
    }

    pub(crate) fn entity(mut self, entity: impl Into<String>) -> Self {
        self.entity = Some(entity.into());
        self
    }

    pub(crate) fn key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        if !key.is_empty() {
            self.key = Some(key);
        }
        self
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(entity) = &self.entity {
            write!(f, ": {entity}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ", {key}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything wrong with a model, sorted by file; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelErrors(pub Vec<ModelError>);

impl ModelErrors {
    /// The individual problems.
    pub fn iter(&self) -> impl Iterator<Item = &ModelError> {
        self.0.iter()
    }
}

impl fmt::Display for ModelErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "the model has {n} problem{}:", if n == 1 { "" } else { "s" })?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ModelErrors {}

/// Any failure of a generator run.
#[derive(Debug)]
pub enum Error {
    /// The model is invalid.
    Model(ModelErrors),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Emitted code did not parse as Rust: a generator bug, reported with the file.
    Emit {
        /// The output file.
        file: String,
        /// What `syn` said.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Model(e) => e.fmt(f),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Emit { file, message } => {
                write!(f, "generator bug: emitted code for {file} is not valid Rust: {message}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Model(e) => Some(e),
            Error::Io { source, .. } => Some(source),
            Error::Emit { .. } => None,
        }
    }
}

impl From<ModelErrors> for Error {
    fn from(e: ModelErrors) -> Self {
        Error::Model(e)
    }
}
