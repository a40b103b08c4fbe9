//! `grades.csv`: the gradebook, one row per student and one column per question.

use std::io::Write;

use crate::grading::grades::{AssignmentInfo, GradeReport, StudentGrade};
use crate::ids::{Points, QuestionId};

use super::{ReportError, ReportWriter};

/// Header `student,<question ids in rubric order>,total`; one row per student in the report's
/// order; each cell is the question's score as [`Points`] displays it (`2`, `1.5`).
///
/// A question the student has no entry for (an unreadable submission may have none) reads `0`.
#[derive(Debug, Clone, Copy, Default)]
pub struct GradesCsv;

impl ReportWriter for GradesCsv {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        let mut csv = ::csv::Writer::from_writer(out);
        csv.write_record(GradesCsv::header(&report.assignment))?;
        for student in &report.students {
            csv.write_record(GradesCsv::row(&report.assignment, student))?;
        }
        csv.flush()?;
        Ok(())
    }
}

impl GradesCsv {
    /// The header row.
    pub fn header(assignment: &AssignmentInfo) -> Vec<&str> {
        std::iter::once("student")
            .chain(assignment.questions.iter().map(|q| q.id.as_str()))
            .chain(std::iter::once("total"))
            .collect()
    }

    /// One student's row.
    pub fn row(assignment: &AssignmentInfo, student: &StudentGrade) -> Vec<String> {
        let mut row = Vec::with_capacity(assignment.questions.len() + 2);
        row.push(spreadsheet_safe(student.student.as_str()));
        row.extend(
            assignment
                .questions
                .iter()
                .map(|q| score(student, &q.id).to_string()),
        );
        row.push(student.total.to_string());
        row
    }
}

/// A cell of student-controlled text, made safe for spreadsheets: text that begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would be run as a formula by Excel or Sheets
/// (CSV injection), so it gets a leading `'`, which both show as plain text.
pub fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn score(student: &StudentGrade, id: &QuestionId) -> Points {
    student
        .questions
        .iter()
        .find(|q| &q.id == id)
        .map_or(Points::ZERO, |q| q.score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn formula_like_cells_are_neutralised() {
        for hostile in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(hostile), format!("'{hostile}"));
        }
        assert_eq!(spreadsheet_safe("jdoe"), "jdoe");
        assert_eq!(spreadsheet_safe("o'brien"), "o'brien");
    }

    #[test]
    fn grades_csv_snapshot() {
        insta::assert_snapshot!(GradesCsv.render(&fixture::report()).unwrap());
    }

    #[test]
    fn hostile_ids_are_quoted_and_read_back() {
        let text = GradesCsv.render(&fixture::report()).unwrap();
        let mut rdr = ::csv::Reader::from_reader(text.as_bytes());
        let ids: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
        assert_eq!(ids, ["aokonkwo", "brennan, \"finn\"", "gtanaka"]);
    }

    #[test]
    fn empty_report_has_just_the_header() {
        let mut report = fixture::report();
        report.students.clear();
        assert_eq!(
            GradesCsv.render(&report).unwrap(),
            "student,1a,1b,1c-i,1c-ii,2a,2b,total\n"
        );
    }
}
