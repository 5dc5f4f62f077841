//! A pull reader over `quick-xml` with the cursor operations generated
//! readers need, the limits of [`XmlLimits`], DOCTYPE rejection and located
//! errors.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::Read;
use std::ops::Range;

use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use super::error::{XmlError, XmlErrorKind};
use super::limits::{Limit, LimitExceeded, LimitedSource, XmlLimits};
use crate::snippet;

/// Bytes a stream reads from its source at a time.
const STREAM_BUFFER: usize = 64 << 10;

/// Longest element name a [`Tag`] holds; longer names are never names of
/// the model, so they are treated as unknown elements.
const TAG_CAPACITY: usize = 62;

/// The name of an element, copied out of the reader so that generated code
/// can `match tag.as_bytes()` while it goes on reading.
#[derive(Clone, Copy)]
pub struct Tag {
    len: u8,
    bytes: [u8; TAG_CAPACITY],
}

impl Tag {
    fn new(name: &[u8]) -> Tag {
        let mut bytes = [0; TAG_CAPACITY];
        if name.len() > TAG_CAPACITY {
            // Too long to be a model name: an empty tag matches nothing.
            return Tag { len: 0, bytes };
        }
        bytes[..name.len()].copy_from_slice(name);
        Tag { len: name.len() as u8, bytes }
    }

    /// A tag holding `name` (empty when longer than any model name).
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(name: &str) -> Tag {
        Tag::new(name.as_bytes())
    }

    /// The element name (empty for a name too long to be one of the model's).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// The element name as text (lossy for a name that is not valid UTF-8).
    pub fn as_str(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}>", self.as_str())
    }
}

enum Source<'a> {
    Slice(quick_xml::Reader<&'a [u8]>),
    Stream { reader: Box<quick_xml::Reader<LimitedSource<Box<dyn Read + 'a>>>>, buf: Vec<u8> },
}

impl<'a> Source<'a> {
    fn next(&mut self) -> Result<Event<'a>, quick_xml::Error> {
        match self {
            Source::Slice(r) => r.read_event(),
            Source::Stream { reader, buf } => {
                buf.clear();
                reader.read_event_into(buf).map(Event::into_owned)
            }
        }
    }

    fn position(&self) -> u64 {
        match self {
            Source::Slice(r) => r.buffer_position(),
            Source::Stream { reader, .. } => reader.buffer_position(),
        }
    }

    fn error_position(&self) -> u64 {
        match self {
            Source::Slice(r) => r.error_position(),
            Source::Stream { reader, .. } => reader.error_position(),
        }
    }
}

/// Reads one XML document element by element.
///
/// The reader is a cursor. [`root`](Self::root) and
/// [`next_child`](Self::next_child) *enter* an element; the caller then
/// consumes it with exactly one of [`read_text`](Self::read_text),
/// [`skip`](Self::skip), or a loop of `next_child` until it returns `None`.
pub struct XmlReader<'a> {
    source: Source<'a>,
    /// The start tag of the element entered last.
    current: Option<BytesStart<'a>>,
    /// The element entered last was `<x/>`: it has no content and no end tag.
    current_empty: bool,
    /// The attributes of `current`, parsed once on the first `attr` call.
    attrs: RefCell<ParsedAttrs>,
    /// Names of the open elements joined by `/`, for error messages.
    path: String,
    marks: Vec<usize>,
    limits: XmlLimits,
}

impl<'a> XmlReader<'a> {
    /// A reader over a whole document in memory (the fastest way).
    pub fn from_slice(bytes: &'a [u8]) -> Self {
        Self::new(Source::Slice(quick_xml::Reader::from_reader(bytes)))
    }

    /// A reader that pulls the document from `source` as it goes, holding
    /// only the current element in memory. The limits apply to the bytes as
    /// they arrive, before any is buffered.
    pub fn from_read(source: impl Read + 'a) -> Self {
        let boxed: Box<dyn Read + 'a> = Box::new(source);
        let limited = LimitedSource::new(boxed, XmlLimits::DEFAULT, STREAM_BUFFER);
        Self::new(Source::Stream {
            reader: Box::new(quick_xml::Reader::from_reader(limited)),
            buf: Vec::with_capacity(1024),
        })
    }

