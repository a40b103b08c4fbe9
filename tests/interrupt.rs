//! Interrupted and concurrent runs: whenever a run is killed, the output folder shows exactly
//! the previous run or exactly the new one, never a mix; what a killed run leaves is cleaned up
//! by the next; two runs on one folder never both write; flags that cannot work are refused
//! before anything changes.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rubric() -> PathBuf {
    root().join("rubrics/finetuning-review.toml")
}

/// A class of `n` students made of the bundled submission files; `version` shifts which file
/// each student hands in, so two versions grade differently.
fn class(dir: &Path, n: usize, version: usize) {
    let mut sources: Vec<PathBuf> = fs::read_dir(root().join("submissions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    sources.sort();
    fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let source = &sources[(i + version) % sources.len()];
        let ext = source.extension().unwrap().to_string_lossy();
        fs::write(dir.join(format!("s{i:03}.{ext}")), fs::read(source).unwrap()).unwrap();
    }
}

/// `rubricate grade` of `subs` into `out`, as a process not yet started.
fn grade(subs: &Path, out: &Path, extra: &[&str]) -> Process {
    let mut command = Process::new(assert_cmd::cargo::cargo_bin("rubricate"));
    command
        .current_dir(root())
        .arg("grade")
        .arg("--rubric")
        .arg(rubric())
        .arg("--submissions")
        .arg(subs)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "-j", "2"])
        .args(extra)
        .env_remove("RUBRICATE_FAULT_POINT")
        .env_remove("GITHUB_ACTIONS")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn finished(status: ExitStatus) -> bool {
    matches!(status.code(), Some(0 | 1))
}

