//! The shallow decision tree of the decision (linfa-trees, Gini), read as if-then rules in the
//! features' own units. Both decisions weigh the same in the fit (each row by the inverse of its
//! decision's frequency), so a leaf predicts the positive decision where it is more frequent
//! than in the whole sample, and a rare decision still shapes the tree. A row goes left at a
//! split when its value is below the split value, as linfa's prediction does; the rules route
//! rows the same way, so they reproduce the tree.

use crate::results::explain::{EncodedColumn, TreeRule};
use linfa::prelude::*;
use linfa_trees::{DecisionTree, TreeNode};
use ndarray::{Array1, ArrayView1, ArrayView2};

/// A condition on one model column: `column < value` (or not).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    /// The model column.
    pub column: usize,
    /// The split value.
    pub value: f64,
    /// Whether the rule takes the rows below it (left).
    pub below: bool,
}

impl Condition {
    /// Whether a row meets it.
    pub fn holds(&self, row: ArrayView1<f64>) -> bool {
        (row[self.column] < self.value) == self.below
    }
}

/// A leaf as the conditions on the way to it and its prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// The conditions from the root.
    pub conditions: Vec<Condition>,
    /// Whether it predicts `true`.
    pub positive: bool,
}

/// A fitted tree and its leaves.
pub struct Tree {
    model: DecisionTree<f64, usize>,
    /// The leaves, left first.
    pub leaves: Vec<Leaf>,
}

impl Tree {
    /// Fits a tree of at most `depth` levels of `y` on `x`; a leaf keeps at least 0.5% of the
    /// weight (so that no rule speaks for a handful of people). `None` when it cannot be fitted.
    pub fn fit(x: ArrayView2<f64>, y: &[bool], depth: usize) -> Option<Tree> {
        let targets: Array1<usize> = y.iter().map(|&v| usize::from(v)).collect();
        let n = y.len() as f32;
        let trues = y.iter().filter(|&&v| v).count() as f32;
        if trues == 0.0 || trues == n {
            return None;
        }
        let weights: Array1<f32> = y
            .iter()
            .map(|&v| n / 2.0 / if v { trues } else { n - trues })
            .collect();
        let dataset = Dataset::new(x.to_owned(), targets).with_weights(weights);
        let min_leaf = (n * 0.005).max(1.0);
        let model = DecisionTree::params()
            .max_depth(Some(depth))
            .min_weight_leaf(min_leaf)
            .fit(&dataset)
            .ok()?;
        let mut leaves = Vec::new();
        collect_leaves(model.root_node(), &mut Vec::new(), &mut leaves);
        Some(Tree { model, leaves })
    }

    /// linfa's own predictions for the rows of `x`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Vec<bool> {
        self.model
            .predict(&x.to_owned())
            .iter()
            .map(|&v| v == 1)
            .collect()
    }

    /// The leaf each row of `x` reaches by the rules.
    pub fn leaf_of(&self, row: ArrayView1<f64>) -> Option<usize> {
        self.leaves
            .iter()
            .position(|l| l.conditions.iter().all(|c| c.holds(row)))
    }
}

fn collect_leaves(node: &TreeNode<f64, usize>, path: &mut Vec<Condition>, out: &mut Vec<Leaf>) {
    if node.is_leaf() {
        out.push(Leaf {
            conditions: path.clone(),
            positive: node.prediction() == Some(1),
        });
        return;
    }
    let (column, value, _) = node.split();
    for (child, below) in node.children().into_iter().zip([true, false]) {
        if let Some(child) = child {
            path.push(Condition {
                column,
                value,
                below,
            });
            collect_leaves(child, path, out);
            path.pop();
        }
    }
}

/// A condition in words, in the feature's units: `tenure_months < 24.5`, `channel is app`,
/// `past_spend is missing`.
pub fn words(condition: &Condition, columns: &[EncodedColumn]) -> String {
    let c = &columns[condition.column];
    match c.kind.as_str() {
        "number" => {
            let value = c.mean.unwrap_or(0.0) + condition.value * c.std.unwrap_or(1.0);
            let sign = if condition.below { "<" } else { "≥" };
            format!("{} {sign} {}", c.feature, significant(value))
        }
        "missing" => format!(
            "{} is {}missing",
            c.feature,
            if condition.below { "not " } else { "" }
        ),
        _ => format!(
            "{} is {}{}",
            c.feature,
            if condition.below { "not " } else { "" },
            c.level.as_deref().unwrap_or("")
        ),
    }
}

