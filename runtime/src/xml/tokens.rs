//! The XML tokenizer: splits a document held as text into start tags, end
//! tags, character data and CDATA sections, and recognises the markup a
//! reader skips (comments, processing instructions, the XML declaration)
//! or refuses (DOCTYPE). It checks the structure on the way: names of end
//! tags against the open elements, quoting inside tags, terminated markup.
//!
//! It works on a window of text that may be only the start of the document:
//! a token that does not end inside the window is reported as
//! [`Stop::Incomplete`], and a streaming caller adds text and asks again.
//! Tokens are ranges of the window and hold nothing themselves, so reading
//! a document in memory copies nothing.
//!
//! What it leaves to the reader: attribute syntax (parsed only for the tags
//! whose attributes are read, see [`Attributes`]) and references in text
//! (resolved by [`push_text`] where text is read or skipped).

use std::ops::Range;

use memchr::{memchr, memchr3, memmem};

use super::limits::Limit;

/// One piece of a document, as ranges of the window it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// `<name …>` or `<name …/>`.
    Start(StartTag),
    /// `</name>`, already matched against the element it closes.
    End,
    /// Character data, references not yet resolved.
    Text(Range<usize>),
    /// The content of a `<![CDATA[…]]>` section.
    CData(Range<usize>),
    /// The XML declaration `<?xml …?>`.
    Declaration,
    /// A comment or a processing instruction.
    Skipped,
    /// A `<!DOCTYPE`: the reader refuses documents that declare one.
    DocType,
    /// The end of a complete document.
    EndOfDocument,
}

/// A start tag: where its name and its attributes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StartTag {
    /// The element name.
    pub(crate) name: Range<usize>,
    /// Everything between the name and `>` (or `/>`): the attributes.
    pub(crate) attributes: Range<usize>,
    /// `<name/>`: no content and no end tag follow.
    pub(crate) empty: bool,
}

/// Why no token could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The token that starts at the current position does not end inside
    /// the window. `what` names it for the error if no more text comes; the
    /// unfinished part that counts against `limit` starts at `from` (the
    /// token itself, or the element name or attribute value inside a tag).
    Incomplete { what: &'static str, limit: Limit, from: usize },
    /// The document is malformed at byte `at` of the window.
    Malformed { message: String, at: usize },
}

/// Reads tokens one after the other and keeps the names of the open
/// elements, to check each end tag against the element it closes.
#[derive(Debug, Default)]
pub(crate) struct Tokenizer {
    /// Where the next token starts, in the window.
    pos: usize,
    /// The names of the open elements, one after the other.
    open_names: String,
    /// Where each open element's name starts in `open_names`.
    open_starts: Vec<usize>,
}

impl Tokenizer {
    /// Where the next token starts, in the window.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Skips `bytes` at the current position (a byte order mark).
    pub(crate) fn advance(&mut self, bytes: usize) {
        self.pos += bytes;
    }

    /// The window lost its first `bytes` (all before the current token).
    pub(crate) fn shift(&mut self, bytes: usize) {
        self.pos -= bytes;
    }

