//! Compiled patterns: fuzzy phrases (misspellings, stems, compounds, gaps, synonym groups)
//! and regular expressions, and where they match in an analysed answer.
//!
//! Phrase syntax, word by word:
//! - `word`: matched by stem and, for longer words, by edit distance (`fientune`);
//! - `a|b`: either word in this place (`|` binds single words); `(a b|c)`: either word
//!   sequence in this place; `{group}`: any member of a synonym group; `{~word}`: the word or
//!   any of its synonyms in the built-in thesaurus;
//! - `word*`: any word starting with `word`; `=word`: exactly this word; `+word`: by stem
//!   and word forms only, no edit distance;
//! - `not`: any negation word (`no`, `don't`, `without`, ...);
//! - `..`: a wider gap (up to [`WIDE_GAP`] words) before the next word;
//! - a place that is only function words ([`FUNCTION_WORDS`]) may be left out by the answer,
//!   unless the phrase has nothing else;
//! - code (`C++`, `->`, `char[]`, `O(n log n)`; see [`super::text`]) is one word, matched as
//!   written ([`is_code`]).
//!
//! Consecutive words may have up to [`NARROW_GAP`] other words between them, and all words
//! must sit in one clause (a `..` gap steps over brackets, quotes and wrapped lines).
//!
//! A whole pattern in brackets is an unordered phrase ([`Order::Unordered`]): `[a b c]` holds
//! places as above, matched in any order within one sentence, each on tokens of its own, and
//! `[a b c]~N` within a window of N words too; a match spans the fewest tokens that hold them.

use std::collections::BTreeMap;

use regex::Regex;

use super::cues::is_negator;
use super::lexicon::char_len;
use super::prefilter::Prefilter;
use super::text::{stem, AnalyzedText};
use super::thesaurus;

/// Words allowed between two consecutive phrase words ("predict *the* next word").
pub const NARROW_GAP: usize = 2;
/// Words allowed where a phrase says `..`.
pub const WIDE_GAP: usize = 10;

/// One word of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word {
    /// Matched by lower-case form, stem, or a length-scaled edit distance.
    Fuzzy { lower: String, stem: String },
    /// Any word that starts with this.
    Prefix(String),
    /// Exactly this lower-case word.
    Exact(String),
    /// Matched by lower-case form or stem (word forms), never by edit distance (`+word`).
    Stem { lower: String, stem: String },
    /// Any negation word.
    Negation,
}

/// Two fuzzy phrase words written as one token (`fine` + `tune` ~ `finetune`): compared like a
/// fuzzy word, but the token must hold every part (see [`compare_joined`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The two words together, lower case, and its stem.
    pub lower: String,
    pub stem: String,
    /// The byte where the second word starts, in `lower` and (when the stem reaches that far)
    /// in `stem`.
    pub split: usize,
    /// The most edits the two words would get apart: the joined form never gets more
    /// (`free from` may not match *freeform*, as `free` and `from` must be exact).
    pub allowance: usize,
}

/// What one comparison with an answer's token looks for: a phrase word, or two written as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needle {
    Word(Word),
    Joined(Joined),
}

impl Needle {
    /// The lower-case form and stem (empty for words without one).
    pub fn forms(&self) -> (&str, &str) {
        match self {
            Needle::Word(Word::Fuzzy { lower, stem } | Word::Stem { lower, stem })
            | Needle::Joined(Joined { lower, stem, .. }) => (lower, stem),
            Needle::Word(Word::Exact(lower) | Word::Prefix(lower)) => (lower, ""),
            Needle::Word(Word::Negation) => ("", ""),
        }
    }
}

/// One place in a phrase: alternative word sequences (a synonym's members may be several
/// words), preceded by how many other words may stand before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub alternatives: Vec<Vec<Word>>,
    pub gap_before: usize,
    /// For each alternative, word `i` joined with word `i + 1` (`fine` + `tune`), computed
    /// once here so that matching never stems.
    pub pair_joins: Vec<Vec<Option<Joined>>>,
    /// This place's single words joined with the next place's (`fine tune` ~ `finetune`).
    pub joins_next: Vec<Joined>,
    /// The fewest characters of a word in `joins_next`, and of its stem: a token shorter than
    /// both (by more than two edits) cannot match any of them, and most tokens are.
    joins_shortest: (usize, usize),
    /// A function word (`of`, `the`, ...) that the answer may leave out: `bill of rights`
    /// matches "bill rights". Never set when every place of the phrase is one.
    pub optional: bool,
}

/// Words a phrase may be matched without ("bill rights" for `bill of rights`), when a place
/// has nothing else. `=of` is required.
pub const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "by", "with", "as",
];

/// Whether every alternative of the place is a single function word.
fn is_function_place(slot: &Slot) -> bool {
    slot.alternatives.iter().all(|alternative| {
        matches!(alternative.as_slice(), [Word::Fuzzy { lower, .. }] if FUNCTION_WORDS.contains(&lower.as_str()))
    })
}

/// A compiled phrase.
#[derive(Debug, Clone)]
pub struct Phrase {
    pub source: String,
    pub slots: Vec<Slot>,
    /// Whether the places stand in the order written or in any order (`[a b c]`).
    pub order: Order,
    /// The phrase itself negates ("no bottleneck"): its negators are not the student's.
    pub negates: bool,
    /// The first bytes a matching answer word can start with: every word match needs the same
    /// first letter, so most start positions are refused by one lookup.
    first_bytes: FirstBytes,
    /// For each place, the words one of which must match somewhere in the answer for the place
    /// to be matched at all: most phrases are refused by these before any search.
    needs: Prefilter,
}

/// How the places of a phrase stand in the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// In the order written, each within its gap of the one before, in one clause.
    Sequence,
    /// In any order within one sentence (`[a b c]`), and within `window` words when one is
    /// given (`[a b c]~8`).
    Unordered { window: Option<usize> },
}

/// The most required places an unordered phrase may have: its search tries every subset of
/// them at each start.
pub const MAX_UNORDERED_PLACES: usize = 8;

/// A set of bytes (a 256-bit mask).
#[derive(Debug, Clone, Default)]
struct FirstBytes([u64; 4]);

impl FirstBytes {
    fn any() -> FirstBytes {
        FirstBytes([u64::MAX; 4])
    }

    fn insert(&mut self, byte: u8) {
        self.0[usize::from(byte >> 6)] |= 1 << (byte & 63);
    }

    fn extend(&mut self, other: &FirstBytes) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine |= theirs;
        }
    }

    fn contains(&self, byte: u8) -> bool {
        self.0[usize::from(byte >> 6)] & (1 << (byte & 63)) != 0
    }

    /// The first bytes of the words (and of their stems) that can open a match of `slot`; a
    /// token opens one when its word or its stem starts with one of them (see
    /// [`FirstBytes::opens`]).
    fn of(slot: &Slot) -> FirstBytes {
        let mut set = FirstBytes::default();
        for word in slot.alternatives.iter().filter_map(|a| a.first()) {
            let (lower, stem) = match word {
                Word::Fuzzy { lower, stem } | Word::Stem { lower, stem } => (lower, Some(stem)),
                Word::Exact(lower) | Word::Prefix(lower) => (lower, None),
                Word::Negation => return FirstBytes::any(),
            };
            match lower.bytes().next() {
                Some(b) => set.insert(b),
                None => return FirstBytes::any(),
            }
            if let Some(b) = stem.and_then(|s| s.bytes().next()) {
                set.insert(b);
            }
        }
        set
    }

    /// Whether `token` may open a match: its word or its stem starts with one of the bytes. A
    /// stem need not start as its word does: `went` is `go`, `O(log n)` is `log`.
    fn opens(&self, token: &super::text::Token) -> bool {
        let first = |s: &str| s.bytes().next().is_some_and(|b| self.contains(b));
        first(&token.lower) || first(&token.stem)
    }
}

/// Why a phrase could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhraseError {
    #[error("unknown synonym group `{0}`")]
    UnknownGroup(String),
    #[error("the phrase has no words")]
    Empty,
    #[error("`..` must stand between two words")]
    DanglingGap,
    #[error("`(` is never closed by a `)` at the end of a word")]
    UnclosedParenthesis,
    #[error("parentheses cannot be nested")]
    NestedParentheses,
    #[error("`..` cannot stand inside parentheses")]
    GapInParentheses,
    /// A mistake in an unordered phrase (`[a b c]~N`), at a byte of the pattern.
    #[error("{1}")]
    Unordered(usize, UnorderedError),
}

impl PhraseError {
    /// The byte of the pattern where the mistake is, when it is known more closely than the
    /// whole pattern.
    pub fn offset(&self) -> Option<usize> {
        match self {
            PhraseError::Unordered(at, _) => Some(*at),
            _ => None,
        }
    }
}

/// What is wrong with an unordered phrase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnorderedError {
    #[error("`[` is never closed by a `]`")]
    Unclosed,
    #[error("`[]` holds no words")]
    Empty,
    #[error("an unordered phrase `[...]` is a whole pattern: only `~N` may follow its `]`")]
    TextAfter,
    #[error("`[` opens an unordered phrase only at the start of a pattern (a bracketed word such as `[CLS]` is fine)")]
    Inside,
    #[error("brackets cannot be nested in an unordered phrase")]
    Nested,
    #[error("`~{0}` must be a number of words of 1 or more, e.g. `~8`")]
    BadWindow(String),
    #[error("a window of {window} words cannot hold the phrase's {places} words")]
    WindowTooSmall { window: usize, places: usize },
    #[error("`..` cannot stand inside `[...]`: its words may stand anywhere in the sentence, or within the window `~N`")]
    Gap,
    #[error("an unordered phrase may have at most {MAX_UNORDERED_PLACES} words (a synonym group or `(a b|c)` counts as one)")]
    TooMany,
}

/// Synonym groups by name, each member a phrase-free word sequence.
pub type SynonymGroups = BTreeMap<String, Vec<String>>;

