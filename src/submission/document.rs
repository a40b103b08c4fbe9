//! Stage 2b: read one submission file into a [`Document`]: numbered plain-text lines that keep
//! their line numbers in the original file, whatever the format, for the answer splitter.

use std::fs;
use std::io;
use std::path::PathBuf;

use thiserror::Error;

use super::decode::decode;
use super::discover::SubmissionFile;
use super::format::Format;
use super::hidden::{blank_hidden_html, blank_hidden_latex, HiddenReason, HiddenText};
use super::{display_path, latex, notebook};

/// One file's text as lines, ready to be split into answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The file's display path (relative to the submissions folder).
    pub path: PathBuf,
    pub lines: Vec<SourceLine>,
    /// Non-fatal problems met while reading (such as an encoding fallback), naming the file.
    pub warnings: Vec<String>,
    /// Text in the file that a reader would not see, blanked out of `lines`.
    pub hidden: Vec<HiddenText>,
}

/// One line of text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// 1-based line in the original file. Several lines may share a number when one source
    /// line was split (a LaTeX `\\`, a notebook string holding several lines).
    pub number: usize,
    pub text: String,
    /// In a notebook, the cell and the line within it, as the student sees them.
    pub cell: Option<NotebookCell>,
}

/// A place in a Jupyter notebook as its author sees it: cell N (counting every cell, 1-based),
/// line M of that cell's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NotebookCell {
    pub cell: usize,
    pub line: usize,
}

impl SourceLine {
    pub fn new(number: usize, text: impl Into<String>) -> SourceLine {
        SourceLine {
            number,
            text: text.into(),
            cell: None,
        }
    }
}

/// Why a submission file could not be read. Paths are display paths.
#[derive(Debug, Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: unsupported file type (readable: .md, .markdown, .txt, .text, .ipynb, .tex)")]
    Unsupported { path: PathBuf },
    #[error("{path}: invalid notebook JSON at line {line}, column {column}: {message}")]
    InvalidNotebook {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: the file holds no text")]
    Empty { path: PathBuf },
    #[error("{path}: all its text is hidden from a reader ({pieces} piece(s): comments, invisible or white text, collapsed cells); nothing was graded")]
    AllHidden { path: PathBuf, pieces: usize },
    #[error("{path}: {bytes} bytes is over the {limit}-byte limit for one file; not read")]
    TooLarge { path: PathBuf, bytes: u64, limit: u64 },
    #[error("{path}: not a regular file (a named pipe, socket or device); not read")]
    NotAFile { path: PathBuf },
}

/// Blank hidden HTML in each notebook cell on its own (a browser renders each cell apart, so an
/// element left open does not reach into the next), keeping each line's number and cell.
fn blank_cells(lines: &mut [SourceLine]) -> Vec<(usize, HiddenReason, String)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let cell = lines[start].cell.map(|c| c.cell);
        let len = lines[start..]
            .iter()
            .take_while(|l| l.cell.map(|c| c.cell) == cell)
            .count();
        let group = &mut lines[start..start + len];
        let joined = group
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let blanked = blank_hidden_html(&joined);
        if !blanked.pieces.is_empty() {
            for (line, text) in group.iter_mut().zip(blanked.text.split('\n')) {
                line.text = text.to_owned();
            }
            pieces.extend(
                blanked
                    .pieces
                    .into_iter()
                    .map(|(i, reason, text)| (group[(i - 1).min(len - 1)].number, reason, text)),
            );
        }
        start += len;
    }
    pieces
}

/// Files larger than this are reported, not read: no student writes 4 MiB of short answers.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Read one submission file: its format from the extension, its bytes decoded (see
/// [`decode`](super::decode())), then the format's reader.
pub fn read_document(file: &SubmissionFile) -> Result<Document, ReadError> {
    read_document_within(file, MAX_FILE_BYTES)
}

