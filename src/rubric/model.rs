//! The validated rubric: what the engine grades with. Every pattern is compiled, every
//! reference (synonym group, option, subject, concept) resolved, every point total checked.

use std::path::PathBuf;

use regex::Regex;

use crate::ids::{Points, QuestionId};
use crate::matching::pattern::Phrase;

#[derive(Debug, Clone)]
pub struct Rubric {
    pub path: PathBuf,
    /// The rubric's text, for rendering its warnings.
    pub source: String,
    /// What `lint` warns about; grading goes on.
    pub warnings: Vec<crate::rubric::Problem>,
    /// The staff's rubric, or the student edition that holds no answer key.
    pub edition: Edition,
    pub assignment: Assignment,
    pub questions: Vec<Question>,
}

impl Rubric {
    /// The warnings as diagnostics of this rubric's file.
    pub fn warning_diagnostics(&self) -> crate::rubric::Diagnostics {
        crate::rubric::Diagnostics {
            path: self.path.clone(),
            text: self.source.clone(),
            problems: self.warnings.clone(),
        }
    }

    pub fn max_total(&self) -> Points {
        self.questions.iter().map(|q| q.max).sum()
    }

    /// This rubric, if it is the staff's: what every command that produces grades requires,
    /// since a student edition has lost the patterns the grades come from.
    pub fn require_staff(&self) -> Result<(), crate::rubric::RubricError> {
        match self.edition {
            Edition::Staff => Ok(()),
            Edition::Student => Err(crate::rubric::RubricError::StudentEdition {
                path: self.path.clone(),
            }),
        }
    }
}

/// Which edition of a rubric a file is (its top-level `edition` key).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Edition {
    /// The rubric staff write and grade with: the answer key.
    #[default]
    Staff,
    /// What `export --student` writes for students: question ids, labels, points, word limits
    /// and the concepts released for practice, nothing else. It checks an answer file's
    /// structure but cannot grade.
    Student,
}

impl Edition {
    pub const NAMES: &'static [&'static str] = &["staff", "student"];
    pub fn parse(word: &str) -> Option<Edition> {
        match word {
            "staff" => Some(Edition::Staff),
            "student" => Some(Edition::Student),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub id: String,
    pub title: String,
    pub course: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: QuestionId,
    pub max: Points,
    pub prompt: String,
    /// The prompt's words as stems, analysed once, to find answers that copy it.
    pub prompt_stems: Vec<String>,
    pub visibility: Visibility,
    pub max_words: Option<usize>,
    pub over_max_words: LongAnswers,
    pub extra_labels: Vec<String>,
    pub subjects: Vec<Subject>,
    pub concepts: Vec<Concept>,
    pub misconceptions: Vec<Misconception>,
    /// Groups of indices into `concepts` of which at most one may be asserted.
    pub exclusive: Vec<Vec<usize>>,
    pub examples: Vec<Example>,
    /// The assignment's `[policy]` with this question's own settings applied.
    pub policy: Policy,
}

/// A worked example of the rubric: an answer and the score (and findings) it must get.
#[derive(Debug, Clone)]
pub struct Example {
    /// 1-based line of the example's answer in the rubric file.
    pub line: usize,
    pub answer: String,
    pub score: Points,
    /// Concept or misconception ids that must be found.
    pub hits: Vec<String>,
    /// Concept or misconception ids that must not be found.
    pub misses: Vec<String>,
    pub why: Option<String>,
}

/// Something an answer talks about in turn ("BERT: ... T5: ... GPT: ...").
#[derive(Debug, Clone)]
pub struct Subject {
    pub id: String,
    pub names: Vec<Pattern>,
}

/// A gradable idea, worth points.
#[derive(Debug, Clone)]
pub struct Concept {
    pub id: String,
    pub points: Points,
    /// Index into the question's subjects: the concept is looked for only in that part.
    pub subject: Option<usize>,
    pub rule: ConceptRule,
    pub partial: Option<PartialCredit>,
    pub visibility: Visibility,
    /// Released for practice: the student edition keeps it, patterns and feedback, so students
    /// can check themselves against it before the due date.
    pub practice: bool,
    pub hit_feedback: Option<String>,
    pub miss_feedback: Option<String>,
}

impl Concept {
    /// The most an answer can earn from this concept: its points, or for a coverage concept
    /// what covering every idea earns.
    pub fn most(&self) -> Points {
        match &self.rule {
            ConceptRule::Coverage(coverage) => coverage.most(self.points),
            _ => self.points,
        }
    }

    /// Every pattern of the concept, its `partial` ones last, in the order of
    /// [`Concept::pattern_lists`].
    pub fn patterns(&self) -> impl Iterator<Item = &Pattern> + '_ {
        self.pattern_lists()
            .into_iter()
            .flat_map(|(_, patterns)| patterns)
    }

    /// The concept's pattern lists, each with its role as `explain` names it: `match` and
    /// `negated`; `option KEY` and `accept`; `idea ID` and `idea ID, negated` for each idea of
    /// a coverage concept; then `partial`.
    pub fn pattern_lists(&self) -> Vec<(String, &[Pattern])> {
        let mut lists = self.rule.pattern_lists();
        if let Some(partial) = &self.partial {
            lists.push(("partial".to_string(), partial.patterns.as_slice()));
        }
        lists
    }
}

