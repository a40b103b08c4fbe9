//! Answer groups: per question, the class's answers that say the same thing, so that a TA can
//! read one question across the class and decide a whole group at once.
//!
//! An answer's *content* is its words after normalising what does not change what it says:
//! case, punctuation, function words, word forms (the matcher's stems), number words
//! (`thirteen` is `13`) and `n't` (`not`). Within a question, a rare word within the matcher's
//! edit allowance of a much more common one is read as its misspelling. Answers of at most
//! [`SHORT_ANSWER_WORDS`] content words are compared as sets (word order and repetition do not
//! matter: "market economy" and "economy, market"); longer ones as sequences of the words as
//! written (case, punctuation and function words aside), kept as a hash.
//!
//! Answers with the same content form a *variant*; variants are then merged into groups when
//! their weighted word overlap is at least [`MERGE_SIMILARITY`] (weighted Jaccard, each word
//! weighted by how rare it is among the question's variants), never across a difference in a
//! *decisive* word: a negation, a number, or a word of the question's rubric patterns (so
//! "they are larger" does not join "a larger population" where the rubric asks for
//! population: the two would not score alike, and a group is meant to be decided as one). Candidates come from an index of words, with prefix filtering, so no
//! pair of variants that cannot reach the threshold is compared.
//!
//! A group's id is a hash of its question and its representative content (that of its largest
//! variant, ties broken by the content), so it is the same whatever the thread count or the
//! order submissions are found in, and survives new submissions that do not change which
//! variant is the largest.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;

use crate::course::spill::{FixedRecord, Offset, SortedRuns, SortedRunsReader, Spill, SpillReader};
use crate::grading::grades::{ConceptResult, Flag, GradeReport, Outcome, QuestionGrade, StudentGrade};
use crate::ids::{GroupId, Points, QuestionId, StudentId};
use crate::matching::cues::is_negator;
use crate::matching::fnv;
use crate::matching::pattern::allowed_edits;
use crate::matching::text::{normalize, stem};
use crate::rubric::{ConceptRule, Pattern, Question, Rubric};

/// Up to this many content words an answer is compared as a set of words, and may be merged
/// with similar answers; longer answers are grouped only with answers of the same content.
pub const SHORT_ANSWER_WORDS: usize = 8;

/// The least weighted word overlap at which two short variants are one group.
pub const MERGE_SIMILARITY: f64 = 0.75;

/// How many times more answers a word must have than a word within its edit allowance for the
/// rarer one to be read as its misspelling.
const MISSPELLING_RATIO: u32 = 3;

/// Words that do not change what an answer says. Negators are not among them. Sorted, for a
/// binary search: every word of every answer is looked up.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
    "being", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "due", "each", "for", "from",
    "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "itself", "just", "may", "me", "might", "must", "my", "of", "on", "onto",
    "or", "our", "ours", "shall", "she", "should", "since", "so", "some", "such", "than", "that", "the",
    "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "thus", "to", "too", "us",
    "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "whose", "why",
    "will", "with", "would", "you", "your", "yours",
];

const NUMBER_WORDS: &[(&str, &str)] = &[
    ("zero", "0"),
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("thirteen", "13"),
    ("fourteen", "14"),
    ("fifteen", "15"),
    ("sixteen", "16"),
    ("seventeen", "17"),
    ("eighteen", "18"),
    ("nineteen", "19"),
    ("twenty", "20"),
    ("thirty", "30"),
    ("forty", "40"),
    ("fifty", "50"),
    ("hundred", "100"),
];

/// The content words of an answer, in order, lower case: numbers as digits, every negation as
/// `not`. Their stems are taken once misspellings are settled.
pub fn content_words(text: &str) -> Vec<String> {
    content_words_in(&normalize(text).to_lowercase())
        .into_iter()
        .map(|(word, _)| word)
        .collect()
}

/// [`content_words`] of a text already normalised and in lower case, each with where it stands
/// in that text.
pub fn content_words_in(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut words = Vec::new();
    let mut at = 0;
    for piece in text.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let start = at;
        at += piece.len() + text[at + piece.len()..].chars().next().map_or(0, char::len_utf8);
        let word = piece.trim_matches('\'');
        if word.is_empty() {
            continue;
        }
        let offset = start + (piece.len() - piece.trim_start_matches('\'').len());
        let range = offset..offset + word.len();
        if word.ends_with("n't") || is_negator(word) {
            words.push(("not".to_string(), range));
            continue;
        }
        // `it's`, `they're`: a function word contracted with a verb.
        let head = word.split('\'').next().unwrap_or(word);
        if FUNCTION_WORDS.binary_search(&head).is_ok() {
            continue;
        }
        if let Some((_, digits)) = NUMBER_WORDS.iter().find(|(w, _)| *w == word) {
            words.push(((*digits).to_string(), range));
            continue;
        }
        words.push((word.to_string(), range));
    }
    words
}

/// A negation or a number changes what an answer says whatever else it shares.
fn is_negation_or_number(word: &str) -> bool {
    word == "not" || word.chars().all(|c| c.is_ascii_digit())
}

/// The stems of the words of a question's patterns (concepts, options, misconceptions): words
/// two answers must agree on to share a group. Regular expressions give their literal words.
pub fn rubric_words(question: &Question) -> BTreeSet<String> {
    let mut sources: Vec<&str> = Vec::new();
    for concept in &question.concepts {
        match &concept.rule {
            ConceptRule::Patterns(set) => {
                sources.extend(set.asserted.iter().chain(&set.negated).map(Pattern::source))
            }
            ConceptRule::Choice(choice) => {
                for option in &choice.options {
                    sources.extend(option.patterns.iter().map(Pattern::source));
                }
            }
            ConceptRule::Coverage(coverage) => {
                for idea in &coverage.ideas {
                    let set = &idea.patterns;
                    sources.extend(set.asserted.iter().chain(&set.negated).map(Pattern::source));
                }
            }
        }
    }
    for misconception in &question.misconceptions {
        sources.extend(misconception.patterns.iter().map(Pattern::source));
    }
    let mut words = BTreeSet::new();
    for source in sources {
        // `\b`, `\s`, `\d`: a regex's escapes are not words.
        let literal = escapes().replace_all(source, " ");
        for word in content_words(&literal) {
            words.insert(stem(&word));
        }
    }
    words
}

