//! Grading: a [`Grader`] turns one student's submission into a [`StudentGrade`] (or a whole folder
//! into a [`GradeReport`] in memory). A submission that cannot be read is reported and scored 0;
//! the others go on. [`crate::course::run`] streams a folder through it into the output folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::answers::{split, LabelIndex, SplitAnswers};
use crate::grading::grades::{
    AssignmentInfo, Flag, GradeReport, QuestionInfo, StudentGrade, SubmissionStatus,
};
use crate::grading::pasted;
use crate::grading::scoring::{score_question, AnswerInput};
use crate::ids::{QuestionId, StudentId};
use crate::rubric::{Question, Rubric};
use crate::submission::{
    discover, display_path, read_document_within, DiscoverError, Document, Limits, Submission,
};

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
}

/// Told how a run advances; called from worker threads, so it must be `Sync`.
pub trait Progress: Sync {
    fn started(&self, _submissions: usize) {}
    fn graded(&self, _student: &StudentId) {}
}

/// Progress that nobody watches.
pub struct NoProgress;

impl Progress for NoProgress {}

/// A rubric ready to grade with: the rubric and the label index derived from it.
pub struct Grader<'r> {
    pub rubric: &'r Rubric,
    pub labels: LabelIndex,
    pub limits: Limits,
}

