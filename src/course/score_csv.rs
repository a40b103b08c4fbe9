//! The CSV files a TA writes to set scores (overrides, group decisions): a header naming the
//! columns (any case, in any order, other columns ignored), one score per row checked against
//! the rubric's question, every error at its file and line.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::grading::grades::{AssignmentInfo, QuestionInfo};
use crate::ids::Points;

/// Why a scores file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScoreCsvError {
    #[error("cannot read {what} `{}`: {source}", path.display())]
    Csv {
        what: &'static str,
        path: PathBuf,
        source: csv::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

/// One row: its line in the file and its fields, by column name.
pub struct ScoreRow {
    pub line: u64,
    record: csv::StringRecord,
}

/// A scores file being read.
pub struct ScoreCsv<'p> {
    path: &'p Path,
    what: &'static str,
    reader: csv::Reader<File>,
    headers: Vec<String>,
}

impl<'p> ScoreCsv<'p> {
    /// Open `path` (a file of `what`, for messages); its header must name every column of
    /// `required`, and may name those of `optional`.
    pub fn open(
        path: &'p Path,
        what: &'static str,
        required: &[&str],
        optional: &[&str],
    ) -> Result<ScoreCsv<'p>, ScoreCsvError> {
        let csv_error = |source| ScoreCsvError::Csv {
            what,
            path: path.to_path_buf(),
            source,
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(csv_error)?;
        let headers: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.to_lowercase())
            .collect();
        let file = ScoreCsv {
            path,
            what,
            reader,
            headers,
        };
        if required.iter().any(|name| file.column(name).is_none()) {
            let names = |names: &[&str]| {
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut message = format!("the header must name the columns {}", names(required));
            if !optional.is_empty() {
                message.push_str(&format!(" (and optionally {})", names(optional)));
            }
            return Err(file.invalid(1, message));
        }
        Ok(file)
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The rows, in order.
    pub fn rows(&mut self) -> impl Iterator<Item = Result<ScoreRow, ScoreCsvError>> + '_ {
        let (what, path) = (self.what, self.path);
        self.reader.records().map(move |record| {
            let record = record.map_err(|source| ScoreCsvError::Csv {
                what,
                path: path.to_path_buf(),
                source,
            })?;
            let line = record.position().map_or(0, |p| p.line());
            Ok(ScoreRow { line, record })
        })
    }

    /// The field of `row` under the column `name` (empty when there is none).
    pub fn field(&self, row: &ScoreRow, name: &str) -> String {
        self.column(name)
            .and_then(|i| row.record.get(i))
            .unwrap_or("")
            .to_string()
    }

    pub fn invalid(&self, line: u64, message: String) -> ScoreCsvError {
        ScoreCsvError::Invalid {
            path: self.path.to_path_buf(),
            line,
            message,
        }
    }

    /// The rubric's question named `question`, and `points` read as a score within its maximum.
    pub fn score<'a>(
        &self,
        line: u64,
        assignment: &'a AssignmentInfo,
        question: &str,
        points: &str,
    ) -> Result<(&'a QuestionInfo, Points), ScoreCsvError> {
        let Some(info) = assignment.questions.iter().find(|q| q.id.as_str() == question) else {
            return Err(self.invalid(line, format!("no question `{question}` in the rubric")));
        };
        let value: f64 = points
            .parse()
            .map_err(|_| self.invalid(line, format!("`{points}` is not a number of points")))?;
        let score = Points::from_f64(value);
        if !value.is_finite() || value < 0.0 || score > info.max {
            return Err(self.invalid(
                line,
                format!(
                    "{score} points is outside 0..={} for question `{question}`",
                    info.max
                ),
            ));
        }
        Ok((info, score))
    }
}
