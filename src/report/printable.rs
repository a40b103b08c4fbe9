//! Text that came from students (ids, file names, answers) made safe to print on a terminal:
//! a control character in a file name could otherwise clear the screen, move the cursor or
//! retitle the window of the TA who runs the grader. It is shown escaped instead.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character (line breaks and tabs included, so a printed id or
/// path stays on its line) and every bidirectional-override character escaped: `\x1B`,
/// `\u{202E}`. Text with none comes back as it is.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// [`printable`] keeping line breaks, for text printed over several lines.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| !keep(c) && (c.is_control() || is_bidi_control(c));
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if c.is_ascii() {
            let _ = write!(out, "\\x{:02X}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:X}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// Characters that reorder the text around them on screen (the "Trojan Source" ones), so
/// that what is printed reads differently from what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(
            printable("\u{1b}[2J\u{1b}]0;pwned\u{7}x"),
            "\\x1B[2J\\x1B]0;pwned\\x07x"
        );
        assert_eq!(
            printable("a\nb\tc\r\u{7f}\u{9b}"),
            "a\\x0Ab\\x09c\\x0D\\x7F\\u{9B}"
        );
        assert_eq!(printable("abc\u{202E}cba"), "abc\\u{202E}cba");
        assert_eq!(printable_lines("one\ntwo\u{1b}"), "one\ntwo\\x1B");
    }

    #[test]
    fn ordinary_text_is_borrowed_as_it_is() {
        assert!(matches!(printable("josé café 日本 \\x"), Cow::Borrowed(_)));
    }
}