    fn new(mut source: Source<'a>) -> Self {
        let config = match &mut source {
            Source::Slice(r) => r.config_mut(),
            Source::Stream { reader, .. } => reader.config_mut(),
        };
        config.check_end_names = true;
        config.expand_empty_elements = false;
        XmlReader {
            source,
            current: None,
            current_empty: false,
            attrs: RefCell::new(ParsedAttrs::default()),
            path: String::new(),
            marks: Vec::new(),
            limits: XmlLimits::DEFAULT,
        }
    }

    /// Replaces the limits (by default [`XmlLimits::DEFAULT`]).
    pub fn with_limits(mut self, limits: XmlLimits) -> Self {
        self.limits = limits;
        if let Source::Stream { reader, .. } = &mut self.source {
            reader.get_mut().set_limits(limits);
        }
        self
    }

    /// The limits this reader applies.
    pub fn limits(&self) -> XmlLimits {
        self.limits
    }

    /// Sets the deepest element nesting accepted.
    pub fn with_max_depth(self, depth: usize) -> Self {
        let limits = XmlLimits { depth, ..self.limits };
        self.with_limits(limits)
    }

    /// Sets the longest text value accepted, in bytes.
    pub fn with_max_text(self, bytes: usize) -> Self {
        let limits = XmlLimits { text: bytes, ..self.limits };
        self.with_limits(limits)
    }

    /// The path of the element the reader is in, such as `/vms/vm/name`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The byte offset the reader has reached.
    pub fn offset(&self) -> u64 {
        self.source.position()
    }

    /// An error of `kind` located at the current element and offset.
    pub fn error(&self, kind: XmlErrorKind, message: impl Into<String>) -> XmlError {
        XmlError::new(kind, message).at(&self.path, self.source.position())
    }

