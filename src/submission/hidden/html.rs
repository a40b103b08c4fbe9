//! Which HTML in a Markdown text a browser would not show. The text goes through html5gum, a
//! WHATWG tokenizer (it switches to raw text after `<script>`, `<style>`, `<textarea>` as a
//! browser does); a stack of open elements carries each element's computed style (colour,
//! background, opacity, font size, display, visibility), inherited as CSS inherits it, and the
//! tokens of every element that ends up unseen are marked hidden with their byte spans.
//!
//! Markdown code (fenced blocks and `code spans`) shows HTML as literal text, so it is masked
//! before tokenizing: it neither opens nor hides anything.

use std::borrow::Cow;

use html5gum::{DefaultEmitter, Token, Tokenizer};

use super::color::{self, Rgba};
use super::sheet::{self, Rule};
use super::{HiddenReason, Kind, Ranges};

/// Elements a browser never renders in a page's body.
const NOT_RENDERED: &[&[u8]] = &[
    b"style",
    b"script",
    b"template",
    b"noscript",
    b"title",
    b"head",
    b"iframe",
    b"noembed",
    b"noframes",
    b"datalist",
    b"object",
];

/// Elements that have no end tag.
const VOID: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
    b"source", b"track", b"wbr",
];

/// Start tags that close an open `<p>` (a browser's parser does, so that what follows a
/// `<p hidden>` in a `<div>` is not hidden with it).
const CLOSES_P: &[&[u8]] = &[
    b"address",
    b"article",
    b"aside",
    b"blockquote",
    b"details",
    b"div",
    b"dl",
    b"fieldset",
    b"figcaption",
    b"figure",
    b"footer",
    b"form",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"header",
    b"hr",
    b"main",
    b"menu",
    b"nav",
    b"ol",
    b"p",
    b"pre",
    b"section",
    b"table",
    b"ul",
    b"li",
    b"dd",
    b"dt",
];

/// How far down the stack of open elements an end tag looks for its element: a bound that keeps
/// thousands of unclosed tags from making reading quadratic.
const MAX_SEARCH: usize = 512;

/// Style-sheet rules applied at most: each element is matched against every rule.
const MAX_RULES: usize = 256;

/// Text smaller than this many CSS pixels cannot be read.
const MIN_FONT_PX: f32 = 1.0;
/// Opacity at or below this leaves nothing to read.
const MIN_OPACITY: f32 = 0.05;

/// The style an element's text is drawn with, as far as seeing it goes.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// Not displayed at all (no descendant can bring it back).
    removed: Option<HiddenReason>,
    /// `visibility: hidden`, which a descendant may undo.
    invisible: bool,
    color: Rgba,
    /// The background the text is drawn on (opaque).
    background: Rgba,
    /// Multiplied down the tree.
    opacity: f32,
    font_px: f32,
}

impl Style {
    const PAGE: Style = Style {
        removed: None,
        invisible: false,
        color: color::BLACK,
        background: color::WHITE,
        opacity: 1.0,
        font_px: 16.0,
    };

    /// Why text in this style is not seen, if it is not.
    fn hidden(&self) -> Option<HiddenReason> {
        if self.removed.is_some() {
            return self.removed;
        }
        if self.invisible {
            return Some(HiddenReason::NotDisplayed);
        }
        let unseen = self.opacity <= MIN_OPACITY
            || self.font_px < MIN_FONT_PX
            || !color::stands_out(self.color, self.background, self.opacity);
        unseen.then_some(HiddenReason::Invisible)
    }
}

struct Open {
    name: Vec<u8>,
    style: Style,
}

