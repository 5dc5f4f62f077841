//! Structural comparison of XML documents for the method-level wire test.
//!
//! A document is parsed (with quick-xml, independently of the SDK's reader)
//! into a tree and written out as one line per element: its path, its
//! attributes (sorted by name) and, for a leaf, its text. The rules:
//!
//! * white space between elements is ignored (the Python SDK indents request
//!   bodies, we do not); the text of a leaf is kept exactly;
//! * `<x/>` and `<x></x>` differ (the API reads the first as absent and the
//!   second as the empty string);
//! * attributes are compared as a set;
//! * the children of an element are ordered by tag name, keeping the order
//!   of children with the same tag. The members of a struct may come in any
//!   order (the Python SDK sorts them by name, we write them in model order,
//!   and the server does not care), while the items of a list, which share
//!   one tag, keep their order. [`Tree::same_order`] tells whether the order
//!   as written was the same too.

use quick_xml::events::{BytesStart, Event};

/// One element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub tag: String,
    pub attrs: Vec<(String, String)>,
    pub body: Body,
}

/// What an element holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// `<x/>`.
    Empty,
    /// Text only (possibly empty: `<x></x>`).
    Text(String),
    /// Child elements (white space between them dropped).
    Children(Vec<Node>),
}

/// A parsed document.
#[derive(Debug, Clone)]
pub struct Tree {
    pub root: Node,
}

impl Tree {
    /// Parses a document; an error says why it is not one.
    pub fn parse(xml: &[u8]) -> Result<Tree, String> {
        let text = std::str::from_utf8(xml).map_err(|e| format!("not UTF-8: {e}"))?;
        parse_root(text).map(|root| Tree { root })
    }

    /// The canonical lines (children ordered by tag).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        write_lines(&self.root, "", true, &mut out);
        out
    }

    /// The lines with the children in the order written.
    fn lines_as_written(&self) -> Vec<String> {
        let mut out = Vec::new();
        write_lines(&self.root, "", false, &mut out);
        out
    }

    /// Whether both documents also have their children in the same order.
    pub fn same_order(&self, other: &Tree) -> bool {
        self.lines_as_written() == other.lines_as_written()
    }
}

fn start_node(s: &BytesStart<'_>) -> Result<Node, String> {
    let tag = s.name().as_ref().to_owned();
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| format!("<{tag}>: bad attribute: {e}"))?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("<{tag}>: bad attribute value: {e}"))?;
        attrs.push((a.key.as_ref().to_owned(), value.into_owned()));
    }
    attrs.sort();
    Ok(Node { tag, attrs, body: Body::Empty })
}

fn parse_root(xml: &str) -> Result<Node, String> {
    struct Open {
        node: Node,
        text: String,
        children: Vec<Node>,
    }
    fn attach(stack: &mut [Open], root: &mut Option<Node>, node: Node) -> Result<(), String> {
        match stack.last_mut() {
            Some(parent) => parent.children.push(node),
            None if root.is_none() => *root = Some(node),
            None => return Err(format!("a second root element <{}>", node.tag)),
        }
        Ok(())
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    loop {
        let event = reader.read_event().map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(s) => stack.push(Open { node: start_node(&s)?, text: String::new(), children: Vec::new() }),
            Event::Empty(s) => attach(&mut stack, &mut root, start_node(&s)?)?,
            Event::End(_) => {
                let Open { mut node, text, children } = stack.pop().ok_or("an end tag without a start")?;
                node.body = if children.is_empty() {
                    Body::Text(text)
                } else if text.trim().is_empty() {
                    Body::Children(children)
                } else {
                    return Err(format!("<{}> mixes text {text:?} with elements", node.tag));
                };
                attach(&mut stack, &mut root, node)?;
            }
            Event::Text(t) => {
                let decoded = t.xml10_content();
                match stack.last_mut() {
                    Some(open) => open.text.push_str(&decoded),
                    None if decoded.trim().is_empty() => {}
                    None => return Err(format!("text outside the root: {decoded:?}")),
                }
            }
            Event::CData(c) => {
                let decoded = c.xml10_content();
                stack.last_mut().ok_or("CDATA outside the root")?.text.push_str(&decoded);
            }
            Event::GeneralRef(r) => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .map_err(|e| format!("bad character reference: {e}"))?
                        .ok_or("empty reference")?
                } else {
                    match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("unknown entity &{other};")),
                    }
                };
                stack.last_mut().ok_or("a reference outside the root")?.text.push(c);
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::DocType(_) => return Err("a DOCTYPE".into()),
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("the document ends inside <{}>", open.node.tag));
    }
    root.ok_or_else(|| "no root element".into())
}

