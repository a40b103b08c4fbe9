//! The syntax of question labels at the start of a line, before any rubric is consulted: the
//! Markdown decoration around them, the label's parts, and where the answer text starts.
//! Whether a label names a question is decided by the splitter, with the rubric's paths.

use super::path::{roman_value, Part};

/// The Markdown around a line's start: heading `#`s, list markers, bold/italic markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decoration {
    /// Byte offset where the label (or text) starts.
    pub start: usize,
    pub heading: bool,
    pub emphasis: bool,
}

/// Skip the decoration at the start of a line.
pub(crate) fn decoration(line: &str) -> Decoration {
    let mut deco = Decoration {
        start: 0,
        heading: false,
        emphasis: false,
    };
    loop {
        let rest = &line[deco.start..];
        let trimmed = rest.trim_start();
        deco.start += rest.len() - trimmed.len();
        let followed_by_space = |n: usize| trimmed[n..].chars().next().is_none_or(char::is_whitespace);
        let hashes = trimmed.bytes().take_while(|b| *b == b'#').count();
        if hashes > 0 && followed_by_space(hashes) {
            deco.heading = true;
            deco.start += hashes;
        } else if trimmed.starts_with("**") || trimmed.starts_with("__") {
            deco.emphasis = true;
            deco.start += 2;
        } else if trimmed.starts_with(['-', '*', '+', '>']) && followed_by_space(1) {
            if trimmed.len() == 1 {
                return deco;
            }
            deco.start += 1;
        } else if trimmed.starts_with(['*', '_']) {
            deco.emphasis = true;
            deco.start += 1;
        } else {
            return deco;
        }
    }
}

/// One part of a label as written: a number, or letters that may be a letter or a numeral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Num(u32),
    /// Lowercase letters: a single letter, or a roman numeral.
    Alpha(String),
}

impl Token {
    /// The parts this token may stand for; `i`, `v` and `x` may be a letter or a numeral.
    pub fn interpretations(&self) -> Vec<Part> {
        match self {
            Token::Num(n) => vec![Part::Num(*n)],
            Token::Alpha(s) => {
                let mut parts = Vec::new();
                let mut chars = s.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    parts.push(Part::Letter(c));
                    if !matches!(c, 'i' | 'v' | 'x') {
                        return parts;
                    }
                }
                parts.extend(roman_value(s).map(Part::Roman));
                parts
            }
        }
    }
}

/// How a run of the label's first tokens ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RunEnd {
    /// Byte offset just after the run's last token.
    pub label_end: usize,
    /// Where the answer text starts, when the run is followed by a valid ending (a terminator
    /// such as `:`, `.`, `)`, ` -`, closing `**`, then whitespace or the end of the line).
    pub text_start: Option<usize>,
    /// Whether the ending has punctuation (`1.` rather than a bare `1`).
    pub punctuated: bool,
}

/// A label-shaped start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LabelSyntax {
    /// Introduced by `Question`, `Problem`, `Part`, `Q`, ...
    pub keyword: bool,
    /// Starts with a number (`1c`); otherwise relative (`(c)`, `ii.`).
    pub absolute: bool,
    pub tokens: Vec<Token>,
    /// `runs[k]` ends the run of the first `k + 1` tokens.
    pub runs: Vec<RunEnd>,
}

/// Keywords that may introduce a label, longest first among shared prefixes.
const KEYWORDS: &[&str] = &["question", "problem", "prob", "exercise", "ex", "part", "q"];

