//! The complete JSON model shown in `model/README.md` is a model the
//! generator accepts: the documentation cannot drift from the language.

use std::fs;
use std::path::Path;

/// The files of the first ```yaml block after `heading`, split at its
/// `# path.yaml` comment lines.
fn example_files(readme: &str, heading: &str) -> Vec<(String, String)> {
    let section = &readme[readme.find(heading).expect("the section exists")..];
    let start = section.find("```yaml\n").expect("the section has a yaml block") + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").expect("the block ends")];
    let mut files: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        let path = line.strip_prefix("# ").map(|rest| rest.split(':').next().unwrap_or(rest).trim());
        match path.filter(|p| p.ends_with(".yaml")) {
            Some(path) => files.push((path.to_owned(), String::new())),
            None => {
                let (_, text) = files.last_mut().expect("the block starts with a file name");
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    files
}

#[test]
fn the_json_example_of_the_model_readme_generates() {
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/README.md");
    let readme = fs::read_to_string(&readme_path).expect("model/README.md is readable");
    let files = example_files(&readme, "## JSON APIs");
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert!(names.contains(&"api.yaml") && names.len() >= 6, "{names:?}");

    let dir = std::env::temp_dir().join(format!("sdkgen-model-readme-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    for (path, text) in &files {
        let file = dir.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, text).unwrap();
    }
    let options = sdkgen::Options {
        crate_name: "shop-sdk".into(),
        crate_version: "0.0.0".into(),
        runtime_path: "../runtime".into(),
        runtime_version: "0.1.0".into(),
        model_label: "model/README.md".into(),
    };
    let generated = sdkgen::generate(&dir, &options);
    let _ = fs::remove_dir_all(&dir);
    let files = generated.unwrap_or_else(|e| panic!("the README's JSON model does not generate: {e}"));
    assert!(files.iter().any(|f| f.path == "src/client.rs"), "a JSON crate has a client");
}
