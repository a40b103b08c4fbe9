//! `rubricate grade` on hostile submissions folders: special files, folders it may not read,
//! names no file system or terminal should take as given, and rubrics that ask for too much.
//! Each case is one student's problem (or a clear refusal), never the whole run's.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn small(path: &str) -> PathBuf {
    root().join("tests/fixtures/small").join(path)
}

/// A submissions folder with two ordinary students, `alice` and `bob`.
fn class() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let submissions = dir.path().join("submissions");
    fs::create_dir(&submissions).unwrap();
    fs::copy(small("submissions/alice.md"), submissions.join("alice.md")).unwrap();
    fs::copy(small("submissions/bob.txt"), submissions.join("bob.txt")).unwrap();
    dir
}

/// `rubricate grade` of `dir/submissions` into `dir/out` with the small fixture's rubric; a
/// run that waits on something (a named pipe) fails the test instead of hanging it.
fn grade(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rubricate").unwrap();
    cmd.current_dir(dir)
        .arg("grade")
        .arg("--rubric")
        .arg(small("rubric.toml"))
        .args(["--submissions", "submissions", "--out", "out"])
        .timeout(Duration::from_secs(120));
    cmd
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first column of `out/grades.csv`, without the header.
fn graded_students(dir: &Path) -> Vec<String> {
    read(&dir.join("out/grades.csv"))
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().trim_matches('"').to_string())
        .collect()
}

fn feedback_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("out/feedback"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    made.is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_reported_and_skipped_not_waited_on() {
    let dir = class();
    let submissions = dir.path().join("submissions");
    fs::create_dir(submissions.join("carol")).unwrap();
    fs::copy(small("submissions/alice.md"), submissions.join("carol/a.md")).unwrap();
    if !mkfifo(&submissions.join("carol/b.md")) || !mkfifo(&submissions.join("dan.md")) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    grade(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "warning: carol/b.md: a named pipe (FIFO), not a regular file; not read",
        ))
        .stderr(predicate::str::contains(
            "submission `dan` could not be graded: dan.md: a named pipe (FIFO)",
        ));
    assert_eq!(graded_students(dir.path()), ["alice", "bob", "carol", "dan"]);
    let json = read(&dir.path().join("out/grades.json"));
    assert!(json.contains("carol/b.md: a named pipe (FIFO), not a regular file; not read"));
}

/// Whether the tests run as root, who may read any folder: a permission test then proves
/// nothing, and says so.
#[cfg(unix)]
fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(unix)]
#[test]
fn a_folder_the_grader_may_not_read_is_that_students_unreadable_entry() {
    use std::os::unix::fs::PermissionsExt;
    if running_as_root() {
        eprintln!("skipped: running as root, who may read any folder");
        return;
    }
    let dir = class();
    let carol = dir.path().join("submissions/carol");
    fs::create_dir(&carol).unwrap();
    fs::copy(small("submissions/alice.md"), carol.join("a.md")).unwrap();
    fs::set_permissions(&carol, fs::Permissions::from_mode(0o000)).unwrap();
    let assert = grade(dir.path()).assert();
    fs::set_permissions(&carol, fs::Permissions::from_mode(0o755)).unwrap();
    assert.code(1).stderr(predicate::str::contains(
        "submission `carol` could not be graded: cannot read carol",
    ));
    assert_eq!(graded_students(dir.path()), ["alice", "bob", "carol"]);
    let json = read(&dir.path().join("out/grades.json"));
    assert!(json.contains("\"unreadable\""));
}

#[test]
fn a_folder_nested_deeper_than_the_os_allows_is_that_students_problem() {
    let dir = class();
    let carol = dir.path().join("submissions/carol");
    fs::create_dir(&carol).unwrap();
    fs::copy(small("submissions/alice.md"), carol.join("a.md")).unwrap();
    // Built from the inside out, one short rename at a time, since no path that long can be
    // named at once: 40 folders of 200-byte names, past every OS's path limit.
    let name = "d".repeat(200);
    let work = dir.path().join("work");
    fs::create_dir_all(work.join("c0")).unwrap();
    fs::write(work.join("c0/deep.md"), "1a) No\n").unwrap();
    for i in 1..40 {
        fs::create_dir(work.join(format!("c{i}"))).unwrap();
        fs::rename(
            work.join(format!("c{}", i - 1)),
            work.join(format!("c{i}")).join(&name),
        )
        .unwrap();
    }
    fs::rename(work.join("c39"), carol.join(&name)).unwrap();
    grade(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("carol"))
        .stderr(predicate::str::contains("warning: cannot read carol/dddd"));
    assert_eq!(graded_students(dir.path()), ["alice", "bob", "carol"]);
    let json = read(&dir.path().join("out/grades.json"));
    assert!(
        json.contains("cannot read carol/dddd"),
        "the warning names the path"
    );
}

