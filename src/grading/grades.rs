//! The grading result: what the engine computes and every report writer reads. Plain data,
//! serializable as-is (the JSON report is its serde form), with no formatting of its own.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, Points, QuestionId, StudentId};
pub use crate::rubric::Visibility;

/// Everything one `grade` run produced, students sorted by id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GradeReport {
    pub assignment: AssignmentInfo,
    pub students: Vec<StudentGrade>,
}

/// The rubric's metadata, repeated in the report so that it stands on its own.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssignmentInfo {
    pub id: String,
    pub title: String,
    /// A fingerprint of the rubric's text: a regrade tells a rubric change by it.
    #[serde(default)]
    pub rubric_fingerprint: String,
    /// Question ids in rubric order with their maxima.
    pub questions: Vec<QuestionInfo>,
    pub max_total: Points,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuestionInfo {
    pub id: QuestionId,
    pub max: Points,
}

/// One student's grade.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StudentGrade {
    pub student: StudentId,
    /// Files read for this student, relative to the submissions folder, `/`-separated.
    pub files: Vec<String>,
    #[serde(flatten)]
    pub status: SubmissionStatus,
    pub total: Points,
    pub max_total: Points,
    /// One entry per rubric question, in rubric order, whether answered or not.
    pub questions: Vec<QuestionGrade>,
    /// Problems with the submission as a whole (decoding fallbacks, stray labels, duplicates).
    pub warnings: Vec<String>,
    /// Labels that matched no question; the text under them was not graded.
    #[serde(default)]
    pub unknown_labels: Vec<AnswerLocation>,
    /// Text in the files that a reader would not see (comments, white or invisible text,
    /// collapsed cells), not graded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_text: Vec<crate::submission::HiddenText>,
    /// The roster's entry for this student, when a roster was given and lists them.
    #[serde(default)]
    pub roster: Option<RosterEntry>,
    /// A roster was given and does not list this student.
    #[serde(default)]
    pub not_on_roster: bool,
    /// The submission's own name when it was resolved to a roster id (`jdoe_late` → `jdoe`).
    #[serde(default)]
    pub submitted_as: Option<String>,
}

/// A student as the course roster lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub name: String,
    pub email: String,
    /// The learning-management system's id (Canvas user id), if the roster gives one.
    pub lms_id: Option<String>,
}

impl StudentGrade {
    /// A grade with no answers and 0 points: an unreadable or missing submission, or a
    /// submission's identity before it is graded.
    pub fn without_answers(student: StudentId, status: SubmissionStatus, max_total: Points) -> StudentGrade {
        StudentGrade {
            student,
            files: Vec::new(),
            status,
            total: Points::ZERO,
            max_total,
            questions: Vec::new(),
            warnings: Vec::new(),
            unknown_labels: Vec::new(),
            hidden_text: Vec::new(),
            roster: None,
            not_on_roster: false,
            submitted_as: None,
        }
    }

    /// Every flag raised on any of this student's answers, in question order.
    pub fn flags(&self) -> impl Iterator<Item = (&QuestionId, &Flag)> {
        self.questions
            .iter()
            .flat_map(|q| q.flags.iter().map(move |f| (&q.id, f)))
    }
}

/// Whether the submission could be graded at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum SubmissionStatus {
    Graded,
    /// Could not be read (or held no text); scored 0, reported, and the run went on.
    Unreadable {
        reason: String,
    },
    /// On the roster, but nothing was submitted; scored 0.
    Missing,
}

/// Where an answer was found in a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerLocation {
    /// Relative to the submissions folder, `/`-separated.
    pub file: String,
    /// 1-based line of the label that introduced the answer.
    pub line: usize,
    /// The label as the student wrote it (`Q1c-ii`, `Problem 1, part (c)(ii)`).
    pub label: String,
    /// In a notebook: the cell and the line within it (`line` is the JSON file's line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<crate::submission::NotebookCell>,
}

impl AnswerLocation {
    /// `answers.md:12`, or in a notebook `answers.ipynb:cell 3, line 2`: where a person finds it.
    pub fn place(&self) -> String {
        match self.cell {
            Some(c) => format!("{}:cell {}, line {}", self.file, c.cell, c.line),
            None => format!("{}:{}", self.file, self.line),
        }
    }

