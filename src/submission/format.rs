//! Which reader a submission file needs, decided from its extension alone.

use std::path::Path;

/// The formats a submission file may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.md`, `.markdown`: read line by line as written.
    Markdown,
    /// `.txt`, `.text`: read line by line as written.
    PlainText,
    /// `.ipynb`: the text of the Jupyter notebook's markdown cells.
    Notebook,
    /// `.tex`: the document body with its markup reduced to text.
    Latex,
}

impl Format {
    /// The format for a file extension (without the dot, any case), or `None` if unsupported.
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "txt" | "text" => Some(Format::PlainText),
            "ipynb" => Some(Format::Notebook),
            "tex" => Some(Format::Latex),
            _ => None,
        }
    }

    /// The format for a path's extension, or `None` if it has none or it is unsupported.
    pub fn from_path(path: &Path) -> Option<Format> {
        path.extension()
            .and_then(|ext| ext.to_str())
            .and_then(Format::from_extension)
    }

    /// The extensions that have a reader, for messages about unsupported files.
    pub const SUPPORTED_EXTENSIONS: &'static [&'static str] =
        &["md", "markdown", "txt", "text", "ipynb", "tex"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_case_insensitive() {
        assert_eq!(Format::from_path(Path::new("a/b.MD")), Some(Format::Markdown));
        assert_eq!(Format::from_path(Path::new("b.Markdown")), Some(Format::Markdown));
        assert_eq!(Format::from_path(Path::new("b.TXT")), Some(Format::PlainText));
        assert_eq!(Format::from_path(Path::new("b.text")), Some(Format::PlainText));
        assert_eq!(Format::from_path(Path::new("b.ipynb")), Some(Format::Notebook));
        assert_eq!(Format::from_path(Path::new("b.Tex")), Some(Format::Latex));
    }

    #[test]
    fn other_extensions_are_unsupported() {
        assert_eq!(Format::from_path(Path::new("b.pdf")), None);
        assert_eq!(Format::from_path(Path::new("b.docx")), None);
        assert_eq!(Format::from_path(Path::new("README")), None);
    }
}
