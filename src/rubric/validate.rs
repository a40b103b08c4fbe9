//! Raw rubric → validated rubric. Collects every problem with its span before giving up, so
//! an author fixes them all in one pass.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::RegexBuilder;
use toml::Spanned;

use super::error::{Diagnostics, Problem, RubricError, Severity};
use super::model::*;
use super::raw::*;
use crate::ids::{Points, QuestionId};
use crate::matching::pattern::{self, allowed_edits, Phrase, SynonymGroups, Word};

/// Compiled regexes may not grow past this (bytes), so a rubric cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub fn validate(path: &Path, text: &str, raw: RawRubric) -> Result<Rubric, RubricError> {
    let mut v = Validator {
        text,
        synonyms: raw.synonyms.clone(),
        problems: Vec::new(),
        edition: Edition::Staff,
    };
    v.edition = v.edition(&raw.edition);
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

    let policy = v.policy(&raw.policy, &Policy::default());
    let mut seen_questions = BTreeSet::new();
    let mut questions = Vec::new();
    v.check_totals(&raw.questions);
    for q in &raw.questions {
        if !seen_questions.insert(q.id.get_ref().clone()) {
            v.problem(&q.id, format!("duplicate question id `{}`", q.id.get_ref()));
        }
        if let Some(question) = v.question(q, &option_sets, &policy) {
            questions.push(question);
        }
    }
    if raw.questions.is_empty() {
        v.problems
            .push(Problem::error(None, "the rubric has no `[[question]]`"));
    }

    let lint_ids: Vec<_> = raw.questions.iter().map(|q| q.id.clone()).collect();
    v.warn_label_collisions(&lint_ids);
    v.warn_unused_synonyms(&raw);

    v.problems.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    let (errors, warnings): (Vec<Problem>, Vec<Problem>) = v
        .problems
        .into_iter()
        .partition(|p| p.severity == Severity::Error);
    if errors.is_empty() {
        Ok(Rubric {
            path: path.to_path_buf(),
            source: text.to_string(),
            warnings,
            edition: v.edition,
            assignment: Assignment {
                id: raw.assignment.id,
                title: raw.assignment.title,
                course: raw.assignment.course,
            },
            questions,
        })
    } else {
        let mut problems = errors;
        problems.extend(warnings);
        problems.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
        problems.dedup();
        Err(RubricError::Invalid(Diagnostics {
            path: path.to_path_buf(),
            text: text.to_string(),
            problems,
        }))
    }
}

/// How the phrase `source` writes the word `lower` (its case), if it writes it alone.
fn as_written<'s>(source: &'s str, lower: &str) -> Option<&'s str> {
    source
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '[' | ']' | '(' | ')'))
        .find(|w| w.to_lowercase() == lower)
}

/// Whether a word is written as an abbreviation: capitals after its first letter (`CNNs`,
/// `LoRA`), or a digit (`GPT2`). Its forms do not matter; its exact letters do.
fn is_abbreviation(written: &str) -> bool {
    written.chars().skip(1).any(|c| c.is_uppercase()) || written.chars().any(|c| c.is_ascii_digit())
}

/// The most points one question (or concept, or deduction) may be worth.
pub const MAX_POINTS: f64 = 10_000.0;
/// The most points a whole rubric may be worth.
pub const MAX_TOTAL_POINTS: f64 = 100_000.0;
/// The most questions a rubric may have.
pub const MAX_QUESTIONS: usize = 1_000;
/// The largest `max_words`.
pub const MAX_WORDS: usize = 1_000_000;

struct Validator<'t> {
    text: &'t str,
    synonyms: SynonymGroups,
    problems: Vec<Problem>,
    edition: Edition,
}