impl Phrase {
    pub fn parse(source: &str, groups: &SynonymGroups) -> Result<Phrase, PhraseError> {
        let (body, order) = match unordered_source(source)? {
            Some(unordered) => (
                unordered.body,
                Order::Unordered {
                    window: unordered.window,
                },
            ),
            None => (source, Order::Sequence),
        };
        let mut slots = Vec::new();
        let mut gap = NARROW_GAP;
        for item in items(body)? {
            let place = match item {
                Item::Gap => {
                    if order != Order::Sequence {
                        let at = source.find("..").unwrap_or(0);
                        return Err(PhraseError::Unordered(at, UnorderedError::Gap));
                    }
                    if slots.is_empty() {
                        return Err(PhraseError::DanglingGap);
                    }
                    gap = WIDE_GAP;
                    continue;
                }
                Item::Bare(part) => part,
                Item::Parenthesised(ref inside) => inside.as_str(),
            };
            let mut alternatives = Vec::new();
            for alternative in split_alternatives(place) {
                alternatives.extend(sequences(alternative, groups)?);
            }
            if alternatives.is_empty() {
                continue;
            }
            let pair_joins = alternatives.iter().map(|a| pair_joins(a)).collect();
            slots.push(Slot {
                alternatives,
                gap_before: if slots.is_empty() { 0 } else { gap },
                pair_joins,
                joins_next: Vec::new(),
                joins_shortest: (0, 0),
                optional: false,
            });
            gap = NARROW_GAP;
        }
        if slots.is_empty() {
            return Err(PhraseError::Empty);
        }
        // Neighbouring places written as one token; an unordered phrase's places have no
        // neighbours.
        let joined_places = if order == Order::Sequence { slots.len() } else { 0 };
        for i in 0..joined_places.saturating_sub(1) {
            let joins: Vec<Joined> = single_words(&slots[i])
                .flat_map(|a| single_words(&slots[i + 1]).map(move |b| joined_words(a, b)))
                .collect();
            let shortest =
                |part: fn(&Joined) -> &str| joins.iter().map(|w| char_len(part(w))).min().unwrap_or(0);
            slots[i].joins_shortest = (shortest(|j| &j.lower), shortest(|j| &j.stem));
            slots[i].joins_next = joins;
        }
        if gap == WIDE_GAP {
            return Err(PhraseError::DanglingGap);
        }
        let function_places: Vec<bool> = slots.iter().map(is_function_place).collect();
        if function_places.contains(&false) {
            for (slot, optional) in slots.iter_mut().zip(function_places) {
                slot.optional = optional;
            }
        }
        if let Order::Unordered { window } = order {
            let places = slots.iter().filter(|s| !s.optional).count();
            let at = source.len() - source.trim_start().len();
            if places > MAX_UNORDERED_PLACES {
                return Err(PhraseError::Unordered(at, UnorderedError::TooMany));
            }
            if let Some(window) = window.filter(|&w| w < places) {
                let at = source.rfind('~').unwrap_or(at);
                return Err(PhraseError::Unordered(
                    at,
                    UnorderedError::WindowTooSmall { window, places },
                ));
            }
        }
        let negates = slots.iter().any(|s| {
            s.alternatives.iter().flatten().any(|w| match w {
                Word::Negation => true,
                Word::Fuzzy { lower, .. } | Word::Stem { lower, .. } | Word::Exact(lower) => {
                    is_negator(lower)
                }
                Word::Prefix(_) => false,
            })
        });
        // A match opens with the first place, or a later one when those before it are left out.
        let mut first_bytes = FirstBytes::default();
        for slot in &slots {
            first_bytes.extend(&FirstBytes::of(slot));
            if !slot.optional {
                break;
            }
        }
        let needs = needs(&slots);
        Ok(Phrase {
            source: source.to_string(),
            slots,
            order,
            negates,
            first_bytes,
            needs,
        })
    }
}

impl Phrase {
    /// The phrase as an ordinary regular expression (exact words in order, the same gaps, no
    /// stems or misspellings): what a plain-text search for it would look for. Word classes are
    /// ASCII, as a search tool's would be with Unicode off; words are lower case (search with
    /// `-i`). A word is bounded by `\b` only on an edge that is a word character, so code that
    /// starts or ends with punctuation (`c++`, `++i`, `->`) is found; big-O notation takes any
    /// spacing, `*` and inner brackets (`O(n log n)`, `O(nlogn)`, `O(n * log(n))`), as the
    /// matcher does. It stays an approximation: an unordered phrase's window bounds each gap
    /// between its words, not their whole span, and `a->b` needs no spaces only in the answer.
    pub fn to_regex(&self) -> String {
        const WORD: &str = "[A-Za-z0-9_]";
        const GAP: &str = "[^A-Za-z0-9_]";
        let word = |w: &Word| {
            // The body, and the characters its matches start and end with (any word
            // character is as good as another).
            let (body, first, last) = match w {
                Word::Fuzzy { lower, .. } | Word::Stem { lower, .. } | Word::Exact(lower) => {
                    let body = big_o_regex(lower).unwrap_or_else(|| regex::escape(lower));
                    (body, lower.chars().next(), lower.chars().last())
                }
                Word::Prefix(p) => (
                    format!("{}{WORD}*", regex::escape(p)),
                    p.chars().next(),
                    Some('a'),
                ),
                Word::Negation => (format!("(?:not|no|never|{WORD}+n't)"), Some('a'), Some('a')),
            };
            let boundary = |c: Option<char>| match c {
                Some(c) if c.is_ascii_alphanumeric() || c == '_' => r"\b",
                _ => "",
            };
            format!("{}{body}{}", boundary(first), boundary(last))
        };
        let place = |slot: &Slot| {
            let alternatives: Vec<String> = slot
                .alternatives
                .iter()
                .map(|a| a.iter().map(word).collect::<Vec<_>>().join(r"\W+"))
                .collect();
            format!("(?:{})", alternatives.join("|"))
        };
        let window = match self.order {
            Order::Sequence => None,
            Order::Unordered { window } => Some(window),
        };
        let Some(window) = window else {
            let mut out = String::new();
            for (i, slot) in self.slots.iter().enumerate() {
                if i > 0 {
                    out.push_str(&format!("{GAP}+(?:{WORD}+{GAP}+){{0,{}}}", slot.gap_before));
                }
                out.push_str(&place(slot));
            }
            return out;
        };
        // Any order: every order of the required places (written order past four of them),
        // with the window's words, or anything but a full stop, between them.
        let gap = match window {
            Some(n) => format!("{GAP}+(?:{WORD}+{GAP}+){{0,{}}}", n.saturating_sub(2)),
            None => "[^.!?]*?".to_string(),
        };
        let places: Vec<String> = self.slots.iter().filter(|s| !s.optional).map(place).collect();
        let orders = if places.len() <= 4 {
            permutations(places.len())
        } else {
            vec![(0..places.len()).collect()]
        };
        let each: Vec<String> = orders
            .iter()
            .map(|order| {
                order
                    .iter()
                    .map(|&i| places[i].as_str())
                    .collect::<Vec<_>>()
                    .join(&gap)
            })
            .collect();
        format!("(?:{})", each.join("|"))
    }
}

/// Big-O notation in its matched form (`o(nlogn)`) as a regular expression for it as written,
/// with any spaces, `*` and brackets between its characters (`O(n log n)`, `O(n * log(n))`);
/// `None` for a word that is not big-O notation.
fn big_o_regex(lower: &str) -> Option<String> {
    if !super::text::opens_big_o(lower) {
        return None;
    }
    let mut chars = lower.chars();
    let letter = chars.next()?;
    let inner = chars.as_str().strip_prefix('(')?.strip_suffix(')')?;
    let loose = r"[\s*()]*";
    let inner: Vec<String> = inner.chars().map(|c| regex::escape(&c.to_string())).collect();
    Some(format!(
        r"{}\({loose}{}{loose}\)",
        regex::escape(&letter.to_string()),
        inner.join(loose)
    ))
}

/// Every order of `0..n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    permutations(n - 1)
        .into_iter()
        .flat_map(|shorter| {
            (0..n).map(move |at| {
                let mut order = shorter.clone();
                order.insert(at, n - 1);
                order
            })
        })
        .collect()
}

/// An unordered phrase's words, and its window, as written.
struct UnorderedSource<'a> {
    body: &'a str,
    window: Option<usize>,
}

/// The words inside `[...]` when the whole pattern is an unordered phrase (`[a b c]` or
/// `[a b c]~N`); `None` for an ordinary phrase. A bracketed word such as `[CLS]` stays an
/// ordinary word of an ordinary phrase (`[CLS] token`), as the brackets are not part of it.
fn unordered_source(source: &str) -> Result<Option<UnorderedSource<'_>>, PhraseError> {
    let error = |at: usize, e: UnorderedError| Err(PhraseError::Unordered(at, e));
    let is_bracketed_word = |part: &str| {
        part.starts_with('[')
            && part
                .find(']')
                .is_some_and(|close| close > 1 && !part[1..close].contains('['))
    };
    let lead = source.len() - source.trim_start().len();
    let trimmed = source.trim();
    if !trimmed.starts_with('[') {
        // Anywhere else, a `[` that is not a bracketed word was meant to open one.
        for (at, part) in word_offsets(source) {
            if part.starts_with('[') && !is_bracketed_word(part) {
                return error(at, UnorderedError::Inside);
            }
        }
        return Ok(None);
    }
    let Some(close) = trimmed.rfind(']') else {
        return error(lead, UnorderedError::Unclosed);
    };
    let first = trimmed.split_whitespace().next().unwrap_or_default();
    if is_bracketed_word(first) && first.find(']').is_some_and(|c| c < close) {
        return Ok(None); // `[CLS] token`, `[CLS] [SEP]`
    }
    let after = trimmed[close + 1..].trim_start();
    // Where `after` starts: an error about it points at its first character, not at a space.
    let after_at = lead + close + 1 + (trimmed[close + 1..].len() - after.len());
    if !after.is_empty() && !after.starts_with('~') {
        if is_bracketed_word(first) {
            return Ok(None); // `[CLS] token`
        }
        return error(after_at, UnorderedError::TextAfter);
    }
    let window = match after.strip_prefix('~') {
        None => None,
        Some(n) => match n.parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => return error(after_at, UnorderedError::BadWindow(n.to_string())),
        },
    };
    let body = &trimmed[1..close];
    if body.trim().is_empty() {
        return error(lead, UnorderedError::Empty);
    }
    for (at, part) in word_offsets(body) {
        // `char[]` is a word; a bracket opening or closing a word is not.
        if part.starts_with('[') || part.trim_end_matches("[]").contains(']') {
            return error(lead + 1 + at, UnorderedError::Nested);
        }
    }
    Ok(Some(UnorderedSource { body, window }))
}

/// The whitespace-separated parts of `text`, each with its byte offset.
fn word_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |part| (part.as_ptr() as usize - text.as_ptr() as usize, part))
}

/// The alternatives of a place, split at each `|` that is not part of the operator `||`:
/// `a|b` is two, `||` one; in `|||or` and `or|||`, `||` is the alternative at the end.
fn split_alternatives(place: &str) -> Vec<&str> {
    let bytes = place.as_bytes();
    let mut parts = Vec::new();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'|' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'|').count();
        let separator = match run {
            1 => Some(i),
            3 if i == 0 => Some(i + 2),
            3 => Some(i),
            _ => None,
        };
        if let Some(at) = separator {
            parts.push(&place[from..at]);
            from = at + 1;
        }
        i += run;
    }
    parts.push(&place[from..]);
    parts
}

/// The words of a phrase as whitespace separates them, except that big-O notation is one
/// word however it is spaced (`O(n log n)`).
fn phrase_words(text: &str) -> Vec<&str> {
    let parts: Vec<(usize, &str)> = word_offsets(text).collect();
    let mut words = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let (start, part) = parts[i];
        let mut last = i;
        if super::text::opens_big_o(part) {
            let mut depth = 0i32;
            for (k, (_, p)) in parts.iter().enumerate().skip(i).take(8) {
                depth += p.matches('(').count() as i32 - p.matches(')').count() as i32;
                if depth <= 0 {
                    last = k;
                    break;
                }
            }
        }
        let (end_at, end_part) = parts[last];
        words.push(&text[start..end_at + end_part.len()]);
        i = last + 1;
    }
    words
}

