//! The `rubricate` command as a user runs it: outputs, exit codes and error messages.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures").join(path)
}

fn rubricate() -> Command {
    let mut cmd = Command::cargo_bin("rubricate").unwrap();
    cmd.current_dir(root());
    cmd
}

/// `rubricate grade` with a rubric, a submissions folder and an output folder.
fn grade_with(rubric: &Path, submissions: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    rubricate()
        .arg("grade")
        .arg("--rubric")
        .arg(rubric)
        .arg("--submissions")
        .arg(submissions)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

/// Grade the small fixture into `out`.
fn grade_small(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    grade_with(
        &fixture("small/rubric.toml"),
        &fixture("small/submissions"),
        out,
        extra,
    )
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn grades_the_bundled_samples_with_no_arguments_but_the_output_folder() {
    let out = tempfile::tempdir().unwrap();
    rubricate()
        .args(["grade", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("aokonkwo").and(predicate::str::contains("wrote")));
    let csv = read(&out.path().join("grades.csv"));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "student,1a,1b,1c-i,1c-ii,1c-iii,1c-iv,2a,2b,3a,3b-i,3b-ii,3c,total"
    );
    let students: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    let mut sorted = students.clone();
    sorted.sort();
    assert_eq!(students, sorted, "rows are sorted by student id");
    assert_eq!(students.len(), 12);
    assert!(out.path().join("feedback/hdubois.md").is_file());
    let json: serde_json::Value = serde_json::from_str(&read(&out.path().join("grades.json"))).unwrap();
    assert_eq!(json["students"].as_array().unwrap().len(), 12);
}

#[test]
fn unreadable_submissions_are_reported_and_the_others_graded() {
    let out = tempfile::tempdir().unwrap();
    grade_small(out.path(), &[]).code(1).stderr(
        predicate::str::contains("`dave` could not be graded")
            .and(predicate::str::contains("`erin` could not be graded")),
    );
    let csv = read(&out.path().join("grades.csv"));
    assert_eq!(
        csv,
        "student,1a,1b,total\nalice,2,1,3\nbob,0,0,0\ncarol,1,0,1\ndave,0,0,0\nerin,0,0,0\n"
    );
    let json: serde_json::Value = serde_json::from_str(&read(&out.path().join("grades.json"))).unwrap();
    let dave = &json["students"][3];
    assert_eq!(dave["student"], "dave");
    assert_eq!(dave["status"], "unreadable");
    assert!(
        dave["reason"].as_str().unwrap().contains("holds no text"),
        "{dave}"
    );
    let carol = &json["students"][2];
    assert!(carol["warnings"].to_string().contains("Windows-1252"), "{carol}");
}

#[test]
fn json_carries_concept_outcomes_with_evidence() {
    let out = tempfile::tempdir().unwrap();
    grade_small(out.path(), &[]).code(1);
    let json: serde_json::Value = serde_json::from_str(&read(&out.path().join("grades.json"))).unwrap();
    let bob_1a = &json["students"][1]["questions"][0];
    assert_eq!(bob_1a["score"], 0);
    assert_eq!(bob_1a["concepts"][0]["outcome"], "wrong-choice");
    assert_eq!(bob_1a["concepts"][0]["evidence"]["quote"], "Yes");
    assert_eq!(bob_1a["concepts"][1]["outcome"], "cancelled");
    let bob_1b = &json["students"][1]["questions"][1];
    assert_eq!(bob_1b["flags"][0]["flag"], "blank");
}

#[test]
fn feedback_quotes_the_students_words() {
    let out = tempfile::tempdir().unwrap();
    grade_small(out.path(), &[]).code(1);
    insta::assert_snapshot!("alice_feedback", read(&out.path().join("feedback/alice.md")));
    insta::assert_snapshot!("bob_feedback", read(&out.path().join("feedback/bob.md")));
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    rubricate()
        .args(["grade", "-j", "1", "--out"])
        .arg(one.path())
        .assert()
        .success();
    rubricate()
        .args(["grade", "-j", "2", "--out"])
        .arg(two.path())
        .assert()
        .success();
    for file in ["grades.csv", "grades.json", "feedback/kabara.md"] {
        assert_eq!(
            read(&one.path().join(file)),
            read(&two.path().join(file)),
            "{file} differs"
        );
    }
    let leftovers: Vec<_> = fs::read_dir(one.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

#[test]
fn rubric_syntax_error_names_file_line_and_column_and_grades_nothing() {
    let out = tempfile::tempdir().unwrap();
    rubricate()
        .args(["grade", "--rubric"])
        .arg(fixture("bad-rubrics/syntax.toml"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("syntax.toml:5:"));
    assert!(
        !out.path().join("grades.csv").exists(),
        "nothing is written on a rubric error"
    );
}

#[test]
fn rubric_unknown_key_is_an_error() {
    rubricate()
        .args(["grade", "--rubric"])
        .arg(fixture("bad-rubrics/unknown-key.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown-key.toml:7:1: error: unknown field `pionts`",
        ));
}

#[test]
fn rubric_problems_are_all_reported_at_once() {
    let assert = rubricate()
        .args(["grade", "--rubric"])
        .arg(fixture("bad-rubrics/semantic.toml"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    for expected in [
        "semantic.toml:10:12: error: concept `c` is worth 2 points, more than question `1a`'s 1",
        "semantic.toml:11:13: error: invalid regular expression: unclosed group",
        "semantic.toml:14:6: error: duplicate question id `1a`",
        "semantic.toml:19:12: error: invalid phrase `{nosuch} word`: unknown synonym group `nosuch`",
        "has 4 problems; nothing was graded",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    // The rendered snippet puts a caret under the offending text.
    assert!(stderr.contains("^^^"), "{stderr}");
}

#[test]
fn missing_submissions_folder_is_a_usage_error() {
    rubricate()
        .args(["grade", "--submissions", "no/such/folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/folder"));
}

#[test]
fn output_folder_inside_the_submissions_is_not_graded() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    fs::create_dir_all(&subs).unwrap();
    fs::copy(fixture("small/submissions/alice.md"), subs.join("alice.md")).unwrap();
    let out = subs.join("out");
    for _ in 0..2 {
        grade_with(&fixture("small/rubric.toml"), &subs, &out, &[]).success();
    }
    assert_eq!(
        read(&out.join("grades.csv")),
        "student,1a,1b,total\nalice,2,1,3\n"
    );
}

#[test]
fn rubric_examples_pass_for_the_bundled_rubric_with_three_per_question() {
    let assert = rubricate()
        .args(["test", "rubrics/finetuning-review.toml"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let last = stdout.lines().last().unwrap();
    assert!(
        last.starts_with("examples: ") && last.ends_with(" passed, 0 failed"),
        "{last}"
    );
    let rubric = rubricate::rubric::load(&root().join("rubrics/finetuning-review.toml")).unwrap();
    for q in &rubric.questions {
        assert!(
            q.examples.len() >= 3,
            "question {} has {} examples",
            q.id,
            q.examples.len()
        );
        let lines = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("ok   {} example", q.id)))
            .count();
        assert_eq!(lines, q.examples.len(), "{}", q.id);
    }
}

#[test]
fn a_failing_rubric_example_fails_the_run_with_its_reasons() {
    rubricate()
        .args(["test"])
        .arg(fixture("failing-example/rubric.toml"))
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("FAIL 1a example 2 (")
                .and(predicate::str::contains("rubric.toml:16): 0/1"))
                .and(predicate::str::contains("expected 1 points, got 0"))
                .and(predicate::str::contains("`no` should be found, but was missed"))
                .and(predicate::str::contains("why: this example is wrong on purpose"))
                .and(predicate::str::contains("examples: 1 passed, 1 failed")),
        );
}

#[test]
fn agree_reports_figures_and_every_disagreement_with_its_answer() {
    let assert = rubricate()
        .args(["agree", "--expected"])
        .arg(fixture("small/human.csv"))
        .arg("--rubric")
        .arg(fixture("small/rubric.toml"))
        .arg("--submissions")
        .arg(fixture("small/submissions"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let stdout = stdout.replace(&fixture("small").display().to_string(), "[small]");
    insta::assert_snapshot!("agree_small", stdout);
}

#[test]
fn agree_reads_a_grades_csv_too() {
    let out = tempfile::tempdir().unwrap();
    grade_small(out.path(), &[]).code(1);
    rubricate()
        .args(["agree", "--expected"])
        .arg(fixture("small/human.csv"))
        .arg(out.path().join("grades.csv"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("all           10    80.0%    100.0%   0.20")
                .and(predicate::str::contains(
                    "- bob 1a: awarded 0, expected 1 (under-credited)",
                ))
                .and(predicate::str::contains(
                    "only in the human grades (not compared): zed",
                )),
        );
}

/// `rubricate lint` on a fixture: exit code and stderr with the fixture folder made relative.
fn lint(args: &[&str], file: &str) -> (i32, String) {
    let output = rubricate()
        .arg("lint")
        .args(args)
        .arg(fixture(file))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&fixture("").display().to_string(), "");
    (output.status.code().unwrap(), stderr)
}

#[test]
fn lint_renders_each_error_with_its_snippet() {
    for (name, file) in [
        ("lint_syntax", "bad-rubrics/syntax.toml"),
        ("lint_unknown_key", "bad-rubrics/unknown-key.toml"),
        ("lint_semantic", "bad-rubrics/semantic.toml"),
        ("lint_duplicate_concept", "bad-rubrics/duplicate-concept.toml"),
    ] {
        let (code, stderr) = lint(&[], file);
        assert_eq!(code, 2, "{file}");
        insta::assert_snapshot!(name, stderr);
    }
}

#[test]
fn lint_renders_every_warning_and_denies_them_on_request() {
    let (code, stderr) = lint(&[], "lint-warnings.toml");
    assert_eq!(code, 0);
    insta::assert_snapshot!("lint_warnings", stderr);
    let (code, _) = lint(&["--deny-warnings"], "lint-warnings.toml");
    assert_eq!(code, 1);
}

#[test]
fn lint_passes_the_bundled_rubric_cleanly() {
    rubricate()
        .args(["lint", "--deny-warnings", "rubrics/finetuning-review.toml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("checked 1 rubric: 0 errors, 0 warnings"));
}

#[test]
fn explain_shows_negation_scope_matches_and_arithmetic() {
    let assert = rubricate()
        .args([
            "explain",
            "--question",
            "1c-i",
            "hard prompting would not work, so soft",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(!stdout.contains('\u{1b}'), "piped output is plain");
    insta::assert_snapshot!("explain_1c_i", stdout);
}

#[test]
fn explain_takes_the_answer_from_a_submission_file() {
    let assert = rubricate()
        .args([
            "explain",
            "--question",
            "3b-i",
            "--file",
            "submissions/gtanaka.md",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    insta::assert_snapshot!("explain_3b_i_gtanaka", stdout);
}

#[test]
fn explain_colours_a_terminal() {
    rubricate()
        .env("CLICOLOR_FORCE", "1")
        .args([
            "explain",
            "--question",
            "2b",
            "No, it won't fit in the context window.",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\u{1b}["));
}

#[test]
fn explain_names_the_questions_when_one_is_unknown() {
    rubricate()
        .args(["explain", "--question", "9z", "text"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no question `9z` in the rubric (it has 1a, 1b,",
        ));
}

/// Copy the small fixture's submissions into a fresh folder the test may change.
fn small_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    fs::create_dir_all(subs.join("carol")).unwrap();
    for name in ["alice.md", "bob.txt", "carol/answers.txt"] {
        fs::copy(fixture("small/submissions").join(name), subs.join(name)).unwrap();
    }
    dir
}

fn grade_in(dir: &Path, rubric: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    grade_with(rubric, &dir.join("subs"), &dir.join("out"), extra)
}

#[test]
fn overrides_win_are_marked_and_survive_regrades() {
    let dir = small_copy();
    let rubric = fixture("small/rubric.toml");
    let overrides = dir.path().join("overrides.csv");
    fs::write(
        &overrides,
        "student,question,points,comment\nbob,1a,1,\"saw the pretext idea, 1 pt\"\n",
    )
    .unwrap();
    grade_in(dir.path(), &rubric, &[]).success();
    grade_in(dir.path(), &rubric, &["--overrides", overrides.to_str().unwrap()])
        .success()
        .stdout(
            predicate::str::contains("bob 1a: 0 → 1 (override)")
                .and(predicate::str::contains("overridden:1a")),
        );
    let out = dir.path().join("out");
    assert!(read(&out.join("grades.csv")).contains("bob,1,0,1\n"));
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("grades.json"))).unwrap();
    let bob_1a = &json["students"][1]["questions"][0];
    assert_eq!(bob_1a["score"], 1);
    assert_eq!(bob_1a["overridden"]["autograder"], 0);
    assert_eq!(bob_1a["overridden"]["comment"], "saw the pretext idea, 1 pt");
    assert!(read(&out.join("feedback/bob.md"))
        .contains("A TA reviewed this answer and set the score: saw the pretext idea, 1 pt"));

    // The next run, without the overrides file, keeps the decision.
    grade_in(dir.path(), &rubric, &[])
        .success()
        .stdout(predicate::str::contains(
            "no score changed since the previous run",
        ));
    assert!(read(&out.join("grades.csv")).contains("bob,1,0,1\n"));
}

#[test]
fn regrades_say_what_changed_and_why_and_keep_the_previous_run() {
    let dir = small_copy();
    let rubric_path = dir.path().join("rubric.toml");
    fs::copy(fixture("small/rubric.toml"), &rubric_path).unwrap();
    grade_in(dir.path(), &rubric_path, &[]).success();
    let out = dir.path().join("out");
    let first_csv = read(&out.join("grades.csv"));

    // A student resubmits; the rubric gains a pattern.
    fs::write(
        dir.path().join("subs/bob.txt"),
        "Q1a: No, you don't mask.\nQ1b: a language model\n",
    )
    .unwrap();
    let rubric = read(&rubric_path).replace(
        r#"match = ["pretext task"]"#,
        r#"match = ["pretext task", "whole input"]"#,
    );
    fs::write(&rubric_path, rubric).unwrap();
    grade_in(dir.path(), &rubric_path, &[]).success().stdout(
        predicate::str::contains("bob 1a: 0 → 1 (answer file changed)")
            .and(predicate::str::contains("bob 1b: 0 → 1 (answer file changed)"))
            .and(predicate::str::contains("carol 1a: 1 → 2 (rubric changed)")),
    );
    assert_eq!(
        read(&out.join("changes.csv")),
        "student,question,old,new,reason\nbob,1a,0,1,answer file changed\nbob,1b,0,1,answer file changed\ncarol,1a,1,2,rubric changed\n"
    );
    let history: Vec<_> = fs::read_dir(out.join("history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(history.len(), 1, "the earlier run is kept");
    assert!(history.iter().any(|h| read(&h.join("grades.csv")) == first_csv));
}

#[test]
fn csv_cells_from_file_names_cannot_run_as_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    fs::create_dir_all(&subs).unwrap();
    fs::write(
        subs.join("=HYPERLINK(1).md"),
        "1a) No. It was the pretext task.\n",
    )
    .unwrap();
    fs::write(subs.join("@cmd.md"), "1a) Maybe.\n").unwrap();
    let out = dir.path().join("out");
    grade_with(&fixture("small/rubric.toml"), &subs, &out, &[]).success();
    let csv = read(&out.join("grades.csv"));
    assert!(csv.contains("\n'=HYPERLINK(1),2,0,2\n"), "{csv}");
    assert!(csv.contains("\n'@cmd,0,0,0\n"), "{csv}");
    let review = read(&out.join("review.csv"));
    assert!(
        !review
            .lines()
            .skip(1)
            .any(|l| l.starts_with(['=', '+', '-', '@'])),
        "{review}"
    );
}

#[test]
fn review_queue_lists_doubtful_answers_most_doubtful_first() {
    let out = tempfile::tempdir().unwrap();
    rubricate()
        .args(["grade", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let review = read(&out.path().join("review.csv"));
    let rows: Vec<&str> = review.lines().collect();
    assert_eq!(rows[0], "student,question,score,max,confidence,reasons,location");
    assert!(
        rows.len() > 1 && rows.len() <= 1 + 144 / 10,
        "the queue stays small on the dev set: {rows:#?}"
    );
    let confidences: Vec<f64> = rows[1..]
        .iter()
        .map(|r| r.split(',').nth(4).unwrap().parse().unwrap())
        .collect();
    assert!(confidences.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        review.contains("gtanaka,1b,0,3,0.40,keyword-list,gtanaka.md:7"),
        "{review}"
    );
    assert!(
        review.contains("hdubois,2b,2,2,0.70,answered-twice,hdubois/submission.txt:34"),
        "{review}"
    );
}

#[test]
fn roster_resolves_download_names_and_lists_missing_and_unknown_students() {
    let out = tempfile::tempdir().unwrap();
    rubricate()
        .arg("grade")
        .arg("--rubric")
        .arg(fixture("small/rubric.toml"))
        .arg("--submissions")
        .arg(fixture("roster/submissions"))
        .arg("--roster")
        .arg(fixture("roster/roster.csv"))
        .args(["--format", "canvas", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("mroe")
                .and(predicate::str::contains("no submission"))
                .and(predicate::str::contains("not on roster")),
        );
    let csv = read(&out.path().join("grades.csv"));
    assert_eq!(
        csv,
        "student,1a,1b,total\nann,1,0,1\njdoe,2,0,2\nmroe,0,0,0\nstranger,0,0,0\n"
    );
    let json: serde_json::Value = serde_json::from_str(&read(&out.path().join("grades.json"))).unwrap();
    let jdoe = &json["students"][1];
    assert_eq!(jdoe["submitted_as"], "jdoe_late");
    assert_eq!(jdoe["roster"]["name"], "Jane Doe");
    assert_eq!(json["students"][2]["status"], "missing");
    assert_eq!(json["students"][3]["not_on_roster"], true);
    let canvas = read(&out.path().join("canvas.csv"));
    let mut lines = canvas.lines();
    assert_eq!(
        lines.next().unwrap(),
        "Student,ID,SIS User ID,SIS Login ID,Section,Small fixture"
    );
    assert_eq!(lines.next().unwrap(), "    Points Possible,,,,,3");
    assert!(canvas.contains("Jane Doe,4001,,jdoe,,2\n"), "{canvas}");
    assert!(canvas.contains("Max Roe,4002,,mroe,,0\n"), "{canvas}");
}

fn grade_visibility(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    grade_with(
        &fixture("visibility/rubric.toml"),
        &fixture("visibility/submissions"),
        out,
        extra,
    )
}

#[test]
fn gradescope_results_follow_the_documented_fields_and_hide_hidden_concepts() {
    let out = tempfile::tempdir().unwrap();
    rubricate()
        .arg("grade")
        .arg("--rubric")
        .arg(fixture("visibility/rubric.toml"))
        .arg("--single")
        .arg("--submissions")
        .arg(fixture("visibility/submissions/ana.md"))
        .args(["--format", "gradescope", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let text = read(&out.path().join("results.json"));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["score"], 4.0);
    assert_eq!(json["visibility"], "visible");
    assert!(json["output"].is_string());
    let tests = json["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 3);
    for test in tests {
        for field in [
            "name",
            "number",
            "output",
            "output_format",
            "visibility",
            "status",
        ] {
            assert!(test[field].is_string(), "{field} in {test}");
        }
        assert!(
            test["score"].is_number() && test["max_score"].is_number(),
            "{test}"
        );
        assert_eq!(test["output_format"], "md");
        assert!(["passed", "failed"].contains(&test["status"].as_str().unwrap()));
    }
    assert_eq!(tests[0]["number"], "1a");
    assert_eq!(tests[0]["score"], 3.0);
    assert_eq!(tests[0]["status"], "passed");
    assert_eq!(tests[2]["status"], "failed", "2a is missing");
    for secret in ["zebra", "ZEBRA", "okapi", "OKAPI", "pretext"] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into results.json:\n{text}"
        );
    }
    assert!(
        text.contains("2 of 2 points from checks that are not shown"),
        "{text}"
    );
}

#[test]
fn hidden_concept_names_never_reach_student_facing_outputs() {
    let out = tempfile::tempdir().unwrap();
    grade_visibility(out.path(), &["--format", "junit"]).success();
    let student_facing = [
        read(&out.path().join("feedback/ana.md")),
        String::from_utf8(
            rubricate()
                .args(["check", "--rubric"])
                .arg(fixture("visibility/rubric.toml"))
                .arg(fixture("visibility/submissions/ana.md"))
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap(),
        String::from_utf8(
            rubricate()
                .env("GITHUB_ACTIONS", "true")
                .arg("grade")
                .arg("--rubric")
                .arg(fixture("visibility/rubric.toml"))
                .arg("--submissions")
                .arg(fixture("visibility/submissions"))
                .arg("--out")
                .arg(tempfile::tempdir().unwrap().path())
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap(),
        read(&out.path().join("junit.xml")),
    ];
    for (i, text) in student_facing.iter().enumerate() {
        assert!(
            !text.contains("ZEBRA") && !text.contains("zebra"),
            "output {i} names the hidden concept:\n{text}"
        );
    }
    // The TA's full report still has it.
    assert!(read(&out.path().join("grades.json")).contains("zebra-secret-check"));
}

#[test]
fn junit_xml_parses_with_one_case_per_question() {
    let out = tempfile::tempdir().unwrap();
    grade_small(out.path(), &["--format", "junit"]).code(1);
    let xml = read(&out.path().join("junit.xml"));
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut errors) = (0, 0, 0);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testcase" => cases += 1,
                    b"failure" => failures += 1,
                    b"error" => errors += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    // 3 graded students × 2 questions, plus one error case per unreadable submission (2).
    assert_eq!(cases, 8, "{xml}");
    assert_eq!(errors, 2, "{xml}");
    assert_eq!(failures, 4, "alice passes both; bob and carol fail both:\n{xml}");
    assert!(xml.contains("bob 1a") && xml.contains("0 / 2 points"), "{xml}");
}

#[test]
fn github_actions_get_annotations_and_a_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let assert = rubricate()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .arg("grade")
        .arg("--rubric")
        .arg(fixture("small/rubric.toml"))
        .args(["--submissions", "tests/fixtures/small/submissions", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("::warning file=tests/fixtures/small/submissions/bob.txt,line=1,title=bob 1a%3A 0/2::The answer is No"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "::notice file=tests/fixtures/small/submissions/carol/answers.txt,line=1,title=carol 1a%3A 1/2::"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=tests/fixtures/small/submissions/dave.md,title=dave%3A unreadable::"),
        "{stdout}"
    );
    let summary = read(&summary);
    assert!(summary.starts_with("## rubricate: Small fixture\n"), "{summary}");
    assert!(summary.contains("| alice | 2 | 1 | 3/3 |"), "{summary}");
    assert!(summary.contains("| dave | - | - | unreadable |"), "{summary}");
}

#[test]
fn fail_under_sets_exit_code_three() {
    let out = tempfile::tempdir().unwrap();
    grade_visibility(out.path(), &["--fail-under", "4"]).success();
    grade_visibility(out.path(), &["--fail-under", "4.5"])
        .code(3)
        .stderr(predicate::str::contains("below --fail-under 4.5: ana (4)"));
}

#[test]
fn check_tells_a_student_what_was_found_and_what_to_fix() {
    let assert = rubricate()
        .args(["check", "--rubric"])
        .arg(fixture("visibility/rubric.toml"))
        .arg(fixture("visibility/submissions/ana.md"))
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    insta::assert_snapshot!("check_visibility", stdout);
    assert!(stdout.contains("Found 2 of 3 questions"));
    assert!(
        stdout.contains("2a       MISSING: looked for 2a, 2(a), Q2a, Question 2 (a)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1b looks cut off: it ends with “as a language model and then”"),
        "{stdout}"
    );
    assert!(stdout.contains("1a has 19 words; the limit is 12"), "{stdout}");
}

#[test]
fn check_accepts_every_submission_format() {
    for file in [
        "tests/heldout/submissions/s06.tex",
        "tests/heldout/submissions/s07.ipynb",
        "submissions/dliu.txt",
    ] {
        let assert = rubricate().args(["check", file]).assert();
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
        assert!(stdout.contains("Found "), "{file}: {stdout}");
        assert!(stdout.contains("1c-i     "), "{file}: {stdout}");
    }
}

#[test]
fn the_student_edition_drops_hidden_and_after_due_concepts_and_check_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let edition = dir.path().join("student.toml");
    rubricate()
        .args(["export", "--student"])
        .arg(fixture("visibility/rubric.toml"))
        .arg("-o")
        .arg(&edition)
        .assert()
        .success();
    let text = read(&edition);
    assert!(
        !text.contains("zebra") && !text.contains("ZEBRA") && !text.contains("pretext"),
        "{text}"
    );
    assert!(
        !text.contains("okapi") && !text.contains("OKAPI"),
        "after-due concepts are dropped too: {text}"
    );
    rubricate()
        .args(["check", "--rubric"])
        .arg(&edition)
        .arg(fixture("visibility/submissions/ana.md"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Found 2 of 3 questions"));
}

#[test]
fn check_watch_rechecks_when_the_file_is_saved() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answers.md");
    fs::write(&file, "## 1a\nNo.\n").unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rubricate"))
        .current_dir(root())
        .args(["check", "--watch", "--rubric"])
        .arg(fixture("visibility/rubric.toml"))
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while let Ok(line) =
            lines_rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
        {
            if line.contains(needle) {
                return true;
            }
        }
        false
    };
    assert!(wait_for("Found 1 of 3 questions"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    fs::write(&file, "## 1a\nNo.\n\n## 1b\nA language model.\n").unwrap();
    let rechecked = wait_for("file changed; checking again") && wait_for("Found 2 of 3 questions");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(rechecked, "--watch did not check again after the file was saved");
}

#[test]
fn hidden_text_earns_nothing_and_invisible_characters_do_not_break_words() {
    let out = tempfile::tempdir().unwrap();
    grade_with(
        &fixture("small/rubric.toml"),
        &fixture("hidden/submissions"),
        out.path(),
        &[],
    )
    .success();
    let csv = read(&out.path().join("grades.csv"));
    assert_eq!(
        csv,
        "student,1a,1b,total\nmdhide,0,0,0\ntexhide,0,0,0\nzerowidth,2,0,2\n"
    );
    let json = read(&out.path().join("grades.json"));
    assert!(json.contains("mdhide.md: 2 piece(s) of hidden text"), "{json}");
    assert!(json.contains("texhide.tex: 3 piece(s) of hidden text"), "{json}");
}

#[test]
fn a_second_run_on_the_same_output_folder_is_refused() {
    let out = tempfile::tempdir().unwrap();
    // This process holds the output folder's lock, as a running `grade` would.
    fs::create_dir(out.path().join(".rubricate")).unwrap();
    let lock_path = out.path().join(".rubricate/lock");
    fs::write(&lock_path, "1").unwrap();
    let held = fs::File::open(&lock_path).unwrap();
    held.try_lock().unwrap();
    grade_small(out.path(), &[])
        .code(4)
        .stderr(predicate::str::contains(
            "is busy: another rubricate run (process 1)",
        ));
    assert!(!out.path().join("grades.csv").exists());
    // The lock goes with its holder; the file left behind is no obstacle.
    drop(held);
    grade_small(out.path(), &[]).code(1);
    assert!(out.path().join("grades.csv").exists());
}

#[test]
fn submissions_over_the_caps_are_reported_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    fs::create_dir_all(subs.join("many")).unwrap();
    fs::write(subs.join("big.md"), format!("1a) No. {}\n", "word ".repeat(400))).unwrap();
    for i in 0..4 {
        fs::write(subs.join(format!("many/{i}.md")), "1a) No.\n").unwrap();
    }
    fs::write(subs.join("fine.md"), "1a) No. It was only the pretext task.\n").unwrap();
    let out = dir.path().join("out");
    rubricate()
        .arg("grade")
        .arg("--rubric")
        .arg(fixture("small/rubric.toml"))
        .arg("--submissions")
        .arg(&subs)
        .arg("--out")
        .arg(&out)
        .args(["--max-file-size", "1000", "--max-files", "3"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(
                "`big` could not be graded: big.md: 2009 bytes is over the 1000-byte limit",
            )
            .and(predicate::str::contains(
                "`many` could not be graded: 4 answer files, over the limit of 3",
            )),
        );
    assert_eq!(
        read(&out.join("grades.csv")),
        "student,1a,1b,total\nbig,0,0,0\nfine,2,0,2\nmany,0,0,0\n"
    );
}

#[test]
fn the_rubric_policy_decides_hedges_and_echoes_and_says_so() {
    let out = tempfile::tempdir().unwrap();
    grade_with(
        &fixture("policy/rubric.toml"),
        &fixture("policy/submissions"),
        out.path(),
        &[],
    )
    .success();
    let csv = read(&out.path().join("grades.csv"));
    // Lenient on question 1 (doubt earns), strict on question 2 (doubt earns nothing), the
    // question copied back on question 3 earns nothing.
    assert!(csv.contains("doubtful,1,0,0,1"), "{csv}");
    assert!(csv.contains("sure,1,1,1,3"), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&read(&out.path().join("grades.json"))).unwrap();
    let doubtful = json["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["student"] == "doubtful")
        .unwrap();
    let questions = doubtful["questions"].as_array().unwrap();
    let flags = |q: usize| -> Vec<String> {
        questions[q]["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["flag"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(flags(0).contains(&"uncertain".to_string()), "{:?}", flags(0));
    assert_eq!(questions[0]["concepts"][0]["cause"], "ends in a question mark");
    assert_eq!(questions[1]["concepts"][0]["outcome"], "hedged");
    assert_eq!(questions[2]["concepts"][0]["outcome"], "echoed");
    assert!(flags(2).contains(&"echo".to_string()));
    let review = read(&out.path().join("review.csv"));
    assert!(
        review.contains("doubtful,1,1,1"),
        "uncertain answers are queued: {review}"
    );
    let feedback = read(&out.path().join("feedback/doubtful.md"));
    assert!(feedback.contains("ends in a question mark"), "{feedback}");
    assert!(
        feedback.contains("Words copied from the question earn nothing"),
        "{feedback}"
    );
}

#[test]
fn explain_names_the_cue_and_policy_that_hedged_a_match() {
    let assert = rubricate()
        .args(["explain", "--rubric"])
        .arg(fixture("policy/rubric.toml"))
        .args(["--question", "1", "the speaker of the house?"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("uncertainty; policy: hedging = \"lenient\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("uncertain (counts; flagged), ends in a question mark"),
        "{stdout}"
    );
}

#[test]
fn an_unknown_policy_setting_is_an_error_at_its_line() {
    rubricate()
        .args(["lint"])
        .arg(fixture("bad-rubrics/bad-policy.toml"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("bad-policy.toml:6:11").and(predicate::str::contains(
                "hedging `sometimes` is not one of `strict`, `lenient`, `off`",
            )),
        );
}

#[test]
fn notebook_answers_are_located_by_cell_and_line() {
    let assert = rubricate()
        .args(["check", "tests/heldout/submissions/s07.ipynb"])
        .assert();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("s07.ipynb:cell "), "{stdout}");
    assert!(!stdout.contains("s07.ipynb:1 "), "{stdout}");
}
