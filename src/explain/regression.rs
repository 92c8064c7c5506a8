//! What drives a numeric outcome (a price, a waiting time): the least-squares regression of the
//! outcome on the model columns, with HC1 intervals (solved by the audit's own OLS, one cell per
//! row), and a shallow regression tree; both measured by their hold-out R², and each feature's
//! permutation importance in both.

use super::design::Design;
use super::drivers::{importance, rows_of, Split};
use super::regression_tree::RegressionTree;
use super::tree::phrases;
use crate::results::explain::{
    Coefficient, FeatureImportance, LinearModel, RegressionRule, RegressionTreeModel,
};
use crate::stats::ols::{self, DesignCell, OlsError};
use crate::stats::z_for;
use ndarray::{Array2, ArrayView2};

/// The fitted models of a numeric outcome.
pub struct Regression {
    /// The linear model, as reported.
    pub linear: LinearModel,
    /// The regression tree, as reported.
    pub tree: RegressionTreeModel,
    /// Per feature, the importance in both models.
    pub importance: Vec<FeatureImportance>,
}

/// The share of `y`'s spread around its mean that `predicted` gets right.
fn r2(predicted: &[f64], y: &[f64]) -> f64 {
    let mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
    let total: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let residual: f64 = predicted.iter().zip(y).map(|(p, v)| (v - p).powi(2)).sum();
    if total > 0.0 {
        1.0 - residual / total
    } else {
        0.0
    }
}

/// Fits both models of `y` on `design`. Fails with the index of a model column the others
/// determine.
pub fn regression(
    design: &Design,
    features: &[String],
    y: &[f64],
    split: &Split,
    (depth, confidence, seed): (usize, f64, u64),
) -> Result<Regression, OlsError> {
    let x = design.x.view();
    let (xt, xh) = (rows_of(x, &split.training), rows_of(x, &split.holdout));
    let pick = |rows: &[usize]| -> Vec<f64> { rows.iter().map(|&i| y[i]).collect() };
    let (yt, yh) = (pick(&split.training), pick(&split.holdout));
    let cells: Vec<DesignCell> = xt
        .rows()
        .into_iter()
        .zip(&yt)
        .map(|(row, &v)| DesignCell {
            x: std::iter::once(1.0).chain(row.iter().copied()).collect(),
            n: 1.0,
            mean: v,
            m2: 0.0,
        })
        .collect();
    // The intercept is regressor 0: a collinear column is one past its index.
    let fit = ols::fit(&cells).map_err(|e| match e {
        OlsError::Collinear { index } => OlsError::Collinear {
            index: index.saturating_sub(1),
        },
        other => other,
    })?;
    let predict = |m: &Array2<f64>| -> Vec<f64> {
        m.rows()
            .into_iter()
            .map(|row| {
                fit.beta[0]
                    + row
                        .iter()
                        .zip(&fit.beta[1..])
                        .map(|(a, b)| a * b)
                        .sum::<f64>()
            })
            .collect()
    };
    let z = z_for(confidence);
    let linear = LinearModel {
        intercept: fit.beta[0],
        coefficients: design
            .columns
            .iter()
            .enumerate()
            .map(|(j, c)| Coefficient {
                feature: c.feature.clone(),
                kind: c.kind.clone(),
                level: c.level.clone(),
                coefficient: fit.beta[j + 1],
                odds_ratio: None,
                ci: [
                    fit.beta[j + 1] - z * fit.se[j + 1],
                    fit.beta[j + 1] + z * fit.se[j + 1],
                ],
            })
            .collect(),
        r2: r2(&predict(&xh), &yh),
    };
    let tree = RegressionTree::fit(xt.view(), &yt, depth);
    let tree_predict =
        |m: &Array2<f64>| -> Vec<f64> { m.rows().into_iter().map(|r| tree.predict(r)).collect() };
    let tree_model = RegressionTreeModel {
        depth,
        rules: rules(&tree, design, xt.view()),
        r2: r2(&tree_predict(&xh), &yh),
    };
    let base = (linear.r2, tree_model.r2);
    let importance = importance(design, features, (&xh, seed), base, &|shuffled| {
        (
            r2(&predict(shuffled), &yh),
            r2(&tree_predict(shuffled), &yh),
        )
    });
    Ok(Regression {
        linear,
        tree: tree_model,
        importance,
    })
}

/// The regression tree's leaves as rules, with the training rows that reach each.
fn rules(tree: &RegressionTree, design: &Design, x: ArrayView2<f64>) -> Vec<RegressionRule> {
    let mut reached = vec![0usize; tree.leaves.len()];
    for row in x.rows() {
        if let Some(leaf) = tree
            .leaves
            .iter()
            .position(|(conditions, _)| conditions.iter().all(|c| c.holds(row)))
        {
            reached[leaf] += 1;
        }
    }
    tree.leaves
        .iter()
        .zip(reached)
        .map(|((conditions, mean), rows)| RegressionRule {
            conditions: phrases(conditions, &design.columns),
            rows,
            mean: *mean,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::explain::EncodedColumn;

    #[test]
    fn the_linear_model_agrees_with_statsmodels() {
        // 300 fixed rows: x1 = (37i mod 101)/101 − 0.5, x2 = (53i mod 97)/97 − 0.5,
        // e = (61i mod 89)/89 − 0.5 and y = 1 + 2·x1 − 3·x2 + e·(1 + x1). statsmodels 0.15:
        // sm.OLS(y, sm.add_constant(np.column_stack([x1, x2]))).fit(cov_type="HC1").
        let n = 300;
        let x = Array2::from_shape_fn((n, 2), |(i, j)| match j {
            0 => ((i * 37) % 101) as f64 / 101.0 - 0.5,
            _ => ((i * 53) % 97) as f64 / 97.0 - 0.5,
        });
        let y: Vec<f64> = (0..n)
            .map(|i| {
                let e = ((i * 61) % 89) as f64 / 89.0 - 0.5;
                1.0 + 2.0 * x[(i, 0)] - 3.0 * x[(i, 1)] + e * (1.0 + x[(i, 0)])
            })
            .collect();
        let column = |name: &str| EncodedColumn {
            feature: name.into(),
            kind: "number".into(),
            level: None,
            mean: Some(0.0),
            std: Some(1.0),
        };
        let design = Design {
            x,
            columns: vec![column("x1"), column("x2")],
            feature_of: vec![0, 1],
        };
        let all: Vec<usize> = (0..n).collect();
        let split = Split {
            training: all.clone(),
            holdout: all,
        };
        let r = regression(
            &design,
            &["x1".into(), "x2".into()],
            &y,
            &split,
            (2, 0.95, 1),
        )
        .unwrap();
        let params = [0.9948761563604331, 1.9881444533000452, -2.980969366071377];
        let se = [
            0.017681509952864154,
            0.06330924834662174,
            0.0594660645137241,
        ];
        assert!((r.linear.intercept - params[0]).abs() < 1e-9);
        for (j, c) in r.linear.coefficients.iter().enumerate() {
            assert!((c.coefficient - params[j + 1]).abs() < 1e-9);
            let half = (c.ci[1] - c.ci[0]) / 2.0;
            assert!(
                (half - 1.959963984540054 * se[j + 1]).abs() < 1e-9,
                "{half}"
            );
        }
        assert!(r.linear.r2 > 0.9 && r.tree.r2 > 0.0);
        assert!(r.importance[1].logistic_share > r.importance[0].logistic_share);
    }
}
