//! Answer groups end to end: every graded answer's group in `grades.json`, `groups.csv` in
//! review order, ids stable across runs and thread counts, and a TA's decisions on groups
//! (`--decisions`): applied, carried into later runs, beaten by an override, and given to an
//! answer that joins a decided group later.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A class of short answers, several saying the same thing in different words.
const CLASS: &[(&str, &str, &str)] = &[
    // (student, 1, 2)
    ("s01", "capitalism", "the speaker of the house"),
    ("s02", "Capitalism.", "speaker of the house"),
    ("s03", "capitalizm", "Speaker of the House!"),
    ("s04", "free enterprise", "the vice president"),
    ("s05", "free enterprise.", "speaker"),
    ("s06", "Free enterprise", "the speaker"),
    ("s07", "a free enterprise system", "the chief justice"),
    ("s08", "democracy", "speaker of the house"),
    ("s09", "capitalism", "I don't know"),
];

const RUBRIC: &str = r#"
[assignment]
id = "civics"
title = "Civics"

[[question]]
id = "1"
points = 1
prompt = "What is the economic system in the United States?"

  [[question.concept]]
  id = "system"
  points = 1
  match = ["capitalism", "capitalist", "market economy"]

[[question]]
id = "2"
points = 1
prompt = "If both the President and the Vice President can no longer serve, who becomes President?"

  [[question.concept]]
  id = "speaker"
  points = 1
  match = ["speaker of the house"]
"#;

struct Course {
    _dir: tempfile::TempDir,
    rubric: PathBuf,
    submissions: PathBuf,
    out: PathBuf,
    dir: PathBuf,
}

fn course() -> Course {
    let dir = tempfile::tempdir().unwrap();
    let rubric = dir.path().join("rubric.toml");
    fs::write(&rubric, RUBRIC).unwrap();
    let submissions = dir.path().join("submissions");
    fs::create_dir(&submissions).unwrap();
    for (student, one, two) in CLASS {
        write_submission(&submissions, student, one, two);
    }
    Course {
        rubric,
        out: dir.path().join("out"),
        submissions,
        dir: dir.path().to_path_buf(),
        _dir: dir,
    }
}

fn write_submission(folder: &Path, student: &str, one: &str, two: &str) {
    fs::write(
        folder.join(format!("{student}.md")),
        format!("1. {one}\n\n2. {two}\n"),
    )
    .unwrap();
}

