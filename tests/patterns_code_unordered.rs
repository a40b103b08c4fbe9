//! Unordered phrases (`[a b c]`, `[a b c]~N`), stem-only words (`+word`) and code tokens
//! (`C++`, `->`, `O(n log n)`, ...) end to end: small rubrics written here, graded by the
//! binary, read back from grades.json; and their mistakes reported by `lint` at line:column.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Grade `answers` (student name → answer to question `1a`) with `rubric`; grades.json.
fn grade(rubric: &str, answers: &[(&str, &str)]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let rubric_path = dir.path().join("rubric.toml");
    fs::write(&rubric_path, rubric).unwrap();
    let submissions = dir.path().join("submissions");
    fs::create_dir(&submissions).unwrap();
    for (student, answer) in answers {
        fs::write(
            submissions.join(format!("{student}.txt")),
            format!("1a: {answer}\n"),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    Command::cargo_bin("rubricate")
        .unwrap()
        .arg("grade")
        .arg("--rubric")
        .arg(&rubric_path)
        .arg("--submissions")
        .arg(&submissions)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    serde_json::from_str(&fs::read_to_string(out.join("grades.json")).unwrap()).unwrap()
}

/// A rubric of one question `1a` with one concept per `(id, patterns)`, one point each.
fn rubric(concepts: &[(&str, &str)]) -> String {
    let mut toml = format!(
        "[assignment]\nid = \"t\"\ntitle = \"T\"\n[[question]]\nid = \"1a\"\npoints = {}\n",
        concepts.len()
    );
    for (id, patterns) in concepts {
        toml.push_str(&format!(
            "[[question.concept]]\nid = \"{id}\"\npoints = 1\nmatch = {patterns}\n"
        ));
    }
    toml
}

/// Student → (concept id → (outcome, quoted evidence)).
fn outcomes(json: &Value, student: &str) -> Vec<(String, String, String)> {
    let student = json["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["student"] == student)
        .unwrap_or_else(|| panic!("no student {student} in {json}"));
    student["questions"][0]["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["outcome"].as_str().unwrap().to_string(),
                c["evidence"]["quote"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn outcome(json: &Value, student: &str, concept: &str) -> (String, String) {
    outcomes(json, student)
        .into_iter()
        .find(|(id, _, _)| id == concept)
        .map(|(_, outcome, quote)| (outcome, quote))
        .unwrap()
}

#[test]
fn an_unordered_phrase_matches_in_any_order_and_can_be_denied() {
    let toml = rubric(&[
        ("lifo", r#"["[last first out]"]"#),
        ("near", r#"["[push pop top]~7"]"#),
    ]);
    let json = grade(
        &toml,
        &[
            (
                "ordered",
                "A stack is last in, first out. Push and pop act on the top.",
            ),
            (
                "reversed",
                "What goes in last comes out first. The top is where you push and pop.",
            ),
            ("split", "The last one in. It comes out first."),
            (
                "denied",
                "A stack is not last in first out. You push, and much later you might pop from the top.",
            ),
        ],
    );
    assert_eq!(
        outcome(&json, "ordered", "lifo"),
        ("hit".into(), "last in, first out".into())
    );
    assert_eq!(outcome(&json, "ordered", "near").0, "hit");
    // Any order; the quote is the smallest span holding all the words.
    assert_eq!(
        outcome(&json, "reversed", "lifo"),
        ("hit".into(), "last comes out first".into())
    );
    assert_eq!(
        outcome(&json, "reversed", "near"),
        ("hit".into(), "top is where you push and pop".into())
    );
    // Words in two sentences are not one claim.
    assert_eq!(outcome(&json, "split", "lifo").0, "missed");
    // A negation before the span denies it; words too far apart miss the window.
    assert_eq!(outcome(&json, "denied", "lifo").0, "negated");
    assert_eq!(outcome(&json, "denied", "near").0, "missed");
}

#[test]
fn a_stem_only_word_takes_forms_but_refuses_misspellings() {
    let toml = rubric(&[("stem-only", r#"["+queue"]"#), ("plain", r#"["queue"]"#)]);
    let json = grade(
        &toml,
        &[
            ("inflected", "Two queues hold the jobs."),
            ("misspelt", "The quuee holds the jobs."),
        ],
    );
    assert_eq!(
        outcome(&json, "inflected", "stem-only"),
        ("hit".into(), "queues".into())
    );
    assert_eq!(outcome(&json, "inflected", "plain").0, "hit");
    // A misspelling: the plain word accepts it, the stem-only word does not.
    assert_eq!(
        outcome(&json, "misspelt", "plain"),
        ("hit".into(), "quuee".into())
    );
    assert_eq!(outcome(&json, "misspelt", "stem-only").0, "missed");
}

#[test]
fn code_tokens_are_matched_whole() {
    let toml = rubric(&[
        ("cpp", r#"["C++"]"#),
        ("c", r#"["=C"]"#),
        ("nlogn", r#"["O(n log n)"]"#),
        ("arrow", r#"["-> next"]"#),
        ("string", r#"["[=char[] \\0]"]"#),
    ]);
    let json = grade(
        &toml,
        &[
            (
                "code",
                "I like C++. Merge sort is O(nlogn) (see above); follow p->next. A char[] ends with '\\0'.",
            ),
            (
                "plain",
                "I like C. Merge sort is O(log n), and next we follow the string.",
            ),
        ],
    );
    assert_eq!(outcome(&json, "code", "cpp"), ("hit".into(), "C++".into()));
    // `C++` is not a bare `C`.
    assert_eq!(outcome(&json, "code", "c").0, "missed");
    assert_eq!(outcome(&json, "code", "nlogn"), ("hit".into(), "O(nlogn)".into()));
    assert_eq!(outcome(&json, "code", "arrow"), ("hit".into(), "->next".into()));
    assert_eq!(
        outcome(&json, "code", "string"),
        ("hit".into(), "char[] ends with '\\0".into())
    );
    assert_eq!(outcome(&json, "plain", "c"), ("hit".into(), "C".into()));
    for concept in ["cpp", "nlogn", "arrow", "string"] {
        assert_eq!(outcome(&json, "plain", concept).0, "missed", "{concept}");
    }
}

#[test]
fn code_keeps_the_prose_around_it() {
    // "C++." still ends the sentence, so the negation in the next one does not reach back;
    // the parentheses of `O(n)` open no aside that would cut the clause.
    let toml = rubric(&[
        ("fast", r#"["C++ .. fast"]"#),
        ("linear", r#"["search O(n) .. time"]"#),
    ]);
    let json = grade(
        &toml,
        &[(
            "prose",
            "C++ is fast. It is not slow. Linear search takes O(n) time.",
        )],
    );
    assert_eq!(
        outcome(&json, "prose", "fast"),
        ("hit".into(), "C++ is fast".into())
    );
    assert_eq!(
        outcome(&json, "prose", "linear"),
        ("hit".into(), "search takes O(n) time".into())
    );
}

fn lint(rubric: &str) -> (String, i32) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.toml");
    fs::write(&path, rubric).unwrap();
    let output = Command::cargo_bin("rubricate")
        .unwrap()
        .current_dir(dir.path())
        .arg("lint")
        .arg(Path::new("r.toml"))
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (text, output.status.code().unwrap())
}

#[test]
fn lint_reports_unordered_phrase_mistakes_at_their_place_and_suggests_stem_only_words() {
    let (text, code) = lint(&rubric(&[("c", r#"["[last first out", "[push pop]~0"]"#)]));
    assert_eq!(code, 2, "{text}");
    let at = |message: &str, place: &str| {
        let found = text
            .find(message)
            .unwrap_or_else(|| panic!("{message} in {text}"));
        assert!(text[found..].contains(place), "{message} at {place}: {text}");
    };
    at(
        "invalid phrase `[last first out`: `[` is never closed by a `]`",
        "r.toml:10:11",
    );
    at(
        "invalid phrase `[push pop]~0`: `~0` must be a number of words",
        "r.toml:10:40",
    );
    let (text, _) = lint(&rubric(&[("c", r#"["stack"]"#)]));
    assert!(text.contains("write `+stack` to match its forms"), "{text}");
}