/// One written item of a phrase, as whitespace separates them: a gap, a bare place (`word`,
/// `a|b`, `{group}`), or a parenthesised place (`(address space|memory)`), whose alternatives
/// may be several words.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item<'a> {
    Gap,
    Bare(&'a str),
    Parenthesised(String),
}

fn items(source: &str) -> Result<Vec<Item<'_>>, PhraseError> {
    let mut items = Vec::new();
    let mut parts = phrase_words(source).into_iter();
    while let Some(part) = parts.next() {
        if part == ".." || part == "..." {
            items.push(Item::Gap);
            continue;
        }
        let Some(opened) = part.strip_prefix('(') else {
            items.push(Item::Bare(part));
            continue;
        };
        let mut inside = opened.to_string();
        while !inside.ends_with(')') {
            let next = parts.next().ok_or(PhraseError::UnclosedParenthesis)?;
            if next == ".." || next == "..." {
                return Err(PhraseError::GapInParentheses);
            }
            inside.push(' ');
            inside.push_str(next);
        }
        inside.pop();
        if inside.contains(['(', ')']) {
            return Err(PhraseError::NestedParentheses);
        }
        items.push(Item::Parenthesised(inside));
    }
    Ok(items)
}

/// The word sequences one alternative of a place stands for: its words in order, a synonym
/// group's members each in turn (`{finetune} the encoder` is one sequence per member).
fn sequences(alternative: &str, groups: &SynonymGroups) -> Result<Vec<Vec<Word>>, PhraseError> {
    let mut sequences: Vec<Vec<Word>> = vec![Vec::new()];
    for written in phrase_words(alternative) {
        let choices: Vec<Vec<Word>> = match written.strip_prefix('{').and_then(|a| a.strip_suffix('}')) {
            Some(name) if name.starts_with('~') => thesaurus_members(&name[1..]),
            Some(name) => groups
                .get(name)
                .ok_or_else(|| PhraseError::UnknownGroup(name.to_string()))?
                .iter()
                .map(|member| {
                    phrase_words(member)
                        .into_iter()
                        .flat_map(parse_word)
                        .collect::<Vec<_>>()
                })
                .filter(|words| !words.is_empty())
                .collect(),
            None => vec![parse_word(written)],
        };
        sequences = sequences
            .iter()
            .flat_map(|before| {
                choices
                    .iter()
                    .map(move |choice| before.iter().chain(choice).cloned().collect())
            })
            .collect();
    }
    sequences.retain(|words| !words.is_empty());
    Ok(sequences)
}

/// `{~word}`: the word and its thesaurus synonyms, each a member as a synonym group's.
fn thesaurus_members(word: &str) -> Vec<Vec<Word>> {
    let mut members = vec![parse_word(word)];
    members.extend(thesaurus::synonyms(word).into_iter().filter_map(synonym_words));
    members.retain(|words| !words.is_empty());
    members
}

/// A thesaurus synonym's phrase words, unless it holds a negation word (`lacking`), which
/// would make the phrase a negated one.
fn synonym_words(synonym: &str) -> Option<Vec<Word>> {
    let words: Vec<Word> = synonym.split_whitespace().flat_map(parse_word).collect();
    let plain = words
        .iter()
        .all(|w| matches!(w, Word::Fuzzy { lower, .. } if !is_negator(lower)));
    (plain && !words.is_empty()).then_some(words)
}

/// The synonyms `{~word}` matches besides the word itself, closest first (see
/// [`thesaurus::synonyms`]).
pub fn thesaurus_synonyms(word: &str) -> Vec<&'static str> {
    thesaurus::synonyms(word)
        .into_iter()
        .filter(|s| synonym_words(s).is_some())
        .collect()
}

/// The `{~word}` items of a phrase whose word has no synonyms in the thesaurus, as written
/// (`{~frobnicate}`): they match only the word itself, which a rubric linter reports.
pub fn words_without_synonyms(source: &str) -> Vec<&str> {
    source
        .split(|c: char| c.is_whitespace() || "|()[]".contains(c))
        .filter(|part| {
            part.strip_prefix("{~")
                .and_then(|w| w.strip_suffix('}'))
                .is_some_and(|w| thesaurus_synonyms(w).is_empty())
        })
        .collect()
}