    fn event(&mut self) -> Result<Event<'a>, XmlError> {
        match self.source.next() {
            Ok(Event::DocType(_)) => Err(self.error(XmlErrorKind::Doctype, "DOCTYPE declarations are not accepted")),
            Ok(e) => Ok(e),
            Err(quick_xml::Error::Io(io)) => {
                if let Some(over) = io.get_ref().and_then(|e| e.downcast_ref::<LimitExceeded>()) {
                    let path = self.path_with(over.element.as_deref());
                    return Err(self.over_limit(over.limit, &over.what).at(&path, over.offset));
                }
                let offset = self.source.error_position();
                Err(XmlError::new(XmlErrorKind::Io, format!("reading the XML failed: {io}")).at(&self.path, offset))
            }
            Err(e) => {
                let offset = self.source.error_position();
                Err(XmlError::new(XmlErrorKind::Syntax, format!("malformed XML: {e}")).at(&self.path, offset))
            }
        }
    }

    /// The error for `what` going over `limit` (not yet located).
    fn over_limit(&self, limit: Limit, what: &str) -> XmlError {
        XmlError::new(limit.kind(), limit.message(&self.limits, what))
    }

    /// The error for `what` going over `limit`, at the current element.
    pub(crate) fn limit_error(&self, limit: Limit, what: &str) -> XmlError {
        self.over_limit(limit, what).at(&self.path, self.source.position())
    }

    /// The error for the tag of `element`, a child of the current element,
    /// going over `limit`.
    fn tag_limit_error(&self, limit: Limit, element: &str, what: &str) -> XmlError {
        self.over_limit(limit, what).at(&self.path_with(Some(element)), self.source.position())
    }

    /// The current path, with `child` added when given.
    fn path_with(&self, child: Option<&str>) -> String {
        match child {
            Some(name) => format!("{}/{name}", self.path),
            None => self.path.clone(),
        }
    }

    /// Checks a start tag against the limits. A stream's tags were checked
    /// as they arrived; this covers documents in memory, without copying.
    fn check_tag(&self, start: &BytesStart<'_>) -> Result<(), XmlError> {
        let l = &self.limits;
        // An attribute takes at least four bytes (` a=""`): a tag this short
        // cannot go over any limit.
        if start.len() <= l.tag.min(l.name).min(l.attribute_value).min(l.attributes.saturating_mul(4)) {
            return Ok(());
        }
        let name = snippet(start.name().as_ref());
        if start.name().as_ref().len() > l.name {
            return Err(self.limit_error(Limit::Name, &format!("the element name <{name}>")));
        }
        if start.len() > l.tag {
            return Err(self.tag_limit_error(Limit::Tag, &name, &format!("the tag <{name}>")));
        }
        for (count, attr) in start.attributes().with_checks(false).enumerate() {
            let Ok(attr) = attr else { break }; // malformed: reported when read
            let over = if count >= l.attributes {
                Some((Limit::Attributes, "the element"))
            } else if attr.key.as_ref().len() > l.name {
                Some((Limit::Name, "an attribute name of"))
            } else if attr.value.len() > l.attribute_value {
                Some((Limit::AttributeValue, "an attribute value of"))
            } else {
                None
            };
            if let Some((limit, what)) = over {
                return Err(self.tag_limit_error(limit, &name, &format!("{what} <{name}>")));
            }
        }
        Ok(())
    }

    fn enter(&mut self, start: BytesStart<'a>, empty: bool) -> Result<Tag, XmlError> {
        if self.marks.len() >= self.limits.depth {
            return Err(self.limit_error(Limit::Depth, "the element nesting"));
        }
        self.check_tag(&start)?;
        let name = start.name();
        let tag = Tag::new(name.as_ref().as_bytes());
        self.marks.push(self.path.len());
        self.path.push('/');
        self.path.push_str(name.as_ref());
        self.current = Some(start);
        self.current_empty = empty;
        self.attrs.get_mut().clear();
        Ok(tag)
    }

    pub(crate) fn leave(&mut self) {
        if let Some(mark) = self.marks.pop() {
            self.path.truncate(mark);
        }
        self.current = None;
        self.current_empty = false;
    }

    /// Enters the root element, skipping the XML declaration, comments and
    /// processing instructions before it.
    pub fn root(&mut self) -> Result<Tag, XmlError> {
        loop {
            match self.event()? {
                Event::Start(s) => return self.enter(s, false),
                Event::Empty(s) => return self.enter(s, true),
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.bytes().all(|b| b.is_ascii_whitespace()) => {}
                Event::Eof => return Err(self.error(XmlErrorKind::Syntax, "the document is empty")),
                _ => return Err(self.error(XmlErrorKind::Syntax, "content before the root element")),
            }
        }
    }

    /// After the root element: checks that nothing but comments and white
    /// space follow it.
    pub fn finish(&mut self) -> Result<(), XmlError> {
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.bytes().all(|b| b.is_ascii_whitespace()) => {}
                _ => return Err(self.error(XmlErrorKind::Syntax, "content after the root element")),
            }
        }
    }

    /// Enters the next child element of the element the reader is in, or
    /// returns `None` (leaving the element) when it has no more children.
    /// Text between child elements is ignored.
    pub fn next_child(&mut self) -> Result<Option<Tag>, XmlError> {
        if self.current_empty {
            self.leave();
            return Ok(None);
        }
        loop {
            match self.event()? {
                Event::Start(s) => return self.enter(s, false).map(Some),
                Event::Empty(s) => return self.enter(s, true).map(Some),
                Event::End(_) => {
                    self.leave();
                    return Ok(None);
                }
                Event::GeneralRef(r) => {
                    self.resolve(&r)?;
                }
                Event::Eof => return Err(self.error(XmlErrorKind::Syntax, "the document ends inside an element")),
                _ => {}
            }
        }
    }

    /// The value of an attribute of the element just entered, unescaped and
    /// normalised as XML requires. An attribute that appears twice is an error.
    pub fn attr(&self, name: &str) -> Result<Option<String>, XmlError> {
        let Some(start) = &self.current else { return Ok(None) };
        let tag: &str = start;
        let raw = {
            let mut attrs = self.attrs.borrow_mut();
            attrs.parse(start).map_err(|e| self.error(XmlErrorKind::Syntax, format!("malformed attribute: {e}")))?;
            // Duplicate checks of quick-xml allocate on every tag; only the
            // attribute asked for is checked here, which is the one that matters.
            let mut values = attrs.values_of(tag, name);
            let found = values.next();
            if values.next().is_some() {
                return Err(self.error(XmlErrorKind::Syntax, format!("attribute `{name}` appears twice")));
            }
            match found {
                Some(range) => &tag[range],
                None => return Ok(None),
            }
        };
        // Most values hold no reference and no white space to normalise:
        // take them as they are.
        let value = if !raw.bytes().any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r')) {
            raw.to_owned()
        } else {
            let attr = Attribute { key: QName(name), value: Cow::Borrowed(raw) };
            match attr.normalized_value(XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                Err(e) => {
                    return Err(self.error(
                        XmlErrorKind::UnknownEntity,
                        format!("attribute `{name}` has an invalid reference: {e}"),
                    ));
                }
            }
        };
        if let Some(c) = first_non_xml_char(&value) {
            return Err(self.error(
                XmlErrorKind::Syntax,
                format!("attribute `{name}` holds U+{:04X}, which XML 1.0 does not allow", c as u32),
            ));
        }
        Ok(Some(value))
    }

    /// Reads the text of the element just entered and leaves it: `<x/>` is
    /// `None`, `<x></x>` is the empty string. References and CDATA sections
    /// are resolved and joined; line ends are normalised to `\n`; child
    /// elements inside the text are skipped.
    pub fn read_text(&mut self) -> Result<Option<String>, XmlError> {
        let text = self.text_in_place()?.map(Cow::into_owned);
        self.leave();
        Ok(text)
    }

    /// Reads the text of the element just entered but stays in it (its end
    /// tag is consumed), so that an error about the value can name the
    /// element; the caller then calls [`leave`](Self::leave).
    ///
    /// The common case, one run of text, borrows it from the document.
    pub(crate) fn text_in_place(&mut self) -> Result<Option<Cow<'a, str>>, XmlError> {
        if self.current_empty {
            return Ok(None);
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            match self.event()? {
                // Pieces are joined with their line ends normalised on the
                // way, so a long value costs one copy at most; the limit is
                // checked before each piece is added.
                Event::Text(t) => {
                    let piece = t.into_inner();
                    self.check_text(&text, piece.len())?;
                    append_text(&mut text, piece);
                }
                Event::CData(c) => {
                    let piece = c.into_inner();
                    self.check_text(&text, piece.len())?;
                    append_text(&mut text, piece);
                }
                Event::GeneralRef(r) => {
                    let c = self.resolve(&r)?;
                    self.check_text(&text, c.len_utf8())?;
                    text.get_or_insert_with(|| Cow::Owned(String::new())).to_mut().push(c);
                }
                Event::End(_) => {
                    let text = text.unwrap_or(Cow::Borrowed(""));
                    // quick-xml does not check characters; a value XML
                    // cannot carry could not be written back either.
                    if let Some(c) = first_non_xml_char(&text) {
                        return Err(self.error(
                            XmlErrorKind::Syntax,
                            format!("the text holds U+{:04X}, which XML 1.0 does not allow", c as u32),
                        ));
                    }
                    return Ok(Some(text));
                }
                Event::Start(s) => {
                    self.enter(s, false)?;
                    self.skip()?;
                    continue;
                }
                Event::Eof => return Err(self.error(XmlErrorKind::Syntax, "the document ends inside an element")),
                _ => continue,
            }
        }
    }

    /// Fails when `more` bytes added to `text` would go over the text limit.
    fn check_text(&self, text: &Option<Cow<'_, str>>, more: usize) -> Result<(), XmlError> {
        let len = text.as_ref().map_or(0, |t| t.len());
        if len.saturating_add(more) > self.limits.text {
            return Err(self.limit_error(Limit::Text, "a text value"));
        }
        Ok(())
    }

    /// Skips the element just entered with everything inside it.
    pub fn skip(&mut self) -> Result<(), XmlError> {
        if self.current_empty {
            self.leave();
            return Ok(());
        }
        let mut open = 1usize;
        loop {
            match self.event()? {
                Event::Start(start) => {
                    open += 1;
                    if self.marks.len() + open > self.limits.depth.saturating_add(1) {
                        return Err(self.limit_error(Limit::Depth, "the element nesting"));
                    }
                    self.check_tag(&start)?;
                }
                Event::Empty(start) => self.check_tag(&start)?,
                Event::End(_) => {
                    open -= 1;
                    if open == 0 {
                        self.leave();
                        return Ok(());
                    }
                }
                Event::GeneralRef(r) => {
                    self.resolve(&r)?;
                }
                Event::Eof => return Err(self.error(XmlErrorKind::Syntax, "the document ends inside an element")),
                _ => {}
            }
        }
    }

    /// Resolves `&name;` to its character: the five predefined entities and
    /// character references; anything else is an error (no DTD, no custom entities).
    fn resolve(&self, r: &quick_xml::events::BytesRef<'_>) -> Result<char, XmlError> {
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) if is_xml_char(c) => Ok(c),
                _ => Err(self.error(XmlErrorKind::Syntax, format!("invalid character reference `&{};`", snippet(r)))),
            };
        }
        match &**r {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            other => Err(self.error(
                XmlErrorKind::UnknownEntity,
                format!("reference to the undeclared entity `&{};`", snippet(other)),
            )),
        }
    }
}

