//! `explain`: everything the engine saw in one answer to one question — its tokens, sentences
//! and clauses, subject parts, each pattern's matches with their stance and fuzzy distance,
//! the negation and hedging cues, and the grade that followed. Computed here, printed by
//! [`crate::report::write_explanation`].

use std::ops::Range;

use crate::grading::grades::{AnswerLocation, QuestionGrade};
use crate::grading::scoring::{score_question, AnswerInput};
use crate::matching::concept::{trace, PatternTrace};
use crate::matching::cues;
use crate::matching::subjects::{scopes, Scopes};
use crate::matching::text::AnalyzedText;
use crate::rubric::Question;

/// What the engine saw in one answer, and the grade.
pub struct Explanation<'q> {
    pub question: &'q Question,
    pub text: AnalyzedText,
    pub subjects: Scopes,
    /// Per concept, every pattern's matches.
    pub concepts: Vec<Vec<PatternTrace>>,
    /// Per misconception, every pattern's matches.
    pub misconceptions: Vec<Vec<PatternTrace>>,
    /// Tokens that are negation words.
    pub negators: Vec<usize>,
    /// Hedging cues, their scope (`clause` or `sentence`) and kind; a question mark is a cue.
    pub hedges: Vec<(Range<usize>, &'static str, cues::Hedge)>,
    pub grade: QuestionGrade,
}

/// Explain how `answer` is graded for `question`.
pub fn explain<'q>(question: &'q Question, answer: &str, location: AnswerLocation) -> Explanation<'q> {
    let text = AnalyzedText::new(answer);
    let subjects = scopes(&text, &question.subjects);
    let (concepts, misconceptions) = trace(question, &text);
    let negators = (0..text.tokens.len())
        .filter(|&i| cues::is_negator(&text.tokens[i].lower) && !text.tokens[i].quoted)
        .collect();
    let hedges = cues::hedge_cues(&text, question.policy.alternatives);
    let grade = score_question(
        question,
        AnswerInput::Found {
            location,
            text: answer,
            answered_twice: false,
        },
    );
    Explanation {
        question,
        text,
        subjects,
        concepts,
        misconceptions,
        negators,
        hedges,
        grade,
    }
}
