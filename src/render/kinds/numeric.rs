//! The report's layout of a numeric outcome (a price, a waiting time): each group's
//! distribution, the differences and ratios of means and medians with their intervals, the
//! standardized mean difference, the Kolmogorov–Smirnov statistic and Welch's test; the
//! distribution chart, and with controls the chart of the gaps at equal controls.

use super::{Chart, Column, KindLayout, SetTable, TestField};
use crate::results::{AttributeSetResult, AuditResults};

/// A numeric outcome's layout.
pub struct Numeric;

const GROUP_COLUMNS: &[Column] = &[
    Column::Rate("group_share"),
    Column::Rate("mean"),
    Column::Rate("std"),
    Column::Rate("min"),
    Column::Rate("p10"),
    Column::Rate("p25"),
    Column::Rate("median"),
    Column::Rate("p75"),
    Column::Rate("p90"),
    Column::Rate("max"),
    Column::RateBounds("mean"),
    Column::Vs("mean_difference"),
    Column::VsBounds("mean_difference"),
    Column::Vs("median_difference"),
    Column::VsBounds("median_difference"),
    Column::Vs("mean_ratio"),
    Column::Vs("median_ratio"),
    Column::Vs("standardized_mean_difference"),
    Column::Vs("ks_statistic"),
    Column::Vs("ks_p_value"),
    Column::Test("mean", TestField::T),
    Column::Test("mean", TestField::Df),
    Column::Test("mean", TestField::PAdjusted),
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
}
