//! `alternatives`: whether "either X or Y" in an answer leaves the choice open (a hedge, the
//! default) or states both as facts, per question; a bad value is an error at its line and
//! column (`rubricate draft` setting it: tests/draft.rs).

use serde_json::Value;

mod common;
use common::{course, grade, rubricate};

const RUBRIC: &str = r#"[assignment]
id = "cpp"
title = "C++ basics"

[[question]]
id = "1"
points = 2
prompt = "Where are variables declared in a C++ program?"
policy = { alternatives = "stated" }
  [[question.concept]]
  id = "local"
  points = 1
  match = ["inside a function", "locally"]
  [[question.concept]]
  id = "global"
  points = 1
  match = ["outside a function", "globally"]

[[question]]
id = "2"
points = 2
prompt = "Where are variables declared in a C++ program?"
  [[question.concept]]
  id = "local"
  points = 1
  match = ["inside a function", "locally"]
  [[question.concept]]
  id = "global"
  points = 1
  match = ["outside a function", "globally"]
"#;

const ANSWER: &str = "either inside a function or outside a function";

/// (score, [concept outcomes]) of question `id` of the only student.
fn graded(grades: &Value, id: &str) -> (f64, Vec<String>) {
    let q = grades["students"][0]["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .unwrap();
    let outcomes = q["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap().to_owned())
        .collect();
    (q["score"].as_f64().unwrap(), outcomes)
}

#[test]
fn stated_alternatives_earn_both_and_open_ones_earn_nothing() {
    let answers = format!("1. {ANSWER}\n\n2. {ANSWER}\n");
    let dir = course(RUBRIC, &[("ana", &answers)]);
    let grades = grade(dir.path());
    assert_eq!(graded(&grades, "1"), (2.0, vec!["hit".into(), "hit".into()]));
    assert_eq!(
        graded(&grades, "2"),
        (0.0, vec!["hedged".into(), "hedged".into()])
    );
}

#[test]
fn doubt_still_hedges_under_stated_alternatives() {
    let answer = "1. either inside a function or outside a function, I don't remember which\n";
    let dir = course(RUBRIC, &[("ben", answer)]);
    let grades = grade(dir.path());
    // Lenient hedging (the default) credits doubt and flags it; the "either" itself hedges
    // nothing.
    assert_eq!(graded(&grades, "1"), (2.0, vec!["hit".into(), "hit".into()]));
    let flags = grades["students"][0]["questions"][0]["flags"].to_string();
    assert!(
        flags.contains("uncertain") && flags.contains("don't remember"),
        "{flags}"
    );
    // Strict hedging gives doubt nothing, stated alternatives or not.
    let strict = RUBRIC.replace(
        "policy = { alternatives = \"stated\" }",
        "policy = { alternatives = \"stated\", hedging = \"strict\" }",
    );
    let dir = course(&strict, &[("ben", answer)]);
    let grades = grade(dir.path());
    assert_eq!(
        graded(&grades, "1"),
        (0.0, vec!["hedged".into(), "hedged".into()])
    );
}

#[test]
fn a_bad_value_is_an_error_at_its_line_and_column() {
    let dir = course(&RUBRIC.replace("\"stated\"", "\"both\""), &[]);
    let output = rubricate()
        .current_dir(dir.path())
        .args(["lint", "rubric.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("rubric.toml:9:27"), "{stderr}");
    assert!(
        stderr.contains("alternatives `both` is not one of `open`, `stated`"),
        "{stderr}"
    );
}
