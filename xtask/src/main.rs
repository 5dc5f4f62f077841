//! `cargo xtask <command>`: see `cargo xtask help`.

use std::process::{Command, ExitCode};
use std::time::Instant;

const HELP: &str = "\
cargo xtask generate [--check]   regenerate generated/ from model/ (--check: write nothing, fail on drift)
cargo xtask test                 run every test of the workspace, after its own set-up
cargo xtask bench [--vms=N]      benchmark the generator, XML and the connection against the Python SDK (release build)
cargo xtask bench connection [--requests=N] [--rounds=R] [--url=URL --ca=CA.pem]
                                 only the connection: GETs per second, ours, the raw-TCP limit and the Python SDK's,
                                 then the sequential clients again with everything on one core
cargo xtask bench danube [--vms=N] [--rounds=R]
                                 the Danube Cloud SDK: decoding a full VM list, ours against esdc-api
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => generate(args[1..].iter().any(|a| a == "--check")),
        Some("test") => test(&args[1..]),
        Some("bench") if args.get(1).map(String::as_str) == Some("danube") => bench_danube(&args[2..]),
        Some("bench") => bench(&args[1..]),
        Some("help") | Some("--help") | Some("-h") | None => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command `{other}`\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

fn generate(check: bool) -> ExitCode {
    let root = xtask::workspace_root();
    let started = Instant::now();
    let report = match xtask::generate_all(&root, check) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = started.elapsed();
    for change in &report.changes {
        println!("{change}");
    }
    if check {
        if report.changes.is_empty() {
            println!("generated/ is up to date ({} files checked in {:.2?})", report.files, elapsed);
            ExitCode::SUCCESS
        } else {
            eprintln!(
                "error: {} generated file(s) differ from what the model produces; run `cargo xtask generate`",
                report.changes.len()
            );
            ExitCode::FAILURE
        }
    } else {
        println!("{} of {} files written in {:.2?}", report.changes.len(), report.files, elapsed);
        ExitCode::SUCCESS
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

fn run(mut cmd: Command) -> bool {
    eprintln!("+ {cmd:?}");
    match cmd.status() {
        Ok(s) => s.success(),
        Err(e) => {
            eprintln!("error: cannot run {cmd:?}: {e}");
            false
        }
    }
}

/// Every test of the workspace, then the generated crate's documentation
/// with warnings denied (broken intra-doc links in generated docs fail here).
/// Ends with one line that sums up every test binary's result.
fn test(extra: &[String]) -> ExitCode {
    let root = xtask::workspace_root();
    let Some(python) = oracle(&root) else { return ExitCode::FAILURE };
    let mut tests = cargo();
    tests
        .env("OVIRT_ORACLE_PYTHON", &python)
        .current_dir(&root)
        .args(["test", "--workspace", "--locked", "--no-fail-fast"])
        .args(extra);
    let totals = match run_counting(tests) {
        Some(t) => t,
        None => return ExitCode::FAILURE,
    };
    let mut docs = cargo();
    docs.current_dir(&root).args(["doc", "--workspace", "--no-deps", "--locked"]).env("RUSTDOCFLAGS", "-D warnings");
    let docs_ok = run(docs);
    println!("tests: {} passed, {} failed, {} ignored", totals.passed, totals.failed, totals.ignored);
    if totals.ok && docs_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

#[derive(Default)]
struct Totals {
    passed: u64,
    failed: u64,
    ignored: u64,
    ok: bool,
}

/// Runs `cmd`, echoing its output, and adds up its `test result:` lines.
fn run_counting(mut cmd: Command) -> Option<Totals> {
    use std::io::{BufRead, BufReader};
    eprintln!("+ {cmd:?}");
    let mut child = match cmd.stdout(std::process::Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot run {cmd:?}: {e}");
            return None;
        }
    };
    let mut totals = Totals::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                let count = |word: &str| -> u64 {
                    rest.split(';')
                        .find_map(|part| {
                            part.trim().strip_suffix(word).and_then(|n| n.trim().rsplit(' ').next()?.parse().ok())
                        })
                        .unwrap_or(0)
                };
                totals.passed += count(" passed");
                totals.failed += count(" failed");
                totals.ignored += count(" ignored");
            }
        }
    }
    totals.ok = child.wait().map(|s| s.success()).unwrap_or(false);
    Some(totals)
}

