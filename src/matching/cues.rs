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
use crate::rubric::{Alternatives, Hedging, Policy};

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
    // "doesn't mean (that) the data was lost": what is denied is the clause that follows.
    "mean",
    "means",
    "imply",
    "implies",
    "that",
    "was",
    "were",
    "been",
    // "not pretrained with masked language modelling": the means of a negated verb is denied.
    "with",
    "by",
    "via",
];

/// Words after a clause-opening match where a later negation starts another statement: in
/// "skip any step and the build cannot finish", `cannot` is the build's, not the step's.
const NEW_STATEMENT: &[&str] = &[
    "and", "or", "then", "if", "when", "which", "that", "because", "so",
];

/// Cues that hedge their own clause: uncertainty ("maybe X") or an alternative left open
/// ("X or not").
const CLAUSE_HEDGES: &[&[&str]] = &[
    &["maybe"],
    &["perhaps"],
    &["possibly"],
    &["might", "not"],
    &["or", "not"],
    &["i", "guess"],
    &["my", "guess"],
    &["may", "or", "may", "not"],
    &["maybe", "not"],
    &["perhaps", "not"],
];

/// Cues that hedge the whole sentence (up to a turn such as "but" that follows them: "I'm not
/// sure, but I think X" asserts X).
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

/// Hedges that leave alternatives open rather than doubt one answer: they stay hedges under a
/// lenient policy.
const OPEN_ALTERNATIVES: &[&[&str]] = &[
    &["might", "not"],
    &["or", "not"],
    &["may", "or", "may", "not"],
    &["either"],
    &["whichever"],
    &["depends"],
    &["seen", "both"],
    &["both", "could"],
    &["both", "would"],
    &["both", "work"],
    &["both", "are", "fine"],
    &["maybe", "not"],
    &["perhaps", "not"],
];

/// Words after which a sentence hedge no longer reaches: "not sure, but I think X".
const HEDGE_TURNS: &[&str] = &["but", "though", "however", "although", "yet"];

/// Words that make a sentence a question when it opens with them ("is it X?", "why ...?").
const QUESTION_OPENERS: &[&str] = &[
    "what",
    "why",
    "how",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "which",
    "is",
    "are",
    "was",
    "were",
    "am",
    "do",
    "does",
    "did",
    "can",
    "could",
    "would",
    "should",
    "will",
    "shall",
    "may",
    "might",
    "must",
    "has",
    "have",
    "had",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "don't",
    "doesn't",
    "didn't",
    "can't",
    "couldn't",
    "wouldn't",
    "shouldn't",
    "won't",
    "hasn't",
    "haven't",
    "isnt",
    "dont",
    "doesnt",
    "didnt",
    "cant",
    "shall",
];

/// Words a question may open with before its question word: "so why ...?", "and is it ...?".
const QUESTION_LEAD_INS: &[&str] = &["so", "and", "but", "then", "ok", "okay", "well", "hmm", "um"];

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

/// The words of a policy term as the answer's tokens will spell them (lower case).
pub fn term_words(term: &str) -> Vec<String> {
    AnalyzedText::new(term)
        .tokens
        .into_iter()
        .map(|t| t.lower)
        .collect()
}

/// Whether token `i` is a negation cue in this answer: a negation word that is not emphatic
/// ("not only"), not hyphenated into a compound ("no-op", "not-for-profit") and does not
/// open one of the policy's terms ("no preemption").
fn negates_at(text: &AnalyzedText, i: usize, terms: &[Vec<String>]) -> bool {
    let tokens = &text.tokens;
    is_negator(&tokens[i].lower)
        && !tokens[i].quoted
        && !is_emphatic_not(text, i)
        && !tokens.get(i + 1).is_some_and(|next| next.glued_to_previous)
        && !in_term(text, i, terms)
}

/// Whether token `i` lies inside an occurrence of a term.
fn in_term(text: &AnalyzedText, i: usize, terms: &[Vec<String>]) -> bool {
    terms.iter().any(|term| {
        (0..term.len()).any(|offset| {
            i >= offset
                && text
                    .tokens
                    .get(i - offset..i - offset + term.len())
                    .is_some_and(|window| window.iter().zip(term).all(|(t, w)| t.lower == *w))
        })
    })
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
    /// Asked, left open between alternatives, or (under a strict policy) uncertain: no claim.
    Hedged,
    /// Asserted with doubt ("maybe X", "X?"), under a lenient policy: it counts, flagged.
    Uncertain,
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

/// Why a span is hedged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HedgeKind {
    /// The sentence asks: it opens with a question word or an inverted verb, and ends in `?`.
    Question,
    /// Alternatives left open: "either X or Y", "it depends", "X or not".
    OpenAlternatives,
    /// Doubt about one answer: "maybe X", "I guess", "not sure", or a plain statement ending in
    /// `?` ("the Speaker of the House?").
    Uncertainty,
}

