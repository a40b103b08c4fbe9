//! `report.html` in a real browser: a submission that tries to run a script is shown as text,
//! and the page renders to a non-trivial screenshot. Needs Chromium (`apt-get install chromium`);
//! without it the test says so on stderr and passes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `/usr/bin/chromium`, or `chromium` found on `PATH`.
fn chromium() -> Option<PathBuf> {
    let usual = PathBuf::from("/usr/bin/chromium");
    if usual.is_file() {
        return Some(usual);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// Run headless Chromium on `url` with `extra` arguments, killing it after two minutes.
fn run_chromium(chromium: &Path, profile: &Path, extra: &[String], url: &str) -> Output {
    let mut child = Process::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Read stdout on another thread so that a large DOM dump cannot fill the pipe and stall.
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut stdout = stdout;
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).unwrap();
        buf
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chromium did not finish within two minutes on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = reader.join().unwrap();
    let mut stderr = Vec::new();
    if let Some(mut err) = child.stderr.take() {
        std::io::Read::read_to_end(&mut err, &mut stderr).unwrap();
    }
    Output {
        status,
        stdout,
        stderr,
    }
}

/// Copy `from` (a folder of plain files and folders) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn report_html_shows_a_hostile_submission_as_text_in_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!("skipping browser test: chromium not installed (apt-get install chromium)");
        return;
    };

    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    copy_dir(&root().join("tests/fixtures/html"), &work);
    fs::copy(
        root().join("rubrics/finetuning-review.toml"),
        work.join("rubric.toml"),
    )
    .unwrap();
    let out = work.join("out");

    Command::cargo_bin("rubricate")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("grade")
        .arg("--rubric")
        .arg(work.join("rubric.toml"))
        .arg("--submissions")
        .arg(work.join("submissions"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let report = out.join("report.html");
    let html = fs::read_to_string(&report).unwrap();
    assert!(!html.contains("<script"), "the report file holds a raw <script>");
    assert!(!html.contains("<img"), "the report file holds a raw <img>");

    let url = format!("file://{}", report.display());
    let profile = tmp.path().join("profile");

    // The DOM after the page loaded (and any script would have run).
    let dump = run_chromium(&chromium, &profile, &["--dump-dom".to_string()], &url);
    let dom = String::from_utf8_lossy(&dump.stdout);
    assert!(
        dump.status.success() && dom.contains("</html>"),
        "chromium --dump-dom failed ({}): {}",
        dump.status,
        String::from_utf8_lossy(&dump.stderr)
    );
    // The student's script is text in the answer (a code span shows it; a bare `<script>` would be
    // hidden text, blanked before grading), serialized back with its brackets escaped.
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        "the script text is not shown as text:\n{dom}"
    );
    assert!(
        !dom.contains("<script"),
        "a <script> element made it into the DOM"
    );
    assert!(!dom.contains("<img"), "an <img> element made it into the DOM");
    let title = dom
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(title, _)| title)
        .expect("the document has a title");
    assert_ne!(title, "pwned");
    assert_eq!(title, "Review: Fine-tuning — grading report");

    // A screenshot: the page renders to something more than a blank page.
    let png = tmp.path().join("report.png");
    let shot = run_chromium(
        &chromium,
        &profile,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".to_string(),
        ],
        &url,
    );
    assert!(
        shot.status.success(),
        "chromium --screenshot failed ({}): {}",
        shot.status,
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = fs::read(&png).expect("the screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(bytes.len() > 10_000, "screenshot is only {} bytes", bytes.len());
}