/// The Python of the oracle venv, set up when needed; `None` (the reason
/// printed) when it can't be.
fn oracle(root: &std::path::Path) -> Option<std::path::PathBuf> {
    xtask::ensure_oracle(root).map_err(|e| eprintln!("error: {e}")).ok()
}

/// Writes a benchmark corpus of `count` items with a Python `script`
/// (`script COUNT OUT`) unless `out` is already there; false when it fails.
fn make_once(python: &std::path::Path, script: &std::path::Path, count: usize, out: &std::path::Path) -> bool {
    if out.exists() {
        return true;
    }
    if let Some(dir) = out.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let mut make = Command::new(python);
    make.arg(script).arg(count.to_string()).arg(out);
    run(make)
}

/// Runs `cmd` and returns its standard output, echoing it.
fn capture(mut cmd: Command) -> Option<String> {
    eprintln!("+ {cmd:?}");
    let out = cmd.stderr(std::process::Stdio::inherit()).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{text}");
    out.status.success().then_some(text)
}

/// The number after `key=` in a `key=value` line (the Python scripts' format).
fn field(text: &str, key: &str) -> Option<f64> {
    text.split_whitespace().find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
}

/// The MB/s figure of a line of the Rust XML benchmark that starts with `label`.
fn rust_rate(text: &str, label: &str) -> Option<f64> {
    let line = text.lines().find(|l| l.starts_with(label))?;
    let mut words = line.split_whitespace().rev();
    words.next()?; // "s"
    words.next()?; // seconds
    words.next()?; // "MB/s"
    words.next()?.parse().ok()
}