#[test]
fn a_255_byte_student_name_gets_a_short_feedback_file() {
    let dir = class();
    let long = "x".repeat(255);
    let folder = dir.path().join("submissions").join(&long);
    fs::create_dir(&folder).unwrap();
    fs::copy(small("submissions/alice.md"), folder.join("answers.md")).unwrap();
    fs::copy(
        small("submissions/alice.md"),
        dir.path()
            .join("submissions")
            .join(format!("{}.md", &long[..200])),
    )
    .unwrap();
    grade(dir.path()).assert().code(0);
    assert_eq!(graded_students(dir.path()), ["alice", "bob", &long[..200], &long]);
    let files = feedback_files(dir.path());
    assert_eq!(files.len(), 4);
    assert!(files.iter().all(|f| f.len() < 100), "{files:?}");
    // Two ids that share their first bytes keep two files, the same ones every run.
    let first = files.clone();
    grade(dir.path()).assert().code(0);
    assert_eq!(feedback_files(dir.path()), first);
}

#[cfg(unix)]
#[test]
fn two_undecodable_file_names_stay_two_students() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = class();
    let submissions = dir.path().join("submissions");
    for name in [&b"bad\xffname.md"[..], b"bad\xfename.md"] {
        let path = submissions.join(OsStr::from_bytes(name));
        if fs::copy(small("submissions/alice.md"), path).is_err() {
            eprintln!("skipped: the file system refuses names that are not UTF-8");
            return;
        }
    }
    grade(dir.path()).assert().code(0);
    assert_eq!(
        graded_students(dir.path()),
        ["alice", "bad\\xFEname", "bad\\xFFname", "bob"]
    );
    assert_eq!(feedback_files(dir.path()).len(), 4);
}

