//! Small text helpers shared by the human-readable formats: number formatting, escaping of
//! names that come from the data, and the words for each attribute set.

use crate::results::{AttributeSetResult, GroupMeasures, ReferenceUsed, VerdictState};
use crate::spec::Favorable;
use crate::value::visible;

/// A rate as a percentage with one decimal, or `n/a` when undefined.
pub fn pct(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{:.1}%", v * 100.0))
}

/// A ratio with two decimals, or `n/a`.
pub fn ratio(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.2}"))
}

/// A difference in percentage points with one decimal and a sign (`-10.6 pts`), or `n/a`; never
/// `pp`, which names the count of positive decisions.
pub fn points(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{:+.1} pts", v * 100.0))
}

/// A difference of rates between groups (never negative: highest − lowest) in percentage points
/// with its interval: `10.3 pts (7.1–12.3)`.
pub fn points_ci(v: Option<f64>, ci: Option<[f64; 2]>) -> String {
    match (v, ci) {
        (Some(v), Some([lo, hi])) => {
            format!("{:.1} pts ({:.1}–{:.1})", v * 100.0, lo * 100.0, hi * 100.0)
        }
        (Some(v), None) => format!("{:.1} pts", v * 100.0),
        (None, _) => "n/a".into(),
    }
}

/// An amount (a price, a time) with two decimals and thousands separators (`1,234.50`), or
/// `n/a`.
pub fn amount(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| {
        let cents = (v.abs() * 100.0).round();
        let whole = thousands((cents / 100.0).trunc());
        let sign = if v < 0.0 && cents > 0.0 { "-" } else { "" };
        format!("{sign}{whole}.{:02}", (cents % 100.0) as u64)
    })
}

/// A p-value as people read it: `p < 0.001` or `p = 0.042`.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {p:.3}")
    }
}

/// A whole number with thousands separators: `12,345`.
pub fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Escapes text from the data for a markdown table cell: no markup, no HTML, no column break,
/// no hidden characters, and no more escapes than needed, so the markdown reads as plain text
/// too (`decile_score >= 5`: an underscore inside a word and `>` inside a line are not markup).
pub fn md(s: &str) -> String {
    let s = visible(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let inside_word = |k: Option<usize>| {
            k.and_then(|k| chars.get(k))
                .is_some_and(|c| c.is_alphanumeric())
        };
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            '_' if inside_word(i.checked_sub(1)) && inside_word(Some(i + 1)) => out.push(c),
            '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text from the data as an inline code span (for names outside tables): code spans show their
/// content literally, so only backticks and hidden characters need neutralising.
pub fn code(s: &str) -> String {
    format!("`{}`", visible(s).replace('`', "'"))
}

/// Text from the data for a spreadsheet cell: hidden characters made visible, and a cell that a
/// spreadsheet would evaluate as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
/// return: OWASP's CSV-injection rule) prefixed with `'`, so it stays readable and inert.
pub fn cell(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let shown = visible(s);
    if formula {
        format!("'{shown}")
    } else {
        shown.into_owned()
    }
}

/// A group's name for people: `African-American` or `Female, 25 - 45`.
pub fn group_label(g: &GroupMeasures) -> String {
    g.values.values().cloned().collect::<Vec<_>>().join(", ")
}

/// A name safe in a file name: ASCII letters, digits, `-` and `_` only, and at most 80
/// characters (a longer name keeps its first 67 and a digest of the whole, so names stay
/// distinct and within the file system's limit).
pub fn file_safe(s: &str) -> String {
    let safe: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.len() <= 80 {
        return safe;
    }
    format!(
        "{}_{}",
        &safe[..67],
        &crate::hash::sha256_hex(s.as_bytes())[..12]
    )
}

/// How p-values were adjusted, in words.
pub fn adjustment_name(p: crate::stats::adjust::PAdjust) -> &'static str {
    match p {
        crate::stats::adjust::PAdjust::Holm => "Holm's method",
        crate::stats::adjust::PAdjust::Bh => "Benjamini-Hochberg",
        crate::stats::adjust::PAdjust::None => "no adjustment",
    }
}

/// How the set's reference was chosen, in words.
pub fn reference_text(set: &AttributeSetResult) -> String {
    let how = match set.reference_strategy {
        ReferenceUsed::Explicit => "chosen explicitly",
        ReferenceUsed::Largest => "the largest group",
        ReferenceUsed::Highest => "the group with the most favourable selection rate",
        ReferenceUsed::Attributes => "each attribute's reference",
        ReferenceUsed::Overall | ReferenceUsed::None => "",
    };
    let how = match &set.reference_note {
        Some(note) => format!("{how}, because {}", md(note)),
        None => how.to_string(),
    };
    match &set.reference {
        Some(values) => {
            let name: Vec<String> = values
                .iter()
                .map(|(k, v)| format!("{} = {}", md(k), md(v)))
                .collect();
            format!("{} ({how})", name.join(", "))
        }
        None => {
            "the whole population of the attribute set (every group compared with everyone)".into()
        }
    }
}

/// A verdict with its symbol.
pub fn verdict_text(v: VerdictState) -> &'static str {
    match v {
        VerdictState::Pass => "✔ pass",
        VerdictState::Inconclusive => "▲ inconclusive",
        VerdictState::Fail => "✖ **FAIL**",
        VerdictState::Excluded => "– excluded",
    }
}

