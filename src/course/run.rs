//! One `grade` run, streamed from the submissions folder to the output folder.
//!
//! First the plan: find the submissions, settle whose each one is (the roster renames and adds
//! students), and put them in report order (by student id). A first pass reads and splits
//! every submission to form the answer groups ([`crate::course::groups`]). Then the students
//! are graded in parallel a chunk at a time; each worker also gives each answer its group,
//! applies the TA's group decisions and then overrides, and renders the
//! student's feedback file and `grades.json` part, and the chunk is handed in order to the
//! [`OutputFolder`], the regrade comparison and the run's counts. Memory holds the plan, one
//! chunk of full grades and the class tally, not the class's answers, and the outputs are the
//! same bytes whatever the thread count.

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::collections::BTreeSet;

use crate::course::class::ClassReport;
use crate::course::decisions::Decisions;
use crate::course::groups::{rubric_words, AnswerContent, Groups, GroupsBuilder};
use crate::course::overrides::Overrides;
use crate::course::regrade::{Change, PreviousRun, RegradeDiff};
use crate::course::roster::Roster;
use crate::grading::grader::{Grader, Progress};
use crate::grading::grades::{GradeReport, StudentGrade, SubmissionStatus};
use crate::ids::{GroupId, Points, QuestionId, StudentId};
use crate::report::{
    feedback_file_names, render_student, OutputFolder, RenderedStudent, ReportError, WrittenFiles,
};
use crate::submission::{discover, discover_single, DiscoverError, Submission};

/// Students graded per parallel step, per worker thread: enough to keep every thread busy,
/// few enough that a step's full grades take little memory.
const CHUNK_PER_THREAD: usize = 16;

/// What to grade.
pub enum Source<'a> {
    /// Every submission in a folder (skipping `skip`, such as the output folder).
    Folder { root: &'a Path, skip: &'a [PathBuf] },
    /// One student's submission: a folder of answer files, or one file.
    Single {
        root: &'a Path,
        student: StudentId,
        skip: &'a [PathBuf],
    },
}

/// The settings of one run besides the rubric and the folders.
#[derive(Default)]
pub struct RunOptions<'a> {
    pub roster: Option<&'a Roster>,
    pub overrides: Overrides,
    /// Scores for whole answer groups (a per-student override wins).
    pub decisions: Decisions,
    /// The previous run, to report what changed.
    pub previous: Option<&'a PreviousRun>,
    /// Also write `canvas.csv`.
    pub canvas: bool,
    /// Keep every student's full grade, for outputs that need the whole report at once
    /// (JUnit, Gradescope, GitHub annotations); memory then grows with the class.
    pub keep_grades: bool,
    /// List the graded students whose total is below this many points.
    pub fail_under: Option<f64>,
}

