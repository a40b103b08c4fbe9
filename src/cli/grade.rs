//! `rubricate grade`: one run over a submissions folder, from the rubric to every report.

use std::io::Write;
use std::path::{Path, PathBuf};

use rubricate::course::overrides::Overrides;
use rubricate::course::regrade::{PreviousRun, PreviousRunError};
use rubricate::course::run::{run, RunOptions, Source};
use rubricate::grading::grader::Grader;
use rubricate::grading::grades::GradeReport;
use rubricate::report::{
    write_atomic, write_changes_csv, write_changes_text, ClassWriter, ReportWriter, SummaryTable,
};

use super::{error_chain, exit, fail, load_rubric, plural};

#[derive(clap::Args)]
pub struct GradeArgs {
    /// The rubric (TOML). Default: the one rubric in `rubrics/`.
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// The folder of submissions: one file or one folder per student.
    #[arg(long, value_name = "DIR", default_value = "submissions")]
    submissions: PathBuf,
    /// Where to write the reports.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Print nothing but errors (no progress bar, no summary).
    #[arg(long, short)]
    quiet: bool,
    /// A TA's manual scores (`student,question,points,comment`); they win over the autograder.
    #[arg(long, value_name = "CSV")]
    overrides: Option<PathBuf>,
    /// The previous run's grades.json to compare with (default: the one in --out, if any).
    #[arg(long, value_name = "JSON")]
    previous: Option<PathBuf>,
    /// The course roster (`id,name,email[,lms id]`): missing students get 0, unknown ones are
    /// listed, `jdoe_late.md` resolves to `jdoe`.
    #[arg(long, value_name = "CSV")]
    roster: Option<PathBuf>,
    /// Extra outputs: `canvas` (canvas.csv), `gradescope` (results.json, with --single),
    /// `junit` (junit.xml). Repeat or comma-separate for several.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMAT")]
    format: Vec<Format>,
    /// Grade --submissions as ONE student's submission (a folder of answer files, or a file),
    /// as an autograder on Gradescope or CI does.
    #[arg(long)]
    single: bool,
    /// With --single: the student id to report (default: the folder's or file's name).
    #[arg(long, value_name = "ID", requires = "single")]
    student: Option<String>,
    /// Exit with code 3 when a graded student's total is below this many points.
    #[arg(long, value_name = "POINTS")]
    fail_under: Option<f64>,
    /// Largest answer file to read, in bytes; a larger one is reported, not read.
    #[arg(long, value_name = "BYTES", default_value_t = rubricate::submission::MAX_FILE_BYTES)]
    max_file_size: u64,
    /// Most answer files in one student's folder; more are reported, not read.
    #[arg(long, value_name = "N", default_value_t = 64)]
    max_files: usize,
}

/// Extra output formats of `grade`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Canvas,
    Gradescope,
    Junit,
}

