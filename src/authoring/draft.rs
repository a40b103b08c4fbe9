//! `rubricate draft`: a first rubric from an answer key. The key is read with the same label
//! forms as submissions ([`crate::answers`]); each question's reference answer is cut into
//! parts (`N pt:` items, or the whole answer), each part into clauses, each clause into key
//! terms (content words that the prompt does not already give), and each term becomes an
//! *idea* that an answer covers by using the term, one of its word forms or a synonym. A part
//! is a coverage concept of its ideas, credited by thresholds, beside a concept `any` that
//! earns the first idea's share ([`credit`]); the drafted TOML says, in comments, where each
//! idea came from, so a TA can edit it.
//!
//! The drafting is deliberately mechanical: it never looks at students' answers, only at the
//! key, so the same key always gives the same rubric.

use std::collections::BTreeSet;
use std::path::Path;

use thiserror::Error;

use crate::answers::{label_lines, POINT_WORDS};
use crate::ids::Points;
use crate::matching::cues::is_negator;
use crate::matching::pattern;
use crate::matching::text::AnalyzedText;
use crate::rubric::Alternatives;
use crate::submission::SourceLine;

/// Why a key could not be drafted from; each names the file (and line, where there is one).
#[derive(Debug, Error)]
pub enum DraftError {
    #[error("cannot read answer key `{path}`: {source}")]
    Unreadable { path: String, source: std::io::Error },
    #[error("{path}: no question labels found (such as `## 1`, `1a)`, `Q2:` or `Question 3`)")]
    NoLabels { path: String },
    #[error("{path}:{line}: question `{id}` has no reference answer under its label")]
    NoAnswer { path: String, line: usize, id: String },
    #[error(
        "{path}:{line}: question `{id}` has no points: write them on its label line \
         (`## {id} (5 points)`) or give `--points`"
    )]
    NoPoints { path: String, line: usize, id: String },
    #[error(
        "{path}:{line}: question `{id}` is labelled again (first on line {first}); \
         a key labels each question once"
    )]
    RepeatedLabel {
        path: String,
        line: usize,
        first: usize,
        id: String,
    },
}

/// One question of an answer key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyQuestion {
    pub id: String,
    /// The line of its label.
    pub line: usize,
    /// Points written on the label line (`## 3 (5 points)`, `3. [2 pts]`).
    pub points: Option<Points>,
    /// `(N pts each)` on a heading above it that is not itself a label.
    pub heading_points: Option<Points>,
    /// The question's text, from a `Question:` line or a heading label's own text.
    pub prompt: Option<String>,
    /// The reference answer, in parts: text under `N pt:` items keeps those points.
    pub parts: Vec<KeyPart>,
    /// Lines that describe grading rather than answer it (`Misconception: ...`, `Partial:`),
    /// kept as comments for the TA.
    pub notes: Vec<String>,
}

/// A piece of a reference answer, with the points the key gives it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPart {
    pub points: Option<Points>,
    pub text: String,
}

/// An answer key split into questions.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerKey {
    /// The key's path as given (for messages and the drafted rubric's comments).
    pub path: String,
    pub questions: Vec<KeyQuestion>,
}

/// Read and split an answer key.
pub fn read_key(path: &Path) -> Result<AnswerKey, DraftError> {
    let bytes = std::fs::read(path).map_err(|source| DraftError::Unreadable {
        path: path.display().to_string(),
        source,
    })?;
    parse_key(path, &crate::submission::decode(&bytes).text)
}

/// Split an answer key's text into questions (see the module's documentation).
pub fn parse_key(path: &Path, text: &str) -> Result<AnswerKey, DraftError> {
    let shown = path.display().to_string();
    let lines: Vec<SourceLine> = text
        .lines()
        .enumerate()
        .map(|(i, l)| SourceLine::new(i + 1, l))
        .collect();
    let labels = question_labels(&lines, label_lines(&lines));
    if labels.is_empty() {
        return Err(DraftError::NoLabels { path: shown });
    }
    let each = heading_points_by_line(&lines, &labels);
    let mut questions: Vec<KeyQuestion> = Vec::new();
    for (k, label) in labels.iter().enumerate() {
        // A question's text runs from its label to the next label or Markdown heading.
        let next = labels.get(k + 1).map_or(lines.len() + 1, |l| l.line);
        let mut text = label.text.clone();
        for line in &lines[label.line..next - 1] {
            if line.text.trim_start().starts_with('#') {
                break;
            }
            text.push('\n');
            text.push_str(&line.text);
        }
        let heading_label = lines[label.line - 1].text.trim_start().starts_with('#');
        let mut question = read_question(&label.id, label.line, &text, heading_label);
        question.heading_points = each.get(&label.line).copied().flatten();
        if question.parts.is_empty() {
            return Err(DraftError::NoAnswer {
                path: shown,
                line: label.line,
                id: label.id.clone(),
            });
        }
        if let Some(first) = questions.iter().find(|q| q.id == question.id) {
            return Err(DraftError::RepeatedLabel {
                path: shown,
                line: label.line,
                first: first.line,
                id: label.id.clone(),
            });
        }
        questions.push(question);
    }
    if questions.is_empty() {
        return Err(DraftError::NoLabels { path: shown });
    }
    Ok(AnswerKey {
        path: shown,
        questions,
    })
}

/// The form a label is written in: on a Markdown heading or not, the word before its number
/// (`q`, `question`, none) and the mark after it (`.`, `)`, `:`, none).
#[derive(Debug, Clone, PartialEq, Eq)]
struct LabelForm {
    heading: bool,
    word: String,
    mark: Option<char>,
}

fn label_form(line: &str, rest: &str) -> LabelForm {
    let trimmed = line.trim_start();
    let head = match rest.is_empty() {
        true => trimmed,
        false => trimmed.rfind(rest).map_or(trimmed, |i| &trimmed[..i]),
    };
    let body = head.trim_start_matches(['#', '-', '*', '+', '_', ' ', '\t']);
    let word: String = body
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    let mark = head
        .trim_end_matches(['*', '_', ' ', '\t'])
        .chars()
        .last()
        .filter(|c| matches!(c, '.' | ')' | ':'));
    LabelForm {
        heading: trimmed.starts_with('#'),
        word,
        mark,
    }
}

/// The label lines that start questions. A reference answer may hold lines shaped like labels
/// (a numbered list `1. push ...`, a line opening `3 threads share ...`), so after the start
/// of the key or a Markdown heading that is not a label, the first label sets the form the
/// questions are labelled in, and until the next such heading only labels of that form start
/// a question; the others are answer text. A heading label always starts a question.
fn question_labels(
    lines: &[SourceLine],
    labels: Vec<crate::answers::LabelLine>,
) -> Vec<crate::answers::LabelLine> {
    let label_at: BTreeSet<usize> = labels.iter().map(|l| l.line).collect();
    let mut labels = labels.into_iter().peekable();
    let mut form: Option<LabelForm> = None;
    let mut kept = Vec::new();
    for line in lines {
        if !label_at.contains(&line.number) {
            if line.text.trim_start().starts_with('#') {
                form = None;
            }
            continue;
        }
        let Some(label) = labels.next_if(|l| l.line == line.number) else {
            continue;
        };
        let this = label_form(&line.text, &label.text);
        match &form {
            // A heading label always starts a question (`## 2` after `1. ...` items).
            _ if this.heading => {
                form = Some(this);
                kept.push(label);
            }
            Some(f) if *f != this => {}
            Some(_) => kept.push(label),
            None => {
                form = Some(this);
                kept.push(label);
            }
        }
    }
    kept
}

