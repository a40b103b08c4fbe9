//! The course roster: who should have submitted, their names, emails and LMS ids.
//!
//! A roster is a CSV file with a header row. [`Roster::read_csv`] finds its columns by name;
//! [`Roster::resolve`] maps a submission's id (its file or folder name) to a roster student,
//! tolerating the names Canvas and Gradescope give downloaded files (`jdoe_late`,
//! `doejohn_12345_67890_answers`); [`Roster::apply`] annotates a [`GradeReport`] with the roster
//! and adds a `missing` row for every listed student who submitted nothing.
//!
//! The format and the matching rules are documented in `docs/roster-and-canvas.md`.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::grading::grades::{GradeReport, RosterEntry, StudentGrade, SubmissionStatus};
use crate::ids::{Points, StudentId};

/// Header names accepted for the student id column (compared case-insensitively; earlier
/// aliases win when several columns match).
pub const ID_ALIASES: &[&str] = &["id", "student", "student id", "sis login id", "login", "username"];
/// Header names accepted for the name column.
pub const NAME_ALIASES: &[&str] = &["name", "student name", "full name"];
/// Header names accepted for the email column.
pub const EMAIL_ALIASES: &[&str] = &["email", "e-mail"];
/// Header names accepted for the optional LMS (Canvas) user id column.
pub const LMS_ID_ALIASES: &[&str] = &["lms id", "canvas id", "canvas user id", "user id"];

/// One student as the roster lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterStudent {
    /// The id submissions are matched against (`jdoe`), as the roster spells it.
    pub id: String,
    pub name: String,
    pub email: String,
    /// The learning-management system's user id (Canvas's numeric `ID`), if the roster has one.
    pub lms_id: Option<String>,
    /// 1-based line of the student's row in the roster file.
    pub line: u64,
}

impl RosterStudent {
    /// The roster fields a [`StudentGrade`] carries.
    pub fn entry(&self) -> RosterEntry {
        RosterEntry {
            name: self.name.clone(),
            email: self.email.clone(),
            lms_id: self.lms_id.clone(),
        }
    }
}

/// The course roster, students in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    students: Vec<RosterStudent>,
    /// Each student's id, lowercased, for exact matches (same order as `students`).
    lower: Vec<String>,
    /// Each student's id, lowercased with `-` read as `_`, for prefix matches.
    folded: Vec<String>,
    /// Lowercased id → index into `students`.
    by_lower: HashMap<String, usize>,
}

/// Why a roster could not be read. Every variant names the file; row errors name the line.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("could not read the roster {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the roster {}{} is not valid CSV", path.display(), line.map_or(String::new(), |l| format!(", line {l},")))]
    Csv {
        path: PathBuf,
        line: Option<u64>,
        #[source]
        source: csv::Error,
    },
    #[error(
        "the roster {} has no {column} column (its header must name one of: {})",
        path.display(),
        aliases.join(", ")
    )]
    MissingColumn {
        path: PathBuf,
        /// `id`, `name` or `email`.
        column: &'static str,
        aliases: &'static [&'static str],
    },
    #[error("the roster {}, line {line}, has no student id", path.display())]
    EmptyId { path: PathBuf, line: u64 },
    #[error(
        "the roster {}, line {line}, lists the id `{id}` again (first on line {first_line}; ids are compared ignoring case)",
        path.display()
    )]
    DuplicateId {
        path: PathBuf,
        line: u64,
        first_line: u64,
        id: String,
    },
}

/// Where each field sits in a roster row.
struct Columns {
    id: usize,
    name: usize,
    email: usize,
    lms_id: Option<usize>,
}

