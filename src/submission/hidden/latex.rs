//! What of a LaTeX source would not be seen on the typeset page. A scanner walks the source
//! once, matching braces and environments into a stack of groups; each group carries the text
//! colour, the background and whether it is forced out of sight (`\phantom`, a zero
//! `\scalebox`, a macro's discarded argument). A colour switch (`\color{white}`) lasts to the
//! end of its group or environment, as it does in TeX. Conditionals that are never true
//! (`\iffalse`, `\if0`, `\ifnum 0=1`, a `\newif` switched off) and comment environments are
//! skipped whole. Macros defined in the file (`\newcommand`, `\def`, `\let` to `\@gobble`) are
//! scanned once at their definition to learn which arguments they show.

use std::collections::{HashMap, HashSet};

use super::color::{self, Rgba};
use super::{HiddenReason, Kind, Ranges};

/// Primitive and common conditionals, which end at `\fi`.
const CONDITIONALS: &[&str] = &[
    "if",
    "ifcat",
    "ifnum",
    "ifdim",
    "ifodd",
    "ifvmode",
    "ifhmode",
    "ifmmode",
    "ifinner",
    "ifvoid",
    "ifhbox",
    "ifvbox",
    "ifx",
    "ifeof",
    "iftrue",
    "iffalse",
    "ifcase",
    "ifdefined",
    "ifcsname",
    "iffontchar",
    "ifincsname",
    "ifpdf",
    "ifxetex",
    "ifluatex",
];

/// Environments whose content is printed as written, commands and all.
const VERBATIM: &[&str] = &[
    "verbatim",
    "verbatim*",
    "Verbatim",
    "BVerbatim",
    "lstlisting",
    "minted",
];

/// A scale or size below this leaves nothing to read.
const MIN_SCALE: f32 = 0.1;

/// How deep macro definitions are scanned inside macro definitions.
const MAX_DEPTH: usize = 4;

/// How far down the group stack an `\end` looks for its `\begin`, and how far an `[option]` or
/// a `\def`'s parameters may run: bounds that keep hostile input from making reading quadratic.
const MAX_SEARCH: usize = 512;

#[derive(Debug, Clone, PartialEq)]
enum FrameKind {
    Root,
    Brace,
    Env(String),
}

/// A group: what its text is drawn with, and the arguments a macro still takes after it.
#[derive(Debug, Clone)]
struct Frame {
    kind: FrameKind,
    color: Rgba,
    /// `None`: the page's colour.
    background: Option<Rgba>,
    forced: Option<HiddenReason>,
    /// Arguments still to read when this group closes, the next one last.
    then: Vec<Arg>,
}

/// How an argument about to be read is drawn.
#[derive(Debug, Clone, Copy, Default)]
struct Arg {
    forced: Option<HiddenReason>,
    color: Option<Rgba>,
    background: Option<Rgba>,
}

/// What a macro defined in the file does with its arguments.
#[derive(Debug, Clone, Default)]
struct Macro {
    /// Per argument: `Some(reason)` when the body never shows it.
    args: Vec<Option<HiddenReason>>,
    /// The first argument is optional (`[..]`).
    optional: bool,
    /// A colour the macro switches to (`\newcommand{\w}{\color{white}}`).
    color: Option<Rgba>,
    forced: Option<HiddenReason>,
}

/// What the file has defined so far.
#[derive(Debug, Clone, Default)]
struct Defs {
    macros: HashMap<String, Macro>,
    /// Environments whose `\begin` switches colour or hides.
    environments: HashMap<String, Macro>,
    colors: HashMap<String, Rgba>,
    /// `\excludecomment`ed environments (`comment` is one from the start).
    comments: HashSet<String>,
    /// `\newif` switches and their value.
    switches: HashMap<String, bool>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cond {
    /// In the branch taken; an `\else` starts the branch skipped.
    True,
    /// Not known: both branches are kept.
    Unknown,
}

struct Scanner<'a> {
    src: &'a [u8],
    /// The `}` matching each `{`, found in one pass (escapes and `%` comments skipped).
    closing: HashMap<usize, usize>,
    pos: usize,
    frames: Vec<Frame>,
    conds: Vec<Cond>,
    defs: Defs,
    page: Rgba,
    /// The current group's hidden state, recomputed when it changes.
    hidden: Option<HiddenReason>,
    depth: usize,
}

/// Mark what of `text` would not be seen on the page.
pub(super) fn scan(text: &str, ranges: &mut Ranges) {
    let mut scanner = Scanner::new(text.as_bytes(), Defs::default(), 0);
    scanner.run(ranges);
}