/// For each label line, the `(N pts each)` of the last heading above it that is not a label
/// (a heading `## 1c-i, 1c-ii (1 pt each)` shares its points with the labels under it).
fn heading_points_by_line(
    lines: &[SourceLine],
    labels: &[crate::answers::LabelLine],
) -> std::collections::BTreeMap<usize, Option<Points>> {
    let label_at: BTreeSet<usize> = labels.iter().map(|l| l.line).collect();
    let mut current = None;
    let mut out = std::collections::BTreeMap::new();
    for line in lines {
        if label_at.contains(&line.number) {
            out.insert(line.number, current);
        } else if line.text.trim_start().starts_with('#') {
            current = points_in(&line.text)
                .filter(|(_, each, _)| *each)
                .map(|(p, _, _)| p);
        }
    }
    out
}

/// Points written in brackets on a line: `(5 points)`, `[2 pts]`, `(3 pts, 1 per model)`,
/// `(1 pt each)`; the points, whether they are "each", and the line without them.
fn points_in(line: &str) -> Option<(Points, bool, String)> {
    let bytes = line.as_bytes();
    for (open, close) in [('(', ')'), ('[', ']')] {
        let mut from = 0;
        while let Some(start) = line[from..].find(open).map(|i| i + from) {
            let Some(end) = line[start..].find(close).map(|i| i + start) else {
                break;
            };
            let inside = line[start + 1..end].trim();
            if let Some(points) = leading_points(inside) {
                let each = inside.to_lowercase().contains("each");
                let mut rest = String::from(line[..start].trim_end());
                let after = line[end + 1..].trim_start();
                if !rest.is_empty() && !after.is_empty() {
                    rest.push(' ');
                }
                rest.push_str(after);
                return Some((points, each, rest));
            }
            from = end + 1;
            if from >= bytes.len() {
                break;
            }
        }
    }
    None
}

/// `5 points`, `2 pts`, `1.5 marks` at the start of a text.
fn leading_points(text: &str) -> Option<Points> {
    let number: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let value: f64 = number.parse().ok()?;
    let word: String = text[number.len()..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    POINT_WORDS
        .contains(&word.as_str())
        .then(|| Points::from_f64(value))
}

/// `N pt:` / `N pts:` at the start of a list item: the item's points and its text.
fn item_points(line: &str) -> Option<(Points, &str)> {
    let colon = line.find(':')?;
    let head = line[..colon].trim();
    let points = leading_points(head)?;
    // Only the points before the colon: `1 pt: the reason`.
    let number_and_word = head.split_whitespace().count() == 2;
    number_and_word.then(|| (points, line[colon + 1..].trim()))
}

/// The line with its list marker and emphasis removed.
fn plain(line: &str) -> String {
    let trimmed = line.trim();
    let trimmed = trimmed
        .strip_prefix("- ")
        .or_else(|| trimmed.strip_prefix("* "))
        .or_else(|| trimmed.strip_prefix("+ "))
        .unwrap_or(trimmed);
    trimmed
        .replace("**", "")
        .replace("__", "")
        .replace('`', "")
        .trim()
        .to_owned()
}

/// `Question: ...`, `Answer: ...`: the marker (lower case) and the text after it.
fn marker(line: &str) -> Option<(&'static str, &str)> {
    const MARKERS: &[(&str, &str)] = &[
        ("question", "question"),
        ("prompt", "question"),
        ("q", "question"),
        ("answer", "answer"),
        ("reference answer", "answer"),
        ("reference", "answer"),
        ("model answer", "answer"),
        ("a", "answer"),
        ("misconception", "note"),
        ("misconceptions", "note"),
        ("partial", "note"),
        ("note", "note"),
        ("notes", "note"),
    ];
    let colon = line.find(':')?;
    let head = line[..colon].trim().to_lowercase();
    MARKERS
        .iter()
        .find(|(word, _)| *word == head)
        .map(|(_, kind)| (*kind, line[colon + 1..].trim()))
}

/// One question's text (the label line's rest, then the lines under it) read into a prompt,
/// parts and notes.
fn read_question(id: &str, line: usize, text: &str, heading_label: bool) -> KeyQuestion {
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or("");
    let (points, first) = match points_in(first) {
        Some((points, _, rest)) => (Some(points), rest),
        None => (None, first.to_owned()),
    };
    let first = plain(&first);
    let mut question = KeyQuestion {
        id: id.to_owned(),
        line,
        points,
        heading_points: None,
        prompt: None,
        parts: vec![KeyPart {
            points: None,
            text: String::new(),
        }],
        notes: Vec::new(),
    };
    enum Reading {
        Answer,
        Prompt,
        Note,
    }
    let mut reading = Reading::Answer;
    let mut title = None;
    let push = |question: &mut KeyQuestion, text: &str| {
        let part = question.parts.last_mut().expect("a part");
        if !part.text.is_empty() {
            part.text.push(' ');
        }
        part.text.push_str(text);
    };
    let all: Vec<String> = std::iter::once(first).chain(lines.map(plain)).collect();
    for (i, text) in all.iter().enumerate() {
        // A blank line ends a `Question:` or note paragraph.
        if text.is_empty() {
            reading = Reading::Answer;
            continue;
        }
        if let Some((kind, rest)) = marker(text) {
            match kind {
                "question" => {
                    question.prompt = Some(rest.to_owned());
                    reading = Reading::Prompt;
                }
                "answer" => {
                    reading = Reading::Answer;
                    push(&mut question, rest);
                }
                _ => {
                    question.notes.push(text.clone());
                    reading = Reading::Note;
                }
            }
            continue;
        }
        if let Some((points, rest)) = item_points(text) {
            question.parts.push(KeyPart {
                points: Some(points),
                text: rest.to_owned(),
            });
            reading = Reading::Answer;
            continue;
        }
        match reading {
            Reading::Prompt => {
                let prompt = question.prompt.get_or_insert_with(String::new);
                prompt.push(' ');
                prompt.push_str(text);
            }
            Reading::Note => {
                if let Some(note) = question.notes.last_mut() {
                    note.push(' ');
                    note.push_str(text);
                }
            }
            // A heading label's own text is the question's title, not its answer.
            Reading::Answer if i == 0 && heading_label => title = Some(text.clone()),
            Reading::Answer => push(&mut question, text),
        }
    }
    if question.prompt.is_none() {
        question.prompt = title;
    }
    question.parts.retain(|p| !p.text.trim().is_empty());
    for part in &mut question.parts {
        part.text = part.text.trim().to_owned();
    }
    question
}

// ------------------------------------------------------------------------------------------
// Drafting

/// How a draft is made.
#[derive(Debug, Clone, Copy, Default)]
pub struct DraftOptions {
    /// Points for a question whose label line gives none.
    pub points: Option<Points>,
    /// Draft for graders who give partial credit to every serious attempt (see
    /// [`TOPIC_WITH_ATTEMPTS`]).
    pub credit_attempts: bool,
}

/// The share of a part's ideas that earns all of its points. A reference answer states more
/// than a full-marks answer needs (graders give full marks to answers that make its main
/// points), so covering some of it is enough; less earns in proportion.
pub const FULL_COVERAGE: f64 = 0.4;

/// The share of a part's points that its first covered idea earns: an answer that makes one of
/// the reference's points is on the way, and graders credit it well above nothing.
pub const FIRST_IDEA: f64 = 0.4;

/// Under `--credit-attempts`, for a free-text question, the share of its points an answer on
/// the question's topic earns without any of its ideas; any other answer that is not a
/// non-answer earns [`FIRST_IDEA`]. Graders who credit attempts give an answer they cannot
/// place in the key a middle grade, and one on the topic more; the default draft gives the
/// first nothing and the second [`FIRST_IDEA`].
pub const TOPIC_WITH_ATTEMPTS: f64 = 0.6;

/// What an answer needs to be an attempt under `--credit-attempts`: a word of five letters or
/// more, a number, or two words (`O(n)`, "at the top"). One short word alone ("one", "no")
/// is not one, and a pattern that matched it would match common words, as lint warns.
const ATTEMPT_REGEX: &str = r"\w{5,}|\d|\w\W+\w";

/// A whole answer that says it has none ("not answered", "I don't know", "N/A"): under
/// `--credit-attempts` it earns no attempt's share. The whole answer only: "you don't know the
/// size in advance" is an answer.
const NON_ANSWER_REGEX: &str = r"(?i)^\W*(i\W+)?(not answered|no answer|did not answer|didn'?t answer|(do not|don'?t) know|not sure|no idea|no clue|dunno|idk|n/?a|skip(ped)?)\W*$";

/// The id of a free-text question's first-share concept.
const ANY: &str = "any";

/// What covering `k` of a part's `n` ideas earns of its `points`: nothing for none,
/// [`FIRST_IDEA`] of the points for the first, then in proportion up to all of them at
/// [`FULL_COVERAGE`] of the ideas. In whole points when the part's points are whole (as human
/// grades are), else to the hundredth.
pub fn credit(points: Points, k: usize, n: usize) -> Points {
    if k == 0 || n == 0 {
        return Points::ZERO;
    }
    let needed = (n as f64 * FULL_COVERAGE).ceil().max(1.0);
    let share = (FIRST_IDEA + (1.0 - FIRST_IDEA) * (k as f64 / needed)).min(1.0);
    rounded(points, points.as_f64() * share)
}

/// A part worth whole points is graded in whole points, as human grades are; any other in
/// hundredths.
fn graded_in_whole_points(points: Points) -> bool {
    points.hundredths() % 100 == 0
}

/// `value` points rounded as a part worth `points` is graded: to whole points when its points
/// are whole, else to the hundredth.
fn rounded(points: Points, value: f64) -> Points {
    if graded_in_whole_points(points) {
        Points::whole((value + 0.5).floor() as i64)
    } else {
        Points::from_f64(value)
    }
}

/// The first idea's share of a part (see [`credit`]), earned by the `any` concept.
fn first_share(points: Points) -> Points {
    rounded(points, points.as_f64() * FIRST_IDEA)
}

/// What a part's `any` concept earns: for its topic (any of its ideas, the question's subject,
/// the key's terms), and for an attempt (nothing unless attempts are credited). Covering ideas
/// earns what [`credit`] gives whatever these are: they only set what an answer with none earns.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shares {
    topic: Points,
    attempt: Points,
}

