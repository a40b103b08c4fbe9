//! Rubric suggestions from a TA's decisions on answer groups: per question, the phrases common
//! in the answers a TA credited above the autograder's score and that no pattern of the
//! question covers, each with how many answers and groups of the class it would change (those
//! scored below the credited points that contain it). A decision then becomes rubric knowledge
//! that grades next term's class too.
//!
//! Phrases are runs of one to three content words (as answer groups read them: function words
//! set aside, word forms unified), proposed as students wrote them, kept when at least two credited answers hold them, or one
//! credited group, and no answer the TA decided down, or left at 0 by deciding its group at 0,
//! holds them.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::course::groups::{content_words_in, rubric_words};
use crate::grading::grades::{GradeReport, SubmissionStatus};
use crate::ids::{GroupId, Points, QuestionId};
use crate::matching::text::{normalize, stem};
use crate::rubric::Rubric;

/// The longest phrase proposed, in content words.
const LONGEST_PHRASE: usize = 3;

/// How many phrases are proposed per question at most.
const PHRASES_PER_QUESTION: usize = 8;

/// One proposed phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedPhrase {
    /// As students wrote it (the most common spelling among the credited answers).
    pub phrase: String,
    /// Credited answers (and their groups) holding it.
    pub credited_answers: usize,
    pub credited_groups: usize,
    /// Answers of the class scored below the credited points that hold it, and their groups:
    /// what adding it would change.
    pub would_change_answers: usize,
    pub would_change_groups: usize,
}

/// The suggestions for one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionSuggestions {
    pub question: QuestionId,
    /// The points the credited answers were given most often: what a concept made of the
    /// phrases should be worth.
    pub points: Points,
    pub phrases: Vec<SuggestedPhrase>,
}

/// Per question (rubric order), the phrases worth adding to the rubric; questions with none are
/// left out.
pub fn suggest(rubric: &Rubric, report: &GradeReport) -> Vec<QuestionSuggestions> {
    rubric
        .questions
        .iter()
        .filter_map(|question| {
            let covered = rubric_words(question);
            suggest_for(&question.id, &covered, report)
        })
        .collect()
}

/// An answer's content words as stems, with where each stands in the answer's text (normalised,
/// lower case), so that a phrase is proposed as written, function words and all.
struct Words {
    text: String,
    stems: Vec<String>,
    spans: Vec<std::ops::Range<usize>>,
}

fn words(text: &str) -> Words {
    let text = normalize(text).to_lowercase();
    let (stems, spans) = content_words_in(&text)
        .into_iter()
        .map(|(word, span)| (stem(&word), span))
        .unzip();
    Words { text, stems, spans }
}

/// Every run of one to [`LONGEST_PHRASE`] stems, with the words as written; a run of words all
/// covered by the rubric is no news.
fn phrases(words: &Words, covered: &BTreeSet<String>) -> BTreeMap<Vec<String>, String> {
    let mut found = BTreeMap::new();
    for len in 1..=LONGEST_PHRASE {
        for start in 0..words.stems.len().saturating_sub(len - 1) {
            let stems = &words.stems[start..start + len];
            if stems.iter().all(|s| covered.contains(s)) || stems.iter().any(|s| s == "not") {
                continue;
            }
            let span = words.spans[start].start..words.spans[start + len - 1].end;
            let written = words.text[span].split_whitespace().collect::<Vec<_>>().join(" ");
            found.entry(stems.to_vec()).or_insert(written);
        }
    }
    found
}

