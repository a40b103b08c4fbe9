//! The HTML and LaTeX visibility scanners on arbitrary text: never panic, and only ever turn a
//! character into a space (line breaks and tabs kept), so that visible text keeps its line and
//! column; every piece reported has words and a line inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rubricate::submission::{blank_hidden_html, blank_hidden_latex};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    for blanked in [blank_hidden_html(&text), blank_hidden_latex(&text)] {
        let mut out = blanked.text.chars();
        for c in text.chars() {
            let o = out.next().expect("blanking keeps every character");
            assert!(
                o == c || (o == ' ' && !matches!(c, '\n' | '\r' | '\t')),
                "{c:?} became {o:?}"
            );
        }
        assert!(out.next().is_none(), "blanking added characters");
        for (line, _, words) in &blanked.pieces {
            assert!((1..=lines).contains(line), "piece on line {line} of {lines}");
            assert!(!words.trim().is_empty());
        }
    }
});
