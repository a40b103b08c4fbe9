//! `rubricate draft` end to end: a rubric drafted from the bundled rubric's answer key lints
//! clean and grades the dev set with a reported agreement; points, prompts and answers are read
//! from the key's label forms; errors name the key's file and line; `-o` writes atomically and
//! keeps an existing file unless `--force`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rubricate() -> Command {
    let mut cmd = Command::cargo_bin("rubricate").unwrap();
    cmd.current_dir(root());
    cmd
}

/// Draft `key` into `rubric`, checking the command succeeds.
fn draft_into(key: &Path, rubric: &Path, extra: &[&str]) {
    rubricate()
        .arg("draft")
        .arg(key)
        .arg("-o")
        .arg(rubric)
        .args(extra)
        .assert()
        .success();
}

fn lint_clean(rubric: &Path) {
    rubricate()
        .args(["lint", "--deny-warnings"])
        .arg(rubric)
        .assert()
        .success()
        .stderr(predicate::str::contains("0 errors, 0 warnings"));
}

/// student → question → score, from a CSV shaped like grades.csv.
fn scores(path: &Path) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let row = headers[1..]
                .iter()
                .zip(r.iter().skip(1))
                .map(|(h, v)| (h.clone(), v.parse::<f64>().unwrap()))
                .collect();
            (r[0].to_string(), row)
        })
        .collect()
}

/// Grade `subs` with `rubric` into `out`; the scores, student → question → score.
fn grade_scores(rubric: &Path, subs: &Path, out: &Path) -> BTreeMap<String, BTreeMap<String, f64>> {
    rubricate()
        .args(["grade", "--quiet", "--rubric"])
        .arg(rubric)
        .arg("--submissions")
        .arg(subs)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    scores(&out.join("grades.csv"))
}

#[test]
fn a_draft_of_the_bundled_key_lints_clean_and_grades_the_dev_set() {
    // Drafted as it is, and for graders who credit attempts: the dev set's strict grades
    // hold both to the same floors.
    for extra in [&[][..], &["--credit-attempts"][..]] {
        dev_set_agreement(extra);
    }
}

/// Draft the bundled key with `extra` options, grade the dev set, print and check agreement.
fn dev_set_agreement(extra: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let rubric = dir.path().join("draft.toml");
    draft_into(&root().join("docs/finetuning-review-key.md"), &rubric, extra);
    lint_clean(&rubric);

    let out = dir.path().join("out");
    rubricate()
        .args(["grade", "--quiet", "--submissions", "submissions", "--rubric"])
        .arg(&rubric)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let expected = scores(&root().join("tests/dev-set/expected.csv"));
    let got = scores(&out.join("grades.csv"));
    let (mut exact, mut within_one, mut compared) = (0, 0, 0);
    let (mut abs_error, mut questions) = (0.0, BTreeMap::new());
    for (student, want) in &expected {
        let row = got.get(student).unwrap_or_else(|| panic!("{student} not graded"));
        for (question, &w) in want.iter().filter(|(q, _)| *q != "total") {
            let g = row[question];
            compared += 1;
            exact += usize::from((g - w).abs() < 1e-9);
            within_one += usize::from((g - w).abs() <= 1.0 + 1e-9);
            abs_error += (g - w).abs();
            *questions.entry(question.clone()).or_insert(0.0) += (g - w).abs();
        }
    }
    let share = |n: usize| 100.0 * n as f64 / compared as f64;
    eprintln!(
        "drafted finetuning rubric{} on the dev set: {compared} scores, exact {exact} ({:.1}%), \
         within 1 point {within_one} ({:.1}%), mean absolute error {:.2}",
        extra.iter().map(|o| format!(" {o}")).collect::<String>(),
        share(exact),
        share(within_one),
        abs_error / compared as f64
    );
    assert_eq!(compared, 12 * 12, "every student and question compared");
    // A draft is a first version for a TA to edit, not the finished rubric; the floors sit
    // just below what it measures (74.3% exact, 97.9% within one point, MAE 0.28; with
    // --credit-attempts 73.6%, 97.9%, 0.28), so a change that makes drafts worse fails here.
    assert!(
        share(within_one) >= 95.0,
        "only {:.1}% within one point",
        share(within_one)
    );
    let mae = abs_error / compared as f64;
    assert!(mae < 0.35, "mean absolute error {mae:.2}");
    assert!(share(exact) >= 70.0, "only {:.1}% exact", share(exact));
}