    /// Reads the next token of `text`. `complete` says that `text` runs to
    /// the end of the document; otherwise a text run that reaches the end
    /// of the window is incomplete, as more of it may follow.
    pub(crate) fn next(&mut self, text: &str, complete: bool) -> Result<Token, Stop> {
        let bytes = text.as_bytes();
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return if complete {
                Ok(Token::EndOfDocument)
            } else {
                Err(incomplete("the document", Limit::Text, start))
            };
        };
        if first != b'<' {
            let end = match memchr(b'<', &bytes[start..]) {
                Some(n) => start + n,
                None if complete => bytes.len(),
                None => return Err(incomplete("a text value", Limit::Text, start)),
            };
            self.pos = end;
            return Ok(Token::Text(start..end));
        }
        match bytes.get(start + 1) {
            None => Err(incomplete("a tag", Limit::Tag, start)),
            Some(b'/') => self.end_tag(text, start),
            Some(b'!') => self.bang(bytes, start, complete),
            Some(b'?') => self.instruction(bytes, start),
            Some(_) => self.start_tag(text, start),
        }
    }

    fn start_tag(&mut self, text: &str, start: usize) -> Result<Token, Stop> {
        let bytes = text.as_bytes();
        let name_start = start + 1;
        let name_end = name_start
            + bytes[name_start..]
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
                .ok_or(incomplete("the element name", Limit::Name, name_start))?;
        check_name(&bytes[name_start..name_end], name_start)?;
        // The tag ends at the first `>` that is not inside a quoted value.
        let mut at = name_end;
        let close = loop {
            let n = memchr3(b'>', b'"', b'\'', &bytes[at..]).ok_or(incomplete("a tag", Limit::Tag, start))?;
            let found = at + n;
            match bytes[found] {
                b'>' => break found,
                quote => {
                    let value = found + 1;
                    let len = memchr(quote, &bytes[value..]).ok_or(incomplete(
                        "an attribute value",
                        Limit::AttributeValue,
                        value,
                    ))?;
                    at = value + len + 1;
                }
            }
        };
        let empty = bytes[close - 1] == b'/' && close > name_end;
        let attributes_end = if empty { close - 1 } else { close };
        if let Some(n) = memchr(b'<', &bytes[name_end..attributes_end]) {
            return Err(malformed(name_end + n, "`<` inside a tag (is a tag left unclosed?)"));
        }
        if !empty {
            self.open_starts.push(self.open_names.len());
            self.open_names.push_str(&text[name_start..name_end]);
        }
        self.pos = close + 1;
        Ok(Token::Start(StartTag { name: name_start..name_end, attributes: name_end..attributes_end, empty }))
    }

    fn end_tag(&mut self, text: &str, start: usize) -> Result<Token, Stop> {
        let bytes = text.as_bytes();
        let name_start = start + 2;
        let close =
            name_start + memchr(b'>', &bytes[name_start..]).ok_or(incomplete("an end tag", Limit::Tag, start))?;
        let name = text[name_start..close].trim_end_matches(|c: char| c.is_ascii_whitespace());
        let Some(open_start) = self.open_starts.pop() else {
            return Err(malformed(start, format!("the end tag </{}> closes no element", crate::snippet(name))));
        };
        if name != &self.open_names[open_start..] {
            let open = crate::snippet(&self.open_names[open_start..]);
            return Err(malformed(
                start,
                format!("the end tag </{}> does not match the open element <{open}>", crate::snippet(name)),
            ));
        }
        self.open_names.truncate(open_start);
        self.pos = close + 1;
        Ok(Token::End)
    }

    /// `<!--`, `<![CDATA[` or `<!DOCTYPE`.
    fn bang(&mut self, bytes: &[u8], start: usize, complete: bool) -> Result<Token, Stop> {
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            let end = find(rest, 4, b"-->").ok_or(incomplete("a comment", Limit::Text, start))?;
            self.pos = start + end + 3;
            return Ok(Token::Skipped);
        }
        if rest.starts_with(b"<![CDATA[") {
            let end = find(rest, 9, b"]]>").ok_or(incomplete("a CDATA section", Limit::Text, start))?;
            self.pos = start + end + 3;
            return Ok(Token::CData(start + 9..start + end));
        }
        if rest.starts_with(b"<!DOCTYPE") {
            return Ok(Token::DocType);
        }
        let could_still_be_one = [&b"<!--"[..], b"<![CDATA[", b"<!DOCTYPE"].iter().any(|m| m.starts_with(rest));
        if could_still_be_one && !complete {
            return Err(incomplete("a declaration", Limit::Text, start));
        }
        Err(malformed(start, "`<!` starts neither a comment nor a CDATA section"))
    }

    /// `<?…?>`: the XML declaration or a processing instruction.
    fn instruction(&mut self, bytes: &[u8], start: usize) -> Result<Token, Stop> {
        let rest = &bytes[start..];
        let end = find(rest, 2, b"?>").ok_or(incomplete("a processing instruction", Limit::Text, start))?;
        self.pos = start + end + 2;
        let target = &rest[2..end];
        let is_declaration = target.starts_with(b"xml") && target.get(3).is_none_or(|&b| b.is_ascii_whitespace());
        Ok(if is_declaration { Token::Declaration } else { Token::Skipped })
    }
}

