//! Cue words for the polarity of a match: negation ("not", "don't", "instead of"), hedging
//! ("maybe", "either ... or", a question) and, for choices, rejection ("too expensive").
//! Scopes follow the clause or the sentence, so a cue never reaches across "so" or a comma
//! into the answer the student actually chose.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::lexicon::hash;
use super::text::AnalyzedText;
use crate::matching::fnv::Fnv;

/// Single words that negate what follows them in the clause.
const NEGATORS: &[&str] = &[
    "not",
    "no",
    "never",
    "none",
    "nor",
    "neither",
    "without",
    "cannot",
    "can't",
    "cant",
    "don't",
    "dont",
    "doesn't",
    "doesnt",
    "didn't",
    "didnt",
    "isn't",
    "isnt",
    "aren't",
    "arent",
    "wasn't",
    "wasnt",
    "weren't",
    "won't",
    "wont",
    "wouldn't",
    "wouldnt",
    "shouldn't",
    "shouldnt",
    "couldn't",
    "couldnt",
    "mustn't",
    "needn't",
    "neednt",
    "hasn't",
    "hasnt",
    "haven't",
    "havent",
    "hadn't",
    "ain't",
    "nothing",
    "nobody",
];

/// Word pairs that negate what follows: "instead of full finetuning".
const NEGATOR_PAIRS: &[[&str; 2]] = &[
    ["instead", "of"],
    ["rather", "than"],
    ["opposed", "to"],
    ["other", "than"],
];

/// Words a negation reaches through: "do not *need to* mask", "isn't *really an* autoencoder".
const TRANSPARENT: &[&str] = &[
    "a",
    "an",
    "the",
    "to",
    "need",
    "needs",
    "necessary",
    "really",
    "actually",
    "necessarily",
    "be",
    "have",
    "has",
    "do",
    "does",
    "any",
    "even",
    "always",
    "still",
    "ever",
    "just",
    "use",
    "using",
    "it",
    "you",
    "we",
    "they",
    "bother",
    "want",
    "should",
    "would",
    "will",
    "can",
    "is",
    "are",
    "of",
    "at",
    "all",
    "anymore",
    "much",
    "required",
    "must",
    "going",
];

/// Cues that hedge their own clause.
const CLAUSE_HEDGES: &[&[&str]] = &[
    &["maybe"],
    &["perhaps"],
    &["possibly"],
    &["might", "not"],
    &["or", "not"],
    &["i", "guess"],
    &["may", "or", "may", "not"],
];

/// Cues that hedge the whole sentence.
const SENTENCE_HEDGES: &[&[&str]] = &[
    &["either"],
    &["whichever"],
    &["depends"],
    &["not", "sure"],
    &["unsure"],
    &["don't", "know"],
    &["dont", "know"],
    &["idk"],
    &["don't", "remember"],
    &["dont", "remember"],
    &["not", "remember"],
    &["can't", "remember"],
    &["cant", "remember"],
    &["no", "idea"],
    &["hard", "to", "say"],
    &["seen", "both"],
    &["both", "could"],
    &["both", "would"],
    &["both", "work"],
    &["both", "are", "fine"],
    &["not", "certain"],
    &["i", "forget"],
];

/// Cues that reject an option named in the same clause ("full finetuning would be too expensive").
const REJECTIONS: &[&[&str]] = &[
    &["too", "expensive"],
    &["too", "costly"],
    &["too", "slow"],
    &["too", "big"],
    &["too", "large"],
    &["overkill"],
    &["overfit"],
    &["overfits"],
    &["overfitting"],
    &["could", "argue"],
    &["might", "argue"],
    &["not", "worth"],
    &["wasteful"],
    &["impractical"],
    &["infeasible"],
    &["prohibitive"],
    &["prohibitively"],
    &["insanely", "expensive"],
    &["way", "too"],
    &["far", "too"],
    &["wouldn't", "work"],
    &["would", "not", "work"],
    &["won't", "work"],
    &["not", "work"],
];

/// Whether a word is a negation cue (used by phrases, where the word `not` stands for any).
pub fn is_negator(word: &str) -> bool {
    NEGATORS.contains(&word)
}

/// The [`super::lexicon::hash`] of each negation cue, to look them up in an answer's lexicon.
pub fn negator_hashes() -> &'static [u64] {
    static HASHES: OnceLock<Vec<u64>> = OnceLock::new();
    HASHES.get_or_init(|| NEGATORS.iter().map(hash).collect())
}

/// How a matched span stands in its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    Asserted,
    Negated,
    Hedged,
}

/// What a pattern itself says about negation words inside its match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnNegation {
    /// A phrase with no negation word: a negator inside its span (in a gap) is the student's.
    None,
    /// A phrase that contains a negation ("no bottleneck"): it is matched as written.
    Negates,
    /// A regular expression: every word of its span was matched on purpose.
    Literal,
}

