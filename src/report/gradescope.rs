//! Gradescope's autograder `results.json` for one submission: one test per question, with
//! Markdown output, the rubric's visibility mapped onto Gradescope's, and hidden concepts'
//! names left out of everything a student can see.

use std::io::Write;

use serde::Serialize;

use crate::grading::grades::{
    GradeReport, Outcome, QuestionGrade, StudentGrade, SubmissionStatus, Visibility,
};

use super::feedback::{concept_line, idea_lines, one_line};
use super::{ReportError, ReportWriter};

/// `results.json` as Gradescope's autograder specification describes it.
#[derive(Debug, Clone, Copy, Default)]
pub struct GradescopeJson;

#[derive(Serialize)]
struct Results {
    score: f64,
    output: String,
    output_format: &'static str,
    visibility: &'static str,
    stdout_visibility: &'static str,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    number: String,
    score: f64,
    max_score: f64,
    status: &'static str,
    output: String,
    output_format: &'static str,
    visibility: &'static str,
}

impl ReportWriter for GradescopeJson {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        let results = match report.students.as_slice() {
            [student] => results(report, student),
            students => {
                return Err(ReportError::Io(std::io::Error::other(format!(
                    "Gradescope results are for one submission, and this run graded {}; use --single",
                    students.len()
                ))))
            }
        };
        serde_json::to_writer_pretty(&mut *out, &results)?;
        writeln!(out)?;
        Ok(())
    }
}

fn results(report: &GradeReport, student: &StudentGrade) -> Results {
    let output = match &student.status {
        SubmissionStatus::Unreadable { reason } => {
            format!(
                "Your submission could not be read: {}. Nothing was graded.",
                one_line(reason)
            )
        }
        SubmissionStatus::Missing => "No submission was found.".to_string(),
        SubmissionStatus::Graded => {
            let mut lines = vec![format!(
                "{}: {} / {} points.",
                report.assignment.title, student.total, student.max_total
            )];
            lines.extend(student.warnings.iter().map(|w| format!("- {}", one_line(w))));
            lines.join("\n")
        }
    };
    Results {
        score: student.total.as_f64(),
        output,
        output_format: "md",
        visibility: "visible",
        stdout_visibility: "hidden",
        tests: student.questions.iter().map(test).collect(),
    }
}

fn test(q: &QuestionGrade) -> Test {
    let mut lines = Vec::new();
    let mut hidden = (crate::ids::Points::ZERO, crate::ids::Points::ZERO);
    for c in &q.concepts {
        if c.max.is_zero() && c.outcome != Outcome::Misconception {
            continue;
        }
        if c.visibility == Visibility::Visible {
            lines.push(format!("- {}", concept_line(c)));
            lines.extend(idea_lines(c).into_iter().map(|idea| format!("  - {idea}")));
        } else {
            hidden = (hidden.0 + c.points, hidden.1 + c.max);
        }
    }
    if !hidden.1.is_zero() {
        lines.push(format!(
            "- {} of {} points from checks that are not shown",
            hidden.0, hidden.1
        ));
    }
    lines.extend(q.feedback.iter().map(|f| format!("- {}", one_line(f))));
    if let Some(o) = &q.overridden {
        lines.push(format!("- A TA set this score: {}", one_line(&o.comment)));
    } else if let Some(d) = &q.decision {
        lines.push(format!(
            "- A TA decided this score for every answer like yours: {}",
            one_line(&d.comment)
        ));
    }
    Test {
        name: format!("Question {}", q.id),
        number: q.id.to_string(),
        score: q.score.as_f64(),
        max_score: q.max.as_f64(),
        status: if q.score >= q.max { "passed" } else { "failed" },
        output: lines.join("\n"),
        output_format: "md",
        visibility: match q.visibility {
            Visibility::Visible => "visible",
            Visibility::AfterDue => "after_due_date",
            Visibility::Hidden => "hidden",
        },
    }
}
