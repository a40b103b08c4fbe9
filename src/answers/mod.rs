//! Stage 3 of the data path: split a student's documents into one answer per rubric question,
//! by the labels the student wrote (`1c-ii`, `Question 1 (c) (ii)`, a nested `(ii)`, ...).

mod labels;
mod path;
mod recognize;
mod split;

pub use labels::LabelIndex;
pub use path::Part;
pub use split::{split, FoundAnswer, SplitAnswers};
