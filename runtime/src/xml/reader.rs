//! A pull reader over the [tokenizer](super::tokens) with the cursor
//! operations generated readers need, the limits of [`XmlLimits`], DOCTYPE
//! rejection and located errors.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{self, BufRead, Read};
use std::ops::Range;

use super::error::{XmlError, XmlErrorKind};
use super::limits::{Limit, LimitExceeded, LimitedSource, XmlLimits};
use super::tokens::{
    Attributes, BadReference, StartTag, Stop, Token, Tokenizer, check_references, push_literal, push_text,
};
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

/// Where the text of a document comes from.
enum Source<'a> {
    /// A whole document in memory: its valid UTF-8 prefix, and where the
    /// bytes that are not UTF-8 start, if any do.
    Slice { text: &'a str, invalid_at: Option<usize> },
    /// A document read as it goes.
    Stream(Box<Window<'a>>),
}

impl<'a> Source<'a> {
    fn slice(bytes: &'a [u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => Source::Slice { text, invalid_at: None },
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                let text = std::str::from_utf8(valid).unwrap_or_default();
                Source::Slice { text, invalid_at: Some(e.valid_up_to()) }
            }
        }
    }

    /// The text read so far and not yet dropped.
    fn text(&self) -> &str {
        match self {
            Source::Slice { text, .. } => text,
            Source::Stream(window) => &window.text,
        }
    }

    /// Whether the text runs to the end of the document.
    fn complete(&self) -> bool {
        match self {
            Source::Slice { invalid_at, .. } => invalid_at.is_none(),
            Source::Stream(window) => window.ended && window.invalid_at.is_none(),
        }
    }

    /// Stream offset of the first byte of `text()`.
    fn base(&self) -> u64 {
        match self {
            Source::Slice { .. } => 0,
            Source::Stream(window) => window.base,
        }
    }

    /// Where bytes that are not UTF-8 start, once the text reached them.
    fn invalid_at(&self) -> Option<u64> {
        match self {
            Source::Slice { invalid_at, .. } => invalid_at.map(|at| at as u64),
            Source::Stream(window) => window.invalid_at,
        }
    }

    /// A piece of the text that outlives the next token: borrowed from a
    /// document in memory, copied out of a stream's window.
    fn piece(&self, range: Range<usize>) -> Cow<'a, str> {
        match self {
            Source::Slice { text, .. } => Cow::Borrowed(&text[range]),
            Source::Stream(window) => Cow::Owned(window.text[range].to_owned()),
        }
    }
}

/// The text of a stream from the start of the current token on: tokens are
/// ranges of it, and it grows only while a token is incomplete, so it holds
/// at most one token (bounded by the limits) and one read.
struct Window<'a> {
    source: LimitedSource<Box<dyn Read + 'a>>,
    text: String,
    /// Bytes read but not yet text: the start of a character cut by a read.
    partial: Vec<u8>,
    /// Stream offset of `text[0]`.
    base: u64,
    /// The source has no more bytes.
    ended: bool,
    /// Stream offset of the first byte that is not UTF-8.
    invalid_at: Option<u64>,
    /// A read error that came after some bytes, for the next refill.
    failure: Option<io::Error>,
}

