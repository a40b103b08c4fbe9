//! The `explain` printout. Styles are always written; the binary's output stream drops them
//! when it is not a terminal, so piped output is plain.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::authoring::explain::Explanation;
use crate::grading::grades::{IdeaOutcome, Outcome};
use crate::matching::cues::{self, Stance};
use crate::rubric::{ConceptRule, Credit};

use super::{printable, ReportError};

const HEADING: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GOOD: Style = AnsiColor::Green.on_default();
const BAD: Style = AnsiColor::Red.on_default();
const WARN: Style = AnsiColor::Yellow.on_default();

fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// Print an explanation.
pub fn write_explanation(e: &Explanation<'_>, out: &mut dyn Write) -> Result<(), ReportError> {
    let q = e.question;
    let unit = if q.max == crate::ids::Points::whole(1) {
        "point"
    } else {
        "points"
    };
    writeln!(
        out,
        "{} ({} {unit})",
        paint(HEADING, format!("question {}", q.id)),
        q.max
    )?;
    if !q.prompt.is_empty() {
        writeln!(out, "{}", paint(DIM, &q.prompt))?;
    }
    // The policy that decided the hedges, lists, echoes and terms below.
    let terms: Vec<String> = q.policy.terms.iter().map(|t| t.join(" ")).collect();
    writeln!(
        out,
        "{}",
        paint(
            DIM,
            format!(
                "policy: hedging = \"{}\", keyword_lists = \"{}\", echo = \"{}\", alternatives = \"{}\", terms = [{}]",
                q.policy.hedging.name(),
                q.policy.keyword_lists.name(),
                q.policy.echo.name(),
                q.policy.alternatives.name(),
                terms.join(", ")
            )
        )
    )?;

    writeln!(out, "\n{}", paint(HEADING, "tokens"))?;
    writeln!(out, "{}", paint(DIM, "(word=stem where they differ; | ends a clause, || a sentence, ? a question; \"quoted\" words are mentions)"))?;
    let mut line = String::new();
    for (i, t) in e.text.tokens.iter().enumerate() {
        let shown = if t.stem != t.lower {
            format!("{}={}", t.lower, t.stem)
        } else {
            t.lower.clone()
        };
        line.push_str(&if t.quoted { format!("\"{shown}\"") } else { shown });
        match e.text.tokens.get(i + 1) {
            Some(next) if next.sentence != t.sentence => line.push_str(if e.text.questions[t.sentence] {
                " ?|| "
            } else {
                " || "
            }),
            Some(next) if next.clause != t.clause => line.push_str(" | "),
            Some(_) => line.push(' '),
            None => {}
        }
    }
    writeln!(out, "  {}", printable(&line))?;

    if !q.subjects.is_empty() {
        writeln!(out, "\n{}", paint(HEADING, "subjects"))?;
        for (subject, ranges) in q.subjects.iter().zip(&e.subjects.by_subject) {
            let parts: Vec<String> = ranges
                .iter()
                .filter(|r| !r.is_empty())
                .map(|r| format!("\u{201c}{}\u{201d}", e.text.quote(r.start, r.end).2))
                .collect();
            let parts = if parts.is_empty() {
                "(not discussed)".to_string()
            } else {
                parts.join(" + ")
            };
            writeln!(out, "  {}: {parts}", subject.id)?;
        }
    }

    writeln!(out, "\n{}", paint(HEADING, "negation and hedging"))?;
    if e.negators.is_empty() && e.hedges.is_empty() {
        writeln!(out, "  none")?;
    }
    for &i in &e.negators {
        let clause = e.text.clause_of(i);
        let words = printable(e.text.quote(clause.start, clause.end).2);
        writeln!(
            out,
            "  {} negates within its clause: \u{201c}{words}\u{201d}",
            paint(WARN, &e.text.tokens[i].lower)
        )?;
    }
    for (range, scope, hedge) in &e.hedges {
        let cue = if hedge.cue == "?" {
            "?"
        } else {
            e.text.quote(range.start, range.end).2
        };
        let kind = match hedge.kind {
            cues::HedgeKind::Question => "a question",
            cues::HedgeKind::OpenAlternatives => "alternatives left open",
            cues::HedgeKind::Uncertainty => "uncertainty",
        };
        let scoped = if *scope == "sentence" {
            e.text.sentence_of(range.start)
        } else {
            e.text.clause_of(range.start)
        };
        let words = printable(e.text.quote(scoped.start, scoped.end).2);
        writeln!(
            out,
            "  {} hedges its {scope} ({kind}; policy: hedging = \"{}\"): \u{201c}{words}\u{201d}",
            paint(WARN, printable(cue)),
            e.question.policy.hedging.name()
        )?;
    }

    writeln!(out, "\n{}", paint(HEADING, "concepts"))?;
    for ((concept, traces), result) in q.concepts.iter().zip(&e.concepts).zip(&e.grade.concepts) {
        let scope = concept
            .subject
            .map_or(String::new(), |s| format!(", in the {} part", q.subjects[s].id));
        writeln!(
            out,
            "  {} ({} pt{scope})",
            paint(HEADING, &concept.id),
            concept.points
        )?;
        write_traces(e, traces, out)?;
        // A coverage concept's ideas, each with its own verdict, then how many count.
        for idea in &result.ideas {
            let style = if idea.outcome == IdeaOutcome::Covered {
                GOOD
            } else {
                BAD
            };
            let cause = idea.cause.as_ref().map_or(String::new(), |c| format!(" ({c})"));
            writeln!(
                out,
                "    idea {} → {}{cause}",
                idea.id,
                paint(style, idea.outcome.name())
            )?;
        }
        if let ConceptRule::Coverage(coverage) = &concept.rule {
            let credit = match &coverage.credit {
                Credit::Proportional => "proportional".to_string(),
                Credit::Thresholds(steps) => {
                    let steps: Vec<String> = steps.iter().map(|(k, p)| format!("{k} = {p}")).collect();
                    format!("{{ {} }}", steps.join(", "))
                }
            };
            writeln!(
                out,
                "    {} of {} ideas covered (credit = {credit})",
                result.covered(),
                result.ideas.len()
            )?;
        }
        let verdict = result.outcome.name();
        let style = if matches!(result.outcome, Outcome::Hit | Outcome::Partial) {
            GOOD
        } else {
            BAD
        };
        writeln!(
            out,
            "    → {} {}/{}",
            paint(style, verdict),
            result.points,
            result.max
        )?;
    }
    if !q.misconceptions.is_empty() {
        writeln!(out, "\n{}", paint(HEADING, "misconceptions"))?;
        for (m, traces) in q.misconceptions.iter().zip(&e.misconceptions) {
            writeln!(out, "  {}", paint(HEADING, &m.id))?;
            write_traces(e, traces, out)?;
            let fired = e
                .grade
                .concepts
                .iter()
                .any(|c| c.id == m.id && c.outcome == Outcome::Misconception);
            let verdict = if fired {
                paint(BAD, "asserted")
            } else {
                paint(GOOD, "not asserted")
            };
            writeln!(out, "    → {verdict}")?;
        }
    }

    writeln!(out, "\n{}", paint(HEADING, "score"))?;
    let terms: Vec<String> = e
        .grade
        .concepts
        .iter()
        .filter(|c| c.outcome != Outcome::Misconception || !c.points.is_zero())
        .map(|c| format!("{} {}", c.id, c.points))
        .collect();
    let flags: Vec<&str> = e.grade.flags.iter().map(|f| f.name()).collect();
    writeln!(
        out,
        "  {} = {} / {} (clamped to 0..={})",
        terms.join(" + "),
        e.grade.score,
        e.grade.max,
        e.grade.max
    )?;
    if !flags.is_empty() {
        writeln!(out, "  flags: {}", flags.join(", "))?;
    }
    Ok(())
}

