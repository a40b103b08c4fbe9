//! Hidden text earns nothing: every variant in `tests/fixtures/hidden-variants/submissions`
//! answers 1a with a visible "No." (1 point of 2) and hides the reason that would earn the
//! second point; 1b is answered in plain sight (1 point). A `hide-*` submission must score
//! exactly its visible part, 1 + 1; a `show-*` control writes the same reason visibly (red,
//! bold, `\textbf`, `\color{black}`, a visible cell) and must earn it, 2 + 1.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures").join(path)
}

/// Grade the variants with the small rubric into `out`.
fn grade_variants(out: &Path) {
    Command::cargo_bin("rubricate")
        .unwrap()
        .current_dir(root())
        .arg("grade")
        .arg("--rubric")
        .arg(fixture("small/rubric.toml"))
        .arg("--submissions")
        .arg(fixture("hidden-variants/submissions"))
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// student → (1a, 1b, total) from grades.csv.
fn scores(out: &Path) -> BTreeMap<String, (String, String, String)> {
    let mut reader = csv::Reader::from_path(out.join("grades.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["student", "1a", "1b", "total"]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].to_owned(),
                (r[1].to_owned(), r[2].to_owned(), r[3].to_owned()),
            )
        })
        .collect()
}

/// The variants' names, from the fixture folder.
fn variants() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(fixture("hidden-variants/submissions"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            path.file_stem().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn each_hidden_variant_scores_its_visible_part_and_each_shown_control_earns() {
    let out = tempfile::tempdir().unwrap();
    grade_variants(out.path());
    let scores = scores(out.path());
    let names = variants();
    let (hidden, shown): (Vec<&String>, Vec<&String>) = names.iter().partition(|n| n.starts_with("hide-"));
    assert!(hidden.len() >= 44, "{} hidden variants", hidden.len());
    assert!(shown.len() >= 16, "{} shown controls", shown.len());
    let mut wrong = Vec::new();
    for name in &names {
        let expected = if name.starts_with("hide-") {
            ("1", "1", "2")
        } else {
            ("2", "1", "3")
        };
        let got = scores
            .get(name.as_str())
            .unwrap_or_else(|| panic!("{name} was not graded"));
        if (got.0.as_str(), got.1.as_str(), got.2.as_str()) != expected {
            wrong.push(format!("{name}: got {got:?}, expected {expected:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn hidden_text_is_warned_recorded_in_grades_json_and_queued_for_review() {
    let out = tempfile::tempdir().unwrap();
    grade_variants(out.path());
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.path().join("grades.json")).unwrap()).unwrap();
    let students = json["students"].as_array().unwrap();
    let review = fs::read_to_string(out.path().join("review.csv")).unwrap();
    for student in students {
        let id = student["student"].as_str().unwrap();
        let hidden = student
            .get("hidden_text")
            .and_then(|h| h.as_array())
            .cloned()
            .unwrap_or_default();
        let warned = student["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("piece(s) of hidden text"));
        let queued = review
            .lines()
            .any(|l| l.starts_with(&format!("{id},")) && l.contains("hidden-text:"));
        if id.starts_with("hide-") {
            assert!(!hidden.is_empty(), "{id}: no hidden text recorded");
            assert!(warned, "{id}: no warning");
            assert!(queued, "{id}: not in review.csv");
            let words: Vec<&str> = hidden.iter().map(|h| h["text"].as_str().unwrap()).collect();
            assert!(
                words.iter().any(|w| w.contains("pretext")),
                "{id}: recorded {words:?}"
            );
        } else {
            // A control may hide something else (its style sheet), never the answer.
            let answer_hidden = hidden
                .iter()
                .any(|h| h["text"].as_str().unwrap().contains("pretext"));
            assert!(!answer_hidden, "{id}: {hidden:?}");
            assert_eq!(warned, !hidden.is_empty(), "{id}");
            assert_eq!(queued, !hidden.is_empty(), "{id}");
        }
    }
}

#[test]
fn hidden_text_keeps_the_lines_of_what_follows() {
    let out = tempfile::tempdir().unwrap();
    grade_variants(out.path());
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.path().join("grades.json")).unwrap()).unwrap();
    let student = |id: &str| {
        json["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["student"] == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };
    // The comment spans lines 4-6 of the Markdown file, its words on line 5; 1b's label is
    // still found on line 8.
    let comment = student("hide-md-comment");
    assert_eq!(comment["hidden_text"][0]["line"], 5);
    assert_eq!(comment["hidden_text"][0]["reason"], "comment");
    let answer_1b = &comment["questions"].as_array().unwrap()[1]["answer"];
    assert_eq!(answer_1b["line"], 8, "{answer_1b}");
    // `\iffalse` on line 5 of the LaTeX file hides its words on line 6 up to `\fi` on line 7;
    // 1b's heading stays on line 9.
    let iffalse = student("hide-tex-iffalse");
    assert_eq!(iffalse["hidden_text"][0]["line"], 6);
    assert_eq!(iffalse["hidden_text"][0]["reason"], "false-conditional");
    assert_eq!(iffalse["questions"].as_array().unwrap()[1]["answer"]["line"], 9);
    // A collapsed cell is recorded at its source line in the notebook file.
    let cell = student("hide-ipynb-source-hidden");
    assert_eq!(cell["hidden_text"][0]["reason"], "hidden-cell");
}
