//! The one error type of the XML layer.

use std::fmt;

/// What went wrong while reading or writing XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The bytes are not well-formed XML (including invalid UTF-8, a
    /// document that ends too early, and a value holding a character XML
    /// does not allow, such as U+0001).
    Syntax,
    /// The document declares a DOCTYPE; entity declarations are a classic
    /// attack (billion laughs) and the API never sends one.
    Doctype,
    /// A reference to an entity that XML does not predefine (`&lol;`).
    UnknownEntity,
    /// Elements are nested deeper than the reader's
    /// [`XmlLimits::depth`](super::XmlLimits::depth).
    TooDeep,
    /// A text value, attribute value, name, tag, attribute count or list
    /// goes over its limit in [`XmlLimits`](super::XmlLimits).
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
///
/// The details are boxed so that a `Result<_, XmlError>` stays small: the
/// generated readers hold many of them in their (recursive) stack frames.
#[derive(Clone, PartialEq, Eq)]
pub struct XmlError(Box<Details>);

#[derive(Clone, PartialEq, Eq)]
struct Details {
    kind: XmlErrorKind,
    message: String,
    path: String,
    offset: Option<u64>,
}

impl XmlError {
    pub(crate) fn new(kind: XmlErrorKind, message: impl Into<String>) -> Self {
        XmlError(Box::new(Details { kind, message: message.into(), path: String::new(), offset: None }))
    }

    pub(crate) fn at(mut self, path: &str, offset: u64) -> Self {
        if self.0.path.is_empty() {
            self.0.path = path.to_owned();
        }
        if self.0.offset.is_none() {
            self.0.offset = Some(offset);
        }
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> XmlErrorKind {
        self.0.kind
    }

    /// The problem, without the location.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The element path, such as `/vms/vm/cpu/topology` (empty when the
    /// problem is not inside an element).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// The byte offset in the document, when reading.
    pub fn offset(&self) -> Option<u64> {
        self.0.offset
    }
}

/// Shows the fields, as a derived `Debug` of an unboxed struct would.
impl fmt::Debug for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XmlError")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("path", &self.0.path)
            .field("offset", &self.0.offset)
            .finish()
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)?;
        match (self.0.path.is_empty(), self.0.offset) {
            (false, Some(o)) => write!(f, " (at {}, byte {o})", self.0.path),
            (false, None) => write!(f, " (at {})", self.0.path),
            (true, Some(o)) => write!(f, " (at byte {o})"),
            (true, None) => Ok(()),
        }
    }
}

impl std::error::Error for XmlError {}