impl Roster {
    /// Read a roster CSV file (UTF-8, with a header row; see the module docs for the columns).
    pub fn read_csv(path: impl AsRef<Path>) -> Result<Roster, RosterError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| RosterError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Roster::from_reader(file, path)
    }

    /// Read a roster from any reader; `path` is only used in error messages.
    pub fn from_reader(mut reader: impl Read, path: &Path) -> Result<Roster, RosterError> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|source| RosterError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        // The csv crate counts a skipped blank line into the next record's position, so lines
        // are computed from the byte offsets instead.
        let line_of = |pos: &csv::Position| line_at(&bytes, pos.byte());
        let csv_error = |source: csv::Error| RosterError::Csv {
            path: path.to_path_buf(),
            line: source.position().map(line_of),
            source,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(bytes.as_slice());

        let header = rdr.headers().map_err(csv_error)?.clone();
        let names: Vec<String> = header.iter().map(normalize_header).collect();
        let find = |column: &'static str, aliases: &'static [&'static str]| {
            aliases
                .iter()
                .find_map(|alias| names.iter().position(|n| n == alias))
                .ok_or_else(|| RosterError::MissingColumn {
                    path: path.to_path_buf(),
                    column,
                    aliases,
                })
        };
        let columns = Columns {
            id: find("id", ID_ALIASES)?,
            name: find("name", NAME_ALIASES)?,
            email: find("email", EMAIL_ALIASES)?,
            lms_id: find("lms id", LMS_ID_ALIASES).ok(),
        };

        let mut students: Vec<RosterStudent> = Vec::new();
        let mut by_lower: HashMap<String, usize> = HashMap::new();
        for record in rdr.records() {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, line_of);
            // The csv crate skips empty lines; also skip rows of empty cells (`,,,`).
            if record.iter().all(str::is_empty) {
                continue;
            }
            let cell = |i: usize| record.get(i).unwrap_or("").to_string();
            let id = cell(columns.id);
            if id.is_empty() {
                return Err(RosterError::EmptyId {
                    path: path.to_path_buf(),
                    line,
                });
            }
            let key = id.to_lowercase();
            if let Some(&first) = by_lower.get(&key) {
                return Err(RosterError::DuplicateId {
                    path: path.to_path_buf(),
                    line,
                    first_line: students[first].line,
                    id,
                });
            }
            by_lower.insert(key, students.len());
            students.push(RosterStudent {
                id,
                name: cell(columns.name),
                email: cell(columns.email),
                lms_id: columns.lms_id.map(cell).filter(|s| !s.is_empty()),
                line,
            });
        }
        Ok(Roster::from_parts(students, by_lower))
    }

    /// A roster from students built in code (ids must be distinct ignoring case; the first of
    /// two equal ids wins).
    pub fn from_students(students: Vec<RosterStudent>) -> Roster {
        let mut by_lower = HashMap::new();
        let mut kept = Vec::with_capacity(students.len());
        for student in students {
            let key = student.id.to_lowercase();
            if let Entry::Vacant(slot) = by_lower.entry(key) {
                slot.insert(kept.len());
                kept.push(student);
            }
        }
        Roster::from_parts(kept, by_lower)
    }

    fn from_parts(students: Vec<RosterStudent>, by_lower: HashMap<String, usize>) -> Roster {
        let lower = students.iter().map(|s| s.id.to_lowercase()).collect();
        let folded = students.iter().map(|s| fold(&s.id)).collect();
        Roster {
            students,
            lower,
            folded,
            by_lower,
        }
    }

    /// The students, in the roster file's order.
    pub fn students(&self) -> &[RosterStudent] {
        &self.students
    }

    pub fn len(&self) -> usize {
        self.students.len()
    }

    pub fn is_empty(&self) -> bool {
        self.students.is_empty()
    }

    /// The roster student a submission id belongs to, if any.
    ///
    /// 1. An id equal to a roster id, ignoring case: `JDoe` → `jdoe`.
    /// 2. Otherwise the longest roster id that is a whole-segment prefix of the submission id,
    ///    segments being separated by `_` or `-` (which are interchangeable here, and case is
    ///    ignored): `jdoe_late` → `jdoe`, `JDoe-late` → `jdoe`, `jdoe_12345_answers` → `jdoe`,
    ///    `jdoe_LATE_12345_67890_answers` → `jdoe`, and Canvas's
    ///    `doejohn_12345_67890_file` → `doejohn`. A roster id found only in the middle
    ///    (`x_jdoe`) or not ending at a separator (`jdoex`) never matches.
    /// 3. Two equally long roster ids that both match (`j-doe` and `j_doe` for `j_doe_late`):
    ///    no match.
    pub fn resolve(&self, submission_id: &str) -> Option<&RosterStudent> {
        self.resolve_index(submission_id).map(|i| &self.students[i])
    }

    fn resolve_index(&self, submission_id: &str) -> Option<usize> {
        if let Some(&i) = self.by_lower.get(&submission_id.to_lowercase()) {
            return Some(i);
        }
        let folded = fold(submission_id);
        let mut best: Option<(usize, usize)> = None; // (length, index)
        let mut tied = false;
        for (i, id) in self.folded.iter().enumerate() {
            let is_prefix = folded
                .strip_prefix(id.as_str())
                .is_some_and(|rest| rest.starts_with('_'));
            if !is_prefix {
                continue;
            }
            match best {
                Some((len, _)) if id.len() < len => {}
                Some((len, _)) if id.len() == len => tied = true,
                _ => {
                    best = Some((id.len(), i));
                    tied = false;
                }
            }
        }
        if tied {
            None
        } else {
            best.map(|(_, i)| i)
        }
    }

    /// Annotate a report with the roster.
    ///
    /// - Each graded (or unreadable) submission is [resolved](Roster::resolve). A resolved one
    ///   gets the roster's entry, and if its id differs from the roster id it is renamed to the
    ///   roster id, its own name kept in `submitted_as`.
    /// - When several submissions resolve to the same roster student, one is kept: the one
    ///   whose id equals the roster id byte for byte, else one equal to it ignoring case, else
    ///   the lexicographically last id (the `_late` upload usually sorts last). The others keep
    ///   their own ids, are marked `not_on_roster` and get a warning naming the kept one; the
    ///   kept one gets a warning naming them.
    /// - A submission that resolves to no one is marked `not_on_roster`.
    /// - Every roster student without a submission is added with status `missing`, a total of 0
    ///   out of the assignment's maximum and no questions.
    ///
    /// Students end sorted by id. Applying the same roster again changes nothing.
    pub fn apply(&self, report: &mut GradeReport) {
        self.match_students(&mut report.students, report.assignment.max_total);
        report.students.sort_by(|a, b| {
            a.student
                .cmp(&b.student)
                .then_with(|| a.submitted_as.cmp(&b.submitted_as))
        });
    }

    /// [`Roster::apply`] without the final sort: the submissions keep their places, and the
    /// roster's students without a submission are appended.
    pub fn match_students(&self, students: &mut Vec<StudentGrade>, max_total: Points) {
        // Rows this method added on an earlier call are rebuilt below.
        students.retain(|s| s.status != SubmissionStatus::Missing);

        // The submission's own id, whether or not an earlier call renamed it.
        let original: Vec<String> = students
            .iter()
            .map(|s| {
                s.submitted_as
                    .clone()
                    .unwrap_or_else(|| s.student.as_str().to_string())
            })
            .collect();

        let mut claims: Vec<Vec<usize>> = vec![Vec::new(); self.students.len()];
        for (i, id) in original.iter().enumerate() {
            if let Some(r) = self.resolve_index(id) {
                claims[r].push(i);
            }
        }

        // Every submission starts unmatched; winners are filled in below.
        for (student, id) in students.iter_mut().zip(&original) {
            student.student = StudentId(id.clone());
            student.submitted_as = None;
            student.roster = None;
            student.not_on_roster = true;
        }

        for (r, claimants) in claims.iter().enumerate() {
            let Some(&winner) = claimants.iter().max_by(|&&a, &&b| {
                self.keep_rank(r, &original[a])
                    .cmp(&self.keep_rank(r, &original[b]))
                    .then_with(|| original[a].cmp(&original[b]))
            }) else {
                continue;
            };
            let roster_student = &self.students[r];
            let mut losers: Vec<&str> = claimants
                .iter()
                .filter(|&&i| i != winner)
                .map(|&i| original[i].as_str())
                .collect();
            losers.sort_unstable();
            for &i in claimants.iter().filter(|&&i| i != winner) {
                push_once(
                    &mut students[i].warnings,
                    format!(
                        "This submission and `{}` both belong to roster student `{}`; `{}` was kept, \
                         so this one is not matched to the roster.",
                        original[winner], roster_student.id, original[winner]
                    ),
                );
            }

            let student = &mut students[winner];
            student.roster = Some(roster_student.entry());
            student.not_on_roster = false;
            if original[winner] != roster_student.id {
                student.submitted_as = Some(original[winner].clone());
                student.student = StudentId(roster_student.id.clone());
            }
            if !losers.is_empty() {
                push_once(
                    &mut student.warnings,
                    format!(
                        "Other submissions also belong to roster student `{}` and were not used: {}.",
                        roster_student.id,
                        losers
                            .iter()
                            .map(|l| format!("`{l}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }

        for (r, claimants) in claims.iter().enumerate() {
            if claimants.is_empty() {
                students.push(missing(&self.students[r], max_total));
            }
        }
    }

    /// How strongly a submission id claims roster student `r`: byte-equal beats equal ignoring
    /// case beats a prefix match.
    fn keep_rank(&self, r: usize, original: &str) -> u8 {
        if original == self.students[r].id {
            2
        } else if original.to_lowercase() == self.lower[r] {
            1
        } else {
            0
        }
    }
}

/// A roster student with no submission.
fn missing(student: &RosterStudent, max_total: Points) -> StudentGrade {
    StudentGrade {
        roster: Some(student.entry()),
        ..StudentGrade::without_answers(
            StudentId(student.id.clone()),
            SubmissionStatus::Missing,
            max_total,
        )
    }
}

fn push_once(warnings: &mut Vec<String>, warning: String) {
    if !warnings.contains(&warning) {
        warnings.push(warning);
    }
}

/// A header cell as compared with the aliases: trimmed, lowercased, `_` read as a space, runs of
/// whitespace collapsed, a UTF-8 byte-order mark dropped (`SIS_Login_ID` → `sis login id`).
fn normalize_header(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The 1-based line of the first non-blank line at or after `byte`.
fn line_at(bytes: &[u8], byte: u64) -> u64 {
    let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64
}

/// An id as compared for prefix matches: lowercased, `-` read as `_`.
fn fold(id: &str) -> String {
    id.to_lowercase().replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::grades::AssignmentInfo;

    fn roster_of(ids: &[&str]) -> Roster {
        Roster::from_students(
            ids.iter()
                .enumerate()
                .map(|(i, id)| RosterStudent {
                    id: id.to_string(),
                    name: format!("Name of {id}"),
                    email: format!("{id}@example.edu"),
                    lms_id: Some(format!("{}", 1000 + i)),
                    line: i as u64 + 2,
                })
                .collect(),
        )
    }

    fn resolved<'a>(roster: &'a Roster, id: &str) -> Option<&'a str> {
        roster.resolve(id).map(|s| s.id.as_str())
    }

    fn parse(text: &str) -> Result<Roster, RosterError> {
        Roster::from_reader(text.as_bytes(), Path::new("roster.csv"))
    }

    #[test]
    fn exact_match_ignores_case() {
        let roster = roster_of(&["jdoe", "ASmith"]);
        assert_eq!(resolved(&roster, "jdoe"), Some("jdoe"));
        assert_eq!(resolved(&roster, "JDOE"), Some("jdoe"));
        assert_eq!(resolved(&roster, "asmith"), Some("ASmith"));
    }

    #[test]
    fn download_suffixes_resolve_to_the_prefix() {
        let roster = roster_of(&["jdoe", "doejohn"]);
        for id in [
            "jdoe_late",
            "jdoe_12345_answers",
            "JDoe-late",
            "jdoe_LATE_12345_67890_answers",
            "jdoe-",
        ] {
            assert_eq!(resolved(&roster, id), Some("jdoe"), "{id}");
        }
        // Canvas's bulk download: lastnamefirstname_[late_]userid_submissionid_filename.
        assert_eq!(resolved(&roster, "doejohn_12345_67890_answers"), Some("doejohn"));
        assert_eq!(
            resolved(&roster, "doejohn_late_12345_67890_answers"),
            Some("doejohn")
        );
    }

    #[test]
    fn longest_roster_id_wins() {
        let roster = roster_of(&["ann", "anna", "jdoe", "jdoe_2"]);
        assert_eq!(resolved(&roster, "anna_late"), Some("anna"));
        assert_eq!(resolved(&roster, "ann_late"), Some("ann"));
        assert_eq!(resolved(&roster, "jdoe_2_late"), Some("jdoe_2"));
        assert_eq!(resolved(&roster, "jdoe_3_late"), Some("jdoe"));
    }

    #[test]
    fn roster_ids_never_match_in_the_middle_or_across_a_word() {
        let roster = roster_of(&["jdoe", "ann"]);
        assert_eq!(resolved(&roster, "x_jdoe"), None);
        assert_eq!(resolved(&roster, "late_jdoe_1"), None);
        assert_eq!(resolved(&roster, "jdoex"), None);
        assert_eq!(resolved(&roster, "jdoex_late"), None);
        assert_eq!(resolved(&roster, "annabel_late"), None);
        assert_eq!(resolved(&roster, "jdo"), None);
        assert_eq!(resolved(&roster, ""), None);
    }

    #[test]
    fn equally_long_matches_are_ambiguous() {
        // `-` and `_` are interchangeable in prefix matches, so both ids fit `j_doe_late`.
        let roster = roster_of(&["j-doe", "j_doe"]);
        assert_eq!(resolved(&roster, "j_doe_late"), None);
        assert_eq!(resolved(&roster, "J-DOE-late"), None);
        // An exact match is still unambiguous.
        assert_eq!(resolved(&roster, "j_doe"), Some("j_doe"));
        assert_eq!(resolved(&roster, "J-Doe"), Some("j-doe"));
    }

    #[test]
    fn header_aliases_are_found_ignoring_case() {
        let roster = parse(
            "\u{feff}Full Name,E-Mail,SIS_Login_ID,Canvas User ID,Section\n\
             Jane Doe,jane@example.edu,jdoe,4242,A\n\
             \n\
             ,,,,\n\
             \"Smith, Ann\",ann@example.edu,asmith,,B\n",
        )
        .unwrap();
        assert_eq!(
            roster.students(),
            [
                RosterStudent {
                    id: "jdoe".into(),
                    name: "Jane Doe".into(),
                    email: "jane@example.edu".into(),
                    lms_id: Some("4242".into()),
                    line: 2,
                },
                RosterStudent {
                    id: "asmith".into(),
                    name: "Smith, Ann".into(),
                    email: "ann@example.edu".into(),
                    lms_id: None,
                    line: 5,
                },
            ]
        );

        for header in [
            "id,name,email",
            "Student,Student Name,Email",
            "STUDENT ID,NAME,EMAIL",
            "login,full name,e-mail",
            "Username,Name,Email",
        ] {
            let roster = parse(&format!("{header}\njdoe,Jane Doe,jane@example.edu\n")).unwrap();
            assert_eq!(roster.students()[0].id, "jdoe", "{header}");
            assert_eq!(roster.students()[0].name, "Jane Doe", "{header}");
            assert_eq!(roster.students()[0].lms_id, None, "{header}");
        }
        for header in ["lms id", "Canvas ID", "user_id"] {
            let roster = parse(&format!("id,name,email,{header}\njdoe,Jane Doe,j@x.edu,77\n")).unwrap();
            assert_eq!(roster.students()[0].lms_id.as_deref(), Some("77"), "{header}");
        }
    }

    #[test]
    fn earlier_aliases_win_when_several_columns_match() {
        let roster = parse("username,id,name,email\njdoe,12345,Jane Doe,j@x.edu\n").unwrap();
        assert_eq!(roster.students()[0].id, "12345");
    }

    #[test]
    fn a_missing_required_column_is_an_error_naming_file_and_column() {
        let err = parse("id,name\njdoe,Jane Doe\n").unwrap_err();
        assert!(
            matches!(err, RosterError::MissingColumn { column: "email", .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "the roster roster.csv has no email column (its header must name one of: email, e-mail)"
        );
        let err = parse("login name,name,email\n").unwrap_err();
        assert!(
            matches!(err, RosterError::MissingColumn { column: "id", .. }),
            "{err:?}"
        );
        let err = parse("").unwrap_err();
        assert!(
            matches!(err, RosterError::MissingColumn { column: "id", .. }),
            "{err:?}"
        );
    }

    #[test]
    fn a_duplicate_id_is_an_error_naming_the_line() {
        let err =
            parse("id,name,email\njdoe,Jane,j@x\nasmith,Ann,a@x\n\nJDoe,Jane again,j2@x\n").unwrap_err();
        assert!(
            matches!(&err, RosterError::DuplicateId { line: 5, first_line: 2, id, .. } if id == "JDoe"),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "the roster roster.csv, line 5, lists the id `JDoe` again (first on line 2; ids are \
             compared ignoring case)"
        );
    }

    #[test]
    fn row_errors_name_the_line() {
        let err = parse("id,name,email\njdoe,Jane,j@x\n,Nobody,n@x\n").unwrap_err();
        assert!(matches!(err, RosterError::EmptyId { line: 3, .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "the roster roster.csv, line 3, has no student id"
        );

        let err = parse("id,name,email\njdoe,Jane,j@x\nasmith,Ann\n").unwrap_err();
        assert!(matches!(err, RosterError::Csv { line: Some(3), .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("the roster roster.csv, line 3, is not valid CSV"),
            "{err}"
        );
    }

    #[test]
    fn read_csv_names_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.csv");
        let err = Roster::read_csv(&path).unwrap_err();
        assert!(matches!(&err, RosterError::Io { path: p, .. } if *p == path));

        let path = dir.path().join("roster.csv");
        std::fs::write(&path, "id,name,email\njdoe,Jane,j@x\n").unwrap();
        assert_eq!(Roster::read_csv(&path).unwrap().len(), 1);
    }

    fn graded(id: &str, total: i64) -> StudentGrade {
        StudentGrade {
            student: StudentId(id.to_string()),
            files: vec![format!("{id}.md")],
            status: SubmissionStatus::Graded,
            total: Points::whole(total),
            max_total: Points::whole(10),
            questions: Vec::new(),
            warnings: Vec::new(),
            unknown_labels: Vec::new(),
            hidden_text: Vec::new(),
            roster: None,
            not_on_roster: false,
            submitted_as: None,
        }
    }

    fn report(ids: &[(&str, i64)]) -> GradeReport {
        GradeReport {
            assignment: AssignmentInfo {
                id: "hw1".into(),
                title: "Homework 1".into(),
                rubric_fingerprint: String::new(),
                questions: Vec::new(),
                max_total: Points::whole(10),
            },
            students: ids.iter().map(|&(id, total)| graded(id, total)).collect(),
        }
    }

    /// (id, submitted_as, not_on_roster, status, total) per student, in report order.
    fn summary(report: &GradeReport) -> Vec<(String, Option<String>, bool, SubmissionStatus, i64)> {
        report
            .students
            .iter()
            .map(|s| {
                (
                    s.student.to_string(),
                    s.submitted_as.clone(),
                    s.not_on_roster,
                    s.status.clone(),
                    s.total.hundredths() / 100,
                )
            })
            .collect()
    }

    fn row(
        id: &str,
        submitted_as: Option<&str>,
        not_on_roster: bool,
        status: SubmissionStatus,
        total: i64,
    ) -> (String, Option<String>, bool, SubmissionStatus, i64) {
        (
            id.into(),
            submitted_as.map(Into::into),
            not_on_roster,
            status,
            total,
        )
    }

    #[test]
    fn apply_renames_resolved_submissions_and_adds_missing_students() {
        use SubmissionStatus::{Graded, Missing};
        let roster = roster_of(&["jdoe", "asmith", "bkim"]);
        let mut report = report(&[("JDoe_late", 7), ("asmith", 9), ("stranger", 4)]);
        roster.apply(&mut report);

        assert_eq!(
            summary(&report),
            [
                row("asmith", None, false, Graded, 9),
                row("bkim", None, false, Missing, 0),
                row("jdoe", Some("JDoe_late"), false, Graded, 7),
                row("stranger", None, true, Graded, 4),
            ]
        );
        let jdoe = &report.students[2];
        assert_eq!(jdoe.roster, Some(roster.students()[0].entry()));
        let bkim = &report.students[1];
        assert_eq!(bkim.roster.as_ref().unwrap().email, "bkim@example.edu");
        assert_eq!(bkim.max_total, Points::whole(10));
        assert!(bkim.questions.is_empty() && bkim.files.is_empty());
        assert_eq!(report.students[3].roster, None);
    }

    #[test]
    fn apply_keeps_the_exact_id_among_duplicates() {
        use SubmissionStatus::Graded;
        let roster = roster_of(&["jdoe"]);
        let mut report = report(&[("jdoe", 5), ("jdoe_late", 8)]);
        roster.apply(&mut report);
        assert_eq!(
            summary(&report),
            [
                row("jdoe", None, false, Graded, 5),
                row("jdoe_late", None, true, Graded, 8)
            ]
        );
        assert_eq!(
            report.students[1].warnings,
            [
                "This submission and `jdoe` both belong to roster student `jdoe`; `jdoe` was kept, so \
              this one is not matched to the roster."
            ]
        );
        assert_eq!(
            report.students[0].warnings,
            ["Other submissions also belong to roster student `jdoe` and were not used: `jdoe_late`."]
        );
        assert_eq!(report.students[1].roster, None);
    }

    #[test]
    fn apply_keeps_the_lexicographically_last_when_none_is_exact() {
        use SubmissionStatus::Graded;
        let roster = roster_of(&["jdoe"]);
        let mut report = report(&[
            ("jdoe_1_answers", 5),
            ("jdoe_late_2_answers", 8),
            ("jdoe_2_answers", 6),
        ]);
        roster.apply(&mut report);
        assert_eq!(
            summary(&report),
            [
                row("jdoe", Some("jdoe_late_2_answers"), false, Graded, 8),
                row("jdoe_1_answers", None, true, Graded, 5),
                row("jdoe_2_answers", None, true, Graded, 6),
            ]
        );
        assert_eq!(
            report.students[0].warnings,
            [
                "Other submissions also belong to roster student `jdoe` and were not used: \
              `jdoe_1_answers`, `jdoe_2_answers`."
            ]
        );
    }

    #[test]
    fn apply_prefers_a_case_insensitive_exact_id_over_a_prefix_match() {
        let roster = roster_of(&["jdoe"]);
        let mut report = report(&[("JDoe", 5), ("jdoe_late", 8)]);
        roster.apply(&mut report);
        assert_eq!(report.students[0].student.as_str(), "jdoe");
        assert_eq!(report.students[0].submitted_as.as_deref(), Some("JDoe"));
        assert_eq!(report.students[1].student.as_str(), "jdoe_late");
        assert!(report.students[1].not_on_roster);
    }

    #[test]
    fn apply_marks_unreadable_submissions_too_and_is_idempotent() {
        let roster = roster_of(&["jdoe", "asmith", "ann"]);
        let mut report = report(&[("jdoe_late", 5), ("jdoe", 3), ("zed", 1), ("asmith-x", 0)]);
        report.students[3].status = SubmissionStatus::Unreadable {
            reason: "not text".into(),
        };
        roster.apply(&mut report);
        let once = serde_json::to_value(&report).unwrap();
        assert_eq!(report.students[1].student.as_str(), "asmith");
        assert!(matches!(
            report.students[1].status,
            SubmissionStatus::Unreadable { .. }
        ));
        roster.apply(&mut report);
        assert_eq!(serde_json::to_value(&report).unwrap(), once);
    }

    #[test]
    fn apply_on_an_empty_report_lists_every_roster_student_as_missing() {
        let roster = roster_of(&["b", "a"]);
        let mut report = report(&[]);
        roster.apply(&mut report);
        let ids: Vec<&str> = report.students.iter().map(|s| s.student.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(report
            .students
            .iter()
            .all(|s| s.status == SubmissionStatus::Missing && s.total == Points::ZERO));
    }
}
