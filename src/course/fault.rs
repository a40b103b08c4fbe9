//! Crash points for tests: with `RUBRICATE_FAULT_POINT=<name>:<n>` in the environment, the
//! process aborts (as abruptly as a SIGKILL: no cleanup, no destructors) the `n`-th time it
//! passes the point called `name`. The tests that kill a run at every step of writing and
//! switching its output folder use it; without the variable a point costs one load.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The environment variable that names the point to stop at.
pub const FAULT_POINT_VAR: &str = "RUBRICATE_FAULT_POINT";

/// Pass the point `name`; abort here if the environment says so.
pub fn point(name: &str) {
    static PLAN: OnceLock<Option<(String, usize)>> = OnceLock::new();
    static PASSED: AtomicUsize = AtomicUsize::new(0);
    let plan = PLAN.get_or_init(|| parse(&std::env::var(FAULT_POINT_VAR).ok()?));
    if let Some((wanted, n)) = plan {
        if wanted == name && PASSED.fetch_add(1, Ordering::SeqCst) + 1 == *n {
            std::process::abort();
        }
    }
}

/// `feedback:3` → (`feedback`, 3).
fn parse(spec: &str) -> Option<(String, usize)> {
    let (name, n) = spec.rsplit_once(':')?;
    Some((name.to_string(), n.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_a_name_and_a_count() {
        assert_eq!(parse("feedback:3"), Some(("feedback".to_string(), 3)));
        assert_eq!(parse("switch"), None);
        assert_eq!(parse("switch:x"), None);
    }
}