pub fn grade(args: GradeArgs) -> u8 {
    let (rubric_path, rubric) = match load_rubric(args.rubric.clone()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if !rubric.warnings.is_empty() && !args.quiet {
        let n = rubric.warnings.len();
        eprintln!(
            "note: rubric `{}` has {n} warning{}; `rubricate lint {}` shows them",
            rubric_path.display(),
            plural(n),
            rubric_path.display()
        );
    }
    let readable = args.submissions.is_dir() || (args.single && args.submissions.is_file());
    if !readable {
        return fail(&format!(
            "submissions folder `{}` does not exist or is not a folder",
            args.submissions.display()
        ));
    }
    if let Some(jobs) = args.jobs {
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
        {
            return fail(&format!("cannot start {jobs} worker threads: {e}"));
        }
    }
    // One run at a time writes into an output folder; taken before grading, so a second run
    // is refused at once rather than after all its work.
    let _lock = match rubricate::course::lock::OutputLock::acquire(&args.out) {
        Ok(lock) => lock,
        Err(e) => return fail(&e.to_string()),
    };
    if let Err(e) = rubricate::report::remove_stale_temp_files(&args.out) {
        eprintln!(
            "warning: cannot remove temporary files left in `{}`: {e}",
            args.out.display()
        );
    }
    let mut grader = Grader::new(&rubric);
    grader.limits = rubricate::submission::Limits {
        max_file_bytes: args.max_file_size,
        max_files: args.max_files,
    };
    let assignment = grader.assignment_info();

    let roster = match &args.roster {
        Some(path) => match rubricate::course::roster::Roster::read_csv(path) {
            Ok(roster) => Some(roster),
            Err(e) => return fail(&e.to_string()),
        },
        None => None,
    };

    // The previous run: named, or the one in the output folder.
    let previous_path = args
        .previous
        .clone()
        .unwrap_or_else(|| args.out.join(rubricate::report::GRADES_JSON));
    let previous = match PreviousRun::read(&previous_path) {
        Ok(p) => Some(p),
        Err(PreviousRunError::NotAReport(e)) => {
            eprintln!(
                "warning: `{}` is not a rubricate grades.json ({e}); no regrade comparison",
                previous_path.display()
            );
            None
        }
        Err(PreviousRunError::Io(e)) if args.previous.is_some() => {
            return fail(&format!("cannot read `{}`: {e}", previous_path.display()))
        }
        Err(PreviousRunError::Io(_)) => None,
    };

    // Overrides: the file's, then those of the previous run that the file does not replace.
    let mut overrides = match &args.overrides {
        Some(path) => match Overrides::read_csv(path, &assignment) {
            Ok(o) => o,
            Err(e) => return fail(&e.to_string()),
        },
        None => Overrides::default(),
    };
    if let Some(previous) = &previous {
        overrides = overrides.or(Overrides::from_previous(previous));
    }

    let archived = match rubricate::course::history::archive_previous_run(&args.out) {
        Ok(a) => a,
        Err(e) => {
            return fail(&format!(
                "cannot keep the previous run in `{}`: {e}",
                args.out.display()
            ))
        }
    };

    let skip = [args.out.clone()];
    let source = if args.single {
        let student = args
            .student
            .clone()
            .unwrap_or_else(|| single_id(&args.submissions));
        Source::Single {
            root: &args.submissions,
            student: rubricate::ids::StudentId(student),
            skip: &skip,
        }
    } else {
        Source::Folder {
            root: &args.submissions,
            skip: &skip,
        }
    };
    let on_github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    let options = RunOptions {
        roster: roster.as_ref(),
        overrides,
        previous: previous.as_ref(),
        canvas: args.format.contains(&Format::Canvas),
        // These outputs are built from the whole report at once.
        keep_grades: args.format.iter().any(|f| *f != Format::Canvas) || on_github,
        fail_under: args.fail_under,
    };
    let progress = ProgressBar::new(args.quiet);
    let outcome = run(&grader, source, &args.out, options, &progress);
    progress.finish();
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return fail(&error_chain(&e)),
    };
    for warning in &outcome.override_warnings {
        eprintln!("warning: {warning}");
    }

    // Outputs built from the whole report (canvas.csv is written with the run's other files).
    let mut whole_report: Vec<(&str, PathBuf)> = Vec::new();
    if let Some(report) = &outcome.report {
        for format in &args.format {
            let (label, name, writer): (&str, &str, &dyn ReportWriter) = match format {
                Format::Canvas => continue,
                Format::Gradescope => ("gradescope", "results.json", &rubricate::report::GradescopeJson),
                Format::Junit => ("junit", "junit.xml", &rubricate::report::JunitXml),
            };
            let path = args.out.join(name);
            if let Err(e) = write_atomic(&path, |out| writer.write(report, out)) {
                return fail(&error_chain(&e));
            }
            whole_report.push((label, path));
        }
        if on_github {
            github_actions(report, &args.submissions);
        }
    }
    let changes = &outcome.changes;
    let changes_csv = args.out.join("changes.csv");
    if let Some(changes) = changes {
        if let Err(e) = write_atomic(&changes_csv, |out| write_changes_csv(changes, out)) {
            return fail(&error_chain(&e));
        }
    }
    let written = &outcome.written;
    if !args.quiet {
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = SummaryTable.write_class(&outcome.class, &mut stdout) {
            return fail(&error_chain(&e));
        }
        if let Some(changes) = changes {
            let _ = write_changes_text(changes, &mut stdout);
        }
        let _ = writeln!(
            stdout,
            "wrote {} files to {}:",
            written.len() + whole_report.len() + usize::from(changes.is_some()),
            args.out.display()
        );
        let _ = writeln!(stdout, "  gradebook     {}", written.csv.display());
        let _ = writeln!(stdout, "  full report   {}", written.json.display());
        let _ = writeln!(stdout, "  review queue  {}", written.review.display());
        let _ = writeln!(stdout, "  html report   {}", written.html.display());
        let _ = writeln!(
            stdout,
            "  feedback      {} ({} files)",
            written.feedback_dir.display(),
            written.feedback
        );
        if changes.is_some() {
            let _ = writeln!(stdout, "  changes       {}", changes_csv.display());
        }
        let canvas = written.canvas.as_ref().map(|path| ("canvas import", path));
        for (label, path) in canvas
            .into_iter()
            .chain(whole_report.iter().map(|(l, p)| (*l, p)))
        {
            let _ = writeln!(stdout, "  {label:<13} {}", path.display());
        }
        if let Some(archived) = &archived {
            let _ = writeln!(stdout, "  previous run  {}", archived.display());
        }
    }
    for (student, reason) in &outcome.unreadable {
        eprintln!("warning: submission `{student}` could not be graded: {reason}");
    }
    if let Some(threshold) = args.fail_under {
        if !outcome.below.is_empty() {
            let below: Vec<String> = outcome
                .below
                .iter()
                .map(|(student, total)| format!("{student} ({total})"))
                .collect();
            eprintln!("error: below --fail-under {threshold}: {}", below.join(", "));
            return exit::BELOW_THRESHOLD;
        }
    }
    if outcome.unreadable.is_empty() {
        exit::OK
    } else {
        exit::UNREADABLE
    }
}