impl Validator<'_> {
    fn problem<T>(&mut self, at: &Spanned<T>, message: String) {
        self.problems.push(Problem::error(Some(at.span()), message));
    }

    fn points(&mut self, at: &Spanned<f64>) -> Points {
        let value = *at.get_ref();
        if !value.is_finite() || value < 0.0 {
            self.problem(at, format!("points must be a number of 0 or more, not {value}"));
        } else if value > MAX_POINTS {
            self.problem(at, format!("points must be at most {MAX_POINTS}, not {value}"));
        }
        // Kept in range even when reported, so that checking the rest cannot overflow.
        Points::from_f64(if value.is_nan() {
            0.0
        } else {
            value.clamp(0.0, MAX_POINTS)
        })
    }

    /// What the rubric as a whole may ask for: how many questions, how many points in all.
    fn check_totals(&mut self, questions: &[RawQuestion]) {
        if let Some(q) = questions.get(MAX_QUESTIONS) {
            self.problem(
                &q.id,
                format!(
                    "a rubric may have at most {MAX_QUESTIONS} questions; this is question {}",
                    MAX_QUESTIONS + 1
                ),
            );
        }
        let mut total = 0.0;
        for q in questions {
            let points = *q.points.get_ref();
            if points.is_finite() && points > 0.0 {
                total += points.min(MAX_POINTS);
            }
            if total > MAX_TOTAL_POINTS {
                self.problem(
                    &q.points,
                    format!(
                        "the questions up to this one are worth more than {MAX_TOTAL_POINTS} points in all"
                    ),
                );
                break;
            }
        }
    }

    fn max_words(&mut self, q: &RawQuestion) -> Option<usize> {
        let written = q.max_words.as_ref()?;
        let words = *written.get_ref();
        if words > MAX_WORDS {
            self.problem(
                written,
                format!("max_words must be at most {MAX_WORDS}, not {words}"),
            );
        }
        Some(words.min(MAX_WORDS))
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
            Ok(phrase) => {
                self.warn_weak_phrase(written, &phrase);
                if let Some(why) = pattern::ambiguous_alternation(source) {
                    self.warning(written, why);
                }
                for item in pattern::words_without_synonyms(source) {
                    // `item` is a piece of `source`: point at it, not at the whole string
                    let at = item.as_ptr() as usize - source.as_ptr() as usize;
                    let span = self.span_inside(written, source, at..at + item.len());
                    self.problems.push(Problem::warning(
                        Some(span),
                        format!(
                            "the thesaurus knows no synonym of `{}`: `{item}` matches only the word itself",
                            &item[2..item.len() - 1]
                        ),
                    ));
                }
                Some(Pattern::Phrase(phrase))
            }
            Err(e) => {
                let message = format!("invalid phrase `{source}`: {e}");
                match e.offset() {
                    // Pointed at inside the string, as a regex's syntax error is.
                    Some(at) => {
                        let span = self.span_inside(written, source, at..at + 1);
                        self.problems.push(Problem::error(Some(span), message));
                    }
                    None => self.problem(written, message),
                }
                None
            }
        }
    }

    /// Compile `body`, a regular expression written as (part of) the TOML string `written`.
    /// A syntax error points at its place inside the pattern, as the regex parser reports it.
    fn regex(&mut self, written: &Spanned<String>, body: &str) -> Option<Pattern> {
        if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(body) {
            let span = self.span_inside(written, body, e.span().start.offset..e.span().end.offset);
            self.problems.push(Problem::error(
                Some(span),
                format!("invalid regular expression: {}", e.kind()),
            ));
            return None;
        }
        match RegexBuilder::new(body)
            .case_insensitive(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
        {
            Ok(regex) => Some({
                self.warn_weak_regex(written, &regex);
                Pattern::Regex {
                    source: written.get_ref().clone(),
                    regex,
                }
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

    /// One question: its subjects, concepts, misconceptions, exclusive groups and worked
    /// examples, each checked against the others; problems are reported in that order.
    fn question(
        &mut self,
        q: &RawQuestion,
        option_sets: &BTreeMap<String, Vec<(String, Vec<Pattern>)>>,
        assignment_policy: &Policy,
    ) -> Option<Question> {
        let max = self.points(&q.points);
        let subjects = self.subjects(q);
        let ids = self.unique_concept_ids(q);
        let concept_ids: Vec<String> = q.concepts.iter().map(|c| c.id.get_ref().clone()).collect();
        // Every concept is checked, so that one that cannot be built hides no other's problems.
        let built: Vec<Option<Concept>> = q
            .concepts
            .iter()
            .map(|c| self.concept(c, q, max, &subjects, option_sets, &concept_ids))
            .collect();
        let concepts: Vec<Concept> = built.into_iter().collect::<Option<_>>()?;
        let misconceptions = q
            .misconceptions
            .iter()
            .map(|m| self.misconception(m, &subjects, &concept_ids))
            .collect();
        let exclusive = self.exclusive_groups(q, &concept_ids);
        match self.edition {
            Edition::Staff => self.check_points_reachable(q, max, &concepts, &exclusive),
            // Its concepts were dropped on purpose: nothing to warn about, but nothing of the
            // key may have been left in.
            Edition::Student => self.check_student_edition_question(q, &concepts),
        }
        // An example may name one idea of a coverage concept as `concept.idea`.
        let mut ids = ids;
        for concept in &concepts {
            if let ConceptRule::Coverage(coverage) = &concept.rule {
                ids.extend(coverage.ideas.iter().map(|i| format!("{}.{}", concept.id, i.id)));
            }
        }
        let examples = q.examples.iter().map(|e| self.example(e, q, max, &ids)).collect();
        Some(Question {
            id: QuestionId(q.id.get_ref().clone()),
            max,
            prompt: q.prompt.trim().to_string(),
            prompt_stems: crate::matching::echo::stems(&q.prompt),
            visibility: self.visibility(&q.visibility),
            max_words: self.max_words(q),
            over_max_words: self.long_answers(q),
            extra_labels: q.labels.clone(),
            subjects,
            concepts,
            misconceptions,
            exclusive,
            examples,
            policy: match &q.policy {
                Some(own) => self.policy(own, assignment_policy),
                None => assignment_policy.clone(),
            },
        })
    }

    /// A `policy` table over `base`: each field it sets replaces the base's; terms add.
    fn policy(&mut self, raw: &RawPolicy, base: &Policy) -> Policy {
        let mut policy = base.clone();
        if let Some(word) = &raw.hedging {
            policy.hedging = self.setting(word, "hedging", Hedging::NAMES, Hedging::parse, base.hedging);
        }
        if let Some(word) = &raw.keyword_lists {
            policy.keyword_lists = self.setting(
                word,
                "keyword_lists",
                KeywordLists::NAMES,
                KeywordLists::parse,
                base.keyword_lists,
            );
        }
        if let Some(word) = &raw.echo {
            policy.echo = self.setting(word, "echo", Echo::NAMES, Echo::parse, base.echo);
        }
        if let Some(word) = &raw.alternatives {
            policy.alternatives = self.setting(
                word,
                "alternatives",
                Alternatives::NAMES,
                Alternatives::parse,
                base.alternatives,
            );
        }
        for term in &raw.terms {
            let words = crate::matching::cues::term_words(term.get_ref());
            if words.is_empty() {
                self.problem(term, format!("term `{}` has no words", term.get_ref()));
            } else if !policy.terms.contains(&words) {
                policy.terms.push(words);
            }
        }
        policy
    }

    fn setting<T: Copy>(
        &mut self,
        word: &Spanned<String>,
        field: &str,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
        fallback: T,
    ) -> T {
        parse(word.get_ref()).unwrap_or_else(|| {
            let expected: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            self.problem(
                word,
                format!(
                    "{field} `{}` is not one of {}",
                    word.get_ref(),
                    expected.join(", ")
                ),
            );
            fallback
        })
    }

    fn subjects(&mut self, q: &RawQuestion) -> Vec<Subject> {
        q.subjects
            .iter()
            .map(|(id, names)| Subject {
                id: id.clone(),
                names: self.patterns(names),
            })
            .collect()
    }

    /// The index of a concept's or misconception's `subject`, reported when undeclared.
    fn subject_index(&mut self, subjects: &[Subject], s: &Option<Spanned<String>>) -> Option<usize> {
        let s = s.as_ref()?;
        let found = subjects.iter().position(|x| &x.id == s.get_ref());
        if found.is_none() {
            self.problem(
                s,
                format!("unknown subject `{}` (declare it in `subjects`)", s.get_ref()),
            );
        }
        found
    }

    /// The ids of the question's concepts and misconceptions, each duplicate reported.
    fn unique_concept_ids(&mut self, q: &RawQuestion) -> BTreeSet<String> {
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
        ids
    }

    /// One concept; `None` when its rule cannot be built (the problem is already reported).
    fn concept(
        &mut self,
        c: &RawConcept,
        q: &RawQuestion,
        max: Points,
        subjects: &[Subject],
        option_sets: &BTreeMap<String, Vec<(String, Vec<Pattern>)>>,
        concept_ids: &[String],
    ) -> Option<Concept> {
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
        let subject = self.subject_index(subjects, &c.subject);
        let rule = match &c.ideas {
            Some(ideas) => self.coverage_rule(c, ideas, points)?,
            None => self.concept_rule(c, option_sets, concept_ids)?,
        };
        let partial = c.partial.as_ref().filter(|_| c.ideas.is_none()).map(|p| {
            let partial_points = self.points(&p.points);
            if partial_points > points {
                self.problem(
                    &p.points,
                    format!("partial credit ({partial_points}) is more than the concept's {points} points"),
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
        let visibility = self.visibility(&c.visibility);
        Some(Concept {
            id: c.id.get_ref().clone(),
            points,
            subject,
            rule,
            partial,
            visibility,
            practice: self.practice(c, q, visibility),
            hit_feedback: c.hit.clone(),
            miss_feedback: c.miss.clone(),
        })
    }

    fn misconception(
        &mut self,
        m: &RawMisconception,
        subjects: &[Subject],
        concept_ids: &[String],
    ) -> Misconception {
        let subject = self.subject_index(subjects, &m.subject);
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
                    .map_or(Cancels::Question, |c| self.cancels(c, concept_ids)),
            ),
            (Some(d), Some(_)) => {
                self.problem(
                    d,
                    "a misconception either `deduct`s points or `cancels` concepts, not both".into(),
                );
                MisconceptionEffect::Cancel(Cancels::Question)
            }
        };
        Misconception {
            id: m.id.get_ref().clone(),
            subject,
            patterns,
            effect,
            feedback: m.feedback.clone(),
        }
    }

    /// The `exclusive` groups as concept indices, unknown ids reported.
    fn exclusive_groups(&mut self, q: &RawQuestion, concept_ids: &[String]) -> Vec<Vec<usize>> {
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
        exclusive
    }

    /// Warns when no answer can earn the question's points: no concepts, or too few points.
    fn check_points_reachable(
        &mut self,
        q: &RawQuestion,
        max: Points,
        concepts: &[Concept],
        exclusive: &[Vec<usize>],
    ) {
        if concepts.is_empty() {
            self.warning(
                &q.id,
                format!(
                    "question `{}` has no concepts, so every answer scores 0",
                    q.id.get_ref()
                ),
            );
            return;
        }
        let reachable = reachable_points(concepts, exclusive);
        if reachable < max {
            self.warning(
                &q.points,
                format!(
                    "question `{}` is worth {max} points, but its concepts can earn at most {reachable}",
                    q.id.get_ref()
                ),
            );
        }
    }

    /// One worked example, its score and concept ids checked against the question.
    fn example(&mut self, e: &RawExample, q: &RawQuestion, max: Points, ids: &BTreeSet<String>) -> Example {
        let score = self.points(&e.score);
        if score > max {
            self.problem(
                &e.score,
                format!(
                    "example score {score} is above question `{}`'s {max}",
                    q.id.get_ref()
                ),
            );
        }
        for id in e.hits.iter().chain(&e.misses) {
            if !ids.contains(id.get_ref()) {
                self.problem(
                    id,
                    format!(
                        "unknown concept `{}` in question `{}`'s example",
                        id.get_ref(),
                        q.id.get_ref()
                    ),
                );
            }
        }
        let line = self.text[..e.answer.span().start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1;
        Example {
            line,
            answer: e.answer.get_ref().clone(),
            score,
            hits: e.hits.iter().map(|h| h.get_ref().clone()).collect(),
            misses: e.misses.iter().map(|m| m.get_ref().clone()).collect(),
            why: e.why.clone(),
        }
    }

    fn long_answers(&mut self, q: &RawQuestion) -> LongAnswers {
        let Some(w) = &q.over_max_words else {
            return LongAnswers::Flag;
        };
        match w.get_ref().as_str() {
            "flag" => LongAnswers::Flag,
            "truncate" => LongAnswers::Truncate,
            other => {
                self.problem(w, format!("over_max_words `{other}` is not `flag` or `truncate`"));
                LongAnswers::Flag
            }
        }
    }

    /// A coverage concept (`ideas = [...]`): its ideas, each with patterns and a unique id, and
    /// its `credit`; keys that belong to other kinds of concept are refused.
    fn coverage_rule(
        &mut self,
        c: &RawConcept,
        ideas: &Spanned<Vec<Spanned<RawIdea>>>,
        points: Points,
    ) -> Option<ConceptRule> {
        let id = c.id.get_ref();
        let spans = |list: &[Spanned<String>]| list.first().map(Spanned::span);
        for (field, at) in [
            ("match", spans(&c.phrases)),
            ("regex", spans(&c.regex)),
            ("negated", spans(&c.negated)),
            ("choose", c.choose.as_ref().map(Spanned::span)),
            ("from", c.from.as_ref().map(Spanned::span)),
            ("accept", spans(&c.accept)),
            ("wrong_cancels", c.wrong_cancels.as_ref().map(Spanned::span)),
        ] {
            if let Some(span) = at {
                self.problems.push(Problem::error(
                    Some(span),
                    format!(
                        "concept `{id}` has `ideas`, so it takes no `{field}`: give each idea its own patterns"
                    ),
                ));
            }
        }
        if !c.options.is_empty() {
            self.problem(
                &c.id,
                format!("concept `{id}` has `ideas`, so it takes no `options`"),
            );
        }
        if let Some(partial) = &c.partial {
            self.problem(
                &partial.points,
                format!(
                    "concept `{id}` has `ideas`, so it takes no `partial`: it earns by the ideas \
                     covered (`credit = {{ k = points }}` sets the points for k ideas)"
                ),
            );
        }
        if ideas.get_ref().is_empty() {
            self.problem(ideas, format!("concept `{id}` has an empty `ideas` list"));
            return None;
        }
        let mut seen = BTreeSet::new();
        let mut compiled = Vec::new();
        for (n, written) in ideas.get_ref().iter().enumerate() {
            let idea = written.get_ref();
            let idea_id = idea
                .id
                .as_ref()
                .map_or_else(|| format!("idea-{}", n + 1), |i| i.get_ref().clone());
            if !seen.insert(idea_id.clone()) {
                match &idea.id {
                    Some(at) => self.problem(at, format!("duplicate idea id `{idea_id}` in concept `{id}`")),
                    None => self.problem(
                        written,
                        format!(
                            "duplicate idea id `{idea_id}` (the default for idea {}) in concept `{id}`",
                            n + 1
                        ),
                    ),
                }
            }
            if idea.id.is_none() && idea.miss.is_none() {
                self.warning(
                    written,
                    format!(
                        "idea {} of concept `{id}` has no `id` and no `miss` text: feedback can only \
                         call it `{idea_id}`",
                        n + 1
                    ),
                );
            }
            if idea.phrases.is_empty() && idea.regex.is_empty() && idea.negated.is_empty() {
                self.problem(
                    written,
                    format!("idea `{idea_id}` of concept `{id}` has nothing to match: give `match`, `regex` or `negated`"),
                );
            }
            let mut asserted = self.patterns(&idea.phrases);
            asserted.extend(self.regexes(&idea.regex));
            let negated = self.patterns(&idea.negated);
            compiled.push(Idea {
                id: idea_id,
                patterns: PatternSet { asserted, negated },
                hit_feedback: idea.hit.clone(),
                miss_feedback: idea.miss.clone(),
            });
        }
        let reported = self.problems.len();
        let credit = match &c.credit {
            None => Credit::Proportional,
            Some(written) => self.credit(written, id, compiled.len(), points),
        };
        let coverage = Coverage {
            ideas: compiled,
            credit,
        };
        // Only of thresholds that are otherwise right: a wrong one is reported already.
        let most = coverage.most(points);
        let well_formed = self.problems.len() == reported;
        if let (Some(written), true) = (&c.credit, well_formed && most < points) {
            self.warning(
                written,
                format!("concept `{id}` is worth {points} points, but covering every idea earns {most}"),
            );
        }
        Some(ConceptRule::Coverage(coverage))
    }

    /// `credit`: `"proportional"`, or thresholds `{ k = points }` with k in 1..=`ideas` and
    /// points that rise with k and stay within the concept's.
    fn credit(&mut self, written: &Spanned<RawCredit>, id: &str, ideas: usize, points: Points) -> Credit {
        let table = match written.get_ref() {
            RawCredit::Word(w) if w == "proportional" => return Credit::Proportional,
            RawCredit::Word(w) => {
                self.problem(
                    written,
                    format!(
                        "credit `{w}` is not `\"proportional\"` or a table of thresholds `{{ k = points }}`"
                    ),
                );
                return Credit::Proportional;
            }
            RawCredit::Thresholds(table) => table,
        };
        if table.is_empty() {
            self.problem(written, format!("concept `{id}` has no credit thresholds"));
            return Credit::Proportional;
        }
        let mut steps = Vec::new();
        for (key, value) in table {
            let at = self.key_span(written.span(), key);
            let k = key.parse::<usize>().ok().filter(|k| (1..=ideas).contains(k));
            let Some(k) = k else {
                self.problems.push(Problem::error(
                    Some(at.clone()),
                    format!("credit threshold `{key}` is not a number of ideas from 1 to {ideas}"),
                ));
                continue;
            };
            // `1` and `01` are one threshold: two would break the strictly rising steps.
            if let Some((_, _, _, same)) = steps.iter().find(|(k0, _, _, _)| *k0 == k) {
                self.problems.push(Problem::error(
                    Some(at),
                    format!("credit threshold `{key}` is the same number of ideas as `{same}`"),
                ));
                continue;
            }
            let earned = if !value.is_finite() || *value < 0.0 {
                self.problems.push(Problem::error(
                    Some(at.clone()),
                    format!("points must be a number of 0 or more, not {value}"),
                ));
                Points::ZERO
            } else {
                Points::from_f64(value.min(MAX_POINTS))
            };
            if earned > points {
                self.problems.push(Problem::error(
                    Some(at.clone()),
                    format!("covering {k} ideas earns {earned} points, more than concept `{id}`'s {points}"),
                ));
            }
            steps.push((k, earned, at, key));
        }
        steps.sort_by_key(|(k, _, _, _)| *k);
        for pair in steps.windows(2) {
            let ((k0, p0, _, _), (k1, p1, at, _)) = (&pair[0], &pair[1]);
            if p1 <= p0 {
                self.problems.push(Problem::error(
                    Some(at.clone()),
                    format!(
                        "covering {k1} ideas earns {p1} points, but covering {k0} already earns {p0}: \
                         points must rise with the number of ideas"
                    ),
                ));
            }
        }
        Credit::Thresholds(steps.into_iter().map(|(k, p, _, _)| (k, p)).collect())
    }

    /// Where key `key` stands inside the table written at `span` (TOML keys carry no span of
    /// their own); the whole table when it cannot be told.
    fn key_span(&self, span: std::ops::Range<usize>, key: &str) -> std::ops::Range<usize> {
        let Some(table) = self.text.get(span.clone()) else {
            return span;
        };
        let pattern = format!(r#"[{{,\s]["']?{}["']?\s*="#, regex::escape(key));
        match regex::Regex::new(&pattern).ok().and_then(|r| r.find(table)) {
            Some(found) => {
                let start = span.start + found.start() + 1;
                start..start + key.len()
            }
            None => span,
        }
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
                ("credit", c.credit.is_some()),
            ] {
                if present {
                    self.problem(
                        &c.id,
                        format!(
                            "concept `{}` sets `{field}`, which only a {} uses",
                            c.id.get_ref(),
                            if field == "credit" {
                                "coverage concept (`ideas = [...]`)"
                            } else {
                                "choice (`choose = ...`)"
                            }
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

    fn visibility(&mut self, written: &Option<Spanned<String>>) -> Visibility {
        let Some(w) = written else {
            return Visibility::Visible;
        };
        Visibility::parse(w.get_ref()).unwrap_or_else(|| {
            self.problem(
                w,
                format!(
                    "visibility `{}` is not one of `visible`, `hidden`, `after-due`",
                    w.get_ref()
                ),
            );
            Visibility::Visible
        })
    }

    fn edition(&mut self, written: &Option<Spanned<String>>) -> Edition {
        let Some(w) = written else {
            return Edition::Staff;
        };
        Edition::parse(w.get_ref()).unwrap_or_else(|| {
            self.problem(
                w,
                format!("edition `{}` is not one of `staff`, `student`", w.get_ref()),
            );
            Edition::Staff
        })
    }

    /// `practice = true`, refused where the concept or its question is kept from students:
    /// practice concepts are exactly what the student edition hands out.
    fn practice(&mut self, c: &RawConcept, q: &RawQuestion, visibility: Visibility) -> bool {
        let Some(written) = &c.practice else {
            return false;
        };
        if !*written.get_ref() {
            return false;
        }
        let question_visibility = q
            .visibility
            .as_ref()
            .and_then(|v| Visibility::parse(v.get_ref()))
            .unwrap_or_default();
        let withheld = [(visibility, "concept"), (question_visibility, "question")]
            .into_iter()
            .find(|(v, _)| *v != Visibility::Visible);
        if let Some((v, what)) = withheld {
            let v = match v {
                Visibility::Hidden => "hidden",
                _ => "after-due",
            };
            self.problem(
                written,
                format!(
                    "concept `{}` is released for practice, but its {what} is `{v}`: a \
                     practice concept is shown to students before the due date",
                    c.id.get_ref()
                ),
            );
        }
        true
    }

    /// A student edition may hold nothing of the key: only practice concepts, no
    /// misconceptions, no worked examples.
    fn check_student_edition_question(&mut self, q: &RawQuestion, concepts: &[Concept]) {
        for (raw, concept) in q.concepts.iter().zip(concepts) {
            if !concept.practice {
                self.problem(
                    &raw.id,
                    format!(
                        "concept `{}` is in a student edition but not released for practice \
                         (`practice = true`)",
                        concept.id
                    ),
                );
            }
        }
        for m in &q.misconceptions {
            self.problem(
                &m.id,
                format!("a student edition holds no misconceptions (`{}`)", m.id.get_ref()),
            );
        }
        for e in &q.examples {
            self.problem(&e.answer, "a student edition holds no worked examples".into());
        }
    }

    fn warning<T>(&mut self, at: &Spanned<T>, message: String) {
        self.problems.push(Problem::warning(Some(at.span()), message));
    }

    /// A phrase of one common word matches nearly every answer; a single short word matched
    /// by edit distance matches too many others.
    fn warn_weak_phrase(&mut self, written: &Spanned<String>, phrase: &Phrase) {
        let [slot] = phrase.slots.as_slice() else { return };
        if written.get_ref().contains('{') {
            return; // a synonym group's members are the group's business, not this phrase's
        }
        for alternative in &slot.alternatives {
            let [word] = alternative.as_slice() else { continue };
            match word {
                Word::Fuzzy { lower, .. } | Word::Exact(lower) if COMMON_WORDS.contains(&lower.as_str()) => {
                    self.warning(
                        written,
                        format!(
                            "`{}` matches the common word `{lower}`, found in almost any answer",
                            written.get_ref()
                        ),
                    );
                }
                Word::Fuzzy { lower, .. }
                    if allowed_edits(lower.chars().count()) > 0 && lower.chars().count() <= 5 =>
                {
                    let allowance = allowed_edits(lower.chars().count());
                    let fix = match as_written(written.get_ref(), lower) {
                        Some(abbreviation) if is_abbreviation(abbreviation) => {
                            format!("write `={abbreviation}` to match the abbreviation exactly")
                        }
                        _ => format!(
                            "write `+{lower}` to match its forms (stem, inflections) but no misspelling"
                        ),
                    };
                    self.warning(
                        written,
                        format!(
                            "`{lower}` is short enough that a misspelling allowance of {allowance} edit matches many other words; {fix}"
                        ),
                    );
                }
                Word::Prefix(p) if p.chars().count() < 3 => {
                    self.warning(written, format!("`{p}*` matches every word starting with `{p}`"));
                }
                _ => {}
            }
        }
    }

    fn warn_weak_regex(&mut self, written: &Spanned<String>, regex: &regex::Regex) {
        if regex.is_match("") {
            self.warning(
                written,
                format!(
                    "`{}` matches the empty string, so it matches every answer",
                    written.get_ref()
                ),
            );
        } else if let Some(word) = COMMON_WORDS
            .iter()
            .find(|w| regex.find(w).is_some_and(|m| m.as_str() == **w))
        {
            self.warning(
                written,
                format!(
                    "`{}` matches the common word `{word}`, found in almost any answer",
                    written.get_ref()
                ),
            );
        }
    }

    /// Two questions that students would label the same way cannot both be found.
    fn warn_label_collisions(&mut self, ids: &[Spanned<String>]) {
        let paths: Vec<Option<Vec<crate::answers::Part>>> = ids
            .iter()
            .map(|id| crate::answers::parse_id(id.get_ref()))
            .collect();
        for (i, id) in ids.iter().enumerate() {
            for (j, other) in ids.iter().enumerate().take(i) {
                let (Some(a), Some(b)) = (&paths[i], &paths[j]) else {
                    continue;
                };
                if a == b && id.get_ref() != other.get_ref() {
                    self.warning(
                        id,
                        format!(
                            "question `{}` has the same labels as `{}` (both read as {})",
                            id.get_ref(),
                            other.get_ref(),
                            crate::answers::display_path(a)
                        ),
                    );
                } else if a.len() != b.len() && (a.starts_with(b) || b.starts_with(a)) {
                    let (parent, child) = if a.len() < b.len() {
                        (id, other)
                    } else {
                        (other, id)
                    };
                    self.warning(
                        id,
                        format!(
                            "question `{}` is also a parent of `{}`: a label `{}` could start either",
                            parent.get_ref(),
                            child.get_ref(),
                            parent.get_ref()
                        ),
                    );
                }
            }
        }
    }

    fn warn_unused_synonyms(&mut self, raw: &RawRubric) {
        let used = |name: &str| {
            let reference = format!("{{{name}}}");
            self.text.contains(&reference)
        };
        for name in raw.synonyms.keys() {
            if !used(name) {
                let span = synonym_key_span(self.text, name);
                self.problems.push(Problem::warning(
                    span,
                    format!("synonym group `{name}` is never used"),
                ));
            }
        }
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

/// Words so common that a pattern matching one alone matches almost any answer.
const COMMON_WORDS: &[&str] = &[
    "the", "a", "an", "is", "are", "it", "of", "to", "and", "or", "in", "on", "for", "that", "this", "be",
    "with", "as", "by", "at", "you", "we", "i", "they", "its", "was", "can", "will",
];

/// The most a question's concepts can earn together: of each exclusive group, only the best.
fn reachable_points(concepts: &[Concept], exclusive: &[Vec<usize>]) -> Points {
    let mut total: Points = concepts.iter().map(Concept::most).sum();
    for group in exclusive {
        let best = group
            .iter()
            .map(|&i| concepts[i].most())
            .max()
            .unwrap_or(Points::ZERO);
        let all: Points = group.iter().map(|&i| concepts[i].most()).sum();
        total = total - all + best;
    }
    total
}

/// Where `name = [...]` stands under `[synonyms]`, found in the text (TOML keys carry no span).
fn synonym_key_span(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let table = text.find("[synonyms]")?;
    let pattern = format!(r#"(?m)^[ \t]*"?{}"?[ \t]*="#, regex::escape(name));
    let found = regex::Regex::new(&pattern).ok()?.find_at(text, table)?;
    let start = found.start()
        + text[found.start()..]
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(0);
    Some(start..start + name.len())
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
            "r.toml:9:10: error: concept `c` is worth 2 points, more than question `1a`'s 1"
        );
        assert_eq!(
            p[1],
            "r.toml:10:11: error: invalid regular expression: unclosed group"
        );
        assert_eq!(p[2], "r.toml:12:6: error: duplicate question id `1a`");
        assert_eq!(
            p[3],
            "r.toml:17:10: error: invalid phrase `{nosuch} word`: unknown synonym group `nosuch`"
        );
    }

    #[test]
    fn what_a_rubric_may_ask_for_is_bounded() {
        let question = |id: usize, points: &str| {
            format!("[[question]]\nid = \"q{id}\"\npoints = {points}\n[[question.concept]]\nid = \"c\"\npoints = 1\nmatch = [\"x\"]\n")
        };
        let huge = format!("{HEAD}{}", question(1, "92233720368547758"));
        assert_eq!(
            problems(&huge)[0],
            "r.toml:6:10: error: points must be at most 10000, not 92233720368547760"
        );
        let many = format!(
            "{HEAD}{}",
            (0..11).map(|i| question(i, "10000")).collect::<String>()
        );
        let found = problems(&many);
        let total =
            "r.toml:76:10: error: the questions up to this one are worth more than 100000 points in all";
        assert!(found.iter().any(|p| p == total), "{found:?}");
        let long = format!("{HEAD}{}", question(1, "1\nmax_words = 1000001"));
        let found = problems(&long);
        let words = "r.toml:7:13: error: max_words must be at most 1000000, not 1000001";
        assert!(found.iter().any(|p| p == words), "{found:?}");
        let questions = format!(
            "{HEAD}{}",
            (0..1001).map(|i| question(i, "1")).collect::<String>()
        );
        let found = problems(&questions);
        assert!(
            found.iter().any(
                |p| p.ends_with("error: a rubric may have at most 1000 questions; this is question 1001")
            ),
            "{found:?}"
        );
        assert!(problems(&format!("{HEAD}{}", question(1, "10000"))).is_empty());
    }

    #[test]
    fn unknown_keys_and_syntax_errors_name_the_place() {
        let p = problems(&format!(
            "{HEAD}[[question]]\nid = \"1a\"\npoints = 1\npionts = 2\n"
        ));
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("r.toml:7:1: error: unknown field `pionts`"),
            "{}",
            p[0]
        );
        let p = problems(&format!("{HEAD}[[question]\n"));
        assert!(p[0].starts_with("r.toml:4:"), "{}", p[0]);
    }

    #[test]
    fn choices_resolve_their_option_set() {
        let toml = format!("{HEAD}[options.m]\na = [\"linear probe\"]\nb = [\"full finetuning\"]\n[[question]]\nid = \"1c\"\npoints = 1\n[[question.concept]]\nid = \"pick\"\npoints = 1\nchoose = \"e\"\nfrom = \"m\"\n");
        let p = problems(&toml);
        assert_eq!(p, ["r.toml:13:10: error: `e` is not one of the options (a, b)"]);
    }

    fn warnings(toml: &str) -> Vec<String> {
        let rubric = parse(Path::new("r.toml"), toml).unwrap_or_else(|e| panic!("{e}"));
        rubric
            .warning_diagnostics()
            .to_string()
            .lines()
            .map(String::from)
            .collect()
    }

    #[test]
    fn lint_warnings_point_at_their_cause() {
        let toml = format!(
            "{HEAD}[synonyms]\nunused = [\"x\"]\n[[question]]\nid = \"1a\"\npoints = 3\n[[question.concept]]\nid = \"c\"\npoints = 1\nmatch = [\"the\", \"close\", \"/x*/\", \"/\\\\ban\\\\b/\"]\n[[question]]\nid = \"1.a\"\npoints = 1\n"
        );
        let w = warnings(&toml);
        assert_eq!(
            w,
            [
                "r.toml:5:1: warning: synonym group `unused` is never used",
                "r.toml:8:10: warning: question `1a` is worth 3 points, but its concepts can earn at most 1",
                "r.toml:12:10: warning: `the` matches the common word `the`, found in almost any answer",
                "r.toml:12:17: warning: `close` is short enough that a misspelling allowance of 1 edit matches many other words; write `+close` to match its forms (stem, inflections) but no misspelling",
                "r.toml:12:26: warning: `/x*/` matches the empty string, so it matches every answer",
                "r.toml:12:34: warning: `/\\ban\\b/` matches the common word `an`, found in almost any answer",
                "r.toml:14:6: warning: question `1.a` has no concepts, so every answer scores 0",
                "r.toml:14:6: warning: question `1.a` has the same labels as `1a` (both read as 1(a))",
            ],
            "{w:#?}"
        );
    }

    #[test]
    fn an_alternation_meant_for_several_words_is_reported() {
        let toml = format!(
            "{HEAD}[[question]]\nid = \"1a\"\npoints = 1\n[[question.concept]]\nid = \"c\"\npoints = 1\nmatch = [\"soft prompt|prompt tuning\", \"(soft prompt|prompt tuning)\", \"reconstruction task|objective\"]\n"
        );
        let w = warnings(&toml);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(
            w[0].starts_with("r.toml:10:10: warning: `prompt` appears twice")
                && w[0].ends_with("e.g. `(soft prompt|prompt tuning)`"),
            "{w:#?}"
        );
    }

    #[test]
    fn exclusive_concepts_count_once_towards_the_reachable_total() {
        let toml = format!(
            "{HEAD}[[question]]\nid = \"1a\"\npoints = 2\nexclusive = [[\"yes\", \"no\"]]\n[[question.concept]]\nid = \"yes\"\npoints = 1\nmatch = [\"yes\"]\n[[question.concept]]\nid = \"no\"\npoints = 1\nmatch = [\"nope\"]\n"
        );
        assert_eq!(
            warnings(&toml),
            ["r.toml:6:10: warning: question `1a` is worth 2 points, but its concepts can earn at most 1"]
        );
    }

    const COVERAGE: &str =
        "[[question]]\nid = \"1\"\npoints = 2\n[[question.concept]]\nid = \"why\"\npoints = 2\n";

    #[test]
    fn coverage_ideas_default_their_ids_and_credit() {
        let toml = format!(
            "{HEAD}{COVERAGE}ideas = [{{ match = [\"last in first out\"], miss = \"Say the order.\" }}, {{ id = \"top\", negated = [\"random access\"] }}]\n"
        );
        let rubric = parse(Path::new("r.toml"), &toml).unwrap_or_else(|e| panic!("{e}"));
        let crate::rubric::ConceptRule::Coverage(coverage) = &rubric.questions[0].concepts[0].rule else {
            panic!("not a coverage concept")
        };
        let ids: Vec<&str> = coverage.ideas.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["idea-1", "top"]);
        assert_eq!(coverage.credit, crate::rubric::Credit::Proportional);
        assert_eq!(coverage.ideas[1].patterns.negated.len(), 1);
        assert!(rubric.warnings.is_empty(), "{:?}", rubric.warnings);
    }

    #[test]
    fn an_idea_without_id_or_miss_text_is_worth_a_warning() {
        let toml = format!("{HEAD}{COVERAGE}ideas = [{{ match = [\"last in first out\"] }}]\n");
        assert_eq!(
            warnings(&toml),
            ["r.toml:10:10: warning: idea 1 of concept `why` has no `id` and no `miss` text: feedback can only call it `idea-1`"]
        );
    }

    #[test]
    fn coverage_mistakes_are_reported_where_they_stand() {
        let toml = format!(
            "{HEAD}{COVERAGE}ideas = [{{ id = \"a\", match = [\"top of stack\"] }}, {{ id = \"a\", regex = [\"lifo\"] }}, {{ id = \"c\" }}]\ncredit = {{ 0 = 1, 2 = 3, x = 1 }}\nchoose = \"yes\"\n"
        );
        assert_eq!(
            problems(&toml),
            [
                "r.toml:10:57: error: duplicate idea id `a` in concept `why`",
                "r.toml:10:82: error: idea `c` of concept `why` has nothing to match: give `match`, `regex` or `negated`",
                "r.toml:11:12: error: credit threshold `0` is not a number of ideas from 1 to 3",
                "r.toml:11:19: error: covering 2 ideas earns 3 points, more than concept `why`'s 2",
                "r.toml:11:26: error: credit threshold `x` is not a number of ideas from 1 to 3",
                "r.toml:12:10: error: concept `why` has `ideas`, so it takes no `choose`: give each idea its own patterns",
            ]
        );
        let empty = format!("{HEAD}{COVERAGE}ideas = []\n");
        assert_eq!(
            problems(&empty),
            ["r.toml:10:9: error: concept `why` has an empty `ideas` list"]
        );
        let number = format!("{HEAD}{COVERAGE}ideas = [{{ id = \"a\", match = [\"x y\"] }}]\ncredit = 3\n");
        assert_eq!(
            problems(&number)[0],
            "r.toml:11:10: error: invalid type: integer `3`, expected `\"proportional\"` or a table of thresholds `{ k = points }`"
        );
        let unknown = format!("{HEAD}{COVERAGE}ideas = [{{ id = \"a\", match = [\"x y\"], points = 1 }}]\n");
        assert!(
            problems(&unknown)[0].starts_with("r.toml:10:")
                && problems(&unknown)[0].contains("unknown field `points`"),
            "{:?}",
            problems(&unknown)
        );
    }

    #[test]
    fn a_credit_threshold_written_twice_is_an_error_where_it_stands() {
        let toml = format!(
            "{HEAD}{COVERAGE}ideas = [{{ id = \"a\", match = [\"top of stack\"] }}, {{ id = \"b\", match = [\"last in first out\"] }}]\ncredit = {{ 1 = 1, 01 = 2 }}\n"
        );
        // Keys come in text order (`01` before `1`): the second is the repeat.
        assert_eq!(
            problems(&toml),
            ["r.toml:11:12: error: credit threshold `1` is the same number of ideas as `01`"]
        );
    }

    #[test]
    fn a_coverage_concepts_reachable_points_are_what_all_its_ideas_earn() {
        let toml = format!(
            "{HEAD}{COVERAGE}ideas = [{{ id = \"a\", match = [\"top of stack\"] }}, {{ id = \"b\", match = [\"last in first out\"] }}]\ncredit = {{ 1 = 0.5, 2 = 1 }}\n"
        );
        assert_eq!(
            warnings(&toml),
            [
                "r.toml:6:10: warning: question `1` is worth 2 points, but its concepts can earn at most 1",
                "r.toml:11:10: warning: concept `why` is worth 2 points, but covering every idea earns 1",
            ]
        );
    }

    #[test]
    fn a_parent_question_collides_with_its_children() {
        let toml = format!("{HEAD}[[question]]\nid = \"1c\"\npoints = 1\n[[question.concept]]\nid = \"c\"\npoints = 1\nmatch = [\"yes\"]\n[[question]]\nid = \"1c-i\"\npoints = 1\n[[question.concept]]\nid = \"c\"\npoints = 1\nmatch = [\"yes\"]\n");
        assert_eq!(warnings(&toml), ["r.toml:12:6: warning: question `1c` is also a parent of `1c-i`: a label `1c` could start either"]);
    }

    #[test]
    fn unordered_phrase_errors_point_inside_the_pattern() {
        let toml = format!(
            "{HEAD}[[question]]\nid = \"1a\"\npoints = 1\n[[question.concept]]\nid = \"c\"\npoints = 1\nmatch = [\"[last first out\", \"[]\", \"[push pop]~x\", \"[a .. b]\", \"[last out]\"]\n"
        );
        assert_eq!(
            problems(&toml),
            [
                "r.toml:10:11: error: invalid phrase `[last first out`: `[` is never closed by a `]`",
                "r.toml:10:30: error: invalid phrase `[]`: `[]` holds no words",
                "r.toml:10:46: error: invalid phrase `[push pop]~x`: `~x` must be a number of words of 1 or more, e.g. `~8`",
                "r.toml:10:55: error: invalid phrase `[a .. b]`: `..` cannot stand inside `[...]`: its words may stand anywhere in the sentence, or within the window `~N`",
            ]
        );
    }

    #[test]
    fn a_short_fuzzy_word_is_told_to_be_stem_only_or_exact() {
        let toml = format!(
            "{HEAD}[[question]]\nid = \"1a\"\npoints = 1\n[[question.concept]]\nid = \"c\"\npoints = 1\nmatch = [\"stack\", \"LoRAs\", \"+stack\", \"=LoRAs\"]\n"
        );
        assert_eq!(
            warnings(&toml),
            [
                "r.toml:10:10: warning: `stack` is short enough that a misspelling allowance of 1 edit matches many other words; write `+stack` to match its forms (stem, inflections) but no misspelling",
                "r.toml:10:19: warning: `loras` is short enough that a misspelling allowance of 1 edit matches many other words; write `=LoRAs` to match the abbreviation exactly",
            ]
        );
    }
}
