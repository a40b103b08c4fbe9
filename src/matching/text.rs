//! Text analysis: one answer's text becomes tokens (normalised, stemmed) grouped into
//! sentences and clauses, the units that negation, hedging and subjects are scoped to.
//! Code (`C++`, `char[]`, `->`, `O(n log n)`) is one token, which the punctuation inside it
//! neither splits nor reads as a sentence or clause boundary (see `code_after_word`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

use super::cues::{negator_hashes, CueIndex};
use super::forms;
use super::lexicon::Lexicon;
use crate::matching::fnv::Fnv;

/// A word of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lower-case form, apostrophes unified (`don't`).
    pub lower: String,
    /// Snowball stem of `lower` (`probing` → `probe`).
    pub stem: String,
    /// Byte range in the analysed text.
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
    pub clause: usize,
    /// Joined to the previous token by a hyphen or slash only (`fine-tune`, `pre-trained`).
    pub glued_to_previous: bool,
    /// Inside double quotes: a word mentioned ("the label word \"yes\""), not used.
    pub quoted: bool,
}

/// An answer's text, normalised and tokenised.
#[derive(Debug, Clone)]
pub struct AnalyzedText {
    /// The answer text after NFKC normalisation and removal of invisible format characters.
    pub text: String,
    pub tokens: Vec<Token>,
    /// For each sentence, the range of its tokens.
    pub sentences: Vec<std::ops::Range<usize>>,
    /// For each clause, the range of its tokens.
    pub clauses: Vec<std::ops::Range<usize>>,
    /// Sentences that end with a question mark (asked, not asserted).
    pub questions: Vec<bool>,
    /// For each token, it and the next written as one word (`fine-tune` → `finetune`), lower
    /// case and stemmed, when they are joined by a hyphen or slash or nothing.
    pub joined: Vec<Option<(String, String)>>,
    /// The forms above indexed: form `i` is token `i`'s, form `tokens.len() + i` is
    /// `joined[i]` (empty when there is none). See [`AnalyzedText::form`].
    lexicon: Lexicon,
    /// Some token or joined pair is a negation cue.
    has_negator: bool,
    /// Where the hedging, rejection and negation cues stand, found on first use.
    cues: OnceLock<CueIndex>,
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The stem of one lower-case word: the Snowball stem of its base form, or its derivational
/// family's stem (`ran` → `run`, `economy` → `econom` as `economic`), or a key of its own for a
/// word kept apart from its stem's (`capitalism`); see [`forms`].
pub fn stem(word: &str) -> String {
    // A possessive is its noun: "Britain's rule" is about Britain, "students'" students.
    if let Some(noun) = word.strip_suffix("'s").or_else(|| word.strip_suffix("s'")) {
        // "that's", "it's": a contraction of "is", not a possessive.
        const CONTRACTED: &[&str] = &[
            "it", "that", "what", "there", "here", "he", "she", "who", "where", "how", "let",
        ];
        if !noun.is_empty() && !noun.contains('\'') && !CONTRACTED.contains(&noun) {
            return stem(noun);
        }
    }
    // Numbers and code (`c++`, `o(nlogn)`) have no stem.
    if word.contains('\'')
        || word
            .bytes()
            .any(|b| b.is_ascii_digit() || b.is_ascii_punctuation())
    {
        return word.to_string();
    }
    // A class writes much the same words: each thread remembers the stems it has made, up to
    // a bound, since stemming was a tenth of grading.
    const REMEMBERED: usize = 1 << 16;
    thread_local! {
        static STEMS: RefCell<HashMap<Box<str>, Box<str>, BuildHasherDefault<Fnv>>> =
            RefCell::new(HashMap::default());
    }
    STEMS.with_borrow_mut(|stems| {
        if let Some(known) = stems.get(word) {
            return known.to_string();
        }
        let stemmed = match forms::kept_apart(word) {
            Some(key) => key.to_string(),
            None => {
                let base = forms::base_form(word).unwrap_or(word);
                let stemmed = stemmer().stem(base);
                match forms::family_stem(&stemmed) {
                    Some(family) => family.to_string(),
                    // A logarithm is written `log` as often as not, and `logn` is `log n` run
                    // together: one word with `O(log n)` (see `complexity_class`). A bare `1`
                    // or `n` is no complexity class.
                    None if matches!(stemmed.as_ref(), "logarithm" | "logn" | "lgn") => "log".to_string(),
                    None => stemmed.into_owned(),
                }
            }
        };
        if stems.len() >= REMEMBERED {
            stems.clear();
        }
        stems.insert(word.into(), stemmed.as_str().into());
        stemmed
    })
}

/// NFKC, invisible format characters removed, typographic apostrophes unified: so that
/// `mas\u{200b}ked` reads as `masked` and `don’t` as `don't`.
pub fn normalize(text: &str) -> String {
    // ASCII is its own NFKC form and holds no format characters: only the backtick changes.
    if text.is_ascii() {
        return text.replace('`', "'");
    }
    let powers = superscripts_as_powers(text);
    let normal: String = powers
        .nfkc()
        .filter(|c| !is_format_char(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' => '\'',
            '\u{2013}' | '\u{2014}' => '-',
            other => other,
        })
        .collect();
    fold_mixed_script_words(&normal)
}

/// Superscript digits after a letter, digit or bracket written as powers (`n²` → `n^2`), as
/// code is typed (`O(n^2)`); NFKC alone would make `n²` read `n2`.
fn superscripts_as_powers(text: &str) -> std::borrow::Cow<'_, str> {
    let power = |c: char| match c {
        '\u{b9}' => Some('1'),
        '\u{b2}' => Some('2'),
        '\u{b3}' => Some('3'),
        '\u{2070}' => Some('0'),
        '\u{2074}'..='\u{2079}' => char::from_digit(c as u32 - 0x2070, 10),
        '\u{207f}' => Some('n'),
        _ => None,
    };
    if !text.chars().any(|c| power(c).is_some()) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut previous = ' ';
    for c in text.chars() {
        match power(c) {
            Some(digit) if previous.is_alphanumeric() || previous == ')' => {
                out.push('^');
                out.push(digit);
            }
            _ => out.push(c),
        }
        previous = c;
    }
    out.into()
}