/// The cue that hedged a span, for feedback and `explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hedge {
    pub kind: HedgeKind,
    /// The cue's words, or `?` for a sentence's question mark.
    pub cue: String,
}

impl Hedge {
    /// "the question mark", "\"maybe\"": the cue as feedback names it.
    pub fn describe(&self) -> String {
        match self.kind {
            HedgeKind::Question => "asked as a question".to_string(),
            _ if self.cue == "?" => "ends in a question mark".to_string(),
            HedgeKind::OpenAlternatives => format!("left open (\u{201c}{}\u{201d})", self.cue),
            HedgeKind::Uncertainty => format!("said with doubt (\u{201c}{}\u{201d})", self.cue),
        }
    }
}

/// The stance of tokens `span` in `text` under `policy`, with the hedge that decided it, if any.
pub fn stance(
    text: &AnalyzedText,
    span: std::ops::Range<usize>,
    own: OwnNegation,
    policy: &Policy,
) -> (Stance, Option<Hedge>) {
    let negated = || {
        own != OwnNegation::Negates && is_negated(text, span.clone(), own == OwnNegation::None, &policy.terms)
    };
    let hedge = if policy.hedging == Hedging::Off {
        None
    } else {
        hedge_under(text, span.start, policy.alternatives)
    };
    match hedge {
        Some(h) if h.kind == HedgeKind::Uncertainty && policy.hedging == Hedging::Lenient => {
            if negated() {
                (Stance::Negated, Some(h))
            } else {
                (Stance::Uncertain, Some(h))
            }
        }
        Some(h) => (Stance::Hedged, Some(h)),
        None if negated() => (Stance::Negated, None),
        None => (Stance::Asserted, None),
    }
}

/// Whether tokens `span` are negated: a negator just before them in the clause (reaching
/// through transparent words), inside them (when `inside` counts), or, for the clause's
/// subject, right after them ("hard prompting would not work"). A negator that opens one of
/// `terms` ("no preemption") or is hyphenated into a compound ("no-op") negates nothing.
pub fn is_negated(
    text: &AnalyzedText,
    span: std::ops::Range<usize>,
    inside: bool,
    terms: &[Vec<String>],
) -> bool {
    let tokens = &text.tokens;
    let clause = text.clause_of(span.start);
    if inside && span.clone().any(|i| negates_at(text, i, terms)) {
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
        if negates_at(text, i, terms) {
            // "you do not not mask": two negations in a row assert.
            let doubled = i > clause.start && negates_at(text, i - 1, terms);
            return !doubled;
        }
        if i > clause.start
            && NEGATOR_PAIRS
                .iter()
                .any(|[a, b]| tokens[i - 1].lower == *a && w == *b)
        {
            return true;
        }
        if !TRANSPARENT.contains(&w) && !in_term(text, i, terms) {
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
        for (i, token) in tokens
            .iter()
            .enumerate()
            .take(after_end)
            .skip(span.end.min(after_end))
        {
            if NEW_STATEMENT.contains(&token.lower.as_str()) {
                break;
            }
            if !matches!(token.lower.as_str(), "no" | "without") && negates_at(text, i, terms) {
                return denies_its_subject(text, i, clause.end);
            }
        }
    }
    false
}

/// Predicates that, negated, judge their subject rather than describe it: "hard prompting
/// would not *work*", "masking is not *needed*". Any other negated verb describes what the
/// subject does: "constructors cannot *return* values", "a static array is not *reinitialized*".
const JUDGEMENTS: &[&str] = &[
    "work",
    "works",
    "worked",
    "working",
    "help",
    "helps",
    "matter",
    "matters",
    "apply",
    "applies",
    "fit",
    "fits",
    "scale",
    "scales",
    "suffice",
    "suffices",
    "succeed",
    "succeeds",
    "improve",
    "improves",
    "perform",
    "performs",
    "generalize",
    "generalizes",
    "generalise",
    "generalises",
    "converge",
    "converges",
    "needed",
    "necessary",
    "required",
    "used",
    "useful",
    "helpful",
    "good",
    "bad",
    "correct",
    "right",
    "true",
    "enough",
    "sufficient",
    "possible",
    "feasible",
    "suitable",
    "appropriate",
    "ideal",
    "best",
    "better",
    "recommended",
    "advisable",
    "effective",
    "efficient",
    "relevant",
    "valid",
    "worth",
    "option",
    "answer",
    "choice",
    "way",
    "it",
];

/// Words between a negator and its predicate: "would not *be really* needed".
const BEFORE_PREDICATE: &[&str] = &[
    "be",
    "been",
    "being",
    "really",
    "actually",
    "always",
    "necessarily",
    "even",
    "quite",
    "very",
    "often",
    "usually",
];

/// Verbs that make what follows a predicate noun or adjective: "BERT is not an autoencoder".
const COPULAS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "isn't", "isnt", "aren't", "arent", "wasn't", "wasnt",
    "weren't",
];