/// Where `needle` first occurs in `haystack` at or after `from`.
fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memmem::find(haystack.get(from..)?, needle).map(|n| from + n)
}

fn incomplete(what: &'static str, limit: Limit, from: usize) -> Stop {
    Stop::Incomplete { what, limit, from }
}

fn malformed(at: usize, message: impl Into<String>) -> Stop {
    Stop::Malformed { message: message.into(), at }
}

/// An element name must not be empty and must not hold markup characters.
fn check_name(name: &[u8], at: usize) -> Result<(), Stop> {
    match name.first() {
        None => Err(malformed(at, "a tag without an element name")),
        Some(b'0'..=b'9' | b'-' | b'.') => Err(malformed(at, "an element name starts with a digit, `-` or `.`")),
        Some(_) if name.iter().any(|b| matches!(b, b'<' | b'"' | b'\'' | b'=' | b'&')) => {
            Err(malformed(at, "an element name holds `<`, a quote, `=` or `&`"))
        }
        Some(_) => Ok(()),
    }
}

/// One attribute: the ranges of its name and of its raw value.
pub(crate) type AttributeRanges = (Range<usize>, Range<usize>);

/// The attributes of one start tag, as ranges of the window, parsed on demand.
#[derive(Default)]
pub(crate) struct Attributes {
    parsed: bool,
    pairs: Vec<AttributeRanges>,
    /// Why the attributes are malformed, when they are.
    error: Option<String>,
}

impl Attributes {
    pub(crate) fn clear(&mut self) {
        self.parsed = false;
        self.pairs.clear();
        self.error = None;
    }

    /// Parses `range` of `text` (a start tag's attributes) unless done
    /// already; the error says what is malformed.
    pub(crate) fn parse(&mut self, text: &str, range: Range<usize>) -> Result<&[AttributeRanges], String> {
        if !self.parsed {
            self.parsed = true;
            if let Err(e) = parse_attributes(text.as_bytes(), range, usize::MAX, &mut self.pairs) {
                self.error = Some(e);
            }
        }
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(&self.pairs),
        }
    }
}

/// Splits `name="value" name='value' …` into ranges (at most `max` of
/// them), requiring white space before each name and a quoted value after
/// each `=`. On an error, `out` holds the attributes before it.
pub(crate) fn parse_attributes(
    bytes: &[u8],
    range: Range<usize>,
    max: usize,
    out: &mut Vec<AttributeRanges>,
) -> Result<(), String> {
    let end = range.end;
    let mut at = range.start;
    let skip_space = |mut at: usize| {
        while at < end && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        at
    };
    while out.len() < max {
        let after_space = skip_space(at);
        if after_space == end {
            return Ok(());
        }
        if after_space == at {
            return Err("attributes must be separated by white space".to_owned());
        }
        let name_start = after_space;
        let mut name_end = name_start;
        while name_end < end && !bytes[name_end].is_ascii_whitespace() && bytes[name_end] != b'=' {
            name_end += 1;
        }
        let name = String::from_utf8_lossy(&bytes[name_start..name_end]);
        at = skip_space(name_end);
        if name_end == name_start || at == end || bytes[at] != b'=' {
            return Err(format!("attribute `{}` has no value", crate::snippet(&name)));
        }
        at = skip_space(at + 1);
        let quote = match bytes.get(at) {
            Some(&q @ (b'"' | b'\'')) if at < end => q,
            _ => return Err(format!("the value of attribute `{}` is not quoted", crate::snippet(&name))),
        };
        let value_start = at + 1;
        // The tokenizer saw the closing quote before the end of the tag.
        let value_end = value_start + memchr(quote, &bytes[value_start..end]).unwrap_or(end - value_start);
        out.push((name_start..name_end, value_start..value_end));
        at = (value_end + 1).min(end);
    }
    Ok(())
}

/// Why a reference (`&…;`) could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BadReference {
    /// `&name;` of an entity that is not one of the five predefined ones.
    Undeclared(String),
    /// A character reference that is malformed or names a character XML
    /// does not allow, or a `&` that starts no reference.
    Malformed(String),
}