/// What a user sees in `out`: every file under its visible names, links followed; a link to
/// nothing is no file. rubricate's own folder and the history are left out.
fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(out).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "history" {
            continue;
        }
        let Ok(meta) = fs::metadata(entry.path()) else {
            continue;
        };
        if meta.is_dir() {
            for inner in fs::read_dir(entry.path()).unwrap() {
                let inner = inner.unwrap();
                let inner_name = inner.file_name().to_string_lossy().into_owned();
                files.insert(format!("{name}/{inner_name}"), fs::read(inner.path()).unwrap());
            }
        } else {
            files.insert(name, fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// Every path under `dir`, links not followed, with file contents: the whole folder as it is.
fn everything(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    if !dir.exists() {
        return found;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).unwrap();
                found.insert(name, target.display().to_string().into_bytes());
            } else if meta.is_dir() {
                found.insert(name, Vec::new());
                stack.push(path);
            } else {
                found.insert(name, fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// Which run `out` shows: `"old"` or `"new"`; fails on anything else, naming the first file
/// that differs from each.
fn shows(
    out: &Path,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
    when: &str,
) -> &'static str {
    let seen = snapshot(out);
    if &seen == old {
        return "old";
    }
    if &seen == new {
        return "new";
    }
    let differs = |expected: &BTreeMap<String, Vec<u8>>| {
        let names: std::collections::BTreeSet<&String> = seen.keys().chain(expected.keys()).collect();
        names
            .into_iter()
            .find(|n| seen.get(*n) != expected.get(*n))
            .cloned()
            .unwrap_or_default()
    };
    panic!(
        "{when}: the output folder is neither run (first difference from the old run: `{}`, from the new: `{}`)",
        differs(old),
        differs(new)
    );
}

fn copy_tree(from: &Path, to: &Path) {
    if to.exists() {
        fs::remove_dir_all(to).unwrap();
    }
    let status = Process::new("cp").arg("-a").arg(from).arg(to).status().unwrap();
    assert!(status.success());
}

/// Temporary files and folders anywhere under `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    everything(dir)
        .into_keys()
        .filter(|name| name.ends_with(".tmp"))
        .collect()
}

/// The output folder after an interruption that left it showing the `shown` run (`"old"` or
/// `"new"`), once the next run has started and finished: no temporary file, one run folder,
/// and in history only complete runs: the old one, and the new one if it was ever in place.
fn check_recovered(
    out: &Path,
    subs_new: &Path,
    old_csv: &[u8],
    new_csv: &[u8],
    students: usize,
    shown: &str,
    when: &str,
) {
    let status = grade(subs_new, out, &["--format", "junit"]).status().unwrap();
    assert!(finished(status), "{when}: the next run fails: {status}");
    assert_eq!(
        temporaries(out),
        Vec::<String>::new(),
        "{when}: temporary files left"
    );
    let runs = fs::read_dir(out.join(".rubricate/runs")).unwrap().count();
    assert_eq!(runs, 1, "{when}: run folders left besides the current one");
    let history: Vec<PathBuf> = fs::read_dir(out.join("history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let expected = if shown == "old" { 1 } else { 2 };
    assert_eq!(history.len(), expected, "{when}: runs in history: {history:?}");
    for kept in history {
        let csv = fs::read(kept.join("grades.csv")).unwrap();
        assert!(
            csv == old_csv || csv == new_csv,
            "{when}: `{}` is not a complete run",
            kept.display()
        );
        let feedback = fs::read_dir(kept.join("feedback")).unwrap().count();
        assert_eq!(feedback, students, "{when}: `{}` lacks feedback", kept.display());
    }
}

/// The run is killed at every crash point it passes, from the first feedback file to the
/// archiving of the previous run; each time the folder shows the old run or the new one whole,
/// and the next run cleans up and archives only complete runs.
#[test]
fn a_run_killed_at_any_point_leaves_exactly_the_old_or_the_new_run() {
    const STUDENTS: usize = 30;
    let dir = tempfile::tempdir().unwrap();
    let (subs_old, subs_new) = (dir.path().join("subs-old"), dir.path().join("subs-new"));
    class(&subs_old, STUDENTS, 0);
    class(&subs_new, STUDENTS, 1);
    let out = dir.path().join("out");
    let pristine = dir.path().join("pristine");

    // The old run writes canvas.csv, the new one junit.xml and changes.csv instead, so links
    // come and go with the switch.
    assert!(finished(
        grade(&subs_old, &out, &["--format", "canvas"]).status().unwrap()
    ));
    let old = snapshot(&out);
    copy_tree(&out, &pristine);
    assert!(finished(
        grade(&subs_new, &out, &["--format", "junit"]).status().unwrap()
    ));
    let new = snapshot(&out);
    assert_ne!(old["grades.csv"], new["grades.csv"], "the two runs must differ");
    assert!(old.contains_key("canvas.csv") && !new.contains_key("canvas.csv"));
    assert!(new.contains_key("junit.xml") && new.contains_key("changes.csv"));
    let feedback = old.keys().filter(|k| k.starts_with("feedback/")).count();
    assert_eq!(feedback, STUDENTS);

    let points = [
        "feedback",
        "rename",
        "commit",
        "link",
        "before-switch",
        "switch",
        "after-switch",
        "unlink",
        "archived",
    ];
    let mut killed = 0;
    let mut seen = BTreeMap::new();
    for point in points {
        for n in 1.. {
            copy_tree(&pristine, &out);
            let status = grade(&subs_new, &out, &["--format", "junit"])
                .env("RUBRICATE_FAULT_POINT", format!("{point}:{n}"))
                .status()
                .unwrap();
            if finished(status) {
                assert!(n > 1, "the run never passed `{point}`");
                break;
            }
            assert_eq!(status.code(), None, "{point}:{n}: not killed: {status}");
            killed += 1;
            let when = format!("killed at {point}:{n}");
            let which = shows(&out, &old, &new, &when);
            *seen.entry((point, which)).or_insert(0) += 1;
            // The next run's recovery at every point but a sample of the per-student ones.
            let per_student = matches!(point, "feedback" | "rename");
            if !per_student || n % 6 == 1 || n == STUDENTS {
                check_recovered(
                    &out,
                    &subs_new,
                    &old["grades.csv"],
                    &new["grades.csv"],
                    STUDENTS,
                    which,
                    &when,
                );
            }
        }
    }
    // Every feedback file and rename, the class files, the links, and the switch itself.
    assert!(killed >= 2 * STUDENTS + 8, "only {killed} kill points");
    assert_eq!(seen.get(&("before-switch", "old")), Some(&1));
    assert_eq!(seen.get(&("switch", "old")), Some(&1));
    assert_eq!(seen.get(&("after-switch", "new")), Some(&1));
    assert_eq!(seen.get(&("feedback", "old")), Some(&STUDENTS));
    eprintln!("{killed} kill points: {seen:?}");
}

/// Real SIGKILLs at spread-out moments of a run, and SIGINTs and SIGTERMs, which remove the
/// run being written and exit 130.
#[test]
fn signals_at_random_moments_leave_exactly_the_old_or_the_new_run() {
    const STUDENTS: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let (subs_old, subs_new) = (dir.path().join("subs-old"), dir.path().join("subs-new"));
    class(&subs_old, STUDENTS, 0);
    class(&subs_new, STUDENTS, 1);
    let out = dir.path().join("out");
    let pristine = dir.path().join("pristine");
    assert!(finished(grade(&subs_old, &out, &[]).status().unwrap()));
    let old = snapshot(&out);
    copy_tree(&out, &pristine);
    let started = Instant::now();
    assert!(finished(grade(&subs_new, &out, &[]).status().unwrap()));
    let took = started.elapsed().as_millis() as u64;
    let new = snapshot(&out);

    // A fixed pseudo-random sequence (an LCG), so a failure can be replayed.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next_delay = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % (took + took / 4 + 1)
    };
    let mut outcomes: BTreeMap<(&str, Option<i32>), usize> = BTreeMap::new();
    for (signal, trials) in [("KILL", 12), ("INT", 8), ("TERM", 4)] {
        for _ in 0..trials {
            copy_tree(&pristine, &out);
            let delay = next_delay();
            let mut child = grade(&subs_new, &out, &[]).spawn().unwrap();
            std::thread::sleep(Duration::from_millis(delay));
            let _ = Process::new("kill")
                .args([format!("-{signal}"), child.id().to_string()])
                .status();
            let status = child.wait().unwrap();
            let when = format!("SIG{signal} after {delay} ms of about {took} ms ({status})");
            let which = shows(&out, &old, &new, &when);
            *outcomes.entry((signal, status.code())).or_insert(0) += 1;
            // SIGINT or SIGTERM in the instant before the handler is set kills at once; after,
            // the run exits 130.
            if signal != "KILL" {
                assert!(matches!(status.code(), None | Some(0 | 1 | 130)), "{when}");
            }
            // A SIGINT during the switch waits for it: then the new run is whole and in place.
            if signal != "KILL" && status.code() == Some(130) && which == "old" {
                // The run being written is gone; the lock went with the process.
                let runs = fs::read_dir(out.join(".rubricate/runs")).unwrap().count();
                assert_eq!(runs, 1, "{when}: the interrupted run's folder is left");
                assert_eq!(temporaries(&out), Vec::<String>::new(), "{when}");
                assert!(
                    !out.join("history").exists(),
                    "{when}: an unfinished run was archived"
                );
            }
            check_recovered(
                &out,
                &subs_new,
                &old["grades.csv"],
                &new["grades.csv"],
                STUDENTS,
                which,
                &when,
            );
        }
    }
    // Exit code per signal (`None`: killed by it); some of each must have stopped a run.
    eprintln!("signals: {outcomes:?}");
    assert!(
        outcomes.get(&("KILL", None)).is_some_and(|&n| n > 0),
        "{outcomes:?}"
    );
    assert!(
        outcomes.get(&("INT", Some(130))).is_some_and(|&n| n > 0),
        "{outcomes:?}"
    );
}

/// Two runs started together on one output folder: in every trial exactly one writes, and the
/// other stops at once with the "output busy" code.
#[test]
fn of_two_runs_started_together_exactly_one_writes() {
    const TRIALS: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    class(&subs, 20, 0);
    for trial in 0..TRIALS {
        let out = dir.path().join(format!("out-{trial}"));
        // Whichever run takes the lock pauses there, so the two surely overlap even if one
        // starts late on a busy machine.
        let spawn = || {
            grade(&subs, &out, &[])
                .env("RUBRICATE_FAULT_POINT", "locked:1:400")
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = (spawn(), spawn());
        let outputs = [
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        ];
        let codes: Vec<Option<i32>> = outputs.iter().map(|o| o.status.code()).collect();
        let winners = codes.iter().filter(|c| matches!(c, Some(0 | 1))).count();
        let busy: Vec<_> = outputs.iter().filter(|o| o.status.code() == Some(4)).collect();
        assert!(
            winners == 1 && busy.len() == 1,
            "trial {trial}: exit codes {codes:?}"
        );
        let message = String::from_utf8_lossy(&busy[0].stderr);
        assert!(message.contains("is busy: another rubricate run"), "{message}");
        assert_eq!(fs::read_dir(out.join("feedback")).unwrap().count(), 20);
    }
}

/// Flags that cannot work together are refused before anything is graded or written.
#[test]
fn impossible_flag_combinations_change_nothing_in_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    class(&subs, 4, 0);
    let out = dir.path().join("out");
    assert!(finished(
        grade(&subs, &out, &["--format", "canvas,junit"])
            .status()
            .unwrap()
    ));
    // Something of every kind a run writes: a regrade's changes.csv too.
    assert!(finished(
        grade(&subs, &out, &["--format", "canvas,junit"])
            .status()
            .unwrap()
    ));
    let roster = dir.path().join("roster.csv");
    fs::write(&roster, "id,name,email\ns000,A,a@x\n").unwrap();
    let roster = roster.to_str().unwrap();
    let before = everything(&out);

    let cases: &[(&[&str], &str)] = &[
        (&["--format", "gradescope"], "add `--single`"),
        (&["--format", "canvas,gradescope"], "add `--single`"),
        (
            &["--format", "gradescope", "--single", "--roster", roster],
            "drop `--roster`",
        ),
        (&["--fail-under", "NaN"], "`--fail-under` must be a number"),
        (&["--fail-under", "inf"], "`--fail-under` must be a number"),
    ];
    for (flags, message) in cases {
        let single_file = subs.join("s000.md");
        let source = if flags.contains(&"--single") {
            &single_file
        } else {
            &subs
        };
        Command::cargo_bin("rubricate")
            .unwrap()
            .current_dir(root())
            .arg("grade")
            .arg("--rubric")
            .arg(rubric())
            .arg("--submissions")
            .arg(source)
            .arg("--out")
            .arg(&out)
            .args(*flags)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message).and(predicate::str::contains("nothing was graded")));
        assert!(everything(&out) == before, "{flags:?} changed the output folder");
    }
}

/// A roster student who handed nothing in fails in junit.xml.
#[test]
fn junit_reports_a_missing_roster_student_as_failing() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    class(&subs, 2, 0);
    let roster = dir.path().join("roster.csv");
    fs::write(&roster, "id,name,email\ns000,A,a@x\ns001,B,b@x\nzabsent,Z,z@x\n").unwrap();
    let out = dir.path().join("out");
    let status = grade(
        &subs,
        &out,
        &["--format", "junit", "--roster", roster.to_str().unwrap()],
    )
    .status()
    .unwrap();
    assert!(finished(status));
    let xml = fs::read_to_string(out.join("junit.xml")).unwrap();
    let suite = &xml[xml
        .find("<testsuite name=\"zabsent\"")
        .expect("the student's suite")..];
    let suite = &suite[..suite.find("</testsuite>").unwrap()];
    assert!(suite.contains("failures=\"1\""), "{suite}");
    assert!(suite.contains("no submission"), "{suite}");
}

