//! Keeping earlier runs: once a run is in place, the run it replaced moves whole to
//! `<out>/history/<UTC time of that run>/`, so nothing is silently overwritten. Only complete
//! runs get there: a run that never finished is removed, not archived.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Folder under the output folder that holds earlier runs.
pub const HISTORY_DIR: &str = "history";

/// The report files a version that wrote them straight into the output folder left there.
const LEGACY_FILES: &[&str] = &[
    "grades.csv",
    "grades.json",
    "review.csv",
    "report.html",
    "changes.csv",
    "canvas.csv",
    "junit.xml",
    "results.json",
    "feedback",
];

/// Move a complete run's folder to `out/history/<time>/`; returns that folder. The time is
/// the run's `grades.json`'s modification time, in UTC.
pub fn archive_run(out: &Path, run: &Path) -> io::Result<PathBuf> {
    let target = new_entry(out, &run.join("grades.json"))?;
    fs::rename(run, &target)?;
    Ok(target)
}

/// Move report files an earlier version wrote in place (not links into a run) to
/// `out/history/<time>/`, so links can take their names; `None` when there are none.
pub fn archive_legacy_files(out: &Path) -> io::Result<Option<PathBuf>> {
    let in_place =
        |name: &&str| fs::symlink_metadata(out.join(name)).is_ok_and(|m| !m.file_type().is_symlink());
    let found: Vec<&str> = LEGACY_FILES.iter().copied().filter(in_place).collect();
    if found.is_empty() {
        return Ok(None);
    }
    let target = new_entry(out, &out.join("grades.json"))?;
    fs::create_dir(&target)?;
    for name in found {
        fs::rename(out.join(name), target.join(name))?;
    }
    Ok(Some(target))
}

/// A free name under `out/history/` for a run whose `grades.json` is `grades_json` (the
/// folder itself is not created).
fn new_entry(out: &Path, grades_json: &Path) -> io::Result<PathBuf> {
    let modified = fs::metadata(grades_json).and_then(|m| m.modified());
    let stamp = utc_stamp(modified.unwrap_or(UNIX_EPOCH));
    let base = out.join(HISTORY_DIR);
    fs::create_dir_all(&base)?;
    let mut target = base.join(&stamp);
    let mut n = 2;
    while fs::symlink_metadata(&target).is_ok() {
        target = base.join(format!("{stamp}-{n}"));
        n += 1;
    }
    Ok(target)
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
    fn a_run_moves_whole_and_each_archive_gets_its_own_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for run in ["1", "2"] {
            let run = out.join(run);
            fs::create_dir_all(run.join("feedback")).unwrap();
            fs::write(run.join("grades.json"), "{}").unwrap();
            fs::write(run.join("feedback/a.md"), "# a").unwrap();
        }
        let first = archive_run(out, &out.join("1")).unwrap();
        assert_eq!(fs::read_to_string(first.join("feedback/a.md")).unwrap(), "# a");
        assert!(!out.join("1").exists(), "moved, not copied");
        let second = archive_run(out, &out.join("2")).unwrap();
        assert_ne!(first, second, "runs of the same second get their own folders");
    }

    #[test]
    fn files_written_in_place_by_an_earlier_version_are_archived_and_links_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        assert_eq!(archive_legacy_files(out).unwrap(), None);
        fs::write(out.join("grades.json"), "{}").unwrap();
        fs::write(out.join("grades.csv"), "student,total\n").unwrap();
        fs::create_dir(out.join("feedback")).unwrap();
        fs::write(out.join("feedback/a.md"), "# a").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(".rubricate/current/report.html", out.join("report.html")).unwrap();
        let kept = archive_legacy_files(out).unwrap().unwrap();
        assert_eq!(
            fs::read_to_string(kept.join("grades.csv")).unwrap(),
            "student,total\n"
        );
        assert_eq!(fs::read_to_string(kept.join("feedback/a.md")).unwrap(), "# a");
        assert!(!out.join("grades.json").exists());
        assert!(
            !kept.join("report.html").exists(),
            "a link is not an earlier version's file"
        );
        assert_eq!(archive_legacy_files(out).unwrap(), None);
    }
}
