//! The `rubricate` command line: parses flags and hands each command to its module in `cli/`;
//! every grading, matching and report lives in the library. Exit codes: 0 all graded, 1 some
//! submissions unreadable (or a failed check), 2 rubric or usage error, 3 below `--fail-under`.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::author::{
    AgreeArgs, DraftArgs, ExplainArgs, LintArgs, PatternsArgs, SuggestArgs, SynonymsArgs, TestArgs,
};
use cli::grade::GradeArgs;
use cli::student::{CheckArgs, ExportArgs};

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
    /// Draft a rubric from an answer key: each reference answer's key terms as the ideas of a
    /// coverage concept, with comments marking what was drafted.
    Draft(DraftArgs),
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
    /// Write an edition of a rubric (`--student`: ids, labels, points, word limits and the
    /// concepts released for practice; no answer key).
    Export(ExportArgs),
    /// Print every pattern of a rubric as a regular expression, one per line (for a plain-text
    /// search such as `rg -f`, as the scale benchmark does).
    Patterns(PatternsArgs),
    /// Propose phrases for the rubric from the answer groups a TA credited (`grade
    /// --decisions`), as TOML to paste, with the answers and groups each would change.
    Suggest(SuggestArgs),
    /// Print what `{~WORD}` in a phrase matches besides WORD: its synonyms from the built-in
    /// thesaurus (WordNet 3.0), closest first.
    Synonyms(SynonymsArgs),
}

// Grading allocates many small, short-lived strings and vectors on every worker thread;
// mimalloc's per-thread heaps serve them faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let parsed = Cli::parse();
    let code = match parsed.command {
        Command::Grade(args) => cli::grade::grade(args),
        Command::Draft(args) => cli::author::draft(args),
        Command::Lint(args) => cli::author::lint(args),
        Command::Suggest(args) => cli::author::suggest(args),
        Command::Test(args) => cli::author::test_examples(args),
        Command::Agree(args) => cli::author::agree(args),
        Command::Explain(args) => cli::author::explain(args),
        Command::Check(args) => cli::student::check(args),
        Command::Export(args) => cli::student::export(args),
        Command::Patterns(args) => cli::author::patterns(args),
        Command::Synonyms(args) => cli::author::synonyms(args),
    };
    ExitCode::from(code)
}