impl Shares {
    fn of(points: Points, credit_attempts: bool) -> Shares {
        let standard = Shares {
            topic: first_share(points),
            attempt: Points::ZERO,
        };
        let topic = rounded(points, points.as_f64() * TOPIC_WITH_ATTEMPTS);
        // An attempt earns less than the topic, in the part's unit (a whole point, or a
        // hundredth): 2 and 3 of 5 points, 1 and 2 of 3 or 4. A part too small for that (2
        // points or less) is drafted as by default.
        let unit = if graded_in_whole_points(points) {
            Points::whole(1)
        } else {
            Points::from_hundredths(1)
        };
        let attempt = standard
            .topic
            .min(if topic > unit { topic - unit } else { Points::ZERO });
        if !credit_attempts || topic >= points || attempt.is_zero() {
            return standard;
        }
        Shares { topic, attempt }
    }
}

/// A drafted rubric, before it is written as TOML.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftRubric {
    pub key: String,
    pub assignment: String,
    pub questions: Vec<DraftQuestion>,
    /// Every question's key terms, as the synonym group `{key-terms}`: see [`key_terms`].
    pub key_terms: Vec<String>,
    /// Free-text questions credit attempts: see [`TOPIC_WITH_ATTEMPTS`].
    pub credit_attempts: bool,
}

/// The synonym group of the key's terms.
const KEY_TERMS: &str = "key-terms";

#[derive(Debug, Clone, PartialEq)]
pub struct DraftQuestion {
    pub id: String,
    pub points: Points,
    pub prompt: Option<String>,
    pub parts: Vec<DraftPart>,
    /// The prompt's own key terms, for a question answered in free text (one part): naming
    /// the question's subject in the answer's own words opens the first idea's share.
    pub subject: Vec<Idea>,
    /// What "either X or Y" says in an answer: see [`alternatives_for`].
    pub alternatives: Alternatives,
    /// Answered in free text (no items with points of their own): naming the question's
    /// subject, or any of the key's terms, opens the first idea's share.
    pub free_text: bool,
    pub notes: Vec<String>,
}

/// One part of a question: the ideas of one `N pt:` item (or of the whole answer).
#[derive(Debug, Clone, PartialEq)]
pub struct DraftPart {
    pub points: Points,
    /// The reference text the ideas come from.
    pub text: String,
    pub ideas: Vec<Idea>,
}

/// One key term of the reference, which an answer covers by asserting it (or, for a term the
/// reference denies, by denying it too).
#[derive(Debug, Clone, PartialEq)]
pub struct Idea {
    pub id: String,
    /// The reference's word, for an idea covered by asserting it.
    pub term: Option<String>,
    /// The clause of the reference it was taken from.
    pub clause: String,
    /// Phrases that cover the idea when asserted.
    pub matches: Vec<String>,
    /// Phrases that cover the idea when denied (the reference denies it).
    pub negated: Vec<String>,
}

/// Draft a rubric from a key.
pub fn draft(key: &AnswerKey, options: DraftOptions) -> Result<DraftRubric, DraftError> {
    let mut questions = Vec::new();
    for q in &key.questions {
        let stated: Option<Points> = q
            .parts
            .iter()
            .map(|p| p.points)
            .try_fold(Points::ZERO, |sum, p| p.map(|p| sum + p))
            .filter(|sum| !sum.is_zero());
        let points = q
            .points
            .or(q.heading_points)
            .or(options.points)
            .or(stated)
            .ok_or_else(|| DraftError::NoPoints {
                path: key.path.clone(),
                line: q.line,
                id: q.id.clone(),
            })?;
        questions.push(draft_question(q, points));
    }
    Ok(DraftRubric {
        key: key.path.clone(),
        assignment: assignment_id(&key.path),
        key_terms: key_terms(&questions),
        credit_attempts: options.credit_attempts,
        questions,
    })
}

/// Whether a question's `any` concept takes the question's subject and the key's terms: it is
/// answered in free text and its part has a first share (more than 1 point).
fn opens_first_share(q: &DraftQuestion) -> bool {
    q.free_text && q.parts.first().is_some_and(|p| !first_share(p.points).is_zero())
}

/// The words of every question's ideas and subject, as members of one synonym group: an answer that uses
/// the course's words but none of its own question's is an attempt in the right field, and
/// earns the first idea's share as the question's subject does ("a connected graph without
/// cycles" for "What is a tree?"). Numbers and code are left out (any answer to "how many"
/// has a number), as are the thesaurus's synonyms; a key of one question has no others.
fn key_terms(questions: &[DraftQuestion]) -> Vec<String> {
    let used = questions.iter().filter(|q| opens_first_share(q)).count();
    if questions.len() < 2 || used == 0 {
        return Vec::new();
    }
    let mut seen = BTreeSet::new();
    let words = questions
        .iter()
        .flat_map(|q| q.parts.iter().flat_map(|p| &p.ideas).chain(&q.subject))
        .filter_map(|idea| idea.term.as_deref());
    words
        .filter(|word| word.chars().all(char::is_alphabetic) && !NUMBERS.contains(word))
        .filter(|word| seen.insert(crate::matching::text::stem(word)))
        .map(word_pattern)
        .collect()
}

