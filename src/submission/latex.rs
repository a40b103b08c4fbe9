//! Reader for LaTeX submissions (`.tex`): the document body with its markup reduced to plain
//! text, keeping each output line's number in the `.tex` file. Sectioning commands become
//! Markdown headings and `\textbf`/`\item[..]` keep their label role, so that the answer splitter
//! sees the same labels it would in a Markdown file.

use super::document::SourceLine;

/// Sectioning commands that become a `## X` heading line.
const SECTIONS: &[&str] = &[
    "section",
    "subsection",
    "subsubsection",
    "paragraph",
    "subparagraph",
];

/// Commands whose arguments are not text (dropped with them).
const DROPPED_WITH_ARGS: &[&str] = &[
    "label",
    "ref",
    "eqref",
    "cite",
    "vspace",
    "hspace",
    "includegraphics",
    "setlength",
    "addtolength",
    "thispagestyle",
    "pagestyle",
    "pagenumbering",
    "begin",
    "end",
    "usepackage",
    "documentclass",
    "newcommand",
    "renewcommand",
    "definecolor",
    "colorlet",
    "fontsize",
    "excludecomment",
    "includecomment",
];

/// Commands whose first arguments (a colour, a scale, a size) are not text, and how many; a
/// group after them is text (`{\color{red}{No}}`).
const NON_TEXT_ARGUMENTS: &[(&str, usize)] = &[
    ("color", 1),
    ("pagecolor", 1),
    ("textcolor", 1),
    ("colorbox", 1),
    ("fcolorbox", 2),
    ("scalebox", 1),
    ("resizebox", 2),
    ("rotatebox", 1),
];

pub(super) fn to_lines(text: &str) -> Vec<SourceLine> {
    let lines: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, strip_comment(line).to_owned()))
        .collect();
    let body = document_body(lines);
    let mut out = Vec::new();
    for (number, line) in body {
        let Some(converted) = convert_line(&line) else {
            continue;
        };
        let all_blank = converted.iter().all(|l| l.trim().is_empty());
        if all_blank && !line.trim().is_empty() {
            // The line held only markup (`\maketitle`, `\noindent`): nothing to read.
            continue;
        }
        out.extend(converted.into_iter().enumerate().map(|(i, text)| {
            // Lines after a `\\` start where the break was, not with its spacing.
            let text = if i == 0 { text.trim_end() } else { text.trim() };
            SourceLine::new(number, text)
        }));
    }
    out
}

/// Cut a line at its first comment `%` (one not escaped as `\%`).
fn strip_comment(line: &str) -> &str {
    let mut backslashes = 0;
    for (i, c) in line.char_indices() {
        match c {
            '%' if backslashes % 2 == 0 => return &line[..i],
            '\\' => backslashes += 1,
            _ => backslashes = 0,
        }
        if c != '\\' {
            backslashes = 0;
        }
    }
    line
}

/// The lines between `\begin{document}` and `\end{document}`, or all lines for a fragment.
fn document_body(mut lines: Vec<(usize, String)>) -> Vec<(usize, String)> {
    const BEGIN: &str = "\\begin{document}";
    const END: &str = "\\end{document}";
    if let Some(start) = lines.iter().position(|(_, l)| l.contains(BEGIN)) {
        lines.drain(..start);
        let first = &mut lines[0].1;
        let after = first.find(BEGIN).map_or(0, |i| i + BEGIN.len());
        *first = first[after..].to_owned();
        if first.trim().is_empty() {
            lines.remove(0);
        }
    }
    if let Some(end) = lines.iter().position(|(_, l)| l.contains(END)) {
        let (number, last) = &lines[end];
        let (number, before) = (*number, last[..last.find(END).unwrap_or(last.len())].to_owned());
        lines.truncate(end);
        if !before.trim().is_empty() {
            lines.push((number, before));
        }
    }
    lines
}

