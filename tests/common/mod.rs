//! Helpers shared by CLI tests: a course folder with a rubric and submissions, graded.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

pub fn rubricate() -> Command {
    Command::cargo_bin("rubricate").unwrap()
}

/// A course folder: `rubric.toml` and one Markdown submission per student in `subs/`.
pub fn course(rubric: &str, students: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("rubric.toml"), rubric).unwrap();
    fs::create_dir(dir.path().join("subs")).unwrap();
    for (id, text) in students {
        fs::write(dir.path().join("subs").join(format!("{id}.md")), text).unwrap();
    }
    dir
}

/// Grade the course into `out/`; the parsed grades.json.
pub fn grade(dir: &Path) -> Value {
    rubricate()
        .current_dir(dir)
        .args([
            "grade",
            "--rubric",
            "rubric.toml",
            "--submissions",
            "subs",
            "--out",
            "out",
            "-q",
        ])
        .assert()
        .success();
    let path = dir.join("out/grades.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}