fn escapes() -> &'static regex::Regex {
    static ESCAPES: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    ESCAPES.get_or_init(|| regex::Regex::new(r"\\[a-zA-Z]").expect("a valid regex"))
}

/// Where an answer's content is kept while the class is read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Content {
    /// A short answer's words as written, in order, joined by spaces (stems and set
    /// semantics come once misspellings are settled).
    Short(Box<str>),
    /// A long answer's content words, as a hash of the sequence.
    Long(u64),
}

/// The distinct contents of one question's answers, as read.
#[derive(Debug, Default)]
struct Variants {
    /// Stems two variants must agree on to be merged (besides negations and numbers).
    decisive: BTreeSet<String>,
    /// Variants by their content's hash (the content itself is kept once, in `entries`);
    /// contents whose hashes collide go to `collided`.
    index: HashMap<u64, u32>,
    collided: HashMap<Box<str>, u32>,
    /// Per variant: its content and how many answers.
    entries: Vec<(Content, u32)>,
}

/// What an answer slot (a student's place in the run) holds for one question, as the builder
/// writes it to disk: nothing, a short variant (its index) or a long content (its hash). A long
/// answer's group is its exact content, so its id comes from the hash and only its size needs
/// the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlotAnswer {
    None,
    Short(u32),
    Long(u64),
}

impl FixedRecord for SlotAnswer {
    const LEN: usize = 9;

    fn put(&self, out: &mut Vec<u8>) {
        let (tag, value) = match *self {
            SlotAnswer::None => (0u8, 0u64),
            SlotAnswer::Short(v) => (1, u64::from(v)),
            SlotAnswer::Long(h) => (2, h),
        };
        out.push(tag);
        out.extend_from_slice(&value.to_le_bytes());
    }

    fn take(bytes: &[u8]) -> SlotAnswer {
        let value = u64::from_le_bytes(bytes[1..9].try_into().expect("8 bytes"));
        match bytes[0] {
            1 => SlotAnswer::Short(value as u32),
            2 => SlotAnswer::Long(value),
            _ => SlotAnswer::None,
        }
    }
}

/// A long answer's question and content hash, sorted on disk to count the contents given by
/// several answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct LongKey {
    question: u16,
    hash: u64,
}

impl FixedRecord for LongKey {
    const LEN: usize = 10;

    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.question.to_le_bytes());
        out.extend_from_slice(&self.hash.to_le_bytes());
    }

    fn take(bytes: &[u8]) -> LongKey {
        LongKey {
            question: u16::from_le_bytes(bytes[..2].try_into().expect("2 bytes")),
            hash: u64::from_le_bytes(bytes[2..10].try_into().expect("8 bytes")),
        }
    }
}

/// How long a group's representative text is kept.
const REPRESENTATIVE_CHARS: usize = 300;

/// The class's answers as they are read, before groups are settled. Memory holds each
/// question's distinct short answers; what each slot holds goes to disk in slot order, and the
/// long answers' hashes are sorted on disk, so memory does not grow with the class's long
/// answers.
pub struct GroupsBuilder {
    questions: Vec<(QuestionId, Variants)>,
    slots: std::io::BufWriter<std::fs::File>,
    /// The slot being read and its answers (one per question); slots before it are written.
    slot: usize,
    pending: Vec<SlotAnswer>,
    long: SortedRuns<LongKey>,
    students: usize,
}

impl GroupsBuilder {
    /// A builder for `questions` (each with the words its answers must agree on to be merged,
    /// see [`rubric_words`]), for `students` answer slots each.
    pub fn new(
        questions: impl IntoIterator<Item = (QuestionId, BTreeSet<String>)>,
        students: usize,
    ) -> io::Result<GroupsBuilder> {
        let questions: Vec<(QuestionId, Variants)> = questions
            .into_iter()
            .map(|(q, decisive)| {
                let variants = Variants {
                    decisive,
                    ..Variants::default()
                };
                (q, variants)
            })
            .collect();
        Ok(GroupsBuilder {
            slots: std::io::BufWriter::new(tempfile::tempfile()?),
            slot: 0,
            pending: vec![SlotAnswer::None; questions.len()],
            questions,
            long: SortedRuns::new(|a: &LongKey, b: &LongKey| a.cmp(b))?,
            students,
        })
    }

    /// Write the pending slot and any unanswered ones up to `slot`.
    fn write_slots_before(&mut self, slot: usize) -> io::Result<()> {
        use std::io::Write;
        let mut bytes = Vec::with_capacity(self.pending.len() * SlotAnswer::LEN);
        while self.slot < slot {
            bytes.clear();
            for answer in &mut self.pending {
                answer.put(&mut bytes);
                *answer = SlotAnswer::None;
            }
            self.slots.write_all(&bytes)?;
            self.slot += 1;
        }
        Ok(())
    }

    /// The content of `text` as grouping keeps it (computed apart from [`add`](Self::add), so
    /// that it can run in parallel).
    pub fn content(text: &str) -> AnswerContent {
        let words = content_words(text);
        AnswerContent(if words.len() <= SHORT_ANSWER_WORDS {
            Content::Short(words.join(" ").into_boxed_str())
        } else {
            // A long answer is grouped only with the same words in the same order; its words
            // are hashed as written (stemming them all was a tenth of a run).
            let mut h = fnv::Fnv::default();
            for w in &words {
                std::hash::Hasher::write(&mut h, w.as_bytes());
                std::hash::Hasher::write(&mut h, b" ");
            }
            Content::Long(std::hash::Hasher::finish(&h))
        })
    }

