//! Crash points for tests: with `RUBRICATE_FAULT_POINT=<name>:<n>` in the environment, the
//! process aborts (as abruptly as a SIGKILL: no cleanup, no destructors) the `n`-th time it
//! passes the point called `name`; with `<name>:<n>:<ms>` it pauses there for `ms`
//! milliseconds instead. The tests that kill a run at every step of writing and switching its
//! output folder use it, and the lock test pauses the run holding the lock so that runs started
//! together surely overlap. Without the variable a point costs one load.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The environment variable that names the point to stop at.
pub const FAULT_POINT_VAR: &str = "RUBRICATE_FAULT_POINT";

/// Pass the point `name`; abort here if the environment says so.
pub fn point(name: &str) {
    static PLAN: OnceLock<Option<Fault>> = OnceLock::new();
    static PASSED: AtomicUsize = AtomicUsize::new(0);
    let plan = PLAN.get_or_init(|| parse(&std::env::var(FAULT_POINT_VAR).ok()?));
    if let Some(fault) = plan {
        if fault.point == name && PASSED.fetch_add(1, Ordering::SeqCst) + 1 == fault.nth {
            match fault.pause_ms {
                Some(ms) => std::thread::sleep(std::time::Duration::from_millis(ms)),
                None => std::process::abort(),
            }
        }
    }
}

/// What `RUBRICATE_FAULT_POINT` asks for.
#[derive(Debug, PartialEq, Eq)]
struct Fault {
    point: String,
    nth: usize,
    /// Pause this long instead of aborting.
    pause_ms: Option<u64>,
}

/// `feedback:3` → abort at the third `feedback`; `locked:1:500` → pause 500 ms at the first
/// `locked`.
fn parse(spec: &str) -> Option<Fault> {
    let mut parts = spec.split(':');
    let point = parts.next()?.to_string();
    let nth = parts.next()?.parse().ok()?;
    let pause_ms = match parts.next() {
        Some(ms) => Some(ms.parse().ok()?),
        None => None,
    };
    parts.next().is_none().then_some(Fault { point, nth, pause_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_a_name_and_a_count() {
        let fault = |point: &str, nth, pause_ms| Fault {
            point: point.to_string(),
            nth,
            pause_ms,
        };
        assert_eq!(parse("feedback:3"), Some(fault("feedback", 3, None)));
        assert_eq!(parse("locked:1:500"), Some(fault("locked", 1, Some(500))));
        assert_eq!(parse("switch"), None);
        assert_eq!(parse("switch:x"), None);
        assert_eq!(parse("switch:1:2:3"), None);
    }
}
