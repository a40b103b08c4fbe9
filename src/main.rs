//! The `rubricate` command line: parses flags, calls the library, prints, and maps outcomes to
//! exit codes (0 all graded, 1 some submissions unreadable, 2 rubric or usage error).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use rubricate::grade::Grader;
use rubricate::grades::GradeReport;
use rubricate::grades::SubmissionStatus;
use rubricate::overrides::Overrides;
use rubricate::regrade::changes;
use rubricate::report::{
    write_atomic, write_changes_csv, write_changes_text, write_outputs, ReportWriter, SummaryTable,
};
use rubricate::rubric::{self, RubricError};

/// Exit codes, as documented in the README.
mod exit {
    pub const OK: u8 = 0;
    pub const UNREADABLE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const BELOW_THRESHOLD: u8 = 3;
}

#[derive(Parser)]
#[command(
    name = "rubricate",
    version,
    about = "Batch autograder for written short-answer assignments"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grade every submission in a folder and write grades.csv, grades.json and feedback/.
    Grade(GradeArgs),
    /// Check rubrics: every error and warning, with the offending line.
    Lint(LintArgs),
    /// Grade a rubric's worked examples and compare with the scores they expect.
    Test(TestArgs),
    /// Compare the autograder with human grades: agreement, MAE, kappa, disagreements.
    Agree(AgreeArgs),
    /// Show how one answer is graded: tokens, matches, negation and hedging, the arithmetic.
    Explain(ExplainArgs),
    /// A student's self-check of an answer file before submitting.
    Check(CheckArgs),
    /// Write an edition of a rubric (`--student`: without hidden concepts, safe to hand out).
    Export(ExportArgs),
    /// Print every pattern of a rubric as a regular expression, one per line (for a plain-text
    /// search such as `rg -f`, as the scale benchmark does).
    Patterns(PatternsArgs),
}

#[derive(clap::Args)]
struct PatternsArgs {
    #[arg(value_name = "RUBRIC")]
    rubric: PathBuf,
}

#[derive(clap::Args)]
struct CheckArgs {
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
struct ExportArgs {
    /// The student edition: hidden concepts, misconception details and examples removed.
    #[arg(long, required = true)]
    student: bool,
    /// The rubric to export.
    #[arg(value_name = "RUBRIC")]
    rubric: PathBuf,
    /// Where to write it (default: `<rubric>.student.toml` beside the rubric).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// The rubric (default: the one rubric in `rubrics/`).
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// The question id, as in the rubric.
    #[arg(long, short, value_name = "ID")]
    question: String,
    /// A submission file to take the question's answer from.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "answer",
        required_unless_present = "answer"
    )]
    file: Option<PathBuf>,
    /// The answer text.
    #[arg(value_name = "ANSWER")]
    answer: Option<String>,
}

#[derive(clap::Args)]
struct AgreeArgs {
    /// Human grades, shaped like grades.csv (`student,<question ids>,total`).
    #[arg(long, value_name = "CSV")]
    expected: PathBuf,
    /// The autograder's grades.json (answers and concepts are shown) or grades.csv. Without
    /// it, the submissions are graded now.
    #[arg(value_name = "GRADES", conflicts_with = "submissions")]
    grades: Option<PathBuf>,
    /// Grade this folder now and compare (default: `submissions`).
    #[arg(long, value_name = "DIR")]
    submissions: Option<PathBuf>,
    /// The rubric to grade with (default: the one rubric in `rubrics/`).
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
}

#[derive(clap::Args)]
struct TestArgs {
    /// The rubric whose `[[question.example]]`s to run.
    #[arg(value_name = "RUBRIC")]
    rubric: PathBuf,
}

