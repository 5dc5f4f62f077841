//! The reader's limits, and the byte scanner that applies them to a stream
//! before the reader buffers anything.
//!
//! The reader holds one whole token (a start tag with all its attributes, a
//! run of text, a comment) in its window before it reads it, so a limit
//! checked on the token comes too late to bound memory. [`LimitedSource`]
//! sits between the byte source and the reader: it follows the XML syntax
//! just enough to know what each byte belongs to, counts, and ends the
//! stream with an error at the first byte over a limit.

use std::fmt;
use std::io::{self, BufRead, Read};

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

/// A limit a stream went over, carried to the reader as the payload of an
/// `io::Error` and turned back into an `XmlError` there.
#[derive(Debug)]
pub(crate) struct LimitExceeded {
    pub(crate) limit: Limit,
    /// What went over it, such as "an attribute value of <vm>".
    pub(crate) what: String,
    /// Byte offset in the stream of the first byte over the limit.
    pub(crate) offset: u64,
    /// The element whose tag went over the limit (its attributes, say).
    pub(crate) element: Option<String>,
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} goes over the limit `{}`", self.what, self.limit.field())
    }
}

impl std::error::Error for LimitExceeded {}

/// Where the scanner is in the XML syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Character data (or the space between the prolog's markup).
    Text,
    /// Just after `<`.
    Open,
    /// The name of a start tag (`end` false) or an end tag.
    TagName { end: bool },
    /// Inside a tag, between names and values.
    InTag,
    /// An attribute name.
    AttrName,
    /// An attribute value quoted by `quote`.
    AttrValue { quote: u8 },
    /// Just after `<!`.
    Bang,
    /// After `<!-`, expecting the second `-`.
    CommentStart,
    /// A comment; `dashes` counts the `-` just seen (for `-->`).
    Comment { dashes: u8 },
    /// A CDATA section (from `<![`); `brackets` counts the `]` just seen.
    CData { brackets: u8 },
    /// A processing instruction or XML declaration; `question` after `?`.
    Pi { question: bool },
    /// A DOCTYPE or other declaration; `depth` counts open `[`.
    Declaration { depth: u32 },
}

/// The counting part of [`LimitedSource`], separate from the buffer.
struct Scanner {
    limits: XmlLimits,
    state: State,
    /// Bytes of the current token (text run, tag, comment, …).
    token: usize,
    /// Bytes of the current name or attribute value.
    part: usize,
    /// Attributes of the current tag.
    attributes: usize,
    /// The current tag's name (up to 64 bytes), for error messages.
    tag_name: Vec<u8>,
    /// Bytes scanned before the current buffer.
    offset: u64,
}

impl Scanner {
    fn new(limits: XmlLimits) -> Self {
        Scanner { limits, state: State::Text, token: 0, part: 0, attributes: 0, tag_name: Vec::new(), offset: 0 }
    }

    fn tag_label(&self) -> String {
        format!("<{}>", String::from_utf8_lossy(&self.tag_name))
    }

    fn over(&self, limit: Limit, at: usize, what: String) -> LimitExceeded {
        LimitExceeded { limit, what, offset: self.offset + at as u64, element: None }
    }

    /// Over a limit within the current tag, whose element it names.
    fn over_in_tag(&self, limit: Limit, at: usize, what: String) -> LimitExceeded {
        let element = Some(String::from_utf8_lossy(&self.tag_name).into_owned());
        LimitExceeded { element, ..self.over(limit, at, what) }
    }

    /// Scans `bytes`; returns how many are within the limits and, when one
    /// goes over a limit, the error for it.
    fn scan(&mut self, bytes: &[u8]) -> (usize, Option<LimitExceeded>) {
        let mut i = 0;
        while i < bytes.len() {
            if let Err(e) = self.step(bytes, &mut i) {
                let within = (e.offset - self.offset) as usize;
                self.offset = e.offset;
                return (within, Some(e));
            }
        }
        self.offset += bytes.len() as u64;
        (bytes.len(), None)
    }

    /// Consumes at least one byte from `bytes[*i..]`, or fails on it.
    fn step(&mut self, bytes: &[u8], i: &mut usize) -> Result<(), LimitExceeded> {
        // Runs of plain bytes are skipped in bulk in the two states that
        // hold almost all of a document.
        match self.state {
            State::Text => return self.run(bytes, i, |b| b == b'<', Limit::Text),
            State::AttrValue { quote } => return self.run(bytes, i, |b| b == quote, Limit::AttributeValue),
            _ => {}
        }
        let b = bytes[*i];
        self.token += 1;
        if self.in_tag() && self.token > self.limits.tag {
            return Err(self.over_in_tag(Limit::Tag, *i, format!("the tag {}", self.tag_label())));
        }
        if !self.in_tag() && self.state != State::Open && self.token > self.limits.text {
            return Err(self.over(Limit::Text, *i, "a comment, CDATA section or declaration".to_owned()));
        }
        self.state = self.next_state(b, *i)?;
        *i += 1;
        Ok(())
    }