/// The attributes of one start tag, as ranges of its text, parsed by
/// `quick-xml` once however many attributes are asked for.
#[derive(Default)]
struct ParsedAttrs {
    parsed: bool,
    /// `(name, raw value)` of each attribute.
    ranges: Vec<(Range<usize>, Range<usize>)>,
    /// Why the attributes are malformed, when they are.
    error: Option<String>,
}

impl ParsedAttrs {
    fn clear(&mut self) {
        self.parsed = false;
        self.ranges.clear();
        self.error = None;
    }

    /// Parses the attributes of `start` unless done already.
    fn parse(&mut self, start: &BytesStart<'_>) -> Result<(), String> {
        if !self.parsed {
            self.parsed = true;
            let tag: &str = start;
            // Names and raw values are borrowed from the tag's text.
            let range = |s: &str| {
                let from = (s.as_ptr() as usize).checked_sub(tag.as_ptr() as usize)?;
                (from + s.len() <= tag.len()).then_some(from..from + s.len())
            };
            for attr in start.attributes().with_checks(false) {
                let ranges = attr.map_err(|e| e.to_string()).and_then(|a| {
                    range(a.key.as_ref())
                        .zip(range(&a.value))
                        .ok_or_else(|| "an attribute is not in its tag".to_owned())
                });
                match ranges {
                    Ok(r) => self.ranges.push(r),
                    Err(e) => {
                        self.error = Some(e);
                        break;
                    }
                }
            }
        }
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// The ranges of the values of the attributes named `name` in `tag`.
    fn values_of<'s>(&'s self, tag: &'s str, name: &'s str) -> impl Iterator<Item = Range<usize>> + 's {
        self.ranges.iter().filter(move |(key, _)| &tag[key.clone()] == name).map(|(_, value)| value.clone())
    }
}

