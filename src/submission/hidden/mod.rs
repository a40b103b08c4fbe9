//! Text a human reader cannot see earns nothing. Before a file is read, what its reader would
//! not see is blanked out: in Markdown (and text and notebook cells) the HTML elements a browser
//! would not show, decided on the element tree ([`html`], with the text's own `<style>` rules
//! from [`sheet`]); in LaTeX what the typeset page would
//! not show, decided by a brace-matching scanner ([`latex`]). Colours are judged in [`color`].
//!
//! Blanking replaces each hidden character by a space (line breaks and tabs kept), so every
//! visible character keeps its line and column and answers are still found by line.

mod color;
mod html;
mod latex;
mod sheet;

use serde::{Deserialize, Serialize};

/// Why a piece of text is not seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HiddenReason {
    /// An HTML comment `<!-- -->`, or Markdown's `[//]: # (comment)`.
    Comment,
    /// An element the browser does not display: `hidden`, `display:none`, `visibility:hidden`,
    /// or one never rendered (`<style>`, `<script>`, `<template>`, `<noscript>`, `<title>`).
    NotDisplayed,
    /// Text drawn so that it cannot be seen: in the background's colour (white, near-white,
    /// transparent), at opacity 0, at size 0, or scaled to 0; `\phantom` in LaTeX.
    Invisible,
    /// A LaTeX conditional that is never true: `\iffalse`, `\if0`, `\ifnum 0=1`.
    FalseConditional,
    /// A LaTeX `comment` environment, or one declared with `\excludecomment`.
    CommentEnvironment,
    /// The argument of a LaTeX macro that discards it (`\newcommand{\hide}[1]{}`).
    DiscardedArgument,
    /// A notebook cell whose source is collapsed (`"source_hidden": true`).
    HiddenCell,
}

impl std::fmt::Display for HiddenReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HiddenReason::Comment => "comment",
            HiddenReason::NotDisplayed => "element not displayed",
            HiddenReason::Invisible => "invisible text (background colour, transparent, zero size)",
            HiddenReason::FalseConditional => "LaTeX conditional that is never true",
            HiddenReason::CommentEnvironment => "LaTeX comment environment",
            HiddenReason::DiscardedArgument => "argument of a LaTeX macro that discards it",
            HiddenReason::HiddenCell => "collapsed notebook cell",
        })
    }
}

/// One piece of hidden text found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenText {
    /// The file's display path, `/`-separated.
    pub file: String,
    /// 1-based line of the file where the hidden text starts.
    pub line: usize,
    pub reason: HiddenReason,
    /// The hidden words, whitespace collapsed, cut after [`HIDDEN_TEXT_CHARS`] characters.
    pub text: String,
}

/// How much of a hidden piece is kept to show a reviewer.
pub const HIDDEN_TEXT_CHARS: usize = 160;

/// A text with its hidden parts blanked, and the pieces that were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blanked {
    pub text: String,
    /// Each piece's line is 1-based within the text given.
    pub pieces: Vec<(usize, HiddenReason, String)>,
}

/// Blank what a browser would not show of the HTML in a Markdown or plain text.
pub fn blank_hidden_html(text: &str) -> Blanked {
    let mut ranges = Ranges::default();
    html::scan(text, &mut ranges);
    ranges.apply(text)
}

/// Blank what would not be seen on the typeset page of a LaTeX source.
pub fn blank_hidden_latex(text: &str) -> Blanked {
    let mut ranges = Ranges::default();
    latex::scan(text, &mut ranges);
    ranges.apply(text)
}

/// Whether a hidden byte range holds text (words a reader would have read) or only markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Markup,
}

/// Hidden byte ranges in order of their start, as the scanners find them.
#[derive(Debug, Default)]
struct Ranges {
    ranges: Vec<(usize, usize, HiddenReason, Kind)>,
}

impl Ranges {
    /// Record `start..end` as hidden; where ranges overlap, the one starting first wins.
    fn hide(&mut self, start: usize, end: usize, reason: HiddenReason, kind: Kind) {
        if start < end {
            self.ranges.push((start, end, reason, kind));
        }
    }

    /// Blank the ranges out of `text`; touching ranges make one piece, reported when it holds
    /// some text that is not white space.
    fn apply(mut self, text: &str) -> Blanked {
        // Scanners mostly find ranges in order; a stable sort keeps the first of equal starts.
        self.ranges.sort_by_key(|r| r.0);
        if self.ranges.is_empty() {
            return Blanked {
                text: text.to_owned(),
                pieces: Vec::new(),
            };
        }
        let mut out = String::with_capacity(text.len());
        let mut pieces = Vec::new();
        let mut at = 0;
        let mut line = 1;
        // The piece being gathered: its line, reason and words.
        let mut piece: Option<(usize, HiddenReason, String)> = None;
        let mut finish = |piece: &mut Option<(usize, HiddenReason, String)>| {
            if let Some((line, reason, words)) = piece.take() {
                let words = collapse(&words);
                if !words.is_empty() {
                    pieces.push((line, reason, words));
                }
            }
        };
        for &(start, end, reason, kind) in &self.ranges {
            let (start, end) = (floor(text, start).max(at), floor(text, end));
            if start >= end {
                continue;
            }
            let visible = &text[at..start];
            if !visible.is_empty() {
                finish(&mut piece);
            }
            line += visible.matches('\n').count();
            out.push_str(visible);
            let hidden = &text[start..end];
            if kind == Kind::Text && !hidden.trim().is_empty() {
                let first_line = line
                    + hidden[..hidden.len() - hidden.trim_start().len()]
                        .matches('\n')
                        .count();
                let entry = piece.get_or_insert_with(|| (first_line, reason, String::new()));
                entry.2.push_str(hidden);
                entry.2.push(' ');
            }
            for c in hidden.chars() {
                out.push(if matches!(c, '\n' | '\r' | '\t') { c } else { ' ' });
            }
            line += hidden.matches('\n').count();
            at = end;
        }
        finish(&mut piece);
        out.push_str(&text[at..]);
        Blanked { text: out, pieces }
    }
}