impl ConceptRule {
    /// Every pattern of the rule: asserted and negated, every option's and `accept`, every
    /// idea's asserted and negated (not the concept's `partial` ones: see [`Concept::patterns`]).
    pub fn patterns(&self) -> impl Iterator<Item = &Pattern> + '_ {
        self.pattern_lists()
            .into_iter()
            .flat_map(|(_, patterns)| patterns)
    }

    /// The rule's pattern lists with their roles (see [`Concept::pattern_lists`]).
    pub fn pattern_lists(&self) -> Vec<(String, &[Pattern])> {
        fn set(asserted: String, negated: String, set: &PatternSet) -> [(String, &[Pattern]); 2] {
            [
                (asserted, set.asserted.as_slice()),
                (negated, set.negated.as_slice()),
            ]
        }
        match self {
            ConceptRule::Patterns(patterns) => {
                set("match".to_string(), "negated".to_string(), patterns).into()
            }
            ConceptRule::Choice(choice) => choice
                .options
                .iter()
                .map(|o| (format!("option {}", o.key), o.patterns.as_slice()))
                .chain([("accept".to_string(), choice.accept.as_slice())])
                .collect(),
            ConceptRule::Coverage(coverage) => coverage
                .ideas
                .iter()
                .flat_map(|idea| {
                    let asserted = format!("idea {}", idea.id);
                    let negated = format!("idea {}, negated", idea.id);
                    set(asserted, negated, &idea.patterns)
                })
                .collect(),
        }
    }
}

/// What happens to an answer longer than the question's `max_words`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LongAnswers {
    /// Graded whole, and flagged for review.
    #[default]
    Flag,
    /// Only the first `max_words` words are graded, and the answer is flagged.
    Truncate,
}

/// Who may see a question's or concept's feedback.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    /// Shown to students.
    #[default]
    Visible,
    /// Shown to students once the due date has passed (Gradescope's `after_due_date`).
    AfterDue,
    /// Graded, but never named to students.
    Hidden,
}

impl Visibility {
    pub fn parse(word: &str) -> Option<Visibility> {
        match word {
            "visible" => Some(Visibility::Visible),
            "after-due" | "after_due_date" | "after-due-date" => Some(Visibility::AfterDue),
            "hidden" => Some(Visibility::Hidden),
            _ => None,
        }
    }
}

/// How a concept is recognised.
#[derive(Debug, Clone)]
pub enum ConceptRule {
    /// Any of the patterns, with the polarity each needs.
    Patterns(PatternSet),
    /// One option out of several must be chosen.
    Choice(Choice),
    /// Several ideas, each found on its own; points follow from how many are covered.
    Coverage(Coverage),
}

/// A coverage concept's ideas and how they earn its points.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// At least one; ids unique within the concept.
    pub ideas: Vec<Idea>,
    pub credit: Credit,
}

/// One idea of a coverage concept: found with the same polarity rules as a concept's patterns.
#[derive(Debug, Clone)]
pub struct Idea {
    pub id: String,
    pub patterns: PatternSet,
    pub hit_feedback: Option<String>,
    pub miss_feedback: Option<String>,
}

/// How a coverage concept's points follow from the number of ideas covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credit {
    /// points x covered / ideas, rounded half up to the hundredth.
    Proportional,
    /// (k, points) with k in 1..=ideas and both strictly increasing: covering at least k
    /// ideas earns the points of the highest k reached.
    Thresholds(Vec<(usize, Points)>),
}

impl Coverage {
    /// What covering `covered` of the ideas earns of a concept worth `points`.
    pub fn earned(&self, covered: usize, points: Points) -> Points {
        match &self.credit {
            Credit::Proportional => {
                let n = self.ideas.len().max(1) as i64;
                let hundredths = points.hundredths() * covered.min(self.ideas.len()) as i64;
                // Half up: the hundredths are never negative.
                Points::from_hundredths((2 * hundredths + n) / (2 * n))
            }
            Credit::Thresholds(steps) => steps
                .iter()
                .rev()
                .find(|(k, _)| *k <= covered)
                .map_or(Points::ZERO, |(_, p)| *p),
        }
    }