/// One source line as output lines (several when it holds `\\`); `None` to drop it.
fn convert_line(line: &str) -> Option<Vec<String>> {
    let trimmed: Vec<char> = line.trim_start().chars().collect();
    let Some((name, after_name)) = command_at(&trimmed, 0) else {
        return Some(inline(&trimmed));
    };
    let name = name.as_str();
    if name == "begin" || name == "end" {
        let rest = skip_arguments(&trimmed, after_name);
        let converted = inline(&trimmed[rest..]);
        return (!converted.iter().all(|l| l.trim().is_empty())).then_some(converted);
    }
    let starred = usize::from(trimmed.get(after_name) == Some(&'*'));
    let after_star = skip_optional(&trimmed, after_name + starred);
    if SECTIONS.contains(&name) {
        if let Some((title, end)) = group(&trimmed, after_star) {
            return Some(prefixed(format!("## {}", flat(&title)), &trimmed[end..]));
        }
    }
    if name == "textbf" {
        if let Some((bold, end)) = group(&trimmed, after_name) {
            return Some(prefixed(format!("**{}**", flat(&bold)), &trimmed[end..]));
        }
    }
    if name == "item" {
        if trimmed.get(after_name) == Some(&'[') {
            if let Some(end) = matching(&trimmed, after_name, '[', ']') {
                let label = flat(&trimmed[after_name + 1..end]);
                return Some(prefixed(label, &trimmed[end + 1..]));
            }
        }
        return Some(prefixed("-".to_owned(), &trimmed[after_name..]));
    }
    Some(inline(&trimmed))
}

/// `head` followed by the text of `rest` (separated by a space).
fn prefixed(head: String, rest: &[char]) -> Vec<String> {
    let mut lines = inline(rest);
    let first = lines[0].trim_start();
    lines[0] = if first.is_empty() {
        head
    } else {
        format!("{head} {first}")
    };
    lines
}

/// Inline markup reduced to one line of text (a `\\` inside becomes a space).
fn flat(chars: &[char]) -> String {
    inline(chars).join(" ").trim().to_owned()
}

/// Reduce inline markup to text; `\\` starts a new output line.
fn inline(chars: &[char]) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' => match next {
                Some('\\') => {
                    lines.push(String::new());
                    i = skip_optional(chars, i + 2);
                }
                Some(e @ ('%' | '&' | '_' | '#' | '$' | '{' | '}')) => {
                    push(&mut lines, &e.to_string());
                    i += 2;
                }
                Some(' ' | ',' | ';' | ':') => {
                    push(&mut lines, " ");
                    i += 2;
                }
                Some('!' | '/' | '(' | ')' | '[' | ']') => i += 2,
                Some(n) if n.is_ascii_alphabetic() => i = command(chars, i, &mut lines),
                _ => {
                    push(&mut lines, "\\");
                    i += 1;
                }
            },
            '$' => {
                let fence = if next == Some('$') { 2 } else { 1 };
                match find_math_end(chars, i + fence, fence) {
                    Some(end) => {
                        let math: String = chars[i + fence..end].iter().collect();
                        push(&mut lines, &math);
                        i = end + fence;
                    }
                    None => {
                        push(&mut lines, "$");
                        i += 1;
                    }
                }
            }
            '{' | '}' => i += 1,
            '~' => {
                push(&mut lines, " ");
                i += 1;
            }
            '`' | '\'' if next == Some(c) => {
                push(&mut lines, "\"");
                i += 2;
            }
            _ => {
                lines.last_mut().expect("never empty").push(c);
                i += 1;
            }
        }
    }
    lines
}

/// Handle the control word at `chars[start] == '\\'`; returns the index after it.
fn command(chars: &[char], start: usize, lines: &mut Vec<String>) -> usize {
    let (name, mut i) = command_at(chars, start).expect("caller checked a letter follows");
    if chars.get(i) == Some(&'*') {
        i += 1;
    }
    let replacement = match name.as_str() {
        "ldots" | "dots" | "cdots" | "textellipsis" => Some("..."),
        "LaTeX" => Some("LaTeX"),
        "TeX" => Some("TeX"),
        "textbackslash" => Some("\\"),
        "quad" | "qquad" => Some(" "),
        _ => None,
    };
    if let Some(text) = replacement {
        push(lines, text);
        return i;
    }
    if matches!(name.as_str(), "newline" | "linebreak" | "par") {
        lines.push(String::new());
        return skip_spaces(chars, i);
    }
    if DROPPED_WITH_ARGS.contains(&name.as_str()) {
        return skip_arguments(chars, i);
    }
    if let Some(&(_, count)) = NON_TEXT_ARGUMENTS.iter().find(|(n, _)| *n == name) {
        i = skip_optional(chars, i);
        for _ in 0..count {
            i = group(chars, i).map_or(i, |(_, end)| end);
        }
    }
    let after_optional = skip_optional(chars, i);
    match group(chars, after_optional) {
        // Formatting with text (\emph{x}, \textit{x}, \underline{x}, ...): keep the text.
        Some((content, end)) => {
            let mut inner = inline(&content).into_iter();
            if let Some(first) = inner.next() {
                push(lines, &first);
            }
            lines.extend(inner);
            end
        }
        // A bare switch (\noindent, \maketitle, \centering): drop it and the space it ends with.
        None => skip_spaces(chars, i),
    }
}