/// An output folder written in place by an earlier version becomes links into the run, the
/// earlier files kept in history.
#[test]
fn an_output_folder_of_an_earlier_version_is_taken_over_and_its_files_kept() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    class(&subs, 3, 0);
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("feedback")).unwrap();
    fs::write(out.join("grades.csv"), "earlier\n").unwrap();
    fs::write(out.join("grades.json"), "{}").unwrap();
    fs::write(out.join("feedback/old.md"), "earlier\n").unwrap();
    fs::write(out.join(".rubricate-abc.tmp"), "half").unwrap();
    fs::write(out.join("notes.txt"), "the TA's own file\n").unwrap();
    assert!(finished(grade(&subs, &out, &[]).status().unwrap()));

    assert!(fs::symlink_metadata(out.join("grades.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_dir(out.join("feedback")).unwrap().count(), 3);
    let history: Vec<PathBuf> = fs::read_dir(out.join("history"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(history.len(), 1);
    assert_eq!(
        fs::read_to_string(history[0].join("grades.csv")).unwrap(),
        "earlier\n"
    );
    assert_eq!(
        fs::read_to_string(history[0].join("feedback/old.md")).unwrap(),
        "earlier\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).unwrap(),
        "the TA's own file\n"
    );
    assert_eq!(temporaries(&out), Vec::<String>::new());
}
