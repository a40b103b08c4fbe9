//! Stage 5: scoring. Turns the matcher's findings for one answer into points, per-concept
//! results with evidence, feedback and flags, applying the rubric's rules in a fixed order:
//! concepts and choices, then keyword lists, misconceptions, wrong choices and contradictions.

use crate::grading::grades::{
    AnswerLocation, ConceptResult, Evidence, Flag, IdeaOutcome, IdeaResult, Outcome, QuestionGrade,
};
use crate::ids::Points;
use crate::matching::{match_answer, AnswerMatches, ConceptMatch, Found};
use crate::rubric::{
    Cancels, Concept, ConceptRule, Coverage, KeywordLists, LongAnswers, MisconceptionEffect, Question,
    Visibility,
};

/// What was found for one question in a submission.
#[derive(Debug, Clone)]
pub enum AnswerInput<'a> {
    /// No label for the question; `looked_for` are the labels that were tried.
    Missing { looked_for: &'a [String] },
    Found {
        location: AnswerLocation,
        text: &'a str,
        answered_twice: bool,
    },
}

/// Grade one question.
pub fn score_question(question: &Question, input: AnswerInput<'_>) -> QuestionGrade {
    let (location, text, answered_twice) = match input {
        AnswerInput::Missing { looked_for } => return missing(question, looked_for),
        AnswerInput::Found {
            location,
            text,
            answered_twice,
        } => (location, text, answered_twice),
    };
    if text.trim().is_empty() {
        let mut grade = unanswered(question, Flag::Blank);
        grade.answer = Some(location);
        return grade;
    }

    // Past `max_words`: flagged, and under `truncate` graded only that far.
    let words = text.split_whitespace().count();
    let too_long = question.max_words.filter(|&max| words > max).map(|max| {
        let truncated = question.over_max_words == LongAnswers::Truncate;
        Flag::TooLong {
            words,
            max,
            truncated,
        }
    });
    let text = match (&too_long, question.max_words) {
        (Some(Flag::TooLong { truncated: true, .. }), Some(max)) => first_words(text, max),
        _ => text,
    };
    let matches = match_answer(question, text);
    let mut grade = Scored::new(question, &matches);
    if let Some(cue) = &matches.retraction {
        grade.flags.push(Flag::Retraction { cue: cue.clone() });
    }
    grade.apply_keyword_list();
    grade.apply_misconceptions();
    grade.apply_wrong_choices();
    grade.apply_exclusive();
    if answered_twice {
        grade.flags.push(Flag::AnsweredTwice);
    }
    grade.flags.extend(too_long);
    grade.finish(Some(location))
}

