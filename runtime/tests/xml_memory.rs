//! Memory use of the XML reader on a huge text value.
//!
//! Reading a 100 MB text value must not hold more than about one extra copy
//! of the input (the value itself), i.e. about 2× the input in all. A
//! counting global allocator measures the peak of live heap bytes; where
//! the value is built from pieces, the growth of the `String` reserves
//! address space it never touches, so the peak resident set size (Linux
//! `VmHWM`) is measured instead. The other tests here only start child
//! processes, so no other test allocates at the same time.
//!
//! Hostile streams (a 200 MB text, attribute value, comment or name, 10
//! million attributes, siblings, list items or nested elements), generated
//! lazily, each read in a child process with the default limits: each ends
//! in an error naming the limit and the element path, or in its values,
//! with a peak resident set under 64 MiB.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use sdkgen_runtime::xml::{XmlErrorKind, XmlReader};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as if old and new blocks were both live for a moment,
            // which is what a moving reallocation costs.
            let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(live, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: usize = 1 << 20;
const SIZE: usize = 100 * MB;

/// Reads the text of `<doc><value>…</value></doc>` and returns its length
/// and the peak of heap bytes allocated during the read (beyond what was
/// live before).
fn measure(doc: &[u8], max_text: usize) -> (Result<usize, XmlErrorKind>, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = (|| {
        let mut r = XmlReader::from_slice(doc).with_max_text(max_text);
        r.root().map_err(|e| e.kind())?;
        r.next_child().map_err(|e| e.kind())?.expect("a child");
        let text = r.read_text().map_err(|e| e.kind())?.expect("a text");
        Ok(text.len())
    })();
    (result, PEAK.load(Ordering::Relaxed) - before)
}

fn document(body: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut doc = Vec::with_capacity(SIZE + 1024);
    doc.extend_from_slice(b"<doc><value>");
    body(&mut doc);
    doc.extend_from_slice(b"</value></doc>");
    doc
}

#[test]
fn a_huge_text_is_read_with_one_copy_and_the_limit_applies() {
    // Plain text: borrowed from the input, copied once into the value.
    let doc = document(|d| d.resize(d.len() + SIZE, b'x'));
    let (len, peak) = measure(&doc, usize::MAX);
    assert_eq!(len, Ok(SIZE));
    assert!(peak < SIZE + SIZE / 10, "reading {SIZE} bytes of text took {} MB more", peak / MB);

    // The limit stops it early, without the copy.
    let (len, peak) = measure(&doc, SIZE - 1);
    assert_eq!(len, Err(XmlErrorKind::TooLarge));
    assert!(peak < MB, "a refused text still took {} MB", peak / MB);
    drop(doc);

    // So does the attribute value limit, before the value is copied.
    let mut doc = b"<doc><value id=\"".to_vec();
    doc.resize(doc.len() + SIZE, b'i');
    doc.extend_from_slice(b"\"/></doc>");
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let refused = {
        let mut r = XmlReader::from_slice(&doc);
        r.root().unwrap();
        r.next_child().map(|_| ()).map_err(|e| e.kind())
    };
    assert_eq!(refused, Err(XmlErrorKind::TooLarge));
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(peak < MB, "a refused attribute value took {} MB", peak / MB);
    drop(doc);

    // Text in pieces (a reference in the middle) and with line ends to
    // normalise: still about one copy of the input, in resident memory.
    let doc = document(|d| {
        d.resize(d.len() + SIZE / 2, b'y');
        d.extend_from_slice(b"&amp;\r\n");
        d.resize(d.len() + SIZE / 2, b'z');
    });
    let Some(before) = reset_peak_rss() else {
        eprintln!("no /proc/self/clear_refs: the resident-memory check is skipped");
        return;
    };
    let (len, _) = measure(&doc, usize::MAX);
    assert_eq!(len, Ok(SIZE + 2));
    let peak = peak_rss().unwrap();
    assert!(
        peak < before + SIZE + SIZE / 5,
        "reading {} MB of text in pieces took {} MB of resident memory more",
        SIZE / MB,
        (peak - before) / MB
    );
}

fn status_kib(field: &str) -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse::<usize>().ok().map(|kib| kib * 1024)
}

