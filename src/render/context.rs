//! What the outputs need besides the results: the effective configuration, the input files, the
//! pinned timestamp, follow-up of earlier findings and the privacy settings.

use serde::{Deserialize, Serialize};

/// An input file of the run, as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// The path as given.
    pub path: String,
    /// What it is: `decision log`, `config`, `findings`.
    pub role: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
}

/// An earlier finding and what was done about it (`--findings findings.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// The finding, in words.
    pub finding: String,
    /// Who owns the action.
    pub owner: String,
    /// What is being done.
    pub action: String,
    /// When it is due (as written).
    pub due: String,
    /// Where it stands: open, in progress, done, ...
    pub status: String,
    /// The group it is about, as `--reference` names one (`race=African-American`,
    /// `race,sex=Black,Female`): the decision sheet shows its owner and due date beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The option adopted, as "What could be done instead" names it (`drop postcode_area`):
    /// the next audit's report says whether the group's gap has closed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy: Option<String>,
}

impl FollowUp {
    /// Whether the finding is about the group with `values` of the attribute set `attributes`.
    pub fn concerns(
        &self,
        attributes: &[String],
        values: &indexmap::IndexMap<String, String>,
    ) -> bool {
        let Some((names, named)) = self.group.as_deref().and_then(|g| g.split_once('=')) else {
            return false;
        };
        let names: Vec<&str> = names.split(',').map(str::trim).collect();
        let named: Vec<&str> = named.split(',').map(str::trim).collect();
        names.len() == attributes.len()
            && names.len() == named.len()
            && attributes.iter().zip(&names).all(|(a, n)| a == n)
            && names
                .iter()
                .zip(&named)
                .all(|(n, v)| values.get(*n).is_some_and(|x| x == v))
    }
}

/// The `--findings` file: a list of `[[finding]]` tables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingsFile {
    /// The findings.
    #[serde(default)]
    pub finding: Vec<FollowUp>,
}

/// Plain names for the report's sentences and charts (`[labels]` in the config): the decision,
/// who the people are, and each attribute (any other key, e.g. `age_band = "age band"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    /// The decision as people read it after a plural subject, in the past tense: "received a
    /// discount offer", "were rated high risk".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// Who the people in the log are: "customers", "defendants".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<String>,
    /// What a positive true outcome (label) means, after "who": "would have redeemed the offer".
    #[serde(
        default,
        rename = "positive-outcome",
        skip_serializing_if = "Option::is_none"
    )]
    pub positive_outcome: Option<String>,
    /// What a negative true outcome means, after "who": "did not reoffend within two years".
    #[serde(
        default,
        rename = "negative-outcome",
        skip_serializing_if = "Option::is_none"
    )]
    pub negative_outcome: Option<String>,
    /// The unit of a numeric outcome (`EUR`, `hours`): the sentences' amounts carry it, the
    /// tables and charts name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Plain names of attributes, by column name.
    #[serde(flatten)]
    pub attributes: indexmap::IndexMap<String, String>,
}

impl Labels {
    /// Whether no plain name was given.
    pub fn is_empty(&self) -> bool {
        *self == Labels::default()
    }
}

/// How often the audit runs, which decides the next step the report suggests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cadence {
    /// Every month (marketing targeting).
    #[default]
    Monthly,
    /// Every quarter.
    Quarterly,
    /// Every year.
    Yearly,
    /// A one-off review of past decisions (historical data).
    Once,
}

impl Cadence {
    /// When the next audit is, in words: `next month`; `None` for a one-off review.
    pub fn next(self) -> Option<&'static str> {
        match self {
            Cadence::Monthly => Some("next month"),
            Cadence::Quarterly => Some("next quarter"),
            Cadence::Yearly => Some("next year"),
            Cadence::Once => None,
        }
    }
}

/// Privacy settings of the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Privacy {
    /// Counts below this are shown as `<N` in the report and tables.
    pub min_cell: f64,
    /// Whether `results.json` drops them too (as `null`).
    pub suppress_json: bool,
}

impl Default for Privacy {
    fn default() -> Self {
        Self {
            min_cell: 5.0,
            suppress_json: false,
        }
    }
}

