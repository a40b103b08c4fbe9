//! What the class-wide reports (the summary table, the review queue, the HTML report) need,
//! gathered one student at a time, so a run over a large class never holds every answer:
//!
//! - counts and per-question score and concept tallies, in memory (their size depends on the
//!   rubric, not on the class);
//! - each student's summary line and review items, spilled to temporary files (see
//!   [`crate::course::spill`]) with only a small sort key per review item kept in memory;
//! - full grades only for the students the HTML report gives a page: everyone in a class of
//!   at most `pages` students, else the `pages` most doubtful students of the review queue.
//!
//! Students must be added in id order (the order of every report).

use std::collections::BTreeMap;
use std::io;

use serde::{Deserialize, Serialize};

use crate::course::groups::{GroupQueue, GroupTally};
use crate::course::review::{review_items, ReviewItem};
use crate::course::spill::{Offset, Spill, SpillReader};
use crate::grading::grades::{AssignmentInfo, Flag, GradeReport, Outcome, StudentGrade, SubmissionStatus};
use crate::ids::{Points, QuestionId, StudentId};

/// One student as the summary table shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentLine {
    pub student: StudentId,
    pub total: Points,
    pub max_total: Points,
    pub status: SubmissionStatus,
    pub not_on_roster: bool,
    /// Every flag, as (question, flag name), in question order.
    pub flags: Vec<(QuestionId, String)>,
}

impl StudentLine {
    fn of(student: &StudentGrade) -> StudentLine {
        StudentLine {
            student: student.student.clone(),
            total: student.total,
            max_total: student.max_total,
            status: student.status.clone(),
            not_on_roster: student.not_on_roster,
            flags: student
                .flags()
                .map(|(q, f)| (q.clone(), f.name().to_string()))
                .collect(),
        }
    }
}

/// Class counts shown in the summary and the HTML report's header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub students: usize,
    pub graded: usize,
    pub unreadable: usize,
    pub missing: usize,
    pub not_on_roster: usize,
    /// Graded answers with at least one flag.
    pub flagged_answers: usize,
    /// Graded answers with no answer found.
    pub missing_answers: usize,
}

/// One question's scores and concept hit rates over the graded students.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionTally {
    pub id: QuestionId,
    pub max: Points,
    /// How many graded students scored each score.
    pub scores: BTreeMap<Points, usize>,
    /// Concepts worth points, in the order they first appear (rubric order).
    pub concepts: Vec<ConceptRate>,
}

impl QuestionTally {
    /// Graded students counted.
    pub fn n(&self) -> usize {
        self.scores.values().sum()
    }

    /// The mean score, rounded to the hundredth; `None` with no graded student.
    pub fn mean(&self) -> Option<Points> {
        Points::mean_of_counts(&self.scores)
    }
}

/// How often one concept earned credit (a hit or a partial).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptRate {
    pub id: String,
    pub credited: usize,
    pub n: usize,
}

/// The sort key of a review item, kept in memory while the item waits on disk.
#[derive(Debug, Clone, Copy)]
struct QueueKey {
    confidence: f64,
    /// Students arrive in id order, so their position orders them as their ids do.
    student: u32,
    question: u16,
    at: Offset,
}

/// A full grade kept for the HTML report, with how many review items it has.
#[derive(Debug, Clone)]
pub struct StudentPage {
    pub grade: StudentGrade,
    pub review_items: usize,
}

/// The class-wide reports' data, filled one student at a time: see the module docs.
pub struct ClassTally {
    assignment: AssignmentInfo,
    pages: usize,
    counts: Counts,
    totals: BTreeMap<Points, usize>,
    questions: Vec<QuestionTally>,
    question_rank: BTreeMap<QuestionId, u16>,
    lines: Spill<StudentLine>,
    review: Spill<ReviewItem>,
    keys: Vec<QueueKey>,
    /// Everyone, while the class is no larger than `pages`.
    everyone: Option<Vec<StudentPage>>,
    /// The most doubtful students, by (lowest confidence, id), at most `pages`.
    doubtful: BTreeMap<(u64, StudentId), StudentPage>,
    groups: GroupTally,
}