/// What a run wrote and found.
pub struct RunOutcome {
    pub written: WrittenFiles,
    pub class: ClassReport,
    /// Changes since the previous run, when one was given.
    pub changes: Option<Vec<Change>>,
    /// Overrides that matched no graded answer.
    pub override_warnings: Vec<String>,
    /// Decisions that matched no graded answer.
    pub decision_warnings: Vec<String>,
    /// Submissions that could not be graded, with the reason.
    pub unreadable: Vec<(StudentId, String)>,
    /// What was left out of submissions that were graded (a folder that could not be read, a
    /// named pipe), each naming its path.
    pub skipped: Vec<String>,
    /// Graded students below `fail_under`, with their totals.
    pub below: Vec<(StudentId, Points)>,
    /// Every full grade, with `keep_grades`.
    pub report: Option<GradeReport>,
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// One entry of the report, before grading: whose it is and where it comes from.
struct Planned {
    /// The submission to grade; `None` for a roster student who submitted nothing.
    submission: Option<usize>,
    /// The roster's verdict (id, entry, warnings), when a roster was given; for a student with
    /// no submission, the whole (empty) grade.
    identity: Option<Box<StudentGrade>>,
    feedback_file: String,
}

/// Grade `source` with `grader` into the output folder `out`.
pub fn run(
    grader: &Grader<'_>,
    source: Source<'_>,
    out: &Path,
    options: RunOptions<'_>,
    progress: &dyn Progress,
) -> Result<RunOutcome, RunError> {
    let submissions = match source {
        Source::Folder { root, skip } => discover(root, skip)?,
        Source::Single { root, student, skip } => vec![discover_single(root, student, skip)?],
    };
    let skipped = submissions
        .iter()
        .filter(|s| !s.files.is_empty())
        .flat_map(|s| s.problems.iter().cloned())
        .collect();
    let plan = plan(grader, &submissions, options.roster);
    progress.started(plan.len());
    let groups = read_groups(grader, &submissions, &plan).map_err(ReportError::from)?;

    let assignment = grader.assignment_info();
    let folder = OutputFolder::create(out, &assignment, options.canvas)?;
    let mut overrides = options.overrides.by_student();
    let mut collected = Collected {
        folder,
        diff: options.previous.map(|p| p.diff(&assignment)),
        fail_under: options.fail_under,
        keep_grades: options.keep_grades,
        used: Vec::new(),
        decided: BTreeSet::new(),
        unreadable: Vec::new(),
        below: Vec::new(),
        kept: Vec::new(),
    };

    let grade_chunk = |step: usize, entries: std::ops::Range<usize>| -> Vec<Result<Graded, ReportError>> {
        let first_slot = entries.start;
        plan[entries]
            .par_iter()
            .enumerate()
            .map(|(i, planned)| {
                let mut grade = match (planned.submission, &planned.identity) {
                    (Some(at), identity) => {
                        let mut grade = grader.grade_submission(&submissions[at]);
                        if let Some(identity) = identity {
                            settle(&mut grade, identity);
                        }
                        grade
                    }
                    (None, Some(missing)) => (**missing).clone(),
                    (None, None) => unreachable!("a planned student has a submission or a roster entry"),
                };
                groups.give(first_slot + i, &mut grade)?;
                let previous = options.previous.and_then(|p| p.student(&grade.student));
                let decided = options.decisions.apply(&mut grade, previous);
                let used = overrides.apply(&mut grade);
                progress.graded(&grade.student);
                let first = step == 0 && i == 0;
                let rendered = render_student(&assignment, &grade, first)?;
                Ok(Graded {
                    grade,
                    rendered,
                    feedback_file: &planned.feedback_file,
                    used,
                    decided,
                })
            })
            .collect()
    };
    // Each chunk is handed to the output while the next one is graded.
    let chunk = CHUNK_PER_THREAD * rayon::current_num_threads().max(1);
    let mut pending = Vec::new();
    for (step, start) in (0..plan.len()).step_by(chunk).enumerate() {
        let entries = start..plan.len().min(start + chunk);
        let (graded, handed) = rayon::join(
            || grade_chunk(step, entries),
            || collected.take(std::mem::take(&mut pending)),
        );
        handed?;
        pending = graded;
    }
    collected.take(pending)?;

    let Collected {
        folder,
        diff,
        used,
        decided,
        unreadable,
        below,
        kept,
        ..
    } = collected;
    overrides.used(used);
    let (written, class) = folder.finish()?;
    Ok(RunOutcome {
        written,
        class,
        changes: diff.map(|d| d.finish()),
        override_warnings: overrides.unused(),
        decision_warnings: options.decisions.unused(&decided),
        unreadable,
        skipped,
        below,
        report: options.keep_grades.then_some(GradeReport {
            assignment,
            students: kept,
        }),
    })
}

/// One student graded by a worker: the grade, its rendered outputs, the overrides used.
struct Graded<'p, 'o> {
    grade: StudentGrade,
    rendered: RenderedStudent,
    feedback_file: &'p str,
    used: Vec<&'o (String, crate::ids::QuestionId)>,
    decided: Vec<(QuestionId, GroupId)>,
}

/// Where graded students go, in report order.
struct Collected<'p, 'o> {
    folder: OutputFolder,
    diff: Option<RegradeDiff<'p>>,
    fail_under: Option<f64>,
    keep_grades: bool,
    used: Vec<&'o (String, crate::ids::QuestionId)>,
    decided: BTreeSet<(QuestionId, GroupId)>,
    unreadable: Vec<(StudentId, String)>,
    below: Vec<(StudentId, Points)>,
    kept: Vec<StudentGrade>,
}

impl<'o> Collected<'_, 'o> {
    fn take(&mut self, graded: Vec<Result<Graded<'_, 'o>, ReportError>>) -> Result<(), ReportError> {
        for result in graded {
            let Graded {
                grade,
                rendered,
                feedback_file,
                used,
                decided,
            } = result?;
            self.folder.add(&grade, &rendered, feedback_file)?;
            crate::course::fault::point("feedback");
            self.used.extend(used);
            self.decided.extend(decided);
            if let Some(diff) = &mut self.diff {
                diff.student(&grade);
            }
            match &grade.status {
                SubmissionStatus::Unreadable { reason } => {
                    self.unreadable.push((grade.student.clone(), reason.clone()));
                }
                SubmissionStatus::Graded => {
                    if self.fail_under.is_some_and(|t| grade.total.as_f64() < t) {
                        self.below.push((grade.student.clone(), grade.total));
                    }
                }
                SubmissionStatus::Missing => {}
            }
            if self.keep_grades {
                self.kept.push(grade);
            }
        }
        Ok(())
    }
}

