//! Micro-benchmarks of the engine's hot paths: `cargo bench` (divan). Figures, not tests.

use std::path::{Path, PathBuf};

use rubricate::answers::split;
use rubricate::grading::grader::Grader;
use rubricate::matching::match_answer;
use rubricate::matching::text::AnalyzedText;
use rubricate::rubric::{self, Rubric};
use rubricate::submission::{read_document, Document, SubmissionFile};

fn main() {
    divan::main();
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rubric() -> Rubric {
    rubric::load(&root().join("rubrics/finetuning-review.toml")).expect("bundled rubric")
}

fn document(name: &str) -> Document {
    let path = root().join("submissions").join(name);
    read_document(&SubmissionFile {
        path,
        display: Path::new(name).to_path_buf(),
    })
    .expect("readable")
}

const ANSWER: &str = "BERT: No. Its pretrained heads only predict masked tokens and next-sentence, so you'd \
need a classification head on [CLS] and finetuning. T5: Yes. It's text-to-text and MNLI was in its training \
mixture, so feed \"mnli hypothesis: ... premise: ...\" and read the generated label. GPT: Yes, by prompting: put \
the passage and hypothesis in the prompt, ask whether it's entailment, contradiction or neutral.";

#[divan::bench]
fn load_rubric() -> Rubric {
    rubric()
}

#[divan::bench]
fn normalise_and_tokenise(bencher: divan::Bencher) {
    bencher.bench(|| AnalyzedText::new(divan::black_box(ANSWER)));
}

#[divan::bench]
fn split_a_submission(bencher: divan::Bencher) {
    let rubric = rubric();
    let index = Grader::new(&rubric).labels;
    let documents = [document("aokonkwo.md")];
    bencher.bench(|| split(divan::black_box(&documents), &index));
}

#[divan::bench(args = ["1a", "1c-i", "2a", "3b-i", "3c"])]
fn match_one_answer(bencher: divan::Bencher, question: &str) {
    let rubric = rubric();
    let q = rubric
        .questions
        .iter()
        .find(|q| q.id.as_str() == question)
        .expect("question");
    bencher.bench(|| match_answer(q, divan::black_box(ANSWER)));
}

/// About 470 KB with no sentence break: one sentence, so every hedge and negation lookup is
/// scoped to all of it (this took minutes while cues were searched for around each match).
#[divan::bench(sample_count = 3)]
fn match_a_long_unbroken_answer(bencher: divan::Bencher) {
    let rubric = rubric();
    let q = rubric
        .questions
        .iter()
        .find(|q| q.id.as_str() == "1a")
        .expect("question");
    let unbroken = ANSWER.replace(['.', '?', '!', ';', ':'], " ");
    let answer = unbroken.repeat(470_000 / unbroken.len());
    bencher.bench(|| match_answer(q, divan::black_box(&answer)));
}

#[divan::bench]
fn grade_a_submission(bencher: divan::Bencher) {
    let rubric = rubric();
    let grader = Grader::new(&rubric);
    let documents = [document("aokonkwo.md")];
    bencher.bench(|| {
        grader.grade_documents(
            rubricate::ids::StudentId("a".into()),
            divan::black_box(&documents),
        )
    });
}

/// Blanking hidden text in a 50-answer file: plain Markdown (the common case, no HTML), Markdown
/// with HTML and a style sheet, and LaTeX with macros, colours and conditionals.
#[divan::bench(args = ["plain.md", "html.md", "latex.tex"])]
fn blank_hidden_text(bencher: divan::Bencher, kind: &str) {
    let variants = root().join("tests/fixtures/hidden-variants/submissions");
    let one = |name: &str| std::fs::read_to_string(variants.join(name)).expect("fixture");
    let text = match kind {
        "plain.md" => one("show-md-bold.md").replace("<b>", "").replace("</b>", ""),
        "html.md" => {
            one("hide-md-style-class.md") + &one("hide-md-nested-div.md") + &one("hide-md-comment.md")
        }
        _ => {
            one("hide-tex-newcommand-white.tex")
                + &one("hide-tex-textcolor-nested.tex")
                + &one("hide-tex-iffalse.tex")
        }
    }
    .repeat(50 / 3 + 1);
    let latex = kind.ends_with(".tex");
    bencher.bench(|| {
        if latex {
            rubricate::submission::blank_hidden_latex(divan::black_box(&text))
        } else {
            rubricate::submission::blank_hidden_html(divan::black_box(&text))
        }
    });
}