/// Parse the label at the start of `s` (a line with its decoration removed), if any.
pub(crate) fn parse_label(s: &str) -> Option<LabelSyntax> {
    let head = s.get(..4).unwrap_or(s);
    if head.eq_ignore_ascii_case("i.e.") || head.eq_ignore_ascii_case("e.g.") {
        // Abbreviations, however much they look like `i.` `e.` sub-labels.
        return None;
    }
    let mut p = Parser { s, pos: 0 };
    let keyword = p.keyword();
    let mut tokens = Vec::new();
    let mut ends = Vec::new();
    let mut bare = Vec::new();
    let absolute = match p.number() {
        Some(n) => {
            tokens.push(Token::Num(n));
            ends.push(p.pos);
            bare.push(false);
            true
        }
        None => {
            let (first, was_bare) = p.relative_start()?;
            tokens.extend(first);
            ends.resize(tokens.len(), p.pos);
            bare.resize(tokens.len(), was_bare);
            false
        }
    };
    loop {
        let previous_alpha = matches!(tokens.last(), Some(Token::Alpha(_)));
        let Some(separator) = p.separator() else {
            break;
        };
        let allow_spaced_bare = previous_alpha || keyword || separator == Separator::Part;
        let adjacent_to_number =
            separator == Separator::Adjacent && matches!(tokens.last(), Some(Token::Num(_)));
        match p.part(separator, allow_spaced_bare, adjacent_to_number) {
            Some((parts, was_bare)) => {
                tokens.extend(parts);
                ends.resize(tokens.len(), p.pos);
                bare.resize(tokens.len(), was_bare);
            }
            None => break,
        }
    }
    let runs = ends
        .iter()
        .zip(&bare)
        .map(|(&end, &was_bare)| {
            let need_punct = !absolute && !keyword && was_bare;
            let (text_start, punctuated) = match ending(s, end) {
                Some((start, punct)) if punct || !need_punct => (Some(start), punct),
                _ => (None, false),
            };
            RunEnd {
                label_end: end,
                text_start,
                punctuated,
            }
        })
        .collect();
    Some(LabelSyntax {
        keyword,
        absolute,
        tokens,
        runs,
    })
}

/// What comes between two parts of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    /// Nothing: `1c`, `(c)(ii)`.
    Adjacent,
    /// `-`, `.`, `_` or a dash: `1c-ii`, `1.c.ii`.
    Punct,
    /// Whitespace: `1c ii`, `Question 1 (c)`.
    Space,
    /// `, part ` or ` part `: `Problem 1, part (c)`.
    Part,
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_spaces(&mut self) -> usize {
        let rest = self.rest();
        let n = rest.len() - rest.trim_start().len();
        self.pos += n;
        n
    }

    /// Consume a keyword (`Question`, `Q.`, `Problem #`) if a label part follows it.
    fn keyword(&mut self) -> bool {
        let rest = self.rest();
        let Some(word) = KEYWORDS.iter().find(|k| {
            rest.get(..k.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(k))
        }) else {
            return false;
        };
        let start = self.pos;
        self.pos += word.len();
        if self.rest().starts_with('.') {
            self.pos += 1;
        }
        self.skip_spaces();
        if self.rest().starts_with('#') {
            self.pos += 1;
            self.skip_spaces();
        }
        let ok = match self.peek() {
            Some(c) if c.is_ascii_digit() || c == '(' => true,
            Some(c) if c.is_ascii_alphabetic() => *word == "part" && self.pos > start + 4,
            _ => false,
        };
        if !ok {
            self.pos = start;
        }
        ok
    }

    fn number(&mut self) -> Option<u32> {
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 4 {
            return None;
        }
        let n = self.rest()[..digits].parse().ok()?;
        self.pos += digits;
        Some(n)
    }

    fn alpha_run(&mut self) -> Option<String> {
        let len = self.rest().bytes().take_while(u8::is_ascii_alphabetic).count();
        if len == 0 {
            return None;
        }
        let run = self.rest()[..len].to_ascii_lowercase();
        self.pos += len;
        Some(run)
    }

    /// `(x)` or a bare `x` starting a relative label; the flag says it was bare.
    fn relative_start(&mut self) -> Option<(Vec<Token>, bool)> {
        if let Some(token) = self.paren() {
            return Some((vec![token], false));
        }
        let run = self.alpha_run()?;
        single_or_roman(&run).map(|t| (vec![t], true))
    }

    /// `(x)`: one letter or a roman numeral in parentheses.
    fn paren(&mut self) -> Option<Token> {
        let start = self.pos;
        if !self.rest().starts_with('(') {
            return None;
        }
        self.pos += 1;
        let token = self.alpha_run().and_then(|run| single_or_roman(&run));
        match token {
            Some(token) if self.rest().starts_with(')') => {
                self.pos += 1;
                Some(token)
            }
            _ => {
                self.pos = start;
                None
            }
        }
    }

    fn separator(&mut self) -> Option<Separator> {
        let start = self.pos;
        let source = self.s;
        let rest = &source[self.pos..];
        let starts_part = |s: &str| s.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '(');
        for dash in ["-", ".", "_", "–", "—"] {
            if let Some(after) = rest.strip_prefix(dash) {
                if starts_part(after) {
                    self.pos += dash.len();
                    return Some(Separator::Punct);
                }
            }
        }
        // `1c. (i)`: a full stop, spaces, then a parenthesised part.
        if let Some(after) = rest.strip_prefix('.') {
            let trimmed = after.trim_start_matches([' ', '\t']);
            if trimmed.len() < after.len() && trimmed.starts_with('(') {
                self.pos += 1 + (after.len() - trimmed.len());
                return Some(Separator::Space);
            }
        }
        if rest.starts_with(',') {
            self.pos += 1;
            self.skip_spaces();
            self.part_word();
            return starts_part(self.rest()).then_some(Separator::Part).or_else(|| {
                self.pos = start;
                None
            });
        }
        if self.skip_spaces() > 0 {
            let separator = if self.part_word() {
                Separator::Part
            } else {
                Separator::Space
            };
            if starts_part(self.rest()) {
                return Some(separator);
            }
            self.pos = start;
            return None;
        }
        starts_part(rest).then_some(Separator::Adjacent)
    }

    /// Consume `part ` / `pt. ` if present.
    fn part_word(&mut self) -> bool {
        let start = self.pos;
        for word in ["part", "pt.", "pt"] {
            if self
                .rest()
                .get(..word.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(word))
            {
                self.pos += word.len();
                if self.skip_spaces() > 0 {
                    return true;
                }
                self.pos = start;
            }
        }
        false
    }

    /// One label part after a separator; the flag says it was bare (not in parentheses).
    fn part(
        &mut self,
        separator: Separator,
        allow_spaced_bare: bool,
        adjacent_to_number: bool,
    ) -> Option<(Vec<Token>, bool)> {
        if let Some(token) = self.paren() {
            return Some((vec![token], false));
        }
        if separator == Separator::Punct {
            if let Some(n) = self.number() {
                return Some((vec![Token::Num(n)], true));
            }
        }
        if separator == Separator::Space && !allow_spaced_bare {
            return None;
        }
        let run = self.alpha_run()?;
        if adjacent_to_number && run.len() > 1 {
            // `1cii`: a letter, then a numeral.
            let (letter, numeral) = run.split_at(1);
            roman_value(numeral)?;
            return Some((
                vec![Token::Alpha(letter.to_owned()), Token::Alpha(numeral.to_owned())],
                true,
            ));
        }
        single_or_roman(&run).map(|t| (vec![t], true))
    }
}

