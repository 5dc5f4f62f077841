//! Decoding a `GET /vm/?full=true` reply into VMs, the Rust side of
//! `cargo xtask bench danube` (no criterion: the xtask alternates this with
//! the peer's `bench/peer_decode.py` and compares the medians).
//!
//! Usage: `cargo bench -p danube-cloud-sdk-tests --bench decode -- FILE [--decodes=N]`.
//! Prints the median of N decodes (default 5) of ours and of the floor
//! (parsing the bytes into `serde_json::Value` only):
//! `ours: ms=… MB/s=…` and `floor: ms=… MB/s=…`.

use std::hint::black_box;
use std::time::Instant;

/// The VMs of the reply as the SDK decodes them (the code path of
/// `vms_service().list_full().send()` once the bytes have arrived: the
/// envelope found, its `result` read into `Vec<Vm>`); their number. The
/// copy of the bytes is part of it, as a reply owns its body.
fn decode_ours(bytes: &[u8]) -> usize {
    let reply = sdkgen_runtime::json::decode_body::<Vec<danube_cloud_sdk::types::Vm>>(
        &danube_cloud_sdk::PROTOCOL,
        "the benchmark corpus",
        bytes.to_vec(),
    );
    reply.map_or(0, |r| r.result.len())
}

/// The floor: the JSON parsed into `serde_json::Value`, nothing more.
fn decode_floor(bytes: &[u8]) -> usize {
    let value: serde_json::Value = serde_json::from_slice(bytes).expect("the corpus is JSON");
    value["result"].as_array().map_or(0, Vec::len)
}

/// Median seconds of `decodes` runs of `decode`.
fn median(bytes: &[u8], decodes: usize, decode: fn(&[u8]) -> usize) -> f64 {
    let mut times: Vec<f64> = (0..decodes)
        .map(|_| {
            let started = Instant::now();
            black_box(decode(black_box(bytes)));
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: decode FILE [--decodes=N]");
        std::process::exit(2);
    };
    let decodes = args.iter().find_map(|a| a.strip_prefix("--decodes=")?.parse().ok()).unwrap_or(5).max(1);
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        std::process::exit(2);
    });
    let mb = bytes.len() as f64 / 1e6;
    let ours = median(&bytes, decodes, decode_ours);
    println!("ours: ms={:.3} MB/s={:.1}", ours * 1e3, mb / ours);
    let floor = median(&bytes, decodes, decode_floor);
    println!("floor: ms={:.3} MB/s={:.1}", floor * 1e3, mb / floor);
}
