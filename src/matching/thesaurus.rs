//! A thesaurus built into the binary, for `{~word}` in rubric phrases: each word's synonyms in
//! its main senses, from WordNet 3.0 (`thesaurus.tsv`, made by `tools/thesaurus/build.py`,
//! which says which senses are kept and why). `fast` has *rapid*, *quick*, *swift*, but not
//! *fasting*: a word's rare senses would match answers that mean something else.

use std::sync::OnceLock;

use super::forms;

const TABLE: &str = include_str!("thesaurus.tsv");

/// The table's entries, in its sorted order: a word and its synonyms, `|`-separated.
fn entries() -> &'static [(&'static str, &'static str)] {
    static ENTRIES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        TABLE
            .lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
            .filter_map(|line| line.split_once('\t'))
            .collect()
    })
}

fn lookup(word: &str) -> Option<&'static str> {
    let entries = entries();
    entries
        .binary_search_by(|(key, _)| (*key).cmp(word))
        .ok()
        .map(|i| entries[i].1)
}

/// WordNet's own detachment rules (morphy(7WN)): an inflection's ending and what its base ends
/// with instead, nouns and verbs (`fasts`, `boxes`, `tried`, `making`) then adjectives
/// (`faster`, `largest`).
const DETACHMENTS: &[(&str, &str)] = &[
    ("ies", "y"),
    ("ses", "s"),
    ("xes", "x"),
    ("zes", "z"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("es", "e"),
    ("es", ""),
    ("s", ""),
    ("ed", "e"),
    ("ed", ""),
    ("ing", "e"),
    ("ing", ""),
    ("er", ""),
    ("est", ""),
    ("er", "e"),
    ("est", "e"),
];

/// The word the table lists `word` under: itself, or its base form (`ran` → `run`, `fasts` →
/// `fast`, `faster` → `fast`) when only that is listed.
fn entry_of(word: &str) -> Option<&'static str> {
    if let Some(found) = lookup(word) {
        return Some(found);
    }
    if let Some(base) = forms::base_form(word) {
        if let Some(found) = lookup(base) {
            return Some(found);
        }
    }
    DETACHMENTS.iter().find_map(|(ending, base_ending)| {
        let stem = word.strip_suffix(ending)?;
        // Three letters at least, as morphy's bases: `bus` is not `bu` + `s`.
        if stem.len() + base_ending.len() < 3 {
            return None;
        }
        lookup(&format!("{stem}{base_ending}"))
    })
}

/// A word's synonyms in its main senses (lower case, several words joined by spaces), closest
/// first, without the word itself; empty when the thesaurus does not know the word. An
/// inflected word unknown as written is looked up by its base form (`faster` as `fast`).
pub fn synonyms(word: &str) -> Vec<&'static str> {
    let word = word.trim().to_lowercase();
    entry_of(&word)
        .map(|list| list.split('|').filter(|s| *s != word).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_have_their_main_synonyms() {
        assert!(synonyms("quick").contains(&"fast"));
        assert!(synonyms("big").contains(&"large"));
        assert!(synonyms("large").contains(&"big"));
        assert!(synonyms("car").contains(&"automobile"));
        assert!(synonyms("error").contains(&"mistake"));
        assert!(synonyms("help").contains(&"assist"));
        // Closest first: the word's own synset before its head adjective's other satellites.
        let fast = synonyms("fast");
        assert!(fast.contains(&"rapid") && fast.contains(&"quick"));
        assert_eq!(synonyms("automobile")[0], "car");
    }

    #[test]
    fn rare_senses_are_left_out() {
        // `fast` as abstaining from food, `machine` as a car: not what a rubric means.
        let fast = synonyms("fast");
        for rare in ["fasting", "abstain", "firm", "secure", "loyal"] {
            assert!(!fast.contains(&rare), "{rare} in {fast:?}");
        }
        assert!(!synonyms("car").contains(&"machine"));
        // An irregular inflection of another word reads as that word in an answer (`said`).
        assert!(synonyms("same").contains(&"identical") && !synonyms("same").contains(&"said"));
    }

    #[test]
    fn inflected_words_are_found_by_their_base() {
        for (form, base) in [
            ("fasts", "fast"),
            ("cars", "car"),
            ("errors", "error"),
            ("largest", "large"),
        ] {
            assert_eq!(lookup(form), None, "{form} is listed itself");
            assert!(!synonyms(form).is_empty(), "{form}");
            assert_eq!(synonyms(form), synonyms(base), "{form}");
        }
        assert_eq!(synonyms("Cars"), synonyms("car"));
        // A form WordNet lists itself keeps its own synonyms (`faster`: *quicker*).
        assert!(synonyms("faster").contains(&"quicker"));
    }

    #[test]
    fn unknown_words_have_none_and_no_word_is_its_own_synonym() {
        assert!(synonyms("xyzzyplugh").is_empty());
        assert!(synonyms("").is_empty());
        for (word, list) in entries().iter().take(5000) {
            assert!(!list.split('|').any(|s| s == *word), "{word}");
        }
    }

    #[test]
    fn table_is_sorted_and_well_formed() {
        let entries = entries();
        assert!(entries.len() > 50_000, "{}", entries.len());
        assert!(entries.windows(2).all(|w| w[0].0 < w[1].0), "sorted, no repeats");
        for (word, list) in entries {
            let members: Vec<&str> = list.split('|').collect();
            assert!(!word.is_empty() && *word == word.to_lowercase() && word.trim() == *word);
            assert!((1..=12).contains(&members.len()), "{word}");
            for member in members {
                assert!(!member.is_empty() && member.trim() == member && !member.contains("  "));
                assert_eq!(member, member.to_lowercase(), "{word}");
                assert!(
                    !member.contains(['\t', '_', '{', '}', '(', ')', '=', '*']),
                    "{word}: {member}"
                );
            }
        }
        assert!(TABLE.starts_with("# rubricate thesaurus") && TABLE.contains("Princeton University"));
    }
}