/// Benchmarks: the generator on the full model, then the XML readers and
/// writers against the official Python SDK on the same corpus, in one run.
fn bench(extra: &[String]) -> ExitCode {
    let root = xtask::workspace_root();
    if extra.iter().any(|a| a == "connection") {
        return bench_connection(&root, extra);
    }
    let vms: usize = extra.iter().find_map(|a| a.strip_prefix("--vms=")?.parse().ok()).unwrap_or(20_000);

    let mut generator = cargo();
    generator.current_dir(&root).args(["bench", "-q", "-p", "sdkgen", "--bench", "generate"]);
    if !run(generator) {
        return ExitCode::FAILURE;
    }

    let Some(python) = oracle(&root) else { return ExitCode::FAILURE };
    let bench_dir = root.join("target/bench");
    let corpus = bench_dir.join(format!("vms-{vms}.xml"));
    let shared = root.join("../shared/bench");
    if !make_once(&python, &shared.join("make_corpus.py"), vms, &corpus) {
        return ExitCode::FAILURE;
    }
    let corpus_mb = std::fs::metadata(&corpus).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);

    let mut py_read = Command::new(&python);
    py_read.arg(shared.join("py_read.py")).arg(&corpus);
    let mut py_write = Command::new(&python);
    py_write.arg(shared.join("py_write.py")).arg(&corpus);
    let xml_bench = || {
        let mut ours = cargo();
        ours.current_dir(&root).args(["bench", "-q", "-p", "ovirt-sdk-tests", "--bench", "xml", "--"]).arg(&corpus);
        ours
    };
    // The same benchmark with glibc keeping the memory a read frees, so
    // that each read is not also paying for the kernel to map it again:
    // what the reader costs apart from the allocator's policy.
    let mut ours_warm = xml_bench();
    ours_warm.env("GLIBC_TUNABLES", KEEP_FREED_MEMORY);
    let (Some(py_read), Some(py_write), Some(ours), Some(ours_warm)) =
        (capture(py_read), capture(py_write), capture(xml_bench()), capture(ours_warm))
    else {
        return ExitCode::FAILURE;
    };

    let mut examples = cargo();
    examples.current_dir(&root).args(["build", "-q", "--release", "-p", "ovirt-sdk-tests", "--example", "stream_vms"]);
    examples.args(["--example", "read_vms"]);
    if !run(examples) {
        return ExitCode::FAILURE;
    }
    let examples = root.join("target/release/examples");
    let stream_kb = peak_rss_kb(&examples.join("stream_vms"), &corpus, &[]);
    let whole_kb = peak_rss_kb(&examples.join("read_vms"), &corpus, &[]);
    let from_file_kb = peak_rss_kb(&examples.join("read_vms"), &corpus, &["--from-file"]);
    let over_http_kb = peak_rss_kb(&examples.join("read_vms"), &corpus, &["--over-http"]);
    let read_over_floor = |out: &str| {
        out.lines().find_map(|l| l.strip_prefix("read / floor: ")?.split_whitespace().next()?.parse::<f64>().ok())
    };
    let ratio = read_over_floor(&ours);

    let (Some(pr), Some(pw), Some(rr), Some(rw), Some(floor), Some(ratio)) = (
        field(&py_read, "MB/s"),
        field(&py_write, "MB/s"),
        rust_rate(&ours, "read:"),
        rust_rate(&ours, "write:"),
        rust_rate(&ours, "floor:"),
        ratio,
    ) else {
        eprintln!("error: could not read the benchmark figures");
        return ExitCode::FAILURE;
    };
    println!(
        "\n## XML, {vms} VMs ({corpus_mb:.0} MB), {} cores\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| what | ours MB/s | Python SDK MB/s | ours / Python | ours / floor |");
    println!("| --- | --- | --- | --- | --- |");
    println!("| read `<vms>` | {rr:.0} | {pr:.1} | {:.1}x | {ratio:.2} (median of per-round ratios) |", rr / pr);
    println!("| write `<vms>` | {rw:.0} | {pw:.1} | {:.1}x | |", rw / pw);
    if let (Some(warm), Some(warm_ratio)) = (rust_rate(&ours_warm, "read:"), read_over_floor(&ours_warm)) {
        println!(
            "| read `<vms>`, glibc keeping freed memory (`GLIBC_TUNABLES={KEEP_FREED_MEMORY}`) | {warm:.0} | {pr:.1} | \
             {:.1}x | {warm_ratio:.2} (median of per-round ratios) |",
            warm / pr
        );
    }
    println!("| floor: quick-xml tokenising only | {floor:.0} | | | 1.00 |");
    // Where the time goes: our reader without values, and with one value at a time.
    if let (Some(walk), Some(stream)) = (rust_rate(&ours, "walk:"), rust_rate(&ours, "stream:")) {
        println!("| our reader walking the document, no values | {walk:.0} | | | {:.2} (of medians) |", walk / floor);
        println!(
            "| read as a stream (`ListStream`, one VM at a time) | {stream:.0} | {pr:.1} | {:.1}x | {:.2} (of medians) |",
            stream / pr,
            stream / floor
        );
    }
    match (stream_kb, whole_kb, from_file_kb, over_http_kb) {
        (Some(stream), Some(whole), Some(from_file), Some(over_http)) => {
            let of_file = |kb: f64| (kb * 1024.0 / 1e6, kb * 1024.0 / (corpus_mb * 1e6));
            println!("\npeak memory streaming the file with `ListStream`: {:.1} MB", stream / 1024.0);
            for (what, kb) in [
                ("reading the file into memory, then into values (`read_vms`)", whole),
                ("reading the file into values as it is read (`read_vms --from-file`)", from_file),
                ("listing the VMs over HTTP with `list().send()` (`read_vms --over-http`)", over_http),
            ] {
                let (mb, ratio) = of_file(kb);
                println!("peak memory {what}: {mb:.0} MB, {ratio:.2}x the file");
            }
        }
        _ => println!("\npeak memory: /usr/bin/time -v unavailable"),
    }
    bench_connection(&root, extra)
}

/// glibc settings under which freed memory stays with the process rather
/// than going back to the kernel (and being faulted in again by the next read).
const KEEP_FREED_MEMORY: &str = "glibc.malloc.trim_threshold=4000000000:glibc.malloc.mmap_threshold=4000000000";

/// Peak resident memory (KiB) of `program FILE`, from `/usr/bin/time -v`.
fn peak_rss_kb(program: &std::path::Path, file: &std::path::Path, args: &[&str]) -> Option<f64> {
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-v").arg(program).arg(file).args(args);
    eprintln!("+ {cmd:?}");
    let output = cmd.output().ok()?;
    let text = String::from_utf8_lossy(&output.stderr);
    text.lines().find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): ")?.parse::<f64>().ok())
}

