//! Keyword lists: "masking, MLM, CLS, autoregressive, bottleneck" makes no claim, so by the
//! grading conventions it earns nothing, however many concepts it names.

/// Whether an answer is a bare list of short terms: at least four items separated by commas,
/// semicolons or line breaks, nearly all of them three words or fewer, and no sentence; or a
/// sentence that only announces such a list ("The key ideas here are X and Y and Z and W").
pub fn is_keyword_list(answer: &str) -> bool {
    is_bare_list(answer) || announced_list(answer).is_some_and(|list| is_bare_list(&list))
}

/// Openings that announce a list of terms rather than make a claim about them.
const LIST_ANNOUNCERS: &[&str] = &["key", "main", "important", "relevant", "keywords", "buzzwords"];

/// The list after "The key ideas (here) are ...", its "and"s read as commas.
fn announced_list(answer: &str) -> Option<String> {
    let lower = answer.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let opening = words.iter().take(5).position(|w| LIST_ANNOUNCERS.contains(w))?;
    let verb = words
        .iter()
        .enumerate()
        .skip(opening + 1)
        .take(4)
        .find(|(_, w)| {
            matches!(
                w.trim_end_matches(':'),
                "are" | "is" | "include" | "includes" | "involve"
            )
        })?
        .0;
    let rest = words[verb + 1..].join(" ");
    Some(rest.replace(" and ", ", "))
}

fn is_bare_list(answer: &str) -> bool {
    let items: Vec<&str> = answer
        .split([',', ';', '\n', '\u{2022}'])
        .map(|i| {
            i.trim()
                .trim_start_matches(['-', '*', '+'])
                .trim()
                .trim_end_matches('.')
        })
        .filter(|i| !i.is_empty())
        .collect();
    if items.len() < 4 || answer.contains(':') {
        return false;
    }
    let short = items.iter().filter(|i| i.split_whitespace().count() <= 3).count();
    let has_sentence = items.iter().any(|i| i.split_whitespace().count() >= 6);
    short * 10 >= items.len() * 9 && !has_sentence
}

/// Words of a prompt that ask for things named rather than explained: "What are the main
/// operations of a stack?", "Name two ...", "List the ...".
const LIST_REQUESTS: &[&[&str]] = &[
    &["name"],
    &["list"],
    &["enumerate"],
    &["what", "are"],
    &["what", "were"],
    &["which", "are"],
    &["which", "were"],
];

/// Whether a question's prompt asks to name or list things, so that a list is its answer.
pub fn prompt_asks_for_a_list(prompt: &str) -> bool {
    let words: Vec<String> = prompt
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    LIST_REQUESTS.iter().any(|request| {
        words
            .windows(request.len())
            .any(|w| w.iter().zip(request.iter()).all(|(a, b)| a == b))
    })
}

#[cfg(test)]
mod tests {
    use super::{is_keyword_list, prompt_asks_for_a_list};

    #[test]
    fn prompts_that_ask_for_names_are_list_requests() {
        assert!(prompt_asks_for_a_list(
            "What are the two main functions defined by a stack?"
        ));
        assert!(prompt_asks_for_a_list("Name the operations of a queue."));
        assert!(prompt_asks_for_a_list("List three conditions for deadlock."));
        assert!(!prompt_asks_for_a_list(
            "Describe one way to pretrain the LSTM encoder."
        ));
        assert!(!prompt_asks_for_a_list(
            "Why is masking only used in pretraining?"
        ));
        assert!(!prompt_asks_for_a_list("Rename the file: why does it fail?"));
    }

    #[test]
    fn bare_term_lists_are_keyword_lists() {
        assert!(is_keyword_list(
            "autoencoder, pretraining, unpaired data, LSTM, reconstruction, encoder weights, finetune"
        ));
        assert!(is_keyword_list("- MLM\n- span corruption\n- next token\n- CLS"));
    }

    #[test]
    fn a_sentence_that_only_announces_terms_is_a_keyword_list() {
        assert!(is_keyword_list(
            "The key ideas here are masking and reconstruction and the encoder and pretext tasks and CLS."
        ));
        assert!(is_keyword_list(
            "Main keywords are: MLM, span corruption, next token and CLS"
        ));
        assert!(!is_keyword_list(
            "The key idea is that the encoder sees the whole image, so masking is only for pretraining."
        ));
    }

    #[test]
    fn sentences_and_labelled_answers_are_not() {
        assert!(!is_keyword_list(
            "BERT: MLM. T5: span corruption. GPT: next token, autoregressive."
        ));
        assert!(!is_keyword_list(
            "No, because the input cannot see the prompt, which comes later."
        ));
        assert!(!is_keyword_list("soft prompting, cheap, works"));
    }
}
