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
pub use document::{read_document, Document, ReadError, SourceLine};
pub use format::Format;

/// A relative path with `/` separators on every platform, as reports show it.
pub fn display_path(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
