//! Hostile and broken input for the XML layer and the generated readers:
//! every input gives a value or an error (with a message and a location),
//! never a panic, a stack overflow or unbounded work.
//!
//! * truncated documents (every prefix of a real document), wrong nesting,
//!   mismatched end tags;
//! * 100 000-deep nesting of unknown elements and of elements the generated
//!   readers recurse into, read on a thread with a 2 MiB stack (a tokio
//!   worker's size);
//! * a billion-laughs document, undeclared entities, invalid UTF-8, long
//!   text with a text limit, random bytes;
//! * a bounded, deterministic mutation fuzz of real documents;
//! * [`ListStream`] over `std::io::Read` sources that trickle, fail or
//!   carry broken items.
//!
//! The memory use of a huge text value is checked in
//! `runtime/tests/xml_memory.rs` (it needs its own global allocator).

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use ovirt_sdk::types::{Cluster, DataCenter, Network, Vm};
use ovirt_sdk::xml::{
    Document, ListStream, XmlError, XmlErrorKind, XmlLimits, XmlReader, XmlType, from_xml, list_from_xml, read_document,
};
use sdkgen_testkit::Rng;

fn data(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An error must say what and where.
fn check_error(e: &XmlError, context: &str) {
    assert!(!e.message().is_empty(), "{context}: error without a message");
    assert!(!e.path().is_empty() || e.offset().is_some(), "{context}: error without a location: {e}");
    assert!(!e.to_string().is_empty());
}

/// Runs `f` on a thread with a 2 MiB stack (like a tokio worker) and
/// returns its result; a panic or stack overflow fails the test.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().expect("the reader thread panicked")
}

// ---------------------------------------------------------------------------
// Truncation and broken structure
// ---------------------------------------------------------------------------

#[test]
fn every_prefix_of_a_real_document_is_an_error_or_complete() {
    // Every prefix of the cluster, every fifth one of the API root.
    for (name, step) in [("cluster.xml", 1), ("api.xml", 5)] {
        let doc = data(name);
        let end = doc.iter().rposition(|&b| b == b'>').unwrap() + 1;
        for len in (0..=doc.len()).step_by(step) {
            let prefix = &doc[..len];
            let generic = catch_unwind(|| read_document(prefix)).unwrap_or_else(|_| panic!("{name}[..{len}] panicked"));
            if len >= end {
                assert!(matches!(generic, Ok(Some(_))), "{name}[..{len}]: the complete document does not read");
                continue;
            }
            match generic {
                Ok(None) if len == 0 => {}
                Ok(v) => panic!("{name}[..{len}]: a truncated document was accepted: {v:?}"),
                Err(e) => check_error(&e, &format!("{name}[..{len}]")),
            }
            if name == "cluster.xml" && len % 11 == 0 {
                let e = from_xml::<Cluster>(prefix).expect_err("a truncated cluster was accepted");
                check_error(&e, &format!("{name}[..{len}] as cluster"));
            }
        }
    }
    // A larger document: one prefix in 53, through the streaming reader too.
    let doc = data("vms.xml");
    let end = doc.iter().rposition(|&b| b == b'>').unwrap() + 1;
    for len in (0..end).step_by(53) {
        assert!(list_from_xml::<Vm>(&doc[..len]).is_err(), "vms.xml[..{len}] accepted");
        let items: Vec<_> = ListStream::<Vm>::new(&doc[..len]).collect();
        assert!(items.last().is_some_and(Result::is_err), "vms.xml[..{len}]: the stream ended without an error");
        assert!(items.iter().rev().skip(1).all(Result::is_ok), "vms.xml[..{len}]: error before the last item");
    }
}

