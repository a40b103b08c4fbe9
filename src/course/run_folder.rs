//! Where a run writes, and how the output folder goes from one complete run to the next in one
//! step. Each run is written whole into `<out>/.rubricate/runs/<n>/`; `<out>/.rubricate/current`
//! is a link to the run in place, and the names users open (`grades.csv`, `feedback/`, ...) are
//! links through it (`grades.csv` → `.rubricate/current/grades.csv`). Replacing `current` (a new
//! link renamed over it) switches every file at once, so the folder always shows exactly one
//! complete run, whenever the process is killed. The run it replaced then moves to `history/`.
//!
//! A run killed before its switch leaves an incomplete `runs/<n>/` behind; one killed between
//! the switch and the archiving leaves the previous run there. [`recover`], called under the
//! output lock before a run starts, tells them apart by number: run folders are numbered in
//! order, so one above `current` never completed (removed) and one below it did (archived).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::course::fault;
use crate::course::history;
use crate::course::lock::STATE_DIR;

/// The folder of run folders inside [`STATE_DIR`].
pub const RUNS_DIR: &str = "runs";

/// The link to the run in place, inside [`STATE_DIR`].
pub const CURRENT: &str = "current";

/// Temporary names for links being put in place, inside [`STATE_DIR`].
const CURRENT_TEMP: &str = "current.tmp";
const LINK_TEMP: &str = "link.tmp";

/// A run's folder, being written; nothing in it shows in the output folder until
/// [`RunFolder::commit`].
#[derive(Debug)]
pub struct RunFolder {
    out: PathBuf,
    number: u64,
    dir: PathBuf,
}

/// Why a run's folder could not be prepared or put in place.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} `{}`: {source}", path.display())]
pub struct RunFolderError {
    action: &'static str,
    path: PathBuf,
    source: io::Error,
}

/// What [`recover`] cleaned up after interrupted runs.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Run folders of runs that never completed, removed.
    pub removed: usize,
    /// Complete earlier runs that had not reached `history/` yet, moved there.
    pub archived: Vec<PathBuf>,
}