#[test]
fn points_come_from_label_lines_and_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.md");
    fs::write(
        &key,
        "## 1 (5 points)\nA stack is last in, first out: push and pop act on the top.\n\n\
         ## 2 [2 pts]\nA queue is first in, first out.\n\n\
         ## 3\nRecursion needs a base case.\n",
    )
    .unwrap();
    let rubric = dir.path().join("r.toml");
    draft_into(&key, &rubric, &["--points", "3"]);
    lint_clean(&rubric);
    let text = fs::read_to_string(&rubric).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let points: Vec<(String, i64)> = table["question"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_owned(),
                q["points"].as_integer().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        points,
        [("1".to_owned(), 5), ("2".to_owned(), 2), ("3".to_owned(), 3)]
    );
}

#[test]
fn question_and_answer_lines_make_the_prompt_and_the_reference() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.txt");
    fs::write(
        &key,
        "Question 1\nQuestion: What is a variable?\nAnswer: A location in memory that can store a value.\n\n\
         Question 2\nQuestion: What does a linked list not need?\nAnswer: It does not need contiguous memory.\n",
    )
    .unwrap();
    let rubric = dir.path().join("r.toml");
    draft_into(&key, &rubric, &["--points", "5"]);
    lint_clean(&rubric);
    let table: toml::Table = fs::read_to_string(&rubric).unwrap().parse().unwrap();
    let questions = table["question"].as_array().unwrap();
    assert_eq!(questions[0]["prompt"].as_str(), Some("What is a variable?"));
    let ideas = ideas_of(&questions[0]);
    let ids: Vec<&str> = ideas.iter().map(|i| i["id"].as_str().unwrap()).collect();
    // "variable" is the prompt's word: it is not an idea of the answer.
    assert_eq!(ids, ["location", "memory", "store", "value"]);
    // The reference denies contiguous memory: an answer covers that by denying it too.
    let ideas = ideas_of(&questions[1]);
    let contiguous = ideas
        .iter()
        .find(|i| i["id"].as_str() == Some("contiguous-memory"))
        .expect("a contiguous memory idea");
    assert!(contiguous.get("match").is_none());
    assert_eq!(contiguous["negated"][0].as_str(), Some("[contiguous memory]"));

    // Grade two answers with it: the right one earns more than the wrong one.
    let subs = dir.path().join("subs");
    fs::create_dir(&subs).unwrap();
    fs::write(
        subs.join("good.txt"),
        "Q1: a named place in memory storing a value\nQ2: nodes need no contiguous memory\n",
    )
    .unwrap();
    fs::write(
        subs.join("poor.txt"),
        "Q1: a kind of function\nQ2: contiguous memory\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let got = grade_scores(&rubric, &subs, &out);
    assert!(got["good"]["1"] > got["poor"]["1"], "{got:?}");
    assert!(got["good"]["2"] > got["poor"]["2"], "{got:?}");
    let json: Value = serde_json::from_str(&fs::read_to_string(out.join("grades.json")).unwrap()).unwrap();
    assert!(json["students"].as_array().is_some_and(|s| s.len() == 2));
}

/// A drafted question's ideas: the ideas of its coverage concepts, or its concepts other than
/// the first idea's share (`any`).
fn ideas_of(question: &toml::Value) -> Vec<toml::Value> {
    let mut ideas = Vec::new();
    for concept in question["concept"].as_array().unwrap() {
        match concept.get("ideas") {
            Some(list) => ideas.extend(list.as_array().unwrap().iter().cloned()),
            None if concept["id"].as_str().is_some_and(|id| !id.ends_with("any")) => {
                ideas.push(concept.clone())
            }
            None => {}
        }
    }
    ideas
}