    /// `line 12 of answers.md`, or `cell 3, line 2 of answers.ipynb`, for sentences.
    pub fn line_of_file(&self) -> String {
        match self.cell {
            Some(c) => format!("cell {}, line {} of {}", c.cell, c.line, self.file),
            None => format!("line {} of {}", self.line, self.file),
        }
    }
}

/// One question's grade.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuestionGrade {
    pub id: QuestionId,
    pub score: Points,
    pub max: Points,
    /// `None` when no answer was found for the question.
    pub answer: Option<AnswerLocation>,
    /// The answer's text as graded (empty when missing).
    pub answer_text: String,
    pub concepts: Vec<ConceptResult>,
    /// Question-level feedback lines (answer not found, misconception explained), in order.
    pub feedback: Vec<String>,
    pub flags: Vec<Flag>,
    /// Whether students may see this question's feedback.
    #[serde(default)]
    pub visibility: Visibility,
    /// How sure the grader is of this score, from 0 to 1; low values go to the review queue.
    #[serde(default = "certain")]
    pub confidence: f64,
    /// A TA's decision that replaced the autograder's score.
    #[serde(default)]
    pub overridden: Option<Override>,
    /// The answer group it belongs to (answers that say the same thing, see
    /// [`crate::course::groups`]); `None` when no answer was found or groups were not formed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// How many answers the group holds in this run (0 when unknown); for the class tally,
    /// not written.
    #[serde(skip)]
    pub group_size: u32,
    /// A TA's decision on the answer's whole group, which set its score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

impl QuestionGrade {
    /// Add a flag found after scoring, lowering the confidence as the scorer would have.
    pub fn add_flag(&mut self, flag: Flag) {
        self.confidence *= flag.confidence_factor();
        self.flags.push(flag);
    }
}

fn certain() -> f64 {
    1.0
}

/// A TA's decision on an answer group, as applied to one of its answers: every answer of the
/// group gets `points`; carried into later runs; a per-student override wins over it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub points: Points,
    /// What the autograder gave.
    pub autograder: Points,
    pub comment: String,
    /// The answer was not in the group when it was decided (a new or changed answer that
    /// joined it in a later run).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub joined: bool,
}

/// A manual decision: it wins over the autograder and survives every regrade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Override {
    /// What the autograder gave.
    pub autograder: Points,
    pub comment: String,
}

/// How one concept (or one choice, or one misconception) fared in one answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConceptResult {
    pub id: String,
    pub outcome: Outcome,
    pub points: Points,
    pub max: Points,
    /// The student's words that decided the outcome, when there were any.
    pub evidence: Option<Evidence>,
    /// The rubric's feedback for this outcome (its `hit` or `miss` text), if it has one.
    pub feedback: Option<String>,
    /// Whether students may see this concept's name and feedback.
    #[serde(default)]
    pub visibility: Visibility,
    /// What decided an outcome beyond the words themselves: the hedge that withheld (or, under
    /// a lenient policy, doubted) the credit, or the question's own words copied back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// A coverage concept's ideas, in the rubric's order (empty for any other concept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ideas: Vec<IdeaResult>,
}

impl ConceptResult {
    /// Whether this is a coverage concept's result (a coverage concept has at least one idea).
    pub fn is_coverage(&self) -> bool {
        !self.ideas.is_empty()
    }

    /// How many of a coverage concept's ideas the answer covers.
    pub fn covered(&self) -> usize {
        self.ideas
            .iter()
            .filter(|i| i.outcome == IdeaOutcome::Covered)
            .count()
    }
}

