//! Values as read from a decision log: how a missing value is named, and a value with the
//! number of rows holding it (for value lists in results and error messages).

use serde::{Deserialize, Serialize};

/// Label shown for a missing attribute value.
pub const MISSING: &str = "(missing)";

/// How a value that is literally the text `(missing)` is shown, so it never merges with the
/// missing values' group.
pub const LITERAL_MISSING: &str = "\"(missing)\"";

/// The display name of an attribute value: `(missing)` for a missing value (null), and a value
/// that is the text `(missing)` itself in quotes.
pub fn value_name(value: &Option<String>) -> &str {
    match value.as_deref() {
        None => MISSING,
        Some(MISSING) => LITERAL_MISSING,
        Some(v) => v,
    }
}

/// Whether a character would corrupt an output or mislead a reader if written raw: control
/// characters (NUL, escape sequences, line breaks) and the bidirectional-text controls that
/// reorder what is displayed.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text from the data (a column name, a group's value) with its hidden characters written as
/// visible escapes (`\u{202e}`), for every output meant for people and every message.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(hidden) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if hidden(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A distinct value of a column and how many rows hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValueCount {
    /// The value as text.
    pub value: String,
    /// Rows holding it.
    pub count: u64,
}

/// Sorts values by count, most frequent first, then by value.
pub fn sort_by_count(values: &mut [ValueCount]) {
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
}

/// A few values with their counts, most frequent first: `"maybe" (12 rows), "2" (3 rows)`.
pub fn describe(values: &[ValueCount]) -> String {
    const SHOWN: usize = 5;
    let mut text: Vec<String> = values
        .iter()
        .take(SHOWN)
        .map(|v| format!("{:?} ({} rows)", v.value, v.count))
        .collect();
    if values.len() > SHOWN {
        text.push(format!("and {} more", values.len() - SHOWN));
    }
    text.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_become_visible_escapes() {
        assert_eq!(visible("plain, ünïcode"), "plain, ünïcode");
        assert_eq!(visible("a\0b"), "a\\u{0}b");
        assert_eq!(visible("\x1b[31mred"), "\\u{1b}[31mred");
        assert_eq!(visible("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(visible("two\nlines"), "two\\u{a}lines");
    }

    #[test]
    fn descriptions_list_five_values_then_count_the_rest() {
        let mut values: Vec<ValueCount> = (1..=7)
            .map(|i| ValueCount {
                value: format!("v{i}"),
                count: i,
            })
            .collect();
        sort_by_count(&mut values);
        assert_eq!(
            describe(&values),
            "\"v7\" (7 rows), \"v6\" (6 rows), \"v5\" (5 rows), \"v4\" (4 rows), \"v3\" (3 rows), and 2 more"
        );
    }
}
