//! The rubric as its authors write it: serde types that mirror the TOML one to one, with the
//! source spans kept so that validation can point at the offending line and column.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The whole rubric file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRubric {
    /// `staff` (default) or `student`: the edition `export --student` writes.
    #[serde(default)]
    pub edition: Option<Spanned<String>>,
    pub assignment: RawAssignment,
    /// Synonym groups, used in phrases as `{name}`.
    #[serde(default)]
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// Named option sets for choice concepts (`[options.yes-no]`).
    #[serde(default)]
    pub options: BTreeMap<String, BTreeMap<String, Vec<Spanned<String>>>>,
    /// How hedges, keyword lists, the prompt copied back and negation terms are judged.
    #[serde(default)]
    pub policy: RawPolicy,
    #[serde(default, rename = "question")]
    pub questions: Vec<RawQuestion>,
}

/// `[policy]`, or a question's `policy` table: each field unset falls back to the assignment's.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// `strict`, `lenient` (default) or `off`.
    #[serde(default)]
    pub hedging: Option<Spanned<String>>,
    /// `zero` (default), `flag` or `grade`.
    #[serde(default)]
    pub keyword_lists: Option<Spanned<String>>,
    /// `discount` (default) or `credit`.
    #[serde(default)]
    pub echo: Option<Spanned<String>>,
    /// `open` (default) or `stated`.
    #[serde(default)]
    pub alternatives: Option<Spanned<String>>,
    /// Phrases holding a negation word that are not negations; a question's add to the
    /// assignment's.
    #[serde(default)]
    pub terms: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssignment {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub course: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: Spanned<String>,
    pub points: Spanned<f64>,
    #[serde(default)]
    pub prompt: String,
    /// Extra labels students may use, beside those derived from the id.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Who may see this question's feedback: `visible` (default), `hidden`, `after-due`.
    #[serde(default)]
    pub visibility: Option<Spanned<String>>,
    /// Answers longer than this many words are flagged (and `check` warns the student).
    #[serde(default)]
    pub max_words: Option<Spanned<usize>>,
    /// What happens past `max_words`: `flag` (default: graded whole, flagged for review) or
    /// `truncate` (only the first `max_words` words are graded, and flagged).
    #[serde(default)]
    pub over_max_words: Option<Spanned<String>>,
    /// Things an answer talks about in turn (`bert = ["BERT"]`); concepts may be scoped to one.
    #[serde(default)]
    pub subjects: BTreeMap<String, Vec<Spanned<String>>>,
    /// Groups of concept ids of which at most one may be asserted.
    #[serde(default)]
    pub exclusive: Vec<Vec<Spanned<String>>>,
    #[serde(default, rename = "concept")]
    pub concepts: Vec<RawConcept>,
    #[serde(default, rename = "misconception")]
    pub misconceptions: Vec<RawMisconception>,
    /// Worked examples that `rubricate test` grades.
    #[serde(default, rename = "example")]
    pub examples: Vec<RawExample>,
    /// This question's grading policy, over the assignment's.
    #[serde(default)]
    pub policy: Option<RawPolicy>,
}

