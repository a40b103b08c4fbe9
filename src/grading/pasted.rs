//! One answer pasted under several labels. A student who writes everything they know under
//! every question would otherwise earn each question's points from text that answers another
//! one. When the same answer (same words, ignoring case, punctuation and spacing) stands
//! under two or more labels, each of its sentences goes to the question it answers best, and
//! each question is graded on its own sentences only, flagged `same-answer` for review.

use std::collections::BTreeMap;

use crate::grading::grades::AnswerLocation;
use crate::grading::scoring::{score_question, AnswerInput};
use crate::ids::{Points, QuestionId};
use crate::matching::text::AnalyzedText;
use crate::rubric::Question;

/// Shorter answers repeated under two labels are ordinary ("Yes.", "LoRA"), not a paste.
pub const MIN_PASTED_WORDS: usize = 12;

/// For each question whose answer was pasted under other labels too: the part of it that
/// answers this question, and the other questions it was pasted under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub text: String,
    pub also_under: Vec<QuestionId>,
}

/// The questions whose answers are one pasted text, and the share of it each is graded on.
/// `answers` holds each answered question's location and text.
pub fn shares(
    questions: &[&Question],
    answers: &BTreeMap<QuestionId, (AnswerLocation, &str)>,
) -> BTreeMap<QuestionId, Share> {
    let mut by_words: BTreeMap<String, Vec<&Question>> = BTreeMap::new();
    for question in questions {
        if let Some((_, text)) = answers.get(&question.id) {
            let words = words_of(text);
            if words.split(' ').count() >= MIN_PASTED_WORDS {
                by_words.entry(words).or_default().push(question);
            }
        }
    }
    let mut shares = BTreeMap::new();
    for group in by_words.values().filter(|g| g.len() > 1) {
        let (location, text) = &answers[&group[0].id];
        let pieces = split_by_question(group, location, text);
        for (question, text) in group.iter().zip(pieces) {
            let also_under = group
                .iter()
                .filter(|q| q.id != question.id)
                .map(|q| q.id.clone())
                .collect();
            shares.insert(question.id.clone(), Share { text, also_under });
        }
    }
    shares
}

