//! Stage 3: split a student's documents into one answer per question. A line that starts with a
//! label naming a question opens that question's answer, which runs to the next label. Labels
//! are resolved against the rubric's question paths, relative labels (`(b)`, `ii.`) against the
//! parent labels above them (`Question 1`, `1(c)`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::grading::grades::AnswerLocation;
use crate::ids::QuestionId;
use crate::submission::{display_path, Document};

use super::labels::{LabelIndex, Node};
use super::path::Part;
use super::recognize::{decoration, parse_label, LabelSyntax, Token};

/// A student's answers, by question.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitAnswers {
    /// The answer found for each question; questions without a label are absent.
    pub answers: BTreeMap<QuestionId, FoundAnswer>,
    /// Questions labelled more than once; the last answer is the one kept.
    pub answered_twice: BTreeSet<QuestionId>,
    /// Things a grader should know (ignored text, unknown labels, duplicates), with file and line.
    pub warnings: Vec<String>,
    /// Labels that matched no question, whose text was ignored.
    pub unknown_labels: Vec<AnswerLocation>,
}

/// One answer and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundAnswer {
    pub location: AnswerLocation,
    /// The answer's lines joined with `\n`, without the label, trimmed; empty for a bare label.
    pub text: String,
}

/// Split a student's documents (in order) into answers. Answers may come in any order and span
/// several documents; the parent context of relative labels starts afresh in each document.
pub fn split(documents: &[Document], index: &LabelIndex) -> SplitAnswers {
    let mut result = SplitAnswers::default();
    for document in documents {
        let mut splitter = DocumentSplitter::new(&document.path, index);
        for line in &document.lines {
            splitter.line(line.number, &line.text);
        }
        // A notebook's labels are told by cell and line, not by the JSON file's line.
        let cell_of = |number: usize| {
            document
                .lines
                .iter()
                .find(|l| l.number == number)
                .and_then(|l| l.cell)
        };
        for label in &mut splitter.unknown_labels {
            label.cell = cell_of(label.line);
        }
        result.unknown_labels.append(&mut splitter.unknown_labels);
        let (mut answers, warnings) = splitter.finish();
        for (_, answer) in answers.iter_mut() {
            answer.location.cell = cell_of(answer.location.line);
        }
        result.warnings.extend(warnings);
        for (id, answer) in answers {
            if let Some(earlier) = result.answers.get(&id) {
                result.warnings.push(format!(
                    "{id} answered twice ({} and {}); the later answer is graded",
                    place(&earlier.location.file, earlier.location.line),
                    place(&answer.location.file, answer.location.line),
                ));
                result.answered_twice.insert(id.clone());
            }
            result.answers.insert(id, answer);
        }
    }
    result
}

fn place(file: impl std::fmt::Display, line: usize) -> String {
    format!("{file}:{line}")
}

/// What one line is, given the labels above it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    /// Answer text (or text outside any answer).
    Text,
    /// Opens an answer; `text` is the rest of the line after the label.
    Answer {
        id: QuestionId,
        label: String,
        text: String,
        frames: Vec<Vec<Part>>,
    },
    /// Names a parent (`Question 1`, `1(c)`): sets the context for relative labels.
    Parent { label: String, frames: Vec<Vec<Part>> },
    /// Looks like a label (`Question 4`, `Q5:`) but names nothing in the rubric.
    Unknown { label: String },
}

/// Where the lines being read belong.
enum Block {
    /// Before the first label: first and last non-blank line numbers.
    Preamble(Option<(usize, usize)>),
    Answer {
        id: QuestionId,
        location: AnswerLocation,
        lines: Vec<String>,
    },
    /// Under a parent label: its label and line, and the first line of text found under it.
    Parent {
        label: String,
        line: usize,
        text_at: Option<usize>,
    },
    /// Under a label that names no question (already warned about).
    Ignored,
}

/// The state of the split of one document.
struct DocumentSplitter<'a> {
    file: &'a Path,
    index: &'a LabelIndex,
    /// The parent paths relative labels may attach to, outermost first: an absolute parent
    /// label, then the relative parent labels under it.
    frames: Vec<Vec<Part>>,
    block: Block,
    labelled: bool,
    answers: Vec<(QuestionId, FoundAnswer)>,
    warnings: Vec<String>,
    unknown_labels: Vec<AnswerLocation>,
}

