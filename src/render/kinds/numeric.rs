//! The report's layout of a numeric outcome (a price, a waiting time): each group's
//! distribution, the differences and ratios of means and medians with their intervals, the
//! standardized mean difference, the Kolmogorov–Smirnov statistic and Welch's test; the
//! distribution chart, and with controls the chart of the gaps at equal controls.

use super::{Chart, Column, KindLayout, SetTable, TestField};
use crate::metric::{Metric, Tested, Versus};
use crate::render::text::{amount, points};
use crate::results::{AttributeSetResult, AuditResults, GroupMeasures};

/// A numeric outcome's layout.
pub struct Numeric;

const GROUP_COLUMNS: &[Column] = &[
    Column::Rate(Metric::GroupShare),
    Column::Rate(Metric::Mean),
    Column::Rate(Metric::Std),
    Column::Rate(Metric::Min),
    Column::Rate(Metric::P10),
    Column::Rate(Metric::P25),
    Column::Rate(Metric::Median),
    Column::Rate(Metric::P75),
    Column::Rate(Metric::P90),
    Column::Rate(Metric::Max),
    Column::RateBounds(Metric::Mean),
    Column::Vs(Versus::Difference(Metric::Mean)),
    Column::VsBounds(Versus::Difference(Metric::Mean)),
    Column::Vs(Versus::Difference(Metric::Median)),
    Column::VsBounds(Versus::Difference(Metric::Median)),
    Column::Vs(Versus::Ratio(Metric::Mean)),
    Column::Vs(Versus::Ratio(Metric::Median)),
    Column::Vs(Versus::StandardizedMeanDifference),
    Column::Vs(Versus::KsStatistic),
    Column::Vs(Versus::KsPValue),
    Column::Test(Tested::Metric(Metric::Mean), TestField::T),
    Column::Test(Tested::Metric(Metric::Mean), TestField::Df),
    Column::Test(Tested::Metric(Metric::Mean), TestField::PAdjusted),
    Column::Verdict,
    Column::Reason,
];

impl KindLayout for Numeric {
    fn group_columns(&self) -> &'static [Column] {
        GROUP_COLUMNS
    }

    fn set_tables(&self, _: &AuditResults) -> Vec<SetTable> {
        Vec::new()
    }

    fn charts(&self, results: &AuditResults, _: &AttributeSetResult) -> Vec<Chart> {
        let mut charts = vec![Chart::Distribution];
        if !results.audit.controls.is_empty() {
            charts.push(Chart::Adjusted);
        }
        charts
    }

    fn noun(&self) -> &'static str {
        "outcome"
    }

    fn value_text(&self, v: Option<f64>) -> String {
        amount(v)
    }

    fn detectable_text(&self, _: &AuditResults, m: &GroupMeasures, _: bool) -> Option<String> {
        let smd = m.vs(Versus::DetectableSmd)?;
        Some(format!("a standardized mean difference beyond ±{smd:.2}"))
    }

    fn change_text(&self, v: Option<f64>) -> String {
        match v {
            Some(v) => format!("{}{}", if v >= 0.0 { "+" } else { "" }, amount(Some(v))),
            None => points(None),
        }
    }
}