/// The answer's words, lower case, joined by single spaces: what makes two answers the same.
fn words_of(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each question's share of the text, in `questions` order: each sentence goes to the
/// questions where it earns the most points (a sentence that earns as much in two goes to
/// both); a sentence that earns nothing anywhere ("No.", a remark) goes with the next sentence
/// that earns, or else the last one, since that is what it introduces or concludes.
fn split_by_question(questions: &[&Question], location: &AnswerLocation, text: &str) -> Vec<String> {
    let analyzed = AnalyzedText::new(text);
    let sentences = sentences(&analyzed);
    let owners: Vec<Vec<bool>> = sentences
        .iter()
        .map(|sentence| {
            let earned: Vec<Points> = questions
                .iter()
                .map(|q| {
                    let input = AnswerInput::Found {
                        location: location.clone(),
                        text: sentence,
                        answered_twice: false,
                    };
                    score_question(q, input).score
                })
                .collect();
            let best = earned.iter().copied().max().unwrap_or(Points::ZERO);
            earned.iter().map(|&e| !best.is_zero() && e == best).collect()
        })
        .collect();
    let owners = settle_ties(owners);
    let earning: Vec<usize> = (0..sentences.len())
        .filter(|&i| owners[i].contains(&true))
        .collect();
    let mut shares = vec![String::new(); questions.len()];
    for (i, sentence) in sentences.iter().enumerate() {
        let owner = earning
            .iter()
            .find(|&&e| e >= i)
            .or(earning.last())
            .map(|&e| &owners[e]);
        for (share, _) in shares
            .iter_mut()
            .zip(owner.into_iter().flatten())
            .filter(|(_, &owns)| owns)
        {
            share.push_str(sentence);
        }
    }
    shares.iter().map(|s| s.trim().to_string()).collect()
}

/// A sentence that earns as much in several questions ("No." where two questions want "no")
/// belongs with the sentences around it: the nearest one after it, else before it, that
/// earns in some but not all of the same questions decides.
fn settle_ties(owners: Vec<Vec<bool>>) -> Vec<Vec<bool>> {
    let count = |o: &[bool]| o.iter().filter(|&&b| b).count();
    (0..owners.len())
        .map(|i| {
            if count(&owners[i]) < 2 {
                return owners[i].clone();
            }
            let narrower = |j: &usize| {
                let common: Vec<bool> = owners[i].iter().zip(&owners[*j]).map(|(a, b)| *a && *b).collect();
                let n = count(&common);
                (n > 0 && n < count(&owners[i])).then_some(common)
            };
            (i + 1..owners.len())
                .find_map(|j| narrower(&j))
                .or_else(|| (0..i).rev().find_map(|j| narrower(&j)))
                .unwrap_or_else(|| owners[i].clone())
        })
        .collect()
}

/// The text's sentences as written, each running to where the next one starts.
fn sentences(analyzed: &AnalyzedText) -> Vec<&str> {
    let starts: Vec<usize> = analyzed
        .sentences
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| analyzed.tokens[s.start].start)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = starts.get(i + 1).copied().unwrap_or(analyzed.text.len());
            &analyzed.text[start..end]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::grading::grader::Grader;
    use crate::grading::grades::{Flag, StudentGrade};
    use crate::ids::StudentId;
    use crate::submission::{Document, SourceLine};

    fn document(answers: &[(&str, &str)]) -> Document {
        let mut lines = Vec::new();
        for (label, text) in answers {
            lines.push(SourceLine::new(lines.len() + 1, format!("## {label}")));
            for line in text.lines() {
                lines.push(SourceLine::new(lines.len() + 1, line));
            }
        }
        Document {
            path: PathBuf::from("s.md"),
            lines,
            warnings: Vec::new(),
            hidden: Vec::new(),
        }
    }

    /// A bundled submission's answers by label.
    fn answers_of(file: &str) -> BTreeMap<String, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        text.split("\n## ")
            .skip(1)
            .filter_map(|part| part.split_once('\n'))
            .map(|(label, body)| (label.trim().to_string(), body.trim().to_string()))
            .collect()
    }

    fn score(grade: &StudentGrade, id: &str) -> Points {
        grade
            .questions
            .iter()
            .find(|q| q.id.as_str() == id)
            .unwrap()
            .score
    }

    #[test]
    fn a_pasted_answer_earns_only_where_it_answers() {
        let rubric = crate::rubric::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/finetuning-review.toml"),
        )
        .unwrap();
        let grader = Grader::new(&rubric);
        let answers = answers_of("submissions/aokonkwo.md");
        let labels = ["1(a)", "2(a)", "3(c)"];
        let own: Vec<(&str, &str)> = labels.iter().map(|l| (*l, answers[*l].as_str())).collect();
        let blob = own
            .iter()
            .map(|(_, a)| a.replace('\n', " "))
            .collect::<Vec<_>>()
            .join(" ");
        // The same text under each label, and under 2(b), which it does not answer.
        let pasted: Vec<(&str, &str)> = labels
            .iter()
            .chain(&["2(b)"])
            .map(|l| (*l, blob.as_str()))
            .collect();
        let proper = grader.grade_documents(StudentId("s".into()), &[document(&own)]);
        let graded = grader.grade_documents(StudentId("s".into()), &[document(&pasted)]);
        for id in ["1a", "2a", "3c"] {
            assert_eq!(score(&graded, id), score(&proper, id), "{id}");
            assert!(!score(&proper, id).is_zero(), "{id}");
        }
        // Graded whole, the text would earn under 2(b) ("No." is 1(a)'s answer).
        let q2b = rubric.questions.iter().find(|q| q.id.as_str() == "2b").unwrap();
        let location = graded.questions[0].answer.clone().unwrap();
        let whole = score_question(
            q2b,
            AnswerInput::Found {
                location,
                text: &blob,
                answered_twice: false,
            },
        );
        assert!(!whole.score.is_zero());
        assert_eq!(score(&graded, "2b"), Points::ZERO);
        let flags = &graded
            .questions
            .iter()
            .find(|q| q.id.as_str() == "2b")
            .unwrap()
            .flags;
        assert!(
            flags.contains(&Flag::SameAnswer {
                also_under: vec!["1a".into(), "2a".into(), "3c".into()]
            }),
            "{flags:?}"
        );
    }

    #[test]
    fn short_answers_repeated_are_not_a_paste() {
        let rubric = crate::rubric::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/finetuning-review.toml"),
        )
        .unwrap();
        let graded = Grader::new(&rubric).grade_documents(
            StudentId("s".into()),
            &[document(&[
                ("1(a)", "No, we do not mask."),
                ("2(b)", "No, we do not mask."),
            ])],
        );
        assert!(graded
            .questions
            .iter()
            .all(|q| q.flags.iter().all(|f| f.name() != "same-answer")));
    }

    #[test]
    fn same_words_make_the_same_answer() {
        assert_eq!(words_of("LoRA: low-rank  adapters!"), "lora low rank adapters");
        assert_eq!(
            words_of("lora low rank, ADAPTERS"),
            words_of("LoRA: low-rank adapters")
        );
    }

    #[test]
    fn sentences_keep_their_punctuation() {
        let analyzed = AnalyzedText::new("First one. Second one? Third");
        assert_eq!(sentences(&analyzed), ["First one. ", "Second one? ", "Third"]);
    }
}
