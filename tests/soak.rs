//! Nothing is lost at scale, and an interrupted run leaves the previous results intact.
//! (The 100k-student soak is `bash bench/scale.sh`; this is its quick form.)

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn bundled(name: &str) -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("submissions")
            .join(name),
    )
    .unwrap()
}

/// `n` submissions copied from the dev set, one in a hundred broken in one of three ways.
fn corpus(dir: &Path, n: usize) -> usize {
    let sources = [
        "aokonkwo.md",
        "bharris.txt",
        "dliu.txt",
        "gtanaka.md",
        "kabara.md",
    ];
    let mut broken = 0;
    for i in 0..n {
        let name = format!("s{i:05}");
        if i % 100 == 7 {
            broken += 1;
            match (i / 100) % 3 {
                0 => fs::write(dir.join(format!("{name}.ipynb")), "{\"cells\": [").unwrap(),
                1 => fs::write(dir.join(format!("{name}.md")), "").unwrap(),
                _ => fs::write(dir.join(format!("{name}.docx")), b"PK\x03\x04").unwrap(),
            }
            continue;
        }
        let source = sources[i % sources.len()];
        let ext = source.rsplit('.').next().unwrap();
        fs::write(dir.join(format!("{name}.{ext}")), bundled(source)).unwrap();
    }
    broken
}

#[test]
fn every_submission_appears_exactly_once_and_broken_ones_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    fs::create_dir_all(&subs).unwrap();
    let broken = corpus(&subs, 600);
    let out = dir.path().join("out");
    Command::cargo_bin("rubricate")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("grade")
        .arg("--submissions")
        .arg(&subs)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .code(1);
    let csv = fs::read_to_string(out.join("grades.csv")).unwrap();
    let ids: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 600);
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 600, "no student twice");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("grades.json")).unwrap()).unwrap();
    let unreadable: Vec<&serde_json::Value> = json["students"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "unreadable")
        .collect();
    assert_eq!(unreadable.len(), broken);
    assert!(unreadable
        .iter()
        .all(|s| s["reason"].as_str().is_some_and(|r| !r.is_empty())));
}

#[test]
fn an_interrupted_run_leaves_the_previous_results_intact() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("subs");
    fs::create_dir_all(&subs).unwrap();
    corpus(&subs, 400);
    let out = dir.path().join("out");
    let bin = assert_cmd::cargo::cargo_bin("rubricate");
    let run = || {
        let mut command = std::process::Command::new(&bin);
        command
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("grade")
            .arg("--submissions")
            .arg(&subs)
            .arg("--out")
            .arg(&out)
            .args(["--quiet", "-j", "1"])
            .stderr(std::process::Stdio::null());
        command
    };
    assert!(run().status().unwrap().code() == Some(1));
    let before = fs::read(out.join("grades.csv")).unwrap();
    let json_before = fs::read(out.join("grades.json")).unwrap();

    // Change the answers, then interrupt the regrade at several points of its run.
    for i in 0..400 {
        let path = subs.join(format!("s{i:05}.md"));
        if path.exists() {
            fs::write(&path, "1a) Yes, keep masking.\n").unwrap();
        }
    }
    for delay in [50u64, 200, 400] {
        let mut child = run().spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        // SIGINT, as Ctrl-C sends.
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        let after = fs::read(out.join("grades.csv")).unwrap();
        if status.code() == Some(1) {
            // The run finished before the signal: its output is whole.
            assert!(String::from_utf8(after).unwrap().lines().count() == 401);
            return;
        }
        assert_eq!(
            after, before,
            "interrupted after {delay} ms: grades.csv must be the previous run's"
        );
        assert_eq!(fs::read(out.join("grades.json")).unwrap(), json_before);
    }
    // Temporary files a killed run left behind are cleared by the next run.
    assert_eq!(run().status().unwrap().code(), Some(1));
    for folder in [out.clone(), out.join("feedback")] {
        let temps = fs::read_dir(&folder)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(temps, 0, "temporary files left in {}", folder.display());
    }
}
