//! Round trip of every struct type of the oVirt model through the generated
//! XML readers and writers, driven by the checked IR (`sdkgen::load`).
//!
//! For each of the struct types a document is built with **every** member
//! set (attributes, elements, value lists, struct lists, list links), with
//! awkward values (`&`, `<`, `]]>`, CR, LF, tabs, non-ASCII, empty and
//! white-space-only strings, 64-bit and negative integers, dates with
//! offsets and 0/3/6 fraction digits, decimals such as `1.50` and `-0.001`,
//! unknown enum values, `<link rel=…>` list links) in awkward encodings
//! (character references, CDATA, CRLF line ends, comments inside text,
//! upper-case booleans and enum values, padded numbers), with nested structs
//! to depth 2 and unknown elements and attributes sprinkled everywhere.
//!
//! Alongside the input, the builder computes the tree the writer must
//! produce from what was read (canonical values; unknown data, empty list
//! items and `<link>` elements gone; a link's `href` on its list element,
//! written `<nics href="…"/>` when the list is only that link).
//! The test reads the input with `read_document`, writes it back, compares
//! the written XML with that tree (attributes unordered, struct members in
//! any order, list items in order) and finally checks
//! `read(write(x)) == x`.
//!
//! A property-style test then does the same with random values (including
//! random Unicode strings) for a handful of types, and checks that text XML
//! cannot carry makes the writer fail with `UnwritableText`.

use std::collections::BTreeSet;
use std::path::Path;

use ovirt_sdk::types::{Cluster, Disk, Host, Network, Vm};
use ovirt_sdk::xml::{Document, XmlErrorKind, read_document, to_xml};
use quick_xml::events::Event;
use sdkgen::ir::{Api, Member, MemberKind, Primitive, TypeRef, XmlNames};
use sdkgen_testkit::Rng;

// ---------------------------------------------------------------------------
// Expected trees and a canonical parse of written XML
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Content {
    /// `<x/>`.
    Empty,
    /// `<x>text</x>` (the text may be empty: `<x></x>`).
    Text(String),
    /// Child elements (white space between them ignored).
    Children(Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
struct Node {
    tag: String,
    attrs: Vec<(String, String)>,
    content: Content,
}

/// Attributes sorted by name; children stably sorted by tag, so that struct
/// members may come in any order while list items keep theirs.
fn canonical(mut node: Node) -> Node {
    node.attrs.sort();
    if let Content::Children(children) = node.content {
        let mut children: Vec<Node> = children.into_iter().map(canonical).collect();
        children.sort_by(|a, b| a.tag.cmp(&b.tag));
        node.content = Content::Children(children);
    }
    node
}

/// Parses XML (as our writer writes it) into a tree, with an independent
/// use of quick-xml.
fn parse_tree(xml: &str) -> Node {
    struct Open {
        node: Node,
        text: String,
        children: Vec<Node>,
    }
    fn start(s: &quick_xml::events::BytesStart<'_>) -> Node {
        let tag = s.name().as_ref().to_owned();
        let attrs = s
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                let key = a.key.as_ref().to_owned();
                (key, a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned())
            })
            .collect();
        Node { tag, attrs, content: Content::Empty }
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    let attach = |stack: &mut Vec<Open>, root: &mut Option<Node>, node: Node| match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *root = Some(node),
    };
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("written XML does not parse: {e}\n{xml}")) {
            Event::Start(s) => stack.push(Open { node: start(&s), text: String::new(), children: Vec::new() }),
            Event::Empty(s) => attach(&mut stack, &mut root, start(&s)),
            Event::End(_) => {
                let Open { mut node, text, children } = stack.pop().unwrap();
                node.content = if children.is_empty() {
                    Content::Text(text)
                } else {
                    assert!(text.trim().is_empty(), "mixed content in written XML: {text:?}");
                    Content::Children(children)
                };
                attach(&mut stack, &mut root, node);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::CData(c) => stack.last_mut().unwrap().text.push_str(&c.xml10_content()),
            Event::GeneralRef(r) => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().unwrap().unwrap()
                } else {
                    match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("written XML uses the entity {other}"),
                    }
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Event::Eof => break,
            other => panic!("unexpected event in written XML: {other:?}"),
        }
    }
    root.expect("written XML has a root")
}

