//! Benchmark: generate the whole oVirt crate from its model (load, check,
//! emit, format), as `cargo xtask generate` does, without writing files.
//!
//! Run with `cargo xtask bench` (release build). Prints min / median / max
//! of the whole pipeline and of its two halves.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const RUNS: usize = 15;

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{name:<28} min {:>8.1} ms   median {:>8.1} ms   max {:>8.1} ms   ({} runs)",
        ms(samples[0]),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}

fn main() {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/ovirt");
    let options = sdkgen::Options {
        crate_name: "ovirt-sdk".into(),
        crate_version: "0.1.0".into(),
        runtime_path: "../../runtime".into(),
        runtime_version: "0.1.0".into(),
        model_label: "model/ovirt".into(),
    };
    // Warm the file cache and the allocator.
    let files = sdkgen::generate(&model, &options).expect("the model generates");
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    println!("oVirt model: {} files, {:.1} MB of Rust emitted", files.len(), bytes as f64 / 1e6);

    let (mut whole, mut load, mut emit) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let api = sdkgen::load(&model).expect("the model loads");
        let t1 = Instant::now();
        let files = sdkgen::emit::emit(&api, &options).expect("the model emits");
        let t2 = Instant::now();
        black_box(files);
        load.push(t1 - t0);
        emit.push(t2 - t1);
        whole.push(t2 - t0);
    }
    stats("load + check (YAML -> IR)", load);
    stats("emit + format (IR -> Rust)", emit);
    stats("generate (whole pipeline)", whole);
}