fn suggest_for(
    question: &QuestionId,
    covered: &BTreeSet<String>,
    report: &GradeReport,
) -> Option<QuestionSuggestions> {
    let graded = report
        .students
        .iter()
        .filter(|s| s.status == SubmissionStatus::Graded)
        .filter_map(|s| s.questions.iter().find(|q| &q.id == question));
    // Per phrase: credited answers and groups, spellings; phrases held by an answer decided
    // down or at 0.
    let mut credited: Credited = BTreeMap::new();
    let mut refused: HashSet<Vec<String>> = HashSet::new();
    let mut points: BTreeMap<Points, usize> = BTreeMap::new();
    let mut answers: Vec<AnswerPhrases> = Vec::new();
    for q in graded {
        let found = phrases(&words(&q.answer_text), covered);
        match &q.decision {
            Some(d) if d.points > d.autograder => {
                *points.entry(d.points).or_default() += 1;
                for (stems, written) in &found {
                    let entry = credited.entry(stems.clone()).or_default();
                    entry.0 += 1;
                    if let Some(group) = &q.group {
                        entry.1.insert(group.clone());
                    }
                    *entry.2.entry(written.clone()).or_default() += 1;
                }
            }
            Some(d) if d.points < d.autograder || d.points.is_zero() => {
                refused.extend(found.keys().cloned());
            }
            _ => {}
        }
        // What an answer scored before any decision or override.
        let autograder = q
            .overridden
            .as_ref()
            .map(|o| o.autograder)
            .or(q.decision.as_ref().map(|d| d.autograder))
            .unwrap_or(q.score);
        answers.push((autograder, q.group.clone(), found));
    }
    let points = points
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(p, _)| *p)?;
    let mut phrases: Vec<SuggestedPhrase> = credited
        .into_iter()
        .filter(|(stems, (n, groups, _))| (*n >= 2 || !groups.is_empty()) && !refused.contains(stems))
        .map(|(stems, (n, groups, spellings))| {
            let phrase = spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(w, _)| w)
                .unwrap_or_default();
            let changed: Vec<&Option<GroupId>> = answers
                .iter()
                .filter(|(scored, _, found)| *scored < points && found.contains_key(&stems))
                .map(|(_, group, _)| group)
                .collect();
            let changed_groups: BTreeSet<&GroupId> = changed.iter().filter_map(|g| g.as_ref()).collect();
            SuggestedPhrase {
                phrase,
                credited_answers: n,
                credited_groups: groups.len(),
                would_change_answers: changed.len(),
                would_change_groups: changed_groups.len(),
            }
        })
        .collect();
    // Most answers changed first; a phrase inside or around one kept that changes no more
    // answers is dropped.
    phrases.sort_by(|a, b| {
        b.would_change_answers
            .cmp(&a.would_change_answers)
            .then(b.credited_answers.cmp(&a.credited_answers))
            // At equal gain the longer phrase: more specific, so safer in other answers.
            .then(b.phrase.split(' ').count().cmp(&a.phrase.split(' ').count()))
            .then_with(|| a.phrase.cmp(&b.phrase))
    });
    let mut kept: Vec<SuggestedPhrase> = Vec::new();
    for p in phrases {
        let redundant = kept.iter().any(|k| {
            k.would_change_answers >= p.would_change_answers
                && (contains_words(&k.phrase, &p.phrase) || contains_words(&p.phrase, &k.phrase))
        });
        if !redundant && p.would_change_answers > 0 {
            kept.push(p);
        }
        if kept.len() == PHRASES_PER_QUESTION {
            break;
        }
    }
    (!kept.is_empty()).then(|| QuestionSuggestions {
        question: question.clone(),
        points,
        phrases: kept,
    })
}

/// One answer: its autograder score, group, and phrases (stems → as written).
type AnswerPhrases = (Points, Option<GroupId>, BTreeMap<Vec<String>, String>);

/// Per phrase: credited answers, their groups, and the phrase's spellings with their counts.
type Credited = BTreeMap<Vec<String>, (usize, BTreeSet<GroupId>, BTreeMap<String, usize>)>;

/// Whether `inner`'s words stand in a row in `outer`.
fn contains_words(outer: &str, inner: &str) -> bool {
    let outer: Vec<&str> = outer.split(' ').collect();
    let inner: Vec<&str> = inner.split(' ').collect();
    outer.windows(inner.len()).any(|w| w == inner.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_skip_what_the_rubric_covers_and_negations() {
        let covered: BTreeSet<String> = [stem("capitalism")].into_iter().collect();
        let found = phrases(&words("free enterprise, not capitalism"), &covered);
        let written: Vec<&str> = found.values().map(String::as_str).collect();
        assert!(written.contains(&"free enterprise"));
        // Function words between content words are kept, as written.
        let found = phrases(&words("The Speaker of the House"), &BTreeSet::new());
        assert!(found.values().any(|w| w == "speaker of the house"), "{found:?}");
        assert!(written.contains(&"free"));
        assert!(!written.contains(&"capitalism"));
        assert!(!written.iter().any(|w| w.contains("not")));
    }

    #[test]
    fn contains_words_is_by_whole_words() {
        assert!(contains_words("free enterprise system", "free enterprise"));
        assert!(!contains_words("freedom", "free"));
    }
}
