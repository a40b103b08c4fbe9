//! A phrase's prefilter: for each place of the phrase, the words one of which must match
//! somewhere in the answer for the place to be matched at all. Most phrases are refused by it
//! with a few lookups in the answer's lexicon, before any search token by token.
//!
//! The words are kept in flat arrays (a question has thousands of them: the words joining two
//! places are every pair of two synonym groups' members), grouped per place by first byte behind
//! a gate of the first bytes and lengths their matches must have.

use std::ops::Range;

use super::lexicon::{char_len, hash, length_bits, Lexicon};
use super::pattern::{allowed_edits, needle_distance, Needle, Word};
use super::text::AnalyzedText;

#[derive(Debug, Clone, Default)]
pub struct Prefilter {
    /// For each place, its groups: `groups[places[i]]`.
    places: Vec<Range<u32>>,
    /// The places in the order they are tried: fewest words first, as the cheapest to look up
    /// and the likeliest to be missing (one rare word rather than a synonym group).
    order: Vec<usize>,
    groups: Vec<Group>,
    /// The words of every group, in group order; `words[i]` is `needs[i]`'s word.
    needs: Vec<Need>,
    words: Vec<Needle>,
}

/// Words of one place that share a first byte, and the gate that shuts them out together.
#[derive(Debug, Clone, Copy)]
struct Group {
    needs: (u32, u32),
    /// No gate: some word may match any form (a negation, an empty word).
    open: bool,
    /// First byte and length bits that a form (lower-case, or its stem) matching any of the
    /// words has; a byte of `None` for stems means they do not share one (no stem gate then).
    lower: (u8, u64),
    stem: Option<(u8, u64)>,
    /// Some word can match other than whole: a misspelling or a prefix.
    scan: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fuzzy,
    /// By word or stem, with no edits (`+word`).
    Stem,
    Exact,
    Prefix,
    Negation,
}

/// One word, compact: hashes and lengths to look it up by.
#[derive(Debug, Clone, Copy)]
struct Need {
    lower: u64,
    stem: u64,
    /// Characters in the word (saturated), and in its stem.
    chars: u32,
    stem_chars: u32,
    /// First bytes of the word (0 when empty) and of its stem.
    byte: u8,
    stem_byte: u8,
    kind: Kind,
    /// The edits a misspelling of a fuzzy word may have: by its length (five or more letters
    /// allow some), and for two phrase words written as one, no more than the words apart.
    edits: u8,
}

impl Need {
    fn new(word: &Needle) -> Need {
        let kind = match word {
            Needle::Word(Word::Fuzzy { .. }) | Needle::Joined(_) => Kind::Fuzzy,
            Needle::Word(Word::Stem { .. }) => Kind::Stem,
            Needle::Word(Word::Exact(_)) => Kind::Exact,
            Needle::Word(Word::Prefix(_)) => Kind::Prefix,
            Needle::Word(Word::Negation) => Kind::Negation,
        };
        let (lower, stem) = word.forms();
        let edits = match word {
            Needle::Joined(joined) => allowed_edits(char_len(lower)).min(joined.allowance),
            Needle::Word(Word::Fuzzy { .. }) => allowed_edits(char_len(lower)),
            Needle::Word(_) => 0,
        };
        let chars = |w: &str| u32::try_from(char_len(w)).unwrap_or(u32::MAX);
        Need {
            lower: hash(lower),
            stem: hash(stem),
            chars: chars(lower),
            stem_chars: chars(stem),
            byte: lower.as_bytes().first().copied().unwrap_or(0),
            stem_byte: stem.as_bytes().first().copied().unwrap_or(0),
            kind,
            edits: u8::try_from(edits).unwrap_or(u8::MAX),
        }
    }

    fn chars(&self) -> usize {
        self.chars as usize
    }

    /// Whether the answer holds the word as written or by stem (or a hash collision says so).
    fn found_whole(&self, text: &AnalyzedText) -> bool {
        let lexicon = text.lexicon();
        let exact = |byte, chars: u32, has: &dyn Fn(&Lexicon) -> bool| {
            let bits = length_bits(chars as usize, chars as usize);
            lexicon.has_start(byte, bits) && has(lexicon)
        };
        match self.kind {
            Kind::Fuzzy | Kind::Stem => {
                exact(self.byte, self.chars, &|l| l.has_lower(self.lower)) || {
                    let bits = length_bits(self.stem_chars as usize, self.stem_chars as usize);
                    lexicon.has_stem_start(self.stem_byte, bits) && lexicon.has_stem(self.stem)
                }
            }
            Kind::Exact => exact(self.byte, self.chars, &|l| l.has_lower(self.lower)),
            Kind::Prefix => false,
            Kind::Negation => text.has_negator(),
        }
    }