#[test]
fn broken_structure_is_a_syntax_error() {
    let cases: &[&str] = &[
        "<vm><name>x</vm></name>",
        "<vm><name>x</name>",
        "<vm><cpu><topology></cpu></vm>",
        "<vm></vms>",
        "<vm><name>x</nam></vm>",
        "<vm><name>x</name></vm></vm>",
        "</vm>",
        "<vm",
        "<vm id=\"1></vm>",
        "<vm id=1></vm>",
        "<vm id=\"1\" id=\"2\"/>",
        "<vm><name>a<b</name></vm>",
        "<vm><name><![CDATA[x</name></vm>",
        "<vm><!-- unterminated </vm>",
        "<vm><name>x</name></vm><disk/>",
        "text before<vm/>",
        "<vm/>trailing text",
        "<vm><nics><nic></nics></nic></vm>",
        "<vm><<name>x</name></vm>",
        "<vm><name>x</name ></vm",
    ];
    for xml in cases {
        let result = catch_unwind(|| read_document(xml.as_bytes())).unwrap();
        let e = result.expect_err(xml);
        check_error(&e, xml);
        assert_eq!(e.kind(), XmlErrorKind::Syntax, "{xml}: {e}");
        let result = catch_unwind(|| from_xml::<Vm>(xml.as_bytes())).unwrap();
        assert!(result.is_err(), "{xml}");
    }
}

// ---------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------

const DEEP: usize = 100_000;

fn nested(root: &str, open: &[&str], close_root: bool) -> Vec<u8> {
    let mut s = format!("<{root}>");
    for i in 0..DEEP {
        s.push('<');
        s.push_str(open[i % open.len()]);
        s.push('>');
    }
    for i in (0..DEEP).rev() {
        s.push_str("</");
        s.push_str(open[i % open.len()]);
        s.push('>');
    }
    if close_root {
        s.push_str(&format!("</{root}>"));
    }
    s.into_bytes()
}

fn assert_too_deep(result: Result<Option<Document>, XmlError>, what: &str) {
    let e = result.expect_err(what);
    assert_eq!(e.kind(), XmlErrorKind::TooDeep, "{what}: {e}");
    check_error(&e, what);
    assert!(e.path().len() < 10_000, "{what}: the path grows without bound");
}

#[test]
fn deep_unknown_elements_are_too_deep_without_stack_overflow() {
    on_small_stack(|| {
        let start = Instant::now();
        assert_too_deep(read_document(&nested("vm", &["x"], true)), "unknown in vm");
        assert_too_deep(read_document(&nested("vm", &["name"], true)), "inside a text value");
        assert_too_deep(read_document(&nested("vms", &["zz", "yy"], true)), "unknown in a collection");
        assert_too_deep(read_document(&nested("network", &["usages", "usage"], true)), "inside a value list");
        assert!(start.elapsed() < Duration::from_secs(5));
    });
}

#[test]
fn deep_known_elements_are_too_deep_without_stack_overflow() {
    // The generated readers keep many results in their recursive frames:
    // the error is boxed so that each of them is small.
    assert!(std::mem::size_of::<Result<(), XmlError>>() <= 8);
    assert!(std::mem::size_of::<Result<Option<String>, XmlError>>() <= 24);
    on_small_stack(|| {
        // Each of these makes the generated readers recurse, one type into another.
        let cases: &[(&str, &[&str])] = &[
            ("vm", &["template", "vm"]),
            ("network", &["external_provider_physical_network"]),
            ("vm", &["disk_attachments", "disk_attachment", "vm"]),
            ("vms", &["vm", "template"]),
            (
                "action",
                &["vm", "host", "cluster", "data_center", "clusters", "cluster", "management_network", "data_center"],
            ),
            ("host", &["cluster", "data_center", "clusters", "cluster"]),
        ];
        for (root, open) in cases {
            let doc = nested(root, open, true);
            let what = format!("<{root}> with {open:?}");
            assert_too_deep(read_document(&doc), &what);
            // Also truncated, so the error comes from the limit not the end.
            assert_too_deep(read_document(&doc[..doc.len() / 2]), &what);
        }
        // A lower limit applies to the generated readers too.
        let doc = b"<vm><template><vm><template><vm/></template></vm></template></vm>";
        let mut r = XmlReader::from_slice(doc).with_max_depth(4);
        r.root().unwrap();
        let e = Vm::default().read_into(&mut r).unwrap_err();
        assert_eq!(e.kind(), XmlErrorKind::TooDeep);
        assert_eq!(e.path(), "/vm/template/vm/template");
        let mut r = XmlReader::from_slice(doc).with_max_depth(5);
        r.root().unwrap();
        Vm::default().read_into(&mut r).unwrap();
        // Nesting just within the default limit (128) is read.
        let mut s = String::from("<network>");
        for _ in 0..126 {
            s.push_str("<external_provider_physical_network>");
        }
        s.push_str("<name>deep</name>");
        for _ in 0..126 {
            s.push_str("</external_provider_physical_network>");
        }
        s.push_str("</network>");
        let mut n = from_xml::<Network>(s.as_bytes()).unwrap();
        let mut depth = 1;
        while let Some(inner) = n.external_provider_physical_network {
            n = *inner;
            depth += 1;
        }
        assert_eq!((depth, n.name.as_deref()), (127, Some("deep")));
        let s = s.replace("<name>deep</name>", "<external_provider_physical_network/>");
        from_xml::<Network>(s.as_bytes()).unwrap();
        let s = s.replace(
            "<external_provider_physical_network/>",
            "<external_provider_physical_network><name/></external_provider_physical_network>",
        );
        assert_eq!(from_xml::<Network>(s.as_bytes()).unwrap_err().kind(), XmlErrorKind::TooDeep);
    });
}

