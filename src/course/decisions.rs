//! A TA's decisions on answer groups: `question,group,points,comment` rows, each giving every
//! answer of one group (see [`crate::course::groups`]) the same score. Applied after grading
//! and before overrides (a per-student override wins), marked in every report, remembered in
//! `grades.json` with each decided answer and carried into later runs when no decisions file
//! is given, like overrides. An answer that was not in the group when it was decided (a new
//! submission, or a changed answer) gets the decision too, flagged for a look.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::course::score_csv::{ScoreCsv, ScoreCsvError, ScoreRow};

use crate::course::regrade::{PreviousRun, PreviousStudent};
use crate::grading::grades::{AssignmentInfo, Decision, Flag, StudentGrade};
use crate::ids::{GroupId, Points, QuestionId};

/// One decision: the score and the TA's comment.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupScore {
    pub points: Points,
    pub comment: String,
}

/// Decisions by (question, group).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decisions {
    pub by_group: BTreeMap<(QuestionId, GroupId), GroupScore>,
}

/// Why a decisions file could not be used.
pub type DecisionError = ScoreCsvError;

impl Decisions {
    /// Read `question,group,points,comment` (header required; `comment` optional; other
    /// columns, such as those of `groups.csv`, are ignored). Every row is checked against the
    /// assignment's questions and maxima; a row with no points is skipped (a group not decided).
    pub fn read_csv(path: &Path, assignment: &AssignmentInfo) -> Result<Decisions, DecisionError> {
        let mut file = ScoreCsv::open(path, "decisions", &["question", "group", "points"], &["comment"])?;
        let rows: Vec<ScoreRow> = file.rows().collect::<Result<_, _>>()?;
        let mut by_group = BTreeMap::new();
        for row in &rows {
            let (question, group, points) = (
                file.field(row, "question"),
                file.field(row, "group"),
                file.field(row, "points"),
            );
            if points.is_empty() {
                continue;
            }
            let (info, points) = file.score(row.line, assignment, &question, &points)?;
            if group.len() != 12 || !group.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(file.invalid(
                    row.line,
                    format!("`{group}` is not a group id (12 hex digits, as in groups.csv)"),
                ));
            }
            let comment = file.field(row, "comment");
            let key = (info.id.clone(), GroupId(group.to_lowercase()));
            if by_group.insert(key, GroupScore { points, comment }).is_some() {
                return Err(file.invalid(
                    row.line,
                    format!("a second decision for question `{question}` group `{group}`"),
                ));
            }
        }
        Ok(Decisions { by_group })
    }

    /// The decisions an earlier run applied, as a regrade reads them from its `grades.json`.
    pub fn from_previous(run: &PreviousRun) -> Decisions {
        let mut by_group = BTreeMap::new();
        for student in &run.students {
            for q in &student.questions {
                if let (Some(group), Some(decision)) = (&q.group, &q.decision) {
                    by_group
                        .entry((q.id.clone(), group.clone()))
                        .or_insert_with(|| GroupScore {
                            points: decision.points,
                            comment: decision.comment.clone(),
                        });
                }
            }
        }
        Decisions { by_group }
    }

    /// Add `other`'s decisions where this set has none for the same group.
    pub fn or(mut self, other: Decisions) -> Decisions {
        for (key, value) in other.by_group {
            self.by_group.entry(key).or_insert(value);
        }
        self
    }

    /// Give each of `student`'s answers in a decided group the decision's score, recording the
    /// autograder's. `previous` is the student in the run the groups were read from: an answer
    /// that was not in the decided group there (or not there at all) is flagged as having
    /// joined it. Returns the decisions used.
    pub fn apply(
        &self,
        student: &mut StudentGrade,
        previous: Option<&PreviousStudent>,
    ) -> Vec<(QuestionId, GroupId)> {
        let mut used = Vec::new();
        for q in &mut student.questions {
            let Some(group) = &q.group else { continue };
            let key = (q.id.clone(), group.clone());
            let Some(decided) = self.by_group.get(&key) else {
                continue;
            };
            let was_there = previous
                .and_then(|p| p.questions.iter().find(|a| a.id == q.id))
                .is_some_and(|a| a.group.as_ref() == Some(group) && a.has_text(&q.answer_text));
            q.decision = Some(Decision {
                points: decided.points,
                autograder: q.score,
                comment: decided.comment.clone(),
                joined: !was_there,
            });
            q.score = decided.points;
            // A TA's look settles the score; one taken before the answer was there does not.
            q.confidence = 1.0;
            q.add_flag(if was_there {
                Flag::GroupDecision
            } else {
                Flag::JoinedDecidedGroup
            });
            used.push(key);
        }
        student.total = student.questions.iter().map(|q| q.score).sum();
        used
    }

    /// A warning for each decision that matched no graded answer, in (question, group) order.
    pub fn unused(&self, used: &BTreeSet<(QuestionId, GroupId)>) -> Vec<String> {
        self.by_group
            .keys()
            .filter(|key| !used.contains(key))
            .map(|(question, group)| {
                format!(
                    "decision for question `{question}` group `{group}` matches no graded answer; ignored"
                )
            })
            .collect()
    }
}