/// Sequential GETs per second over one kept-alive connection against a
/// local HTTPS server, in alternating rounds: the raw-TCP limit, ours on a
/// `current_thread` and on a multi-thread runtime, ours with 8 tasks, and
/// the official Python SDK; each as a ratio to the limit (of the medians,
/// and the median of the ratios within each round) and to Python; then the
/// sequential clients again on one core ([`one_core_table`]).
fn bench_connection(root: &std::path::Path, extra: &[String]) -> ExitCode {
    let requests: usize = extra.iter().find_map(|a| a.strip_prefix("--requests=")?.parse().ok()).unwrap_or(5000);
    let rounds: usize = extra.iter().find_map(|a| a.strip_prefix("--rounds=")?.parse().ok()).unwrap_or(7);
    let Some(python) = oracle(root) else { return ExitCode::FAILURE };
    let script = root.join("../shared/bench/py_get.py");
    // `one_core`: the whole benchmark, server included, pinned to one core.
    let connection_bench = |one_core: bool| {
        let mut bench = if one_core {
            let mut taskset = Command::new("taskset");
            taskset.args(["-c", "0"]).arg(cargo().get_program());
            taskset
        } else {
            cargo()
        };
        bench
            .current_dir(root)
            .args(["bench", "-q", "-p", "sdkgen-runtime", "--bench", "connection", "--"])
            .arg(format!("--requests={requests}"))
            .arg(format!("--rounds={rounds}"));
        // Another server to measure against (`--url=… --ca=…`).
        bench.args(extra.iter().filter(|a| a.starts_with("--url=") || a.starts_with("--ca=")));
        bench
    };
    let mut bench = connection_bench(false);
    bench.arg(format!("--python={}", python.display())).arg(format!("--script={}", script.display()));
    let Some(out) = capture(bench) else { return ExitCode::FAILURE };
    let figure = |name: &str, key: &str| client_figure(&out, name, key);
    let (Some(limit), Some(py)) = (figure("limit", "req/s"), figure("python", "req/s")) else {
        eprintln!("error: could not read the connection benchmark figures");
        return ExitCode::FAILURE;
    };
    println!(
        "\n## Connection: sequential GETs of a 6.6 KB `<vm>` over HTTPS with keep-alive, {requests} requests, \
         median of {rounds} alternating rounds, {} cores\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "| client | requests/s | slowest / median | / limit | / limit, same round | / Python | switches / request \
         | CPU µs / request |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (name, label) in CONNECTION_CLIENTS {
        let Some(rate) = figure(name, "req/s") else { continue };
        let shown = |key: &str, digits: usize| {
            figure(name, key).filter(|_| name != "python").map_or("–".to_owned(), |v| format!("{v:.digits$}"))
        };
        let by_round = figure(name, "of_limit_by_round").map_or("–".to_owned(), |v| format!("{v:.2}"));
        println!(
            "| {label} | {rate:.0} | {:.2} | {:.2} | {by_round} | {:.1}x | {} | {} |",
            figure(name, "slowest/median").unwrap_or(f64::NAN),
            rate / limit,
            rate / py,
            shown("switches/req", 2),
            shown("cpu_us/req", 0),
        );
    }
    one_core_table(connection_bench(true));
    ExitCode::SUCCESS
}

/// The clients of the connection benchmark, by the name it prints, and how
/// the tables label them.
const CONNECTION_CLIENTS: [(&str, &str); 6] = [
    ("limit", "raw-TCP limit: the request written by hand on one TLS connection, reply not parsed"),
    ("ours_current_thread", "ours, `current_thread` runtime"),
    ("ours_unparsed", "ours, `current_thread`, reply not read as XML (the HTTP side alone)"),
    ("ours_multi_thread", "ours, multi-thread runtime (as `#[tokio::main]`)"),
    ("ours_8_tasks", "ours, 8 tasks sharing the connection (multi-thread)"),
    ("python", "Python SDK 4.6.3 (pycurl)"),
];

/// The number after `key=` on the connection benchmark's line for `client`.
fn client_figure(out: &str, client: &str, key: &str) -> Option<f64> {
    out.lines().find_map(|l| l.strip_prefix(client)?.strip_prefix(':').and_then(|rest| field(rest, key)))
}

/// Runs the sequential clients with the server on the same core and prints
/// their table. Across cores each request wakes the other core, which some
/// machines make expensive and the scheduler sometimes avoids for the limit
/// alone; on one core every client meets the same machine.
fn one_core_table(mut bench: Command) {
    bench.arg("--only=limit,ours_current_thread,ours_unparsed");
    let Some(out) = capture(bench) else {
        println!("\none core: not measured (`taskset` is missing or failed)");
        return;
    };
    let Some(limit) = client_figure(&out, "limit", "req/s") else { return };
    println!("\nThe same sequential clients with the server on one core (`taskset -c 0`):\n");
    println!("| client | requests/s | slowest / median | / limit | / limit, same round | CPU µs / request |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (name, label) in CONNECTION_CLIENTS {
        let figure = |key: &str| client_figure(&out, name, key);
        let Some(rate) = figure("req/s") else { continue };
        println!(
            "| {label} | {rate:.0} | {:.2} | {:.2} | {} | {:.0} |",
            figure("slowest/median").unwrap_or(f64::NAN),
            rate / limit,
            figure("of_limit_by_round").map_or("–".to_owned(), |v| format!("{v:.2}")),
            figure("cpu_us/req").unwrap_or(f64::NAN),
        );
    }
}

/// `cargo xtask bench danube [--vms=N] [--rounds=R]`: decoding a
/// `GET /vm/?full=true` reply of N VMs (default 10,000), the esdc-api Python
/// client against the generated Danube SDK, in R alternating rounds (default
/// 7); prints both medians and the median of the per-round ratios.
fn bench_danube(extra: &[String]) -> ExitCode {
    let root = xtask::workspace_root();
    let vms: usize = extra.iter().find_map(|a| a.strip_prefix("--vms=")?.parse().ok()).unwrap_or(10_000);
    let rounds: usize = extra.iter().find_map(|a| a.strip_prefix("--rounds=")?.parse().ok()).unwrap_or(7).max(1);
    let Some(python) = oracle(&root) else { return ExitCode::FAILURE };
    let scripts = root.join("tests/danube-cloud/bench");
    let corpus = root.join(format!("target/bench/danube-vms-{vms}.json"));
    if !make_once(&python, &scripts.join("make_vm_list.py"), vms, &corpus) {
        return ExitCode::FAILURE;
    }
    let mb = std::fs::metadata(&corpus).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
    let (mut peer, mut ours, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let mut py = Command::new(&python);
        py.arg(scripts.join("peer_decode.py")).arg(&corpus);
        let mut rust = cargo();
        rust.current_dir(&root)
            .args(["bench", "-q", "-p", "danube-cloud-sdk-tests", "--bench", "decode", "--"])
            .arg(&corpus);
        let (Some(py), Some(rust)) = (capture(py), capture(rust)) else { return ExitCode::FAILURE };
        let figure = |text: &str, name: &str| {
            text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(':').and_then(|rest| field(rest, "ms")))
        };
        let (Some(p), Some(o)) = (figure(&py, "peer"), figure(&rust, "ours")) else {
            eprintln!("error: could not read the `peer:` and `ours:` figures of the decoding benchmark");
            return ExitCode::FAILURE;
        };
        peer.push(p);
        ours.push(o);
        ratios.push(p / o);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (p, o, r) = (median(&mut peer), median(&mut ours), median(&mut ratios));
    println!("\n## Danube: decoding `GET /vm/?full=true`, {vms} VMs ({mb:.1} MB), {rounds} alternating rounds\n");
    println!("| client | ms / decode | MB/s |");
    println!("| --- | --- | --- |");
    println!("| ours (danube-cloud-sdk) | {o:.1} | {:.0} |", mb / o * 1e3);
    println!("| esdc-api 2.0.1 (Python) | {p:.1} | {:.0} |", mb / p * 1e3);
    println!("\nours / Python: {r:.1}x faster (median of per-round ratios)");
    ExitCode::SUCCESS
}