    /// Whether the word can match in a way [`Need::found_whole`] does not see: a fuzzy word
    /// misspelt (five or more letters; shorter ones must be exact, and so must two short
    /// words written as one), or a prefix.
    fn needs_scan(&self) -> bool {
        match self.kind {
            Kind::Fuzzy => self.edits > 0,
            Kind::Prefix => true,
            Kind::Stem | Kind::Exact | Kind::Negation => false,
        }
    }

    /// Whether some form with the word's first byte matches it (by [`word_distance`], as the
    /// search would): the matches [`Need::found_whole`] does not see. A fuzzy match other than
    /// an equal word or stem needs the same first byte and a length within the edits allowed.
    fn found_by_scan(&self, word: &Needle, text: &AnalyzedText) -> bool {
        let fuzzy = match self.kind {
            Kind::Fuzzy => true,
            Kind::Prefix => false,
            Kind::Stem | Kind::Exact | Kind::Negation => return false,
        };
        if self.chars == 0 {
            // An empty prefix matches any word.
            return !fuzzy;
        }
        let edits = usize::from(self.edits);
        let lengths = if fuzzy {
            length_bits(self.chars().saturating_sub(edits), self.chars() + edits)
        } else {
            length_bits(self.chars(), usize::MAX)
        };
        let lexicon = text.lexicon();
        if !lexicon.has_start(self.byte, lengths) {
            return false;
        }
        lexicon.starting_with(self.byte).iter().any(|entry| {
            let chars = entry.chars as usize;
            if fuzzy && (edits == 0 || chars.abs_diff(self.chars()) > edits) {
                return false;
            }
            let (lower, stem) = text.form(entry.form as usize);
            needle_distance(word, lower, stem).is_some()
        })
    }
}

impl Group {
    fn new(needs: &[Need], range: (u32, u32)) -> Group {
        let mut group = Group {
            needs: range,
            open: false,
            lower: (needs.first().map_or(0, |n| n.byte), 0),
            stem: None,
            scan: needs.iter().any(Need::needs_scan),
        };
        let mut stem_byte = None;
        let mut stem_bits = 0;
        let mut stems_shared = true;
        for need in needs {
            let c = need.chars();
            if need.kind == Kind::Negation || c == 0 || need.byte != group.lower.0 {
                group.open = true;
            }
            group.lower.1 |= match need.kind {
                // An equal word, or a misspelling (at most two edits of length).
                Kind::Fuzzy => length_bits(c.saturating_sub(2), c + 2),
                Kind::Stem | Kind::Exact => length_bits(c, c),
                Kind::Prefix => length_bits(c, usize::MAX),
                Kind::Negation => 0,
            };
            if matches!(need.kind, Kind::Fuzzy | Kind::Stem) {
                if need.stem_chars == 0 || stem_byte.is_some_and(|b| b != need.stem_byte) {
                    stems_shared = false;
                }
                stem_byte = Some(need.stem_byte);
                let s = need.stem_chars as usize;
                stem_bits |= length_bits(s, s);
            }
        }
        match stem_byte {
            Some(byte) if stems_shared => group.stem = Some((byte, stem_bits)),
            Some(_) => group.open = true,
            None => {}
        }
        group
    }

    /// Whether any word may match in the answer, as far as first bytes and lengths tell.
    fn admits(&self, lexicon: &Lexicon) -> bool {
        self.open
            || lexicon.has_start(self.lower.0, self.lower.1)
            || self
                .stem
                .is_some_and(|(byte, bits)| lexicon.has_stem_start(byte, bits))
    }
}