    /// Record the answer of the student in `slot` to the question at `question` (its index).
    /// Only its content is kept (a long answer's as a hash), not its text. Slots come in order.
    pub fn add(&mut self, question: usize, slot: usize, content: AnswerContent) -> io::Result<()> {
        if slot < self.slot {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "answer slots must come in order: slot {slot} after slot {}",
                    self.slot
                ),
            ));
        }
        self.write_slots_before(slot)?;
        if let Content::Long(hash) = content.0 {
            self.pending[question] = SlotAnswer::Long(hash);
            return self.long.push(LongKey {
                question: question as u16,
                hash,
            });
        }
        let variants = &mut self.questions[question].1;
        let Content::Short(words) = content.0 else {
            unreachable!("long contents returned above")
        };
        let next = variants.entries.len() as u32;
        let at = match *variants.index.entry(fnv::hash(&*words)).or_insert(next) {
            at if at != next
                && !matches!(&variants.entries[at as usize].0, Content::Short(w) if *w == words) =>
            {
                *variants.collided.entry(words.clone()).or_insert(next)
            }
            at => at,
        };
        if at == next {
            variants.entries.push((Content::Short(words), 0));
        }
        variants.entries[at as usize].1 += 1;
        self.pending[question] = SlotAnswer::Short(at);
        Ok(())
    }

    /// Settle the groups.
    pub fn finish(mut self) -> io::Result<Groups> {
        self.write_slots_before(self.students)?;
        let slots = self.slots.into_inner().map_err(io::IntoInnerError::into_error)?;
        // Long contents given by several answers: runs of one hash in the sorted keys.
        let mut repeated: Vec<HashMap<u64, u32>> = vec![HashMap::new(); self.questions.len()];
        let mut run: Option<(LongKey, u32)> = None;
        let mut end_run = |run: Option<(LongKey, u32)>| {
            if let Some((key, n)) = run.filter(|&(_, n)| n > 1) {
                repeated[key.question as usize].insert(key.hash, n);
            }
        };
        for key in self.long.finish()?.iter() {
            let key = key?;
            run = match run {
                Some((k, n)) if k == key => Some((k, n + 1)),
                other => {
                    end_run(other);
                    Some((key, 1))
                }
            };
        }
        end_run(run);
        Ok(Groups {
            questions: self
                .questions
                .into_iter()
                .zip(repeated)
                .map(|((id, variants), repeated)| settle(id, variants, repeated))
                .collect(),
            slots: Some(std::sync::Mutex::new(slots)),
        })
    }
}

/// An answer's content, ready to be added to a [`GroupsBuilder`].
#[derive(Debug, Clone)]
pub struct AnswerContent(Content);

/// One group of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: GroupId,
    /// How many answers it holds.
    pub size: u32,
    /// How many distinct contents it merged.
    pub variants: u32,
}

/// The settled groups of every question, and what each answer slot holds (on disk, read back
/// one slot at a time while grading).
#[derive(Debug, Default)]
pub struct Groups {
    questions: Vec<QuestionGroups>,
    slots: Option<std::sync::Mutex<std::fs::File>>,
}

#[derive(Debug, Clone)]
struct QuestionGroups {
    question: QuestionId,
    /// The groups of short answers.
    groups: Vec<Group>,
    /// Per short variant, its group's index.
    group_of_variant: Vec<u32>,
    /// How many answers give each long content that more than one answer gives (any other
    /// long content is a group of one).
    repeated: HashMap<u64, u32>,
}

/// Form the groups of a whole report from its graded answers' texts, and give each answer its
/// group: what a streamed run does from the submissions (see [`crate::course::run`]).
pub fn assign(report: &mut GradeReport, rubric: &Rubric) -> io::Result<Groups> {
    let questions: Vec<QuestionId> = report.assignment.questions.iter().map(|q| q.id.clone()).collect();
    let mut builder = GroupsBuilder::new(
        questions.iter().map(|id| {
            let words = rubric
                .questions
                .iter()
                .find(|q| &q.id == id)
                .map(rubric_words)
                .unwrap_or_default();
            (id.clone(), words)
        }),
        report.students.len(),
    )?;
    for (slot, student) in report.students.iter().enumerate() {
        for (at, id) in questions.iter().enumerate() {
            if let Some(q) = student
                .questions
                .iter()
                .find(|q| &q.id == id && q.answer.is_some())
            {
                builder.add(at, slot, GroupsBuilder::content(&q.answer_text))?;
            }
        }
    }
    let groups = builder.finish()?;
    for (slot, student) in report.students.iter_mut().enumerate() {
        groups.give(slot, student)?;
    }
    Ok(groups)
}

impl Groups {
    /// Give each of the student's answers (the student in `slot`) its group and the group's
    /// size. A long answer's group is read from its own text (its content's hash).
    pub fn give(&self, slot: usize, student: &mut StudentGrade) -> io::Result<()> {
        let Some(answers) = self.slot(slot)? else {
            return Ok(());
        };
        for (question, answer) in self.questions.iter().zip(answers) {
            let Some(q) = student.questions.iter_mut().find(|q| q.id == question.question) else {
                continue;
            };
            (q.group, q.group_size) = match (&q.answer, question.id_of(answer)) {
                (Some(_), Some((id, size))) => (Some(id), size),
                _ => (None, 0),
            };
        }
        Ok(())
    }
}

impl Groups {
    /// The group (id and size) of the answer in `slot` to the question at `question`, read from
    /// disk.
    #[cfg(test)]
    fn group_of(&self, question: usize, slot: usize) -> Option<(GroupId, u32)> {
        let answers = self.slot(slot).unwrap()?;
        self.questions[question].id_of(answers[question])
    }

    /// What the student in `slot` answered, per question (rubric order); `None` when the
    /// groups were not formed.
    fn slot(&self, slot: usize) -> io::Result<Option<Vec<SlotAnswer>>> {
        use std::io::{Read, Seek, SeekFrom};
        let Some(slots) = &self.slots else {
            return Ok(None);
        };
        let mut bytes = vec![0; self.questions.len() * SlotAnswer::LEN];
        {
            let mut file = slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            file.seek(SeekFrom::Start((slot * bytes.len()) as u64))?;
            file.read_exact(&mut bytes)?;
        }
        Ok(Some(
            bytes
                .chunks_exact(SlotAnswer::LEN)
                .map(SlotAnswer::take)
                .collect(),
        ))
    }
}

impl QuestionGroups {
    /// The group (id and size) of an answer slot's answer to this question.
    fn id_of(&self, answer: SlotAnswer) -> Option<(GroupId, u32)> {
        match answer {
            SlotAnswer::None => None,
            SlotAnswer::Short(variant) => {
                let group = &self.groups[self.group_of_variant[variant as usize] as usize];
                Some((group.id.clone(), group.size))
            }
            SlotAnswer::Long(hash) => Some((
                GroupId::of(&self.question, &Key::Long(hash).text()),
                self.repeated.get(&hash).copied().unwrap_or(1),
            )),
        }
    }
}

/// How many member ids a group's review row names.
const NAMED_MEMBERS: usize = 5;

