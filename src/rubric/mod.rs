//! Stage 1 of the data's path: the rubric. [`load`] reads a TOML file into [`raw`] types,
//! then [`validate`] turns them into the engine's [`model`], reporting every problem at once.

pub mod edition;
pub mod error;
pub mod model;
pub mod raw;
pub mod validate;

use std::path::Path;

pub use edition::{student_edition, EditionError};
pub use error::{Diagnostics, Problem, RubricError, Severity};
pub use model::*;

/// Read, parse and validate a rubric file.
pub fn load(path: &Path) -> Result<Rubric, RubricError> {
    let text = std::fs::read_to_string(path).map_err(|source| RubricError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

/// Parse and validate rubric text; `path` is only used to name the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<Rubric, RubricError> {
    let raw: raw::RawRubric = toml::from_str(text).map_err(|e| {
        RubricError::Invalid(Diagnostics {
            path: path.to_path_buf(),
            text: text.to_string(),
            problems: vec![Problem::error(e.span(), e.message().trim())],
        })
    })?;
    validate::validate(path, text, raw)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn bundled_rubric_is_valid_and_matches_the_key_totals() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/finetuning-review.toml");
        let rubric = match super::load(&path) {
            Ok(r) => r,
            Err(super::RubricError::Invalid(d)) => panic!("{}", d.render()),
            Err(e) => panic!("{e}"),
        };
        let ids: Vec<&str> = rubric.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(
            ids,
            ["1a", "1b", "1c-i", "1c-ii", "1c-iii", "1c-iv", "2a", "2b", "3a", "3b-i", "3b-ii", "3c"]
        );
        assert_eq!(rubric.max_total(), crate::ids::Points::whole(26));
    }
}