/// Resets the peak resident set size to the current one, which it returns.
fn reset_peak_rss() -> Option<usize> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    status_kib("VmRSS:")
}

fn peak_rss() -> Option<usize> {
    status_kib("VmHWM:")
}

// ---------------------------------------------------------------------------
// Hostile streams: each case runs in a child process (this test binary run
// again with `MEMORY_CASE` set) that reads its own peak resident set size.
// ---------------------------------------------------------------------------

use std::io::Read;

use sdkgen_runtime::List;
use sdkgen_runtime::xml::{ListStream, XmlError, XmlType, XmlWriter};

const CASE_VAR: &str = "MEMORY_CASE";
/// Peak resident memory allowed for a whole child process.
const RSS_BOUND: usize = 64 * MB;

/// A document made on the fly: `head`, then `unit` `count` times, then
/// `tail`. Never more than one unit is in memory.
struct Lazy {
    head: Vec<u8>,
    unit: Vec<u8>,
    count: u64,
    tail: Vec<u8>,
    /// Position in the current piece; pieces are head, units, tail.
    at: usize,
    units_done: u64,
    stage: u8,
}

impl Lazy {
    fn new(head: &str, unit: &str, count: u64, tail: &str) -> Self {
        let (head, unit, tail) = (head.into(), unit.into(), tail.into());
        Lazy { head, unit, count, tail, at: 0, units_done: 0, stage: 0 }
    }
}

impl Read for Lazy {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < out.len() && self.stage < 3 {
            let piece: &[u8] = match self.stage {
                0 => &self.head,
                1 if self.units_done < self.count => &self.unit,
                1 => {
                    self.stage = 2;
                    continue;
                }
                _ => &self.tail,
            };
            let take = (piece.len() - self.at).min(out.len() - n);
            out[n..n + take].copy_from_slice(&piece[self.at..self.at + take]);
            (n, self.at) = (n + take, self.at + take);
            if self.at == piece.len() {
                self.at = 0;
                match self.stage {
                    1 => self.units_done += 1,
                    _ => self.stage += 1,
                }
            }
        }
        Ok(n)
    }
}

/// A small object with a text, an attribute and a list, read like a
/// generated type.
#[derive(Default)]
struct Item {
    id: Option<String>,
    name: Option<String>,
    parts: Option<List<Part>>,
}

#[derive(Default)]
struct Part {
    name: Option<String>,
}

impl XmlType for Item {
    const TAG: &'static str = "vm";
    const PLURAL: &'static str = "vms";

    fn read_into(&mut self, r: &mut XmlReader<'_>) -> Result<(), XmlError> {
        self.id = r.attr("id")?;
        while let Some(tag) = r.next_child()? {
            match tag.as_bytes() {
                b"name" => self.name = r.read_string()?,
                b"nics" => r.read_struct_list(&mut self.parts)?,
                _ => r.skip()?,
            }
        }
        Ok(())
    }

    fn write(&self, w: &mut XmlWriter, tag: &str) {
        w.start(tag);
        w.end(tag);
    }
}

impl XmlType for Part {
    const TAG: &'static str = "nic";
    const PLURAL: &'static str = "nics";

    fn read_into(&mut self, r: &mut XmlReader<'_>) -> Result<(), XmlError> {
        while let Some(tag) = r.next_child()? {
            match tag.as_bytes() {
                b"name" => self.name = r.read_string()?,
                _ => r.skip()?,
            }
        }
        Ok(())
    }

    fn write(&self, w: &mut XmlWriter, tag: &str) {
        w.start(tag);
        w.end(tag);
    }
}

const M200: u64 = 200_000_000;
const TEN_M: u64 = 10_000_000;