/// The first difference between two canonical trees, as a readable path.
fn first_difference(expected: &Node, actual: &Node, path: &str) -> Option<String> {
    let path = format!("{path}/{}", expected.tag);
    if expected.tag != actual.tag {
        return Some(format!("{path}: expected element <{}>, written <{}>", expected.tag, actual.tag));
    }
    if expected.attrs != actual.attrs {
        return Some(format!("{path}: expected attributes {:?}, written {:?}", expected.attrs, actual.attrs));
    }
    match (&expected.content, &actual.content) {
        (Content::Children(e), Content::Children(a)) => {
            let etags: Vec<&str> = e.iter().map(|n| n.tag.as_str()).collect();
            let atags: Vec<&str> = a.iter().map(|n| n.tag.as_str()).collect();
            if etags != atags {
                let eset: BTreeSet<&str> = etags.iter().copied().collect();
                let aset: BTreeSet<&str> = atags.iter().copied().collect();
                return Some(format!(
                    "{path}: children differ; missing {:?}, extra {:?}, expected {etags:?}, written {atags:?}",
                    eset.difference(&aset).collect::<Vec<_>>(),
                    aset.difference(&eset).collect::<Vec<_>>(),
                ));
            }
            e.iter().zip(a).find_map(|(e, a)| first_difference(e, a, &path))
        }
        (e, a) if e == a => None,
        (e, a) => Some(format!("{path}: expected content {e:?}, written {a:?}")),
    }
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/// `(input text, text the writer must produce)`.
type Value = (String, String);

const BOOLS: &[(&str, &str)] = &[
    ("true", "true"),
    ("false", "false"),
    ("TRUE", "true"),
    ("False", "false"),
    ("1", "true"),
    ("0", "false"),
    (" true\n", "true"),
];

const INTEGERS: &[(&str, &str)] = &[
    ("0", "0"),
    ("-1", "-1"),
    ("42", "42"),
    ("9223372036854775807", "9223372036854775807"),
    ("-9223372036854775808", "-9223372036854775808"),
    (" 4294967296\n", "4294967296"),
    ("+7", "7"),
    ("-00012", "-12"),
];

const DECIMALS: &[(&str, &str)] = &[
    ("1.50", "1.50"),
    ("-0.001", "-0.001"),
    ("0", "0"),
    ("1e3", "1e3"),
    ("-1.5E-3", "-1.5E-3"),
    (" 3.14 ", "3.14"),
    ("inf", "INF"),
    ("-Infinity", "-INF"),
    ("NaN", "NaN"),
    (
        "0.1000000000000000055511151231257827021181583404541015625",
        "0.1000000000000000055511151231257827021181583404541015625",
    ),
];

const DATES: &[(&str, &str)] = &[
    ("2015-12-10T22:00:30+01:00", "2015-12-10T22:00:30+01:00"),
    ("2016-09-08T09:53:35.138+02:00", "2016-09-08T09:53:35.138+02:00"),
    ("2020-02-29T23:59:59.123456-05:30", "2020-02-29T23:59:59.123456-05:30"),
    ("2000-01-01T00:00:00Z", "2000-01-01T00:00:00Z"),
    (" 1999-12-31T23:59:59.000Z\n", "1999-12-31T23:59:59.000Z"),
    ("2021-06-01T12:00:00", "2021-06-01T12:00:00"),
    ("2010-01-01T00:00:00-00:00", "2010-01-01T00:00:00-00:00"),
    ("2038-01-19T03:14:08.000000+14:00", "2038-01-19T03:14:08.000000+14:00"),
];

const STRINGS: &[&str] = &[
    "plain",
    "",
    "   ",
    " \t\n ",
    "a & b < c > d",
    "]]>",
    "x]]>y]]]>z",
    "line1\r\nline2",
    "cr\ronly\r",
    "tab\there",
    "Ünïcödé ✓ 日本語 🎉 𝄞",
    "\"quoted\" and 'apos'",
    "  leading and trailing  ",
    "&amp; is not unescaped twice",
    "<not-a-tag/>",
    "\u{7f}\u{85}\u{a0}\u{feff}\u{fffd}",
];

const UNKNOWN_ENUMS: &[&str] = &["ugly", "future_value_42", "Mixed Case & <odd>", "ünknown"];

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Every member set, values from the awkward pools.
    Awkward,
    /// A random subset of members, random values.
    Random,
}

// ---------------------------------------------------------------------------
// The document builder
// ---------------------------------------------------------------------------

/// Depth of the most deeply nested struct that gets members; structs at
/// this depth carry their attributes only.
const MAX_DEPTH: usize = 2;