/// Why a bare `a|b` in the phrase was probably meant to alternate several words, with the
/// parenthesised form to write instead: `soft prompt|prompt tuning` reads as
/// "soft (prompt|prompt) tuning". `|` binds single words, which is what most rubrics mean
/// (`reconstruction task|objective`), so only forms that make no sense word by word are
/// reported: a word repeated in one place or in neighbouring places (`will not|would not`),
/// or an article alternating with another word (`on the data|the dataset`). A phrase that
/// does not parse is not ambiguous (it is an error).
pub fn ambiguous_alternation(source: &str) -> Option<String> {
    let (body, window) = match unordered_source(source).ok()? {
        Some(unordered) => (unordered.body, Some(unordered.window)),
        None => (source, None),
    };
    let items = items(body).ok()?;
    let words = |item: &Item| -> Vec<String> {
        match item {
            Item::Bare(part) => split_alternatives(part)
                .into_iter()
                .map(str::to_lowercase)
                .collect(),
            _ => Vec::new(),
        }
    };
    let is_article = |w: &str| matches!(w, "a" | "an" | "the");
    let reason = items.iter().enumerate().find_map(|(i, item)| {
        let Item::Bare(part) = item else { return None };
        if !part.contains('|') {
            return None;
        }
        let own = words(item);
        let next = items.get(i + 1).map(&words).unwrap_or_default();
        let repeated = own
            .iter()
            .enumerate()
            .find(|(k, w)| own[..*k].contains(w) || next.contains(w))
            .map(|(_, w)| format!("`{w}` appears twice"));
        let article = (own.iter().any(|w| is_article(w)) && own.iter().any(|w| !is_article(w)))
            .then(|| format!("`{part}` alternates an article with another word"));
        repeated.or(article)
    })?;
    let grouped = items
        .split(|i| matches!(i, Item::Gap))
        .map(|run| {
            let text: Vec<&str> = run
                .iter()
                .map(|i| match i {
                    Item::Bare(p) => *p,
                    _ => "",
                })
                .collect();
            let any_bar = run.iter().any(|i| matches!(i, Item::Bare(p) if p.contains('|')));
            let plain = run.iter().all(|i| matches!(i, Item::Bare(_)));
            if any_bar && plain && run.len() > 1 {
                format!("({})", text.join(" "))
            } else {
                run.iter()
                    .map(|i| match i {
                        Item::Bare(p) => p.to_string(),
                        Item::Parenthesised(p) => format!("({p})"),
                        Item::Gap => String::new(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        })
        .collect::<Vec<_>>()
        .join(" .. ");
    let grouped = match window {
        None => grouped,
        Some(None) => format!("[{grouped}]"),
        Some(Some(n)) => format!("[{grouped}]~{n}"),
    };
    Some(format!(
        "{reason}: `|` joins single words, so `{source}` alternates word by word; to alternate several words write them in parentheses, e.g. `{grouped}`"
    ))
}

/// For each place, the words that can open its match, one of which must match some token (or
/// two joined tokens) wherever the phrase matches: an alternative's first word against a
/// token or a joined pair, its first two words joined against one token, or the place joined
/// with a neighbouring place (`fine tune` ~ `finetune`) against one token. A place the answer
/// may leave out (a function word) needs nothing.
fn needs(slots: &[Slot]) -> Prefilter {
    Prefilter::new(
        (0..slots.len())
            .filter(|&i| !slots[i].optional)
            .map(|i| {
                let slot = &slots[i];
                let own = slot
                    .alternatives
                    .iter()
                    .filter_map(|a| a.first())
                    .map(|w| Needle::Word(w.clone()));
                let pairs = slot.pair_joins.iter().filter_map(|j| j.first()?.as_ref());
                let previous = i.checked_sub(1).map_or(&[][..], |p| &slots[p].joins_next[..]);
                let joins = pairs
                    .chain(&slot.joins_next)
                    .chain(previous)
                    .cloned()
                    .map(Needle::Joined);
                own.chain(joins).collect()
            })
            .collect(),
    )
}

/// One written word becomes one or more phrase words: `fine-tune` is `fine` + `tune`, as the
/// answer's tokenizer would see it.
fn parse_word(written: &str) -> Vec<Word> {
    // `==` and `++i` are code, not an exact or stem-only word.
    if let Some(exact) = written.strip_prefix('=').filter(|w| !w.starts_with('=')) {
        return split_like_tokens(exact).into_iter().map(Word::Exact).collect();
    }
    if let Some(stemmed) = written.strip_prefix('+').filter(|w| !w.starts_with('+')) {
        return split_like_tokens(stemmed)
            .into_iter()
            .map(|lower| {
                if is_code(&lower) {
                    Word::Exact(lower)
                } else {
                    stem_only(lower)
                }
            })
            .collect();
    }
    if let Some(prefix) = written.strip_suffix('*') {
        let mut parts = split_like_tokens(prefix);
        let last = parts.pop();
        let mut words: Vec<Word> = parts.into_iter().map(fuzzy).collect();
        words.extend(last.map(Word::Prefix));
        return words;
    }
    split_like_tokens(written)
        .into_iter()
        .map(|w| match w.as_str() {
            "not" => Word::Negation,
            // Code (`C++`, `->`, `O(n log n)`) is matched as written: `C++` is not `C`.
            _ if is_code(&w) => Word::Exact(w),
            _ => fuzzy(w),
        })
        .collect()
}

/// Whether a token holding this byte is matched without edits: numbers (`phase5`) and code
/// (`c++` is one edit from `c+`, but not the same thing).
#[inline]
fn no_edits(byte: u8) -> bool {
    byte.is_ascii_digit() || (byte.is_ascii_punctuation() && byte != b'\'')
}

/// Whether a token is code (`c++`, `char[]`, `->`, `o(nlogn)`): it holds a character that is
/// neither a letter, a digit nor an apostrophe.
pub fn is_code(lower: &str) -> bool {
    lower.bytes().any(|b| b.is_ascii_punctuation() && b != b'\'')
}

/// Each word joined with the next, where both are words with forms (fuzzy or stem-only).
fn pair_joins(words: &[Word]) -> Vec<Option<Joined>> {
    words
        .windows(2)
        .map(|pair| Some(joined_words(single_word(&pair[0])?, single_word(&pair[1])?)))
        .collect()
}

/// A word that may be written joined with its neighbour: its lower-case form, and whether it
/// is stem-only (allowed no edits).
fn single_word(word: &Word) -> Option<(&str, bool)> {
    match word {
        Word::Fuzzy { lower, .. } => Some((lower, false)),
        Word::Stem { lower, .. } => Some((lower, true)),
        _ => None,
    }
}

/// Two words written as one token; no edits when either is stem-only.
fn joined_words((first, first_exact): (&str, bool), (second, second_exact): (&str, bool)) -> Joined {
    let mut join = joined(first, second);
    if first_exact || second_exact {
        join.allowance = 0;
    }
    join
}

fn fuzzy(lower: String) -> Word {
    Word::Fuzzy {
        stem: stem(&lower),
        lower,
    }
}

fn stem_only(lower: String) -> Word {
    Word::Stem {
        stem: stem(&lower),
        lower,
    }
}

/// Two phrase words written as one token.
fn joined(first: &str, second: &str) -> Joined {
    let lower = format!("{first}{second}");
    Joined {
        stem: stem(&lower),
        allowance: allowed_edits(char_len(first)) + allowed_edits(char_len(second)),
        lower,
        split: first.len(),
    }
}

fn split_like_tokens(written: &str) -> Vec<String> {
    AnalyzedText::new(written)
        .tokens
        .into_iter()
        .map(|t| t.lower)
        .collect()
}

/// Where a pattern matched: a token range and how far from exact it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseMatch {
    pub tokens: std::ops::Range<usize>,
    /// Sum of the edit distances of fuzzy words (0 for an exact or stem match).
    pub distance: usize,
    /// Some word needed all the edits its length allows: a match worth a second look.
    pub at_threshold: bool,
}

/// What a match cost: edits, and whether any word used its whole allowance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cost {
    pub edits: usize,
    pub at_limit: bool,
}

impl std::ops::Add for Cost {
    type Output = Cost;
    fn add(self, other: Cost) -> Cost {
        Cost {
            edits: self.edits + other.edits,
            at_limit: self.at_limit || other.at_limit,
        }
    }
}

/// The most edits a phrase word (or its stem) of this length may differ by, whatever the length
/// of the answer's word: short words must be exact; `colonies` allows two, so *colines*
/// matches.
pub fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// How far `candidate` is from the phrase word, or `None` when it is not a match.
#[inline]
pub(super) fn word_distance(word: &Word, lower: &str, stemmed: &str) -> Option<Cost> {
    // Most comparisons are refused here, without a call: equal words, equal stems and fuzzy
    // matches all need the same first byte, of the word or of the stem.
    if let Word::Fuzzy { lower: w, stem: s } | Word::Stem { lower: w, stem: s } = word {
        if lower.as_bytes().first() != w.as_bytes().first()
            && stemmed.as_bytes().first() != s.as_bytes().first()
        {
            return None;
        }
    }
    compare_word(word, lower, stemmed)
}

/// How far `candidate` is from two phrase words written as one, or `None` when it is not a match.
#[inline]
pub(super) fn joined_distance(joined: &Joined, lower: &str, stemmed: &str) -> Option<Cost> {
    // As for a fuzzy word: every match needs the first byte of the word or of the stem.
    if lower.as_bytes().first() != joined.lower.as_bytes().first()
        && stemmed.as_bytes().first() != joined.stem.as_bytes().first()
    {
        return None;
    }
    compare_joined(joined, lower, stemmed)
}

/// How far `candidate` is from what a needle looks for.
#[inline]
pub(super) fn needle_distance(needle: &Needle, lower: &str, stemmed: &str) -> Option<Cost> {
    match needle {
        Needle::Word(word) => word_distance(word, lower, stemmed),
        Needle::Joined(joined) => joined_distance(joined, lower, stemmed),
    }
}

#[inline(never)]
fn compare_word(word: &Word, lower: &str, stemmed: &str) -> Option<Cost> {
    match word {
        Word::Exact(w) => (lower == w).then_some(Cost::default()),
        Word::Prefix(p) => lower.starts_with(p.as_str()).then_some(Cost::default()),
        Word::Negation => is_negator(lower).then_some(Cost::default()),
        Word::Stem { lower: w, stem: s } => (lower == w || stemmed == s).then_some(Cost::default()),
        Word::Fuzzy { lower: w, stem: s } => {
            if lower == w || stemmed == s {
                return Some(Cost::default());
            }
            // Cheap refusals first: this runs for every token against every phrase word.
            if lower.as_bytes().first() != w.as_bytes().first() {
                return None;
            }
            let (len_w, len_t) = (char_len(w), char_len(lower));
            let limit = allowed_edits(len_w);
            if limit == 0 || len_w.abs_diff(len_t) > limit || lower.bytes().any(no_edits) {
                return None;
            }
            // Stems are compared with the allowance of a stem's length, words with a word's:
            // `solut` and `split` are two edits apart, too many for five letters, although
            // `solutions` and `splitting` have nine. Both distances are at least 1 here
            // (neither pair is equal), so a stem distance of 1 is already the least.
            let stem_limit = allowed_edits(char_len(s)).min(limit);
            let by_stem = osa_within(stemmed, s, stem_limit);
            if by_stem <= stem_limit && by_stem <= 1 {
                return Some(Cost {
                    edits: by_stem,
                    at_limit: by_stem == stem_limit,
                });
            }
            let by_word = osa_within(lower, w, limit);
            let (d, within) = if by_word <= limit && (by_stem > stem_limit || by_word <= by_stem) {
                (by_word, limit)
            } else {
                (by_stem, stem_limit)
            };
            (d <= within).then_some(Cost {
                edits: d,
                at_limit: d == within,
            })
        }
    }
}

/// A token against two phrase words written as one: as a fuzzy word, but the token must hold
/// every part, each within its own word's allowance. A misspelling of the joined form that
/// only keeps the first word (`phase` for `phase 5`) is refused, and so is one that spends
/// edits a part does not have (`freeform` for `free from`).
#[inline(never)]
fn compare_joined(joined: &Joined, lower: &str, stemmed: &str) -> Option<Cost> {
    let (w, s, split) = (joined.lower.as_str(), joined.stem.as_str(), joined.split);
    if lower == w {
        return Some(Cost::default());
    }
    // The stem must still reach into the second word (`model` + `s` stems to `model`).
    let stem_covers = s.len() > split && s.is_char_boundary(split);
    if stem_covers && stemmed == s {
        return Some(Cost::default());
    }
    if lower.as_bytes().first() != w.as_bytes().first() {
        return None;
    }
    let (len_w, len_t) = (char_len(w), char_len(lower));
    let limit = allowed_edits(len_w).min(joined.allowance);
    if limit == 0 || len_w.abs_diff(len_t) > limit || lower.bytes().any(no_edits) {
        return None;
    }
    // Stems with a stem's allowance, words with a word's (as in `compare_word`).
    let stem_limit = allowed_edits(char_len(s)).min(limit);
    let mut best: Option<Cost> = None;
    for (token, joined, within, usable) in [(stemmed, s, stem_limit, stem_covers), (lower, w, limit, true)] {
        if !usable || within == 0 {
            continue;
        }
        let d = osa_within(token, joined, within);
        if d > within || best.is_some_and(|b| b.edits <= d) {
            continue;
        }
        if splits_into(token, &joined[..split], &joined[split..], within) {
            best = Some(Cost {
                edits: d,
                at_limit: d == within,
            });
        }
    }
    best
}

/// Whether `token` splits into a piece for `first` and a piece for `second`, each within the
/// edits its word is allowed, together within `total`.
fn splits_into(token: &str, first: &str, second: &str, total: usize) -> bool {
    let (len_first, len_second) = (char_len(first), char_len(second));
    (1..token.len()).filter(|&k| token.is_char_boundary(k)).any(|k| {
        let (head, tail) = token.split_at(k);
        let limit_first = allowed_edits(len_first).min(total);
        let d_first = osa_within(head, first, limit_first);
        d_first <= limit_first && {
            let limit_second = allowed_edits(len_second).min(total - d_first);
            osa_within(tail, second, limit_second) <= limit_second
        }
    })
}

/// The longest word compared on the stack; longer or non-ASCII words go to `strsim`.
const OSA_STACK: usize = 64;

/// Optimal string alignment distance (as `strsim::osa_distance`) when it is at most `limit`;
/// otherwise some number above `limit`. ASCII words (characters are bytes) are compared
/// without allocating, and the comparison stops as soon as the limit cannot be met.
fn osa_within(a: &str, b: &str, limit: usize) -> usize {
    if a.len().abs_diff(b.len()) > limit && a.is_ascii() && b.is_ascii() {
        return limit + 1;
    }
    if !a.is_ascii() || !b.is_ascii() || b.len() >= OSA_STACK {
        return strsim::osa_distance(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // A cheap lower bound first: every kind of byte that one word has and the other lacks
    // needs an edit of its own (a deletion, insertion or substitution; a transposition adds or
    // removes none). Kinds are bytes modulo 64, which only weakens the bound.
    let kinds = |w: &[u8]| w.iter().fold(0u64, |m, &c| m | 1 << (c & 63));
    let (ka, kb) = (kinds(a), kinds(b));
    let only = (ka & !kb).count_ones().max((kb & !ka).count_ones());
    if only as usize > limit {
        return limit + 1;
    }
    let n = b.len();
    let mut two_back = [0u8; OSA_STACK];
    let mut previous = [0u8; OSA_STACK];
    let mut current = [0u8; OSA_STACK];
    for j in 0..=n {
        // n < OSA_STACK <= 255
        two_back[j] = j as u8;
        previous[j] = j as u8;
    }
    let bound = u8::try_from(limit).unwrap_or(u8::MAX);
    let mut previous_min = 0u8;
    for (i, &ac) in a.iter().enumerate() {
        current[0] = u8::try_from(i + 1).unwrap_or(u8::MAX);
        let mut row_min = current[0];
        for (j, &bc) in b.iter().enumerate() {
            let cost = u8::from(ac != bc);
            let mut d = current[j]
                .saturating_add(1)
                .min(previous[j + 1].saturating_add(1))
                .min(previous[j].saturating_add(cost));
            if i > 0 && j > 0 && ac != bc && ac == b[j - 1] && bc == a[i - 1] {
                d = d.min(two_back[j - 1].saturating_add(1));
            }
            current[j + 1] = d;
            row_min = row_min.min(d);
        }
        // A cell is at least the least of the row above or, by a transposition, one more than
        // the least of the row two above: two rows over the limit keep every later one over.
        if i > 0 && row_min > bound && previous_min > bound {
            return limit + 1;
        }
        previous_min = row_min;
        std::mem::swap(&mut two_back, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    usize::from(previous[n])
}

impl Phrase {
    /// Whether every place of the phrase has some word that matches somewhere in the answer: a
    /// necessary condition for any match (see `needs`), cheap next to a search.
    pub fn may_match(&self, text: &AnalyzedText) -> bool {
        self.needs.admits(text)
    }
}

/// Every non-overlapping match of `phrase` among the tokens in `scope`, left to right.
pub fn find_phrase(
    phrase: &Phrase,
    text: &AnalyzedText,
    scope: &[std::ops::Range<usize>],
) -> Vec<PhraseMatch> {
    if !phrase.may_match(text) {
        return Vec::new();
    }
    search_phrase(phrase, text, scope)
}

/// [`find_phrase`] without the [`Phrase::may_match`] refusal.
fn search_phrase(phrase: &Phrase, text: &AnalyzedText, scope: &[std::ops::Range<usize>]) -> Vec<PhraseMatch> {
    if let Order::Unordered { window } = phrase.order {
        return search_unordered(phrase, window, text, scope);
    }
    let mut found = Vec::new();
    let mut ends = Vec::new();
    for range in scope {
        let mut start = range.start;
        while start < range.end {
            if !phrase.first_bytes.opens(&text.tokens[start]) {
                start += 1;
                continue;
            }
            let at = Position {
                at: start,
                first: start,
                limit: range.end,
                carried: 0,
            };
            match match_slots(phrase, text, 0, at, Cost::default(), &mut ends) {
                Some((end, cost)) => {
                    found.push(PhraseMatch {
                        tokens: start..end,
                        distance: cost.edits,
                        at_threshold: cost.at_limit,
                    });
                    start = end;
                }
                None => start += 1,
            }
        }
    }
    found
}

/// Every non-overlapping match of an unordered phrase in `scope`, sentence by sentence, left to
/// right: each the smallest span that holds all of its required places.
fn search_unordered(
    phrase: &Phrase,
    window: Option<usize>,
    text: &AnalyzedText,
    scope: &[std::ops::Range<usize>],
) -> Vec<PhraseMatch> {
    let required: Vec<&Slot> = phrase.slots.iter().filter(|s| !s.optional).collect();
    let mut found = Vec::new();
    let mut ends = Vec::new();
    for range in scope {
        let mut from = range.start;
        while from < range.end {
            let to = text.sentence_of(from).end.min(range.end);
            found.extend(unordered_in(&required, window, text, from..to, &mut ends));
            from = to;
        }
    }
    found
}

/// The matches of an unordered phrase's `places` among tokens `span` (part of one sentence).
///
/// For each place, the earliest-ending way it matches from each token on; then, for each token
/// `a` where a place can start, the earliest end `E(a)` at which every place has matched in
/// tokens `a..`, each on tokens of its own (a dynamic programme over the sets of places
/// matched, since places may compete for a token). The smallest spans are `a..E(a)` for the
/// last `a` of each end; they are taken left to right without overlap.
fn unordered_in(
    places: &[&Slot],
    window: Option<usize>,
    text: &AnalyzedText,
    span: std::ops::Range<usize>,
    ends: &mut Vec<(usize, Cost)>,
) -> Vec<PhraseMatch> {
    let (first, limit) = (span.start, span.end);
    let n = limit - first;
    let mut opens = vec![false; n];
    // earliest[place][p]: the earliest-ending (then cheapest) match of the place that starts at
    // token `first + p` or later.
    let mut earliest: Vec<Vec<Option<(usize, Cost)>>> = Vec::with_capacity(places.len());
    for place in places {
        let mut from: Vec<Option<(usize, Cost)>> = vec![None; n + 1];
        for at in first..limit {
            for (alternative, joins) in place.alternatives.iter().zip(&place.pair_joins) {
                let base = ends.len();
                match_sequence(alternative, joins, text, at, limit, ends);
                for &way in &ends[base..] {
                    let best = &mut from[at - first];
                    if best.is_none_or(|b| way < b) {
                        *best = Some(way);
                    }
                }
                ends.truncate(base);
            }
            opens[at - first] |= from[at - first].is_some();
        }
        if from.iter().all(Option::is_none) {
            return Vec::new();
        }
        for p in (0..n).rev() {
            if let Some(later) = from[p + 1] {
                if from[p].is_none_or(|here| later < here) {
                    from[p] = Some(later);
                }
            }
        }
        earliest.push(from);
    }
    let all = (1usize << places.len()) - 1;
    let mut best: Vec<Option<(usize, Cost)>> = vec![None; all + 1];
    let mut spans: Vec<(usize, usize, Cost)> = Vec::new();
    for a in (first..limit).filter(|&a| opens[a - first]) {
        best[0] = Some((a, Cost::default()));
        for set in 1..=all {
            best[set] = (0..places.len())
                .filter(|&place| set & (1 << place) != 0)
                .filter_map(|place| {
                    let (after, cost) = best[set & !(1 << place)]?;
                    let (end, more) = earliest[place][after - first]?;
                    Some((end, cost + more))
                })
                .min();
        }
        if let Some((end, cost)) = best[all] {
            if window.is_none_or(|w| words_between(text, a, end) <= w) {
                spans.push((a, end, cost));
            }
        }
    }
    // The end only grows with the start: the first span from `next` on ends earliest, and the
    // last start with that end is the smallest span.
    let mut found = Vec::new();
    let mut next = first;
    let mut i = 0;
    while i < spans.len() {
        if spans[i].0 < next {
            i += 1;
            continue;
        }
        let mut pick = spans[i];
        while let Some(later) = spans.get(i + 1).filter(|s| s.1 == pick.1) {
            pick = *later;
            i += 1;
        }
        found.push(PhraseMatch {
            tokens: pick.0..pick.1,
            distance: pick.2.edits,
            at_threshold: pick.2.at_limit,
        });
        next = pick.1;
        i += 1;
    }
    found
}

/// Words in tokens `from..to`, an initialism counting as one.
fn words_between(text: &AnalyzedText, from: usize, to: usize) -> usize {
    let (mut words, mut at) = (0, from);
    while at < to {
        words += 1;
        at = next_word(text, at, to);
    }
    words
}

/// Where the next place of a phrase is tried: token `at`, in a match that began at `first`
/// (nothing is matched yet while `at == first`) and must end by `limit`, with at least
/// `carried` words allowed before it (the gap of a left-out place before it).
#[derive(Debug, Clone, Copy)]
struct Position {
    at: usize,
    first: usize,
    limit: usize,
    carried: usize,
}

/// Match slots from `slot` on, the first of them at token `at`; returns the end token and
/// the total distance of the best (first found, least distance) way.
fn match_slots(
    phrase: &Phrase,
    text: &AnalyzedText,
    slot: usize,
    position: Position,
    distance: Cost,
    ends: &mut Vec<(usize, Cost)>,
) -> Option<(usize, Cost)> {
    let Position {
        at,
        first,
        limit,
        carried,
    } = position;
    if slot == phrase.slots.len() {
        // A match holds at least one word: a phrase is never all left-out places.
        return (at > first).then_some((at, distance));
    }
    let sentence = text.tokens[first].sentence;
    let matched = at > first;
    let gap = if matched {
        phrase.slots[slot].gap_before.max(carried)
    } else {
        0
    };
    // Every gap stays in one clause: "no: keep masking" is not "no masking", and "threads
    // share the heap but each has its own stack" does not say that threads share the stack.
    // A `..` gap may step over a bracket, a quote or a wrapped line ("a head on [CLS]").
    let wide = gap > NARROW_GAP;
    let (mut pos, mut skipped) = (at, 0);
    loop {
        if pos >= limit || text.tokens[pos].sentence != sentence || (matched && ends_clause(text, pos, wide))
        {
            break;
        }
        let place = &phrase.slots[slot];
        for (alternative, joins) in place.alternatives.iter().zip(&place.pair_joins) {
            // The ways this alternative matches sit in `ends[base..]`; deeper places push
            // theirs after them and clear them again.
            let base = ends.len();
            match_sequence(alternative, joins, text, pos, limit, ends);
            let count = ends.len() - base;
            for k in 0..count {
                let (end, d) = ends[base + k];
                let next = Position {
                    at: end,
                    carried: 0,
                    ..position
                };
                if let Some(done) = match_slots(phrase, text, slot + 1, next, distance + d, ends) {
                    ends.truncate(base);
                    return Some(done);
                }
            }
            ends.truncate(base);
        }
        // Two single-word places written as one token: `fine tune` ~ `finetune`.
        let (shortest, shortest_stem) = phrase.slots[slot].joins_shortest;
        let token = &text.tokens[pos];
        // Byte lengths bound character counts from above: a shorter token matches no join (an
        // equal word or stem has its length; a misspelling is within two edits of it).
        let long_enough = token.lower.len() + 2 >= shortest || token.stem.len() >= shortest_stem;
        if slot + 1 < phrase.slots.len() && long_enough {
            for word in &phrase.slots[slot].joins_next {
                if let Some(d) = joined_distance(word, &token.lower, &token.stem) {
                    let next = Position {
                        at: pos + 1,
                        carried: 0,
                        ..position
                    };
                    if let Some(done) = match_slots(phrase, text, slot + 2, next, distance + d, ends) {
                        return Some(done);
                    }
                }
            }
        }
        if !matched || skipped == gap {
            break;
        }
        skipped += 1;
        pos = next_word(text, pos, limit);
    }
    // A function word the answer left out: the next place may stand as far as this one could.
    if phrase.slots[slot].optional {
        let next = Position {
            carried: gap.max(carried),
            ..position
        };
        return match_slots(phrase, text, slot + 1, next, distance, ends);
    }
    None
}

/// The token after the word at `at`: an initialism (`U.S.`, `e.g.`) is one word to a gap,
/// however many letters it has.
#[inline]
fn next_word(text: &AnalyzedText, at: usize, limit: usize) -> usize {
    let mut next = at + 1;
    while next < limit && continues_initialism(text, next) {
        next += 1;
    }
    next
}

/// Whether token `at` is a letter of the same initialism as token `at - 1`: both one
/// character, with exactly a full stop between them (`U.S.`).
#[inline]
fn continues_initialism(text: &AnalyzedText, at: usize) -> bool {
    let (before, after) = (&text.tokens[at - 1], &text.tokens[at]);
    before.end - before.start == 1
        && after.end - after.start == 1
        && after.start == before.end + 1
        && text.text.as_bytes()[before.end] == b'.'
        && before.clause == after.clause
}

/// Whether a clause ends between token `at - 1` and token `at`, for a gap (`wide`: a `..`
/// gap, which steps over the clause breaks that only set a word or an aside apart).
#[inline]
fn ends_clause(text: &AnalyzedText, at: usize, wide: bool) -> bool {
    let (before, after) = (&text.tokens[at - 1], &text.tokens[at]);
    before.clause != after.clause && (!wide || !is_aside_break(&text.text[before.end..after.start]))
}

/// Whether the characters between two words of different clauses only set a word or an aside
/// apart: brackets, parentheses and quotes (`on [CLS]`, `outputs "entailment"`, `the prompt
/// (i.e. the tokens it generates) gets`), or a line break inside a wrapped sentence. Nothing
/// but spaces means a clause word (*but*, *so*, ...) began the clause; commas, semicolons,
/// colons and dashes end clauses too.
#[inline(never)]
fn is_aside_break(between: &str) -> bool {
    let mut newlines = 0;
    let mut marks = 0;
    for c in between.chars() {
        match c {
            '\n' => newlines += 1,
            '(' | ')' | '[' | ']' | '"' | '\u{201c}' | '\u{201d}' => marks += 1,
            c if c.is_whitespace() => {}
            _ => return false,
        }
    }
    newlines <= 1 && (marks > 0 || newlines == 1)
}

fn single_words(slot: &Slot) -> impl Iterator<Item = (&str, bool)> {
    slot.alternatives.iter().filter_map(|alt| match alt.as_slice() {
        [word] => single_word(word),
        _ => None,
    })
}

/// The ways a word sequence (one alternative of a slot) matches consecutive tokens at `at`:
/// word for token, a word for two glued tokens (`finetune` ~ `fine-tune`), or two words for
/// one token (`fine tune` ~ `finetune`).
/// The ways are appended to `ends`, best first (least distance, then longest), without
/// repeats.
fn match_sequence(
    words: &[Word],
    joins: &[Option<Joined>],
    text: &AnalyzedText,
    at: usize,
    limit: usize,
    ends: &mut Vec<(usize, Cost)>,
) {
    let base = ends.len();
    walk_sequence(words, joins, text, at, limit, Cost::default(), ends);
    let found = &mut ends[base..];
    if found.len() < 2 {
        return;
    }
    found.sort_by_key(|(end, d)| (*d, std::cmp::Reverse(*end)));
    let mut kept = base + 1;
    for read in base + 1..ends.len() {
        if ends[read] != ends[kept - 1] {
            ends[kept] = ends[read];
            kept += 1;
        }
    }
    ends.truncate(kept);
}

fn walk_sequence(
    words: &[Word],
    joins: &[Option<Joined>],
    text: &AnalyzedText,
    at: usize,
    limit: usize,
    distance: Cost,
    ends: &mut Vec<(usize, Cost)>,
) {
    let Some(word) = words.first() else {
        ends.push((at, distance));
        return;
    };
    if at >= limit {
        return;
    }
    let token = &text.tokens[at];
    let rest = joins.get(1..).unwrap_or(&[]);
    if let Some(d) = word_distance(word, &token.lower, &token.stem) {
        walk_sequence(&words[1..], rest, text, at + 1, limit, distance + d, ends);
    }
    // Two tokens written as one word in the phrase.
    if at + 1 < limit {
        if let Some((lower, stem)) = &text.joined[at] {
            if let Some(d) = word_distance(word, lower, stem) {
                walk_sequence(&words[1..], rest, text, at + 2, limit, distance + d, ends);
            }
        }
    }
    // Two phrase words written as one token.
    if let Some(Some(joined)) = joins.first() {
        if let Some(d) = joined_distance(joined, &token.lower, &token.stem) {
            walk_sequence(
                &words[2..],
                joins.get(2..).unwrap_or(&[]),
                text,
                at + 1,
                limit,
                distance + d,
                ends,
            );
        }
    }
}

/// Token ranges covered by a regex's matches in the analysed text.
pub fn find_regex(regex: &Regex, text: &AnalyzedText, scope: &[std::ops::Range<usize>]) -> Vec<PhraseMatch> {
    let mut found = Vec::new();
    let tokens = &text.tokens;
    for m in regex.find_iter(&text.text) {
        // The tokens the match overlaps: tokens are in text order and never overlap, so they
        // are found by binary search, not by a pass over every token for every match.
        let first = tokens.partition_point(|t| t.end <= m.start());
        let end = tokens.partition_point(|t| t.start < m.end().max(m.start() + 1));
        if first >= end {
            continue;
        }
        if scope.iter().any(|r| r.contains(&first)) {
            found.push(PhraseMatch {
                tokens: first..end,
                distance: 0,
                at_threshold: false,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups() -> SynonymGroups {
        let mut g = SynonymGroups::new();
        g.insert(
            "finetune".into(),
            vec!["finetune".into(), "ft".into(), "fine tune".into()],
        );
        g
    }

    fn matches(phrase: &str, answer: &str) -> Vec<String> {
        let p = Phrase::parse(phrase, &groups()).unwrap();
        let t = AnalyzedText::new(answer);
        let all = std::slice::from_ref(&(0..t.tokens.len())).to_vec();
        find_phrase(&p, &t, &all)
            .into_iter()
            .map(|m| t.quote(m.tokens.start, m.tokens.end).2.to_string())
            .collect()
    }

    #[test]
    fn a_match_opens_at_a_word_whose_stem_starts_otherwise() {
        // Irregular forms and big-O notation have stems that do not start as they are written.
        assert_eq!(matches("go home", "they went home"), ["went home"]);
        assert_eq!(matches("log time", "O(log n) time"), ["O(log n) time"]);
        assert_eq!(matches("linear", "it is O(n)"), ["O(n)"]);
        assert_eq!(matches("logarithmic", "O(log n)"), ["O(log n)"]);
        assert_eq!(matches("log", "O(n log n)"), Vec::<String>::new());
    }

    #[test]
    fn a_regex_match_covers_the_tokens_it_overlaps() {
        let text = AnalyzedText::new("Use soft-prompting, (not) full finetuning!  Then: done.");
        let whole = 0..text.tokens.len();
        let all = std::slice::from_ref(&whole);
        for pattern in [
            r"\w+", r"t pro", r"\(not\)", r"\s+", r"!", r"^", r"$", r"ng, \(", r"e\b",
        ] {
            let regex = Regex::new(pattern).unwrap();
            let found: Vec<_> = find_regex(&regex, &text, all)
                .into_iter()
                .map(|m| m.tokens)
                .collect();
            // Every token overlapping each match, one by one.
            let expected: Vec<_> = regex
                .find_iter(&text.text)
                .filter_map(|m| {
                    let covered: Vec<usize> = (0..text.tokens.len())
                        .filter(|&i| {
                            text.tokens[i].start < m.end().max(m.start() + 1)
                                && text.tokens[i].end > m.start()
                        })
                        .collect();
                    Some(*covered.first()?..covered.last()? + 1)
                })
                .collect();
            assert_eq!(found, expected, "{pattern}");
        }
    }

    #[test]
    fn stems_match_inflections() {
        assert_eq!(
            matches("linear probe", "I'd use linear probing here"),
            ["linear probing"]
        );
        assert_eq!(
            matches("linear probing", "a linear probed model"),
            ["linear probed"]
        );
    }

    #[test]
    fn misspellings_within_length_scaled_distance() {
        assert_eq!(
            matches("full finetuning", "full fientuning, 100k"),
            ["full fientuning"]
        );
        assert_eq!(
            matches("autoregressive", "it is autoregresive"),
            ["autoregresive"]
        );
        assert!(matches("mask", "a task").is_empty(), "short words must be exact");
    }

    #[test]
    fn compounds_match_either_way() {
        assert_eq!(matches("finetune", "then fine-tune it"), ["fine-tune"]);
        assert_eq!(matches("fine tune", "then finetune it"), ["finetune"]);
        assert_eq!(matches("next token", "next-token prediction"), ["next-token"]);
    }

    #[test]
    fn synonym_groups_and_alternatives() {
        assert_eq!(
            matches("{finetune} the encoder", "FT the encoder"),
            ["FT the encoder"]
        );
        assert_eq!(matches("linear head|layer", "a linear layer"), ["linear layer"]);
    }

    #[test]
    fn thesaurus_synonyms_are_members() {
        assert_eq!(matches("{~big} model", "a large model"), ["large model"]);
        assert_eq!(matches("{~big} model", "a big model"), ["big model"]);
        // Members are matched as a group's: by stem, and misspelt within their allowance.
        assert_eq!(matches("{~big} model", "larger models"), ["larger models"]);
        assert_eq!(matches("{~quick} sort", "a rapdi sort"), ["rapdi sort"]);
        assert_eq!(matches("(slow|{~fast}) path", "the speedy path"), ["speedy path"]);
        // Rare senses stay out: `fast` is not abstaining from food.
        assert!(matches("{~fast}", "they abstain from food").is_empty());
        // A word the thesaurus does not know matches itself only.
        assert_eq!(matches("{~frobnicate}", "we frobnicate"), ["frobnicate"]);
        assert!(!Phrase::parse("{~big}", &groups()).unwrap().negates);
        assert_eq!(
            words_without_synonyms("{~big} {~frobnicate}|x ({~qwzx} y)"),
            ["{~frobnicate}", "{~qwzx}"]
        );
        // In unordered phrases too, next to a bracket or its window.
        assert_eq!(
            words_without_synonyms("[{~frobnicate} x] [x {~qwzx}]~5 [{~big} y]"),
            ["{~frobnicate}", "{~qwzx}"]
        );
    }

    #[test]
    fn gaps_narrow_by_default_wide_with_dots() {
        assert_eq!(
            matches("predict next word", "predicts the next word"),
            ["predicts the next word"]
        );
        assert!(matches("copy weights", "copy the LSTM and all its weights").is_empty());
        assert_eq!(
            matches("copy .. weights", "copy the LSTM and all its weights").len(),
            1
        );
    }

    #[test]
    fn phrases_stay_inside_a_sentence() {
        assert!(matches("finetune .. pairs", "We finetune. Then the pairs").is_empty());
    }

    #[test]
    fn not_matches_any_negation() {
        assert_eq!(matches("not mask", "you dont mask"), ["dont mask"]);
        assert!(Phrase::parse("not mask", &groups()).unwrap().negates);
        assert!(Phrase::parse("none of them can", &groups()).unwrap().negates);
        assert!(!Phrase::parse("mask", &groups()).unwrap().negates);
    }

    #[test]
    fn unknown_group_is_an_error() {
        assert_eq!(
            Phrase::parse("{nope} x", &groups()).unwrap_err(),
            PhraseError::UnknownGroup("nope".into())
        );
        assert_eq!(
            Phrase::parse("x ..", &groups()).unwrap_err(),
            PhraseError::DanglingGap
        );
    }

    #[test]
    fn osa_distance_agrees_with_strsim() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "bca",
            "finetune",
            "fientune",
            "fintune",
            "finetuning",
            "autoregressive",
            "autoregresive",
            "autoregerssive",
            "mask",
            "task",
            "masked",
            "maskde",
            "ca",
            "abc",
            "aab",
            "baa",
            "probe",
            "probing",
            "xyzzy",
            "zyxxy",
            "naïve",
            "naive",
        ];
        let check = |a: &str, b: &str| {
            let exact = strsim::osa_distance(a, b);
            for limit in 0..4 {
                let bounded = osa_within(a, b, limit);
                if exact <= limit {
                    assert_eq!(bounded, exact, "{a} / {b} within {limit}");
                } else {
                    assert!(bounded > limit, "{a} / {b} within {limit}");
                }
            }
        };
        for a in words {
            for b in words {
                check(a, b);
            }
        }
        let long = "a".repeat(70);
        check(&long, "aa");
        check("aa", &long);
        check(&long, &"a".repeat(69));
        // Exhaustive over short strings of a small alphabet.
        let mut all = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = all
                .iter()
                .filter(|w| w.len() == all.last().unwrap().len())
                .flat_map(|w| ["a", "b", "c"].map(|c| format!("{w}{c}")))
                .collect();
            all.extend(longer);
        }
        for a in &all {
            for b in &all {
                check(a, b);
            }
        }
    }

    /// SplitMix64, for generated answers that are the same on every run.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) % n.max(1) as u64) as usize
        }
    }

    /// A word as a student might write it: misspelt, inflected, or glued to the next.
    fn garble(word: &str, rng: &mut Rng) -> String {
        let mut chars: Vec<char> = word.chars().collect();
        match rng.below(10) {
            0 if chars.len() > 2 => {
                let i = rng.below(chars.len() - 1);
                chars.swap(i, i + 1);
            }
            1 if chars.len() > 1 => {
                chars.remove(1 + rng.below(chars.len() - 1));
            }
            2 => chars.insert(rng.below(chars.len() + 1), 'e'),
            3 if !chars.is_empty() => {
                let i = rng.below(chars.len());
                chars[i] = 'a';
            }
            4 => chars.extend("ing".chars()),
            5 => chars.extend("s-".chars()),
            _ => {}
        }
        chars.into_iter().collect()
    }

    /// The prefilter never refuses a phrase that the full search finds: every phrase of the
    /// bundled rubric against answers built from the rubric's own words, misspelt and glued.
    #[test]
    fn prefilter_never_drops_a_match() {
        use crate::rubric::Pattern;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let rubric = crate::rubric::load(&root.join("rubrics/finetuning-review.toml")).unwrap();
        let mut phrases: Vec<&Phrase> = Vec::new();
        for q in &rubric.questions {
            let mut patterns: Vec<&Pattern> = q.subjects.iter().flat_map(|s| &s.names).collect();
            for c in &q.concepts {
                patterns.extend(c.patterns());
            }
            patterns.extend(q.misconceptions.iter().flat_map(|m| &m.patterns));
            phrases.extend(patterns.into_iter().filter_map(|p| match p {
                Pattern::Phrase(p) => Some(p),
                Pattern::Regex { .. } => None,
            }));
        }
        let mut vocabulary: Vec<String> = ["the", "a", "not", "don't", "so", ",", ".", "?", "-", "/"]
            .map(String::from)
            .to_vec();
        for phrase in &phrases {
            for word in phrase.slots.iter().flat_map(|s| s.alternatives.iter().flatten()) {
                vocabulary.push(match word {
                    Word::Fuzzy { lower, .. } | Word::Stem { lower, .. } | Word::Exact(lower) => {
                        lower.clone()
                    }
                    Word::Prefix(p) => format!("{p}ed"),
                    Word::Negation => "never".into(),
                });
            }
        }
        // The same places in any order, in the sentence or in a window.
        let unordered: Vec<Phrase> = phrases
            .iter()
            .filter(|p| p.slots.iter().filter(|s| !s.optional).count() <= MAX_UNORDERED_PLACES)
            .enumerate()
            .map(|(i, p)| {
                let mut u = (*p).clone();
                u.order = Order::Unordered {
                    window: (i % 2 == 0).then_some(6.max(u.slots.len())),
                };
                for slot in &mut u.slots {
                    slot.joins_next.clear();
                }
                u.needs = needs(&u.slots);
                u
            })
            .collect();
        let mut found_unordered = 0;
        let mut rng = Rng(7);
        let (mut found, mut refused) = (0, 0);
        for _ in 0..200 {
            // A run of one phrase's words makes matches likely; random words make near misses.
            let mut words = Vec::new();
            for _ in 0..1 + rng.below(4) {
                let phrase = phrases[rng.below(phrases.len())];
                for slot in &phrase.slots {
                    let alternative = &slot.alternatives[rng.below(slot.alternatives.len())];
                    for word in alternative {
                        if let Word::Fuzzy { lower, .. } | Word::Exact(lower) | Word::Prefix(lower) = word {
                            words.push(garble(lower, &mut rng));
                        }
                    }
                }
                for _ in 0..rng.below(12) {
                    words.push(garble(&vocabulary[rng.below(vocabulary.len())], &mut rng));
                }
            }
            let mut answer = String::new();
            for word in &words {
                answer.push_str(word);
                answer.push_str([" ", " ", " ", "", "-", ". "][rng.below(6)]);
            }
            let text = AnalyzedText::new(&answer);
            let scope = std::slice::from_ref(&(0..text.tokens.len())).to_vec();
            for phrase in &phrases {
                let full = search_phrase(phrase, &text, &scope);
                assert_eq!(
                    find_phrase(phrase, &text, &scope),
                    full,
                    "{} in {answer}",
                    phrase.source
                );
                found += usize::from(!full.is_empty());
                refused += usize::from(!phrase.may_match(&text));
            }
            for phrase in &unordered {
                let full = search_phrase(phrase, &text, &scope);
                assert_eq!(
                    find_phrase(phrase, &text, &scope),
                    full,
                    "[{}] in {answer}",
                    phrase.source
                );
                found_unordered += usize::from(!full.is_empty());
            }
        }
        assert!(found_unordered > 1000, "{found_unordered} unordered found");
        // Both sides exercised: phrases found, and phrases refused without a search.
        assert!(
            found > 1000 && refused > 10_000,
            "{found} found, {refused} refused"
        );
    }

    #[test]
    fn prefix_and_exact_words() {
        assert_eq!(matches("pretrain*", "pretraining it"), ["pretraining"]);
        assert!(matches("=lm", "lms").is_empty());
        assert_eq!(matches("=lm", "an LM"), ["LM"]);
    }

    #[test]
    fn fused_phrase_must_cover_every_word() {
        // Two phrase words written as one token must both be there: the joined form
        // `phase5` is one edit from `phase`, but that edit drops the whole second word.
        assert!(matches("phase 5", "we are in phase now").is_empty());
        assert!(matches("level .. 2", "at the level we want").is_empty());
        assert!(matches("character .. 0", "the characters are").is_empty());
        // A real fused form still matches.
        assert_eq!(matches("phase 5", "phase5 starts"), ["phase5"]);
        assert_eq!(matches("fine tune", "then finetuned it"), ["finetuned"]);
        assert_eq!(matches("self training", "selftrainnig helps"), ["selftrainnig"]);
    }

    #[test]
    fn stems_get_the_allowance_of_their_own_length() {
        // `solutions` stems to `solut` and `splitting` to `split`: two edits apart, which a
        // five-letter stem may not be, although the nine-letter words would allow two.
        assert!(matches("solutions", "splitting the data").is_empty());
        // A misspelt inflection still matches by its stem, or by the word.
        assert_eq!(matches("solutions", "two solutoins"), ["solutoins"]);
        assert_eq!(matches("autoregressive", "autoregresively"), ["autoregresively"]);
    }

    #[test]
    fn compound_gets_no_more_edits_than_its_words() {
        // `free` and `from` must each be exact (four letters), so their joined form may not
        // be misspelt either: "freeform" is one edit from `freefrom`, "freedoms" two by stem.
        assert!(matches("free from", "freedoms from tyranny").is_empty());
        assert!(matches("free from", "a freeform answer").is_empty());
        assert!(matches("fine tune", "we fientune it").is_empty());
        // Each word keeps its own allowance inside the compound.
        assert_eq!(matches("self training", "selftrainnig helps"), ["selftrainnig"]);
        assert_eq!(matches("free from", "freefrom"), ["freefrom"]);
    }

    #[test]
    fn allowance_is_the_pattern_word_s() {
        // `colonies` has eight letters, so two edits: "colines" (seven letters) is a
        // deletion and a transposition away, and matches although a seven-letter word alone
        // would be allowed one.
        assert_eq!(matches("colonies", "the colines grew"), ["colines"]);
        // The pattern word's length decides either way: a four-letter word stays exact
        // against a longer misspelling.
        assert!(matches("mask", "the masq").is_empty());
    }

    #[test]
    fn parentheses_alternate_multi_word_parts() {
        // `a|b` binds single words: `address space|memory` is "address (space|memory)".
        assert_eq!(
            matches("address space|memory", "address memory"),
            ["address memory"]
        );
        assert!(matches("address space|memory", "the memory grows").is_empty());
        // Parentheses make a place whose alternatives are several words.
        let either = "(address space|memory)";
        assert_eq!(matches(either, "the memory grows"), ["memory"]);
        assert_eq!(matches(either, "each address space"), ["address space"]);
        assert!(matches(either, "the address is").is_empty());
        assert!(matches(either, "the address of space").is_empty());
        assert_eq!(
            matches(
                "share (address space|memory) .. threads",
                "share memory with threads"
            ),
            ["share memory with threads"]
        );
        assert_eq!(
            matches("({finetune} the encoder|retrain)", "fine tune the encoder"),
            ["fine tune the encoder"]
        );
        assert_eq!(matches("linear (head|layer)", "a linear layer"), ["linear layer"]);
        assert_eq!(
            Phrase::parse("(address space|memory", &groups()).unwrap_err(),
            PhraseError::UnclosedParenthesis
        );
        assert_eq!(
            Phrase::parse("(a .. b|c)", &groups()).unwrap_err(),
            PhraseError::GapInParentheses
        );
        // What a rubric linter warns about: a bare `a|b` that makes no sense word by word.
        let ambiguous = |s: &str| ambiguous_alternation(s).is_some();
        assert!(ambiguous("soft prompt|prompt tuning"));
        assert!(ambiguous("won't|will not|does not help|work"));
        assert!(ambiguous("{finetune} .. on them|the examples|the data"));
        assert!(ambiguous("square of the|sequence length"));
        // Word-by-word alternation, what `|` means, is not reported.
        assert!(!ambiguous("reconstruction task|objective"));
        assert!(!ambiguous("train a linear classifier|head on top"));
        assert!(!ambiguous("update every|all weight|weights"));
        assert!(!ambiguous("(soft prompt|prompt tuning)"));
        assert!(!ambiguous("copy|transfer .. weights"));
        assert!(!ambiguous("head|layer"));
        assert!(!ambiguous("{finetune} the encoder"));
        assert_eq!(
            ambiguous_alternation("freeze .. soft prompt|prompt tuning").unwrap(),
            "`prompt` appears twice: `|` joins single words, so `freeze .. soft prompt|prompt tuning` \
             alternates word by word; to alternate several words write them in parentheses, \
             e.g. `freeze .. (soft prompt|prompt tuning)`"
        );
    }

    #[test]
    fn wide_gaps_stay_inside_a_clause() {
        let answer = "threads share the heap but each has its own stack";
        assert!(matches("threads .. share .. stack", answer).is_empty());
        assert!(matches("heap .. stack", answer).is_empty());
        assert!(matches("copy .. weights", "copy the LSTM, then load its weights").is_empty());
        assert_eq!(
            matches("threads .. share .. heap", answer),
            ["threads share the heap"]
        );
        assert_eq!(
            matches("copy .. weights", "copy the LSTM and all its weights").len(),
            1
        );
        assert!(matches("heap .. stack", "the heap, and a stack").is_empty());
        // Brackets, quotes and a wrapped line set a word or an aside apart, not a clause.
        assert_eq!(matches("head .. cls", "a head on [CLS]"), ["head on [CLS"]);
        assert_eq!(
            matches("comes after .. attend", "what comes after (the output) attends"),
            ["comes after (the output) attends"]
        );
        assert_eq!(
            matches("heap .. stack", "the heap and\nthe stack"),
            ["heap and\nthe stack"]
        );
    }

    #[test]
    fn function_words_are_optional() {
        assert_eq!(matches("bill of rights", "the bill rights"), ["bill rights"]);
        assert_eq!(
            matches("bill of rights", "the bill of rights"),
            ["bill of rights"]
        );
        assert_eq!(matches("the encoder", "an encoder"), ["encoder"]);
        assert_eq!(matches("the encoder", "the big encoder"), ["the big encoder"]);
        // A skipped word's `..` gap carries to the next word.
        assert_eq!(
            matches("copy .. the weights", "copy the LSTM and all its weights"),
            ["copy the LSTM and all its weights"]
        );
        // `=of` is exactly `of`, required; a phrase of function words only stays as written.
        assert!(matches("bill =of rights", "the bill rights").is_empty());
        assert!(matches("of the", "bill rights").is_empty());
        assert_eq!(matches("of the", "most of the time"), ["of the"]);
        // An alternative of other words keeps the place required.
        assert!(matches("fit in|into", "it will fit").is_empty());
    }

    #[test]
    fn initialism_is_one_word_in_a_gap() {
        // "U.S." is two tokens but one word: "the U.S." is two words, within a narrow gap.
        assert_eq!(
            matches("passed law", "congress passed the U.S. law"),
            ["passed the U.S. law"]
        );
        assert!(matches("passed law", "congress passed the new U.S. law").is_empty());
    }

    #[test]
    fn unordered_phrases_match_in_any_order_within_a_sentence() {
        let lifo = "[last first out]";
        assert_eq!(
            matches(lifo, "a stack is last in, first out"),
            ["last in, first out"]
        );
        assert_eq!(
            matches(lifo, "out goes first what came in last"),
            ["out goes first what came in last"]
        );
        // Word forms and misspellings as in a phrase; the quote is the smallest span.
        assert_eq!(
            matches("[probe linear]", "linear models, then the lineer probing head"),
            ["lineer probing"]
        );
        assert_eq!(
            matches("[out first last]", "last, last in first out"),
            ["last in first out"]
        );
        // One sentence, all the words.
        assert!(matches(lifo, "last in. first out").is_empty());
        assert!(matches(lifo, "first in first out").is_empty());
        // Each place takes a token of its own.
        assert!(matches("[data data]", "the data").is_empty());
        assert_eq!(
            matches("[data data]", "data and more data"),
            ["data and more data"]
        );
        // Places may be groups, alternatives and sequences; function words may be left out.
        assert_eq!(
            matches(
                "[{finetune} (whole model|all weights)]",
                "all weights, we fine tune"
            ),
            ["all weights, we fine tune"]
        );
        assert_eq!(
            matches("[bill of rights]", "rights in a bill"),
            ["rights in a bill"]
        );
        // Non-overlapping matches, left to right.
        assert_eq!(matches("[x y]", "y x y x"), ["y x", "y x"]);
    }

    #[test]
    fn an_unordered_window_counts_words() {
        let answer = "first you push, and later, after a long while, the last item comes out";
        assert_eq!(matches("[last out]", answer), ["last item comes out"]);
        assert_eq!(matches("[push out]~20", answer).len(), 1);
        assert!(matches("[push out]~8", answer).is_empty());
        assert_eq!(matches("[last out]~4", answer), ["last item comes out"]);
        assert!(matches("[last out]~3", answer).is_empty());
        // A later, tighter span is found when the first is too wide.
        assert_eq!(
            matches("[push pop]~3", "push then much later pop, then a push pop"),
            ["push pop"]
        );
    }

    #[test]
    fn unordered_phrase_errors_say_where() {
        let error = |s: &str| Phrase::parse(s, &groups()).unwrap_err();
        let at = |s: &str| error(s).offset();
        assert_eq!(error("[a b"), PhraseError::Unordered(0, UnorderedError::Unclosed));
        assert_eq!(error(" []"), PhraseError::Unordered(1, UnorderedError::Empty));
        assert_eq!(
            error("[a b]~x"),
            PhraseError::Unordered(5, UnorderedError::BadWindow("x".into()))
        );
        assert_eq!(at("[a b]~0"), Some(5));
        // Past the spaces after `]`, at `~x` itself.
        assert_eq!(
            error("[a b]  ~x"),
            PhraseError::Unordered(7, UnorderedError::BadWindow("x".into()))
        );
        assert_eq!(at(" [a b] ~0"), Some(7));
        assert_eq!(at("[a .. b]"), Some(3));
        assert_eq!(
            error("[a b] c"),
            PhraseError::Unordered(6, UnorderedError::TextAfter)
        );
        assert_eq!(
            error("x [a b]"),
            PhraseError::Unordered(2, UnorderedError::Inside)
        );
        assert_eq!(at("[a [b] c]"), Some(3));
        assert_eq!(
            error("[x y z]~2"),
            PhraseError::Unordered(7, UnorderedError::WindowTooSmall { window: 2, places: 3 })
        );
        assert_eq!(at("[b c d e f g h i j]"), Some(0));
        // A bracketed word is a word: `[CLS] token` is an ordinary phrase.
        assert_eq!(
            Phrase::parse("[CLS] token", &groups()).unwrap().order,
            Order::Sequence
        );
        assert_eq!(
            matches("head on [CLS]", "a head on the cls token"),
            ["head on the cls"]
        );
        assert_eq!(
            Phrase::parse("[a b]~8", &groups()).unwrap().order,
            Order::Unordered { window: Some(8) }
        );
    }

    #[test]
    fn unordered_phrases_as_regular_expressions() {
        let regex = |s: &str| Regex::new(&Phrase::parse(s, &groups()).unwrap().to_regex()).unwrap();
        let lifo = regex("[last out]");
        assert!(lifo.is_match("last in first out") && lifo.is_match("out comes the last"));
        assert!(!lifo.is_match("last in. first out"));
        let near = regex("[push pop]~3");
        assert!(near.is_match("pop and push") && !near.is_match("push a b c d pop"));
    }

    #[test]
    fn code_and_big_o_as_regular_expressions() {
        // Searched case-insensitively, as `rg -i -f` does.
        let regex = |s: &str| {
            let source = Phrase::parse(s, &groups()).unwrap().to_regex();
            Regex::new(&format!("(?i){source}")).unwrap_or_else(|e| panic!("{source}: {e}"))
        };
        let cpp = regex("C++ templates");
        assert!(cpp.is_match("in C++ templates are") && cpp.is_match("C++ templates"));
        assert!(!cpp.is_match("xc++ templates"));
        assert!(regex("C++").is_match("I use C++ daily") && regex("C++").is_match("C++."));
        assert!(regex("++i").is_match("write ++i here") && regex("++i").is_match("++i"));
        assert!(!regex("++i").is_match("++if"));
        let arrow = regex("->");
        assert!(arrow.is_match("p -> next") && arrow.is_match("p->next"));
        assert!(regex("a -> b").is_match("a -> b"));
        let nlogn = regex("O(n log n)");
        for written in ["O(n log n)", "O(nlogn)", "O(n * log(n))", "is O( n log n ) time"] {
            assert!(nlogn.is_match(written), "{written}");
        }
        assert!(!nlogn.is_match("O(n)") && !nlogn.is_match("O(n^2)"));
        assert!(regex("O(n^2) time").is_match("takes O(n^2) time"));
        // Words keep their boundaries.
        assert!(!regex("stack").is_match("stacks") && regex("stack*").is_match("stacks"));
        assert!(regex("not masked").is_match("it is not masked"));
    }

    #[test]
    fn the_prefilter_never_drops_an_unordered_match() {
        let phrases = [
            "[last first out]",
            "[{finetune} encoder]~5",
            "[+probe linear]",
            "[=lm (whole model|all weights)]",
            "[the encoder]",
            "[pretrain* not]",
        ];
        let answers = [
            "first out, last in",
            "we finetune the whole encoder",
            "encoder, then fine-tune",
            "linear probing; LM",
            "the LM updates all weights",
            "not pretrained, the encoder",
            "an encoder",
            "lienar probes",
        ];
        let mut found = 0;
        for source in phrases {
            let phrase = Phrase::parse(source, &groups()).unwrap();
            for answer in answers {
                let text = AnalyzedText::new(answer);
                let scope = std::slice::from_ref(&(0..text.tokens.len())).to_vec();
                let full = search_phrase(&phrase, &text, &scope);
                assert_eq!(find_phrase(&phrase, &text, &scope), full, "{source} in {answer}");
                found += full.len();
            }
        }
        assert!(found >= 6, "{found}");
    }

    #[test]
    fn stem_only_words_take_forms_but_no_misspellings() {
        assert_eq!(matches("+probe", "linear probing"), ["probing"]);
        assert_eq!(matches("+run", "it ran twice"), ["ran"]);
        assert!(matches("+colonies", "the colines grew").is_empty());
        assert_eq!(matches("colonies", "the colines grew"), ["colines"]);
        // As two words written as one, still without edits.
        assert_eq!(matches("+fine +tune", "we finetune"), ["finetune"]);
        assert!(matches("+self +training", "selftrainnig").is_empty());
        assert_eq!(matches("+finetune", "we fine-tuned it"), ["fine-tuned"]);
        // `=word` stays exact.
        assert!(matches("=probe", "probing").is_empty());
    }

    #[test]
    fn code_in_patterns_is_matched_as_written() {
        assert_eq!(matches("C++", "I like C++."), ["C++"]);
        assert!(matches("C", "I like C++.").is_empty());
        assert_eq!(matches("C", "C, not C#"), ["C"]);
        assert_eq!(matches("C#", "C, not C#"), ["C#"]);
        assert_eq!(
            matches("O(n log n)", "merge sort is O(nlogn) always"),
            ["O(nlogn)"]
        );
        assert_eq!(matches("O(n log n)", "it is O(N * log(N))"), ["O(N * log(N))"]);
        assert!(matches("O(n log n)", "it is O(log n)").is_empty());
        assert!(matches("O(n)", "it is O(n^2)").is_empty());
        // The answer is quoted as normalised: `n²` reads `n^2`.
        assert_eq!(matches("O(n^2)", "bubble sort: O(n²)"), ["O(n^2)"]);
        assert_eq!(matches("-> next", "p->next is null"), ["->next"]);
        assert_eq!(matches("=char[]", "a char[] array"), ["char[]"]);
        assert_eq!(matches("=int*", "an int* points"), ["int*"]);
        assert_eq!(matches("int*", "an integer"), ["integer"]);
        assert_eq!(matches("++i", "use ++i not i++"), ["++i"]);
        assert_eq!(matches("i++", "use ++i not i++"), ["i++"]);
        assert_eq!(matches("\\0", "ends with '\\0'"), ["\\0"]);
        assert!(matches("== !=", "a == b and a != c").is_empty());
        assert_eq!(matches("&& ||", "both && and ||"), ["&& and ||"]);
        assert_eq!(matches("(&&|==)", "x == y"), ["=="]);
        // `||` is a word of its own, not two bars.
        assert_eq!(matches("|||or", "a || b"), ["||"]);
        assert_eq!(matches("|||or", "a or b"), ["or"]);
        assert!(is_code("c++") && is_code("o(nlogn)") && !is_code("don't") && !is_code("phase5"));
        // A long word is no misspelling of code: `integers` is two edits from `integer[]`.
        assert!(matches("integers", "an integer[] array").is_empty());
    }

    #[test]
    fn an_unordered_phrase_of_code() {
        assert_eq!(
            matches("[O(n log n) merge]~5", "merge sort runs in O(n log n) time"),
            ["merge sort runs in O(n log n)"]
        );
        assert_eq!(
            matches("[C++ =char[]]", "in C++, a char[] ends"),
            ["C++, a char[]"]
        );
    }
}
