//! An answer's words indexed for lookup, built once per analysed answer: whether some token (or
//! two joined tokens) has a given lower-case form or stem, and which forms start with a given
//! byte. Phrases use it to refuse answers that cannot hold them before searching token by token.

/// An index of word forms, each a `(lower, stem)` pair named by its position in the list it was
/// built from (the caller keeps the strings).
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Hashes of the lower-case forms, sorted.
    lowers: Vec<u64>,
    /// Hashes of the stems, sorted.
    stems: Vec<u64>,
    /// Forms grouped by the first byte of the lower-case form: bucket `b + 1` (bucket 0 holds
    /// empty forms) is `by_first[starts[b + 1]..starts[b + 2]]`.
    by_first: Vec<Entry>,
    starts: Vec<u32>,
}

/// One form in its first byte's bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entry {
    /// The form's position in the list the lexicon was built from.
    pub form: u32,
    /// Characters in its lower-case form: most fuzzy comparisons are refused on length alone.
    pub chars: u32,
}

/// Characters in a word, counted quickly for ASCII.
pub fn char_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

/// FNV-1a: short words, no allocation, and a collision only lets a phrase through to the full
/// search, never refuses one.
pub fn hash(word: &str) -> u64 {
    word.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Lexicon {
    pub fn new(forms: &[(&str, &str)]) -> Lexicon {
        let mut lowers: Vec<u64> = forms.iter().map(|(l, _)| hash(l)).collect();
        let mut stems: Vec<u64> = forms.iter().map(|(_, s)| hash(s)).collect();
        lowers.sort_unstable();
        lowers.dedup();
        stems.sort_unstable();
        stems.dedup();
        let first = |i: usize| forms[i].0.as_bytes().first().map_or(0, |&b| usize::from(b) + 1);
        // Counting sort by first byte.
        let mut starts = vec![0u32; 258];
        for i in 0..forms.len() {
            starts[first(i) + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut next = starts.clone();
        let mut by_first = vec![Entry::default(); forms.len()];
        for (i, (lower, _)) in forms.iter().enumerate() {
            let slot = &mut next[first(i)];
            by_first[*slot as usize] = Entry {
                form: i as u32,
                chars: u32::try_from(char_len(lower)).unwrap_or(u32::MAX),
            };
            *slot += 1;
        }
        Lexicon {
            lowers,
            stems,
            by_first,
            starts,
        }
    }

    /// Whether some form's lower-case form hashes to `h`.
    pub fn has_lower(&self, h: u64) -> bool {
        self.lowers.binary_search(&h).is_ok()
    }

    /// Whether some form's stem hashes to `h`.
    pub fn has_stem(&self, h: u64) -> bool {
        self.stems.binary_search(&h).is_ok()
    }

    /// The forms whose lower-case form starts with `byte`, in order.
    pub fn starting_with(&self, byte: u8) -> &[Entry] {
        let b = usize::from(byte) + 1;
        &self.by_first[self.starts[b] as usize..self.starts[b + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_forms_by_hash() {
        let l = Lexicon::new(&[("probing", "probe"), ("masked", "mask"), ("probing", "probe")]);
        assert!(l.has_lower(hash("probing")) && l.has_lower(hash("masked")));
        assert!(l.has_stem(hash("probe")) && l.has_stem(hash("mask")));
        assert!(!l.has_lower(hash("probe")) && !l.has_stem(hash("probing")));
    }

    #[test]
    fn groups_forms_by_first_byte() {
        let l = Lexicon::new(&[("probing", "probe"), ("masked", "mask"), ("pre", "pre"), ("", "")]);
        let forms = |b| l.starting_with(b).iter().map(|e| e.form).collect::<Vec<_>>();
        assert_eq!(forms(b'p'), [0, 2]);
        assert_eq!(forms(b'm'), [1]);
        assert_eq!(l.starting_with(b'p')[0].chars, 7);
        assert!(l.starting_with(b'z').is_empty());
        assert!(l.starting_with(255).is_empty());
    }

    #[test]
    fn every_form_is_in_its_bucket() {
        let words = ["über", "a", "zebra", "ant", "\u{ff}x", "0.5", "b"];
        let forms: Vec<(&str, &str)> = words.iter().map(|w| (*w, *w)).collect();
        let l = Lexicon::new(&forms);
        let mut seen = Vec::new();
        for b in 0..=255u8 {
            for entry in l.starting_with(b) {
                let word = words[entry.form as usize];
                assert_eq!(word.as_bytes()[0], b);
                assert_eq!(entry.chars as usize, word.chars().count());
                seen.push(entry.form);
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..words.len() as u32).collect::<Vec<_>>());
    }
}
