//! Per-student feedback in Markdown: what a TA would send to the student or paste into the LMS.

use std::io::Write;

use unicode_segmentation::UnicodeSegmentation;

use crate::grading::grades::{
    AssignmentInfo, ConceptResult, Flag, GradeReport, IdeaOutcome, Outcome, QuestionGrade, StudentGrade,
    SubmissionStatus, Visibility,
};
use crate::ids::Points;

use super::{ReportError, ReportWriter};

/// Longest quote of the student's words shown, in characters (grapheme clusters).
const MAX_QUOTE_CHARS: usize = 120;

/// Feedback for one student ([`FeedbackMarkdown::write_student`]); as a [`ReportWriter`], every
/// student's feedback in report order, separated by horizontal rules.
///
/// For each question: a heading with the score, one line per concept (what earned points, with
/// the student's own words, and what did not, and why), the question's feedback lines from the
/// rubric, and the flags in plain words.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeedbackMarkdown;

impl ReportWriter for FeedbackMarkdown {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        for (i, student) in report.students.iter().enumerate() {
            if i > 0 {
                out.write_all(b"\n---\n\n")?;
            }
            self.write_student(&report.assignment, student, out)?;
        }
        Ok(())
    }
}

impl FeedbackMarkdown {
    /// The feedback document of one student.
    pub fn write_student(
        &self,
        assignment: &AssignmentInfo,
        student: &StudentGrade,
        out: &mut dyn Write,
    ) -> Result<(), ReportError> {
        writeln!(
            out,
            "# {} — feedback for {}",
            one_line(&assignment.title),
            markdown_text(student.student.as_str())
        )?;
        writeln!(out)?;
        writeln!(out, "**Total: {} / {}**", student.total, student.max_total)?;

        if let SubmissionStatus::Unreadable { reason } = &student.status {
            writeln!(out)?;
            writeln!(
                out,
                "Your submission could not be read, so it was not graded: {}.",
                markdown_text(reason.trim_end().trim_end_matches('.'))
            )?;
            return Ok(());
        }
        if student.status == SubmissionStatus::Missing {
            writeln!(out)?;
            writeln!(
                out,
                "No submission was found for you, so every question scored 0. If you did submit, \
                 contact the course staff."
            )?;
            return Ok(());
        }

        for question in &student.questions {
            write_question(question, out)?;
        }

        if !student.warnings.is_empty() {
            writeln!(out)?;
            writeln!(out, "## About your submission")?;
            writeln!(out)?;
            for warning in &student.warnings {
                writeln!(out, "- {}", markdown_text(warning))?;
            }
        }
        Ok(())
    }
}

fn write_question(q: &QuestionGrade, out: &mut dyn Write) -> Result<(), ReportError> {
    writeln!(out)?;
    writeln!(out, "## {} — {} / {}", q.id, q.score, q.max)?;

    // A TA's score replaces the autograder's reasons: only the TA's score and comment are told.
    if let Some(o) = &q.overridden {
        writeln!(out)?;
        if o.comment.is_empty() {
            writeln!(out, "A TA reviewed this answer and set the score.")?;
        } else {
            writeln!(
                out,
                "A TA reviewed this answer and set the score: {}",
                one_line(&o.comment)
            )?;
        }
        return Ok(());
    }
    // So does a decision on the answer's group.
    if let Some(d) = &q.decision {
        writeln!(out)?;
        if d.comment.is_empty() {
            writeln!(out, "A TA decided this score for every answer like yours.")?;
        } else {
            writeln!(
                out,
                "A TA decided this score for every answer like yours: {}",
                one_line(&d.comment)
            )?;
        }
        return Ok(());
    }
    // For a missing or blank answer every concept is simply "not found": the feedback lines and
    // the flag note say it once instead.
    let answered = q.answer.is_some() && !q.answer_text.trim().is_empty();
    let shown: Vec<&ConceptResult> = if answered {
        q.concepts.iter().filter(|c| is_shown(c)).collect()
    } else {
        Vec::new()
    };
    // Hidden concepts are graded but never named: only their points are told, together.
    let (hidden, shown): (Vec<&ConceptResult>, Vec<&ConceptResult>) = shown
        .into_iter()
        .partition(|c| c.visibility == Visibility::Hidden);
    if !shown.is_empty() || !hidden.is_empty() {
        writeln!(out)?;
        for concept in &shown {
            writeln!(out, "- {}", concept_line(concept))?;
            for idea in idea_lines(concept) {
                writeln!(out, "  - {idea}")?;
            }
        }
        if !hidden.is_empty() {
            let earned: Points = hidden.iter().map(|c| c.points).sum();
            let max: Points = hidden.iter().map(|c| c.max).sum();
            writeln!(
                out,
                "- {earned} of {max} {} from checks that are not shown",
                pt(max)
            )?;
        }
    }

    if !q.feedback.is_empty() {
        writeln!(out)?;
        writeln!(out, "Feedback:")?;
        writeln!(out)?;
        for line in &q.feedback {
            writeln!(out, "- {}", one_line(line))?;
        }
    }

    let notes: Vec<String> = q
        .flags
        .iter()
        .filter_map(|flag| flag_note(flag, q, &shown))
        .collect();
    if !notes.is_empty() {
        writeln!(out)?;
        writeln!(out, "Notes:")?;
        writeln!(out)?;
        for note in notes {
            writeln!(out, "- {note}")?;
        }
    }
    Ok(())
}