/// Mark what a browser would not show of `text`'s HTML.
pub(super) fn scan(text: &str, ranges: &mut Ranges) {
    // Without a `<` or a `]:` there is no tag and no comment: the common case costs a search.
    let tags = text.contains('<');
    if !tags && !text.contains("]:") {
        return;
    }
    let masked = mask_code(text);
    link_definitions(&masked, ranges);
    if !tags {
        return;
    }
    let rules = style_rules(&masked);
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let mut stack: Vec<Open> = Vec::new();
    let current = |stack: &[Open]| stack.last().map_or(Style::PAGE, |o| o.style);
    for token in Tokenizer::new_with_emitter(masked.as_ref(), emitter) {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let name: &[u8] = &tag.name;
                close_implied(&mut stack, name);
                let mut style = current(&stack);
                apply_defaults(name, &mut style);
                if !rules.is_empty() {
                    let attribute = |key: &[u8]| {
                        tag.attributes
                            .get(key)
                            .map_or(Cow::Borrowed(""), |v| String::from_utf8_lossy(v))
                    };
                    let (class, id) = (attribute(b"class"), attribute(b"id"));
                    for rule in rules.iter().filter(|r| r.matches(name, &class, &id)) {
                        apply_declarations(&rule.declarations, &mut style);
                    }
                }
                for (attr, value) in &tag.attributes {
                    apply_attribute(attr, value, &mut style);
                }
                if let Some(reason) = style.hidden() {
                    ranges.hide(tag.span.start, tag.span.end, reason, Kind::Markup);
                }
                // `/>` does not close an HTML element (`<div hidden/>x` hides x); only void
                // elements have no content.
                if !VOID.contains(&name) {
                    stack.push(Open {
                        name: name.to_vec(),
                        style,
                    });
                }
            }
            Token::EndTag(tag) => {
                let name: &[u8] = &tag.name;
                let hidden = current(&stack).hidden();
                let found = stack.iter().rev().take(MAX_SEARCH).position(|o| o.name == name);
                if let Some(from_top) = found {
                    stack.truncate(stack.len() - 1 - from_top);
                }
                if let Some(reason) = hidden {
                    ranges.hide(tag.span.start, tag.span.end, reason, Kind::Markup);
                }
            }
            Token::String(s) => {
                if let Some(reason) = current(&stack).hidden() {
                    ranges.hide(s.span.start, s.span.end, reason, Kind::Text);
                }
            }
            Token::Comment(c) => {
                let reason = current(&stack).hidden().unwrap_or(HiddenReason::Comment);
                // The span covers the whole `<!-- ... -->`; the words inside are what a reader
                // misses, the delimiters are markup.
                let (start, end) = (c.span.start, c.span.end.min(text.len()));
                let source = text.get(start..end).unwrap_or("");
                let open = if source.starts_with("<!--") {
                    4
                } else {
                    source.len().min(2)
                };
                let close = ["--!>", "-->", ">"]
                    .iter()
                    .find(|d| source.len() >= open + d.len() && source.ends_with(*d))
                    .map_or(0, |d| d.len());
                ranges.hide(start, start + open, reason, Kind::Markup);
                ranges.hide(start + open, end - close, reason, Kind::Text);
                ranges.hide(end - close, end, reason, Kind::Markup);
            }
            Token::Doctype(d) => {
                ranges.hide(d.span.start, d.span.end, HiddenReason::NotDisplayed, Kind::Markup)
            }
            Token::Error(_) => {}
        }
    }
}

/// The rules of every `<style>` element in the text (a rule applies wherever it is written).
fn style_rules(text: &str) -> Vec<Rule> {
    if !text
        .as_bytes()
        .windows(6)
        .any(|w| w.eq_ignore_ascii_case(b"<style"))
    {
        return Vec::new();
    }
    let mut emitter = DefaultEmitter::<()>::default();
    emitter.naively_switch_states(true);
    let mut in_style = false;
    let mut css = String::new();
    for token in Tokenizer::new_with_emitter(text, emitter) {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => in_style = &tag.name[..] == b"style",
            Token::EndTag(_) => in_style = false,
            Token::String(s) if in_style => {
                css.push_str(&String::from_utf8_lossy(&s));
                css.push('\n');
            }
            _ => {}
        }
    }
    let mut rules = sheet::parse(&css);
    rules.truncate(MAX_RULES);
    rules
}

/// Markdown's comment idiom: a link reference definition (`[//]: # (words)`) that no link uses
/// is not rendered. Such a line is hidden when it is a whole definition with a title and does
/// not continue a paragraph (as CommonMark requires).
fn link_definitions(text: &str, ranges: &mut Ranges) {
    let mut offset = 0;
    let mut after_paragraph = false;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let is_definition = !after_paragraph && is_link_definition(content);
        if is_definition {
            ranges.hide(offset, offset + content.len(), HiddenReason::Comment, Kind::Text);
        }
        after_paragraph = !is_definition && !content.trim().is_empty();
        offset += line.len();
    }
}