/// Whether the negation at token `negator`, after its clause's subject, denies the subject
/// ("hard prompting would not work", "BERT is not an autoencoder") rather than says what the
/// subject does not do ("constructors cannot return values", "static arrays cannot be
/// changed"): the negated predicate judges, is a noun or adjective after a copula, or is
/// missing.
fn denies_its_subject(text: &AnalyzedText, negator: usize, clause_end: usize) -> bool {
    let tokens = &text.tokens;
    let mut copula = COPULAS.contains(&tokens[negator].lower.as_str())
        || negator > 0 && COPULAS.contains(&tokens[negator - 1].lower.as_str());
    let mut at = negator + 1;
    while at < clause_end && BEFORE_PREDICATE.contains(&tokens[at].lower.as_str()) {
        copula |= COPULAS.contains(&tokens[at].lower.as_str());
        at += 1;
    }
    let Some(predicate) = tokens.get(at).filter(|_| at < clause_end) else {
        return true;
    };
    let word = predicate.lower.as_str();
    if JUDGEMENTS.contains(&word) {
        return true;
    }
    // After a copula a participle is passive, a description ("is not changed"); a noun or an
    // adjective classifies the subject.
    copula && !(word.ends_with("ed") || word.ends_with("en"))
}

/// The negation word that denies tokens `span` from before them in their clause, if any: a
/// denied match is quoted from it ("do not share the stack"), never as if asserted.
pub fn negator_before(
    text: &AnalyzedText,
    span: std::ops::Range<usize>,
    terms: &[Vec<String>],
) -> Option<usize> {
    let clause = text.clause_of(span.start);
    text.cue_index()
        .negation_words_in(clause.start..span.start)
        .find(|&i| negates_at(text, i, terms))
}

/// "not only" / "not just" add rather than negate.
fn is_emphatic_not(text: &AnalyzedText, i: usize) -> bool {
    text.tokens[i].lower == "not"
        && text
            .tokens
            .get(i + 1)
            .is_some_and(|t| matches!(t.lower.as_str(), "only" | "just" | "merely"))
}

/// The hedge over token `at`, if any: its sentence's question mark, a sentence hedge that
/// reaches it, or a hedge in its clause.
pub fn hedge_at(text: &AnalyzedText, at: usize) -> Option<Hedge> {
    hedge_under(text, at, Alternatives::Open)
}

/// Cues that state alternatives rather than leave them open under `alternatives = "stated"`:
/// "declared either inside a function or outside it", "a value that may or may not change".
const STATED_ALTERNATIVES: &[&[&str]] = &[&["either"], &["may", "or", "may", "not"]];

/// [`hedge_at`] under a question's reading of "either ... or" (see [`Alternatives`]).
fn hedge_under(text: &AnalyzedText, at: usize, alternatives: Alternatives) -> Option<Hedge> {
    let counts = |cue: &std::ops::Range<usize>| !states_alternatives(text, cue.clone(), alternatives);
    let sentence_index = text.tokens[at].sentence;
    let sentence = text.sentence_of(at);
    if text.questions.get(sentence_index).copied().unwrap_or(false) {
        let kind = if is_phrased_as_question(text, sentence.clone()) {
            HedgeKind::Question
        } else {
            HedgeKind::Uncertainty
        };
        return Some(Hedge {
            kind,
            cue: "?".to_string(),
        });
    }
    let index = text.cue_index();
    let clause = text.tokens[at].clause;
    index
        .sentence_hedge_reaching(sentence.clone(), at, &counts)
        .or_else(|| index.elliptical[sentence_index].clone().filter(counts))
        .or_else(|| match index.first_clause_hedge[clause].clone() {
            // The clause's first hedge states alternatives: a later one may still hedge.
            Some(cue) if !counts(&cue) => {
                find_cues(text, text.clauses[clause].clone(), CLAUSE_HEDGES).find(counts)
            }
            first => first,
        })
        .or_else(|| index.standalone_doubt.clone())
        .map(|cue| hedge_of(text, cue))
}

/// Whether the hedge cue at tokens `cue` states alternatives under `alternatives` rather than
/// leaving them open: "may or may not", or "either" with its "or" later in the sentence
/// ("either way" and "either one works" stay open).
fn states_alternatives(text: &AnalyzedText, cue: std::ops::Range<usize>, alternatives: Alternatives) -> bool {
    if alternatives == Alternatives::Open
        || !STATED_ALTERNATIVES.contains(&cue_words(text, cue.clone()).as_slice())
    {
        return false;
    }
    let sentence = text.sentence_of(cue.start);
    text.tokens[cue.start].lower != "either"
        || text.tokens[cue.end..sentence.end].iter().any(|t| t.lower == "or")
}