struct Builder<'a> {
    api: &'a Api,
    rng: Rng,
    mode: Mode,
    out: String,
    serial: u64,
}

impl<'a> Builder<'a> {
    fn new(api: &'a Api, seed: u64, mode: Mode) -> Self {
        Builder { api, rng: Rng::new(seed), mode, out: String::new(), serial: 0 }
    }

    fn href(&mut self) -> String {
        self.serial += 1;
        if self.rng.chance(30) {
            format!("/ovirt-engine/api/things/{}?a=1&b=\"2\"", self.serial)
        } else {
            format!("/ovirt-engine/api/things/{}", self.serial)
        }
    }

    // -- encodings ----------------------------------------------------------

    /// `text` as element content in a random, equivalent encoding.
    fn encode_text(&mut self, text: &str) -> String {
        let style = self.rng.below(4);
        if style == 0 && !text.contains('\r') {
            // One or two CDATA sections (`]]>` split across them); a
            // literal CR would be normalised, so no CR here.
            let mut out = String::from("<![CDATA[");
            out.push_str(&text.replace("]]>", "]]]]><![CDATA[>").replace('\n', "\r\n"));
            out.push_str("]]>");
            return out;
        }
        let mut out = String::new();
        let chars: Vec<char> = text.chars().collect();
        let comment_at = if style == 1 && !chars.is_empty() { Some(self.rng.below(chars.len())) } else { None };
        for (i, &c) in chars.iter().enumerate() {
            if comment_at == Some(i) {
                out.push_str("<!-- a comment is not text -->");
            }
            let roll = self.rng.below(3);
            match c {
                '&' => out.push_str(["&amp;", "&#38;", "&#x26;"][roll]),
                '<' => out.push_str(["&lt;", "&#60;", "&lt;"][roll]),
                '>' if roll == 0 && !out.ends_with(']') => out.push('>'),
                '>' => out.push_str("&gt;"),
                '"' if roll == 0 => out.push_str("&quot;"),
                '\'' if roll == 0 => out.push_str("&apos;"),
                '\r' => out.push_str(if roll == 0 { "&#xD;" } else { "&#13;" }),
                '\n' => out.push_str(["\n", "&#10;", "\r\n"][roll]),
                '\t' if roll == 0 => out.push_str("&#9;"),
                c if !c.is_ascii() && roll == 0 => out.push_str(&format!("&#x{:X};", c as u32)),
                c if !c.is_ascii() && roll == 1 => out.push_str(&format!("&#{};", c as u32)),
                c => out.push(c),
            }
        }
        out
    }

