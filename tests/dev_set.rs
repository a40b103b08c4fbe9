//! Agreement with human grades: the bundled rubric, run on a graded set of submissions, must
//! agree with its `expected.csv` on at least 95% of the (student, question) scores, with every
//! total within 1 point. Two sets: the dev set (the bundled `submissions/`) and a held-out set
//! written in other words and layouts (`tests/heldout/`). The expected grades are read from
//! the CSVs, never copied into code.

use std::collections::BTreeMap;
use std::path::Path;

use rubricate::grading::grader::Grader;
use rubricate::rubric;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// student → column → value, from a CSV with a `student` column.
fn read_grades(path: &Path) -> (Vec<String>, BTreeMap<String, BTreeMap<String, f64>>) {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut rows = BTreeMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let student = record[0].to_string();
        let values = headers[1..]
            .iter()
            .zip(record.iter().skip(1))
            .map(|(h, v)| {
                (
                    h.clone(),
                    v.parse::<f64>().unwrap_or_else(|_| panic!("bad number {v:?}")),
                )
            })
            .collect();
        rows.insert(student, values);
    }
    (headers, rows)
}

#[test]
fn bundled_rubric_agrees_with_the_dev_set() {
    assert_agreement("submissions", "tests/dev-set/expected.csv");
}

#[test]
fn bundled_rubric_agrees_with_the_held_out_set() {
    assert_agreement("tests/heldout/submissions", "tests/heldout/expected.csv");
}

fn assert_agreement(submissions: &str, expected_csv: &str) {
    let rubric = rubric::load(&root().join("rubrics/finetuning-review.toml")).expect("bundled rubric loads");
    let grader = Grader::new(&rubric);
    let report = grader
        .grade_folder(&root().join(submissions), &[])
        .expect("grading runs");
    let (headers, expected) = read_grades(&root().join(expected_csv));

    let questions: Vec<&str> = headers[1..headers.len() - 1].iter().map(String::as_str).collect();
    let rubric_ids: Vec<&str> = rubric.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(
        questions, rubric_ids,
        "expected.csv columns and rubric questions differ"
    );
    assert_eq!(
        report.students.len(),
        expected.len(),
        "one graded row per expected student"
    );

    let mut agree = 0;
    let mut compared = 0;
    let mut disagreements = Vec::new();
    let mut totals_off = Vec::new();
    for student in &report.students {
        let want = expected
            .get(student.student.as_str())
            .unwrap_or_else(|| panic!("{} is not in expected.csv", student.student));
        for q in &student.questions {
            compared += 1;
            let got = q.score.as_f64();
            let exp = want[q.id.as_str()];
            if (got - exp).abs() < 1e-9 {
                agree += 1;
            } else {
                disagreements.push(format!("{} {}: got {got}, expected {exp}", student.student, q.id));
            }
        }
        let (got, exp) = (student.total.as_f64(), want["total"]);
        if (got - exp).abs() > 1.0 + 1e-9 {
            totals_off.push(format!("{}: total {got}, expected {exp}", student.student));
        }
    }
    let rate = agree as f64 / compared as f64;
    eprintln!(
        "{submissions}: agreement {agree}/{compared} = {:.1}%",
        rate * 100.0
    );
    for d in &disagreements {
        eprintln!("  disagreement: {d}");
    }
    assert_eq!(compared, expected.len() * questions.len());
    assert!(
        rate >= 0.95,
        "agreement {:.1}% below 95%:\n{}",
        rate * 100.0,
        disagreements.join("\n")
    );
    assert!(
        totals_off.is_empty(),
        "totals more than 1 point off:\n{}",
        totals_off.join("\n")
    );
}
