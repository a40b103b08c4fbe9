//! `grades.json`: the report's serde form.

use std::io::Write;

use crate::grading::grades::{AssignmentInfo, GradeReport, StudentGrade};

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

/// `grades.json` written one student at a time, byte for byte what [`GradesJson`] writes for
/// the whole report: serde_json renders the assignment and each student (in the worker threads,
/// see [`GradesJson::student`]); this only places them in the report's object and array, indented
/// to their depth (safe line by line: JSON strings never hold a raw newline).
impl GradesJson {
    /// Everything before the first student.
    pub fn opening(assignment: &AssignmentInfo) -> Result<Vec<u8>, ReportError> {
        let mut out = b"{\n  \"assignment\": ".to_vec();
        out.extend(indented(&serde_json::to_vec_pretty(assignment)?, 2));
        out.extend_from_slice(b",\n  \"students\": [");
        Ok(out)
    }

    /// One student, to follow the opening (`first`) or the previous student.
    pub fn student(student: &StudentGrade, first: bool) -> Result<Vec<u8>, ReportError> {
        let mut out = if first {
            b"\n    ".to_vec()
        } else {
            b",\n    ".to_vec()
        };
        out.extend(indented(&serde_json::to_vec_pretty(student)?, 4));
        Ok(out)
    }

    /// Everything after the last student.
    pub fn closing(students: usize) -> &'static [u8] {
        if students == 0 {
            b"]\n}\n"
        } else {
            b"\n  ]\n}\n"
        }
    }
}

/// Every line after the first indented by `by` spaces.
fn indented(json: &[u8], by: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + json.len() / 8);
    let mut lines = json.split(|&b| b == b'\n');
    if let Some(first) = lines.next() {
        out.extend_from_slice(first);
    }
    for line in lines {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', by));
        out.extend_from_slice(line);
    }
    out
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
    fn streamed_json_is_the_whole_reports_byte_for_byte() {
        let mut report = fixture::report();
        for students in [report.students.len(), 1, 0] {
            report.students.truncate(students);
            let mut streamed = GradesJson::opening(&report.assignment).unwrap();
            for (i, s) in report.students.iter().enumerate() {
                streamed.extend(GradesJson::student(s, i == 0).unwrap());
            }
            streamed.extend_from_slice(GradesJson::closing(report.students.len()));
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                GradesJson.render(&report).unwrap(),
                "{students} students"
            );
        }
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