impl Prefilter {
    /// `places[i]` lists the words place `i` needs, most likely found first.
    pub fn new(places: Vec<Vec<Needle>>) -> Prefilter {
        let mut filter = Prefilter::default();
        for words in places {
            // One group per first byte, so that a gate shuts out the words of one letter only.
            let mut groups: Vec<(Option<u8>, Vec<Needle>)> = Vec::new();
            for word in words {
                let first = match &word {
                    Needle::Word(Word::Negation) => None,
                    other => other.forms().0.as_bytes().first().copied(),
                };
                match groups.iter_mut().find(|(b, _)| *b == first) {
                    Some((_, seen)) if seen.contains(&word) => {}
                    Some((_, seen)) => seen.push(word),
                    None => groups.push((first, vec![word])),
                }
            }
            let start = filter.groups.len() as u32;
            for (_, words) in groups {
                let from = filter.needs.len();
                filter.needs.extend(words.iter().map(Need::new));
                filter.words.extend(words);
                let range = (from as u32, filter.needs.len() as u32);
                filter.groups.push(Group::new(&filter.needs[from..], range));
            }
            filter.places.push(start..filter.groups.len() as u32);
        }
        let words = |place: &Range<u32>| {
            let groups = &filter.groups[place.start as usize..place.end as usize];
            groups.iter().map(|g| g.needs.1 - g.needs.0).sum::<u32>()
        };
        filter.order = (0..filter.places.len()).collect();
        filter.order.sort_by_key(|&i| words(&filter.places[i]));
        filter
    }

    /// Whether every place has some word that matches somewhere in the answer: a necessary
    /// condition for a match of the phrase, so `false` means the search would find nothing.
    pub fn admits(&self, text: &AnalyzedText) -> bool {
        let lexicon = text.lexicon();
        let groups = |place: &Range<u32>| &self.groups[place.start as usize..place.end as usize];
        let needs = |g: &Group| g.needs.0 as usize..g.needs.1 as usize;
        // Lookups first, for every place: a place that nothing finds and that no scan could
        // rescue refuses the phrase before any scan is made.
        let mut pending = 0u64;
        let scanned = |place: &Range<u32>| {
            groups(place).iter().any(|g| {
                g.scan
                    && g.admits(lexicon)
                    && needs(g).any(|i| self.needs[i].found_by_scan(&self.words[i], text))
            })
        };
        for &i in &self.order {
            let place = &self.places[i];
            let found = groups(place)
                .iter()
                .any(|g| g.admits(lexicon) && self.needs[needs(g)].iter().any(|n| n.found_whole(text)));
            if found {
                continue;
            }
            if !groups(place).iter().any(|g| g.scan && g.admits(lexicon)) {
                return false;
            }
            if i < 64 {
                pending |= 1 << i;
            } else if !scanned(place) {
                return false;
            }
        }
        while pending != 0 {
            let i = pending.trailing_zeros() as usize;
            pending &= pending - 1;
            if !scanned(&self.places[i]) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::matching::pattern::{Phrase, SynonymGroups};
    use crate::matching::text::AnalyzedText;

    fn admits(phrase: &str, answer: &str) -> bool {
        let mut groups = SynonymGroups::new();
        groups.insert(
            "whole".into(),
            vec!["whole".into(), "full".into(), "entire".into()],
        );
        groups.insert("input".into(), vec!["input".into(), "image".into()]);
        Phrase::parse(phrase, &groups)
            .unwrap()
            .may_match(&AnalyzedText::new(answer))
    }

    #[test]
    fn every_place_must_be_found() {
        assert!(admits("linear probe", "we use a linear probing head"));
        assert!(!admits("linear probe", "we use a linear head"));
        assert!(!admits("linear probe", "probing alone"));
    }

    #[test]
    fn finds_misspellings_stems_and_prefixes() {
        assert!(admits("autoregressive decoding", "autoregresive decodes"));
        assert!(admits("pretrain* model", "the pretrained models"));
        assert!(!admits("mask", "a task"), "short words must be exact");
        assert!(admits("=lm", "an LM"));
        assert!(!admits("=lm", "the lms"));
    }

    #[test]
    fn places_may_be_joined_or_split() {
        assert!(admits("fine tune", "we finetune it"));
        assert!(admits("self training", "selftrainnig"));
        // Two words that must be exact stay exact written as one.
        assert!(!admits("fine tune", "we fientune it"));
        assert!(admits("finetune", "then fine-tune it"));
        assert!(admits("{whole} {input}", "the entireimage"));
        assert!(!admits("{whole} {input}", "the entire thing"));
    }

    #[test]
    fn negation_is_any_negator() {
        assert!(admits("not mask", "you don't mask"));
        assert!(!admits("not mask", "you mask"));
    }
}