#[derive(clap::Args)]
struct LintArgs {
    /// Rubric files to check.
    #[arg(required = true, value_name = "RUBRIC")]
    rubrics: Vec<PathBuf>,
    /// Exit with 1 when there are warnings (errors always exit with 2).
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(clap::Args)]
struct GradeArgs {
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
enum Format {
    Canvas,
    Gradescope,
    Junit,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Grade(args) => grade(args),
        Command::Lint(args) => lint(args),
        Command::Test(args) => test_examples(args),
        Command::Agree(args) => agree(args),
        Command::Explain(args) => explain(args),
        Command::Check(args) => check(args),
        Command::Export(args) => export(args),
        Command::Patterns(args) => patterns(args),
    };
    ExitCode::from(code)
}

fn grade(args: GradeArgs) -> u8 {
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
    let _lock = match rubricate::lock::OutputLock::acquire(&args.out) {
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
    let skip = [args.out.clone()];
    let progress = ProgressBar::new(args.quiet);
    let graded = if args.single {
        let student = args
            .student
            .clone()
            .unwrap_or_else(|| single_id(&args.submissions));
        grader.grade_single(&args.submissions, rubricate::ids::StudentId(student), &skip)
    } else {
        grader.grade_folder_observed(&args.submissions, &skip, &progress)
    };
    progress.finish();
    let mut report = match graded {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };

    if let Some(path) = &args.roster {
        match rubricate::roster::Roster::read_csv(path) {
            Ok(roster) => roster.apply(&mut report),
            Err(e) => return fail(&e.to_string()),
        }
    }

    // The previous run: named, or the one in the output folder.
    let previous_path = args
        .previous
        .clone()
        .unwrap_or_else(|| args.out.join(rubricate::report::GRADES_JSON));
    let previous: Option<GradeReport> = match std::fs::read_to_string(&previous_path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!(
                    "warning: `{}` is not a rubricate grades.json ({e}); no regrade comparison",
                    previous_path.display()
                );
                None
            }
        },
        Err(e) if args.previous.is_some() => {
            return fail(&format!("cannot read `{}`: {e}", previous_path.display()))
        }
        Err(_) => None,
    };

    // Overrides: the file's, then those of the previous run that the file does not replace.
    let mut overrides = match &args.overrides {
        Some(path) => match Overrides::read_csv(path, &report) {
            Ok(o) => o,
            Err(e) => return fail(&e.to_string()),
        },
        None => Overrides::default(),
    };
    if let Some(previous) = &previous {
        overrides = overrides.or(Overrides::from_report(previous));
    }
    for warning in overrides.apply(&mut report) {
        eprintln!("warning: {warning}");
    }
    let changes = previous.as_ref().map(|p| changes(p, &report));

    let archived = match rubricate::history::archive_previous_run(&args.out) {
        Ok(a) => a,
        Err(e) => {
            return fail(&format!(
                "cannot keep the previous run in `{}`: {e}",
                args.out.display()
            ))
        }
    };
    let written = match write_outputs(&report, &args.out) {
        Ok(w) => w,
        Err(e) => return fail(&error_chain(&e)),
    };
    let mut extra: Vec<(&str, PathBuf)> = Vec::new();
    for format in &args.format {
        let (label, name, writer): (&str, &str, &dyn ReportWriter) = match format {
            Format::Canvas => ("canvas import", "canvas.csv", &rubricate::report::CanvasCsv),
            Format::Gradescope => ("gradescope", "results.json", &rubricate::report::GradescopeJson),
            Format::Junit => ("junit", "junit.xml", &rubricate::report::JunitXml),
        };
        let path = args.out.join(name);
        if let Err(e) = write_atomic(&path, |out| writer.write(&report, out)) {
            return fail(&error_chain(&e));
        }
        extra.push((label, path));
    }
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        github_actions(&report, &args.submissions);
    }
    let changes_csv = args.out.join("changes.csv");
    if let Some(changes) = &changes {
        if let Err(e) = write_atomic(&changes_csv, |out| write_changes_csv(changes, out)) {
            return fail(&error_chain(&e));
        }
    }
    if !args.quiet {
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = SummaryTable.write(&report, &mut stdout) {
            return fail(&error_chain(&e));
        }
        if let Some(changes) = &changes {
            let _ = write_changes_text(changes, &mut stdout);
        }
        let _ = writeln!(
            stdout,
            "wrote {} files to {}:",
            written.len() + usize::from(changes.is_some()),
            args.out.display()
        );
        let _ = writeln!(stdout, "  gradebook     {}", written.csv.display());
        let _ = writeln!(stdout, "  full report   {}", written.json.display());
        let _ = writeln!(stdout, "  review queue  {}", written.review.display());
        let _ = writeln!(stdout, "  html report   {}", written.html.display());
        let _ = writeln!(
            stdout,
            "  feedback      {} ({} files)",
            args.out.join(rubricate::report::FEEDBACK_DIR).display(),
            written.feedback.len()
        );
        if changes.is_some() {
            let _ = writeln!(stdout, "  changes       {}", changes_csv.display());
        }
        for (label, path) in &extra {
            let _ = writeln!(stdout, "  {label:<13} {}", path.display());
        }
        if let Some(archived) = &archived {
            let _ = writeln!(stdout, "  previous run  {}", archived.display());
        }
    }
    let unreadable: Vec<_> = report
        .students
        .iter()
        .filter_map(|s| match &s.status {
            SubmissionStatus::Unreadable { reason } => Some((s.student.clone(), reason.clone())),
            SubmissionStatus::Graded | SubmissionStatus::Missing => None,
        })
        .collect();
    for (student, reason) in &unreadable {
        eprintln!("warning: submission `{student}` could not be graded: {reason}");
    }
    if let Some(threshold) = args.fail_under {
        let below: Vec<String> = report
            .students
            .iter()
            .filter(|s| s.status == SubmissionStatus::Graded && s.total.as_f64() < threshold)
            .map(|s| format!("{} ({})", s.student, s.total))
            .collect();
        if !below.is_empty() {
            eprintln!("error: below --fail-under {threshold}: {}", below.join(", "));
            return exit::BELOW_THRESHOLD;
        }
    }
    if unreadable.is_empty() {
        exit::OK
    } else {
        exit::UNREADABLE
    }
}