fn assignment_id(path: &str) -> String {
    let stem = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_suffix("-key").unwrap_or(&stem);
    let id: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        "assignment".to_owned()
    } else {
        id
    }
}

fn draft_question(q: &KeyQuestion, points: Points) -> DraftQuestion {
    let prompt = PromptWords::of(q.prompt.as_deref().unwrap_or(""));
    let given: Points = q.parts.iter().filter_map(|p| p.points).sum();
    let unpointed = q.parts.iter().filter(|p| p.points.is_none()).count();
    // Text without points of its own shares what the items leave, or all when none have any.
    let rest = if given >= points {
        Points::ZERO
    } else {
        points - given
    };
    let mut seen = BTreeSet::new();
    let mut parts = Vec::new();
    for part in &q.parts {
        let part_points = match part.points {
            Some(p) => p,
            None if unpointed > 0 => Points::from_f64(rest.as_f64() / unpointed as f64),
            None => Points::ZERO,
        };
        if part_points.is_zero() {
            continue;
        }
        let ideas = ideas_of(&part.text, &prompt, &mut seen);
        parts.push(DraftPart {
            points: part_points,
            text: part.text.clone(),
            ideas,
        });
    }
    // A part whose every word the prompt already gives keeps its words: the answer must at
    // least say them.
    for part in &mut parts {
        if part.ideas.is_empty() {
            part.ideas = ideas_of(&part.text, &PromptWords::default(), &mut BTreeSet::new());
        }
    }
    parts.retain(|p| !p.ideas.is_empty());
    share_out(&mut parts, points);
    // Items with points of their own say exactly what earns them: no subject credit there.
    let free_text = parts.len() == 1 && q.parts.iter().all(|p| p.points.is_none());
    let subject = match (&q.prompt, parts.as_slice()) {
        (Some(prompt), [part]) if free_text => {
            let mut taken: BTreeSet<String> = BTreeSet::new();
            for idea in &part.ideas {
                for phrase in idea.matches.iter().chain(&idea.negated) {
                    taken.extend(AnalyzedText::new(phrase).tokens.iter().map(|t| t.stem.clone()));
                }
            }
            // Only what an answer asserts: naming the subject is not denying it.
            ideas_of(prompt, &PromptWords::default(), &mut taken)
                .into_iter()
                .filter(|idea| idea.term.is_some())
                .collect()
        }
        _ => Vec::new(),
    };
    DraftQuestion {
        id: q.id.clone(),
        points,
        prompt: q.prompt.clone(),
        parts,
        subject,
        alternatives: alternatives_for(q.prompt.as_deref().unwrap_or("")),
        free_text,
        notes: q.notes.clone(),
    }
}

/// How a prompt reads "either X or Y" in its answers. A prompt that asks what something is,
/// or where, when, how or why, is answered by facts, and "declared either inside a function or
/// outside it" states both; one that asks the student to choose (a yes/no question, "which",
/// alternatives offered with "or") is answered by a choice, which "either ... or" leaves open.
/// A prompt that is neither, or none, keeps the default (open).
pub fn alternatives_for(prompt: &str) -> Alternatives {
    const DESCRIBING: &[&str] = &[
        "what", "where", "when", "how", "why", "who", "describe", "explain", "define", "name", "list",
        "give", "state", "outline", "compare",
    ];
    const CHOOSING: &[&str] = &[
        "which",
        "whether",
        "or",
        "choose",
        "pick",
        "prefer",
        "recommend",
        "versus",
        "vs",
    ];
    const AUXILIARIES: &[&str] = &[
        "do", "does", "did", "is", "are", "was", "were", "can", "could", "should", "would", "will", "has",
        "have", "may", "must", "shall",
    ];
    let text = AnalyzedText::new(prompt);
    let words: Vec<&str> = text.tokens.iter().map(|t| t.lower.as_str()).collect();
    // A yes/no question anywhere: "In a BST, can a node have three children? Explain."
    let asks_yes_or_no = text.clauses.iter().any(|c| {
        text.tokens
            .get(c.start)
            .is_some_and(|t| AUXILIARIES.contains(&t.lower.as_str()))
    });
    let describes = words.iter().any(|w| DESCRIBING.contains(w));
    let chooses = words.iter().any(|w| CHOOSING.contains(w));
    if describes && !chooses && !asks_yes_or_no {
        Alternatives::Stated
    } else {
        Alternatives::Open
    }
}

/// Give the parts the question's points when some were lost with a part that has no key term
/// (a bare "No."): in proportion to what each part has, the last taking the rounding.
fn share_out(parts: &mut [DraftPart], points: Points) {
    let have: Points = parts.iter().map(|p| p.points).sum();
    if parts.is_empty() || have >= points || have.is_zero() {
        return;
    }
    let mut given = Points::ZERO;
    let last = parts.len() - 1;
    for (i, part) in parts.iter_mut().enumerate() {
        part.points = if i == last {
            points - given
        } else {
            Points::from_f64(part.points.as_f64() * points.as_f64() / have.as_f64())
        };
        given += part.points;
    }
}

/// The words of a question's prompt, which an answer's idea must not be: an answer that
/// repeats the question has not answered it.
#[derive(Debug, Default)]
struct PromptWords {
    stems: BTreeSet<String>,
    words: Vec<String>,
}

impl PromptWords {
    fn of(prompt: &str) -> PromptWords {
        let analyzed = AnalyzedText::new(prompt);
        PromptWords {
            stems: analyzed.tokens.iter().map(|t| t.stem.clone()).collect(),
            words: analyzed.tokens.iter().map(|t| t.lower.clone()).collect(),
        }
    }

    /// Whether the prompt gives this word: its stem, or the same word misspelt in the key
    /// (within the misspelling allowance a phrase word of its length has).
    fn gives(&self, word: &str, stem: &str) -> bool {
        if self.stems.contains(stem) {
            return true;
        }
        let allowed = crate::matching::pattern::allowed_edits(word.chars().count());
        allowed > 0
            && self.words.iter().any(|w| {
                w.chars().next() == word.chars().next() && strsim::damerau_levenshtein(w, word) <= allowed
            })
    }
}

/// Words that carry no idea of their own in a reference answer: function words, auxiliaries,
/// and verbs and nouns too general to tell answers apart.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "done", "down", "during", "e.g", "each", "either", "etc", "even", "ever", "every",
    "for", "from", "further", "get", "gets", "getting", "got", "had", "has", "have", "having", "he", "her",
    "here", "hers", "him", "his", "how", "however", "i", "i.e", "if", "in", "into", "is", "it", "its",
    "itself", "just", "let", "like", "made", "make", "makes", "many", "may", "me", "might", "more", "most",
    "much", "must", "my", "need", "needs", "of", "off", "on", "one", "only", "onto", "or", "other", "others",
    "our", "out", "over", "own", "per", "same", "shall", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "thing", "things", "this", "those",
    "through", "thus", "to", "too", "under", "until", "up", "upon", "us", "use", "used", "uses", "using",
    "usually", "very", "via", "was", "way", "we", "well", "were", "what", "when", "where", "whether",
    "which", "while", "who", "whom", "whose", "why", "will", "with", "within", "would", "yet", "you", "your",
];

/// Connectives and adverbs, which relate ideas rather than state one.
const CONNECTIVES: &[&str] = &[
    "across",
    "along",
    "already",
    "always",
    "among",
    "around",
    "besides",
    "hence",
    "often",
    "since",
    "still",
    "therefore",
    "together",
    "whenever",
    "whereas",
    "wherever",
    "without",
    "include",
    "included",
    "includes",
    "including",
    "take",
    "takes",
    "taking",
];