/// Cyrillic and Greek letters drawn like Latin ones, and the Latin letter each is confused with
/// (Unicode TR39's confusables, lower and upper case).
const CONFUSABLES: &[(char, char)] = &[
    ('а', 'a'),
    ('е', 'e'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('у', 'y'),
    ('х', 'x'),
    ('і', 'i'),
    ('ј', 'j'),
    ('ѕ', 's'),
    ('ԁ', 'd'),
    ('ԛ', 'q'),
    ('ԝ', 'w'),
    ('һ', 'h'),
    ('А', 'A'),
    ('В', 'B'),
    ('Е', 'E'),
    ('К', 'K'),
    ('М', 'M'),
    ('Н', 'H'),
    ('О', 'O'),
    ('Р', 'P'),
    ('С', 'C'),
    ('Т', 'T'),
    ('Х', 'X'),
    ('І', 'I'),
    ('Ј', 'J'),
    ('Ѕ', 'S'),
    ('ο', 'o'),
    ('α', 'a'),
    ('ε', 'e'),
    ('ι', 'i'),
    ('κ', 'k'),
    ('ν', 'v'),
    ('ρ', 'p'),
    ('τ', 't'),
    ('υ', 'u'),
    ('χ', 'x'),
    ('Ο', 'O'),
    ('Α', 'A'),
    ('Β', 'B'),
    ('Ε', 'E'),
    ('Ι', 'I'),
    ('Κ', 'K'),
    ('Μ', 'M'),
    ('Ν', 'N'),
    ('Ρ', 'P'),
    ('Τ', 'T'),
    ('Χ', 'X'),
];

fn confusable(c: char) -> Option<char> {
    CONFUSABLES.iter().find(|(from, _)| *from == c).map(|(_, to)| *to)
}

/// A word that mixes Latin letters with Cyrillic or Greek look-alikes ("nоt" with a Cyrillic
/// `о`) is folded to its Latin skeleton, so a disguised negation or keyword reads as what it
/// shows. Words wholly in another script are left as written.
fn fold_mixed_script_words(text: &str) -> String {
    if !text.chars().any(|c| confusable(c).is_some()) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let latin = word.chars().any(|c| c.is_ascii_alphabetic());
        let foreign_only_confusable = word
            .chars()
            .filter(|c| c.is_alphabetic() && !c.is_ascii())
            .all(|c| confusable(c).is_some());
        if latin && foreign_only_confusable {
            out.extend(word.chars().map(|c| confusable(c).unwrap_or(c)));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '\'' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn is_format_char(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// Words that end a clause when they start one: the scope of a negation stops before them,
/// so "hard prompting would not work, so soft prompting" negates only the first.
const CLAUSE_STARTERS: &[&str] = &[
    "so",
    "but",
    "because",
    "since",
    "while",
    "whereas",
    "although",
    "though",
    "however",
    "then",
    "therefore",
    "thus",
    "hence",
    "instead",
    "otherwise",
    "unless",
    "yet",
];

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &["i.e", "e.g", "etc", "vs", "cf", "approx", "resp", "ie", "eg"];

impl AnalyzedText {
    pub fn new(raw: &str) -> AnalyzedText {
        let text = normalize(raw);
        let (tokens, mut questions) = Tokenizer::run(&text);
        let sentences = ranges_by(&tokens, |t| t.sentence);
        let clauses = ranges_by(&tokens, |t| t.clause);
        // One entry per sentence: an answer with no word has none.
        questions.truncate(sentences.len().max(1));
        questions.resize(sentences.len(), false);
        let joined = joined_forms(&tokens);
        let lexicon = index_forms(&tokens, &joined);
        let has_negator = negator_hashes().iter().any(|&h| lexicon.has_lower(h));
        AnalyzedText {
            text,
            tokens,
            sentences,
            clauses,
            questions,
            joined,
            lexicon,
            has_negator,
            cues: OnceLock::new(),
        }
    }

    /// Where the answer's cues stand, found once (see [`CueIndex`]).
    pub fn cue_index(&self) -> &CueIndex {
        self.cues.get_or_init(|| CueIndex::new(self))
    }

    /// Whether some token or joined pair may be a negation cue (a hash collision can say so
    /// wrongly; it never misses one).
    pub fn has_negator(&self) -> bool {
        self.has_negator
    }

    /// The index of the answer's forms (tokens and joined pairs).
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Form `i` of the [`lexicon`](Self::lexicon), as `(lower, stem)`.
    pub fn form(&self, i: usize) -> (&str, &str) {
        match self.tokens.get(i) {
            Some(t) => (&t.lower, &t.stem),
            None => self.joined[i - self.tokens.len()]
                .as_ref()
                .map_or(("", ""), |(l, s)| (l.as_str(), s.as_str())),
        }
    }

    /// The sentence index of token `i`'s sentence, as a token range.
    pub fn sentence_of(&self, token: usize) -> std::ops::Range<usize> {
        self.sentences[self.tokens[token].sentence].clone()
    }

    pub fn clause_of(&self, token: usize) -> std::ops::Range<usize> {
        self.clauses[self.tokens[token].clause].clone()
    }

    /// The text covered by tokens `from..to` (exclusive), as written.
    pub fn quote(&self, from: usize, to: usize) -> (usize, usize, &str) {
        let start = self.tokens[from].start;
        let end = self.tokens[to - 1].end;
        (start, end, &self.text[start..end])
    }
}

/// One left-to-right pass over a text, cutting it into words and numbering their sentences and
/// clauses from the gaps between them.
struct Tokenizer<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    tokens: Vec<Token>,
    /// For each sentence begun so far, whether it ends with a question mark.
    questions: Vec<bool>,
    sentence: usize,
    clause: usize,
    // Boundaries are decided by the characters between words.
    pending_sentence_break: bool,
    pending_clause_break: bool,
    /// The last gap was a lone hyphen or slash, so the next word is glued to the previous one.
    gap_is_glue: bool,
    /// The scan is inside double quotes.
    in_quote: bool,
    /// Reused for every gap between words, rather than allocated for each.
    unquoted: String,
}

impl<'a> Tokenizer<'a> {
    /// The tokens of `text` and, for each sentence, whether it is a question.
    fn run(text: &'a str) -> (Vec<Token>, Vec<bool>) {
        let mut tokenizer = Tokenizer {
            text,
            chars: text.char_indices().collect(),
            tokens: Vec::new(),
            questions: vec![false],
            sentence: 0,
            clause: 0,
            pending_sentence_break: false,
            pending_clause_break: false,
            gap_is_glue: false,
            in_quote: false,
            unquoted: String::new(),
        };
        let mut i = 0;
        while i < tokenizer.chars.len() {
            let chars = &tokenizer.chars;
            i = if is_word_char(chars[i].1) {
                let end = word_end(chars, i);
                let end = code_after_word(chars, i, end).unwrap_or(end);
                tokenizer.token(i, end)
            } else if let Some(end) = code_outside_word(chars, i) {
                tokenizer.token(i, end)
            } else {
                tokenizer.gap(i)
            };
        }
        (tokenizer.tokens, tokenizer.questions)
    }

    /// Makes chars `i..j` (a word or code) a token; returns `j`.
    fn token(&mut self, i: usize, j: usize) -> usize {
        let start = self.chars[i].0;
        let end = if j < self.chars.len() {
            self.chars[j].0
        } else {
            self.text.len()
        };
        let written = &self.text[start..end];
        let (lower, stemmed) = if opens_big_o(written) {
            let lower = big_o_form(written);
            let stemmed = complexity_class(&lower).map_or_else(|| stem(&lower), stem);
            (lower, stemmed)
        } else {
            let lower = written.to_lowercase();
            let stemmed = stem(&lower);
            (lower, stemmed)
        };
        // Telegraphic style: "full finetuning too costly -> LoRA" is two statements; code
        // such as `p->next` has no spaces around its arrow and stays one.
        let spaced = |k: Option<usize>| {
            k.and_then(|k| self.chars.get(k))
                .is_some_and(|c| c.1.is_whitespace())
        };
        if lower == "->" && (spaced(i.checked_sub(1)) || spaced(Some(j))) {
            self.pending_clause_break = true;
        }
        self.start_units(&lower);
        self.tokens.push(Token {
            stem: stemmed,
            lower,
            start,
            end,
            sentence: self.sentence,
            clause: self.clause,
            glued_to_previous: self.gap_is_glue,
            quoted: self.in_quote,
        });
        self.gap_is_glue = false;
        j
    }

    /// Moves on to a new sentence or clause, if the gap before the word `lower` broke one or
    /// the word starts a clause ("so", "but").
    fn start_units(&mut self, lower: &str) {
        if self.pending_sentence_break && !self.tokens.is_empty() {
            self.sentence += 1;
            self.clause += 1;
            self.questions.push(false);
        } else if self.pending_clause_break && !self.tokens.is_empty() {
            self.clause += 1;
        }
        if CLAUSE_STARTERS.contains(&lower) && !self.tokens.is_empty() {
            let previous: &Token = self.tokens.last().unwrap();
            if previous.clause == self.clause {
                self.clause += 1;
            }
        }
        self.pending_sentence_break = false;
        self.pending_clause_break = false;
    }

    /// Reads the whole run of non-word characters starting at char `i` and notes the boundary
    /// it makes; returns the char index after it.
    fn gap(&mut self, mut i: usize) -> usize {
        let run_start = i;
        while i < self.chars.len()
            && !is_word_char(self.chars[i].1)
            && (i == run_start || code_outside_word(&self.chars, i).is_none())
        {
            i += 1;
        }
        let text = self.text;
        let run_end = self.chars.get(i).map_or(text.len(), |&(at, _)| at);
        let run = &text[self.chars[run_start].0..run_end];
        self.unquote(run);
        self.gap_is_glue = !self.tokens.is_empty() && (run == "-" || run == "/");
        let next_word_lower = i < self.chars.len() && self.chars[i].1.is_lowercase();
        match classify_gap(
            &self.unquoted,
            text,
            self.chars[run_start].0,
            self.tokens.last(),
            next_word_lower,
        ) {
            Gap::Sentence { question } => {
                self.pending_sentence_break = true;
                if question {
                    if let Some(q) = self.questions.last_mut() {
                        *q = true;
                    }
                }
            }
            Gap::Clause => self.pending_clause_break = true,
            Gap::None => {}
        }
        i
    }

    /// Copies the gap `run` into `unquoted` with the punctuation inside double quotes blanked,
    /// following the quotes as they open and close.
    fn unquote(&mut self, run: &str) {
        // Punctuation inside quotes ("passage ? [MASK]") does not end the answer's sentence.
        self.unquoted.clear();
        for c in run.chars() {
            match c {
                '"' => self.in_quote = !self.in_quote,
                '\u{201c}' => self.in_quote = true,
                '\u{201d}' => self.in_quote = false,
                '\n' => self.in_quote = false,
                _ => {}
            }
            let inside = self.in_quote && c != '"' && c != '\u{201c}';
            self.unquoted
                .push(if inside && matches!(c, '.' | '!' | '?' | ';' | ':') {
                    ' '
                } else {
                    c
                });
        }
    }
}

/// The char index where the word starting at char `i` ends: letters and digits, and
/// apostrophes followed by a letter (`don't`).
fn word_end(chars: &[(usize, char)], i: usize) -> usize {
    let mut j = i;
    while j < chars.len() {
        let (_, cj) = chars[j];
        let inner_apostrophe = cj == '\'' && j + 1 < chars.len() && chars[j + 1].1.is_alphabetic() && j > i;
        if is_word_char(cj) || inner_apostrophe {
            j += 1;
        } else {
            break;
        }
    }
    j
}

/// Letters that open big-O notation (`O(n log n)`, `Θ(n)`, `Ω(1)`).
const BIG_O_LETTERS: &[char] = &['O', 'o', 'Θ', 'θ', 'Ω', 'ω'];
/// C types whose pointer type (`int*`, `char**`) is one token.
const POINTEE_TYPES: &[&str] = &[
    "int", "char", "void", "float", "double", "long", "short", "bool", "unsigned", "signed",
];
/// Operators kept as tokens, each only when it is a whole run of operator characters (so
/// `-->` and `====` stay punctuation).
const OPERATORS: &[&str] = &["->", "==", "!=", "&&", "||"];
const OPERATOR_CHARS: &[char] = &['-', '<', '>', '=', '!', '&', '|', '+'];

/// The word for the complexity class that big-O notation (in [`big_o_form`]) names, so that
/// the notation meets the word: the token `O(log n)` takes the stem of `log`, and a rubric's
/// `log` or `linear` matches `O(log n)` or `O(n)`. Code patterns still match the notation as
/// written. (The words `logarithm` and `logn` are `log` in [`stem`].)
fn complexity_class(big_o: &str) -> Option<&'static str> {
    let inner = big_o.split_once('(')?.1.strip_suffix(')')?;
    Some(match inner {
        "1" => "constant",
        "logn" | "lgn" => "log",
        "n" => "linear",
        "n^2" => "quadratic",
        "n^3" => "cubic",
        "2^n" => "exponential",
        _ => return None,
    })
}

/// Whether `written` starts like big-O notation: `O(`, `Θ(`, ...
pub fn opens_big_o(written: &str) -> bool {
    let mut chars = written.chars();
    chars.next().is_some_and(|c| BIG_O_LETTERS.contains(&c)) && chars.next() == Some('(')
}

/// The form big-O notation is matched by: lower case, without spaces, `*` or inner brackets,
/// so that `O(n log n)`, `O(nlogn)` and `O(n * log(n))` are one.
fn big_o_form(written: &str) -> String {
    let mut chars = written.chars();
    let letter = chars
        .next()
        .map(|c| c.to_lowercase().to_string())
        .unwrap_or_default();
    let inner: String = chars
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '(' | ')'))
        .flat_map(char::to_lowercase)
        .collect();
    format!("{letter}({inner})")
}

