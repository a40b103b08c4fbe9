//! The short plain-text table printed after a run.

use std::io::Write;

use unicode_segmentation::UnicodeSegmentation;

use std::collections::BTreeMap;

use crate::course::class::{ClassReport, ClassTally, StudentLine};
use crate::grading::grades::{GradeReport, SubmissionStatus};
use crate::ids::Points;

use super::{printable, ClassWriter, ReportError, ReportWriter};

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
        self.write_class(&ClassTally::of_report(report, 0)?, out)
    }
}

impl ClassWriter for SummaryTable {
    fn write_class(&self, class: &ClassReport, out: &mut dyn Write) -> Result<(), ReportError> {
        let row = |s: &StudentLine| {
            [
                printable(&one_line(s.student.as_str())).into_owned(),
                format!("{}/{}", s.total, s.max_total),
                flags_cell(s),
            ]
        };
        let header = ["student", "total", "flags"].map(String::from);

        // Two passes over the lines (they are on disk): the column widths, then the rows.
        let (mut w_student, mut w_total) = (display_width(&header[0]), display_width(&header[1]));
        for line in class.lines()? {
            let [student, total, _] = row(&line?);
            w_student = w_student.max(display_width(&student));
            w_total = w_total.max(display_width(&total));
        }
        let mut print = |[student, total, flags]: [String; 3]| {
            let line = format!(
                "{student}{}{GAP}{}{total}{GAP}{flags}",
                pad(w_student, &student),
                pad(w_total, &total),
            );
            writeln!(out, "{}", line.trim_end())
        };
        print(header)?;
        for line in class.lines()? {
            print(row(&line?))?;
        }

        let counts = &class.counts;
        let mean_total = class
            .mean_total()
            .map_or_else(|| "-".to_string(), |m| m.to_string());
        writeln!(out)?;
        writeln!(
            out,
            "graded: {}, unreadable: {}, missing: {}, not on roster: {}, flagged answers: {}, to review: {}",
            counts.graded,
            counts.unreadable,
            counts.missing,
            counts.not_on_roster,
            counts.flagged_answers,
            class.review_len(),
        )?;
        writeln!(
            out,
            "mean total (graded): {mean_total}/{}",
            class.assignment.max_total
        )?;
        let means: Vec<String> = class
            .questions
            .iter()
            .map(|q| {
                let m = q.mean().map_or_else(|| "-".to_string(), |m| m.to_string());
                format!("{} {m}/{}", q.id, q.max)
            })
            .collect();
        writeln!(out, "question means: {}", means.join(", "))?;
        if counts.graded > 0 {
            writeln!(out, "distribution of totals:")?;
            let bins = distribution(class.assignment.max_total, &class.totals);
            let w = bins.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
            for (range, n) in bins {
                let line = format!("  {range:>w$}  {n:<3} {}", "#".repeat(n));
                writeln!(out, "{}", line.trim_end())?;
            }
        }
        Ok(())
    }
}

fn flags_cell(student: &StudentLine) -> String {
    let mut cells = Vec::new();
    if student.not_on_roster {
        cells.push("not on roster".to_string());
    }
    match &student.status {
        SubmissionStatus::Unreadable { reason } => {
            cells.push(format!("unreadable: {}", printable(&one_line(reason))))
        }
        SubmissionStatus::Missing => cells.push("no submission".to_string()),
        SubmissionStatus::Graded => {
            cells.extend(student.flags.iter().map(|(q, flag)| format!("{flag}:{q}")));
        }
    }
    cells.join(", ")
}

/// Totals counted in ten equal bins of the maximum (`0-2.6`, ...), lowest first.
fn distribution(max: Points, totals: &BTreeMap<Points, usize>) -> Vec<(String, usize)> {
    const BINS: i64 = 10;
    let width = (max.hundredths() + BINS - 1) / BINS;
    let mut counts = vec![0usize; BINS as usize];
    for (t, &n) in totals {
        let bin = if width == 0 {
            0
        } else {
            (t.hundredths() / width).clamp(0, BINS - 1)
        };
        counts[bin as usize] += n;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let low = Points::from_f64((i as i64 * width) as f64 / 100.0);
            let high = if i as i64 == BINS - 1 {
                max
            } else {
                Points::from_f64(((i as i64 + 1) * width) as f64 / 100.0)
            };
            let close = if i as i64 == BINS - 1 { "]" } else { ")" };
            (format!("[{low}, {high}{close}"), n)
        })
        .collect()
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
        assert_eq!(Points::mean([p(1.0), p(2.0)].into_iter()), Some(p(1.5)));
        assert_eq!(Points::mean([p(1.0), p(1.0), p(2.0)].into_iter()), Some(p(1.33)));
        assert_eq!(Points::mean([p(2.0), p(2.0), p(1.0)].into_iter()), Some(p(1.67)));
        assert_eq!(Points::mean(std::iter::empty()), None);
    }

    #[test]
    fn empty_report_prints_header_and_counts() {
        let mut report = fixture::report();
        report.students.clear();
        assert_eq!(
            SummaryTable.render(&report).unwrap(),
            "student  total  flags\n\ngraded: 0, unreadable: 0, missing: 0, not on roster: 0, flagged answers: 0, to review: 0\nmean total (graded): -/12\nquestion means: 1a -/2, 1b -/3, 1c-i -/1, 1c-ii -/1, 2a -/3, 2b -/2\n"
        );
    }
}
