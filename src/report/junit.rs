//! JUnit XML (via quick-junit): one test suite per student, one test case per question,
//! failing below full marks with the feedback as the message, so any CI shows per-question
//! results.

use std::io::Write;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::grading::grades::{GradeReport, Outcome, SubmissionStatus, Visibility};

use super::feedback::{concept_line, idea_lines, one_line};
use super::{ReportError, ReportWriter};

#[derive(Debug, Clone, Copy, Default)]
pub struct JunitXml;

impl ReportWriter for JunitXml {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        let mut junit = Report::new(format!("rubricate: {}", report.assignment.title));
        for student in &report.students {
            let mut suite = TestSuite::new(student.student.to_string());
            match &student.status {
                SubmissionStatus::Unreadable { reason } => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                    status.set_message(format!("could not be read: {}", one_line(reason)));
                    suite.add_test_case(TestCase::new("submission", status));
                }
                // A roster student with nothing handed in has no question cases; without this
                // one their suite would hold no test at all and count as passing.
                SubmissionStatus::Missing => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status.set_message("no submission");
                    suite.add_test_case(TestCase::new("submission", status));
                }
                SubmissionStatus::Graded => {}
            }
            for q in &student.questions {
                let status = if q.score >= q.max {
                    TestCaseStatus::success()
                } else {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status.set_message(format!("{} / {} points", q.score, q.max));
                    let lines: Vec<String> = q
                        .concepts
                        .iter()
                        .filter(|c| c.visibility == Visibility::Visible)
                        .filter(|c| !c.max.is_zero() || c.outcome == Outcome::Misconception)
                        .flat_map(|c| {
                            let ideas = idea_lines(c).into_iter().map(|idea| format!("  {idea}"));
                            std::iter::once(concept_line(c)).chain(ideas)
                        })
                        .chain(q.feedback.iter().map(|f| one_line(f)))
                        .collect();
                    status.set_description(lines.join("\n"));
                    status
                };
                let mut case = TestCase::new(format!("{} {}", student.student, q.id), status);
                case.set_classname(student.student.to_string());
                suite.add_test_case(case);
            }
            junit.add_test_suite(suite);
        }
        let xml = junit
            .to_string()
            .map_err(|e| ReportError::Io(std::io::Error::other(e.to_string())))?;
        out.write_all(xml.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::grades::StudentGrade;
    use crate::ids::{Points, StudentId};
    use crate::report::fixture_report;

    #[test]
    fn a_roster_student_with_no_submission_fails() {
        let mut report = fixture_report();
        report.students.push(StudentGrade::without_answers(
            StudentId("zabsent".into()),
            SubmissionStatus::Missing,
            Points::whole(4),
        ));
        let mut out = Vec::new();
        JunitXml.write(&report, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        let suite = &xml[xml
            .find("<testsuite name=\"zabsent\"")
            .expect("the student's suite")..];
        let suite = &suite[..suite.find("</testsuite>").unwrap()];
        assert!(suite.contains("tests=\"1\""), "{suite}");
        assert!(suite.contains("failures=\"1\""), "{suite}");
        assert!(suite.contains("<failure message=\"no submission\""), "{suite}");
    }
}
