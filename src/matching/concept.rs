//! Deciding one concept, choice or misconception against one answer: which patterns matched,
//! with what stance, and the words that decided it.

use std::ops::Range;

use super::cues::{self, Hedge, OwnNegation, Stance};
use super::pattern::PhraseMatch;
use super::subjects::{find, Scopes};
use super::text::AnalyzedText;
use crate::rubric::{
    Choice, Concept, ConceptRule, Echo, Misconception, Pattern, PatternSet, Policy, Question,
};

/// The words of the answer that decided an outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub tokens: Range<usize>,
    /// Edit distance of a fuzzy match (0 when exact or by stem).
    pub distance: usize,
    /// Some word used all the edits its length allows.
    pub at_threshold: bool,
    pub pattern: String,
}

/// What the matcher concluded about one concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConceptMatch {
    Hit(Found),
    Partial(Found),
    Missed,
    Negated(Found),
    /// Found only asked, left open or (under a strict policy) said with doubt.
    Hedged(Found, Hedge),
    /// Found, said with doubt, under a lenient policy: it earns, flagged for review.
    Uncertain(Found, Hedge),
    /// Found only inside words copied from the question's prompt.
    Echoed(Found),
    /// A choice answered with another option (its key).
    WrongChoice {
        option: String,
        found: Found,
    },
    /// Several options named as the answer.
    HedgedChoice {
        options: Vec<String>,
        found: Found,
    },
    /// A coverage concept: each idea's own verdict, in the rubric's order (never `Partial`,
    /// `Coverage` or a choice's).
    Coverage(Vec<ConceptMatch>),
}

/// The matcher's view of a whole answer to one question.
#[derive(Debug, Clone)]
pub struct AnswerMatches {
    pub text: AnalyzedText,
    pub concepts: Vec<ConceptMatch>,
    /// For each misconception, the assertion that fired it.
    pub misconceptions: Vec<Option<Found>>,
    pub keyword_list: bool,
    /// Runs of the answer's tokens copied from the question's prompt.
    pub echoes: Vec<Range<usize>>,
    /// The words that took back what came before ("on second thought"); only what follows
    /// them was matched.
    pub retraction: Option<String>,
}

/// The answer's scopes, with what a retraction took back left out.
fn live_scopes(text: &AnalyzedText, question: &Question) -> (Scopes, Option<String>) {
    let mut scopes = super::subjects::scopes(text, &question.subjects);
    let retraction = cues::retraction(text).map(|(cue, words)| {
        scopes.clip_from(cue.end);
        words
    });
    (scopes, retraction)
}

/// Match every concept and misconception of `question` against an answer's text.
pub fn match_answer(question: &Question, answer: &str) -> AnswerMatches {
    let text = AnalyzedText::new(answer);
    let (scopes, retraction) = live_scopes(&text, question);
    let echoes = super::echo::echoes(&text, &question.prompt_stems);
    let context = Context {
        text: &text,
        policy: &question.policy,
        echoes: &echoes,
    };
    let concepts = question
        .concepts
        .iter()
        .map(|c| match_concept(c, &context, &scopes))
        .collect();
    let misconceptions = question
        .misconceptions
        .iter()
        .map(|m| match_misconception(m, &context, &scopes))
        .collect();
    let keyword_list = super::keywords::is_keyword_list(&text.text);
    AnswerMatches {
        text,
        concepts,
        misconceptions,
        keyword_list,
        echoes,
        retraction,
    }
}

/// What a pattern's matches are judged in: the answer, the question's policy, and the runs of
/// the answer copied from the prompt.
pub struct Context<'a> {
    pub text: &'a AnalyzedText,
    pub policy: &'a Policy,
    pub echoes: &'a [Range<usize>],
}

/// One match of one pattern, with its stance in context.
#[derive(Debug, Clone)]
pub struct Mention {
    pub found: Found,
    pub stance: Stance,
    /// The cue that hedged it, or made it uncertain.
    pub hedge: Option<Hedge>,
    /// It lies wholly inside words copied from the prompt (and the policy discounts them).
    pub echoed: bool,
}

/// Every match of every pattern of a concept (or misconception), for `explain`.
#[derive(Debug, Clone)]
pub struct PatternTrace {
    /// The option a choice's pattern names, or which list the pattern is in (`match`,
    /// `negated`, `partial`, `accept`).
    pub role: String,
    pub pattern: String,
    pub mentions: Vec<Mention>,
}