/// The stance of tokens `span` in `text`.
pub fn stance(text: &AnalyzedText, span: std::ops::Range<usize>, own: OwnNegation) -> Stance {
    if is_hedged(text, span.start) {
        return Stance::Hedged;
    }
    if own != OwnNegation::Negates && is_negated(text, span, own == OwnNegation::None) {
        return Stance::Negated;
    }
    Stance::Asserted
}

/// Whether tokens `span` are negated: a negator just before them in the clause (reaching
/// through transparent words), inside them (when `inside` counts), or, for the clause's
/// subject, right after them ("hard prompting would not work").
pub fn is_negated(text: &AnalyzedText, span: std::ops::Range<usize>, inside: bool) -> bool {
    let tokens = &text.tokens;
    let clause = text.clause_of(span.start);
    if inside
        && tokens[span.clone()]
            .iter()
            .any(|t| is_negator(&t.lower) && !t.quoted)
    {
        return true;
    }
    // Before: allow one ordinary word between ("don't ever mask" / "not linear probing").
    let mut ordinary = 0;
    let mut i = span.start;
    while i > clause.start {
        i -= 1;
        let w = tokens[i].lower.as_str();
        if tokens[i].quoted {
            continue;
        }
        if is_negator(w) && !is_emphatic_not(text, i) {
            return true;
        }
        if i > clause.start
            && NEGATOR_PAIRS
                .iter()
                .any(|[a, b]| tokens[i - 1].lower == *a && w == *b)
        {
            return true;
        }
        if !TRANSPARENT.contains(&w) {
            ordinary += 1;
            if ordinary > 1 {
                break;
            }
        }
    }
    // After: only when the span opens its clause, so the negation is its predicate's.
    let lead = span.start - clause.start;
    if lead <= 2 {
        let after_end = (span.end + 4).min(clause.end);
        return tokens[span.end.min(after_end)..after_end]
            .iter()
            .any(|t| is_negator(&t.lower) && t.lower != "no" && !t.quoted);
    }
    false
}

/// "not only" / "not just" add rather than negate.
fn is_emphatic_not(text: &AnalyzedText, i: usize) -> bool {
    text.tokens[i].lower == "not"
        && text
            .tokens
            .get(i + 1)
            .is_some_and(|t| matches!(t.lower.as_str(), "only" | "just" | "merely"))
}

/// Whether the sentence holding token `at` is a question or hedged, or its clause is.
pub fn is_hedged(text: &AnalyzedText, at: usize) -> bool {
    let sentence_index = text.tokens[at].sentence;
    if text.questions.get(sentence_index).copied().unwrap_or(false) {
        return true;
    }
    let sentence = text.sentence_of(at);
    if contains_cue(text, sentence, Cues::SentenceHedges) {
        return true;
    }
    contains_cue(text, text.clause_of(at), Cues::ClauseHedges)
}

/// Whether an option named at token `at` is rejected in its own clause.
pub fn is_rejected(text: &AnalyzedText, at: usize) -> bool {
    contains_cue(text, text.clause_of(at), Cues::Rejections)
}

/// Where hedging cues stand, for explanations: each cue's tokens and whether it hedges its
/// clause or its whole sentence.
pub fn hedge_cues(text: &AnalyzedText) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let mut found = Vec::new();
    for (cues, scope) in [(CLAUSE_HEDGES, "clause"), (SENTENCE_HEDGES, "sentence")] {
        for cue in cues {
            for start in 0..text.tokens.len().saturating_sub(cue.len() - 1) {
                let window = &text.tokens[start..start + cue.len()];
                if window
                    .iter()
                    .zip(cue.iter())
                    .all(|(t, c)| t.lower == *c && !t.quoted)
                {
                    found.push((start..start + cue.len(), scope));
                }
            }
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    found
}

/// The lists of multi-word cues looked for in a clause or sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cues {
    ClauseHedges,
    SentenceHedges,
    Rejections,
}

impl Cues {
    const ALL: [Cues; 3] = [Cues::ClauseHedges, Cues::SentenceHedges, Cues::Rejections];

    fn list(self) -> &'static [&'static [&'static str]] {
        match self {
            Cues::ClauseHedges => CLAUSE_HEDGES,
            Cues::SentenceHedges => SENTENCE_HEDGES,
            Cues::Rejections => REJECTIONS,
        }
    }
}