#[test]
fn errors_name_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.md");
    rubricate()
        .arg("draft")
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read answer key").and(predicate::str::contains("nope.md")));

    let unlabelled = dir.path().join("prose.md");
    fs::write(&unlabelled, "A stack is last in, first out.\n").unwrap();
    rubricate()
        .arg("draft")
        .arg(&unlabelled)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("prose.md: no question labels found"));

    let empty = dir.path().join("empty.md");
    fs::write(
        &empty,
        "## 1 (2 points)\nA stack.\n\n## 2 (3 points)\n\n## 3 (1 point)\nA queue.\n",
    )
    .unwrap();
    rubricate()
        .arg("draft")
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "empty.md:4: question `2` has no reference answer",
        ));

    let no_points = dir.path().join("nopoints.md");
    fs::write(&no_points, "## 1\nA stack.\n").unwrap();
    rubricate()
        .arg("draft")
        .arg(&no_points)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nopoints.md:1: question `1` has no points",
        ));
}

#[test]
fn output_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.md");
    fs::write(&key, "## 1 (2 points)\nA stack is last in, first out.\n").unwrap();
    let rubric = dir.path().join("r.toml");
    fs::write(&rubric, "# the TA's edits\n").unwrap();
    rubricate()
        .arg("draft")
        .arg(&key)
        .arg("-o")
        .arg(&rubric)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists; pass --force"));
    assert_eq!(fs::read_to_string(&rubric).unwrap(), "# the TA's edits\n");
    draft_into(&key, &rubric, &["--force"]);
    lint_clean(&rubric);
    // Nothing else is left in the folder (no temporary file).
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_small_draft_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("stacks-key.md");
    fs::write(
        &key,
        "# Stacks: answer key\n\n## 1 (3 points)\nQuestion: What is a stack?\n\
         Answer: A list where items are added and removed at the top, last in first out.\n\n\
         ## 2 (2 pts) Why is a linked stack never full?\n\
         - 1 pt: nodes are allocated when pushed; it does not need a fixed size.\n\
         - 1 pt: memory is the only limit.\n\
         - Misconception: \"it has a capacity\".\n",
    )
    .unwrap();
    let output = rubricate()
        .current_dir(dir.path())
        .args(["draft", "stacks-key.md"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    insta::assert_snapshot!("small_draft", text);
    let printed = dir.path().join("printed.toml");
    fs::write(&printed, &text).unwrap();
    lint_clean(&printed);
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_standard_output_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.md");
    fs::write(&key, "## 1 (2 points)\nA stack is last in, first out.\n").unwrap();
    // `/dev/full` refuses every write, as a full disk would.
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rubricate"))
        .arg("draft")
        .arg(&key)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write the rubric to standard output"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_written_draft_has_a_normal_files_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.md");
    fs::write(&key, "## 1 (2 points)\nA stack is last in, first out.\n").unwrap();
    let rubric = dir.path().join("r.toml");
    draft_into(&key, &rubric, &[]);
    // A file created the ordinary way under the same umask (the child inherits this one).
    let normal = dir.path().join("normal.toml");
    fs::write(&normal, "").unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&rubric), mode(&normal));
    // And again when replacing a file.
    draft_into(&key, &rubric, &["--force"]);
    assert_eq!(mode(&rubric), mode(&normal));
}

#[test]
fn an_answer_in_the_courses_words_earns_the_first_share_and_one_off_topic_or_numeric_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.md");
    fs::write(
        &key,
        "## 1\nQuestion: What is a tree?\nAnswer: A collection of nodes with one root.\n\n\
         ## 2\nQuestion: How many children does a binary tree node have?\nAnswer: At most two children.\n",
    )
    .unwrap();
    let rubric = dir.path().join("r.toml");
    draft_into(&key, &rubric, &["--points", "5"]);
    lint_clean(&rubric);
    let table: toml::Table = fs::read_to_string(&rubric).unwrap().parse().unwrap();
    let terms: Vec<&str> = table["synonyms"]["key-terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    // Every question's terms and subject, words only: the number two is left out.
    assert_eq!(
        terms,
        ["collection", "+nodes", "root", "tree", "children", "binary"]
    );

    let subs = dir.path().join("subs");
    fs::create_dir(&subs).unwrap();
    // `children` is question 2's term: in question 1 it is an attempt in the course's words.
    fs::write(
        subs.join("attempt.txt"),
        "Q1: something with children below it\nQ2: 2\n",
    )
    .unwrap();
    fs::write(subs.join("off.txt"), "Q1: a tall plant\nQ2: three\n").unwrap();
    let got = grade_scores(&rubric, &subs, &dir.path().join("out"));
    assert_eq!(got["attempt"]["1"], 2.0, "{got:?}");
    assert_eq!(got["off"]["1"], 0.0, "{got:?}");
    assert_eq!(got["off"]["2"], 0.0, "{got:?}");
}

