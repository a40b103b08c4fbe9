//! A deterministic synthetic corpus for benchmarks and soak tests:
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --rubric rubrics/finetuning-review.toml \
//!     --students 10000 --seed 7 --out /tmp/corpus
//! ```
//!
//! Each student answers the rubric's questions with sentences assembled from the rubric's own
//! phrases (a random alternative of each place, synonym members included) and filler, with
//! misspellings, reordered and negated sentences, blank and missing answers, mixed formats
//! (md, txt, ipynb, tex, and folders of two files), and about 1% broken files (invalid
//! notebooks, empty files, unsupported formats). Same seed, same corpus.

use std::fs;
use std::path::PathBuf;

use rubricate::matching::pattern::Word;
use rubricate::rubric::{self, ConceptRule, Pattern, Question};

/// SplitMix64: a tiny seeded generator, so the corpus never depends on a crate's version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const FILLER: &[&str] = &[
    "I think this is mostly about how much data we have",
    "this came up in lecture as well",
    "the model is very large here",
    "it depends a bit on compute but overall it is clear",
    "in practice people do this all the time",
    "the intuition is that the representation transfers",
    "we discussed a similar example in section",
    "this is the standard approach",
];

const TEMPLATES: &[&str] = &[
    "{}.",
    "I would say {}.",
    "The answer is {}, because {}.",
    "{}, so {}.",
    "Not {}, {}.",
    "Yes, {}.",
    "No, {}.",
];

/// Render one compiled phrase as words a student might write.
fn render(pattern: &Pattern, rng: &mut Rng) -> Option<String> {
    let Pattern::Phrase(phrase) = pattern else {
        return None;
    };
    let mut words = Vec::new();
    for slot in &phrase.slots {
        if slot.gap_before > 2 && rng.chance(50) {
            words.push("really".to_string());
        }
        for word in rng.pick(&slot.alternatives) {
            words.push(match word {
                Word::Fuzzy { lower, .. } | Word::Stem { lower, .. } | Word::Exact(lower) => lower.clone(),
                Word::Prefix(p) => format!("{p}ing"),
                Word::Negation => "not".to_string(),
            });
        }
    }
    Some(words.join(" "))
}

fn phrase_bank(question: &Question, rng: &mut Rng) -> Vec<String> {
    let mut bank = Vec::new();
    for concept in &question.concepts {
        let patterns: Vec<&Pattern> = match &concept.rule {
            ConceptRule::Patterns(set) => set.asserted.iter().chain(&set.negated).collect(),
            ConceptRule::Choice(choice) => choice.options.iter().flat_map(|o| &o.patterns).collect(),
            ConceptRule::Coverage(coverage) => coverage
                .ideas
                .iter()
                .flat_map(|i| i.patterns.asserted.iter().chain(&i.patterns.negated))
                .collect(),
        };
        for p in patterns {
            if let Some(text) = render(p, rng) {
                bank.push(text);
            }
        }
    }
    if bank.is_empty() {
        bank.push("no idea".to_string());
    }
    bank
}

