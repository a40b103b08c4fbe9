//! Stage 2a: find the submissions in the submissions folder, one per student, each with the
//! list of files to read. Nothing is read here; a submission with no readable file is still
//! returned so that the run reports it instead of silently dropping a student.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;
use walkdir::{DirEntry, WalkDir};

use crate::ids::StudentId;

use super::format::Format;

/// One student's submission: a single file, or the answer files of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub student: StudentId,
    /// The files to read, in sorted path order. Empty when a folder holds no supported file
    /// (or a link points outside the submissions folder): the caller reports it as unreadable.
    pub files: Vec<SubmissionFile>,
    /// What could not be listed or will not be read (a folder the grader may not open, a
    /// named pipe), each naming its path: warnings, or the reason when no file is left.
    pub problems: Vec<String>,
}

/// One file of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionFile {
    /// The full path, for reading.
    pub path: PathBuf,
    /// The path relative to the submissions folder, for messages and reports.
    pub display: PathBuf,
}

/// Why the submissions folder could not be listed.
#[derive(Debug, Error)]
pub enum DiscoverError {
    #[error("submissions folder {path} is not a directory")]
    NotADirectory { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// List the submissions directly inside `root`, sorted by student id.
///
/// A file directly in `root` is a submission (student id = file name without extension),
/// whatever its extension, so that an unsupported file is reported rather than lost. A folder is
/// a submission (id = folder name) made of its supported files at any depth. Hidden entries
/// (name starting with `.`) and the paths in `skip` (such as an output folder inside `root`) are
/// ignored at every depth. Symbolic links are followed only when they resolve inside `root`.
/// Two entries with the same student id (`bob.md` and `bob/`) are merged into one submission.
pub fn discover(root: &Path, skip: &[PathBuf]) -> Result<Vec<Submission>, DiscoverError> {
    let io_error = |path: &Path, source: io::Error| DiscoverError::Io {
        path: path.to_path_buf(),
        source,
    };
    let metadata = fs::metadata(root).map_err(|e| io_error(root, e))?;
    if !metadata.is_dir() {
        return Err(DiscoverError::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    let walker = Walker {
        root,
        canonical_root: root.canonicalize().map_err(|e| io_error(root, e))?,
        skip: skip
            .iter()
            .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
            .collect(),
    };

    let mut submissions: Vec<Submission> = Vec::new();
    let mut by_student: HashMap<StudentId, usize> = HashMap::new();
    let top = WalkDir::new(root)
        .min_depth(1)
        .max_depth(1)
        .follow_links(false)
        .sort_by_file_name();
    for entry in top {
        let entry = entry.map_err(|e| walk_error(root, e))?;
        if walker.ignored(&entry) {
            continue;
        }
        let kind = walker.kind_of(&entry);
        let Some(student) = walker.student_id(&entry, &kind) else {
            continue;
        };
        let (files, problems) = match kind {
            EntryKind::File => (vec![walker.file(entry.path())], Vec::new()),
            EntryKind::Dir => walker.folder_files(entry.path()),
            EntryKind::Outside => (Vec::new(), Vec::new()),
            EntryKind::Special(what) => (Vec::new(), vec![walker.special(entry.path(), what)]),
        };
        match by_student.entry(student) {
            Entry::Occupied(at) => {
                let existing = &mut submissions[*at.get()];
                existing.files.extend(files);
                existing.files.sort_by(|a, b| a.display.cmp(&b.display));
                existing.problems.extend(problems);
            }
            Entry::Vacant(slot) => {
                let student = slot.key().clone();
                slot.insert(submissions.len());
                submissions.push(Submission {
                    student,
                    files,
                    problems,
                });
            }
        }
    }
    submissions.sort_by(|a, b| a.student.cmp(&b.student));
    Ok(submissions)
}

/// A folder that is one student's whole submission (a Gradescope `/autograder/submission`, or
/// a single file): every supported file in it, as student `student`.
pub fn discover_single(
    root: &Path,
    student: StudentId,
    skip: &[PathBuf],
) -> Result<Submission, DiscoverError> {
    let io_error = |source: io::Error| DiscoverError::Io {
        path: root.to_path_buf(),
        source,
    };
    let metadata = fs::metadata(root).map_err(io_error)?;
    let parent = if metadata.is_dir() {
        root
    } else {
        root.parent().unwrap_or(Path::new("."))
    };
    let walker = Walker {
        root: parent,
        canonical_root: parent.canonicalize().map_err(io_error)?,
        skip: skip
            .iter()
            .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
            .collect(),
    };
    let (files, problems) = if metadata.is_dir() {
        walker.folder_files(root)
    } else if metadata.is_file() {
        (vec![walker.file(root)], Vec::new())
    } else {
        (
            Vec::new(),
            vec![walker.special(root, special_kind(&metadata.file_type()))],
        )
    };
    Ok(Submission {
        student,
        files,
        problems,
    })
}

/// What a directory entry is, once links are resolved (or refused).
enum EntryKind {
    File,
    Dir,
    /// A link that leaves the submissions folder, or is broken: never read.
    Outside,
    /// Not a regular file (a named pipe, socket or device), described: never opened, since
    /// opening a named pipe waits for a writer that never comes.
    Special(&'static str),
}

/// What a file that is neither a regular file nor a folder is.
fn special_kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    let _ = file_type;
    "not a regular file"
}

struct Walker<'a> {
    root: &'a Path,
    canonical_root: PathBuf,
    skip: Vec<PathBuf>,
}

impl Walker<'_> {
    fn ignored(&self, entry: &DirEntry) -> bool {
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        hidden || self.skipped(entry)
    }

    fn skipped(&self, entry: &DirEntry) -> bool {
        let path = entry.path();
        if self.skip.iter().any(|s| s == path) {
            return true;
        }
        // Below the canonical root, an entry that is not a link can only be a skipped path of
        // the same name; resolving every entry would cost a system call per path component.
        let may_be_skipped =
            entry.path_is_symlink() || self.skip.iter().any(|s| s.file_name() == Some(entry.file_name()));
        if !may_be_skipped {
            return false;
        }
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.skip.contains(&canonical)
    }

    /// [`Walker::kind`], from the directory listing unless the entry is a link.
    fn kind_of(&self, entry: &DirEntry) -> EntryKind {
        if entry.path_is_symlink() {
            self.kind(entry.path())
        } else if entry.file_type().is_dir() {
            EntryKind::Dir
        } else if entry.file_type().is_file() {
            EntryKind::File
        } else {
            EntryKind::Special(special_kind(&entry.file_type()))
        }
    }

    fn student_id(&self, entry: &DirEntry, kind: &EntryKind) -> Option<StudentId> {
        let path = entry.path();
        let name = if entry.file_type().is_dir() {
            path.file_name()
        } else if matches!(kind, EntryKind::Dir) {
            // A link to a folder inside the root: named like a folder.
            path.file_name()
        } else {
            path.file_stem()
        }?;
        Some(StudentId::from_file_name(name))
    }

    fn kind(&self, path: &Path) -> EntryKind {
        let Ok(link) = fs::symlink_metadata(path) else {
            return EntryKind::Outside;
        };
        let of_type = |file_type: fs::FileType| {
            if file_type.is_dir() {
                EntryKind::Dir
            } else if file_type.is_file() {
                EntryKind::File
            } else {
                EntryKind::Special(special_kind(&file_type))
            }
        };
        if !link.file_type().is_symlink() {
            return of_type(link.file_type());
        }
        match path.canonicalize() {
            Ok(target) if target.starts_with(&self.canonical_root) => match fs::metadata(&target) {
                Ok(metadata) => of_type(metadata.file_type()),
                Err(_) => EntryKind::Outside,
            },
            _ => EntryKind::Outside,
        }
    }

    /// The problem of a path that is not a regular file.
    fn special(&self, path: &Path, what: &str) -> String {
        format!(
            "{}: {what}, not a regular file; not read",
            self.display(path).display()
        )
    }

    fn display<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(self.root).unwrap_or(path)
    }

    fn file(&self, path: &Path) -> SubmissionFile {
        SubmissionFile {
            path: path.to_path_buf(),
            display: path.strip_prefix(self.root).unwrap_or(path).to_path_buf(),
        }
    }

    /// The supported files under a student's folder, at any depth, in sorted path order, and
    /// what could not be listed or read there (a folder the grader may not open, one nested
    /// deeper than the OS allows, a named pipe): those are the student's problems, never the
    /// run's. Linked folders inside are not descended into (which also rules out link cycles).
    fn folder_files(&self, folder: &Path) -> (Vec<SubmissionFile>, Vec<String>) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        let walk = WalkDir::new(folder)
            .min_depth(1)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !self.ignored(e));
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let (path, source) = walk_io_error(folder, e);
                    problems.push(format!("cannot read {}: {source}", self.display(&path).display()));
                    continue;
                }
            };
            if entry.file_type().is_dir() || Format::from_path(entry.path()).is_none() {
                continue;
            }
            match self.kind_of(&entry) {
                EntryKind::File => files.push(self.file(entry.path())),
                EntryKind::Special(what) => problems.push(self.special(entry.path(), what)),
                EntryKind::Dir | EntryKind::Outside => {}
            }
        }
        files.sort_by(|a, b| a.display.cmp(&b.display));
        (files, problems)
    }
}

