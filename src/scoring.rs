//! Stage 5: scoring. Turns the matcher's findings for one answer into points, per-concept
//! results with evidence, feedback and flags, applying the rubric's rules in a fixed order:
//! concepts and choices, then keyword lists, misconceptions, wrong choices and contradictions.

use crate::grades::{AnswerLocation, ConceptResult, Evidence, Flag, Outcome, QuestionGrade};
use crate::ids::Points;
use crate::matching::{match_answer, AnswerMatches, ConceptMatch, Found};
use crate::rubric::{Cancels, ConceptRule, MisconceptionEffect, Question};

/// What was found for one question in a submission.
#[derive(Debug, Clone)]
pub enum AnswerInput<'a> {
    /// No label for the question; `looked_for` are the labels that were tried.
    Missing { looked_for: &'a [String] },
    Found { location: AnswerLocation, text: &'a str, answered_twice: bool },
}

/// Grade one question.
pub fn score_question(question: &Question, input: AnswerInput<'_>) -> QuestionGrade {
    let (location, text, answered_twice) = match input {
        AnswerInput::Missing { looked_for } => return missing(question, looked_for),
        AnswerInput::Found { location, text, answered_twice } => (location, text, answered_twice),
    };
    if text.trim().is_empty() {
        let mut grade = unanswered(question, Flag::Blank);
        grade.feedback.push(format!(
            "The answer under `{}` ({}, line {}) is empty.",
            location.label, location.file, location.line
        ));
        grade.answer = Some(location);
        return grade;
    }

    let matches = match_answer(question, text);
    let mut grade = Scored::new(question, &matches);
    grade.apply_keyword_list();
    grade.apply_misconceptions();
    grade.apply_wrong_choices();
    grade.apply_exclusive();
    if answered_twice {
        grade.flags.push(Flag::AnsweredTwice);
        grade.feedback.push(format!(
            "This question was answered more than once; the last answer (`{}`, line {}) was graded.",
            location.label, location.line
        ));
    }
    grade.finish(Some(location))
}

fn missing(question: &Question, looked_for: &[String]) -> QuestionGrade {
    let mut grade = unanswered(question, Flag::Missing);
    let labels: Vec<String> = looked_for.iter().map(|l| format!("`{l}`")).collect();
    grade.feedback.push(format!("No answer found for {}; looked for the labels {}.", question.id, labels.join(", ")));
    grade
}

fn unanswered(question: &Question, flag: Flag) -> QuestionGrade {
    QuestionGrade {
        id: question.id.clone(),
        score: Points::ZERO,
        max: question.max,
        answer: None,
        answer_text: String::new(),
        concepts: question
            .concepts
            .iter()
            .map(|c| ConceptResult {
                id: c.id.clone(),
                outcome: Outcome::Missed,
                points: Points::ZERO,
                max: c.points,
                evidence: None,
                feedback: c.miss_feedback.clone(),
            })
            .collect(),
        feedback: Vec::new(),
        flags: vec![flag],
    }
}

/// A question being scored: the concept results so far and what has been cancelled.
struct Scored<'q> {
    question: &'q Question,
    matches: &'q AnswerMatches,
    concepts: Vec<ConceptResult>,
    extra: Vec<ConceptResult>,
    deductions: Points,
    feedback: Vec<String>,
    flags: Vec<Flag>,
}