/// Appends raw character data to `out`: references resolved, and the line
/// ends of the text itself (`\r\n`, a lone `\r`) made `\n`, or, for an
/// attribute value (`attribute`), every tab and line end made a space, as
/// XML requires. A character written as a reference is kept as it is.
pub(crate) fn push_text(out: &mut String, mut raw: &str, attribute: bool) -> Result<(), BadReference> {
    while let Some(amp) = raw.find('&') {
        push_literal(out, &raw[..amp], attribute);
        let (c, rest) = reference(&raw[amp + 1..])?;
        out.push(c);
        raw = rest;
    }
    push_literal(out, raw, attribute);
    Ok(())
}

/// Checks that every reference in `raw` resolves, without keeping the text.
pub(crate) fn check_references(mut raw: &str) -> Result<(), BadReference> {
    while let Some(amp) = raw.find('&') {
        raw = reference(&raw[amp + 1..])?.1;
    }
    Ok(())
}

/// The character of the reference at the start of `after` (the text after
/// a `&`), and the text after its `;`.
fn reference(after: &str) -> Result<(char, &str), BadReference> {
    // The longest reference XML allows is `&#x10FFFF;` (`&#1114111;`).
    let Some(semicolon) = after.find(';').filter(|&n| n <= 12) else {
        let shown: String = after.chars().take(12).collect();
        return Err(BadReference::Malformed(format!("&{shown}")));
    };
    Ok((resolve(&after[..semicolon])?, &after[semicolon + 1..]))
}