fn walk_error(fallback: &Path, error: walkdir::Error) -> DiscoverError {
    let (path, source) = walk_io_error(fallback, error);
    DiscoverError::Io { path, source }
}

/// The path a walk failed at, and why.
fn walk_io_error(fallback: &Path, error: walkdir::Error) -> (PathBuf, io::Error) {
    let path = error.path().unwrap_or(fallback).to_path_buf();
    let source = error
        .into_io_error()
        .unwrap_or_else(|| io::Error::other("filesystem loop"));
    (path, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "1a) text\n").unwrap();
    }

    fn summary(subs: &[Submission]) -> Vec<(String, Vec<String>)> {
        subs.iter()
            .map(|s| {
                let files = s
                    .files
                    .iter()
                    .map(|f| f.display.to_string_lossy().replace('\\', "/"))
                    .collect();
                (s.student.0.clone(), files)
            })
            .collect()
    }

    #[test]
    fn files_and_folders_are_submissions_sorted_by_student() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(root, "zoe.md");
        touch(root, "amir.txt");
        touch(root, "kim/b.md");
        touch(root, "kim/a/notes.tex");
        touch(root, "kim/figure.png");
        touch(root, "kim/.draft.md");
        touch(root, "kim/.git/config.md");
        touch(root, ".hidden.md");
        touch(root, "late.pdf");
        touch(root, "empty/scan.jpg");

        let subs = discover(root, &[]).unwrap();
        assert_eq!(
            summary(&subs),
            vec![
                ("amir".to_owned(), vec!["amir.txt".to_owned()]),
                ("empty".to_owned(), vec![]),
                (
                    "kim".to_owned(),
                    vec!["kim/a/notes.tex".to_owned(), "kim/b.md".to_owned()]
                ),
                ("late".to_owned(), vec!["late.pdf".to_owned()]),
                ("zoe".to_owned(), vec!["zoe.md".to_owned()]),
            ]
        );
        assert_eq!(subs[0].files[0].path, root.join("amir.txt"));
    }

    #[test]
    fn skipped_paths_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(root, "amir.txt");
        touch(root, "out/report.md");
        let subs = discover(root, &[root.join("out")]).unwrap();
        assert_eq!(
            summary(&subs),
            vec![("amir".to_owned(), vec!["amir.txt".to_owned()])]
        );
    }

    #[test]
    fn a_missing_or_non_folder_root_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            discover(&dir.path().join("nope"), &[]),
            Err(DiscoverError::Io { .. })
        ));
        touch(dir.path(), "file.md");
        assert!(matches!(
            discover(&dir.path().join("file.md"), &[]),
            Err(DiscoverError::NotADirectory { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_root_are_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        touch(outside.path(), "secret.md");
        touch(outside.path(), "dir/secret.md");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(root, "kim/a.md");
        std::os::unix::fs::symlink(outside.path().join("secret.md"), root.join("eve.md")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("dir"), root.join("kim/more")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.md"), root.join("kim/x.md")).unwrap();
        std::os::unix::fs::symlink(root.join("kim/a.md"), root.join("kim/y.md")).unwrap();

        let subs = discover(root, &[]).unwrap();
        assert_eq!(
            summary(&subs),
            vec![
                ("eve".to_owned(), vec![]),
                (
                    "kim".to_owned(),
                    vec!["kim/a.md".to_owned(), "kim/y.md".to_owned()]
                ),
            ]
        );
    }

    #[cfg(unix)]
    fn mkfifo(path: &Path) -> bool {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        made.is_ok_and(|s| s.success())
    }

    #[cfg(unix)]
    #[test]
    fn named_pipes_are_problems_not_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(root, "kim/a.md");
        fs::create_dir(root.join("pip")).unwrap();
        if !mkfifo(&root.join("kim/b.md")) || !mkfifo(&root.join("pip.md")) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let subs = discover(root, &[]).unwrap();
        assert_eq!(
            summary(&subs),
            vec![
                ("kim".to_owned(), vec!["kim/a.md".to_owned()]),
                ("pip".to_owned(), vec![]),
            ]
        );
        assert_eq!(
            subs[0].problems,
            ["kim/b.md: a named pipe (FIFO), not a regular file; not read"]
        );
        assert_eq!(
            subs[1].problems,
            ["pip.md: a named pipe (FIFO), not a regular file; not read"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_that_cannot_be_read_is_its_students_problem() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(root, "amir.md");
        touch(root, "kim/a.md");
        touch(root, "kim/locked/b.md");
        touch(root, "zoe/c.md");
        let lock =
            |p: &str, mode| fs::set_permissions(root.join(p), fs::Permissions::from_mode(mode)).unwrap();
        lock("kim/locked", 0o000);
        lock("zoe", 0o000);
        if fs::read_dir(root.join("zoe")).is_ok() {
            lock("kim/locked", 0o755);
            lock("zoe", 0o755);
            eprintln!("skipped: running as root, who may read any folder");
            return;
        }
        let subs = discover(root, &[]);
        lock("kim/locked", 0o755);
        lock("zoe", 0o755);
        let subs = subs.unwrap();
        assert_eq!(
            summary(&subs),
            vec![
                ("amir".to_owned(), vec!["amir.md".to_owned()]),
                ("kim".to_owned(), vec!["kim/a.md".to_owned()]),
                ("zoe".to_owned(), vec![]),
            ]
        );
        assert_eq!(subs[1].problems.len(), 1);
        assert!(subs[1].problems[0].starts_with("cannot read kim/locked: "));
        assert!(subs[2].problems[0].starts_with("cannot read zoe: "));
    }

    #[cfg(unix)]
    #[test]
    fn undecodable_names_stay_two_students() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [&b"bad\xffname.md"[..], b"bad\xfename.md"] {
            if fs::write(root.join(OsStr::from_bytes(name)), "1a) text\n").is_err() {
                eprintln!("skipped: the file system refuses names that are not UTF-8");
                return;
            }
        }
        let subs = discover(root, &[]).unwrap();
        let students: Vec<&str> = subs.iter().map(|s| s.student.as_str()).collect();
        assert_eq!(students, ["bad\\xFEname", "bad\\xFFname"]);
        assert!(subs.iter().all(|s| s.files.len() == 1));
    }

    #[test]
    fn the_bundled_submissions_are_all_found() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("submissions");
        let subs = discover(&root, &[]).unwrap();
        let students: Vec<&str> = subs.iter().map(|s| s.student.as_str()).collect();
        assert_eq!(
            students,
            [
                "aokonkwo",
                "bharris",
                "cwhitfield",
                "dliu",
                "emorales",
                "fbrennan",
                "gtanaka",
                "hdubois",
                "isingh",
                "jkowalczyk",
                "kabara",
                "lfernandez"
            ]
        );
        assert!(subs.iter().all(|s| s.files.len() == 1));
        assert_eq!(subs[4].files[0].display, Path::new("emorales/answers.md"));
    }
}