/// [`read_document`] with another size limit: a larger file is reported without being read.
pub fn read_document_within(file: &SubmissionFile, max_bytes: u64) -> Result<Document, ReadError> {
    let display = file.display.clone();
    let format = Format::from_path(&file.path).ok_or_else(|| ReadError::Unsupported {
        path: display.clone(),
    })?;
    let io_error = |source| ReadError::Io {
        path: display.clone(),
        source,
    };
    let metadata = fs::metadata(&file.path).map_err(io_error)?;
    if !metadata.is_file() {
        return Err(ReadError::NotAFile { path: display });
    }
    let size = metadata.len();
    if size > max_bytes {
        return Err(ReadError::TooLarge {
            path: display,
            bytes: size,
            limit: max_bytes,
        });
    }
    let bytes = read_regular_file(&file.path).map_err(|e| match e {
        NotRegular::Io(source) => io_error(source),
        NotRegular::Special => ReadError::NotAFile {
            path: display.clone(),
        },
    })?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge {
            path: display,
            bytes: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    let decoded = decode(&bytes);
    // What a reader cannot see is blanked before the text is cut into answers; each piece keeps
    // the line of the file it starts on.
    let (lines, pieces) = match format {
        Format::Markdown | Format::PlainText => {
            let blanked = blank_hidden_html(&decoded.text);
            (plain_lines(&blanked.text), blanked.pieces)
        }
        Format::Latex => {
            let blanked = blank_hidden_latex(&decoded.text);
            (latex::to_lines(&blanked.text), blanked.pieces)
        }
        Format::Notebook => {
            let read = notebook::to_lines(&decoded.text).map_err(|e| ReadError::InvalidNotebook {
                path: display.clone(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
            let mut lines = read.lines;
            let mut pieces = blank_cells(&mut lines);
            pieces.extend(
                read.hidden_cells
                    .into_iter()
                    .map(|(line, text)| (line, HiddenReason::HiddenCell, text)),
            );
            pieces.sort_by_key(|p| p.0);
            (lines, pieces)
        }
    };
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        if !pieces.is_empty() {
            return Err(ReadError::AllHidden {
                path: display,
                pieces: pieces.len(),
            });
        }
        return Err(ReadError::Empty { path: display });
    }
    let mut warnings: Vec<String> = decoded
        .warning
        .into_iter()
        .map(|w| format!("{}: {w}", display.display()))
        .collect();
    if !pieces.is_empty() {
        warnings.push(format!(
            "{}: {} piece(s) of hidden text (comments, invisible or white text, collapsed cells) were not graded",
            display.display(),
            pieces.len()
        ));
    }
    let file = display_path(&display);
    let hidden = pieces
        .into_iter()
        .map(|(line, reason, text)| HiddenText {
            file: file.clone(),
            line,
            reason,
            text: super::hidden::collapse(&text),
        })
        .collect();
    Ok(Document {
        path: display,
        lines,
        warnings,
        hidden,
    })
}

/// Why [`read_regular_file`] read nothing.
enum NotRegular {
    Io(io::Error),
    Special,
}

/// A regular file's bytes. The file is opened without waiting (a named pipe put in its place
/// since it was listed would otherwise block the run) and checked again once open.
fn read_regular_file(path: &std::path::Path) -> Result<Vec<u8>, NotRegular> {
    use std::io::Read;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(NotRegular::Io)?;
    let metadata = file.metadata().map_err(NotRegular::Io)?;
    if !metadata.is_file() {
        return Err(NotRegular::Special);
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.read_to_end(&mut bytes).map_err(NotRegular::Io)?;
    Ok(bytes)
}

/// Markdown and plain text: every line as written.
fn plain_lines(text: &str) -> Vec<SourceLine> {
    text.lines()
        .enumerate()
        .map(|(i, line)| SourceLine::new(i + 1, line))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> SubmissionFile {
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        SubmissionFile {
            path,
            display: PathBuf::from(name),
        }
    }

    fn texts(doc: &Document) -> Vec<(usize, &str)> {
        doc.lines.iter().map(|l| (l.number, l.text.as_str())).collect()
    }

    #[test]
    fn text_files_keep_lines_and_numbers_after_bom_and_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "a.txt", b"\xEF\xBB\xBFName\r\n\r\n1a) No\r\n");
        let doc = read_document(&file).unwrap();
        assert_eq!(texts(&doc), vec![(1, "Name"), (2, ""), (3, "1a) No")]);
        assert!(doc.warnings.is_empty());
        assert_eq!(doc.path, Path::new("a.txt"));
    }

    #[test]
    fn windows_1252_files_are_read_with_a_warning_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "b.md", b"1a) caf\xE9\n");
        let doc = read_document(&file).unwrap();
        assert_eq!(texts(&doc), vec![(1, "1a) café")]);
        assert_eq!(
            doc.warnings,
            vec!["b.md: not valid UTF-8; decoded as Windows-1252".to_owned()]
        );
    }

    #[test]
    fn unsupported_missing_and_empty_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = write(dir.path(), "c.pdf", b"%PDF-1.4");
        assert!(matches!(read_document(&pdf), Err(ReadError::Unsupported { .. })));
        let missing = SubmissionFile {
            path: dir.path().join("gone.md"),
            display: PathBuf::from("gone.md"),
        };
        let err = read_document(&missing).unwrap_err();
        assert!(matches!(err, ReadError::Io { .. }));
        assert!(err.to_string().starts_with("cannot read gone.md"));
        let blank = write(dir.path(), "d.md", b"  \n\t\n");
        assert!(matches!(read_document(&blank), Err(ReadError::Empty { .. })));
        let preamble_only = write(
            dir.path(),
            "e.tex",
            b"\\documentclass{article}\n\\begin{document}\n\\end{document}\n",
        );
        assert!(matches!(
            read_document(&preamble_only),
            Err(ReadError::Empty { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_reported_without_being_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let file = SubmissionFile {
            path,
            display: PathBuf::from("pipe.md"),
        };
        let err = read_document(&file).unwrap_err();
        assert!(matches!(err, ReadError::NotAFile { .. }), "{err}");
        assert!(err.to_string().starts_with("pipe.md: not a regular file"));
    }

    #[test]
    fn a_file_whose_text_is_all_hidden_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "h.md",
            b"<div hidden>\n1a) No.\n</div>\n<!-- 1b) x -->\n",
        );
        let err = read_document(&file).unwrap_err();
        assert!(matches!(err, ReadError::AllHidden { pieces: 2, .. }), "{err:?}");
        assert!(err.to_string().starts_with("h.md: all its text is hidden"));
    }

    #[test]
    fn invalid_notebook_json_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "n.ipynb", b"{\n  \"cells\": [\n    {,}\n  ]\n}\n");
        match read_document(&file) {
            Err(ReadError::InvalidNotebook {
                path, line, column, ..
            }) => {
                assert_eq!(path, Path::new("n.ipynb"));
                assert_eq!((line, column), (3, 6));
            }
            other => panic!("expected InvalidNotebook, got {other:?}"),
        }
    }

    #[test]
    fn notebooks_and_latex_go_through_their_readers() {
        let dir = tempfile::tempdir().unwrap();
        let nb = write(
            dir.path(),
            "n.ipynb",
            br###"{"cells": [{"cell_type": "markdown", "source": "## 1a\nNo."}]}"###,
        );
        assert_eq!(
            texts(&read_document(&nb).unwrap()),
            vec![(1, "## 1a"), (1, "No.")]
        );
        let tex = write(dir.path(), "t.tex", b"\\section*{1a}\nNo, 50\\% less.\n");
        assert_eq!(
            texts(&read_document(&tex).unwrap()),
            vec![(1, "## 1a"), (2, "No, 50% less.")]
        );
    }
}