    /// The most the concept can earn: all ideas covered.
    pub fn most(&self, points: Points) -> Points {
        self.earned(self.ideas.len(), points)
    }
}

/// Patterns with the polarity that earns credit.
#[derive(Debug, Clone, Default)]
pub struct PatternSet {
    /// Count when asserted.
    pub asserted: Vec<Pattern>,
    /// Count when the student negates them ("you do not mask").
    pub negated: Vec<Pattern>,
}

impl PatternSet {
    pub fn is_empty(&self) -> bool {
        self.asserted.is_empty() && self.negated.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub options: Vec<ChoiceOption>,
    /// Index into `options` of the right one.
    pub answer: usize,
    /// Accepted alternatives that earn the points whatever option was named.
    pub accept: Vec<Pattern>,
    pub wrong_cancels: Cancels,
}

#[derive(Debug, Clone)]
pub struct ChoiceOption {
    pub key: String,
    pub patterns: Vec<Pattern>,
}

/// What a misconception or a wrong choice takes away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancels {
    Nothing,
    Question,
    /// Indices into the question's concepts.
    Concepts(Vec<usize>),
}

#[derive(Debug, Clone)]
pub struct PartialCredit {
    pub points: Points,
    pub patterns: Vec<Pattern>,
    pub feedback: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Misconception {
    pub id: String,
    pub subject: Option<usize>,
    pub patterns: Vec<Pattern>,
    pub effect: MisconceptionEffect,
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MisconceptionEffect {
    Cancel(Cancels),
    Deduct(Points),
}

/// A compiled pattern and the text it was written as.
#[derive(Debug, Clone)]
pub enum Pattern {
    Phrase(Phrase),
    Regex { source: String, regex: Regex },
}

impl Pattern {
    pub fn source(&self) -> &str {
        match self {
            Pattern::Phrase(p) => &p.source,
            Pattern::Regex { source, .. } => source,
        }
    }
}

/// How the engine judges what an answer does beyond its words: hedges, keyword lists, the
/// prompt copied back, and terms with a negation word inside. Set for the assignment in
/// `[policy]` and field by field per question (`[question.policy]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub hedging: Hedging,
    pub keyword_lists: KeywordLists,
    pub echo: Echo,
    pub alternatives: Alternatives,
    /// Word sequences (lower case) that hold a negation word but are not negations
    /// ("no preemption", "non-blocking"): they neither negate nor are negated.
    pub terms: Vec<Vec<String>>,
}

/// What a hedged match earns. Questions ("is it X?") and alternatives left open ("either X or
/// Y", "both could work") never assert anything except under `Off`; what `Lenient` changes is
/// plain uncertainty ("maybe X", "X?", "I guess X").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Hedging {
    /// Uncertain, questioned and open alternatives all earn nothing.
    Strict,
    /// Uncertain answers earn their credit and are flagged `uncertain` for review; questions
    /// and open alternatives earn nothing.
    #[default]
    Lenient,
    /// Hedges are ignored: every match counts as asserted.
    Off,
}

/// What a bare list of keywords with no claim earns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeywordLists {
    /// Nothing, where the prompt asks for an explanation: a keyword dump makes no claim.
    /// Where the prompt asks to name or list things ("What are the operations of a stack?"),
    /// a list is the answer and is graded.
    #[default]
    Zero,
    /// Graded like any answer, and flagged for review.
    Flag,
    /// Graded like any answer (a list is the answer to "name the operations").
    Grade,
}

/// What "either X or Y" and "may or may not" say. Where the question asks the student to
/// choose ("Do you still mask?", "Which method?"), they leave the choice open; where it asks
/// what something is or how it works ("Where are variables declared?"), they state both
/// alternatives as true ("either inside a function or outside it").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Alternatives {
    /// A hedge: the alternatives are left open and earn nothing.
    #[default]
    Open,
    /// A statement: each alternative counts as asserted.
    Stated,
}

/// What words copied from the question's `prompt` earn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Echo {
    /// A match that lies wholly inside text copied from the prompt earns nothing.
    #[default]
    Discount,
    /// Copied text counts like any other.
    Credit,
}