fn misspell(text: &str, rng: &mut Rng) -> String {
    text.split(' ')
        .map(|w| {
            if w.len() >= 6 && rng.chance(15) {
                let mut chars: Vec<char> = w.chars().collect();
                let i = 1 + rng.below(chars.len() - 2);
                chars.swap(i, i + 1);
                chars.into_iter().collect()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn answer(bank: &[String], rng: &mut Rng) -> String {
    if rng.chance(4) {
        return String::new();
    }
    let sentences = 1 + rng.below(4);
    let mut out = Vec::new();
    for _ in 0..sentences {
        let template = *rng.pick(TEMPLATES);
        let mut text = template.to_string();
        while let Some(at) = text.find("{}") {
            let fill = if rng.chance(70) {
                rng.pick(bank).clone()
            } else {
                rng.pick(FILLER).to_string()
            };
            text.replace_range(at..at + 2, &fill);
        }
        out.push(misspell(&text, rng));
    }
    if rng.chance(20) {
        out.reverse();
    }
    out.join(" ")
}

/// Parts of a question id for the label forms: `1c-ii` → ("1", "c", Some("ii")).
fn parts(id: &str) -> (String, String, Option<String>) {
    let number: String = id.chars().take_while(char::is_ascii_digit).collect();
    let rest = &id[number.len()..];
    let letter: String = rest.chars().take(1).collect();
    let roman = rest
        .get(1..)
        .map(|r| r.trim_start_matches(['-', '.']))
        .filter(|r| !r.is_empty())
        .map(String::from);
    (number, letter, roman)
}

fn label(id: &str, format: usize) -> String {
    let (n, l, r) = parts(id);
    let r = r.map(|r| format!("({r})")).unwrap_or_default();
    match format {
        0 => format!("## {n}({l}){r}"),
        1 => format!("Q{id}:"),
        2 => format!("**{n}({l}){r}**"),
        _ => format!("Problem {n}, part ({l}){r}:"),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut rubric_path, mut students, mut seed, mut out) = (
        PathBuf::from("rubrics/finetuning-review.toml"),
        1000usize,
        1u64,
        PathBuf::from("corpus"),
    );
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--rubric" => rubric_path = PathBuf::from(value),
            "--students" => students = value.parse().expect("--students N"),
            "--seed" => seed = value.parse().expect("--seed N"),
            "--out" => out = PathBuf::from(value),
            other => panic!("unknown flag {other}"),
        }
    }
    let rubric = rubric::load(&rubric_path).unwrap_or_else(|e| panic!("{e}"));
    let mut rng = Rng(seed);
    let banks: Vec<Vec<String>> = rubric
        .questions
        .iter()
        .map(|q| phrase_bank(q, &mut rng))
        .collect();
    fs::create_dir_all(&out).expect("create the output folder");
    let mut broken = 0;
    for s in 0..students {
        let id = format!("s{s:06}");
        let mut answers: Vec<(String, String)> = Vec::new();
        for (q, bank) in rubric.questions.iter().zip(&banks) {
            if !rng.chance(3) {
                answers.push((q.id.to_string(), answer(bank, &mut rng)));
            }
        }
        if rng.chance(10) {
            let n = answers.len();
            for i in 0..n {
                answers.swap(i, rng.below(n));
            }
        }
        let header = format!("# Review answers\n{id}\n\n");
        let kind = rng.below(100);
        if kind == 0 {
            broken += 1;
            match rng.below(3) {
                0 => fs::write(
                    out.join(format!("{id}.ipynb")),
                    "{\"cells\": [ {\"cell_type\": \"markdown\", \"source\": ",
                ),
                1 => fs::write(out.join(format!("{id}.md")), ""),
                _ => fs::write(out.join(format!("{id}.pdf")), b"%PDF-1.7\x00\xff\xfe binary"),
            }
            .expect("write");
            continue;
        }
        let style = rng.below(4);
        let markdown: String = header.clone()
            + &answers
                .iter()
                .map(|(q, a)| format!("{}\n{a}\n\n", label(q, style)))
                .collect::<String>();
        let written = match kind % 10 {
            0..=3 => fs::write(out.join(format!("{id}.md")), &markdown),
            4..=6 => fs::write(
                out.join(format!("{id}.txt")),
                markdown.replace("## ", "").replace("**", ""),
            ),
            7 => {
                let cells: Vec<serde_json::Value> = answers
                    .iter()
                    .flat_map(|(q, a)| {
                        [
                            serde_json::json!({"cell_type": "markdown", "metadata": {}, "source": [format!("## {}\n", label(q, 0).trim_start_matches("## ")), a.clone()]}),
                            serde_json::json!({"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": ["print('hello')"]}),
                        ]
                    })
                    .collect();
                let notebook =
                    serde_json::json!({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5});
                fs::write(
                    out.join(format!("{id}.ipynb")),
                    serde_json::to_string_pretty(&notebook).unwrap(),
                )
            }
            8 => {
                let body: String = answers
                    .iter()
                    .map(|(q, a)| {
                        let (n, l, r) = parts(q);
                        let r = r.map(|r| format!("({r})")).unwrap_or_default();
                        format!("\\section*{{Question {n}({l}){r}}}\n% my notes\n{a}\n\n")
                    })
                    .collect();
                fs::write(
                    out.join(format!("{id}.tex")),
                    format!("\\documentclass{{article}}\n\\begin{{document}}\n{body}\\end{{document}}\n"),
                )
            }
            _ => {
                let folder = out.join(&id);
                fs::create_dir_all(&folder).expect("folder");
                let half = answers.len() / 2;
                let part = |list: &[(String, String)]| {
                    list.iter()
                        .map(|(q, a)| format!("{}\n{a}\n\n", label(q, 0)))
                        .collect::<String>()
                };
                fs::write(folder.join("part1.md"), part(&answers[..half]))
                    .and_then(|_| fs::write(folder.join("part2.md"), part(&answers[half..])))
            }
        };
        written.expect("write a submission");
    }
    eprintln!(
        "wrote {students} submissions ({broken} broken) to {}",
        out.display()
    );
}
