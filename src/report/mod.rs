//! Report writers: they only format what the engine already computed.
//!
//! Every writer implements [`ReportWriter`] (a whole [`GradeReport`]) and writes into any
//! `std::io::Write` (a file, stdout, or a `Vec<u8>` in tests). The class-wide ones (summary table,
//! review queue, HTML report) also implement [`ClassWriter`], which reads a [`ClassReport`]
//! gathered one student at a time; the per-student ones (gradebook and Canvas rows, the
//! `grades.json` parts, feedback) have row functions a streamed run calls student by student.
//!
//! [`OutputFolder`] writes a run's files into an output folder as the students are graded, and
//! puts them in place only when all are complete; [`write_outputs`] does the same for a whole
//! report.

use std::collections::HashSet;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::course::class::ClassReport;
use crate::grading::grades::GradeReport;
use crate::ids::StudentId;

mod agreement_table;
mod canvas;
mod changes;
mod check_printout;
mod csv;
mod explain_printout;
mod feedback;
mod folder;
mod github;
mod gradescope;
mod groups_csv;
mod html;
mod json;
mod junit;
mod printable;
mod review_csv;
mod suggest_printout;
mod summary;

#[cfg(test)]
mod fixture;
#[cfg(test)]
pub(crate) use fixture::report as fixture_report;

pub use self::agreement_table::write_agreement;
pub use self::canvas::CanvasCsv;
pub use self::changes::{write_changes_csv, write_changes_text};
pub use self::check_printout::write_check;
pub use self::csv::{spreadsheet_safe, GradesCsv};
pub use self::explain_printout::write_explanation;
pub use self::feedback::FeedbackMarkdown;
pub use self::folder::{feedback_file_names, render_student, OutputFolder, RenderedStudent, WrittenFiles};
pub use self::github::{annotations, step_summary};
pub use self::gradescope::GradescopeJson;
pub use self::groups_csv::GroupsCsv;
pub use self::html::HtmlReport;
pub use self::json::GradesJson;
pub use self::junit::JunitXml;
pub use self::printable::{printable, printable_lines};
pub use self::review_csv::ReviewCsv;
pub use self::suggest_printout::write_suggestions;
pub use self::summary::SummaryTable;

/// File name of the gradebook inside the output folder.
pub const GRADES_CSV: &str = "grades.csv";
/// File name of the Canvas gradebook import inside the output folder (`--format canvas`).
pub const CANVAS_CSV: &str = "canvas.csv";
/// File name of the review queue inside the output folder.
pub const REVIEW_CSV: &str = "review.csv";
pub const GROUPS_CSV: &str = "groups.csv";
/// File name of the JSON report inside the output folder.
pub const GRADES_JSON: &str = "grades.json";
/// File name of the HTML report inside the output folder.
pub const REPORT_HTML: &str = "report.html";
/// Folder, inside the output folder, that holds one Markdown feedback file per student.
pub const FEEDBACK_DIR: &str = "feedback";

/// One output format of a [`GradeReport`].
pub trait ReportWriter {
    /// Write the whole report to `out`. Writers do not flush `out`; the caller owns it.
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError>;

    /// The report rendered into a `String` (every writer produces UTF-8 text).
    fn render(&self, report: &GradeReport) -> Result<String, ReportError> {
        let mut buf = Vec::new();
        self.write(report, &mut buf)?;
        String::from_utf8(buf).map_err(|e| ReportError::Io(io::Error::new(io::ErrorKind::InvalidData, e)))
    }
}

/// A class-wide report (summary table, review queue, HTML report), written from a
/// [`ClassReport`]: the class gathered one student at a time, so that these reports do not need
/// every student's answers in memory.
pub trait ClassWriter {
    fn write_class(&self, class: &ClassReport, out: &mut dyn Write) -> Result<(), ReportError>;
}

