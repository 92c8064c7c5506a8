//! Every table of the report as data, laid out once ([`tables`]) and written by each format:
//! `tables/*.csv` in [`super::csv`], `tables.xlsx` in [`super::xlsx`] (hyperfine's shared
//! markup habit). Counts below the minimum cell size are written as `<N`, as in the report;
//! numbers keep full precision.

use crate::metric::{Metric, Versus};
use crate::render::context::RunContext;
use crate::render::kinds::{self, Column, SetTable, TestField};
use crate::render::sections::headline::headlines;
use crate::render::text::{cell, file_safe};
use crate::render::words::Words;
use crate::results::{AttributeSetResult, AuditResults, GroupMeasures, GroupResult};

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
                    h.label(),
                    cell(&h.sentence),
                    h.next_step(ctx.cadence),
                ]
            })
            .collect(),
    )];
    let layout = kinds::layout(results);
    for (i, set) in results.attribute_sets.iter().enumerate() {
        let prefix = format!("{}_{}", i + 1, file_safe(&set.attributes.join("_x_")));
        files.push(groups_table(&prefix, set, layout.group_columns(), ctx));
        for t in layout.set_tables(results) {
            files.push(match t {
                SetTable::ErrorRates => error_rates_table(&prefix, set),
                SetTable::BetweenGroups => summary_table(&prefix, set),
            });
        }
        if !results.periods.is_empty() && set.segment.is_none() {
            files.push(trend_table(&prefix, results, set, ctx));
        }
        if set.score_audit.is_some() {
            files.extend(score_tables(&prefix, set, ctx));
        }
        if let Some(remedies) = results.remedies_of(set) {
            files.push(remedies_table(&prefix, set, remedies));
        }
    }
    files
}

