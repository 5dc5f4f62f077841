//! XML reading and writing for generated types.
//!
//! The layer has its own tokenizer (`tokens.rs`), which reads a document in
//! memory without copying and a stream through a window that holds one
//! token at a time. [`XmlReader`] is a cursor with the few operations
//! generated readers need; [`XmlWriter`] writes into a `String`. Every
//! generated struct implements [`XmlType`], and the functions here read and
//! write any of them:
//!
//! * [`from_xml`] / [`to_xml`]: one object;
//! * [`list_from_xml`] / [`list_to_xml`]: a collection document (`<vms>`);
//! * [`ListStream`]: a collection read item by item from any `std::io::Read`,
//!   in constant memory.
//!
//! Every read applies [`XmlLimits`] (text and attribute sizes, names,
//! attributes per element, depth, items per list); on a stream they apply
//! to the bytes as they arrive, so memory stays bounded by the limits
//! whatever the source sends.
//!
//! Reading is strict about well-formedness and lenient about content:
//! unknown elements and attributes are skipped at any depth, unknown enum
//! values are kept. A DOCTYPE, an undeclared entity, anything over a limit
//! and malformed values are errors that name the element path and the byte
//! offset; nothing panics.

mod error;
mod limits;
mod reader;
mod tokens;
mod values;
mod writer;

use std::io::Read;
use std::marker::PhantomData;

pub use error::{XmlError, XmlErrorKind};
pub use limits::XmlLimits;
pub use reader::{Tag, XmlReader};
pub use values::{link_list, parse_bool, parse_decimal};
pub use writer::XmlWriter;

use crate::List;

/// A type that has an XML form. Implemented by generated code.
pub trait XmlType: Default {
    /// Element name of one object (`vm`).
    const TAG: &'static str;
    /// Element name of a collection (`vms`).
    const PLURAL: &'static str;

    /// Fills `self` from the element the reader has just entered (its
    /// attributes and children), leaving the element.
    fn read_into(&mut self, reader: &mut XmlReader<'_>) -> Result<(), XmlError>;

    /// Writes `self` as the element `tag`.
    fn write(&self, writer: &mut XmlWriter, tag: &str);
}

fn expect_root(reader: &mut XmlReader<'_>, expected: &str) -> Result<(), XmlError> {
    let tag = reader.root()?;
    if tag.as_bytes() != expected.as_bytes() {
        return Err(reader.error(
            XmlErrorKind::UnexpectedRoot,
            format!("expected the document <{expected}>, found <{}>", tag.as_str()),
        ));
    }
    Ok(())
}

/// Reads one object whose document root is `T::TAG`.
pub fn from_xml<T: XmlType>(bytes: &[u8]) -> Result<T, XmlError> {
    let mut reader = XmlReader::from_slice(bytes);
    expect_root(&mut reader, T::TAG)?;
    let mut value = T::default();
    value.read_into(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// Reads a collection document whose root is `T::PLURAL`; the list keeps
/// the root's `href`.
pub fn list_from_xml<T: XmlType>(bytes: &[u8]) -> Result<List<T>, XmlError> {
    let mut reader = XmlReader::from_slice(bytes);
    expect_root(&mut reader, T::PLURAL)?;
    let list = read_list_element(&mut reader)?;
    reader.finish()?;
    Ok(list)
}

/// Reads the collection element the reader has just entered.
/// The number of items is not limited: the document holds them all.
pub fn read_list_element<T: XmlType>(reader: &mut XmlReader<'_>) -> Result<List<T>, XmlError> {
    let mut list = None;
    reader.read_struct_items(&mut list, usize::MAX)?;
    Ok(list.unwrap_or_default())
}

/// Writes one object as a document whose root is `T::TAG`.
pub fn to_xml<T: XmlType>(value: &T) -> Result<String, XmlError> {
    let mut writer = XmlWriter::with_capacity(1024);
    value.write(&mut writer, T::TAG);
    writer.finish()
}

/// Writes a collection document with the root element `root` (usually
/// `T::PLURAL`) and one `T::TAG` element per item.
pub fn list_to_xml<T: XmlType>(items: &[T], root: &str) -> Result<String, XmlError> {
    let mut writer = XmlWriter::with_capacity(1024 * (items.len() + 1));
    writer.start(root);
    for item in items {
        item.write(&mut writer, T::TAG);
    }
    writer.end(root);
    writer.finish()
}

/// Reads a collection document item by item from a byte source, holding
/// only one item at a time: iterate it to get each `T` (or the first error,
/// after which it ends).
pub struct ListStream<'a, T> {
    reader: XmlReader<'a>,
    started: bool,
    done: bool,
    href: Option<String>,
    item: PhantomData<fn() -> T>,
}

impl<'a, T: XmlType> ListStream<'a, T> {
    /// A stream over `source`, which must hold a `T::PLURAL` document.
    pub fn new(source: impl Read + 'a) -> Self {
        Self::from_reader(XmlReader::from_read(source))
    }

    /// Replaces the limits of the reader (by default [`XmlLimits::DEFAULT`]).
    /// The items of the collection are not counted: one is held at a time.
    pub fn with_limits(mut self, limits: XmlLimits) -> Self {
        self.reader = self.reader.with_limits(limits);
        self
    }

    /// A stream over an already configured reader.
    pub fn from_reader(reader: XmlReader<'a>) -> Self {
        ListStream { reader, started: false, done: false, href: None, item: PhantomData }
    }

    /// The `href` of the collection, once the first item (or the end) was read.
    pub fn href(&self) -> Option<&str> {
        self.href.as_deref()
    }

    fn advance(&mut self) -> Result<Option<T>, XmlError> {
        if !self.started {
            self.started = true;
            expect_root(&mut self.reader, T::PLURAL)?;
            self.href = self.reader.attr("href")?;
        }
        while let Some(tag) = self.reader.next_child()? {
            if tag.as_bytes() == T::TAG.as_bytes() {
                let mut item = T::default();
                item.read_into(&mut self.reader)?;
                return Ok(Some(item));
            }
            self.reader.skip()?;
        }
        self.reader.finish()?;
        Ok(None)
    }
}

impl<T: XmlType> Iterator for ListStream<'_, T> {
    type Item = Result<T, XmlError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.advance() {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl<T: XmlType> std::iter::FusedIterator for ListStream<'_, T> {}