/// The text up to the end of its first `max` words.
fn first_words(text: &str, max: usize) -> &str {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen == max {
                    return &text[..i];
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    text
}

fn missing(question: &Question, looked_for: &[String]) -> QuestionGrade {
    let mut grade = unanswered(question, Flag::Missing);
    let labels: Vec<String> = looked_for.iter().map(|l| format!("`{l}`")).collect();
    grade.feedback.push(format!(
        "No answer found for {}; looked for the labels {}.",
        question.id,
        labels.join(", ")
    ));
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
                visibility: c.visibility,
                cause: None,
                ideas: match &c.rule {
                    ConceptRule::Coverage(coverage) => coverage
                        .ideas
                        .iter()
                        .map(|idea| IdeaResult {
                            id: idea.id.clone(),
                            outcome: IdeaOutcome::Missed,
                            evidence: None,
                            feedback: idea.miss_feedback.clone(),
                            cause: None,
                        })
                        .collect(),
                    _ => Vec::new(),
                },
            })
            .collect(),
        feedback: Vec::new(),
        flags: vec![flag],
        visibility: question.visibility,
        confidence: 1.0,
        overridden: None,
        group: None,
        group_size: 0,
        decision: None,
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
                if let (ConceptMatch::Coverage(verdicts), ConceptRule::Coverage(coverage)) =
                    (found, &concept.rule)
                {
                    return covered(concept, coverage, verdicts, matches, &mut flags);
                }
                let mut cause = None;
                let (outcome, points, evidence) = match found {
                    ConceptMatch::Hit(f) => (Outcome::Hit, concept.points, Some(f)),
                    ConceptMatch::Uncertain(f, hedge) => {
                        flags.push(Flag::Uncertain {
                            concept: concept.id.clone(),
                            cue: hedge.cue.clone(),
                        });
                        cause = Some(hedge.describe());
                        (Outcome::Hit, concept.points, Some(f))
                    }
                    ConceptMatch::Echoed(f) => {
                        flags.push(Flag::Echo {
                            concept: concept.id.clone(),
                        });
                        cause = Some("only in words copied from the question".to_string());
                        (Outcome::Echoed, Points::ZERO, Some(f))
                    }
                    ConceptMatch::Partial(f) => (
                        Outcome::Partial,
                        concept.partial.as_ref().map_or(Points::ZERO, |p| p.points),
                        Some(f),
                    ),
                    ConceptMatch::Missed => (Outcome::Missed, Points::ZERO, None),
                    ConceptMatch::Negated(f) => (Outcome::Negated, Points::ZERO, Some(f)),
                    ConceptMatch::Hedged(f, hedge) => {
                        cause = Some(hedge.describe());
                        (Outcome::Hedged, Points::ZERO, Some(f))
                    }
                    ConceptMatch::WrongChoice { found, .. } => {
                        (Outcome::WrongChoice, Points::ZERO, Some(found))
                    }
                    ConceptMatch::HedgedChoice { options, found } => {
                        flags.push(Flag::HedgedChoice {
                            options: options.clone(),
                        });
                        (Outcome::Hedged, Points::ZERO, Some(found))
                    }
                    // Only a coverage concept is matched by ideas, and it returned above.
                    ConceptMatch::Coverage(_) => (Outcome::Missed, Points::ZERO, None),
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
                    visibility: concept.visibility,
                    cause,
                    ideas: Vec::new(),
                }
            })
            .collect();
        Scored {
            question,
            matches,
            concepts,
            extra: Vec::new(),
            deductions: Points::ZERO,
            feedback: Vec::new(),
            flags,
        }
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

    /// A bare list of keywords: under `keyword_lists = "zero"` it earns nothing, unless the
    /// prompt asks to name or list things (then a list is the answer); under `flag` it is
    /// graded and queued for review; under `grade` it is graded like any answer.
    fn apply_keyword_list(&mut self) {
        if !self.matches.keyword_list {
            return;
        }
        match self.question.policy.keyword_lists {
            KeywordLists::Zero
                if crate::matching::keywords::prompt_asks_for_a_list(&self.question.prompt) => {}
            KeywordLists::Zero => {
                self.cancel(&Cancels::Question, Outcome::Cancelled);
                self.flags.push(Flag::KeywordList);
                self.feedback.push(
                    "A list of keywords makes no claim: write the answer as sentences that say what is true."
                        .into(),
                );
            }
            KeywordLists::Flag => self.flags.push(Flag::KeywordList),
            KeywordLists::Grade => {}
        }
    }

    fn apply_misconceptions(&mut self) {
        for (misconception, fired) in self
            .question
            .misconceptions
            .iter()
            .zip(&self.matches.misconceptions)
        {
            let Some(found) = fired else { continue };
            let mut points = Points::ZERO;
            match &misconception.effect {
                MisconceptionEffect::Cancel(which) => self.cancel(which, Outcome::Cancelled),
                MisconceptionEffect::Deduct(p) => {
                    self.deductions += *p;
                    points = Points::ZERO - *p;
                }
            }
            self.flags.push(Flag::Misconception {
                concept: misconception.id.clone(),
            });
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
                visibility: Visibility::Visible,
                cause: None,
                ideas: Vec::new(),
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
                self.flags.push(Flag::Contradiction {
                    concepts: asserted.iter().map(|&i| self.concepts[i].id.clone()).collect(),
                });
            }
        }
    }

    fn finish(mut self, location: Option<AnswerLocation>) -> QuestionGrade {
        let earned: Points = self.concepts.iter().map(|c| c.points).sum();
        let score = (earned - self.deductions).clamp_to(self.question.max);
        self.add_review_flags(score);
        let confidence = self.flags.iter().map(Flag::confidence_factor).product();
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
            visibility: self.question.visibility,
            confidence,
            overridden: None,
            group: None,
            group_size: 0,
            decision: None,
        }
    }

    /// Flags that only ask a human to look: fuzzy hits at the edge of their allowance, found
    /// but negated or hedged concepts, long answers with no credit, tiny answers with full marks.
    fn add_review_flags(&mut self, score: Points) {
        for c in &self.concepts {
            // A coverage concept's ideas are looked at one by one, named `concept.idea`.
            if c.is_coverage() {
                for idea in &c.ideas {
                    let concept = format!("{}.{}", c.id, idea.id);
                    let at_threshold = idea.evidence.as_ref().is_some_and(|e| e.at_threshold);
                    match idea.outcome {
                        IdeaOutcome::Covered if at_threshold => {
                            self.flags.push(Flag::FuzzyAtThreshold { concept })
                        }
                        IdeaOutcome::Negated | IdeaOutcome::Hedged if !c.max.is_zero() => {
                            self.flags.push(Flag::NegatedOrHedged { concept })
                        }
                        _ => {}
                    }
                }
                continue;
            }
            let evidence = c.evidence.as_ref();
            match c.outcome {
                Outcome::Hit | Outcome::Partial if evidence.is_some_and(|e| e.at_threshold) => {
                    self.flags.push(Flag::FuzzyAtThreshold {
                        concept: c.id.clone(),
                    });
                }
                Outcome::Negated | Outcome::Hedged if !c.max.is_zero() => {
                    let hedged_choice = self.flags.iter().any(|f| matches!(f, Flag::HedgedChoice { .. }));
                    if !hedged_choice {
                        self.flags.push(Flag::NegatedOrHedged {
                            concept: c.id.clone(),
                        });
                    }
                }
                _ => {}
            }
        }
        let words = self.matches.text.tokens.len();
        if score.is_zero() && words >= LONG_ANSWER_WORDS {
            self.flags.push(Flag::LongAnswerNoCredit { words });
        }
        if score == self.question.max && self.question.max >= Points::whole(2) && words <= SHORT_ANSWER_WORDS
        {
            self.flags.push(Flag::ShortAnswerFullMarks { words });
        }
    }
}