// ---------------------------------------------------------------------------
// Entities, encodings, sizes
// ---------------------------------------------------------------------------

#[test]
fn billion_laughs_is_refused_at_once() {
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 { "lol".to_owned() } else { format!("lol{}", i - 1) };
        doc.push_str(&format!(" <!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10)));
    }
    doc.push_str("]>\n<vm><name>&lol9;</name></vm>");
    let start = Instant::now();
    for result in [
        read_document(doc.as_bytes()).map(|_| ()),
        from_xml::<Vm>(doc.as_bytes()).map(|_| ()),
        ListStream::<Vm>::new(doc.as_bytes()).next().unwrap().map(|_| ()),
    ] {
        let e = result.unwrap_err();
        assert_eq!(e.kind(), XmlErrorKind::Doctype, "{e}");
        check_error(&e, "billion laughs");
    }
    assert!(start.elapsed() < Duration::from_millis(500));
    // A DOCTYPE without entities is refused the same way.
    assert_eq!(read_document(b"<!DOCTYPE vm><vm/>").unwrap_err().kind(), XmlErrorKind::Doctype);
}

#[test]
fn undeclared_entities_are_errors() {
    for xml in [
        "<vm><name>&lol;</name></vm>",
        "<vm><name>a&lol;b</name></vm>",
        "<vm>&lol;<name>x</name></vm>",
        "<vm><future>&lol;</future></vm>",
        "<vm id=\"&lol;\"/>",
        "<vm><memory>&lol;</memory></vm>",
        "<vm><nics><nic>&nbsp;</nic></nics></vm>",
    ] {
        let e = from_xml::<Vm>(xml.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), XmlErrorKind::UnknownEntity, "{xml}: {e}");
        check_error(&e, xml);
        assert!(e.message().contains("lol") || e.message().contains("nbsp"), "{xml}: {e}");
    }
}

#[test]
fn invalid_utf8_is_an_error() {
    for bytes in [
        &b"<vm><name>\xff\xfe</name></vm>"[..],
        b"<vm><name>a\xc3</name></vm>",
        b"<vm><name>\xed\xa0\x80</name></vm>",
        b"<vm id=\"\xff\"/>",
        b"<vm><na\xffme>x</na\xffme></vm>",
        b"<vm><future>\xc0\xaf</future></vm>",
        b"<vm><name><![CDATA[\xff]]></name></vm>",
    ] {
        let what = String::from_utf8_lossy(bytes).into_owned();
        let e = from_xml::<Vm>(bytes).expect_err(&what);
        check_error(&e, &what);
        let e = read_document(bytes).expect_err(&what);
        check_error(&e, &what);
        let e = ListStream::<Vm>::new(bytes).find_map(Result::err);
        assert!(e.is_some() || !bytes.starts_with(b"<vms"), "{what}");
    }
}

