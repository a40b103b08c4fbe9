//! Coverage concepts (`ideas = [...]`): points for how many ideas of one explanation an
//! answer covers, proportionally or by thresholds; each idea's outcome in grades.json, the
//! covered and missing ideas in the feedback, `explain`, `check` and `test`; rubric errors
//! at line and column.

use std::fs;
use std::path::Path;

use serde_json::Value;

mod common;
use common::{course, grade, rubricate};

const RUBRIC: &str = r#"[assignment]
id = "ds"
title = "Data structures"

[[question]]
id = "1"
points = 3
prompt = "Explain how a stack works."
  [[question.concept]]
  id = "explanation"
  points = 3
  hit = "Explains the stack"
  ideas = [
    { id = "lifo", match = ["last in first out", "=lifo"], hit = "Last in, first out.", miss = "Say the order: last in, first out." },
    { id = "top", match = ["top of the stack"], miss = "Say where push and pop act." },
    { id = "ops", match = ["push .. pop"] },
    { id = "no-middle", negated = ["random access"], miss = "Say you cannot reach the middle." },
  ]

[[question]]
id = "2"
points = 3
  [[question.concept]]
  id = "uses"
  points = 3
  credit = { 1 = 1, 2 = 2, 4 = 3 }
  ideas = [
    { id = "undo", match = ["undo"] },
    { id = "calls", match = ["call stack"] },
    { id = "parsing", match = ["parsing"] },
    { id = "backtracking", match = ["backtracking"] },
  ]
  [[question.misconception]]
  id = "queue"
  match = ["stack is a queue"]
  cancels = ["uses"]
  [[question.example]]
  answer = "Undo and parsing."
  score = 2
  hits = ["uses", "uses.undo", "uses.parsing"]
  misses = ["uses.calls"]

[[question]]
id = "3"
points = 1
  [[question.concept]]
  id = "thirds"
  points = 1
  ideas = [
    { id = "a", match = ["=alpha"] },
    { id = "b", match = ["beta"] },
    { id = "c", match = ["=gamma"] },
  ]
"#;

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn question<'v>(grades: &'v Value, student: &str, id: &str) -> &'v Value {
    let student = grades["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["student"] == student)
        .unwrap_or_else(|| panic!("no student {student}"));
    student["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

/// (id, outcome, quote) of each idea of the question's first concept.
fn ideas(question: &Value) -> Vec<(String, String, Option<String>)> {
    question["concepts"][0]["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["outcome"].as_str().unwrap().to_string(),
                i["evidence"]["quote"].as_str().map(String::from),
            )
        })
        .collect()
}

fn owned(rows: &[(&str, &str, Option<&str>)]) -> Vec<(String, String, Option<String>)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.map(String::from)))
        .collect()
}

#[test]
fn proportional_credit_is_points_times_covered_over_ideas_to_the_hundredth() {
    let dir = course(
        RUBRIC,
        &[
            ("all", "## 1\nLIFO: push and pop at the top of the stack; there is no random access.\n## 3\nalpha, beta and gamma.\n"),
            ("three", "## 1\nLast in first out. You push and pop. There is no random access.\n## 3\nalpha\n"),
            ("none", "## 1\nIt holds things.\n## 3\nbeta and gamma here.\n"),
        ],
    );
    let grades = grade(dir.path());
    let score = |s: &str, q: &str| question(&grades, s, q)["score"].as_f64().unwrap();
    assert_eq!(score("all", "1"), 3.0);
    assert_eq!(score("three", "1"), 2.25, "3 of 4 ideas of 3 points");
    assert_eq!(score("none", "1"), 0.0);
    assert_eq!(score("all", "3"), 1.0);
    assert_eq!(
        score("three", "3"),
        0.33,
        "1 of 3 ideas of 1 point, to the hundredth"
    );
    assert_eq!(score("none", "3"), 0.67, "2 of 3 ideas, rounded half up");
    assert_eq!(question(&grades, "all", "1")["concepts"][0]["outcome"], "hit");
    assert_eq!(
        question(&grades, "three", "1")["concepts"][0]["outcome"],
        "partial"
    );
    assert_eq!(question(&grades, "none", "1")["concepts"][0]["outcome"], "missed");
}

