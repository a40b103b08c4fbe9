//! `{~word}` in a rubric phrase: the word or any of its synonyms from the built-in thesaurus,
//! graded end to end, shown by `explain`, and linted when the thesaurus knows no synonym.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn rubricate() -> Command {
    Command::cargo_bin("rubricate").unwrap()
}

const RUBRIC: &str = r#"[assignment]
id = "thesaurus"
title = "Thesaurus"

[[question]]
id = "1a"
points = 1
  [[question.concept]]
  id = "speed"
  points = 1
  match = ["{~fast} {~car}"]
"#;

/// A rubric file and one submission file per (student, answer) in a fresh folder.
fn class(dir: &Path, rubric: &str, answers: &[(&str, &str)]) {
    fs::write(dir.join("rubric.toml"), rubric).unwrap();
    fs::create_dir(dir.join("submissions")).unwrap();
    for (student, answer) in answers {
        fs::write(
            dir.join("submissions").join(format!("{student}.md")),
            format!("## 1(a)\n{answer}\n"),
        )
        .unwrap();
    }
}

/// student → the 1a score, from grades.csv.
fn scores(out: &Path) -> BTreeMap<String, String> {
    let mut reader = csv::Reader::from_path(out.join("grades.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect()
}

#[test]
fn synonyms_earn_the_concept_and_rare_senses_do_not() {
    let dir = tempfile::tempdir().unwrap();
    class(
        dir.path(),
        RUBRIC,
        &[
            ("ada", "It is a fast car."),
            ("bo", "It is a rapid automobile."),
            ("cy", "A speedy auto, I'd say."),
            ("di", "It is a slow car."),
            ("ed", "It is a quick machine."),
        ],
    );
    rubricate()
        .current_dir(dir.path())
        .args([
            "grade",
            "--rubric",
            "rubric.toml",
            "--submissions",
            "submissions",
            "--out",
            "out",
        ])
        .assert()
        .success();
    let scores = scores(&dir.path().join("out"));
    let expected = [("ada", "1"), ("bo", "1"), ("cy", "1"), ("di", "0"), ("ed", "0")];
    for (student, score) in expected {
        assert_eq!(
            scores[student].parse::<f64>().unwrap(),
            score.parse::<f64>().unwrap(),
            "{student}"
        );
    }
}

#[test]
fn explain_shows_the_synonym_that_matched() {
    let dir = tempfile::tempdir().unwrap();
    class(dir.path(), RUBRIC, &[]);
    let assert = rubricate()
        .current_dir(dir.path())
        .args([
            "explain",
            "--rubric",
            "rubric.toml",
            "-q",
            "1a",
            "a rapid automobile",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("{~fast} {~car}"), "{stdout}");
    assert!(stdout.contains("rapid automobile"), "{stdout}");
}

#[test]
fn a_word_without_synonyms_is_a_warning_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let rubric = RUBRIC.replace(
        r#"match = ["{~fast} {~car}"]"#,
        r#"match = ["{~fast} car", "the {~frobnicate} step"]"#,
    );
    class(dir.path(), &rubric, &[]);
    let output = rubricate()
        .current_dir(dir.path())
        .args(["lint", "rubric.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // Line 11, the column of `{~frobnicate}` inside the second string.
    let column = rubric.lines().nth(10).unwrap().find("{~frobnicate}").unwrap() + 1;
    assert!(stderr.contains(&format!("rubric.toml:11:{column}")), "{stderr}");
    assert!(
        stderr.contains("the thesaurus knows no synonym of `frobnicate`"),
        "{stderr}"
    );
    assert!(stderr.contains("0 errors, 1 warning"), "{stderr}");
    rubricate()
        .current_dir(dir.path())
        .args(["lint", "--deny-warnings", "rubric.toml"])
        .assert()
        .code(1);
}

#[test]
fn synonyms_prints_what_a_word_matches() {
    let assert = rubricate()
        .args(["synonyms", "fast", "car", "frobnicate"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    let fast: Vec<&str> = lines[0].strip_prefix("fast: ").unwrap().split(", ").collect();
    assert!(fast.contains(&"rapid") && fast.contains(&"quick"), "{stdout}");
    assert!(!fast.contains(&"fasting"), "{stdout}");
    let car: Vec<&str> = lines[1].strip_prefix("car: ").unwrap().split(", ").collect();
    assert_eq!(car[0], "automobile", "{stdout}");
    assert!(!car.contains(&"machine"), "{stdout}");
    assert_eq!(
        lines[2],
        "frobnicate: no synonyms (`{~frobnicate}` matches only the word itself)"
    );
}