/// A coverage concept's result: each idea's outcome, and the points `credit` gives for the
/// ideas covered. Its outcome is `hit` when every idea is covered, `partial` when some are
/// and they earn points, and otherwise what became of the ideas that were found (negated,
/// hedged, echoed) or `missed`: covered ideas below every threshold earn nothing, and a
/// concept that earns nothing is not credited (class rates, answer groups and worked
/// examples count `hit` and `partial` as credited). The ideas keep their own outcomes.
fn covered(
    concept: &Concept,
    coverage: &Coverage,
    verdicts: &[ConceptMatch],
    matches: &AnswerMatches,
    flags: &mut Vec<Flag>,
) -> ConceptResult {
    let mut ideas = Vec::new();
    let mut found_at: Vec<(IdeaOutcome, &Found)> = Vec::new();
    for (idea, verdict) in coverage.ideas.iter().zip(verdicts) {
        let name = || format!("{}.{}", concept.id, idea.id);
        let (outcome, found, cause) = match verdict {
            ConceptMatch::Hit(f) => (IdeaOutcome::Covered, Some(f), None),
            ConceptMatch::Uncertain(f, hedge) => {
                flags.push(Flag::Uncertain {
                    concept: name(),
                    cue: hedge.cue.clone(),
                });
                (IdeaOutcome::Covered, Some(f), Some(hedge.describe()))
            }
            ConceptMatch::Echoed(f) => {
                flags.push(Flag::Echo { concept: name() });
                let cause = "only in words copied from the question".to_string();
                (IdeaOutcome::Echoed, Some(f), Some(cause))
            }
            ConceptMatch::Negated(f) => (IdeaOutcome::Negated, Some(f), None),
            ConceptMatch::Hedged(f, hedge) => (IdeaOutcome::Hedged, Some(f), Some(hedge.describe())),
            _ => (IdeaOutcome::Missed, None, None),
        };
        if let Some(f) = found {
            found_at.push((outcome, f));
        }
        ideas.push(IdeaResult {
            id: idea.id.clone(),
            outcome,
            evidence: found.map(|f| evidence_of(matches, f)),
            feedback: match outcome {
                IdeaOutcome::Covered => idea.hit_feedback.clone(),
                _ => idea.miss_feedback.clone(),
            },
            cause,
        });
    }
    let count = ideas.iter().filter(|i| i.outcome == IdeaOutcome::Covered).count();
    let points = coverage.earned(count, concept.points);
    let outcome = if count == ideas.len() {
        Outcome::Hit
    } else if count > 0 && !points.is_zero() {
        Outcome::Partial
    } else if ideas.iter().any(|i| i.outcome == IdeaOutcome::Negated) {
        Outcome::Negated
    } else if ideas.iter().any(|i| i.outcome == IdeaOutcome::Hedged) {
        Outcome::Hedged
    } else if ideas.iter().any(|i| i.outcome == IdeaOutcome::Echoed) {
        Outcome::Echoed
    } else {
        Outcome::Missed
    };
    // The concept's own evidence: the first covered idea's words, else the first found.
    found_at.sort_by_key(|(o, f)| (*o != IdeaOutcome::Covered, f.tokens.start));
    ConceptResult {
        id: concept.id.clone(),
        outcome,
        points,
        max: concept.points,
        evidence: found_at.first().map(|(_, f)| evidence_of(matches, f)),
        feedback: match outcome {
            Outcome::Hit | Outcome::Partial => concept.hit_feedback.clone(),
            _ => concept.miss_feedback.clone(),
        },
        visibility: concept.visibility,
        cause: None,
        ideas,
    }
}