fn contains_cue(text: &AnalyzedText, range: std::ops::Range<usize>, cues: Cues) -> bool {
    // Cues by their first word, once per list: each token is then one lookup, not one
    // comparison per cue (this runs for every match of every pattern).
    type ByFirst = HashMap<&'static str, Vec<&'static [&'static str]>, BuildHasherDefault<Fnv>>;
    static INDEXES: OnceLock<Vec<ByFirst>> = OnceLock::new();
    let indexes = INDEXES.get_or_init(|| {
        Cues::ALL
            .iter()
            .map(|cues| {
                let mut by_first = ByFirst::default();
                for cue in cues.list() {
                    by_first.entry(cue[0]).or_default().push(cue);
                }
                by_first
            })
            .collect()
    });
    let by_first = &indexes[cues as usize];
    let words = &text.tokens[range];
    (0..words.len()).any(|i| {
        by_first.get(words[i].lower.as_str()).is_some_and(|candidates| {
            candidates.iter().any(|cue| {
                words.get(i..i + cue.len()).is_some_and(|window| {
                    window
                        .iter()
                        .zip(cue.iter())
                        .all(|(t, c)| t.lower == *c && !t.quoted)
                })
            })
        })
    })
}

/// [`contains_cue`] word by word, as it was: what the tests compare it with.
#[cfg(test)]
fn contains_cue_slowly(text: &AnalyzedText, range: std::ops::Range<usize>, cues: &[&[&str]]) -> bool {
    let words = &text.tokens[range];
    cues.iter().any(|cue| {
        words
            .windows(cue.len())
            .any(|w| w.iter().zip(cue.iter()).all(|(t, c)| t.lower == *c && !t.quoted))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stance_of(answer: &str, word: &str) -> Stance {
        let text = AnalyzedText::new(answer);
        let words: Vec<&str> = word.split(' ').collect();
        let at = text
            .tokens
            .windows(words.len())
            .position(|w| w.iter().zip(&words).all(|(t, w)| t.lower == *w))
            .unwrap_or_else(|| panic!("{word} not in {answer}"));
        stance(&text, at..at + words.len(), OwnNegation::None)
    }

    #[test]
    fn negation_is_scoped_to_its_clause() {
        let answer = "hard prompting would not work well here, so soft prompting";
        assert_eq!(stance_of(answer, "hard prompting"), Stance::Negated);
        assert_eq!(stance_of(answer, "soft prompting"), Stance::Asserted);
    }

    #[test]
    fn negation_reaches_through_transparent_words() {
        assert_eq!(stance_of("you do not need to mask", "mask"), Stance::Negated);
        assert_eq!(stance_of("No, you dont mask the inputs", "mask"), Stance::Negated);
        assert_eq!(
            stance_of("BERT isn't really an autoencoder", "autoencoder"),
            Stance::Negated
        );
        assert_eq!(
            stance_of("Not linear probing.", "linear probing"),
            Stance::Negated
        );
    }

    #[test]
    fn negation_does_not_reach_far_objects() {
        assert_eq!(
            stance_of("it won't fit in the context window", "context window"),
            Stance::Asserted
        );
        assert_eq!(
            stance_of("not only masking but also noise", "masking"),
            Stance::Asserted
        );
    }

    #[test]
    fn instead_of_negates() {
        assert_eq!(
            stance_of("use soft prompting instead of full finetuning", "full finetuning"),
            Stance::Negated
        );
        assert_eq!(
            stance_of("use soft prompting instead of full finetuning", "soft prompting"),
            Stance::Asserted
        );
    }

    #[test]
    fn either_or_hedges_the_sentence() {
        let answer = "You could either keep masking the inputs, or feed in the full image; I've seen both.";
        assert_eq!(stance_of(answer, "full image"), Stance::Hedged);
        assert_eq!(
            stance_of("either linear probing or finetuning", "linear probing"),
            Stance::Hedged
        );
    }

    #[test]
    fn maybe_hedges_only_its_clause() {
        let answer = "yes, prompt it with the passage, maybe with a few examples first.";
        assert_eq!(stance_of(answer, "prompt"), Stance::Asserted);
        assert_eq!(stance_of(answer, "few examples"), Stance::Hedged);
    }

    #[test]
    fn questions_are_not_assertions() {
        assert_eq!(
            stance_of("Yes... actually no? It depends on the task.", "no"),
            Stance::Hedged
        );
    }

    #[test]
    fn cue_lookup_agrees_with_the_word_by_word_scan() {
        let answers = [
            "maybe use soft prompting, or not",
            "I'm not sure; it depends. Either way, i guess \"maybe\" both could work",
            "full finetuning would be far too expensive and would not work, way too slow",
            "you may or may not mask; hard to say. idk",
            "may or may",
        ];
        for answer in answers {
            let text = AnalyzedText::new(answer);
            let n = text.tokens.len();
            for list in Cues::ALL {
                for from in 0..n {
                    for to in from..=n {
                        assert_eq!(
                            contains_cue(&text, from..to, list),
                            contains_cue_slowly(&text, from..to, list.list()),
                            "{answer} {from}..{to}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn rejection_cues_stay_in_their_clause() {
        let text = AnalyzedText::new("(d) soft prompting, and full finetuning would be far too expensive");
        let full = text.tokens.iter().position(|t| t.lower == "full").unwrap();
        let soft = text.tokens.iter().position(|t| t.lower == "soft").unwrap();
        assert!(is_rejected(&text, full));
        assert!(!is_rejected(&text, soft));
    }
}
