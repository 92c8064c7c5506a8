//! A numeric outcome's gaps at equal legitimate factors (`--control`): the least-squares
//! regression of the outcome on the groups and the controls, from the strata's sums.

use crate::error::{AuditError, Result};
use crate::results::AdjustedGap;
use crate::spec::AuditSpec;
use crate::stats::ols::{self, CovariateCell, DesignCell, OlsError, Terms};
use crate::stats::{standard_normal, z_for};
use crate::tally::{ControlledCell, Covariates, SetTally};
use crate::value::{value_name, MISSING};
use indexmap::IndexMap;
use statrs::distribution::ContinuousCDF;

/// The smallest raw gap of means split into shares, as a share of the reference's mean: below
/// it a gap has no explained share (a share of next to nothing is noise).
pub const MIN_RAW_MEAN_GAP: f64 = 0.01;

/// Regressor names of the adjusted model, for errors: the intercept, one per compared group,
/// one per control level after the first (a covariate's only level is its missing values), then
/// one per covariate.
enum Column {
    Intercept,
    Group(usize),
    Level(usize, Option<String>),
    Covariate(usize),
}

/// The gap of each compared group after accounting for the controls: an OLS regression of the
/// outcome on an indicator per group (the reference left out), the controls' levels (the first
/// of each left out) and the covariates as numbers (with an indicator of their missing values),
/// fitted on the groups that are not excluded. Returns per group (by index) its adjusted gap.
pub fn adjusted_gaps(
    set: &SetTally,
    (cells, covariates): (&[ControlledCell], Option<&Covariates>),
    included: &[usize],
    reference: usize,
    spec: &AuditSpec,
) -> Result<IndexMap<usize, AdjustedGap>> {
    let covariate_names: Vec<&str> = covariates
        .map(|cv| cv.columns.iter().map(|(c, _)| c.as_str()).collect())
        .unwrap_or_default();
    let is_covariate = |j: usize| covariate_names.contains(&spec.controls[j].as_str());
    let position = |values: &[Option<String>]| set.groups.iter().position(|g| g.values == values);
    let compared: Vec<usize> = included
        .iter()
        .copied()
        .filter(|&i| i != reference)
        .collect();
    let used: Vec<(&ControlledCell, usize)> = cells
        .iter()
        .filter_map(|c| Some((c, position(&c.group)?)))
        .filter(|(_, g)| included.contains(g))
        .collect();
    let mut levels: Vec<Vec<Option<String>>> = vec![Vec::new(); spec.controls.len()];
    for (c, _) in &used {
        for (j, level) in c.levels.iter().enumerate() {
            if !levels[j].contains(level) {
                levels[j].push(level.clone());
            }
        }
    }
    let unusable = |j: usize, problem: String| AuditError::ControlUnusable {
        path: spec.data.clone(),
        column: spec.controls[j].clone(),
        problem,
    };
    for (j, l) in levels.iter_mut().enumerate() {
        l.sort_by(|a, b| (a.is_none(), a).cmp(&(b.is_none(), b)));
        if l.len() < 2 && !is_covariate(j) {
            let only = l
                .first()
                .map_or(MISSING.to_string(), |v| value_name(v).to_string());
            return Err(unusable(
                j,
                format!("takes one value ({only}) in every row compared, so it explains nothing; drop it"),
            ));
        }
    }
    let mut columns = vec![Column::Intercept];
    columns.extend(compared.iter().map(|&g| Column::Group(g)));
    for (j, l) in levels.iter().enumerate() {
        columns.extend(l.iter().skip(1).map(|v| Column::Level(j, v.clone())));
    }
    let shared = columns.len();
    columns.extend(
        covariate_names
            .iter()
            .filter_map(|c| spec.controls.iter().position(|k| k == c))
            .map(Column::Covariate),
    );
    let indicators = |(c, g): &(&ControlledCell, usize)| -> Vec<f64> {
        columns[..shared]
            .iter()
            .map(|column| match column {
                Column::Intercept => 1.0,
                Column::Group(k) => f64::from(u8::from(k == g)),
                Column::Level(j, v) => f64::from(u8::from(&c.levels[*j] == v)),
                Column::Covariate(_) => 0.0,
            })
            .collect()
    };
    // The covariate sums are on the outcome's [−1, 1] scale: the coefficients come back in the
    // outcome's units.
    let (fitted, unit) = match covariates {
        Some(cv) => {
            let terms = Terms::new(cv.columns.len());
            let design: Vec<CovariateCell> = used
                .iter()
                .map(|cell| CovariateCell {
                    d: indicators(cell),
                    sums: cell.0.terms.clone(),
                    terms: &terms,
                })
                .collect();
            (ols::fit(&design), cv.outcome.half_range)
        }
        None => {
            let design: Vec<DesignCell> = used
                .iter()
                .map(|cell| DesignCell {
                    x: indicators(cell),
                    n: cell.0.moments.n,
                    mean: cell.0.moments.mean,
                    m2: cell.0.moments.m2,
                })
                .collect();
            (ols::fit(&design), 1.0)
        }
    };
    let fit = fitted.map_err(|e| match e {
        OlsError::Collinear { index } => match &columns[index] {
            Column::Level(j, v) => unusable(
                *j,
                format!(
                    "its value {} is determined by the other controls or the groups (collinear); merge or drop levels",
                    value_name(v)
                ),
            ),
            Column::Covariate(j) => unusable(
                *j,
                "its values are determined by the other controls or the groups (collinear); drop it"
                    .to_string(),
            ),
            _ => unusable(
                0,
                "the controls together determine a group (collinear); drop a control".to_string(),
            ),
        },
        OlsError::TooFewRows => unusable(0, "fewer rows than regressors".to_string()),
    })?;
    let z = z_for(spec.stats.confidence);
    let reference_mean = set_mean(&used, reference);
    Ok(compared
        .iter()
        .enumerate()
        .map(|(k, &g)| {
            let (estimate, se) = (fit.beta[k + 1] * unit, fit.se[k + 1] * unit);
            let p = if se > 0.0 {
                2.0 * standard_normal().cdf(-(estimate / se).abs())
            } else {
                1.0
            };
            let raw = set_mean(&used, g).zip(reference_mean).map(|(a, b)| a - b);
            (
                g,
                AdjustedGap {
                    estimate,
                    se,
                    ci: [estimate - z * se, estimate + z * se],
                    p,
                    p_adjusted: f64::NAN,
                    percent_of_reference: reference_mean
                        .filter(|m| *m != 0.0)
                        .map(|m| estimate / m),
                    residual_smd: estimate / (fit.residual_sd * unit),
                    residual_sd: fit.residual_sd * unit,
                    explained_share: raw
                        .filter(|r| {
                            reference_mean.is_some_and(|m| r.abs() >= MIN_RAW_MEAN_GAP * m.abs())
                        })
                        .map(|r| 1.0 - estimate / r),
                },
            )
        })
        .collect())
}

/// The mean outcome of group `g` over its controlled cells.
fn set_mean(cells: &[(&ControlledCell, usize)], g: usize) -> Option<f64> {
    let (sum, n) = cells
        .iter()
        .filter(|(_, k)| *k == g)
        .fold((0.0, 0.0), |(s, n), (c, _)| {
            (s + c.moments.mean * c.moments.n, n + c.moments.n)
        });
    (n > 0.0).then(|| sum / n)
}
