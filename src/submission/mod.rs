//! Stage 2 of the data path: find each student's submission files under the submissions folder
//! and read every file, whatever its format, as numbered plain-text lines for [`crate::answers`].

mod decode;
mod discover;
mod document;
mod format;
mod hidden;
mod latex;
mod notebook;

pub use decode::{decode, Decoded};
pub use discover::{discover, discover_single, DiscoverError, Submission, SubmissionFile};
pub use document::{
    read_document, read_document_within, Document, NotebookCell, ReadError, SourceLine, MAX_FILE_BYTES,
};
pub use hidden::{
    blank_hidden_html, blank_hidden_latex, Blanked, HiddenReason, HiddenText, HIDDEN_TEXT_CHARS,
};

/// Caps that keep one submission from taking the run down; over a cap, the submission is
/// reported with its reason, never silently cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest answer file read, in bytes.
    pub max_file_bytes: u64,
    /// Most answer files in one student's folder.
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: MAX_FILE_BYTES,
            max_files: 64,
        }
    }
}
pub use format::Format;

/// A relative path with `/` separators on every platform, as reports show it.
pub fn display_path(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