/// The char index where code ends that starts as the word at chars `i..j`, if the word
/// opens code: a word with a code suffix (`C++`, `i++`, `C#`, `char[]`, `int*`) or big-O
/// notation (`O(n log n)`); see [`code_outside_word`] for the rest. Code is one token, opaque to the punctuation that cuts sentences and clauses: the `(` of
/// `O(n)` opens no aside, and the full stop after `C++.` still ends a sentence.
fn code_after_word(chars: &[(usize, char)], i: usize, j: usize) -> Option<usize> {
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    // Almost every word is followed by a space or by punctuation that opens no code.
    if !matches!(at(j)?, '(' | '+' | '#' | '[' | '*') {
        return None;
    }
    let c = chars[i].1;
    let before = i.checked_sub(1).and_then(at);
    {
        let one_letter = j == i + 1;
        match at(j)? {
            '(' if one_letter && BIG_O_LETTERS.contains(&c) => big_o_end(chars, j),
            '+' if at(j + 1) == Some('+') && at(j + 2) != Some('+') => Some(j + 2),
            '#' if one_letter && c.is_ascii_alphabetic() && !at(j + 1).is_some_and(is_word_char) => {
                Some(j + 1)
            }
            '[' if at(j + 1) == Some(']') => {
                let mut k = j;
                while at(k) == Some('[') && at(k + 1) == Some(']') {
                    k += 2;
                }
                Some(k)
            }
            // Markdown emphasis (`**int**`) is not a pointer.
            '*' if before != Some('*') => {
                let word: String = chars[i..j].iter().map(|&(_, c)| c.to_ascii_lowercase()).collect();
                let mut k = j;
                while at(k) == Some('*') {
                    k += 1;
                }
                (POINTEE_TYPES.contains(&word.as_str()) && k - j <= 2).then_some(k)
            }
            _ => None,
        }
    }
}

