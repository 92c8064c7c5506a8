//! Every table of the report as data, laid out once ([`tables`]) and written by each format:
//! `tables/*.csv` here, `tables.xlsx` in [`super::xlsx`] (hyperfine's shared markup habit).
//! Counts below the minimum cell size are written as `<N`, as in the report; numbers keep full
//! precision.

use super::context::RunContext;
use super::headline::{headlines, status_label};
use super::text::{cell, file_safe};
use super::words::Words;
use super::{OutputFile, Renderer};
use crate::error::{AuditError, Result};
use crate::results::{AttributeSetResult, AuditResults, GroupMeasures};
use crate::spec::OutcomeKind;

/// One table: its name (`1_race_groups`), header and rows of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Name, unique in the run.
    pub name: String,
    /// Column names.
    pub header: Vec<String>,
    /// Rows, one text per column (numbers at full precision, empty where undefined).
    pub rows: Vec<Vec<String>>,
}

/// Renders the CSV tables under `tables/`.
pub struct Tables;

impl Renderer for Tables {
    fn render(&self, results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
        tables(results, ctx).iter().map(csv_file).collect()
    }
}

/// Every table of the report, in the report's order.
pub fn tables(results: &AuditResults, ctx: &RunContext) -> Vec<Table> {
    let mut files = vec![table(
        "executive_summary",
        &[
            "decision",
            "check",
            "attributes",
            "status",
            "finding",
            "next_step",
        ],
        headlines(&Words::new(results, ctx))
            .into_iter()
            .map(|h| {
                vec![
                    cell(&h.decision),
                    h.check.to_string(),
                    cell(&h.attributes),
                    status_label(h.status).to_string(),
                    cell(&h.sentence),
                    h.next_step(ctx.cadence),
                ]
            })
            .collect(),
    )];
    for (i, set) in results.attribute_sets.iter().enumerate() {
        let prefix = format!("{}_{}", i + 1, file_safe(&set.attributes.join("_x_")));
        if results.audit.kind == Some(OutcomeKind::Continuous) {
            files.push(distribution_table(&prefix, set, ctx));
            continue;
        }
        files.push(groups_table(&prefix, set, ctx));
        if results.audit.label.is_some() {
            files.push(error_rates_table(&prefix, set));
        }
        files.push(summary_table(&prefix, set));
    }
    files
}

