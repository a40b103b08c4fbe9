//! `groups.csv`: the answer groups of every question, in review order (the groups where a TA's
//! look changes the most grades first), one row per group.

use std::io::Write;

use crate::course::class::{ClassReport, ClassTally};
use crate::course::groups::GroupReview;
use crate::grading::grades::GradeReport;

use super::csv::spreadsheet_safe;
use super::{ClassWriter, ReportError, ReportWriter};

/// Header `question,group,size,scores,usual,max,representative,concepts,confidence,priority,
/// reasons,members`.
#[derive(Debug, Clone, Copy, Default)]
pub struct GroupsCsv;

impl ReportWriter for GroupsCsv {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        self.write_class(&ClassTally::of_report(report, 0)?, out)
    }
}

impl ClassWriter for GroupsCsv {
    fn write_class(&self, class: &ClassReport, out: &mut dyn Write) -> Result<(), ReportError> {
        let mut csv = ::csv::Writer::from_writer(out);
        csv.write_record([
            "question",
            "group",
            "size",
            "scores",
            "usual",
            "max",
            "representative",
            "concepts",
            "confidence",
            "priority",
            "reasons",
            "members",
        ])?;
        for group in class.groups.iter() {
            csv.write_record(row(&group?))?;
        }
        csv.flush()?;
        Ok(())
    }
}

fn row(group: &GroupReview) -> [String; 12] {
    // Highest score first: `1:40 0:3`.
    let scores: Vec<String> = group
        .scores
        .iter()
        .rev()
        .map(|(score, n)| format!("{score}:{n}"))
        .collect();
    let concepts: Vec<String> = group.concepts.iter().map(|(id, n)| format!("{id}:{n}")).collect();
    let members: Vec<&str> = group.members.iter().map(|m| m.student.as_str()).collect();
    [
        group.question.to_string(),
        group.group.to_string(),
        group.size.to_string(),
        scores.join(" "),
        group.usual_score().to_string(),
        group.max.to_string(),
        spreadsheet_safe(group.representative()),
        spreadsheet_safe(&concepts.join(" ")),
        format!("{:.2}", group.confidence),
        format!("{:.2}", group.priority),
        group.reasons.join("; "),
        spreadsheet_safe(&members.join(" ")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn groups_csv_snapshot() {
        let mut report = fixture::report();
        let rubric = crate::rubric::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/finetuning-review.toml"),
        )
        .unwrap();
        crate::course::groups::assign(&mut report, &rubric).unwrap();
        insta::assert_snapshot!(GroupsCsv.render(&report).unwrap());
    }
}
