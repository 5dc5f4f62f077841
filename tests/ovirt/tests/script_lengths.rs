//! The example scripts in `examples/` are the Rust versions of twelve
//! example scripts of the official Python SDK, doing the same work. This
//! test counts the characters of each the same way for both languages
//! (every line trimmed, blank lines and comment lines skipped, the rest
//! summed) and checks that no Rust script is longer than its Python
//! counterpart. The Python counts are measured facts, kept here as numbers;
//! the examples themselves are compiled by `cargo test` like any test.

use std::path::Path;

/// Characters and lines of each Python script (`examples/<name>.py` of the
/// official SDK), counted with the rule of [`count`] with `#` comments, and
/// its characters without its logging set-up (`import logging`,
/// `logging.basicConfig(…)`, `debug=True`, `log=logging.getLogger()`: 113
/// characters in most scripts), which the Rust scripts leave out: in Rust
/// the application chooses a `tracing` subscriber, and none is installed
/// here. The check is on the first count; the table shows both.
const PYTHON: &[(&str, usize, usize, usize)] = &[
    ("list_vms", 426, 16, 313),
    ("search_vms", 466, 19, 353),
    ("add_vm", 505, 25, 392),
    ("start_vm_with_cloud_init", 1047, 49, 934),
    ("add_vm_nic", 1189, 41, 1076),
    ("add_vm_disk", 1040, 42, 927),
    ("follow_vm_links", 680, 21, 567),
    ("asynchronous_inventory", 3650, 114, 3566),
    ("page_vms", 503, 25, 390),
    ("add_vm_snapshot", 564, 21, 451),
    ("show_summary", 578, 18, 465),
    ("poll_events", 928, 38, 815),
];

/// Characters and lines of a script: each line trimmed, blank lines and
/// lines starting with `comment` skipped.
fn count(text: &str, comment: &str) -> (usize, usize) {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with(comment))
        .fold((0, 0), |(chars, lines), line| (chars + line.chars().count(), lines + 1))
}

#[test]
fn the_counting_rule() {
    let text = "  let a = 1;  \n\n    // a comment\n//! docs\n}\n";
    assert_eq!(count(text, "//"), (11, 2));
    assert_eq!(count("# comment\n  x = 1\n\n", "#"), (5, 1));
}

#[test]
fn every_script_is_at_most_as_long_as_the_python_one() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut examples: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/ is readable")
        .map(|entry| entry.expect("an entry").file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".rs").map(str::to_owned))
        .collect();
    examples.sort();
    let mut expected: Vec<&str> = PYTHON.iter().map(|(name, ..)| *name).collect();
    expected.sort();
    assert_eq!(examples, expected, "examples/ holds exactly the twelve scripts");

    println!(
        "| script | Python chars | Rust chars | ratio | Python lines | Rust lines | ratio to the Python without logging |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let (mut python_total, mut rust_total, mut unlogged_total) = (0, 0, 0);
    let mut problems = Vec::new();
    for &(name, python, python_lines, unlogged) in PYTHON {
        let text = std::fs::read_to_string(dir.join(format!("{name}.rs"))).expect("the example is readable");
        let (rust, rust_lines) = count(&text, "//");
        let ratio = rust as f64 / python as f64;
        let unlogged_ratio = rust as f64 / unlogged as f64;
        println!("| {name} | {python} | {rust} | {ratio:.2} | {python_lines} | {rust_lines} | {unlogged_ratio:.2} |");
        python_total += python;
        rust_total += rust;
        unlogged_total += unlogged;
        if rust > python {
            problems.push(format!("{name}: {rust} characters, the Python has {python}"));
        }
    }
    let ratio = rust_total as f64 / python_total as f64;
    let unlogged_ratio = rust_total as f64 / unlogged_total as f64;
    println!("| total | {python_total} | {rust_total} | {ratio:.2} | | | {unlogged_ratio:.2} |");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