/// Concepts worth no points (the rubric's misconceptions, options that earn nothing) are shown
/// only when the student asserted them as a misconception.
fn is_shown(c: &ConceptResult) -> bool {
    !c.max.is_zero() || c.outcome == Outcome::Misconception
}

/// `✓ 1 pt for *reason*. You wrote: “...”` or `✗ 0 of 1 pt for *caveat*: you mentioned it, but
/// ... You wrote: “...”`.
pub(super) fn concept_line(c: &ConceptResult) -> String {
    let earned = matches!(c.outcome, Outcome::Hit | Outcome::Partial) && c.points > Points::ZERO;
    let mark = if earned { "✓" } else { "✗" };
    let points = if c.max.is_zero() {
        String::new()
    } else if c.outcome == Outcome::Hit && c.points == c.max {
        format!("{} {} — ", c.points, pt(c.points))
    } else {
        format!("{} of {} {} — ", c.points, c.max, pt(c.max))
    };
    // The rubric's own words for this outcome; the concept's id only when it has none.
    let what = c
        .feedback
        .as_deref()
        .map(|f| one_line(f).trim_end_matches('.').to_string())
        .unwrap_or_else(|| concept_name(&c.id));
    let mut line = format!("{mark} {points}{what}");
    // A coverage concept counts its ideas; each idea's own line says the rest.
    if c.is_coverage() {
        let counted = format!("{} of {} ideas covered", c.covered(), c.ideas.len());
        let why = match c.outcome {
            Outcome::Contradicted | Outcome::Cancelled => {
                format!("{counted}; {}", explain(c.outcome).unwrap_or_default())
            }
            _ => counted,
        };
        return format!("{line} ({why}).");
    }
    // The hedge that withheld the credit names itself; a generic reason otherwise.
    let cause = match (&c.cause, c.outcome) {
        (Some(cause), Outcome::Hedged) => {
            Some(format!("you mentioned it, but {cause}, without committing to it"))
        }
        (Some(cause), Outcome::Hit) => Some(format!("counted, though {cause}")),
        _ => explain(c.outcome).map(str::to_string),
    };
    match cause {
        Some(why) => {
            line.push_str(&format!(" ({why})."));
        }
        None => line.push('.'),
    }
    if let Some(evidence) = &c.evidence {
        let quote = shorten(&one_line(&evidence.quote), MAX_QUOTE_CHARS);
        if !quote.is_empty() {
            line.push_str(&format!(" You wrote: “{quote}”"));
        }
    }
    line
}

/// One line per idea of a coverage concept (none for any other concept): `✓ *lifo*. You
/// wrote: “...”` or `✗ Say where push and pop act (not found in your answer).`, the idea's
/// `hit` or `miss` text when it has one, its id otherwise.
pub(super) fn idea_lines(c: &ConceptResult) -> Vec<String> {
    c.ideas
        .iter()
        .map(|idea| {
            let covered = idea.outcome == IdeaOutcome::Covered;
            let mark = if covered { "✓" } else { "✗" };
            let what = idea
                .feedback
                .as_deref()
                .map(|f| one_line(f).trim_end_matches('.').to_string())
                .unwrap_or_else(|| concept_name(&idea.id));
            let why = match (&idea.cause, idea.outcome) {
                (Some(cause), IdeaOutcome::Covered) => Some(format!("counted, though {cause}")),
                (Some(cause), IdeaOutcome::Hedged) => {
                    Some(format!("you mentioned it, but {cause}, without committing to it"))
                }
                (_, IdeaOutcome::Covered) => None,
                (_, IdeaOutcome::Negated) => explain(Outcome::Negated).map(str::to_string),
                (_, IdeaOutcome::Hedged) => explain(Outcome::Hedged).map(str::to_string),
                (_, IdeaOutcome::Echoed) => explain(Outcome::Echoed).map(str::to_string),
                (_, IdeaOutcome::Missed) => explain(Outcome::Missed).map(str::to_string),
            };
            let mut line = match why {
                Some(why) => format!("{mark} {what} ({why})."),
                None => format!("{mark} {what}."),
            };
            if let Some(evidence) = &idea.evidence {
                let quote = shorten(&one_line(&evidence.quote), MAX_QUOTE_CHARS);
                if !quote.is_empty() {
                    line.push_str(&format!(" You wrote: “{quote}”"));
                }
            }
            line
        })
        .collect()
}

