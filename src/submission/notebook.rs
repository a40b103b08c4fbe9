//! Reader for Jupyter notebooks (`.ipynb`): the text of the markdown cells, in order. Code cells,
//! their outputs and raw cells are not part of a written answer and are skipped.
//!
//! Line numbers: each line gets the line of the JSON file on which its source string sits, so
//! that "line 42" can be found in the file as saved by Jupyter (one source line per JSON line).
//! serde_json does not report positions of values, so each source string is located by searching
//! for its JSON encoding after the previously located one (code cells included, to stay
//! aligned). When a string cannot be found (a writer that escapes differently), it takes the line
//! of the last string located, which is still the right cell or close to it.

use serde::Deserialize;

use super::document::SourceLine;

#[derive(Deserialize)]
struct Notebook {
    #[serde(default)]
    cells: Vec<Cell>,
    /// nbformat 3 kept its cells in worksheets.
    #[serde(default)]
    worksheets: Vec<Worksheet>,
}

#[derive(Deserialize)]
struct Worksheet {
    #[serde(default)]
    cells: Vec<Cell>,
}

#[derive(Deserialize)]
struct Cell {
    cell_type: String,
    /// nbformat 3 code cells call their source `input`.
    #[serde(default, alias = "input")]
    source: Source,
    /// nbformat 3 heading cells.
    level: Option<usize>,
    #[serde(default)]
    metadata: CellMetadata,
}

/// The one piece of a cell's metadata that matters: whether its source is collapsed, so that a
/// reader sees only an ellipsis (`"jupyter": {"source_hidden": true}`, or the classic
/// notebook's `"hide_input": true`). Anything else, of any shape, is skipped without recursion.
#[derive(Default)]
struct CellMetadata {
    source_hidden: bool,
}

