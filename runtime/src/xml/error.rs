//! The one error type of the XML layer.

use std::fmt;

/// What went wrong while reading or writing XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The bytes are not well-formed XML (including invalid UTF-8 and a
    /// document that ends too early).
    Syntax,
    /// The document declares a DOCTYPE; entity declarations are a classic
    /// attack (billion laughs) and the API never sends one.
    Doctype,
    /// A reference to an entity that XML does not predefine (`&lol;`).
    UnknownEntity,
    /// Elements are nested deeper than the reader allows.
    TooDeep,
    /// A text value is longer than the reader allows.
    TooLarge,
    /// A value does not parse as its type (a boolean, integer, decimal or date).
    InvalidValue,
    /// The root element is not the one expected, or not a document of this API.
    UnexpectedRoot,
    /// Text that XML 1.0 cannot carry (for example U+0000) was given to the writer.
    UnwritableText,
    /// Reading from the underlying source failed.
    Io,
}

/// An error of the XML reader or writer, with the element path and the
/// byte offset where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    kind: XmlErrorKind,
    message: String,
    path: String,
    offset: Option<u64>,
}

impl XmlError {
    pub(crate) fn new(kind: XmlErrorKind, message: impl Into<String>) -> Self {
        XmlError { kind, message: message.into(), path: String::new(), offset: None }
    }

    pub(crate) fn at(mut self, path: &str, offset: u64) -> Self {
        if self.path.is_empty() {
            self.path = path.to_owned();
        }
        if self.offset.is_none() {
            self.offset = Some(offset);
        }
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> XmlErrorKind {
        self.kind
    }

    /// The problem, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The element path, such as `/vms/vm/cpu/topology` (empty when the
    /// problem is not inside an element).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The byte offset in the document, when reading.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match (self.path.is_empty(), self.offset) {
            (false, Some(o)) => write!(f, " (at {}, byte {o})", self.path),
            (false, None) => write!(f, " (at {})", self.path),
            (true, Some(o)) => write!(f, " (at byte {o})"),
            (true, None) => Ok(()),
        }
    }
}

impl std::error::Error for XmlError {}
