//! The short plain-text table printed after a run.

use std::io::Write;

use unicode_segmentation::UnicodeSegmentation;

use crate::grades::{GradeReport, StudentGrade, SubmissionStatus};
use crate::ids::Points;

use super::{ReportError, ReportWriter};

/// A fixed-width table `student  total  flags` (one row per student, widths computed from the
/// content, no colour), then one line of counts and the mean total.
///
/// Flags read `missing:2b, misconception:1a` (the JSON's flag names with the question id), or
/// `unreadable: <reason>` for a submission that could not be read.
#[derive(Debug, Clone, Copy, Default)]
pub struct SummaryTable;

const GAP: &str = "  ";

impl ReportWriter for SummaryTable {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        let rows: Vec<[String; 3]> = report
            .students
            .iter()
            .map(|s| {
                [
                    one_line(s.student.as_str()),
                    format!("{}/{}", s.total, s.max_total),
                    flags_cell(s),
                ]
            })
            .collect();
        let header = ["student", "total", "flags"].map(String::from);

        let width = |col: usize| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|row| display_width(&row[col]))
                .max()
                .unwrap_or(0)
        };
        let (w_student, w_total) = (width(0), width(1));

        for row in std::iter::once(&header).chain(&rows) {
            let [student, total, flags] = row;
            let line = format!(
                "{student}{}{GAP}{}{total}{GAP}{flags}",
                pad(w_student, student),
                pad(w_total, total),
            );
            writeln!(out, "{}", line.trim_end())?;
        }

        let graded: Vec<&StudentGrade> = report
            .students
            .iter()
            .filter(|s| s.status == SubmissionStatus::Graded)
            .collect();
        let unreadable = report.students.len() - graded.len();
        let flagged = graded
            .iter()
            .flat_map(|s| &s.questions)
            .filter(|q| !q.flags.is_empty())
            .count();
        let mean = mean(graded.iter().map(|s| s.total)).map_or_else(|| "-".to_string(), |m| m.to_string());
        writeln!(out)?;
        writeln!(
            out,
            "graded: {}, unreadable: {unreadable}, flagged answers: {flagged}, mean total (graded): {mean}/{}",
            graded.len(),
            report.assignment.max_total
        )?;
        Ok(())
    }
}

fn flags_cell(student: &StudentGrade) -> String {
    if let SubmissionStatus::Unreadable { reason } = &student.status {
        return format!("unreadable: {}", one_line(reason));
    }
    student
        .flags()
        .map(|(q, flag)| format!("{}:{q}", flag.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The mean, rounded half away from zero to the hundredth (`Points` is exact in hundredths).
fn mean(totals: impl Iterator<Item = Points>) -> Option<Points> {
    let (sum, n) = totals.fold((0i64, 0i64), |(sum, n), p| (sum + p.hundredths(), n + 1));
    if n == 0 {
        return None;
    }
    let rounded = (2 * sum + sum.signum() * n) / (2 * n);
    Some(Points::from_f64(rounded as f64 / 100.0))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Width in grapheme clusters (wide CJK characters count as one column).
fn display_width(text: &str) -> usize {
    text.graphemes(true).count()
}

fn pad(width: usize, text: &str) -> String {
    " ".repeat(width.saturating_sub(display_width(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn summary_snapshot() {
        insta::assert_snapshot!(SummaryTable.render(&fixture::report()).unwrap());
    }

    #[test]
    fn mean_rounds_to_the_hundredth() {
        let p = Points::from_f64;
        assert_eq!(mean([p(1.0), p(2.0)].into_iter()), Some(p(1.5)));
        assert_eq!(mean([p(1.0), p(1.0), p(2.0)].into_iter()), Some(p(1.33)));
        assert_eq!(mean([p(2.0), p(2.0), p(1.0)].into_iter()), Some(p(1.67)));
        assert_eq!(mean(std::iter::empty()), None);
    }

    #[test]
    fn empty_report_prints_header_and_counts() {
        let mut report = fixture::report();
        report.students.clear();
        assert_eq!(
            SummaryTable.render(&report).unwrap(),
            "student  total  flags\n\ngraded: 0, unreadable: 0, flagged answers: 0, mean total (graded): -/12\n"
        );
    }
}