    /// `name="value"` (or single-quoted) in a random, equivalent encoding.
    fn write_attr(&mut self, name: &str, value: &str) {
        let quote = if self.rng.chance(25) { '\'' } else { '"' };
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push('=');
        self.out.push(quote);
        for c in value.chars() {
            let roll = self.rng.below(2);
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '"' if quote == '"' => self.out.push_str("&quot;"),
                '\'' if quote == '\'' => self.out.push_str("&apos;"),
                '\t' => self.out.push_str("&#9;"),
                '\n' => self.out.push_str(if roll == 0 { "&#10;" } else { "&#xA;" }),
                '\r' => self.out.push_str("&#13;"),
                '>' if roll == 0 => self.out.push_str("&gt;"),
                c if !c.is_ascii() && roll == 0 => self.out.push_str(&format!("&#{};", c as u32)),
                c => self.out.push(c),
            }
        }
        self.out.push(quote);
    }

    // -- values -------------------------------------------------------------

    fn string_value(&mut self) -> String {
        match self.mode {
            Mode::Awkward => (*self.rng.pick(STRINGS)).to_owned(),
            Mode::Random => random_string(&mut self.rng, 24),
        }
    }

    /// Input and written text of a primitive or enum value.
    fn scalar(&mut self, ty: TypeRef) -> Value {
        let pad = |rng: &mut Rng, s: &str| -> String {
            match rng.below(4) {
                0 => format!(" {s}"),
                1 => format!("{s}\n  "),
                _ => s.to_owned(),
            }
        };
        let pool = |rng: &mut Rng, pool: &[(&str, &str)]| -> Value {
            let (i, o) = rng.pick(pool);
            ((*i).to_owned(), (*o).to_owned())
        };
        match (ty, self.mode) {
            (TypeRef::Primitive(Primitive::String | Primitive::Json), _) => {
                let s = self.string_value();
                (s.clone(), s)
            }
            (TypeRef::Primitive(Primitive::Boolean), _) => pool(&mut self.rng, BOOLS),
            (TypeRef::Primitive(Primitive::Integer), Mode::Awkward) => pool(&mut self.rng, INTEGERS),
            (TypeRef::Primitive(Primitive::Integer), Mode::Random) => {
                let n = match self.rng.below(3) {
                    0 => self.rng.next() as i64,
                    1 => self.rng.below(1000) as i64 - 500,
                    _ => *self.rng.pick(&[i64::MIN, i64::MAX, 0, -1, 1 << 32]),
                };
                (pad(&mut self.rng, &n.to_string()), n.to_string())
            }
            (TypeRef::Primitive(Primitive::Decimal), Mode::Awkward) => pool(&mut self.rng, DECIMALS),
            (TypeRef::Primitive(Primitive::Decimal), Mode::Random) => {
                let d = random_decimal(&mut self.rng);
                (pad(&mut self.rng, &d), d)
            }
            (TypeRef::Primitive(Primitive::Date), Mode::Awkward) => pool(&mut self.rng, DATES),
            (TypeRef::Primitive(Primitive::Date), Mode::Random) => {
                let d = random_date(&mut self.rng);
                (pad(&mut self.rng, &d), d)
            }
            (TypeRef::Enum(e), _) => {
                let en = &self.api.enums[e];
                if self.rng.chance(25) || en.values.is_empty() {
                    let v = match self.mode {
                        Mode::Awkward => (*self.rng.pick(UNKNOWN_ENUMS)).to_owned(),
                        Mode::Random => format!("x{}", random_string(&mut self.rng, 8).trim()),
                    };
                    if en.values.iter().any(|k| k.wire.eq_ignore_ascii_case(&v)) {
                        // Not unknown after all: read as the known value.
                        let known = en.values.iter().find(|k| k.wire.eq_ignore_ascii_case(&v)).unwrap();
                        return (v.clone(), known.wire.clone());
                    }
                    (pad(&mut self.rng, &v), v)
                } else {
                    let wire = self.rng.pick(&en.values).wire.clone();
                    let input = if self.rng.chance(20) { wire.to_uppercase() } else { wire.clone() };
                    (pad(&mut self.rng, &input), wire)
                }
            }
            (TypeRef::Struct(_), _) => unreachable!("structs are not scalars"),
        }
    }

    // -- structure ----------------------------------------------------------

    fn present(&mut self) -> bool {
        self.mode == Mode::Awkward || self.rng.chance(55)
    }

    /// White space, comments, processing instructions, text, unknown
    /// elements and `<actions>` that readers must skip.
    fn noise(&mut self, depth: usize) {
        let indent = "  ".repeat(depth + 1);
        match self.rng.below(if self.mode == Mode::Awkward { 12 } else { 20 }) {
            0 => self.out.push_str("<!-- comment <vm> & stuff -->"),
            1 => self.out.push_str("<?some-pi with data?>"),
            2 => self.out.push_str(
                "<actions><link href=\"/ovirt-engine/api/x/start\" rel=\"start\"/>\
                 <link href=\"/ovirt-engine/api/x/stop\" rel=\"stop\"/></actions>",
            ),
            3 => self.out.push_str(
                "<zz_unknown zz=\"1\"><name>not me</name><link rel=\"nics\" href=\"/bogus\"/>\
                 <deeper><deepest a='b'>text &amp; more</deepest><empty/></deeper><![CDATA[<x>]]></zz_unknown>",
            ),
            4 => self.out.push_str("<zz_empty_unknown/>"),
            5 => self.out.push_str("stray text &amp; &#233; between elements"),
            6 => {
                self.out.push_str("\r\n");
                self.out.push_str(&indent);
            }
            7 => self.out.push_str("<link rel=\"zz_unknown_rel\" href=\"/bogus\"/><link href=\"/no-rel\"/><link/>"),
            _ => {
                self.out.push('\n');
                self.out.push_str(&indent);
            }
        }
    }

    /// Writes a struct element `<tag …>` of struct `si` into the input and
    /// returns the tree the writer must produce for it.
    fn struct_element(&mut self, si: usize, tag: &str, depth: usize) -> Node {
        let api = self.api;
        let st = &api.structs[si];
        let mut attrs = Vec::new();
        self.out.push('<');
        self.out.push_str(tag);
        if self.mode == Mode::Awkward || self.rng.chance(50) {
            let href = self.href();
            self.write_attr("href", &href);
            attrs.push(("href".to_owned(), href));
        }
        for m in st.members.iter().filter(|m| m.xml_facts().attribute) {
            if !self.present() {
                continue;
            }
            let (input, output) = self.scalar(m.ty);
            self.write_attr(&m.wire, &input);
            attrs.push((m.wire.clone(), output));
        }
        if self.rng.chance(20) {
            self.write_attr("zz_unknown_attribute", "ignored & skipped");
        }
        if depth >= MAX_DEPTH {
            self.out.push_str("/>");
            return Node { tag: tag.to_owned(), attrs, content: Content::Empty };
        }
        let mut members: Vec<&Member> = st.members.iter().filter(|m| !m.xml_facts().attribute).collect();
        members.retain(|_| self.present());
        self.rng.shuffle(&mut members);
        if members.is_empty() && self.rng.chance(50) {
            self.out.push_str("/>");
            return Node { tag: tag.to_owned(), attrs, content: Content::Empty };
        }
        self.out.push('>');
        let mut children = Vec::new();
        for m in members {
            if self.rng.chance(40) {
                self.noise(depth);
            }
            children.push(self.member(m, depth));
        }
        if self.rng.chance(40) {
            self.noise(depth);
        }
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        let content = if children.is_empty() { Content::Empty } else { Content::Children(children) };
        Node { tag: tag.to_owned(), attrs, content }
    }

    /// Writes one child-element member of a struct at `depth`.
    fn member(&mut self, m: &Member, depth: usize) -> Node {
        match (m.ty, m.list) {
            (TypeRef::Struct(i), false) => self.struct_element(i, &m.wire, depth + 1),
            (TypeRef::Struct(i), true) => {
                let item_tag = m.xml_facts().item.clone().expect("list members have an item tag");
                let link = m.kind == MemberKind::Link && m.xml_facts().rel.is_some() && self.rng.chance(60);
                let mut count = match self.mode {
                    Mode::Awkward if depth == 0 => 2,
                    Mode::Awkward => 1,
                    Mode::Random => self.rng.below(3),
                };
                // With a link the list is either only that link (as the
                // engine sends most lists), followed but empty, or inline.
                let link_only = link && self.rng.chance(30);
                if link {
                    count = if link_only || self.rng.chance(20) { 0 } else { count.max(1) };
                }
                let link_href = link.then(|| self.href());
                let link_first = self.rng.chance(50);
                let write_link = |b: &mut Self| {
                    let rel = m.xml_facts().rel.clone().unwrap();
                    let href = link_href.clone().unwrap();
                    b.out.push_str("<link");
                    if b.rng.chance(50) {
                        b.write_attr("rel", &rel);
                        b.write_attr("href", &href);
                    } else {
                        b.write_attr("href", &href);
                        b.write_attr("rel", &rel);
                    }
                    b.out.push_str("/>");
                };
                if link && (link_first || link_only) {
                    write_link(self);
                    self.noise(depth);
                }
                if link_only {
                    let attrs = vec![("href".to_owned(), link_href.clone().unwrap())];
                    return Node { tag: m.wire.clone(), attrs, content: Content::Empty };
                }
                let mut attrs = Vec::new();
                self.out.push('<');
                self.out.push_str(&m.wire);
                // The `href` of a list comes from its link or its own attribute.
                if let Some(href) = &link_href {
                    attrs.push(("href".to_owned(), href.clone()));
                } else if count > 0 && self.rng.chance(30) {
                    let href = self.href();
                    self.write_attr("href", &href);
                    attrs.push(("href".to_owned(), href));
                }
                let mut items = Vec::new();
                if count == 0 && self.rng.chance(50) {
                    self.out.push_str("/>");
                } else {
                    self.out.push('>');
                    for k in 0..count {
                        if self.rng.chance(30) {
                            self.noise(depth + 1);
                        }
                        // The first item is full, the others are references.
                        let item_depth = if k == 0 { depth + 1 } else { MAX_DEPTH };
                        items.push(self.struct_element(i, &item_tag, item_depth));
                    }
                    if self.rng.chance(30) {
                        self.noise(depth + 1);
                    }
                    self.out.push_str("</");
                    self.out.push_str(&m.wire);
                    self.out.push('>');
                }
                if link && !link_first {
                    self.noise(depth);
                    write_link(self);
                }
                let content = if items.is_empty() { Content::Empty } else { Content::Children(items) };
                Node { tag: m.wire.clone(), attrs, content }
            }
            (ty, false) => {
                let (input, output) = self.scalar(ty);
                let encoded = self.encode_text(&input);
                self.out.push_str(&format!("<{0}>{encoded}</{0}>", m.wire));
                Node { tag: m.wire.clone(), attrs: Vec::new(), content: Content::Text(output) }
            }
            (ty, true) => {
                let item_tag = m.xml_facts().item.clone().expect("list members have an item tag");
                let count = match self.mode {
                    Mode::Awkward => 2,
                    Mode::Random => self.rng.below(4),
                };
                let mut attrs = Vec::new();
                self.out.push('<');
                self.out.push_str(&m.wire);
                if count > 0 && self.rng.chance(25) {
                    let href = self.href();
                    self.write_attr("href", &href);
                    attrs.push(("href".to_owned(), href));
                }
                let mut items = Vec::new();
                if count == 0 && self.rng.chance(50) {
                    self.out.push_str("/>");
                } else {
                    self.out.push('>');
                    for _ in 0..count {
                        if self.rng.chance(25) {
                            // An empty item carries no value and is dropped.
                            self.out.push_str(&format!("<{item_tag}/>"));
                        }
                        if self.rng.chance(20) {
                            self.noise(depth + 1);
                        }
                        let (input, output) = self.scalar(ty);
                        let encoded = self.encode_text(&input);
                        self.out.push_str(&format!("<{item_tag}>{encoded}</{item_tag}>"));
                        items.push(Node { tag: item_tag.clone(), attrs: Vec::new(), content: Content::Text(output) });
                    }
                    self.out.push_str("</");
                    self.out.push_str(&m.wire);
                    self.out.push('>');
                }
                let content = if items.is_empty() { Content::Empty } else { Content::Children(items) };
                Node { tag: m.wire.clone(), attrs, content }
            }
        }
    }

    /// A whole `<tag>` document of struct `si`.
    fn document(&mut self, si: usize) -> (String, Node) {
        self.out.clear();
        if self.rng.chance(50) {
            self.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
        }
        let tag = xml_names(self.api, si).element;
        let node = self.struct_element(si, &tag, 0);
        self.out.push('\n');
        (std::mem::take(&mut self.out), node)
    }

    /// A `<plural>` collection document of struct `si` with a full item and
    /// a reference, plus collection-level `<actions>`.
    fn collection(&mut self, si: usize) -> (String, Node) {
        self.out.clear();
        let XmlNames { element: tag, plural } = xml_names(self.api, si);
        let href = self.href();
        self.out.push('<');
        self.out.push_str(&plural);
        self.write_attr("href", &href);
        self.out.push_str(">\n  <actions><link href=\"/x/add\" rel=\"add\"/></actions>\n  ");
        let items = vec![self.struct_element(si, &tag, 1), {
            self.out.push_str("\n  <zz_other_item/>\n  ");
            self.struct_element(si, &tag, MAX_DEPTH)
        }];
        self.out.push_str(&format!("\n</{plural}>"));
        let node = Node { tag: plural, attrs: vec![("href".to_owned(), href)], content: Content::Children(items) };
        (std::mem::take(&mut self.out), node)
    }
}