impl Hedging {
    pub const NAMES: &'static [&'static str] = &["strict", "lenient", "off"];
    pub fn parse(word: &str) -> Option<Hedging> {
        match word {
            "strict" => Some(Hedging::Strict),
            "lenient" => Some(Hedging::Lenient),
            "off" => Some(Hedging::Off),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl KeywordLists {
    pub const NAMES: &'static [&'static str] = &["zero", "flag", "grade"];
    pub fn parse(word: &str) -> Option<KeywordLists> {
        match word {
            "zero" => Some(KeywordLists::Zero),
            "flag" => Some(KeywordLists::Flag),
            "grade" => Some(KeywordLists::Grade),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl Alternatives {
    pub const NAMES: &'static [&'static str] = &["open", "stated"];
    pub fn parse(word: &str) -> Option<Alternatives> {
        match word {
            "open" => Some(Alternatives::Open),
            "stated" => Some(Alternatives::Stated),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl Echo {
    pub const NAMES: &'static [&'static str] = &["discount", "credit"];
    pub fn parse(word: &str) -> Option<Echo> {
        match word {
            "discount" => Some(Echo::Discount),
            "credit" => Some(Echo::Credit),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Terms every rubric knows: names that hold a negation word but negate nothing. (A negation
/// word hyphenated to the next, as in `no-op` or `not-for-profit`, is a compound anyway.)
const BUILTIN_TERMS: &[&str] = &["no preemption"];

/// The defaults, with the built-in terms: what a rubric without `[policy]` grades under.
impl Default for Policy {
    fn default() -> Policy {
        Policy {
            hedging: Hedging::default(),
            keyword_lists: KeywordLists::default(),
            echo: Echo::default(),
            alternatives: Alternatives::default(),
            terms: BUILTIN_TERMS
                .iter()
                .map(|t| crate::matching::cues::term_words(t))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(ideas: usize, credit: Credit) -> Coverage {
        let idea = |n: usize| Idea {
            id: format!("idea-{n}"),
            patterns: PatternSet::default(),
            hit_feedback: None,
            miss_feedback: None,
        };
        Coverage {
            ideas: (1..=ideas).map(idea).collect(),
            credit,
        }
    }

    #[test]
    fn a_concepts_patterns_are_every_list_of_it_with_their_roles() {
        let rubric = crate::rubric::parse(
            std::path::Path::new("r.toml"),
            r#"
[assignment]
id = "a"
title = "A"
[[question]]
id = "1"
points = 3
  [[question.concept]]
  id = "ideas"
  points = 1
  ideas = [
    { id = "lifo", match = ["last in first out"], negated = ["random access"] },
    { id = "top", match = ["top of the stack", "push at the top"] },
  ]
  [[question.concept]]
  id = "objective"
  points = 2
  match = ["language model"]
  negated = ["masking"]
    [question.concept.partial]
    points = 1
    match = ["back translation"]
"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let concepts = &rubric.questions[0].concepts;
        fn sources(c: &Concept) -> Vec<&str> {
            c.patterns().map(Pattern::source).collect()
        }
        assert_eq!(
            sources(&concepts[0]),
            [
                "last in first out",
                "random access",
                "top of the stack",
                "push at the top"
            ]
        );
        let roles: Vec<String> = concepts[0].pattern_lists().into_iter().map(|(r, _)| r).collect();
        assert_eq!(
            roles,
            ["idea lifo", "idea lifo, negated", "idea top", "idea top, negated"]
        );
        assert_eq!(
            sources(&concepts[1]),
            ["language model", "masking", "back translation"]
        );
        // The rule's own patterns leave out `partial`.
        let rule: Vec<&str> = concepts[1].rule.patterns().map(Pattern::source).collect();
        assert_eq!(rule, ["language model", "masking"]);
    }

    #[test]
    fn proportional_credit_is_rounded_half_up_to_the_hundredth() {
        let thirds = coverage(3, Credit::Proportional);
        let earned: Vec<String> = (0..=3)
            .map(|k| thirds.earned(k, Points::whole(1)).to_string())
            .collect();
        assert_eq!(earned, ["0", "0.33", "0.67", "1"]);
        let quarters = coverage(4, Credit::Proportional);
        assert_eq!(quarters.earned(3, Points::whole(3)), Points::from_f64(2.25));
        // 0.05 x 1/2 = 0.025: half a hundredth rounds up.
        assert_eq!(
            coverage(2, Credit::Proportional).earned(1, Points::from_f64(0.05)),
            Points::from_f64(0.03)
        );
        assert_eq!(quarters.most(Points::whole(3)), Points::whole(3));
    }

    #[test]
    fn thresholds_give_the_points_of_the_highest_count_reached() {
        let steps = coverage(
            4,
            Credit::Thresholds(vec![
                (1, Points::whole(1)),
                (2, Points::whole(2)),
                (4, Points::whole(3)),
            ]),
        );
        let earned: Vec<Points> = (0..=4).map(|k| steps.earned(k, Points::whole(3))).collect();
        assert_eq!(
            earned,
            [0, 1, 2, 2, 3].map(Points::whole),
            "none below the lowest threshold, the highest reached above it"
        );
        let short = coverage(3, Credit::Thresholds(vec![(2, Points::whole(1))]));
        assert_eq!(short.most(Points::whole(2)), Points::whole(1));
    }
}