/// The words of the cue at tokens `cue`, to look up among cue lists.
fn cue_words(text: &AnalyzedText, cue: std::ops::Range<usize>) -> Vec<&str> {
    text.tokens[cue].iter().map(|t| t.lower.as_str()).collect()
}

/// Where one answer's cues stand, found in one pass over it. Looking for them again around
/// every match made grading quadratic in the length of a sentence (an answer with no full
/// stop is one sentence, and has a match every few words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueIndex {
    /// Every sentence hedge, by first token.
    sentence_hedges: Vec<std::ops::Range<usize>>,
    /// The tokens that turn away from a hedge ("but"), in order.
    turns: Vec<usize>,
    /// Per sentence, a clause that is nothing but an open alternative.
    elliptical: Vec<Option<std::ops::Range<usize>>>,
    /// Per clause, its first clause hedge.
    first_clause_hedge: Vec<Option<std::ops::Range<usize>>>,
    /// Per clause, whether it holds a rejection.
    rejecting: Vec<bool>,
    /// A sentence that is nothing but doubt, hedging the whole answer.
    standalone_doubt: Option<std::ops::Range<usize>>,
    /// The tokens that are negation words, in order (whether each negates is decided in
    /// context, see `negates_at`).
    negation_words: Vec<usize>,
}

impl CueIndex {
    /// Index `text`'s cues; see [`AnalyzedText::cue_index`].
    pub fn new(text: &AnalyzedText) -> CueIndex {
        let tokens = &text.tokens;
        let positions = |keep: &dyn Fn(&str) -> bool| -> Vec<usize> {
            (0..tokens.len()).filter(|&i| keep(&tokens[i].lower)).collect()
        };
        CueIndex {
            sentence_hedges: find_cues(text, 0..tokens.len(), SENTENCE_HEDGES).collect(),
            turns: positions(&|w| HEDGE_TURNS.contains(&w)),
            elliptical: text
                .sentences
                .iter()
                .map(|s| elliptical_alternative(text, s.clone()))
                .collect(),
            first_clause_hedge: text
                .clauses
                .iter()
                .map(|c| find_cues(text, c.clone(), CLAUSE_HEDGES).next())
                .collect(),
            rejecting: text
                .clauses
                .iter()
                .map(|c| contains_cue(text, c.clone(), Cues::Rejections))
                .collect(),
            standalone_doubt: standalone_doubt(text),
            negation_words: positions(&is_negator),
        }
    }

    /// The first sentence hedge of `sentence` (by first token) that reaches token `at`: one
    /// after it, or one before it with no turn ("but") between them.
    fn sentence_hedge_reaching(
        &self,
        sentence: std::ops::Range<usize>,
        at: usize,
        counts: &dyn Fn(&std::ops::Range<usize>) -> bool,
    ) -> Option<std::ops::Range<usize>> {
        let longest = SENTENCE_HEDGES.iter().map(|c| c.len()).max().unwrap_or(1);
        let last_turn = self.turns[..self.turns.partition_point(|&t| t < at)]
            .last()
            .copied();
        // A cue that ends at or before the last turn cannot reach `at`; those that start
        // `longest` tokens before the turn or earlier all do, so the search starts after them.
        let from = match last_turn {
            Some(turn) => sentence.start.max((turn + 1).saturating_sub(longest)),
            None => sentence.start,
        };
        let first = self.sentence_hedges.partition_point(|c| c.start < from);
        let reaches = |cue: &std::ops::Range<usize>| {
            cue.end <= at && last_turn.is_none_or(|t| t < cue.end) || cue.start > at
        };
        self.sentence_hedges[first..]
            .iter()
            .take_while(|c| c.start < sentence.end)
            .find(|c| reaches(c) && counts(c))
            .cloned()
    }

    /// The negation words among tokens `range`, last first.
    fn negation_words_in(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let from = self.negation_words.partition_point(|&i| i < range.start);
        let to = self.negation_words.partition_point(|&i| i < range.end);
        self.negation_words[from..to].iter().rev().copied()
    }
}

/// Words that may surround a doubt that stands as its own sentence: "I'm really not sure."
const DOUBT_FILLERS: &[&str] = &[
    "i", "i'm", "im", "am", "but", "though", "really", "totally", "just", "honestly", "still", "so", "tbh",
    "to", "be", "honest",
];

