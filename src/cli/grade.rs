//! `rubricate grade`: one run over a submissions folder, from the rubric to every report.

use std::io::Write;
use std::path::{Path, PathBuf};

use rubricate::course::decisions::Decisions;
use rubricate::course::overrides::Overrides;
use rubricate::course::regrade::{PreviousRun, PreviousRunError};
use rubricate::course::run::{run, RunOptions, RunOutcome, Source};
use rubricate::course::run_folder::{recover, RunFolder};
use rubricate::grading::grader::Grader;
use rubricate::grading::grades::GradeReport;
use rubricate::report::{
    printable, write_atomic, write_changes_csv, write_changes_text, ClassWriter, ReportWriter, SummaryTable,
    WrittenFiles,
};

use super::{error_chain, exit, fail, interrupt, load_rubric, plural, RubricUse};

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
    /// A TA's scores for whole answer groups (`question,group,points,comment`, group ids from
    /// groups.csv); carried into later runs; a per-student override wins.
    #[arg(long, value_name = "CSV")]
    decisions: Option<PathBuf>,
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

/// `rubricate grade`: check the inputs, plan the run, grade, write what needs the whole
/// report, print the summary, and turn the outcome into an exit code.
pub fn grade(args: GradeArgs) -> u8 {
    let code = match grade_steps(&args) {
        Ok(code) | Err(code) => code,
    };
    interrupt::wait_if_interrupted();
    code
}

/// The steps of [`grade`]; `Err` carries the exit code of a step that failed (already reported).
fn grade_steps(args: &GradeArgs) -> Result<u8, u8> {
    check_flags(args)?;
    // From here a signal ends the run with its own exit code (and cleanup, once it writes).
    interrupt::install();
    let rubric = load_rubric_noting_warnings(args)?;
    check_submissions_exist(args)?;
    check_out_is_not_the_submissions(args)?;
    start_worker_threads(args.jobs)?;
    // One run at a time writes into an output folder; taken before grading, so a second run
    // is refused at once rather than after all its work.
    let _lock = lock_output_folder(&args.out)?;
    let mut grader = Grader::new(&rubric);
    grader.limits = rubricate::submission::Limits {
        max_file_bytes: args.max_file_size,
        max_files: args.max_files,
    };
    let roster = read_roster(args)?;
    let previous = read_previous_run(args)?;
    let overrides = read_overrides(args, &grader, previous.as_ref())?;
    let decisions = read_decisions(args, &grader, previous.as_ref())?;

    // The run is written whole into its own folder; the output folder shows it only once
    // every file is complete (see `course::run_folder`).
    let run_folder = interrupt::writing(|| RunFolder::begin(&args.out), RunFolder::dir)
        .map_err(|e| fail(&error_chain(&e)))?;
    let skip = [args.out.clone()];
    let on_github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    let options = RunOptions {
        roster: roster.as_ref(),
        overrides,
        decisions,
        previous: previous.as_ref(),
        canvas: args.format.contains(&Format::Canvas),
        // These outputs are built from the whole report at once.
        keep_grades: args.format.iter().any(|f| *f != Format::Canvas) || on_github,
        fail_under: args.fail_under,
    };
    let progress = ProgressBar::new(args.quiet);
    let outcome = run(&grader, source(args, &skip), run_folder.dir(), options, &progress);
    progress.finish();
    let written = outcome.map_err(|e| fail(&error_chain(&e))).and_then(|outcome| {
        let whole_report = write_whole_report_outputs(args, run_folder.dir(), &outcome, on_github)?;
        let changes_csv = write_changes(args, run_folder.dir(), &outcome)?;
        Ok((outcome, whole_report, changes_csv))
    });
    let (mut outcome, whole_report, changes_csv) = match written {
        Ok(written) => written,
        Err(code) => {
            run_folder.discard();
            return Err(code);
        }
    };
    outcome.written = shown_in(&outcome.written, run_folder.dir(), &args.out);
    // Not discarded on failure: once the switch may have happened, this run can be the one in
    // place; the next run's recovery sorts out whatever is left.
    let archived = interrupt::settled(|| run_folder.commit()).map_err(|e| fail(&error_chain(&e)))?;
    for warning in outcome.override_warnings.iter().chain(&outcome.decision_warnings) {
        eprintln!("warning: {}", printable(warning));
    }
    if !args.quiet {
        print_summary(
            args,
            &outcome,
            &whole_report,
            changes_csv.as_deref(),
            archived.as_deref(),
        )?;
    }
    for problem in &outcome.skipped {
        eprintln!("warning: {}", printable(problem));
    }
    for (student, reason) in &outcome.unreadable {
        eprintln!(
            "warning: submission `{}` could not be graded: {}",
            printable(student.as_str()),
            printable(reason)
        );
    }
    Ok(exit_code(args, &outcome))
}

