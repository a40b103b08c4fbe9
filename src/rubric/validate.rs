//! Raw rubric → validated rubric. Collects every problem with its span before giving up, so
//! an author fixes them all in one pass.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::RegexBuilder;
use toml::Spanned;

use super::error::{Diagnostics, Problem, RubricError};
use super::model::*;
use super::raw::*;
use crate::ids::{Points, QuestionId};
use crate::matching::pattern::{Phrase, SynonymGroups};

/// Compiled regexes may not grow past this (bytes), so a rubric cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub fn validate(path: &Path, text: &str, raw: RawRubric) -> Result<Rubric, RubricError> {
    let mut v = Validator {
        text,
        synonyms: raw.synonyms.clone(),
        problems: Vec::new(),
    };
    let option_sets: BTreeMap<String, Vec<(String, Vec<Pattern>)>> = raw
        .options
        .iter()
        .map(|(name, options)| {
            let compiled = options
                .iter()
                .map(|(key, patterns)| (key.clone(), v.patterns(patterns)))
                .collect();
            (name.clone(), compiled)
        })
        .collect();

    let mut seen_questions = BTreeSet::new();
    let mut questions = Vec::new();
    for q in &raw.questions {
        if !seen_questions.insert(q.id.get_ref().clone()) {
            v.problem(&q.id, format!("duplicate question id `{}`", q.id.get_ref()));
        }
        if let Some(question) = v.question(q, &option_sets) {
            questions.push(question);
        }
    }
    if raw.questions.is_empty() {
        v.problems.push(Problem {
            span: None,
            message: "the rubric has no `[[question]]`".into(),
        });
    }

    if v.problems.is_empty() {
        Ok(Rubric {
            path: path.to_path_buf(),
            assignment: Assignment {
                id: raw.assignment.id,
                title: raw.assignment.title,
                course: raw.assignment.course,
            },
            questions,
        })
    } else {
        Err(RubricError::Invalid(Diagnostics {
            path: path.to_path_buf(),
            text: text.to_string(),
            problems: v.problems,
        }))
    }
}

