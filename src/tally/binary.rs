//! How a value of an outcome or label column is read as a positive or negative decision.

/// Reads `value` as positive (`Some(true)`), negative (`Some(false)`) or unrecognised (`None`).
///
/// With `positive` values named, `value` is positive when it equals one of them (as text, or as
/// the same number: `1` matches `1.0`) and negative otherwise. Without, the column must be binary:
/// the numbers 1/0 (`1`, `1.0`, a decimal's `1.00`), `true`/`false` or `yes`/`no`,
/// case-insensitive.
pub fn classify(value: &str, positive: Option<&[String]>) -> Option<bool> {
    match positive {
        Some(list) => Some(list.iter().any(|p| same_value(p, value))),
        None => match value.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            number => match number.parse::<f64>() {
                Ok(1.0) => Some(true),
                Ok(0.0) => Some(false),
                _ => None,
            },
        },
    }
}

fn same_value(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_values_without_a_positive_list() {
        // A decimal column read as text by a warehouse (`CAST(1.00 AS VARCHAR)`) reads as its
        // number too.
        for v in ["1", "1.0", "1.00", "TRUE", "true", "Yes", "yes"] {
            assert_eq!(classify(v, None), Some(true), "{v}");
        }
        for v in ["0", "0.0", "0.00", "-0", "False", "NO", "no"] {
            assert_eq!(classify(v, None), Some(false), "{v}");
        }
        for v in ["2", "maybe", "", "0.5", "NaN", "inf"] {
            assert_eq!(classify(v, None), None, "{v}");
        }
    }

    #[test]
    fn positive_list_matches_text_or_number() {
        let pos = vec!["Medium".to_string(), "High".to_string(), "1".to_string()];
        assert_eq!(classify("High", Some(&pos)), Some(true));
        assert_eq!(classify("high", Some(&pos)), Some(false));
        assert_eq!(classify("Low", Some(&pos)), Some(false));
        assert_eq!(classify("1.0", Some(&pos)), Some(true));
    }
}