fn failed(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> RunFolderError {
    let path = path.to_path_buf();
    move |source| RunFolderError { action, path, source }
}

/// Clean up after interrupted runs of `out`: remove temporary links and the folders of runs
/// that never completed, archive complete earlier runs. Call it only while holding the
/// output lock.
pub fn recover(out: &Path) -> Result<Recovered, RunFolderError> {
    let state = out.join(STATE_DIR);
    for temp in [CURRENT_TEMP, LINK_TEMP] {
        remove_link(&state.join(temp))?;
    }
    let current = current_number(&state);
    let mut recovered = Recovered::default();
    for (number, dir) in run_folders(&state)? {
        match (number, current) {
            (Some(n), Some(c)) if n == c => {}
            (Some(n), Some(c)) if n < c => {
                let archived =
                    history::archive_run(out, &dir).map_err(failed("archive the earlier run", &dir))?;
                recovered.archived.push(archived);
            }
            _ => {
                fs::remove_dir_all(&dir).map_err(failed("remove the unfinished run", &dir))?;
                recovered.removed += 1;
            }
        }
    }
    Ok(recovered)
}

impl RunFolder {
    /// A new, empty run folder under `out` (after [`recover`], under the output lock).
    pub fn begin(out: &Path) -> Result<RunFolder, RunFolderError> {
        let state = out.join(STATE_DIR);
        let runs = state.join(RUNS_DIR);
        fs::create_dir_all(&runs).map_err(failed("create", &runs))?;
        let last = run_folders(&state)?
            .into_iter()
            .filter_map(|(n, _)| n)
            .chain(current_number(&state))
            .max()
            .unwrap_or(0);
        let number = last + 1;
        let dir = runs.join(number.to_string());
        fs::create_dir(&dir).map_err(failed("create", &dir))?;
        Ok(RunFolder {
            out: out.to_path_buf(),
            number,
            dir,
        })
    }

    /// The folder to write this run's files into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Remove this run's files (a run that failed).
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }

    /// Put this complete run in place of the previous one, all files at once, and move the
    /// previous run to `history/`; returns where it went. Call it only after every file of the
    /// run is written.
    pub fn commit(self) -> Result<Option<PathBuf>, RunFolderError> {
        let out = &self.out;
        let state = out.join(STATE_DIR);
        let mut names: Vec<_> = fs::read_dir(&self.dir)
            .and_then(|entries| entries.map(|e| e.map(|e| e.file_name())).collect())
            .map_err(failed("read", &self.dir))?;
        names.sort();

        // Files an earlier version wrote in place make way for the links; they are a complete
        // run, so they are kept in history.
        let legacy = history::archive_legacy_files(out).map_err(failed("archive the earlier run in", out))?;
        // Links for files the previous run did not have point at nothing until the switch,
        // which reads as that run's missing file.
        let through_current = Path::new(CURRENT);
        for name in &names {
            let target = Path::new(STATE_DIR).join(through_current).join(name);
            put_link(&state.join(LINK_TEMP), &target, &out.join(name))?;
            fault::point("link");
        }

        let previous = current_number(&state);
        fault::point("before-switch");
        let temp = state.join(CURRENT_TEMP);
        remove_link(&temp)?;
        let run = Path::new(RUNS_DIR).join(self.number.to_string());
        symlink(&run, &temp).map_err(failed("create the link", &temp))?;
        fault::point("switch");
        let current = state.join(CURRENT);
        fs::rename(&temp, &current).map_err(failed("put in place", &current))?;
        fault::point("after-switch");

        remove_links_to_nothing(out, &names)?;
        let archived = match previous {
            Some(c) if c != self.number => {
                let dir = state.join(RUNS_DIR).join(c.to_string());
                match fs::symlink_metadata(&dir) {
                    Ok(_) => Some(
                        history::archive_run(out, &dir).map_err(failed("archive the previous run", &dir))?,
                    ),
                    Err(_) => None,
                }
            }
            _ => legacy,
        };
        fault::point("archived");
        Ok(archived)
    }
}

/// The number of the run `current` links to, if any.
fn current_number(state: &Path) -> Option<u64> {
    let target = fs::read_link(state.join(CURRENT)).ok()?;
    target.file_name()?.to_str()?.parse().ok()
}