#[test]
fn characters_xml_does_not_allow_are_errors() {
    // quick-xml passes them through; the reader refuses them in the values
    // it reads, so that everything read can be written back.
    for xml in [
        &b"<vm><name>a\x01b</name></vm>"[..],
        b"<vm><name>\x00</name></vm>",
        b"<vm><name><![CDATA[\x1f]]></name></vm>",
        b"<vm><name>\xef\xbf\xbe</name></vm>",
        b"<vm><memory>1\x0b</memory></vm>",
        b"<vm id=\"a\x02\"/>",
        b"<vm id=\"&#1;\"/>",
        b"<vm id=\"&#xFFFF;\"/>",
        b"<vm><name>&#x8;</name></vm>",
        b"<vm><nics><nic><name>\x7f ok \x0c not</name></nic></nics></vm>",
    ] {
        let what = String::from_utf8_lossy(xml).into_owned();
        let e = from_xml::<Vm>(xml).expect_err(&what);
        assert!(matches!(e.kind(), XmlErrorKind::Syntax), "{what}: {e}");
        check_error(&e, &what);
    }
    // Allowed: tab, LF, CR (as line ends or references), U+007F..U+009F, U+FFFD.
    let v = from_xml::<Vm>("<vm id=\"&#9;&#13;\"><name>\t\u{7f}\u{85}\u{9f}\u{fffd}\r</name></vm>".as_bytes()).unwrap();
    assert_eq!(v.id.as_deref(), Some("\t\r"));
    assert_eq!(v.name.as_deref(), Some("\t\u{7f}\u{85}\u{9f}\u{fffd}\n"));
    // Unknown content is skipped unread.
    assert!(from_xml::<Vm>(b"<vm><future>\x01</future><future a=\"\x02\"/></vm>").is_ok());
}

#[test]
fn line_ends_across_pieces() {
    let name = |xml: &str| from_xml::<Vm>(xml.as_bytes()).unwrap().name.unwrap();
    assert_eq!(name("<vm><name>a\r&#10;b</name></vm>"), "a\n\nb");
    assert_eq!(name("<vm><name>a\r\r\nb\r</name></vm>"), "a\n\nb\n");
    assert_eq!(name("<vm><name>&amp;\r\n<![CDATA[\r\r\n]]>\r</name></vm>"), "&\n\n\n\n");
    assert_eq!(name("<vm><name>\r<!-- -->\n</name></vm>"), "\n\n");
}

#[test]
fn text_limit() {
    let text = "x".repeat(1000);
    let doc = format!("<vm><name>{text}</name><description>short</description></vm>");
    let mut r = XmlReader::from_slice(doc.as_bytes()).with_max_text(999);
    r.root().unwrap();
    let e = Vm::default().read_into(&mut r).unwrap_err();
    assert_eq!(e.kind(), XmlErrorKind::TooLarge);
    assert_eq!(e.path(), "/vm/name");
    let mut r = XmlReader::from_slice(doc.as_bytes()).with_max_text(1000);
    r.root().unwrap();
    let mut v = Vm::default();
    v.read_into(&mut r).unwrap();
    assert_eq!(v.name.map(|n| n.len()), Some(1000));
    // Text in pieces (references, CDATA) counts as a whole.
    let doc = format!("<vm><name>{}</name></vm>", "ab&amp;<![CDATA[cd]]>".repeat(100));
    let mut r = XmlReader::from_slice(doc.as_bytes()).with_max_text(400);
    r.root().unwrap();
    assert_eq!(Vm::default().read_into(&mut r).unwrap_err().kind(), XmlErrorKind::TooLarge);
    // Also when streaming.
    let doc = format!("<vms><vm><name>{text}</name></vm></vms>");
    let reader = XmlReader::from_read(doc.as_bytes()).with_max_text(10);
    let first = ListStream::<Vm>::from_reader(reader).next().unwrap();
    assert_eq!(first.unwrap_err().kind(), XmlErrorKind::TooLarge);
}