// ---------------------------------------------------------------------------
// Random values
// ---------------------------------------------------------------------------

/// A random character XML 1.0 can carry.
fn random_char(rng: &mut Rng) -> char {
    loop {
        let c = match rng.below(10) {
            0 => *rng.pick(&['&', '<', '>', '"', '\'', ']', '\t', '\n', '\r', ' ']),
            1..=3 => (0x20 + rng.below(0x5F) as u32).try_into().unwrap(),
            4 => char::from_u32(0x7F + rng.below(0x181) as u32).unwrap(),
            5 | 6 => char::from_u32(0x100 + rng.below(0xD800 - 0x100) as u32).unwrap(),
            7 => char::from_u32(0xE000 + rng.below(0x1FFE) as u32).unwrap(),
            _ => char::from_u32(0x10000 + rng.below(0x100000) as u32).unwrap(),
        };
        if !matches!(c, '\u{FFFE}' | '\u{FFFF}') {
            return c;
        }
    }
}

fn random_string(rng: &mut Rng, max: usize) -> String {
    let n = rng.below(max + 1);
    (0..n).map(|_| random_char(rng)).collect()
}

fn random_digits(rng: &mut Rng, min: usize, max: usize) -> String {
    let n = min + rng.below(max - min + 1);
    (0..n).map(|_| char::from(b'0' + rng.below(10) as u8)).collect()
}