fn write_traces(
    e: &Explanation<'_>,
    traces: &[crate::matching::concept::PatternTrace],
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    for t in traces.iter().filter(|t| !t.mentions.is_empty()) {
        for m in &t.mentions {
            let quote = printable(e.text.quote(m.found.tokens.start, m.found.tokens.end).2);
            let mut stance = match m.stance {
                Stance::Asserted => paint(GOOD, "asserted"),
                Stance::Negated => paint(BAD, "negated"),
                Stance::Hedged => paint(WARN, "hedged"),
                Stance::Uncertain => paint(WARN, "uncertain (counts; flagged)"),
            };
            if t.role.starts_with("option")
                && m.stance == Stance::Asserted
                && cues::is_rejected(&e.text, m.found.tokens.start)
            {
                stance = paint(BAD, "rejected in its clause");
            }
            let mut fuzzy = if m.found.distance > 0 {
                format!(", {} edit(s) away", m.found.distance)
            } else {
                String::new()
            };
            // The cue that decided a hedge, so no hedge is invisible (a `?` included).
            if let Some(hedge) = &m.hedge {
                fuzzy.push_str(&format!(", {}", hedge.describe()));
            }
            if m.echoed {
                fuzzy.push_str(", copied from the question (echo = \"discount\"): earns nothing");
            }
            writeln!(
                out,
                "    {} [{}] \u{201c}{quote}\u{201d}: {stance}{fuzzy}",
                paint(DIM, &t.role),
                t.pattern
            )?;
        }
    }
    if traces.iter().all(|t| t.mentions.is_empty()) {
        writeln!(out, "    {}", paint(DIM, "no pattern matched"))?;
    }
    Ok(())
}