/// Why a report could not be written.
///
/// Messages do not repeat their cause; it is available through `Error::source` (anyhow's
/// `{:#}` / `{:?}` print the whole chain).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("could not write the report")]
    Io(#[from] io::Error),
    #[error("could not write the CSV report")]
    Csv(#[from] ::csv::Error),
    #[error("could not write the JSON report")]
    Json(#[from] serde_json::Error),
    /// A failure while writing one output file, with the file's path.
    #[error("could not write {}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: Box<ReportError>,
    },
    /// A failure creating an output folder.
    #[error("could not create the folder {}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Write `grades.csv`, `grades.json`, `review.csv`, `groups.csv`, `report.html` and `feedback/<student>.md` (one
/// per student) into `out_dir`, creating the folders as needed: a whole report through the same
/// [`OutputFolder`] a run streams into.
///
/// Every file is written to a temporary file first and renamed into place only when all are
/// complete, so an interrupted or failed run never leaves a partially written file behind.
/// Feedback files of students that are no longer in the report are left alone.
///
/// Student ids become file names; characters that are not safe in a file name are replaced by
/// `_`, and two ids that would name the same file (also ignoring case, for case-insensitive file
/// systems) are told apart by a `~2`, `~3`, ... suffix.
pub fn write_outputs(report: &GradeReport, out_dir: &Path) -> Result<WrittenFiles, ReportError> {
    let mut folder = OutputFolder::create(out_dir, &report.assignment, false)?;
    let names = feedback_file_names(report.students.iter().map(|s| &s.student));
    for (i, (student, name)) in report.students.iter().zip(&names).enumerate() {
        let rendered = render_student(&report.assignment, student, i == 0)?;
        folder.add(student, &rendered, name)?;
    }
    Ok(folder.finish()?.0)
}

/// Write `path` atomically: into a temporary file in the same folder, synced, then renamed over
/// `path`. On any error the temporary file is removed (by `NamedTempFile`'s drop).
pub fn write_atomic(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    stage(path, render)?.commit()
}

/// Remove temporary files an interrupted run left in `out_dir` and its feedback folder. Call it
/// only while holding the output folder's lock (no other run is writing there).
pub fn remove_stale_temp_files(out_dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for dir in [out_dir.to_path_buf(), out_dir.join(FEEDBACK_DIR)] {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".rubricate-") && name.ends_with(".tmp") {
                // Staged feedback files are in a folder of that name.
                if entry.file_type()?.is_dir() {
                    fs::remove_dir_all(entry.path())?;
                } else {
                    fs::remove_file(entry.path())?;
                }
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// A report rendered into a temporary file beside its target, not yet in place.
pub struct Staged {
    temp: tempfile::TempPath,
    target: PathBuf,
}

impl Staged {
    /// Rename the temporary file over the target.
    pub fn commit(self) -> Result<(), ReportError> {
        let target = self.target;
        self.temp.persist(&target).map_err(|e| ReportError::File {
            path: target.clone(),
            source: Box::new(ReportError::Io(e.error)),
        })
    }

    /// Put the temporary file in place only if the target does not exist (checked by the
    /// rename itself, so a file created meanwhile is kept too).
    pub fn commit_new(self) -> Result<(), ReportError> {
        let target = self.target;
        self.temp
            .persist_noclobber(&target)
            .map_err(|e| ReportError::File {
                path: target.clone(),
                source: Box::new(ReportError::Io(e.error)),
            })
    }
}

/// Render `path`'s content into a synced temporary file in the same folder. Dropping the
/// result removes the temporary file; [`Staged::commit`] puts it in place.
pub fn stage(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> Result<(), ReportError>,
) -> Result<Staged, ReportError> {
    let mut open = open_staged(path)?;
    render(&mut open).map_err(|e| open.error(e))?;
    open.finish()
}

/// A temporary file beside its target, being written.
pub struct OpenStaged {
    out: BufWriter<tempfile::NamedTempFile>,
    target: PathBuf,
}

impl Write for OpenStaged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl OpenStaged {
    /// `source`, as a failure to write this file.
    pub fn error(&self, source: ReportError) -> ReportError {
        match source {
            already @ ReportError::File { .. } => already,
            source => ReportError::File {
                path: self.target.clone(),
                source: Box::new(source),
            },
        }
    }

    /// Flush and sync the file; it is then ready to be put in place.
    pub fn finish(self) -> Result<Staged, ReportError> {
        let target = self.target;
        let in_file = |e: io::Error| ReportError::File {
            path: target.clone(),
            source: Box::new(ReportError::Io(e)),
        };
        let tmp = self.out.into_inner().map_err(|e| in_file(e.into_error()))?;
        tmp.as_file().sync_all().map_err(in_file)?;
        // Closed now (many open files would run out of descriptors); the path stays.
        Ok(Staged {
            temp: tmp.into_temp_path(),
            target,
        })
    }
}

/// Open a temporary file in `path`'s folder to write `path`'s content into.
pub fn open_staged(path: &Path) -> Result<OpenStaged, ReportError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".rubricate-").suffix(".tmp");
    // NamedTempFile defaults to 0o600; outputs are ordinary files (0o666 minus the umask), like
    // `File::create` would make them.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(|e| ReportError::File {
        path: path.to_path_buf(),
        source: Box::new(ReportError::Io(e)),
    })?;
    Ok(OpenStaged {
        out: BufWriter::new(tmp),
        target: path.to_path_buf(),
    })
}