fn random_decimal(rng: &mut Rng) -> String {
    let mut s = String::new();
    match rng.below(3) {
        0 => s.push('-'),
        1 => s.push('+'),
        _ => {}
    }
    match rng.below(3) {
        0 => s.push_str(&random_digits(rng, 1, 20)),
        1 => {
            s.push_str(&random_digits(rng, 0, 5));
            s.push('.');
            s.push_str(&random_digits(rng, 1, 8));
        }
        _ => {
            s.push_str(&random_digits(rng, 1, 3));
            s.push('.');
            s.push_str(&random_digits(rng, 0, 3));
            s.push(*rng.pick(&['e', 'E']));
            let sign = ["", "-", "+"][rng.below(3)];
            s.push_str(sign);
            s.push_str(&random_digits(rng, 1, 3));
        }
    }
    s
}

fn random_date(rng: &mut Rng) -> String {
    let year = 1 + rng.below(9999);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let mut s = format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", rng.below(24), rng.below(60), rng.below(60));
    if rng.chance(60) {
        s.push('.');
        s.push_str(&random_digits(rng, 1, 9));
    }
    match rng.below(4) {
        0 => s.push('Z'),
        1 => {}
        _ => {
            let minutes = rng.below(14 * 60 + 1);
            let sign = if rng.chance(50) { '-' } else { '+' };
            s.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
        }
    }
    s
}