    fn in_tag(&self) -> bool {
        matches!(self.state, State::TagName { .. } | State::InTag | State::AttrName | State::AttrValue { .. })
    }

    /// Skips bytes until `stop` (which it leaves), counting them against
    /// `limit`; at `stop` the state moves on.
    fn run(
        &mut self,
        bytes: &[u8],
        i: &mut usize,
        stop: impl Fn(u8) -> bool,
        limit: Limit,
    ) -> Result<(), LimitExceeded> {
        let rest = &bytes[*i..];
        let len = rest.iter().position(|&b| stop(b)).unwrap_or(rest.len());
        let (counter, max) = match limit {
            Limit::Text => (self.token, self.limits.text),
            _ => (self.part, self.limits.attribute_value),
        };
        if counter + len > max {
            let at = *i + (max - counter.min(max));
            let what = match limit {
                Limit::Text => "a text value".to_owned(),
                _ => format!("an attribute value of {}", self.tag_label()),
            };
            return Err(match limit {
                Limit::Text => self.over(limit, at, what),
                _ => self.over_in_tag(limit, at, what),
            });
        }
        match limit {
            Limit::Text => self.token += len,
            _ => {
                self.part += len;
                self.token += len;
                if self.token > self.limits.tag {
                    return Err(self.over_in_tag(Limit::Tag, *i + len, format!("the tag {}", self.tag_label())));
                }
            }
        }
        *i += len;
        if *i < bytes.len() {
            // The stop byte itself.
            *i += 1;
            match limit {
                Limit::Text => {
                    self.token = 1;
                    self.state = State::Open;
                }
                _ => {
                    self.token += 1;
                    self.state = State::InTag;
                }
            }
        }
        Ok(())
    }

    fn next_state(&mut self, b: u8, at: usize) -> Result<State, LimitExceeded> {
        Ok(match self.state {
            State::Open => match b {
                b'/' => self.start_tag(true),
                b'!' => State::Bang,
                b'?' => State::Pi { question: false },
                _ => {
                    self.start_tag(false);
                    self.name_byte(b, at)?;
                    State::TagName { end: false }
                }
            },
            State::TagName { end } => match b {
                b'>' => self.text(),
                b'/' if !end => State::InTag,
                b if b.is_ascii_whitespace() => State::InTag,
                _ => {
                    self.name_byte(b, at)?;
                    State::TagName { end }
                }
            },
            State::InTag => match b {
                b'>' => self.text(),
                b'"' | b'\'' => {
                    self.attributes += 1;
                    if self.attributes > self.limits.attributes {
                        return Err(self.over_in_tag(
                            Limit::Attributes,
                            at,
                            format!("the element {}", self.tag_label()),
                        ));
                    }
                    self.part = 0;
                    State::AttrValue { quote: b }
                }
                b'=' | b'/' => State::InTag,
                b if b.is_ascii_whitespace() => State::InTag,
                _ => {
                    self.part = 1;
                    State::AttrName
                }
            },
            State::AttrName => match b {
                b'=' | b'>' | b'/' => return self.next_in_tag(b, at),
                b if b.is_ascii_whitespace() => State::InTag,
                _ => {
                    self.part += 1;
                    if self.part > self.limits.name {
                        return Err(self.over_in_tag(
                            Limit::Name,
                            at,
                            format!("an attribute name of {}", self.tag_label()),
                        ));
                    }
                    State::AttrName
                }
            },
            State::Bang => match b {
                b'-' => State::CommentStart,
                b'[' => State::CData { brackets: 0 },
                b'>' => self.text(),
                _ => State::Declaration { depth: 0 },
            },
            State::CommentStart => State::Comment { dashes: 0 },
            State::Comment { dashes } => match b {
                b'-' => State::Comment { dashes: (dashes + 1).min(2) },
                b'>' if dashes == 2 => self.text(),
                _ => State::Comment { dashes: 0 },
            },
            State::CData { brackets } => match b {
                b']' => State::CData { brackets: (brackets + 1).min(2) },
                b'>' if brackets == 2 => self.text(),
                _ => State::CData { brackets: 0 },
            },
            State::Pi { question } => match b {
                b'>' if question => self.text(),
                _ => State::Pi { question: b == b'?' },
            },
            State::Declaration { depth } => match b {
                b'[' => State::Declaration { depth: depth + 1 },
                b']' => State::Declaration { depth: depth.saturating_sub(1) },
                b'>' if depth == 0 => self.text(),
                _ => State::Declaration { depth },
            },
            State::Text | State::AttrValue { .. } => unreachable!("handled by `run`"),
        })
    }

    /// `=`, `>` or `/` right after an attribute name.
    fn next_in_tag(&mut self, b: u8, at: usize) -> Result<State, LimitExceeded> {
        self.state = State::InTag;
        self.next_state(b, at)
    }

