//! TA overrides: `student,question,points,comment` rows whose points replace the autograder's.
//! They are applied after grading on every run, marked in the outputs (the `overridden`
//! record and an `overridden` flag), and carried over from the previous run's report when no
//! overrides file is given, so a manual decision survives every regrade.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::course::score_csv::{ScoreCsv, ScoreCsvError, ScoreRow};

use crate::grading::grades::{AssignmentInfo, Flag, GradeReport, Override, StudentGrade};
use crate::ids::{Points, QuestionId};

/// One manual decision.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualScore {
    pub points: Points,
    pub comment: String,
}

/// Overrides by (student, question).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub by_answer: BTreeMap<(String, QuestionId), ManualScore>,
}

/// Why an overrides file could not be used.
pub type OverrideError = ScoreCsvError;

impl Overrides {
    /// Read `student,question,points,comment` (header required; `comment` optional). Every row
    /// is checked against the assignment's questions and maxima.
    pub fn read_csv(path: &Path, assignment: &AssignmentInfo) -> Result<Overrides, OverrideError> {
        let mut file = ScoreCsv::open(
            path,
            "overrides",
            &["student", "question", "points"],
            &["comment"],
        )?;
        let rows: Vec<ScoreRow> = file.rows().collect::<Result<_, _>>()?;
        let mut by_answer = BTreeMap::new();
        for row in &rows {
            let (student, question) = (file.field(row, "student"), file.field(row, "question"));
            if student.is_empty() && question.is_empty() {
                continue;
            }
            let (info, points) = file.score(row.line, assignment, &question, &file.field(row, "points"))?;
            let comment = file.field(row, "comment");
            if by_answer
                .insert(
                    (student.clone(), info.id.clone()),
                    ManualScore { points, comment },
                )
                .is_some()
            {
                return Err(file.invalid(
                    row.line,
                    format!("a second override for `{student}` `{question}`"),
                ));
            }
        }
        Ok(Overrides { by_answer })
    }

    /// The overrides recorded in an earlier run, as a regrade reads it.
    pub fn from_previous(run: &crate::course::regrade::PreviousRun) -> Overrides {
        let mut by_answer = BTreeMap::new();
        for student in &run.students {
            for q in &student.questions {
                if let Some(comment) = &q.manual {
                    by_answer.insert(
                        (student.student.0.clone(), q.id.clone()),
                        ManualScore {
                            points: q.score,
                            comment: comment.clone(),
                        },
                    );
                }
            }
        }
        Overrides { by_answer }
    }

    /// Add `other`'s overrides where this set has none for the same answer.
    pub fn or(mut self, other: Overrides) -> Overrides {
        for (key, value) in other.by_answer {
            self.by_answer.entry(key).or_insert(value);
        }
        self
    }

    /// Apply to a report; returns a warning for each override that names no graded answer.
    pub fn apply(&self, report: &mut GradeReport) -> Vec<String> {
        let mut by_student = self.by_student();
        for student in &mut report.students {
            let used = by_student.apply(student);
            by_student.used(used);
        }
        by_student.unused()
    }

    /// The overrides indexed by student, to apply one student at a time.
    pub fn by_student(&self) -> OverridesByStudent<'_> {
        let mut index: HashMap<String, Vec<&(String, QuestionId)>> = HashMap::new();
        for key in self.by_answer.keys() {
            index.entry(key.0.to_lowercase()).or_default().push(key);
        }
        OverridesByStudent {
            overrides: self,
            index,
            used: BTreeSet::new(),
        }
    }
}

/// [`Overrides`] applied one student at a time, remembering which were used.
pub struct OverridesByStudent<'o> {
    overrides: &'o Overrides,
    /// Student ids compare ignoring case.
    index: HashMap<String, Vec<&'o (String, QuestionId)>>,
    used: BTreeSet<&'o (String, QuestionId)>,
}

impl<'o> OverridesByStudent<'o> {
    /// Replace the scores of `student`'s overridden answers, recording the autograder's;
    /// returns the overrides used (to pass to [`OverridesByStudent::used`]).
    pub fn apply(&self, student: &mut StudentGrade) -> Vec<&'o (String, QuestionId)> {
        let Some(keys) = self.index.get(&student.student.as_str().to_lowercase()) else {
            return Vec::new();
        };
        let mut used = Vec::new();
        for &key in keys {
            let Some(q) = student.questions.iter_mut().find(|q| q.id == key.1) else {
                continue;
            };
            let manual = &self.overrides.by_answer[key];
            let autograder = q.overridden.as_ref().map_or(q.score, |o| o.autograder);
            q.overridden = Some(Override {
                autograder,
                comment: manual.comment.clone(),
            });
            q.score = manual.points;
            if !q.flags.contains(&Flag::Overridden) {
                q.flags.push(Flag::Overridden);
            }
            used.push(key);
        }
        student.total = student.questions.iter().map(|q| q.score).sum();
        used
    }

    /// Record overrides as used.
    pub fn used(&mut self, keys: Vec<&'o (String, QuestionId)>) {
        self.used.extend(keys);
    }

    /// A warning for each override that matched no graded answer, in (student, question) order.
    pub fn unused(&self) -> Vec<String> {
        self.overrides
            .by_answer
            .keys()
            .filter(|key| !self.used.contains(key))
            .map(|(student_id, question_id)| {
                format!("override for `{student_id}` `{question_id}` matches no graded answer; ignored")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture_report;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        file
    }

    #[test]
    fn overrides_replace_the_score_and_keep_the_autograders() {
        let mut report = fixture_report();
        let file = write("student,question,points,comment\naokonkwo,1a,1,\"too vague, see office hours\"\n");
        let overrides = Overrides::read_csv(file.path(), &report.assignment).unwrap();
        let before = report.students[0].total;
        let warnings = overrides.apply(&mut report);
        assert!(warnings.is_empty());
        let q = &report.students[0].questions[0];
        assert_eq!(q.score, Points::whole(1));
        assert_eq!(q.overridden.as_ref().unwrap().autograder, Points::whole(2));
        assert_eq!(
            q.overridden.as_ref().unwrap().comment,
            "too vague, see office hours"
        );
        assert!(q.flags.contains(&Flag::Overridden));
        assert_eq!(report.students[0].total, before - Points::whole(1));
        // Carried to the next run from the report itself.
        let previous = crate::course::regrade::PreviousRun::of_report(&report);
        assert_eq!(Overrides::from_previous(&previous), overrides);
    }

    #[test]
    fn bad_rows_name_the_file_and_line() {
        let report = fixture_report();
        for (text, message) in [
            (
                "student,question,points\nx,9z,1\n",
                ":2: no question `9z` in the rubric",
            ),
            (
                "student,question,points\nx,1a,3\n",
                ":2: 3 points is outside 0..=2 for question `1a`",
            ),
            (
                "student,question,points\nx,1a,lots\n",
                ":2: `lots` is not a number of points",
            ),
            ("who,what\n", ":1: the header must name the columns"),
        ] {
            let file = write(text);
            let error = Overrides::read_csv(file.path(), &report.assignment)
                .unwrap_err()
                .to_string();
            assert!(error.contains(message), "{error}");
        }
    }

    #[test]
    fn unknown_students_are_warned_about() {
        let mut report = fixture_report();
        let file = write("student,question,points\nnobody,1a,1\n");
        let warnings = Overrides::read_csv(file.path(), &report.assignment)
            .unwrap()
            .apply(&mut report);
        assert_eq!(
            warnings,
            ["override for `nobody` `1a` matches no graded answer; ignored"]
        );
    }
}