/// One group as a review sees it: its answers' scores and doubts, gathered as they are graded.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct GroupReview {
    pub question: QuestionId,
    pub group: GroupId,
    pub max: Points,
    /// How many answers it holds.
    pub size: usize,
    /// How many of its answers got each score.
    pub scores: BTreeMap<Points, usize>,
    /// Its first few members, in id order, with their answers (cut to a few hundred
    /// characters); the first is the group's representative.
    pub members: Vec<GroupMember>,
    /// Whether the representative answer earned nothing yet has a content word (an answer of
    /// only function words or punctuation that earned nothing is no surprise); `false` when it
    /// earned something, as only groups whose answers all earned nothing ask.
    #[serde(default)]
    pub has_content: bool,
    /// What the matcher found in the representative answer, to highlight it (concepts with
    /// evidence inside the text kept).
    pub evidence: Vec<ConceptResult>,
    /// Concepts that earned credit in its answers, with how many answers each (rubric order).
    pub concepts: Vec<(String, usize)>,
    /// Mean confidence of its answers' scores.
    pub confidence: f64,
    /// Answers whose score rests on a doubt: hedged, negated, uncertain, at the edge of a
    /// misspelling allowance, copied from the prompt, a keyword list.
    pub doubtful: usize,
    /// How much a TA's look is worth: its size times its doubt (see [`GroupReview::doubt`]).
    pub priority: f64,
    /// Why it is doubtful, most telling first.
    pub reasons: Vec<String>,
}

/// A named member as it waits on disk, with the matcher's evidence for the representative.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct MemberRecord {
    member: GroupMember,
    evidence: Option<Vec<ConceptResult>>,
}

/// One member of a group as its review row shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GroupMember {
    pub student: StudentId,
    pub text: String,
}

impl GroupReview {
    /// The first member's answer, which stands for the group.
    pub fn representative(&self) -> &str {
        self.members.first().map_or("", |m| m.text.as_str())
    }

    /// The score most of its answers got.
    pub fn usual_score(&self) -> Points {
        self.scores
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map_or(Points::ZERO, |(score, _)| *score)
    }

    /// How doubtful the group's score is, with the reasons, from what its answers' grades say.
    /// Answers that say the same thing should score the same, so mixed scores weigh most; then
    /// nothing earned by an answer with content (the rubric may not have foreseen it); doubts
    /// on the answers' own scores; partial credit. A small floor lets large groups that look
    /// sure come up too, after the doubtful ones.
    fn doubt(&self) -> (f64, Vec<&'static str>) {
        let mut doubt = 0.05;
        let mut reasons = Vec::new();
        if self.scores.len() > 1 {
            doubt += 1.0;
            reasons.push("mixed scores");
        }
        let all_zero = self.scores.keys().all(|s| s.is_zero());
        if all_zero && !self.max.is_zero() && self.has_content {
            doubt += 0.6;
            reasons.push(if self.concepts.is_empty() {
                "no concept matched"
            } else {
                "nothing earned"
            });
        }
        let size = self.size.max(1) as f64;
        if self.doubtful > 0 {
            doubt += 0.5 * self.doubtful as f64 / size;
            reasons.push("hedged, negated or uncertain");
        }
        if self.confidence < 0.999 {
            doubt += 1.0 - self.confidence;
            reasons.push("low confidence");
        }
        if self.scores.keys().any(|s| !s.is_zero() && *s < self.max) {
            doubt += 0.3;
            reasons.push("partial credit");
        }
        (doubt, reasons)
    }
}

/// `text` cut to at most `chars` characters.
fn cut(text: &str, chars: usize) -> &str {
    text.char_indices().nth(chars).map_or(text, |(at, _)| &text[..at])
}

/// Flags that mean an answer's score rests on a doubt.
fn is_doubtful(flag: &Flag) -> bool {
    matches!(
        flag,
        Flag::NegatedOrHedged { .. }
            | Flag::Uncertain { .. }
            | Flag::FuzzyAtThreshold { .. }
            | Flag::Echo { .. }
            | Flag::KeywordList
            | Flag::HedgedChoice { .. }
            | Flag::Contradiction { .. }
            | Flag::Retraction { .. }
    )
}

/// Where a group of one answer waits on disk, with what orders it (after priority and
/// question, the order it came in, which is the students' id order).
#[derive(Debug, Clone, Copy)]
struct SingleKey {
    priority: f64,
    question: u16,
    at: Offset,
}

impl FixedRecord for SingleKey {
    const LEN: usize = 8 + 2 + Offset::LEN;

    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.priority.to_le_bytes());
        out.extend_from_slice(&self.question.to_le_bytes());
        self.at.put(out);
    }

    fn take(bytes: &[u8]) -> SingleKey {
        SingleKey {
            priority: f64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")),
            question: u16::from_le_bytes(bytes[8..10].try_into().expect("2 bytes")),
            at: Offset::take(&bytes[10..]),
        }
    }
}

/// The review order of groups of one answer: highest priority first, then by question (rubric
/// order); equal keys stay in the order they came in (students' id order).
fn single_order(a: &SingleKey, b: &SingleKey) -> std::cmp::Ordering {
    b.priority
        .total_cmp(&a.priority)
        .then(a.question.cmp(&b.question))
}

/// A group of several answers while the class is counted: only what its review row is made
/// from, kept small (a class of long answers has a row for every answer pasted twice).
#[derive(Debug)]
struct GroupCount {
    /// The group id's number (ids are 12 hex digits).
    group: u64,
    question: u16,
    has_content: bool,
    /// Members named so far, at the start of `members`.
    named: u8,
    size: u32,
    doubtful: u32,
    confidence_sum: f64,
    /// Set when counting is done.
    priority: f64,
    /// Answers per score, in the order first seen.
    scores: Vec<(Points, u32)>,
    /// Answers per credited concept (an index into the question's concept ids), in the order
    /// first seen.
    concepts: Vec<(u16, u32)>,
    /// Where the named members wait on disk.
    members: [Offset; NAMED_MEMBERS],
}

impl GroupCount {
    fn new(group: u64, question: usize) -> GroupCount {
        GroupCount {
            group,
            question: question as u16,
            has_content: false,
            named: 0,
            size: 0,
            doubtful: 0,
            confidence_sum: 0.0,
            priority: 0.0,
            scores: Vec::new(),
            concepts: Vec::new(),
            members: [Offset::default(); NAMED_MEMBERS],
        }
    }

