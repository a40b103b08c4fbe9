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
        let files = match kind {
            EntryKind::File => vec![walker.file(entry.path())],
            EntryKind::Dir => walker.folder_files(entry.path())?,
            EntryKind::Outside => Vec::new(),
        };
        match by_student.entry(student) {
            Entry::Occupied(at) => {
                let existing = &mut submissions[*at.get()];
                existing.files.extend(files);
                existing.files.sort_by(|a, b| a.display.cmp(&b.display));
            }
            Entry::Vacant(slot) => {
                let student = slot.key().clone();
                slot.insert(submissions.len());
                submissions.push(Submission { student, files });
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
    let files = if metadata.is_dir() {
        walker.folder_files(root)?
    } else {
        vec![walker.file(root)]
    };
    Ok(Submission { student, files })
}

/// What a directory entry is, once links are resolved (or refused).
enum EntryKind {
    File,
    Dir,
    /// A link that leaves the submissions folder, or is broken: never read.
    Outside,
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
        } else {
            EntryKind::File
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
        Some(StudentId(name.to_string_lossy().into_owned()))
    }

    fn kind(&self, path: &Path) -> EntryKind {
        let Ok(link) = fs::symlink_metadata(path) else {
            return EntryKind::Outside;
        };
        if !link.file_type().is_symlink() {
            return if link.is_dir() {
                EntryKind::Dir
            } else {
                EntryKind::File
            };
        }
        match path.canonicalize() {
            Ok(target) if target.starts_with(&self.canonical_root) => {
                if target.is_dir() {
                    EntryKind::Dir
                } else {
                    EntryKind::File
                }
            }
            _ => EntryKind::Outside,
        }
    }

    fn file(&self, path: &Path) -> SubmissionFile {
        SubmissionFile {
            path: path.to_path_buf(),
            display: path.strip_prefix(self.root).unwrap_or(path).to_path_buf(),
        }
    }

    /// The supported files under a student's folder, at any depth, in sorted path order.
    /// Linked folders inside are not descended into (which also rules out link cycles).
    fn folder_files(&self, folder: &Path) -> Result<Vec<SubmissionFile>, DiscoverError> {
        let mut files = Vec::new();
        let walk = WalkDir::new(folder)
            .min_depth(1)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !self.ignored(e));
        for entry in walk {
            let entry = entry.map_err(|e| walk_error(folder, e))?;
            if entry.file_type().is_dir() || Format::from_path(entry.path()).is_none() {
                continue;
            }
            if matches!(self.kind_of(&entry), EntryKind::File) {
                files.push(self.file(entry.path()));
            }
        }
        files.sort_by(|a, b| a.display.cmp(&b.display));
        Ok(files)
    }
}

fn walk_error(fallback: &Path, error: walkdir::Error) -> DiscoverError {
    let path = error.path().unwrap_or(fallback).to_path_buf();
    let source = error
        .into_io_error()
        .unwrap_or_else(|| io::Error::other("filesystem loop"));
    DiscoverError::Io { path, source }
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