impl ClassTally {
    /// An empty tally; `pages` is how many students the HTML report may give a page.
    pub fn new(assignment: AssignmentInfo, pages: usize) -> io::Result<ClassTally> {
        let mut sorted: Vec<&QuestionId> = assignment.questions.iter().map(|q| &q.id).collect();
        sorted.sort();
        let question_rank = sorted
            .into_iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i as u16 + 1))
            .collect();
        Ok(ClassTally {
            groups: GroupTally::new(assignment.questions.iter().map(|q| (q.id.clone(), q.max)))?,
            questions: assignment
                .questions
                .iter()
                .map(|q| QuestionTally {
                    id: q.id.clone(),
                    max: q.max,
                    scores: BTreeMap::new(),
                    concepts: Vec::new(),
                })
                .collect(),
            assignment,
            pages,
            counts: Counts::default(),
            totals: BTreeMap::new(),
            question_rank,
            lines: Spill::new()?,
            review: Spill::new()?,
            keys: Vec::new(),
            everyone: Some(Vec::new()),
            doubtful: BTreeMap::new(),
        })
    }

    /// The tally of a whole report.
    pub fn of_report(report: &GradeReport, pages: usize) -> io::Result<ClassReport> {
        let mut tally = ClassTally::new(report.assignment.clone(), pages)?;
        for student in &report.students {
            tally.add(student)?;
        }
        tally.finish()
    }

    /// Count one student in (the next in id order).
    pub fn add(&mut self, student: &StudentGrade) -> io::Result<()> {
        let ordinal = self.counts.students as u32;
        let counts = &mut self.counts;
        counts.students += 1;
        counts.not_on_roster += usize::from(student.not_on_roster);
        match student.status {
            SubmissionStatus::Graded => {
                counts.graded += 1;
                *self.totals.entry(student.total).or_default() += 1;
                self.groups.add(student)?;
                for q in &student.questions {
                    counts.flagged_answers += usize::from(!q.flags.is_empty());
                    counts.missing_answers += usize::from(q.flags.contains(&Flag::Missing));
                }
                for tally in &mut self.questions {
                    if let Some(q) = student.questions.iter().find(|q| q.id == tally.id) {
                        *tally.scores.entry(q.score).or_default() += 1;
                        for c in q.concepts.iter().filter(|c| !c.max.is_zero()) {
                            let credited = usize::from(matches!(c.outcome, Outcome::Hit | Outcome::Partial));
                            match tally.concepts.iter_mut().find(|r| r.id == c.id) {
                                Some(rate) => {
                                    rate.credited += credited;
                                    rate.n += 1;
                                }
                                None => tally.concepts.push(ConceptRate {
                                    id: c.id.clone(),
                                    credited,
                                    n: 1,
                                }),
                            }
                        }
                    }
                }
            }
            SubmissionStatus::Unreadable { .. } => counts.unreadable += 1,
            SubmissionStatus::Missing => counts.missing += 1,
        }
        self.lines.push(&StudentLine::of(student))?;

        let items = review_items(student);
        let mut least = f64::INFINITY;
        for item in &items {
            least = least.min(item.confidence);
            let question = item
                .question
                .as_ref()
                .map_or(0, |q| self.question_rank.get(q).copied().unwrap_or(u16::MAX));
            let at = self.review.push(item)?;
            self.keys.push(QueueKey {
                confidence: item.confidence,
                student: ordinal,
                question,
                at,
            });
        }

        let page = || StudentPage {
            grade: student.clone(),
            review_items: items.len(),
        };
        if let Some(everyone) = &mut self.everyone {
            if everyone.len() < self.pages {
                everyone.push(page());
            } else {
                self.everyone = None;
            }
        }
        if !items.is_empty() {
            // Confidences are never negative, so their bits order as the numbers do.
            let key = (least.max(0.0).to_bits(), student.student.clone());
            let worth_keeping = self.doubtful.len() < self.pages
                || self
                    .doubtful
                    .last_key_value()
                    .is_some_and(|(last, _)| key < *last);
            if worth_keeping {
                self.doubtful.insert(key, page());
                if self.doubtful.len() > self.pages {
                    self.doubtful.pop_last();
                }
            }
        }
        Ok(())
    }

    /// Stop adding; sort the review queue and choose the pages.
    pub fn finish(mut self) -> io::Result<ClassReport> {
        self.keys.sort_by(|a, b| {
            a.confidence
                .total_cmp(&b.confidence)
                .then(a.student.cmp(&b.student))
                .then(a.question.cmp(&b.question))
        });
        let pages = match self.everyone {
            Some(everyone) => everyone,
            None => {
                let mut pages: Vec<StudentPage> = self.doubtful.into_values().collect();
                pages.sort_by(|a, b| a.grade.student.cmp(&b.grade.student));
                pages
            }
        };
        Ok(ClassReport {
            assignment: self.assignment,
            counts: self.counts,
            totals: self.totals,
            questions: self.questions,
            lines: self.lines.finish()?,
            review: self.review.finish()?,
            queue: self.keys.into_iter().map(|k| k.at).collect(),
            pages,
            groups: self.groups.finish()?,
        })
    }
}