fn num(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

fn bounds(ci: Option<[f64; 2]>) -> [String; 2] {
    ci.map_or([String::new(), String::new()], |[lo, hi]| {
        [lo.to_string(), hi.to_string()]
    })
}

fn values(set: &AttributeSetResult, g: &GroupMeasures) -> Vec<String> {
    set.attributes
        .iter()
        .map(|a| cell(g.values.get(a).map_or("", String::as_str)))
        .collect()
}

/// The first cells of a group's row: its values, whether it is the reference, its size.
fn group_start(set: &AttributeSetResult, m: &GroupMeasures, ctx: &RunContext) -> Vec<String> {
    let mut row = values(set, m);
    row.push(m.is_reference.to_string());
    row.push(ctx.count_of(m.counts.n));
    row
}

fn groups_table(prefix: &str, set: &AttributeSetResult, ctx: &RunContext) -> Table {
    let header = header(
        set,
        &[
            "reference",
            "n",
            "group_share",
            "selection_rate",
            "selection_rate_low",
            "selection_rate_high",
            "disparate_impact_ratio",
            "disparate_impact_ratio_low",
            "disparate_impact_ratio_high",
            "statistical_parity_difference",
            "z",
            "p_adjusted",
            "verdict",
            "reason",
        ],
    );
    let rows = set
        .groups
        .iter()
        .map(|g| {
            let m = &g.measures;
            let test = m.vs_reference.tests.get("selection_rate");
            let mut row = group_start(set, m, ctx);
            row.push(num(m.rate("group_share")));
            row.push(num(m.rate("selection_rate")));
            row.extend(bounds(m.interval("selection_rate")));
            row.push(num(m.vs("disparate_impact_ratio")));
            row.extend(bounds(m.vs_interval("disparate_impact_ratio")));
            row.push(num(m.vs("statistical_parity_difference")));
            row.push(num(test.and_then(|t| t.z)));
            row.push(num(test.map(|t| t.p_adjusted)));
            row.push(g.state().name().to_string());
            row.push(cell(g.reason()));
            row
        })
        .collect();
    table(&format!("{prefix}_groups"), &header, rows)
}

/// A numeric outcome's groups: distribution, comparison with the reference, test and verdict.
fn distribution_table(prefix: &str, set: &AttributeSetResult, ctx: &RunContext) -> Table {
    const STATISTICS: [&str; 10] = [
        "group_share",
        "mean",
        "std",
        "min",
        "p10",
        "p25",
        "median",
        "p75",
        "p90",
        "max",
    ];
    const VS: [&str; 3] = ["mean_ratio", "median_ratio", "standardized_mean_difference"];
    let mut columns = vec!["reference", "n"];
    columns.extend(STATISTICS);
    columns.extend([
        "mean_low",
        "mean_high",
        "mean_difference",
        "mean_difference_low",
    ]);
    columns.extend([
        "mean_difference_high",
        "median_difference",
        "median_difference_low",
    ]);
    columns.push("median_difference_high");
    columns.extend(VS);
    columns.extend([
        "ks_statistic",
        "ks_p_value",
        "t",
        "df",
        "p_adjusted",
        "verdict",
        "reason",
    ]);
    let rows = set
        .groups
        .iter()
        .map(|g| {
            let m = &g.measures;
            let test = m.vs_reference.tests.get("mean");
            let mut row = group_start(set, m, ctx);
            row.extend(STATISTICS.iter().map(|r| num(m.rate(r))));
            row.extend(bounds(m.interval("mean")));
            for name in ["mean_difference", "median_difference"] {
                row.push(num(m.vs(name)));
                row.extend(bounds(m.vs_interval(name)));
            }
            row.extend(VS.iter().map(|r| num(m.vs(r))));
            row.push(num(m.vs("ks_statistic")));
            row.push(num(m.vs("ks_p_value")));
            row.push(num(test.and_then(|t| t.t)));
            row.push(num(test.and_then(|t| t.df)));
            row.push(num(test.map(|t| t.p_adjusted)));
            row.push(g.state().name().to_string());
            row.push(cell(g.reason()));
            row
        })
        .collect();
    table(&format!("{prefix}_groups"), &header(set, &columns), rows)
}

fn error_rates_table(prefix: &str, set: &AttributeSetResult) -> Table {
    const RATES: [&str; 6] = ["base_rate", "tpr", "fpr", "fnr", "ppv", "npv"];
    const VS: [&str; 4] = [
        "fpr_ratio",
        "fnr_ratio",
        "equal_opportunity_difference",
        "average_odds_difference",
    ];
    let header = header(set, &[&RATES[..], &VS[..]].concat());
    let rows = set
        .groups
        .iter()
        .map(|g| {
            let m = &g.measures;
            let mut row = values(set, m);
            row.extend(RATES.iter().map(|r| num(m.rate(r))));
            row.extend(VS.iter().map(|r| num(m.vs(r))));
            row
        })
        .collect();
    table(&format!("{prefix}_error_rates"), &header, rows)
}

fn summary_table(prefix: &str, set: &AttributeSetResult) -> Table {
    let rows = set
        .summary
        .values
        .iter()
        .map(|(name, v)| {
            let [lo, hi] = bounds(set.summary.ci.get(name).copied().flatten());
            vec![name.clone(), num(*v), lo, hi]
        })
        .collect();
    table(
        &format!("{prefix}_between_groups"),
        &["metric", "value", "low", "high"],
        rows,
    )
}

/// A table's header: the set's attributes (as data), then `columns`.
fn header(set: &AttributeSetResult, columns: &[&str]) -> Vec<String> {
    set.attributes
        .iter()
        .map(|a| cell(a))
        .chain(columns.iter().map(|c| c.to_string()))
        .collect()
}

fn table<H: AsRef<str>>(name: &str, header: &[H], rows: Vec<Vec<String>>) -> Table {
    Table {
        name: name.to_string(),
        header: header.iter().map(|h| h.as_ref().to_string()).collect(),
        rows,
    }
}

/// A table as `tables/<name>.csv`.
fn csv_file(t: &Table) -> Result<OutputFile> {
    let name = format!("tables/{}.csv", t.name);
    let err = |e: &dyn std::fmt::Display| AuditError::render(&name, e);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&t.header).map_err(|e| err(&e))?;
    for row in &t.rows {
        w.write_record(row).map_err(|e| err(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| err(&e))?;
    Ok(OutputFile { name, bytes })
}
