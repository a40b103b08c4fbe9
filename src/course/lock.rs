//! One run at a time per output folder: a second `grade` on the same `--out` while one is
//! running is refused, instead of two runs interleaving their files. The lock is a file holding
//! the owner's process id; a lock left by a run that died (Ctrl-C, crash) is taken over.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the output folder.
pub const LOCK_FILE: &str = ".rubricate.lock";

/// Held while a run writes into an output folder; released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another rubricate run (process {pid}) is writing to `{}`; wait for it to finish, or remove `{}` if it is gone", folder.display(), lock.display())]
    Busy {
        pid: u32,
        folder: PathBuf,
        lock: PathBuf,
    },
    #[error("cannot lock `{}`: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl OutputLock {
    /// Take the lock of `folder` (created if missing).
    pub fn acquire(folder: &Path) -> Result<OutputLock, LockError> {
        let io_error = |source| LockError::Io {
            path: folder.to_path_buf(),
            source,
        };
        fs::create_dir_all(folder).map_err(io_error)?;
        let path = folder.join(LOCK_FILE);
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    write!(file, "{}", std::process::id()).map_err(io_error)?;
                    return Ok(OutputLock { path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let owner = fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    match owner {
                        Some(pid) if pid != std::process::id() && alive(pid) => {
                            return Err(LockError::Busy {
                                pid,
                                folder: folder.to_path_buf(),
                                lock: path,
                            });
                        }
                        // Left by a run that is gone: take it over.
                        _ => fs::remove_file(&path).map_err(io_error)?,
                    }
                }
                Err(e) => return Err(io_error(e)),
            }
        }
        Err(io_error(io::Error::other("the lock file keeps reappearing")))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether a process is running (Linux and other systems with `/proc`; elsewhere assume so).
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        // A live process other than this one holds it: PID 1 always exists.
        fs::write(dir.path().join(LOCK_FILE), "1").unwrap();
        let refused = OutputLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(refused.contains("another rubricate run (process 1)"), "{refused}");
        fs::remove_file(dir.path().join(LOCK_FILE)).unwrap();
        {
            let _lock = OutputLock::acquire(dir.path()).unwrap();
            assert!(dir.path().join(LOCK_FILE).exists());
        }
        assert!(
            !dir.path().join(LOCK_FILE).exists(),
            "dropping the lock removes the file"
        );
    }

    #[test]
    fn a_stale_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(LOCK_FILE), "4000000000").unwrap();
        assert!(OutputLock::acquire(dir.path()).is_ok());
    }
}