/// `[label]: destination "title"` (or `'title'`, `(title)`), alone on its line.
fn is_link_definition(line: &str) -> bool {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return false;
    }
    let Some(rest) = trimmed.strip_prefix('[') else {
        return false;
    };
    let Some(close) = rest.find("]:") else {
        return false;
    };
    let label = &rest[..close];
    if label.trim().is_empty() || label.contains('[') || label.contains(']') {
        return false;
    }
    let rest = rest[close + 2..].trim_start();
    let (destination, rest) = match rest.strip_prefix('<') {
        Some(inside) => match inside.find('>') {
            Some(end) => (&inside[..end], &inside[end + 1..]),
            None => return false,
        },
        None => rest.split_at(rest.find(char::is_whitespace).unwrap_or(rest.len())),
    };
    if destination.is_empty() && !rest.starts_with('>') && !trimmed.contains("<>") {
        return false;
    }
    let title = rest.trim();
    // Without a title the definition shows nothing either, but it holds no words.
    let Some(first) = title.chars().next() else {
        return true;
    };
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    let closing = match first {
        '"' => '"',
        '\'' => '\'',
        '(' => ')',
        _ => return false,
    };
    title.len() >= 2 && title.ends_with(closing) && !title[1..title.len() - 1].contains(closing)
}

/// Close the elements a start tag ends implicitly: an open `<p>` before a block, the previous
/// list item or definition before the next.
fn close_implied(stack: &mut Vec<Open>, name: &[u8]) {
    let closes: &[&[u8]] = match name {
        b"li" => &[b"li"],
        b"dt" | b"dd" => &[b"dt", b"dd"],
        b"option" => &[b"option"],
        _ => &[],
    };
    let stops: &[&[u8]] = &[
        b"ol",
        b"ul",
        b"dl",
        b"table",
        b"td",
        b"th",
        b"button",
        b"template",
        b"select",
    ];
    for target in closes
        .iter()
        .copied()
        .chain(CLOSES_P.contains(&name).then_some(&b"p"[..]))
    {
        let found = stack
            .iter()
            .rev()
            .take(MAX_SEARCH)
            .take_while(|o| !stops.contains(&o.name.as_slice()))
            .position(|o| o.name == target);
        if let Some(from_top) = found {
            let at = stack.len() - 1 - from_top;
            stack.truncate(at);
        }
    }
}

/// What a browser's own style sheet gives an element.
fn apply_defaults(name: &[u8], style: &mut Style) {
    if NOT_RENDERED.contains(&name) {
        style.removed.get_or_insert(HiddenReason::NotDisplayed);
    }
    if name == b"mark" {
        style.color = color::BLACK;
        style.background = Rgba::opaque(1.0, 1.0, 0.0);
    }
}

fn apply_attribute(attr: &[u8], value: &[u8], style: &mut Style) {
    let value = String::from_utf8_lossy(value);
    match attr {
        b"hidden" => {
            style.removed.get_or_insert(HiddenReason::NotDisplayed);
        }
        b"style" => apply_declarations(&value, style),
        b"color" => set_color(&value, style),
        b"bgcolor" => set_background(&value, style),
        _ => {}
    }
}

fn set_color(value: &str, style: &mut Style) {
    if let Some(c) = color::css(value) {
        style.color = c;
    }
}

fn set_background(value: &str, style: &mut Style) {
    if let Some(c) = color::css(value) {
        style.background = c.over(style.background, 1.0);
    }
}

/// Apply a `style` attribute's declarations, those that decide whether text is seen.
fn apply_declarations(css: &str, style: &mut Style) {
    let mut overflow_hidden = false;
    let mut zero_box = false;
    for declaration in css.split(';') {
        let Some((property, value)) = declaration.split_once(':') else {
            continue;
        };
        let property = property.trim().to_ascii_lowercase();
        let value = value.trim();
        let value = value
            .strip_suffix("!important")
            .map_or(value, str::trim_end)
            .to_ascii_lowercase();
        match property.as_str() {
            "display" if value == "none" => {
                style.removed.get_or_insert(HiddenReason::NotDisplayed);
            }
            "visibility" => style.invisible = value == "hidden" || value == "collapse",
            "color" => set_color(&value, style),
            "background-color" => set_background(&value, style),
            // The shorthand's colour is any of its words that is one.
            "background" => {
                if let Some(c) = value.split_whitespace().find_map(color::css) {
                    style.background = c.over(style.background, 1.0);
                }
            }
            "opacity" => {
                if let Some(o) = number_or_percent(&value) {
                    style.opacity *= o.clamp(0.0, 1.0);
                }
            }
            "font-size" => {
                if let Some(px) = length_px(&value, style.font_px) {
                    style.font_px = px;
                }
            }
            // `font: 0/0 a`: the size is the first word that is a length.
            "font" => {
                let size = value.split_whitespace().find_map(|w| {
                    let size = w.split('/').next().unwrap_or(w);
                    length_px(size, style.font_px)
                });
                if let Some(px) = size {
                    style.font_px = px;
                }
            }
            "overflow" => overflow_hidden = value.contains("hidden") || value.contains("clip"),
            "width" | "height" | "max-width" | "max-height" => {
                zero_box |= length_px(&value, style.font_px).is_some_and(|px| px < MIN_FONT_PX);
            }
            "transform" if value.starts_with("scale") => {
                let zero = value
                    .split(['(', ')', ','])
                    .nth(1)
                    .and_then(|s| s.trim().parse::<f32>().ok())
                    .is_some_and(|s| s.abs() < 0.1);
                if zero {
                    style.font_px = 0.0;
                }
            }
            _ => {}
        }
    }
    if overflow_hidden && zero_box {
        style.removed.get_or_insert(HiddenReason::Invisible);
    }
}

