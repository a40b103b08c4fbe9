//! `grades.json`: the report's serde form.

use std::io::Write;

use crate::grades::GradeReport;

use super::{ReportError, ReportWriter};

/// The [`GradeReport`] serialized as-is, pretty-printed, with a trailing newline.
///
/// Deterministic: the report holds only structs and vectors (no maps), so the same report always
/// produces the same bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct GradesJson;

impl ReportWriter for GradesJson {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        out.write_all(b"\n")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn grades_json_snapshot() {
        insta::assert_snapshot!(GradesJson.render(&fixture::report()).unwrap());
    }

    #[test]
    fn json_is_valid_deterministic_and_ends_with_a_newline() {
        let report = fixture::report();
        let text = GradesJson.render(&report).unwrap();
        assert!(text.ends_with("}\n"));
        assert_eq!(text, GradesJson.render(&report).unwrap());
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["students"][1]["total"], serde_json::json!(1.5));
        assert_eq!(value["students"][2]["status"], "unreadable");
        assert!(value["students"][2]["reason"].is_string());
    }
}
