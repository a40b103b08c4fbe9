//! An answer's words indexed for lookup, built once per analysed answer: whether some token (or
//! two joined tokens) has a given lower-case form or stem, and which forms start with a given
//! byte. Phrases use it to refuse answers that cannot hold them before searching token by token.

/// An index of word forms, each a `(lower, stem)` pair named by its position in the list it was
/// built from (the caller keeps the strings).
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    lowers: HashSet,
    stems: HashSet,
    /// Forms grouped by the first byte of the lower-case form: bucket `b + 1` (bucket 0 holds
    /// empty forms) is `by_first[starts[b + 1]..starts[b + 2]]`.
    by_first: Vec<Entry>,
    starts: Vec<u32>,
    /// For each first byte, bit `k` set when some form of `k` characters starts with it (bit 63:
    /// 63 or more), so that most fuzzy lookups are refused without a scan.
    lengths: Vec<u64>,
    /// The same for stems, by the stem's first byte.
    stem_lengths: Vec<u64>,
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

/// A word's hash: no allocation, and a collision only lets a phrase through to the full search,
/// never refuses one.
pub use crate::matching::fnv::hash;

/// A set of hashes, open addressing with linear probing: an answer has a hundred or so forms,
/// and each phrase looks up dozens of words.
#[derive(Debug, Clone, Default)]
struct HashSet {
    /// Power-of-two many slots, 0 for empty (a hash of 0 is stored as 1: a collision at worst).
    slots: Vec<u64>,
}

impl HashSet {
    fn new(hashes: impl ExactSizeIterator<Item = u64>) -> HashSet {
        let mut set = HashSet {
            slots: vec![0; (hashes.len() * 2).next_power_of_two().max(16)],
        };
        for h in hashes {
            let h = h.max(1);
            let mut i = set.home(h);
            while set.slots[i] != 0 && set.slots[i] != h {
                i = (i + 1) & (set.slots.len() - 1);
            }
            set.slots[i] = h;
        }
        set
    }

    fn home(&self, h: u64) -> usize {
        // Fibonacci hashing: FNV's low bits alone spread short words poorly.
        let bits = self.slots.len().trailing_zeros();
        (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
    }

    fn contains(&self, h: u64) -> bool {
        let h = h.max(1);
        let mut i = self.home(h);
        loop {
            match self.slots[i] {
                0 => return false,
                x if x == h => return true,
                _ => i = (i + 1) & (self.slots.len() - 1),
            }
        }
    }
}

/// The bits of the lexicon's length bitmaps for words of `from..=to` characters.
pub fn length_bits(from: usize, to: usize) -> u64 {
    let (from, to) = (from.min(63), to.min(63));
    if from > to {
        return 0;
    }
    (u64::MAX >> (63 - (to - from))) << from
}

impl Lexicon {
    pub fn new(forms: &[(&str, &str)]) -> Lexicon {
        let lowers = HashSet::new(forms.iter().map(|(l, _)| hash(l)));
        let stems = HashSet::new(forms.iter().map(|(_, s)| hash(s)));
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
        let mut lengths = vec![0u64; 256];
        let mut stem_lengths = vec![0u64; 256];
        for (i, (lower, stem)) in forms.iter().enumerate() {
            let slot = &mut next[first(i)];
            let chars = char_len(lower);
            by_first[*slot as usize] = Entry {
                form: i as u32,
                chars: u32::try_from(chars).unwrap_or(u32::MAX),
            };
            *slot += 1;
            if let Some(&b) = lower.as_bytes().first() {
                lengths[usize::from(b)] |= length_bits(chars, chars);
            }
            if let Some(&b) = stem.as_bytes().first() {
                let chars = char_len(stem);
                stem_lengths[usize::from(b)] |= length_bits(chars, chars);
            }
        }
        Lexicon {
            lowers,
            stems,
            by_first,
            starts,
            lengths,
            stem_lengths,
        }
    }

    /// Whether some form's lower-case form hashes to `h`.
    pub fn has_lower(&self, h: u64) -> bool {
        self.lowers.contains(h)
    }

    /// Whether some form's stem hashes to `h`.
    pub fn has_stem(&self, h: u64) -> bool {
        self.stems.contains(h)
    }

    /// Whether some form starts with `byte` and has a length among `bits` (see [`length_bits`]).
    pub fn has_start(&self, byte: u8, bits: u64) -> bool {
        self.lengths[usize::from(byte)] & bits != 0
    }

    /// Whether some form's stem starts with `byte` and has a length among `bits`.
    pub fn has_stem_start(&self, byte: u8, bits: u64) -> bool {
        self.stem_lengths[usize::from(byte)] & bits != 0
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
        assert!(l.has_start(b'p', length_bits(3, 3)) && l.has_start(b'p', length_bits(6, 9)));
        assert!(!l.has_start(b'p', length_bits(4, 6)) && !l.has_start(b'z', u64::MAX));
        assert!(l.has_stem_start(b'p', length_bits(5, 5)) && !l.has_stem_start(b'p', length_bits(7, 7)));
    }

    #[test]
    fn hash_set_holds_exactly_what_was_put_in() {
        let hashes: Vec<u64> = (0..500u64)
            .map(|i| i.wrapping_mul(0x1234_5678_9abc_def1))
            .collect();
        let set = HashSet::new(hashes.iter().copied().step_by(2));
        for (i, &h) in hashes.iter().enumerate() {
            assert_eq!(set.contains(h), i % 2 == 0, "{i}");
        }
        assert!(!HashSet::new(std::iter::empty()).contains(hash("x")));
    }

    #[test]
    fn length_bits_cover_their_range() {
        assert_eq!(length_bits(0, 0), 1);
        assert_eq!(length_bits(3, 5), 0b111000);
        assert_eq!(length_bits(5, 3), 0);
        assert_eq!(length_bits(62, 100), 0b11 << 62);
        assert_eq!(length_bits(100, 200), 1 << 63);
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
