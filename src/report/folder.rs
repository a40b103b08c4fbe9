//! The output folder of a run, written one student at a time, so that memory does not grow with
//! the class: `grades.csv` and `grades.json` grow row by row in temporary files, each student's
//! feedback goes into a staging folder, and what the class-wide reports need is gathered in a
//! [`ClassTally`]. Nothing is in place until [`OutputFolder::finish`] renames it all, so an
//! interrupted or failed run leaves the previous run's files as they were.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::course::class::{ClassReport, ClassTally};
use crate::grading::grades::{AssignmentInfo, StudentGrade};
use crate::ids::StudentId;

use super::html::DETAILED_STUDENTS;
use super::{
    feedback_file_stem, open_staged, unique_name, CanvasCsv, ClassWriter, FeedbackMarkdown, GradesCsv,
    GradesJson, GroupsCsv, HtmlReport, OpenStaged, ReportError, ReviewCsv, Staged, CANVAS_CSV, FEEDBACK_DIR,
    GRADES_CSV, GRADES_JSON, GROUPS_CSV, REPORT_HTML, REVIEW_CSV,
};

/// The files a run wrote (all paths start with the output folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFiles {
    pub csv: PathBuf,
    pub json: PathBuf,
    pub review: PathBuf,
    /// `groups.csv`: the answer groups in review order.
    pub groups: PathBuf,
    pub html: PathBuf,
    /// The folder of per-student feedback files, and how many were written.
    pub feedback_dir: PathBuf,
    pub feedback: usize,
    /// `canvas.csv`, when asked for.
    pub canvas: Option<PathBuf>,
}

impl WrittenFiles {
    /// How many files were written.
    pub fn len(&self) -> usize {
        5 + self.feedback + usize::from(self.canvas.is_some())
    }

    /// Always false: the CSV and JSON are always written.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Feedback file names (`<stem>.md`) for students in report order: ids made safe (and short)
/// as file names, told apart by `~2`, `~3`, ... when two would name the same file (ignoring
/// case). Every student's own name is reserved first, so a suffix never takes the name of a
/// student called `alice~2`; chosen in order, so collisions resolve the same way every run.
pub fn feedback_file_names<'a>(ids: impl IntoIterator<Item = &'a StudentId>) -> Vec<String> {
    let stems: Vec<String> = ids.into_iter().map(feedback_file_stem).collect();
    let reserved: HashSet<String> = stems.iter().map(|s| s.to_lowercase()).collect();
    let mut taken = HashSet::new();
    stems
        .into_iter()
        .map(|stem| format!("{}.md", unique_name(stem, &mut taken, &reserved)))
        .collect()
}

/// One student's part of the outputs, rendered where it was graded (a worker thread).
pub struct RenderedStudent {
    /// `feedback/<student>.md`.
    pub feedback: Vec<u8>,
    /// The student's part of `grades.json`.
    pub json: Vec<u8>,
}

/// Render `student`'s feedback and `grades.json` part (`first`: the first student of the run).
pub fn render_student(
    assignment: &AssignmentInfo,
    student: &StudentGrade,
    first: bool,
) -> Result<RenderedStudent, ReportError> {
    let mut feedback = Vec::new();
    FeedbackMarkdown.write_student(assignment, student, &mut feedback)?;
    Ok(RenderedStudent {
        feedback,
        json: GradesJson::student(student, first)?,
    })
}

/// An output folder being written; see the module docs.
pub struct OutputFolder {
    dir: PathBuf,
    assignment: AssignmentInfo,
    staging: tempfile::TempDir,
    csv: ::csv::Writer<OpenStaged>,
    json: OpenStaged,
    canvas: Option<::csv::Writer<OpenStaged>>,
    tally: ClassTally,
    students: usize,
}

