//! Agreement between the autograder and human grades: per question and overall, exact
//! agreement, agreement within one point, mean absolute error, quadratic weighted kappa, the
//! Pearson correlation of totals, and the confusion of awarded against expected points.
//!
//! *Over-credited* means the autograder awarded more than the human; *under-credited*, less.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::grading::grades::GradeReport;

/// Scores by student and question, as in a `grades.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeTable {
    /// Question ids in column order (without `student` and `total`).
    pub questions: Vec<String>,
    /// Student → one score per question, in `questions` order.
    pub scores: BTreeMap<String, Vec<f64>>,
}

/// Why grades could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum AgreementError {
    #[error("cannot read `{}`: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("`{}` line {line}: `{value}` is not a number of points", path.display())]
    NotANumber { path: PathBuf, line: u64, value: String },
    #[error("`{}` has no `student` column first", path.display())]
    NoStudentColumn { path: PathBuf },
    #[error("question `{question}` is graded but not in `{}`", path.display())]
    MissingQuestion { path: PathBuf, question: String },
}

impl GradeTable {
    /// Read a CSV shaped like `grades.csv`: `student,<question ids>,total`.
    pub fn read_csv(path: &Path) -> Result<GradeTable, AgreementError> {
        let csv_error = |source| AgreementError::Csv {
            path: path.to_path_buf(),
            source,
        };
        let mut reader = csv::Reader::from_path(path).map_err(csv_error)?;
        let headers: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if headers.first().map(String::as_str) != Some("student") {
            return Err(AgreementError::NoStudentColumn {
                path: path.to_path_buf(),
            });
        }
        let columns: Vec<usize> = (1..headers.len()).filter(|&i| headers[i] != "total").collect();
        let questions = columns.iter().map(|&i| headers[i].clone()).collect();
        let mut scores = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, |p| p.line());
            let mut row = Vec::new();
            for &i in &columns {
                let value = record.get(i).unwrap_or("").trim();
                let parsed = value.parse::<f64>().map_err(|_| AgreementError::NotANumber {
                    path: path.to_path_buf(),
                    line,
                    value: value.to_string(),
                })?;
                row.push(parsed);
            }
            scores.insert(record.get(0).unwrap_or("").trim().to_string(), row);
        }
        Ok(GradeTable { questions, scores })
    }

    /// The scores of a grading run.
    pub fn from_report(report: &GradeReport) -> GradeTable {
        let questions: Vec<String> = report
            .assignment
            .questions
            .iter()
            .map(|q| q.id.0.clone())
            .collect();
        let scores = report
            .students
            .iter()
            .map(|s| {
                let row = questions
                    .iter()
                    .map(|id| {
                        s.questions
                            .iter()
                            .find(|q| &q.id.0 == id)
                            .map_or(0.0, |q| q.score.as_f64())
                    })
                    .collect();
                (s.student.0.clone(), row)
            })
            .collect();
        GradeTable { questions, scores }
    }

    fn total(&self, student: &str) -> f64 {
        self.scores[student].iter().sum()
    }
}

/// Agreement on one question (or on all scores together).
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionAgreement {
    pub question: String,
    pub compared: usize,
    pub exact: usize,
    pub within_one: usize,
    pub mean_absolute_error: f64,
    /// `None` when both graders gave every answer the same score (kappa is undefined).
    pub quadratic_weighted_kappa: Option<f64>,
    /// Autograder above the human.
    pub over_credited: usize,
    /// Autograder below the human.
    pub under_credited: usize,
    /// (awarded, expected) → count.
    pub confusion: BTreeMap<(Score, Score), usize>,
}

/// A score as a confusion-matrix key (points in hundredths, so it orders and compares exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(pub i64);

impl Score {
    fn of(points: f64) -> Score {
        Score((points * 100.0).round() as i64)
    }

