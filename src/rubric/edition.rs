//! The student edition of a rubric: the same questions and labels, with hidden concepts (and
//! every reference to them), misconception patterns and worked examples removed, so it can be
//! handed out and used with `check` without revealing what is graded in secret.

use toml::{Table, Value};

/// The student edition of rubric `text` (already validated), as TOML.
pub fn student_edition(text: &str) -> Result<String, String> {
    let mut table: Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    if let Some(Value::Array(questions)) = table.get_mut("question") {
        for question in questions.iter_mut().filter_map(Value::as_table_mut) {
            strip_question(question);
        }
    }
    let mut out = String::from("# Student edition: hidden concepts, misconceptions and examples removed.\n");
    out.push_str(&toml::to_string_pretty(&table).map_err(|e| e.to_string())?);
    Ok(out)
}

fn strip_question(question: &mut Table) {
    let hidden: Vec<String> = question
        .get("concept")
        .and_then(Value::as_array)
        .map(|concepts| {
            concepts
                .iter()
                .filter(|c| c.get("visibility").and_then(Value::as_str) == Some("hidden"))
                .filter_map(|c| c.get("id").and_then(Value::as_str).map(String::from))
                .collect()
        })
        .unwrap_or_default();
    question.remove("example");
    question.remove("misconception");
    if let Some(Value::Array(concepts)) = question.get_mut("concept") {
        concepts.retain(|c| c.get("visibility").and_then(Value::as_str) != Some("hidden"));
        for concept in concepts.iter_mut().filter_map(Value::as_table_mut) {
            if let Some(Value::Array(ids)) = concept.get_mut("wrong_cancels") {
                ids.retain(|id| !id.as_str().is_some_and(|id| hidden.iter().any(|h| h == id)));
            }
        }
    }
    if let Some(Value::Array(groups)) = question.get_mut("exclusive") {
        for group in groups.iter_mut().filter_map(Value::as_array_mut) {
            group.retain(|id| !id.as_str().is_some_and(|id| hidden.iter().any(|h| h == id)));
        }
        groups.retain(|g| g.as_array().is_some_and(|g| g.len() >= 2));
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn hidden_concepts_and_their_references_are_removed() {
        let text = r#"
[assignment]
id = "a"
title = "A"
[[question]]
id = "1a"
points = 2
exclusive = [["no", "secret"]]
  [[question.concept]]
  id = "no"
  points = 1
  match = ["no"]
  [[question.concept]]
  id = "secret"
  points = 1
  visibility = "hidden"
  match = ["pretext task"]
  [[question.misconception]]
  id = "keep"
  match = ["keep masking"]
  [[question.example]]
  answer = "No, pretext task."
  score = 2
"#;
        let edition = student_edition(text).unwrap();
        assert!(!edition.contains("secret"), "{edition}");
        assert!(!edition.contains("pretext"), "{edition}");
        assert!(!edition.contains("keep masking"), "{edition}");
        let rubric =
            crate::rubric::parse(Path::new("s.toml"), &edition).unwrap_or_else(|e| panic!("{e}\n{edition}"));
        assert_eq!(rubric.questions[0].concepts.len(), 1);
        assert!(rubric.questions[0].exclusive.is_empty());
    }
}