#[test]
fn credit_attempts_gives_an_answer_with_no_idea_a_share_and_a_non_answer_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.md");
    fs::write(
        &key,
        "## 1\nQuestion: What is a stack?\nAnswer: A list where the last item pushed is the first popped.\n\n\
         ## 2\nQuestion: What is a queue?\nAnswer: A list where the first item added is the first removed.\n",
    )
    .unwrap();
    let rubric = dir.path().join("r.toml");
    draft_into(&key, &rubric, &["--points", "5", "--credit-attempts"]);
    lint_clean(&rubric);

    let subs = dir.path().join("subs");
    fs::create_dir(&subs).unwrap();
    let answers = [
        ("idea", "Q1: the last one pushed comes out first"),
        ("topic", "Q1: a stack of plates"),
        ("attempt", "Q1: something holding values"),
        ("short", "Q1: one"),
        ("none", "Q1: not answered"),
        ("unknown", "Q1: I don't know"),
        ("na", "Q1: N/A"),
        // One short word on the topic is on the topic, and so an attempt too.
        ("word", "Q1: list"),
        // A non-answer's words inside an answer are not a non-answer.
        (
            "inside",
            "Q1: you don't know the size, and the last one pushed is the first popped",
        ),
    ];
    for (name, text) in answers {
        fs::write(subs.join(format!("{name}.txt")), text).unwrap();
    }
    let got = grade_scores(&rubric, &subs, &dir.path().join("out"));
    let q1 = |who: &str| got[who]["1"];
    assert_eq!(
        [
            q1("idea"),
            q1("topic"),
            q1("attempt"),
            q1("short"),
            q1("none"),
            q1("unknown")
        ],
        [5.0, 3.0, 2.0, 0.0, 0.0, 0.0],
        "{got:?}"
    );
    assert_eq!([q1("na"), q1("word"), q1("inside")], [0.0, 3.0, 5.0], "{got:?}");
    // The default draft gives the topic 2 and an attempt nothing; ideas earn the same.
    let plain = dir.path().join("plain.toml");
    draft_into(&key, &plain, &["--points", "5"]);
    let got = grade_scores(&plain, &subs, &dir.path().join("plain"));
    let q1 = |who: &str| got[who]["1"];
    assert_eq!(
        [q1("idea"), q1("topic"), q1("attempt")],
        [5.0, 2.0, 0.0],
        "{got:?}"
    );
}

#[test]
fn a_key_of_itemised_questions_has_no_key_terms_group_and_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.md");
    fs::write(
        &key,
        "## 1\n- 2 pt: push adds on top\n- 2 pt: pop removes the top\n\n## 2\n- 1 pt: threads share memory\n",
    )
    .unwrap();
    let rubric = dir.path().join("r.toml");
    draft_into(&key, &rubric, &["--credit-attempts"]);
    lint_clean(&rubric);
    let text = fs::read_to_string(&rubric).unwrap();
    assert!(
        !text.contains("key-terms") && !text.contains("no-answer"),
        "{text}"
    );
}

#[test]
fn draft_states_alternatives_where_the_prompt_asks_for_facts() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.md");
    fs::write(
        &key,
        "## 1 (2 pts)\nQuestion: Where are variables declared?\nAnswer: Inside a function (locally) or outside one (globally).\n\n\
         ## 2 (2 pts)\nQuestion: Do you still mask the inputs?\nAnswer: No, the full input is used.\n",
    )
    .unwrap();
    let rubric = dir.path().join("rubric.toml");
    draft_into(&key, &rubric, &[]);
    lint_clean(&rubric);
    let drafted: toml::Value = toml::from_str(&fs::read_to_string(&rubric).unwrap()).unwrap();
    assert_eq!(
        drafted["question"][0]["policy"]["alternatives"].as_str(),
        Some("stated")
    );
    assert!(drafted["question"][1].get("policy").is_none());
}