impl<'a> Scanner<'a> {
    fn new(src: &'a [u8], mut defs: Defs, depth: usize) -> Scanner<'a> {
        if depth == 0 {
            defs.comments.insert("comment".to_owned());
        }
        for (name, n) in [("@gobble", 1), ("@gobbletwo", 2), ("@gobblefour", 4)] {
            defs.macros.entry(name.to_owned()).or_insert_with(|| Macro {
                args: vec![Some(HiddenReason::DiscardedArgument); n],
                ..Macro::default()
            });
        }
        Scanner {
            src,
            closing: match_braces(src),
            pos: 0,
            frames: vec![Frame {
                kind: FrameKind::Root,
                color: color::BLACK,
                background: None,
                forced: None,
                then: Vec::new(),
            }],
            conds: Vec::new(),
            defs,
            page: color::WHITE,
            hidden: None,
            depth,
        }
    }

    fn top(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("the root frame is never popped")
    }

    fn hidden_of(&self, frame: &Frame) -> Option<HiddenReason> {
        frame.forced.or_else(|| {
            let background = frame.background.unwrap_or(self.page);
            (!color::stands_out(frame.color, background, 1.0)).then_some(HiddenReason::Invisible)
        })
    }

    fn refresh(&mut self) {
        let top = self.frames.last().expect("root");
        self.hidden = self.hidden_of(top);
    }

    fn mark(&self, ranges: &mut Ranges, start: usize, end: usize, kind: Kind) {
        if let Some(reason) = self.hidden {
            ranges.hide(start, end, reason, kind);
        }
    }

    fn run(&mut self, ranges: &mut Ranges) {
        while self.pos < self.src.len() {
            let start = self.pos;
            match self.src[start] {
                b'%' => {
                    self.pos = self.line_end(start);
                    self.mark(ranges, start, self.pos, Kind::Markup);
                }
                b'{' => {
                    self.push(FrameKind::Brace, Arg::default(), Vec::new());
                    self.pos += 1;
                    self.mark(ranges, start, self.pos, Kind::Markup);
                }
                b'}' => {
                    self.pos += 1;
                    self.mark(ranges, start, self.pos, Kind::Markup);
                    self.close_brace(ranges);
                }
                b'\\' => self.control(ranges),
                _ => {
                    let end = self.src[start..]
                        .iter()
                        .position(|b| matches!(b, b'%' | b'{' | b'}' | b'\\'))
                        .map_or(self.src.len(), |n| start + n);
                    self.pos = end;
                    self.mark(ranges, start, end, Kind::Text);
                }
            }
        }
    }

    fn push(&mut self, kind: FrameKind, arg: Arg, then: Vec<Arg>) {
        let parent = self.frames.last().expect("root");
        let frame = Frame {
            kind,
            color: arg.color.unwrap_or(parent.color),
            background: arg.background.or(parent.background),
            forced: parent.forced.or(arg.forced),
            then,
        };
        self.frames.push(frame);
        self.refresh();
    }

    fn close_brace(&mut self, ranges: &mut Ranges) {
        if self.frames.last().is_some_and(|f| f.kind == FrameKind::Brace) {
            let frame = self.frames.pop().expect("checked");
            self.refresh();
            self.open_arguments(frame.then, ranges);
        }
    }

    /// Read the next arguments (`then` holds them, the next one last): a `{..}` group becomes a
    /// frame drawn as its [`Arg`] says; a single token is marked at once.
    fn open_arguments(&mut self, mut then: Vec<Arg>, ranges: &mut Ranges) {
        while let Some(arg) = then.pop() {
            let at = self.skip_spaces(self.pos);
            match self.src.get(at) {
                Some(b'{') => {
                    self.mark(ranges, self.pos, at, Kind::Text);
                    self.push(FrameKind::Brace, arg, then);
                    self.pos = at + 1;
                    self.mark(ranges, at, self.pos, Kind::Markup);
                    return;
                }
                Some(_) => {
                    let end = self.token_end(at);
                    let mut frame = self.frames.last().expect("root").clone();
                    frame.forced = frame.forced.or(arg.forced);
                    frame.color = arg.color.unwrap_or(frame.color);
                    frame.background = arg.background.or(frame.background);
                    if let Some(reason) = self.hidden_of(&frame) {
                        ranges.hide(at, end, reason, Kind::Text);
                    }
                    self.pos = end;
                }
                None => return,
            }
        }
    }

    /// The end of the token at `at`: a control word or symbol, or one character.
    fn token_end(&self, at: usize) -> usize {
        if self.src[at] == b'\\' {
            let letters = self.letters(at + 1);
            if letters > at + 1 {
                return letters;
            }
            return self.char_end(at + 1);
        }
        self.char_end(at)
    }

    fn char_end(&self, at: usize) -> usize {
        let mut end = (at + 1).min(self.src.len());
        while end < self.src.len() && (self.src[end] & 0xC0) == 0x80 {
            end += 1;
        }
        end
    }

    /// The index after the control word's letters starting at `at`.
    fn letters(&self, at: usize) -> usize {
        let n = self.src[at.min(self.src.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic() || **b == b'@')
            .count();
        at + n
    }

    fn line_end(&self, from: usize) -> usize {
        self.src[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.src.len(), |n| from + n)
    }

    fn skip_spaces(&self, mut at: usize) -> usize {
        while self
            .src
            .get(at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            at += 1;
        }
        at
    }

    /// A `{..}` group at `at` (after spaces): its content and the index after it.
    fn group(&self, at: usize) -> Option<(&'a str, usize)> {
        let at = self.skip_spaces(at);
        if self.src.get(at) != Some(&b'{') {
            return None;
        }
        let close = *self.closing.get(&at)?;
        let content = std::str::from_utf8(&self.src[at + 1..close]).ok()?;
        Some((content, close + 1))
    }

    /// An `[..]` option at `at` (after spaces): its content and the index after it.
    fn option(&self, at: usize) -> Option<(&'a str, usize)> {
        let at = self.skip_spaces(at);
        if self.src.get(at) != Some(&b'[') {
            return None;
        }
        let end = self.src[at..].iter().take(MAX_SEARCH).position(|&b| b == b']')? + at;
        let content = std::str::from_utf8(&self.src[at + 1..end]).ok()?;
        Some((content, end + 1))
    }

    /// A colour given as `[model]{spec}` at `at`, and the index after it.
    fn color_arg(&self, at: usize) -> (Option<Rgba>, usize) {
        let (model, at) = match self.option(at) {
            Some((model, end)) => (Some(model), end),
            None => (None, at),
        };
        match self.group(at) {
            Some((spec, end)) => (color::xcolor(model, spec, &self.defs.colors), end),
            None => (None, at),
        }
    }

    /// The control sequence at `self.pos`.
    fn control(&mut self, ranges: &mut Ranges) {
        let start = self.pos;
        let after = self.letters(start + 1);
        if after == start + 1 {
            // A control symbol (`\\`, `\%`, `\{`): text.
            self.pos = self.char_end(start + 1);
            self.mark(ranges, start, self.pos, Kind::Text);
            return;
        }
        let name = std::str::from_utf8(&self.src[start + 1..after]).unwrap_or("");
        self.pos = after;
        let starred = self.src.get(after) == Some(&b'*');
        let after_star = after + usize::from(starred);
        match name {
            "fi" => {
                self.conds.pop();
            }
            "else" | "or" => {
                if self.conds.last() == Some(&Cond::True) {
                    self.conds.pop();
                    self.skip_branch(start, after, false, ranges);
                    return;
                }
            }
            "iftrue" => self.conds.push(Cond::True),
            "iffalse" => {
                self.skip_branch(start, after, true, ranges);
                return;
            }
            "if" | "ifnum" => {
                let (value, end) = if name == "if" {
                    self.eval_if(after)
                } else {
                    self.eval_ifnum(after)
                };
                self.pos = end;
                match value {
                    Some(false) => {
                        self.skip_branch(start, end, true, ranges);
                        return;
                    }
                    Some(true) => self.conds.push(Cond::True),
                    None => self.conds.push(Cond::Unknown),
                }
            }
            _ if self.is_conditional(name) => match name.get(2..).and_then(|s| self.defs.switches.get(s)) {
                Some(false) => {
                    self.skip_branch(start, after, true, ranges);
                    return;
                }
                Some(true) => self.conds.push(Cond::True),
                None => self.conds.push(Cond::Unknown),
            },
            "newif" => {
                let at = self.skip_spaces(after);
                if self.src.get(at) == Some(&b'\\') {
                    let end = self.letters(at + 1);
                    let switch = std::str::from_utf8(&self.src[at + 1..end]).unwrap_or("");
                    if let Some(short) = switch.strip_prefix("if") {
                        self.defs.switches.insert(short.to_owned(), false);
                    }
                    self.pos = end;
                }
            }
            "begin" => {
                self.begin(start, after, ranges);
                return;
            }
            "end" => {
                let end = self.group(after).map_or(after, |(_, end)| end);
                let env = self.group(after).map(|(env, _)| env.trim().to_owned());
                self.pos = end;
                self.mark(ranges, start, end, Kind::Markup);
                if let Some(env) = env {
                    let found = self
                        .frames
                        .iter()
                        .rev()
                        .take(MAX_SEARCH)
                        .position(|f| matches!(&f.kind, FrameKind::Env(e) if *e == env));
                    if let Some(from_top) = found {
                        self.frames.truncate((self.frames.len() - 1 - from_top).max(1));
                        self.refresh();
                    }
                }
                return;
            }
            "verb" => {
                let delimiter_at = after_star;
                if let Some(&delimiter) = self.src.get(delimiter_at) {
                    let line_end = self.line_end(delimiter_at);
                    let end = self.src[delimiter_at + 1..line_end]
                        .iter()
                        .position(|&b| b == delimiter)
                        .map_or(line_end, |n| delimiter_at + 1 + n + 1);
                    self.pos = end;
                    self.mark(ranges, start, end, Kind::Text);
                    return;
                }
            }
            "bgroup" | "begingroup" => self.push(FrameKind::Brace, Arg::default(), Vec::new()),
            "egroup" | "endgroup" => {
                self.mark(ranges, start, after, Kind::Markup);
                self.close_brace(ranges);
                return;
            }
            "color" => {
                let (c, end) = self.color_arg(after);
                if let Some(c) = c {
                    self.top().color = c;
                    self.refresh();
                }
                self.pos = end;
            }
            "pagecolor" => {
                let (c, end) = self.color_arg(after);
                self.page = c.map_or(self.page, |c| c.over(color::WHITE, 1.0));
                self.refresh();
                self.pos = end;
            }
            "nopagecolor" => {
                self.page = color::WHITE;
                self.refresh();
            }
            "textcolor" | "colorbox" | "fcolorbox" => {
                let (mut c, mut end) = self.color_arg(after);
                if name == "fcolorbox" {
                    // The frame's colour, then the background.
                    (c, end) = self.color_arg(end);
                }
                let arg = match name {
                    "textcolor" => Arg {
                        color: c,
                        ..Arg::default()
                    },
                    _ => Arg {
                        background: c.map(|c| c.over(self.page, 1.0)),
                        ..Arg::default()
                    },
                };
                self.argument(start, end, arg, ranges);
                return;
            }
            "phantom" | "hphantom" | "vphantom" => {
                let arg = Arg {
                    forced: Some(HiddenReason::Invisible),
                    ..Arg::default()
                };
                self.argument(start, after, arg, ranges);
                return;
            }
            "scalebox" | "resizebox" => {
                let (first, mut end) = self.group(after_star).unwrap_or(("1", after_star));
                let zero = if name == "scalebox" {
                    if let Some((_, e)) = self.option(end) {
                        end = e;
                    }
                    first.trim().parse::<f32>().is_ok_and(|s| s.abs() < MIN_SCALE)
                } else {
                    let (second, e) = self.group(end).unwrap_or(("!", end));
                    end = e;
                    zero_length(first) || zero_length(second)
                };
                let arg = Arg {
                    forced: zero.then_some(HiddenReason::Invisible),
                    ..Arg::default()
                };
                self.argument(start, end, arg, ranges);
                return;
            }
            "fontsize" => {
                let size = self.group(after);
                if let Some((size, end)) = size {
                    if zero_length(size) || points(size).is_some_and(|pt| pt < 1.0) {
                        self.top().forced = Some(HiddenReason::Invisible);
                        self.refresh();
                    }
                    self.pos = end;
                }
            }
            "definecolor" | "colorlet" => {
                let (name_arg, end) = self.group(after).unwrap_or(("", after));
                let defined = if name == "definecolor" {
                    let (model, end) = self.group(end).unwrap_or(("", end));
                    let (spec, end) = self.group(end).unwrap_or(("", end));
                    self.pos = end;
                    color::xcolor(Some(model), spec, &self.defs.colors)
                } else {
                    let (model, end) = match self.option(end) {
                        Some((m, e)) => (Some(m), e),
                        None => (None, end),
                    };
                    let (spec, end) = self.group(end).unwrap_or(("", end));
                    self.pos = end;
                    color::xcolor(model, spec, &self.defs.colors)
                };
                if let Some(c) = defined {
                    self.defs.colors.insert(name_arg.trim().to_owned(), c);
                }
            }
            "excludecomment" | "includecomment" => {
                if let Some((env, end)) = self.group(after) {
                    let env = env.trim().to_owned();
                    if name == "excludecomment" {
                        self.defs.comments.insert(env);
                    } else {
                        self.defs.comments.remove(&env);
                    }
                    self.pos = end;
                }
            }
            "newcommand" | "renewcommand" | "providecommand" | "DeclareRobustCommand" => {
                self.define_command(after_star);
            }
            "def" | "gdef" | "edef" | "xdef" => self.define_def(after),
            "let" => self.define_let(after),
            "newenvironment" | "renewenvironment" => self.define_environment(after_star),
            _ => {
                if let Some(user) = self.defs.macros.get(name).cloned() {
                    self.invoke(&user, start, after, ranges);
                    return;
                }
                if let Some(switch) = name.strip_suffix("true").or_else(|| name.strip_suffix("false")) {
                    if let Some(value) = self.defs.switches.get_mut(switch) {
                        *value = name.ends_with("true");
                    }
                }
            }
        }
        let end = self.pos.max(after);
        self.pos = end;
        self.mark(ranges, start, end, Kind::Markup);
    }

    fn is_conditional(&self, name: &str) -> bool {
        CONDITIONALS.contains(&name)
            || name
                .strip_prefix("if")
                .is_some_and(|s| !s.is_empty() && self.defs.switches.contains_key(s))
    }

    /// A command (`start..end`) followed by one argument drawn as `arg`: the command is hidden
    /// with its argument.
    fn argument(&mut self, start: usize, end: usize, arg: Arg, ranges: &mut Ranges) {
        let mut frame = self.frames.last().expect("root").clone();
        frame.forced = frame.forced.or(arg.forced);
        frame.color = arg.color.unwrap_or(frame.color);
        frame.background = arg.background.or(frame.background);
        if let Some(reason) = self.hidden_of(&frame).or(self.hidden) {
            ranges.hide(start, end, reason, Kind::Markup);
        }
        self.pos = end;
        self.open_arguments(vec![arg], ranges);
    }

    /// A user macro's arguments, each drawn as its definition shows it.
    fn invoke(&mut self, user: &Macro, start: usize, after: usize, ranges: &mut Ranges) {
        self.pos = after;
        // The macro's name goes with the argument it hides.
        if let Some(reason) = user.args.iter().find_map(|r| *r).or(self.hidden) {
            ranges.hide(start, after, reason, Kind::Markup);
        }
        if user.color.is_some() || user.forced.is_some() {
            if let Some(c) = user.color {
                self.top().color = c;
            }
            if user.forced.is_some() {
                self.top().forced = user.forced;
            }
            self.refresh();
            self.mark(ranges, start, after, Kind::Markup);
        }
        let mut args: Vec<Arg> = user
            .args
            .iter()
            .map(|reason| Arg {
                forced: *reason,
                ..Arg::default()
            })
            .collect();
        if user.optional && !args.is_empty() {
            let first = args.remove(0);
            if let Some((_, end)) = self.option(after) {
                let reason = first.forced.or(self.hidden);
                if let Some(reason) = reason {
                    ranges.hide(after, end, reason, Kind::Text);
                }
                self.pos = end;
            }
        }
        args.reverse();
        self.open_arguments(args, ranges);
    }

    /// `\begin{env}` at `start`.
    fn begin(&mut self, start: usize, after: usize, ranges: &mut Ranges) {
        let Some((env, end)) = self.group(after) else {
            self.pos = after;
            self.mark(ranges, start, after, Kind::Markup);
            return;
        };
        let env = env.trim().to_owned();
        let close = format!("\\end{{{env}}}");
        let find_close = |from: usize| {
            self.src[from..]
                .windows(close.len())
                .position(|w| w == close.as_bytes())
                .map_or((self.src.len(), self.src.len()), |n| {
                    (from + n, from + n + close.len())
                })
        };
        if self.defs.comments.contains(&env) {
            let (body_end, end_all) = find_close(end);
            let reason = self.hidden.unwrap_or(HiddenReason::CommentEnvironment);
            ranges.hide(start, end, reason, Kind::Markup);
            ranges.hide(end, body_end, reason, Kind::Text);
            ranges.hide(body_end, end_all, reason, Kind::Markup);
            self.pos = end_all;
            return;
        }
        if VERBATIM.contains(&env.as_str()) {
            let (body_end, end_all) = find_close(end);
            self.mark(ranges, start, end, Kind::Markup);
            self.mark(ranges, end, body_end, Kind::Text);
            self.mark(ranges, body_end, end_all, Kind::Markup);
            self.pos = end_all;
            return;
        }
        let defined = self.defs.environments.get(&env).cloned().unwrap_or_default();
        let arg = Arg {
            forced: defined.forced,
            color: defined.color,
            background: None,
        };
        self.push(FrameKind::Env(env), arg, Vec::new());
        self.pos = end;
        self.mark(ranges, start, end, Kind::Markup);
    }

    /// `\if` compares the next two characters.
    fn eval_if(&self, after: usize) -> (Option<bool>, usize) {
        let at = self.skip_spaces(after);
        match (self.src.get(at), self.src.get(at + 1)) {
            (Some(&a), Some(&b)) if a != b'\\' && b != b'\\' && a.is_ascii() && b.is_ascii() => {
                let b = if b.is_ascii_whitespace() { b' ' } else { b };
                (Some(a == b), at + 2)
            }
            _ => (None, after),
        }
    }

    /// `\ifnum 0=1`: two literal integers compared.
    fn eval_ifnum(&self, after: usize) -> (Option<bool>, usize) {
        let number = |at: usize| -> Option<(i64, usize)> {
            let at = self.skip_spaces(at);
            let sign = usize::from(self.src.get(at) == Some(&b'-'));
            let digits = self.src[(at + sign).min(self.src.len())..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let text = std::str::from_utf8(&self.src[at..at + sign + digits]).ok()?;
            Some((text.parse().ok()?, at + sign + digits))
        };
        let evaluated = (|| {
            let (a, at) = number(after)?;
            let at = self.skip_spaces(at);
            let relation = *self.src.get(at)?;
            let (b, end) = number(at + 1)?;
            let value = match relation {
                b'=' => a == b,
                b'<' => a < b,
                b'>' => a > b,
                _ => return None,
            };
            Some((value, end))
        })();
        match evaluated {
            Some((value, end)) => (Some(value), end),
            None => (None, after),
        }
    }

    /// Skip a branch that is not taken, from the conditional at `start` (its test ends at
    /// `body`) to its `\fi` (or, when `stop_at_else`, to an `\else` at the same depth, after
    /// which the other branch is read).
    fn skip_branch(&mut self, start: usize, body: usize, stop_at_else: bool, ranges: &mut Ranges) {
        let mut depth = 0usize;
        let mut i = body;
        let (mut body_end, mut end) = (self.src.len(), self.src.len());
        while i < self.src.len() {
            match self.src[i] {
                b'%' => i = self.line_end(i),
                b'\\' => {
                    let word_end = self.letters(i + 1);
                    if word_end == i + 1 {
                        i += 2;
                        continue;
                    }
                    let word = std::str::from_utf8(&self.src[i + 1..word_end]).unwrap_or("");
                    if self.is_conditional(word) {
                        depth += 1;
                    } else if word == "fi" {
                        if depth == 0 {
                            (body_end, end) = (i, word_end);
                            break;
                        }
                        depth -= 1;
                    } else if word == "else" && depth == 0 && stop_at_else {
                        // The other branch is read, up to its `\fi`.
                        self.conds.push(Cond::Unknown);
                        (body_end, end) = (i, word_end);
                        break;
                    }
                    i = word_end;
                }
                _ => i += 1,
            }
        }
        let reason = self.hidden.unwrap_or(HiddenReason::FalseConditional);
        ranges.hide(start, body, reason, Kind::Markup);
        ranges.hide(body, body_end, reason, Kind::Text);
        ranges.hide(body_end, end, reason, Kind::Markup);
        self.pos = end;
    }

    /// `\newcommand{\name}[n][default]{body}` or `\newcommand\name...`, from after the command.
    fn define_command(&mut self, after: usize) {
        let at = self.skip_spaces(after);
        let (name, at) = match self.src.get(at) {
            Some(b'{') => match self.group(at) {
                Some((inner, end)) => (inner.trim().trim_start_matches('\\').to_owned(), end),
                None => return,
            },
            Some(b'\\') => {
                let end = self.letters(at + 1);
                (String::from_utf8_lossy(&self.src[at + 1..end]).into_owned(), end)
            }
            _ => return,
        };
        let (count, at) = match self.option(at) {
            Some((n, end)) => (n.trim().parse::<usize>().unwrap_or(0).min(9), end),
            None => (0, at),
        };
        let (optional, at) = match self.option(at) {
            Some((_, end)) => (true, end),
            None => (false, at),
        };
        let Some((body, end)) = self.group(at) else {
            self.pos = at;
            return;
        };
        self.pos = end;
        let mut defined = self.analyse(body, count);
        defined.optional = optional;
        self.defs.macros.insert(name, defined);
    }

    /// `\def\name#1#2{body}`.
    fn define_def(&mut self, after: usize) {
        let at = self.skip_spaces(after);
        if self.src.get(at) != Some(&b'\\') {
            return;
        }
        let name_end = self.letters(at + 1);
        let name = String::from_utf8_lossy(&self.src[at + 1..name_end]).into_owned();
        let Some(open) = self.src[name_end..]
            .iter()
            .position(|&b| b == b'{')
            .map(|n| name_end + n)
        else {
            return;
        };
        let count = self.src[name_end..open]
            .iter()
            .filter(|&&b| b == b'#')
            .count()
            .min(9);
        let Some((body, end)) = self.group(open) else {
            return;
        };
        self.pos = end;
        let defined = self.analyse(body, count);
        self.defs.macros.insert(name, defined);
    }

    /// `\let\name\other` (or `=`): the name does what the other does.
    fn define_let(&mut self, after: usize) {
        let at = self.skip_spaces(after);
        if self.src.get(at) != Some(&b'\\') {
            return;
        }
        let name_end = self.letters(at + 1);
        let name = String::from_utf8_lossy(&self.src[at + 1..name_end]).into_owned();
        let mut other = self.skip_spaces(name_end);
        if self.src.get(other) == Some(&b'=') {
            other = self.skip_spaces(other + 1);
        }
        if self.src.get(other) != Some(&b'\\') {
            return;
        }
        let other_end = self.letters(other + 1);
        let other_name = String::from_utf8_lossy(&self.src[other + 1..other_end]).into_owned();
        self.pos = other_end;
        match self.defs.macros.get(&other_name).cloned() {
            Some(defined) => {
                self.defs.macros.insert(name, defined);
            }
            None => {
                self.defs.macros.remove(&name);
            }
        }
    }

    /// `\newenvironment{name}[n][default]{begin}{end}`: an environment that switches colour or
    /// hides at its `\begin`.
    fn define_environment(&mut self, after: usize) {
        let Some((name, at)) = self.group(after) else {
            return;
        };
        let mut at = at;
        while let Some((_, end)) = self.option(at) {
            at = end;
        }
        let Some((begin, at)) = self.group(at) else {
            return;
        };
        let at = self.group(at).map_or(at, |(_, end)| end);
        self.pos = at;
        let defined = self.analyse(begin, 0);
        self.defs.environments.insert(name.trim().to_owned(), defined);
    }

    /// Scan a macro's body to learn which of its `count` arguments it shows and what switch
    /// it leaves on. The body sees the definitions so far (lent, not copied, so that many
    /// definitions stay linear); what it defines itself is kept, as if it had run.
    fn analyse(&mut self, body: &str, count: usize) -> Macro {
        if self.depth >= MAX_DEPTH {
            return Macro {
                args: vec![None; count],
                ..Macro::default()
            };
        }
        let defs = std::mem::take(&mut self.defs);
        let mut inner = Scanner::new(body.as_bytes(), defs, self.depth + 1);
        let mut ranges = Ranges::default();
        inner.run(&mut ranges);
        self.defs = std::mem::take(&mut inner.defs);
        let bytes = body.as_bytes();
        let args = (1..=count)
            .map(|k| {
                let uses: Vec<usize> = bytes
                    .windows(2)
                    .enumerate()
                    .filter(|(_, w)| w[0] == b'#' && w[1] == b'0' + k as u8)
                    .map(|(i, _)| i)
                    .collect();
                let reasons: Vec<Option<HiddenReason>> = uses
                    .iter()
                    .map(|&i| ranges.ranges.iter().find(|r| r.0 <= i && i < r.1).map(|r| r.2))
                    .collect();
                match reasons.first() {
                    None => Some(HiddenReason::DiscardedArgument),
                    Some(_) if reasons.iter().any(Option::is_none) => None,
                    Some(first) => *first,
                }
            })
            .collect();
        // A switch left on at the end of the body's own level (not inside a group of it).
        let root = &inner.frames[0];
        let color = (root.color != color::BLACK).then_some(root.color);
        Macro {
            args,
            optional: false,
            color,
            forced: root.forced,
        }
    }
}

/// Each `{` and its matching `}`, in one pass: an escaped brace (`\{`) and braces in a `%`
/// comment do not count; unmatched ones are left out.
fn match_braces(src: &[u8]) -> HashMap<usize, usize> {
    let mut closing = HashMap::new();
    let mut open = Vec::new();
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 1,
            b'%' => {
                while i < src.len() && src[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' => open.push(i),
            b'}' => {
                if let Some(o) = open.pop() {
                    closing.insert(o, i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    closing
}

/// A TeX length that is zero (`0pt`, `0cm`, `0`).
fn zero_length(text: &str) -> bool {
    let number: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    number.parse::<f32>().is_ok_and(|n| n == 0.0)
}

/// A length in points, when given in points.
fn points(text: &str) -> Option<f32> {
    text.trim()
        .strip_suffix("pt")
        .unwrap_or(text.trim())
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::super::{blank_hidden_latex, HiddenReason};

    fn visible(text: &str) -> String {
        let blanked = blank_hidden_latex(text);
        assert_eq!(blanked.text.chars().count(), text.chars().count());
        assert_eq!(blanked.text.lines().count(), text.lines().count());
        blanked.text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn hidden_latex_is_blanked_with_nested_groups() {
        for (text, seen) in [
            (r"a \textcolor{white}{x {y} \emph{z}} b", "a b"),
            (r"a \textcolor[rgb]{1,1,1}{x} b", "a b"),
            (r"a \textcolor{White}{x} b", "a b"),
            (r"a \textcolor{white!100}{x} b", "a b"),
            (r"a \phantom{x {y}} b", "a b"),
            (r"a \hphantom{x} b", "a b"),
            (r"a {\color{white} x {y} z} b", "a { b"),
            (r"a \scalebox{0}{x} b", "a b"),
            (r"a \resizebox{0pt}{!}{x} b", "a b"),
            (
                "a \\begin{center}\\color{white} x\n\\end{center} b",
                "a \\begin{center} b",
            ),
            ("a \\iffalse x \\fi b", "a b"),
            ("a \\if0 x \\fi b", "a b"),
            ("a \\ifnum 0=1 x \\else y\\fi b", "a y\\fi b"),
            ("a \\iftrue y \\else x \\fi b", "a \\iftrue y b"),
            ("a \\iffalse \\iftrue x \\fi y \\fi b", "a b"),
            ("\\newif\\ifshow\na \\ifshow x \\fi b", "\\newif\\ifshow a b"),
            ("a \\begin{comment}\nx\n\\end{comment} b", "a b"),
            (
                "\\excludecomment{hide}\na \\begin{hide}x\\end{hide} b",
                "\\excludecomment{hide} a b",
            ),
            (
                "\\newcommand{\\hide}[1]{}\na \\hide{x {y}} b",
                "\\newcommand{\\hide}[1]{} a b",
            ),
            ("\\def\\hide#1{}\na \\hide{x} b", "\\def\\hide#1{} a b"),
            (
                "\\newcommand\\w[1]{\\textcolor{white}{#1}}\na \\w{x} b",
                "\\newcommand\\w[1]{\\textcolor{white}{#1}} a b",
            ),
            (
                "\\newcommand{\\two}[2]{#2}\na \\two{x}{y} b",
                "\\newcommand{\\two}[2]{#2} a {y} b",
            ),
            (
                "\\makeatletter\\let\\hide\\@gobble\na \\hide{x} b",
                "\\makeatletter\\let\\hide\\@gobble a b",
            ),
            (
                "\\definecolor{bg}{rgb}{1,1,1}\na \\textcolor{bg}{x} b",
                "\\definecolor{bg}{rgb}{1,1,1} a b",
            ),
            (
                "\\newenvironment{hid}{\\color{white}}{}\na \\begin{hid}x\\end{hid} b",
                "\\newenvironment{hid}{\\color{white}}{} a b",
            ),
            ("a \\colorbox{black}{\\textcolor{black}{x}} b", "a b"),
        ] {
            assert_eq!(visible(text), seen, "{text}");
        }
    }

    #[test]
    fn a_bare_color_switch_hides_to_the_end_of_its_group_or_the_file() {
        assert_eq!(visible("a \\color{white} x\ny"), "a");
        assert_eq!(visible("{a \\color{white} x} y"), "{a y");
    }

    #[test]
    fn shown_latex_keeps_its_text() {
        for text in [
            r"a \textcolor{red}{x} b",
            r"a \textbf{x} b",
            r"a {\color{black} x} b",
            r"a \colorbox{white}{x} b",
            r"a \colorbox{black}{\textcolor{white}{x}} b",
            r"a \scalebox{0.5}{x} b",
            "a \\iftrue x \\fi b",
            "a \\if00 x \\fi b",
            "a \\ifdefined\\foo x \\else y \\fi b",
            "\\newcommand{\\show}[1]{#1}\na \\show{x} b",
            "% \\iffalse\na x b \\fi",
            "a \\verb|\\iffalse| x b",
            "\\begin{verbatim}\n\\begin{comment}\n\\end{verbatim}\nx",
            r"a $x \iff y$ b",
        ] {
            let blanked = blank_hidden_latex(text);
            assert!(blanked.pieces.is_empty(), "{text}: {:?}", blanked.pieces);
            assert!(blanked.text.contains('x'), "{text}: {}", blanked.text);
        }
    }

    #[test]
    fn pieces_name_line_and_reason() {
        let blanked = blank_hidden_latex("1a) No.\n\\iffalse pretext\ntask \\fi\n\\textcolor{white}{mask}");
        assert_eq!(
            blanked.pieces,
            vec![
                (2, HiddenReason::FalseConditional, "pretext task".to_owned()),
                (4, HiddenReason::Invisible, "mask".to_owned()),
            ]
        );
    }
}
