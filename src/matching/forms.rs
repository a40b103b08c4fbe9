//! Word forms the stemmer does not unify, from WordNet (built into the binary from
//! `wordforms.tsv`, which `tools/wordforms/build.py` makes): irregular inflections (`ran` is
//! `run`, `children` `child`), derivational families (`economic` is `economy`, `judicial`
//! `judiciary`), and words kept apart from a word of another meaning that the stemmer gives
//! the same stem (`capitalism` is not `capital`, `organization` not `organ`, `university` not
//! `universe`). [`super::text::stem`] applies them, so rubric words and answer words meet
//! the same forms.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::fnv::Fnv;

type Map = HashMap<&'static str, &'static str, BuildHasherDefault<Fnv>>;

const TABLE: &str = include_str!("wordforms.tsv");

#[derive(Default)]
struct Forms {
    /// Inflected word -> base word.
    bases: Map,
    /// Stem -> the stem of its derivational family.
    families: Map,
    /// Word -> a key of its own, in place of a stem shared with a word of another meaning.
    apart: Map,
}

fn forms() -> &'static Forms {
    static FORMS: OnceLock<Forms> = OnceLock::new();
    FORMS.get_or_init(|| {
        let mut forms = Forms::default();
        for line in TABLE.lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(kind), Some(key), Some(value)) = (fields.next(), fields.next(), fields.next()) else {
                continue;
            };
            let map = match kind {
                "form" => &mut forms.bases,
                "family" => &mut forms.families,
                "apart" => &mut forms.apart,
                _ => continue,
            };
            map.insert(key, value);
        }
        forms
    })
}

/// The base word of an inflected lower-case word the stemmer would not take back to it
/// (`ran` → `run`, `children` → `child`, `built` → `build`, `freed` → `free`).
pub fn base_form(word: &str) -> Option<&'static str> {
    forms().bases.get(word).copied()
}

/// The stem of the derivational family a stem belongs to, when it is not the family's own
/// (`economi`, of `economy`, → `econom`, of `economic`).
pub fn family_stem(stem: &str) -> Option<&'static str> {
    forms().families.get(stem).copied()
}

/// A key of its own for a lower-case word whose stem is a word of another meaning's
/// (`capitalism`, whose stem `capit` is `capital`'s; `organizations`, whose stem `organ` is
/// `organ`'s).
pub fn kept_apart(word: &str) -> Option<&'static str> {
    forms().apart.get(word).copied()
}

#[cfg(test)]
mod tests {
    use super::super::text::stem;
    use super::*;

    fn snowball(word: &str) -> String {
        rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English)
            .stem(word)
            .into_owned()
    }

    #[test]
    fn irregular_forms_have_their_base() {
        for (form, base) in [
            ("freed", "free"),
            ("built", "build"),
            ("ran", "run"),
            ("children", "child"),
            ("went", "go"),
            ("women", "woman"),
            ("criteria", "criterion"),
        ] {
            assert_eq!(base_form(form), Some(base), "{form}");
            assert_eq!(stem(form), stem(base), "{form}");
        }
    }

    #[test]
    fn homographs_keep_their_own_meaning() {
        // left (not leave), found (to found), saw (the tool), better (to better), leaves
        // (leaf or leave): each is a word of its own, or has two bases.
        for word in ["left", "found", "saw", "better", "leaves", "data"] {
            assert_eq!(base_form(word), None, "{word}");
        }
        assert_ne!(stem("left"), stem("leave"));
        assert_ne!(stem("better"), stem("good"));
    }

    #[test]
    fn derivational_families_share_a_stem() {
        for (a, b) in [
            ("judicial", "judiciary"),
            ("economic", "economy"),
            ("economies", "economic"),
            ("reusability", "reuse"),
            ("reusable", "reused"),
            ("compression", "compress"),
            ("verification", "verify"),
            ("creative", "creation"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} {b}");
        }
    }

    #[test]
    fn words_of_other_meanings_stay_apart() {
        for (a, b) in [
            ("capital", "capitalism"),
            ("capital", "capitalisms"),
            ("social", "socialism"),
            ("commune", "communism"),
            ("art", "artery"),
            ("general", "generation"),
            ("element", "elementary"),
            ("reaction", "reactionary"),
            ("print", "printer"),
            ("head", "header"),
            ("seed", "seedy"),
            ("organ", "organization"),
            ("organs", "organizations"),
            ("universe", "university"),
            ("universal", "universities"),
            ("office", "officer"),
            ("import", "important"),
            ("object", "objective"),
            ("response", "responsible"),
        ] {
            assert_ne!(stem(a), stem(b), "{a} {b}");
        }
    }

    #[test]
    fn a_word_kept_apart_keeps_its_own_forms() {
        for (a, b) in [
            ("organization", "organizations"),
            ("organization", "organize"),
            ("university", "universities"),
            ("experiment", "experimented"),
            // joined by a productive suffix where WordNet has no link
            ("approximate", "approximately"),
            ("theoretic", "theoretical"),
            ("large", "largely"),
            ("universe", "universal"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} {b}");
        }
    }

    #[test]
    fn table_entries_are_needed_and_well_formed() {
        let forms = forms();
        assert!(forms.bases.len() > 1000 && forms.families.len() > 300 && forms.apart.len() > 300);
        // The table was built with a Python port of the stemmer: each entry must still be one
        // the Rust stemmer needs.
        for (form, base) in &forms.bases {
            assert_ne!(snowball(form), snowball(base), "{form} {base}");
        }
        for (from, to) in &forms.families {
            assert!(from.starts_with(to) && from != to, "{from} {to}");
            assert_eq!(family_stem(to), None, "{to} is a family's own stem");
        }
        for (word, key) in &forms.apart {
            assert_ne!(snowball(word), **key, "{word}");
        }
    }
}