    fn start_tag(&mut self, end: bool) -> State {
        self.tag_name.clear();
        self.attributes = 0;
        self.part = 0;
        State::TagName { end }
    }

    fn name_byte(&mut self, b: u8, at: usize) -> Result<(), LimitExceeded> {
        self.part += 1;
        if self.tag_name.len() < 64 {
            self.tag_name.push(b);
        }
        if self.part > self.limits.name {
            return Err(self.over(Limit::Name, at, format!("the element name {}…", self.tag_label())));
        }
        Ok(())
    }

    fn text(&mut self) -> State {
        self.token = 0;
        State::Text
    }
}

/// A buffered byte source that applies [`XmlLimits`] as the bytes arrive:
/// the bytes before the first one over a limit are delivered, then reading
/// fails with an `io::Error` whose payload is a [`LimitExceeded`].
pub(crate) struct LimitedSource<R> {
    inner: R,
    scanner: Scanner,
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
    failed: Option<LimitExceeded>,
}

impl<R: Read> LimitedSource<R> {
    pub(crate) fn new(inner: R, limits: XmlLimits, capacity: usize) -> Self {
        LimitedSource {
            inner,
            scanner: Scanner::new(limits),
            buf: vec![0; capacity].into_boxed_slice(),
            pos: 0,
            filled: 0,
            failed: None,
        }
    }
}

impl<R> LimitedSource<R> {
    /// Replaces the limits for the bytes not read yet.
    pub(crate) fn set_limits(&mut self, limits: XmlLimits) {
        self.scanner.limits = limits;
    }
}

impl<R: Read> BufRead for LimitedSource<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.filled {
            if let Some(e) = self.failed.take() {
                return Err(io::Error::other(e));
            }
            let n = loop {
                match self.inner.read(&mut self.buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            let (ok, failed) = self.scanner.scan(&self.buf[..n]);
            self.pos = 0;
            self.filled = ok;
            self.failed = failed;
            if ok == 0 {
                if let Some(e) = self.failed.take() {
                    return Err(io::Error::other(e));
                }
            }
        }
        Ok(&self.buf[self.pos..self.filled])
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.filled);
    }
}

impl<R: Read> Read for LimitedSource<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(doc: &[u8], limits: XmlLimits) -> Result<(), LimitExceeded> {
        let mut source = LimitedSource::new(doc, limits, 7);
        let mut out = Vec::new();
        match source.read_to_end(&mut out) {
            Ok(_) => {
                assert_eq!(out, doc);
                Ok(())
            }
            Err(e) => {
                let inner = e.into_inner().expect("a payload").downcast::<LimitExceeded>().expect("a limit");
                // Everything before the first byte over the limit came through.
                assert_eq!(out.len() as u64, inner.offset);
                Err(*inner)
            }
        }
    }

    fn limits(change: impl FnOnce(&mut XmlLimits)) -> XmlLimits {
        let mut l = XmlLimits::DEFAULT;
        change(&mut l);
        l
    }

    const DOC: &[u8] = b"<?xml version='1.0'?><!-- c -> -- --><vms a=\"x>'\" b='y\"'><vm id=\"12345\">\
        <name>abcdef</name><![CDATA[ ]] ]> ]]><x/></vm></vms >";

    #[test]
    fn a_document_within_the_limits_passes_unchanged() {
        scan_all(DOC, XmlLimits::DEFAULT).unwrap();
        let tight = limits(|l| (l.text, l.attribute_value, l.name, l.attributes, l.tag) = (25, 5, 4, 2, 32));
        scan_all(DOC, tight).unwrap();
    }

    #[test]
    fn each_limit_stops_the_stream_at_the_first_byte_over_it() {
        let cases: [(XmlLimits, Limit, &str); 5] = [
            (limits(|l| l.text = 13), Limit::Text, "CDATA section"),
            (limits(|l| l.attribute_value = 4), Limit::AttributeValue, "attribute value of <vm>"),
            (limits(|l| l.name = 3), Limit::Name, "element name <name"),
            (limits(|l| l.attributes = 1), Limit::Attributes, "element <vms>"),
            (limits(|l| l.tag = 16), Limit::Tag, "tag <vms>"),
        ];
        for (limits, limit, what) in cases {
            let e = scan_all(DOC, limits).expect_err(what);
            assert_eq!(e.limit, limit, "{what}: {e}");
            assert!(e.what.contains(what), "{what}: {e}");
        }
    }

    #[test]
    fn text_over_the_limit_is_refused_where_it_goes_over() {
        let mut doc = b"<a>".to_vec();
        doc.resize(3 + 100, b'x');
        let e = scan_all(&doc, limits(|l| l.text = 40)).unwrap_err();
        assert_eq!((e.limit, e.offset), (Limit::Text, 3 + 40));
    }
}