/// Words an answer key uses about answers, not in them.
const KEY_WORDS: &[&str] = &[
    "accept", "accepted", "answer", "answers", "count", "counts", "credit", "example", "examples", "reason",
];

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
        || CONNECTIVES.contains(&word)
        || KEY_WORDS.contains(&word)
        || POINT_WORDS.contains(&word)
}

/// The ideas of a reference text: its key terms, clause by clause, each once (by stem, across
/// the question), none that the prompt already gives.
fn ideas_of(text: &str, prompt: &PromptWords, seen: &mut BTreeSet<String>) -> Vec<Idea> {
    let analyzed = AnalyzedText::new(text);
    let mut ideas = Vec::new();
    for clause in &analyzed.clauses {
        let tokens = &analyzed.tokens[clause.clone()];
        let (start, end) = match (tokens.first(), tokens.last()) {
            (Some(f), Some(l)) => (f.start, l.end),
            _ => continue,
        };
        let clause_text = analyzed.text[start..end].to_owned();
        // Terms after a negation word in the clause are what the reference denies: together
        // they are one idea, covered by denying them ("does not need a fixed size").
        let mut denied: Option<Vec<String>> = None;
        for token in tokens {
            // A possessive is its word: `object's` is the idea `object`.
            let lower = token.lower.as_str();
            let lower = lower
                .strip_suffix("'s")
                .or_else(|| lower.strip_suffix("\u{2019}s"))
                .unwrap_or(lower);
            if is_negator(lower) || lower.ends_with("n't") {
                denied.get_or_insert_with(Vec::new);
                continue;
            }
            if is_stop_word(lower) || !is_term(lower) {
                continue;
            }
            if prompt.gives(lower, &token.stem) || !seen.insert(token.stem.clone()) {
                continue;
            }
            match denied.as_mut() {
                Some(words) => words.push(code_exact(lower)),
                None => ideas.push(Idea {
                    id: idea_id(lower, &ideas),
                    term: Some(lower.to_owned()),
                    clause: clause_text.clone(),
                    matches: vec![term_pattern(lower)],
                    negated: Vec::new(),
                }),
            }
        }
        if let Some(words) = denied.filter(|w| !w.is_empty()) {
            // Denied in any order: "not a fixed size", "the size is not fixed".
            let phrase = match words.as_slice() {
                [one] => term_pattern(one),
                _ if words.len() <= 8 => format!("[{}]", words.join(" ")),
                _ => words.join(" "),
            };
            ideas.push(Idea {
                id: idea_id(&words.join("-"), &ideas),
                term: None,
                clause: clause_text.clone(),
                matches: Vec::new(),
                negated: vec![phrase],
            });
        }
    }
    ideas
}

/// A word that can be a key term: letters (or digits, as in `phase 5`), two or more of them,
/// or a code token the tokenizer kept whole (`c++`, `char[]`, `o(n log n)`).
fn is_term(word: &str) -> bool {
    if is_code(word) {
        return true;
    }
    let letters = word.chars().filter(|c| c.is_alphanumeric()).count();
    (letters >= 2 || word.chars().all(|c| c.is_ascii_digit()))
        && word.chars().all(|c| c.is_alphanumeric() || c == '-')
}

/// A code token, as the matcher tells code ([`pattern::is_code`]), of more than one character
/// (a lone `-` or `+` is punctuation, not a term) and not a hyphenated word.
fn is_code(word: &str) -> bool {
    word.chars().count() > 1 && pattern::is_code(&word.replace('-', ""))
}

/// A code word as a phrase word that matches it exactly: `int*` bare would be the prefix
/// `int` (any word starting with it), so it is written `=int*`; other code is matched as
/// written already. Other words are returned as they are.
fn code_exact(word: &str) -> String {
    if is_code(word) && word.ends_with('*') && !word.starts_with('=') {
        format!("={word}")
    } else {
        word.to_owned()
    }
}

/// The phrase for one term: the word with its thesaurus synonyms (`{~word}`) when it has any,
/// else the word itself; either is matched by stem, word forms and misspellings. A five-letter
/// word without synonyms, whose misspelling allowance would match many other words, is
/// stem-only (`+word`). A number is matched in digits or words; code (`c++`, `->`) as written.
fn term_pattern(word: &str) -> String {
    if let Some(i) = NUMBERS.iter().position(|n| *n == word) {
        return format!("{i}|={word}");
    }
    if let Ok(n) = word.parse::<usize>() {
        if let Some(name) = NUMBERS.get(n) {
            return format!("{n}|={name}");
        }
    }
    if is_code(word) {
        return code_exact(word);
    }
    // The synonyms lint counts (negators left out): `habit`'s only one, `wont`, is not one.
    if !pattern::thesaurus_synonyms(word).is_empty() {
        return format!("{{~{word}}}");
    }
    word_pattern(word)
}

/// A word matched with its forms and misspellings, except a five-letter one, whose misspelling
/// allowance would match many other words: that one is stem-only (`+word`).
fn word_pattern(word: &str) -> String {
    if word.chars().count() == 5 {
        format!("+{word}")
    } else {
        word.to_owned()
    }
}

/// Numbers an answer may write in words or digits.
const NUMBERS: &[&str] = &[
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];

/// A concept or idea id: the term, made unique within its list.
fn idea_id(word: &str, earlier: &[Idea]) -> String {
    let base: String = word
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let mut id = base.clone();
    let mut n = 2;
    while earlier.iter().any(|i| i.id == id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

// ------------------------------------------------------------------------------------------
// The TOML

/// A point value as TOML: an integer when whole.
fn points_value(points: Points) -> toml_edit::Value {
    if graded_in_whole_points(points) {
        toml_edit::Value::from(points.hundredths() / 100)
    } else {
        toml_edit::Value::from(points.as_f64())
    }
}

/// Comment lines, each `# ...`, for a decor prefix.
fn comment(lines: &[String], indent: &str) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "{indent}# {}\n",
                l.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .collect()
}

fn string_array(items: &[String]) -> toml_edit::Array {
    items.iter().map(String::as_str).collect()
}

impl DraftRubric {
    /// The rubric as TOML, with comments marking what was drafted.
    pub fn to_toml(&self) -> String {
        use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table};
        let mut doc = DocumentMut::new();
        let mut assignment = Table::new();
        assignment.insert("id", value(self.assignment.as_str()));
        assignment.insert("title", value(format!("Drafted from {}", file_name(&self.key))));
        assignment.decor_mut().set_prefix(comment(
            &[
                format!("Drafted by `rubricate draft` from {}.", self.key),
                "Per part of each reference answer: its key terms are the ideas of a coverage"
                    .to_owned(),
                format!(
                    "concept; `any` earns the first idea's {:.0}%, and {:.0}% of the ideas earn the whole part.",
                    FIRST_IDEA * 100.0,
                    FULL_COVERAGE * 100.0
                ),
                "Every pattern marked `drafted` is a proposal: reword, merge or delete, then run"
                    .to_owned(),
                "`rubricate lint` and `rubricate test`.".to_owned(),
            ],
            "",
        ));
        doc.insert("assignment", Item::Table(assignment));
        if !self.key_terms.is_empty() {
            let mut synonyms = Table::new();
            synonyms.insert(KEY_TERMS, value(string_array(&self.key_terms)));
            synonyms.decor_mut().set_prefix(format!(
                "\n{}",
                comment(
                    &[
                        "drafted: every question's key terms; `{key-terms}` in a question's `any` \
                       concept credits an answer in the course's words"
                            .to_owned()
                    ],
                    "",
                )
            ));
            doc.insert("synonyms", Item::Table(synonyms));
        }

        let mut questions = ArrayOfTables::new();
        for q in &self.questions {
            let mut table = Table::new();
            table.insert("id", value(q.id.as_str()));
            table.insert("points", Item::Value(points_value(q.points)));
            if let Some(prompt) = &q.prompt {
                table.insert("prompt", value(prompt.as_str()));
            }
            let mut head = Vec::new();
            if q.alternatives == Alternatives::Stated {
                let mut policy = toml_edit::InlineTable::new();
                policy.insert("alternatives", Alternatives::Stated.name().into());
                table.insert("policy", value(policy));
                head.push(
                    "drafted: the prompt asks what, how or why, so \"either X or Y\" states both \
                     (`alternatives = \"stated\"`); make it \"open\" if it asks for one choice"
                        .to_owned(),
                );
            }
            for note in &q.notes {
                head.push(format!("key note (not drafted): {note}"));
            }
            table.decor_mut().set_prefix(format!("\n{}", comment(&head, "")));
            let mut concepts = ArrayOfTables::new();
            let mut attempts = false;
            for (p, part) in q.parts.iter().enumerate() {
                let shares = Shares::of(part.points, self.credit_attempts && q.free_text);
                attempts |= !shares.attempt.is_zero();
                concepts.extend(first_idea_concept(q, p, part, !self.key_terms.is_empty(), shares));
                concepts.push(coverage_concept(q, p, part, shares));
            }
            if !concepts.is_empty() {
                table.insert("concept", Item::ArrayOfTables(concepts));
            }
            if attempts {
                let mut misconceptions = ArrayOfTables::new();
                misconceptions.push(non_answer());
                table.insert("misconception", Item::ArrayOfTables(misconceptions));
            }
            questions.push(table);
        }
        doc.insert("question", Item::ArrayOfTables(questions));
        doc.to_string()
    }
}

