//! A gradebook CSV for Canvas's "Import" (Grades → Import), laid out as Canvas exports it.
//!
//! Canvas's importer (`lib/gradebook_importer.rb` in instructure/canvas-lms) wants a header
//! whose first column contains `Student`, whose second contains `ID`, and whose student columns
//! end with `Section`; with `SIS User ID` and `SIS Login ID` as the third and fourth columns it
//! reads five student columns, and every later column is an assignment. A row whose first cell
//! contains `Points Possible` gives the assignments' maxima. Each student row is matched by its
//! numeric Canvas `ID`, else by `SIS User ID`, else by `SIS Login ID`, else by name.

use std::io::Write;

use crate::grading::grades::{AssignmentInfo, GradeReport, StudentGrade, SubmissionStatus};

use super::csv::spreadsheet_safe;
use super::{ReportError, ReportWriter};

/// The student columns of a Canvas gradebook export, in Canvas's order.
pub const CANVAS_STUDENT_COLUMNS: [&str; 5] = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"];

/// Header `Student,ID,SIS User ID,SIS Login ID,Section,<assignment title>`, then
/// `    Points Possible,,,,,<max total>` (as Canvas exports it), then one row per student in the
/// report's order:
///
/// - `Student`: the roster's name, else the student id;
/// - `ID`: the roster's LMS (Canvas user) id, else empty;
/// - `SIS User ID`: empty (rubricate does not know it);
/// - `SIS Login ID`: the student id (the roster id once a roster was applied), left empty for a
///   submission that is not on the roster, so Canvas cannot credit it to someone by accident;
/// - `Section`: empty;
/// - the total score; `0` for a missing or unreadable submission.
///
/// Every text cell goes through [`spreadsheet_safe`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CanvasCsv;

impl ReportWriter for CanvasCsv {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        let mut csv = ::csv::Writer::from_writer(out);
        for row in CanvasCsv::header(&report.assignment) {
            csv.write_record(row)?;
        }
        for student in &report.students {
            csv.write_record(CanvasCsv::row(student))?;
        }
        csv.flush()?;
        Ok(())
    }
}

impl CanvasCsv {
    /// The header row and the `Points Possible` row.
    pub fn header(assignment: &AssignmentInfo) -> [Vec<String>; 2] {
        let title = spreadsheet_safe(&assignment.title);
        [
            CANVAS_STUDENT_COLUMNS
                .iter()
                .map(|c| c.to_string())
                .chain([title])
                .collect(),
            ["    Points Possible", "", "", "", ""]
                .iter()
                .map(|c| c.to_string())
                .chain([assignment.max_total.to_string()])
                .collect(),
        ]
    }

    /// One student's row.
    pub fn row(student: &StudentGrade) -> [String; 6] {
        let name = student
            .roster
            .as_ref()
            .map(|r| r.name.as_str())
            .filter(|name| !name.is_empty())
            .unwrap_or(student.student.as_str());
        let lms_id = student
            .roster
            .as_ref()
            .and_then(|r| r.lms_id.as_deref())
            .unwrap_or("");
        let login = if student.not_on_roster {
            ""
        } else {
            student.student.as_str()
        };
        [
            spreadsheet_safe(name),
            spreadsheet_safe(lms_id),
            String::new(),
            spreadsheet_safe(login),
            String::new(),
            score(student),
        ]
    }
}

fn score(student: &StudentGrade) -> String {
    match student.status {
        SubmissionStatus::Graded => student.total.to_string(),
        SubmissionStatus::Missing | SubmissionStatus::Unreadable { .. } => "0".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::grades::{AssignmentInfo, QuestionInfo, RosterEntry};
    use crate::ids::{Points, QuestionId, StudentId};

    fn student(id: &str, total: f64, roster: Option<(&str, Option<&str>)>) -> StudentGrade {
        StudentGrade {
            student: StudentId(id.to_string()),
            files: vec![format!("{id}.md")],
            status: SubmissionStatus::Graded,
            total: Points::from_f64(total),
            max_total: Points::whole(10),
            questions: Vec::new(),
            warnings: Vec::new(),
            unknown_labels: Vec::new(),
            hidden_text: Vec::new(),
            not_on_roster: roster.is_none(),
            roster: roster.map(|(name, lms_id)| RosterEntry {
                name: name.to_string(),
                email: format!("{id}@example.edu"),
                lms_id: lms_id.map(str::to_string),
            }),
            submitted_as: None,
        }
    }

    fn report() -> GradeReport {
        let mut jdoe = student("jdoe", 7.5, Some(("Doe, Jane", Some("4242"))));
        jdoe.submitted_as = Some("jdoe_late_4242_991_answers".to_string());

        let stranger = student("stranger_x", 4.0, None);

        let mut bkim = student("bkim", 0.0, Some(("Bo Kim", None)));
        bkim.files.clear();
        bkim.status = SubmissionStatus::Missing;

        let hostile = student(
            "mallory",
            3.0,
            Some(("=HYPERLINK(\"http://x.test\",\"hi\")", Some("77"))),
        );

        let mut unread = student("pdfonly", 0.0, Some(("Pat Diaz", Some("5150"))));
        unread.status = SubmissionStatus::Unreadable {
            reason: "pdfonly.pdf is not a text file".to_string(),
        };

        GradeReport {
            assignment: AssignmentInfo {
                id: "hw1".to_string(),
                title: "Homework 1: Fine-tuning".to_string(),
                rubric_fingerprint: String::new(),
                questions: vec![QuestionInfo {
                    id: QuestionId("1".to_string()),
                    max: Points::whole(10),
                }],
                max_total: Points::whole(10),
            },
            students: vec![bkim, jdoe, hostile, unread, stranger],
        }
    }

    #[test]
    fn canvas_csv_snapshot() {
        insta::assert_snapshot!(CanvasCsv.render(&report()).unwrap());
    }

    #[test]
    fn canvas_csv_reads_back_with_neutralised_cells() {
        let text = CanvasCsv.render(&report()).unwrap();
        let mut rdr = ::csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            [
                "Student",
                "ID",
                "SIS User ID",
                "SIS Login ID",
                "Section",
                "Homework 1: Fine-tuning"
            ]
        );
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(rows[0], ["    Points Possible", "", "", "", "", "10"]);
        assert_eq!(rows[1], ["Bo Kim", "", "", "bkim", "", "0"]);
        assert_eq!(rows[2], ["Doe, Jane", "4242", "", "jdoe", "", "7.5"]);
        assert_eq!(
            rows[3],
            [
                "'=HYPERLINK(\"http://x.test\",\"hi\")",
                "77",
                "",
                "mallory",
                "",
                "3"
            ]
        );
        assert_eq!(rows[4], ["Pat Diaz", "5150", "", "pdfonly", "", "0"]);
        assert_eq!(rows[5], ["stranger_x", "", "", "", "", "4"]);
    }

    #[test]
    fn without_a_roster_the_student_id_is_the_login() {
        let mut report = report();
        for s in &mut report.students {
            s.roster = None;
            s.not_on_roster = false;
        }
        report.students.truncate(1);
        report.students[0].student = StudentId("-jdoe".to_string());
        assert_eq!(
            CanvasCsv.render(&report).unwrap(),
            "Student,ID,SIS User ID,SIS Login ID,Section,Homework 1: Fine-tuning\n    \
             Points Possible,,,,,10\n'-jdoe,,,'-jdoe,,0\n"
        );
    }
}
