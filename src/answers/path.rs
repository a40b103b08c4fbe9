//! Question paths: a question id as a sequence of parts (number, letter, roman numeral), which is
//! what labels are compared by, whatever separators the rubric or the student used.

use std::fmt;

/// One level of a question path: `1c-ii` is `[Num(1), Letter('c'), Roman(2)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Num(u32),
    /// A lowercase ASCII letter.
    Letter(char),
    Roman(u32),
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Num(n) => write!(f, "{n}"),
            Part::Letter(c) => write!(f, "{c}"),
            Part::Roman(n) => f.write_str(&to_roman(*n)),
        }
    }
}

/// Parse a rubric question id (`1a`, `1c-ii`, `3.b.i`, `2_a`, `1cii`) into its path. Ids must
/// start with a number; a letter directly after a number is one letter, and what follows it (or
/// a run after a letter) is a roman numeral. `None` for ids that are not such a path: they are
/// then matched only literally.
pub(crate) fn parse_id(id: &str) -> Option<Vec<Part>> {
    let id = id.trim().to_ascii_lowercase();
    let bytes = id.as_bytes();
    let mut parts = Vec::new();
    let mut i = 0;
    let mut separated = false;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'-' | b'.' | b'_') {
            separated = true;
            i += 1;
            continue;
        }
        let start = i;
        if b.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            parts.push(Part::Num(id[start..i].parse().ok()?));
        } else if b.is_ascii_lowercase() {
            while i < bytes.len() && bytes[i].is_ascii_lowercase() {
                i += 1;
            }
            parts.extend(alpha_run(&id[start..i], parts.last(), separated)?);
        } else {
            return None;
        }
        separated = false;
    }
    matches!(parts.first(), Some(Part::Num(_))).then_some(parts)
}

/// The parts a run of letters in an id stands for, given the part before it.
fn alpha_run(run: &str, previous: Option<&Part>, separated: bool) -> Option<Vec<Part>> {
    let first = run.chars().next()?;
    match previous {
        Some(Part::Num(_)) if run.len() == 1 => Some(vec![Part::Letter(first)]),
        Some(Part::Num(_)) if separated && roman_value(run).is_some() => {
            Some(vec![Part::Roman(roman_value(run)?)])
        }
        Some(Part::Num(_)) => Some(vec![Part::Letter(first), Part::Roman(roman_value(&run[1..])?)]),
        Some(_) => match roman_value(run) {
            Some(value) => Some(vec![Part::Roman(value)]),
            None if run.len() == 1 => Some(vec![Part::Letter(first)]),
            None => None,
        },
        None => None,
    }
}

/// The value of a lowercase roman numeral written the standard way (`iv`, not `iiii`).
pub(crate) fn roman_value(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 15 {
        return None;
    }
    let digit = |c: char| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        'c' => Some(100),
        'd' => Some(500),
        'm' => Some(1000),
        _ => None,
    };
    let digits: Vec<u32> = s.chars().map(digit).collect::<Option<_>>()?;
    let mut value = 0;
    for (i, d) in digits.iter().enumerate() {
        match digits.get(i + 1) {
            Some(next) if next > d => value -= *d as i64,
            _ => value += *d as i64,
        }
    }
    let value = u32::try_from(value).ok().filter(|v| *v > 0)?;
    (to_roman(value) == s).then_some(value)
}

/// A number as a lowercase roman numeral.
pub(crate) fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, symbol) in TABLE {
        while n >= value {
            out.push_str(symbol);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Part::*;

    #[test]
    fn rubric_ids_parse_into_paths() {
        assert_eq!(parse_id("1a"), Some(vec![Num(1), Letter('a')]));
        assert_eq!(parse_id("1c-ii"), Some(vec![Num(1), Letter('c'), Roman(2)]));
        assert_eq!(parse_id("1C-IV"), Some(vec![Num(1), Letter('c'), Roman(4)]));
        assert_eq!(parse_id("3b_i"), Some(vec![Num(3), Letter('b'), Roman(1)]));
        assert_eq!(parse_id("3.b.iii"), Some(vec![Num(3), Letter('b'), Roman(3)]));
        assert_eq!(parse_id("1cii"), Some(vec![Num(1), Letter('c'), Roman(2)]));
        assert_eq!(parse_id("1i"), Some(vec![Num(1), Letter('i')]));
        assert_eq!(parse_id("12"), Some(vec![Num(12)]));
        assert_eq!(parse_id("2.1"), Some(vec![Num(2), Num(1)]));
        assert_eq!(parse_id("bonus"), None);
        assert_eq!(parse_id("1 a"), None);
    }

    #[test]
    fn roman_numerals_round_trip_and_reject_non_standard_forms() {
        for (s, v) in [("i", 1), ("iv", 4), ("ix", 9), ("xiv", 14), ("xl", 40)] {
            assert_eq!(roman_value(s), Some(v));
            assert_eq!(to_roman(v), s);
        }
        assert_eq!(roman_value("iiii"), None);
        assert_eq!(roman_value("vx"), None);
        assert_eq!(roman_value("a"), None);
    }

    #[test]
    fn parts_display_as_written_in_ids() {
        let path = parse_id("1c-iv").unwrap();
        let shown: Vec<String> = path.iter().map(Part::to_string).collect();
        assert_eq!(shown, ["1", "c", "iv"]);
    }
}
