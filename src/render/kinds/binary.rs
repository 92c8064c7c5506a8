//! The report's layout of a yes/no decision: the selection rate with its ratio to the
//! reference and test, the error rates with a label, the between-groups summaries, and the
//! selection, ratio, error-rate and intersection charts.

use super::{Chart, Column, KindLayout, SetTable, TestField};
use crate::metric::{Metric, Tested, Versus};
use crate::render::text::{pct, points};
use crate::results::{AttributeSetResult, AuditResults, GroupMeasures};
use crate::spec::Favorable;

/// A yes/no decision's layout.
pub struct Binary;

const GROUP_COLUMNS: &[Column] = &[
    Column::Rate(Metric::GroupShare),
    Column::Rate(Metric::SelectionRate),
    Column::RateBounds(Metric::SelectionRate),
    Column::Vs(Versus::DisparateImpactRatio),
    Column::VsBounds(Versus::DisparateImpactRatio),
    Column::Vs(Versus::StatisticalParityDifference),
    Column::Test(Tested::Metric(Metric::SelectionRate), TestField::Z),
    Column::Test(Tested::Metric(Metric::SelectionRate), TestField::PAdjusted),
    Column::Verdict,
    Column::Reason,
];

impl KindLayout for Binary {
    fn group_columns(&self) -> &'static [Column] {
        GROUP_COLUMNS
    }

    fn set_tables(&self, results: &AuditResults) -> Vec<SetTable> {
        let mut tables = Vec::new();
        if results.audit.label.is_some() {
            tables.push(SetTable::ErrorRates);
        }
        tables.push(SetTable::BetweenGroups);
        tables
    }

    fn charts(&self, results: &AuditResults, set: &AttributeSetResult) -> Vec<Chart> {
        let mut charts = vec![Chart::Selection, Chart::Ratio];
        if results.audit.label.is_some() {
            charts.push(Chart::ErrorRates);
        }
        if set.attributes.len() == 2 {
            charts.push(Chart::Heatmap);
        }
        charts
    }

    fn noun(&self) -> &'static str {
        "decision"
    }

    fn value_text(&self, v: Option<f64>) -> String {
        pct(v)
    }

    fn change_text(&self, v: Option<f64>) -> String {
        points(v)
    }

    fn detectable_text(
        &self,
        results: &AuditResults,
        m: &GroupMeasures,
        errors: bool,
    ) -> Option<String> {
        let ratio = m.vs(if errors {
            Versus::DetectableErrorRatio
        } else {
            Versus::DetectableRatio
        })?;
        let side = match results.audit.favorable {
            Favorable::Positive => "below",
            Favorable::Negative => "above",
        };
        Some(format!("a ratio {side} {ratio:.2}"))
    }
}