/// An amount with its interval: `4.74 (3.90 to 5.61)`.
pub fn amount_ci(v: Option<f64>, ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) if v.is_some() => format!(
            "{} ({} to {})",
            amount(v),
            amount(Some(lo)),
            amount(Some(hi))
        ),
        _ => amount(v),
    }
}

/// `1.8 times as often as`, `only 80% as often as` (a disadvantage) or `90% as often as` (fewer
/// adverse decisions: "only" is kept for a disadvantage).
pub fn how_often(ratio: Option<f64>, favorable: Favorable) -> String {
    match ratio {
        Some(v) if (0.95..=1.05).contains(&v) => "about as often as".to_string(),
        Some(v) if v >= 1.0 => format!("{v:.1} times as often as"),
        Some(v) if favorable == Favorable::Positive => {
            format!("only {:.0}% as often as", v * 100.0)
        }
        Some(v) => format!("{:.0}% as often as", v * 100.0),
        None => "at a rate that cannot be compared with".to_string(),
    }
}

/// What share of the raw gap the controls account for, in words that hold outside 0–100%: `the
/// mix of channel accounts for 99% of the raw gap`; above 100%, more than the whole gap, the
/// direction reversing at equal controls; below 0%, none of it, the gap being larger at equal
/// controls. `what` names the part (`the mix of channel`, `the controls`).
pub fn share_of_gap(e: f64, what: &str, controls: &str) -> String {
    match e {
        e if e > 1.005 => format!(
            "{what} {} more than the whole raw gap ({:.0}%): at equal {controls} the direction reverses",
            accounts(what),
            e * 100.0
        ),
        e if e < -0.005 => format!(
            "{what} {} none of the raw gap: at equal {controls} it is {}larger ({:.0}%)",
            accounts(what),
            if e > -0.25 { "slightly " } else { "" },
            e * 100.0
        ),
        e => format!("{what} {} {:.0}% of the raw gap", accounts(what), e * 100.0),
    }
}

/// `account` for a plural part (`the controls`), `accounts` for one.
fn accounts(what: &str) -> &'static str {
    if what.starts_with("the controls") {
        "account for"
    } else {
        "accounts for"
    }
}

/// A period label as people read it: `2025-05` is `May 2025`; a week or quarter (`2025-W09`,
/// `2025-Q1`) stays as it is.
pub fn period_words(period: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match period.split_once('-') {
        Some((year, month)) if year.len() == 4 && month.len() == 2 => month
            .parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .map_or(period.to_string(), |name| format!("{name} {year}")),
        _ => period.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_neutralised() {
        assert_eq!(
            md("<script>alert(1)</script>"),
            "&lt;script>alert(1)&lt;/script>"
        );
        assert_eq!(md("a | b"), "a &#124; b");
        assert_eq!(md("**x**"), "\\*\\*x\\*\\*");
        assert_eq!(md("decile_score >= 5"), "decile_score >= 5");
        assert_eq!(md("_x_ a_"), "\\_x\\_ a\\_");
        assert_eq!(file_safe("../../etc/passwd"), "______etc_passwd");
        let long = file_safe(&"c".repeat(300));
        assert_eq!(long.len(), 80);
        assert_ne!(long, file_safe(&("c".repeat(299) + "d")));
        assert_eq!(md("a\0b\u{202e}"), "a\\\\u{0}b\\\\u{202e}");
        assert_eq!(code("x`\x1b[2J"), "`x'\\u{1b}[2J`");
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(cell("-1+2"), "'-1+2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\\u{9}x");
        assert_eq!(cell("Female"), "Female");
    }

    #[test]
    fn undefined_prints_na() {
        assert_eq!(pct(None), "n/a");
        assert_eq!(pct(Some(0.44847)), "44.8%");
        assert_eq!(ratio(Some(1.91209)), "1.91");
        assert_eq!(points(Some(-0.25)), "-25.0 pts");
    }

    #[test]
    fn a_share_outside_0_to_100_percent_is_said_in_words() {
        assert_eq!(
            share_of_gap(0.99, "the mix of channel", "channel"),
            "the mix of channel accounts for 99% of the raw gap"
        );
        assert_eq!(
            share_of_gap(1.25, "the mix of dept", "dept"),
            "the mix of dept accounts for more than the whole raw gap (125%): at equal dept the direction reverses"
        );
        assert_eq!(
            share_of_gap(-0.05, "the mix of channel", "channel"),
            "the mix of channel accounts for none of the raw gap: at equal channel it is slightly larger (-5%)"
        );
        assert_eq!(
            share_of_gap(-0.55, "the controls", "channel"),
            "the controls account for none of the raw gap: at equal channel it is larger (-55%)"
        );
    }

    #[test]
    fn a_month_reads_as_its_name_and_other_periods_stay() {
        assert_eq!(period_words("2025-05"), "May 2025");
        assert_eq!(period_words("2025-12"), "December 2025");
        for other in ["2025-W09", "2025-Q1", "2025-13", "May"] {
            assert_eq!(period_words(other), other);
        }
    }
}