/// How one idea of a coverage concept fared in one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdeaResult {
    pub id: String,
    pub outcome: IdeaOutcome,
    /// The student's words that decided the outcome (a denial quoted with its negation word).
    pub evidence: Option<Evidence>,
    /// The idea's `hit` text when covered, its `miss` text otherwise, if it has one.
    pub feedback: Option<String>,
    /// The hedge that withheld (or doubted) it, or the question's words copied back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// What the matcher concluded about one idea.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdeaOutcome {
    /// Asserted (or, for an idea whose negation counts, denied); said with doubt under a
    /// lenient policy counts too (and is flagged).
    Covered,
    /// Found, but the student said it is not so.
    Negated,
    /// Found, but only hedged or asked.
    Hedged,
    /// Found only in words copied from the question's prompt.
    Echoed,
    /// Not found.
    Missed,
}

impl IdeaOutcome {
    /// The outcome as the JSON report spells it.
    pub fn name(self) -> &'static str {
        match self {
            IdeaOutcome::Covered => "covered",
            IdeaOutcome::Negated => "negated",
            IdeaOutcome::Hedged => "hedged",
            IdeaOutcome::Echoed => "echoed",
            IdeaOutcome::Missed => "missed",
        }
    }
}

/// What the matcher concluded about a concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Asserted (or, for a concept whose negation counts, denied): full points.
    Hit,
    /// Only a weaker variant appeared: partial points.
    Partial,
    /// Not found.
    Missed,
    /// Found, but the student negated it.
    Negated,
    /// Found, but only hedged ("either ... or", "maybe") or asked as a question.
    Hedged,
    /// A misconception the rubric lists was asserted.
    Misconception,
    /// A choice question answered with another option.
    WrongChoice,
    /// Mutually exclusive concepts were both asserted: no credit.
    Contradicted,
    /// Cancelled by a misconception or by a bare keyword list.
    Cancelled,
    /// Found only in words copied from the question's prompt.
    Echoed,
}

/// The matched text: a quote and where it sits in the answer (byte offsets into `answer_text`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub quote: String,
    pub start: usize,
    pub end: usize,
    /// Edits a fuzzy match needed (0 for an exact or stem match).
    #[serde(default)]
    pub edits: usize,
    /// Some word needed all the edits its length allows: close to not matching at all.
    #[serde(default)]
    pub at_threshold: bool,
    /// The rubric's pattern that matched, as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pattern: String,
}

/// Reasons for a human to look at an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "kebab-case")]
pub enum Flag {
    /// No answer under any of the question's labels.
    Missing,
    /// A label was found but the answer under it is empty.
    Blank,
    /// The question was answered more than once; the last answer was graded.
    AnsweredTwice,
    /// A listed misconception was asserted.
    Misconception { concept: String },
    /// Mutually exclusive concepts (yes and no) were both asserted.
    Contradiction { concepts: Vec<String> },
    /// Two or more options were named as the answer.
    HedgedChoice { options: Vec<String> },
    /// The answer is a bare list of keywords with no claim.
    KeywordList,
    /// Points were earned through a fuzzy match at the edge of its misspelling allowance.
    FuzzyAtThreshold { concept: String },
    /// A concept was found, but negated or hedged, so it earned nothing.
    NegatedOrHedged { concept: String },
    /// A concept earned its points though said with doubt (lenient hedging policy).
    Uncertain { concept: String, cue: String },
    /// A concept was found only in words copied from the question.
    Echo { concept: String },
    /// The student took back what they wrote first ("on second thought"); only what follows
    /// was graded.
    Retraction { cue: String },
    /// A long answer that earned nothing.
    LongAnswerNoCredit { words: usize },
    /// A very short answer that earned full marks on a question worth several points.
    ShortAnswerFullMarks { words: usize },
    /// The same answer stands under other labels too; only the sentences that answer this
    /// question were graded.
    SameAnswer { also_under: Vec<String> },
    /// A TA's override replaced the autograder's score.
    Overridden,
    /// A TA's decision on the answer's group set its score.
    GroupDecision,
    /// The answer joined a group decided in an earlier run, and got its decision.
    JoinedDecidedGroup,
    /// Longer than the question's `max_words` (and, under `truncate`, graded only that far).
    TooLong {
        words: usize,
        max: usize,
        truncated: bool,
    },
}

