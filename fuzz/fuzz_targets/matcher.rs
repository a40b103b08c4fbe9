//! Matching and scoring arbitrary answers against every question of the bundled rubric: never
//! panics, and every score stays within its question's maximum.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rubricate::grading::grades::AnswerLocation;
use rubricate::rubric::Rubric;
use rubricate::grading::scoring::{score_question, AnswerInput};

fn rubric() -> &'static Rubric {
    static RUBRIC: OnceLock<Rubric> = OnceLock::new();
    RUBRIC.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rubrics/finetuning-review.toml");
        rubricate::rubric::load(&path).expect("bundled rubric")
    })
}

fuzz_target!(|text: &str| {
    for question in &rubric().questions {
        let location = AnswerLocation { file: "x".into(), line: 1, label: question.id.to_string(), cell: None };
        let grade = score_question(question, AnswerInput::Found { location, text, answered_twice: false });
        assert!(grade.score <= grade.max);
        let _ = rubricate::authoring::explain::explain(question, text, AnswerLocation { file: "x".into(), line: 1, label: String::new(), cell: None });
    }
});
