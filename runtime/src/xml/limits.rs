//! The reader's limits. A document in memory is checked token by token; a
//! stream is checked while a token is still arriving, before more of it is
//! read than its limit allows (see the reader's `Window`).

use super::error::XmlErrorKind;

/// The most a reader accepts of each thing in a document. The defaults are
/// far above what an oVirt engine sends and bound the memory one read can
/// take; [`XmlReader::with_limits`](super::XmlReader::with_limits) and
/// [`ListStream::with_limits`](super::ListStream::with_limits) raise or
/// lower them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlLimits {
    /// Deepest nesting of elements (default 128).
    pub depth: usize,
    /// Longest text value, CDATA section, comment or processing
    /// instruction, in bytes (default 16 MiB).
    pub text: usize,
    /// Longest attribute value, in bytes (default 1 MiB).
    pub attribute_value: usize,
    /// Longest start or end tag, all its attributes included, in bytes
    /// (default 4 MiB).
    pub tag: usize,
    /// Longest element or attribute name, in bytes (default 1 KiB).
    pub name: usize,
    /// Most attributes on one element (default 256).
    pub attributes: usize,
    /// Most items of one list inside an object, such as the `<nic>` items of
    /// a `<vm>`'s `<nics>` (default 100,000). The collection a document or a
    /// [`ListStream`](super::ListStream) is made of is not limited: a whole
    /// document is bounded by its size, a stream holds one item at a time.
    pub list_items: usize,
}

impl XmlLimits {
    /// The default limits.
    pub const DEFAULT: XmlLimits = XmlLimits {
        depth: 128,
        text: 16 << 20,
        attribute_value: 1 << 20,
        tag: 4 << 20,
        name: 1 << 10,
        attributes: 256,
        list_items: 100_000,
    };

    /// Every limit at its largest: for trusted documents only.
    pub const UNLIMITED: XmlLimits = XmlLimits {
        depth: usize::MAX,
        text: usize::MAX,
        attribute_value: usize::MAX,
        tag: usize::MAX,
        name: usize::MAX,
        attributes: usize::MAX,
        list_items: usize::MAX,
    };
}

impl Default for XmlLimits {
    fn default() -> Self {
        XmlLimits::DEFAULT
    }
}

/// Which limit a document went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    Depth,
    Text,
    AttributeValue,
    Tag,
    Name,
    Attributes,
    ListItems,
}

impl Limit {
    /// The field of [`XmlLimits`] that holds it.
    pub(crate) fn field(self) -> &'static str {
        match self {
            Limit::Depth => "depth",
            Limit::Text => "text",
            Limit::AttributeValue => "attribute_value",
            Limit::Tag => "tag",
            Limit::Name => "name",
            Limit::Attributes => "attributes",
            Limit::ListItems => "list_items",
        }
    }

    pub(crate) fn value(self, limits: &XmlLimits) -> usize {
        match self {
            Limit::Depth => limits.depth,
            Limit::Text => limits.text,
            Limit::AttributeValue => limits.attribute_value,
            Limit::Tag => limits.tag,
            Limit::Name => limits.name,
            Limit::Attributes => limits.attributes,
            Limit::ListItems => limits.list_items,
        }
    }

    pub(crate) fn kind(self) -> XmlErrorKind {
        match self {
            Limit::Depth => XmlErrorKind::TooDeep,
            _ => XmlErrorKind::TooLarge,
        }
    }

    /// One sentence: what went over which limit, and how to raise it.
    pub(crate) fn message(self, limits: &XmlLimits, what: &str) -> String {
        let (unit, noun) = match self {
            Limit::Depth => ("levels", "nesting"),
            Limit::Attributes => ("attributes", "element"),
            Limit::ListItems => ("items", "list"),
            _ => ("bytes", "size"),
        };
        format!(
            "{what} goes over the {noun} limit of {} {unit} (raise `XmlLimits::{}` to accept it)",
            self.value(limits),
            self.field()
        )
    }
}