/// Trace every pattern of a concept or misconception against the answer, in its scope.
pub fn trace(question: &Question, answer: &AnalyzedText) -> (Vec<Vec<PatternTrace>>, Vec<Vec<PatternTrace>>) {
    let (scopes, _) = live_scopes(answer, question);
    let echoes = super::echo::echoes(answer, &question.prompt_stems);
    let context = Context {
        text: answer,
        policy: &question.policy,
        echoes: &echoes,
    };
    let each = |role: &str, patterns: &[Pattern], scope: &[Range<usize>]| -> Vec<PatternTrace> {
        patterns
            .iter()
            .map(|p| PatternTrace {
                role: role.to_string(),
                pattern: p.source().to_string(),
                mentions: mentions(std::slice::from_ref(p), &context, scope),
            })
            .collect()
    };
    let concepts = question
        .concepts
        .iter()
        .map(|c| {
            let scope = scopes.get(c.subject);
            c.pattern_lists()
                .into_iter()
                .flat_map(|(role, patterns)| each(&role, patterns, scope))
                .collect()
        })
        .collect();
    let misconceptions = question
        .misconceptions
        .iter()
        .map(|m| each("misconception", &m.patterns, scopes.get(m.subject)))
        .collect();
    (concepts, misconceptions)
}

fn mentions(patterns: &[Pattern], context: &Context<'_>, scope: &[Range<usize>]) -> Vec<Mention> {
    let text = context.text;
    let mut all = Vec::new();
    for pattern in patterns {
        for PhraseMatch {
            tokens,
            distance,
            at_threshold,
        } in find(pattern, text, scope)
        {
            let own = match pattern {
                Pattern::Phrase(p) if p.negates => OwnNegation::Negates,
                Pattern::Phrase(_) => OwnNegation::None,
                Pattern::Regex { .. } => OwnNegation::Literal,
            };
            let (stance, hedge) = cues::stance(text, tokens.clone(), own, context.policy);
            let echoed = context.policy.echo == Echo::Discount
                && context
                    .echoes
                    .iter()
                    .any(|e| e.start <= tokens.start && tokens.end <= e.end);
            all.push(Mention {
                found: Found {
                    tokens,
                    distance,
                    at_threshold,
                    pattern: pattern.source().to_string(),
                },
                stance,
                hedge,
                echoed,
            });
        }
    }
    all.sort_by_key(|m| (m.found.tokens.start, m.found.distance));
    all
}

fn first_with(mentions: &[Mention], stance: Stance) -> Option<Found> {
    mentions
        .iter()
        .find(|m| m.stance == stance && !m.echoed)
        .map(|m| m.found.clone())
}

/// The first mention with `stance`, with the hedge that decided it.
fn first_hedged(mentions: &[Mention], stance: Stance) -> Option<(Found, Hedge)> {
    mentions
        .iter()
        .filter(|m| m.stance == stance && !m.echoed)
        .find_map(|m| Some((m.found.clone(), m.hedge.clone()?)))
}

/// A claim that counts: asserted, or said with doubt under a lenient policy.
fn claims(m: &Mention) -> bool {
    matches!(m.stance, Stance::Asserted | Stance::Uncertain) && !m.echoed
}

fn match_concept(concept: &Concept, context: &Context<'_>, scopes: &Scopes) -> ConceptMatch {
    let scope = scopes.get(concept.subject);
    let decided = match &concept.rule {
        ConceptRule::Patterns(set) => match_patterns(set, context, scope),
        ConceptRule::Choice(choice) => match_choice(choice, context, scope),
        // Each idea is decided as a concept's patterns are; the scorer counts them.
        ConceptRule::Coverage(coverage) => {
            return ConceptMatch::Coverage(
                coverage
                    .ideas
                    .iter()
                    .map(|idea| match_patterns(&idea.patterns, context, scope))
                    .collect(),
            )
        }
    };
    if matches!(decided, ConceptMatch::Hit(_) | ConceptMatch::Uncertain(..)) {
        return decided;
    }
    if let Some(partial) = &concept.partial {
        if let Some(found) = mentions(&partial.patterns, context, scope)
            .into_iter()
            .find(claims)
            .map(|m| m.found)
        {
            if !matches!(decided, ConceptMatch::WrongChoice { .. }) {
                return ConceptMatch::Partial(found);
            }
        }
    }
    decided
}

