//! A small hand-built report for the writers' tests: one student with full marks, one with a bit
//! of everything (missed, partial, a coverage concept with one idea of two, negated, hedged,
//! wrong choice, contradicted, cancelled, misconception, a missing answer, a CSV-hostile id and
//! quotes), and one unreadable submission.

use crate::grading::grades::{
    AnswerLocation, AssignmentInfo, ConceptResult, Evidence, Flag, GradeReport, IdeaOutcome, IdeaResult,
    Outcome, QuestionGrade, QuestionInfo, StudentGrade, SubmissionStatus,
};
use crate::ids::{Points, QuestionId, StudentId};

fn pts(p: f64) -> Points {
    Points::from_f64(p)
}

/// A concept result; `quote` must occur in `answer` (its byte offsets are computed from it).
fn concept(
    id: &str,
    outcome: Outcome,
    points: f64,
    max: f64,
    answer: &str,
    quote: Option<&str>,
) -> ConceptResult {
    let evidence = quote.map(|quote| {
        let start = answer
            .find(quote)
            .unwrap_or_else(|| panic!("fixture quote {quote:?} is not in {answer:?}"));
        Evidence {
            quote: quote.to_string(),
            start,
            end: start + quote.len(),
            edits: 0,
            at_threshold: false,
            pattern: String::new(),
        }
    });
    ConceptResult {
        id: id.to_string(),
        outcome,
        points: pts(points),
        max: pts(max),
        evidence,
        // The rubric's words for hits and misses; other outcomes fall back to the concept id.
        feedback: match outcome {
            Outcome::Hit => Some(format!("Right: {}", id.replace('-', " "))),
            Outcome::Missed => Some(format!("Missing: {}", id.replace('-', " "))),
            _ => None,
        },
        visibility: Default::default(),
        cause: None,
        ideas: Vec::new(),
    }
}

/// `concept` made a coverage concept with these ideas: (id, outcome, quote, feedback).
fn covering(
    mut concept: ConceptResult,
    answer: &str,
    ideas: &[(&str, IdeaOutcome, Option<&str>, Option<&str>)],
) -> ConceptResult {
    concept.ideas = ideas
        .iter()
        .map(|&(id, outcome, quote, feedback)| IdeaResult {
            id: id.to_string(),
            outcome,
            evidence: quote.map(|quote| {
                let start = answer.find(quote).expect("the idea's quote is in the answer");
                Evidence {
                    quote: quote.to_string(),
                    start,
                    end: start + quote.len(),
                    edits: 0,
                    at_threshold: false,
                    pattern: String::new(),
                }
            }),
            feedback: feedback.map(String::from),
            cause: None,
        })
        .collect();
    concept
}

struct Answer<'a> {
    file: &'a str,
    line: usize,
    label: &'a str,
    text: &'a str,
}

fn question(
    id: &str,
    max: f64,
    answer: Option<Answer<'_>>,
    concepts: Vec<ConceptResult>,
    feedback: &[&str],
    flags: Vec<Flag>,
) -> QuestionGrade {
    let score = concepts
        .iter()
        .map(|c| c.points)
        .sum::<Points>()
        .clamp_to(pts(max));
    QuestionGrade {
        id: QuestionId(id.to_string()),
        score,
        max: pts(max),
        answer_text: answer.as_ref().map_or(String::new(), |a| a.text.to_string()),
        answer: answer.map(|a| AnswerLocation {
            file: a.file.to_string(),
            line: a.line,
            label: a.label.to_string(),
            cell: None,
        }),
        concepts,
        feedback: feedback.iter().map(|s| s.to_string()).collect(),
        visibility: Default::default(),
        confidence: flags.iter().map(Flag::confidence_factor).product(),
        flags,
        overridden: None,
        group: None,
        group_size: 0,
        decision: None,
    }
}

fn student(
    id: &str,
    files: &[&str],
    status: SubmissionStatus,
    max_total: Points,
    questions: Vec<QuestionGrade>,
    warnings: &[&str],
) -> StudentGrade {
    StudentGrade {
        student: StudentId(id.to_string()),
        files: files.iter().map(|f| f.to_string()).collect(),
        status,
        total: questions.iter().map(|q| q.score).sum(),
        max_total,
        questions,
        warnings: warnings.iter().map(|s| s.to_string()).collect(),
        unknown_labels: Vec::new(),
        hidden_text: Vec::new(),
        roster: None,
        not_on_roster: false,
        submitted_as: None,
    }
}

