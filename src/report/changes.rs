//! What a regrade changed: `changes.csv` and the lines printed after a run.

use std::io::Write;

use crate::course::regrade::Change;

use super::csv::spreadsheet_safe;
use super::{printable, ReportError};

fn points(p: Option<crate::ids::Points>) -> String {
    p.map_or_else(|| "-".to_string(), |p| p.to_string())
}

/// `student,question,old,new,reason`; a whole submission's row has an empty question.
pub fn write_changes_csv(changes: &[Change], out: &mut dyn Write) -> Result<(), ReportError> {
    let mut csv = ::csv::Writer::from_writer(out);
    csv.write_record(["student", "question", "old", "new", "reason"])?;
    for c in changes {
        csv.write_record([
            spreadsheet_safe(c.student.as_str()),
            c.question.as_ref().map_or(String::new(), ToString::to_string),
            points(c.old),
            points(c.new),
            c.reason.describe().to_string(),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

/// `aokonkwo 1a: 2 → 1 (override)`, one line per change, after a heading with the count.
pub fn write_changes_text(changes: &[Change], out: &mut dyn Write) -> Result<(), ReportError> {
    if changes.is_empty() {
        writeln!(out, "no score changed since the previous run")?;
        return Ok(());
    }
    writeln!(out, "changed since the previous run ({}):", changes.len())?;
    for c in changes {
        let what = c
            .question
            .as_ref()
            .map_or_else(|| "total".to_string(), ToString::to_string);
        writeln!(
            out,
            "  {} {what}: {} \u{2192} {} ({})",
            printable(c.student.as_str()),
            points(c.old),
            points(c.new),
            c.reason.describe()
        )?;
    }
    Ok(())
}
