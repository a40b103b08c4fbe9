//! The `check` printout, for a student who has never seen the rubric: what was found where,
//! what is missing, blank, cut off or too long, and the feedback the rubric releases (hidden
//! and after-due concepts are counted, never named). From a student edition, which holds no
//! key, no score: only the structure and the concepts released for practice.

use std::io::Write;

use crate::authoring::check::CheckReport;
use crate::grading::grades::{Outcome, Visibility};
use crate::ids::Points;
use crate::rubric::Edition;

use super::feedback::{concept_line, idea_lines, one_line, pt};
use super::{printable, ReportError};

pub fn write_check(report: &CheckReport, out: &mut dyn Write) -> Result<(), ReportError> {
    writeln!(out, "Self-check for {}", report.title)?;
    if report.edition == Edition::Student {
        writeln!(
            out,
            "structure only: this is the student edition of the rubric; scores come from staff"
        )?;
    }
    writeln!(out)?;
    let found = report.questions.iter().filter(|q| q.found.is_some()).count();
    writeln!(out, "Found {found} of {} questions:", report.questions.len())?;
    for q in &report.questions {
        match &q.found {
            Some(at) => {
                let state = if q.blank() {
                    "BLANK".to_string()
                } else {
                    format!("{} words", q.words)
                };
                writeln!(
                    out,
                    "  {:<8} {}  under \u{201c}{}\u{201d}  {state}",
                    q.id.as_str(),
                    printable(&at.place()),
                    printable(&one_line(&at.label))
                )?;
            }
            None => writeln!(
                out,
                "  {:<8} MISSING: looked for {}",
                q.id.as_str(),
                q.looked_for.join(", ")
            )?,
        }
    }
    let problems: Vec<String> = report
        .questions
        .iter()
        .flat_map(|q| {
            let mut p = Vec::new();
            if q.blank() {
                p.push(format!("{} is blank: write your answer under its label", q.id));
            }
            if let Some(tail) = &q.cut_off {
                p.push(format!(
                    "{} looks cut off: it ends with \u{201c}{}\u{201d}",
                    q.id,
                    printable(tail)
                ));
            }
            if let Some((words, max)) = q.over_limit {
                p.push(format!("{} has {words} words; the limit is {max}", q.id));
            }
            p
        })
        .chain(
            report
                .warnings
                .iter()
                .map(|w| printable(&one_line(w)).into_owned()),
        )
        .collect();
    if !problems.is_empty() {
        writeln!(out)?;
        writeln!(out, "Check these:")?;
        for p in problems {
            writeln!(out, "  - {p}")?;
        }
    }

    match report.edition {
        Edition::Staff => write_scores(report, out),
        Edition::Student => write_practice(report, out),
    }
}

/// Per question, the score and the feedback the staff rubric releases.
fn write_scores(report: &CheckReport, out: &mut dyn Write) -> Result<(), ReportError> {
    for q in &report.questions {
        writeln!(out)?;
        let grade = &q.grade;
        if grade.visibility != Visibility::Visible {
            writeln!(out, "{}: feedback on this question is released later", q.id)?;
            continue;
        }
        writeln!(out, "{} — {} / {}", q.id, grade.score, grade.max)?;
        if q.found.is_none() || q.blank() {
            continue;
        }
        let mut unreleased = (Points::ZERO, Points::ZERO);
        for c in &grade.concepts {
            if c.max.is_zero() && c.outcome != Outcome::Misconception {
                continue;
            }
            if c.visibility == Visibility::Visible {
                writeln!(out, "  - {}", printable(&concept_line(c)))?;
                for idea in idea_lines(c) {
                    writeln!(out, "    - {}", printable(&idea))?;
                }
            } else {
                unreleased = (unreleased.0 + c.points, unreleased.1 + c.max);
            }
        }
        if !unreleased.1.is_zero() {
            writeln!(
                out,
                "  - {} of {} {} from checks that are not shown",
                unreleased.0,
                unreleased.1,
                pt(unreleased.1)
            )?;
        }
        for line in &grade.feedback {
            writeln!(out, "  - {}", printable(&one_line(line)))?;
        }
    }
    Ok(())
}

/// Per question with concepts released for practice, how the answer fares against them; the
/// student edition holds nothing else, so no score is shown.
fn write_practice(report: &CheckReport, out: &mut dyn Write) -> Result<(), ReportError> {
    for q in &report.questions {
        let grade = &q.grade;
        if grade.concepts.is_empty() || q.found.is_none() || q.blank() {
            continue;
        }
        let practice_max: Points = grade.concepts.iter().map(|c| c.max).sum();
        writeln!(out)?;
        writeln!(
            out,
            "{} — practice checks: {} of {} {} (not your score)",
            q.id,
            grade.score.min(practice_max),
            practice_max,
            pt(practice_max)
        )?;
        for c in &grade.concepts {
            writeln!(out, "  - {}", concept_line(c))?;
            for idea in idea_lines(c) {
                writeln!(out, "    - {idea}")?;
            }
        }
        for line in &grade.feedback {
            writeln!(out, "  - {}", one_line(line))?;
        }
    }
    Ok(())
}