pub(crate) fn report() -> GradeReport {
    use Outcome::*;

    let questions: Vec<QuestionInfo> = [
        ("1a", 2.0),
        ("1b", 3.0),
        ("1c-i", 1.0),
        ("1c-ii", 1.0),
        ("2a", 3.0),
        ("2b", 2.0),
    ]
    .iter()
    .map(|&(id, max)| QuestionInfo {
        id: QuestionId(id.to_string()),
        max: pts(max),
    })
    .collect();
    let max_total: Points = questions.iter().map(|q| q.max).sum();
    let assignment = AssignmentInfo {
        id: "finetuning-review".to_string(),
        title: "Review: Fine-tuning".to_string(),
        rubric_fingerprint: "0123456789abcdef".to_string(),
        questions,
        max_total,
    };

    // Full marks.
    let a = "aokonkwo.md";
    let t1a = "No. At finetuning the encoder gets all of the patches; masking was only the pretext task for learning representations.";
    let t1b = "Pretrain the LSTM as a language model that predicts the next word on the English sentences, then initialise the translation encoder with it and finetune on the pairs.";
    let t1ci = "(d) soft prompting, full finetuning is too expensive at 175B.";
    let t1cii = "(c) hard prompting";
    let t2a = "Yes. GPT is causal, so the generated tokens attend to the prompt; but the input can't attend to a prompt placed after it.";
    let t2b = "No: the examples would not fit in the context window; finetune instead.";
    let aokonkwo = student(
        "aokonkwo",
        &[a],
        SubmissionStatus::Graded,
        max_total,
        vec![
            question(
                "1a",
                2.0,
                Some(Answer { file: a, line: 3, label: "1a", text: t1a }),
                vec![
                    concept("no", Hit, 1.0, 1.0, t1a, Some("the encoder gets all of the patches")),
                    concept("reason", Hit, 1.0, 1.0, t1a, Some("masking was only the pretext task")),
                    concept("keep-masking", Missed, 0.0, 0.0, t1a, None),
                ],
                &[
                    "No: at finetuning the encoder sees the whole, unmasked input.",
                    "Right reason: masking was only the pretext task used to learn the representations.",
                ],
                vec![],
            ),
            question(
                "1b",
                3.0,
                Some(Answer { file: a, line: 7, label: "1b", text: t1b }),
                vec![
                    concept("self-supervised-objective", Hit, 2.0, 2.0, t1b, Some("a language model that predicts the next word")),
                    concept("transfer", Hit, 1.0, 1.0, t1b, Some("initialise the translation encoder with it and finetune on the pairs")),
                ],
                &[
                    "A self-supervised objective on the English sentences (here: next-word language modelling).",
                    "Transfer: initialise the translation encoder with the pretrained weights, then finetune on the pairs.",
                ],
                vec![],
            ),
            question(
                "1c-i",
                1.0,
                Some(Answer { file: a, line: 11, label: "1c-i", text: t1ci }),
                vec![concept("soft-prompting", Hit, 1.0, 1.0, t1ci, Some("(d) soft prompting"))],
                &["(d) soft prompting: full finetuning of a 175B model is too costly."],
                vec![],
            ),
            question(
                "1c-ii",
                1.0,
                Some(Answer { file: a, line: 13, label: "1c-ii", text: t1cii }),
                vec![concept("hard-prompting", Hit, 1.0, 1.0, t1cii, Some("(c) hard prompting"))],
                &["(c) hard prompting: with no data, build a zero-shot prompt from the task description."],
                vec![],
            ),
            question(
                "2a",
                3.0,
                Some(Answer { file: a, line: 17, label: "2(a)", text: t2a }),
                vec![
                    concept("yes", Hit, 1.0, 1.0, t2a, Some("Yes")),
                    concept("why", Hit, 1.0, 1.0, t2a, Some("the generated tokens attend to the prompt")),
                    concept("caveat", Hit, 1.0, 1.0, t2a, Some("the input can't attend to a prompt placed after it")),
                ],
                &[
                    "Yes, it can still work.",
                    "Why: GPT is causal, so the tokens generated after the prompt attend to it.",
                    "Caveat: the input cannot attend to a prompt that comes after it.",
                ],
                vec![],
            ),
            question(
                "2b",
                2.0,
                Some(Answer { file: a, line: 21, label: "2(b)", text: t2b }),
                vec![
                    concept("no", Hit, 1.0, 1.0, t2b, Some("No")),
                    concept("reason", Hit, 1.0, 1.0, t2b, Some("would not fit in the context window")),
                ],
                &["No: the examples would not fit in the context window."],
                vec![],
            ),
        ],
        &[],
    );

    // A bit of everything, with a CSV-hostile id and quotes.
    let b = "brennan, \"finn\".txt";
    let t1a =
        "Yes, you keep masking, \"like in pretraining\", so the encoder sees the same thing... actually no?";
    let t1b = "masking, MLM, autoencoder, finetune";
    let t1ci = "soft prompting or full finetuning, both could work";
    let t1cii = "(d) soft prompting";
    let t2a = "I think yes. The prompt vectors are learned for whatever position they are put in, and because the model is autoregressive the output that is generated afterwards can still look back at them, so it steers the output. It's not true that the input tokens can't see the prompt.";
    let brennan = student(
        "brennan, \"finn\"",
        &[b],
        SubmissionStatus::Graded,
        max_total,
        vec![
            question(
                "1a",
                2.0,
                Some(Answer { file: b, line: 1, label: "Q1a", text: t1a }),
                vec![
                    concept("no", Contradicted, 0.0, 1.0, t1a, Some("actually no?")),
                    concept("reason", Missed, 0.0, 1.0, t1a, None),
                    concept("keep-masking", Misconception, 0.0, 0.0, t1a, Some("Yes, you keep masking, \"like in pretraining\"")),
                ],
                &[
                    "Keeping the masking at finetuning is a common misconception: it throws away information the task needs.",
                    "A reason was expected: masking was only the pretext task used to learn the representations.",
                ],
                vec![
                    Flag::Contradiction { concepts: vec!["no".to_string(), "keep-masking".to_string()] },
                    Flag::Misconception { concept: "keep-masking".to_string() },
                ],
            ),
            question(
                "1b",
                3.0,
                Some(Answer { file: b, line: 12, label: "1b", text: t1b }),
                vec![
                    concept("self-supervised-objective", Cancelled, 0.0, 2.0, t1b, Some("masking, MLM, autoencoder")),
                    concept("transfer", Cancelled, 0.0, 1.0, t1b, None),
                ],
                &["A list of keywords earns no points: say which objective you would train on the English sentences, and how the translation model would use it."],
                vec![Flag::AnsweredTwice, Flag::KeywordList],
            ),
            question(
                "1c-i",
                1.0,
                Some(Answer { file: b, line: 5, label: "1c-i", text: t1ci }),
                vec![concept("soft-prompting", Hedged, 0.0, 1.0, t1ci, Some(t1ci))],
                &["Choose one method: (d) soft prompting, since full finetuning of a 175B model is too costly."],
                vec![Flag::HedgedChoice { options: vec!["soft-prompting".to_string(), "full-finetuning".to_string()] }],
            ),
            question(
                "1c-ii",
                1.0,
                Some(Answer { file: b, line: 6, label: "1c-ii", text: t1cii }),
                vec![concept("hard-prompting", WrongChoice, 0.0, 1.0, t1cii, Some(t1cii))],
                &[],
                vec![],
            ),
            question(
                "2a",
                3.0,
                Some(Answer { file: b, line: 8, label: "2a", text: t2a }),
                vec![
                    concept("yes", Hit, 1.0, 1.0, t2a, Some("I think yes")),
                    covering(
                        concept("why", Partial, 0.5, 1.0, t2a, Some("because the model is autoregressive the output that is generated afterwards can still look back at them, so it steers the output")),
                        t2a,
                        &[
                            ("causal", IdeaOutcome::Covered, Some("the model is autoregressive"), None),
                            ("attends", IdeaOutcome::Missed, None, Some("Say that the generated tokens attend to the prompt.")),
                        ],
                    ),
                    concept("caveat", Negated, 0.0, 1.0, t2a, Some("It's not true that the input tokens can't see the prompt")),
                ],
                &[
                    "Yes, it can still work.",
                    "Why: name the mechanism: GPT is causal, so the tokens generated after the prompt attend to it.",
                    "Caveat: the input cannot attend to a prompt that comes after it, so the prompt cannot change how the input is processed.",
                ],
                vec![],
            ),
            question(
                "2b",
                2.0,
                None,
                vec![
                    concept("no", Missed, 0.0, 1.0, "", None),
                    concept("reason", Missed, 0.0, 1.0, "", None),
                ],
                &["No answer to 2b was found (looked for the labels 2b, 2(b), Q2b, Question 2 part b)."],
                vec![Flag::Missing],
            ),
        ],
        &["brennan, \"finn\".txt is not valid UTF-8; it was read as Windows-1252."],
    );

    let gtanaka = student(
        "gtanaka",
        &["gtanaka.pdf"],
        SubmissionStatus::Unreadable {
            reason: "gtanaka.pdf is not a text file (it looks like a PDF)".to_string(),
        },
        max_total,
        vec![],
        &[],
    );

    GradeReport {
        assignment,
        students: vec![aokonkwo, brennan, gtanaka],
    }
}
