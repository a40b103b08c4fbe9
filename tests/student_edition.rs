//! The student edition of a rubric (`export --student`): it holds nothing of the answer key
//! but the concepts staff release for practice, `check` uses it for structure only, and no
//! command that produces grades accepts it.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use rubricate::rubric::{ConceptRule, Edition, Pattern, Rubric};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures/student-edition").join(path)
}

fn bundled_rubric() -> PathBuf {
    root().join("rubrics/finetuning-review.toml")
}

fn rubricate() -> Command {
    let mut cmd = Command::cargo_bin("rubricate").unwrap();
    cmd.current_dir(root());
    cmd
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(path: &Path) -> Rubric {
    rubricate::rubric::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `export --student RUBRIC -o <dir>/<name>`, which must succeed; the edition's path.
fn export(rubric: &Path, dir: &Path, name: &str) -> PathBuf {
    let edition = dir.join(name);
    rubricate()
        .args(["export", "--student"])
        .arg(rubric)
        .arg("-o")
        .arg(&edition)
        .assert()
        .success();
    edition
}

/// Every text of a rubric that gives an answer away: each concept's patterns (for a choice,
/// every option's and the accepted alternatives), the right option's key, the `hit`, `miss`
/// and partial feedback; each misconception's patterns and feedback; each worked example.
fn key_texts(rubric: &Rubric) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    let sources =
        |patterns: &[Pattern]| -> Vec<String> { patterns.iter().map(|p| p.source().to_string()).collect() };
    for q in &rubric.questions {
        for c in &q.concepts {
            let place = format!("{} concept `{}`", q.id, c.id);
            let mut own = match &c.rule {
                ConceptRule::Patterns(set) => {
                    let mut all = sources(&set.asserted);
                    all.extend(sources(&set.negated));
                    all
                }
                ConceptRule::Choice(choice) => {
                    let mut all: Vec<String> =
                        choice.options.iter().flat_map(|o| sources(&o.patterns)).collect();
                    all.extend(sources(&choice.accept));
                    all.push(format!("choose = \"{}\"", choice.options[choice.answer].key));
                    all
                }
                ConceptRule::Coverage(coverage) => {
                    let mut all = Vec::new();
                    for idea in &coverage.ideas {
                        all.extend(sources(&idea.patterns.asserted));
                        all.extend(sources(&idea.patterns.negated));
                        all.extend(idea.hit_feedback.clone());
                        all.extend(idea.miss_feedback.clone());
                    }
                    all
                }
            };
            if let Some(partial) = &c.partial {
                own.extend(sources(&partial.patterns));
                own.extend(partial.feedback.clone());
            }
            own.extend(c.hit_feedback.clone());
            own.extend(c.miss_feedback.clone());
            texts.extend(own.into_iter().map(|t| (place.clone(), t)));
        }
        for m in &q.misconceptions {
            let place = format!("{} misconception `{}`", q.id, m.id);
            texts.extend(sources(&m.patterns).into_iter().map(|t| (place.clone(), t)));
            texts.extend(m.feedback.clone().map(|t| (place.clone(), t)));
        }
        for e in &q.examples {
            texts.push((format!("{} example", q.id), e.answer.trim().to_string()));
        }
    }
    texts
}

/// Every string value of a TOML document, keys aside.
fn string_values(text: &str) -> Vec<String> {
    fn walk(value: &toml::Value, out: &mut Vec<String>) {
        match value {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            toml::Value::Table(table) => table.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut out = Vec::new();
    walk(&toml::Value::Table(table), &mut out);
    out
}

#[test]
fn the_bundled_rubrics_student_edition_holds_no_pattern_choice_or_feedback_of_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let edition = export(&bundled_rubric(), dir.path(), "review.student.toml");
    let text = read(&edition);
    let values = string_values(&text);
    let staff = load(&bundled_rubric());
    let secrets = key_texts(&staff);
    assert!(secrets.len() > 100, "the key was read: {}", secrets.len());
    for (place, secret) in &secrets {
        // A short pattern (`ft`, `=lm`) may be part of an id or a title; it must not be a value.
        let leaked = if secret.chars().count() >= 5 {
            text.contains(secret.as_str())
        } else {
            values.iter().any(|v| v == secret)
        };
        assert!(!leaked, "{place}: `{secret}` is in the student edition:\n{text}");
    }
    assert!(!text.contains("choose"), "{text}");
    assert!(
        !text.contains("[synonyms]") && !text.contains("[options"),
        "{text}"
    );

    let student = load(&edition);
    assert_eq!(student.edition, Edition::Student);
    assert_eq!(staff.questions.len(), student.questions.len());
    for (s, e) in staff.questions.iter().zip(&student.questions) {
        assert_eq!(s.id, e.id);
        assert_eq!(s.max, e.max);
        assert_eq!(s.extra_labels, e.extra_labels);
        assert_eq!(s.max_words, e.max_words);
        assert!(e.concepts.is_empty() && e.misconceptions.is_empty() && e.examples.is_empty());
    }
}

#[test]
fn a_practice_concept_survives_with_its_patterns_and_the_others_do_not() {
    let dir = tempfile::tempdir().unwrap();
    // The bundled rubric with its first concept of 1b released for practice.
    let staff_text = read(&bundled_rubric());
    let anchor = "id = \"objective\"\n";
    assert!(staff_text.contains(anchor));
    let practice_text = staff_text.replacen(anchor, &format!("{anchor}  practice = true\n"), 1);
    let staff_path = dir.path().join("review.toml");
    fs::write(&staff_path, practice_text).unwrap();
    let staff = load(&staff_path);
    let edition = export(&staff_path, dir.path(), "review.student.toml");
    let student = load(&edition);

    let question = |r: &Rubric| {
        r.questions
            .iter()
            .find(|q| q.id.as_str() == "1b")
            .cloned()
            .unwrap()
    };
    let (s, e) = (question(&staff), question(&student));
    let objective = s.concepts.iter().find(|c| c.id == "objective").unwrap();
    assert!(objective.practice);
    let [kept] = e.concepts.as_slice() else {
        panic!("{:?}", e.concepts.iter().map(|c| &c.id).collect::<Vec<_>>())
    };
    assert_eq!(kept.id, "objective");
    let patterns = |rule: &ConceptRule| match rule {
        ConceptRule::Patterns(set) => set
            .asserted
            .iter()
            .chain(&set.negated)
            .map(|p| p.source().to_string())
            .collect::<Vec<_>>(),
        ConceptRule::Choice(_) | ConceptRule::Coverage(_) => panic!("`objective` has plain patterns"),
    };
    assert!(!patterns(&kept.rule).is_empty());
    assert_eq!(patterns(&kept.rule), patterns(&objective.rule));
    assert_eq!(kept.miss_feedback, objective.miss_feedback);

    // Nothing of any other concept is left, except what the practice concept's own synonym
    // groups hold (released with it).
    let text = read(&edition);
    let table: toml::Table = text.parse().unwrap();
    let released = string_values(&toml::to_string(&table["synonyms"]).unwrap());
    assert!(!released.is_empty(), "{text}");
    let others: Vec<(String, String)> = key_texts(&staff)
        .into_iter()
        .filter(|(place, _)| place != "1b concept `objective`")
        .filter(|(_, t)| t.chars().count() >= 5)
        .filter(|(_, t)| !patterns(&objective.rule).iter().any(|p| p.contains(t.as_str())))
        .filter(|(_, t)| !released.iter().any(|member| member.contains(t.as_str())))
        .collect();
    for (place, secret) in &others {
        assert!(
            !text.contains(secret.as_str()),
            "{place}: `{secret}` leaked:\n{text}"
        );
    }
}

#[test]
fn check_with_the_student_edition_reports_structure_only() {
    let dir = tempfile::tempdir().unwrap();
    let edition = export(&bundled_rubric(), dir.path(), "review.student.toml");
    let assert = rubricate()
        .args(["check", "--rubric"])
        .arg(&edition)
        .arg("submissions/dliu.txt")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    insta::assert_snapshot!("check_student_edition_bundled", stdout);
    assert!(
        stdout.contains("structure only: this is the student edition of the rubric; scores come from staff"),
        "{stdout}"
    );
    assert!(!stdout.contains(" / "), "no score is shown: {stdout}");
}

#[test]
fn check_with_the_student_edition_shows_practice_concepts_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let edition = export(&fixture("rubric.toml"), dir.path(), "se.student.toml");
    let text = read(&edition);
    for secret in [
        "GIRAFFE",
        "PANGOLIN",
        "WOMBAT",
        "OKAPI",
        "okapi",
        "whole input",
        "{objective}",
        "unpaired",
    ] {
        assert!(!text.contains(secret), "`{secret}` leaked:\n{text}");
    }
    let assert = rubricate()
        .args(["check", "--rubric"])
        .arg(&edition)
        .arg(fixture("answers.md"))
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    insta::assert_snapshot!("check_student_edition_practice", stdout);
    assert!(stdout.contains("1a — practice checks: 1 of 1 pt"), "{stdout}");
    assert!(!stdout.contains("1b —") && !stdout.contains("2a —"), "{stdout}");
}

#[test]
fn grading_commands_refuse_a_student_edition_and_name_it() {
    let dir = tempfile::tempdir().unwrap();
    let edition = export(&bundled_rubric(), dir.path(), "review.student.toml");
    let named = || {
        predicate::str::contains(edition.display().to_string())
            .and(predicate::str::contains("is the student edition of a rubric"))
    };
    let out = dir.path().join("out");
    rubricate()
        .arg("grade")
        .arg("--rubric")
        .arg(&edition)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(named());
    assert!(!out.join("grades.csv").exists(), "nothing was graded");
    rubricate()
        .args(["agree", "--expected", "tests/dev-set/expected.csv", "--rubric"])
        .arg(&edition)
        .assert()
        .code(2)
        .stderr(named());
    rubricate()
        .arg("test")
        .arg(&edition)
        .assert()
        .code(2)
        .stderr(named());
    rubricate()
        .args(["explain", "--question", "1a", "No.", "--rubric"])
        .arg(&edition)
        .assert()
        .code(2)
        .stderr(named());
}

/// A course folder with `rubrics/` holding `files` (name, rubric to copy) and the small
/// fixture's submissions.
fn course_with(files: &[(&str, &Path)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("rubrics")).unwrap();
    for (name, from) in files {
        fs::copy(from, dir.path().join("rubrics").join(name)).unwrap();
    }
    let submissions = dir.path().join("submissions");
    fs::create_dir(&submissions).unwrap();
    fs::copy(fixture("answers.md"), submissions.join("ana.md")).unwrap();
    dir
}

#[test]
fn the_default_rubric_is_never_a_student_edition() {
    let exported = tempfile::tempdir().unwrap();
    let edition = export(&fixture("rubric.toml"), exported.path(), "se.student.toml");

    // Beside the staff rubric (where `export` puts it by default), it is not counted.
    let course = course_with(&[
        ("se.toml", &fixture("rubric.toml")),
        ("se.student.toml", &edition),
    ]);
    let mut grade = Command::cargo_bin("rubricate").unwrap();
    grade
        .current_dir(course.path())
        .args(["grade", "--quiet"])
        .assert()
        .success();
    assert!(read(&course.path().join("out/grades.csv")).starts_with("student,1a,1b,2a,total"));

    // Alone, it is not picked.
    let course = course_with(&[("se.student.toml", &edition)]);
    let mut grade = Command::cargo_bin("rubricate").unwrap();
    grade
        .current_dir(course.path())
        .arg("grade")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no staff rubric in `rubrics/`"));
    let mut check = Command::cargo_bin("rubricate").unwrap();
    check
        .current_dir(course.path())
        .args(["check", "submissions/ana.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no staff rubric in `rubrics/`"));
}

#[test]
fn export_writes_the_edition_beside_the_rubric_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let staff = dir.path().join("hw1.toml");
    fs::copy(fixture("rubric.toml"), &staff).unwrap();
    rubricate()
        .args(["export", "--student"])
        .arg(&staff)
        .assert()
        .success()
        .stdout(predicate::str::contains("hw1.student.toml"));
    assert_eq!(
        load(&dir.path().join("hw1.student.toml")).edition,
        Edition::Student
    );
}