    pub fn points(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// One (student, question) where the two graders differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    pub student: String,
    pub question: String,
    pub awarded: f64,
    pub expected: f64,
}

impl Disagreement {
    pub fn over_credited(&self) -> bool {
        self.awarded > self.expected
    }
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub questions: Vec<QuestionAgreement>,
    /// Every (student, question) score together.
    pub all: QuestionAgreement,
    pub students: usize,
    pub pearson_totals: Option<f64>,
    pub kappa_totals: Option<f64>,
    pub total_mean_absolute_error: f64,
    pub disagreements: Vec<Disagreement>,
    /// Students graded by only one side.
    pub only_expected: Vec<String>,
    pub only_awarded: Vec<String>,
}

/// Compare the autograder's table with the human one, over the students both graded.
pub fn compare(
    expected: &GradeTable,
    awarded: &GradeTable,
    expected_path: &Path,
) -> Result<Agreement, AgreementError> {
    let column = |q: &str| {
        expected
            .questions
            .iter()
            .position(|e| e == q)
            .ok_or_else(|| AgreementError::MissingQuestion {
                path: expected_path.to_path_buf(),
                question: q.to_string(),
            })
    };
    let columns: Vec<usize> = awarded
        .questions
        .iter()
        .map(|q| column(q))
        .collect::<Result<_, _>>()?;
    let students: Vec<&String> = awarded
        .scores
        .keys()
        .filter(|s| expected.scores.contains_key(*s))
        .collect();

    let mut per_question = Vec::new();
    let mut pooled = Vec::new();
    let mut disagreements = Vec::new();
    for (qi, question) in awarded.questions.iter().enumerate() {
        let pairs: Vec<(f64, f64)> = students
            .iter()
            .map(|s| (awarded.scores[*s][qi], expected.scores[*s][columns[qi]]))
            .collect();
        for (s, (a, e)) in students.iter().zip(&pairs) {
            if (a - e).abs() > 1e-9 {
                disagreements.push(Disagreement {
                    student: (*s).clone(),
                    question: question.clone(),
                    awarded: *a,
                    expected: *e,
                });
            }
        }
        pooled.extend(pairs.iter().copied());
        per_question.push(summarise(question, &pairs));
    }
    disagreements.sort_by(|a, b| a.student.cmp(&b.student));
    let totals: Vec<(f64, f64)> = students
        .iter()
        .map(|s| (awarded.total(s), expected.scores[*s].iter().sum::<f64>()))
        .collect();
    let only = |a: &GradeTable, b: &GradeTable| {
        a.scores
            .keys()
            .filter(|s| !b.scores.contains_key(*s))
            .cloned()
            .collect()
    };
    Ok(Agreement {
        questions: per_question,
        all: summarise("all", &pooled),
        students: students.len(),
        pearson_totals: pearson(&totals),
        kappa_totals: quadratic_weighted_kappa(&totals),
        total_mean_absolute_error: mean(totals.iter().map(|(a, e)| (a - e).abs())),
        disagreements,
        only_expected: only(expected, awarded),
        only_awarded: only(awarded, expected),
    })
}

fn summarise(question: &str, pairs: &[(f64, f64)]) -> QuestionAgreement {
    let mut confusion = BTreeMap::new();
    for (a, e) in pairs {
        *confusion.entry((Score::of(*a), Score::of(*e))).or_insert(0) += 1;
    }
    QuestionAgreement {
        question: question.to_string(),
        compared: pairs.len(),
        exact: pairs.iter().filter(|(a, e)| (a - e).abs() < 1e-9).count(),
        within_one: pairs.iter().filter(|(a, e)| (a - e).abs() <= 1.0 + 1e-9).count(),
        mean_absolute_error: mean(pairs.iter().map(|(a, e)| (a - e).abs())),
        quadratic_weighted_kappa: quadratic_weighted_kappa(pairs),
        over_credited: pairs.iter().filter(|(a, e)| a > e).count(),
        under_credited: pairs.iter().filter(|(a, e)| a < e).count(),
        confusion,
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// Quadratic weighted kappa of paired ratings: 1 − Σ(a−e)² / Σ over all cross pairs (a−e')²,
/// scaled alike, which is Cohen's weighted kappa with quadratic weights on the rating values.
/// `None` when the expected disagreement is zero (both graders used one single score).
pub fn quadratic_weighted_kappa(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len() as f64;
    if pairs.is_empty() {
        return None;
    }
    let observed: f64 = pairs.iter().map(|(a, e)| (a - e).powi(2)).sum::<f64>() / n;
    let chance: f64 = pairs
        .iter()
        .map(|(a, _)| pairs.iter().map(|(_, e)| (a - e).powi(2)).sum::<f64>())
        .sum::<f64>()
        / (n * n);
    (chance > 0.0).then(|| 1.0 - observed / chance)
}

/// Pearson's correlation of paired values; `None` when either side has no variance.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < 2 {
        return None;
    }
    let ma = mean(pairs.iter().map(|p| p.0));
    let me = mean(pairs.iter().map(|p| p.1));
    let cov: f64 = pairs.iter().map(|(a, e)| (a - ma) * (e - me)).sum();
    let va: f64 = pairs.iter().map(|(a, _)| (a - ma).powi(2)).sum();
    let ve: f64 = pairs.iter().map(|(_, e)| (e - me).powi(2)).sum();
    (va > 0.0 && ve > 0.0).then(|| cov / (va * ve).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand: awarded 0,1,2,2 against expected 0,2,2,1.
    /// Observed mean squared difference (0+1+0+1)/4 = 0.5; over all 16 cross pairs the squared
    /// differences sum to 9+3+5+5 = 22, mean 1.375; kappa = 1 − 0.5/1.375 = 7/11.
    /// Pearson: deviations from 1.25 give cov 1.75 and variances 2.75, r = 7/11 too.
    const PAIRS: [(f64, f64); 4] = [(0.0, 0.0), (1.0, 2.0), (2.0, 2.0), (2.0, 1.0)];

    #[test]
    fn kappa_matches_a_hand_computed_table() {
        let k = quadratic_weighted_kappa(&PAIRS).unwrap();
        assert!((k - 7.0 / 11.0).abs() < 1e-12, "{k}");
    }

    #[test]
    fn pearson_matches_a_hand_computed_table() {
        let r = pearson(&PAIRS).unwrap();
        assert!((r - 7.0 / 11.0).abs() < 1e-12, "{r}");
    }

    #[test]
    fn kappa_is_one_for_perfect_agreement_and_undefined_without_variance() {
        assert_eq!(quadratic_weighted_kappa(&[(0.0, 0.0), (2.0, 2.0)]), Some(1.0));
        assert_eq!(quadratic_weighted_kappa(&[(1.0, 1.0), (1.0, 1.0)]), None);
        assert_eq!(pearson(&[(1.0, 1.0), (1.0, 2.0)]), None);
    }

    #[test]
    fn compare_counts_over_and_under_credit() {
        let table = |rows: &[(&str, [f64; 2])]| GradeTable {
            questions: vec!["1a".into(), "1b".into()],
            scores: rows.iter().map(|(s, r)| (s.to_string(), r.to_vec())).collect(),
        };
        let expected = table(&[("ann", [1.0, 2.0]), ("bob", [0.0, 1.0]), ("cy", [1.0, 0.0])]);
        let awarded = table(&[("ann", [1.0, 2.0]), ("bob", [1.0, 1.0]), ("dee", [0.0, 0.0])]);
        let a = compare(&expected, &awarded, Path::new("h.csv")).unwrap();
        assert_eq!(a.students, 2);
        assert_eq!(
            (
                a.all.exact,
                a.all.compared,
                a.all.over_credited,
                a.all.under_credited
            ),
            (3, 4, 1, 0)
        );
        assert_eq!(
            a.disagreements,
            [Disagreement {
                student: "bob".into(),
                question: "1a".into(),
                awarded: 1.0,
                expected: 0.0
            }]
        );
        assert_eq!(a.only_expected, ["cy"]);
        assert_eq!(a.only_awarded, ["dee"]);
        assert_eq!(a.questions[0].confusion[&(Score(100), Score(0))], 1);
    }
}
