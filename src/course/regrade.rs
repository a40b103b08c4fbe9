//! Regrades: what changed since the previous run, per student and question, old → new, with
//! the reason, so a rerun on deadline night never changes a grade silently.

use serde::{Deserialize, Serialize};

use crate::grading::grades::{
    AssignmentInfo, Decision, GradeReport, Override, StudentGrade, SubmissionStatus,
};
use crate::ids::{GroupId, Points, QuestionId, StudentId};

/// Why a score changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeReason {
    /// A TA override was added, changed or removed.
    Override,
    /// The student's answer text is different.
    AnswerChanged,
    /// The rubric is different (its fingerprint changed).
    RubricChanged,
    /// Same answer, same rubric: the grader itself changed.
    GraderChanged,
    /// A submission that the previous run did not have.
    NewSubmission,
    /// A TA's decision on the answer's group was made, changed or taken back.
    GroupDecision,
    /// A submission that the previous run had and this one does not.
    RemovedSubmission,
}

impl ChangeReason {
    pub fn describe(self) -> &'static str {
        match self {
            ChangeReason::Override => "override",
            ChangeReason::GroupDecision => "group decision",
            ChangeReason::AnswerChanged => "answer file changed",
            ChangeReason::RubricChanged => "rubric changed",
            ChangeReason::GraderChanged => "grader changed",
            ChangeReason::NewSubmission => "new submission",
            ChangeReason::RemovedSubmission => "submission removed",
        }
    }
}

/// One changed score (a question's, or a whole submission's total when `question` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub student: StudentId,
    pub question: Option<QuestionId>,
    pub old: Option<Points>,
    pub new: Option<Points>,
    pub reason: ChangeReason,
}

/// Every score that differs between the previous report and the current one, in student and
/// rubric order.
pub fn changes(previous: &GradeReport, current: &GradeReport) -> Vec<Change> {
    let previous = PreviousRun::of_report(previous);
    let mut diff = previous.diff(&current.assignment);
    for student in &current.students {
        diff.student(student);
    }
    diff.finish()
}

/// The previous run, as much of it as a regrade needs: each student's status and total, and
/// for each answer its score, a fingerprint of its text and any override. Read from the
/// previous `grades.json` one student at a time, so the answers' texts are never all in memory.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PreviousRun {
    pub assignment: PreviousAssignment,
    /// In id order.
    pub students: Vec<PreviousStudent>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PreviousAssignment {
    #[serde(default)]
    pub rubric_fingerprint: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PreviousStudent {
    pub student: StudentId,
    #[serde(flatten)]
    pub status: SubmissionStatus,
    pub total: Points,
    pub questions: Vec<PreviousAnswer>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PreviousAnswer {
    pub id: QuestionId,
    pub score: Points,
    /// A fingerprint of the answer's text.
    #[serde(rename = "answer_text", deserialize_with = "text_fingerprint")]
    pub answer: u64,
    /// A TA's override: its comment.
    #[serde(rename = "overridden", default, deserialize_with = "override_comment")]
    pub manual: Option<String>,
    /// The answer's group, and the decision on it that set its score.
    #[serde(default)]
    pub group: Option<GroupId>,
    #[serde(default)]
    pub decision: Option<Decision>,
}

impl PreviousAnswer {
    /// Whether the answer's text was `text` (by fingerprint).
    pub fn has_text(&self, text: &str) -> bool {
        self.answer == fingerprint(text)
    }
}

fn text_fingerprint<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let text = std::borrow::Cow::<str>::deserialize(d)?;
    Ok(fingerprint(&text))
}

fn override_comment<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Override>::deserialize(d)?.map(|o| o.comment))
}

/// Answers compare by a hash of their text, not by the text.
fn fingerprint(text: &str) -> u64 {
    crate::matching::fnv::hash(text)
}

impl PreviousRun {
    /// Read a `grades.json` written by an earlier run.
    pub fn read(path: &std::path::Path) -> Result<PreviousRun, PreviousRunError> {
        let file = std::fs::File::open(path).map_err(PreviousRunError::Io)?;
        let run: PreviousRun =
            serde_json::from_reader(std::io::BufReader::new(file)).map_err(PreviousRunError::NotAReport)?;
        Ok(run.sorted())
    }

    /// The same summary of a report in memory.
    pub fn of_report(report: &GradeReport) -> PreviousRun {
        let students = report
            .students
            .iter()
            .map(|s| PreviousStudent {
                student: s.student.clone(),
                status: s.status.clone(),
                total: s.total,
                questions: s
                    .questions
                    .iter()
                    .map(|q| PreviousAnswer {
                        id: q.id.clone(),
                        score: q.score,
                        answer: fingerprint(&q.answer_text),
                        manual: q.overridden.as_ref().map(|o| o.comment.clone()),
                        group: q.group.clone(),
                        decision: q.decision.clone(),
                    })
                    .collect(),
            })
            .collect();
        PreviousRun {
            assignment: PreviousAssignment {
                rubric_fingerprint: report.assignment.rubric_fingerprint.clone(),
            },
            students,
        }
        .sorted()
    }

    /// Students in id order, which [`PreviousRun::find`] searches by.
    fn sorted(mut self) -> PreviousRun {
        self.students.sort_by(|a, b| a.student.cmp(&b.student));
        self
    }

