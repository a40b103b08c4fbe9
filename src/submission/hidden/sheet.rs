//! The rules of a text's `<style>` sheets, so that `.h { display: none }` hides a `<span
//! class="h">` as it would in a browser. Only what decides visibility is kept, and selectors are
//! read loosely on purpose: a rule applies to every element matching the selector's last part
//! (`.x .h` to any `.h`), and `@media` blocks apply unconditionally. Pseudo-classes and
//! attribute selectors are skipped. Rules apply in the order written, before the inline style.

/// One rule: the compounds it selects and its declarations as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rule {
    selectors: Vec<Compound>,
    pub declarations: String,
}

/// `tag.class#id`, any part optional (`*` or nothing for any tag).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Compound {
    tag: Option<String>,
    classes: Vec<String>,
    id: Option<String>,
}

impl Rule {
    /// Whether the rule selects an element with this tag name, `class` and `id` attributes.
    pub(super) fn matches(&self, tag: &[u8], class: &str, id: &str) -> bool {
        self.selectors.iter().any(|c| {
            c.tag.as_ref().is_none_or(|t| t.as_bytes() == tag)
                && c.classes
                    .iter()
                    .all(|k| class.split_ascii_whitespace().any(|w| w == k))
                && c.id.as_ref().is_none_or(|i| i == id)
        })
    }
}

/// The rules of a style sheet's text.
pub(super) fn parse(css: &str) -> Vec<Rule> {
    let css = strip_comments(css);
    let mut rules = Vec::new();
    for chunk in css.split('}') {
        let Some((head, declarations)) = chunk.rsplit_once('{') else {
            continue;
        };
        // Inside `@media ... {`, the selector is what follows the last `{` or `;`.
        let head = head.rsplit(['{', ';']).next().unwrap_or(head).trim();
        if head.starts_with('@') || head.is_empty() {
            continue;
        }
        let selectors: Vec<Compound> = head.split(',').filter_map(compound).collect();
        if !selectors.is_empty() {
            rules.push(Rule {
                selectors,
                declarations: declarations.to_owned(),
            });
        }
    }
    rules
}

/// The last compound of a selector (`div > p.h` → `p.h`); `None` for what is not a plain one.
fn compound(selector: &str) -> Option<Compound> {
    let last = selector
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '>' | '+' | '~'))
        .find(|s| !s.is_empty())?;
    if last.contains([':', '[', '(']) {
        return None;
    }
    let mut compound = Compound::default();
    // Split before each `.` or `#`, keeping the marker.
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in last.char_indices() {
        if (c == '.' || c == '#') && i > start {
            parts.push(&last[start..i]);
            start = i;
        }
    }
    parts.push(&last[start..]);
    for part in parts {
        if let Some(class) = part.strip_prefix('.') {
            compound.classes.push(class.to_owned());
        } else if let Some(id) = part.strip_prefix('#') {
            compound.id = Some(id.to_owned());
        } else if part != "*" && !part.is_empty() {
            compound.tag = Some(part.to_ascii_lowercase());
        }
    }
    Some(compound)
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |end| &rest[start + 2 + end + 2..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_select_by_the_last_compound_of_each_selector() {
        let rules = parse("/* x */ .h, div > p.q { display:none } #i{color:white} @media screen { b.w { opacity: 0 } } a:hover { color: white }");
        assert_eq!(rules.len(), 3);
        assert!(rules[0].matches(b"span", "a h", ""));
        assert!(rules[0].matches(b"p", "q", ""));
        assert!(!rules[0].matches(b"div", "q", ""));
        assert!(rules[1].matches(b"div", "", "i"));
        assert!(rules[2].matches(b"b", "w", ""));
        assert!(!rules[2].matches(b"i", "w", ""));
        assert_eq!(rules[2].declarations.trim(), "opacity: 0");
    }
}