    /// Count the student's answer `q` in; returns the member record to keep while the group
    /// names fewer than [`NAMED_MEMBERS`] (with the matcher's evidence, for the first).
    fn count(
        &mut self,
        names: &mut Names,
        student: &StudentGrade,
        q: &QuestionGrade,
    ) -> Option<MemberRecord> {
        self.size += 1;
        match self.scores.iter_mut().find(|(s, _)| *s == q.score) {
            Some((_, n)) => *n += 1,
            None => self.scores.push((q.score, 1)),
        }
        for c in &q.concepts {
            if matches!(c.outcome, Outcome::Hit | Outcome::Partial) && !c.max.is_zero() {
                let c = names.concept(self.question as usize, &c.id);
                match self.concepts.iter_mut().find(|(id, _)| *id == c) {
                    Some((_, n)) => *n += 1,
                    None => self.concepts.push((c, 1)),
                }
            }
        }
        self.doubtful += u32::from(q.flags.iter().any(is_doubtful));
        self.confidence_sum += q.confidence;
        ((self.named as usize) < NAMED_MEMBERS).then(|| {
            let record = member_record(student, q, self.named == 0);
            // Only a group whose answers all earned nothing asks whether its representative
            // has content, so the words are looked at only when it earned nothing (taking them
            // for every group of one answer cost a few percent of a run).
            if self.named == 0 && q.score.is_zero() {
                self.has_content = !content_words(&record.member.text).is_empty();
            }
            self.named += 1;
            record
        })
    }
}

/// The names behind a [`GroupCount`]'s numbers: question ids and maxima (rubric order) and,
/// per question, its concepts' ids as first seen.
#[derive(Debug)]
struct Names {
    questions: Vec<(QuestionId, Points)>,
    concepts: Vec<Vec<String>>,
}

impl Names {
    fn concept(&mut self, question: usize, id: &str) -> u16 {
        let ids = &mut self.concepts[question];
        match ids.iter().position(|c| c == id) {
            Some(at) => at as u16,
            None => {
                ids.push(id.to_string());
                (ids.len() - 1) as u16
            }
        }
    }

    /// The review row of `count`, settled, with no members named yet.
    fn review(&self, count: &GroupCount) -> GroupReview {
        let (question, max) = &self.questions[count.question as usize];
        let concepts = &self.concepts[count.question as usize];
        let mut review = GroupReview {
            question: question.clone(),
            group: GroupId(format!("{:012x}", count.group)),
            max: *max,
            size: count.size as usize,
            scores: count.scores.iter().map(|&(s, n)| (s, n as usize)).collect(),
            members: Vec::new(),
            has_content: count.has_content,
            evidence: Vec::new(),
            concepts: count
                .concepts
                .iter()
                .map(|&(c, n)| (concepts[c as usize].clone(), n as usize))
                .collect(),
            confidence: 0.0,
            doubtful: count.doubtful as usize,
            priority: 0.0,
            reasons: Vec::new(),
        };
        review.settle(count.confidence_sum / count.size.max(1) as f64);
        review
    }
}

/// The groups' review rows, gathered one student at a time. Groups of several answers are
/// counted in memory, in a compact form; a group of one answer (most answers of a class of
/// long answers) is complete when it is seen, so it goes to a temporary file, and its sort key
/// is sorted on disk too (see [`SortedRuns`]), so that memory does not grow with the class.
pub struct GroupTally {
    counts: Vec<GroupCount>,
    index: HashMap<(u16, u64), u32>,
    names: Names,
    /// The named members of the groups in `counts`, on disk.
    members: Spill<MemberRecord>,
    singles: Spill<GroupReview>,
    single_keys: SortedRuns<SingleKey>,
    /// Groups of one answer per question.
    single_counts: Vec<usize>,
}

impl GroupTally {
    pub fn new(questions: impl IntoIterator<Item = (QuestionId, Points)>) -> io::Result<GroupTally> {
        let questions: Vec<(QuestionId, Points)> = questions.into_iter().collect();
        let n = questions.len();
        Ok(GroupTally {
            counts: Vec::new(),
            index: HashMap::new(),
            names: Names {
                concepts: vec![Vec::new(); questions.len()],
                questions,
            },
            members: Spill::new()?,
            singles: Spill::new()?,
            single_keys: SortedRuns::new(single_order)?,
            single_counts: vec![0; n],
        })
    }

    /// Count one student's grouped answers in (students in id order).
    pub fn add(&mut self, student: &StudentGrade) -> io::Result<()> {
        for q in &student.questions {
            let Some(group) = &q.group else { continue };
            let Some(at) = self.names.questions.iter().position(|(id, _)| id == &q.id) else {
                continue;
            };
            let number = u64::from_str_radix(group.as_str(), 16).map_err(io::Error::other)?;
            if q.group_size == 1 {
                // Complete when seen: its review row goes to disk, its sort key to the sorter.
                let mut count = GroupCount::new(number, at);
                let record = count.count(&mut self.names, student, q);
                let mut review = self.names.review(&count);
                if let Some(record) = record {
                    review.name(record);
                }
                let key = SingleKey {
                    priority: review.priority,
                    question: at as u16,
                    at: self.singles.push(&review)?,
                };
                self.single_keys.push(key)?;
                self.single_counts[at] += 1;
                continue;
            }
            let next = self.counts.len() as u32;
            let row = *self.index.entry((at as u16, number)).or_insert(next);
            if row == next {
                self.counts.push(GroupCount::new(number, at));
            }
            let count = &mut self.counts[row as usize];
            if let Some(record) = count.count(&mut self.names, student, q) {
                count.members[count.named as usize - 1] = self.members.push(&record)?;
            }
        }
        Ok(())
    }

    /// The groups in review order: highest priority first, then by question (rubric order);
    /// at equal priority in one question, groups of several answers first (by id), then groups
    /// of one answer (by student).
    pub fn finish(self) -> io::Result<GroupQueue> {
        let GroupTally {
            mut counts,
            index,
            names,
            members,
            singles,
            single_keys,
            single_counts,
        } = self;
        drop(index);
        for count in &mut counts {
            count.priority = names.review(count).priority;
        }
        counts.sort_by(|a, b| {
            b.priority
                .total_cmp(&a.priority)
                .then(a.question.cmp(&b.question))
                .then(a.group.cmp(&b.group))
        });
        // Groups per question: those of one answer, counted as they came, and the others.
        let mut per_question = single_counts;
        for count in &counts {
            per_question[count.question as usize] += 1;
        }
        Ok(GroupQueue {
            counts,
            names,
            members: members.finish()?,
            singles: singles.finish()?,
            single_keys: single_keys.finish()?,
            per_question,
        })
    }
}