fn single_or_roman(run: &str) -> Option<Token> {
    (run.len() == 1 || roman_value(run).is_some()).then(|| Token::Alpha(run.to_owned()))
}

/// After a label: optional closing emphasis and one terminator, then whitespace or the end.
/// Returns where the answer text starts and whether there was a terminator.
fn ending(s: &str, at: usize) -> Option<(usize, bool)> {
    let mut i = at;
    let mut punctuated = false;
    for _ in 0..2 {
        i += closers(&s[i..]);
        if !punctuated {
            if let Some(n) = terminator(&s[i..]) {
                i += n;
                punctuated = true;
            }
        }
    }
    i += closers(&s[i..]);
    let rest = &s[i..];
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    Some((i + rest.len() - rest.trim_start().len(), punctuated))
}

fn closers(s: &str) -> usize {
    s.bytes().take_while(|b| *b == b'*' || *b == b'_').count()
}

fn terminator(s: &str) -> Option<usize> {
    if s.starts_with([':', '.', ')']) {
        return Some(1);
    }
    let spaces = s.len() - s.trim_start_matches([' ', '\t']).len();
    let after_spaces = &s[spaces..];
    ["-", "–", "—"].iter().find_map(|dash| {
        let after = after_spaces.strip_prefix(dash)?;
        after
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
            .then_some(spaces + dash.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alpha(s: &str) -> Token {
        Token::Alpha(s.to_owned())
    }

    /// The tokens of the longest run with a valid ending, and the answer text after it.
    fn longest(line: &str) -> Option<(Vec<Token>, String, &str)> {
        let deco = decoration(line);
        let s = &line[deco.start..];
        let syntax = parse_label(s)?;
        let k = syntax.runs.iter().rposition(|r| r.text_start.is_some())?;
        let run = syntax.runs[k];
        Some((
            syntax.tokens[..=k].to_vec(),
            s[..run.label_end].to_owned(),
            &s[run.text_start.unwrap()..],
        ))
    }

    #[test]
    fn decoration_is_skipped() {
        let d = decoration("### Question 1 (a)");
        assert_eq!((d.start, d.heading, d.emphasis), (4, true, false));
        let d = decoration("**2(a)**");
        assert_eq!((d.start, d.heading, d.emphasis), (2, false, true));
        let d = decoration("  - *1a)* text");
        assert_eq!((d.start, d.heading, d.emphasis), (5, false, true));
        assert_eq!(decoration("#hashtag").start, 0);
    }

    #[test]
    fn every_absolute_form_parses_to_its_parts() {
        let c_ii = vec![Token::Num(1), alpha("c"), alpha("ii")];
        for form in [
            "1c-ii",
            "1(c)(ii)",
            "1c ii",
            "1.c.ii",
            "1c.ii",
            "Q1c-ii",
            "Q1c-ii:",
            "Question 1 (c) (ii)",
            "Question 1(c)(ii)",
            "Problem 1, part (c)(ii)",
            "Problem 1 part c ii",
            "Part 1(c)(ii)",
            "question 1 (C) (II)",
            "1cii",
            "1c–ii",
        ] {
            let line = format!("{form} answer");
            let (tokens, label, text) = longest(&line).unwrap_or_else(|| panic!("{form}"));
            assert_eq!(tokens, c_ii, "{form}");
            assert_eq!(label, form.trim_end_matches(':'), "{form}");
            assert_eq!(text, "answer", "{form}");
        }
    }

    #[test]
    fn terminators_and_decoration_around_labels() {
        for (line, label, text) in [
            ("**2(a)**", "2(a)", ""),
            ("**2(a)** Yes", "2(a)", "Yes"),
            ("**Q1a:** No", "Q1a", "No"),
            ("### Question 1 (a)", "Question 1 (a)", ""),
            ("#### 1.c.i", "1.c.i", ""),
            ("Q1a: No", "Q1a", "No"),
            ("1a) No", "1a", "No"),
            ("1a. No", "1a", "No"),
            ("1a - No", "1a", "No"),
            ("1a – No", "1a", "No"),
            ("1(c)(iii). linear", "1(c)(iii)", "linear"),
            ("3b-ii - BERT", "3b-ii", "BERT"),
            ("1(a). Yes", "1(a)", "Yes"),
            ("1c)", "1c", ""),
            ("3b.", "3b", ""),
            ("Problem 1, part (c):", "Problem 1, part (c)", ""),
        ] {
            let (_, got_label, got_text) = longest(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!((got_label.as_str(), got_text), (label, text), "{line}");
        }
    }

    #[test]
    fn relative_forms_parse() {
        for (line, tokens, text) in [
            ("(a) It depends", vec![alpha("a")], "It depends"),
            ("a) It depends", vec![alpha("a")], "It depends"),
            ("a. It depends", vec![alpha("a")], "It depends"),
            ("(i) soft", vec![alpha("i")], "soft"),
            ("i) b, full FT", vec![alpha("i")], "b, full FT"),
            ("i. full", vec![alpha("i")], "full"),
            ("  (iv) Full", vec![alpha("iv")], "Full"),
            ("(b)(i) BERT", vec![alpha("b"), alpha("i")], "BERT"),
            ("(iii) (a) linear", vec![alpha("iii"), alpha("a")], "linear"),
        ] {
            let (got, _, got_text) = longest(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!((got, got_text), (tokens, text), "{line}");
        }
        // Every shorter run with a valid ending is offered too.
        let s = parse_label("(iii) (a) linear").unwrap();
        assert!(s.runs.iter().all(|r| r.text_start.is_some()));
    }

    #[test]
    fn prose_is_not_a_label() {
        for line in [
            "a linear probe",
            "i.e. the encoder",
            "I think so",
            "Quick answer",
            "Part of the answer",
            "BERT: yes",
            "(I did section 2 first)",
            "1cats",
        ] {
            let deco = decoration(line);
            let found =
                parse_label(&line[deco.start..]).filter(|s| s.runs.iter().any(|r| r.text_start.is_some()));
            assert_eq!(found, None, "{line}");
        }
    }

    #[test]
    fn i_v_and_x_may_be_letters_or_numerals() {
        assert_eq!(alpha("i").interpretations(), [Part::Letter('i'), Part::Roman(1)]);
        assert_eq!(alpha("c").interpretations(), [Part::Letter('c')]);
        assert_eq!(alpha("iv").interpretations(), [Part::Roman(4)]);
    }
}