/// Why a concept earned less than full points, in words a student who never saw the rubric reads.
fn explain(outcome: Outcome) -> Option<&'static str> {
    Some(match outcome {
        Outcome::Hit => return None,
        Outcome::Partial => "only partly there, so partial credit",
        Outcome::Missed => "not found in your answer",
        Outcome::Negated => "you mentioned it, but said that it is not so",
        Outcome::Hedged => {
            "you mentioned it only tentatively: as one of several options, with a “maybe”, or in a \
             question, without committing to it"
        }
        Outcome::Misconception => "a common misconception, and your answer states it",
        Outcome::WrongChoice => "you chose a different option",
        Outcome::Contradicted => "your answer says both this and its opposite, so it cannot count",
        Outcome::Cancelled => {
            "not counted: the answer also states a misconception, chooses a wrong option, or is \
             only a list of keywords"
        }
        Outcome::Echoed => "found only in the question's own words, copied back",
    })
}

/// A flag in plain words, or `None` when the lines above already say it.
fn flag_note(flag: &Flag, q: &QuestionGrade, shown: &[&ConceptResult]) -> Option<String> {
    Some(match flag {
        // The scorer's feedback for a missing answer says it was not found and which labels
        // were looked for.
        Flag::Missing if !q.feedback.is_empty() => return None,
        Flag::Missing => "No answer was found for this question.".to_string(),
        Flag::Blank => match &q.answer {
            Some(at) => format!("Your answer under “{}” was empty.", one_line(&at.label)),
            None => "Your answer was empty.".to_string(),
        },
        Flag::AnsweredTwice => match &q.answer {
            Some(at) => format!(
                "You answered this question more than once; only the last answer (“{}”, {}) was \
                 graded.",
                one_line(&at.label),
                at.line_of_file()
            ),
            None => "You answered this question more than once; only the last answer was graded.".to_string(),
        },
        Flag::Misconception { concept }
            if shown
                .iter()
                .any(|c| &c.id == concept && c.outcome == Outcome::Misconception) =>
        {
            return None
        }
        Flag::Misconception { concept } => format!(
            "Your answer states a common misconception ({}).",
            concept_name(concept)
        ),
        Flag::Contradiction { concepts } => format!(
            "Your answer says things that contradict each other ({}), so they earn no credit.",
            names(concepts)
        ),
        Flag::HedgedChoice { options } => format!(
            "You named more than one option ({}) without choosing one.",
            names(options)
        ),
        Flag::KeywordList => "Your answer is only a list of keywords: to earn points, say in \
                              sentences what is true about them."
            .to_string(),
        Flag::SameAnswer { also_under } => format!(
            "The same answer stands under {} too; here only the sentences that answer this \
             question were graded.",
            also_under.join(", ")
        ),
        Flag::GroupDecision | Flag::JoinedDecidedGroup => match &q.decision {
            Some(d) if !d.comment.is_empty() => format!(
                "A TA decided this score for every answer like yours: {}",
                one_line(&d.comment)
            ),
            _ => "A TA decided this score for every answer like yours.".to_string(),
        },
        Flag::Overridden => match &q.overridden {
            Some(o) if !o.comment.is_empty() => format!(
                "A TA reviewed this answer and set the score: {}",
                one_line(&o.comment)
            ),
            _ => "A TA reviewed this answer and set the score.".to_string(),
        },
        Flag::TooLong {
            words,
            max,
            truncated: true,
        } => {
            format!(
                "Your answer has {words} words; the limit is {max}, and only the first {max} were graded."
            )
        }
        Flag::TooLong {
            words,
            max,
            truncated: false,
        } => format!("Your answer has {words} words; the limit is {max}."),
        // The review flags are for the TA, not the student.
        Flag::Retraction { cue } => format!(
            "You took back what you first wrote (“{}”): only what follows was graded.",
            one_line(cue)
        ),
        Flag::Echo { .. } => "Words copied from the question earn nothing: say in your own words \
                              what is true."
            .to_string(),
        Flag::FuzzyAtThreshold { .. }
        | Flag::NegatedOrHedged { .. }
        | Flag::Uncertain { .. }
        | Flag::LongAnswerNoCredit { .. }
        | Flag::ShortAnswerFullMarks { .. } => return None,
    })
}

