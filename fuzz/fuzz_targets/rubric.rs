//! The rubric loader on arbitrary text: an error with a place, or a rubric, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(rubricate::rubric::RubricError::Invalid(d)) = rubricate::rubric::parse(Path::new("f.toml"), text) {
        let _ = d.render();
        let _ = d.to_string();
    }
});
