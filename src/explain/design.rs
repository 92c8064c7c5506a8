//! The features as model columns: a number standardized (with a column marking its missing
//! values, when it has any, where it is 0), a categorical feature one column per level against
//! its most frequent level (a missing value is the level `(missing)`; past the 30 most frequent
//! levels, the rest are `(other)`).

use super::sample::{Sample, Values};
use crate::results::explain::EncodedColumn;
use crate::value::MISSING;
use indexmap::IndexMap;
use ndarray::Array2;

/// Most levels of a categorical feature that get a column each.
pub const MAX_LEVELS: usize = 30;

/// The level that gathers the rarest levels.
pub const OTHER: &str = "(other)";

/// The model columns of a sample.
#[derive(Debug, Clone)]
pub struct Design {
    /// One row per sampled row, one column per encoded column.
    pub x: Array2<f64>,
    /// What each column is.
    pub columns: Vec<EncodedColumn>,
    /// The feature (its index in the sample) of each column.
    pub feature_of: Vec<usize>,
}

/// Why a feature cannot be encoded: its index and the problem in words.
pub type Unusable = (usize, String);

/// Encodes the sample's features.
pub fn encode(sample: &Sample) -> Result<Design, Unusable> {
    let n = sample.rows();
    let mut columns: Vec<(EncodedColumn, usize, Vec<f64>)> = Vec::new();
    for (f, (name, values)) in sample.features.iter().enumerate() {
        let column = |kind: &str, level: Option<String>| EncodedColumn {
            feature: name.clone(),
            kind: kind.to_string(),
            level,
            mean: None,
            std: None,
        };
        match values {
            Values::Numbers(x) => {
                let present: Vec<f64> = x.iter().flatten().copied().collect();
                let m = present.len() as f64;
                let mean = present.iter().sum::<f64>() / m;
                let var = present.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (m - 1.0);
                let std = var.sqrt();
                if std.is_nan() || std <= 0.0 {
                    return Err((
                        f,
                        "takes one value in every sampled row, so it explains nothing; drop it"
                            .into(),
                    ));
                }
                let mut encoded = column("number", None);
                (encoded.mean, encoded.std) = (Some(mean), Some(std));
                let z = x
                    .iter()
                    .map(|v| v.map_or(0.0, |v| (v - mean) / std))
                    .collect();
                columns.push((encoded, f, z));
                if present.len() < n {
                    let missing = x.iter().map(|v| f64::from(u8::from(v.is_none()))).collect();
                    columns.push((column("missing", None), f, missing));
                }
            }
            Values::Levels(x) => {
                let named = levels(x);
                if named.len() < 2 {
                    return Err((
                        f,
                        "takes one value in every sampled row, so it explains nothing; drop it"
                            .into(),
                    ));
                }
                let index = level_indices(x, &named);
                for (j, level) in named.iter().enumerate().skip(1) {
                    let indicator = index.iter().map(|&i| f64::from(u8::from(i == j))).collect();
                    columns.push((column("level", Some(level.clone())), f, indicator));
                }
            }
        }
    }
    let mut x = Array2::zeros((n, columns.len()));
    for (j, (_, _, values)) in columns.iter().enumerate() {
        for (i, v) in values.iter().enumerate() {
            x[(i, j)] = *v;
        }
    }
    Ok(Design {
        x,
        feature_of: columns.iter().map(|c| c.1).collect(),
        columns: columns.into_iter().map(|c| c.0).collect(),
    })
}

/// The levels of a categorical feature that get a name, most frequent first (ties by name),
/// `(other)` last when the rest are gathered.
pub fn levels(values: &[Option<String>]) -> Vec<String> {
    let mut counts: IndexMap<String, usize> = IndexMap::new();
    for v in values {
        *counts
            .entry(v.clone().unwrap_or_else(|| MISSING.to_string()))
            .or_default() += 1;
    }
    let mut sorted: Vec<(String, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut named: Vec<String> = sorted.into_iter().map(|(l, _)| l).collect();
    if named.len() > MAX_LEVELS {
        named.truncate(MAX_LEVELS - 1);
        named.push(OTHER.to_string());
    }
    named
}

/// The position in `named` of each value's level (a rare value is `(other)`, last).
pub fn level_indices(values: &[Option<String>], named: &[String]) -> Vec<usize> {
    let position: std::collections::HashMap<&str, usize> = named
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let other = named.len() - 1;
    values
        .iter()
        .map(|v| {
            position
                .get(v.as_deref().unwrap_or(MISSING))
                .copied()
                .unwrap_or(other)
        })
        .collect()
}
