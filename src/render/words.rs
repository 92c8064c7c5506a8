//! The words of the report's sentences and chart titles: the plain names of `[labels]` for the
//! decision, the people and each attribute, and names built from the columns when none is given.

use super::context::Labels;
use super::text::amount;
use super::RunContext;
use crate::results::{AttributeSetResult, AuditResults};
use crate::spec::Favorable;
use indexmap::IndexMap;

/// The words of one run's outputs.
pub struct Words<'a> {
    /// The results described.
    pub r: &'a AuditResults,
    labels: &'a Labels,
}

impl<'a> Words<'a> {
    /// The words for `r` with the run's labels.
    pub fn new(r: &'a AuditResults, ctx: &'a RunContext) -> Self {
        Words {
            r,
            labels: &ctx.labels,
        }
    }

    /// The decision as a column reads: `decile_score >= 5` or `offer_sent`.
    pub fn decision_column(&self) -> String {
        let a = &self.r.audit;
        match (&a.score, &a.outcome) {
            (Some(score), _) if a.score_rate.is_some() => {
                format!("{} > median ({})", score.column, score.threshold)
            }
            (Some(score), _) => format!("{} >= {}", score.column, score.threshold),
            (None, Some(outcome)) => match &a.positive {
                Some(p) => format!("{outcome} in {{{}}}", p.join(", ")),
                None => outcome.clone(),
            },
            (None, None) => String::new(),
        }
    }

    /// The decision after a plural subject: the label (`received a discount offer`), else
    /// `received the favourable decision (offer_sent)`.
    pub fn decision(&self) -> String {
        self.labels.decision.clone().unwrap_or_else(|| {
            let kind = match self.r.audit.favorable {
                Favorable::Positive => "favourable",
                Favorable::Negative => "adverse",
            };
            format!("received the {kind} decision ({})", self.decision_column())
        })
    }

    /// A numeric outcome's plain name: its label (`interest rate`), else its column.
    pub fn outcome(&self) -> String {
        self.attribute(self.r.audit.outcome.as_deref().unwrap_or_default())
    }

    /// An amount of the numeric outcome with its unit: `42.12 EUR`, or `42.12` without one.
    pub fn amount(&self, v: Option<f64>) -> String {
        self.with_unit(amount(v), v.is_some())
    }

    /// A difference of amounts, signed: `+2.42 hours`.
    pub fn change(&self, v: Option<f64>) -> String {
        let sign = if v.is_some_and(|v| v >= 0.0) { "+" } else { "" };
        self.with_unit(format!("{sign}{}", amount(v)), v.is_some())
    }

    /// The outcome's unit for a table's caption or a chart's axis: ` (in EUR)`, or nothing.
    pub fn in_unit(&self) -> String {
        self.labels
            .unit
            .as_deref()
            .map_or(String::new(), |u| format!(" (in {u})"))
    }

    fn with_unit(&self, text: String, known: bool) -> String {
        match &self.labels.unit {
            Some(unit) if known => format!("{text} {unit}"),
            _ => text,
        }
    }

    /// The controls in words: `risk tier and product`.
    pub fn controls(&self) -> String {
        let names: Vec<String> = self
            .r
            .audit
            .controls
            .iter()
            .map(|c| self.attribute(c))
            .collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// Who the people are: `customers`, by default `people`.
    pub fn people(&self) -> &str {
        self.labels.people.as_deref().unwrap_or("people")
    }

    /// An attribute's plain name: `age band` for `age_band` when labelled; the race estimated
    /// from names (`race_est`) is `estimated race` unless labelled.
    pub fn attribute(&self, column: &str) -> String {
        match self.labels.attributes.get(column) {
            Some(label) => label.clone(),
            None if column == crate::spec::RaceEstimate::ATTRIBUTE => "estimated race".into(),
            None => column.to_string(),
        }
    }

    /// An attribute set's name: `age band` or `ethnicity × sex`, and in a segment `ethnicity,
    /// within product basic`.
    pub fn set(&self, set: &AttributeSetResult) -> String {
        let name = set
            .attributes
            .iter()
            .map(|a| self.attribute(a))
            .collect::<Vec<_>>()
            .join(" × ");
        match self.within(set) {
            Some(within) => format!("{name}, within {within}"),
            None => name,
        }
    }

    /// A segment's name: `channel app` (`None` for the pooled analysis).
    pub fn within(&self, set: &AttributeSetResult) -> Option<String> {
        let segment = set.segment.as_ref()?;
        let names: Vec<String> = segment
            .iter()
            .map(|(c, v)| format!("{} {v}", self.attribute(c)))
            .collect();
        Some(names.join(" and "))
    }

    /// The people of a group: `customers with age band 65+`, `customers with ethnicity Black
    /// and sex Female`.
    pub fn group(&self, values: &IndexMap<String, String>) -> String {
        let each: Vec<String> = values
            .iter()
            .map(|(a, v)| format!("{} {v}", self.attribute(a)))
            .collect();
        format!("{} with {}", self.people(), each.join(" and "))
    }

    /// `people` (a phrase naming people) narrowed to those the judged error rate is about: for an
    /// adverse decision those whose true outcome was negative (`defendants … who did not reoffend
    /// within two years`), for a favourable one those whose true outcome was positive (`qualified
    /// customers …`).
    pub fn among_judged(&self, people: &str) -> String {
        match self.r.audit.favorable {
            Favorable::Negative => match &self.labels.negative_outcome {
                Some(who) => format!("{people} who {who}"),
                None => format!("{people} whose true outcome was negative"),
            },
            Favorable::Positive => match &self.labels.positive_outcome {
                Some(who) => format!("{people} who {who}"),
                None => format!("qualified {people} (true outcome positive)"),
            },
        }
    }

    /// What the label's positive value means, for people: `were charged with a new crime
    /// within two years` (`[labels] positive-outcome`), else `label two_year_recid positive`.
    pub fn label_positive(&self) -> String {
        match &self.labels.positive_outcome {
            Some(p) => p.clone(),
            None => format!(
                "label {} positive",
                self.r.audit.label.as_deref().unwrap_or("")
            ),
        }
    }

    /// The people a set is compared with: its reference group, or `customers overall`.
    pub fn reference(&self, set: &AttributeSetResult) -> String {
        match &set.reference {
            Some(values) => self.group(values),
            None => format!("{} overall", self.people()),
        }
    }
}

/// `Customers with …`: the first letter in upper case.
pub fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