impl Course {
    fn grade(&self, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
        Command::cargo_bin("rubricate")
            .unwrap()
            .arg("grade")
            .arg("--rubric")
            .arg(&self.rubric)
            .arg("--submissions")
            .arg(&self.submissions)
            .arg("--out")
            .arg(out)
            .arg("--quiet")
            .args(extra)
            .assert()
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.join(name);
        fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

/// (student, question) → the answer's record in grades.json.
fn answers(out: &Path) -> BTreeMap<(String, String), Value> {
    let report: Value = serde_json::from_str(&fs::read_to_string(out.join("grades.json")).unwrap()).unwrap();
    let mut answers = BTreeMap::new();
    for student in report["students"].as_array().unwrap() {
        for q in student["questions"].as_array().unwrap() {
            answers.insert(
                (
                    student["student"].as_str().unwrap().to_string(),
                    q["id"].as_str().unwrap().to_string(),
                ),
                q.clone(),
            );
        }
    }
    answers
}

fn group_of(answers: &BTreeMap<(String, String), Value>, student: &str, question: &str) -> String {
    answers[&(student.to_string(), question.to_string())]["group"]
        .as_str()
        .unwrap_or_else(|| panic!("{student} {question} has no group"))
        .to_string()
}

fn groups_csv(out: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(out.join("groups.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn answers_that_say_the_same_thing_share_a_group_whose_id_holds_across_runs_and_threads() {
    let course = course();
    course.grade(&course.out, &["-j", "1"]).success();
    let first = answers(&course.out);
    // Case, punctuation, function words and a misspelling do not split a group.
    for student in ["s02", "s03", "s09"] {
        assert_eq!(group_of(&first, student, "1"), group_of(&first, "s01", "1"));
    }
    for student in ["s02", "s03", "s08"] {
        assert_eq!(group_of(&first, student, "2"), group_of(&first, "s01", "2"));
    }
    for student in ["s05", "s06"] {
        assert_eq!(group_of(&first, student, "1"), group_of(&first, "s04", "1"));
    }
    // Saying something else, or less of what the rubric asks for, is another group.
    assert_ne!(group_of(&first, "s04", "1"), group_of(&first, "s01", "1"));
    assert_ne!(group_of(&first, "s08", "1"), group_of(&first, "s01", "1"));
    assert_ne!(group_of(&first, "s05", "2"), group_of(&first, "s01", "2"));

    // groups.csv: one row per group, every graded answer in exactly one.
    let header = csv::Reader::from_path(course.out.join("groups.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    assert_eq!(&header[0], "question");
    assert_eq!(&header[1], "group");
    assert_eq!(&header[2], "size");
    let rows = groups_csv(&course.out);
    let total: usize = rows.iter().map(|r| r[2].parse::<usize>().unwrap()).sum();
    assert_eq!(total, first.values().filter(|a| a["group"].is_string()).count());
    assert_eq!(total, CLASS.len() * 2);
    // Review order: the "free enterprise" answers (earning nothing, with content) come before
    // the capitalism group that the rubric credits without doubt.
    let position = |group: &str| rows.iter().position(|r| &r[1] == group).unwrap();
    // A group's row names its first members, in id order, and its first answer stands for it.
    let capitalism = &rows[position(&group_of(&first, "s01", "1"))];
    assert_eq!(&capitalism[2], "4");
    assert_eq!(&capitalism[6], "capitalism");
    assert_eq!(&capitalism[11], "s01 s02 s03 s09");
    assert!(position(&group_of(&first, "s04", "1")) < position(&group_of(&first, "s01", "1")));

    // Same ids with two threads, and byte-identical files.
    let two = course.dir.join("out-j2");
    course.grade(&two, &["-j", "2"]).success();
    assert_eq!(
        fs::read(course.out.join("groups.csv")).unwrap(),
        fs::read(two.join("groups.csv")).unwrap()
    );
    assert_eq!(
        fs::read(course.out.join("grades.json")).unwrap(),
        fs::read(two.join("grades.json")).unwrap()
    );

    // A new submission joins groups without changing their ids.
    write_submission(
        &course.submissions,
        "s10",
        "CAPITALISM",
        "the speaker of the house",
    );
    course.grade(&course.out, &[]).success();
    let later = answers(&course.out);
    for (key, answer) in &first {
        assert_eq!(later[key]["group"], answer["group"], "{key:?}");
    }
    assert_eq!(group_of(&later, "s10", "1"), group_of(&first, "s01", "1"));
}

#[test]
fn a_decision_scores_its_whole_group_is_carried_and_loses_to_an_override() {
    let course = course();
    course.grade(&course.out, &[]).success();
    let first = answers(&course.out);
    let enterprise = group_of(&first, "s04", "1");
    assert_eq!(first[&("s04".into(), "1".into())]["score"], 0);

    // A decisions file shaped like groups.csv with points added; rows without points are skipped.
    let decisions = course.file(
        "decisions.csv",
        &format!("question,group,size,points,comment\n1,{enterprise},3,1,free enterprise is capitalism\n2,{},1,,\n", group_of(&first, "s05", "2")),
    );
    course.grade(&course.out, &["--decisions", &decisions]).success();
    let decided = answers(&course.out);
    for student in ["s04", "s05", "s06"] {
        let answer = &decided[&(student.to_string(), "1".to_string())];
        assert_eq!(answer["score"], 1, "{student}");
        assert_eq!(answer["decision"]["points"], 1);
        assert_eq!(answer["decision"]["autograder"], 0);
        assert_eq!(answer["decision"]["comment"], "free enterprise is capitalism");
        assert!(answer["decision"].get("joined").is_none());
        assert!(answer["flags"].to_string().contains("group-decision"));
    }
    let feedback = fs::read_to_string(course.out.join("feedback/s04.md")).unwrap();
    assert!(
        feedback
            .contains("A TA decided this score for every answer like yours: free enterprise is capitalism"),
        "{feedback}"
    );
    let html = fs::read_to_string(course.out.join("report.html")).unwrap();
    assert!(
        html.contains(&format!(
            "TA decision for group <code>{enterprise}</code>: autograder score 0 → 1"
        )),
        "the HTML report marks the decision"
    );
    // Answers outside the group keep the autograder's score.
    assert_eq!(decided[&("s08".into(), "1".into())]["score"], 0);
    let changes = fs::read_to_string(course.out.join("changes.csv")).unwrap();
    assert!(
        changes.contains("group-decision") || changes.contains("group decision"),
        "{changes}"
    );

    // Carried into the next run with no decisions file, to an answer that joins the group too.
    write_submission(
        &course.submissions,
        "s11",
        "Free enterprise!",
        "speaker of the house",
    );
    course.grade(&course.out, &[]).success();
    let carried = answers(&course.out);
    assert_eq!(carried[&("s04".into(), "1".into())]["score"], 1);
    assert!(carried[&("s04".into(), "1".into())]["decision"]
        .get("joined")
        .is_none());
    let joined = &carried[&("s11".into(), "1".into())];
    assert_eq!(joined["group"].as_str().unwrap(), enterprise);
    assert_eq!(joined["score"], 1);
    assert_eq!(joined["decision"]["joined"], true);
    assert!(joined["flags"].to_string().contains("joined-decided-group"));
    let review = fs::read_to_string(course.out.join("review.csv")).unwrap();
    assert!(review.lines().any(|l| l.starts_with("s11,1,")), "{review}");

    // A per-student override wins over the group's decision.
    let overrides = course.file(
        "overrides.csv",
        "student,question,points,comment\ns05,1,0,copied\n",
    );
    course.grade(&course.out, &["--overrides", &overrides]).success();
    let overridden = answers(&course.out);
    assert_eq!(overridden[&("s05".into(), "1".into())]["score"], 0);
    assert_eq!(overridden[&("s06".into(), "1".into())]["score"], 1);
    let feedback = fs::read_to_string(course.out.join("feedback/s05.md")).unwrap();
    assert!(
        feedback.contains("A TA reviewed this answer and set the score: copied"),
        "{feedback}"
    );
}

#[test]
fn a_bad_decisions_file_names_the_file_and_line_and_grades_nothing() {
    let course = course();
    for (text, message) in [
        (
            "question,group,points\n9,0123456789ab,1\n",
            ":2: no question `9` in the rubric",
        ),
        (
            "question,group,points\n1,0123456789ab,2\n",
            ":2: 2 points is outside 0..=1",
        ),
        ("question,group,points\n1,s01,1\n", ":2: `s01` is not a group id"),
        ("question,points\n1,1\n", ":1: the header must name the columns"),
    ] {
        let decisions = course.file("bad.csv", text);
        course
            .grade(&course.out, &["--decisions", &decisions])
            .code(2)
            .stderr(predicate::str::contains(message).and(predicate::str::contains("bad.csv")));
        assert!(!course.out.join("grades.json").exists());
    }
    // A decision on a group no answer is in is a warning.
    let decisions = course.file("unknown.csv", "question,group,points\n1,0123456789ab,1\n");
    Command::cargo_bin("rubricate")
        .unwrap()
        .current_dir(root())
        .args(["grade", "--rubric"])
        .arg(&course.rubric)
        .arg("--submissions")
        .arg(&course.submissions)
        .arg("--out")
        .arg(&course.out)
        .args(["--decisions", &decisions])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "decision for question `1` group `0123456789ab` matches no graded answer; ignored",
        ));
}

#[test]
fn suggestions_from_a_decision_grade_next_terms_class_without_it() {
    let course = course();
    course.grade(&course.out, &[]).success();
    let first = answers(&course.out);
    let enterprise = group_of(&first, "s04", "1");
    let decisions = course.file(
        "decisions.csv",
        &format!("question,group,points,comment\n1,{enterprise},1,free enterprise is capitalism\n"),
    );
    course.grade(&course.out, &["--decisions", &decisions]).success();

    let suggested = Command::cargo_bin("rubricate")
        .unwrap()
        .arg("suggest")
        .arg(course.out.join("grades.json"))
        .arg("--rubric")
        .arg(&course.rubric)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let suggested = String::from_utf8(suggested).unwrap();
    assert!(suggested.contains("# Question 1:"), "{suggested}");
    // The credited group's phrase, with what it would change: its 3 answers, and the
    // "free enterprise system" answer the TA did not decide, in 2 groups.
    assert!(
        suggested.contains(
            "#   \"free enterprise\": would change 4 answers in 2 groups; in 3 credited answers (1 group)"
        ),
        "{suggested}"
    );
    assert!(!suggested.contains("Question 2"), "{suggested}");

    // Pasted under question 1, it grades a new class the same with no decisions at all.
    let rubric = fs::read_to_string(&course.rubric).unwrap();
    let second_question = rubric.find("[[question]]\nid = \"2\"").unwrap();
    let grown = format!(
        "{}{}\n{}",
        &rubric[..second_question],
        suggested,
        &rubric[second_question..]
    );
    let grown_path = course.dir.join("grown.toml");
    fs::write(&grown_path, grown).unwrap();
    Command::cargo_bin("rubricate")
        .unwrap()
        .args(["lint", "--deny-warnings"])
        .arg(&grown_path)
        .assert()
        .success();
    let next_term = course.dir.join("next-term");
    Command::cargo_bin("rubricate")
        .unwrap()
        .arg("grade")
        .arg("--rubric")
        .arg(&grown_path)
        .arg("--submissions")
        .arg(&course.submissions)
        .arg("--out")
        .arg(&next_term)
        .arg("--quiet")
        .assert()
        .success();
    let graded = answers(&next_term);
    for student in ["s04", "s05", "s06", "s07"] {
        let answer = &graded[&(student.to_string(), "1".to_string())];
        assert_eq!(answer["score"], 1, "{student}");
        assert!(answer.get("decision").is_none());
    }
    assert_eq!(graded[&("s08".into(), "1".into())]["score"], 0);
}