fn push(lines: &mut [String], text: &str) {
    lines.last_mut().expect("never empty").push_str(text);
}

/// The control word starting at `chars[at] == '\\'`, and the index after its name.
fn command_at(chars: &[char], at: usize) -> Option<(String, usize)> {
    if chars.get(at) != Some(&'\\') {
        return None;
    }
    let len = chars[at + 1..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    (len > 0).then(|| (chars[at + 1..at + 1 + len].iter().collect(), at + 1 + len))
}

/// The content of a `{...}` group starting at `at` (after optional spaces) and the index after it.
fn group(chars: &[char], at: usize) -> Option<(Vec<char>, usize)> {
    let at = skip_spaces(chars, at);
    if chars.get(at) != Some(&'{') {
        return None;
    }
    let end = matching(chars, at, '{', '}')?;
    Some((chars[at + 1..end].to_vec(), end + 1))
}

/// The index of the bracket closing the one at `open_at`, skipping escaped brackets.
fn matching(chars: &[char], open_at: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open_at;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn skip_optional(chars: &[char], at: usize) -> usize {
    if chars.get(at) == Some(&'[') {
        if let Some(end) = matching(chars, at, '[', ']') {
            return end + 1;
        }
    }
    at
}

/// Skip any `[..]` and `{..}` arguments.
fn skip_arguments(chars: &[char], mut at: usize) -> usize {
    loop {
        let next = skip_optional(chars, at);
        let next = group(chars, next).map_or(next, |(_, end)| end);
        if next == at {
            return at;
        }
        at = next;
    }
}

fn skip_spaces(chars: &[char], mut at: usize) -> usize {
    while chars.get(at).is_some_and(|c| *c == ' ' || *c == '\t') {
        at += 1;
    }
    at
}

fn find_math_end(chars: &[char], from: usize, fence: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '$' if fence == 1 || chars.get(i + 1) == Some(&'$') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[SourceLine]) -> Vec<(usize, &str)> {
        lines.iter().map(|l| (l.number, l.text.as_str())).collect()
    }

    #[test]
    fn body_only_with_headings_items_and_original_line_numbers() {
        let tex = r"\documentclass{article}
\usepackage{amsmath}
\title{Review}
\begin{document}
\maketitle
\section*{Question 1}
\begin{enumerate}
  \item[(a)] No, keep \emph{all} 100\% of patches. % not 50%
  \item[(b)] Pretrain
\end{enumerate}
\subsection*{1(c)} % heading
\textbf{(i)} soft prompting \\ with $O(n^2)$ cost
\subsubsection{3b-ii}
\item plain item
\end{document}
trailing junk
";
        let lines = to_lines(tex);
        assert_eq!(
            texts(&lines),
            vec![
                (6, "## Question 1"),
                (8, "(a) No, keep all 100% of patches."),
                (9, "(b) Pretrain"),
                (11, "## 1(c)"),
                (12, "**(i)** soft prompting"),
                (12, "with O(n^2) cost"),
                (13, "## 3b-ii"),
                (14, "- plain item"),
            ]
        );
    }

    #[test]
    fn a_fragment_without_begin_document_is_read_whole() {
        let lines = to_lines("1a) No.\n\n1b) Use the \\textit{unpaired} data~here.\n");
        assert_eq!(
            texts(&lines),
            vec![(1, "1a) No."), (2, ""), (3, "1b) Use the unpaired data here.")]
        );
    }

    #[test]
    fn comments_are_stripped_but_escaped_percent_is_kept() {
        assert_eq!(strip_comment(r"50\% done % todo"), r"50\% done ");
        assert_eq!(strip_comment(r"line\\% comment"), r"line\\");
        assert_eq!(strip_comment("% whole line"), "");
    }

    #[test]
    fn colour_and_scale_arguments_are_not_text() {
        let chars: Vec<char> =
            r"\textcolor{red}{No}, \colorbox{yellow}{the} \scalebox{0.5}[1]{pretext} {\color{blue} task} {\color{red}{here}}"
                .chars()
                .collect();
        assert_eq!(inline(&chars), vec!["No, the pretext task here".to_owned()]);
    }

    #[test]
    fn inline_markup_is_reduced_to_text() {
        let chars: Vec<char> = r"\textbf{Yes}: see \cite{x}\label{y}\ldots $$a+b$$ \& ``q''"
            .chars()
            .collect();
        assert_eq!(inline(&chars), vec!["Yes: see ... a+b & \"q\"".to_owned()]);
    }
}