impl<'de> Deserialize<'de> for CellMetadata {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<CellMetadata, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};

        struct MetadataVisitor;
        impl<'de> Visitor<'de> for MetadataVisitor {
            type Value = CellMetadata;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("cell metadata")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CellMetadata, A::Error> {
                let mut hidden = false;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "jupyter" => {
                            let jupyter = map.next_value::<serde_json::Value>()?;
                            hidden |= jupyter.get("source_hidden") == Some(&serde_json::Value::Bool(true));
                        }
                        "hide_input" => {
                            hidden |= map.next_value::<serde_json::Value>()? == serde_json::Value::Bool(true)
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(CellMetadata {
                    source_hidden: hidden,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CellMetadata, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(CellMetadata::default())
            }
            fn visit_unit<E>(self) -> Result<CellMetadata, E> {
                Ok(CellMetadata::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<CellMetadata, E> {
                Ok(CellMetadata::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<CellMetadata, E> {
                Ok(CellMetadata::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<CellMetadata, E> {
                Ok(CellMetadata::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<CellMetadata, E> {
                Ok(CellMetadata::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<CellMetadata, E> {
                Ok(CellMetadata::default())
            }
        }
        deserializer.deserialize_any(MetadataVisitor)
    }
}

/// A cell's source: one string, or a list of strings to concatenate.
#[derive(Deserialize)]
#[serde(untagged)]
enum Source {
    One(String),
    Many(Vec<String>),
}

impl Default for Source {
    fn default() -> Source {
        Source::Many(Vec::new())
    }
}

impl Source {
    fn pieces(&self) -> &[String] {
        match self {
            Source::One(s) => std::slice::from_ref(s),
            Source::Many(v) => v,
        }
    }
}

/// A notebook's markdown text, and its collapsed markdown cells, which are not read.
#[derive(Debug, Default)]
pub(super) struct NotebookText {
    pub lines: Vec<SourceLine>,
    /// Each collapsed cell's first line in the file and its text.
    pub hidden_cells: Vec<(usize, String)>,
}

/// The markdown text of a notebook as numbered lines; a JSON error keeps serde_json's line and
/// column.
pub(super) fn to_lines(json: &str) -> Result<NotebookText, serde_json::Error> {
    let notebook: Notebook = serde_json::from_str(json)?;
    let cells = notebook
        .cells
        .iter()
        .chain(notebook.worksheets.iter().flat_map(|w| &w.cells));
    let mut locator = Locator::new(json);
    let mut lines = Vec::new();
    let mut hidden_cells = Vec::new();
    for (index, cell) in cells.enumerate() {
        let first = lines.len();
        let located: Vec<(usize, &str)> = cell
            .source
            .pieces()
            .iter()
            .map(|piece| (locator.locate(piece), piece.as_str()))
            .collect();
        match cell.cell_type.as_str() {
            "markdown" | "heading" if cell.metadata.source_hidden => {
                let text: String = cell.source.pieces().concat();
                if !text.trim().is_empty() {
                    hidden_cells.push((located.first().map_or(1, |l| l.0), text));
                }
            }
            "markdown" => lines.extend(join_pieces(&located, "")),
            "heading" => {
                let hashes = "#".repeat(cell.level.unwrap_or(1).clamp(1, 6));
                lines.extend(join_pieces(&located, &format!("{hashes} ")));
            }
            _ => {}
        }
        // Each line of the cell's text also says where it is in the cell.
        for (k, line) in lines[first..].iter_mut().enumerate() {
            line.cell = Some(crate::submission::NotebookCell {
                cell: index + 1,
                line: k + 1,
            });
        }
    }
    Ok(NotebookText { lines, hidden_cells })
}

/// Concatenate a cell's source strings and cut them into lines, each numbered by the string in
/// which the line starts.
fn join_pieces(pieces: &[(usize, &str)], prefix: &str) -> Vec<SourceLine> {
    let mut lines = Vec::new();
    let mut current = prefix.to_owned();
    let mut number: Option<usize> = None;
    for &(line, piece) in pieces {
        for (i, segment) in piece.split('\n').enumerate() {
            if i > 0 {
                lines.push(SourceLine::new(
                    number.unwrap_or(line),
                    std::mem::take(&mut current),
                ));
                number = None;
            }
            if number.is_none() && !segment.is_empty() {
                number = Some(line);
            }
            current.push_str(segment);
        }
    }
    if let Some(number) = number {
        lines.push(SourceLine::new(number, current));
    }
    lines
}

/// Finds successive JSON strings in the notebook's text and tracks their line numbers.
struct Locator<'a> {
    json: &'a str,
    cursor: usize,
    line: usize,
}

impl<'a> Locator<'a> {
    fn new(json: &'a str) -> Locator<'a> {
        Locator {
            json,
            cursor: 0,
            line: 1,
        }
    }

    fn locate(&mut self, piece: &str) -> usize {
        let Ok(needle) = serde_json::to_string(piece) else {
            return self.line;
        };
        if let Some(offset) = self.json[self.cursor..].find(&needle) {
            let start = self.cursor + offset;
            self.line += self.json[self.cursor..start].matches('\n').count();
            let end = start + needle.len();
            self.line += self.json[start..end].matches('\n').count();
            self.cursor = end;
            // The string itself holds no raw newline (JSON escapes them), so `line` is where
            // it starts.
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[SourceLine]) -> Vec<(usize, &str)> {
        lines.iter().map(|l| (l.number, l.text.as_str())).collect()
    }

    const NOTEBOOK: &str = r###"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "# Review\n",
    "Ada\n"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [{"output_type": "stream", "text": ["1b) not an answer\n"]}],
   "source": [
    "## 1a) code is ignored\n",
    "print(1)"
   ]
  },
  {
   "cell_type": "raw",
   "metadata": {},
   "source": "1b) raw is ignored"
  },
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "## 1a)\n",
    "\n",
    "No, the encoder sees \"all\" patches.\n",
    "Second line"
   ]
  },
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": "1b) one string\nwith two lines"
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"###;

    #[test]
    fn markdown_cells_are_read_in_order_with_their_file_lines() {
        let lines = to_lines(NOTEBOOK).unwrap().lines;
        assert_eq!(
            texts(&lines),
            vec![
                (7, "# Review"),
                (8, "Ada"),
                (30, "## 1a)"),
                (31, ""),
                (32, "No, the encoder sees \"all\" patches."),
                (33, "Second line"),
                (39, "1b) one string"),
                (39, "with two lines"),
            ]
        );
    }

    #[test]
    fn nbformat_3_worksheets_and_heading_cells_are_read() {
        let json = r#"{"worksheets": [{"cells": [
            {"cell_type": "heading", "level": 2, "source": ["Question 1"]},
            {"cell_type": "code", "input": ["x = 1"]},
            {"cell_type": "markdown", "source": ["(a) No."]}
        ]}]}"#;
        let lines = to_lines(json).unwrap().lines;
        let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(text, ["## Question 1", "(a) No."]);
    }

    #[test]
    fn deeply_nested_json_does_not_overflow_the_stack() {
        let depth = 100_000;
        let json = format!(
            "{{\"cells\": [{{\"cell_type\": \"markdown\", \"metadata\": {}{}, \"source\": \"x\"}}]}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        // The ignored metadata is skipped without recursion; the cell is still read.
        assert_eq!(texts(&to_lines(&json).unwrap().lines), [(1, "x")]);
    }

    #[test]
    fn a_collapsed_markdown_cell_is_not_read() {
        let json = r#"{"cells": [
            {"cell_type": "markdown", "metadata": {"jupyter": {"source_hidden": true}}, "source": ["1a) No, the pretext task."]},
            {"cell_type": "markdown", "metadata": {"hide_input": true}, "source": "also hidden"},
            {"cell_type": "markdown", "metadata": {"jupyter": {"source_hidden": false}}, "source": ["1a) Maybe."]}
        ]}"#;
        let read = to_lines(json).unwrap();
        assert_eq!(texts(&read.lines), [(4, "1a) Maybe.")]);
        assert_eq!(
            read.hidden_cells,
            [
                (2, "1a) No, the pretext task.".to_owned()),
                (3, "also hidden".to_owned())
            ]
        );
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let err = to_lines("{\n \"cells\": [\n  {\"cell_type\": \"markdown\", }\n ]\n}").unwrap_err();
        assert_eq!(err.line(), 3);
        assert!(err.column() > 0);
    }
}
