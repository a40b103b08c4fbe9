//! The student edition of a rubric (`export --student`): what a student may see and nothing
//! of the answer key. It is built by keeping listed keys rather than removing known ones, so a
//! key added to the rubric format later stays out of the edition until someone lets it in.
//!
//! Kept: the assignment's id, title and course; per question its id, labels, points and word
//! limit; the concepts staff mark `practice = true`, whole, with what grading them needs (the
//! question's prompt and policy, its subjects when one is scoped to a subject, the option sets
//! and synonym groups they name).
//! Everything else (other concepts, their patterns, choices and feedback, misconceptions,
//! worked examples, comments) is dropped.

use std::collections::BTreeSet;

use toml::{Table, Value};

/// Why a student edition could not be written.
#[derive(Debug, thiserror::Error)]
pub enum EditionError {
    #[error("cannot read the rubric as TOML: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("cannot write the student edition as TOML: {0}")]
    Write(#[from] toml::ser::Error),
}

/// Question keys every student edition keeps: the answer file's structure and its limits.
const QUESTION_KEYS: &[&str] = &["id", "points", "labels", "max_words", "over_max_words"];

/// Question keys kept only beside practice concepts, which are graded as staff grade them.
const PRACTICE_QUESTION_KEYS: &[&str] = &["prompt", "policy"];

/// The student edition of rubric `text` (already validated), as TOML.
pub fn student_edition(text: &str) -> Result<String, EditionError> {
    let table: Table = text.parse()?;
    let mut out = Table::new();
    out.insert("edition".into(), Value::String("student".into()));
    if let Some(Value::Table(assignment)) = table.get("assignment") {
        out.insert(
            "assignment".into(),
            Value::Table(keep(assignment, &["id", "title", "course"])),
        );
    }
    let questions: Vec<Value> = table
        .get("question")
        .and_then(Value::as_array)
        .map(|qs| {
            qs.iter()
                .filter_map(Value::as_table)
                .map(student_question)
                .map(Value::Table)
                .collect()
        })
        .unwrap_or_default();
    let practice: Vec<&Table> = questions
        .iter()
        .filter_map(Value::as_table)
        .filter_map(|q| q.get("concept").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_table)
        .collect();
    if !practice.is_empty() {
        if let Some(policy) = table.get("policy") {
            out.insert("policy".into(), policy.clone());
        }
    }
    let option_sets: BTreeSet<&str> = practice
        .iter()
        .filter_map(|c| c.get("from").and_then(Value::as_str))
        .collect();
    keep_named(&table, "options", |name| option_sets.contains(name), &mut out);
    out.insert("question".into(), Value::Array(questions));
    // Only the synonym groups the kept patterns name: a group's members can give an answer away.
    let named = group_names(&Value::Table(out.clone()));
    keep_named(&table, "synonyms", |name| named.contains(name), &mut out);
    let title = table
        .get("assignment")
        .and_then(|a| a.get("title"))
        .and_then(Value::as_str)
        .unwrap_or("the assignment");
    let mut text = format!(
        "# Student edition of the rubric for \"{}\".\n\
         # It holds question ids, labels, points, word limits and the concepts released for\n\
         # practice, and no answer key: `rubricate check` checks an answer file's structure\n\
         # with it; it cannot grade.\n\n",
        title.replace(['\n', '\r'], " ")
    );
    text.push_str(&toml::to_string_pretty(&out)?);
    Ok(text)
}

/// One question of the student edition.
fn student_question(question: &Table) -> Table {
    let mut out = keep(question, QUESTION_KEYS);
    let practice: Vec<Table> = question
        .get("concept")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_table)
        .filter(|c| c.get("practice").and_then(Value::as_bool) == Some(true))
        .cloned()
        .collect();
    if practice.is_empty() {
        return out;
    }
    let ids: BTreeSet<String> = practice
        .iter()
        .filter_map(|c| c.get("id").and_then(Value::as_str).map(String::from))
        .collect();
    let is_practice = |id: &Value| id.as_str().is_some_and(|id| ids.contains(id));
    out.extend(keep(question, PRACTICE_QUESTION_KEYS));
    // Every subject, not only the practice concepts': each one marks where another part of
    // the answer begins, so dropping one would let a part run on into the next.
    let scoped = practice.iter().any(|c| c.contains_key("subject"));
    if let (true, Some(subjects)) = (scoped, question.get("subjects")) {
        out.insert("subjects".into(), subjects.clone());
    }
    if let Some(Value::Array(groups)) = question.get("exclusive") {
        let kept: Vec<Value> = groups
            .iter()
            .filter_map(Value::as_array)
            .map(|g| g.iter().filter(|id| is_practice(id)).cloned().collect::<Vec<_>>())
            .filter(|g| g.len() >= 2)
            .map(Value::Array)
            .collect();
        if !kept.is_empty() {
            out.insert("exclusive".into(), Value::Array(kept));
        }
    }
    let concepts = practice
        .into_iter()
        .map(|mut concept| {
            // A wrong choice may cancel only what the edition still holds.
            if let Some(Value::Array(cancelled)) = concept.get_mut("wrong_cancels") {
                cancelled.retain(|id| is_practice(id));
            }
            concept.remove("visibility");
            Value::Table(concept)
        })
        .collect();
    out.insert("concept".into(), Value::Array(concepts));
    out
}