fn write_lines(node: &Node, parent: &str, sorted: bool, out: &mut Vec<String>) {
    write_node(node, &format!("{parent}/{}", node.tag), sorted, out);
}

fn write_node(node: &Node, path: &str, sorted: bool, out: &mut Vec<String>) {
    let mut head = path.to_owned();
    for (name, value) in &node.attrs {
        head.push_str(&format!(" @{name}={value:?}"));
    }
    match &node.body {
        Body::Empty => out.push(format!("{head} (empty element)")),
        Body::Text(text) => out.push(format!("{head} = {text:?}")),
        Body::Children(children) => {
            out.push(head);
            let mut ordered: Vec<&Node> = children.iter().collect();
            if sorted {
                ordered.sort_by(|a, b| a.tag.cmp(&b.tag));
            }
            let mut seen: Vec<(&str, usize)> = Vec::new();
            for child in ordered {
                let count = children.iter().filter(|c| c.tag == child.tag).count();
                let index = match seen.iter_mut().find(|(t, _)| *t == child.tag) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        seen.push((&child.tag, 1));
                        1
                    }
                };
                let child_path =
                    if count > 1 { format!("{path}/{}[{index}]", child.tag) } else { format!("{path}/{}", child.tag) };
                write_node(child, &child_path, sorted, out);
            }
        }
    }
}

/// The lines of `a` not in `b` (as a multiset), in order.
pub fn missing_lines(a: &[String], b: &[String]) -> Vec<String> {
    let mut rest: Vec<&String> = b.iter().collect();
    let mut out = Vec::new();
    for line in a {
        match rest.iter().position(|l| *l == line) {
            Some(i) => {
                rest.remove(i);
            }
            None => out.push(line.clone()),
        }
    }
    out
}

/// Compares two documents: an error is a readable account of the
/// difference.
pub fn compare(python: &[u8], ours: &[u8]) -> Result<(), String> {
    compare_as(("Python's", "ours"), python, ours)
}

/// As [`compare`], naming the two sides `labels`.
pub fn compare_as(labels: (&str, &str), a: &[u8], b: &[u8]) -> Result<(), String> {
    let (ta, tb) = match (Tree::parse(a), Tree::parse(b)) {
        (Ok(ta), Ok(tb)) => (ta, tb),
        (Err(e), _) => return Err(format!("{} XML does not parse: {e}", labels.0)),
        (_, Err(e)) => return Err(format!("{} XML does not parse: {e}", labels.1)),
    };
    let (la, lb) = (ta.lines(), tb.lines());
    if la == lb {
        return Ok(());
    }
    Err(describe_difference(labels, &la, &lb))
}

/// The lines only one side has (at most 12 of each).
fn describe_difference(labels: (&str, &str), python: &[String], ours: &[String]) -> String {
    const MAX: usize = 12;
    let only_python = missing_lines(python, ours);
    let only_ours = missing_lines(ours, python);
    let mut text = String::new();
    if only_python.is_empty() && only_ours.is_empty() {
        text.push_str("the same lines in another order:");
        for line in python.iter().take(MAX) {
            text.push_str(&format!("\n      {line}"));
        }
        return text;
    }
    for (label, lines) in [(labels.0, &only_python), (labels.1, &only_ours)] {
        if lines.is_empty() {
            continue;
        }
        text.push_str(&format!("\n    only {label} ({} lines):", lines.len()));
        for line in lines.iter().take(MAX) {
            text.push_str(&format!("\n      {line}"));
        }
        if lines.len() > MAX {
            text.push_str("\n      …");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_and_member_order_do_not_matter_but_item_order_does() {
        let a = b"<vm id=\"1\">\n  <name>x</name>\n  <nics><nic id=\"a\"/><nic id=\"b\"/></nics>\n</vm>";
        let b = b"<vm id=\"1\"><nics><nic id=\"a\"/><nic id=\"b\"/></nics><name>x</name></vm>";
        let c = b"<vm id=\"1\"><nics><nic id=\"b\"/><nic id=\"a\"/></nics><name>x</name></vm>";
        assert!(compare(a, b).is_ok());
        assert!(!Tree::parse(a).unwrap().same_order(&Tree::parse(b).unwrap()));
        assert!(compare(a, c).is_err());
        assert!(compare(b"<vm><name/></vm>", b"<vm><name></name></vm>").is_err());
        assert!(compare(b"<vm><name> x</name></vm>", b"<vm><name>x</name></vm>").is_err());
        assert!(compare(b"<a b=\"1\" c=\"2\"/>", b"<a c=\"2\" b=\"1\"/>").is_ok());
        assert!(compare(b"<a>&amp;&#233;</a>", "<a>&\u{e9}</a>".replace('&', "&amp;").as_bytes()).is_ok());
    }
}