/// A worked example: an answer and what it must score.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    pub answer: Spanned<String>,
    pub score: Spanned<f64>,
    /// Concepts (or misconceptions) that must be found.
    #[serde(default)]
    pub hits: Vec<Spanned<String>>,
    /// Concepts (or misconceptions) that must not be found.
    #[serde(default)]
    pub misses: Vec<Spanned<String>>,
    /// Why this example is here, shown when it fails.
    #[serde(default)]
    pub why: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConcept {
    pub id: Spanned<String>,
    pub points: Spanned<f64>,
    #[serde(default)]
    pub subject: Option<Spanned<String>>,
    /// Phrases that earn the points when asserted (`/.../` for a regular expression).
    #[serde(default, rename = "match")]
    pub phrases: Vec<Spanned<String>>,
    /// Regular expressions that earn the points when asserted.
    #[serde(default)]
    pub regex: Vec<Spanned<String>>,
    /// Phrases that earn the points when the student negates them ("you do not mask").
    #[serde(default)]
    pub negated: Vec<Spanned<String>>,
    /// A choice: the option key that is right.
    #[serde(default)]
    pub choose: Option<Spanned<String>>,
    /// The option set the choice is made from.
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    /// Question-specific phrases added to the option set's options.
    #[serde(default)]
    pub options: BTreeMap<String, Vec<Spanned<String>>>,
    /// Phrases that earn a choice's points whatever option was named (an accepted alternative).
    #[serde(default)]
    pub accept: Vec<Spanned<String>>,
    /// What a wrong choice also zeroes: `"question"` or a list of concept ids.
    #[serde(default)]
    pub wrong_cancels: Option<Spanned<RawCancels>>,
    #[serde(default)]
    pub partial: Option<RawPartial>,
    /// A coverage concept: ideas of one explanation, each found on its own; the concept earns
    /// by how many are covered.
    #[serde(default)]
    pub ideas: Option<Spanned<Vec<Spanned<RawIdea>>>>,
    /// How a coverage concept's points follow from its covered ideas: `"proportional"` (the
    /// default) or thresholds `{ k = points }`.
    #[serde(default)]
    pub credit: Option<Spanned<RawCredit>>,
    /// Who may see this concept: `visible` (default), `hidden` (graded, never named to
    /// students), `after-due` (shown once the due date has passed).
    #[serde(default)]
    pub visibility: Option<Spanned<String>>,
    /// Released for practice: kept, with its patterns, in the student edition.
    #[serde(default)]
    pub practice: Option<Spanned<bool>>,
    /// Feedback when the concept is found.
    #[serde(default)]
    pub hit: Option<String>,
    /// Feedback when it is not.
    #[serde(default)]
    pub miss: Option<String>,
}

/// One idea of a coverage concept, found like a concept's patterns.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIdea {
    /// Defaults to `idea-N`, its 1-based place in the list.
    #[serde(default)]
    pub id: Option<Spanned<String>>,
    #[serde(default, rename = "match")]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub regex: Vec<Spanned<String>>,
    #[serde(default)]
    pub negated: Vec<Spanned<String>>,
    /// Feedback when the idea is covered.
    #[serde(default)]
    pub hit: Option<String>,
    /// Feedback when it is not.
    #[serde(default)]
    pub miss: Option<String>,
}

/// `credit = "proportional"` or `credit = { 1 = 1, 2 = 2 }` (keys are idea counts).
#[derive(Debug)]
pub enum RawCredit {
    Word(String),
    Thresholds(BTreeMap<String, f64>),
}

/// Read by hand rather than as an untagged enum, so that a wrong value is told what is
/// expected instead of "did not match any variant".
impl<'de> Deserialize<'de> for RawCredit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RawCredit, D::Error> {
        struct CreditVisitor;
        impl<'de> serde::de::Visitor<'de> for CreditVisitor {
            type Value = RawCredit;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`\"proportional\"` or a table of thresholds `{ k = points }`")
            }
            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<RawCredit, E> {
                Ok(RawCredit::Word(word.to_string()))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<RawCredit, M::Error> {
                let mut thresholds = BTreeMap::new();
                while let Some((k, points)) = map.next_entry::<String, f64>()? {
                    thresholds.insert(k, points);
                }
                Ok(RawCredit::Thresholds(thresholds))
            }
        }
        deserializer.deserialize_any(CreditVisitor)
    }
}

/// A weaker variant worth fewer points.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPartial {
    pub points: Spanned<f64>,
    #[serde(default, rename = "match")]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub regex: Vec<Spanned<String>>,
    #[serde(default)]
    pub feedback: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMisconception {
    pub id: Spanned<String>,
    #[serde(default)]
    pub subject: Option<Spanned<String>>,
    #[serde(default, rename = "match")]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub regex: Vec<Spanned<String>>,
    /// What it zeroes: `"question"` (the default) or a list of concept ids.
    #[serde(default)]
    pub cancels: Option<Spanned<RawCancels>>,
    /// Points to subtract instead of zeroing.
    #[serde(default)]
    pub deduct: Option<Spanned<f64>>,
    #[serde(default)]
    pub feedback: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawCancels {
    Word(String),
    Concepts(Vec<String>),
}