/// The groups of a finished [`GroupTally`], in review order: the groups of several answers
/// (counted in memory) and of one answer (on disk), each sorted, merged as they are read.
pub struct GroupQueue {
    counts: Vec<GroupCount>,
    names: Names,
    members: SpillReader<MemberRecord>,
    singles: SpillReader<GroupReview>,
    single_keys: SortedRunsReader<SingleKey>,
    per_question: Vec<usize>,
}

impl GroupQueue {
    /// Every group, in review order.
    pub fn iter(&self) -> impl Iterator<Item = io::Result<GroupReview>> + '_ {
        self.merged(None)
    }

    /// The groups of the question at `question` (rubric order), in review order.
    pub fn of_question(&self, question: usize) -> impl Iterator<Item = io::Result<GroupReview>> + '_ {
        self.merged(Some(question as u16))
    }

    /// How many groups the question at `question` has.
    pub fn count(&self, question: usize) -> usize {
        self.per_question.get(question).copied().unwrap_or(0)
    }

    pub fn len(&self) -> usize {
        self.counts.len() + self.single_keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn merged(&self, only: Option<u16>) -> impl Iterator<Item = io::Result<GroupReview>> + '_ {
        let keep = move |q: u16| only.is_none_or(|o| o == q);
        let mut rows = self.counts.iter().filter(move |c| keep(c.question)).peekable();
        let mut singles = self
            .single_keys
            .iter()
            .filter(move |k| k.as_ref().map_or(true, |k| keep(k.question)))
            .peekable();
        std::iter::from_fn(move || {
            let row_first = match (rows.peek(), singles.peek()) {
                (None, None) => return None,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (_, Some(Err(_))) => false,
                (Some(count), Some(Ok(key))) => match count.priority.total_cmp(&key.priority) {
                    std::cmp::Ordering::Greater => true,
                    std::cmp::Ordering::Less => false,
                    std::cmp::Ordering::Equal => count.question <= key.question,
                },
            };
            Some(if row_first {
                let count = rows.next()?;
                let mut row = self.names.review(count);
                for &at in &count.members[..count.named as usize] {
                    match self.members.get(at) {
                        Ok(record) => row.name(record),
                        Err(e) => return Some(Err(e)),
                    }
                }
                Ok(row)
            } else {
                singles.next()?.and_then(|key| self.singles.get(key.at))
            })
        })
    }
}

/// The member record of the student's answer `q`, with the matcher's evidence when it is a
/// group's `first` member (its representative).
fn member_record(student: &StudentGrade, q: &QuestionGrade, first: bool) -> MemberRecord {
    let text = cut(&q.answer_text, REPRESENTATIVE_CHARS);
    MemberRecord {
        member: GroupMember {
            student: student.student.clone(),
            text: text.to_string(),
        },
        evidence: first.then(|| {
            q.concepts
                .iter()
                .filter(|c| c.evidence.as_ref().is_some_and(|e| e.end <= text.len()))
                .map(|c| ConceptResult {
                    feedback: None,
                    ..c.clone()
                })
                .collect()
        }),
    }
}

impl GroupReview {
    /// Name a member counted by [`GroupCount::count`].
    fn name(&mut self, record: MemberRecord) {
        if let Some(evidence) = record.evidence {
            self.evidence = evidence;
        }
        self.members.push(record.member);
    }

    /// Every answer counted: the mean confidence, the doubt and the priority.
    fn settle(&mut self, confidence: f64) {
        self.confidence = confidence;
        let (doubt, reasons) = self.doubt();
        self.priority = self.size as f64 * doubt;
        self.reasons = reasons.into_iter().map(str::to_string).collect();
    }
}

/// Misspellings settled, contents compared as sets, similar variants merged.
fn settle(question: QuestionId, variants: Variants, repeated: HashMap<u64, u32>) -> QuestionGroups {
    let Variants {
        entries, decisive, ..
    } = variants;
    let spelling = misspellings(&entries, &decisive);
    // Each variant's settled key: short contents as sorted word sets.
    let keys: Vec<Key> = entries
        .iter()
        .map(|(content, _)| match content {
            Content::Short(words) => {
                let mut set: Vec<Box<str>> = words
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(|w| stem(spelling.get(w).map_or(w, |c| &**c)).into_boxed_str())
                    .collect();
                set.sort();
                set.dedup();
                Key::Short(set)
            }
            Content::Long(h) => Key::Long(*h),
        })
        .collect();
    // Variants with equal keys are one; then similar short ones are merged.
    let mut by_key: BTreeMap<&Key, Vec<usize>> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        by_key.entry(key).or_default().push(i);
    }
    let mut exact: Vec<Exact> = by_key
        .into_iter()
        .map(|(key, members)| Exact {
            size: members.iter().map(|&i| entries[i].1).sum(),
            key: key.clone(),
            members,
        })
        .collect();
    // Largest first, then by content: the order merging visits them, which decides each
    // group's representative.
    exact.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.key.cmp(&b.key)));
    let is_decisive = |w: &str| is_negation_or_number(w) || decisive.contains(w);
    let parent = merge(&exact, &is_decisive);

    let mut group_of_exact = vec![u32::MAX; exact.len()];
    let mut groups: Vec<Group> = Vec::new();
    for (i, e) in exact.iter().enumerate() {
        let root = parent[i];
        if root == i {
            group_of_exact[i] = groups.len() as u32;
            groups.push(Group {
                id: GroupId::of(&question, &e.key.text()),
                size: 0,
                variants: 0,
            });
        }
    }
    let mut group_of_variant = vec![u32::MAX; entries.len()];
    for (i, e) in exact.iter().enumerate() {
        let g = group_of_exact[parent[i]];
        groups[g as usize].size += e.size;
        groups[g as usize].variants += 1;
        for &m in &e.members {
            group_of_variant[m] = g;
        }
    }
    QuestionGroups {
        question,
        groups,
        group_of_variant,
        repeated,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Short(Vec<Box<str>>),
    Long(u64),
}

impl Key {
    fn text(&self) -> String {
        match self {
            Key::Short(words) => words.join(" "),
            Key::Long(h) => format!("#{h:016x}"),
        }
    }
}

