//! What the report shows of each kind of outcome: the columns of a set's group table, the set's
//! other tables, and its charts. Each kind is a module implementing [`KindLayout`]; the formats
//! ask [`layout`] for the audit's and never branch on the kind themselves.

mod binary;
mod numeric;

use crate::metric::{Metric, Tested, Versus};
use crate::results::{AttributeSetResult, AuditResults, GroupMeasures};
use crate::spec::OutcomeKind;

/// A column of a group table (after the group's values, whether it is the reference, and n),
/// by what it reads from the group's measures.
#[derive(Debug, Clone, Copy)]
pub enum Column {
    /// A rate or statistic of the group (`rates`).
    Rate(Metric),
    /// The interval of a rate: two columns, `<name>_low` and `<name>_high`.
    RateBounds(Metric),
    /// A comparison with the reference (`vs_reference.values`).
    Vs(Versus),
    /// The interval of a comparison: `<name>_low` and `<name>_high`.
    VsBounds(Versus),
    /// A field of a test against the reference (`vs_reference.tests`): the test and the field.
    Test(Tested, TestField),
    /// The verdict's state.
    Verdict,
    /// The verdict's reason.
    Reason,
}

/// The field of a test a [`Column::Test`] shows.
#[derive(Debug, Clone, Copy)]
pub enum TestField {
    /// The z statistic.
    Z,
    /// The t statistic.
    T,
    /// Degrees of freedom.
    Df,
    /// The adjusted p-value.
    PAdjusted,
}

/// A set's table after its group table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SetTable {
    /// The error rates per group and their comparisons (with a label).
    ErrorRates,
    /// The between-groups summaries with their intervals.
    BetweenGroups,
}

/// A chart of an attribute set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Chart {
    /// A numeric outcome's distribution per group.
    Distribution,
    /// A numeric outcome's gap to the reference, raw and at equal controls.
    Adjusted,
    /// The selection rate per group.
    Selection,
    /// The ratio to the reference, log scale.
    Ratio,
    /// The error rates per group.
    ErrorRates,
    /// The selection rate of two attributes' intersections.
    Heatmap,
    /// Each group's rate per period.
    TrendRate,
    /// Each group against the reference per period.
    TrendRatio,
    /// Each group's ROC curve (a score audit with a label).
    Roc,
    /// The reliability diagram (a score audit with a label).
    Reliability,
    /// Each group's impact ratio at every threshold (a score audit).
    ThresholdSweep,
    /// Each option's agreement with today against its lowest impact ratio (remedies).
    Frontier,
}

/// What the report shows of one kind of outcome.
pub trait KindLayout: Sync {
    /// The columns of a set's group table, after its values, the reference flag and n.
    fn group_columns(&self) -> &'static [Column];
    /// The set's tables after its group table.
    fn set_tables(&self, results: &AuditResults) -> Vec<SetTable>;
    /// The set's charts of this kind, in the report's order (the trend charts follow for every
    /// kind); the first is the one the findings embed.
    fn charts(&self, results: &AuditResults, set: &AttributeSetResult) -> Vec<Chart>;
    /// What the audit's column holds, for the report's first sentence: `decision`, `outcome`.
    fn noun(&self) -> &'static str;
    /// A value of the judged metric as the report writes it (`42.0%`, `37.38`).
    fn value_text(&self, v: Option<f64>) -> String;
    /// A change of the judged metric (`+5.0 pts`, `+4.74`).
    fn change_text(&self, v: Option<f64>) -> String;
    /// The smallest gap a group's size could show on the measure judged by `versus` (the
    /// selection rate's or the error rate's ratio; a mean's SMD), from its comparison with the
    /// reference: `a ratio below 0.40`, `a standardized mean difference beyond ±0.52`.
    fn detectable_text(
        &self,
        results: &AuditResults,
        m: &GroupMeasures,
        errors: bool,
    ) -> Option<String>;
}

/// The layout of the audit's kind of outcome.
pub fn layout(results: &AuditResults) -> &'static dyn KindLayout {
    match results.audit.outcome_kind() {
        OutcomeKind::Binary => &binary::Binary,
        OutcomeKind::Continuous => &numeric::Numeric,
    }
}

impl Column {
    /// The column's headers (two for an interval).
    pub fn headers(self) -> Vec<String> {
        match self {
            Column::Rate(metric) => vec![metric.name().to_string()],
            Column::Vs(versus) => vec![versus.name().into_owned()],
            Column::RateBounds(metric) => bounds(metric.name()),
            Column::VsBounds(versus) => bounds(&versus.name()),
            Column::Test(_, field) => vec![match field {
                TestField::Z => "z",
                TestField::T => "t",
                TestField::Df => "df",
                TestField::PAdjusted => "p_adjusted",
            }
            .to_string()],
            Column::Verdict => vec!["verdict".to_string()],
            Column::Reason => vec!["reason".to_string()],
        }
    }
}

/// The two headers of an interval's columns.
fn bounds(name: &str) -> Vec<String> {
    vec![format!("{name}_low"), format!("{name}_high")]
}
