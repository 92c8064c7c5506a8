//! Values as read from a decision log: how a missing value is named, and a value with the
//! number of rows holding it (for value lists in results and error messages).

use serde::{Deserialize, Serialize};

/// Label shown for a missing attribute value.
pub const MISSING: &str = "(missing)";

/// The display name of an attribute value (`None` is a missing value).
pub fn value_name(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or(MISSING)
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