/// The largest char boundary at or below `i` (scanners work in bytes).
fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whitespace collapsed to single spaces, cut to [`HIDDEN_TEXT_CHARS`] characters.
pub(super) fn collapse(words: &str) -> String {
    let joined = words.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(HIDDEN_TEXT_CHARS) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanking_keeps_every_visible_character_in_place_and_joins_touching_ranges() {
        let text = "ab<x>cd</x>\nef é\n";
        let mut ranges = Ranges::default();
        ranges.hide(2, 5, HiddenReason::NotDisplayed, Kind::Markup);
        ranges.hide(5, 7, HiddenReason::NotDisplayed, Kind::Text);
        ranges.hide(7, 11, HiddenReason::NotDisplayed, Kind::Markup);
        ranges.hide(15, 17, HiddenReason::Invisible, Kind::Text);
        let blanked = ranges.apply(text);
        assert_eq!(blanked.text, "ab         \nef  \n");
        assert_eq!(
            blanked.pieces,
            vec![
                (1, HiddenReason::NotDisplayed, "cd".to_owned()),
                (2, HiddenReason::Invisible, "é".to_owned())
            ]
        );
    }

    #[test]
    fn markup_alone_and_white_space_are_no_piece() {
        let mut ranges = Ranges::default();
        ranges.hide(0, 3, HiddenReason::NotDisplayed, Kind::Markup);
        ranges.hide(3, 5, HiddenReason::NotDisplayed, Kind::Text);
        let blanked = ranges.apply("<b>  x");
        assert_eq!(blanked.text, "     x");
        assert!(blanked.pieces.is_empty());
    }

    /// What the fuzz target checks, on cut and spliced pieces of tricky inputs: blanking only
    /// turns characters into spaces and never panics.
    #[test]
    fn blanking_mangled_inputs_only_ever_writes_spaces() {
        let seeds = [
            "a <div hidden><span>x</span> y</div> <!-- c\n --> <script>s</script> `<b hidden>k</b>`",
            "<style>.h, p#q > b.w { color:#fff } @media x { .k{display:none} }</style><b class=h>x</b>\n\n[//]: # (y)\n",
            "<p style=\"color:rgb(255 255 255);font:0/0 a\">é<b>ü</b></p><textarea>t</textarea><mark style=color:yellow>m</mark>",
            "\\newcommand{\\h}[2][x]{#2}\\h[a]{b}{c} \\textcolor[rgb]{1,1,1}{x{y}} {\\color{white} z} \\iffalse q \\else r \\fi",
            "\\def\\g#1{}\\g{x} \\begin{comment}\nx\n\\end{comment} \\verb|\\iffalse| \\newif\\ifs \\if0 a\\fi \\scalebox{0}{w}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n.max(1) as u64) as usize
        };
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..1 + next(4) {
                let seed: Vec<char> = seeds[next(seeds.len())].chars().collect();
                let from = next(seed.len());
                let to = from + next(seed.len() - from + 1);
                text.extend(&seed[from..to]);
            }
            for blanked in [blank_hidden_html(&text), blank_hidden_latex(&text)] {
                assert_eq!(blanked.text.chars().count(), text.chars().count(), "{text:?}");
                for (c, o) in text.chars().zip(blanked.text.chars()) {
                    assert!(
                        o == c || (o == ' ' && !matches!(c, '\n' | '\r' | '\t')),
                        "{text:?}"
                    );
                }
            }
        }
    }

    /// Inputs built to make a scanner search far again and again (unclosed groups and tags,
    /// backtick runs of many lengths, thousands of definitions) are read in one pass.
    #[test]
    fn hostile_inputs_are_read_in_linear_time() {
        let n = 30_000;
        let backticks: String = (1..400).map(|k| format!("{}x", "`".repeat(k))).collect();
        let inputs = [
            "\\def\\a{".repeat(n),
            "\\textcolor{".repeat(n),
            "\\newcommand{\\a}[1]{#1}\\a{x}".repeat(n / 3),
            "\\excludecomment{c}\\begin{x}".repeat(n / 2) + &"\\end{y}".repeat(n),
            "\\color[".repeat(n),
            "<b>".repeat(n) + &"</i><p>".repeat(n),
            backticks,
        ];
        let started = std::time::Instant::now();
        for text in &inputs {
            blank_hidden_html(text);
            blank_hidden_latex(text);
        }
        // Generous: quadratic behaviour would take minutes here, linear takes well under one.
        assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    }

    #[test]
    fn long_pieces_are_cut() {
        let long = "word ".repeat(100);
        assert_eq!(collapse(&long).chars().count(), HIDDEN_TEXT_CHARS + 1);
    }
}
