//! `report.html`: one self-contained page a TA opens in a browser.
//!
//! The page is rendered by minijinja from `templates/report.html` (compiled into the binary), with
//! HTML auto-escaping on: every piece of student or rubric text reaches the template as plain data
//! and is escaped there. Rust computes only the data: counts, chart geometry (numbers), and the
//! answer text cut into highlighted segments. Nothing refers to the network: styles are inline,
//! charts are inline SVG, and a Content-Security-Policy forbids scripts and remote loads.

use std::io::{self, Write};

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;

use std::collections::BTreeMap;

use crate::course::class::{ClassReport, ClassTally, ConceptRate, QuestionTally, StudentPage};
use crate::course::groups::GroupReview;
use crate::course::review::{ReviewItem, REVIEW_BELOW};
use crate::grading::grades::{
    ConceptResult, Evidence, Flag, GradeReport, IdeaOutcome, IdeaResult, Outcome, QuestionGrade,
    SubmissionStatus,
};
use crate::ids::{Points, QuestionId};

use super::{ClassWriter, ReportError, ReportWriter};

const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("templates/report.html");

/// The HTML report: header counts, per-question charts, the review queue, and one collapsible
/// section per student with the answers and the matched evidence highlighted.
///
/// Output depends only on the report (no timestamps, report order throughout).
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlReport;

impl ReportWriter for HtmlReport {
    fn write(&self, report: &GradeReport, out: &mut dyn Write) -> Result<(), ReportError> {
        self.write_class(&ClassTally::of_report(report, DETAILED_STUDENTS)?, out)
    }
}

impl ClassWriter for HtmlReport {
    fn write_class(&self, class: &ClassReport, out: &mut dyn Write) -> Result<(), ReportError> {
        let page = Page::new(class)?;
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .map_err(template_error)?,
        );
        env.add_template(TEMPLATE_NAME, TEMPLATE)
            .map_err(template_error)?;
        // Streamed to the file: a large class's page is never held in memory whole.
        env.get_template(TEMPLATE_NAME)
            .and_then(|t| {
                t.render_captured_to(Value::from(Serde(&page)), &mut *out)
                    .map(drop)
            })
            .map_err(template_error)?;
        Ok(())
    }
}

/// A template failure is a bug of this module, not of the report; it surfaces as an I/O error
/// (the report's error type has no variant of its own for it).
fn template_error(e: minijinja::Error) -> ReportError {
    ReportError::Io(io::Error::other(format!("report.html template: {e:#}")))
}

/// Up to this many students, every student gets a page in the report; beyond it, only the most
/// doubtful ones of the review queue do, this many at most.
pub const DETAILED_STUDENTS: usize = 500;

/// The review table shows at most this many answers (the most doubtful); all are in
/// `review.csv`.
pub const REVIEW_ROWS: usize = 2000;

// ---------------------------------------------------------------------------------------------
// The data the template sees.

#[derive(Debug, Serialize)]
struct Page {
    title: String,
    assignment_id: String,
    max_total: String,
    students: usize,
    graded: usize,
    mean_total: String,
    unreadable: usize,
    missing_submissions: usize,
    missing_answers: usize,
    flagged_answers: usize,
    not_on_roster: usize,
    review_below: String,
    questions: Vec<QuestionStats>,
    /// Per question, its answer groups in review order (none when groups were not formed).
    groups: Vec<QuestionGroupsView>,
    has_groups: bool,
    review: Vec<ReviewRow>,
    /// The whole queue's length, and how many of its items the table leaves out.
    review_total: usize,
    review_more: usize,
    student_sections: Vec<StudentSection>,
    /// Students left out of the per-student pages (large classes only).
    students_without_page: usize,
    detailed_students: usize,
}

#[derive(Debug, Serialize)]
struct QuestionStats {
    id: String,
    max: String,
    mean: String,
    /// Graded students counted in the charts.
    n: usize,
    histogram: Histogram,
    concepts: ConceptChart,
}

#[derive(Debug, Serialize)]
struct QuestionGroupsView {
    id: String,
    /// How many groups the question has, and how many the page leaves out.
    total: usize,
    more: usize,
    groups: Vec<GroupView>,
}

#[derive(Debug, Serialize)]
struct GroupView {
    id: String,
    size: usize,
    /// `1 ×40, 0 ×3`.
    scores: String,
    usual: String,
    max: String,
    /// `full`, `some` or `none`, of the usual score.
    level: &'static str,
    mixed: bool,
    reasons: Vec<String>,
    concepts: String,
    segments: Vec<Segment>,
    members: Vec<GroupMemberView>,
    /// Members beyond those shown.
    more_members: usize,
}

#[derive(Debug, Serialize)]
struct GroupMemberView {
    student: String,
    /// The anchor of the student's answer, when the student has a page here.
    anchor: Option<String>,
    text: String,
}

/// The per-question group view shows at most this many groups of each question (the first in
/// review order); all are in `groups.csv`.
pub const GROUPS_SHOWN: usize = 100;

#[derive(Debug, Serialize)]
struct ReviewRow {
    student: String,
    student_anchor: String,
    question: String,
    answer_anchor: String,
    score: String,
    max: String,
    confidence: String,
    reasons: Vec<String>,
    location: String,
}