/// Refuse every combination of flags the run could not honour, before anything is graded or
/// written: a run that fails at its end would have done all its work for nothing.
fn check_flags(args: &GradeArgs) -> Result<(), u8> {
    let mut problems = Vec::new();
    if args.format.contains(&Format::Gradescope) {
        if !args.single {
            problems
                .push("`--format gradescope` writes results for one submission: add `--single`".to_string());
        }
        if args.roster.is_some() {
            problems.push(
                "`--format gradescope` writes results for one submission, and `--roster` adds every \
                 other student on it as missing: drop `--roster`"
                    .to_string(),
            );
        }
    }
    if let Some(threshold) = args.fail_under.filter(|t| !t.is_finite()) {
        problems.push(format!(
            "`--fail-under` must be a number of points, not `{threshold}`"
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    eprintln!("error: nothing was graded");
    Err(exit::USAGE)
}

/// The rubric, with a one-line note when it has lint warnings.
fn load_rubric_noting_warnings(args: &GradeArgs) -> Result<rubricate::rubric::Rubric, u8> {
    let (rubric_path, rubric) = load_rubric(args.rubric.clone(), RubricUse::Grading)?;
    if !rubric.warnings.is_empty() && !args.quiet {
        let n = rubric.warnings.len();
        eprintln!(
            "note: rubric `{}` has {n} warning{}; `rubricate lint {}` shows them",
            rubric_path.display(),
            plural(n),
            rubric_path.display()
        );
    }
    Ok(rubric)
}

fn check_submissions_exist(args: &GradeArgs) -> Result<(), u8> {
    let readable = args.submissions.is_dir() || (args.single && args.submissions.is_file());
    if readable {
        Ok(())
    } else {
        Err(fail(&format!(
            "submissions folder `{}` does not exist or is not a folder",
            args.submissions.display()
        )))
    }
}

/// The reports may go inside the submissions folder (they are skipped there), but not into it:
/// `feedback/` and `history/` would be graded as students on the next run.
fn check_out_is_not_the_submissions(args: &GradeArgs) -> Result<(), u8> {
    let same = match (args.out.canonicalize(), args.submissions.canonicalize()) {
        (Ok(out), Ok(submissions)) => out == submissions,
        _ => false,
    };
    if same {
        return Err(fail(&format!(
            "--out `{}` is the submissions folder; write the reports elsewhere (such as `--out {}`)",
            args.out.display(),
            args.submissions.join("out").display()
        )));
    }
    Ok(())
}

fn start_worker_threads(jobs: Option<usize>) -> Result<(), u8> {
    let Some(jobs) = jobs else { return Ok(()) };
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build_global()
        .map_err(|e| fail(&format!("cannot start {jobs} worker threads: {e}")))
}

/// The output folder's lock, and what interrupted runs left there cleaned up: their run
/// folders and temporary files removed, a complete earlier run not yet in `history/` moved
/// there.
fn lock_output_folder(out: &Path) -> Result<rubricate::course::lock::OutputLock, u8> {
    use rubricate::course::lock::{LockError, OutputLock};
    let lock = OutputLock::acquire(out).map_err(|e| match e {
        LockError::Busy { .. } => {
            eprintln!("error: {e}");
            exit::BUSY
        }
        LockError::Io { .. } => fail(&e.to_string()),
    })?;
    rubricate::course::fault::point("locked");
    recover(out).map_err(|e| fail(&error_chain(&e)))?;
    // Left by versions that wrote temporary files straight into the output folder.
    if let Err(e) = rubricate::report::remove_stale_temp_files(out) {
        eprintln!(
            "warning: cannot remove temporary files left in `{}`: {e}",
            out.display()
        );
    }
    Ok(lock)
}

fn read_roster(args: &GradeArgs) -> Result<Option<rubricate::course::roster::Roster>, u8> {
    match &args.roster {
        Some(path) => rubricate::course::roster::Roster::read_csv(path)
            .map(Some)
            .map_err(|e| fail(&e.to_string())),
        None => Ok(None),
    }
}

/// The previous run: named, or the one in the output folder. A named one must be readable.
fn read_previous_run(args: &GradeArgs) -> Result<Option<PreviousRun>, u8> {
    let previous_path = args
        .previous
        .clone()
        .unwrap_or_else(|| args.out.join(rubricate::report::GRADES_JSON));
    match PreviousRun::read(&previous_path) {
        Ok(p) => Ok(Some(p)),
        Err(PreviousRunError::NotAReport(e)) => {
            eprintln!(
                "warning: `{}` is not a rubricate grades.json ({e}); no regrade comparison",
                previous_path.display()
            );
            Ok(None)
        }
        Err(PreviousRunError::Io(e)) if args.previous.is_some() => {
            Err(fail(&format!("cannot read `{}`: {e}", previous_path.display())))
        }
        Err(PreviousRunError::Io(_)) => Ok(None),
    }
}

/// Group decisions: the file's, then those of the previous run that the file does not replace.
fn read_decisions(
    args: &GradeArgs,
    grader: &Grader<'_>,
    previous: Option<&PreviousRun>,
) -> Result<Decisions, u8> {
    let mut decisions = match &args.decisions {
        Some(path) => {
            Decisions::read_csv(path, &grader.assignment_info()).map_err(|e| fail(&e.to_string()))?
        }
        None => Decisions::default(),
    };
    if let Some(previous) = previous {
        decisions = decisions.or(Decisions::from_previous(previous));
    }
    Ok(decisions)
}

/// Overrides: the file's, then those of the previous run that the file does not replace.
fn read_overrides(
    args: &GradeArgs,
    grader: &Grader<'_>,
    previous: Option<&PreviousRun>,
) -> Result<Overrides, u8> {
    let mut overrides = match &args.overrides {
        Some(path) => {
            Overrides::read_csv(path, &grader.assignment_info()).map_err(|e| fail(&e.to_string()))?
        }
        None => Overrides::default(),
    };
    if let Some(previous) = previous {
        overrides = overrides.or(Overrides::from_previous(previous));
    }
    Ok(overrides)
}

/// Where the submissions come from: one student's (`--single`) or a folder of students.
fn source<'a>(args: &'a GradeArgs, skip: &'a [PathBuf]) -> Source<'a> {
    if args.single {
        let student = args
            .student
            .clone()
            .unwrap_or_else(|| single_id(&args.submissions));
        Source::Single {
            root: &args.submissions,
            student: rubricate::ids::StudentId(student),
            skip,
        }
    } else {
        Source::Folder {
            root: &args.submissions,
            skip,
        }
    }
}

/// The outputs built from the whole report (canvas.csv is written with the run's other files),
/// into the run's folder `dir`, and GitHub's annotations; returns each file written with its
/// label and its path in the output folder.
fn write_whole_report_outputs(
    args: &GradeArgs,
    dir: &Path,
    outcome: &RunOutcome,
    on_github: bool,
) -> Result<Vec<(&'static str, PathBuf)>, u8> {
    let mut written = Vec::new();
    let Some(report) = &outcome.report else {
        return Ok(written);
    };
    for format in &args.format {
        let (label, name, writer): (&str, &str, &dyn ReportWriter) = match format {
            Format::Canvas => continue,
            Format::Gradescope => ("gradescope", "results.json", &rubricate::report::GradescopeJson),
            Format::Junit => ("junit", "junit.xml", &rubricate::report::JunitXml),
        };
        write_atomic(&dir.join(name), |out| writer.write(report, out)).map_err(|e| fail(&error_chain(&e)))?;
        written.push((label, args.out.join(name)));
    }
    if on_github {
        github_actions(report, &args.submissions);
    }
    Ok(written)
}

/// `changes.csv`, on a regrade, into the run's folder `dir`; returns its path in the output
/// folder when written.
fn write_changes(args: &GradeArgs, dir: &Path, outcome: &RunOutcome) -> Result<Option<PathBuf>, u8> {
    let Some(changes) = &outcome.changes else {
        return Ok(None);
    };
    write_atomic(&dir.join("changes.csv"), |out| write_changes_csv(changes, out))
        .map_err(|e| fail(&error_chain(&e)))?;
    Ok(Some(args.out.join("changes.csv")))
}

/// The files a run wrote into its folder `dir`, as the output folder `out` shows them.
fn shown_in(written: &WrittenFiles, dir: &Path, out: &Path) -> WrittenFiles {
    let shown = |path: &Path| {
        path.strip_prefix(dir)
            .map_or_else(|_| path.to_path_buf(), |rel| out.join(rel))
    };
    WrittenFiles {
        csv: shown(&written.csv),
        json: shown(&written.json),
        review: shown(&written.review),
        groups: shown(&written.groups),
        html: shown(&written.html),
        feedback_dir: shown(&written.feedback_dir),
        feedback: written.feedback,
        canvas: written.canvas.as_deref().map(shown),
    }
}

/// The summary table, what changed, and where each file went.
fn print_summary(
    args: &GradeArgs,
    outcome: &RunOutcome,
    whole_report: &[(&str, PathBuf)],
    changes_csv: Option<&Path>,
    archived: Option<&Path>,
) -> Result<(), u8> {
    let mut stdout = std::io::stdout().lock();
    SummaryTable
        .write_class(&outcome.class, &mut stdout)
        .map_err(|e| fail(&error_chain(&e)))?;
    if let Some(changes) = &outcome.changes {
        let _ = write_changes_text(changes, &mut stdout);
    }
    let written = &outcome.written;
    let _ = writeln!(
        stdout,
        "wrote {} files to {}:",
        written.len() + whole_report.len() + usize::from(outcome.changes.is_some()),
        args.out.display()
    );
    let _ = writeln!(stdout, "  gradebook     {}", written.csv.display());
    let _ = writeln!(stdout, "  full report   {}", written.json.display());
    let _ = writeln!(stdout, "  review queue  {}", written.review.display());
    let _ = writeln!(stdout, "  answer groups {}", written.groups.display());
    let _ = writeln!(stdout, "  html report   {}", written.html.display());
    let _ = writeln!(
        stdout,
        "  feedback      {} ({} files)",
        written.feedback_dir.display(),
        written.feedback
    );
    if let Some(changes_csv) = changes_csv {
        let _ = writeln!(stdout, "  changes       {}", changes_csv.display());
    }
    let canvas = written.canvas.as_ref().map(|path| ("canvas import", path));
    for (label, path) in canvas
        .into_iter()
        .chain(whole_report.iter().map(|(l, p)| (*l, p)))
    {
        let _ = writeln!(stdout, "  {label:<13} {}", path.display());
    }
    if let Some(archived) = archived {
        let _ = writeln!(stdout, "  previous run  {}", archived.display());
    }
    Ok(())
}

/// 3 when a total is below `--fail-under` (the students are named), else 1 when some
/// submission could not be read, else 0.
fn exit_code(args: &GradeArgs, outcome: &RunOutcome) -> u8 {
    if let Some(threshold) = args.fail_under {
        if !outcome.below.is_empty() {
            let below: Vec<String> = outcome
                .below
                .iter()
                .map(|(student, total)| format!("{} ({total})", printable(student.as_str())))
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
    name.map_or_else(
        || "submission".to_string(),
        |n| rubricate::ids::StudentId::from_file_name(n).0,
    )
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
