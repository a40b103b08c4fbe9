//! The rubric's questions as the splitter looks for them: each question's path, every parent
//! prefix of it, and the extra literal labels the rubric gives.

use std::collections::BTreeMap;

use crate::ids::QuestionId;

use super::path::{parse_id, Part};

/// What a known path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    /// The question at this path, if it is one.
    pub question: Option<QuestionId>,
    /// Whether longer known paths start with this one (it has sub-questions).
    pub has_children: bool,
}

/// Every question of a rubric, by path and by literal label.
#[derive(Debug, Clone, Default)]
pub struct LabelIndex {
    /// Question ids in the order given, with their path (`None` for ids that are not a path).
    questions: Vec<(QuestionId, Option<Vec<Part>>, Vec<String>)>,
    nodes: BTreeMap<Vec<Part>, Node>,
    /// Lowercased literal labels (extra labels, and ids that are not paths), longest first.
    literals: Vec<(String, QuestionId)>,
}

impl LabelIndex {
    /// Index the rubric's questions, each with the extra literal labels the rubric lists for it.
    pub fn new(questions: impl IntoIterator<Item = (QuestionId, Vec<String>)>) -> LabelIndex {
        let mut index = LabelIndex::default();
        for (id, extra) in questions {
            let path = parse_id(id.as_str());
            match &path {
                Some(path) => {
                    for len in 1..path.len() {
                        index
                            .nodes
                            .entry(path[..len].to_vec())
                            .or_insert(Node {
                                question: None,
                                has_children: true,
                            })
                            .has_children = true;
                    }
                    index
                        .nodes
                        .entry(path.clone())
                        .or_insert(Node {
                            question: None,
                            has_children: false,
                        })
                        .question = Some(id.clone());
                }
                None => index
                    .literals
                    .push((id.as_str().trim().to_lowercase(), id.clone())),
            }
            for label in &extra {
                let label = label.trim().to_lowercase();
                if !label.is_empty() {
                    index.literals.push((label, id.clone()));
                }
            }
            index.questions.push((id, path, extra));
        }
        index
            .literals
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        index
    }

    /// The label forms to show a student whose answer to `id` was not found: for `1c-ii`,
    /// `1c-ii`, `1(c)(ii)`, `Q1c-ii`, `Question 1 (c) (ii)`, then the rubric's extra labels.
    pub fn looked_for(&self, id: &QuestionId) -> Vec<String> {
        let Some((_, path, extra)) = self.questions.iter().find(|(q, _, _)| q == id) else {
            return Vec::new();
        };
        let mut forms = vec![id.as_str().to_owned()];
        if let Some(path) = path {
            let (first, rest) = path.split_first().expect("paths are never empty");
            let parens: String = rest.iter().map(|p| format!("({p})")).collect();
            let spaced: String = rest.iter().map(|p| format!(" ({p})")).collect();
            forms.push(format!("{first}{parens}"));
            forms.push(format!("Q{}", id.as_str()));
            forms.push(format!("Question {first}{spaced}"));
        }
        forms.extend(extra.iter().cloned());
        let mut seen = Vec::new();
        forms.retain(|f| {
            let key = f.to_lowercase();
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        forms
    }

    /// The question ids, in the order given.
    pub fn questions(&self) -> impl Iterator<Item = &QuestionId> {
        self.questions.iter().map(|(id, _, _)| id)
    }

    /// What a path names, if it is a question or a parent of one.
    pub(crate) fn node(&self, path: &[Part]) -> Option<&Node> {
        self.nodes.get(path)
    }

    /// The path of a question, if its id is one.
    pub(crate) fn path_of(&self, id: &QuestionId) -> Option<&[Part]> {
        self.questions
            .iter()
            .find(|(q, _, _)| q == id)
            .and_then(|(_, path, _)| path.as_deref())
    }

    /// The literal label `text` starts with (case-insensitive, ending at a word boundary), and
    /// its length in bytes.
    pub(crate) fn literal_at_start(&self, text: &str) -> Option<(&QuestionId, usize)> {
        let lower = text.to_lowercase();
        // Lowercasing may change byte lengths outside ASCII; only trust an exact prefix match.
        self.literals.iter().find_map(|(label, id)| {
            let rest = lower.strip_prefix(label.as_str())?;
            let boundary = rest
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() || !label.ends_with(char::is_alphanumeric));
            let len = label.len();
            (boundary && text.is_char_boundary(len) && text[..len].to_lowercase() == *label)
                .then_some((id, len))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Part::*;

    fn q(id: &str) -> QuestionId {
        QuestionId(id.to_owned())
    }

    fn index() -> LabelIndex {
        LabelIndex::new([
            (q("1a"), vec![]),
            (q("1c-ii"), vec!["Prompting, no data".to_owned()]),
            (q("3b-i"), vec![]),
            (q("bonus"), vec![]),
        ])
    }

    #[test]
    fn questions_and_their_parents_are_known() {
        let index = index();
        let node = |p: &[Part]| index.node(p).cloned();
        assert_eq!(node(&[Num(1), Letter('a')]).unwrap().question, Some(q("1a")));
        let c = node(&[Num(1), Letter('c')]).unwrap();
        assert_eq!((c.question, c.has_children), (None, true));
        assert!(node(&[Num(1)]).unwrap().has_children);
        assert_eq!(
            node(&[Num(1), Letter('c'), Roman(2)]).unwrap().question,
            Some(q("1c-ii"))
        );
        assert_eq!(node(&[Num(2)]), None);
        assert_eq!(
            index.path_of(&q("3b-i")),
            Some(&[Num(3), Letter('b'), Roman(1)][..])
        );
        assert_eq!(index.path_of(&q("bonus")), None);
    }

    #[test]
    fn looked_for_lists_the_usual_forms_and_extra_labels() {
        let index = index();
        assert_eq!(
            index.looked_for(&q("1c-ii")),
            [
                "1c-ii",
                "1(c)(ii)",
                "Q1c-ii",
                "Question 1 (c) (ii)",
                "Prompting, no data"
            ]
        );
        assert_eq!(
            index.looked_for(&q("1a")),
            ["1a", "1(a)", "Q1a", "Question 1 (a)"]
        );
        assert_eq!(index.looked_for(&q("bonus")), ["bonus"]);
        assert!(index.looked_for(&q("9z")).is_empty());
    }

    #[test]
    fn literal_labels_match_at_the_start_at_a_word_boundary() {
        let index = index();
        assert_eq!(
            index.literal_at_start("PROMPTING, no data: hard prompting"),
            Some((&q("1c-ii"), 18))
        );
        assert_eq!(index.literal_at_start("Bonus: yes"), Some((&q("bonus"), 5)));
        assert_eq!(index.literal_at_start("Bonuses are nice"), None);
    }
}