/// A part as a coverage concept: its ideas (and, for a free-text question, the question's
/// subject as one more idea), credited by thresholds (see [`thresholds`]).
fn coverage_concept(q: &DraftQuestion, p: usize, part: &DraftPart, shares: Shares) -> toml_edit::Table {
    use toml_edit::{value, Item};
    let mut concept = toml_edit::Table::new();
    let id = if q.parts.len() > 1 {
        format!("part-{}", p + 1)
    } else {
        "ideas".to_owned()
    };
    concept.insert("id", value(id));
    let credit_table = thresholds(part.points, part.ideas.len(), shares);
    let most = credit_table.last().map_or(part.points, |(_, p)| *p);
    concept.insert("points", Item::Value(points_value(most)));
    let mut ideas = Vec::new();
    let mut last_clause = None;
    for idea in &part.ideas {
        let table = idea_table(&idea.id, &idea.matches, &idea.negated);
        let mut lines = Vec::new();
        if last_clause.as_ref() != Some(&idea.clause) {
            lines.push(format!("drafted from the clause: \"{}\"", idea.clause));
            last_clause = Some(idea.clause.clone());
        }
        if !idea.negated.is_empty() {
            lines.push("the reference denies this: an answer covers it by denying it".to_owned());
        }
        ideas.push((table, lines));
    }
    concept.insert("ideas", value(idea_list(ideas)));
    concept.insert("credit", value(credit_value(&credit_table)));
    let mut lines = vec![format!(
        "drafted: covering {:.0}% of the ideas earns the part with the first idea's share (`credit`)",
        FULL_COVERAGE * 100.0
    )];
    if shares.topic.is_zero() {
        lines.insert(
            0,
            format!(
                "drafted: part worth {} of the points, from the reference: {}",
                part.points, part.text
            ),
        );
    }
    concept
        .decor_mut()
        .set_prefix(format!("\n{}  ", comment(&lines, "  ")));
    indent_keys(&mut concept);
    concept
}

/// The coverage concept's thresholds: for each number of ideas covered, what [`credit`] gives
/// beyond the first share (which the `any` concept earns), listed where it rises.
fn thresholds(points: Points, n: usize, shares: Shares) -> Vec<(usize, Points)> {
    let mut out: Vec<(usize, Points)> = Vec::new();
    for k in 1..=n {
        let earned = credit(points, k, n).max(shares.topic) - shares.topic;
        let rises = out
            .last()
            .map_or(earned > Points::ZERO, |(_, last)| earned > *last);
        if rises {
            out.push((k, earned));
        }
    }
    out
}

/// The concept that earns the first idea's share of a part: any of its ideas, or (for a
/// free-text question) the question's subject in the answer's own words.
fn first_idea_concept(
    q: &DraftQuestion,
    p: usize,
    part: &DraftPart,
    key_terms: bool,
    shares: Shares,
) -> Option<toml_edit::Table> {
    use toml_edit::{value, Value};
    let has_key_terms = key_terms && q.free_text;
    let first = shares.topic;
    if first.is_zero() {
        return None;
    }
    let mut concept = toml_edit::Table::new();
    let id = if q.parts.len() > 1 {
        format!("part-{}-any", p + 1)
    } else {
        ANY.to_owned()
    };
    concept.insert("id", value(id));
    concept.insert("points", toml_edit::Item::Value(points_value(first)));
    let mut matches: Vec<String> = part.ideas.iter().flat_map(|i| i.matches.clone()).collect();
    let negated: Vec<String> = part.ideas.iter().flat_map(|i| i.negated.clone()).collect();
    matches.extend(q.subject.iter().flat_map(|i| i.matches.iter().cloned()));
    let key_terms_group = format!("{{{KEY_TERMS}}}");
    if has_key_terms {
        matches.push(key_terms_group.clone());
    }
    if shares.attempt.is_zero() {
        insert_patterns(&mut concept, &matches, &negated);
    } else {
        // The topic and an attempt as two ideas: the attempt alone earns its share, both the
        // topic's (an answer on the topic is an attempt too).
        let mut topic = idea_table("topic", &matches, &negated);
        topic.insert("hit", "On the question's topic.".into());
        // A short answer in the course's words ("root", "LIFO") is an attempt too.
        let in_course_words = if has_key_terms {
            vec![key_terms_group]
        } else {
            Vec::new()
        };
        let mut attempt = idea_table("attempt", &in_course_words, &[]);
        attempt.insert("regex", Value::Array(string_array(&[ATTEMPT_REGEX.to_owned()])));
        attempt.insert("hit", "Credit for an attempt.".into());
        concept.insert(
            "ideas",
            value(idea_list(vec![(topic, Vec::new()), (attempt, Vec::new())])),
        );
        concept.insert("credit", value(credit_value(&[(1, shares.attempt), (2, first)])));
    }
    let mut lines = vec![
        format!(
            "drafted: part worth {} of the points, from the reference: {}",
            part.points, part.text
        ),
        format!("drafted: any one of its ideas earns {first} of them; the ideas below add the rest"),
    ];
    if !q.subject.is_empty() {
        let subject: Vec<&str> = q
            .subject
            .iter()
            .flat_map(|i| &i.matches)
            .map(String::as_str)
            .collect();
        lines.push(format!(
            "drafted: so does the question's subject in the answer's own words ({}); \
             delete those for a stricter rubric",
            subject.join(", ")
        ));
    }
    if has_key_terms {
        lines.push(format!(
            "drafted: and so does any term of the key ({{{KEY_TERMS}}}): an attempt in the course's \
             words; delete it for a stricter rubric"
        ));
    }
    if !shares.attempt.is_zero() {
        lines.push(format!(
            "drafted (--credit-attempts): any other answer earns {}, unless it is a non-answer \
             (`no-answer` below); for a stricter rubric, draft without --credit-attempts",
            shares.attempt
        ));
    }
    concept
        .decor_mut()
        .set_prefix(format!("\n{}  ", comment(&lines, "  ")));
    indent_keys(&mut concept);
    Some(concept)
}