impl<'r> Grader<'r> {
    pub fn new(rubric: &'r Rubric) -> Grader<'r> {
        let labels = LabelIndex::new(
            rubric
                .questions
                .iter()
                .map(|q| (q.id.clone(), q.extra_labels.clone())),
        );
        Grader {
            rubric,
            labels,
            limits: Limits::default(),
        }
    }

    /// The rubric's metadata as the report repeats it.
    pub fn assignment_info(&self) -> AssignmentInfo {
        AssignmentInfo {
            id: self.rubric.assignment.id.clone(),
            title: self.rubric.assignment.title.clone(),
            rubric_fingerprint: fingerprint(&self.rubric.source),
            questions: self
                .rubric
                .questions
                .iter()
                .map(|q| QuestionInfo {
                    id: q.id.clone(),
                    max: q.max,
                })
                .collect(),
            max_total: self.rubric.max_total(),
        }
    }

    /// Grade every submission in `root` (skipping the paths in `skip`) into one report in
    /// memory, for tools that compare whole reports (`agree`, tests). A `grade` run streams
    /// instead: see [`crate::course::run`].
    pub fn grade_folder(&self, root: &Path, skip: &[PathBuf]) -> Result<GradeReport, GradeError> {
        let submissions = discover(root, skip)?;
        let mut students: Vec<StudentGrade> =
            submissions.par_iter().map(|s| self.grade_submission(s)).collect();
        students.sort_by(|a, b| a.student.cmp(&b.student));
        Ok(GradeReport {
            assignment: self.assignment_info(),
            students,
        })
    }

    /// Read and grade one submission; unreadable files become warnings, or, when nothing could
    /// be read, an unreadable submission.
    pub fn grade_submission(&self, submission: &Submission) -> StudentGrade {
        let files: Vec<String> = submission
            .files
            .iter()
            .map(|f| display_path(&f.display))
            .collect();
        match self.read(submission) {
            Ok((documents, failures)) => {
                let mut grade = self.grade_documents(submission.student.clone(), &documents);
                grade.files = files;
                grade.warnings.extend(failures);
                grade
            }
            Err(reason) => self.unreadable(submission.student.clone(), files, reason),
        }
    }

    /// The text graded for each of the rubric's questions (in rubric order), `None` where no
    /// answer was found; `None` for a submission that cannot be read.
    pub fn answer_texts(&self, submission: &Submission) -> Option<Vec<Option<String>>> {
        let (documents, _) = self.read(submission).ok()?;
        let split = split(&documents, &self.labels);
        let shares = self.shares(&split);
        Some(
            self.rubric
                .questions
                .iter()
                .map(|question| {
                    let found = split.answers.get(&question.id)?;
                    Some(shares.get(&question.id).map_or(&found.text, |s| &s.text).clone())
                })
                .collect(),
        )
    }

    /// A submission's documents and the files that could not be read, or why none could.
    fn read(&self, submission: &Submission) -> Result<(Vec<Document>, Vec<String>), String> {
        if submission.files.len() > self.limits.max_files {
            return Err(format!(
                "{} answer files, over the limit of {} for one submission; nothing was read",
                submission.files.len(),
                self.limits.max_files
            ));
        }
        let mut documents = Vec::new();
        let mut failures = submission.problems.clone();
        for file in &submission.files {
            match read_document_within(file, self.limits.max_file_bytes) {
                Ok(doc) => documents.push(doc),
                Err(e) => failures.push(e.to_string()),
            }
        }
        if documents.is_empty() {
            return Err(if failures.is_empty() {
                "no answer file (.md, .markdown, .txt, .text, .ipynb or .tex) in the folder".to_string()
            } else {
                failures.join("; ")
            });
        }
        Ok((documents, failures))
    }

    /// Each question's share of an answer pasted under several labels.
    fn shares(&self, split: &SplitAnswers) -> BTreeMap<QuestionId, pasted::Share> {
        let all: Vec<&Question> = self.rubric.questions.iter().collect();
        let answers = split
            .answers
            .iter()
            .map(|(id, found)| (id.clone(), (found.location.clone(), found.text.as_str())))
            .collect();
        pasted::shares(&all, &answers)
    }

    /// Grade a student's documents, already read.
    pub fn grade_documents(&self, student: StudentId, documents: &[Document]) -> StudentGrade {
        let split = split(documents, &self.labels);
        let mut warnings: Vec<String> = documents
            .iter()
            .flat_map(|d| d.warnings.iter().cloned())
            .collect();
        warnings.extend(split.warnings.iter().cloned());
        let shares = self.shares(&split);
        let questions: Vec<_> = self
            .rubric
            .questions
            .iter()
            .map(|question| {
                let looked_for = self.labels.looked_for(&question.id);
                let share = shares.get(&question.id);
                let input = match split.answers.get(&question.id) {
                    Some(found) => AnswerInput::Found {
                        location: found.location.clone(),
                        text: share.map_or(&found.text, |s| &s.text),
                        answered_twice: split.answered_twice.contains(&question.id),
                    },
                    None => AnswerInput::Missing {
                        looked_for: &looked_for,
                    },
                };
                let mut grade = score_question(question, input);
                if let Some(share) = share {
                    grade.add_flag(Flag::SameAnswer {
                        also_under: share.also_under.iter().map(ToString::to_string).collect(),
                    });
                }
                grade
            })
            .collect();
        let total = questions.iter().map(|q| q.score).sum();
        StudentGrade {
            student,
            files: documents.iter().map(|d| display_path(&d.path)).collect(),
            status: SubmissionStatus::Graded,
            total,
            max_total: self.rubric.max_total(),
            questions,
            warnings,
            unknown_labels: split.unknown_labels.clone(),
            hidden_text: documents.iter().flat_map(|d| d.hidden.iter().cloned()).collect(),
            roster: None,
            not_on_roster: false,
            submitted_as: None,
        }
    }

    fn unreadable(&self, student: StudentId, files: Vec<String>, reason: String) -> StudentGrade {
        StudentGrade {
            files,
            ..StudentGrade::without_answers(
                student,
                SubmissionStatus::Unreadable { reason },
                self.rubric.max_total(),
            )
        }
    }
}

/// A short, stable fingerprint of a text (64-bit FNV-1a, hex): the same on every platform and
/// Rust version, so reports from different runs compare.
pub fn fingerprint(text: &str) -> String {
    format!("{:016x}", crate::matching::fnv::hash(text))
}
