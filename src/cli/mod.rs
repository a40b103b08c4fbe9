//! The command line's commands, one module per group of users: `grade` for a run over a
//! folder, `author` for rubric writers (lint, test, agree, explain, patterns), `student` for
//! self-checks (check, export). Shared here: exit codes, rubric loading, error printing.

pub mod author;
pub mod grade;
pub mod interrupt;
pub mod student;

use std::path::{Path, PathBuf};

use rubricate::rubric::{self, RubricError};

/// Exit codes, as documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    pub const UNREADABLE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const BELOW_THRESHOLD: u8 = 3;
    /// Another run holds the output folder.
    pub const BUSY: u8 = 4;
    /// Stopped by Ctrl-C (SIGINT) or SIGTERM, as shells report a SIGINT death.
    pub const INTERRUPTED: u8 = 130;
}

/// What a command does with its rubric.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RubricUse {
    /// Produces grades, so needs the staff's rubric: a student edition is refused.
    Grading,
    /// A student's self-check, which either edition serves.
    SelfCheck,
}

/// The rubric named, or the default one, loaded; on failure the problem is printed and the
/// exit code returned.
pub(crate) fn load_rubric(
    named: Option<PathBuf>,
    purpose: RubricUse,
) -> Result<(PathBuf, rubricate::rubric::Rubric), u8> {
    let path = named
        .map_or_else(default_rubric, Ok)
        .map_err(|message| fail(&message))?;
    let rubric = rubric::load(&path).map_err(|e| rubric_failure(&e))?;
    if purpose == RubricUse::Grading {
        rubric.require_staff().map_err(|e| rubric_failure(&e))?;
    }
    Ok((path, rubric))
}

/// The rubric to use when none is named: the only `.toml` file in `rubrics/`, not counting
/// student editions (`*.student.toml`, which `export --student` writes beside the rubric).
pub(crate) fn default_rubric() -> Result<PathBuf, String> {
    let dir = Path::new("rubrics");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("no --rubric given and cannot read `rubrics/`: {e}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| !is_student_edition_name(p))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(
            "no --rubric given and no staff rubric in `rubrics/` (a .toml file other than a \
             `*.student.toml` student edition)"
                .into(),
        ),
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

/// Named as `export --student` names a student edition: `<rubric>.student.toml`.
fn is_student_edition_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".student.toml"))
}

pub(crate) fn rubric_failure(error: &RubricError) -> u8 {
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

/// Print `error: <message>` (escaped: messages often name a student's file) and give exit 2.
pub(crate) fn fail(message: &str) -> u8 {
    eprintln!("error: {}", rubricate::report::printable(message));
    exit::USAGE
}

/// An error and its causes on one line: `cannot write out/grades.csv: permission denied`.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn student_edition_names_are_recognised() {
        assert!(is_student_edition_name(Path::new("rubrics/hw1.student.toml")));
        assert!(is_student_edition_name(Path::new("HW1.Student.TOML")));
        assert!(!is_student_edition_name(Path::new("rubrics/student.toml")));
        assert!(!is_student_edition_name(Path::new("rubrics/hw1.toml")));
    }
}