struct Validator<'t> {
    text: &'t str,
    synonyms: SynonymGroups,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn problem<T>(&mut self, at: &Spanned<T>, message: String) {
        self.problems.push(Problem {
            span: Some(at.span()),
            message,
        });
    }

    fn points(&mut self, at: &Spanned<f64>) -> Points {
        let value = *at.get_ref();
        if !value.is_finite() || value < 0.0 {
            self.problem(at, format!("points must be a number of 0 or more, not {value}"));
        }
        Points::from_f64(value)
    }

    /// A pattern string: `/.../` is a regular expression, anything else a phrase.
    fn pattern(&mut self, written: &Spanned<String>) -> Option<Pattern> {
        let source = written.get_ref();
        if let Some(body) = source
            .strip_prefix('/')
            .and_then(|s| s.strip_suffix('/'))
            .filter(|b| !b.is_empty())
        {
            return self.regex(written, body);
        }
        match Phrase::parse(source, &self.synonyms) {
            Ok(phrase) => Some(Pattern::Phrase(phrase)),
            Err(e) => {
                self.problem(written, format!("invalid phrase `{source}`: {e}"));
                None
            }
        }
    }

    /// Compile `body`, a regular expression written as (part of) the TOML string `written`.
    /// A syntax error points at its place inside the pattern, as the regex parser reports it.
    fn regex(&mut self, written: &Spanned<String>, body: &str) -> Option<Pattern> {
        if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(body) {
            let span = self.span_inside(written, body, e.span().start.offset..e.span().end.offset);
            self.problems.push(Problem {
                span: Some(span),
                message: format!("invalid regular expression: {}", e.kind()),
            });
            return None;
        }
        match RegexBuilder::new(body)
            .case_insensitive(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
        {
            Ok(regex) => Some(Pattern::Regex {
                source: written.get_ref().clone(),
                regex,
            }),
            Err(e) => {
                let message = e.to_string();
                let reason = message
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim_start_matches("error: ")
                    .trim();
                self.problem(written, format!("invalid regular expression: {reason}"));
                None
            }
        }
    }

    /// The rubric span of bytes `inner` of `body`, itself a part of the string `written`; the
    /// whole string when escapes make the written text differ from its value.
    fn span_inside(
        &self,
        written: &Spanned<String>,
        body: &str,
        inner: std::ops::Range<usize>,
    ) -> std::ops::Range<usize> {
        let span = written.span();
        let value = written.get_ref();
        let raw = self.text.get(span.start + 1..span.end.saturating_sub(1));
        match (raw, value.find(body)) {
            (Some(raw), Some(at)) if raw == value => {
                let start = span.start + 1 + at + inner.start;
                start..(span.start + 1 + at + inner.end).max(start + 1)
            }
            _ => span,
        }
    }

    fn patterns(&mut self, written: &[Spanned<String>]) -> Vec<Pattern> {
        written.iter().filter_map(|w| self.pattern(w)).collect()
    }

    fn regexes(&mut self, written: &[Spanned<String>]) -> Vec<Pattern> {
        written
            .iter()
            .filter_map(|w| self.regex(w, w.get_ref()))
            .collect()
    }

    fn question(
        &mut self,
        q: &RawQuestion,
        option_sets: &BTreeMap<String, Vec<(String, Vec<Pattern>)>>,
    ) -> Option<Question> {
        let max = self.points(&q.points);
        let subjects: Vec<Subject> = q
            .subjects
            .iter()
            .map(|(id, names)| Subject {
                id: id.clone(),
                names: self.patterns(names),
            })
            .collect();
        let subject_index = |v: &mut Validator<'_>, s: &Option<Spanned<String>>| -> Option<usize> {
            let s = s.as_ref()?;
            let found = subjects.iter().position(|x| &x.id == s.get_ref());
            if found.is_none() {
                v.problem(
                    s,
                    format!("unknown subject `{}` (declare it in `subjects`)", s.get_ref()),
                );
            }
            found
        };

        let mut ids = BTreeSet::new();
        for id in q
            .concepts
            .iter()
            .map(|c| &c.id)
            .chain(q.misconceptions.iter().map(|m| &m.id))
        {
            if !ids.insert(id.get_ref().clone()) {
                self.problem(
                    id,
                    format!(
                        "duplicate concept id `{}` in question `{}`",
                        id.get_ref(),
                        q.id.get_ref()
                    ),
                );
            }
        }
        let concept_ids: Vec<String> = q.concepts.iter().map(|c| c.id.get_ref().clone()).collect();

        let mut concepts = Vec::new();
        for c in &q.concepts {
            let points = self.points(&c.points);
            if points > max {
                self.problem(
                    &c.points,
                    format!(
                        "concept `{}` is worth {points} points, more than question `{}`'s {max}",
                        c.id.get_ref(),
                        q.id.get_ref()
                    ),
                );
            }
            let subject = subject_index(self, &c.subject);
            let rule = self.concept_rule(c, option_sets, &concept_ids)?;
            let partial = c.partial.as_ref().map(|p| {
                let partial_points = self.points(&p.points);
                if partial_points > points {
                    self.problem(
                        &p.points,
                        format!(
                            "partial credit ({partial_points}) is more than the concept's {points} points"
                        ),
                    );
                }
                let mut patterns = self.patterns(&p.phrases);
                patterns.extend(self.regexes(&p.regex));
                PartialCredit {
                    points: partial_points,
                    patterns,
                    feedback: p.feedback.clone(),
                }
            });
            concepts.push(Concept {
                id: c.id.get_ref().clone(),
                points,
                subject,
                rule,
                partial,
                hit_feedback: c.hit.clone(),
                miss_feedback: c.miss.clone(),
            });
        }

        let mut misconceptions = Vec::new();
        for m in &q.misconceptions {
            let subject = subject_index(self, &m.subject);
            let mut patterns = self.patterns(&m.phrases);
            patterns.extend(self.regexes(&m.regex));
            if m.phrases.is_empty() && m.regex.is_empty() {
                self.problem(
                    &m.id,
                    format!("misconception `{}` has no `match` or `regex`", m.id.get_ref()),
                );
            }
            let effect = match (&m.deduct, &m.cancels) {
                (Some(d), None) => MisconceptionEffect::Deduct(self.points(d)),
                (None, cancels) => MisconceptionEffect::Cancel(
                    cancels
                        .as_ref()
                        .map_or(Cancels::Question, |c| self.cancels(c, &concept_ids)),
                ),
                (Some(d), Some(_)) => {
                    self.problem(
                        d,
                        "a misconception either `deduct`s points or `cancels` concepts, not both".into(),
                    );
                    MisconceptionEffect::Cancel(Cancels::Question)
                }
            };
            misconceptions.push(Misconception {
                id: m.id.get_ref().clone(),
                subject,
                patterns,
                effect,
                feedback: m.feedback.clone(),
            });
        }

        let mut exclusive = Vec::new();
        for group in &q.exclusive {
            let mut members = Vec::new();
            for id in group {
                match concept_ids.iter().position(|c| c == id.get_ref()) {
                    Some(i) => members.push(i),
                    None => self.problem(id, format!("unknown concept `{}` in `exclusive`", id.get_ref())),
                }
            }
            exclusive.push(members);
        }

        Some(Question {
            id: QuestionId(q.id.get_ref().clone()),
            max,
            prompt: q.prompt.trim().to_string(),
            extra_labels: q.labels.clone(),
            subjects,
            concepts,
            misconceptions,
            exclusive,
        })
    }

    fn concept_rule(
        &mut self,
        c: &RawConcept,
        option_sets: &BTreeMap<String, Vec<(String, Vec<Pattern>)>>,
        concept_ids: &[String],
    ) -> Option<ConceptRule> {
        let Some(choose) = &c.choose else {
            for (field, present) in [
                ("from", c.from.is_some()),
                ("options", !c.options.is_empty()),
                ("accept", !c.accept.is_empty()),
                ("wrong_cancels", c.wrong_cancels.is_some()),
            ] {
                if present {
                    self.problem(
                        &c.id,
                        format!(
                            "concept `{}` sets `{field}`, which only a choice (`choose = ...`) uses",
                            c.id.get_ref()
                        ),
                    );
                }
            }
            let mut asserted = self.patterns(&c.phrases);
            asserted.extend(self.regexes(&c.regex));
            let negated = self.patterns(&c.negated);
            if c.phrases.is_empty() && c.regex.is_empty() && c.negated.is_empty() {
                self.problem(
                    &c.id,
                    format!(
                        "concept `{}` has nothing to match: give `match`, `regex`, `negated` or `choose`",
                        c.id.get_ref()
                    ),
                );
            }
            return Some(ConceptRule::Patterns(PatternSet { asserted, negated }));
        };

        let mut options: Vec<(String, Vec<Pattern>)> = match &c.from {
            Some(from) => match option_sets.get(from.get_ref()) {
                Some(set) => set.clone(),
                None => {
                    self.problem(
                        from,
                        format!(
                            "unknown option set `{}` (declare it as `[options.{}]`)",
                            from.get_ref(),
                            from.get_ref()
                        ),
                    );
                    return None;
                }
            },
            None => Vec::new(),
        };
        for (key, extra) in &c.options {
            let compiled = self.patterns(extra);
            match options.iter_mut().find(|(k, _)| k == key) {
                Some((_, patterns)) => patterns.extend(compiled),
                None => options.push((key.clone(), compiled)),
            }
        }
        let Some(answer) = options.iter().position(|(k, _)| k == choose.get_ref()) else {
            let known: Vec<&str> = options.iter().map(|(k, _)| k.as_str()).collect();
            self.problem(
                choose,
                format!(
                    "`{}` is not one of the options ({})",
                    choose.get_ref(),
                    known.join(", ")
                ),
            );
            return None;
        };
        if !c.phrases.is_empty() || !c.regex.is_empty() || !c.negated.is_empty() {
            self.problem(
                &c.id,
                format!(
                    "choice `{}` takes `options` and `accept`, not `match`, `regex` or `negated`",
                    c.id.get_ref()
                ),
            );
        }
        let options = options
            .into_iter()
            .map(|(key, mut patterns)| {
                patterns.extend(letter_patterns(&key));
                ChoiceOption { key, patterns }
            })
            .collect();
        let accept = self.patterns(&c.accept);
        let wrong_cancels = c
            .wrong_cancels
            .as_ref()
            .map_or(Cancels::Nothing, |w| self.cancels(w, concept_ids));
        Some(ConceptRule::Choice(Choice {
            options,
            answer,
            accept,
            wrong_cancels,
        }))
    }

    fn cancels(&mut self, written: &Spanned<RawCancels>, concept_ids: &[String]) -> Cancels {
        match written.get_ref() {
            RawCancels::Word(w) if w == "question" => Cancels::Question,
            RawCancels::Word(w) => {
                self.problem(
                    written,
                    format!("expected `\"question\"` or a list of concept ids, found `\"{w}\"`"),
                );
                Cancels::Nothing
            }
            RawCancels::Concepts(ids) => {
                let mut indices = Vec::new();
                for id in ids {
                    match concept_ids.iter().position(|c| c == id) {
                        Some(i) => indices.push(i),
                        None => self.problem(written, format!("unknown concept `{id}`")),
                    }
                }
                Cancels::Concepts(indices)
            }
        }
    }
}

