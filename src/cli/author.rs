//! Commands for rubric authors: `draft`, `lint`, `test`, `agree`, `explain`, `patterns`,
//! `suggest` and `synonyms`.

use std::io::Write;
use std::path::PathBuf;

use rubricate::grading::grader::Grader;
use rubricate::rubric::{self, RubricError};

use super::{error_chain, exit, fail, load_rubric, plural, rubric_failure, RubricUse};

#[derive(clap::Args)]
pub struct DraftArgs {
    /// The answer key: Markdown or text, one label per question (`## 1 (5 points)`, `Q2:`),
    /// with an optional `Question:` line and the reference answer (`Answer:` or the text).
    #[arg(value_name = "KEY")]
    key: PathBuf,
    /// Write the rubric here (default: print it).
    #[arg(short, long, value_name = "RUBRIC")]
    output: Option<PathBuf>,
    /// Points for each question whose label line and heading (`(N pts each)`) give none;
    /// without it, such a question is worth its `N pt:` items added up.
    #[arg(long, value_name = "N")]
    points: Option<f64>,
    /// Replace the output file if it exists.
    #[arg(long, requires = "output")]
    force: bool,
    /// Draft for graders who give partial credit to every serious attempt: in a free-text
    /// question, an answer on the topic with none of the key's ideas earns 60% (not 40%),
    /// and any other answer 40%, unless it is a non-answer ("not answered", "I don't know").
    #[arg(long)]
    credit_attempts: bool,
}

/// `rubricate draft`: a first rubric from an answer key, printed or written atomically.
pub fn draft(args: DraftArgs) -> u8 {
    use rubricate::authoring::draft::{draft, read_key, DraftOptions};
    let points = match args.points {
        Some(p) if !(p.is_finite() && p > 0.0 && p <= 10_000.0) => {
            return fail(&format!(
                "--points must be a number of points above 0 and at most 10000, not {p}"
            ))
        }
        p => p.map(rubricate::ids::Points::from_f64),
    };
    let drafted = match read_key(&args.key).and_then(|key| {
        let options = DraftOptions {
            points,
            credit_attempts: args.credit_attempts,
        };
        draft(&key, options)
    }) {
        Ok(d) => d,
        Err(e) => return fail(&error_chain(&e)),
    };
    let toml = drafted.to_toml();
    let Some(output) = args.output else {
        let mut out = std::io::stdout().lock();
        return match out.write_all(toml.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => exit::OK,
            Err(e) => fail(&format!("cannot write the rubric to standard output: {e}")),
        };
    };
    match write_atomically(&output, &toml, args.force) {
        Ok(()) => {
            eprintln!(
                "drafted {} question{} into {}; next: rubricate lint {}",
                drafted.questions.len(),
                plural(drafted.questions.len()),
                output.display(),
                output.display()
            );
            exit::OK
        }
        Err(message) => fail(&message),
    }
}

/// Write `text` to `path` through a temporary file in the same folder, renamed into place
/// ([`rubricate::report::stage`]: a normal file's permissions), so the file is never seen
/// half-written; an existing file is kept unless `force`.
fn write_atomically(path: &std::path::Path, text: &str, force: bool) -> Result<(), String> {
    if path.exists() && !force {
        return Err(format!("`{}` exists; pass --force to replace it", path.display()));
    }
    let staged = rubricate::report::stage(path, |out| {
        out.write_all(text.as_bytes())
            .map_err(rubricate::report::ReportError::Io)
    });
    let written = staged.and_then(|staged| {
        if force {
            staged.commit()
        } else {
            // Refuses a file created meanwhile, too.
            staged.commit_new()
        }
    });
    written.map_err(|e| error_chain(&e))
}

#[derive(clap::Args)]
pub struct LintArgs {
    /// Rubric files to check.
    #[arg(required = true, value_name = "RUBRIC")]
    rubrics: Vec<PathBuf>,
    /// Exit with 1 when there are warnings (errors always exit with 2).
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(clap::Args)]
pub struct TestArgs {
    /// The rubric whose `[[question.example]]`s to run.
    #[arg(value_name = "RUBRIC")]
    rubric: PathBuf,
}