/// The report's entries in order: the roster settles whose each submission is and adds the
/// students who submitted nothing; everyone is sorted by id; feedback file names are chosen.
fn plan(grader: &Grader<'_>, submissions: &[Submission], roster: Option<&Roster>) -> Vec<Planned> {
    let max_total = grader.rubric.max_total();
    let mut order: Vec<(usize, Option<StudentGrade>)> = match roster {
        None => (0..submissions.len()).map(|i| (i, None)).collect(),
        Some(roster) => {
            let mut skeletons: Vec<StudentGrade> = submissions
                .iter()
                .map(|s| {
                    StudentGrade::without_answers(s.student.clone(), SubmissionStatus::Graded, max_total)
                })
                .collect();
            roster.match_students(&mut skeletons, max_total);
            skeletons
                .into_iter()
                .enumerate()
                .map(|(i, s)| (i, Some(s)))
                .collect()
        }
    };
    let id = |(i, identity): &(usize, Option<StudentGrade>)| -> (StudentId, Option<String>) {
        match identity {
            Some(s) => (s.student.clone(), s.submitted_as.clone()),
            None => (submissions[*i].student.clone(), None),
        }
    };
    order.sort_by_cached_key(id);
    let names = feedback_file_names(order.iter().map(|entry| match &entry.1 {
        Some(s) => &s.student,
        None => &submissions[entry.0].student,
    }));
    order
        .into_iter()
        .zip(names)
        .map(|((i, identity), feedback_file)| Planned {
            submission: (i < submissions.len()).then_some(i),
            identity: identity.map(Box::new),
            feedback_file,
        })
        .collect()
}

/// Every answer's group, from a first pass over the submissions that only reads and splits
/// them, so that each student's reports can name their answers' groups as they are graded.
/// Memory holds one chunk of answer texts and the class's distinct short answers' words; what
/// each student's answers are and the long answers' hashes go to disk.
fn read_groups(grader: &Grader<'_>, submissions: &[Submission], plan: &[Planned]) -> io::Result<Groups> {
    let words = grader
        .rubric
        .questions
        .iter()
        .map(|q| (q.id.clone(), rubric_words(q)));
    let mut builder = GroupsBuilder::new(words, plan.len())?;
    let chunk = CHUNK_PER_THREAD * rayon::current_num_threads().max(1);
    for start in (0..plan.len()).step_by(chunk) {
        let read: Vec<Vec<Option<AnswerContent>>> = plan[start..plan.len().min(start + chunk)]
            .par_iter()
            .map(|planned| {
                let texts = planned
                    .submission
                    .and_then(|at| grader.answer_texts(&submissions[at]))
                    .unwrap_or_default();
                texts
                    .into_iter()
                    .map(|text| text.map(|text| GroupsBuilder::content(&text)))
                    .collect()
            })
            .collect();
        for (i, answers) in read.into_iter().enumerate() {
            for (question, answer) in answers.into_iter().enumerate() {
                if let Some(content) = answer {
                    builder.add(question, start + i, content)?;
                }
            }
        }
    }
    builder.finish()
}