/// A leaf's conditions in words, each feature once: a number's bounds as one range
/// (`1.24 ≤ euribor3m < 1.36`), and a category's `is` without the `is not`s it implies.
pub fn phrases(conditions: &[Condition], columns: &[EncodedColumn]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut features: Vec<&str> = Vec::new();
    for c in conditions {
        let feature = columns[c.column].feature.as_str();
        if !features.contains(&feature) {
            features.push(feature);
        }
    }
    for feature in features {
        let of_feature: Vec<&Condition> = conditions
            .iter()
            .filter(|c| columns[c.column].feature == feature)
            .collect();
        let numbers: Vec<&&Condition> = of_feature
            .iter()
            .filter(|c| columns[c.column].kind == "number")
            .collect();
        if let Some(first) = numbers.first() {
            let c = &columns[first.column];
            let unit = |v: f64| c.mean.unwrap_or(0.0) + v * c.std.unwrap_or(1.0);
            let low = numbers
                .iter()
                .filter(|c| !c.below)
                .map(|c| c.value)
                .reduce(f64::max);
            let high = numbers
                .iter()
                .filter(|c| c.below)
                .map(|c| c.value)
                .reduce(f64::min);
            out.push(match (low, high) {
                (Some(l), Some(h)) => format!(
                    "{} ≤ {feature} < {}",
                    significant(unit(l)),
                    significant(unit(h))
                ),
                (Some(l), None) => format!("{feature} ≥ {}", significant(unit(l))),
                (None, Some(h)) => format!("{feature} < {}", significant(unit(h))),
                (None, None) => String::new(),
            });
        }
        let others: Vec<&&Condition> = of_feature
            .iter()
            .filter(|c| columns[c.column].kind != "number")
            .collect();
        let is: Vec<&&&Condition> = others.iter().filter(|c| !c.below).collect();
        let kept: Vec<&&Condition> = if is.is_empty() {
            others
        } else {
            is.into_iter().copied().collect()
        };
        for c in kept {
            let phrase = words(c, columns);
            if !out.contains(&phrase) {
                out.push(phrase);
            }
        }
    }
    out
}

/// A number to four significant digits.
fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    ((x * scale).round() / scale).to_string()
}

/// The rules of `tree` with the training rows `x`, `y` that reach each leaf.
pub fn rules(
    tree: &Tree,
    columns: &[EncodedColumn],
    x: ArrayView2<f64>,
    y: &[bool],
) -> Vec<TreeRule> {
    let mut reached = vec![(0usize, 0usize); tree.leaves.len()];
    for (row, &decision) in x.rows().into_iter().zip(y) {
        if let Some(leaf) = tree.leaf_of(row) {
            reached[leaf].0 += 1;
            reached[leaf].1 += usize::from(decision);
        }
    }
    tree.leaves
        .iter()
        .zip(reached)
        .map(|(leaf, (rows, positives))| TreeRule {
            conditions: phrases(&leaf.conditions, columns),
            predicts_positive: leaf.positive,
            rows,
            decision_rate: if rows > 0 {
                positives as f64 / rows as f64
            } else {
                0.0
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn the_rules_reproduce_the_trees_predictions() {
        // y depends on both columns, with ties at many values: the rules route every row to the
        // leaf linfa's own prediction reaches.
        let n = 600;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| match j {
            0 => (i % 7) as f64,
            1 => f64::from(u8::from(i % 3 == 0)),
            _ => ((i * 13) % 11) as f64 / 2.0,
        });
        let y: Vec<bool> = (0..n)
            .map(|i| (i % 7 > 3 && i % 3 == 0) || (i * 13) % 11 > 8 || i % 17 == 0)
            .collect();
        let tree = Tree::fit(x.view(), &y, 3).unwrap();
        assert!(tree.leaves.len() > 2);
        let predicted = tree.predict(x.view());
        for (i, row) in x.rows().into_iter().enumerate() {
            let leaf = tree.leaf_of(row).unwrap();
            assert_eq!(tree.leaves[leaf].positive, predicted[i], "row {i}");
        }
    }

    #[test]
    fn conditions_read_in_the_features_units() {
        let columns = vec![
            EncodedColumn {
                feature: "tenure_months".into(),
                kind: "number".into(),
                level: None,
                mean: Some(30.0),
                std: Some(10.0),
            },
            EncodedColumn {
                feature: "channel".into(),
                kind: "level".into(),
                level: Some("app".into()),
                mean: None,
                std: None,
            },
        ];
        let below = Condition {
            column: 0,
            value: -0.55,
            below: true,
        };
        assert_eq!(words(&below, &columns), "tenure_months < 24.5");
        let is = Condition {
            column: 1,
            value: 0.5,
            below: false,
        };
        assert_eq!(words(&is, &columns), "channel is app");
        assert_eq!(
            words(&Condition { below: true, ..is }, &columns),
            "channel is not app"
        );
    }
}