/// A sentence that is nothing but doubt ("... you'd use the full input. Not sure.") comments
/// on the whole answer, so it hedges every sentence.
fn standalone_doubt(text: &AnalyzedText) -> Option<std::ops::Range<usize>> {
    // Such a sentence is short; most are not, and are skipped before any cue is looked for.
    const LONGEST_DOUBT: usize = 8;
    text.sentences
        .iter()
        .filter(|s| s.len() <= LONGEST_DOUBT)
        .find_map(|sentence| {
            let cue = find_cues(text, sentence.clone(), SENTENCE_HEDGES).next()?;
            let only_doubt = text.tokens[sentence.clone()].iter().enumerate().all(|(k, t)| {
                cue.contains(&(sentence.start + k)) || DOUBT_FILLERS.contains(&t.lower.as_str())
            });
            (only_doubt && hedge_of(text, cue.clone()).kind == HedgeKind::Uncertainty).then_some(cue)
        })
}

/// A clause that is nothing but an open alternative ("X, maybe not." / "X, or not") leaves
/// its whole sentence open.
fn elliptical_alternative(
    text: &AnalyzedText,
    sentence: std::ops::Range<usize>,
) -> Option<std::ops::Range<usize>> {
    let first_clause = text.tokens.get(sentence.start)?.clause;
    let last_clause = text.tokens.get(sentence.end.checked_sub(1)?)?.clause;
    (first_clause + 1..=last_clause).find_map(|c| {
        let clause = text.clauses.get(c)?.clone();
        let words: Vec<&str> = text.tokens[clause.clone()]
            .iter()
            .map(|t| t.lower.as_str())
            .collect();
        OPEN_ALTERNATIVES.contains(&words.as_slice()).then_some(clause)
    })
}

/// The hedge a cue's words make.
fn hedge_of(text: &AnalyzedText, cue: std::ops::Range<usize>) -> Hedge {
    let words = cue_words(text, cue);
    let kind = if OPEN_ALTERNATIVES.contains(&words.as_slice()) {
        HedgeKind::OpenAlternatives
    } else {
        HedgeKind::Uncertainty
    };
    Hedge {
        kind,
        cue: words.join(" "),
    }
}

/// Whether a sentence ending in `?` asks something: it opens (after a lead-in such as "so")
/// with a question word or an auxiliary verb before its subject. "The Speaker of the House?"
/// does not ask; it answers with doubt.
fn is_phrased_as_question(text: &AnalyzedText, sentence: std::ops::Range<usize>) -> bool {
    let words = &text.tokens[sentence];
    let first = words
        .iter()
        .position(|t| !QUESTION_LEAD_INS.contains(&t.lower.as_str()))
        .map(|i| &words[i]);
    first.is_some_and(|t| QUESTION_OPENERS.contains(&t.lower.as_str()))
}

/// Cues that take back what came before them: only what follows is the answer.
const RETRACTIONS: &[&[&str]] = &[
    &["just", "kidding"],
    &["jk"],
    &["on", "second", "thought"],
    &["on", "second", "thoughts"],
    &["scratch", "that"],
    &["i", "take", "that", "back"],
    &["never", "mind"],
    &["nevermind"],
    &["wait", "no"],
];

/// Words that, right after a sentence-opening "actually", flip the answer: "Actually no."
const FLIPS: &[&str] = &["no", "yes", "not", "nope", "wait"];