/// The entries of `table` under `keys`, in the table's order.
fn keep(table: &Table, keys: &[&str]) -> Table {
    table
        .iter()
        .filter(|(key, _)| keys.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Every `{name}` written in a string anywhere in `value`.
fn group_names(value: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut pending = vec![value];
    while let Some(v) = pending.pop() {
        match v {
            Value::String(s) => {
                let mut rest = s.as_str();
                while let Some(start) = rest.find('{') {
                    rest = &rest[start + 1..];
                    if let Some(end) = rest.find(['{', '}']).filter(|&e| rest[e..].starts_with('}')) {
                        names.insert(rest[..end].to_string());
                        rest = &rest[end + 1..];
                    }
                }
            }
            Value::Array(items) => pending.extend(items),
            Value::Table(table) => pending.extend(table.values()),
            _ => {}
        }
    }
    names
}

/// Copy into `out` the entries of the table `key` of `table` whose names `keep` (nothing when
/// none is).
fn keep_named(table: &Table, key: &str, keep: impl Fn(&str) -> bool, out: &mut Table) {
    if let Some(Value::Table(all)) = table.get(key) {
        let used: Table = all
            .iter()
            .filter(|(name, _)| keep(name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if !used.is_empty() {
            out.insert(key.into(), Value::Table(used));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::rubric::{ConceptRule, Edition};

    const RUBRIC: &str = r#"
[assignment]
id = "a"
title = "A"
[synonyms]
mask = ["mask", "hide"]
secret = ["pretext"]
[options.yes-no]
yes = ["yes"]
no = ["no"]
[options.unused]
x = ["xylophone"]
[[question]]
id = "1a"
points = 3
prompt = "Do you still mask?"
max_words = 40
exclusive = [["no", "secret", "say-no"]]
  [[question.concept]]
  id = "no"
  points = 1
  negated = ["{mask}"]
  miss = "Say whether you still mask"
  [[question.concept]]
  id = "say-no"
  points = 1
  practice = true
  choose = "no"
  from = "yes-no"
  hit = "Right: no"
  [[question.concept]]
  id = "secret"
  points = 1
  visibility = "hidden"
  match = ["{secret} task"]
  [[question.misconception]]
  id = "keep"
  match = ["keep masking"]
  [[question.example]]
  answer = "No, pretext task."
  score = 2
[[question]]
id = "1b"
points = 1
labels = ["Part B"]
visibility = "after-due"
  [[question.concept]]
  id = "late"
  points = 1
  visibility = "after-due"
  match = ["okapi"]
  miss = "The answer was okapi"
"#;

    #[test]
    fn only_practice_concepts_and_the_structure_are_kept() {
        let edition = student_edition(RUBRIC).unwrap();
        for secret in [
            "secret",
            "pretext",
            "keep masking",
            "{mask}",
            "Say whether",
            "okapi",
            "xylophone",
            "hide",
        ] {
            assert!(!edition.contains(secret), "`{secret}` is in\n{edition}");
        }
        let rubric =
            crate::rubric::parse(Path::new("s.toml"), &edition).unwrap_or_else(|e| panic!("{e}\n{edition}"));
        assert_eq!(rubric.edition, Edition::Student);
        let [a, b] = rubric.questions.as_slice() else {
            panic!("{edition}")
        };
        assert_eq!(a.concepts.len(), 1);
        assert!(a.concepts[0].practice);
        assert!(matches!(a.concepts[0].rule, ConceptRule::Choice(_)));
        assert_eq!(a.concepts[0].hit_feedback.as_deref(), Some("Right: no"));
        assert_eq!(a.max_words, Some(40));
        assert_eq!(a.prompt, "Do you still mask?");
        assert!(a.exclusive.is_empty() && a.misconceptions.is_empty() && a.examples.is_empty());
        assert!(b.concepts.is_empty());
        assert_eq!(b.extra_labels, ["Part B"]);
        assert_eq!(b.prompt, "", "no practice concept, so no prompt");
    }

    #[test]
    fn the_synonym_groups_of_practice_patterns_are_kept() {
        let text = RUBRIC.replace(
            "  negated = [\"{mask}\"]",
            "  practice = true\n  negated = [\"{mask}\"]",
        );
        let edition = student_edition(&text).unwrap();
        assert!(
            edition.contains("{mask}") && edition.contains("\"hide\""),
            "{edition}"
        );
        assert!(!edition.contains("pretext"), "{edition}");
        let rubric =
            crate::rubric::parse(Path::new("s.toml"), &edition).unwrap_or_else(|e| panic!("{e}\n{edition}"));
        assert_eq!(rubric.questions[0].exclusive, [vec![0, 1]]);
    }

    #[test]
    fn a_student_edition_with_any_of_the_key_is_refused() {
        let text = format!("edition = \"student\"\n{RUBRIC}");
        let problems = match crate::rubric::parse(Path::new("s.toml"), &text) {
            Err(crate::rubric::RubricError::Invalid(d)) => d.to_string(),
            other => panic!("{other:?}"),
        };
        assert!(
            problems.contains("concept `no` is in a student edition but not released for practice"),
            "{problems}"
        );
        assert!(
            problems.contains("a student edition holds no misconceptions (`keep`)"),
            "{problems}"
        );
        assert!(
            problems.contains("a student edition holds no worked examples"),
            "{problems}"
        );
    }

    #[test]
    fn a_practice_concept_cannot_be_withheld_from_students() {
        let text = RUBRIC.replace(
            "  visibility = \"after-due\"\n  match",
            "  visibility = \"after-due\"\n  practice = true\n  match",
        );
        let problems = match crate::rubric::parse(Path::new("s.toml"), &text) {
            Err(crate::rubric::RubricError::Invalid(d)) => d.to_string(),
            other => panic!("{other:?}"),
        };
        assert!(
            problems.contains("concept `late` is released for practice, but its concept is `after-due`"),
            "{problems}"
        );
    }

    #[test]
    fn a_scoped_practice_concept_keeps_every_subject_of_its_question() {
        let text = r#"
[assignment]
id = "a"
title = "A"
[[question]]
id = "2"
points = 2
subjects = { bert = ["BERT"], gpt = ["GPT"] }
  [[question.concept]]
  id = "bert-no"
  points = 1
  subject = "bert"
  practice = true
  match = ["cannot generate"]
  [[question.concept]]
  id = "gpt-yes"
  points = 1
  subject = "gpt"
  match = ["left to right"]
"#;
        let edition = student_edition(text).unwrap();
        assert!(!edition.contains("left to right"), "{edition}");
        let rubric =
            crate::rubric::parse(Path::new("s.toml"), &edition).unwrap_or_else(|e| panic!("{e}\n{edition}"));
        let ids: Vec<&str> = rubric.questions[0]
            .subjects
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(ids, ["bert", "gpt"]);
    }

    #[test]
    fn an_unknown_edition_is_an_error_at_its_place() {
        let text = format!("edition = \"teacher\"\n{RUBRIC}");
        match crate::rubric::parse(Path::new("s.toml"), &text) {
            Err(crate::rubric::RubricError::Invalid(d)) => assert_eq!(
                d.to_string().lines().next(),
                Some("s.toml:1:11: error: edition `teacher` is not one of `staff`, `student`")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_practice_coverage_concept_is_kept_whole_and_another_dropped() {
        let text = r#"
[assignment]
id = "a"
title = "A"
[synonyms]
order = ["last in first out", "lifo"]
[[question]]
id = "1"
points = 2
  [[question.concept]]
  id = "stack"
  points = 1
  practice = true
  credit = { 1 = 0.5, 2 = 1 }
  ideas = [{ id = "lifo", match = ["{order}"], miss = "Say the order." }, { id = "top", match = ["top of the stack"] }]
  [[question.concept]]
  id = "queue"
  points = 1
  ideas = [{ id = "fifo", match = ["first in first out"], hit = "Right: FIFO." }]
"#;
        let edition = student_edition(text).unwrap();
        for secret in ["queue", "first in first out", "Right: FIFO"] {
            assert!(!edition.contains(secret), "`{secret}` is in\n{edition}");
        }
        let rubric =
            crate::rubric::parse(Path::new("s.toml"), &edition).unwrap_or_else(|e| panic!("{e}\n{edition}"));
        let [concept] = rubric.questions[0].concepts.as_slice() else {
            panic!("{edition}")
        };
        let ConceptRule::Coverage(coverage) = &concept.rule else {
            panic!("{edition}")
        };
        let ideas: Vec<&str> = coverage.ideas.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ideas, ["lifo", "top"]);
        assert_eq!(coverage.ideas[0].miss_feedback.as_deref(), Some("Say the order."));
        assert_eq!(
            coverage.credit,
            crate::rubric::Credit::Thresholds(vec![
                (1, crate::ids::Points::from_f64(0.5)),
                (2, crate::ids::Points::whole(1))
            ])
        );
        assert!(
            edition.contains("\"lifo\""),
            "the idea's synonym group is kept: {edition}"
        );
    }

    #[test]
    fn group_names_finds_every_braced_name() {
        let names = group_names(&Value::String("{a} x {b}} {".into()));
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["a", "b"]);
    }
}