impl Window<'_> {
    /// Drops the first `consumed` bytes of the text, then reads at least
    /// once and on until the text has doubled (so that a long token is not
    /// scanned again after every read) or the source ends. An error after
    /// some bytes arrived waits for the next call, so that the text before
    /// it is read first.
    fn refill(&mut self, consumed: usize) -> io::Result<()> {
        self.text.drain(..consumed);
        self.base += consumed as u64;
        if let Some(e) = self.failure.take() {
            return Err(e);
        }
        let want = self.text.len() * 2;
        let mut read_any = false;
        while !self.ended && self.invalid_at.is_none() {
            let chunk = match self.source.fill_buf() {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if read_any => {
                    self.failure = Some(e);
                    break;
                }
                other => other?,
            };
            read_any = true;
            if chunk.is_empty() {
                self.ended = true;
                if !self.partial.is_empty() {
                    self.invalid_at = Some(self.base + self.text.len() as u64);
                }
                break;
            }
            let n = chunk.len();
            self.partial.extend_from_slice(chunk);
            self.source.consume(n);
            self.take_text();
            if self.text.len() >= want {
                break;
            }
        }
        Ok(())
    }

    /// Moves the valid UTF-8 at the start of `partial` into the text.
    fn take_text(&mut self) {
        let (valid, invalid) = match std::str::from_utf8(&self.partial) {
            Ok(text) => (text, false),
            // A character cut at the end waits for the next read; anything
            // else is not UTF-8.
            Err(e) => {
                (std::str::from_utf8(&self.partial[..e.valid_up_to()]).unwrap_or_default(), e.error_len().is_some())
            }
        };
        self.text.push_str(valid);
        let taken = valid.len();
        self.partial.drain(..taken);
        if invalid {
            self.invalid_at = Some(self.base + self.text.len() as u64);
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
    tokens: Tokenizer,
    /// The start tag of the element entered last.
    current: Option<StartTag>,
    /// The attributes of `current`, parsed once on the first `attr` call.
    attrs: RefCell<Attributes>,
    /// Names of the open elements joined by `/`, for error messages.
    path: String,
    marks: Vec<usize>,
    limits: XmlLimits,
}

impl<'a> XmlReader<'a> {
    /// A reader over a whole document in memory (the fastest way).
    pub fn from_slice(bytes: &'a [u8]) -> Self {
        Self::new(Source::slice(bytes))
    }

    /// A reader that pulls the document from `source` as it goes, holding
    /// only the current element in memory. The limits apply to the bytes as
    /// they arrive, before any is buffered.
    pub fn from_read(source: impl Read + 'a) -> Self {
        let boxed: Box<dyn Read + 'a> = Box::new(source);
        let source = LimitedSource::new(boxed, XmlLimits::DEFAULT, STREAM_BUFFER);
        let window = Window {
            source,
            text: String::new(),
            partial: Vec::new(),
            base: 0,
            ended: false,
            invalid_at: None,
            failure: None,
        };
        Self::new(Source::Stream(Box::new(window)))
    }

    fn new(source: Source<'a>) -> Self {
        XmlReader {
            source,
            tokens: Tokenizer::default(),
            current: None,
            attrs: RefCell::new(Attributes::default()),
            path: String::new(),
            marks: Vec::new(),
            limits: XmlLimits::DEFAULT,
        }
    }

    /// Replaces the limits (by default [`XmlLimits::DEFAULT`]).
    pub fn with_limits(mut self, limits: XmlLimits) -> Self {
        self.limits = limits;
        if let Source::Stream(window) = &mut self.source {
            window.source.set_limits(limits);
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
        self.source.base() + self.tokens.position() as u64
    }

    /// An error of `kind` located at the current element and offset.
    pub fn error(&self, kind: XmlErrorKind, message: impl Into<String>) -> XmlError {
        XmlError::new(kind, message).at(&self.path, self.offset())
    }

    /// The next token; a stream reads more text while the token is cut by
    /// the end of what it has.
    fn event(&mut self) -> Result<Token, XmlError> {
        loop {
            let complete = self.source.complete();
            if self.tokens.position() == 0 && self.source.base() == 0 && self.source.text().starts_with('\u{feff}') {
                self.tokens.advance('\u{feff}'.len_utf8());
            }
            let stop = match self.tokens.next(self.source.text(), complete) {
                Ok(Token::DocType) => {
                    return Err(self.error(XmlErrorKind::Doctype, "DOCTYPE declarations are not accepted"));
                }
                Ok(token) => return Ok(token),
                Err(stop) => stop,
            };
            match stop {
                Stop::Malformed { message, at } => {
                    let offset = self.source.base() + at as u64;
                    return Err(
                        XmlError::new(XmlErrorKind::Syntax, format!("malformed XML: {message}")).at(&self.path, offset)
                    );
                }
                Stop::Incomplete { what } => self.read_more(what)?,
            }
        }
    }

    /// After a token was cut by the end of the text: reads more of a stream,
    /// or fails with why the document ends there.
    fn read_more(&mut self, what: &str) -> Result<(), XmlError> {
        if let Some(at) = self.source.invalid_at() {
            return Err(XmlError::new(XmlErrorKind::Syntax, "malformed XML: the document is not valid UTF-8")
                .at(&self.path, at));
        }
        let consumed = self.tokens.position();
        let refilled = match &mut self.source {
            Source::Stream(window) if !window.ended => window.refill(consumed),
            _ => {
                return Err(self.error(XmlErrorKind::Syntax, format!("malformed XML: the document ends inside {what}")));
            }
        };
        self.tokens.shift(consumed);
        refilled.map_err(|io| self.io_error(io))
    }

    fn io_error(&self, io: io::Error) -> XmlError {
        if let Some(over) = io.get_ref().and_then(|e| e.downcast_ref::<LimitExceeded>()) {
            let path = self.path_with(over.element.as_deref());
            return self.over_limit(over.limit, &over.what).at(&path, over.offset);
        }
        XmlError::new(XmlErrorKind::Io, format!("reading the XML failed: {io}")).at(&self.path, self.offset())
    }

    /// The error for `what` going over `limit` (not yet located).
    fn over_limit(&self, limit: Limit, what: &str) -> XmlError {
        XmlError::new(limit.kind(), limit.message(&self.limits, what))
    }

    /// The error for `what` going over `limit`, at the current element.
    pub(crate) fn limit_error(&self, limit: Limit, what: &str) -> XmlError {
        self.over_limit(limit, what).at(&self.path, self.offset())
    }

    /// The error for the tag of `element`, a child of the current element,
    /// going over `limit`.
    fn tag_limit_error(&self, limit: Limit, element: &str, what: &str) -> XmlError {
        self.over_limit(limit, what).at(&self.path_with(Some(element)), self.offset())
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
    fn check_tag(&self, start: &StartTag) -> Result<(), XmlError> {
        let l = &self.limits;
        let tag_len = start.attributes.end - start.name.start;
        // An attribute takes at least four bytes (` a=""`): a tag this short
        // cannot go over any limit.
        if tag_len <= l.tag.min(l.name).min(l.attribute_value).min(l.attributes.saturating_mul(4)) {
            return Ok(());
        }
        let text = self.source.text();
        let name = snippet(&text[start.name.clone()]);
        if start.name.len() > l.name {
            return Err(self.limit_error(Limit::Name, &format!("the element name <{name}>")));
        }
        if tag_len > l.tag {
            return Err(self.tag_limit_error(Limit::Tag, &name, &format!("the tag <{name}>")));
        }
        let mut attributes = Attributes::default();
        // Malformed attributes are reported when read.
        let pairs = attributes.parse(text, start.attributes.clone()).unwrap_or_default();
        for (count, (key, value)) in pairs.iter().enumerate() {
            let over = if count >= l.attributes {
                Some((Limit::Attributes, "the element"))
            } else if key.len() > l.name {
                Some((Limit::Name, "an attribute name of"))
            } else if value.len() > l.attribute_value {
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

    fn enter(&mut self, start: StartTag) -> Result<Tag, XmlError> {
        if self.marks.len() >= self.limits.depth {
            return Err(self.limit_error(Limit::Depth, "the element nesting"));
        }
        self.check_tag(&start)?;
        let name = &self.source.text()[start.name.clone()];
        let tag = Tag::new(name.as_bytes());
        self.marks.push(self.path.len());
        self.path.push('/');
        self.path.push_str(name);
        self.current = Some(start);
        self.attrs.get_mut().clear();
        Ok(tag)
    }

    pub(crate) fn leave(&mut self) {
        if let Some(mark) = self.marks.pop() {
            self.path.truncate(mark);
        }
        self.current = None;
    }

    /// The element entered last was `<x/>`: it has no content and no end tag.
    fn current_is_empty(&self) -> bool {
        self.current.as_ref().is_some_and(|s| s.empty)
    }

    /// Enters the root element, skipping the XML declaration, comments and
    /// processing instructions before it.
    pub fn root(&mut self) -> Result<Tag, XmlError> {
        loop {
            match self.event()? {
                Token::Start(s) => return self.enter(s),
                Token::Declaration | Token::Skipped => {}
                Token::Text(t) if self.is_space(&t) => {}
                Token::EndOfDocument => return Err(self.error(XmlErrorKind::Syntax, "the document is empty")),
                _ => return Err(self.error(XmlErrorKind::Syntax, "content before the root element")),
            }
        }
    }

    /// After the root element: checks that nothing but comments and white
    /// space follow it.
    pub fn finish(&mut self) -> Result<(), XmlError> {
        loop {
            match self.event()? {
                Token::EndOfDocument => return Ok(()),
                Token::Skipped => {}
                Token::Text(t) if self.is_space(&t) => {}
                _ => return Err(self.error(XmlErrorKind::Syntax, "content after the root element")),
            }
        }
    }

    fn is_space(&self, text: &Range<usize>) -> bool {
        self.source.text().as_bytes()[text.clone()].iter().all(u8::is_ascii_whitespace)
    }

    /// Enters the next child element of the element the reader is in, or
    /// returns `None` (leaving the element) when it has no more children.
    /// Text between child elements is ignored.
    pub fn next_child(&mut self) -> Result<Option<Tag>, XmlError> {
        if self.current_is_empty() {
            self.leave();
            return Ok(None);
        }
        loop {
            match self.event()? {
                Token::Start(s) => return self.enter(s).map(Some),
                Token::End => {
                    self.leave();
                    return Ok(None);
                }
                Token::Text(t) => self.check_references(t)?,
                Token::EndOfDocument => {
                    return Err(self.error(XmlErrorKind::Syntax, "the document ends inside an element"));
                }
                _ => {}
            }
        }
    }

    /// The value of an attribute of the element just entered, unescaped and
    /// normalised as XML requires. An attribute that appears twice is an error.
    pub fn attr(&self, name: &str) -> Result<Option<String>, XmlError> {
        let Some(start) = &self.current else { return Ok(None) };
        let text = self.source.text();
        let raw = {
            let mut attrs = self.attrs.borrow_mut();
            let pairs = attrs
                .parse(text, start.attributes.clone())
                .map_err(|e| self.error(XmlErrorKind::Syntax, format!("malformed attribute: {e}")))?;
            let mut values = pairs.iter().filter(|(key, _)| &text[key.clone()] == name);
            let found = values.next();
            if values.next().is_some() {
                return Err(self.error(XmlErrorKind::Syntax, format!("attribute `{name}` appears twice")));
            }
            match found {
                Some((_, value)) => &text[value.clone()],
                None => return Ok(None),
            }
        };
        // Most values hold no reference and no white space to normalise:
        // take them as they are.
        let value = if !raw.bytes().any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r')) {
            raw.to_owned()
        } else {
            let mut value = String::with_capacity(raw.len());
            push_text(&mut value, raw, true).map_err(|e| self.reference_error(e, &format!("attribute `{name}`")))?;
            value
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
        if self.current_is_empty() {
            return Ok(None);
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            match self.event()? {
                // Pieces are joined with their line ends normalised on the
                // way, so a long value costs one copy at most; the limit is
                // checked before each piece is added.
                Token::Text(range) => {
                    self.check_text(&text, range.len())?;
                    let raw = &self.source.text()[range.clone()];
                    if text.is_none() && memchr::memchr2(b'&', b'\r', raw.as_bytes()).is_none() {
                        text = Some(self.source.piece(range));
                    } else {
                        let joined = text.get_or_insert_with(|| Cow::Owned(String::new())).to_mut();
                        push_text(joined, raw, false).map_err(|e| self.reference_error(e, "the text"))?;
                    }
                }
                Token::CData(range) => {
                    self.check_text(&text, range.len())?;
                    append_text(&mut text, self.source.piece(range));
                }
                Token::End => {
                    let text = text.unwrap_or(Cow::Borrowed(""));
                    // A value XML cannot carry could not be written back either.
                    if let Some(c) = first_non_xml_char(&text) {
                        return Err(self.error(
                            XmlErrorKind::Syntax,
                            format!("the text holds U+{:04X}, which XML 1.0 does not allow", c as u32),
                        ));
                    }
                    return Ok(Some(text));
                }
                Token::Start(s) => {
                    self.enter(s)?;
                    self.skip()?;
                }
                Token::EndOfDocument => {
                    return Err(self.error(XmlErrorKind::Syntax, "the document ends inside an element"));
                }
                _ => {}
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

    /// Checks the references of text that is not kept.
    fn check_references(&self, text: Range<usize>) -> Result<(), XmlError> {
        check_references(&self.source.text()[text]).map_err(|e| self.reference_error(e, "the text"))
    }

    fn reference_error(&self, e: BadReference, place: &str) -> XmlError {
        match e {
            BadReference::Undeclared(name) => {
                self.error(XmlErrorKind::UnknownEntity, format!("{place} refers to the undeclared entity `&{name};`"))
            }
            BadReference::Malformed(reference) => {
                self.error(XmlErrorKind::Syntax, format!("{place} holds the invalid reference `{reference}`"))
            }
        }
    }

    /// Skips the element just entered with everything inside it.
    pub fn skip(&mut self) -> Result<(), XmlError> {
        if self.current_is_empty() {
            self.leave();
            return Ok(());
        }
        let mut open = 1usize;
        loop {
            match self.event()? {
                Token::Start(start) => {
                    if !start.empty {
                        open += 1;
                        if self.marks.len() + open > self.limits.depth.saturating_add(1) {
                            return Err(self.limit_error(Limit::Depth, "the element nesting"));
                        }
                    }
                    self.check_tag(&start)?;
                }
                Token::End => {
                    open -= 1;
                    if open == 0 {
                        self.leave();
                        return Ok(());
                    }
                }
                Token::Text(t) => self.check_references(t)?,
                Token::EndOfDocument => {
                    return Err(self.error(XmlErrorKind::Syntax, "the document ends inside an element"));
                }
                _ => {}
            }
        }
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
            push_literal(&mut owned, &piece, false);
            *text = Some(Cow::Owned(owned));
        }
        Some(t) => push_literal(t.to_mut(), &piece, false),
    }
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