/// Everything the renderers need besides the results.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunContext {
    /// The full effective configuration.
    pub configuration: serde_json::Value,
    /// When the run happened (RFC 3339, UTC), pinned by `--timestamp` or `SOURCE_DATE_EPOCH`.
    pub timestamp: String,
    /// Every input file.
    pub inputs: Vec<InputFile>,
    /// Follow-up of earlier findings.
    pub follow_up: Vec<FollowUp>,
    /// Privacy settings.
    pub privacy: Privacy,
    /// The decision system audited, in words.
    pub system: Option<String>,
    /// What the label is and why error rates on it mean something, in words.
    pub label_means: Option<String>,
    /// The period the log covers, in words.
    pub period: Option<String>,
    /// Plain names for sentences and charts.
    pub labels: Labels,
    /// How often the audit runs.
    pub cadence: Cadence,
    /// With `--baseline`: what changed since the last audit.
    pub baseline: Option<crate::results::changes::Changes>,
}

impl RunContext {
    /// A group's count for people (`<5` when suppressed or below the minimum cell size).
    pub fn count_of(&self, count: crate::results::Count) -> String {
        match count {
            crate::results::Count::Value(x) => self.count(x),
            crate::results::Count::Suppressed => format!("<{}", self.privacy.min_cell),
        }
    }

    /// A count for people in the report: as [`RunContext::count`], whole numbers with thousands
    /// separators (`12,000`).
    pub fn people(&self, x: f64) -> String {
        let shown = self.count(x);
        if x >= self.privacy.min_cell && x.fract() == 0.0 {
            super::text::thousands(x)
        } else {
            shown
        }
    }

    /// A group's count for people in the report (`<5` when suppressed).
    pub fn people_of(&self, count: crate::results::Count) -> String {
        match count {
            crate::results::Count::Value(x) => self.people(x),
            crate::results::Count::Suppressed => self.count_of(count),
        }
    }

    /// A count for people: `<5` below the minimum cell size, whole numbers without decimals,
    /// weighted sums with one.
    pub fn count(&self, x: f64) -> String {
        if x > 0.0 && x < self.privacy.min_cell {
            format!("<{}", self.privacy.min_cell)
        } else if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        }
    }
}

/// The run's timestamp: `--timestamp` (RFC 3339 or seconds since 1970), else
/// `SOURCE_DATE_EPOCH`, else now; always printed as RFC 3339 UTC.
pub fn timestamp(given: Option<&str>) -> Result<String, String> {
    use chrono::{DateTime, SecondsFormat, Utc};
    let from_text = |text: &str, what: &str| -> Result<DateTime<Utc>, String> {
        if let Ok(secs) = text.trim().parse::<i64>() {
            return DateTime::from_timestamp(secs, 0)
                .ok_or_else(|| format!("{what} {text:?}: out of range"));
        }
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| format!("{what} {text:?}: expected RFC 3339 (2026-11-01T00:00:00Z) or seconds since 1970"))
    };
    let time = match (given, std::env::var("SOURCE_DATE_EPOCH").ok()) {
        (Some(t), _) => from_text(t, "--timestamp")?,
        (None, Some(epoch)) => from_text(&epoch, "SOURCE_DATE_EPOCH")?,
        (None, None) => Utc::now(),
    };
    Ok(time.to_rfc3339_opts(SecondsFormat::Secs, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_accept_rfc3339_and_epoch_seconds() {
        assert_eq!(timestamp(Some("0")).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(
            timestamp(Some("1700000000")).unwrap(),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            timestamp(Some("2026-11-01T01:00:00+01:00")).unwrap(),
            "2026-11-01T00:00:00Z"
        );
        assert!(timestamp(Some("yesterday")).is_err());
    }

    #[test]
    fn small_counts_are_suppressed_for_people() {
        let ctx = RunContext::default();
        assert_eq!(ctx.count(3.0), "<5");
        assert_eq!(ctx.count(0.0), "0");
        assert_eq!(ctx.count(5.0), "5");
        assert_eq!(ctx.count(12.25), "12.2");
    }
}
