//! Ctrl-C (SIGINT), SIGTERM and SIGHUP during `grade`: the run being written is removed, so an
//! interrupted run leaves no half-written folder behind, and the process exits with
//! [`exit::INTERRUPTED`]; the output lock goes with the process. The folder in place is never
//! touched: the switch to a new run holds the same mutex as the handler, so a signal that
//! arrives during it waits until the new run is whole and in place.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::exit;

/// The run folder being written, if any.
static IN_PROGRESS: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Set once a signal arrived; the handler then ends the process.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

fn in_progress() -> MutexGuard<'static, Option<PathBuf>> {
    // A panic elsewhere while holding it leaves the path as valid as it was.
    IN_PROGRESS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Handle the signals from now on (once per process; a second call is a no-op).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let mut guard = in_progress();
        let removing = guard.take();
        if let Some(dir) = &removing {
            remove_run(dir);
        }
        match removing {
            Some(_) => eprintln!(
                "interrupted: the run was stopped and its files removed; the previous run is unchanged"
            ),
            // Before the run started writing, or once it was in place (a signal during the
            // switch waits for it).
            None => eprintln!("interrupted"),
        }
        std::process::exit(exit::INTERRUPTED.into());
    });
}

/// Remove the run folder being written while workers may still be writing into it. It is
/// moved aside first: a worker creates its files by path, which then fails, so nothing new
/// appears in what is being removed (removing it in place raced with them and could fail again
/// and again on a busy machine). What is still left (a folder that cannot be moved) is removed
/// by the next run's recovery, which removes every folder that is not a finished run.
fn remove_run(dir: &Path) {
    let aside = dir.with_extension("removing");
    let target = if std::fs::rename(dir, &aside).is_ok() {
        aside
    } else {
        dir.to_path_buf()
    };
    for _ in 0..5 {
        if std::fs::remove_dir_all(&target).is_ok() || !target.exists() {
            break;
        }
    }
}

/// Create the run folder with `begin`; from then on an interruption removes it (`dir` of
/// what `begin` made). Interruptions are held back while it is created, so none can find the
/// folder made but not yet known, and leave it behind.
pub fn writing<T, E>(begin: impl FnOnce() -> Result<T, E>, dir: impl FnOnce(&T) -> &Path) -> Result<T, E> {
    let mut guard = in_progress();
    let run = begin()?;
    *guard = Some(dir(&run).to_path_buf());
    Ok(run)
}

/// Run `switch` (putting the written run in place) with interruptions held back; afterwards
/// nothing is removed on an interruption.
pub fn settled<T>(switch: impl FnOnce() -> T) -> T {
    let mut guard = in_progress();
    let result = switch();
    *guard = None;
    result
}

/// Once a signal arrived, wait for the handler to end the process: the run may have failed only
/// because its folder was removed under it, and its exit code must not win over
/// [`exit::INTERRUPTED`].
pub fn wait_if_interrupted() {
    if INTERRUPTED.load(Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::remove_run;

    #[test]
    fn a_run_is_removed_while_a_worker_keeps_writing_into_it() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("7");
        std::fs::create_dir_all(dir.join("feedback")).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        // A worker writing feedback files by path as fast as it can, as graders do.
        let worker = {
            let (dir, stop) = (dir.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let _ = std::fs::write(dir.join("feedback").join(format!("{n}.md")), "x");
                    n += 1;
                }
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(20));
        remove_run(&dir);
        let left: Vec<_> = std::fs::read_dir(base.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        worker.join().unwrap();
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}
