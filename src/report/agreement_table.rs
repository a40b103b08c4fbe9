//! The `agree` report: the agreement figures as a plain-text table, the confusion matrices,
//! and every disagreement with the student's answer and what the matcher found in it.

use std::collections::BTreeSet;
use std::io::Write;

use crate::authoring::agreement::{Agreement, QuestionAgreement, Score};
use crate::grading::grades::{GradeReport, Outcome};

use super::{printable, ReportError};

/// Render an [`Agreement`]; with the run's report, disagreements show answers and concepts.
pub fn write_agreement(
    agreement: &Agreement,
    expected_name: &str,
    details: Option<&GradeReport>,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    writeln!(
        out,
        "Agreement with the human grades in {expected_name}: {} students",
        agreement.students
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<10} {:>5} {:>8} {:>9} {:>6} {:>6} {:>5} {:>6}",
        "question", "n", "exact", "within 1", "MAE", "QWK", "over", "under"
    )?;
    for q in agreement.questions.iter().chain(std::iter::once(&agreement.all)) {
        row(out, q)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "totals: Pearson r {}, QWK {}, mean absolute error {:.2} points",
        optional(agreement.pearson_totals),
        optional(agreement.kappa_totals),
        agreement.total_mean_absolute_error
    )?;
    writeln!(
        out,
        "over-credited: the autograder awarded more than the human grader; under-credited: less."
    )?;
    writeln!(out, "QWK: quadratic weighted kappa (1 = perfect, 0 = chance); n/a when both graders gave one single score.")?;
    for (side, students) in [
        ("only in the human grades", &agreement.only_expected),
        ("only graded by rubricate", &agreement.only_awarded),
    ] {
        if !students.is_empty() {
            writeln!(out, "{side} (not compared): {}", printable(&students.join(", ")))?;
        }
    }

    writeln!(out)?;
    writeln!(out, "Awarded (rows) against expected (columns) points:")?;
    for q in &agreement.questions {
        confusion(out, q)?;
    }

    writeln!(out)?;
    if agreement.disagreements.is_empty() {
        writeln!(out, "No disagreements.")?;
        return Ok(());
    }
    writeln!(out, "Disagreements ({}):", agreement.disagreements.len())?;
    for d in &agreement.disagreements {
        let kind = if d.over_credited() {
            "over-credited"
        } else {
            "under-credited"
        };
        writeln!(
            out,
            "- {} {}: awarded {}, expected {} ({kind})",
            printable(&d.student),
            printable(&d.question),
            d.awarded,
            d.expected
        )?;
        let Some(report) = details else { continue };
        let Some(grade) = report
            .students
            .iter()
            .find(|s| s.student.0 == d.student)
            .and_then(|s| s.questions.iter().find(|q| q.id.0 == d.question))
        else {
            continue;
        };
        let answer = grade.answer_text.split_whitespace().collect::<Vec<_>>().join(" ");
        writeln!(
            out,
            "    answer: {}",
            if answer.is_empty() {
                "(none)".into()
            } else {
                printable(&answer)
            }
        )?;
        for c in &grade.concepts {
            // What decided it: the student's words, the rubric's pattern, and the cue.
            let mut quote = c.evidence.as_ref().map_or(String::new(), |e| {
                let pattern = if e.pattern.is_empty() {
                    String::new()
                } else {
                    format!(" by `{}`", e.pattern)
                };
                format!(" \u{201c}{}\u{201d}{pattern}", printable(&e.quote))
            });
            if let Some(cause) = &c.cause {
                quote.push_str(&format!(" ({cause})"));
            }
            let outcome = c.outcome.name();
            let points = if c.outcome == Outcome::Misconception {
                String::new()
            } else {
                format!(" {}/{}", c.points, c.max)
            };
            writeln!(out, "    {} {outcome}{points}{quote}", c.id)?;
        }
    }
    Ok(())
}

fn row(out: &mut dyn Write, q: &QuestionAgreement) -> Result<(), ReportError> {
    let pct = |k: usize| {
        if q.compared == 0 {
            0.0
        } else {
            100.0 * k as f64 / q.compared as f64
        }
    };
    writeln!(
        out,
        "{:<10} {:>5} {:>7.1}% {:>8.1}% {:>6.2} {:>6} {:>5} {:>6}",
        q.question,
        q.compared,
        pct(q.exact),
        pct(q.within_one),
        q.mean_absolute_error,
        optional(q.quadratic_weighted_kappa),
        q.over_credited,
        q.under_credited
    )?;
    Ok(())
}

fn optional(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"))
}

fn confusion(out: &mut dyn Write, q: &QuestionAgreement) -> Result<(), ReportError> {
    let values: BTreeSet<Score> = q.confusion.keys().flat_map(|(a, e)| [*a, *e]).collect();
    let label = |s: &Score| format!("{}", s.points());
    write!(out, "  {:<8}", q.question)?;
    for e in &values {
        write!(out, " {:>5}", label(e))?;
    }
    writeln!(out)?;
    for a in &values {
        write!(out, "  {:>8}", label(a))?;
        for e in &values {
            match q.confusion.get(&(*a, *e)) {
                Some(n) => write!(out, " {n:>5}")?,
                None => write!(out, " {:>5}", ".")?,
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