/// The run folders under `state`, with their numbers (`None` for a name that is not one).
fn run_folders(state: &Path) -> Result<Vec<(Option<u64>, PathBuf)>, RunFolderError> {
    let runs = state.join(RUNS_DIR);
    let entries = match fs::read_dir(&runs) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(failed("read", &runs)(e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(failed("read", &runs))?;
        let number = entry.file_name().to_str().and_then(|n| n.parse().ok());
        found.push((number, entry.path()));
    }
    Ok(found)
}

/// Make `link` a link to `target`, replacing what is there in one rename (via `temp`).
fn put_link(temp: &Path, target: &Path, link: &Path) -> Result<(), RunFolderError> {
    if fs::read_link(link).is_ok_and(|t| t == target) {
        return Ok(());
    }
    remove_link(temp)?;
    symlink(target, temp).map_err(failed("create the link", temp))?;
    fs::rename(temp, link).map_err(failed("put in place", link))
}

/// Remove the links in `out` into the run in place whose file this run did not write
/// (`canvas.csv` after a run without `--format canvas`).
fn remove_links_to_nothing(out: &Path, names: &[std::ffi::OsString]) -> Result<(), RunFolderError> {
    let prefix = Path::new(STATE_DIR).join(CURRENT);
    for entry in fs::read_dir(out).map_err(failed("read", out))? {
        let entry = entry.map_err(failed("read", out))?;
        let into_run = fs::read_link(entry.path()).is_ok_and(|t| t.starts_with(&prefix));
        if into_run && !names.contains(&entry.file_name()) {
            remove_link(&entry.path())?;
            fault::point("unlink");
        }
    }
    Ok(())
}

fn remove_link(path: &Path) -> Result<(), RunFolderError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(failed("remove", path)(e)),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    // Windows links are typed; the run folder and `feedback` are the folders.
    let is_dir = target.extension().is_none();
    if is_dir {
        std::os::windows::fs::symlink_dir(target, link)
    } else {
        std::os::windows::fs::symlink_file(target, link)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn write_run(run: &RunFolder, text: &str, with_canvas: bool) {
        fs::create_dir(run.dir().join("feedback")).unwrap();
        fs::write(run.dir().join("feedback/a.md"), text).unwrap();
        fs::write(run.dir().join("grades.json"), text).unwrap();
        if with_canvas {
            fs::write(run.dir().join("canvas.csv"), text).unwrap();
        }
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_committed_run_shows_through_links_and_the_previous_one_moves_to_history() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let first = RunFolder::begin(out).unwrap();
        write_run(&first, "first", true);
        assert!(
            !out.join("grades.json").exists(),
            "nothing shows before the switch"
        );
        assert_eq!(first.commit().unwrap(), None);
        assert_eq!(read(&out.join("grades.json")), "first");
        assert_eq!(read(&out.join("feedback/a.md")), "first");
        assert_eq!(
            fs::read_link(out.join("grades.json")).unwrap(),
            Path::new(".rubricate/current/grades.json")
        );

        let second = RunFolder::begin(out).unwrap();
        write_run(&second, "second", false);
        let archived = second.commit().unwrap().unwrap();
        assert_eq!(read(&out.join("grades.json")), "second");
        assert_eq!(read(&out.join("feedback/a.md")), "second");
        assert!(
            fs::symlink_metadata(out.join("canvas.csv")).is_err(),
            "no link to a file the run did not write"
        );
        assert_eq!(read(&archived.join("canvas.csv")), "first");
        assert!(archived.starts_with(out.join("history")));
        assert_eq!(run_folders(&out.join(STATE_DIR)).unwrap().len(), 1);
    }

    #[test]
    fn recovery_removes_unfinished_runs_and_archives_finished_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let first = RunFolder::begin(out).unwrap();
        write_run(&first, "first", false);
        first.commit().unwrap();
        // Killed between the switch and the archiving: the previous run is still there.
        let second = RunFolder::begin(out).unwrap();
        write_run(&second, "second", false);
        let state = out.join(STATE_DIR);
        symlink(Path::new("runs/2"), &state.join(CURRENT_TEMP)).unwrap();
        fs::rename(state.join(CURRENT_TEMP), state.join(CURRENT)).unwrap();
        // Then a run killed while writing, and one killed before its switch.
        let third = RunFolder::begin(out).unwrap();
        write_run(&third, "third", false);
        symlink(Path::new("runs/3"), &state.join(CURRENT_TEMP)).unwrap();

        let recovered = recover(out).unwrap();
        assert_eq!(recovered.removed, 1);
        assert_eq!(recovered.archived.len(), 1);
        assert_eq!(read(&recovered.archived[0].join("grades.json")), "first");
        assert_eq!(read(&out.join("grades.json")), "second");
        assert!(!state.join(CURRENT_TEMP).exists());
        assert_eq!(
            run_folders(&state).unwrap(),
            vec![(Some(2), state.join("runs/2"))]
        );
        assert_eq!(recover(out).unwrap(), Recovered::default(), "nothing left to do");
    }

    #[test]
    fn without_a_current_run_every_run_folder_is_unfinished() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let run = RunFolder::begin(out).unwrap();
        write_run(&run, "killed", false);
        assert_eq!(recover(out).unwrap().removed, 1);
        assert_eq!(RunFolder::begin(out).unwrap().number, 1);
    }
}
