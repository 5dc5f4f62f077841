//! A pull reader over the [tokenizer](super::tokens) with the cursor
//! operations generated readers need, the limits of [`XmlLimits`], DOCTYPE
//! rejection and located errors.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{self, Read};
use std::ops::Range;

use super::error::{XmlError, XmlErrorKind};
use super::limits::{Limit, XmlLimits};
use super::tokens::{
    Attributes, BadReference, StartTag, Stop, Token, Tokenizer, check_references, parse_attributes, push_literal,
    push_text,
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
/// ranges of it, and it grows only while a token is unfinished, never past
/// the limit of what is unfinished, so memory stays bounded by the limits
/// whatever the source sends.
struct Window<'a> {
    source: Box<dyn Read + 'a>,
    /// Where reads land before their UTF-8 is checked.
    chunk: Box<[u8]>,
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

impl<'a> Window<'a> {
    fn new(source: Box<dyn Read + 'a>) -> Self {
        Window {
            source,
            chunk: vec![0; STREAM_BUFFER].into_boxed_slice(),
            text: String::new(),
            partial: Vec::new(),
            base: 0,
            ended: false,
            invalid_at: None,
            failure: None,
        }
    }

    /// Drops the first `consumed` bytes of the text, then reads at least
    /// once and on until the text has doubled (so that a long token is not
    /// scanned again after every read), the source ends or `room` more bytes
    /// came. An error after some bytes arrived waits for the next call, so
    /// that the text before it is read first.
    fn refill(&mut self, consumed: usize, room: usize) -> io::Result<()> {
        self.text.drain(..consumed);
        self.base += consumed as u64;
        if let Some(e) = self.failure.take() {
            return Err(e);
        }
        let want = self.text.len() * 2;
        let mut left = room.max(1);
        let mut read_any = false;
        while !self.ended && self.invalid_at.is_none() && left > 0 {
            let size = left.min(self.chunk.len());
            let n = match self.source.read(&mut self.chunk[..size]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if read_any => {
                    self.failure = Some(e);
                    break;
                }
                other => other?,
            };
            read_any = true;
            if n == 0 {
                self.ended = true;
                if !self.partial.is_empty() {
                    self.invalid_at = Some(self.base + self.text.len() as u64);
                }
                break;
            }
            left -= n;
            self.partial.extend_from_slice(&self.chunk[..n]);
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
    /// only the token it is reading in memory. The limits apply to a token
    /// while it arrives: no more of it is read than its limit allows.
    pub fn from_read(source: impl Read + 'a) -> Self {
        Self::new(Source::Stream(Box::new(Window::new(Box::new(source)))))
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
                Stop::Incomplete { what, limit, from } => self.read_more(what, limit, from)?,
            }
        }
    }

    /// After a token was cut by the end of the text: reads more of a stream,
    /// or fails with why the document ends there. What is unfinished
    /// (`what`, from `from` on) is first checked against its limit, so a
    /// stream never buffers more than the limits allow.
    fn read_more(&mut self, what: &str, limit: Limit, from: usize) -> Result<(), XmlError> {
        if let Some(at) = self.source.invalid_at() {
            return Err(XmlError::new(XmlErrorKind::Syntax, "malformed XML: the document is not valid UTF-8")
                .at(&self.path, at));
        }
        let consumed = self.tokens.position();
        if !matches!(&self.source, Source::Stream(window) if !window.ended) {
            return Err(self.error(XmlErrorKind::Syntax, format!("malformed XML: the document ends inside {what}")));
        }
        self.check_unfinished(limit, from)?;
        let room = (limit.value(&self.limits).saturating_add(1)).saturating_sub(self.source.text().len() - from);
        let Source::Stream(window) = &mut self.source else { return Ok(()) };
        let refilled = window.refill(consumed, room);
        self.tokens.shift(consumed);
        refilled.map_err(|io| {
            XmlError::new(XmlErrorKind::Io, format!("reading the XML failed: {io}")).at(&self.path, self.offset())
        })
    }

    /// Fails when the unfinished token at the end of a stream's text already
    /// goes over a limit: its part from `from` on over `limit`, and a start
    /// tag over the limits of [`check_tag`](Self::check_tag).
    fn check_unfinished(&self, limit: Limit, from: usize) -> Result<(), XmlError> {
        let text = self.source.text();
        let start = self.tokens.position();
        let max = limit.value(&self.limits);
        let in_tag = matches!(limit, Limit::Tag | Limit::Name | Limit::AttributeValue);
        let is_start_tag = in_tag && text.as_bytes().get(start + 1).is_some_and(|&b| b != b'/');
        let element = is_start_tag.then(|| element_name(&text[start + 1..]));
        if text.len() - from > max {
            let offset = self.source.base() + (from + max) as u64;
            let what = match (limit, &element) {
                (Limit::Text, _) if starts_markup(text, start) => "a comment, CDATA section or declaration".to_owned(),
                (Limit::Text, _) => "a text value".to_owned(),
                (Limit::Name, Some(name)) => format!("the element name <{name}>"),
                (Limit::AttributeValue, Some(name)) => format!("an attribute value of <{name}>"),
                (_, Some(name)) => format!("the tag <{name}>"),
                _ => "an end tag".to_owned(),
            };
            let path = if limit == Limit::Name { self.path.clone() } else { self.path_with(element.as_deref()) };
            return Err(self.over_limit(limit, &what).at(&path, offset));
        }
        if is_start_tag {
            let name_end = name_end(text, start + 1);
            let tag = StartTag { name: start + 1..name_end, attributes: name_end..text.len(), empty: false };
            self.check_tag(&tag)?;
        }
        Ok(())
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

    /// Checks a start tag, whole or (on a stream) still arriving, against
    /// the limits, without copying.
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
        // Malformed attributes are reported when read; the ones before are checked.
        let mut pairs = Vec::new();
        let _ = parse_attributes(text.as_bytes(), start.attributes.clone(), l.attributes.saturating_add(1), &mut pairs);
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
        Ok(self.attr_in_place(name)?.map(Cow::into_owned))
    }

    /// [`attr`](Self::attr) without copying a value that needs no
    /// unescaping, for values that are only looked at.
    pub(crate) fn attr_in_place(&self, name: &str) -> Result<Option<Cow<'_, str>>, XmlError> {
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
            Cow::Borrowed(raw)
        } else {
            let mut value = String::with_capacity(raw.len());
            push_text(&mut value, raw, true).map_err(|e| self.reference_error(e, &format!("attribute `{name}`")))?;
            Cow::Owned(value)
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

/// The element name at the start of `text` (a tag after its `<`), at most
/// 64 bytes of it, for messages.
fn element_name(text: &str) -> String {
    let end = name_end(text, 0);
    snippet(&text[..end.min(text.len())])
}

/// Where the element name that starts at `from` ends.
fn name_end(text: &str, from: usize) -> usize {
    let rest = &text.as_bytes()[from..];
    from + rest.iter().position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>').unwrap_or(rest.len())
}

/// Whether the token at `start` is markup (`<…`) rather than character data.
fn starts_markup(text: &str, start: usize) -> bool {
    text.as_bytes().get(start) == Some(&b'<')
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that hands out `step` bytes per read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Every element's path with its `id` and, for `<t>` elements, its text.
    fn walk(r: &mut XmlReader<'_>) -> Result<Vec<String>, XmlError> {
        fn children(r: &mut XmlReader<'_>, out: &mut Vec<String>) -> Result<(), XmlError> {
            while let Some(tag) = r.next_child()? {
                let line = format!("{} id={:?}", r.path(), r.attr("id")?);
                if tag.as_bytes() == b"t" {
                    out.push(format!("{line} text={:?}", r.read_text()?));
                } else {
                    out.push(line);
                    children(r, out)?;
                }
            }
            Ok(())
        }
        r.root()?;
        let mut out = vec![format!("{} id={:?}", r.path(), r.attr("id")?)];
        children(r, &mut out)?;
        r.finish()?;
        Ok(out)
    }

    const DOC: &str = "\u{feff}<?xml version=\"1.0\"?>\n<!-- é -->\n<root id=\"r&amp;1\">\
        <t id='ü'>a &lt;b&gt; é€😀\r\nc<![CDATA[ <x/> & ]]>&#233;</t><group><t/><t></t><skip>x<y/></skip>\
        <t id=\"long\">ééééééééééééééééééééééééééééééééééééé</t></group><?pi?></root>\n<!-- end -->";

    #[test]
    fn a_stream_reads_what_memory_reads_whatever_the_size_of_its_reads() {
        let expected = walk(&mut XmlReader::from_slice(DOC.as_bytes())).unwrap();
        assert_eq!(expected[1], "/root/t id=Some(\"ü\") text=Some(\"a <b> é€😀\\nc <x/> & é\")");
        for step in [1, 2, 3, 5, 64, 1 << 20] {
            let mut r = XmlReader::from_read(Trickle { data: DOC.as_bytes(), step });
            assert_eq!(walk(&mut r).unwrap(), expected, "reads of {step} bytes");
        }
    }

    #[test]
    fn random_documents_read_the_same_from_memory_and_from_a_stream() {
        let pieces: [&[u8]; 26] = [
            b"<t>",
            b"</t>",
            b"<g>",
            b"</g>",
            b"<g id='1'>",
            b"<t id=\"&amp;\"/>",
            b"text",
            b" ",
            b"&lt;",
            b"&bad;",
            b"<!--c-->",
            b"<![CDATA[x]]>",
            b"<?p?>",
            b"<",
            b">",
            b"\"",
            b"=",
            b"/",
            b"\r\n",
            b"\xc3\xa9",
            b"\xc3",
            b"<!DOCTYPE x>",
            b"&#65;",
            b"\x01",
            "€".as_bytes(),
            b"&a",
        ];
        let mut rng = sdkgen_testkit::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut read_whole = 0;
        for case in 0..3000 {
            let mut doc = b"<root>".to_vec();
            for _ in 0..rng.below(20) {
                let piece: &&[u8] = rng.pick(&pieces);
                doc.extend_from_slice(piece);
            }
            if rng.chance(50) {
                doc.extend_from_slice(b"</root>");
            }
            let in_memory = walk(&mut XmlReader::from_slice(&doc));
            read_whole += usize::from(in_memory.is_ok());
            for step in [1, 3] {
                let streamed = walk(&mut XmlReader::from_read(Trickle { data: &doc, step }));
                let shown = String::from_utf8_lossy(&doc);
                match (&in_memory, &streamed) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "case {case}: {shown}"),
                    (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "case {case}: {shown}: {a} / {b}"),
                    _ => panic!("case {case}: {shown}: in memory {in_memory:?}, streamed {streamed:?}"),
                }
            }
        }
        // Both outcomes are exercised.
        assert!((100..2900).contains(&read_whole), "{read_whole} of 3000 documents read");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error_at_their_offset() {
        let mut doc = DOC.as_bytes().to_vec();
        let at = DOC.find("<group>").unwrap() + 3;
        doc[at] = 0xff;
        let e = walk(&mut XmlReader::from_slice(&doc)).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (XmlErrorKind::Syntax, Some(at as u64)), "{e}");
        assert!(e.message().contains("not valid UTF-8"), "{e}");
        for step in [1, 4, 1000] {
            let e = walk(&mut XmlReader::from_read(Trickle { data: &doc, step })).unwrap_err();
            assert_eq!((e.kind(), e.offset()), (XmlErrorKind::Syntax, Some(at as u64)), "{step}: {e}");
        }
        // A character cut by the end of the document.
        let cut = &"<root>é".as_bytes()[..7];
        let e = walk(&mut XmlReader::from_slice(cut)).unwrap_err();
        assert_eq!(e.offset(), Some(6), "{e}");
        let e = walk(&mut XmlReader::from_read(Trickle { data: cut, step: 1 })).unwrap_err();
        assert!(e.message().contains("not valid UTF-8") && e.offset() == Some(6), "{e}");
    }

    #[test]
    fn a_stream_stops_at_the_first_byte_over_a_limit() {
        let limits = |change: fn(&mut XmlLimits)| {
            let mut l = XmlLimits::DEFAULT;
            change(&mut l);
            l
        };
        let long = "x".repeat(5000);
        let cases: [(String, XmlLimits, &str, u64); 5] = [
            (format!("<root><t>{long}</t></root>"), limits(|l| l.text = 40), "XmlLimits::text", 9 + 40),
            (
                format!("<root id=\"{long}\"/>"),
                limits(|l| l.attribute_value = 100),
                "XmlLimits::attribute_value",
                10 + 100,
            ),
            (format!("<root><{long}/></root>"), limits(|l| l.name = 10), "XmlLimits::name", 7 + 10),
            (format!("<root a=\"{long}\" b=\"{long}\"/>"), limits(|l| l.tag = 6000), "XmlLimits::tag", 0),
            (format!("<!--{long}--><root/>"), limits(|l| l.text = 40), "XmlLimits::text", 40),
        ];
        for (doc, limits, field, offset) in cases {
            for step in [7, 4096] {
                let mut r = XmlReader::from_read(Trickle { data: doc.as_bytes(), step }).with_limits(limits);
                let e = walk(&mut r).unwrap_err();
                assert!(e.message().contains(field), "{field}, reads of {step}: {e}");
                assert_eq!(e.kind(), XmlErrorKind::TooLarge, "{e}");
                // A tag over its limit is located at its start; the others at
                // their first byte over the limit.
                assert!(e.offset().unwrap().abs_diff(offset) <= 1, "{field}, reads of {step}: {e}");
                walk(
                    &mut XmlReader::from_read(Trickle { data: doc.as_bytes(), step }).with_limits(XmlLimits::UNLIMITED),
                )
                .unwrap();
            }
        }
    }
}