#[cfg(unix)]
#[test]
fn terminal_escapes_in_a_file_name_are_printed_escaped() {
    let dir = class();
    let name = "\u{1b}[2J\u{1b}]0;owned\u{7}eve.md";
    fs::copy(
        small("submissions/alice.md"),
        dir.path().join("submissions").join(name),
    )
    .unwrap();
    fs::write(dir.path().join("submissions/\u{1b}[31mmallory.pdf"), "%PDF").unwrap();
    let assert = grade(dir.path()).assert().code(1);
    let output = assert.get_output();
    for stream in [&output.stdout, &output.stderr] {
        assert!(!stream.contains(&0x1b), "{}", String::from_utf8_lossy(stream));
        assert!(!stream.contains(&0x07));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("\\x1B[2J\\x1B]0;owned\\x07eve"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("submission `\\x1B[31mmallory` could not be graded"),
        "{stderr}"
    );
}

#[test]
fn a_student_id_is_written_into_the_feedback_heading_as_text() {
    let dir = class();
    let id = "<img src=x onerror=alert(1)>";
    let folder = dir.path().join("submissions").join(id);
    if fs::create_dir(&folder).is_err() {
        eprintln!("skipped: the file system refuses `<` and `>` in names");
        return;
    }
    fs::copy(small("submissions/alice.md"), folder.join("a.md")).unwrap();
    grade(dir.path()).assert().code(0);
    let feedback_dir = dir.path().join("out/feedback");
    let file = fs::read_dir(&feedback_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("img"))
        .expect("a feedback file for the student");
    let heading = read(&file).lines().next().unwrap().to_string();
    assert!(
        heading.ends_with("feedback for \\<img src=x onerror=alert(1)\\>"),
        "{heading}"
    );
}

#[test]
fn a_collision_suffix_never_takes_a_real_students_name() {
    let dir = class();
    let submissions = dir.path().join("submissions");
    fs::create_dir(submissions.join("alice")).unwrap();
    fs::copy(
        small("submissions/bob.txt"),
        submissions.join("alice/answers.txt"),
    )
    .unwrap();
    fs::create_dir(submissions.join("Alice")).unwrap();
    fs::copy(
        small("submissions/bob.txt"),
        submissions.join("Alice/answers.txt"),
    )
    .unwrap();
    fs::copy(small("submissions/bob.txt"), submissions.join("alice~2.md")).unwrap();
    grade(dir.path()).assert().code(0);
    let feedback = dir.path().join("out/feedback");
    let heading = |file: &str| read(&feedback.join(file)).lines().next().unwrap().to_string();
    // On a case-insensitive file system `Alice` and `alice` are one folder, one student.
    let students = graded_students(dir.path());
    assert!(students.contains(&"alice~2".to_string()), "{students:?}");
    assert!(
        heading("alice~2.md").ends_with("feedback for alice\\~2"),
        "{}",
        heading("alice~2.md")
    );
    if students.contains(&"Alice".to_string()) {
        assert!(heading("Alice.md").ends_with("feedback for Alice"));
        assert!(heading("alice~3.md").ends_with("feedback for alice"));
    }
}

#[test]
fn the_submissions_folder_is_refused_as_the_output_folder() {
    let dir = class();
    let mut cmd = Command::cargo_bin("rubricate").unwrap();
    cmd.current_dir(dir.path())
        .arg("grade")
        .arg("--rubric")
        .arg(small("rubric.toml"))
        .args(["--submissions", "submissions", "--out", "./submissions/."])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("is the submissions folder"));
    let mut names: Vec<String> = fs::read_dir(dir.path().join("submissions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["alice.md", "bob.txt"], "nothing was written");
}

#[test]
fn an_output_folder_inside_the_submissions_is_never_graded() {
    let dir = class();
    let mut cmd = Command::cargo_bin("rubricate").unwrap();
    let run = |cmd: &mut Command| {
        cmd.current_dir(dir.path())
            .arg("grade")
            .arg("--rubric")
            .arg(small("rubric.toml"))
            .args(["--submissions", "submissions", "--out", "submissions/results"])
            .assert()
            .code(0);
    };
    run(&mut cmd);
    // A second run archives the first into `history/`: still nobody new.
    run(&mut Command::cargo_bin("rubricate").unwrap());
    let csv = read(&dir.path().join("submissions/results/grades.csv"));
    let students: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(students, ["alice", "bob"]);
}

/// The small fixture's rubric with question 1a's points (and its concepts') set to `points`.
fn rubric_worth(dir: &Path, points: &str) -> PathBuf {
    let text = read(&small("rubric.toml")).replacen("points = 2\n", &format!("points = {points}\n"), 1);
    let path = dir.join("rubric.toml");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_rubric_asking_for_absurd_points_is_a_lint_error_not_an_allocation() {
    for points in ["10000000", "92233720368547758"] {
        let dir = class();
        let rubric = rubric_worth(dir.path(), points);
        let mut cmd = Command::cargo_bin("rubricate").unwrap();
        cmd.current_dir(dir.path())
            .arg("grade")
            .arg("--rubric")
            .arg(&rubric)
            .args(["--submissions", "submissions", "--out", "out"])
            .timeout(Duration::from_secs(60))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "rubric.toml:14:10: error: points must be at most 10000",
            ));
        assert!(!dir.path().join("out").exists(), "nothing written, no lock left");
        Command::cargo_bin("rubricate")
            .unwrap()
            .arg("lint")
            .arg(&rubric)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("points must be at most 10000"));
    }
}

#[test]
fn a_rubric_at_the_bounds_grades() {
    let dir = class();
    let rubric = rubric_worth(dir.path(), "10000");
    let mut cmd = Command::cargo_bin("rubricate").unwrap();
    cmd.current_dir(dir.path())
        .arg("grade")
        .arg("--rubric")
        .arg(&rubric)
        .args(["--submissions", "submissions", "--out", "out"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(0);
    let html = read(&dir.path().join("out/report.html"));
    assert!(html.len() < 2_000_000, "the report does not grow with the points");
}
