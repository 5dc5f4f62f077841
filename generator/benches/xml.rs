//! Benchmark of the generated XML readers and writers on a `<vms>` corpus
//! (written by `../shared/bench/make_corpus.py` with the official Python SDK).
//!
//! Usage: `cargo bench -p sdkgen --bench xml -- FILE` (or `cargo xtask bench`,
//! which also makes the corpus and runs the Python SDK on it).
//! Prints one `name MB/s seconds` line per measurement, median of the runs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ovirt_sdk::types::Vm;
use ovirt_sdk::xml::{list_from_xml, list_to_xml};

const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn report(name: &str, bytes: usize, d: Duration) {
    println!("{name:<34} {:>9.1} MB/s {:>9.3} s", bytes as f64 / d.as_secs_f64() / 1e6, d.as_secs_f64());
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

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench -p sdkgen --bench xml -- FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let vms = list_from_xml::<Vm>(&bytes).expect("the corpus reads");
    println!("corpus: {path}, {} VMs, {:.1} MB", vms.len(), bytes.len() as f64 / 1e6);

    let floor = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                black_box(tokenise(&bytes));
                t.elapsed()
            })
            .collect(),
    );
    report("floor: quick-xml tokenise only", bytes.len(), floor);

    let read = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let list = black_box(list_from_xml::<Vm>(&bytes).expect("reads"));
                let elapsed = t.elapsed();
                drop(list); // freeing is not reading
                elapsed
            })
            .collect(),
    );
    report("read: list_from_xml::<Vm>", bytes.len(), read);

    let written = list_to_xml(&vms, "vms").expect("writes");
    let write = median(
        (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let text = black_box(list_to_xml(&vms, "vms").expect("writes"));
                let elapsed = t.elapsed();
                drop(text);
                elapsed
            })
            .collect(),
    );
    report("write: list_to_xml (output bytes)", written.len(), write);
    println!("read / floor: {:.2}", floor.as_secs_f64() / read.as_secs_f64());
}
