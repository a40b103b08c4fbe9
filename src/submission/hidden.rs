//! Text a human reader cannot see earns nothing: HTML comments and invisibly styled elements in
//! Markdown, `\iffalse ... \fi`, white or phantom text in LaTeX. They are blanked out before
//! reading (line breaks kept, so line numbers stay true) and each file says how many it had.

use std::sync::OnceLock;

use regex::Regex;

fn html_patterns() -> &'static [Regex] {
    static PATTERNS: OnceLock<Vec<Regex>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            r"(?s)<!--.*?(?:-->|\z)",
            // An element styled invisible (white, display:none, hidden, zero size) with its text.
            r#"(?is)<(span|div|p|font|small|em|b|i)\b[^>]*?(?:style\s*=\s*["'][^"']*(?:color\s*:\s*(?:white|#fff(?:fff)?\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)|display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|pt|em)?\s*(?:;|["']))|\bhidden\b|color\s*=\s*["']?(?:white|#fff(?:fff)?)\b)[^>]*>.*?</(?:span|div|p|font|small|em|b|i)\s*>"#,
        ]
        .iter()
        .map(|p| Regex::new(p).expect("hidden-text pattern is valid"))
        .collect()
    })
}

fn latex_patterns() -> &'static [Regex] {
    static PATTERNS: OnceLock<Vec<Regex>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            r"(?s)\\iffalse\b.*?(?:\\fi\b|\z)",
            r"\\(?:textcolor|colorbox)\s*\{\s*white\s*\}\s*\{[^{}]*\}",
            r"\{\s*\\color\s*\{\s*white\s*\}[^{}]*\}",
            r"\\[hv]?phantom\s*\{[^{}]*\}",
            r"(?s)\\begin\{comment\}.*?(?:\\end\{comment\}|\z)",
        ]
        .iter()
        .map(|p| Regex::new(p).expect("hidden-text pattern is valid"))
        .collect()
    })
}

/// Blank out hidden HTML (in Markdown and text files); returns the text and how many places.
pub fn strip_hidden_html(text: &str) -> (String, usize) {
    blank(text, html_patterns())
}

/// Blank out hidden LaTeX; returns the text and how many places.
pub fn strip_hidden_latex(text: &str) -> (String, usize) {
    blank(text, latex_patterns())
}

/// Replace every match by its line breaks alone.
fn blank(text: &str, patterns: &[Regex]) -> (String, usize) {
    let mut out = text.to_string();
    let mut count = 0;
    for pattern in patterns {
        if !pattern.is_match(&out) {
            continue;
        }
        out = pattern
            .replace_all(&out, |caps: &regex::Captures<'_>| {
                count += 1;
                "\n".repeat(caps[0].matches('\n').count())
            })
            .into_owned();
    }
    (out, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_comments_and_invisible_elements_are_blanked_keeping_lines() {
        let text = "No.<!-- soft prompting\nspan corruption -->\nkeep <span style=\"color: white\">pretext task</span> this\n<div hidden>mask</div>ok";
        let (out, n) = strip_hidden_html(text);
        assert_eq!(n, 3);
        assert_eq!(out, "No.\n\nkeep  this\nok");
    }

    #[test]
    fn latex_hidden_text_is_blanked() {
        let text = "a\\iffalse span corruption\n\\fi b \\textcolor{white}{MLM} c {\\color{white} next token} d \\phantom{denoising} e";
        let (out, n) = strip_hidden_latex(text);
        assert_eq!(n, 4);
        assert_eq!(out, "a\n b  c  d  e");
    }

    #[test]
    fn visible_markup_is_left_alone() {
        let text = "<span style=\"color: red\">masked</span> and <!-- unterminated";
        let (out, n) = strip_hidden_html(text);
        assert_eq!(n, 1, "the unterminated comment runs to the end");
        assert_eq!(out, "<span style=\"color: red\">masked</span> and ");
    }
}
