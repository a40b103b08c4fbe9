//! `rubricate suggest`'s printout: per question, a concept to paste into the rubric under that
//! question, as TOML (values written by the `toml` crate), with what each phrase would change
//! in comments.

use std::io::Write;

use serde::Serialize;

use crate::authoring::suggest::QuestionSuggestions;

use super::ReportError;

/// Points as a rubric writes them: whole when they are.
#[derive(Serialize)]
#[serde(untagged)]
enum Number {
    Whole(i64),
    Decimal(f64),
}

/// The concept as the rubric spells it.
#[derive(Serialize)]
struct SuggestedConcept<'a> {
    id: String,
    points: Number,
    #[serde(rename = "match")]
    patterns: Vec<&'a str>,
}

pub fn write_suggestions(
    suggestions: &[QuestionSuggestions],
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    if suggestions.is_empty() {
        writeln!(
            out,
            "# No suggestions: no answer group was decided above the autograder's score, or every \
             phrase of the credited answers is covered by the rubric."
        )?;
        return Ok(());
    }
    for (i, q) in suggestions.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "# Question {}: phrases of the answers you credited that no pattern covers.",
            q.question
        )?;
        writeln!(
            out,
            "# Paste under [[question]] id = {:?}; keep the phrases that are right in any answer.",
            q.question.as_str()
        )?;
        for p in &q.phrases {
            writeln!(
                out,
                "#   {:?}: would change {} answer{} in {} group{}; in {} credited answer{} ({} group{})",
                p.phrase,
                p.would_change_answers,
                plural(p.would_change_answers),
                p.would_change_groups,
                plural(p.would_change_groups),
                p.credited_answers,
                plural(p.credited_answers),
                p.credited_groups,
                plural(p.credited_groups),
            )?;
        }
        let concept = SuggestedConcept {
            id: format!("suggested-{}", q.question),
            points: match q.points.hundredths() % 100 {
                0 => Number::Whole(q.points.hundredths() / 100),
                _ => Number::Decimal(q.points.as_f64()),
            },
            patterns: q.phrases.iter().map(|p| p.phrase.as_str()).collect(),
        };
        let body = toml::to_string(&concept).map_err(|e| ReportError::Io(std::io::Error::other(e)))?;
        writeln!(out, "  [[question.concept]]")?;
        for line in body.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
