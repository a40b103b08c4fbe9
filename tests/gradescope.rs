//! The shipped Gradescope autograder script, run against a fake `/autograder` tree.

use std::fs;
use std::path::Path;

#[test]
fn run_autograder_writes_valid_results_json() {
    let root = tempfile::tempdir().unwrap();
    let tree = root.path();
    for folder in ["bin", "source", "submission", "results"] {
        fs::create_dir_all(tree.join(folder)).unwrap();
    }
    fs::copy(
        assert_cmd::cargo::cargo_bin("rubricate"),
        tree.join("bin/rubricate"),
    )
    .unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::copy(
        manifest.join("rubrics/finetuning-review.toml"),
        tree.join("source/rubric.toml"),
    )
    .unwrap();
    fs::copy(
        manifest.join("submissions/aokonkwo.md"),
        tree.join("submission/answers.md"),
    )
    .unwrap();

    let status = std::process::Command::new("bash")
        .arg(manifest.join("examples/gradescope/run_autograder"))
        .env("AUTOGRADER_ROOT", tree)
        .status()
        .unwrap();
    assert!(status.success());

    let results: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tree.join("results/results.json")).unwrap()).unwrap();
    assert_eq!(results["score"], 25.0);
    assert_eq!(results["visibility"], "visible");
    let tests = results["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 12);
    let max: f64 = tests.iter().map(|t| t["max_score"].as_f64().unwrap()).sum();
    assert_eq!(max, 26.0);
    assert!(tests
        .iter()
        .all(|t| t["output_format"] == "md" && t["name"].is_string() && t["number"].is_string()));
}

#[test]
fn run_autograder_reports_a_broken_setup_in_results_json() {
    let root = tempfile::tempdir().unwrap();
    let tree = root.path();
    fs::create_dir_all(tree.join("submission")).unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = std::process::Command::new("bash")
        .arg(manifest.join("examples/gradescope/run_autograder"))
        .env("AUTOGRADER_ROOT", tree)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "Gradescope needs exit 0 and a results.json");
    let results: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tree.join("results/results.json")).unwrap()).unwrap();
    assert_eq!(results["score"], 0);
    assert!(results["output"].as_str().unwrap().contains("could not run"));
}