/// Appends text that holds no reference, its line ends normalised as
/// [`push_text`] does.
pub(crate) fn push_literal(out: &mut String, mut piece: &str, attribute: bool) {
    if attribute {
        while let Some(n) = piece.find(['\t', '\n', '\r']) {
            out.push_str(&piece[..n]);
            out.push(' ');
            let crlf = piece[n..].starts_with("\r\n");
            piece = &piece[n + if crlf { 2 } else { 1 }..];
        }
        out.push_str(piece);
        return;
    }
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

/// The character of the reference `&name;` (`name` without `&` and `;`).
fn resolve(name: &str) -> Result<char, BadReference> {
    let code = if let Some(hex) = name.strip_prefix("#x") {
        u32::from_str_radix(hex, 16).ok().filter(|_| !hex.starts_with('+'))
    } else if let Some(decimal) = name.strip_prefix('#') {
        decimal.parse::<u32>().ok().filter(|_| !decimal.starts_with('+'))
    } else {
        return match name {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            other => Err(BadReference::Undeclared(crate::snippet(other))),
        };
    };
    code.and_then(char::from_u32)
        .filter(|&c| super::reader::is_xml_char(c))
        .ok_or_else(|| BadReference::Malformed(format!("&{};", crate::snippet(name))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of a complete document, as text.
    fn tokens(doc: &str) -> Result<Vec<String>, Stop> {
        let mut t = Tokenizer::default();
        let mut out = Vec::new();
        loop {
            let token = t.next(doc, true)?;
            out.push(match token {
                Token::Start(s) => {
                    let slash = if s.empty { "/" } else { "" };
                    format!("<{}|{}{slash}>", &doc[s.name], &doc[s.attributes])
                }
                Token::End => "end".to_owned(),
                Token::Text(r) => format!("text:{}", &doc[r]),
                Token::CData(r) => format!("cdata:{}", &doc[r]),
                Token::Declaration => "decl".to_owned(),
                Token::Skipped => "skipped".to_owned(),
                Token::DocType => "doctype".to_owned(),
                Token::EndOfDocument => return Ok(out),
            });
        }
    }

    #[test]
    fn a_document_splits_into_its_tokens() {
        let doc = "<?xml version='1.0'?><!-- a > b --><vms a=\"x>'\" b='y\"/>'><vm id=\"1\"/>\
            <name>a &amp; b</name ><?pi x?><![CDATA[<raw> ]] ]]></vms>";
        let expected = [
            "decl",
            "skipped",
            "<vms| a=\"x>'\" b='y\"/>'>",
            "<vm| id=\"1\"/>",
            "<name|>",
            "text:a &amp; b",
            "end",
            "skipped",
            "cdata:<raw> ]] ",
            "end",
        ];
        assert_eq!(tokens(doc).unwrap(), expected);
    }

    #[test]
    fn broken_structure_is_refused_where_it_breaks() {
        let cases = [
            ("<a></b>", 3, "does not match the open element <a>"),
            ("</a>", 0, "closes no element"),
            ("<a><<b/></a>", 4, "holds `<`"),
            ("<a></ a>", 3, "does not match"),
            ("<a>< b/></a>", 4, "without an element name"),
            ("<a x='1' <b/></a>", 9, "`<` inside a tag"),
            ("<1a/>", 1, "starts with a digit"),
            ("<a><!ELEMENT x></a>", 3, "neither a comment"),
        ];
        for (doc, at, message) in cases {
            match tokens(doc) {
                Err(Stop::Malformed { message: m, at: a }) => {
                    assert!(m.contains(message), "{doc}: {m}");
                    assert!(a <= at + 1 && a + 1 >= at, "{doc}: at {a}, expected about {at}");
                }
                other => panic!("{doc}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_token_cut_by_the_end_of_the_window_is_incomplete() {
        let doc = "<vm id=\"1\"><name>web</name><!-- x --><![CDATA[y]]><?p?></vm>";
        // Every proper prefix ends in a complete token or an incomplete one,
        // and feeding the rest goes on where it stopped.
        for cut in 0..doc.len() {
            let mut t = Tokenizer::default();
            let mut seen = Vec::new();
            let mut window = &doc[..cut];
            loop {
                match t.next(window, window.len() == doc.len()) {
                    Ok(Token::EndOfDocument) => break,
                    Ok(token) => seen.push(token),
                    Err(Stop::Incomplete { .. }) => window = doc,
                    Err(e) => panic!("cut {cut}: {e:?}"),
                }
            }
            let mut whole = Tokenizer::default();
            let expected: Vec<Token> =
                std::iter::from_fn(|| whole.next(doc, true).ok().filter(|t| *t != Token::EndOfDocument)).collect();
            assert_eq!(seen, expected, "cut at {cut}");
        }
    }

    #[test]
    fn attributes_are_split_and_checked() {
        let tag = " a=\"1\" b = 'x\"y'\tc=\"\" ";
        let mut pairs = Vec::new();
        parse_attributes(tag.as_bytes(), 0..tag.len(), usize::MAX, &mut pairs).unwrap();
        let found: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (&tag[n.clone()], &tag[v.clone()])).collect();
        assert_eq!(found, [("a", "1"), ("b", "x\"y"), ("c", "")]);
        for (bad, message) in [
            (" a", "has no value"),
            (" a=1", "not quoted"),
            (" a=\"1\"b=\"2\"", "separated by white space"),
            (" =\"1\"", "has no value"),
        ] {
            let e = parse_attributes(bad.as_bytes(), 0..bad.len(), usize::MAX, &mut Vec::new()).unwrap_err();
            assert!(e.contains(message), "{bad}: {e}");
        }
    }

    #[test]
    fn references_resolve_and_line_ends_normalise() {
        let text = |raw: &str, attribute: bool| {
            let mut out = String::new();
            push_text(&mut out, raw, attribute).map(|()| out)
        };
        assert_eq!(text("a&lt;&gt;&amp;&apos;&quot;&#65;&#x1F600;z", false).unwrap(), "a<>&'\"A😀z");
        assert_eq!(text("a\r\nb\rc\n", false).unwrap(), "a\nb\nc\n");
        assert_eq!(text("a\r\nb\tc&#13;&#10;", true).unwrap(), "a b c\r\n");
        assert_eq!(text("&#13;", false).unwrap(), "\r");
        assert_eq!(text("&foo;", false), Err(BadReference::Undeclared("foo".to_owned())));
        let cut_inside_a_character = "&a€€€€€";
        for bad in [
            "&#0;",
            "&#x1;",
            "&#xFFFE;",
            "&#xD800;",
            "&#1114112;",
            "&#;",
            "&#xZ;",
            "& b",
            "&#+5;",
            cut_inside_a_character,
        ] {
            assert!(matches!(text(bad, false), Err(BadReference::Malformed(_))), "{bad}");
            assert!(check_references(bad).is_err(), "{bad}");
        }
        assert_eq!(check_references("a &amp; b &#233;"), Ok(()));
    }
}