/// Where code ends that starts at char `i` (not a word character) if code starts there: an
/// escape, a prefix increment or an operator.
fn code_outside_word(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let c = chars[i].1;
    let before = i.checked_sub(1).and_then(at);
    match c {
        '\\' => (at(i + 1).is_some_and(|c| c.is_ascii_alphanumeric())
            && !at(i + 2).is_some_and(is_word_char))
        .then_some(i + 2),
        '+' if at(i + 1) == Some('+')
            && at(i + 2).is_some_and(is_word_char)
            && !before.is_some_and(|b| is_word_char(b) || b == '+') =>
        {
            Some(word_end(chars, i + 2))
        }
        c if OPERATOR_CHARS.contains(&c) => {
            if before.is_some_and(|b| OPERATOR_CHARS.contains(&b)) {
                return None;
            }
            let mut k = i;
            while at(k).is_some_and(|c| OPERATOR_CHARS.contains(&c)) {
                k += 1;
            }
            let run: String = chars[i..k].iter().map(|&(_, c)| c).collect();
            OPERATORS.contains(&run.as_str()).then_some(k)
        }
        _ => None,
    }
}

/// The char index after the `)` that closes big-O notation opened at char `open` (a `(`), if
/// what is inside reads as a short expression (`n log n`, `n^2`, `V + E`), not prose.
fn big_o_end(chars: &[(usize, char)], open: usize) -> Option<usize> {
    const LONGEST: usize = 32;
    let (mut depth, mut letters, mut alphanumeric) = (0, String::new(), false);
    for (k, &(_, c)) in chars.iter().enumerate().skip(open).take(LONGEST) {
        if c.is_alphabetic() {
            letters.push(c.to_ascii_lowercase());
            alphanumeric = true;
            continue;
        }
        if !is_math_word(&letters) {
            return None;
        }
        letters.clear();
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return alphanumeric.then_some(k + 1);
                }
            }
            c if c.is_numeric() => alphanumeric = true,
            ' ' | '^' | '*' | '+' | '-' | '/' | '!' | '.' | ',' | '|' => {}
            _ => return None,
        }
    }
    None
}

