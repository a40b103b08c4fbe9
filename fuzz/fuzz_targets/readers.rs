//! Submission readers on arbitrary bytes, under every extension: never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rubricate::submission::{read_document, SubmissionFile};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("tempdir");
    let ext = ["md", "txt", "ipynb", "tex", "bin"][data.first().copied().unwrap_or(0) as usize % 5];
    let path = dir.path().join(format!("x.{ext}"));
    std::fs::write(&path, data).expect("write");
    let _ = read_document(&SubmissionFile { path, display: "x".into() });
});
