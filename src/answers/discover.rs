//! Labels found without a rubric: which question ids a document's own labels name, for an
//! answer key read before any rubric exists (`rubricate draft`). Only labels that stand on
//! their own are taken: absolute ones (`1a`, `Q3`, `## 2(b)`), never relative sub-parts.

use super::recognize::{decoration, parse_label, Token};
use crate::submission::SourceLine;

/// A label line: its 1-based line number and the question id it names, written the way a
/// rubric would (`1a`, `1c-ii`, `3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelLine {
    pub line: usize,
    pub id: String,
    /// The rest of the line after the label (and its `:`, `.`, `)` or dash).
    pub text: String,
}

/// Words that follow a number that is a count of points, not a label (`1 pt: ...`); also
/// the words of `(5 points)` on an answer key's label line.
pub const POINT_WORDS: &[&str] = &["pt", "pts", "point", "points", "mark", "marks"];

/// The labels of a document, in order. A number followed by a point word (`- 1 pt: No`) is a
/// statement of points, not a label.
pub fn label_lines(lines: &[SourceLine]) -> Vec<LabelLine> {
    lines
        .iter()
        .filter_map(|line| {
            let (id, text) = label_and_text(&line.text)?;
            Some(LabelLine {
                line: line.number,
                id,
                text,
            })
        })
        .collect()
}

/// The question id that a line's label names, if the line opens with an absolute label.
pub fn label_id(line: &str) -> Option<String> {
    label_and_text(line).map(|(id, _)| id)
}

fn label_and_text(line: &str) -> Option<(String, String)> {
    let deco = decoration(line);
    let s = &line[deco.start..];
    let syntax = parse_label(s)?;
    if !syntax.absolute {
        return None;
    }
    let k = syntax.runs.iter().rposition(|r| r.text_start.is_some())?;
    let run = syntax.runs[k];
    let rest = &s[run.text_start.unwrap_or(run.label_end)..];
    let first_word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    if !run.punctuated && POINT_WORDS.contains(&first_word.as_str()) {
        return None;
    }
    let mut id = String::new();
    for (i, token) in syntax.tokens[..=k].iter().enumerate() {
        match token {
            Token::Num(n) if i == 0 => id.push_str(&n.to_string()),
            Token::Num(n) => id.push_str(&format!("-{n}")),
            // A letter right after the number joins it (`1a`); later parts are dashed (`1c-ii`).
            Token::Alpha(a) if i == 1 => id.push_str(a),
            Token::Alpha(a) => id.push_str(&format!("-{a}")),
        }
    }
    let text = rest.trim_start_matches(['*', '_']).trim().to_owned();
    Some((id, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_labels_give_rubric_ids() {
        assert_eq!(label_id("## 1a (2 pts) MAE").as_deref(), Some("1a"));
        assert_eq!(label_id("- 1c-ii (90B LM): hard").as_deref(), Some("1c-ii"));
        assert_eq!(label_id("Question 3 (b) (i): yes").as_deref(), Some("3b-i"));
        assert_eq!(label_id("**2.** A stack").as_deref(), Some("2"));
        assert_eq!(label_id("Q4: at the main function").as_deref(), Some("4"));
    }

    #[test]
    fn points_and_prose_are_not_labels() {
        assert_eq!(label_id("- 1 pt: **No**: the whole input"), None);
        assert_eq!(label_id("2 points for a reason"), None);
        assert_eq!(label_id("(b) relative parts are not taken"), None);
        assert_eq!(label_id("A stack is last in, first out."), None);
    }

    #[test]
    fn ids_parse_back_to_their_paths() {
        for line in ["## 1c-iii (1 pt)", "Question 3 (b) (ii)", "12. text"] {
            let id = label_id(line).unwrap();
            assert!(crate::answers::parse_id(&id).is_some(), "{id}");
        }
    }
}
