//! The review queue: the answers a human should look at, most doubtful first. Each student's
//! items come from their grade's confidences and flags ([`review_items`]); the class's queue is
//! ordered by [`crate::course::class::ClassTally`], so every writer (review.csv, the HTML report) shows
//! the same queue.

use serde::{Deserialize, Serialize};

use crate::grading::grades::{Flag, StudentGrade, SubmissionStatus};
use crate::ids::{Points, QuestionId, StudentId};

/// Answers with a confidence below this go to the queue.
pub const REVIEW_BELOW: f64 = 0.75;

/// Where hidden text sorts in the queue: with the doubtful answers, after unreadable files.
const HIDDEN_TEXT_CONFIDENCE: f64 = 0.5;

/// One answer (or one submission-level problem) to review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub student: StudentId,
    /// `None` for a problem of the whole submission (unreadable, text under an unknown label).
    pub question: Option<QuestionId>,
    pub score: Points,
    pub max: Points,
    pub confidence: f64,
    /// Flag names, most serious first.
    pub reasons: Vec<String>,
    /// Where to look: file and line.
    pub location: String,
}

/// The whole queue sorted in memory: least confident first, then by student, then by question.
/// The definition the class tally's queue (sorted by keys, items on disk) is tested against.
#[cfg(test)]
pub(crate) fn review_queue(report: &crate::grading::grades::GradeReport) -> Vec<ReviewItem> {
    let mut items: Vec<ReviewItem> = report.students.iter().flat_map(review_items).collect();
    items.sort_by(|a, b| {
        a.confidence
            .total_cmp(&b.confidence)
            .then_with(|| a.student.cmp(&b.student))
            .then_with(|| a.question.cmp(&b.question))
    });
    items
}

/// One student's items of the queue, unordered.
pub fn review_items(student: &StudentGrade) -> Vec<ReviewItem> {
    let mut items = Vec::new();
    match &student.status {
        SubmissionStatus::Unreadable { reason } => items.push(ReviewItem {
            student: student.student.clone(),
            question: None,
            score: Points::ZERO,
            max: student.max_total,
            confidence: 0.0,
            reasons: vec![format!("unreadable: {reason}")],
            location: student.files.join(", "),
        }),
        SubmissionStatus::Missing | SubmissionStatus::Graded => {}
    }
    for label in &student.unknown_labels {
        items.push(ReviewItem {
            student: student.student.clone(),
            question: None,
            score: Points::ZERO,
            max: Points::ZERO,
            confidence: 0.5,
            reasons: vec![format!(
                "unknown-label: \"{}\" matches no question; its text was not graded",
                label.label
            )],
            location: label.place(),
        });
    }
    // One item per file that held text a reader would not see: a person should look at what
    // the student tried to hide.
    let mut files: Vec<&str> = student.hidden_text.iter().map(|h| h.file.as_str()).collect();
    files.dedup();
    for file in files {
        let pieces: Vec<&crate::submission::HiddenText> =
            student.hidden_text.iter().filter(|h| h.file == file).collect();
        let lines: Vec<String> = pieces.iter().map(|h| h.line.to_string()).collect();
        items.push(ReviewItem {
            student: student.student.clone(),
            question: None,
            score: Points::ZERO,
            max: Points::ZERO,
            confidence: HIDDEN_TEXT_CONFIDENCE,
            reasons: vec![format!(
                "hidden-text: {} piece(s) a reader cannot see were not graded ({}: \"{}\")",
                pieces.len(),
                pieces[0].reason,
                pieces[0].text
            )],
            location: format!("{file}:{}", lines.join(",")),
        });
    }
    for q in &student.questions {
        if q.overridden.is_some() || q.confidence >= REVIEW_BELOW {
            continue;
        }
        let mut flags: Vec<&Flag> = q.flags.iter().filter(|f| f.confidence_factor() < 1.0).collect();
        flags.sort_by(|a, b| a.confidence_factor().total_cmp(&b.confidence_factor()));
        items.push(ReviewItem {
            student: student.student.clone(),
            question: Some(q.id.clone()),
            score: q.score,
            max: q.max,
            confidence: q.confidence,
            reasons: flags.iter().map(|f| f.describe()).collect(),
            location: q.answer.as_ref().map_or(String::new(), |a| a.place()),
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture_report;

    #[test]
    fn queue_is_ordered_by_confidence_and_skips_confident_answers() {
        let class = crate::course::class::ClassTally::of_report(&fixture_report(), 0).unwrap();
        let queue: Vec<ReviewItem> = class.review_queue().map(Result::unwrap).collect();
        assert!(!queue.is_empty());
        assert!(queue.windows(2).all(|w| w[0].confidence <= w[1].confidence));
        assert!(queue.iter().all(|i| i.confidence < REVIEW_BELOW));
        let unreadable = queue
            .iter()
            .find(|i| i.reasons[0].starts_with("unreadable"))
            .unwrap();
        assert_eq!(unreadable.question, None);
        assert_eq!(unreadable.confidence, 0.0);
    }

    #[test]
    fn a_file_with_hidden_text_is_one_item_naming_its_lines() {
        use crate::submission::{HiddenReason, HiddenText};
        let mut student = fixture_report().students.remove(0);
        let piece = |file: &str, line| HiddenText {
            file: file.to_owned(),
            line,
            reason: HiddenReason::Invisible,
            text: "pretext task".to_owned(),
        };
        student.hidden_text = vec![piece("a.md", 3), piece("a.md", 9), piece("b.tex", 2)];
        let items: Vec<ReviewItem> = review_items(&student)
            .into_iter()
            .filter(|i| i.reasons[0].starts_with("hidden-text"))
            .collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].location, "a.md:3,9");
        assert_eq!(
            items[0].reasons[0],
            "hidden-text: 2 piece(s) a reader cannot see were not graded (invisible text (background colour, transparent, zero size): \"pretext task\")"
        );
        assert_eq!(items[1].location, "b.tex:2");
    }
}