/// Reads `doc` as a `<vm>` in memory and, as `<vms>`, streamed; both must
/// give the same result.
fn read_vm_both_ways(doc: &str, limits: XmlLimits) -> Result<Vm, XmlError> {
    let mut r = XmlReader::from_slice(doc.as_bytes()).with_limits(limits);
    let in_memory = r.root().and_then(|_| {
        let mut v = Vm::default();
        v.read_into(&mut r).map(|()| v)
    });
    let list = format!("<vms>{doc}</vms>");
    let streamed = ListStream::<Vm>::new(list.as_bytes()).with_limits(limits).next().unwrap();
    match (&in_memory, &streamed) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{doc}"),
        (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{a} / {b}"),
        _ => panic!("in memory {in_memory:?}, streamed {streamed:?}"),
    }
    in_memory
}

#[test]
fn every_limit_applies_in_memory_and_streamed_names_itself_and_can_be_raised() {
    let limits = |change: fn(&mut XmlLimits)| {
        let mut l = XmlLimits::DEFAULT;
        change(&mut l);
        l
    };
    let long = "x".repeat(2000);
    let many_attrs: String = (0..300).map(|i| format!(" a{i}=\"1\"")).collect();
    let nics: String = "<nic/>".repeat(50);
    let cases: [(String, XmlLimits, &str, XmlErrorKind); 6] = [
        (
            format!("<vm id=\"{long}\"/>"),
            limits(|l| l.attribute_value = 1999),
            "attribute_value",
            XmlErrorKind::TooLarge,
        ),
        (format!("<vm{many_attrs}/>"), XmlLimits::DEFAULT, "attributes", XmlErrorKind::TooLarge),
        (format!("<vm><{long}/></vm>"), limits(|l| l.name = 1000), "name", XmlErrorKind::TooLarge),
        (format!("<vm a=\"{long}\" b=\"{long}\"/>"), limits(|l| l.tag = 3000), "tag", XmlErrorKind::TooLarge),
        (format!("<vm><nics>{nics}</nics></vm>"), limits(|l| l.list_items = 49), "list_items", XmlErrorKind::TooLarge),
        ("<vm><cpu><topology/></cpu></vm>".to_owned(), limits(|l| l.depth = 2), "depth", XmlErrorKind::TooDeep),
    ];
    for (doc, tight, field, kind) in cases {
        let e = read_vm_both_ways(&doc, tight).expect_err(field);
        assert_eq!(e.kind(), kind, "{field}: {e}");
        assert!(e.message().contains(&format!("XmlLimits::{field}")), "{field}: {e}");
        assert!(e.path().starts_with("/vm"), "{field}: {e}");
        read_vm_both_ways(&doc, XmlLimits::UNLIMITED).unwrap_or_else(|e| panic!("{field} raised: {e}"));
    }
    // The default limits take what a real engine sends.
    read_vm_both_ways(&format!("<vm id=\"{long}\"><nics>{nics}</nics></vm>"), XmlLimits::DEFAULT).unwrap();
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng::new(0xBAD5EED);
    let alphabet = b"<>/=\"'&;#x![]CDATA-? \n\r\tvmnaeidhref0123456789\xc3\xa9\xff\x00";
    for case in 0..3000 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len)
            .map(|_| if rng.below(4) == 0 { rng.next() as u8 } else { alphabet[rng.below(alphabet.len())] })
            .collect();
        let mut prefixed = b"<vm>".to_vec();
        prefixed.extend_from_slice(&bytes);
        for input in [&bytes, &prefixed] {
            let result = catch_unwind(AssertUnwindSafe(|| read_document(input)));
            match result {
                Err(_) => panic!("case {case}: panic on {:?}", String::from_utf8_lossy(input)),
                Ok(Err(e)) => check_error(&e, &format!("case {case}")),
                Ok(Ok(_)) => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Mutation fuzz
// ---------------------------------------------------------------------------

const SNIPPETS: &[&[u8]] = &[
    b"<",
    b">",
    b"/>",
    b"</",
    b"&",
    b"&amp;",
    b"&#",
    b"&#x",
    b"&#0;",
    b"&lol;",
    b"\"",
    b"'",
    b"=",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"-->",
    b"<?",
    b"<!DOCTYPE x>",
    b"\xff",
    b"\xc3",
    b"\x00",
    b"\r",
    b"<link rel=\"nics\" href=\"/x\"/>",
    b"<vm>",
    b"</vm>",
    b"<nics>",
    b"<actions>",
    b" id=\"z\"",
];

fn mutate(rng: &mut Rng, doc: &[u8]) -> Vec<u8> {
    let mut out = doc.to_vec();
    for _ in 0..1 + rng.below(3) {
        if out.is_empty() {
            break;
        }
        let at = rng.below(out.len());
        match rng.below(6) {
            0 => out[at] ^= 1 << rng.below(8),
            1 => out[at] = rng.next() as u8,
            2 => {
                let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
                out.splice(at..at, snippet.iter().copied());
            }
            3 => {
                let end = (at + 1 + rng.below(40)).min(out.len());
                out.drain(at..end);
            }
            4 => out.truncate(at),
            _ => {
                // Duplicate a chunk elsewhere.
                let end = (at + 1 + rng.below(80)).min(out.len());
                let chunk = out[at..end].to_vec();
                let to = rng.below(out.len());
                out.splice(to..to, chunk);
            }
        }
    }
    out
}

#[test]
fn mutated_real_documents_never_panic() {
    let docs = [data("cluster.xml"), data("api.xml"), data("vms.xml")];
    let mut rng = Rng::new(0x00F0_22ED);
    let start = Instant::now();
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..3000 {
        let doc = &docs[case % docs.len()];
        let input = mutate(&mut rng, doc);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let generic = read_document(&input);
            let typed = match case % 3 {
                0 => from_xml::<Cluster>(&input).map(|_| ()),
                1 => from_xml::<ovirt_sdk::types::Api>(&input).map(|_| ()),
                _ => {
                    let mut stream = ListStream::<Vm>::new(&input[..]);
                    let mut result = Ok(());
                    for item in &mut stream {
                        if let Err(e) = item {
                            result = Err(e);
                            break;
                        }
                    }
                    // Finished streams stay finished.
                    assert!(stream.next().is_none());
                    result
                }
            };
            (generic, typed)
        }));
        let (generic, typed) =
            outcome.unwrap_or_else(|_| panic!("case {case}: panic on {:?}", String::from_utf8_lossy(&input)));
        match generic {
            Ok(Some(doc)) => {
                accepted += 1;
                // What was read can be written, and what is written reads
                // back to the same document (lists that are only links are
                // not written, so compare written forms).
                match doc.to_xml() {
                    Ok(xml) => {
                        let again = read_document(xml.as_bytes())
                            .unwrap_or_else(|e| panic!("case {case}: the written document does not read: {e}\n{xml}"));
                        let rewritten = again.expect("a written document is not empty").to_xml().unwrap();
                        assert_eq!(rewritten, xml, "case {case}: write(read(write(x))) != write(x)");
                    }
                    Err(e) => {
                        panic!(
                            "case {case}: read a value that cannot be written: {e}\n{:?}",
                            String::from_utf8_lossy(&input)
                        )
                    }
                }
            }
            Ok(None) => {}
            Err(e) => {
                refused += 1;
                check_error(&e, &format!("case {case}"));
            }
        }
        if let Err(e) = typed {
            check_error(&e, &format!("case {case} typed"));
        }
    }
    assert!(accepted > 100 && refused > 100, "accepted {accepted}, refused {refused}");
    assert!(start.elapsed() < Duration::from_secs(10), "the fuzz took {:?}", start.elapsed());
}