impl<'q> Scored<'q> {
    fn new(question: &'q Question, matches: &'q AnswerMatches) -> Scored<'q> {
        let mut flags = Vec::new();
        let concepts = question
            .concepts
            .iter()
            .zip(&matches.concepts)
            .map(|(concept, found)| {
                let (outcome, points, evidence) = match found {
                    ConceptMatch::Hit(f) => (Outcome::Hit, concept.points, Some(f)),
                    ConceptMatch::Partial(f) => {
                        (Outcome::Partial, concept.partial.as_ref().map_or(Points::ZERO, |p| p.points), Some(f))
                    }
                    ConceptMatch::Missed => (Outcome::Missed, Points::ZERO, None),
                    ConceptMatch::Negated(f) => (Outcome::Negated, Points::ZERO, Some(f)),
                    ConceptMatch::Hedged(f) => (Outcome::Hedged, Points::ZERO, Some(f)),
                    ConceptMatch::WrongChoice { found, .. } => (Outcome::WrongChoice, Points::ZERO, Some(found)),
                    ConceptMatch::HedgedChoice { options, found } => {
                        flags.push(Flag::HedgedChoice { options: options.clone() });
                        (Outcome::Hedged, Points::ZERO, Some(found))
                    }
                };
                let feedback = match outcome {
                    Outcome::Hit => concept.hit_feedback.clone(),
                    Outcome::Partial => concept
                        .partial
                        .as_ref()
                        .and_then(|p| p.feedback.clone())
                        .or_else(|| concept.hit_feedback.clone()),
                    _ => concept.miss_feedback.clone(),
                };
                ConceptResult {
                    id: concept.id.clone(),
                    outcome,
                    points,
                    max: concept.points,
                    evidence: evidence.map(|f| evidence_of(matches, f)),
                    feedback,
                }
            })
            .collect();
        Scored { question, matches, concepts, extra: Vec::new(), deductions: Points::ZERO, feedback: Vec::new(), flags }
    }

    /// Take away what a concept earned; the outcome keeps the reason.
    fn cancel(&mut self, which: &Cancels, outcome: Outcome) {
        let indices: Vec<usize> = match which {
            Cancels::Nothing => return,
            Cancels::Question => (0..self.concepts.len()).collect(),
            Cancels::Concepts(list) => list.clone(),
        };
        for i in indices {
            let c = &mut self.concepts[i];
            if matches!(c.outcome, Outcome::Hit | Outcome::Partial) {
                c.outcome = outcome;
                c.points = Points::ZERO;
            }
        }
    }

    fn apply_keyword_list(&mut self) {
        if self.matches.keyword_list {
            self.cancel(&Cancels::Question, Outcome::Cancelled);
            self.flags.push(Flag::KeywordList);
            self.feedback.push("A list of keywords makes no claim: write the answer as sentences that say what is true.".into());
        }
    }

    fn apply_misconceptions(&mut self) {
        for (misconception, fired) in self.question.misconceptions.iter().zip(&self.matches.misconceptions) {
            let Some(found) = fired else { continue };
            let mut points = Points::ZERO;
            match &misconception.effect {
                MisconceptionEffect::Cancel(which) => self.cancel(which, Outcome::Cancelled),
                MisconceptionEffect::Deduct(p) => {
                    self.deductions += *p;
                    points = Points::ZERO - *p;
                }
            }
            self.flags.push(Flag::Misconception { concept: misconception.id.clone() });
            if let Some(text) = &misconception.feedback {
                self.feedback.push(text.clone());
            }
            self.extra.push(ConceptResult {
                id: misconception.id.clone(),
                outcome: Outcome::Misconception,
                points,
                max: Points::ZERO,
                evidence: Some(evidence_of(self.matches, found)),
                feedback: misconception.feedback.clone(),
            });
        }
    }

    fn apply_wrong_choices(&mut self) {
        for (i, concept) in self.question.concepts.iter().enumerate() {
            if let ConceptRule::Choice(choice) = &concept.rule {
                if self.concepts[i].outcome == Outcome::WrongChoice {
                    self.cancel(&choice.wrong_cancels, Outcome::Cancelled);
                }
            }
        }
    }

    fn apply_exclusive(&mut self) {
        for group in &self.question.exclusive {
            let asserted: Vec<usize> = group
                .iter()
                .copied()
                .filter(|&i| matches!(self.concepts[i].outcome, Outcome::Hit | Outcome::Partial))
                .collect();
            if asserted.len() >= 2 {
                for &i in group {
                    let c = &mut self.concepts[i];
                    if matches!(c.outcome, Outcome::Hit | Outcome::Partial) {
                        c.outcome = Outcome::Contradicted;
                        c.points = Points::ZERO;
                    }
                }
                self.flags.push(Flag::Contradiction { concepts: asserted.iter().map(|&i| self.concepts[i].id.clone()).collect() });
            }
        }
    }

    fn finish(self, location: Option<AnswerLocation>) -> QuestionGrade {
        let earned: Points = self.concepts.iter().map(|c| c.points).sum();
        let score = (earned - self.deductions).clamp_to(self.question.max);
        let mut concepts = self.concepts;
        concepts.extend(self.extra);
        QuestionGrade {
            id: self.question.id.clone(),
            score,
            max: self.question.max,
            answer: location,
            answer_text: self.matches.text.text.clone(),
            concepts,
            feedback: self.feedback,
            flags: self.flags,
        }
    }
}

fn evidence_of(matches: &AnswerMatches, found: &Found) -> Evidence {
    let (start, end, quote) = matches.text.quote(found.tokens.start, found.tokens.end);
    Evidence { quote: quote.to_string(), start, end }
}
