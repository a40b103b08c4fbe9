//! One run at a time per output folder: a second `grade` on the same `--out` while one is
//! running is refused, instead of two runs interleaving their files. The lock is the operating
//! system's advisory lock on `<out>/.rubricate/lock`, held for the life of the run: taking it is
//! one atomic step, and the system releases it when the process ends, however it ends, so a lock
//! is never left behind by a crash. The file itself stays; it holds the owner's process id for
//! the message a refused run prints.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The folder of rubricate's own files inside the output folder.
pub const STATE_DIR: &str = ".rubricate";

/// The lock file's name inside [`STATE_DIR`].
pub const LOCK_FILE: &str = "lock";

/// Held while a run writes into an output folder; released when dropped (or the process ends).
#[derive(Debug)]
pub struct OutputLock {
    /// Kept open: closing it would release the lock.
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("output folder `{}` is busy: another rubricate run{} is writing to it; wait for it to finish", folder.display(), owner.map(|pid| format!(" (process {pid})")).unwrap_or_default())]
    Busy { owner: Option<u32>, folder: PathBuf },
    #[error("cannot lock `{}`: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl OutputLock {
    /// Take the lock of `folder` (created if missing), or fail at once if another run holds it.
    pub fn acquire(folder: &Path) -> Result<OutputLock, LockError> {
        let state = folder.join(STATE_DIR);
        let path = state.join(LOCK_FILE);
        let io_error = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&state).map_err(io_error)?;
        // Never truncated on open: the holder's pid must stay readable for a refused run.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_error)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(LockError::Busy {
                    owner: text.trim().parse().ok(),
                    folder: folder.to_path_buf(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io_error(e)),
        }
        // The pid is only a hint for the message; the lock itself is the OS's.
        let noted = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "{}", std::process::id()));
        noted.map_err(io_error)?;
        Ok(OutputLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path()).unwrap();
        // A second open file description conflicts even within one process.
        let refused = OutputLock::acquire(dir.path()).unwrap_err();
        let message = refused.to_string();
        assert!(
            matches!(refused, LockError::Busy { owner: Some(pid), .. } if pid == std::process::id()),
            "{message}"
        );
        assert!(message.contains("is busy"), "{message}");
        drop(first);
        assert!(OutputLock::acquire(dir.path()).is_ok());
    }

    #[test]
    fn a_lock_file_left_behind_is_no_obstacle() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(STATE_DIR)).unwrap();
        // Written by a run that is gone: no process holds the OS lock.
        fs::write(dir.path().join(STATE_DIR).join(LOCK_FILE), "1").unwrap();
        assert!(OutputLock::acquire(dir.path()).is_ok());
    }
}