    /// A comparison of this run with the current one, fed one current student at a time.
    pub fn diff(&self, current: &AssignmentInfo) -> RegradeDiff<'_> {
        RegradeDiff {
            rubric_changed: self.assignment.rubric_fingerprint != current.rubric_fingerprint,
            previous: self,
            seen: vec![false; self.students.len()],
            changes: Vec::new(),
        }
    }

    /// The student with this id, if the run had one.
    pub fn student(&self, id: &StudentId) -> Option<&PreviousStudent> {
        self.find(id).map(|at| &self.students[at])
    }

    fn find(&self, id: &StudentId) -> Option<usize> {
        let at = self.students.partition_point(|s| s.student < *id);
        (self.students.get(at)?.student == *id).then_some(at)
    }
}

/// Why the previous run's `grades.json` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PreviousRunError {
    #[error(transparent)]
    Io(std::io::Error),
    #[error("not a rubricate grades.json ({0})")]
    NotAReport(serde_json::Error),
}

/// Changes since a [`PreviousRun`], gathered one current student at a time.
pub struct RegradeDiff<'p> {
    previous: &'p PreviousRun,
    rubric_changed: bool,
    seen: Vec<bool>,
    changes: Vec<Change>,
}

impl RegradeDiff<'_> {
    /// Compare one student of the current run with the previous run.
    pub fn student(&mut self, student: &StudentGrade) {
        let Some(at) = self.previous.find(&student.student) else {
            self.changes.push(Change {
                student: student.student.clone(),
                question: None,
                old: None,
                new: Some(student.total),
                reason: ChangeReason::NewSubmission,
            });
            return;
        };
        self.seen[at] = true;
        let before = &self.previous.students[at];
        for q in &student.questions {
            let old = before.questions.iter().find(|b| b.id == q.id);
            if old.map(|o| o.score) == Some(q.score) {
                continue;
            }
            let manual = q.overridden.as_ref().map(|o| (q.score, o.comment.as_str()));
            let reason = match old {
                Some(o) if o.manual.as_deref().map(|c| (o.score, c)) != manual => ChangeReason::Override,
                Some(o)
                    if o.decision.as_ref().map(|d| (d.points, d.comment.as_str()))
                        != q.decision.as_ref().map(|d| (d.points, d.comment.as_str())) =>
                {
                    ChangeReason::GroupDecision
                }
                Some(o) if o.answer != fingerprint(&q.answer_text) => ChangeReason::AnswerChanged,
                None if before.status != student.status => ChangeReason::AnswerChanged,
                _ if self.rubric_changed => ChangeReason::RubricChanged,
                _ => ChangeReason::GraderChanged,
            };
            self.changes.push(Change {
                student: student.student.clone(),
                question: Some(q.id.clone()),
                old: Some(old.map_or(Points::ZERO, |o| o.score)),
                new: Some(q.score),
                reason,
            });
        }
    }

    /// The changes, with the previous run's students that this run no longer has.
    pub fn finish(mut self) -> Vec<Change> {
        for (before, _) in self
            .previous
            .students
            .iter()
            .zip(&self.seen)
            .filter(|(_, &seen)| !seen)
        {
            self.changes.push(Change {
                student: before.student.clone(),
                question: None,
                old: Some(before.total),
                new: None,
                reason: ChangeReason::RemovedSubmission,
            });
        }
        self.changes.sort_by(|a, b| a.student.cmp(&b.student));
        self.changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::grades::Override;
    use crate::report::fixture_report;

    #[test]
    fn each_kind_of_change_has_its_reason() {
        let previous = fixture_report();
        let mut current = previous.clone();
        assert!(changes(&previous, &current).is_empty(), "same report, no changes");

        // An override on aokonkwo 1a.
        let q = &mut current.students[0].questions[0];
        q.overridden = Some(Override {
            autograder: q.score,
            comment: "checked".into(),
        });
        q.score = Points::whole(1);
        // A changed answer on aokonkwo 1b.
        let q = &mut current.students[0].questions[1];
        q.answer_text.push_str(" More.");
        q.score = Points::whole(2);
        let found = changes(&previous, &current);
        let reasons: Vec<_> = found
            .iter()
            .map(|c| (c.question.clone().unwrap().0, c.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                ("1a".to_string(), ChangeReason::Override),
                ("1b".to_string(), ChangeReason::AnswerChanged)
            ]
        );
        assert_eq!(found[0].old, Some(Points::whole(2)));
        assert_eq!(found[0].new, Some(Points::whole(1)));

        // The same score change with only the rubric different.
        let mut rubric_changed = previous.clone();
        rubric_changed.assignment.rubric_fingerprint = "changed".into();
        rubric_changed.students[0].questions[1].score = Points::whole(2);
        assert_eq!(
            changes(&previous, &rubric_changed)[0].reason,
            ChangeReason::RubricChanged
        );
    }

    #[test]
    fn new_and_removed_submissions() {
        let previous = fixture_report();
        let mut current = previous.clone();
        let removed = current.students.remove(0);
        let found = changes(&previous, &current);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, ChangeReason::RemovedSubmission);
        assert_eq!(found[0].student, removed.student);
        let found = changes(&current, &previous);
        assert_eq!(found[0].reason, ChangeReason::NewSubmission);
    }
}