impl<'a> DocumentSplitter<'a> {
    fn new(file: &'a Path, index: &'a LabelIndex) -> DocumentSplitter<'a> {
        DocumentSplitter {
            file,
            index,
            frames: Vec::new(),
            block: Block::Preamble(None),
            labelled: false,
            answers: Vec::new(),
            warnings: Vec::new(),
            unknown_labels: Vec::new(),
        }
    }

    fn line(&mut self, number: usize, text: &str) {
        match classify(text, &self.frames, self.index) {
            Line::Text => self.text(number, text),
            Line::Answer {
                id,
                label,
                text,
                frames,
            } => {
                self.close();
                self.frames = frames;
                let location = AnswerLocation {
                    file: display_path(self.file),
                    line: number,
                    label,
                    cell: None,
                };
                self.block = Block::Answer {
                    id,
                    location,
                    lines: vec![text],
                };
            }
            Line::Parent { label, frames } => {
                self.close();
                self.frames = frames;
                self.block = Block::Parent {
                    label,
                    line: number,
                    text_at: None,
                };
            }
            Line::Unknown { label } => {
                self.close();
                self.frames.clear();
                self.unknown_labels.push(AnswerLocation {
                    file: display_path(self.file),
                    line: number,
                    label: label.clone(),
                    cell: None,
                });
                self.warnings.push(format!(
                    "{}: label \"{label}\" matches no question; the text under it was ignored",
                    place(self.file.display(), number)
                ));
                self.block = Block::Ignored;
            }
        }
    }

    fn text(&mut self, number: usize, text: &str) {
        let blank = text.trim().is_empty();
        match &mut self.block {
            Block::Answer { lines, .. } => lines.push(text.to_owned()),
            Block::Preamble(span) if !blank => {
                let first = span.map_or(number, |(first, _)| first);
                *span = Some((first, number));
            }
            Block::Parent { text_at, .. } if !blank => {
                text_at.get_or_insert(number);
            }
            _ => {}
        }
    }

    /// End the current block at a new label.
    fn close(&mut self) {
        let block = std::mem::replace(&mut self.block, Block::Ignored);
        match block {
            Block::Preamble(Some((first, last))) => self.warnings.push(format!(
                "{}: text before the first question label (lines {first}-{last}) was ignored",
                self.file.display()
            )),
            Block::Answer { id, location, lines } => {
                let text = lines.join("\n").trim().to_owned();
                self.answers.push((id, FoundAnswer { location, text }));
            }
            Block::Parent {
                label,
                line,
                text_at: Some(at),
            } => self.warnings.push(format!(
                "{}: text under \"{label}\" (line {line}), which is not itself a question, \
                 was ignored",
                place(self.file.display(), at)
            )),
            _ => {}
        }
        self.labelled = true;
    }

    fn finish(mut self) -> (Vec<(QuestionId, FoundAnswer)>, Vec<String>) {
        if !self.labelled {
            if let Block::Preamble(Some(_)) = self.block {
                self.warnings.push(format!(
                    "{}: no question labels found (such as 1a, 1(a), Q1a or Question 1 (a)); \
                     nothing in it was graded",
                    self.file.display()
                ));
                self.block = Block::Ignored;
            }
        }
        self.close();
        (self.answers, self.warnings)
    }
}

/// Decide what a line is. `frames` are the parents relative labels may attach to.
fn classify(line: &str, frames: &[Vec<Part>], index: &LabelIndex) -> Line {
    let deco = decoration(line);
    let s = &line[deco.start..];
    if s.is_empty() {
        return Line::Text;
    }
    if let Some(found) = literal(s, index) {
        return found;
    }
    let Some(syntax) = parse_label(s) else {
        return Line::Text;
    };
    let strong = syntax.keyword || deco.heading || deco.emphasis;
    let label = Label {
        s,
        syntax: &syntax,
        strong,
    };
    let found = if syntax.absolute {
        label.resolve(index, &[])
    } else {
        // The innermost parent first; an outer one only as a sibling of the relative parent
        // label that opened the inner one (`(c)` after `(b)` and its `(i)`, `(ii)`).
        (0..frames.len())
            .rev()
            .find_map(|f| label.resolve(index, &frames[..=f]))
    };
    match found {
        Some(line) => line,
        None if syntax.absolute && strong && syntax.runs.last().is_some_and(|r| r.text_start.is_some()) => {
            let end = syntax.runs.last().map_or(s.len(), |r| r.label_end);
            Line::Unknown {
                label: s[..end].trim().to_owned(),
            }
        }
        None => Line::Text,
    }
}

