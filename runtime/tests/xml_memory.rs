//! Memory use of the XML reader on a huge text value.
//!
//! Reading a 100 MB text value must not hold more than about one extra copy
//! of the input (the value itself), i.e. about 2× the input in all. A
//! counting global allocator measures the peak of live heap bytes; where
//! the value is built from pieces, the growth of the `String` reserves
//! address space it never touches, so the peak resident set size (Linux
//! `VmHWM`) is measured instead. This file holds a single test so that no
//! other test allocates at the same time.

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
