//! Subjects: answers that discuss several things in turn ("BERT: ... T5: ... GPT: ...") are cut
//! into parts, so a concept scoped to one subject is looked for only where that subject is
//! discussed. Text before the first subject is shared by all of them ("None of them can").

use std::ops::Range;

use super::pattern::{find_phrase, find_regex, PhraseMatch};
use super::text::AnalyzedText;
use crate::rubric::{Pattern, Subject};

/// For each subject, the token ranges where it is discussed (its own parts and the shared
/// opening); `all` is the whole answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes {
    pub all: Vec<Range<usize>>,
    pub by_subject: Vec<Vec<Range<usize>>>,
}

impl Scopes {
    /// Only what stands from token `from` on: a retraction discards what came before it.
    pub fn clip_from(&mut self, from: usize) {
        let clip = |ranges: &mut Vec<Range<usize>>| {
            ranges.retain_mut(|r| {
                r.start = r.start.max(from);
                r.start < r.end
            });
        };
        clip(&mut self.all);
        self.by_subject.iter_mut().for_each(clip);
    }

    pub fn get(&self, subject: Option<usize>) -> &[Range<usize>] {
        match subject {
            Some(s) => &self.by_subject[s],
            None => &self.all,
        }
    }
}

/// Find every match of a pattern in `scope`.
pub fn find(pattern: &Pattern, text: &AnalyzedText, scope: &[Range<usize>]) -> Vec<PhraseMatch> {
    match pattern {
        Pattern::Phrase(p) => find_phrase(p, text, scope),
        Pattern::Regex { regex, .. } => find_regex(regex, text, scope),
    }
}

/// Cut the answer at the places where a subject is introduced: a subject named at the start
/// of a sentence or of a clause (terse lists: "BERT masked LM, T5 span corruption, GPT next
/// token"), or followed by a colon or dash (`T5: yes`).
pub fn scopes(text: &AnalyzedText, subjects: &[Subject]) -> Scopes {
    let n = text.tokens.len();
    let all = std::iter::once(0..n).collect::<Vec<_>>();
    if subjects.is_empty() {
        return Scopes {
            all,
            by_subject: Vec::new(),
        };
    }
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for (index, subject) in subjects.iter().enumerate() {
        for pattern in &subject.names {
            for m in find(pattern, text, &all) {
                if introduces(text, &m.tokens) {
                    starts.push((m.tokens.start, index));
                }
            }
        }
    }
    starts.sort();
    starts.dedup_by_key(|(at, _)| *at);
    let shared_end = starts.first().map_or(n, |(at, _)| *at);
    let mut by_subject: Vec<Vec<Range<usize>>> = vec![Vec::new(); subjects.len()];
    for (i, (at, subject)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(n, |(next, _)| *next);
        by_subject[*subject].push(*at..end);
    }
    for ranges in &mut by_subject {
        if shared_end > 0 {
            ranges.insert(0, 0..shared_end);
        }
    }
    Scopes { all, by_subject }
}

fn introduces(text: &AnalyzedText, mention: &Range<usize>) -> bool {
    let first = mention.start;
    if text.sentence_of(first).start == first || text.clause_of(first).start == first {
        return true;
    }
    let after = &text.text[text.tokens[mention.end - 1].end..];
    let next = after.trim_start_matches([' ', '\t', '*', '_']).chars().next();
    matches!(next, Some(':' | '-' | '\u{2013}' | '\u{2014}' | '=' | '\u{2192}'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::pattern::{Phrase, SynonymGroups};

    fn subjects() -> Vec<Subject> {
        ["bert", "t5", "gpt"]
            .iter()
            .map(|id| Subject {
                id: id.to_string(),
                names: vec![Pattern::Phrase(Phrase::parse(id, &SynonymGroups::new()).unwrap())],
            })
            .collect()
    }

    fn parts(answer: &str) -> Vec<Vec<String>> {
        let text = AnalyzedText::new(answer);
        let scopes = scopes(&text, &subjects());
        scopes
            .by_subject
            .iter()
            .map(|ranges| {
                ranges
                    .iter()
                    .map(|r| text.quote(r.start, r.end).2.to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_terse_list_attributes_each_item_to_its_subject() {
        let p = parts("BERT masked LM, T5 span corruption, GPT next token");
        assert_eq!(p[0], ["BERT masked LM"]);
        assert_eq!(p[1], ["T5 span corruption"]);
        assert_eq!(p[2], ["GPT next token"]);
    }

    #[test]
    fn colon_labels_and_sentence_openings_start_a_part() {
        let p = parts("BERT: no, needs a head. T5 is text-to-text. GPT: same as T5, prompt it.");
        assert_eq!(p[0], ["BERT: no, needs a head"]);
        assert_eq!(p[1], ["T5 is text-to-text"]);
        assert_eq!(p[2], ["GPT: same as T5, prompt it"]);
    }

    #[test]
    fn text_before_any_subject_is_shared() {
        let p = parts("None of them can. All three need to be finetuned.");
        assert_eq!(p[0], p[1]);
        assert_eq!(p[0], ["None of them can. All three need to be finetuned"]);
    }
}
