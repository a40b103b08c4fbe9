//! `check`: a student's self-check of one answer file before submitting. Which questions were
//! found (under which label, on which line), which are missing or blank, answers that look cut
//! off or run over the rubric's `max_words`, and the grade with only what the rubric releases
//! to students. With the student edition of a rubric, which holds no key, only the structure
//! and the concepts released for practice.

use crate::answers::split;
use crate::grading::grader::Grader;
use crate::grading::grades::{AnswerLocation, QuestionGrade};
use crate::grading::scoring::{score_question, AnswerInput};
use crate::ids::QuestionId;
use crate::rubric::Edition;
use crate::submission::Document;

/// What a self-check found for one question.
#[derive(Debug, Clone)]
pub struct QuestionCheck {
    pub id: QuestionId,
    /// Where the answer was found; `None` when missing.
    pub found: Option<AnswerLocation>,
    /// The labels looked for (shown when the answer is missing).
    pub looked_for: Vec<String>,
    pub words: usize,
    /// The answer ends mid-sentence (`... and the`).
    pub cut_off: Option<String>,
    /// (words, limit) when over the rubric's `max_words`.
    pub over_limit: Option<(usize, usize)>,
    pub grade: QuestionGrade,
}

impl QuestionCheck {
    pub fn blank(&self) -> bool {
        self.found.is_some() && self.words == 0
    }
}

/// The whole self-check.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub title: String,
    /// A student edition grades nothing but practice concepts, so no score is shown.
    pub edition: Edition,
    pub questions: Vec<QuestionCheck>,
    /// Reading and labelling problems (unknown labels, text before the first label, ...).
    pub warnings: Vec<String>,
}

/// Check a student's documents against the grader's rubric.
pub fn check(grader: &Grader<'_>, documents: &[Document]) -> CheckReport {
    let split = split(documents, &grader.labels);
    let mut warnings: Vec<String> = documents
        .iter()
        .flat_map(|d| d.warnings.iter().cloned())
        .collect();
    warnings.extend(split.warnings.iter().cloned());
    let questions = grader
        .rubric
        .questions
        .iter()
        .map(|question| {
            let looked_for = grader.labels.looked_for(&question.id);
            let found = split.answers.get(&question.id);
            let text = found.map_or("", |f| f.text.as_str());
            let words = text.split_whitespace().count();
            let input = match found {
                Some(f) => AnswerInput::Found {
                    location: f.location.clone(),
                    text,
                    answered_twice: split.answered_twice.contains(&question.id),
                },
                None => AnswerInput::Missing {
                    looked_for: &looked_for,
                },
            };
            QuestionCheck {
                id: question.id.clone(),
                found: found.map(|f| f.location.clone()),
                looked_for: looked_for.clone(),
                words,
                cut_off: cut_off(text),
                over_limit: question
                    .max_words
                    .filter(|&max| words > max)
                    .map(|max| (words, max)),
                grade: score_question(question, input),
            }
        })
        .collect();
    CheckReport {
        title: grader.rubric.assignment.title.clone(),
        edition: grader.rubric.edition,
        questions,
        warnings,
    }
}

/// Words after which an answer cannot end.
const DANGLING: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "so", "because", "of", "to", "with", "for", "in", "on", "that",
    "which", "is", "are", "then", "than", "by", "as", "if", "since", "while",
];

/// The last few words, when the answer looks cut off: it ends with a comma, colon or dash, or
/// with a word that cannot end a sentence.
pub fn cut_off(answer: &str) -> Option<String> {
    let trimmed = answer.trim_end();
    if trimmed.is_empty() {
        return None;
    }
    let last_word = trimmed
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let dangling_punctuation = trimmed.ends_with([',', ':', ';', '-', '(']);
    let ends_sentence = trimmed.ends_with(['.', '!', '?', ')', '"', '\'', '*', '`', ']']);
    if dangling_punctuation || (!ends_sentence && DANGLING.contains(&last_word.as_str())) {
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        let tail = words[words.len().saturating_sub(6)..].join(" ");
        return Some(tail);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_off_answers_are_noticed() {
        assert_eq!(
            cut_off("The encoder sees the whole input and the").as_deref(),
            Some("sees the whole input and the")
        );
        assert_eq!(cut_off("Because:").as_deref(), Some("Because:"));
        assert_eq!(cut_off("No, it will not fit."), None);
        assert_eq!(cut_off("(b) full finetuning"), None);
        assert_eq!(cut_off(""), None);
    }
}
