//! Rubric errors: every problem found, each with the span of the TOML that caused it, rendered
//! as `file:line:column: message` or as a source snippet with a caret under the span.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

/// Why a rubric could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RubricError {
    #[error("cannot read rubric `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Invalid(Diagnostics),
    /// A command that produces grades was given the student edition, which holds no key.
    #[error(
        "`{}` is the student edition of a rubric (`edition = \"student\"`): it holds no answer \
         key and cannot grade; use the staff rubric it was exported from",
        path.display()
    )]
    StudentEdition { path: PathBuf },
}

/// Every problem found in one rubric file.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    pub path: PathBuf,
    pub text: String,
    pub problems: Vec<Problem>,
}

/// One problem, at a byte span of the rubric's text where one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub span: Option<Range<usize>>,
    pub message: String,
}

/// Errors stop a run; warnings are shown (and fail `lint --deny-warnings`) but grading goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

impl Problem {
    pub fn error(span: Option<Range<usize>>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            span,
            message: message.into(),
        }
    }

    pub fn warning(span: Option<Range<usize>>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            span,
            message: message.into(),
        }
    }
}

impl Diagnostics {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .count()
    }

    /// 1-based line and column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    /// The problems as source snippets with a caret under each span (rustc style).
    pub fn render(&self) -> String {
        let file = SimpleFile::new(self.path.display().to_string(), self.text.as_str());
        let config = term::Config::default();
        let mut out = String::new();
        for problem in &self.problems {
            let diagnostic = match problem.severity {
                Severity::Error => Diagnostic::error(),
                Severity::Warning => Diagnostic::warning(),
            };
            let mut diagnostic = diagnostic.with_message(problem.message.clone());
            if let Some(span) = &problem.span {
                diagnostic = diagnostic.with_labels(vec![Label::primary((), span.clone())]);
            }
            match term::emit_into_string(&config, &file, &diagnostic) {
                Ok(rendered) => out.push_str(&rendered),
                Err(_) => out.push_str(&format!("{}: {}\n", problem.severity, problem.message)),
            }
        }
        out
    }
}

impl fmt::Display for Diagnostics {
    /// One line per problem: `rubrics/x.toml:12:9: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match &problem.span {
                Some(span) => {
                    let (line, column) = self.line_column(span.start);
                    let (path, severity) = (self.path.display(), problem.severity);
                    write!(f, "{path}:{line}:{column}: {severity}: {}", problem.message)?;
                }
                None => write!(
                    f,
                    "{}: {}: {}",
                    self.path.display(),
                    problem.severity,
                    problem.message
                )?,
            }
        }
        Ok(())
    }
}
