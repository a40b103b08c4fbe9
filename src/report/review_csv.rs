//! `review.csv`: the review queue, most doubtful first, for a TA to work through.

use std::io::Write;

use crate::course::class::{ClassReport, ClassTally};
use crate::grading::grades::GradeReport;

use super::csv::spreadsheet_safe;
use super::{ClassWriter, ReportError, ReportWriter};

/// Header `student,question,score,max,confidence,reasons,location`; one row per queued answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReviewCsv;

impl ReportWriter for ReviewCsv {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        self.write_class(&ClassTally::of_report(report, 0)?, out)
    }
}

impl ClassWriter for ReviewCsv {
    fn write_class(&self, class: &ClassReport, out: &mut dyn Write) -> Result<(), ReportError> {
        let mut csv = ::csv::Writer::from_writer(out);
        csv.write_record([
            "student",
            "question",
            "score",
            "max",
            "confidence",
            "reasons",
            "location",
        ])?;
        for item in class.review_queue() {
            let item = item?;
            csv.write_record([
                spreadsheet_safe(item.student.as_str()),
                item.question.map_or(String::new(), |q| q.to_string()),
                item.score.to_string(),
                item.max.to_string(),
                format!("{:.2}", item.confidence),
                spreadsheet_safe(&item.reasons.join("; ")),
                spreadsheet_safe(&item.location),
            ])?;
        }
        csv.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn review_csv_snapshot() {
        insta::assert_snapshot!(ReviewCsv.render(&fixture::report()).unwrap());
    }
}
