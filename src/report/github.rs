//! GitHub Actions: a Markdown summary for `$GITHUB_STEP_SUMMARY`, and `::notice`/`::warning`
//! workflow commands that annotate each answer below full marks at its file and line.

use std::io::Write;
use std::path::Path;

use crate::grading::grades::{GradeReport, SubmissionStatus, Visibility};

use super::feedback::one_line;
use super::ReportError;

/// The run as a Markdown table: one row per student, one column per question.
pub fn step_summary(report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
    writeln!(out, "## rubricate: {}", report.assignment.title)?;
    writeln!(out)?;
    let ids: Vec<String> = report
        .assignment
        .questions
        .iter()
        .map(|q| q.id.to_string())
        .collect();
    writeln!(out, "| student | {} | total |", ids.join(" | "))?;
    writeln!(out, "|---|{}---|", "---|".repeat(ids.len()))?;
    for s in &report.students {
        let cells: Vec<String> = report
            .assignment
            .questions
            .iter()
            .map(|info| {
                s.questions
                    .iter()
                    .find(|q| q.id == info.id)
                    .map_or("-".to_string(), |q| q.score.to_string())
            })
            .collect();
        let name = markdown_cell(s.student.as_str());
        let total = match &s.status {
            SubmissionStatus::Graded => format!("{}/{}", s.total, s.max_total),
            SubmissionStatus::Unreadable { .. } => "unreadable".to_string(),
            SubmissionStatus::Missing => "missing".to_string(),
        };
        writeln!(out, "| {name} | {} | {total} |", cells.join(" | "))?;
    }
    Ok(())
}

/// One workflow command per answer below full marks (`::warning` when it scored 0, else
/// `::notice`), pointing at the answer's file (under `submissions`) and line.
pub fn annotations(report: &GradeReport, submissions: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for s in &report.students {
        if let SubmissionStatus::Unreadable { reason } = &s.status {
            let file = s
                .files
                .first()
                .map(|f| submissions.join(f).display().to_string())
                .unwrap_or_default();
            lines.push(format!(
                "::error file={},title={}::{}",
                property(&file),
                property(&format!("{}: unreadable", s.student)),
                data(reason)
            ));
        }
        for q in &s.questions {
            if q.score >= q.max {
                continue;
            }
            let level = if q.score.is_zero() { "warning" } else { "notice" };
            let title = format!("{} {}: {}/{}", s.student, q.id, q.score, q.max);
            let mut message: Vec<String> = q
                .concepts
                .iter()
                .filter(|c| c.visibility == Visibility::Visible && c.points < c.max)
                .flat_map(|c| {
                    // A coverage concept's missing ideas say what is left to write.
                    let missing = c
                        .ideas
                        .iter()
                        .filter(|i| i.outcome != crate::grading::grades::IdeaOutcome::Covered)
                        .filter_map(|i| i.feedback.as_ref().map(|f| one_line(f)));
                    c.feedback
                        .as_ref()
                        .map(|f| one_line(f))
                        .into_iter()
                        .chain(missing)
                })
                .collect();
            message.extend(q.feedback.iter().map(|f| one_line(f)));
            let message = if message.is_empty() {
                "below full marks".to_string()
            } else {
                message.join("; ")
            };
            let location = match &q.answer {
                Some(a) => format!(
                    "file={},line={},",
                    property(&submissions.join(&a.file).display().to_string()),
                    a.line
                ),
                None => String::new(),
            };
            lines.push(format!(
                "::{level} {location}title={}::{}",
                property(&title),
                data(&message)
            ));
        }
    }
    lines
}

/// Escape a workflow command's message (GitHub's `escapeData`).
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a workflow command's property (GitHub's `escapeProperty`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

fn markdown_cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture_report;

    #[test]
    fn escapes_follow_githubs_rules() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn annotations_point_at_answers_below_full_marks() {
        let lines = annotations(&fixture_report(), Path::new("subs"));
        assert!(lines.iter().all(|l| l.starts_with("::")), "{lines:#?}");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("::error file=subs/gtanaka.pdf")),
            "{lines:#?}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with(
                "::warning file=subs/brennan%2C \"finn\".txt,line=1,title=brennan%2C \"finn\" 1a%3A 0/2::"
            )),
            "{lines:#?}"
        );
    }
}