/// Variants with equal keys.
struct Exact {
    key: Key,
    size: u32,
    members: Vec<usize>,
}

/// Rare words read as misspellings of common ones within the matcher's edit allowance, by
/// the number of answers each word is in: `capitolism` (2 answers) is `capitalism` (40). A word
/// of the rubric (its stem in `rubric`) is a word, never a misspelling: `capitalist` stays.
fn misspellings(entries: &[(Content, u32)], rubric: &BTreeSet<String>) -> HashMap<Box<str>, Box<str>> {
    let mut answers_with: HashMap<&str, u32> = HashMap::new();
    for (content, count) in entries {
        if let Content::Short(words) = content {
            let mut seen: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
            seen.sort_unstable();
            seen.dedup();
            for w in seen {
                *answers_with.entry(w).or_default() += count;
            }
        }
    }
    let mut words: Vec<(&str, u32)> = answers_with.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    // Common words by first letter and length, so a word is compared only with those that
    // could be within its allowance.
    let mut by_start: HashMap<(char, usize), Vec<(&str, u32)>> = HashMap::new();
    let mut map = HashMap::new();
    for &(word, count) in &words {
        let len = word.chars().count();
        let first = word.chars().next().unwrap_or(' ');
        let mut target: Option<&str> = None;
        if !is_negation_or_number(word) && !rubric.contains(&stem(word)) {
            // The common word's allowance decides, as a phrase word's does in the matcher.
            'search: for l in len.saturating_sub(2)..=len + 2 {
                let allowance = allowed_edits(l);
                if allowance == 0 || len.abs_diff(l) > allowance {
                    continue;
                }
                for &(common, common_count) in by_start.get(&(first, l)).map_or(&[][..], |v| v) {
                    if common_count >= MISSPELLING_RATIO * count
                        && strsim::osa_distance(word, common) <= allowance
                    {
                        target = Some(common);
                        break 'search;
                    }
                }
            }
        }
        match target {
            Some(common) => {
                map.insert(word.into(), common.into());
            }
            // Only words read as themselves can be what others misspell.
            None => by_start.entry((first, len)).or_default().push((word, count)),
        }
    }
    map
}

/// For each exact group (largest first), the group it is merged into: itself, or an earlier
/// one whose weighted word overlap with it is at least [`MERGE_SIMILARITY`].
fn merge(exact: &[Exact], is_decisive: &dyn Fn(&str) -> bool) -> Vec<usize> {
    // Word weights: rarer among the question's variants weighs more.
    let mut variants_with: HashMap<&str, u32> = HashMap::new();
    for e in exact {
        if let Key::Short(words) = &e.key {
            for w in words {
                *variants_with.entry(w).or_default() += 1;
            }
        }
    }
    let n = exact.len() as f64;
    let weight = |w: &str| ((n + 1.0) / f64::from(variants_with[w])).ln();

    let mut parent: Vec<usize> = (0..exact.len()).collect();
    // Roots indexed by each of their words.
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut root_weight: Vec<f64> = vec![0.0; exact.len()];
    for (i, e) in exact.iter().enumerate() {
        let Key::Short(words) = &e.key else { continue };
        if words.is_empty() {
            continue;
        }
        let total: f64 = words.iter().map(|w| weight(w)).sum();
        // Prefix filter: a candidate must share a word among the heaviest ones whose weight
        // exceeds (1 - threshold) of the whole, or it cannot reach the threshold.
        let mut by_weight: Vec<&str> = words.iter().map(|w| &**w).collect();
        by_weight.sort_by(|a, b| weight(b).total_cmp(&weight(a)).then_with(|| a.cmp(b)));
        let mut prefix = Vec::new();
        let mut rest = total;
        for w in by_weight {
            if rest < MERGE_SIMILARITY * total {
                break;
            }
            prefix.push(w);
            rest -= weight(w);
        }
        let mut best: Option<(f64, usize)> = None;
        let mut tried: Vec<usize> = Vec::new();
        for w in prefix {
            for &r in postings.get(w).map_or(&[][..], |v| v) {
                if tried.contains(&r) {
                    continue;
                }
                tried.push(r);
                // Weighted Jaccard cannot reach the threshold across too different weights.
                let (a, b) = (total, root_weight[r]);
                if a.min(b) < MERGE_SIMILARITY * a.max(b) {
                    continue;
                }
                let Key::Short(other) = &exact[r].key else {
                    continue;
                };
                if let Some(sim) = similarity(words, other, &weight, is_decisive) {
                    if sim >= MERGE_SIMILARITY && best.is_none_or(|(s, _)| sim > s) {
                        best = Some((sim, r));
                    }
                }
            }
        }
        match best {
            Some((_, root)) => parent[i] = root,
            None => {
                root_weight[i] = total;
                for w in words {
                    postings.entry(w).or_default().push(i);
                }
            }
        }
    }
    parent
}