/// Whether a run of letters reads as mathematics (`n`, `mn`, `nlogn`, `sqrt`), not as a word
/// of prose (`see`, `above`): what is left after taking out function names is at most two
/// variables.
fn is_math_word(letters: &str) -> bool {
    let mut rest = letters.to_string();
    for function in ["sqrt", "log", "exp", "lg", "ln"] {
        rest = rest.replace(function, "");
    }
    rest.chars().count() <= 2
}

/// Each token and the next written as one word, where they are joined (see
/// [`AnalyzedText::joined`]).
fn joined_forms(tokens: &[Token]) -> Vec<Option<(String, String)>> {
    (0..tokens.len())
        .map(|i| {
            let next = tokens.get(i + 1)?;
            let together = next.glued_to_previous || tokens[i].end == next.start;
            (together && next.sentence == tokens[i].sentence).then(|| {
                let lower = format!("{}{}", tokens[i].lower, next.lower);
                let stemmed = stem(&lower);
                (lower, stemmed)
            })
        })
        .collect()
}

/// The lexicon of the tokens' forms followed by the joined pairs' (see
/// [`AnalyzedText::form`] for the numbering).
fn index_forms(tokens: &[Token], joined: &[Option<(String, String)>]) -> Lexicon {
    let forms: Vec<(&str, &str)> = tokens
        .iter()
        .map(|t| (t.lower.as_str(), t.stem.as_str()))
        .chain(
            joined
                .iter()
                .map(|j| j.as_ref().map_or(("", ""), |(l, s)| (l.as_str(), s.as_str()))),
        )
        .collect();
    Lexicon::new(&forms)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

enum Gap {
    Sentence { question: bool },
    Clause,
    None,
}

fn classify_gap(run: &str, text: &str, at: usize, previous: Option<&Token>, next_lower: bool) -> Gap {
    // A question mark asks only right after the sentence's words: a stray one opening the
    // answer ("? freedom of speech") or after the sentence has ended ("speech. ?") does not.
    let question = previous.is_some()
        && run
            .find(['.', '!', '?'])
            .is_some_and(|at| run[at..].starts_with('?'));
    let trimmed: &str = run.trim();
    // A blank line always ends a sentence; so does a line break after end punctuation or
    // before a new line that does not continue the sentence in lower case.
    let newlines = run.matches('\n').count();
    if newlines >= 2 {
        return Gap::Sentence { question };
    }
    let ends_sentence = trimmed.contains(['.', '!', '?']) && {
        // "i.e." and "e.g." do not end a sentence; "0.5" never reaches here (digits are words).
        let is_abbreviation = previous.is_some_and(|p| {
            let before = &text[..at];
            let word_start = before
                .rfind(|c: char| c.is_whitespace() || c == '(')
                .map_or(0, |k| k + 1);
            let candidate = before[word_start..].to_lowercase();
            ABBREVIATIONS.contains(&candidate.as_str()) || (p.lower.len() == 1 && candidate.contains('.'))
        });
        let decimal_like = trimmed == "." && !run.contains(char::is_whitespace);
        !is_abbreviation && !decimal_like
    };
    if ends_sentence || question {
        return Gap::Sentence { question };
    }
    if newlines == 1 {
        let continues = previous.is_some() && next_lower && !trimmed.contains([':', ';']);
        return if continues {
            Gap::Clause
        } else {
            Gap::Sentence { question: false }
        };
    }
    if trimmed.contains([',', ';', ':', '(', ')', '[', ']', '"', '\u{201c}', '\u{201d}'])
        || trimmed.contains("--")
        || trimmed == "-" && run.contains(' ')
        // Telegraphic style: "full finetuning too costly -> LoRA" is two statements. Code
        // such as `p->next` has no spaces around its arrow and stays one.
        || (trimmed.contains("->") || trimmed.contains("=>") || trimmed.contains('\u{2192}')) && run.contains(' ')
    {
        return Gap::Clause;
    }
    Gap::None
}

fn ranges_by(tokens: &[Token], key: impl Fn(&Token) -> usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let k = key(t);
        while ranges.len() <= k {
            ranges.push(i..i);
        }
        ranges[k].end = i + 1;
        if ranges[k].is_empty() {
            ranges[k].start = i;
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &AnalyzedText, sentence: usize) -> Vec<&str> {
        t.tokens[t.sentences[sentence].clone()]
            .iter()
            .map(|t| t.lower.as_str())
            .collect()
    }

    #[test]
    fn splits_sentences_and_keeps_abbreviations() {
        let t = AnalyzedText::new("GPT: LM, i.e. next-token prediction. BERT: MLM");
        assert_eq!(t.sentences.len(), 2);
        assert_eq!(words(&t, 1), ["bert", "mlm"]);
    }

    #[test]
    fn so_starts_a_new_clause() {
        let t = AnalyzedText::new("hard prompting would not work so soft prompting");
        let so = t.tokens.iter().position(|t| t.lower == "so").unwrap();
        assert_ne!(t.tokens[0].clause, t.tokens[so].clause);
        assert_eq!(t.tokens[so].clause, t.tokens[so + 1].clause);
    }

    #[test]
    fn contractions_stay_one_token_and_hyphens_glue() {
        let t = AnalyzedText::new("you don’t fine-tune");
        let lowers: Vec<_> = t.tokens.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(lowers, ["you", "don't", "fine", "tune"]);
        assert!(t.tokens[3].glued_to_previous);
        assert!(!t.tokens[2].glued_to_previous);
    }

    #[test]
    fn ascii_normalises_as_nfkc_does() {
        let ascii: String = (0u8..128).map(char::from).collect();
        let slow: String = ascii
            .nfkc()
            .filter(|c| !is_format_char(*c))
            .map(|c| if c == '`' { '\'' } else { c })
            .collect();
        assert_eq!(normalize(&ascii), slow);
        assert_eq!(normalize("don`t"), "don't");
    }

    #[test]
    fn zero_width_characters_are_removed() {
        let t = AnalyzedText::new("mas\u{200b}ked in\u{00ad}puts");
        assert_eq!(t.tokens[0].lower, "masked");
        assert_eq!(t.tokens[1].lower, "inputs");
    }

    #[test]
    fn question_sentences_are_marked() {
        let t = AnalyzedText::new("Yes... actually no? It depends.");
        assert_eq!(t.sentences.len(), 3);
        assert_eq!(t.questions, [false, true, false]);
    }

    #[test]
    fn quotes_mark_mentions_and_hold_their_punctuation() {
        let t = AnalyzedText::new("feed \"passage ? [MASK]\" and read \"yes\" or no.");
        assert_eq!(t.sentences.len(), 1);
        assert_eq!(t.questions, [false]);
        let quoted: Vec<_> = t
            .tokens
            .iter()
            .filter(|t| t.quoted)
            .map(|t| t.lower.as_str())
            .collect();
        assert_eq!(quoted, ["passage", "mask", "yes"]);
    }

    #[test]
    fn wrapped_lines_continue_a_sentence() {
        let t = AnalyzedText::new("the encoder sees\nthe whole input\nBERT: yes");
        assert_eq!(t.sentences.len(), 2);
    }

    #[test]
    fn remembered_stems_are_the_stemmer_s() {
        for word in [
            "probing",
            "probing",
            "masked",
            "fientuning",
            "über",
            "cafés",
            "probing",
        ] {
            assert_eq!(stem(word), stemmer().stem(word));
        }
    }

    #[test]
    fn stems_unify_inflections() {
        assert_eq!(stem("probing"), stem("probe"));
        assert_eq!(stem("britain's"), stem("britain"));
        assert_eq!(stem("students'"), stem("student"));
        assert_eq!(stem("probed"), stem("probe"));
        assert_eq!(stem("masking"), stem("masked"));
    }

    fn lowers(text: &str) -> Vec<String> {
        AnalyzedText::new(text)
            .tokens
            .into_iter()
            .map(|t| t.lower)
            .collect()
    }

    #[test]
    fn code_stays_one_token() {
        assert_eq!(lowers("C++ and C# and C"), ["c++", "and", "c#", "and", "c"]);
        assert_eq!(lowers("a char[] or int* p"), ["a", "char[]", "or", "int*", "p"]);
        assert_eq!(lowers("ends in '\\0' then"), ["ends", "in", "\\0", "then"]);
        assert_eq!(lowers("p->next"), ["p", "->", "next"]);
        assert_eq!(lowers("i++ vs ++i"), ["i++", "vs", "++i"]);
        assert_eq!(
            lowers("a==b, a != b, x && y || z"),
            ["a", "==", "b", "a", "!=", "b", "x", "&&", "y", "||", "z"]
        );
        assert_eq!(lowers("O(n log n) or O(n^2)"), ["o(nlogn)", "or", "o(n^2)"]);
        assert_eq!(lowers("Θ(V + E)"), ["θ(v+e)"]);
        assert_eq!(stem("c++"), "c++");
    }

    #[test]
    fn big_o_notation_takes_the_stem_of_its_complexity_class() {
        let stems = |text: &str| -> Vec<String> {
            AnalyzedText::new(text)
                .tokens
                .iter()
                .map(|t| t.stem.clone())
                .collect()
        };
        assert_eq!(stems("O(log n) or logn"), [stem("log"), stem("or"), stem("log")]);
        assert_eq!(
            stems("O(n) O(1) O(n^2) Θ(2^n)"),
            [
                stem("linear"),
                stem("constant"),
                stem("quadratic"),
                stem("exponential")
            ]
        );
        // The word for a logarithm is the notation's word.
        assert_eq!(stems("logarithmic logarithms"), [stem("log"), stem("log")]);
        // Others keep their own form; a lone `n` or `1` is a word.
        assert_eq!(stems("O(n log n) n 1"), ["o(nlogn)", "n", "1"]);
    }

    #[test]
    fn code_does_not_break_prose() {
        // A full stop after code still ends the sentence.
        let t = AnalyzedText::new("I like C++. It is fast");
        assert_eq!(t.sentences.len(), 2);
        assert_eq!(words(&t, 0), ["i", "like", "c++"]);
        // Brackets of prose open an aside; those of big-O notation do not.
        let t = AnalyzedText::new("quick (see above) and O(n) here");
        assert_ne!(t.tokens[0].clause, t.tokens[1].clause);
        let o = t.tokens.iter().position(|t| t.lower == "o(n)").unwrap();
        assert_eq!(t.tokens[o - 1].clause, t.tokens[o].clause);
        assert_eq!(t.tokens[o].clause, t.tokens[o + 1].clause);
        // Prose in brackets is not big-O notation, nor is a word that only starts like it.
        assert_eq!(lowers("o(see above)"), ["o", "see", "above"]);
        assert_eq!(
            lowers("O(something quite long)"),
            ["o", "something", "quite", "long"]
        );
        // Dashes and hyphens as before.
        let t = AnalyzedText::new("a - b and fine-tune");
        assert_ne!(t.tokens[0].clause, t.tokens[1].clause);
        assert!(t.tokens[4].glued_to_previous);
        assert_eq!(lowers("a --> b ==== c"), ["a", "b", "c"]);
        // Emphasis and footnotes are not pointers; `!=` no longer ends a sentence.
        assert_eq!(lowers("**int** and important*"), ["int", "and", "important"]);
        assert_eq!(AnalyzedText::new("if a != b then").sentences.len(), 1);
        // A spaced arrow still separates two statements; a code arrow does not.
        let t = AnalyzedText::new("too costly -> LoRA");
        assert_ne!(t.tokens[1].clause, t.tokens[3].clause);
        let t = AnalyzedText::new("p->next");
        assert_eq!(t.tokens[0].clause, t.tokens[2].clause);
        // A sum is not code: `a ++ b` has no increment.
        assert_eq!(lowers("a ++ b"), ["a", "b"]);
    }
}