/// The last retraction in an answer: its tokens and words. "Actually" retracts only when it
/// opens a later sentence or clause and flips the answer ("Yes I think so. Actually no."), so
/// "BERT uses MLM. Actually, T5 ..." keeps its first sentence.
pub fn retraction(text: &AnalyzedText) -> Option<(std::ops::Range<usize>, String)> {
    let tokens = &text.tokens;
    let listed = find_cues(text, 0..tokens.len(), RETRACTIONS).last();
    let actually = (1..tokens.len()).rev().find(|&i| {
        tokens[i].lower == "actually"
            && !tokens[i].quoted
            && tokens[i].clause != tokens[i - 1].clause
            && tokens[i + 1..(i + 3).min(tokens.len())]
                .iter()
                .any(|t| FLIPS.contains(&t.lower.as_str()))
    });
    let cue = match (listed, actually) {
        (Some(l), Some(a)) if a > l.start => a..a + 1,
        (Some(l), _) => l,
        (None, Some(a)) => a..a + 1,
        (None, None) => return None,
    };
    let words = tokens[cue.clone()]
        .iter()
        .map(|t| t.lower.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Some((cue, words))
}

/// Whether an option named at token `at` is rejected in its own clause.
pub fn is_rejected(text: &AnalyzedText, at: usize) -> bool {
    text.cue_index().rejecting[text.tokens[at].clause]
}

/// Where hedging cues stand, for explanations: each cue's tokens, whether it hedges its
/// clause or its whole sentence, and what kind of hedge it is. A sentence's question mark is
/// a cue over the whole sentence.
pub fn hedge_cues(
    text: &AnalyzedText,
    alternatives: Alternatives,
) -> Vec<(std::ops::Range<usize>, &'static str, Hedge)> {
    let mut found = Vec::new();
    for (cues, scope) in [(CLAUSE_HEDGES, "clause"), (SENTENCE_HEDGES, "sentence")] {
        for cue in find_cues(text, 0..text.tokens.len(), cues) {
            if states_alternatives(text, cue.clone(), alternatives) {
                continue;
            }
            let hedge = hedge_of(text, cue.clone());
            found.push((cue, scope, hedge));
        }
    }
    for (index, sentence) in text.sentences.iter().enumerate() {
        if text.questions.get(index).copied().unwrap_or(false) && !sentence.is_empty() {
            let kind = if is_phrased_as_question(text, sentence.clone()) {
                HedgeKind::Question
            } else {
                HedgeKind::Uncertainty
            };
            let end = sentence.end;
            found.push((
                end - 1..end,
                "sentence",
                Hedge {
                    kind,
                    cue: "?".to_string(),
                },
            ));
        }
    }
    found.sort_by_key(|(r, _, _)| r.start);
    found
}

/// Every occurrence of a cue of `cues` in `range`, in order, as token ranges.
fn find_cues<'a>(
    text: &'a AnalyzedText,
    range: std::ops::Range<usize>,
    cues: &'static [&'static [&'static str]],
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    range.flat_map(move |start| {
        cues.iter().filter_map(move |cue| {
            let window = text.tokens.get(start..start + cue.len())?;
            let matched = window
                .iter()
                .zip(cue.iter())
                .all(|(t, c)| t.lower == *c && !t.quoted);
            // "depends on X" states the cause; only a bare "it depends" leaves it open.
            let states_cause = *cue == ["depends"]
                && text
                    .tokens
                    .get(start + 1)
                    .is_some_and(|t| matches!(t.lower.as_str(), "on" | "upon"));
            (matched && !states_cause).then(|| start..start + cue.len())
        })
    })
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

/// [`hedge_at`] and [`negator_before`] scanning the sentence and clause around each token, as
/// they did: what the tests compare the [`CueIndex`] with.
#[cfg(test)]
fn hedge_and_negator_slowly(text: &AnalyzedText, at: usize) -> (Option<Hedge>, Option<usize>) {
    let sentence_index = text.tokens[at].sentence;
    let sentence = text.sentence_of(at);
    let negator = (text.clause_of(at).start..at)
        .rev()
        .find(|&i| negates_at(text, i, &[]));
    if text.questions.get(sentence_index).copied().unwrap_or(false) {
        return (hedge_at(text, at), negator);
    }
    let reaches = |cue: &std::ops::Range<usize>| {
        cue.end <= at
            && !text.tokens[cue.end..at]
                .iter()
                .any(|t| HEDGE_TURNS.contains(&t.lower.as_str()))
            || cue.start > at
    };
    let hedge = find_cues(text, sentence.clone(), SENTENCE_HEDGES)
        .find(|cue| reaches(cue))
        .or_else(|| elliptical_alternative(text, sentence))
        .or_else(|| find_cues(text, text.clause_of(at), CLAUSE_HEDGES).next())
        .or_else(|| standalone_doubt(text))
        .map(|cue| hedge_of(text, cue));
    (hedge, negator)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stance under today's strict hedging.
    fn stance_of(answer: &str, word: &str) -> Stance {
        stance_under(Hedging::Strict, answer, word).0
    }

    fn stance_under(hedging: Hedging, answer: &str, word: &str) -> (Stance, Option<Hedge>) {
        let policy = Policy {
            hedging,
            ..Policy::default()
        };
        stance_with(&policy, answer, word)
    }

    fn stance_with(policy: &Policy, answer: &str, word: &str) -> (Stance, Option<Hedge>) {
        let text = AnalyzedText::new(answer);
        let words: Vec<&str> = word.split(' ').collect();
        let at = text
            .tokens
            .windows(words.len())
            .position(|w| w.iter().zip(&words).all(|(t, w)| t.lower == *w))
            .unwrap_or_else(|| panic!("{word} not in {answer}"));
        stance(&text, at..at + words.len(), OwnNegation::None, policy)
    }

    #[test]
    fn negation_reaches_what_is_denied() {
        assert_eq!(
            stance_of("a cache miss doesn't mean the data was lost", "lost"),
            Stance::Negated
        );
        assert_eq!(
            stance_of(
                "BERT is not pretrained with masked language modelling",
                "masked language"
            ),
            Stance::Negated
        );
    }

    #[test]
    fn a_later_negation_of_another_statement_is_not_held_against_an_earlier_one() {
        assert_eq!(
            stance_of("skip any step and the build cannot finish", "skip any step"),
            Stance::Asserted
        );
        assert_eq!(
            stance_of("hard prompting would not work", "hard prompting"),
            Stance::Negated
        );
    }

    #[test]
    fn doubt_standing_as_its_own_sentence_hedges_the_answer() {
        assert_eq!(
            stance_of("You'd use the full input. Not sure.", "full input"),
            Stance::Hedged
        );
        assert_eq!(
            stance_of("You'd use the full input. I'm really not sure.", "full input"),
            Stance::Hedged
        );
        assert_eq!(
            stance_of(
                "You'd use the full input. Not sure about the decoder.",
                "full input"
            ),
            Stance::Asserted
        );
    }

    #[test]
    fn double_negation_asserts() {
        assert_eq!(stance_of("you do not not mask", "mask"), Stance::Asserted);
        assert_eq!(stance_of("you do not mask", "mask"), Stance::Negated);
    }

    #[test]
    fn a_negation_disguised_with_look_alike_letters_still_negates() {
        // A Cyrillic `о` in "nоt".
        assert_eq!(
            stance_of("you do n\u{43e}t mask the inputs", "mask"),
            Stance::Negated
        );
        // A word wholly in another script is left as written.
        let text = AnalyzedText::new("\u{43e}\u{43a}\u{43d}\u{43e} mask");
        assert_eq!(text.tokens[0].lower, "\u{43e}\u{43a}\u{43d}\u{43e}");
    }

    #[test]
    fn depends_on_states_the_cause() {
        for hedging in [Hedging::Strict, Hedging::Lenient] {
            assert_eq!(
                stance_under(
                    hedging,
                    "it depends on the population of the state.",
                    "population"
                )
                .0,
                Stance::Asserted
            );
            assert_eq!(
                stance_under(hedging, "Depends upon the population", "population").0,
                Stance::Asserted
            );
        }
        // A bare "it depends" still leaves the answer open.
        assert_eq!(
            stance_of("Yes, it depends, maybe soft prompting", "soft prompting"),
            Stance::Hedged
        );
    }

    #[test]
    fn a_statement_ending_in_a_question_mark_is_uncertain_not_a_question() {
        let (strict, hedge) = stance_under(Hedging::Strict, "speaker of the house?", "speaker");
        assert_eq!(strict, Stance::Hedged);
        assert_eq!(hedge.unwrap().kind, HedgeKind::Uncertainty);
        assert_eq!(
            stance_under(Hedging::Lenient, "speaker of the house?", "speaker").0,
            Stance::Uncertain
        );
        assert_eq!(
            stance_under(Hedging::Off, "speaker of the house?", "speaker").0,
            Stance::Asserted
        );
    }

    #[test]
    fn a_real_question_asserts_nothing_unless_hedging_is_off() {
        for answer in [
            "Is it the speaker of the house?",
            "so is it the speaker?",
            "What about the speaker?",
        ] {
            let (lenient, hedge) = stance_under(Hedging::Lenient, answer, "speaker");
            assert_eq!(lenient, Stance::Hedged, "{answer}");
            assert_eq!(hedge.unwrap().kind, HedgeKind::Question, "{answer}");
            assert_eq!(stance_under(Hedging::Off, answer, "speaker").0, Stance::Asserted);
        }
    }

    #[test]
    fn stray_question_marks_are_not_questions() {
        for answer in [
            "? freedom of speech",
            "freedom of speech. ?",
            "freedom of speech .?",
        ] {
            assert_eq!(stance_of(answer, "speech"), Stance::Asserted, "{answer}");
        }
    }

    #[test]
    fn not_sure_but_i_think_asserts_what_follows() {
        for hedging in [Hedging::Strict, Hedging::Lenient] {
            assert_eq!(
                stance_under(
                    hedging,
                    "I'm not sure but I think it is the speaker of the house",
                    "speaker"
                )
                .0,
                Stance::Asserted
            );
        }
        assert_eq!(
            stance_of("the speaker, but I'm not sure", "speaker"),
            Stance::Hedged
        );
    }

    #[test]
    fn lenient_credits_doubt_but_not_open_alternatives() {
        assert_eq!(
            stance_under(Hedging::Lenient, "maybe the speaker of the house", "speaker").0,
            Stance::Uncertain
        );
        assert_eq!(
            stance_under(Hedging::Lenient, "either the speaker or the president", "speaker").0,
            Stance::Hedged
        );
        assert_eq!(
            stance_under(Hedging::Lenient, "it could work or not, hard to tell", "work").0,
            Stance::Hedged
        );
    }

    #[test]
    fn terms_with_a_negation_word_negate_nothing() {
        // "no preemption" is a deadlock condition, not a negation of what follows.
        assert_eq!(
            stance_of(
                "mutual exclusion, hold and wait, no preemption, circular wait",
                "circular wait"
            ),
            Stance::Asserted
        );
        assert_eq!(
            stance_of("no preemption and mutual exclusion", "mutual exclusion"),
            Stance::Asserted
        );
        // Hyphenated compounds: "no-op", "not-for-profit".
        assert_eq!(stance_of("a no-op instruction", "instruction"), Stance::Asserted);
        assert_eq!(
            stance_of("a not-for-profit organization", "organization"),
            Stance::Asserted
        );
        assert_eq!(
            stance_of("not mutual exclusion", "mutual exclusion"),
            Stance::Negated
        );
    }

    #[test]
    fn a_negated_predicate_judges_or_describes_its_subject() {
        // Judged: the subject is denied.
        for (answer, subject) in [
            ("hard prompting would not work", "hard prompting"),
            ("masking is not really needed here", "masking"),
            ("BERT is not an autoencoder", "bert"),
            ("soft prompting would not be the answer", "soft prompting"),
        ] {
            assert_eq!(stance_of(answer, subject), Stance::Negated, "{answer}");
        }
        // Described: what the subject does not do is said of it.
        for (answer, subject) in [
            ("constructors cannot return values", "constructors"),
            ("a constructor does not need a type", "constructor"),
            ("static arrays cannot be changed", "static arrays"),
            ("the array name without brackets", "array"),
        ] {
            assert_eq!(stance_of(answer, subject), Stance::Asserted, "{answer}");
        }
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
    fn stated_alternatives_assert_each_one_and_leave_other_hedges_in_place() {
        let stated = |answer: &str, word: &str| {
            let policy = Policy {
                hedging: Hedging::Strict,
                alternatives: Alternatives::Stated,
                ..Policy::default()
            };
            stance_with(&policy, answer, word)
        };
        let answer = "They are declared either inside a block locally or outside a block globally.";
        assert_eq!(stance_of(answer, "outside"), Stance::Hedged);
        assert_eq!(stated(answer, "inside").0, Stance::Asserted);
        assert_eq!(stated(answer, "outside").0, Stance::Asserted);
        let answer = "a symbol that stands for a value that may or may not change";
        assert_eq!(stance_of(answer, "value"), Stance::Hedged);
        assert_eq!(stated(answer, "value").0, Stance::Asserted);
        // Doubt is still doubt, in the sentence or in the clause.
        let answer = "GPT: either next token prediction or masked LM, I don't remember which.";
        assert_eq!(
            stated(answer, "masked").1.map(|h| h.cue),
            Some("don't remember".into())
        );
        let answer = "either maybe a tree or a graph";
        assert_eq!(stated(answer, "tree").1.map(|h| h.cue), Some("maybe".into()));
        // So are alternatives left open in so many words, and an "either" with no "or".
        let answer = "either one works, it depends";
        assert_eq!(stated(answer, "works").1.map(|h| h.cue), Some("either".into()));
        assert_eq!(stated("either way, a stack", "stack").0, Stance::Hedged);
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
    fn indexed_cues_agree_with_the_scan_around_each_token() {
        let answers = [
            "maybe use soft prompting but it depends, or not; not sure",
            "I guess you could either mask or not mask but probably not, though maybe later it works",
            "it might not work however perhaps you don't mask and either way no one knows. Not sure.",
            "may or may not, maybe maybe but but perhaps, I think possibly not never no",
            "either way, unsure but no idea but depends; hard to say but not sure yet either",
            "you may or may not mask; hard to say. idk",
        ];
        for answer in answers {
            let text = AnalyzedText::new(answer);
            for at in 0..text.tokens.len() {
                let indexed = (hedge_at(&text, at), negator_before(&text, at..at + 1, &[]));
                assert_eq!(indexed, hedge_and_negator_slowly(&text, at), "{answer} at {at}");
            }
        }
    }

    #[test]
    fn one_long_sentence_has_one_index_of_its_cues() {
        // An answer with no full stop is one sentence; its cues are indexed once, so each
        // token's hedge is looked up, not searched for.
        let answer = "unsure it works but the model learns ".repeat(2000);
        let text = AnalyzedText::new(&answer);
        assert_eq!(text.sentences.len(), 1);
        let index = text.cue_index();
        assert_eq!(index.sentence_hedges.len(), 2000);
        assert_eq!(index.turns.len(), 2000);
        let last = text.tokens.len() - 1;
        assert_eq!(hedge_at(&text, last), None, "a `but` stands between");
        assert_eq!(hedge_at(&text, 2).map(|h| h.cue), Some("unsure".to_string()));
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