impl Flag {
    /// The flag's name as the JSON report spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Flag::Missing => "missing",
            Flag::Blank => "blank",
            Flag::AnsweredTwice => "answered-twice",
            Flag::Misconception { .. } => "misconception",
            Flag::Contradiction { .. } => "contradiction",
            Flag::HedgedChoice { .. } => "hedged-choice",
            Flag::KeywordList => "keyword-list",
            Flag::FuzzyAtThreshold { .. } => "fuzzy-at-threshold",
            Flag::NegatedOrHedged { .. } => "negated-or-hedged",
            Flag::Uncertain { .. } => "uncertain",
            Flag::Echo { .. } => "echo",
            Flag::Retraction { .. } => "retraction",
            Flag::LongAnswerNoCredit { .. } => "long-answer-no-credit",
            Flag::ShortAnswerFullMarks { .. } => "short-answer-full-marks",
            Flag::SameAnswer { .. } => "same-answer",
            Flag::Overridden => "overridden",
            Flag::GroupDecision => "group-decision",
            Flag::JoinedDecidedGroup => "joined-decided-group",
            Flag::TooLong { .. } => "too-long",
        }
    }

    /// `misconception: keep-masking`, `hedged-choice: a or b`, `keyword-list`: the name with its
    /// detail, as the review queue and the HTML report word it.
    pub fn describe(&self) -> String {
        let detail = match self {
            Flag::Misconception { concept }
            | Flag::FuzzyAtThreshold { concept }
            | Flag::NegatedOrHedged { concept }
            | Flag::Echo { concept } => concept.clone(),
            Flag::Uncertain { concept, cue } => format!("{concept} ({cue})"),
            Flag::Retraction { cue } => cue.clone(),
            Flag::SameAnswer { also_under } => format!("also under {}", also_under.join(", ")),
            Flag::Contradiction { concepts } => concepts.join(" vs "),
            Flag::HedgedChoice { options } => options.join(" or "),
            Flag::LongAnswerNoCredit { words } | Flag::ShortAnswerFullMarks { words } => {
                format!("{words} words")
            }
            _ => return self.name().to_string(),
        };
        format!("{}: {detail}", self.name())
    }

    /// How much this flag lowers confidence in a score (multiplied together).
    pub fn confidence_factor(&self) -> f64 {
        match self {
            Flag::Missing | Flag::Blank | Flag::Overridden | Flag::GroupDecision => 1.0,
            Flag::Contradiction { .. } => 0.3,
            Flag::KeywordList => 0.4,
            Flag::Misconception { .. } | Flag::HedgedChoice { .. } | Flag::LongAnswerNoCredit { .. } => 0.5,
            Flag::ShortAnswerFullMarks { .. } => 0.6,
            Flag::Uncertain { .. } => 0.6,
            // Below the review queue's 0.75 cut: a hedge or negation may have cost a right answer.
            Flag::AnsweredTwice
            | Flag::FuzzyAtThreshold { .. }
            | Flag::TooLong { .. }
            | Flag::NegatedOrHedged { .. }
            | Flag::Echo { .. }
            | Flag::SameAnswer { .. }
            | Flag::Retraction { .. }
            // The TA decided the group before this answer was in it: worth a look.
            | Flag::JoinedDecidedGroup => 0.7,
        }
    }

    /// Whether a student is told about this flag (the others are for the TA's review).
    pub fn for_students(&self) -> bool {
        !matches!(
            self,
            Flag::FuzzyAtThreshold { .. }
                | Flag::NegatedOrHedged { .. }
                | Flag::Uncertain { .. }
                | Flag::LongAnswerNoCredit { .. }
                | Flag::ShortAnswerFullMarks { .. }
                | Flag::JoinedDecidedGroup
        )
    }
}

impl Outcome {
    /// The outcome as the JSON report spells it.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Hit => "hit",
            Outcome::Partial => "partial",
            Outcome::Missed => "missed",
            Outcome::Negated => "negated",
            Outcome::Hedged => "hedged",
            Outcome::Misconception => "misconception",
            Outcome::WrongChoice => "wrong-choice",
            Outcome::Contradicted => "contradicted",
            Outcome::Cancelled => "cancelled",
            Outcome::Echoed => "echoed",
        }
    }
}
