//! Echoes: runs of an answer copied from the question's prompt. Copying the question back
//! makes no claim, so a match that lies wholly inside such a run earns nothing (under the
//! default `echo = "discount"` policy); a word of the prompt used in a new claim ("What did the
//! Declaration of Independence do?" / "it declared independence") still counts.

use std::ops::Range;

use super::text::AnalyzedText;

/// The fewest consecutive words, copied in order from the prompt, that make an echo. Shorter
/// runs are ordinary reuse of the question's terms.
const MIN_ECHO_WORDS: usize = 4;

/// A prompt's words as stems, as [`echoes`] compares them (the rubric keeps them per question).
pub fn stems(prompt: &str) -> Vec<String> {
    AnalyzedText::new(prompt)
        .tokens
        .into_iter()
        .map(|t| t.stem)
        .collect()
}

/// The runs of `answer`'s tokens (at least [`MIN_ECHO_WORDS`] long, by stem) that also stand
/// consecutively in the prompt, given as its [`stems`].
pub fn echoes(answer: &AnalyzedText, prompt_stems: &[String]) -> Vec<Range<usize>> {
    if prompt_stems.len() < MIN_ECHO_WORDS {
        return Vec::new();
    }
    let tokens = &answer.tokens;
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    while start < tokens.len() {
        // The longest run from `start` that stands in the prompt from some position.
        let longest = (0..prompt_stems.len())
            .map(|p| {
                (0..)
                    .take_while(|&k| {
                        start + k < tokens.len()
                            && p + k < prompt_stems.len()
                            && tokens[start + k].stem == prompt_stems[p + k]
                    })
                    .count()
            })
            .max()
            .unwrap_or(0);
        if longest >= MIN_ECHO_WORDS {
            runs.push(start..start + longest);
            start += longest;
        } else {
            start += 1;
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echoed(answer: &str, prompt: &str) -> Vec<String> {
        let text = AnalyzedText::new(answer);
        echoes(&text, &stems(prompt))
            .into_iter()
            .map(|r| {
                text.tokens[r]
                    .iter()
                    .map(|t| t.lower.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn the_question_copied_back_is_an_echo() {
        assert_eq!(
            echoed(
                "What did the Declaration of Independence do?",
                "What did the Declaration of Independence do?"
            ),
            ["what did the declaration of independence do"]
        );
    }

    #[test]
    fn a_prompt_word_in_a_new_claim_is_not_an_echo() {
        assert!(echoed(
            "it declared independence from Britain",
            "What did the Declaration of Independence do?"
        )
        .is_empty());
    }

    #[test]
    fn an_answer_may_restate_part_of_the_question_before_answering() {
        assert_eq!(
            echoed(
                "Should you keep masking the inputs? No: the encoder sees the whole image.",
                "When you finetune the MAE encoder, should you keep masking the inputs?"
            ),
            ["should you keep masking the inputs"]
        );
    }
}