fn number_or_percent(value: &str) -> Option<f32> {
    let v = match value.strip_suffix('%') {
        Some(p) => p.trim().parse::<f32>().ok()? / 100.0,
        None => value.parse::<f32>().ok()?,
    };
    v.is_finite().then_some(v)
}

/// A CSS length in pixels (`em` and `%` relative to the inherited size); `None` for keywords and
/// what is not understood.
fn length_px(value: &str, inherited: f32) -> Option<f32> {
    let value = value.trim();
    let split = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let n: f32 = number.parse().ok().filter(|n: &f32| n.is_finite())?;
    let px = match unit.trim() {
        "" | "px" => n,
        "pt" => n * 4.0 / 3.0,
        "em" => n * inherited,
        "rem" => n * 16.0,
        "%" => n / 100.0 * inherited,
        "vw" | "vh" | "vmin" | "vmax" | "ex" | "ch" | "cm" | "mm" | "in" | "pc" | "q" if n == 0.0 => 0.0,
        _ => return None,
    };
    Some(px)
}

/// The text with Markdown code (fenced blocks, code spans) replaced by spaces byte for byte, so
/// that the tokenizer's spans still point into the original.
fn mask_code(text: &str) -> Cow<'_, str> {
    if !text.contains('`') && !text.contains("~~~") {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut blank = |from: usize, to: usize| {
        for b in &mut bytes[from..to] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    // Fenced blocks, line by line.
    let mut fence: Option<(u8, usize, usize)> = None; // (char, length, start of the block)
    let mut offset = 0;
    let mut spans_from = Vec::new(); // Stretches outside fenced blocks, for code spans.
    let mut outside_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let run = |c: u8| trimmed.bytes().take_while(|&b| b == c).count();
        match fence {
            Some((c, len, start)) if indent < 4 && run(c) >= len && trimmed[run(c)..].trim().is_empty() => {
                blank(start, offset + line.len());
                fence = None;
                outside_start = offset + line.len();
            }
            Some(_) => {}
            None if indent < 4 => {
                for c in [b'`', b'~'] {
                    let n = run(c);
                    if n >= 3 && !(c == b'`' && trimmed[n..].contains('`')) {
                        spans_from.push((outside_start, offset));
                        fence = Some((c, n, offset));
                        break;
                    }
                }
            }
            None => {}
        }
        offset += line.len();
    }
    if let Some((_, _, start)) = fence {
        // An unclosed fence runs to the end of the text.
        blank(start, text.len());
    } else {
        spans_from.push((outside_start, text.len()));
    }
    // Code spans: a run of backticks closed by the next run of the same length. The runs are
    // listed first and each linked to the next of its length, so that unclosed runs of many
    // lengths cannot make this quadratic.
    let bytes_of = text.as_bytes();
    for (from, to) in spans_from {
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut i = from;
        while i < to {
            if bytes_of[i] == b'`' {
                let n = bytes_of[i..to].iter().take_while(|&&b| b == b'`').count();
                runs.push((i, n));
                i += n;
            } else {
                i += 1;
            }
        }
        let mut next_same = vec![None; runs.len()];
        let mut last_of_length: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for (r, &(_, n)) in runs.iter().enumerate().rev() {
            next_same[r] = last_of_length.insert(n, r);
        }
        let mut r = 0;
        while r < runs.len() {
            match next_same[r] {
                Some(close) => {
                    let (open_at, n) = runs[r];
                    blank(open_at + n, runs[close].0);
                    r = close + 1;
                }
                None => r += 1,
            }
        }
    }
    // Only ASCII bytes were written, over whole characters' bytes.
    Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::super::{blank_hidden_html, HiddenReason};

    fn visible(text: &str) -> String {
        let blanked = blank_hidden_html(text);
        assert_eq!(blanked.text.chars().count(), text.chars().count());
        blanked.text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn hidden_elements_are_blanked_with_what_they_hold() {
        for (text, seen) in [
            ("a <div hidden><span>pretext</span> task</div> b", "a b"),
            ("a <section hidden>x</section> b", "a b"),
            ("a <span style=\"color:white\">x <b>y</b> z</span> b", "a b"),
            ("a <span style=\"color: rgb(255 255 255)\">x</span> b", "a b"),
            ("a <span style=\"color:transparent\">x</span> b", "a b"),
            ("a <span style=\"color:#fefefe\">x</span> b", "a b"),
            ("a <p style=\"opacity:0\">x</p> b", "a b"),
            ("a <span style=\"font-size:0\">x</span> b", "a b"),
            ("a <span style='font:0/0 a'>x</span> b", "a b"),
            ("a <span style=\"display:none !important\">x</span> b", "a b"),
            ("a <span style=\"visibility:hidden\">x</span> b", "a b"),
            ("a <mark style=\"color:yellow\">x</mark> b", "a b"),
            ("a <font color=white>x</font> b", "a b"),
            ("a <style>.x{}</style> b", "a b"),
            ("a <script>let x = '</div>';</script> b", "a b"),
            ("a <template><p>x</p></template> b", "a b"),
            ("a <noscript>x</noscript> b", "a b"),
            (
                "a <textarea style=\"display:none\">x <b>y</b></textarea> b",
                "a b",
            ),
            ("a <!-- x\ny --> b", "a b"),
            ("a <div hidden/>x</div> b", "a b"),
            (
                "<style>.h { color: #fff }</style>a <span class=\"k h\">x</span> b",
                "a b",
            ),
            ("a <p id=\"q\">x</p> b<style>#q{display:none}</style>", "a b"),
            ("a <div style=\"height:0;overflow:hidden\">x</div> b", "a b"),
            ("a <span style=\"color:black;background:black\">x</span> b", "a b"),
        ] {
            assert_eq!(visible(text), seen, "{text}");
        }
    }

    #[test]
    fn shown_elements_keep_their_text() {
        for text in [
            "a <span style=\"color:red\">x</span> b",
            "a <b>x</b> b",
            "a <mark>x</mark> b",
            "a <span style=\"color:white;background:black\">x</span> b",
            "a <span style=\"visibility:hidden\"><b style=\"visibility:visible\">x</b></span> b",
            "a <span style=\"color:white\"><b style=\"color:black\">x</b></span> b",
            "a <span style=\"font-size:0\"><b style=\"font-size:12px\">x</b></span> b",
            "a <textarea>x</textarea> b",
            "a `<span hidden>x</span>` b",
            "```\n<span hidden>x</span>\n```\nb",
            "n<m and m>k x",
        ] {
            let blanked = blank_hidden_html(text);
            assert!(blanked.pieces.is_empty(), "{text}: {:?}", blanked.pieces);
            assert!(blanked.text.contains('x'), "{text}: {}", blanked.text);
        }
    }

    #[test]
    fn link_definitions_used_as_comments_are_hidden() {
        for text in [
            "a\n\n[//]: # (pretext task)\nb",
            "[comment]: <> (pretext task)\nb",
            "[x]: http://e.org \"pretext task\"\nb",
            "[x]: # 'pretext task'\nb",
        ] {
            let blanked = blank_hidden_html(text);
            assert!(!blanked.text.contains("pretext"), "{text}");
            assert_eq!(blanked.pieces.len(), 1, "{text}");
        }
        for text in [
            "a\n[//]: # (pretext task)",
            "[1]: see the pretext task",
            "[1]: # (pretext task) and more",
            "```\n[//]: # (pretext task)\n```",
        ] {
            let blanked = blank_hidden_html(text);
            assert!(blanked.text.contains("pretext"), "{text}");
        }
    }

    #[test]
    fn a_block_closes_a_hidden_paragraph_and_an_unclosed_hidden_element_runs_to_the_end() {
        assert_eq!(
            visible("<div><p hidden>x<div>y</div></div> z"),
            "<div> <div>y</div></div> z"
        );
        assert_eq!(visible("a <div hidden>\n\nx\n\ny"), "a");
    }

    #[test]
    fn pieces_say_where_what_and_why() {
        let blanked =
            blank_hidden_html("1a) No.\n<!-- pretext\ntask -->\n<span hidden>mask</span> <i>ok</i>");
        assert_eq!(
            blanked.pieces,
            vec![
                (2, HiddenReason::Comment, "pretext task".to_owned()),
                (4, HiddenReason::NotDisplayed, "mask".to_owned()),
            ]
        );
        assert_eq!(blanked.text.lines().count(), 4);
        assert_eq!(
            blanked.text.lines().nth(3),
            Some("                         <i>ok</i>")
        );
    }
}