#[derive(Debug, Serialize)]
struct StudentSection {
    id: String,
    anchor: String,
    total: String,
    max_total: String,
    /// `graded`, `unreadable` or `missing`.
    status: &'static str,
    unreadable_reason: Option<String>,
    not_on_roster: bool,
    roster_name: Option<String>,
    roster_email: Option<String>,
    submitted_as: Option<String>,
    files: Vec<String>,
    warnings: Vec<String>,
    unknown_labels: Vec<String>,
    flag_count: usize,
    review_count: usize,
    questions: Vec<QuestionSection>,
}

#[derive(Debug, Serialize)]
struct QuestionSection {
    id: String,
    anchor: String,
    score: String,
    max: String,
    /// `full`, `some` or `none`: how much of the question's points were earned.
    level: &'static str,
    confidence: String,
    needs_review: bool,
    location: Option<String>,
    answered: bool,
    segments: Vec<Segment>,
    concepts: Vec<ConceptLine>,
    feedback: Vec<String>,
    flags: Vec<String>,
    overridden: Option<OverrideView>,
    /// The TA's decision on the answer's group: autograder score, decided score, comment.
    decided: Option<OverrideView>,
    group: Option<String>,
}

#[derive(Debug, Serialize)]
struct OverrideView {
    autograder: String,
    ta: String,
    comment: String,
}

#[derive(Debug, Serialize)]
struct ConceptLine {
    id: String,
    outcome: &'static str,
    /// The highlight class of the outcome (`hit`, `nocredit`, `misconception`, `missed`).
    class: &'static str,
    points: String,
    max: String,
    worth_points: bool,
    feedback: Option<String>,
    quote: Option<String>,
    /// A coverage concept's ideas (empty for any other concept).
    ideas: Vec<IdeaLine>,
}

#[derive(Debug, Serialize)]
struct IdeaLine {
    id: String,
    outcome: &'static str,
    class: &'static str,
    feedback: Option<String>,
    quote: Option<String>,
}

/// A piece of an answer's text: plain (`class` is `None`) or one highlighted evidence span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Segment {
    pub text: String,
    pub class: Option<&'static str>,
    /// Which concepts the span is evidence for, with their outcomes (a tooltip).
    pub title: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Building the page.

impl Page {
    fn new(class: &ClassReport) -> io::Result<Page> {
        let counts = &class.counts;
        let review = class
            .review_queue()
            .take(REVIEW_ROWS)
            .map(|item| item.map(|item| review_row(&item)))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Page {
            title: class.assignment.title.clone(),
            assignment_id: class.assignment.id.clone(),
            max_total: class.assignment.max_total.to_string(),
            students: counts.students,
            graded: counts.graded,
            mean_total: class
                .mean_total()
                .map_or_else(|| "–".to_string(), |m| m.to_string()),
            unreadable: counts.unreadable,
            missing_submissions: counts.missing,
            missing_answers: counts.missing_answers,
            flagged_answers: counts.flagged_answers,
            not_on_roster: counts.not_on_roster,
            review_below: format!("{REVIEW_BELOW:.2}"),
            questions: class.questions.iter().map(question_stats).collect(),
            groups: group_views(class)?,
            has_groups: !class.groups.is_empty(),
            review_total: class.review_len(),
            review_more: class.review_len() - review.len(),
            review,
            // A large class gets pages only for the most doubtful students of the review queue
            // (at most DETAILED_STUDENTS), so the file stays a size a browser opens; everyone's
            // feedback is in feedback/<student>.md.
            student_sections: class.pages.iter().map(student_section).collect(),
            students_without_page: counts.students - class.pages.len(),
            detailed_students: DETAILED_STUDENTS,
        })
    }
}

fn question_stats(q: &QuestionTally) -> QuestionStats {
    QuestionStats {
        id: q.id.to_string(),
        max: q.max.to_string(),
        mean: q.mean().map_or_else(|| "–".to_string(), |m| m.to_string()),
        n: q.n(),
        histogram: Histogram::new(&q.id, q.max, &q.scores),
        concepts: ConceptChart::new(&q.id, &q.concepts),
    }
}

