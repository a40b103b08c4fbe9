//! Identifiers and point values shared by every stage: question and student ids, and `Points`,
//! an exact decimal so that totals never drift and output is byte-identical on every run.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A question id as the rubric spells it (`1a`, `1c-ii`, `3b-i`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub String);

impl QuestionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A student id: a submission's file name without its extension, or its folder's name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StudentId(pub String);

impl StudentId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id a file or folder name gives: the name itself when it is text; otherwise each
    /// byte that is not UTF-8 written as `\xFF`, so that two names differing only there stay
    /// two students (a lossy decoding made them one, and one's work disappeared).
    pub fn from_file_name(name: &std::ffi::OsStr) -> StudentId {
        if let Some(text) = name.to_str() {
            return StudentId(text.to_string());
        }
        #[cfg(unix)]
        {
            use std::fmt::Write;
            use std::os::unix::ffi::OsStrExt;
            let mut id = String::new();
            for chunk in name.as_bytes().utf8_chunks() {
                id.push_str(chunk.valid());
                for byte in chunk.invalid() {
                    let _ = write!(id, "\\x{byte:02X}");
                }
            }
            StudentId(id)
        }
        #[cfg(not(unix))]
        StudentId(name.to_string_lossy().into_owned())
    }
}

impl fmt::Display for StudentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A group's id: 12 hex digits, from its question and representative content.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct GroupId(pub String);

impl GroupId {
    /// The id of the group of `question` whose representative content is `content`.
    pub fn of(question: &QuestionId, content: &str) -> GroupId {
        let mut key = Vec::with_capacity(question.as_str().len() + 1 + content.len());
        key.extend_from_slice(question.as_str().as_bytes());
        key.push(b'\n');
        key.extend_from_slice(content.as_bytes());
        GroupId(format!("{:012x}", crate::matching::fnv::hash(key) >> 16))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for GroupId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Points, stored in hundredths so that sums are exact (`0.5 + 0.5 + 1 == 2`, always).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(i64);

impl Points {
    pub const ZERO: Points = Points(0);

    /// Whole points.
    pub const fn whole(n: i64) -> Points {
        Points(n * 100)
    }

    /// From a decimal as written in a rubric; rounds to the nearest hundredth.
    pub fn from_f64(value: f64) -> Points {
        Points((value * 100.0).round() as i64)
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// From a count of hundredths.
    pub const fn from_hundredths(hundredths: i64) -> Points {
        Points(hundredths)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The mean, rounded half away from zero to the hundredth (exact: sums are in hundredths);
    /// `None` for no values.
    pub fn mean(values: impl Iterator<Item = Points>) -> Option<Points> {
        let (sum, n) = values.fold((0i64, 0i64), |(sum, n), p| (sum + p.0, n + 1));
        Points::rounded_mean(sum, n)
    }

    /// [`Points::mean`] of a tally: how many times each value occurs.
    pub fn mean_of_counts(counts: &std::collections::BTreeMap<Points, usize>) -> Option<Points> {
        let (sum, n) = counts.iter().fold((0i64, 0i64), |(sum, n), (p, &k)| {
            (sum + p.0 * k as i64, n + k as i64)
        });
        Points::rounded_mean(sum, n)
    }

    /// `sum / n` hundredths, rounded half away from zero.
    fn rounded_mean(sum: i64, n: i64) -> Option<Points> {
        (n != 0).then(|| Points((2 * sum + sum.signum() * n) / (2 * n)))
    }

    /// Clamp into `0..=max`.
    pub fn clamp_to(self, max: Points) -> Points {
        Points(self.0.clamp(0, max.0.max(0)))
    }
}

impl fmt::Display for Points {
    /// `2`, `1.5`, `0.25`: no trailing zeros, so CSV cells read like a gradebook.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match frac {
            0 => write!(f, "{sign}{whole}"),
            f2 if f2 % 10 == 0 => write!(f, "{sign}{whole}.{}", f2 / 10),
            f2 => write!(f, "{sign}{whole}.{f2:02}"),
        }
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, rhs: Points) -> Points {
        Points(self.0 + rhs.0)
    }
}

impl AddAssign for Points {
    fn add_assign(&mut self, rhs: Points) {
        self.0 += rhs.0;
    }
}

impl Sub for Points {
    type Output = Points;
    fn sub(self, rhs: Points) -> Points {
        Points(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Add::add)
    }
}

/// Serialized as a JSON number (`2`, `1.5`), never as a string.
impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            serializer.serialize_i64(self.0 / 100)
        } else {
            serializer.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Points, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if !value.is_finite() {
            return Err(serde::de::Error::custom("points must be a finite number"));
        }
        Ok(Points::from_f64(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_display_without_trailing_zeros() {
        assert_eq!(Points::whole(2).to_string(), "2");
        assert_eq!(Points::from_f64(1.5).to_string(), "1.5");
        assert_eq!(Points::from_f64(0.25).to_string(), "0.25");
        assert_eq!(Points::from_f64(-1.0).to_string(), "-1");
    }

    #[test]
    fn points_sum_exactly() {
        let total: Points = [0.1, 0.2, 0.7].iter().map(|p| Points::from_f64(*p)).sum();
        assert_eq!(total, Points::whole(1));
    }

    #[cfg(unix)]
    #[test]
    fn undecodable_file_names_give_distinct_ids() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let id = |bytes: &[u8]| StudentId::from_file_name(OsStr::from_bytes(bytes)).0;
        assert_eq!(id(b"bad\xffname"), "bad\\xFFname");
        assert_eq!(id(b"bad\xfename"), "bad\\xFEname");
        assert_eq!(id("zo\u{eb}".as_bytes()), "zo\u{eb}");
    }

    #[test]
    fn points_clamp_into_range() {
        assert_eq!(Points::whole(-1).clamp_to(Points::whole(2)), Points::ZERO);
        assert_eq!(Points::whole(3).clamp_to(Points::whole(2)), Points::whole(2));
    }
}
