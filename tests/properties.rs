//! Properties of grading that must hold for any input (proptest).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use rubricate::grading::grader::Grader;
use rubricate::grading::grades::StudentGrade;
use rubricate::ids::{Points, StudentId};
use rubricate::rubric::{self, Rubric};
use rubricate::submission::{read_document, Document, SourceLine, SubmissionFile};

fn rubric() -> &'static Rubric {
    static RUBRIC: OnceLock<Rubric> = OnceLock::new();
    RUBRIC.get_or_init(|| {
        rubric::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/finetuning-review.toml"))
            .expect("bundled rubric")
    })
}

/// Words from the rubric's world and beyond, so generated answers hit, miss and negate.
const WORDS: &[&str] = &[
    "no",
    "yes",
    "not",
    "mask",
    "masking",
    "the",
    "whole",
    "input",
    "pretext",
    "task",
    "soft",
    "hard",
    "prompting",
    "linear",
    "probing",
    "full",
    "finetuning",
    "either",
    "or",
    "maybe",
    "BERT:",
    "T5:",
    "GPT:",
    "MLM",
    "span",
    "corruption",
    "next",
    "token",
    "prediction",
    "context",
    "window",
    "?",
    ".",
    ",",
    "so",
    "but",
    "bottleneck",
    "contextual",
    "frozen",
    "(d)",
    "(b)",
    "fientuning",
    "language",
    "model",
    "initialise",
    "encoder",
    "weights",
    "\u{200b}",
    "ñ",
    "—",
    "keep",
    "reconstruct",
    "cloze",
    "[MASK]",
    "\"yes\"",
];

fn answer() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..40).prop_map(|w| w.join(" "))
}

fn document(answers: &[(String, String)]) -> Document {
    let mut lines = Vec::new();
    for (label, text) in answers {
        lines.push(SourceLine::new(lines.len() + 1, format!("## {label}")));
        for line in text.lines() {
            lines.push(SourceLine::new(lines.len() + 1, line));
        }
    }
    Document {
        path: PathBuf::from("s.md"),
        lines,
        warnings: Vec::new(),
        hidden: Vec::new(),
    }
}

fn grade(answers: &[(String, String)]) -> StudentGrade {
    Grader::new(rubric()).grade_documents(StudentId("s".into()), &[document(answers)])
}

fn scores(g: &StudentGrade) -> Vec<(String, Points)> {
    g.questions.iter().map(|q| (q.id.to_string(), q.score)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_score_is_within_its_maximum(texts in prop::collection::vec(answer(), 12)) {
        let answers: Vec<(String, String)> =
            rubric().questions.iter().zip(texts).map(|(q, t)| (q.id.to_string(), t)).collect();
        let g = grade(&answers);
        for q in &g.questions {
            prop_assert!(q.score >= Points::ZERO && q.score <= q.max, "{} scored {} of {}", q.id, q.score, q.max);
            prop_assert!((0.0..=1.0).contains(&q.confidence));
        }
        prop_assert_eq!(g.total, g.questions.iter().map(|q| q.score).sum::<Points>());
    }

    #[test]
    fn the_order_of_answers_in_a_file_changes_nothing(texts in prop::collection::vec(answer(), 12), seed in any::<u64>()) {
        let answers: Vec<(String, String)> =
            rubric().questions.iter().zip(texts).map(|(q, t)| (q.id.to_string(), t)).collect();
        let mut shuffled = answers.clone();
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(scores(&grade(&answers)), scores(&grade(&shuffled)));
    }

    #[test]
    fn grading_is_idempotent(texts in prop::collection::vec(answer(), 12)) {
        let answers: Vec<(String, String)> =
            rubric().questions.iter().zip(texts).map(|(q, t)| (q.id.to_string(), t)).collect();
        let (a, b) = (grade(&answers), grade(&answers));
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }

    #[test]
    fn readers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048), ext in prop::sample::select(&["md", "txt", "ipynb", "tex"][..])) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("x.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        let file = SubmissionFile { path, display: PathBuf::from(format!("x.{ext}")) };
        if let Ok(doc) = read_document(&file) {
            // Whatever was read splits and grades without panicking either.
            let g = Grader::new(rubric()).grade_documents(StudentId("x".into()), &[doc]);
            prop_assert!(g.total <= g.max_total);
        }
    }

    #[test]
    fn text_made_of_markup_never_panics(text in "[\\\\{}$%#*_()\\[\\]<>!a-z \\n-]{0,300}") {
        let dir = tempfile::tempdir().unwrap();
        for ext in ["tex", "md"] {
            let path = dir.path().join(format!("y.{ext}"));
            std::fs::write(&path, &text).unwrap();
            let _ = read_document(&SubmissionFile { path, display: PathBuf::from("y") });
        }
    }
}