/// Give a graded submission the identity the roster settled for it.
fn settle(grade: &mut StudentGrade, identity: &StudentGrade) {
    grade.student = identity.student.clone();
    grade.submitted_as = identity.submitted_as.clone();
    grade.roster = identity.roster.clone();
    grade.not_on_roster = identity.not_on_roster;
    grade.warnings.extend(identity.warnings.iter().cloned());
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::course::overrides::ManualScore;
    use crate::course::roster::RosterStudent;
    use crate::grading::grader::NoProgress;
    use crate::report::{write_outputs, ReportWriter};
    use crate::rubric::Rubric;

    fn rubric() -> Rubric {
        crate::rubric::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/finetuning-review.toml"))
            .unwrap()
    }

    /// A class of `n` students made from the bundled submissions (files and folders), with a
    /// late resubmission, so it spans several chunks and exercises the roster.
    fn class(root: &Path, n: usize) {
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("submissions");
        let mut sources: Vec<PathBuf> = fs::read_dir(&bundled)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        sources.sort();
        for i in 0..n {
            let source = &sources[i % sources.len()];
            let ext = source.extension().unwrap().to_string_lossy();
            let name = if i == 7 {
                "s0007_late".to_string()
            } else {
                format!("s{i:04}")
            };
            fs::copy(source, root.join(format!("{name}.{ext}"))).unwrap();
        }
        fs::write(root.join("broken.pdf"), "%PDF").unwrap();
    }

    fn roster(n: usize) -> Roster {
        Roster::from_students(
            (0..n + 3)
                .map(|i| RosterStudent {
                    id: format!("s{i:04}"),
                    name: format!("Student {i}"),
                    email: format!("s{i}@example.edu"),
                    lms_id: None,
                    line: i as u64 + 2,
                })
                .collect(),
        )
    }

    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let name = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((name, fs::read(entry.path()).unwrap()));
            }
        }
        out
    }

    #[test]
    fn a_streamed_run_writes_what_the_whole_report_would() {
        let rubric = rubric();
        let grader = Grader::new(&rubric);
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("submissions");
        fs::create_dir(&root).unwrap();
        let n = 150;
        class(&root, n);
        let roster = roster(n);
        let mut overrides = Overrides::default();
        overrides.by_answer.insert(
            ("S0003".to_string(), crate::ids::QuestionId("1a".to_string())),
            ManualScore {
                points: Points::whole(1),
                comment: "checked".into(),
            },
        );

        // The whole report in memory, then written at once.
        let mut report = grader.grade_folder(&root, &[]).unwrap();
        roster.apply(&mut report);
        crate::course::groups::assign(&mut report, &rubric).unwrap();
        assert!(overrides.apply(&mut report).is_empty());
        let whole = dir.path().join("whole");
        write_outputs(&report, &whole).unwrap();

        // Streamed, in several chunks, with one thread and with two.
        for threads in [1, 2] {
            let out = dir.path().join(format!("streamed-{threads}"));
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let outcome = pool
                .install(|| {
                    let options = RunOptions {
                        roster: Some(&roster),
                        overrides: overrides.clone(),
                        keep_grades: true,
                        canvas: true,
                        fail_under: Some(10.0),
                        ..RunOptions::default()
                    };
                    run(
                        &grader,
                        Source::Folder {
                            root: &root,
                            skip: &[],
                        },
                        &out,
                        options,
                        &NoProgress,
                    )
                })
                .unwrap();
            assert!(report.students.len() > CHUNK_PER_THREAD * threads * 3);
            let canvas = fs::read_to_string(out.join("canvas.csv")).unwrap();
            assert_eq!(canvas, crate::report::CanvasCsv.render(&report).unwrap());
            fs::remove_file(out.join("canvas.csv")).unwrap();
            assert_eq!(files(&out), files(&whole), "{threads} threads");
            assert_eq!(outcome.written.feedback, report.students.len());
            assert_eq!(outcome.class.counts.students, report.students.len());
            assert_eq!(outcome.class.counts.missing, 3);
            assert_eq!(outcome.unreadable.len(), 1);
            assert!(outcome.override_warnings.is_empty());
            let below: Vec<_> = report
                .students
                .iter()
                .filter(|s| s.status == SubmissionStatus::Graded && s.total.as_f64() < 10.0)
                .map(|s| (s.student.clone(), s.total))
                .collect();
            assert_eq!(outcome.below, below);
            let kept = outcome.report.unwrap();
            assert_eq!(
                serde_json::to_string(&kept).unwrap(),
                serde_json::to_string(&report).unwrap()
            );
        }
    }

    #[test]
    fn a_regrade_reads_the_previous_grades_json() {
        let rubric = rubric();
        let grader = Grader::new(&rubric);
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("submissions");
        fs::create_dir(&root).unwrap();
        class(&root, 20);
        let out = dir.path().join("out");
        let keep = || RunOptions {
            keep_grades: true,
            ..RunOptions::default()
        };
        let folder = || Source::Folder {
            root: &root,
            skip: &[],
        };
        let first = run(&grader, folder(), &out, keep(), &NoProgress).unwrap();
        assert!(first.changes.is_none());

        // A resubmission, a new student and a removed one.
        fs::copy(root.join("s0002.md"), root.join("s0000.md")).unwrap();
        fs::copy(root.join("s0002.md"), root.join("s0100.md")).unwrap();
        fs::remove_file(root.join("s0005.md")).unwrap();
        let previous = PreviousRun::read(&out.join("grades.json")).unwrap();
        let options = RunOptions {
            previous: Some(&previous),
            ..keep()
        };
        let second = run(&grader, folder(), &out, options, &NoProgress).unwrap();
        let changes = second.changes.unwrap();
        let reason = |id: &str| {
            changes
                .iter()
                .filter(|c| c.student.as_str() == id)
                .map(|c| c.reason)
                .collect::<Vec<_>>()
        };
        use crate::course::regrade::ChangeReason::*;
        assert_eq!(reason("s0100"), [NewSubmission]);
        assert_eq!(reason("s0005"), [RemovedSubmission]);
        assert!(!reason("s0000").is_empty());
        assert!(reason("s0000").iter().all(|r| *r == AnswerChanged));
        // The same as comparing the two whole reports in memory.
        assert_eq!(
            changes,
            crate::course::regrade::changes(&first.report.unwrap(), &second.report.unwrap())
        );
    }
}
