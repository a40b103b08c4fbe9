//! Regrades: what changed since the previous run, per student and question, old → new, with
//! the reason, so a rerun on deadline night never changes a grade silently.

use serde::Serialize;

use crate::grades::{GradeReport, QuestionGrade, StudentGrade};
use crate::ids::{Points, QuestionId, StudentId};

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
    /// A submission that the previous run had and this one does not.
    RemovedSubmission,
}

impl ChangeReason {
    pub fn describe(self) -> &'static str {
        match self {
            ChangeReason::Override => "override",
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
    let rubric_changed = previous.assignment.rubric_fingerprint != current.assignment.rubric_fingerprint;
    let mut out = Vec::new();
    for student in &current.students {
        let Some(before) = previous.students.iter().find(|s| s.student == student.student) else {
            out.push(Change {
                student: student.student.clone(),
                question: None,
                old: None,
                new: Some(student.total),
                reason: ChangeReason::NewSubmission,
            });
            continue;
        };
        for q in &student.questions {
            let old = before.questions.iter().find(|b| b.id == q.id);
            if old.map(|o| o.score) == Some(q.score) {
                continue;
            }
            let reason = match old {
                Some(o) if overrides_differ(o, q) => ChangeReason::Override,
                Some(o) if o.answer_text != q.answer_text => ChangeReason::AnswerChanged,
                None if status_changed(before, student) => ChangeReason::AnswerChanged,
                _ if rubric_changed => ChangeReason::RubricChanged,
                _ => ChangeReason::GraderChanged,
            };
            out.push(Change {
                student: student.student.clone(),
                question: Some(q.id.clone()),
                old: Some(old.map_or(Points::ZERO, |o| o.score)),
                new: Some(q.score),
                reason,
            });
        }
    }
    for before in &previous.students {
        if !current.students.iter().any(|s| s.student == before.student) {
            out.push(Change {
                student: before.student.clone(),
                question: None,
                old: Some(before.total),
                new: None,
                reason: ChangeReason::RemovedSubmission,
            });
        }
    }
    out.sort_by(|a, b| a.student.cmp(&b.student));
    out
}

fn overrides_differ(old: &QuestionGrade, new: &QuestionGrade) -> bool {
    let manual = |q: &QuestionGrade| q.overridden.as_ref().map(|o| (q.score, o.comment.clone()));
    manual(old) != manual(new)
}

fn status_changed(old: &StudentGrade, new: &StudentGrade) -> bool {
    old.status != new.status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grades::Override;
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