fn match_patterns(set: &PatternSet, context: &Context<'_>, scope: &[Range<usize>]) -> ConceptMatch {
    let asserted = mentions(&set.asserted, context, scope);
    let negated = mentions(&set.negated, context, scope);
    let counting = || {
        asserted
            .iter()
            .filter(|m| m.stance == Stance::Asserted && !m.echoed)
            .chain(
                negated
                    .iter()
                    .filter(|m| m.stance == Stance::Negated && !m.echoed),
            )
    };
    // A denial is quoted with its negation word, so the feedback never reads as if the
    // student asserted what they denied.
    let quoted = |m: &Mention| -> Found {
        let mut found = m.found.clone();
        if m.stance == Stance::Negated {
            if let Some(at) = cues::negator_before(context.text, found.tokens.clone(), &context.policy.terms)
            {
                found.tokens.start = at;
            }
        }
        found
    };
    // A claim made without doubt wins over one made with it.
    if let Some(m) = counting()
        .filter(|m| m.hedge.is_none())
        .min_by_key(|m| m.found.tokens.start)
    {
        return ConceptMatch::Hit(quoted(m));
    }
    if let Some(m) = counting().min_by_key(|m| m.found.tokens.start) {
        if let Some(hedge) = &m.hedge {
            return ConceptMatch::Uncertain(quoted(m), hedge.clone());
        }
    }
    if let Some((found, hedge)) = first_hedged(&asserted, Stance::Uncertain) {
        return ConceptMatch::Uncertain(found, hedge);
    }
    if let Some((found, hedge)) =
        first_hedged(&asserted, Stance::Hedged).or_else(|| first_hedged(&negated, Stance::Hedged))
    {
        return ConceptMatch::Hedged(found, hedge);
    }
    if let Some(m) = asserted.iter().chain(&negated).find(|m| m.echoed) {
        return ConceptMatch::Echoed(m.found.clone());
    }
    // A concept whose negation counts, asserted instead ("you keep masking"), is simply missed.
    if let Some(found) = first_with(&asserted, Stance::Negated) {
        return ConceptMatch::Negated(found);
    }
    ConceptMatch::Missed
}

/// The option the student asserts wins. Options that are negated, hedged or rejected in their
/// clause ("full finetuning would be too expensive") do not count; among the rest, the first
/// sentence that names any decides, and naming two there is hedging.
fn match_choice(choice: &Choice, context: &Context<'_>, scope: &[Range<usize>]) -> ConceptMatch {
    let text = context.text;
    if let Some(found) = first_with(&mentions(&choice.accept, context, scope), Stance::Asserted) {
        return ConceptMatch::Hit(found);
    }
    let mut named: Vec<(usize, Mention)> = Vec::new();
    for (index, option) in choice.options.iter().enumerate() {
        for mut m in mentions(&option.patterns, context, scope) {
            if m.echoed {
                continue;
            }
            // Chosen with doubt is chosen; the hedge stays to flag it.
            if m.stance == Stance::Uncertain {
                m.stance = Stance::Asserted;
            }
            if m.stance == Stance::Asserted && cues::is_rejected(text, m.found.tokens.start) {
                m.stance = Stance::Negated;
            }
            // A quoted option ("the label word \"yes\"") is mentioned, not chosen.
            if text.tokens[m.found.tokens.clone()].iter().all(|t| t.quoted) {
                m.stance = Stance::Hedged;
                m.hedge = Some(Hedge {
                    kind: cues::HedgeKind::OpenAlternatives,
                    cue: "quoted".to_string(),
                });
            }
            named.push((index, m));
        }
    }
    named.sort_by_key(|(_, m)| m.found.tokens.start);
    hedge_alternatives(text, &mut named);

    let asserted: Vec<&(usize, Mention)> = named
        .iter()
        .filter(|(_, m)| m.stance == Stance::Asserted)
        .collect();
    let Some((_, first)) = asserted.first() else {
        let pick = |stance| {
            named
                .iter()
                .find(|(_, m)| m.stance == stance)
                .map(|(_, m)| m.found.clone())
        };
        let hedge = named
            .iter()
            .find(|(_, m)| m.stance == Stance::Hedged)
            .map(|(_, m)| {
                m.hedge.clone().unwrap_or_else(|| Hedge {
                    kind: cues::HedgeKind::OpenAlternatives,
                    cue: "or".to_string(),
                })
            });
        return match (pick(Stance::Hedged), pick(Stance::Negated)) {
            (Some(found), _) => ConceptMatch::Hedged(found, hedge.expect("a hedged mention")),
            (None, Some(found)) => ConceptMatch::Negated(found),
            (None, None) => ConceptMatch::Missed,
        };
    };
    let sentence = text.tokens[first.found.tokens.start].sentence;
    let mut deciding: Vec<&(usize, Mention)> = asserted
        .iter()
        .copied()
        .filter(|(_, m)| text.tokens[m.found.tokens.start].sentence == sentence)
        .collect();
    // A later sentence that is itself an answer ("Yes. No.", "Hard prompting. Also soft
    // prompting.") names another option as much as "or" in one sentence does.
    deciding.extend(asserted.iter().copied().filter(|(_, m)| {
        text.tokens[m.found.tokens.start].sentence != sentence && opens_sentence(text, m.found.tokens.start)
    }));
    // "X is fine, but Y is better" / "my first instinct was X, but ..., so: Y": after a turn,
    // only what follows it decides.
    if let Some(turn) = last_turn_before(text, &deciding) {
        deciding.retain(|(_, m)| m.found.tokens.start > turn);
    }
    let mut keys: Vec<usize> = deciding.iter().map(|(i, _)| *i).collect();
    keys.sort();
    keys.dedup();
    let found = first.found.clone();
    match keys.as_slice() {
        [only] if *only == choice.answer => match deciding.iter().find(|(i, _)| i == only) {
            Some((_, m)) => match &m.hedge {
                Some(hedge) => ConceptMatch::Uncertain(m.found.clone(), hedge.clone()),
                None => ConceptMatch::Hit(m.found.clone()),
            },
            None => ConceptMatch::Hit(found),
        },
        [only] => ConceptMatch::WrongChoice {
            option: choice.options[*only].key.clone(),
            found,
        },
        several => ConceptMatch::HedgedChoice {
            options: several.iter().map(|i| choice.options[*i].key.clone()).collect(),
            found,
        },
    }
}