/// Weighted Jaccard overlap of two word sets (both sorted), or `None` when they differ in a
/// decisive word.
fn similarity(
    a: &[Box<str>],
    b: &[Box<str>],
    weight: &dyn Fn(&str) -> f64,
    is_decisive: &dyn Fn(&str) -> bool,
) -> Option<f64> {
    let (mut i, mut j) = (0, 0);
    let (mut shared, mut union) = (0.0, 0.0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Equal => {
                let w = weight(&a[i]);
                shared += w;
                union += w;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                if is_decisive(&a[i]) {
                    return None;
                }
                union += weight(&a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                if is_decisive(&b[j]) {
                    return None;
                }
                union += weight(&b[j]);
                j += 1;
            }
        }
    }
    Some(if union > 0.0 { shared / union } else { 1.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups_of(answers: &[&str]) -> (Groups, Vec<Option<GroupId>>) {
        let mut builder =
            GroupsBuilder::new([(QuestionId("q".into()), BTreeSet::new())], answers.len()).unwrap();
        for (slot, text) in answers.iter().enumerate() {
            builder.add(0, slot, GroupsBuilder::content(text)).unwrap();
        }
        let groups = builder.finish().unwrap();
        let ids = (0..answers.len())
            .map(|slot| groups.group_of(0, slot).map(|(id, _)| id))
            .collect();
        (groups, ids)
    }

    #[test]
    fn function_words_are_sorted_for_the_binary_search() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn content_drops_function_words_and_unifies_forms() {
        assert_eq!(content_words("The market economy."), ["market", "economy"]);
        assert_eq!(content_words("it's THIRTEEN colonies"), ["13", "colonies"]);
        assert_eq!(content_words("doesn't share, never"), ["not", "share", "not"]);
        // Word forms: one group for the answers below.
        let (_, ids) = groups_of(&["Britain's rule", "britain rules", "ruled by Britain"]);
        assert!(ids.iter().all(|id| id == &ids[0]), "{ids:?}");
    }

    #[test]
    fn order_case_and_punctuation_do_not_split_a_short_answer() {
        let (_, ids) = groups_of(&["market economy", "Economy, market!", "the market economy"]);
        assert!(ids.iter().all(|id| id == &ids[0]), "{ids:?}");
    }

    #[test]
    fn a_rare_misspelling_joins_the_common_word() {
        let mut answers = vec!["capitalism"; 6];
        answers.push("capitolism");
        let (groups, ids) = groups_of(&answers);
        assert!(ids.iter().all(|id| id == &ids[0]));
        assert_eq!(groups.group_of(0, 6).unwrap().1, 7);
    }

    #[test]
    fn a_word_of_the_rubric_is_never_read_as_a_misspelling() {
        let mut answers = vec!["capitalism"; 6];
        answers.push("capitalist");
        let mut builder = GroupsBuilder::new(
            [(QuestionId("q".into()), [stem("capitalist")].into_iter().collect())],
            answers.len(),
        )
        .unwrap();
        for (slot, text) in answers.iter().enumerate() {
            builder.add(0, slot, GroupsBuilder::content(text)).unwrap();
        }
        let groups = builder.finish().unwrap();
        assert_ne!(groups.group_of(0, 6).unwrap().0, groups.group_of(0, 0).unwrap().0);
        // Without the rubric's word, it is the common word misspelt.
        let (_, ids) = groups_of(&answers);
        assert_eq!(ids[6], ids[0]);
    }

    #[test]
    fn negation_and_numbers_keep_answers_apart() {
        let (_, ids) = groups_of(&[
            "capitalism",
            "capitalism",
            "not capitalism",
            "13 colonies",
            "13 colonies",
            "50 colonies",
        ]);
        assert_ne!(ids[0], ids[2]);
        assert_ne!(ids[3], ids[5]);
    }

    #[test]
    fn near_duplicates_merge_into_the_largest() {
        // A word nearly every answer has ("economy") weighs little; the answer's own words
        // decide. "capitalism economy" is "capitalism"; "market economy" is not.
        let mut answers = vec!["capitalism"; 5];
        answers.extend([
            "capitalism economy",
            "market economy",
            "mixed economy",
            "free economy",
            "open economy",
            "global economy",
            "strong economy",
            "economy",
        ]);
        let (groups, ids) = groups_of(&answers);
        assert_eq!(ids[5], ids[0], "{:?}", groups);
        assert_ne!(ids[6], ids[0]);
        assert_ne!(ids[6], ids[7]);
        let (id, size) = groups.group_of(0, 5).unwrap();
        assert_eq!(size, 6);
        let group = groups.questions[0].groups.iter().find(|g| g.id == id).unwrap();
        assert_eq!(group.variants, 2);
    }

    #[test]
    fn a_word_of_the_rubric_keeps_answers_apart() {
        let mut answers = vec!["a larger population"; 5];
        answers.extend([
            "they are larger",
            "population",
            "high population",
            "big population",
            "huge population",
            "population size",
            "more population",
        ]);
        let build = |decisive: BTreeSet<String>| {
            let mut builder =
                GroupsBuilder::new([(QuestionId("7".into()), decisive)], answers.len()).unwrap();
            for (slot, text) in answers.iter().enumerate() {
                builder.add(0, slot, GroupsBuilder::content(text)).unwrap();
            }
            builder.finish().unwrap()
        };
        // "population" is in most answers, so it weighs little: alone, overlap merges them.
        let plain = build(BTreeSet::new());
        assert_eq!(plain.group_of(0, 5).unwrap().0, plain.group_of(0, 0).unwrap().0);
        // Where the rubric asks for it, the answer without it is a group of its own.
        let rubric = build([stem("population")].into_iter().collect());
        assert_ne!(rubric.group_of(0, 5).unwrap().0, rubric.group_of(0, 0).unwrap().0);
    }

    #[test]
    fn ids_come_from_content_not_from_order() {
        let (_, forward) = groups_of(&["speech", "religion", "speech", "press"]);
        let (_, backward) = groups_of(&["press", "speech", "religion", "speech"]);
        assert_eq!(forward[0], backward[1]);
        assert_eq!(forward[1], backward[2]);
        assert_eq!(forward[3], backward[0]);
        // A new answer that joins a group leaves its id alone.
        let (_, more) = groups_of(&["speech", "religion", "speech", "press", "freedom of speech"]);
        assert_eq!(more[0], forward[0]);
    }

    #[test]
    fn long_answers_group_only_with_the_same_words_in_order() {
        let long = "the model learns a low rank update to each weight matrix while the base stays frozen";
        let reordered =
            "while the base stays frozen the model learns a low rank update to each weight matrix";
        let upper = long.to_uppercase();
        let (groups, ids) = groups_of(&[long, &upper, reordered]);
        assert_eq!(ids[0], ids[1]);
        assert_ne!(ids[0], ids[2]);
        // Kept as a hash, counted all the same.
        assert_eq!(groups.group_of(0, 0).unwrap().1, 2);
        assert_eq!(groups.group_of(0, 2).unwrap().1, 1);
    }

    #[test]
    fn answer_slots_out_of_order_are_an_error() {
        let mut builder = GroupsBuilder::new([(QuestionId("q".into()), BTreeSet::new())], 3).unwrap();
        builder.add(0, 2, GroupsBuilder::content("speech")).unwrap();
        let err = builder.add(0, 1, GroupsBuilder::content("press")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn unanswered_slots_have_no_group() {
        let mut builder = GroupsBuilder::new([(QuestionId("q".into()), BTreeSet::new())], 2).unwrap();
        builder.add(0, 1, GroupsBuilder::content("speech")).unwrap();
        let groups = builder.finish().unwrap();
        assert!(groups.group_of(0, 0).is_none());
        assert!(groups.group_of(0, 1).is_some());
    }
}