/// The student id of a single submission: its folder's name, or its file's name without the
/// extension.
pub fn single_id(path: &Path) -> String {
    let name = if path.is_dir() {
        path.file_name()
    } else {
        path.file_stem()
    };
    name.map_or_else(|| "submission".to_string(), |n| n.to_string_lossy().into_owned())
}

/// On GitHub Actions: annotations on stdout, and a Markdown summary of the run appended to
/// `$GITHUB_STEP_SUMMARY`.
pub fn github_actions(report: &GradeReport, submissions: &Path) {
    let mut stdout = std::io::stdout().lock();
    for line in rubricate::report::annotations(report, submissions) {
        let _ = writeln!(stdout, "{line}");
    }
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(rubricate::report::ReportError::Io)
            .and_then(|mut file| rubricate::report::step_summary(report, &mut file));
        if let Err(e) = appended {
            eprintln!(
                "warning: cannot append to $GITHUB_STEP_SUMMARY: {}",
                error_chain(&e)
            );
        }
    }
}

/// A progress bar on stderr while grading, only when stderr is a terminal and not in CI.
pub struct ProgressBar(Option<indicatif::ProgressBar>);

impl ProgressBar {
    fn new(quiet: bool) -> ProgressBar {
        use std::io::IsTerminal;
        let wanted = !quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        ProgressBar(wanted.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            let style = indicatif::ProgressStyle::with_template(
                "{spinner} grading [{bar:40}] {pos}/{len} {per_sec} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar
        }))
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl rubricate::grading::grader::Progress for ProgressBar {
    fn started(&self, submissions: usize) {
        if let Some(bar) = &self.0 {
            bar.set_length(submissions as u64);
        }
    }

    fn graded(&self, _student: &rubricate::ids::StudentId) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }
}
