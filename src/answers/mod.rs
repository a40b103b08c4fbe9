//! Stage 3 of the data path: split a student's documents into one answer per rubric question,
//! by the labels the student wrote (`1c-ii`, `Question 1 (c) (ii)`, a nested `(ii)`, ...).

mod discover;
mod labels;
mod path;
mod recognize;
mod split;

pub use discover::{label_id, label_lines, LabelLine, POINT_WORDS};
pub use labels::LabelIndex;
pub use path::Part;

/// The path of a question id (`1c-ii` → 1, c, ii), or `None` when the id is not a path.
pub fn parse_id(id: &str) -> Option<Vec<Part>> {
    path::parse_id(id)
}

/// A path as a label would show it: `1(c)(ii)`.
pub fn display_path(path: &[Part]) -> String {
    let mut parts = path.iter();
    let first = parts.next().map(ToString::to_string).unwrap_or_default();
    first + &parts.map(|p| format!("({p})")).collect::<String>()
}
pub use split::{split, FoundAnswer, SplitAnswers};