/// A finished [`ClassTally`]: what the class-wide report writers read.
pub struct ClassReport {
    pub assignment: AssignmentInfo,
    pub counts: Counts,
    /// How many graded students have each total.
    pub totals: BTreeMap<Points, usize>,
    pub questions: Vec<QuestionTally>,
    lines: SpillReader<StudentLine>,
    review: SpillReader<ReviewItem>,
    queue: Vec<Offset>,
    /// Full grades of the students with a page in the HTML report, in id order.
    pub pages: Vec<StudentPage>,
    /// The answer groups, in review order.
    pub groups: GroupQueue,
}

impl ClassReport {
    /// Every student's summary line, in id order.
    pub fn lines(&self) -> io::Result<impl Iterator<Item = io::Result<StudentLine>> + '_> {
        self.lines.iter()
    }

    /// The review queue: least confident first, then by student, then by question.
    pub fn review_queue(&self) -> impl Iterator<Item = io::Result<ReviewItem>> + '_ {
        self.queue.iter().map(|&at| self.review.get(at))
    }

    /// How many items the review queue holds.
    pub fn review_len(&self) -> usize {
        self.queue.len()
    }

    /// The mean total of the graded students, rounded to the hundredth.
    pub fn mean_total(&self) -> Option<Points> {
        Points::mean_of_counts(&self.totals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::review::review_queue;
    use crate::report::fixture_report;

    #[test]
    fn the_tally_agrees_with_the_whole_report() {
        let report = fixture_report();
        let class = ClassTally::of_report(&report, 500).unwrap();
        assert_eq!(class.counts.students, report.students.len());
        let lines: Vec<StudentLine> = class.lines().unwrap().map(Result::unwrap).collect();
        assert_eq!(lines.len(), report.students.len());
        assert_eq!(lines[1].student, report.students[1].student);
        assert_eq!(lines[1].total, report.students[1].total);
        let queue: Vec<ReviewItem> = class.review_queue().map(Result::unwrap).collect();
        assert_eq!(queue, review_queue(&report));
        assert_eq!(class.pages.len(), report.students.len());
        assert_eq!(class.pages.len(), class.counts.students);
        let graded = report
            .students
            .iter()
            .filter(|s| s.status == SubmissionStatus::Graded);
        assert_eq!(class.mean_total(), Points::mean(graded.map(|s| s.total)));
    }

    #[test]
    fn a_large_class_keeps_pages_for_the_most_doubtful_students_only() {
        let mut report = fixture_report();
        let template = report.students[0].clone();
        report.students.clear();
        for i in 0..40 {
            let mut s = template.clone();
            s.student = StudentId(format!("s{i:03}"));
            // Lower confidence for higher numbers, so the last ones are the most doubtful.
            for q in &mut s.questions {
                q.confidence = 0.7 - f64::from(i) / 100.0;
            }
            report.students.push(s);
        }
        let class = ClassTally::of_report(&report, 5).unwrap();
        let ids: Vec<&str> = class.pages.iter().map(|p| p.grade.student.as_str()).collect();
        assert_eq!(ids, ["s035", "s036", "s037", "s038", "s039"]);
        assert!(class.pages.len() < class.counts.students);
        // The same students the first items of the queue name.
        let mut first: Vec<StudentId> = Vec::new();
        for item in review_queue(&report) {
            if !first.contains(&item.student) {
                first.push(item.student);
            }
        }
        first.truncate(5);
        first.sort();
        assert_eq!(ids, first.iter().map(StudentId::as_str).collect::<Vec<_>>());
    }
}