/// A rubric literal label at the start of the line (such as an extra label `Bonus`).
fn literal(s: &str, index: &LabelIndex) -> Option<Line> {
    let (id, len) = index.literal_at_start(s)?;
    let after = &s[len..];
    let rest = after
        .trim_start_matches(['*', '_'])
        .trim_start_matches([':', '.', ')'])
        .trim_start_matches(['*', '_']);
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace) || rest.starts_with(" -")) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(['-', '–', '—']).map_or(rest, str::trim_start);
    let frames = match index.path_of(id) {
        Some(path) if index.node(path).is_some_and(|n| n.has_children) => vec![path.to_vec()],
        _ => Vec::new(),
    };
    Some(Line::Answer {
        id: id.clone(),
        label: s[..len].to_owned(),
        text: rest.to_owned(),
        frames,
    })
}

/// A parsed label on a line, being resolved.
struct Label<'s> {
    s: &'s str,
    syntax: &'s LabelSyntax,
    strong: bool,
}

impl Label<'_> {
    /// Resolve the label under the innermost of `frames` (or from the root when empty), taking
    /// the longest run of its parts that names a known node.
    fn resolve(&self, index: &LabelIndex, frames: &[Vec<Part>]) -> Option<Line> {
        let base: &[Part] = frames.last().map_or(&[], Vec::as_slice);
        let last = self.syntax.tokens.len() - 1;
        for k in (0..=last).rev() {
            let run = self.syntax.runs[k];
            let Some(text_start) = run.text_start else {
                continue;
            };
            if self.syntax.absolute && k == 0 && !self.strong && !run.punctuated {
                // A bare number (`2 layers`) is text; `2.`, `2)`, `Question 2` are labels.
                continue;
            }
            let Some((path, node)) = lookup(index, base, &self.syntax.tokens[..=k]) else {
                continue;
            };
            let label = self.s[..run.label_end].trim().to_owned();
            let text = self.s[text_start..].to_owned();
            // Relative labels keep the frames they resolved in, plus any parents they named
            // on the way (`(c)(i)` under `Question 1` makes `(ii)` resolve under 1(c)).
            let mut new_frames: Vec<Vec<Part>> = if self.syntax.absolute {
                // `1c. (i)` / `1(c)(i)`: a parenthesised last part invites `(ii)` next, so its
                // parent becomes the context (`#### 1.c.iii` does not: see gtanaka).
                match path.split_last() {
                    Some((_, parent)) if !parent.is_empty() && label.ends_with(')') => vec![parent.to_vec()],
                    _ => Vec::new(),
                }
            } else {
                let mut kept = frames.to_vec();
                kept.extend((base.len() + 1..path.len()).map(|len| path[..len].to_vec()));
                kept
            };
            if node.has_children {
                new_frames.push(path.clone());
            }
            return match &node.question {
                Some(id) => Some(Line::Answer {
                    id: id.clone(),
                    label,
                    text,
                    frames: new_frames,
                }),
                // A parent label must be the whole label, with at most a title after it
                // (so that a list item `1. use the data` inside an answer stays text).
                None if k == last && (text.trim().is_empty() || self.strong) => Some(Line::Parent {
                    label,
                    frames: new_frames,
                }),
                None => None,
            };
        }
        None
    }
}