/// Each question's groups, in review order, the first [`GROUPS_SHOWN`].
fn group_views(class: &ClassReport) -> io::Result<Vec<QuestionGroupsView>> {
    let with_page: std::collections::HashSet<&str> =
        class.pages.iter().map(|p| p.grade.student.as_str()).collect();
    let questions = class.questions.iter().enumerate().map(|(at, q)| {
        let total = class.groups.count(at);
        let shown: Vec<GroupReview> = class
            .groups
            .of_question(at)
            .take(GROUPS_SHOWN)
            .collect::<io::Result<_>>()?;
        let groups = shown
            .iter()
            .map(|g| {
                let usual = g.usual_score();
                GroupView {
                    id: g.group.to_string(),
                    size: g.size,
                    scores: g
                        .scores
                        .iter()
                        .rev()
                        .map(|(score, n)| format!("{score} ×{n}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    usual: usual.to_string(),
                    max: g.max.to_string(),
                    level: level(usual, g.max),
                    mixed: g.scores.len() > 1,
                    reasons: g.reasons.clone(),
                    concepts: g
                        .concepts
                        .iter()
                        .map(|(id, n)| format!("{id} ×{n}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    segments: highlight(g.representative(), &g.evidence),
                    members: g
                        .members
                        .iter()
                        .map(|m| GroupMemberView {
                            student: m.student.to_string(),
                            anchor: with_page
                                .contains(m.student.as_str())
                                .then(|| answer_anchor(m.student.as_str(), q.id.as_str())),
                            text: m.text.clone(),
                        })
                        .collect(),
                    more_members: g.size - g.members.len(),
                }
            })
            .collect();
        Ok(QuestionGroupsView {
            id: q.id.to_string(),
            total,
            more: total.saturating_sub(GROUPS_SHOWN),
            groups,
        })
    });
    questions.collect()
}

fn review_row(item: &ReviewItem) -> ReviewRow {
    ReviewRow {
        student: item.student.to_string(),
        student_anchor: student_anchor(item.student.as_str()),
        question: item.question.as_ref().map_or(String::new(), |q| q.to_string()),
        answer_anchor: item.question.as_ref().map_or(String::new(), |q| {
            answer_anchor(item.student.as_str(), q.as_str())
        }),
        score: item.score.to_string(),
        max: item.max.to_string(),
        confidence: format!("{:.2}", item.confidence),
        reasons: item.reasons.clone(),
        location: item.location.clone(),
    }
}

fn student_section(page: &StudentPage) -> StudentSection {
    let s = &page.grade;
    let (status, unreadable_reason) = match &s.status {
        SubmissionStatus::Graded => ("graded", None),
        SubmissionStatus::Unreadable { reason } => ("unreadable", Some(reason.clone())),
        SubmissionStatus::Missing => ("missing", None),
    };
    StudentSection {
        id: s.student.to_string(),
        anchor: student_anchor(s.student.as_str()),
        total: s.total.to_string(),
        max_total: s.max_total.to_string(),
        status,
        unreadable_reason,
        not_on_roster: s.not_on_roster,
        roster_name: s.roster.as_ref().map(|r| r.name.clone()),
        roster_email: s.roster.as_ref().map(|r| r.email.clone()),
        submitted_as: s.submitted_as.clone(),
        files: s.files.clone(),
        warnings: s.warnings.clone(),
        unknown_labels: s
            .unknown_labels
            .iter()
            .map(|l| format!("“{}” at {} (not graded)", l.label, l.place()))
            .collect(),
        flag_count: s.questions.iter().map(|q| q.flags.len()).sum(),
        review_count: page.review_items,
        questions: s
            .questions
            .iter()
            .map(|q| question_section(s.student.as_str(), q))
            .collect(),
    }
}

/// `full`, `some` or `none`: how much of `max` a score is.
fn level(score: Points, max: Points) -> &'static str {
    if score >= max && !max.is_zero() {
        "full"
    } else if score > Points::ZERO {
        "some"
    } else {
        "none"
    }
}

fn question_section(student: &str, q: &QuestionGrade) -> QuestionSection {
    let answered = q.answer.is_some() && !q.answer_text.trim().is_empty();
    let level = level(q.score, q.max);
    QuestionSection {
        id: q.id.to_string(),
        anchor: answer_anchor(student, q.id.as_str()),
        score: q.score.to_string(),
        max: q.max.to_string(),
        level,
        confidence: format!("{:.2}", q.confidence),
        needs_review: q.overridden.is_none() && q.confidence < REVIEW_BELOW,
        location: q
            .answer
            .as_ref()
            .map(|a| format!("{} (label “{}”)", a.place(), a.label)),
        answered,
        segments: if answered {
            highlight(&q.answer_text, &q.concepts)
        } else {
            Vec::new()
        },
        concepts: q
            .concepts
            .iter()
            // Points-free entries (listed misconceptions, options worth nothing) only when they
            // fired; a missing answer's concepts are all "missed", which its feedback says once.
            .filter(|c| answered && (!c.max.is_zero() || c.outcome == Outcome::Misconception))
            .map(concept_line)
            .collect(),
        feedback: q.feedback.clone(),
        flags: q.flags.iter().map(Flag::describe).collect(),
        overridden: q.overridden.as_ref().map(|o| OverrideView {
            autograder: o.autograder.to_string(),
            ta: q.score.to_string(),
            comment: o.comment.clone(),
        }),
        decided: q.decision.as_ref().map(|d| OverrideView {
            autograder: d.autograder.to_string(),
            ta: d.points.to_string(),
            comment: d.comment.clone(),
        }),
        group: q.group.as_ref().map(ToString::to_string),
    }
}

fn concept_line(c: &ConceptResult) -> ConceptLine {
    ConceptLine {
        id: c.id.clone(),
        outcome: Outcome::name(c.outcome),
        class: outcome_class(c.outcome),
        points: c.points.to_string(),
        max: c.max.to_string(),
        worth_points: !c.max.is_zero(),
        feedback: c.feedback.clone(),
        quote: c
            .evidence
            .as_ref()
            .map(|e| e.quote.clone())
            .filter(|q| !q.trim().is_empty()),
        ideas: c
            .ideas
            .iter()
            .map(|idea| IdeaLine {
                id: idea.id.clone(),
                outcome: idea.outcome.name(),
                class: idea_class(c, idea),
                feedback: idea.feedback.clone(),
                quote: idea
                    .evidence
                    .as_ref()
                    .map(|e| e.quote.clone())
                    .filter(|q| !q.trim().is_empty()),
            })
            .collect(),
    }
}

/// How a coverage concept's idea is shown: `hit` only when it is covered and the concept was
/// credited (a covered idea below every threshold, or in a cancelled or contradicted concept,
/// earned nothing), `missed` when not found, `nocredit` otherwise.
fn idea_class(concept: &ConceptResult, idea: &IdeaResult) -> &'static str {
    let credited = matches!(concept.outcome, Outcome::Hit | Outcome::Partial)
        && (!concept.points.is_zero() || concept.max.is_zero());
    match idea.outcome {
        IdeaOutcome::Covered if credited => "hit",
        IdeaOutcome::Missed => "missed",
        _ => "nocredit",
    }
}

/// How evidence of this outcome is highlighted: `hit` earned points, `misconception` is a
/// listed misconception, `nocredit` was found but did not count (negated, hedged, wrong choice,
/// contradicted, cancelled).
fn outcome_class(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Hit | Outcome::Partial => "hit",
        Outcome::Misconception => "misconception",
        Outcome::Missed => "missed",
        Outcome::Negated
        | Outcome::Hedged
        | Outcome::WrongChoice
        | Outcome::Contradicted
        | Outcome::Cancelled
        | Outcome::Echoed => "nocredit",
    }
}

// ---------------------------------------------------------------------------------------------
// Anchors.

/// `student-<id>`: letters, digits and `-` are kept, every other byte becomes `_xx` (hex), so the
/// anchor is a valid, unique id for any student id (two ids never share an anchor).
fn student_anchor(student: &str) -> String {
    format!("student-{}", anchor_part(student))
}

/// `answer-<student>__<question>`; `__` never occurs inside a part (each `_` is followed by two
/// hex digits), so this too is unique.
fn answer_anchor(student: &str, question: &str) -> String {
    format!("answer-{}__{}", anchor_part(student), anchor_part(question))
}

fn anchor_part(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("_{b:02x}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Highlighting.

/// `text` cut into plain and highlighted segments, one highlight per usable evidence span.
///
/// A span is used when it is non-empty, lies within `text` and starts and ends on character
/// boundaries. Overlapping spans are not nested: spans are taken by start (the longer first
/// when two start together) and a span overlapping one already taken is skipped, except that
/// spans identical to a taken one add their concept to its tooltip. The segments' texts
/// concatenate to `text`.
pub(crate) fn highlight(text: &str, concepts: &[ConceptResult]) -> Vec<Segment> {
    // (start, end, class, tooltip label); a coverage concept's evidence is each idea's own.
    let mut spans: Vec<(usize, usize, &'static str, String)> = Vec::new();
    for c in concepts {
        let found: Vec<(&Evidence, &'static str, String)> = if c.is_coverage() {
            c.ideas
                .iter()
                .filter_map(|idea| {
                    let class = match idea_class(c, idea) {
                        "hit" => "hit",
                        _ => "nocredit",
                    };
                    let label = format!("{}.{}: {}", c.id, idea.id, idea.outcome.name());
                    Some((idea.evidence.as_ref()?, class, label))
                })
                .collect()
        } else {
            let label = format!("{}: {}", c.id, Outcome::name(c.outcome));
            c.evidence
                .iter()
                .map(|e| (e, outcome_class(c.outcome), label.clone()))
                .collect()
        };
        for (e, class, label) in found {
            let usable = e.start < e.end
                && e.end <= text.len()
                && text.is_char_boundary(e.start)
                && text.is_char_boundary(e.end);
            if usable {
                spans.push((e.start, e.end, class, label));
            }
        }
    }
    // Stable sort: same start, the longer first; otherwise concept order.
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));

    // (start, end, class, tooltip parts)
    let mut taken: Vec<(usize, usize, &'static str, Vec<String>)> = Vec::new();
    for (start, end, class, label) in spans {
        match taken.last_mut() {
            Some(last) if last.0 == start && last.1 == end => {
                last.3.push(label);
                last.2 = stronger(last.2, class);
            }
            Some(last) if start < last.1 => {}
            _ => taken.push((start, end, class, vec![label])),
        }
    }

    let mut segments = Vec::with_capacity(2 * taken.len() + 1);
    let mut at = 0;
    for (start, end, class, labels) in taken {
        if at < start {
            segments.push(Segment {
                text: text[at..start].to_string(),
                class: None,
                title: None,
            });
        }
        segments.push(Segment {
            text: text[start..end].to_string(),
            class: Some(class),
            title: Some(labels.join("; ")),
        });
        at = end;
    }
    if at < text.len() {
        segments.push(Segment {
            text: text[at..].to_string(),
            class: None,
            title: None,
        });
    }
    segments
}

/// Of two classes on the same span, the one a TA most needs to see.
fn stronger(a: &'static str, b: &'static str) -> &'static str {
    let rank = |c: &str| match c {
        "misconception" => 3,
        "nocredit" => 2,
        "hit" => 1,
        _ => 0,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

// ---------------------------------------------------------------------------------------------
// Charts: geometry only; the template draws the SVG elements.

/// Histogram size (SVG user units).
const HIST_W: f64 = 300.0;
const HIST_H: f64 = 150.0;
const HIST_LEFT: f64 = 34.0;
const HIST_RIGHT: f64 = 8.0;
const HIST_TOP: f64 = 14.0;
const HIST_BOTTOM: f64 = 36.0;

#[derive(Debug, Serialize)]
struct Histogram {
    width: String,
    height: String,
    /// The plot area: left, right, top and bottom edges.
    x0: String,
    x1: String,
    y0: String,
    y1: String,
    /// Right edge of the y tick labels.
    tick_x: String,
    /// Where the axis titles go.
    x_title_x: String,
    x_title_y: String,
    y_title_x: String,
    y_title_y: String,
    y_ticks: Vec<Tick>,
    bars: Vec<Bar>,
    summary: String,
}

#[derive(Debug, Serialize)]
struct Tick {
    label: String,
    pos: String,
}

#[derive(Debug, Serialize)]
struct Bar {
    x: String,
    y: String,
    width: String,
    height: String,
    /// Centre of the bar, for its labels.
    cx: String,
    /// Baseline of the count label above the bar.
    count_y: String,
    label_y: String,
    score: String,
    count: usize,
    tooltip: String,
}

fn num(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// The most bars in one histogram.
const MAX_BARS: i64 = 101;

impl Histogram {
    fn new(id: &QuestionId, max: Points, scores: &BTreeMap<Points, usize>) -> Histogram {
        // Bin width: whole points when every score (and the maximum) is whole, else halves,
        // else quarters (a score between two bins falls into the lower one).
        let all = || scores.keys().copied().chain(std::iter::once(max));
        let grain = [100, 50, 25]
            .into_iter()
            .find(|step| all().all(|p| p.hundredths() % step == 0))
            .unwrap_or(25);
        let max_h = max.hundredths().max(0);
        // At most MAX_BARS bars: past that, each bar covers a range of whole points, so that
        // neither memory nor the page grows with a question's point value.
        let step = if max_h / grain < MAX_BARS {
            grain
        } else {
            let per_bar = (max_h + MAX_BARS - 2) / (MAX_BARS - 1);
            (per_bar + 99) / 100 * 100
        };
        let exact = step == grain && all().all(|p| p.hundredths() % step == 0);
        let bins = (max_h / step + 1) as usize;
        let mut counts = vec![0usize; bins];
        for (score, &n) in scores {
            let bin = (score.hundredths().clamp(0, max_h) / step) as usize;
            counts[bin] += n;
        }
        let top = counts.iter().copied().max().unwrap_or(0).max(1);

        let (x0, x1) = (HIST_LEFT, HIST_W - HIST_RIGHT);
        let (y0, y1) = (HIST_TOP, HIST_H - HIST_BOTTOM);
        let slot = (x1 - x0) / bins as f64;
        let bar_w = (slot * 0.7).min(48.0);
        let scale = (y1 - y0) / top as f64;

        let bars = counts
            .iter()
            .enumerate()
            .map(|(i, &count)| {
                let score = Points::from_f64((i as i64 * step) as f64 / 100.0);
                let h = count as f64 * scale;
                let cx = x0 + slot * (i as f64 + 0.5);
                let students = if count == 1 { "student" } else { "students" };
                let range = if exact {
                    format!("{score}")
                } else {
                    format!(
                        "{score} to under {}",
                        Points::from_f64(((i as i64 + 1) * step) as f64 / 100.0)
                    )
                };
                Bar {
                    x: num(cx - bar_w / 2.0),
                    y: num(y1 - h),
                    width: num(bar_w),
                    height: num(h),
                    cx: num(cx),
                    count_y: num(y1 - h - 3.0),
                    label_y: num(y1 + 13.0),
                    score: score.to_string(),
                    count,
                    tooltip: format!("{id}: {count} {students} scored {range} of {max} points"),
                }
            })
            .collect();

        let mut y_ticks = vec![Tick {
            label: "0".to_string(),
            pos: num(y1),
        }];
        if top >= 2 && top % 2 == 0 {
            y_ticks.push(Tick {
                label: (top / 2).to_string(),
                pos: num(y1 - (top / 2) as f64 * scale),
            });
        }
        y_ticks.push(Tick {
            label: top.to_string(),
            pos: num(y0),
        });

        Histogram {
            width: num(HIST_W),
            height: num(HIST_H),
            x0: num(x0),
            x1: num(x1),
            y0: num(y0),
            y1: num(y1),
            tick_x: num(x0 - 4.0),
            x_title_x: num((x0 + x1) / 2.0),
            x_title_y: num(HIST_H - 4.0),
            y_title_x: num(11.0),
            y_title_y: num((y0 + y1) / 2.0),
            y_ticks,
            bars,
            summary: format!(
                "Score distribution of {id} (score: students): {}",
                counts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{}: {c}", Points::from_f64((i as i64 * step) as f64 / 100.0)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

const RATE_W: f64 = 300.0;
const RATE_LABEL_W: f64 = 118.0;
const RATE_RIGHT: f64 = 40.0;
const RATE_ROW: f64 = 20.0;
const RATE_TOP: f64 = 6.0;
const RATE_BOTTOM: f64 = 22.0;
/// Longest concept label drawn, in characters (the full id is in the tooltip).
const RATE_LABEL_CHARS: usize = 18;

#[derive(Debug, Serialize)]
struct ConceptChart {
    width: String,
    height: String,
    x0: String,
    x1: String,
    xmid: String,
    y0: String,
    y1: String,
    axis_label_y: String,
    rows: Vec<RateRow>,
}

#[derive(Debug, Serialize)]
struct RateRow {
    label: String,
    label_x: String,
    text_y: String,
    y: String,
    width: String,
    height: String,
    /// Where the percentage goes (just after the bar).
    value_x: String,
    percent: String,
    tooltip: String,
}

impl ConceptChart {
    fn new(id: &QuestionId, concepts: &[ConceptRate]) -> ConceptChart {
        let rates: Vec<(&str, usize, usize)> = concepts
            .iter()
            .map(|r| (r.id.as_str(), r.credited, r.n))
            .collect();
        let (x0, x1) = (RATE_LABEL_W, RATE_W - RATE_RIGHT);
        let height = RATE_TOP + RATE_ROW * rates.len() as f64 + RATE_BOTTOM;
        let y1 = RATE_TOP + RATE_ROW * rates.len() as f64;
        let rows = rates
            .iter()
            .enumerate()
            .map(|(i, &(concept, credited, n))| {
                let share = credited as f64 / n as f64;
                let top = RATE_TOP + RATE_ROW * i as f64;
                let w = share * (x1 - x0);
                let label = if concept.chars().count() > RATE_LABEL_CHARS {
                    let head: String = concept.chars().take(RATE_LABEL_CHARS - 1).collect();
                    format!("{head}…")
                } else {
                    concept.to_string()
                };
                RateRow {
                    label,
                    label_x: num(x0 - 6.0),
                    text_y: num(top + RATE_ROW / 2.0 + 4.0),
                    y: num(top + 3.0),
                    width: num(w),
                    height: num(RATE_ROW - 6.0),
                    value_x: num(x0 + w + 4.0),
                    percent: format!("{:.0}%", share * 100.0),
                    tooltip: format!("{id} {concept}: hit or partial for {credited} of {n} graded students"),
                }
            })
            .collect();
        ConceptChart {
            width: num(RATE_W),
            height: num(height),
            x0: num(x0),
            x1: num(x1),
            xmid: num((x0 + x1) / 2.0),
            y0: num(RATE_TOP),
            y1: num(y1),
            axis_label_y: num(y1 + 14.0),
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::grades::{Evidence, Override};
    use crate::ids::StudentId;
    use crate::report::fixture_report;

    fn concept(id: &str, outcome: Outcome, start: usize, end: usize, text: &str) -> ConceptResult {
        ConceptResult {
            id: id.to_string(),
            outcome,
            points: Points::ZERO,
            max: Points::whole(1),
            evidence: Some(Evidence {
                quote: text.get(start..end).unwrap_or("").to_string(),
                start,
                end,
                edits: 0,
                at_threshold: false,
                pattern: String::new(),
            }),
            feedback: None,
            visibility: Default::default(),
            cause: None,
            ideas: Vec::new(),
        }
    }

    fn seg(text: &str, class: Option<&'static str>, title: Option<&str>) -> Segment {
        Segment {
            text: text.to_string(),
            class,
            title: title.map(str::to_string),
        }
    }

    #[test]
    fn html_snapshot() {
        insta::assert_snapshot!(HtmlReport.render(&fixture_report()).unwrap());
    }

    #[test]
    fn output_is_deterministic() {
        let report = fixture_report();
        assert_eq!(
            HtmlReport.render(&report).unwrap(),
            HtmlReport.render(&report).unwrap()
        );
    }

    const SCRIPT: &str = "<script>alert(1)</script>";
    const IMG: &str = "\"><img src=x onerror=alert(1)>";

    #[test]
    fn student_text_is_escaped_everywhere() {
        let mut report = fixture_report();
        let hostile = format!("{SCRIPT}{IMG}");
        {
            let s = &mut report.students[1];
            s.student = StudentId(hostile.clone());
            s.warnings.push(hostile.clone());
            s.files.push(hostile.clone());
            let q = &mut s.questions[0];
            // Once as evidence (a highlighted segment), once as plain text.
            q.answer_text = format!("Yes {hostile} no {hostile}");
            let start = q.answer_text.find(SCRIPT).unwrap();
            for c in &mut q.concepts {
                c.evidence = None;
            }
            q.concepts[0].evidence = Some(Evidence {
                quote: hostile.clone(),
                start,
                end: start + hostile.len(),
                edits: 0,
                at_threshold: false,
                pattern: String::new(),
            });
            q.concepts[0].id = hostile.clone();
            q.concepts[0].feedback = Some(hostile.clone());
            q.feedback.push(hostile.clone());
            q.answer.as_mut().unwrap().label = hostile.clone();
            q.overridden = Some(Override {
                autograder: Points::ZERO,
                comment: hostile.clone(),
            });
        }
        report.assignment.title = hostile.clone();

        let html = HtmlReport.render(&report).unwrap();
        assert!(!html.contains("<script"), "raw <script> in the output");
        assert!(!html.contains("<img"), "raw <img in the output");
        let script = "&lt;script&gt;alert(1)&lt;&#x2f;script&gt;";
        let img = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;";
        // Title, id (summary and review table), warning, file, answer (highlighted), concept id,
        // feedback, quote, question feedback, label, override comment: all there, escaped.
        assert!(
            html.matches(script).count() >= 10,
            "{}",
            html.matches(script).count()
        );
        assert!(html.matches(img).count() >= 10);
        assert!(html.contains(&format!(
            "<mark class=\"nocredit\" title=\"{script}{img}: contradicted\">{script}{img}</mark>"
        )));
        // The anchor made from the hostile id has nothing but safe characters.
        let anchor = student_anchor(&hostile);
        assert!(anchor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert!(html.contains(&format!("id=\"{anchor}\"")));
        assert!(html.contains(&format!("href=\"#{anchor}\"")));
    }

    #[test]
    fn document_is_self_contained() {
        let html = HtmlReport.render(&fixture_report()).unwrap();
        let lower = html.to_lowercase();
        for needle in [
            "http://", "https://", "<script", "<link", "@import", "url(", "<iframe", "<img", "src=",
        ] {
            assert!(!lower.contains(needle), "the report contains {needle:?}");
        }
        assert!(lower.starts_with("<!doctype html>"));
        assert!(lower.contains("<style>"));
        assert!(lower.contains("content-security-policy"));
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn page_has_every_part() {
        let report = fixture_report();
        let html = HtmlReport.render(&report).unwrap();
        assert!(html.contains("<title>Review: Fine-tuning — grading report</title>"));
        // One histogram and one concept chart per question.
        assert_eq!(
            html.matches("<svg ").count(),
            2 * report.assignment.questions.len()
        );
        assert!(html.contains("<title>1a: 1 student scored 2 of 2 points</title>"));
        assert!(html.contains("<title>2a yes: hit or partial for 2 of 2 graded students</title>"));
        // One section per student, the review queue links to them.
        assert_eq!(html.matches("<details class=\"student\"").count(), 3);
        assert!(html.contains("<details class=\"student\" id=\"student-brennan_2c_20_22finn_22\">"));
        assert!(html.contains("href=\"#student-gtanaka\""));
        assert!(html.contains("href=\"#answer-brennan_2c_20_22finn_22__1a\""));
        assert!(html.contains("gtanaka.pdf is not a text file (it looks like a PDF)"));
        // No groups were formed for this report: no group view.
        assert!(!html.contains("id=\"groups\""));
    }

    #[test]
    fn the_group_view_lists_each_questions_groups_in_review_order() {
        let mut report = fixture_report();
        let rubric = crate::rubric::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/finetuning-review.toml"),
        )
        .unwrap();
        crate::course::groups::assign(&mut report, &rubric).unwrap();
        let class = ClassTally::of_report(&report, DETAILED_STUDENTS).unwrap();
        let html = HtmlReport.render(&report).unwrap();
        assert!(html.contains("<h2 id=\"groups\">Answer groups</h2>"));
        // Every question with answers has its section, every group its entry, in the order
        // of groups.csv, with its members linked to their answers.
        for q in &report.assignment.questions {
            let in_order: Vec<String> = class
                .groups
                .iter()
                .map(Result::unwrap)
                .filter(|g| g.question == q.id)
                .map(|g| g.group.to_string())
                .collect();
            assert!(html.contains(&format!("id=\"groups-{}\"", q.id)));
            let positions: Vec<usize> = in_order
                .iter()
                .map(|id| html.find(&format!("<code>{id}</code>")).unwrap())
                .collect();
            assert!(positions.windows(2).all(|w| w[0] < w[1]), "{}", q.id);
        }
        assert!(html.contains("href=\"#answer-aokonkwo__1a\">aokonkwo</a>"));
    }

    #[test]
    fn overrides_show_both_scores() {
        let mut report = fixture_report();
        let q = &mut report.students[1].questions[3];
        q.overridden = Some(Override {
            autograder: Points::ZERO,
            comment: "(d) is defensible here".to_string(),
        });
        q.score = Points::whole(1);
        q.flags.push(Flag::Overridden);
        let html = HtmlReport.render(&report).unwrap();
        assert!(
            html.contains("TA override: autograder score 0 → TA score 1 — (d) is defensible here"),
            "{html}"
        );
    }

    #[test]
    fn anchors_are_safe_and_distinct() {
        assert_eq!(student_anchor("aokonkwo"), "student-aokonkwo");
        assert_eq!(student_anchor("a_b"), "student-a_5fb");
        assert_ne!(student_anchor("a_5fb"), student_anchor("a_b"));
        assert_eq!(student_anchor("josé"), "student-jos_c3_a9");
        assert_eq!(answer_anchor("a", "1c-ii"), "answer-a__1c-ii");
        assert_ne!(answer_anchor("a_", "b"), answer_anchor("a", "_b"));
    }

    #[test]
    fn highlight_cuts_plain_and_marked_segments() {
        let text = "No, it is not needed.";
        let segments = highlight(
            text,
            &[
                concept("no", Outcome::Hit, 0, 2, text),
                concept("needed", Outcome::Negated, 10, 20, text),
            ],
        );
        assert_eq!(
            segments,
            [
                seg("No", Some("hit"), Some("no: hit")),
                seg(", it is ", None, None),
                seg("not needed", Some("nocredit"), Some("needed: negated")),
                seg(".", None, None),
            ]
        );
        assert!(highlight("", &[]).is_empty());
        assert_eq!(highlight("plain", &[]), [seg("plain", None, None)]);
    }

    #[test]
    fn highlight_respects_multibyte_text_and_skips_bad_spans() {
        // "é" and "ï" are two bytes each, "—" three, "😀" four.
        let text = "Naïve — café 😀 über";
        let cafe = text.find("café").unwrap();
        let smile = text.find('😀').unwrap();
        let segments = highlight(
            text,
            &[
                concept("cafe", Outcome::Partial, cafe, cafe + "café".len(), text),
                // Inside "ï": not a char boundary, skipped.
                concept("inside", Outcome::Hit, 3, 6, text),
                // Ends inside the emoji: skipped.
                concept("emoji", Outcome::Hit, smile, smile + 2, text),
                // Past the end, and empty: skipped.
                concept("past", Outcome::Hit, 5, text.len() + 1, text),
                concept("empty", Outcome::Hit, 4, 4, text),
                concept("backwards", Outcome::Hit, 8, 4, text),
                concept(
                    "uber",
                    Outcome::Misconception,
                    text.len() - "über".len(),
                    text.len(),
                    text,
                ),
            ],
        );
        assert_eq!(
            segments,
            [
                seg("Naïve — ", None, None),
                seg("café", Some("hit"), Some("cafe: partial")),
                seg(" 😀 ", None, None),
                seg("über", Some("misconception"), Some("uber: misconception")),
            ]
        );
        let joined: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn highlight_skips_overlapping_spans() {
        let text = "the prompt steers the output";
        let segments = highlight(
            text,
            &[
                // "prompt steers" and "steers the output" overlap: the first (by start) wins.
                concept("b", Outcome::Hit, 11, 28, text),
                concept("a", Outcome::Hit, 4, 17, text),
                // Nested inside "prompt steers": skipped.
                concept("c", Outcome::Hedged, 4, 10, text),
                // The same span as "a": one mark, both concepts named, the stronger class.
                concept("d", Outcome::Misconception, 4, 17, text),
            ],
        );
        assert_eq!(
            segments,
            [
                seg("the ", None, None),
                seg(
                    "prompt steers",
                    Some("misconception"),
                    Some("a: hit; d: misconception")
                ),
                seg(" the output", None, None),
            ]
        );
    }

    /// A coverage concept `id` of 1 point with one covered idea quoting `text[start..end]`.
    fn covering(
        id: &str,
        outcome: Outcome,
        points: Points,
        start: usize,
        end: usize,
        text: &str,
    ) -> ConceptResult {
        let mut c = concept(id, outcome, start, end, text);
        c.points = points;
        c.ideas = vec![IdeaResult {
            id: "idea".to_string(),
            outcome: IdeaOutcome::Covered,
            evidence: c.evidence.clone(),
            feedback: None,
            cause: None,
        }];
        c
    }

    #[test]
    fn a_covered_idea_is_shown_credited_only_when_its_concept_earned() {
        let text = "first in first out";
        for (outcome, points, class) in [
            (Outcome::Partial, Points::from_f64(0.5), "hit"),
            // Below every threshold (grades.json from before the outcome said so), cancelled,
            // contradicted: the idea is covered but earned nothing.
            (Outcome::Partial, Points::ZERO, "nocredit"),
            (Outcome::Missed, Points::ZERO, "nocredit"),
            (Outcome::Cancelled, Points::ZERO, "nocredit"),
            (Outcome::Contradicted, Points::ZERO, "nocredit"),
        ] {
            let c = covering("ideas", outcome, points, 0, text.len(), text);
            assert_eq!(concept_line(&c).ideas[0].class, class, "{outcome:?} {points}");
            let segments = highlight(text, std::slice::from_ref(&c));
            assert_eq!(segments[0].class, Some(class), "{outcome:?} {points}");
        }
    }

    #[test]
    fn histogram_bins_and_concept_rates() {
        let class = ClassTally::of_report(&fixture_report(), DETAILED_STUDENTS).unwrap();
        let question = |id: &str| class.questions.iter().find(|q| q.id.as_str() == id).unwrap();
        // 2a: aokonkwo 3, brennan 1.5: half-point bins 0, 0.5, ..., 3.
        let stats = question_stats(question("2a"));
        let counts: Vec<usize> = stats.histogram.bars.iter().map(|b| b.count).collect();
        assert_eq!(counts, [0, 0, 0, 1, 0, 0, 1]);
        assert_eq!(stats.histogram.bars[3].score, "1.5");
        assert_eq!(stats.mean, "2.25");
        let rates: Vec<(&str, &str)> = stats
            .concepts
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.percent.as_str()))
            .collect();
        assert_eq!(rates, [("yes", "100%"), ("why", "100%"), ("caveat", "50%")]);
        // 1b: whole points; misconception-free concepts, long ids shortened.
        let stats = question_stats(question("1b"));
        assert_eq!(stats.histogram.bars.len(), 4);
        assert_eq!(stats.concepts.rows[0].label, "self-supervised-o…");
    }

    #[test]
    fn a_histogram_has_at_most_101_bars_whatever_the_points() {
        let id = QuestionId("q".to_string());
        let scores = BTreeMap::from([
            (Points::whole(0), 2),
            (Points::whole(9_999), 1),
            (Points::whole(10_000), 1),
        ]);
        let histogram = Histogram::new(&id, Points::whole(10_000), &scores);
        assert_eq!(histogram.bars.len(), 101);
        let counts: usize = histogram.bars.iter().map(|b| b.count).sum();
        assert_eq!(counts, 4);
        assert_eq!(
            (
                histogram.bars[0].count,
                histogram.bars[99].count,
                histogram.bars[100].count
            ),
            (2, 1, 1)
        );
        // Even a point value no rubric may ask for.
        let huge = Histogram::new(&id, Points::from_f64(92_233_720_368_547.0), &scores);
        assert!(huge.bars.len() <= 101);
        // Up to 100 points in whole points, one bar each.
        assert_eq!(Histogram::new(&id, Points::whole(100), &scores).bars.len(), 101);
    }

    #[test]
    fn large_classes_get_pages_only_for_the_review_queue() {
        let mut report = fixture_report();
        let template = report.students[0].clone();
        for n in 0..DETAILED_STUDENTS {
            let mut s = template.clone();
            s.student = StudentId(format!("zz{n:04}"));
            report.students.push(s);
        }
        let html = HtmlReport.render(&report).unwrap();
        let pages = html.matches("<details class=\"student\"").count();
        let queued: std::collections::BTreeSet<_> = crate::course::review::review_queue(&report)
            .into_iter()
            .map(|i| i.student)
            .collect();
        let expected = queued.len().min(DETAILED_STUDENTS);
        assert_eq!(pages, expected);
        assert!(html.contains(&format!(
            "{} students have no page here",
            report.students.len() - expected
        )));
    }
}
