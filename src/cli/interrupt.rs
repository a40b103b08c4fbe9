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
            // Workers may still be adding files while it is removed: try a few times; what
            // is left is removed by the next run's recovery.
            for _ in 0..5 {
                if std::fs::remove_dir_all(dir).is_ok() || !dir.exists() {
                    break;
                }
            }
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

/// From now on, an interruption removes `dir`.
pub fn writing(dir: &Path) {
    *in_progress() = Some(dir.to_path_buf());
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