#[test]
fn thresholds_earn_the_points_of_the_highest_count_reached() {
    let dir = course(
        RUBRIC,
        &[
            ("one", "## 2\nUndo.\n"),
            ("two", "## 2\nUndo and the call stack.\n"),
            ("three", "## 2\nUndo, the call stack and parsing.\n"),
            ("four", "## 2\nUndo, the call stack, parsing and backtracking.\n"),
            ("zero", "## 2\nNothing I can think of.\n"),
        ],
    );
    let grades = grade(dir.path());
    for (student, points) in [
        ("zero", 0.0),
        ("one", 1.0),
        ("two", 2.0),
        ("three", 2.0),
        ("four", 3.0),
    ] {
        assert_eq!(
            question(&grades, student, "2")["score"].as_f64().unwrap(),
            points,
            "{student}"
        );
    }
}

#[test]
fn grades_json_records_each_ideas_outcome_and_quote() {
    let dir = course(
        RUBRIC,
        &[(
            "ana",
            "## 1\nIt is last in first out. It is not the top of the stack that changes. You cannot do random access.\n",
        )],
    );
    let grades = grade(dir.path());
    let q = question(&grades, "ana", "1");
    assert_eq!(
        ideas(q),
        owned(&[
            ("lifo", "covered", Some("last in first out")),
            ("top", "negated", Some("top of the stack")),
            ("ops", "missed", None),
            ("no-middle", "covered", Some("cannot do random access")),
        ])
    );
    assert_eq!(q["score"].as_f64().unwrap(), 1.5);
    // A negated idea asks a human to look, named `concept.idea`.
    let flags: Vec<&Value> = q["flags"].as_array().unwrap().iter().collect();
    assert!(
        flags
            .iter()
            .any(|f| f["flag"] == "negated-or-hedged" && f["concept"] == "explanation.top"),
        "{flags:?}"
    );
}