/// Under `--credit-attempts`: a non-answer ("not answered", "I don't know") earns no
/// attempt's share.
fn non_answer() -> toml_edit::Table {
    use toml_edit::value;
    let mut table = toml_edit::Table::new();
    table.insert("id", value("no-answer"));
    table.insert("regex", value(string_array(&[NON_ANSWER_REGEX.to_owned()])));
    table.insert("cancels", value(string_array(&[ANY.to_owned()])));
    table.insert("feedback", value("No answer was given."));
    table.decor_mut().set_prefix(format!(
        "\n{}  ",
        comment(
            &["drafted (--credit-attempts): a whole answer that says it has none earns nothing".to_owned()],
            "  "
        )
    ));
    indent_keys(&mut table);
    table
}

/// `match` and `negated` of a concept or an idea, each where it has patterns.
fn insert_patterns(table: &mut dyn toml_edit::TableLike, matches: &[String], negated: &[String]) {
    for (key, patterns) in [("match", matches), ("negated", negated)] {
        if !patterns.is_empty() {
            table.insert(key, toml_edit::value(string_array(patterns)));
        }
    }
}

/// One idea of a coverage concept: its id and its patterns.
fn idea_table(id: &str, matches: &[String], negated: &[String]) -> toml_edit::InlineTable {
    let mut table = toml_edit::InlineTable::new();
    table.insert("id", id.into());
    insert_patterns(&mut table, matches, negated);
    table
}

/// A coverage concept's `ideas`, one a line, each under its comment lines.
fn idea_list(ideas: Vec<(toml_edit::InlineTable, Vec<String>)>) -> toml_edit::Array {
    let mut list = toml_edit::Array::new();
    for (idea, lines) in ideas {
        let mut v = toml_edit::Value::InlineTable(idea);
        v.decor_mut()
            .set_prefix(format!("\n{}    ", comment(&lines, "    ")));
        list.push_formatted(v);
    }
    list.set_trailing("\n  ");
    list.set_trailing_comma(true);
    list
}

/// A coverage concept's `credit`: the points earned from each number of ideas covered.
fn credit_value(thresholds: &[(usize, Points)]) -> toml_edit::InlineTable {
    let mut credit = toml_edit::InlineTable::new();
    for (k, points) in thresholds {
        credit.insert(k.to_string(), points_value(*points));
    }
    credit
}