#[derive(clap::Args)]
pub struct AgreeArgs {
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
pub struct SuggestArgs {
    /// A run's grades.json, with the TA's decisions on answer groups (default: out/grades.json).
    #[arg(value_name = "GRADES", default_value = "out/grades.json")]
    grades: PathBuf,
    /// The rubric the run was graded with (default: the one rubric in `rubrics/`).
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
}

/// `rubricate suggest`: phrases to add to the rubric, from the groups a TA credited.
pub fn suggest(args: SuggestArgs) -> u8 {
    let (_, rubric) = match load_rubric(args.rubric, RubricUse::Grading) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let text = match std::fs::read_to_string(&args.grades) {
        Ok(t) => t,
        Err(e) => return fail(&format!("cannot read `{}`: {e}", args.grades.display())),
    };
    let report: rubricate::grading::grades::GradeReport = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            return fail(&format!(
                "`{}` is not a rubricate grades.json: {e}",
                args.grades.display()
            ))
        }
    };
    let suggestions = rubricate::authoring::suggest::suggest(&rubric, &report);
    let mut stdout = std::io::stdout().lock();
    match rubricate::report::write_suggestions(&suggestions, &mut stdout) {
        Ok(()) => exit::OK,
        Err(e) => fail(&error_chain(&e)),
    }
}

#[derive(clap::Args)]
pub struct ExplainArgs {
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
pub struct SynonymsArgs {
    /// Words to look up, as written in `{~WORD}`.
    #[arg(required = true, value_name = "WORD")]
    words: Vec<String>,
}

/// `rubricate synonyms`: what `{~WORD}` matches besides the word, closest first.
pub fn synonyms(args: SynonymsArgs) -> u8 {
    let mut out = std::io::stdout().lock();
    for word in &args.words {
        let found = rubricate::matching::pattern::thesaurus_synonyms(word);
        let line = if found.is_empty() {
            format!("{word}: no synonyms (`{{~{word}}}` matches only the word itself)")
        } else {
            format!("{word}: {}", found.join(", "))
        };
        if writeln!(out, "{line}").is_err() {
            return exit::OK; // stdout closed (`| head`): nothing more to say
        }
    }
    exit::OK
}

#[derive(clap::Args)]
pub struct PatternsArgs {
    #[arg(value_name = "RUBRIC")]
    rubric: PathBuf,
}

pub fn lint(args: LintArgs) -> u8 {
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

pub fn test_examples(args: TestArgs) -> u8 {
    let rubric = match rubric::load(&args.rubric).and_then(|r| r.require_staff().map(|()| r)) {
        Ok(r) => r,
        Err(e) => return rubric_failure(&e),
    };
    let results = rubricate::authoring::examples::run_examples(&rubric);
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

pub fn agree(args: AgreeArgs) -> u8 {
    use rubricate::authoring::agreement::{compare, GradeTable};
    let expected = match GradeTable::read_csv(&args.expected) {
        Ok(t) => t,
        Err(e) => return fail(&e.to_string()),
    };
    let report: Option<rubricate::grading::grades::GradeReport> = match &args.grades {
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
            let (_, rubric) = match load_rubric(args.rubric.clone(), RubricUse::Grading) {
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

pub fn explain(args: ExplainArgs) -> u8 {
    use rubricate::grading::grades::AnswerLocation;
    let (_, rubric) = match load_rubric(args.rubric.clone(), RubricUse::Grading) {
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
                cell: None,
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
    let explanation = rubricate::authoring::explain::explain(question, &text, location);
    let mut out = anstream::stdout().lock();
    match rubricate::report::write_explanation(&explanation, &mut out) {
        Ok(()) => exit::OK,
        Err(e) => fail(&error_chain(&e)),
    }
}

pub fn patterns(args: PatternsArgs) -> u8 {
    use rubricate::rubric::Pattern;
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
        all.extend(q.concepts.iter().flat_map(|c| c.patterns()));
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