/// The known node that `base` followed by `tokens` names, trying both readings of `i`, `v`, `x`
/// (a question is preferred over a mere parent).
fn lookup<'i>(index: &'i LabelIndex, base: &[Part], tokens: &[Token]) -> Option<(Vec<Part>, &'i Node)> {
    let mut candidates = vec![base.to_vec()];
    for token in tokens {
        candidates = candidates
            .iter()
            .flat_map(|path| {
                token.interpretations().into_iter().filter_map(move |part| {
                    let mut longer = path.clone();
                    longer.push(part);
                    index.node(&longer).is_some().then_some(longer)
                })
            })
            .collect();
    }
    let mut nodes: Vec<(Vec<Part>, &Node)> = candidates
        .into_iter()
        .filter_map(|path| index.node(&path).map(|node| (path, node)))
        .collect();
    nodes.sort_by_key(|(_, node)| node.question.is_none());
    nodes.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submission::{discover, read_document, SourceLine};
    use std::path::PathBuf;

    const IDS: &[&str] = &[
        "1a", "1b", "1c-i", "1c-ii", "1c-iii", "1c-iv", "2a", "2b", "3a", "3b-i", "3b-ii", "3c",
    ];

    fn index() -> LabelIndex {
        LabelIndex::new(IDS.iter().map(|id| (QuestionId((*id).to_owned()), Vec::new())))
    }

    fn doc(name: &str, text: &str) -> Document {
        Document {
            path: PathBuf::from(name),
            lines: text
                .lines()
                .enumerate()
                .map(|(i, l)| SourceLine::new(i + 1, l))
                .collect(),
            warnings: Vec::new(),
            hidden: Vec::new(),
        }
    }

    fn split_text(text: &str) -> SplitAnswers {
        split(&[doc("s.md", text)], &index())
    }

    /// `id => text` for every answer found.
    fn texts(split: &SplitAnswers) -> Vec<(String, String)> {
        split
            .answers
            .iter()
            .map(|(id, a)| (id.0.clone(), a.text.clone()))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn every_label_form_names_its_question() {
        for (form, id) in [
            ("1c-ii", "1c-ii"),
            ("1(c)(ii)", "1c-ii"),
            ("1c ii", "1c-ii"),
            ("1.c.ii", "1c-ii"),
            ("1c.ii", "1c-ii"),
            ("Q1c-ii", "1c-ii"),
            ("Q1c-ii:", "1c-ii"),
            ("Question 1 (c) (ii)", "1c-ii"),
            ("Question 1(c)(ii)", "1c-ii"),
            ("Problem 1, part (c)(ii)", "1c-ii"),
            ("Problem 1 part c ii", "1c-ii"),
            ("Part 1(c)(ii)", "1c-ii"),
            ("**2(a)**", "2a"),
            ("### Question 1 (a)", "1a"),
            ("#### 1.c.i", "1c-i"),
            ("Q1a:", "1a"),
            ("1a)", "1a"),
            ("1a.", "1a"),
            ("1a -", "1a"),
            ("1(c)(iii).", "1c-iii"),
            ("3b-ii -", "3b-ii"),
            ("1(a).", "1a"),
            ("QUESTION 3 (B) (I)", "3b-i"),
            ("- **Q2b:**", "2b"),
            ("1c. (ii)", "1c-ii"),
        ] {
            for line in [form.to_owned(), format!("{form} The answer.")] {
                let got = split_text(&format!("Name\n\n{line}\nmore\n"));
                let answer = got
                    .answers
                    .get(&QuestionId(id.to_owned()))
                    .unwrap_or_else(|| panic!("{line:?} not found: {got:?}"));
                assert_eq!(answer.location.line, 3, "{line}");
                let label = form.trim_start_matches(['#', ' ', '-', '*']);
                let mut label = label.trim_end_matches([':', '.', '*', ' ', '-']);
                if label.matches(')').count() > label.matches('(').count() {
                    label = &label[..label.len() - 1];
                }
                assert_eq!(answer.location.label, label, "{line}");
                let expected = if line == form { "more" } else { "The answer.\nmore" };
                assert_eq!(answer.text, expected, "{line}");
                assert_eq!(got.answers.len(), 1, "{line}");
            }
        }
    }

    #[test]
    fn relative_labels_attach_under_parent_labels() {
        let got = split_text(
            "Question 1\n(a) A\n(b) B\n(c)\n  (i) I\n  ii) II\n  iii. III\n  (iv) IV\n\
             Question 3\n(a) 3A\n(b)\n  (i) 3BI\n  (ii) 3BII\n(c) 3C\n\
             1c)\ni) again\n2a. x\n3b.\ni. y\n",
        );
        assert_eq!(
            texts(&got),
            pairs(&[
                ("1a", "A"),
                ("1b", "B"),
                ("1c-i", "again"),
                ("1c-ii", "II"),
                ("1c-iii", "III"),
                ("1c-iv", "IV"),
                ("2a", "x"),
                ("3a", "3A"),
                ("3b-i", "y"),
                ("3b-ii", "3BII"),
                ("3c", "3C"),
            ])
        );
        assert_eq!(
            got.answered_twice,
            BTreeSet::from([QuestionId("1c-i".into()), QuestionId("3b-i".into())])
        );
    }

    #[test]
    fn parenthesised_absolute_labels_open_their_parent_for_siblings() {
        let got = split_text("1c. (i) soft prompting\n(ii) Hard prompting.\n(iii) Linear probing.\n");
        assert_eq!(
            texts(&got),
            pairs(&[
                ("1c-i", "soft prompting"),
                ("1c-ii", "Hard prompting."),
                ("1c-iii", "Linear probing.")
            ])
        );
        // A compact absolute label keeps a following `(b)` as text.
        let got = split_text("#### 1.c.iii\n(b) full finetuning\n");
        assert_eq!(texts(&got), pairs(&[("1c-iii", "(b) full finetuning")]));
    }

    #[test]
    fn relative_labels_need_a_parent_label() {
        // After an absolute leaf label, `(b) ...` is answer text, not question 1b.
        let got = split_text("#### 1.c.iii\n(b) full finetuning\n#### 1.c.iv\n(b)\n");
        assert_eq!(
            texts(&got),
            pairs(&[("1c-iii", "(b) full finetuning"), ("1c-iv", "(b)")])
        );
        // With no label at all above them, relative labels are text too.
        let got = split_text("(a) loose\n1a) A\n");
        assert_eq!(texts(&got), pairs(&[("1a", "A")]));
    }

    #[test]
    fn the_longest_known_run_is_the_label() {
        let got = split_text("## 1(c)\n(iii) (a) linear probing\n(i) (d) soft\n");
        assert_eq!(
            texts(&got),
            pairs(&[("1c-i", "(d) soft"), ("1c-iii", "(a) linear probing")])
        );
        assert_eq!(got.answers[&QuestionId("1c-iii".into())].location.label, "(iii)");
    }

    #[test]
    fn multi_part_relative_labels_open_their_parents() {
        let got = split_text("Question 3\n(b)(i) one\n(ii) two\n(c) three\n");
        assert_eq!(
            texts(&got),
            pairs(&[("3b-i", "one"), ("3b-ii", "two"), ("3c", "three")])
        );
    }

    #[test]
    fn numbered_lists_and_unknown_numbers_inside_answers_are_text() {
        let got = split_text("1b) Two steps:\n1. use the data\n2. finetune\n5) five\n2 layers\n2a) x\n");
        assert_eq!(
            texts(&got),
            pairs(&[
                (
                    "1b",
                    "Two steps:\n1. use the data\n2. finetune\n5) five\n2 layers"
                ),
                ("2a", "x")
            ])
        );
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    }

    #[test]
    fn answers_in_any_order_and_duplicates_keep_the_later_one() {
        let got = split_text("2b) first\n1a) A\n2b) (Came back.) second\n");
        assert_eq!(texts(&got), pairs(&[("1a", "A"), ("2b", "(Came back.) second")]));
        assert_eq!(got.answered_twice, BTreeSet::from([QuestionId("2b".into())]));
        assert_eq!(got.answers[&QuestionId("2b".into())].location.line, 3);
        assert_eq!(
            got.warnings,
            ["2b answered twice (s.md:1 and s.md:3); the later answer is graded"]
        );
    }

    #[test]
    fn preamble_unknown_labels_and_parent_text_are_warned_about() {
        let got = split_text(
            "# Review\nAda\n\n1a) A\nQuestion 4\nstray\nQ5: also stray\nQuestion 2\nintro\n(a) 2A\n",
        );
        assert_eq!(texts(&got), pairs(&[("1a", "A"), ("2a", "2A")]));
        assert_eq!(
            got.warnings,
            [
                "s.md: text before the first question label (lines 1-2) was ignored",
                "s.md:5: label \"Question 4\" matches no question; the text under it was ignored",
                "s.md:7: label \"Q5\" matches no question; the text under it was ignored",
                "s.md:9: text under \"Question 2\" (line 8), which is not itself a question, \
                 was ignored",
            ]
        );
        let none = split_text("just some text\n");
        assert!(none.answers.is_empty());
        assert_eq!(none.warnings.len(), 1);
        assert!(none.warnings[0].contains("no question labels found"));
    }

    #[test]
    fn documents_are_merged_and_context_resets_between_them() {
        let docs = [
            doc("a.md", "Question 1\n(a) A\n"),
            doc("b.md", "(b) not a label\n1b) B\n"),
        ];
        let got = split(&docs, &index());
        assert_eq!(texts(&got), pairs(&[("1a", "A"), ("1b", "B")]));
        assert_eq!(got.answers[&QuestionId("1b".into())].location.file, "b.md");
        assert!(got.warnings[0].starts_with("b.md: text before the first question label"));
    }

    #[test]
    fn extra_literal_labels_from_the_rubric_are_recognised() {
        let index = LabelIndex::new([
            (QuestionId("1a".into()), vec!["Masking".to_owned()]),
            (QuestionId("bonus".into()), Vec::new()),
        ]);
        let got = split(&[doc("s.md", "## Masking: no\n**Bonus** - yes\n")], &index);
        assert_eq!(texts(&got), pairs(&[("1a", "no"), ("bonus", "yes")]));
    }

    #[test]
    fn latex_and_notebook_submissions_split_like_markdown() {
        use crate::submission::SubmissionFile;
        let dir = tempfile::tempdir().unwrap();
        let tex = "\\documentclass{article}\n\\begin{document}\n\\section*{Question 1}\n\
                   \\begin{enumerate}\n\\item[(a)] No, \\emph{never}. % maybe?\n\
                   \\item[(b)] Pretrain\n\\end{enumerate}\n\\textbf{2(a)} Yes\n\\end{document}\n";
        let notebook = r###"{"cells": [
            {"cell_type": "markdown", "source": ["## 3(b)\n", "(i) BERT: no\n"]},
            {"cell_type": "code", "source": ["# (ii) not here"]},
            {"cell_type": "markdown", "source": ["(ii) head on [CLS]"]}
        ]}"###;
        let mut documents = Vec::new();
        for (name, text) in [("a.tex", tex), ("b.ipynb", notebook)] {
            std::fs::write(dir.path().join(name), text).unwrap();
            let file = SubmissionFile {
                path: dir.path().join(name),
                display: PathBuf::from(name),
            };
            documents.push(read_document(&file).unwrap());
        }
        let got = split(&documents, &index());
        assert_eq!(
            texts(&got),
            pairs(&[
                ("1a", "No, never."),
                ("1b", "Pretrain"),
                ("2a", "Yes"),
                ("3b-i", "BERT: no"),
                ("3b-ii", "head on [CLS]"),
            ])
        );
        assert_eq!(got.answers[&QuestionId("1a".into())].location.line, 5);
        assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    }

    fn split_submission(name: &str) -> SplitAnswers {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("submissions");
        let submission = discover(&root, &[])
            .unwrap()
            .into_iter()
            .find(|s| s.student.as_str() == name)
            .unwrap();
        let documents: Vec<Document> = submission
            .files
            .iter()
            .map(|f| read_document(f).unwrap())
            .collect();
        split(&documents, &index())
    }

    fn answer<'a>(split: &'a SplitAnswers, id: &str) -> &'a FoundAnswer {
        &split.answers[&QuestionId(id.to_owned())]
    }

    #[test]
    fn every_bundled_submission_splits_into_the_expected_questions() {
        let all: Vec<&str> = IDS.to_vec();
        let missing =
            |gone: &[&str]| -> Vec<&str> { all.iter().copied().filter(|id| !gone.contains(id)).collect() };
        let expected: &[(&str, Vec<&str>, &[&str])] = &[
            ("aokonkwo", all.clone(), &[]),
            ("bharris", all.clone(), &[]),
            ("cwhitfield", all.clone(), &[]),
            ("dliu", all.clone(), &[]),
            ("emorales", all.clone(), &[]),
            ("fbrennan", missing(&["2a", "3b-i", "3c"]), &[]),
            ("gtanaka", all.clone(), &[]),
            ("hdubois", all.clone(), &["2b"]),
            ("isingh", all.clone(), &[]),
            ("jkowalczyk", all.clone(), &[]),
            ("kabara", all.clone(), &[]),
            ("lfernandez", all.clone(), &[]),
        ];
        for (student, ids, twice) in expected {
            let got = split_submission(student);
            let found: Vec<&str> = IDS
                .iter()
                .copied()
                .filter(|id| got.answers.contains_key(&QuestionId((*id).to_owned())))
                .collect();
            assert_eq!(&found, ids, "{student}");
            let got_twice: Vec<&str> = got.answered_twice.iter().map(|q| q.as_str()).collect();
            assert_eq!(&got_twice, twice, "{student}");
            let empty: Vec<&str> = got
                .answers
                .iter()
                .filter(|(_, a)| a.text.is_empty())
                .map(|(id, _)| id.as_str())
                .collect();
            let expected_empty: &[&str] = if *student == "fbrennan" {
                &["1b", "1c-iv"]
            } else {
                &[]
            };
            assert_eq!(empty, expected_empty, "{student}");
            // Only the title/name header is ever ignored, and nothing else is warned about.
            let other: Vec<&String> = got
                .warnings
                .iter()
                .filter(|w| !w.contains("text before the first question label"))
                .filter(|w| !w.contains("answered twice"))
                .collect();
            assert!(other.is_empty(), "{student}: {other:?}");
        }
    }

    #[test]
    fn bundled_submissions_keep_the_right_answer_texts_and_labels() {
        let gtanaka = split_submission("gtanaka");
        assert_eq!(answer(&gtanaka, "1c-iii").text, "(b) full finetuning");
        assert_eq!(answer(&gtanaka, "1c-iv").text, "(b)");
        assert_eq!(answer(&gtanaka, "1c-iii").location.label, "1.c.iii");

        let aokonkwo = split_submission("aokonkwo");
        assert!(answer(&aokonkwo, "1c-iii").text.starts_with("(a) linear probing"));
        assert_eq!(answer(&aokonkwo, "1c-iii").location.label, "(iii)");

        let hdubois = split_submission("hdubois");
        let b2 = answer(&hdubois, "2b");
        assert!(b2.text.starts_with("(Came back to this one.) No."), "{}", b2.text);
        assert_eq!(b2.location.file, "hdubois/submission.txt");
        assert_eq!(answer(&hdubois, "1c-i").location.label, "(i)");
        assert_eq!(
            answer(&hdubois, "1c-iv").text,
            "Linear probe as well, the model is huge and retraining it is expensive."
        );

        let kabara = split_submission("kabara");
        assert_eq!(answer(&kabara, "1c-ii").text, "Hard prompting.");
        assert!(answer(&kabara, "3b-ii")
            .text
            .starts_with("BERT: classification head"));
        assert!(answer(&kabara, "3c").text.starts_with("Both are trained"));
        assert_eq!(answer(&kabara, "1a").location.label, "(a)");

        let dliu = split_submission("dliu");
        assert_eq!(answer(&dliu, "1c-i").text, "b, full FT -- 100k ex is plenty");
        assert_eq!(answer(&dliu, "2a").text, "Yes, works.");

        let lfernandez = split_submission("lfernandez");
        assert_eq!(answer(&lfernandez, "1c-i").text, "full finetuning");
        assert!(answer(&lfernandez, "3b-i").text.starts_with("None of them can."));
        assert!(answer(&lfernandez, "3b-ii")
            .text
            .starts_with("BERT: put a classifier"));

        let emorales = split_submission("emorales");
        assert_eq!(answer(&emorales, "2a").location.label, "2(a)");
        assert_eq!(answer(&emorales, "1c-iv").text, "Full finetuning");
        assert!(answer(&emorales, "3c")
            .text
            .ends_with("reconstructs the whole input."));

        let fbrennan = split_submission("fbrennan");
        assert_eq!(answer(&fbrennan, "3b-ii").text, "idk");
        assert_eq!(answer(&fbrennan, "1b").location.line, 5);

        let isingh = split_submission("isingh");
        assert!(answer(&isingh, "3b-ii")
            .text
            .starts_with("BERT: add a classification head"));
        assert_eq!(answer(&isingh, "3b-ii").location.label, "3b-ii");
    }
}