/// Two different options joined by "or" in one sentence are alternatives, not a choice.
fn hedge_alternatives(text: &AnalyzedText, named: &mut [(usize, Mention)]) {
    let mut hedged = vec![false; named.len()];
    for i in 0..named.len() {
        let a = &named[i];
        if a.1.stance != Stance::Asserted {
            continue;
        }
        // Only the nearest other option that follows: "yes and no: keep X, or Y" pairs X with
        // Y, not "yes" with Y.
        let next = (i + 1..named.len()).find(|&j| {
            let b = &named[j];
            b.0 != a.0 && b.1.stance == Stance::Asserted && b.1.found.tokens.start >= a.1.found.tokens.end
        });
        let Some(j) = next else { continue };
        let (from, to) = (a.1.found.tokens.end, named[j].1.found.tokens.start);
        let same_sentence = text.tokens[a.1.found.tokens.start].sentence == text.tokens[to].sentence;
        if same_sentence && text.tokens[from..to].iter().any(|t| t.lower == "or") {
            hedged[i] = true;
            hedged[j] = true;
        }
    }
    for (k, h) in hedged.into_iter().enumerate() {
        if h {
            named[k].1.stance = Stance::Hedged;
        }
    }
}

/// Words that may stand before an option that opens its sentence as the answer: "Also soft
/// prompting."
const ANSWER_LEAD_INS: &[&str] = &["also", "or", "and", "plus", "then"];

/// Whether token `at` opens its sentence, after at most one lead-in word.
fn opens_sentence(text: &AnalyzedText, at: usize) -> bool {
    let start = text.sentence_of(at).start;
    at == start || (at == start + 1 && ANSWER_LEAD_INS.contains(&text.tokens[start].lower.as_str()))
}

/// Words that turn an answer from one option to another.
const TURNS: &[&str] = &[
    "but",
    "so",
    "instead",
    "therefore",
    "thus",
    "hence",
    "however",
    "ultimately",
];

/// The last turn word that stands after the first deciding mention and before a later one.
fn last_turn_before(text: &AnalyzedText, deciding: &[&(usize, Mention)]) -> Option<usize> {
    let first = deciding.first()?.1.found.tokens.end;
    let last = deciding.last()?.1.found.tokens.start;
    (first..last)
        .rev()
        .find(|&i| TURNS.contains(&text.tokens[i].lower.as_str()) && !text.tokens[i].quoted)
}

fn match_misconception(
    misconception: &Misconception,
    context: &Context<'_>,
    scopes: &Scopes,
) -> Option<Found> {
    mentions(
        &misconception.patterns,
        context,
        scopes.get(misconception.subject),
    )
    .into_iter()
    .find(claims)
    .map(|m| m.found)
}
