//! Keeping earlier runs: before a run writes its reports, the previous run's files are copied
//! to `<out>/history/<UTC time of that run>/`, so nothing is silently overwritten.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Folder under the output folder that holds earlier runs.
pub const HISTORY_DIR: &str = "history";

/// The report files a run writes (folders are copied whole).
const RUN_FILES: &[&str] = &[
    "grades.csv",
    "grades.json",
    "review.csv",
    "report.html",
    "changes.csv",
    "canvas.csv",
    "feedback",
];

/// Copy the previous run's files, if any, into `out/history/<time>/`; returns that folder.
/// The time is the previous `grades.json`'s modification time, in UTC.
pub fn archive_previous_run(out: &Path) -> io::Result<Option<PathBuf>> {
    let previous = out.join("grades.json");
    let Ok(meta) = fs::metadata(&previous) else {
        return Ok(None);
    };
    let stamp = utc_stamp(meta.modified().unwrap_or(UNIX_EPOCH));
    let base = out.join(HISTORY_DIR);
    let mut target = base.join(&stamp);
    let mut n = 2;
    while target.exists() {
        target = base.join(format!("{stamp}-{n}"));
        n += 1;
    }
    fs::create_dir_all(&target)?;
    for name in RUN_FILES {
        let from = out.join(name);
        if from.is_dir() {
            copy_dir(&from, &target.join(name))?;
        } else if from.is_file() {
            fs::copy(&from, target.join(name))?;
        }
    }
    Ok(Some(target))
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// `20261129T155421Z` for a time (UTC, second precision; sorts in time order).
pub fn utc_stamp(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn stamps_are_utc_calendar_times() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101T000000Z");
        assert_eq!(
            utc_stamp(UNIX_EPOCH + Duration::from_secs(1_796_053_461)),
            "20261130T154421Z"
        );
        assert_eq!(
            utc_stamp(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "20000229T000000Z"
        );
    }

    #[test]
    fn previous_run_is_copied_and_nothing_is_archived_without_one() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(archive_previous_run(dir.path()).unwrap(), None);
        fs::write(dir.path().join("grades.json"), "{}").unwrap();
        fs::write(dir.path().join("grades.csv"), "student,total\n").unwrap();
        fs::create_dir(dir.path().join("feedback")).unwrap();
        fs::write(dir.path().join("feedback/a.md"), "# a").unwrap();
        let first = archive_previous_run(dir.path()).unwrap().unwrap();
        assert_eq!(
            fs::read_to_string(first.join("grades.csv")).unwrap(),
            "student,total\n"
        );
        assert_eq!(fs::read_to_string(first.join("feedback/a.md")).unwrap(), "# a");
        let second = archive_previous_run(dir.path()).unwrap().unwrap();
        assert_ne!(
            first, second,
            "a second archive of the same run gets its own folder"
        );
    }
}