/// An answer this long that earns nothing deserves a second look.
const LONG_ANSWER_WORDS: usize = 40;
/// An answer this short that earns full marks on a multi-point question deserves one too.
const SHORT_ANSWER_WORDS: usize = 5;

fn evidence_of(matches: &AnswerMatches, found: &Found) -> Evidence {
    let (start, end, quote) = matches.text.quote(found.tokens.start, found.tokens.end);
    Evidence {
        quote: quote.to_string(),
        start,
        end,
        edits: found.distance,
        at_threshold: found.at_threshold,
        pattern: found.pattern.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::grading::grades::Outcome;
    use crate::rubric::{parse, Rubric};

    const RUBRIC: &str = r#"
[assignment]
id = "t"
title = "T"

[synonyms]
finetune = ["finetune", "ft"]

[options.method]
a = ["linear probing", "feature extraction"]
b = ["full {finetune}"]
d = ["soft prompting"]

[options.yes-no]
yes = ["yes"]
no = ["/\\A\\s*no\\b/"]

[[question]]
id = "1a"
points = 2
exclusive = [["keep", "drop"]]
  [[question.concept]]
  id = "drop"
  points = 1
  negated = ["mask"]
  match = ["whole input"]
  hit = "No masking."
  miss = "Say you do not mask."
  [[question.concept]]
  id = "keep"
  points = 0
  match = ["keep masking"]
  [[question.concept]]
  id = "reason"
  points = 1
  match = ["pretext task"]

[[question]]
id = "1c"
points = 1
  [[question.concept]]
  id = "pick"
  points = 1
  choose = "d"
  from = "method"

[[question]]
id = "1b"
points = 3
  [[question.concept]]
  id = "objective"
  points = 2
  match = ["language model"]
    [question.concept.partial]
    points = 1
    match = ["back translation"]
  [[question.concept]]
  id = "transfer"
  points = 1
  match = ["initialize .. encoder"]
  [[question.misconception]]
  id = "translation-loss"
  match = ["translation loss"]
  cancels = ["objective"]

[[question]]
id = "3a"
points = 2
subjects = { bert = ["bert"], gpt = ["gpt"] }
  [[question.concept]]
  id = "bert"
  points = 1
  subject = "bert"
  match = ["masked language model"]
  [[question.concept]]
  id = "gpt"
  points = 1
  subject = "gpt"
  match = ["next token"]
  [[question.misconception]]
  id = "bert-next"
  subject = "bert"
  match = ["next token"]
  cancels = ["bert"]

[[question]]
id = "4"
points = 3
prompt = "Explain how a stack works."
subjects = { stack = ["stack"], queue = ["queue"] }
exclusive = [["stack-ideas", "stack-is-fifo"]]
  [[question.concept]]
  id = "stack-ideas"
  points = 2
  subject = "stack"
  ideas = [
    { id = "lifo", match = ["last in first out"] },
    { id = "top", match = ["top of the stack"], hit = "Push and pop act on the top." },
    { id = "no-middle", negated = ["random access"], miss = "Say you cannot reach the middle." },
  ]
  [[question.concept]]
  id = "stack-is-fifo"
  points = 0
  subject = "stack"
  match = ["first in first out"]
  [[question.concept]]
  id = "queue-ideas"
  points = 1
  subject = "queue"
  credit = { 2 = 1 }
  ideas = [{ id = "fifo", match = ["first in first out"] }, { id = "ends", match = ["both ends"] }]
  [[question.misconception]]
  id = "same"
  match = ["queue is a stack"]
  cancels = ["queue-ideas"]
"#;

    fn rubric() -> Rubric {
        parse(Path::new("t.toml"), RUBRIC).unwrap_or_else(|e| panic!("{e}"))
    }

    fn grade(question: &str, answer: &str) -> QuestionGrade {
        grade_under(question, answer, |_| {})
    }

    /// Grade with the rubric's question as `change` changes it (its policy, its prompt).
    fn grade_under(question: &str, answer: &str, change: impl Fn(&mut Question)) -> QuestionGrade {
        let rubric = rubric();
        let mut q = rubric
            .questions
            .iter()
            .find(|q| q.id.as_str() == question)
            .unwrap()
            .clone();
        change(&mut q);
        let q = &q;
        let location = AnswerLocation {
            file: "s.md".into(),
            line: 1,
            label: question.into(),
            cell: None,
        };
        score_question(
            q,
            AnswerInput::Found {
                location,
                text: answer,
                answered_twice: false,
            },
        )
    }

    fn outcome(g: &QuestionGrade, id: &str) -> Outcome {
        g.concepts.iter().find(|c| c.id == id).unwrap().outcome
    }

    #[test]
    fn negated_polarity_counts_when_denied() {
        let g = grade(
            "1a",
            "No, you don't mask at finetuning; masking was the pretext task.",
        );
        assert_eq!(g.score, Points::whole(2));
        assert_eq!(outcome(&g, "drop"), Outcome::Hit);
        assert_eq!(g.concepts[0].evidence.as_ref().unwrap().quote, "don't mask");
        assert_eq!(g.concepts[0].feedback.as_deref(), Some("No masking."));
    }

    #[test]
    fn a_denial_that_earns_is_quoted_with_its_negation() {
        let g = grade("1a", "You do not mask anything at finetuning.");
        assert_eq!(outcome(&g, "drop"), Outcome::Hit);
        assert_eq!(g.concepts[0].evidence.as_ref().unwrap().quote, "not mask");
    }

    #[test]
    fn asserted_concepts_do_not_count_when_negated() {
        let g = grade("1a", "It is not a pretext task.");
        assert_eq!(outcome(&g, "reason"), Outcome::Negated);
        assert_eq!(g.score, Points::ZERO);
    }

    #[test]
    fn hedged_concepts_earn_nothing() {
        let g = grade("1a", "Maybe the whole input, maybe not.");
        assert_eq!(outcome(&g, "drop"), Outcome::Hedged);
        assert_eq!(g.score, Points::ZERO);
    }

    #[test]
    fn misspellings_and_stems_still_count() {
        let g = grade(
            "1b",
            "Train it as a langauge modell, then initialized the encoder from it.",
        );
        assert_eq!(g.score, Points::whole(3), "{:#?}", g.concepts);
    }

    #[test]
    fn contradiction_zeroes_the_exclusive_concepts_and_flags() {
        let g = grade("1a", "You should keep masking. The whole input is needed.");
        assert_eq!(outcome(&g, "drop"), Outcome::Contradicted);
        assert!(g.flags.iter().any(|f| matches!(f, Flag::Contradiction { .. })));
        assert_eq!(g.score, Points::ZERO);
    }

    #[test]
    fn choice_negated_option_and_clause_scope() {
        let g = grade(
            "1c",
            "Full finetuning would not work well with so much data, so soft prompting.",
        );
        assert_eq!(outcome(&g, "pick"), Outcome::Hit);
        assert_eq!(g.score, Points::whole(1));
    }

    #[test]
    fn choice_listed_without_choosing_is_hedged() {
        let g = grade(
            "1c",
            "Either linear probing or soft prompting would be reasonable.",
        );
        assert_eq!(outcome(&g, "pick"), Outcome::Hedged);
        let g = grade("1c", "Soft prompting or linear probing.");
        assert_eq!(outcome(&g, "pick"), Outcome::Hedged);
        assert!(g.flags.is_empty() || g.flags.iter().all(|f| !matches!(f, Flag::Missing)));
    }

    #[test]
    fn choice_by_letter_and_wrong_choice() {
        assert_eq!(grade("1c", "(d)").score, Points::whole(1));
        let g = grade("1c", "b, full FT: there is plenty of data");
        assert_eq!(outcome(&g, "pick"), Outcome::WrongChoice);
        assert_eq!(g.score, Points::ZERO);
    }

    #[test]
    fn a_turn_decides_between_options_in_one_sentence() {
        let g = grade(
            "1c",
            "My first instinct was full finetuning, but that is a lot of weights, so: soft prompting.",
        );
        assert_eq!(outcome(&g, "pick"), Outcome::Hit);
        let g = grade("1c", "Soft prompting is tempting but I'd use full finetuning.");
        assert_eq!(outcome(&g, "pick"), Outcome::WrongChoice);
    }

    #[test]
    fn rejected_option_does_not_compete() {
        let g = grade(
            "1c",
            "(d) soft prompting, and full finetuning would be far too expensive.",
        );
        assert_eq!(outcome(&g, "pick"), Outcome::Hit);
    }

    #[test]
    fn partial_credit_for_a_weaker_variant() {
        let g = grade("1b", "Use back translation to make more pairs.");
        assert_eq!(outcome(&g, "objective"), Outcome::Partial);
        assert_eq!(g.score, Points::whole(1));
    }

    #[test]
    fn misconception_cancels_the_named_concepts_only() {
        let g = grade(
            "1b",
            "Train a language model with the translation loss, then initialize the encoder.",
        );
        assert_eq!(outcome(&g, "objective"), Outcome::Cancelled);
        assert_eq!(outcome(&g, "transfer"), Outcome::Hit);
        assert_eq!(outcome(&g, "translation-loss"), Outcome::Misconception);
        assert_eq!(g.score, Points::whole(1));
    }

    #[test]
    fn subjects_scope_concepts_and_misconceptions() {
        let g = grade("3a", "BERT: masked language model. GPT: next token.");
        assert_eq!(g.score, Points::whole(2));
        let g = grade("3a", "BERT: next token prediction. GPT: masked language model.");
        assert_eq!(g.score, Points::ZERO, "{:#?}", g.concepts);
    }

    #[test]
    fn an_arrow_separates_a_rejected_option_from_the_chosen_one() {
        let g = grade("1c", "full finetuning too costly -> soft prompting");
        assert_eq!(outcome(&g, "pick"), Outcome::Hit);
        let g = grade("1c", "full finetuning too costly \u{2192} soft prompting");
        assert_eq!(outcome(&g, "pick"), Outcome::Hit);
    }

    #[test]
    fn options_named_in_separate_sentences_are_several_options() {
        for answer in [
            "Soft prompting. Full finetuning.",
            "Full finetuning. Soft prompting.",
            "Linear probing. Also soft prompting. Also full finetuning.",
        ] {
            let g = grade("1c", answer);
            assert_eq!(outcome(&g, "pick"), Outcome::Hedged, "{answer}");
            assert!(g.flags.iter().any(|f| f.name() == "hedged-choice"), "{answer}");
        }
        // An option mentioned later inside a sentence about something else is not a choice.
        let g = grade(
            "1c",
            "Soft prompting. It is much cheaper than doing full finetuning.",
        );
        assert_eq!(outcome(&g, "pick"), Outcome::Hit);
    }

    #[test]
    fn a_retraction_grades_only_the_final_answer_and_is_flagged() {
        for answer in [
            "Full finetuning. On second thought, soft prompting.",
            "full finetuning, just kidding, soft prompting",
            "Full finetuning. Scratch that: soft prompting.",
        ] {
            let g = grade("1c", answer);
            assert_eq!(outcome(&g, "pick"), Outcome::Hit, "{answer}");
            assert!(g.flags.iter().any(|f| f.name() == "retraction"), "{answer}");
        }
        let g = grade("1c", "Soft prompting. On second thought, full finetuning.");
        assert_eq!(outcome(&g, "pick"), Outcome::WrongChoice);
        // "Actually" retracts only when it flips the answer.
        let g = grade("1a", "You keep masking. Actually no, the whole input.");
        assert_eq!(outcome(&g, "drop"), Outcome::Hit);
        let g = grade("1a", "The whole input. Actually, it is a pretext task.");
        assert_eq!(g.score, Points::whole(2));
        assert!(!g.flags.iter().any(|f| f.name() == "retraction"));
    }

    /// Each idea's outcome in the coverage concept `id`.
    fn ideas(g: &QuestionGrade, id: &str) -> Vec<IdeaOutcome> {
        let c = g.concepts.iter().find(|c| c.id == id).unwrap();
        c.ideas.iter().map(|i| i.outcome).collect()
    }

    #[test]
    fn a_coverage_concept_earns_by_its_ideas_in_its_subjects_part() {
        use IdeaOutcome::*;
        let g = grade(
            "4",
            "Stack: last in first out, and you push at the top of the stack. Queue: both ends.",
        );
        assert_eq!(ideas(&g, "stack-ideas"), [Covered, Covered, Missed]);
        assert_eq!(outcome(&g, "stack-ideas"), Outcome::Partial);
        assert_eq!(
            g.concepts[0].points,
            Points::from_f64(1.33),
            "2 of 3 ideas of 2 points"
        );
        let top = &g.concepts[0].ideas[1];
        assert_eq!(top.feedback.as_deref(), Some("Push and pop act on the top."));
        assert_eq!(top.evidence.as_ref().unwrap().quote, "top of the stack");
        // One of two ideas reaches no threshold: nothing, though the idea is covered.
        // It is not credited: it gets the outcome of a concept with no idea covered.
        assert_eq!(ideas(&g, "queue-ideas"), [Missed, Covered]);
        assert_eq!(outcome(&g, "queue-ideas"), Outcome::Missed);
        assert_eq!(g.concepts[2].points, Points::ZERO);
        // The queue's words are not looked for in the stack's part, and the other way round.
        let g = grade(
            "4",
            "Queue: last in first out. Stack: first in first out at both ends.",
        );
        assert_eq!(ideas(&g, "stack-ideas"), [Missed, Missed, Missed]);
        assert_eq!(ideas(&g, "queue-ideas"), [Missed, Missed]);
    }

    #[test]
    fn a_denied_idea_counts_and_an_asserted_idea_denied_does_not() {
        use IdeaOutcome::*;
        let g = grade(
            "4",
            "A stack is not last in first out. There is no random access in a stack.",
        );
        assert_eq!(ideas(&g, "stack-ideas"), [Negated, Missed, Covered]);
        assert_eq!(
            g.concepts[0].ideas[0].evidence.as_ref().unwrap().quote,
            "last in first out"
        );
        assert!(g.flags.contains(&Flag::NegatedOrHedged {
            concept: "stack-ideas.lifo".into()
        }));
        assert_eq!(g.score, Points::from_f64(0.67));
    }

    #[test]
    fn coverage_concepts_answer_to_the_policy_misconceptions_and_exclusive_groups() {
        use IdeaOutcome::*;
        // Copied from the prompt: under `discount` it earns nothing.
        let copied = "A stack is called last in first out, with its top of the stack.";
        let prompt = |echo| {
            move |q: &mut Question| {
                q.prompt = "A stack is called last in first out: why?".into();
                q.prompt_stems = crate::matching::echo::stems(&q.prompt);
                q.policy.echo = echo;
            }
        };
        let g = grade_under("4", copied, prompt(crate::rubric::Echo::Discount));
        assert_eq!(ideas(&g, "stack-ideas"), [Echoed, Covered, Missed]);
        assert!(g.flags.contains(&Flag::Echo {
            concept: "stack-ideas.lifo".into()
        }));
        let credited = grade_under("4", copied, prompt(crate::rubric::Echo::Credit));
        assert_eq!(ideas(&credited, "stack-ideas"), [Covered, Covered, Missed]);
        // Doubt: flagged under lenient, withheld under strict.
        let doubt = "A stack is maybe last in first out.";
        let lenient = grade("4", doubt);
        assert_eq!(ideas(&lenient, "stack-ideas")[0], Covered);
        assert!(lenient
            .flags
            .iter()
            .any(|f| f.describe() == "uncertain: stack-ideas.lifo (maybe)"));
        let strict = grade_under("4", doubt, |q| q.policy.hedging = crate::rubric::Hedging::Strict);
        assert_eq!(ideas(&strict, "stack-ideas")[0], Hedged);
        assert_eq!(outcome(&strict, "stack-ideas"), Outcome::Hedged);
        // A misconception cancels the concept; its ideas keep what was found.
        let g = grade(
            "4",
            "Queue: first in first out, at both ends. A queue is a stack.",
        );
        assert_eq!(outcome(&g, "queue-ideas"), Outcome::Cancelled);
        assert_eq!(ideas(&g, "queue-ideas"), [Covered, Covered]);
        assert_eq!(g.score, Points::ZERO);
        // A concept and its exclusive opposite both asserted: a contradiction.
        let g = grade(
            "4",
            "A stack is last in first out. A stack is first in first out.",
        );
        assert_eq!(outcome(&g, "stack-ideas"), Outcome::Contradicted);
        assert_eq!(g.score, Points::ZERO);
    }

    #[test]
    fn a_missing_answer_lists_every_idea_as_missed() {
        let rubric = rubric();
        let q = rubric.questions.iter().find(|q| q.id.as_str() == "4").unwrap();
        let g = score_question(q, AnswerInput::Missing { looked_for: &[] });
        assert_eq!(ideas(&g, "stack-ideas"), [IdeaOutcome::Missed; 3]);
        assert_eq!(
            g.concepts[0].ideas[2].feedback.as_deref(),
            Some("Say you cannot reach the middle.")
        );
    }

    const KEYWORD_LIST: &str = "language model, encoder, initialize encoder, back translation, pairs";

    #[test]
    fn keyword_lists_earn_nothing_under_zero() {
        let g = grade_under("1b", KEYWORD_LIST, |q| {
            q.policy.keyword_lists = KeywordLists::Zero
        });
        assert_eq!(g.score, Points::ZERO);
        assert!(g.flags.contains(&Flag::KeywordList));
    }

    #[test]
    fn a_list_answers_a_prompt_that_asks_for_names_even_under_zero() {
        let zero = grade_under("1b", KEYWORD_LIST, |q| {
            q.policy.keyword_lists = KeywordLists::Zero
        });
        let rubric = rubric();
        let mut q = rubric
            .questions
            .iter()
            .find(|q| q.id.as_str() == "1b")
            .unwrap()
            .clone();
        q.policy.keyword_lists = KeywordLists::Zero;
        q.prompt = "Name the steps of back translation.".into();
        let location = AnswerLocation {
            file: "s.md".into(),
            line: 1,
            label: "1b".into(),
            cell: None,
        };
        let listed = score_question(
            &q,
            AnswerInput::Found {
                location,
                text: KEYWORD_LIST,
                answered_twice: false,
            },
        );
        assert!(listed.score > zero.score);
        assert!(!listed.flags.contains(&Flag::KeywordList));
    }

    #[test]
    fn keyword_lists_are_graded_and_flagged_under_flag() {
        let zero = grade_under("1b", KEYWORD_LIST, |q| {
            q.policy.keyword_lists = KeywordLists::Zero
        });
        let flag = grade_under("1b", KEYWORD_LIST, |q| {
            q.policy.keyword_lists = KeywordLists::Flag
        });
        let graded = grade_under("1b", KEYWORD_LIST, |q| {
            q.policy.keyword_lists = KeywordLists::Grade
        });
        assert!(flag.score > zero.score, "{:#?}", flag.concepts);
        assert!(flag.flags.contains(&Flag::KeywordList));
        assert!(flag.confidence < 0.75, "a flagged list goes to the review queue");
        assert_eq!(graded.score, flag.score);
        assert!(!graded.flags.contains(&Flag::KeywordList));
    }

    #[test]
    fn doubt_earns_under_lenient_and_is_flagged_uncertain() {
        let answer = "I guess the whole input?";
        let strict = grade_under("1a", answer, |q| {
            q.policy.hedging = crate::rubric::Hedging::Strict
        });
        assert_eq!(outcome(&strict, "drop"), Outcome::Hedged);
        assert!(strict.concepts[0].cause.is_some(), "the hedge is named");
        let lenient = grade_under("1a", answer, |q| {
            q.policy.hedging = crate::rubric::Hedging::Lenient
        });
        assert_eq!(outcome(&lenient, "drop"), Outcome::Hit);
        assert!(
            lenient.flags.iter().any(|f| f.name() == "uncertain"),
            "{:?}",
            lenient.flags
        );
        assert!(
            lenient.confidence < 0.75,
            "uncertain answers go to the review queue"
        );
        let off = grade_under("1a", answer, |q| q.policy.hedging = crate::rubric::Hedging::Off);
        assert_eq!(outcome(&off, "drop"), Outcome::Hit);
        assert!(!off.flags.iter().any(|f| f.name() == "uncertain"));
    }

    #[test]
    fn long_answers_are_flagged_or_truncated() {
        let text = "one two three four language model";
        let toml = RUBRIC.replace(
            "id = \"1b\"\npoints = 3",
            "id = \"1b\"\npoints = 3\nmax_words = 4\nover_max_words = \"truncate\"",
        );
        let rubric = parse(Path::new("t.toml"), &toml).unwrap_or_else(|e| panic!("{e}"));
        let q = rubric.questions.iter().find(|q| q.id.as_str() == "1b").unwrap();
        let location = AnswerLocation {
            file: "s.md".into(),
            line: 1,
            label: "1b".into(),
            cell: None,
        };
        let g = score_question(
            q,
            AnswerInput::Found {
                location: location.clone(),
                text,
                answered_twice: false,
            },
        );
        assert_eq!(g.score, Points::ZERO, "the words past the limit are not graded");
        assert!(g.flags.contains(&Flag::TooLong {
            words: 6,
            max: 4,
            truncated: true
        }));
        let flagged = grade("1b", text);
        assert_eq!(
            flagged.score,
            Points::whole(2),
            "without a limit the whole answer counts"
        );
        assert_eq!(first_words("a  b\nc d", 3), "a  b\nc");
    }

    #[test]
    fn blank_and_missing_answers_say_why() {
        let g = grade("1b", "  \n");
        assert_eq!(g.flags, [Flag::Blank]);
        assert_eq!(g.answer.as_ref().unwrap().label, "1b");
        let rubric = rubric();
        let labels = vec!["1b".to_string(), "1(b)".to_string()];
        let g = score_question(&rubric.questions[2], AnswerInput::Missing { looked_for: &labels });
        assert_eq!(g.flags, [Flag::Missing]);
        assert_eq!(
            g.feedback[0],
            "No answer found for 1b; looked for the labels `1b`, `1(b)`."
        );
    }
}
