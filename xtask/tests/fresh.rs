//! The committed `generated/` must be exactly what the model produces.

#[test]
fn generated_crates_are_fresh() {
    let root = xtask::workspace_root();
    let report = xtask::generate_all(&root, true).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.files > 300, "expected the whole oVirt crate, got {} files", report.files);
    let stale: Vec<String> = report.changes.iter().map(ToString::to_string).collect();
    assert!(stale.is_empty(), "generated/ is stale; run `cargo xtask generate`:\n{}", stale.join("\n"));
}