// ---------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------

/// The element and collection names of struct `si`, which an XML model
/// always states.
fn xml_names(api: &Api, si: usize) -> XmlNames {
    api.structs[si].xml.clone().expect("an XML model names every type's elements")
}

fn load_api() -> Api {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../model/ovirt");
    sdkgen::load(&dir).unwrap_or_else(|e| panic!("{} does not load:\n{e}", dir.display()))
}

/// Reads `input`, checks that writing it back gives `expected` and that
/// reading the written XML gives the same value. Returns the value.
fn check(name: &str, input: &str, expected: Node) -> Document {
    let doc = read_document(input.as_bytes())
        .unwrap_or_else(|e| panic!("{name}: the document does not read: {e}\n{input}"))
        .unwrap_or_else(|| panic!("{name}: read as an empty document"));
    assert_eq!(doc.tag(), expected.tag, "{name}: read as the wrong type");
    let written = doc.to_xml().unwrap_or_else(|e| panic!("{name}: the value does not write: {e}"));
    let expected = canonical(expected);
    let actual = canonical(parse_tree(&written));
    if let Some(diff) = first_difference(&expected, &actual, "") {
        panic!(
            "{name}: the written XML differs from what was read: {diff}\n--- input:\n{input}\n--- written:\n{written}"
        );
    }
    assert_eq!(expected, actual, "{name}");
    let again = read_document(written.as_bytes())
        .unwrap_or_else(|e| panic!("{name}: the written XML does not read: {e}\n{written}"))
        .unwrap();
    assert!(again == doc, "{name}: read(write(x)) != x\n--- written:\n{written}");
    doc
}

#[test]
fn every_struct_type_round_trips_with_every_member_set() {
    let api = load_api();
    assert_eq!(api.structs.len(), 220, "the oVirt model has 220 struct types");

    // Every root tag and collection tag names exactly one type.
    let mut roots = BTreeSet::new();
    for (si, st) in api.structs.iter().enumerate() {
        let XmlNames { element, plural } = xml_names(&api, si);
        assert!(roots.insert(element.clone()), "two types use the root <{element}>");
        assert!(roots.insert(plural.clone()), "two types use the root <{plural}>");
        for m in &st.members {
            assert_ne!(m.wire, "link", "{}.{} would collide with <link>", st.name, m.name);
            if let (TypeRef::Struct(i), true) = (m.ty, m.list) {
                // The generated reader matches list items by the item type's tag.
                assert_eq!(m.xml_facts().item, Some(xml_names(&api, i).element), "{}.{}", st.name, m.name);
            }
        }
    }

    let mut covered = 0;
    let mut members = 0;
    let mut bytes = 0;
    for (si, st) in api.structs.iter().enumerate() {
        let mut b = Builder::new(&api, 0x5EED ^ (si as u64) << 8, Mode::Awkward);
        let (input, expected) = b.document(si);
        // Every member is in the document.
        let present: BTreeSet<&str> = match &expected.content {
            Content::Children(c) => c.iter().map(|n| n.tag.as_str()).collect(),
            _ => BTreeSet::new(),
        };
        for m in &st.members {
            if m.xml_facts().attribute {
                assert!(expected.attrs.iter().any(|(k, _)| *k == m.wire), "{}.{} not set", st.name, m.name);
            } else {
                assert!(present.contains(m.wire.as_str()), "{}.{} not set", st.name, m.name);
            }
            members += 1;
        }
        bytes += input.len();
        check(&st.name, &input, expected);

        let (input, expected) = b.collection(si);
        bytes += input.len();
        let list = check(&format!("{} collection", st.name), &input, expected);
        assert!(format!("{list:?}").contains("/ovirt-engine/api/things/"), "the collection keeps its href");
        covered += 1;
    }
    println!("covered {covered} struct types ({members} members, {} KiB of XML)", bytes / 1024);
    assert_eq!(covered, 220);
}

