//! A shallow regression tree of a numeric outcome (least squares, CART's rule): each split is
//! the one model column and value that most reduce the sum of squared deviations, a leaf keeps
//! at least 0.5% of the rows, and a row goes left when its value is below the split value, as
//! in the decision tree. linfa's trees classify only, so this one is written here.

use super::tree::Condition;
use ndarray::{ArrayView1, ArrayView2};

/// A fitted regression tree: its leaves with their means.
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionTree {
    /// The leaves, left first: the conditions on the way and the mean outcome of their
    /// training rows.
    pub leaves: Vec<(Vec<Condition>, f64)>,
}

impl RegressionTree {
    /// Fits a tree of at most `depth` levels of `y` on `x`.
    pub fn fit(x: ArrayView2<f64>, y: &[f64], depth: usize) -> RegressionTree {
        let min_leaf = ((y.len() as f64) * 0.005).ceil().max(1.0) as usize;
        let rows: Vec<usize> = (0..y.len()).collect();
        let mut leaves = Vec::new();
        grow(x, y, rows, (depth, min_leaf), &mut Vec::new(), &mut leaves);
        RegressionTree { leaves }
    }

    /// The predicted outcome of a row: its leaf's mean.
    pub fn predict(&self, row: ArrayView1<f64>) -> f64 {
        self.leaves
            .iter()
            .find(|(conditions, _)| conditions.iter().all(|c| c.holds(row)))
            .map_or(f64::NAN, |(_, mean)| *mean)
    }
}

fn mean(y: &[f64], rows: &[usize]) -> f64 {
    rows.iter().map(|&i| y[i]).sum::<f64>() / rows.len().max(1) as f64
}

/// The best split of `rows`: column, value and the reduction of the squared deviations.
fn best_split(
    x: ArrayView2<f64>,
    y: &[f64],
    rows: &[usize],
    min_leaf: usize,
) -> Option<(usize, f64, f64)> {
    let n = rows.len() as f64;
    let total: f64 = rows.iter().map(|&i| y[i]).sum();
    let mut best: Option<(usize, f64, f64)> = None;
    for column in 0..x.ncols() {
        let mut order: Vec<(f64, f64)> = rows.iter().map(|&i| (x[(i, column)], y[i])).collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut left = 0.0;
        for k in 1..order.len() {
            left += order[k - 1].1;
            if order[k].0 == order[k - 1].0 || k < min_leaf || order.len() - k < min_leaf {
                continue;
            }
            let (nl, nr) = (k as f64, n - k as f64);
            let right = total - left;
            // The squared deviations fall by nl·ml² + nr·mr² − n·m².
            let gain = left * left / nl + right * right / nr - total * total / n;
            if best.is_none_or(|b| gain > b.2) {
                best = Some((column, (order[k - 1].0 + order[k].0) / 2.0, gain));
            }
        }
    }
    best.filter(|b| b.2 > 1e-12 * n)
}

fn grow(
    x: ArrayView2<f64>,
    y: &[f64],
    rows: Vec<usize>,
    (depth, min_leaf): (usize, usize),
    path: &mut Vec<Condition>,
    leaves: &mut Vec<(Vec<Condition>, f64)>,
) {
    let split = (path.len() < depth)
        .then(|| best_split(x, y, &rows, min_leaf))
        .flatten();
    let Some((column, value, _)) = split else {
        leaves.push((path.clone(), mean(y, &rows)));
        return;
    };
    let (left, right): (Vec<usize>, Vec<usize>) =
        rows.iter().partition(|&&i| x[(i, column)] < value);
    for (side, below) in [(left, true), (right, false)] {
        path.push(Condition {
            column,
            value,
            below,
        });
        grow(x, y, side, (depth, min_leaf), path, leaves);
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn a_planted_step_is_found_and_the_leaves_hold_their_means() {
        // y = 10 below x0 = 0.5 and 20 above, plus 5 more where x1 ≥ 3: the tree splits on x0
        // first, then on x1 in the right half, and each leaf's mean is its rows' mean.
        let n = 400;
        let x = Array2::from_shape_fn((n, 2), |(i, j)| match j {
            0 => (i % 2) as f64,
            _ => (i % 5) as f64,
        });
        let y: Vec<f64> = (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    10.0
                } else {
                    20.0 + if i % 5 >= 3 { 5.0 } else { 0.0 }
                }
            })
            .collect();
        let tree = RegressionTree::fit(x.view(), &y, 2);
        let first = &tree.leaves[0].0[0];
        assert_eq!((first.column, first.value, first.below), (0, 0.5, true));
        for (i, row) in x.rows().into_iter().enumerate() {
            assert_eq!(tree.predict(row), y[i], "row {i}");
        }
    }
}
