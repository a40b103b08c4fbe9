//! Commands for students: `check` (with `--watch`) and `export --student`.

use std::path::{Path, PathBuf};

use rubricate::grading::grader::Grader;
use rubricate::report::write_atomic;
use rubricate::rubric;

use super::{error_chain, exit, fail, load_rubric, rubric_failure, RubricUse};

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The answer file(s), read together as one submission.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The rubric, or its student edition (default: the one rubric in `rubrics/`).
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// Check again every time a file is saved (stop with Ctrl-C).
    #[arg(long)]
    watch: bool,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The student edition: question ids, labels, points, word limits and the concepts marked
    /// `practice = true`; every other pattern, choice and feedback removed.
    #[arg(long, required = true)]
    student: bool,
    /// The rubric to export.
    #[arg(value_name = "RUBRIC")]
    rubric: PathBuf,
    /// Where to write it (default: `<rubric>.student.toml` beside the rubric).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn check(args: CheckArgs) -> u8 {
    let (_, rubric) = match load_rubric(args.rubric.clone(), RubricUse::SelfCheck) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let grader = Grader::new(&rubric);
    let run = || -> u8 {
        let mut documents = Vec::new();
        for file in &args.files {
            let display = PathBuf::from(file.file_name().unwrap_or(file.as_os_str()));
            let submission_file = rubricate::submission::SubmissionFile {
                path: file.clone(),
                display,
            };
            match rubricate::submission::read_document(&submission_file) {
                Ok(d) => documents.push(d),
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::UNREADABLE;
                }
            }
        }
        let report = rubricate::authoring::check::check(&grader, &documents);
        let mut out = anstream::stdout().lock();
        if let Err(e) = rubricate::report::write_check(&report, &mut out) {
            return fail(&error_chain(&e));
        }
        let complete = report.questions.iter().all(|q| q.found.is_some() && !q.blank());
        if complete {
            exit::OK
        } else {
            exit::UNREADABLE
        }
    };
    let code = run();
    if !args.watch {
        return code;
    }
    watch(&args.files, run)
}

/// Run `again` whenever one of `files` changes, until interrupted.
pub fn watch(files: &[PathBuf], again: impl Fn() -> u8) -> u8 {
    use notify::{RecursiveMode, Watcher};
    let (sender, events) = std::sync::mpsc::channel();
    let mut watcher = match notify::recommended_watcher(sender) {
        Ok(w) => w,
        Err(e) => return fail(&format!("cannot watch files: {e}")),
    };
    let watched: Vec<PathBuf> = files
        .iter()
        .map(|f| f.canonicalize().unwrap_or_else(|_| f.clone()))
        .collect();
    for file in &watched {
        // Watch the folder: editors often save by replacing the file.
        let folder = file.parent().unwrap_or(Path::new("."));
        if let Err(e) = watcher.watch(folder, RecursiveMode::NonRecursive) {
            return fail(&format!("cannot watch `{}`: {e}", folder.display()));
        }
    }
    eprintln!("watching {} file(s); Ctrl-C to stop", files.len());
    while let Ok(event) = events.recv() {
        let Ok(event) = event else { continue };
        let relevant = event.kind.is_modify() || event.kind.is_create();
        if !relevant || !event.paths.iter().any(|p| watched.contains(p)) {
            continue;
        }
        // Let the editor finish writing, and drop the burst of events a save makes.
        std::thread::sleep(std::time::Duration::from_millis(150));
        while events.try_recv().is_ok() {}
        println!();
        println!("--- file changed; checking again ---");
        again();
    }
    exit::OK
}

pub fn export(args: ExportArgs) -> u8 {
    debug_assert!(args.student);
    let text = match std::fs::read_to_string(&args.rubric) {
        Ok(t) => t,
        Err(e) => return fail(&format!("cannot read `{}`: {e}", args.rubric.display())),
    };
    // Validate the original first, so errors point into the file the author wrote.
    if let Err(e) = rubric::parse(&args.rubric, &text) {
        return rubric_failure(&e);
    }
    let edition = match rubricate::rubric::student_edition(&text) {
        Ok(e) => e,
        Err(e) => return fail(&error_chain(&e)),
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.rubric.with_extension("student.toml"));
    if let Err(e) = rubric::parse(&output, &edition) {
        return rubric_failure(&e);
    }
    let written = write_atomic(&output, |out| {
        out.write_all(edition.as_bytes())
            .map_err(rubricate::report::ReportError::Io)
    });
    match written {
        Ok(()) => {
            println!("wrote the student edition to {}", output.display());
            exit::OK
        }
        Err(e) => fail(&error_chain(&e)),
    }
}
