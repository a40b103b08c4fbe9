//! Rubric tests: every worked example a rubric carries (`[[question.example]]`) is graded like
//! a student's answer and compared with the score and findings it expects, so a course can
//! check a rubric change in CI before it grades anyone.

use crate::grading::grades::{Evidence, IdeaOutcome, IdeaResult, Outcome, QuestionGrade};
use crate::grading::scoring::{score_question, AnswerInput};
use crate::ids::{Points, QuestionId};
use crate::rubric::{Example, Question, Rubric};

/// How one example fared.
#[derive(Debug, Clone)]
pub struct ExampleResult {
    pub question: QuestionId,
    /// 1-based position among the question's examples.
    pub number: usize,
    /// Line of the example in the rubric file.
    pub line: usize,
    pub answer: String,
    pub expected: Points,
    pub got: Points,
    pub why: Option<String>,
    /// What did not match the expectation, in words; empty when the example passed.
    pub failures: Vec<String>,
}

impl ExampleResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Grade every example of every question, in rubric order.
pub fn run_examples(rubric: &Rubric) -> Vec<ExampleResult> {
    let file = rubric.path.display().to_string();
    rubric
        .questions
        .iter()
        .flat_map(|q| q.examples.iter().enumerate().map(move |(i, e)| (q, i + 1, e)))
        .map(|(question, number, example)| run_example(question, number, example, &file))
        .collect()
}

fn run_example(question: &Question, number: usize, example: &Example, file: &str) -> ExampleResult {
    let location = crate::grading::grades::AnswerLocation {
        file: file.to_string(),
        line: example.line,
        label: format!("example {number}"),
        cell: None,
    };
    let grade = score_question(
        question,
        AnswerInput::Found {
            location,
            text: &example.answer,
            answered_twice: false,
        },
    );
    let mut failures = Vec::new();
    if grade.score != example.score {
        failures.push(format!("expected {} points, got {}", example.score, grade.score));
    }
    for id in &example.hits {
        match found(&grade, id) {
            Some(_) => {}
            None => failures.push(format!(
                "`{id}` should be found, but was {}",
                outcome_of(&grade, id)
            )),
        }
    }
    for id in &example.misses {
        if let Some(evidence) = found(&grade, id) {
            let quote = evidence.map_or(String::new(), |e| format!(": \u{201c}{}\u{201d}", e.quote));
            failures.push(format!("`{id}` should not be found, but was{quote}"));
        }
    }
    ExampleResult {
        question: question.id.clone(),
        number,
        line: example.line,
        answer: example.answer.clone(),
        expected: example.score,
        got: grade.score,
        why: example.why.clone(),
        failures,
    }
}

/// `Some(evidence)` when the concept earned points (or the misconception fired); a coverage
/// concept counts as found when its covered ideas earn points (one covered idea below every
/// credit threshold earns nothing), and `concept.idea` names one idea, found when covered.
fn found<'g>(grade: &'g QuestionGrade, id: &str) -> Option<Option<&'g Evidence>> {
    if let Some(c) = grade.concepts.iter().find(|c| c.id == id) {
        return matches!(
            c.outcome,
            Outcome::Hit | Outcome::Partial | Outcome::Misconception
        )
        .then_some(c.evidence.as_ref());
    }
    idea(grade, id)
        .filter(|i| i.outcome == IdeaOutcome::Covered)
        .map(|i| i.evidence.as_ref())
}

/// The idea `concept.idea` names, of a coverage concept of the grade.
fn idea<'g>(grade: &'g QuestionGrade, id: &str) -> Option<&'g IdeaResult> {
    grade.concepts.iter().find_map(|c| {
        let idea = id.strip_prefix(c.id.as_str())?.strip_prefix('.')?;
        c.ideas.iter().find(|i| i.id == idea)
    })
}

fn outcome_of(grade: &QuestionGrade, id: &str) -> &'static str {
    match grade.concepts.iter().find(|c| c.id == id) {
        Some(c) => c.outcome.name(),
        None => idea(grade, id).map_or("not found", |i| i.outcome.name()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::rubric::parse;

    #[test]
    fn a_coverage_concept_below_every_threshold_is_not_found() {
        let toml = r#"
[assignment]
id = "t"
title = "T"
[[question]]
id = "4"
points = 1
  [[question.concept]]
  id = "queue"
  points = 1
  credit = { 2 = 1 }
  ideas = [{ id = "fifo", match = ["first in first out"] }, { id = "ends", match = ["both ends"] }]
  [[question.example]]
  answer = "A queue is first in first out."
  score = 0
  hits = ["queue.fifo"]
  misses = ["queue"]
  [[question.example]]
  answer = "A queue is first in first out."
  score = 0
  hits = ["queue"]
"#;
        let rubric = parse(Path::new("t.toml"), toml).unwrap_or_else(|e| panic!("{e}"));
        let results = run_examples(&rubric);
        assert!(results[0].passed(), "{:?}", results[0].failures);
        assert_eq!(results[1].failures, ["`queue` should be found, but was missed"]);
    }

    #[test]
    fn examples_pass_and_fail_with_reasons() {
        let toml = r#"
[assignment]
id = "t"
title = "T"
[[question]]
id = "1a"
points = 2
  [[question.concept]]
  id = "no"
  points = 1
  negated = ["mask"]
  [[question.concept]]
  id = "reason"
  points = 1
  match = ["pretext task"]
  [[question.example]]
  answer = "You do not mask; it was a pretext task."
  score = 2
  hits = ["no", "reason"]
  [[question.example]]
  answer = "You mask."
  score = 1
  misses = ["no"]
  [[question.example]]
  answer = "No pretext task here, you don't mask."
  score = 1
  hits = ["reason"]
"#;
        let rubric = parse(Path::new("t.toml"), toml).unwrap_or_else(|e| panic!("{e}"));
        let results = run_examples(&rubric);
        assert_eq!(results.len(), 3);
        assert!(results[0].passed(), "{:?}", results[0].failures);
        assert_eq!(results[0].line, 17);
        assert_eq!(results[1].failures, ["expected 1 points, got 0"]);
        assert_eq!(results[2].failures, ["`reason` should be found, but was negated"]);
    }
}
