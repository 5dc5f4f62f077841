//! A small, fast XML writer into a `String`, with the escaping the API needs.

use std::fmt::Write as _;

use super::error::{XmlError, XmlErrorKind};
use super::reader::is_xml_char;
use crate::{DateTime, Decimal, List};

/// Writes one XML document. Elements with no content are written `<x/>`;
/// an empty string is written `<x></x>` so that a reader can tell it from an
/// absent value.
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    /// A start tag is open (`<x a="1"`) and not yet closed with `>`.
    start_open: bool,
    error: Option<XmlError>,
}

impl XmlWriter {
    /// A writer with an empty output.
    pub fn new() -> Self {
        Self::default()
    }

    /// A writer that reserves room for `bytes` of output.
    pub fn with_capacity(bytes: usize) -> Self {
        XmlWriter { out: String::with_capacity(bytes), ..Self::default() }
    }

    fn close_start(&mut self) {
        if self.start_open {
            self.out.push('>');
            self.start_open = false;
        }
    }

    /// Opens an element: attributes may follow until the first child or text.
    pub fn start(&mut self, tag: &str) {
        self.close_start();
        self.out.push('<');
        self.out.push_str(tag);
        self.start_open = true;
    }

    /// Adds an attribute to the element just opened.
    pub fn attr(&mut self, name: &str, value: &str) {
        debug_assert!(self.start_open, "attribute `{name}` written after the start tag was closed");
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        self.escape(value, true, name);
        self.out.push('"');
    }

    /// Closes the element `tag`.
    pub fn end(&mut self, tag: &str) {
        if self.start_open {
            self.out.push_str("/>");
            self.start_open = false;
        } else {
            self.out.push_str("</");
            self.out.push_str(tag);
            self.out.push('>');
        }
    }

    /// Writes `list` as the element `tag`: its `href`, then each item with
    /// `write_item`. A list that is only a link (an `href`, no items) is
    /// written `<tag href="…"/>`, as the official SDKs write it, so that
    /// reading it back gives the same list.
    pub fn list<T>(&mut self, tag: &str, list: &List<T>, mut write_item: impl FnMut(&mut Self, &T)) {
        self.start(tag);
        if let Some(href) = &list.href {
            self.attr("href", href);
        }
        for item in list.iter() {
            write_item(self, item);
        }
        self.end(tag);
    }

    /// `<tag>text</tag>`, escaped.
    pub fn text(&mut self, tag: &str, value: &str) {
        self.close_start();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        self.escape(value, false, tag);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    fn raw_element(&mut self, tag: &str, value: std::fmt::Arguments<'_>) {
        self.close_start();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        // Writing to a String cannot fail.
        let _ = self.out.write_fmt(value);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    /// `<tag>true</tag>` or `<tag>false</tag>`.
    pub fn bool(&mut self, tag: &str, value: bool) {
        self.raw_element(tag, format_args!("{value}"));
    }

    /// `<tag>123</tag>`.
    pub fn i64(&mut self, tag: &str, value: i64) {
        self.raw_element(tag, format_args!("{value}"));
    }

    /// `<tag>1.50</tag>`, the decimal's exact text.
    pub fn decimal(&mut self, tag: &str, value: &Decimal) {
        self.text(tag, value.as_str());
    }

    /// `<tag>2016-09-08T09:53:35.138+02:00</tag>`, as the value was received.
    pub fn date(&mut self, tag: &str, value: &DateTime) {
        self.raw_element(tag, format_args!("{value}"));
    }

    /// Escapes `text` into the output. Text may not hold characters XML 1.0
    /// cannot carry; the first such problem is kept and reported by `finish`.
    fn escape(&mut self, text: &str, attribute: bool, tag: &str) {
        let bytes = text.as_bytes();
        let mut last = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let replacement = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' if attribute => "&quot;",
                // A literal CR would become LF when read back, and in an
                // attribute tab and LF would become spaces.
                b'\r' => "&#13;",
                b'\n' if attribute => "&#10;",
                b'\t' if attribute => "&#9;",
                b'\t' | b'\n' => continue,
                0..=0x1f => {
                    self.fail(tag, b as char);
                    continue;
                }
                0xEF if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) => {
                    // U+FFFE and U+FFFF are not XML characters either.
                    let c = text[i..].chars().next().unwrap_or('\u{FFFE}');
                    if !is_xml_char(c) {
                        self.fail(tag, c);
                    }
                    continue;
                }
                _ => continue,
            };
            self.out.push_str(&text[last..i]);
            self.out.push_str(replacement);
            last = i + 1;
        }
        self.out.push_str(&text[last..]);
    }

    fn fail(&mut self, tag: &str, c: char) {
        if self.error.is_none() {
            self.error = Some(XmlError::new(
                XmlErrorKind::UnwritableText,
                format!("the value of <{tag}> holds U+{:04X}, which XML 1.0 cannot carry", c as u32),
            ));
        }
    }

    /// The document written so far, or the first problem met.
    pub fn finish(mut self) -> Result<String, XmlError> {
        self.close_start();
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.out),
        }
    }
}