impl OutputFolder {
    /// Start writing into `dir` (created as needed); with `canvas`, also `canvas.csv`.
    pub fn create(
        dir: &Path,
        assignment: &AssignmentInfo,
        canvas: bool,
    ) -> Result<OutputFolder, ReportError> {
        let feedback_dir = dir.join(FEEDBACK_DIR);
        fs::create_dir_all(&feedback_dir).map_err(|source| ReportError::CreateDir {
            path: feedback_dir.clone(),
            source,
        })?;
        let staging = tempfile::Builder::new()
            .prefix(".rubricate-")
            .suffix(".tmp")
            .tempdir_in(dir)
            .map_err(|source| ReportError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        let mut csv = ::csv::Writer::from_writer(open_staged(&dir.join(GRADES_CSV))?);
        csv.write_record(GradesCsv::header(assignment))?;
        let json_path = dir.join(GRADES_JSON);
        let mut json = open_staged(&json_path)?;
        json.write_all(&GradesJson::opening(assignment)?)
            .map_err(|e| json.error(e.into()))?;
        let canvas = match canvas {
            true => {
                let mut canvas = ::csv::Writer::from_writer(open_staged(&dir.join(CANVAS_CSV))?);
                for row in CanvasCsv::header(assignment) {
                    canvas.write_record(row)?;
                }
                Some(canvas)
            }
            false => None,
        };
        Ok(OutputFolder {
            canvas,
            dir: dir.to_path_buf(),
            assignment: assignment.clone(),
            staging,
            csv,
            json,
            tally: ClassTally::new(assignment.clone(), DETAILED_STUDENTS)?,
            students: 0,
        })
    }

    /// Add the next student (in report order), rendered by [`render_student`], with the name of
    /// their feedback file (from [`feedback_file_names`]).
    pub fn add(
        &mut self,
        student: &StudentGrade,
        rendered: &RenderedStudent,
        feedback_file: &str,
    ) -> Result<(), ReportError> {
        // Files are created from this one thread: creating them from every worker made them
        // queue on the folder's lock in the kernel. Not synced one by one (a class is many
        // small files); they are renamed into place only after every report is complete.
        let feedback = self.staging.path().join(feedback_file);
        fs::write(&feedback, &rendered.feedback).map_err(|e| ReportError::File {
            path: feedback,
            source: Box::new(e.into()),
        })?;
        self.csv.write_record(GradesCsv::row(&self.assignment, student))?;
        if let Some(canvas) = &mut self.canvas {
            canvas.write_record(CanvasCsv::row(student))?;
        }
        self.json
            .write_all(&rendered.json)
            .map_err(|e| self.json.error(e.into()))?;
        self.tally.add(student)?;
        self.students += 1;
        Ok(())
    }

    /// Write the class-wide reports, then put every file in place.
    pub fn finish(mut self) -> Result<(WrittenFiles, ClassReport), ReportError> {
        self.json
            .write_all(GradesJson::closing(self.students))
            .map_err(|e| self.json.error(e.into()))?;
        let written = WrittenFiles {
            csv: self.dir.join(GRADES_CSV),
            json: self.dir.join(GRADES_JSON),
            review: self.dir.join(REVIEW_CSV),
            groups: self.dir.join(GROUPS_CSV),
            html: self.dir.join(REPORT_HTML),
            feedback_dir: self.dir.join(FEEDBACK_DIR),
            feedback: self.students,
            canvas: self.canvas.is_some().then(|| self.dir.join(CANVAS_CSV)),
        };
        // The gradebook and the JSON are synced to disk while the class-wide reports render.
        let (csv, json, canvas) = (self.csv, self.json, self.canvas);
        let (streamed, class) = rayon::join(
            || -> Result<Vec<Staged>, ReportError> {
                let into_file = |csv: ::csv::Writer<OpenStaged>| {
                    csv.into_inner().map_err(|e| ReportError::Io(e.into_error()))
                };
                let mut staged = vec![into_file(csv)?.finish()?, json.finish()?];
                if let Some(canvas) = canvas {
                    staged.push(into_file(canvas)?.finish()?);
                }
                Ok(staged)
            },
            || -> Result<(ClassReport, [Staged; 3]), ReportError> {
                let class = self.tally.finish()?;
                let review = super::stage(&written.review, |out| ReviewCsv.write_class(&class, out))?;
                let groups = super::stage(&written.groups, |out| GroupsCsv.write_class(&class, out))?;
                let html = super::stage(&written.html, |out| HtmlReport.write_class(&class, out))?;
                Ok((class, [review, groups, html]))
            },
        );
        let (class, class_files) = class?;
        let staged = streamed?.into_iter().chain(class_files);

        // Everything is complete: feedback first, then the reports that point at it.
        fs::read_dir(self.staging.path())
            .map_err(ReportError::Io)?
            .par_bridge()
            .try_for_each(|entry| {
                let entry = entry.map_err(ReportError::Io)?;
                let target = written.feedback_dir.join(entry.file_name());
                fs::rename(entry.path(), &target).map_err(|e| ReportError::File {
                    path: target,
                    source: Box::new(e.into()),
                })?;
                crate::course::fault::point("rename");
                Ok::<(), ReportError>(())
            })?;
        for file in staged {
            file.commit()?;
            crate::course::fault::point("commit");
        }
        Ok((written, class))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture_report;

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().display().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_run_stopped_before_finishing_leaves_the_previous_files_as_they_were() {
        let report = fixture_report();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join(FEEDBACK_DIR)).unwrap();
        fs::write(out.join(GRADES_CSV), "previous run\n").unwrap();
        fs::write(out.join(FEEDBACK_DIR).join("aokonkwo.md"), "previous feedback\n").unwrap();
        let before = listing(out);

        let mut folder = OutputFolder::create(out, &report.assignment, true).unwrap();
        let names = feedback_file_names(report.students.iter().map(|s| &s.student));
        for (i, (student, name)) in report.students.iter().zip(&names).enumerate() {
            let rendered = render_student(&report.assignment, student, i == 0).unwrap();
            folder.add(student, &rendered, name).unwrap();
        }
        // Stopped by an error before `finish` (a killed run leaves its temporary files behind;
        // the next run removes them first, see `remove_stale_temp_files`).
        drop(folder);

        assert_eq!(listing(out), before, "no temporary file or folder is left");
        assert_eq!(
            fs::read_to_string(out.join(GRADES_CSV)).unwrap(),
            "previous run\n"
        );
        assert_eq!(
            fs::read_to_string(out.join(FEEDBACK_DIR).join("aokonkwo.md")).unwrap(),
            "previous feedback\n"
        );
    }
}
