//! `cargo xtask <command>`: see `cargo xtask help`.

use std::process::{Command, ExitCode};
use std::time::Instant;

const HELP: &str = "\
cargo xtask generate [--check]   regenerate generated/ from model/ (--check: write nothing, fail on drift)
cargo xtask test                 run every test of the workspace, after its own set-up
cargo xtask bench                benchmark the generator on the full model (release build)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => generate(args[1..].iter().any(|a| a == "--check")),
        Some("test") => test(&args[1..]),
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
    let python = match xtask::ensure_oracle(&root) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut tests = cargo();
    tests.env("OVIRT_ORACLE_PYTHON", &python).current_dir(&root).args(["test", "--workspace", "--locked"]).args(extra);
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

fn bench(extra: &[String]) -> ExitCode {
    let root = xtask::workspace_root();
    let mut cmd = cargo();
    cmd.current_dir(&root).args(["bench", "-p", "sdkgen", "--bench", "generate", "--"]).args(extra);
    if run(cmd) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
