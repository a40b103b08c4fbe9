//! The label splitter on arbitrary text against the bundled rubric's questions: never panics,
//! and every answer it returns is for a known question.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rubricate::answers::{split, LabelIndex};
use rubricate::ids::QuestionId;
use rubricate::submission::{Document, SourceLine};

fn index() -> &'static (LabelIndex, Vec<QuestionId>) {
    static INDEX: OnceLock<(LabelIndex, Vec<QuestionId>)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let ids: Vec<QuestionId> = ["1a", "1b", "1c-i", "1c-ii", "1c-iii", "1c-iv", "2a", "2b", "3a", "3b-i", "3b-ii", "3c"]
            .iter()
            .map(|id| QuestionId(id.to_string()))
            .collect();
        (LabelIndex::new(ids.iter().map(|id| (id.clone(), Vec::new()))), ids)
    })
}

fuzz_target!(|text: &str| {
    let (index, ids) = index();
    let lines = text.lines().enumerate().map(|(i, l)| SourceLine::new(i + 1, l)).collect();
    let doc = Document { path: PathBuf::from("x.md"), lines, warnings: Vec::new(), hidden: Vec::new() };
    let found = split(&[doc], index);
    assert!(found.answers.keys().all(|id| ids.contains(id)));
});