// ---------------------------------------------------------------------------
// ListStream over std::io::Read
// ---------------------------------------------------------------------------

/// Hands out one byte per `read` call.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

/// Fails with an I/O error after `left` bytes.
struct Failing<'a> {
    data: &'a [u8],
    left: usize,
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset by peer"));
        }
        let n = buf.len().min(self.left).min(self.data.len()).min(100);
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.left -= n;
        Ok(n)
    }
}

#[test]
fn list_stream_over_a_trickling_reader() {
    let doc = data("vms.xml");
    let expected = list_from_xml::<Vm>(&doc).unwrap();
    let mut stream = ListStream::<Vm>::new(Trickle(&doc));
    let mut items = Vec::new();
    for item in &mut stream {
        items.push(item.unwrap());
    }
    assert_eq!(items, expected.items);
    assert!(stream.next().is_none());

    let doc = br#"<?xml version="1.0"?>
<data_centers href="/ovirt-engine/api/datacenters">
  <actions><link rel="add" href="/x"/></actions>
  <data_center id="1"><name>a&amp;b</name></data_center>
  <zz_unknown><data_center id="hidden"/></zz_unknown>
  <data_center id="2"/>
  <data_center id="3"><name><![CDATA[c]]></name></data_center>
</data_centers>"#;
    let mut stream = ListStream::<DataCenter>::new(Trickle(doc));
    let first = stream.next().unwrap().unwrap();
    assert_eq!(stream.href(), Some("/ovirt-engine/api/datacenters"));
    let rest: Vec<DataCenter> = stream.by_ref().map(Result::unwrap).collect();
    let ids: Vec<_> = std::iter::once(&first).chain(&rest).map(|d| d.id.clone().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert_eq!(first.name.as_deref(), Some("a&b"));
    assert_eq!(rest[1].name.as_deref(), Some("c"));
    assert_eq!(stream.href(), Some("/ovirt-engine/api/datacenters"));
    // An empty collection.
    let mut stream = ListStream::<DataCenter>::new(Trickle(b"<data_centers href=\"/dc\"/>"));
    assert!(stream.next().is_none());
    assert_eq!(stream.href(), Some("/dc"));
}

#[test]
fn list_stream_reports_io_errors_and_stops() {
    let doc = data("vms.xml");
    let second = doc.windows(4).rposition(|w| w == b"<vm ").unwrap();
    // Fails inside the second item: the first is read, then the I/O error.
    let mut stream = ListStream::<Vm>::new(Failing { data: &doc, left: second + 200 });
    let first = stream.next().unwrap().unwrap();
    assert_eq!(first.name.as_deref(), Some("web-01"));
    let e = stream.next().unwrap().unwrap_err();
    assert_eq!(e.kind(), XmlErrorKind::Io, "{e}");
    assert!(e.message().contains("connection reset"), "{e}");
    check_error(&e, "io");
    assert!(stream.next().is_none());
    assert!(stream.next().is_none());
    // Fails before anything.
    let mut stream = ListStream::<Vm>::new(Failing { data: &doc, left: 0 });
    assert_eq!(stream.next().unwrap().unwrap_err().kind(), XmlErrorKind::Io);
    assert!(stream.next().is_none());
}

#[test]
fn list_stream_stops_after_the_first_error() {
    let doc = b"<vms href=\"/vms\"><vm id=\"1\"/><vm id=\"2\"><memory>lots</memory></vm><vm id=\"3\"/></vms>";
    let items: Vec<_> = ListStream::<Vm>::new(&doc[..]).collect();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().id.as_deref(), Some("1"));
    let e = items[1].as_ref().unwrap_err();
    assert_eq!(e.kind(), XmlErrorKind::InvalidValue);
    assert_eq!(e.path(), "/vms/vm/memory");
    // The wrong collection.
    let mut stream = ListStream::<Vm>::new(&b"<hosts><host/></hosts>"[..]);
    assert_eq!(stream.next().unwrap().unwrap_err().kind(), XmlErrorKind::UnexpectedRoot);
    assert!(stream.next().is_none());
    // Content after the collection.
    let items: Vec<_> = ListStream::<Vm>::new(&b"<vms><vm/></vms><vms/>"[..]).collect();
    assert!(items[0].is_ok());
    assert_eq!(items[1].as_ref().unwrap_err().kind(), XmlErrorKind::Syntax);
    assert_eq!(items.len(), 2);
    // An empty source.
    let mut stream = ListStream::<Vm>::new(&b""[..]);
    assert_eq!(stream.next().unwrap().unwrap_err().kind(), XmlErrorKind::Syntax);
    assert!(stream.next().is_none());
}