/// A concept's keys indented under its header, as the bundled rubrics are written.
fn indent_keys(table: &mut toml_edit::Table) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
    for key in keys {
        if let Some(mut k) = table.key_mut(&key) {
            k.leaf_decor_mut().set_prefix("  ");
        }
    }
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::text::stem;

    fn key(text: &str) -> AnswerKey {
        parse_key(Path::new("key.md"), text).unwrap()
    }

    #[test]
    fn points_come_from_the_label_line() {
        let k = key(
            "## 1 (5 points)\nA stack is last in, first out.\n\n## 3 [2 pts]\nA queue is first in, first out.\n",
        );
        assert_eq!(k.questions.len(), 2);
        assert_eq!(k.questions[0].points, Some(Points::whole(5)));
        assert_eq!(k.questions[1].id, "3");
        assert_eq!(k.questions[1].points, Some(Points::whole(2)));
        assert_eq!(k.questions[1].parts[0].text, "A queue is first in, first out.");
    }

    #[test]
    fn question_and_answer_lines_are_read() {
        let k =
            key("Q1:\nQuestion: What is a variable?\nAnswer: A location in memory that can store a value.\n");
        let q = &k.questions[0];
        assert_eq!(q.prompt.as_deref(), Some("What is a variable?"));
        assert_eq!(q.parts[0].text, "A location in memory that can store a value.");
    }

    #[test]
    fn point_items_become_parts_and_notes_are_kept_apart() {
        let k = key("## 1a (2 pts) Mask at finetuning?\n- 1 pt: **No**: the whole input.\n- 1 pt: masking was only the pretext task.\n- Misconception: keep masking.\n");
        let q = &k.questions[0];
        assert_eq!(q.prompt.as_deref(), Some("Mask at finetuning?"));
        assert_eq!(q.parts.len(), 2);
        assert_eq!(q.parts[0].points, Some(Points::whole(1)));
        assert_eq!(q.parts[0].text, "No: the whole input.");
        assert_eq!(q.notes, ["Misconception: keep masking."]);
    }

    #[test]
    fn a_heading_shares_its_points_with_the_labels_under_it() {
        let k = key("## 1 (2 pts) First\nyes\n## 2, 3 (1 pt each) Pick one\n- 2 (a case): option a\n- 3 (another): option b\n");
        let ids: Vec<_> = k.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
        assert_eq!(k.questions[0].parts[0].text, "yes");
        assert_eq!(k.questions[1].heading_points, Some(Points::whole(1)));
    }

    #[test]
    fn numbered_lists_in_answers_are_answer_text() {
        let k = key("## 1 (4 pts) Stack operations\n1. push adds on top\n2. pop removes the top\n\n## 2 (2 pts) Threads\n3 threads share memory.\n");
        let ids: Vec<_> = k.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert!(k.questions[0].parts[0].text.contains("pop removes"), "{k:?}");
        assert!(k.questions[1].parts[0].text.contains("threads share"), "{k:?}");
        // In the `N.` form, a line opening with a bare number is text too.
        let k = key("1. Threads:\n3 threads share memory.\n2. Processes do not.\n");
        let ids: Vec<_> = k.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
    }

    #[test]
    fn a_question_labelled_twice_is_an_error_naming_both_lines() {
        let e = parse_key(Path::new("k.md"), "1. a stack\n2. a queue\n1. a heap\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.md:3: question `1` is labelled again (first on line 1); a key labels each question once"
        );
    }

    #[test]
    fn code_terms_match_exactly_and_possessives_are_words() {
        assert_eq!(term_pattern("char*"), "=char*");
        assert_eq!(term_pattern("i++"), "i++");
        let k = key("## 1 (3 pts)\nUse a char* pointer, i++ and an O(n log n) sort; the object's field.\n");
        let d = draft(&k, DraftOptions::default()).unwrap();
        let toml = d.to_toml();
        crate::rubric::parse(Path::new("d.toml"), &toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
        let ideas = &d.questions[0].parts[0].ideas;
        let ids: Vec<_> = ideas.iter().map(|i| i.id.as_str()).collect();
        assert!(ids.contains(&"object"), "{ids:?}");
        let patterns: Vec<_> = ideas
            .iter()
            .flat_map(|i| i.matches.iter().map(String::as_str))
            .collect();
        assert!(patterns.contains(&"=char*"), "{patterns:?}");
        assert!(patterns.contains(&"i++"), "{patterns:?}");
        assert!(patterns.iter().any(|p| p.starts_with("o(n")), "{patterns:?}");
        // Each code term matches itself as written, not a word that merely starts like it.
        let found = |phrase: &str, answer: &str| {
            let p = pattern::Phrase::parse(phrase, &Default::default()).unwrap();
            let t = AnalyzedText::new(answer);
            !pattern::find_phrase(&p, &t, std::slice::from_ref(&(0..t.tokens.len()))).is_empty()
        };
        let char_pointer = term_pattern("char*");
        assert!(found(&char_pointer, "a char* points at text"));
        assert!(!found(&char_pointer, "a character array"));
        assert!(!found(&term_pattern("i++"), "i+ once"));
        let big_o = patterns.iter().find(|p| p.starts_with("o(n")).unwrap();
        assert!(found(big_o, "it sorts in O(n log n) time"));
        assert!(!found(big_o, "it sorts in O(n^2) time"));
    }

    #[test]
    fn words_whose_only_synonyms_are_negators_are_not_thesaurus_words() {
        assert_eq!(term_pattern("habit"), "+habit");
        assert_eq!(term_pattern("buzzword"), "buzzword");
        let k = key("## 1 (2 pts)\nA habit is not a buzzword.\n");
        let toml = draft(&k, DraftOptions::default()).unwrap().to_toml();
        let rubric =
            crate::rubric::parse(Path::new("d.toml"), &toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
        let warnings = rubric.warning_diagnostics();
        assert_eq!(warnings.warnings(), 0, "{}\n{toml}", warnings.render());
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let e = parse_key(Path::new("k.md"), "no labels here\n").unwrap_err();
        assert_eq!(e.to_string().split(':').next(), Some("k.md"));
        let e = parse_key(Path::new("k.md"), "1. a stack\n\n## 2 (3 points)\n").unwrap_err();
        assert!(e.to_string().starts_with("k.md:3: question `2`"), "{e}");
        let k = key("1. a stack\n");
        let e = draft(&k, DraftOptions::default()).unwrap_err();
        assert!(
            e.to_string().starts_with("key.md:1: question `1` has no points"),
            "{e}"
        );
    }

    #[test]
    fn ideas_skip_the_prompt_and_transcribe_negations() {
        let k = key("Q1 (5 points)\nQuestion: What is a linked list?\nAnswer: A list of nodes linked by pointers; it does not need contiguous memory.\n");
        let d = draft(&k, DraftOptions::default()).unwrap();
        let ideas: Vec<_> = d.questions[0].parts[0].ideas.iter().collect();
        let ids: Vec<_> = ideas.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["nodes", "pointers", "contiguous-memory"]);
        assert!(ideas[2].matches.is_empty());
        assert_eq!(ideas[2].negated, ["[contiguous memory]"]);
    }

    #[test]
    fn the_draft_is_a_lint_clean_rubric() {
        let k = key("## 1 (5 points)\nQuestion: What is a variable?\nAnswer: A location in memory that can store a value.\n\n## 2 (3 points) Why test?\n- 2 pts: to find errors early.\n- 1 pt: tests document the intended behaviour.\n");
        let toml = draft(&k, DraftOptions::default()).unwrap().to_toml();
        let rubric =
            crate::rubric::parse(Path::new("draft.toml"), &toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
        let warnings = rubric.warning_diagnostics();
        assert_eq!(warnings.warnings(), 0, "{}\n{toml}", warnings.render());
        assert!(toml.contains("# drafted from the clause"), "{toml}");
    }

    #[test]
    fn points_of_a_part_without_terms_go_to_the_others() {
        let k = key("## 2b (2 pts)\n- 1 pt: **No**.\n- 1 pt: the context window cannot hold them.\n");
        let d = draft(&k, DraftOptions::default()).unwrap();
        assert_eq!(d.questions[0].parts.len(), 1);
        assert_eq!(d.questions[0].parts[0].points, Points::whole(2));
    }

    #[test]
    fn numbers_match_as_digits_or_words_and_misspelt_prompt_words_are_the_prompts() {
        assert_eq!(term_pattern("c++"), "c++");
        assert_eq!(term_pattern("array"), "+array");
        assert_eq!(term_pattern("2"), "2|=two");
        assert_eq!(term_pattern("three"), "3|=three");
        let prompt = PromptWords::of("What is in a class definition?");
        assert!(prompt.gives("defintion", &stem("defintion")));
        assert!(!prompt.gives("member", &stem("member")));
    }

    #[test]
    fn either_or_states_both_where_the_prompt_asks_for_facts() {
        for prompt in [
            "Where are variables declared in a C++ program?",
            "What is a binary tree?",
            "Briefly describe how merge sort works.",
            "How can an array be addressed in pointer/offset notation?",
        ] {
            assert_eq!(alternatives_for(prompt), Alternatives::Stated, "{prompt}");
        }
        for prompt in [
            "Do you still mask the inputs?",
            "(a) feature extraction, (b) full finetuning or (c) soft prompting?",
            "Which sort would you use for nearly sorted data?",
            "1B parameter conv net, wildlife classification, 100 examples.",
            "",
        ] {
            assert_eq!(alternatives_for(prompt), Alternatives::Open, "{prompt}");
        }
        let drafted = draft(
            &key("## 1 (5 pts)\nQuestion: Where are variables declared?\nAnswer: Inside or outside a function.\n\n## 2 (5 pts)\nQuestion: Do you mask?\nAnswer: No.\n"),
            DraftOptions::default(),
        )
        .unwrap()
        .to_toml();
        let rubric: toml::Value = toml::from_str(&drafted).unwrap();
        let policy = |i: usize| rubric["question"][i].get("policy").cloned();
        assert_eq!(
            policy(0).and_then(|p| p.get("alternatives").cloned()),
            Some(toml::Value::from("stated"))
        );
        assert_eq!(policy(1), None);
    }

    #[test]
    fn crediting_attempts_sets_only_what_an_answer_with_no_idea_earns() {
        let p = Points::whole;
        let shares = |topic, attempt| Shares { topic, attempt };
        assert_eq!(Shares::of(p(5), false), shares(p(2), p(0)));
        assert_eq!(Shares::of(p(5), true), shares(p(3), p(2)));
        assert_eq!(Shares::of(p(3), true), shares(p(2), p(1)));
        // An attempt earns less than the topic: a whole point less where 40% and 60% round
        // to the same, and nothing apart from the default where a part is too small for that.
        assert_eq!(Shares::of(p(4), true), shares(p(2), p(1)));
        assert_eq!(Shares::of(p(2), true), Shares::of(p(2), false));
        assert_eq!(
            Shares::of(Points::from_f64(2.5), true),
            shares(Points::from_f64(1.5), Points::from_f64(1.0))
        );
        // A one-point part has no share of its own: one idea earns it, as by default.
        assert_eq!(Shares::of(p(1), true), Shares::of(p(1), false));
        // The ideas add up to what `credit` gives, from the topic's share.
        let attempts = Shares::of(p(5), true);
        assert_eq!(thresholds(p(5), 5, attempts), [(1, p(1)), (2, p(2))]);
        assert_eq!(thresholds(p(5), 6, attempts), [(2, p(1)), (3, p(2))]);
    }

    #[test]
    fn covering_enough_ideas_earns_the_part() {
        // 5 ideas, 40% of them is 2: the first earns 40% and a half of the rest, two earn all;
        // whole points for a part worth whole points.
        assert_eq!(credit(Points::whole(5), 0, 5), Points::ZERO);
        assert_eq!(credit(Points::whole(5), 1, 5), Points::whole(4));
        assert_eq!(credit(Points::whole(5), 2, 5), Points::whole(5));
        assert_eq!(credit(Points::whole(5), 5, 5), Points::whole(5));
        assert_eq!(credit(Points::from_f64(2.5), 1, 5), Points::from_f64(1.75));
        // The `any` concept earns the first share; the coverage concept what the others add.
        assert_eq!(first_share(Points::whole(5)), Points::whole(2));
        assert_eq!(
            thresholds(Points::whole(5), 5, Shares::of(Points::whole(5), false)),
            [(1, Points::whole(2)), (2, Points::whole(3))]
        );
        assert_eq!(first_share(Points::whole(1)), Points::ZERO);
        assert_eq!(
            thresholds(Points::whole(1), 3, Shares::of(Points::whole(1), false)),
            [(1, Points::whole(1))]
        );
    }
}