/// A concept or option id as a short name: `keep-masking` reads *keep masking*.
///
/// The result model has no human-readable label per concept, so the id is the fallback.
fn concept_name(id: &str) -> String {
    format!("*{}*", id.replace(['-', '_'], " "))
}

fn names(ids: &[String]) -> String {
    ids.iter()
        .map(|id| concept_name(id))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn pt(p: Points) -> &'static str {
    if p == Points::whole(1) {
        "pt"
    } else {
        "pts"
    }
}

/// All whitespace runs (newlines included) as single spaces, trimmed: keeps a quote or a line
/// of text from breaking out of its Markdown list item.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text that came from a file name (an id, a path in a warning) as Markdown shows it literally:
/// on one line, with every character Markdown or HTML would act on escaped, so an id such as
/// `<img src=x onerror=...>` is printed, never rendered, wherever the feedback is pasted
/// (parentheses stay: with brackets escaped they make no link).
fn markdown_text(text: &str) -> String {
    let line = one_line(&super::printable(text));
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` cut to at most `max` characters (grapheme clusters, so never inside a character),
/// preferring a word boundary near the end, with an ellipsis when anything was cut.
fn shorten(text: &str, max: usize) -> String {
    let graphemes: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
    if graphemes.len() <= max {
        return text.to_string();
    }
    // Leave room for the ellipsis.
    let cut = graphemes[max - 1].0;
    let mut head = &text[..cut];
    // Prefer to end on a whole word if one ends within the last quarter.
    if let Some(space) = head.rfind(' ') {
        if head[..space].chars().count() >= max * 3 / 4 {
            head = &head[..space];
        }
    }
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c));
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::grades::Evidence;
    use crate::ids::StudentId;
    use crate::report::fixture;

    #[test]
    fn feedback_snapshot() {
        insta::assert_snapshot!(FeedbackMarkdown.render(&fixture::report()).unwrap());
    }

    #[test]
    fn write_student_is_one_document_of_the_concatenation() {
        let report = fixture::report();
        let all = FeedbackMarkdown.render(&report).unwrap();
        let mut parts = Vec::new();
        for student in &report.students {
            let mut buf = Vec::new();
            FeedbackMarkdown
                .write_student(&report.assignment, student, &mut buf)
                .unwrap();
            parts.push(String::from_utf8(buf).unwrap());
        }
        assert_eq!(all, parts.join("\n---\n\n"));
        assert!(parts[0].starts_with("# Review: Fine-tuning — feedback for aokonkwo\n"));
    }

    fn render_student(student: &StudentGrade) -> String {
        let report = fixture::report();
        let mut buf = Vec::new();
        FeedbackMarkdown
            .write_student(&report.assignment, student, &mut buf)
            .unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn an_overridden_answer_shows_the_tas_score_and_comment_not_the_autograders_reasons() {
        let report = fixture::report();
        let mut student = report.students[1].clone();
        let before = render_student(&student);
        assert!(
            before.contains("✗"),
            "the fixture's student misses something: {before}"
        );
        for q in &mut student.questions {
            q.overridden = Some(crate::grading::grades::Override {
                autograder: q.score,
                comment: "Regraded by hand: the idea is there.".into(),
            });
            q.score = q.max;
        }
        let after = render_student(&student);
        assert!(!after.contains("✗"), "{after}");
        assert!(after.contains("A TA reviewed this answer and set the score: Regraded by hand"));
    }

    #[test]
    fn a_roster_student_with_no_submission_is_told_so() {
        let report = fixture::report();
        let mut student = report.students[0].clone();
        student.status = SubmissionStatus::Missing;
        let text = render_student(&student);
        assert!(text.contains("No submission was found for you"), "{text}");
    }

    #[test]
    fn ids_file_names_and_reasons_are_shown_not_rendered() {
        let report = fixture::report();
        let mut student = report.students[0].clone();
        student.student = StudentId("<img src=x onerror=alert(1)>".to_string());
        student.warnings = vec!["[link](javascript:x) **bold**".to_string()];
        let text = render_student(&student);
        assert!(
            text.contains("feedback for \\<img src=x onerror=alert(1)\\>\n"),
            "{text}"
        );
        assert!(
            text.contains("- \\[link\\](javascript:x) \\*\\*bold\\*\\*\n"),
            "{text}"
        );
        student.status = SubmissionStatus::Unreadable {
            reason: "a_b.md: <script>\u{1b}[2J".to_string(),
        };
        let text = render_student(&student);
        assert!(
            text.contains("not graded: a\\_b.md: \\<script\\>\\\\x1B\\[2J.\n"),
            "{text}"
        );
    }

    #[test]
    fn quotes_are_cut_on_character_boundaries() {
        assert_eq!(shorten("short", 120), "short");
        let exact = "é".repeat(120);
        assert_eq!(shorten(&exact, 120), exact);
        // No spaces: cut inside the word, never inside a character.
        let long = "é".repeat(200);
        let cut = shorten(&long, 120);
        assert_eq!(cut.chars().count(), 120);
        assert!(cut.ends_with("é…"));
        // A combining accent stays with its letter.
        let combining = "e\u{301}".repeat(200);
        let cut = shorten(&combining, 10);
        assert_eq!(cut, format!("{}…", "e\u{301}".repeat(9)));
        // With spaces: ends on a whole word.
        let words = "word ".repeat(40);
        let cut = shorten(words.trim_end(), 120);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= 120);
    }

    #[test]
    fn multi_line_quotes_stay_in_their_bullet() {
        let c = ConceptResult {
            id: "why".to_string(),
            outcome: Outcome::Hit,
            points: Points::whole(1),
            max: Points::whole(1),
            evidence: Some(Evidence {
                quote: "attends\n\n# to the\tprompt".to_string(),
                start: 0,
                end: 0,
                edits: 0,
                at_threshold: false,
                pattern: String::new(),
            }),
            feedback: Some("Why: later tokens\nattend to the prompt.".to_string()),
            visibility: Default::default(),
            cause: None,
            ideas: Vec::new(),
        };
        assert_eq!(
            concept_line(&c),
            "✓ 1 pt — Why: later tokens attend to the prompt. You wrote: “attends # to the prompt”"
        );
    }

    #[test]
    fn each_idea_says_whether_it_counted_and_why_not() {
        use crate::grading::grades::IdeaResult;
        let idea = |id: &str, outcome, cause: Option<&str>, feedback: Option<&str>| IdeaResult {
            id: id.to_string(),
            outcome,
            evidence: None,
            feedback: feedback.map(String::from),
            cause: cause.map(String::from),
        };
        let c = ConceptResult {
            id: "why".to_string(),
            outcome: Outcome::Partial,
            points: Points::from_f64(0.4),
            max: Points::whole(1),
            evidence: None,
            feedback: None,
            visibility: Default::default(),
            cause: None,
            ideas: vec![
                idea("lifo", IdeaOutcome::Covered, None, Some("Last in, first out.")),
                idea(
                    "doubt",
                    IdeaOutcome::Covered,
                    Some("said with doubt (“maybe”)"),
                    None,
                ),
                idea(
                    "top",
                    IdeaOutcome::Negated,
                    None,
                    Some("Say where push and pop act."),
                ),
                idea("ask", IdeaOutcome::Hedged, Some("asked as a question"), None),
                idea("copied-back", IdeaOutcome::Echoed, None, None),
            ],
        };
        assert_eq!(concept_line(&c), "✓ 0.4 of 1 pt — *why* (2 of 5 ideas covered).");
        assert_eq!(
            idea_lines(&c),
            [
                "✓ Last in, first out.",
                "✓ *doubt* (counted, though said with doubt (“maybe”)).",
                "✗ Say where push and pop act (you mentioned it, but said that it is not so).",
                "✗ *ask* (you mentioned it, but asked as a question, without committing to it).",
                "✗ *copied back* (found only in the question's own words, copied back).",
            ]
        );
    }

    #[test]
    fn every_outcome_is_explained_in_words() {
        use Outcome::*;
        for outcome in [
            Partial,
            Missed,
            Negated,
            Hedged,
            Misconception,
            WrongChoice,
            Contradicted,
            Cancelled,
        ] {
            assert!(explain(outcome).is_some(), "{outcome:?}");
        }
        assert!(explain(Hit).is_none());
    }
}