/// Every option for a set, one row per option and group: the option's cost and disparity,
/// then the group's.
fn remedies_table(
    prefix: &str,
    set: &AttributeSetResult,
    remedies: &crate::results::remedies::Remedies,
) -> Table {
    let mut rows = Vec::new();
    for c in &remedies.candidates {
        for g in &c.groups {
            let mut row = vec![
                cell(&c.name),
                c.kind.clone(),
                num(c.setting),
                cell(&c.merged.join("; ")),
                c.agreement.to_string(),
                num(c.auc),
                c.selection_rate.to_string(),
                num(c.worst_ratio),
                c.passes.to_string(),
                c.frontier.to_string(),
                (remedies.best.as_ref() == Some(&c.name)).to_string(),
            ];
            row.extend(
                set.attributes
                    .iter()
                    .map(|a| cell(g.group.get(a).map_or("", String::as_str))),
            );
            row.extend([
                g.is_reference.to_string(),
                g.rows.to_string(),
                g.selection_rate.to_string(),
                num(g.impact_ratio),
            ]);
            row.extend(bounds(g.ci));
            row.extend([
                g.four_fifths.clone(),
                g.gains.to_string(),
                g.losses.to_string(),
                g.gains_in_log.to_string(),
                g.losses_in_log.to_string(),
            ]);
            rows.push(row);
        }
    }
    let mut header: Vec<String> = [
        "option",
        "kind",
        "setting",
        "merged",
        "agreement",
        "auc",
        "selection_rate",
        "worst_ratio",
        "passes",
        "frontier",
        "best",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(set.attributes.iter().map(|a| cell(a)));
    header.extend(
        [
            "is_reference",
            "holdout_rows",
            "group_selection_rate",
            "impact_ratio",
            "ci_low",
            "ci_high",
            "four_fifths",
            "gains",
            "losses",
            "gains_in_log",
            "losses_in_log",
        ]
        .iter()
        .map(|h| h.to_string()),
    );
    table(&format!("{prefix}_remedies"), &header, rows)
}

/// With a score audit: each group's ranking and calibration, its reliability table, and every
/// threshold of the sweep.
fn score_tables(prefix: &str, set: &AttributeSetResult, ctx: &RunContext) -> [Table; 3] {
    let (mut groups, mut bins, mut sweep) = (Vec::new(), Vec::new(), Vec::new());
    for g in &set.groups {
        let m = &g.measures;
        let Some(a) = &m.score_audit else { continue };
        let c = a.calibration.as_ref();
        let at_equal = c.and_then(|c| c.vs_reference.as_ref());
        let mut row = group_start(set, m, ctx);
        row.push(num(a.auc));
        row.extend(bounds(a.auc_ci));
        row.push(num(a.auc_test.map(|t| t.p_value)));
        row.push(num(a.abroca));
        row.push(num(at_equal.and_then(|e| e.ratio)));
        row.extend(bounds(at_equal.and_then(|e| e.ci)));
        row.push(num(at_equal.and_then(|e| e.p_value)));
        row.push(at_equal.map_or(String::new(), |e| e.verdict.name().to_string()));
        row.push(num(c.and_then(|c| c.in_the_large)));
        row.push(num(c.and_then(|c| c.ece)));
        row.push(num(c.and_then(|c| c.slope)));
        row.extend(bounds(c.and_then(|c| c.slope_ci)));
        row.push(num(c.and_then(|c| c.intercept)));
        groups.push(row);
        for b in c.map_or(&[][..], |c| c.bins.as_slice()) {
            let mut row = values(set, m);
            row.extend([b.scores[0].to_string(), b.scores[1].to_string()]);
            row.push(ctx.count_of(crate::results::Count::Value(b.n)));
            row.extend([num(b.mean_score), num(b.observed)]);
            row.extend(bounds(b.observed_ci));
            bins.push(row);
        }
    }
    if let Some(s) = &set.score_audit {
        for t in &s.thresholds {
            for (i, g) in set.groups.iter().enumerate() {
                if t.selection_rate[i].is_none() {
                    continue;
                }
                let mut row = vec![t.threshold.to_string()];
                row.extend(values(set, &g.measures));
                row.extend([&t.selection_rate, &t.tpr, &t.fpr, &t.impact_ratio].map(|v| num(v[i])));
                row.push(t.all_pass.to_string());
                sweep.push(row);
            }
        }
    }
    let groups_header = [
        "reference",
        "n",
        "auc",
        "auc_ci_low",
        "auc_ci_high",
        "auc_test_p",
        "abroca",
        "ratio_at_equal_score",
        "ratio_ci_low",
        "ratio_ci_high",
        "ratio_p",
        "calibration_verdict",
        "calibration_in_the_large",
        "ece",
        "slope",
        "slope_ci_low",
        "slope_ci_high",
        "intercept",
    ];
    let bins_header = [
        "score_from",
        "score_to",
        "n",
        "mean_score",
        "observed",
        "observed_ci_low",
        "observed_ci_high",
    ];
    let mut sweep_header = vec!["threshold".to_string()];
    sweep_header.extend(set.attributes.iter().map(|a| cell(a)));
    sweep_header
        .extend(["selection_rate", "tpr", "fpr", "impact_ratio", "all_pass"].map(str::to_string));
    [
        table(
            &format!("{prefix}_score"),
            &header(set, &groups_header),
            groups,
        ),
        table(
            &format!("{prefix}_reliability"),
            &header(set, &bins_header),
            bins,
        ),
        table(&format!("{prefix}_thresholds"), &sweep_header, sweep),
    ]
}

/// With `--date`, a pooled set's groups period by period: rows, the judged rate (a numeric
/// outcome: its mean), its ratio to the reference's and the verdict in that period, as the
/// report's Trend table and charts show them.
fn trend_table(
    prefix: &str,
    results: &AuditResults,
    set: &AttributeSetResult,
    ctx: &RunContext,
) -> Table {
    let kind = results.audit.outcome_kind();
    let (metric, ratio) = (kind.judged_metric(), kind.judged_ratio());
    let mut rows = Vec::new();
    for (p, period_set) in results.periods.iter().zip(results.period_sets(set)) {
        for g in period_set.iter().flat_map(|s| &s.groups) {
            let m = &g.measures;
            let mut row = vec![p.period.clone()];
            row.extend(group_start(set, m, ctx));
            row.extend([
                num(m.rate(metric)),
                num(m.vs(ratio)),
                g.state().name().to_string(),
            ]);
            rows.push(row);
        }
    }
    let mut names = vec!["period".to_string()];
    names.extend(set.attributes.iter().map(|a| cell(a)));
    names.extend(["reference", "n", metric.name(), &ratio.name(), "verdict"].map(str::to_string));
    table(&format!("{prefix}_trend"), &names, rows)
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

/// A set's groups: their values, whether each is the reference, its size, then the kind's
/// `columns`.
fn groups_table(
    prefix: &str,
    set: &AttributeSetResult,
    columns: &[Column],
    ctx: &RunContext,
) -> Table {
    let mut names = vec!["reference".to_string(), "n".to_string()];
    names.extend(columns.iter().flat_map(|c| c.headers()));
    let rows = set
        .groups
        .iter()
        .map(|g| {
            let mut row = group_start(set, &g.measures, ctx);
            row.extend(columns.iter().flat_map(|&c| column_cells(g, c)));
            row
        })
        .collect();
    table(&format!("{prefix}_groups"), &header(set, &names), rows)
}

/// A group's cells of one column (two for an interval).
fn column_cells(g: &GroupResult, column: Column) -> Vec<String> {
    let m = &g.measures;
    match column {
        Column::Rate(name) => vec![num(m.rate(name))],
        Column::RateBounds(name) => bounds(m.interval(name)).to_vec(),
        Column::Vs(name) => vec![num(m.vs(name))],
        Column::VsBounds(name) => bounds(m.vs_interval(name)).to_vec(),
        Column::Test(tested, field) => {
            let test = m.test(tested);
            vec![num(test.and_then(|t| match field {
                TestField::Z => t.z,
                TestField::T => t.t,
                TestField::Df => t.df,
                TestField::PAdjusted => Some(t.p_adjusted),
            }))]
        }
        Column::Verdict => vec![g.state().name().to_string()],
        Column::Reason => vec![cell(g.reason())],
    }
}

fn error_rates_table(prefix: &str, set: &AttributeSetResult) -> Table {
    const RATES: [Metric; 6] = [
        Metric::BaseRate,
        Metric::Tpr,
        Metric::Fpr,
        Metric::Fnr,
        Metric::Ppv,
        Metric::Npv,
    ];
    const VS: [Versus; 4] = [
        Versus::Ratio(Metric::Fpr),
        Versus::Ratio(Metric::Fnr),
        Versus::EqualOpportunityDifference,
        Versus::AverageOddsDifference,
    ];
    let names: Vec<String> = RATES
        .iter()
        .map(|r| r.name().to_string())
        .chain(VS.iter().map(|v| v.name().into_owned()))
        .collect();
    let header = header(set, &names);
    let rows = set
        .groups
        .iter()
        .map(|g| {
            let m = &g.measures;
            let mut row = values(set, m);
            row.extend(RATES.iter().map(|&r| num(m.rate(r))));
            row.extend(VS.iter().map(|&v| num(m.vs(v))));
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
fn header<C: AsRef<str>>(set: &AttributeSetResult, columns: &[C]) -> Vec<String> {
    set.attributes
        .iter()
        .map(|a| cell(a))
        .chain(columns.iter().map(|c| c.as_ref().to_string()))
        .collect()
}

fn table<H: AsRef<str>>(name: &str, header: &[H], rows: Vec<Vec<String>>) -> Table {
    Table {
        name: name.to_string(),
        header: header.iter().map(|h| h.as_ref().to_string()).collect(),
        rows,
    }
}