/// Appends a raw piece of text (character data or a CDATA section) to
/// `text`, with XML 1.0 line ends: `\r\n` and a lone `\r` become `\n`. A
/// first piece without `\r` is taken as it is (borrowed from the document
/// when reading a slice).
fn append_text<'a>(text: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>) {
    match text {
        None if !piece.contains('\r') => *text = Some(piece),
        None => {
            let mut owned = String::with_capacity(piece.len());
            push_normalized(&mut owned, &piece);
            *text = Some(Cow::Owned(owned));
        }
        Some(t) => push_normalized(t.to_mut(), &piece),
    }
}

fn push_normalized(out: &mut String, mut piece: &str) {
    while let Some(cr) = piece.find('\r') {
        out.push_str(&piece[..cr]);
        out.push('\n');
        piece = &piece[cr + 1..];
        if let Some(rest) = piece.strip_prefix('\n') {
            piece = rest;
        }
    }
    out.push_str(piece);
}

/// The first character of `text` that XML 1.0 does not allow in a document
/// (a control character other than tab, LF and CR, or U+FFFE / U+FFFF).
pub(crate) fn first_non_xml_char(text: &str) -> Option<char> {
    let bytes = text.as_bytes();
    // Fast pass without early exit (it vectorises): almost all text has no
    // control character and no character starting with 0xEF.
    if !bytes.iter().fold(false, |found, &b| found | ((b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) | (b == 0xEF)))
    {
        return None;
    }
    let at = bytes.iter().enumerate().position(|(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || (b == 0xEF && bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)))
    })?;
    // Both cases start a character: a byte below 0x20 is one, 0xEF leads one.
    text[at..].chars().next()
}

/// True for a character XML 1.0 allows in a document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