/// The hostile documents: name, source, and what reading must end in
/// (`Ok(items)` or the error kind, a piece of its path and of its message).
fn case(name: &str) -> (Lazy, Result<u64, (XmlErrorKind, &'static str, &'static str)>) {
    match name {
        "text_200mb" => (
            Lazy::new("<vms><vm><name>", "x", M200, "</name></vm></vms>"),
            Err((XmlErrorKind::TooLarge, "/vms/vm/name", "XmlLimits::text")),
        ),
        "attribute_200mb" => (
            Lazy::new("<vms><vm id=\"", "a", M200, "\"/></vms>"),
            Err((XmlErrorKind::TooLarge, "/vms/vm", "attribute value of <vm>")),
        ),
        "attributes_10m" => (
            Lazy::new("<vms><vm", " a=\"1\"", TEN_M, "/></vms>"),
            Err((XmlErrorKind::TooLarge, "/vms/vm", "XmlLimits::attributes")),
        ),
        "siblings_10m" => (Lazy::new("<vms>", "<vm/>", TEN_M, "</vms>"), Ok(TEN_M)),
        "list_items_10m" => (
            Lazy::new("<vms><vm><nics>", "<nic/>", TEN_M, "</nics></vm></vms>"),
            Err((XmlErrorKind::TooLarge, "/vms/vm/nics/nic", "XmlLimits::list_items")),
        ),
        "comment_200mb" => {
            (Lazy::new("<vms><!--", "c", M200, "--></vms>"), Err((XmlErrorKind::TooLarge, "/vms", "XmlLimits::text")))
        }
        "name_200mb" => {
            (Lazy::new("<vms><v", "m", M200, "/></vms>"), Err((XmlErrorKind::TooLarge, "/vms", "XmlLimits::name")))
        }
        "depth_10m" => {
            (Lazy::new("<vms><vm>", "<a>", TEN_M, ""), Err((XmlErrorKind::TooDeep, "/vms/vm/a", "XmlLimits::depth")))
        }
        other => panic!("no case {other}"),
    }
}

const CASES: &[&str] = &[
    "text_200mb",
    "attribute_200mb",
    "attributes_10m",
    "siblings_10m",
    "list_items_10m",
    "comment_200mb",
    "name_200mb",
    "depth_10m",
];

/// Run by the child: reads the case's document with `ListStream` and prints
/// what it ended in and the process's peak resident memory.
#[test]
fn child_reads_one_hostile_stream() {
    let Ok(name) = std::env::var(CASE_VAR) else { return };
    let (source, _) = case(&name);
    let mut items = 0u64;
    let mut outcome = String::from("ok");
    for item in ListStream::<Item>::new(source) {
        match item {
            Ok(_) => items += 1,
            Err(e) => {
                outcome = format!("{:?}|{}|{}", e.kind(), e.path(), e);
                break;
            }
        }
    }
    println!("CASE-RESULT items={items} peak={} outcome={outcome}", peak_rss().unwrap_or(0));
}

#[test]
fn hostile_streams_end_in_an_error_or_a_value_within_bounded_memory() {
    if std::env::var_os(CASE_VAR).is_some() {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    for &name in CASES {
        let output = std::process::Command::new(&exe)
            .args(["--exact", "child_reads_one_hostile_stream", "--nocapture", "--test-threads=1"])
            .env(CASE_VAR, name)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{name}: the child failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = stdout
            .lines()
            .find_map(|l| Some(l.split_once("CASE-RESULT ")?.1))
            .unwrap_or_else(|| panic!("{name}: {stdout}"));
        let field = |key: &str| line.split(' ').find_map(|w| w.strip_prefix(key)).unwrap_or_default();
        let items: u64 = field("items=").parse().unwrap();
        let peak: usize = field("peak=").parse().unwrap();
        let outcome = line.split_once("outcome=").unwrap().1;
        eprintln!("{name}: {items} items, peak {} MiB, {outcome}", peak / MB);
        match case(name).1 {
            Ok(expected) => assert_eq!((items, outcome), (expected, "ok"), "{name}"),
            Err((kind, path, message)) => {
                let mut parts = outcome.splitn(3, '|');
                assert_eq!(parts.next(), Some(format!("{kind:?}").as_str()), "{name}: {outcome}");
                assert_eq!(parts.next(), Some(path), "{name}: {outcome}");
                assert!(parts.next().unwrap_or_default().contains(message), "{name}: {outcome}");
            }
        }
        assert!(peak > 0 && peak < RSS_BOUND, "{name}: peak resident memory {} MiB", peak / MB);
    }
}