/// The longest feedback file stem, in bytes: with a `~N` suffix and `.md` a name stays under
/// 100 bytes, far below the 255 that file systems allow for one name.
const MAX_STEM_BYTES: usize = 80;

/// A student id made safe as a file name: path separators, characters Windows forbids and
/// control characters become `_`, as does a leading `.` (no hidden files, no `..`). A long id
/// is cut short and told apart from others of the same start by a hash of the whole id.
fn feedback_file_stem(id: &StudentId) -> String {
    let mut stem: String = id
        .as_str()
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    if stem.starts_with('.') {
        stem.replace_range(..1, "_");
    }
    if stem.trim().is_empty() {
        stem = format!("_{stem}");
    }
    if stem.len() > MAX_STEM_BYTES {
        let mut keep = MAX_STEM_BYTES - 17;
        while !stem.is_char_boundary(keep) {
            keep -= 1;
        }
        let hash = crate::matching::fnv::hash(id.as_str());
        stem = format!("{}-{hash:016x}", &stem[..keep]);
    }
    // Names Windows reserves for devices, whatever the extension (`con.md` is the console).
    let base = stem.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(base.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (base.len() == 4
            && (base.starts_with("COM") || base.starts_with("LPT"))
            && base.as_bytes()[3].is_ascii_digit());
    if reserved {
        stem = format!("_{stem}");
    }
    stem
}

/// `stem`, or `stem~2`, `stem~3`, ... if a previous student already took that name, skipping
/// the `reserved` names (every student's own); compared case-insensitively, so the files stay
/// distinct on case-insensitive file systems.
fn unique_name(stem: String, taken: &mut HashSet<String>, reserved: &HashSet<String>) -> String {
    if taken.insert(stem.to_lowercase()) {
        return stem;
    }
    (2..)
        .map(|n| format!("{stem}~{n}"))
        .find(|name| {
            let lower = name.to_lowercase();
            !reserved.contains(&lower) && taken.insert(lower)
        })
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_outputs_writes_every_file_atomically_and_cleans_up() {
        let report = fixture::report();
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("out");

        let written = write_outputs(&report, &out_dir).unwrap();

        assert_eq!(written.csv, out_dir.join("grades.csv"));
        assert_eq!(written.json, out_dir.join("grades.json"));
        assert_eq!(written.feedback, report.students.len());
        assert_eq!(written.review, out_dir.join("review.csv"));
        assert_eq!(written.groups, out_dir.join("groups.csv"));
        assert_eq!(written.html, out_dir.join("report.html"));
        assert_eq!(written.len(), 5 + report.students.len());
        for path in [
            &written.csv,
            &written.json,
            &written.review,
            &written.groups,
            &written.html,
        ] {
            assert!(path.is_file(), "{} was not written", path.display());
        }
        let names = feedback_file_names(report.students.iter().map(|s| &s.student));
        assert_eq!(
            names,
            ["aokonkwo.md", "brennan, _finn_.md", "gtanaka.md"],
            "one feedback file per student, named after the (sanitized) id"
        );

        // Nothing but the outputs: no temporary files left in either folder.
        let mut top: Vec<String> = fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        top.sort();
        assert_eq!(
            top,
            [
                "feedback",
                "grades.csv",
                "grades.json",
                "groups.csv",
                "report.html",
                "review.csv"
            ]
        );
        let mut feedback: Vec<String> = fs::read_dir(out_dir.join("feedback"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        feedback.sort();
        assert_eq!(feedback, names);

        // The files hold exactly what the writers render.
        assert_eq!(
            fs::read_to_string(&written.json).unwrap(),
            GradesJson.render(&report).unwrap()
        );
        let mut one = Vec::new();
        FeedbackMarkdown
            .write_student(&report.assignment, &report.students[1], &mut one)
            .unwrap();
        assert_eq!(fs::read(written.feedback_dir.join(&names[1])).unwrap(), one);

        // The CSV parses back with the right header and one row per student.
        let mut rdr = ::csv::Reader::from_path(&written.csv).unwrap();
        let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            ["student", "1a", "1b", "1c-i", "1c-ii", "2a", "2b", "total"]
        );
        let rows: Vec<::csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[1][0], "brennan, \"finn\"");
        assert_eq!(&rows[1][7], "1.5");
        assert_eq!(
            rows[2].iter().collect::<Vec<_>>(),
            ["gtanaka", "0", "0", "0", "0", "0", "0", "0"]
        );

        // A second run over the same folder replaces the files and still leaves no temp files.
        write_outputs(&report, &out_dir).unwrap();
        assert_eq!(fs::read_dir(&out_dir).unwrap().count(), 6);
        assert_eq!(fs::read_dir(out_dir.join("feedback")).unwrap().count(), 3);
    }

    #[test]
    fn every_writer_is_usable_as_a_trait_object() {
        let report = fixture::report();
        let writers: [&dyn ReportWriter; 5] = [
            &GradesCsv,
            &GradesJson,
            &FeedbackMarkdown,
            &SummaryTable,
            &HtmlReport,
        ];
        for writer in writers {
            let mut out: Vec<u8> = Vec::new();
            writer.write(&report, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{text}");
            assert_eq!(text, writer.render(&report).unwrap());
        }
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_not_private_temp_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let written = write_outputs(&fixture::report(), dir.path()).unwrap();
        let mode = fs::metadata(&written.csv).unwrap().permissions().mode();
        // 0o666 minus the umask: at least owner read/write, never executable.
        assert_eq!(mode & 0o600, 0o600);
        assert_eq!(mode & 0o111, 0);
    }

    #[test]
    fn failed_write_leaves_no_temp_file_and_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("grades.csv");
        let err = write_atomic(&target, |out| {
            out.write_all(b"partial")?;
            Err(io::Error::other("disk full").into())
        })
        .unwrap_err();
        assert!(matches!(&err, ReportError::File { path, .. } if *path == target));
        assert_eq!(err.to_string(), format!("could not write {}", target.display()));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn failed_write_keeps_the_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("grades.json");
        fs::write(&target, "old\n").unwrap();
        write_atomic(&target, |_| Err(io::Error::other("boom").into())).unwrap_err();
        assert_eq!(fs::read_to_string(&target).unwrap(), "old\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn stale_temp_files_and_staging_folders_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join(FEEDBACK_DIR)).unwrap();
        fs::create_dir(out.join(".rubricate-abc.tmp")).unwrap();
        fs::write(out.join(".rubricate-abc.tmp/jdoe.md"), "half").unwrap();
        fs::write(out.join(".rubricate-def.tmp"), "half").unwrap();
        fs::write(out.join(FEEDBACK_DIR).join(".rubricate-ghi.tmp"), "half").unwrap();
        fs::write(out.join("grades.csv"), "kept").unwrap();
        assert_eq!(remove_stale_temp_files(out).unwrap(), 3);
        let left: Vec<_> = fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        assert_eq!(fs::read_dir(out.join(FEEDBACK_DIR)).unwrap().count(), 0);
    }

    #[test]
    fn student_ids_become_safe_distinct_file_names() {
        let stem = |s: &str| feedback_file_stem(&StudentId(s.to_string()));
        assert_eq!(stem("aokonkwo"), "aokonkwo");
        assert_eq!(stem("../etc/passwd"), "_._etc_passwd");
        assert_eq!(stem(".hidden"), "_hidden");
        assert_eq!(stem(".."), "_.");
        assert_eq!(stem(""), "_");
        assert_eq!(stem("a\tb"), "a_b");
        assert_eq!(stem("josé"), "josé");
        assert_eq!(stem("CON"), "_CON");
        assert_eq!(stem("nul.late"), "_nul.late");
        assert_eq!(stem("com3"), "_com3");
        assert_eq!(stem("console"), "console");

        let mut taken = HashSet::new();
        let reserved = HashSet::from(["a_b".to_string(), "a_b~3".to_string()]);
        assert_eq!(unique_name("a_b".into(), &mut taken, &reserved), "a_b");
        assert_eq!(unique_name("A_b".into(), &mut taken, &reserved), "A_b~2");
        assert_eq!(unique_name("a_b".into(), &mut taken, &reserved), "a_b~4");
    }

    #[test]
    fn long_ids_get_short_distinct_stable_file_names() {
        let stem = |s: &str| feedback_file_stem(&StudentId(s.to_string()));
        let long = "x".repeat(255);
        let longer = format!("{long}y");
        assert!(stem(&long).len() <= MAX_STEM_BYTES);
        assert_ne!(stem(&long), stem(&longer));
        assert_eq!(stem(&long), stem(&long.clone()));
        assert!(stem(&long).starts_with(&"x".repeat(60)));
        // Cut on a character, never inside one.
        let accented = "é".repeat(200);
        assert!(stem(&accented).len() <= MAX_STEM_BYTES);
        assert!(stem(&accented).starts_with("éé"));
        assert_eq!(stem(&"y".repeat(MAX_STEM_BYTES)), "y".repeat(MAX_STEM_BYTES));
    }

    #[test]
    fn a_suffix_never_takes_another_students_own_name() {
        let ids = ["Alice", "alice", "alice~2", "bob", "bob~2"].map(|s| StudentId(s.to_string()));
        assert_eq!(
            feedback_file_names(&ids),
            ["Alice.md", "alice~3.md", "alice~2.md", "bob.md", "bob~2.md"]
        );
    }
}