#[test]
fn random_values_round_trip() {
    let api = load_api();
    let index = |name: &str| api.structs.iter().position(|s| s.name == name).unwrap();
    let types = ["Vm", "Host", "Disk", "Network", "Cluster"].map(index);
    let mut rng = Rng::new(0xDEC0DE);
    let mut cases = 0;
    for round in 0..60 {
        for &si in &types {
            let mut b = Builder::new(&api, rng.next(), Mode::Random);
            let (input, expected) = b.document(si);
            let doc = check(&format!("{} random #{round}", api.structs[si].name), &input, expected);
            cases += 1;

            // Random Unicode set directly on the values, then written and read.
            let mut doc = doc;
            let mut s = || random_string(&mut rng, 40);
            match &mut doc {
                Document::Vm(v) => (v.name, v.description, v.comment) = (Some(s()), Some(s()), Some(s())),
                Document::Host(v) => (v.name, v.address, v.root_password) = (Some(s()), Some(s()), Some(s())),
                Document::Disk(v) => (v.name, v.alias, v.logical_name) = (Some(s()), Some(s()), Some(s())),
                Document::Network(v) => (v.name, v.vdsm_name, v.id) = (Some(s()), Some(s()), Some(s())),
                Document::Cluster(v) => (v.name, v.gluster_tuned_profile, v.href) = (Some(s()), Some(s()), Some(s())),
                other => panic!("unexpected document {}", other.tag()),
            }
            let written = doc.to_xml().unwrap();
            let again = read_document(written.as_bytes()).unwrap().unwrap();
            assert!(again == doc, "random strings do not round trip:\n{written}");
        }
    }
    assert_eq!(cases, 300);
}

#[test]
fn text_xml_cannot_carry_is_refused_by_the_writer() {
    let mut rng = Rng::new(7);
    let illegal = ['\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}', '\u{FFFE}', '\u{FFFF}'];
    for (i, &bad) in illegal.iter().enumerate() {
        let mut text = random_string(&mut rng, 10);
        text.push(bad);
        text.push_str(&random_string(&mut rng, 10));
        let checks: [Result<String, ovirt_sdk::xml::XmlError>; 5] = [
            to_xml(&Vm { name: Some(text.clone()), ..Default::default() }),
            to_xml(&Host { id: Some(text.clone()), ..Default::default() }),
            to_xml(&Disk { href: Some(text.clone()), ..Default::default() }),
            to_xml(&Network { description: Some(text.clone()), ..Default::default() }),
            to_xml(&Cluster {
                data_center: Some(Box::new(ovirt_sdk::types::DataCenter {
                    comment: Some(text.clone()),
                    ..Default::default()
                })),
                ..Default::default()
            }),
        ];
        for (k, result) in checks.into_iter().enumerate() {
            let err = result.expect_err(&format!("case {i}/{k}: U+{:04X} was written", bad as u32));
            assert_eq!(err.kind(), XmlErrorKind::UnwritableText, "{err}");
            assert!(err.message().contains(&format!("U+{:04X}", bad as u32)), "{err}");
        }
    }
    // And legal text right next to the limits is written.
    let legal = "\t\n\r \u{D7FF}\u{E000}\u{FFFD}\u{10000}\u{10FFFF}";
    let xml = to_xml(&Vm { name: Some(legal.to_owned()), ..Default::default() }).unwrap();
    let back = ovirt_sdk::xml::from_xml::<Vm>(xml.as_bytes()).unwrap();
    assert_eq!(back.name.as_deref(), Some(legal));
}