/// The student id of a single submission: its folder's name, or its file's name without the
/// extension.
fn single_id(path: &Path) -> String {
    let name = if path.is_dir() {
        path.file_name()
    } else {
        path.file_stem()
    };
    name.map_or_else(|| "submission".to_string(), |n| n.to_string_lossy().into_owned())
}

/// On GitHub Actions: annotations on stdout, and a Markdown summary of the run appended to
/// `$GITHUB_STEP_SUMMARY`.
fn github_actions(report: &GradeReport, submissions: &Path) {
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
struct ProgressBar(Option<indicatif::ProgressBar>);

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

impl rubricate::grade::Progress for ProgressBar {
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

fn lint(args: LintArgs) -> u8 {
    let (mut errors, mut warnings) = (0, 0);
    for path in &args.rubrics {
        let diagnostics = match rubric::load(path) {
            Ok(rubric) => rubric.warning_diagnostics(),
            Err(RubricError::Invalid(d)) => d,
            Err(other) => {
                eprintln!("error: {other}");
                errors += 1;
                continue;
            }
        };
        eprint!("{}", diagnostics.render());
        errors += diagnostics.errors();
        warnings += diagnostics.warnings();
    }
    let checked = args.rubrics.len();
    eprintln!(
        "checked {checked} rubric{}: {errors} error{}, {warnings} warning{}",
        plural(checked),
        plural(errors),
        plural(warnings)
    );
    if errors > 0 {
        exit::USAGE
    } else if warnings > 0 && args.deny_warnings {
        exit::UNREADABLE
    } else {
        exit::OK
    }
}

fn test_examples(args: TestArgs) -> u8 {
    let rubric = match rubric::load(&args.rubric) {
        Ok(r) => r,
        Err(e) => return rubric_failure(&e),
    };
    let results = rubricate::examples::run_examples(&rubric);
    let mut out = std::io::stdout().lock();
    let file = args.rubric.display();
    for r in &results {
        let status = if r.passed() { "ok  " } else { "FAIL" };
        let _ = writeln!(
            out,
            "{status} {} example {} ({file}:{}): {}/{}",
            r.question, r.number, r.line, r.got, r.expected
        );
        for failure in &r.failures {
            let _ = writeln!(out, "       {failure}");
        }
        if !r.passed() {
            let _ = writeln!(
                out,
                "       answer: {}",
                r.answer.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            if let Some(why) = &r.why {
                let _ = writeln!(out, "       why: {why}");
            }
        }
    }
    let failed = results.iter().filter(|r| !r.passed()).count();
    let _ = writeln!(
        out,
        "examples: {} passed, {failed} failed",
        results.len() - failed
    );
    if results.is_empty() {
        eprintln!("warning: `{file}` has no `[[question.example]]`");
    }
    if failed > 0 {
        exit::UNREADABLE
    } else {
        exit::OK
    }
}

fn agree(args: AgreeArgs) -> u8 {
    use rubricate::agreement::{compare, GradeTable};
    let expected = match GradeTable::read_csv(&args.expected) {
        Ok(t) => t,
        Err(e) => return fail(&e.to_string()),
    };
    let report: Option<rubricate::grades::GradeReport> = match &args.grades {
        Some(path) if path.extension().is_some_and(|x| x == "json") => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => return fail(&format!("cannot read `{}`: {e}", path.display())),
            };
            match serde_json::from_str(&text) {
                Ok(r) => Some(r),
                Err(e) => {
                    return fail(&format!(
                        "`{}` is not a rubricate grades.json: {e}",
                        path.display()
                    ))
                }
            }
        }
        Some(_) => None,
        None => {
            let (_, rubric) = match load_rubric(args.rubric.clone()) {
                Ok(loaded) => loaded,
                Err(code) => return code,
            };
            let folder = args
                .submissions
                .clone()
                .unwrap_or_else(|| PathBuf::from("submissions"));
            match Grader::new(&rubric).grade_folder(&folder, &[]) {
                Ok(r) => Some(r),
                Err(e) => return fail(&e.to_string()),
            }
        }
    };
    let awarded = match (&report, &args.grades) {
        (Some(r), _) => GradeTable::from_report(r),
        (None, Some(csv)) => match GradeTable::read_csv(csv) {
            Ok(t) => t,
            Err(e) => return fail(&e.to_string()),
        },
        (None, None) => unreachable!("without a grades file the submissions are graded"),
    };
    let agreement = match compare(&expected, &awarded, &args.expected) {
        Ok(a) => a,
        Err(e) => return fail(&e.to_string()),
    };
    let mut out = std::io::stdout().lock();
    let name = args.expected.display().to_string();
    match rubricate::report::write_agreement(&agreement, &name, report.as_ref(), &mut out) {
        Ok(()) => exit::OK,
        Err(e) => fail(&error_chain(&e)),
    }
}

fn explain(args: ExplainArgs) -> u8 {
    use rubricate::grades::AnswerLocation;
    let (_, rubric) = match load_rubric(args.rubric.clone()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let Some(question) = rubric.questions.iter().find(|q| q.id.as_str() == args.question) else {
        let ids: Vec<&str> = rubric.questions.iter().map(|q| q.id.as_str()).collect();
        return fail(&format!(
            "no question `{}` in the rubric (it has {})",
            args.question,
            ids.join(", ")
        ));
    };
    let (text, location) = match (&args.answer, &args.file) {
        (Some(answer), _) => {
            let location = AnswerLocation {
                file: "<command line>".into(),
                line: 1,
                label: question.id.to_string(),
            };
            (answer.clone(), location)
        }
        (None, Some(file)) => {
            let submission_file = rubricate::submission::SubmissionFile {
                path: file.clone(),
                display: file.clone(),
            };
            let document = match rubricate::submission::read_document(&submission_file) {
                Ok(d) => d,
                Err(e) => return fail(&e.to_string()),
            };
            let grader = Grader::new(&rubric);
            let split = rubricate::answers::split(std::slice::from_ref(&document), &grader.labels);
            match split.answers.get(&question.id) {
                Some(found) => (found.text.clone(), found.location.clone()),
                None => {
                    let labels = grader.labels.looked_for(&question.id).join(", ");
                    return fail(&format!(
                        "no answer to `{}` in `{}` (looked for {labels})",
                        question.id,
                        file.display()
                    ));
                }
            }
        }
        (None, None) => return fail("give the answer text or --file"),
    };
    let explanation = rubricate::explain::explain(question, &text, location);
    let mut out = anstream::stdout().lock();
    match rubricate::report::write_explanation(&explanation, &mut out) {
        Ok(()) => exit::OK,
        Err(e) => fail(&error_chain(&e)),
    }
}

fn check(args: CheckArgs) -> u8 {
    let (_, rubric) = match load_rubric(args.rubric.clone()) {
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
        let report = rubricate::check::check(&grader, &documents);
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
fn watch(files: &[PathBuf], again: impl Fn() -> u8) -> u8 {
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

fn export(args: ExportArgs) -> u8 {
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
        Err(message) => return fail(&message),
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

fn patterns(args: PatternsArgs) -> u8 {
    use rubricate::rubric::{ConceptRule, Pattern};
    let rubric = match rubric::load(&args.rubric) {
        Ok(r) => r,
        Err(e) => return rubric_failure(&e),
    };
    let as_regex = |p: &Pattern| match p {
        Pattern::Phrase(phrase) => phrase.to_regex(),
        Pattern::Regex { regex, .. } => regex.as_str().to_string(),
    };
    let mut out = std::io::stdout().lock();
    let mut seen = std::collections::BTreeSet::new();
    for q in &rubric.questions {
        let mut all: Vec<&Pattern> = Vec::new();
        for c in &q.concepts {
            match &c.rule {
                ConceptRule::Patterns(set) => all.extend(set.asserted.iter().chain(&set.negated)),
                ConceptRule::Choice(choice) => all.extend(
                    choice
                        .options
                        .iter()
                        .flat_map(|o| &o.patterns)
                        .chain(&choice.accept),
                ),
            }
            all.extend(c.partial.iter().flat_map(|p| &p.patterns));
        }
        all.extend(q.misconceptions.iter().flat_map(|m| &m.patterns));
        for p in all {
            let line = as_regex(p);
            if seen.insert(line.clone()) {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    exit::OK
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The rubric named, or the default one, loaded; on failure the problem is printed and the
/// exit code returned.
fn load_rubric(named: Option<PathBuf>) -> Result<(PathBuf, rubricate::rubric::Rubric), u8> {
    let path = named
        .map_or_else(default_rubric, Ok)
        .map_err(|message| fail(&message))?;
    let rubric = rubric::load(&path).map_err(|e| rubric_failure(&e))?;
    Ok((path, rubric))
}

/// The rubric to use when none is named: the only `.toml` file in `rubrics/`.
fn default_rubric() -> Result<PathBuf, String> {
    let dir = Path::new("rubrics");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("no --rubric given and cannot read `rubrics/`: {e}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err("no --rubric given and no .toml file in `rubrics/`".into()),
        _ => Err(format!(
            "no --rubric given and `rubrics/` holds several: {}",
            found
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn rubric_failure(error: &RubricError) -> u8 {
    match error {
        RubricError::Invalid(diagnostics) => {
            eprint!("{}", diagnostics.render());
            eprintln!("{diagnostics}");
            let n = diagnostics.problems.len();
            eprintln!(
                "error: rubric `{}` has {n} problem{}; nothing was graded",
                diagnostics.path.display(),
                plural(n)
            );
        }
        other => eprintln!("error: {other}"),
    }
    exit::USAGE
}

fn fail(message: &str) -> u8 {
    eprintln!("error: {message}");
    exit::USAGE
}

/// An error and its causes on one line: `cannot write out/grades.csv: permission denied`.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
