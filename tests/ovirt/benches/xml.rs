//! Benchmark of the generated XML readers and writers on a `<vms>` corpus
//! (written by `../shared/bench/make_corpus.py` with the official Python SDK).
//!
//! Usage: `cargo bench -p ovirt-sdk-tests --bench xml -- FILE` (or `cargo xtask bench`,
//! which also makes the corpus and runs the Python SDK on it).
//! Prints one `name MB/s seconds` line per measurement (median of the
//! rounds) and the median over rounds of read / floor, the readers and the
//! floor measured in alternation. Besides the read into values it measures
//! our reader walking the document without building anything (what the
//! tokenizer and the reader's cursor cost) and the same read as a stream
//! (`ListStream`, one VM at a time), so that a gap to the floor can be
//! placed.

use std::hint::black_box;
use std::time::Instant;

use ovirt_sdk::types::Vm;
use ovirt_sdk::xml::{ListStream, XmlReader, list_from_xml, list_to_xml};

/// Rounds of each measurement; reading and the floor alternate within a round.
const ROUNDS: usize = 7;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn report(name: &str, bytes: usize, seconds: f64) {
    println!("{name:<34} {:>9.1} MB/s {:>9.3} s", bytes as f64 / seconds / 1e6, seconds);
}

/// Seconds `f` takes; what it returns is dropped outside the measurement.
fn time<R>(f: impl FnOnce() -> R) -> f64 {
    let t = Instant::now();
    let result = black_box(f());
    let seconds = t.elapsed().as_secs_f64();
    drop(result);
    seconds
}

/// quick-xml tokenising the document and building nothing: the floor any
/// reader built on it can approach.
fn tokenise(bytes: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut events = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("corpus is not well-formed: {e}"),
        }
    }
}

/// Our reader over the whole document, skipping everything: tokenising,
/// checking the structure and the limits, building no value.
fn walk(bytes: &[u8]) {
    let mut reader = XmlReader::from_slice(bytes);
    reader.root().and_then(|_| reader.skip()).and_then(|()| reader.finish()).expect("the corpus walks");
}

/// The VMs read one at a time, each dropped before the next.
fn stream(bytes: &[u8]) -> usize {
    ListStream::<Vm>::new(bytes).map(|vm| black_box(vm.expect("streams")).cpu.is_some() as usize).sum()
}

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench -p ovirt-sdk-tests --bench xml -- FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let vms = list_from_xml::<Vm>(&bytes).expect("the corpus reads");
    println!("corpus: {path}, {} VMs, {:.1} MB", vms.len(), bytes.len() as f64 / 1e6);

    // The floor and our readers alternate, so that all see the same
    // machine; the ratios are taken per round.
    let (mut floors, mut walks, mut reads, mut streams, mut ratios) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 1..=ROUNDS {
        let floor = time(|| tokenise(&bytes));
        let walked = time(|| walk(&bytes));
        let read = time(|| list_from_xml::<Vm>(&bytes).expect("reads"));
        let streamed = time(|| stream(&bytes));
        println!(
            "round {round}: floor {floor:.3} s, walk {walked:.3} s, read {read:.3} s, stream {streamed:.3} s, \
             read / floor {:.2}",
            floor / read
        );
        floors.push(floor);
        walks.push(walked);
        reads.push(read);
        streams.push(streamed);
        ratios.push(floor / read);
    }
    report("floor: quick-xml tokenise only", bytes.len(), median(floors));
    report("walk: XmlReader, no values", bytes.len(), median(walks));
    report("read: list_from_xml::<Vm>", bytes.len(), median(reads));
    report("stream: ListStream::<Vm>", bytes.len(), median(streams));

    let written = list_to_xml(&vms, "vms").expect("writes");
    let write = median((0..ROUNDS).map(|_| time(|| list_to_xml(&vms, "vms").expect("writes"))).collect());
    report("write: list_to_xml (output bytes)", written.len(), write);
    println!("read / floor: {:.2} (median of {ROUNDS} rounds)", median(ratios));
}