#[test]
fn an_idea_with_a_negated_list_earns_only_when_denied() {
    let dir = course(
        RUBRIC,
        &[
            ("denies", "## 1\nThere is no random access.\n"),
            ("asserts", "## 1\nYou get random access.\n"),
            ("doubts", "## 1\nMaybe it is last in first out?\n"),
        ],
    );
    let grades = grade(dir.path());
    let idea = |s: &str, id: &str| {
        ideas(question(&grades, s, "1"))
            .into_iter()
            .find(|i| i.0 == id)
            .unwrap()
            .1
    };
    assert_eq!(idea("denies", "no-middle"), "covered");
    assert_eq!(question(&grades, "denies", "1")["score"].as_f64().unwrap(), 0.75);
    // Asserted instead, it is simply missing, as for a concept's `negated` list.
    assert_eq!(idea("asserts", "no-middle"), "missed");
    assert_eq!(question(&grades, "asserts", "1")["score"].as_f64().unwrap(), 0.0);
    // Doubt counts under the default lenient policy, flagged for review.
    assert_eq!(idea("doubts", "lifo"), "covered");
    let q = question(&grades, "doubts", "1");
    assert!(q["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["flag"] == "uncertain" && f["concept"] == "explanation.lifo"));
}

#[test]
fn feedback_names_the_covered_and_the_missing_ideas() {
    let dir = course(
        RUBRIC,
        &[(
            "ana",
            "## 1\nLast in first out, and you push and pop.\n## 2\nUndo.\n",
        )],
    );
    grade(dir.path());
    let feedback = read(&dir.path().join("out/feedback/ana.md"));
    let expected = "## 1 — 1.5 / 3\n\n\
        - ✓ 1.5 of 3 pts — Explains the stack (2 of 4 ideas covered).\n  \
        - ✓ Last in, first out. You wrote: “Last in first out”\n  \
        - ✗ Say where push and pop act (not found in your answer).\n  \
        - ✓ *ops*. You wrote: “push and pop”\n  \
        - ✗ Say you cannot reach the middle (not found in your answer).\n";
    assert!(feedback.contains(expected), "{feedback}");
    assert!(feedback.contains("- ✓ 1 of 3 pts — *uses* (1 of 4 ideas covered).\n  - ✓ *undo*. You wrote: “Undo”\n  - ✗ *calls* (not found in your answer).\n"), "{feedback}");
}

#[test]
fn a_misconception_cancels_a_coverage_concept_and_keeps_its_ideas() {
    let dir = course(
        RUBRIC,
        &[("ana", "## 2\nUndo and parsing. A stack is a queue.\n")],
    );
    let grades = grade(dir.path());
    let q = question(&grades, "ana", "2");
    assert_eq!(q["score"].as_f64().unwrap(), 0.0);
    assert_eq!(q["concepts"][0]["outcome"], "cancelled");
    assert_eq!(ideas(q)[0].1, "covered");
    let feedback = read(&dir.path().join("out/feedback/ana.md"));
    assert!(
        feedback.contains("- ✗ 0 of 3 pts — *uses* (2 of 4 ideas covered; not counted:"),
        "{feedback}"
    );
}

#[test]
fn rubric_test_names_an_idea_as_concept_dot_idea() {
    let dir = course(RUBRIC, &[]);
    rubricate()
        .current_dir(dir.path())
        .args(["lint", "--deny-warnings", "rubric.toml"])
        .assert()
        .success();
    rubricate()
        .current_dir(dir.path())
        .args(["test", "rubric.toml"])
        .assert()
        .success()
        .stdout(predicates::str::contains("examples: 1 passed, 0 failed"));
    let failing = RUBRIC.replace("misses = [\"uses.calls\"]", "misses = [\"uses.undo\"]");
    fs::write(dir.path().join("rubric.toml"), failing).unwrap();
    let out = rubricate()
        .current_dir(dir.path())
        .args(["test", "rubric.toml"])
        .assert()
        .failure()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("`uses.undo` should not be found, but was: “Undo”"),
        "{out}"
    );
    let unknown = RUBRIC.replace("misses = [\"uses.calls\"]", "misses = [\"uses.nosuch\"]");
    fs::write(dir.path().join("rubric.toml"), unknown).unwrap();
    let err = lint(dir.path());
    assert!(
        err.contains("unknown concept `uses.nosuch` in question `2`'s example"),
        "{err}"
    );
}

/// `lint rubric.toml` in `dir`: its stderr, with the colour codes it may carry.
fn lint(dir: &Path) -> String {
    let output = rubricate()
        .current_dir(dir)
        .args(["lint", "rubric.toml"])
        .output()
        .unwrap();
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn rubric_errors_name_line_and_column() {
    let bad = r#"[assignment]
id = "ds"
title = "Data structures"

[[question]]
id = "1"
points = 3
  [[question.concept]]
  id = "mixed"
  points = 1
  match = ["stack"]
  ideas = [{ id = "a", match = ["x y"] }, { id = "a", match = ["y z"] }, { id = "b" }]
  [question.concept.partial]
  points = 0.5
  match = ["heap"]
  [[question.concept]]
  id = "empty"
  points = 1
  ideas = []
  [[question.concept]]
  id = "steps"
  points = 1
  credit = { 1 = 1, 3 = 0.5, 4 = 2 }
  ideas = [{ id = "a", match = ["x y"] }, { id = "b", match = ["y z"] }, { id = "c", match = ["z w"] }]
  [[question.concept]]
  id = "word"
  points = 1
  credit = "generous"
  ideas = [{ id = "a", match = ["x y"] }]
  [[question.concept]]
  id = "plain"
  points = 1
  match = ["x y"]
  credit = "proportional"
"#;
    let dir = course(bad, &[]);
    let err = lint(dir.path());
    for (place, message) in [
        (
            "rubric.toml:11:12",
            "concept `mixed` has `ideas`, so it takes no `match`",
        ),
        ("rubric.toml:12:50", "duplicate idea id `a` in concept `mixed`"),
        (
            "rubric.toml:12:74",
            "idea `b` of concept `mixed` has nothing to match",
        ),
        (
            "rubric.toml:14:12",
            "concept `mixed` has `ideas`, so it takes no `partial`",
        ),
        ("rubric.toml:19:11", "concept `empty` has an empty `ideas` list"),
        (
            "rubric.toml:23:21",
            "covering 3 ideas earns 0.5 points, but covering 1 already earns 1",
        ),
        (
            "rubric.toml:23:30",
            "credit threshold `4` is not a number of ideas from 1 to 3",
        ),
        ("rubric.toml:28:12", "credit `generous` is not `\"proportional\"`"),
        (
            "rubric.toml:31:8",
            "concept `plain` sets `credit`, which only a coverage concept",
        ),
    ] {
        assert!(err.contains(message), "{message} missing from:\n{err}");
        let at = err.find(message).unwrap();
        let place_line = format!("┌─ {place}");
        let located = err[at..].lines().nth(1).unwrap_or_default();
        assert!(
            located.contains(&place_line),
            "{message}: expected {place}, got {located}"
        );
    }
    let over = RUBRIC.replace("credit = { 1 = 1, 2 = 2, 4 = 3 }", "credit = { 1 = 1, 2 = 4 }");
    fs::write(dir.path().join("rubric.toml"), over).unwrap();
    let err = lint(dir.path());
    assert!(
        err.contains("covering 2 ideas earns 4 points, more than concept `uses`'s 3")
            && err.contains("┌─ rubric.toml:26:21"),
        "{err}"
    );
}

#[test]
fn explain_shows_each_idea_and_the_count() {
    let dir = course(RUBRIC, &[]);
    let output = rubricate()
        .current_dir(dir.path())
        .args(["explain", "--rubric", "rubric.toml", "-q", "1"])
        .arg("LIFO, but not the top of the stack.")
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    for line in [
        "    idea lifo → covered\n",
        "    idea top → negated\n",
        "    idea ops → missed\n",
        "    idea no-middle → missed\n",
        "    1 of 4 ideas covered (credit = proportional)\n",
        "    → partial 0.75/3\n",
    ] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
}

#[test]
fn check_and_the_student_edition_keep_a_practice_coverage_concept_whole() {
    let practice = RUBRIC.replace(
        "  id = \"explanation\"\n",
        "  id = \"explanation\"\n  practice = true\n",
    );
    let dir = course(&practice, &[]);
    let answer = dir.path().join("answer.md");
    fs::write(&answer, "## 1\nLIFO, at the top of the stack.\n").unwrap();
    rubricate()
        .current_dir(dir.path())
        .args(["export", "--student", "rubric.toml", "-o", "student.toml"])
        .assert()
        .success();
    let edition = read(&dir.path().join("student.toml"));
    let student: toml::Table = edition.parse().unwrap();
    let questions = student["question"].as_array().unwrap();
    assert_eq!(questions[0]["concept"][0]["id"].as_str(), Some("explanation"));
    assert_eq!(
        questions[0]["concept"][0]["ideas"].as_array().map(Vec::len),
        Some(4),
        "{edition}"
    );
    assert!(questions[1].get("concept").is_none(), "{edition}");
    for secret in ["call stack", "backtracking", "credit"] {
        assert!(!edition.contains(secret), "{secret} leaked:\n{edition}");
    }
    for rubric in ["rubric.toml", "student.toml"] {
        let output = rubricate()
            .current_dir(dir.path())
            .args(["check", "--rubric", rubric, "answer.md"])
            .output()
            .unwrap();
        let out = String::from_utf8(output.stdout).unwrap();
        assert!(
            out.contains("  - ✓ 1.5 of 3 pts — Explains the stack (2 of 4 ideas covered).\n    - ✓ Last in, first out. You wrote: “LIFO”\n    - ✓ *top*. You wrote: “top of the stack”\n    - ✗ *ops* (not found in your answer).\n"),
            "{rubric}:\n{out}"
        );
    }
}

#[test]
fn the_html_report_lists_and_highlights_each_idea() {
    let dir = course(RUBRIC, &[("ana", "## 1\nLIFO, but not the top of the stack.\n")]);
    grade(dir.path());
    let html = read(&dir.path().join("out/report.html"));
    assert!(
        html.contains("<mark class=\"hit\" title=\"explanation.lifo: covered\">LIFO</mark>"),
        "{html}"
    );
    assert!(html.contains("<code>explanation.top</code>: Say where push and pop act."));
}