/// Options keyed by one letter (`a`..`d`) may be chosen by letter: `(d)` anywhere, or a bare
/// `d` opening the answer (`d, soft prompting`).
fn letter_patterns(key: &str) -> Vec<Pattern> {
    let mut chars = key.chars();
    let (Some(letter), None) = (chars.next(), chars.next()) else {
        return Vec::new();
    };
    if !letter.is_ascii_alphabetic() {
        return Vec::new();
    }
    let l = regex::escape(&letter.to_string());
    let source = format!(r"\({l}\)|\A\s*{l}\s*(?:[).,:;\-]|\z)");
    let regex = RegexBuilder::new(&source)
        .case_insensitive(true)
        .build()
        .expect("letter pattern is valid");
    vec![Pattern::Regex {
        source: format!("({letter})"),
        regex,
    }]
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{parse, RubricError};

    fn problems(toml: &str) -> Vec<String> {
        match parse(Path::new("r.toml"), toml) {
            Ok(_) => Vec::new(),
            Err(RubricError::Invalid(d)) => d.to_string().lines().map(String::from).collect(),
            Err(e) => vec![e.to_string()],
        }
    }

    const HEAD: &str = "[assignment]\nid = \"a\"\ntitle = \"A\"\n";

    #[test]
    fn a_valid_rubric_has_no_problems() {
        let toml = format!("{HEAD}[[question]]\nid = \"1a\"\npoints = 2\n[[question.concept]]\nid = \"no\"\npoints = 1\nmatch = [\"no\"]\n");
        assert!(problems(&toml).is_empty());
    }

    #[test]
    fn every_problem_is_reported_with_line_and_column() {
        let toml = format!(
            "{HEAD}[[question]]\nid = \"1a\"\npoints = 1\n[[question.concept]]\nid = \"c\"\npoints = 2\nregex = [\"(unclosed\"]\n[[question]]\nid = \"1a\"\npoints = 1\n[[question.concept]]\nid = \"d\"\npoints = 1\nmatch = [\"{{nosuch}} word\"]\n"
        );
        let p = problems(&toml);
        assert_eq!(p.len(), 4, "{p:#?}");
        assert_eq!(
            p[0],
            "r.toml:9:10: concept `c` is worth 2 points, more than question `1a`'s 1"
        );
        assert_eq!(p[1], "r.toml:10:11: invalid regular expression: unclosed group");
        assert_eq!(p[2], "r.toml:12:6: duplicate question id `1a`");
        assert_eq!(
            p[3],
            "r.toml:17:10: invalid phrase `{nosuch} word`: unknown synonym group `nosuch`"
        );
    }

    #[test]
    fn unknown_keys_and_syntax_errors_name_the_place() {
        let p = problems(&format!(
            "{HEAD}[[question]]\nid = \"1a\"\npoints = 1\npionts = 2\n"
        ));
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("r.toml:7:1: unknown field `pionts`"), "{}", p[0]);
        let p = problems(&format!("{HEAD}[[question]\n"));
        assert!(p[0].starts_with("r.toml:4:"), "{}", p[0]);
    }

    #[test]
    fn choices_resolve_their_option_set() {
        let toml = format!("{HEAD}[options.m]\na = [\"linear probe\"]\nb = [\"full finetuning\"]\n[[question]]\nid = \"1c\"\npoints = 1\n[[question.concept]]\nid = \"pick\"\npoints = 1\nchoose = \"e\"\nfrom = \"m\"\n");
        let p = problems(&toml);
        assert_eq!(p, ["r.toml:13:10: `e` is not one of the options (a, b)"]);
    }
}
