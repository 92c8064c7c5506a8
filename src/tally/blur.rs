//! The correction of an estimated attribute's blur. An estimate such as BISG gives each row a
//! probability of each group, and the fold counts the row toward each group with it; so each
//! group's sums take in part of every other group's rows, and gaps between groups come out
//! smaller than they are (the attenuation published evaluations of BISG find).
//!
//! When the probabilities are each person's true chances given what they are estimated from,
//! and the decision depends on that (names, places) only through the group, the sums undo the
//! blur: with `p` a row's probabilities (the remainder `1 − Σp` included), `M = Σ p·pᵀ` and
//! `b = Σ p·[row in a cell]`, every cell's rows of group `j` number `m_j · (M⁻¹ b)_j`, where
//! `m = Σ p` (the moment, or linear, correction; Zhang 2018, Management Science 64(1)). The
//! corrected sums are the sums of the rows with the weights `(C p)_j`, `C = diag(m) M⁻¹`, so
//! their squares, for Kish's effective size, are `(C Q Cᵀ)_jj` with `Q = Σ w²·p·pᵀ`: a group
//! the probabilities tell apart poorly gets a wide interval.

use super::counts::Tally;
use super::plan::pairs;
use nalgebra::DMatrix;
use std::collections::BTreeMap;

/// The smallest eigenvalue of the products' matrix scaled to a unit diagonal below which its
/// parts count as not told apart.
const SEPARABLE: f64 = 1e-9;

/// The inverse of the symmetric `m`, `None` when it is singular or nearly so (its smallest
/// eigenvalue, scaled to a unit diagonal, under [`SEPARABLE`]).
fn inverse(m: DMatrix<f64>) -> Option<DMatrix<f64>> {
    let scale = m.diagonal().map(|d| 1.0 / d.sqrt());
    let scaled = DMatrix::from_diagonal(&scale) * &m * DMatrix::from_diagonal(&scale);
    let smallest = scaled.clone().symmetric_eigenvalues().min();
    if smallest.is_nan() || smallest <= SEPARABLE {
        return None;
    }
    let inverse = scaled.cholesky()?.inverse();
    Some(DMatrix::from_diagonal(&scale) * inverse * DMatrix::from_diagonal(&scale))
}

/// The symmetric matrix over the `kept` of `parts` whose entry `(j, k)` is `value` of the
/// pair's index in [`pairs`].
fn symmetric(parts: usize, kept: &[usize], value: impl Fn(usize) -> f64) -> DMatrix<f64> {
    let mut full = DMatrix::zeros(parts, parts);
    for (index, (j, k)) in pairs(parts).enumerate() {
        let v = value(index);
        (full[(j, k)], full[(k, j)]) = (v, v);
    }
    full.select_rows(kept).select_columns(kept)
}

/// A part whose mass is below this share of the context's rows has too few rows to correct;
/// it is left out of the correction (and out of the groups).
const NEGLIGIBLE_SHARE: f64 = 1e-9;

/// The sums of one class of rows (a decision and a label) of one context (the set's other
/// attributes): per part Σ p·w and Σ (p·w)², per pair of parts Σ p_j·p_k·w and Σ p_j·p_k·w².
#[derive(Debug, Clone, Default)]
struct ClassSums {
    masses: Vec<(f64, f64)>,
    cross: Vec<(f64, f64)>,
}

/// A context's sums, class by class (in the classes' order, so every sum is the same on every
/// run).
#[derive(Debug, Clone, Default)]
pub struct Blur {
    classes: BTreeMap<(bool, Option<bool>), ClassSums>,
}

impl Blur {
    /// Adds a cell's sums: its masses and products ([`Cell`](super::cells::Cell)'s `masses`
    /// and `cross` of one membership).
    pub fn add(
        &mut self,
        decision: bool,
        label: Option<bool>,
        masses: &[(f64, f64)],
        cross: &[(f64, f64)],
    ) {
        let class = self
            .classes
            .entry((decision, label))
            .or_insert_with(|| ClassSums {
                masses: vec![(0.0, 0.0); masses.len()],
                cross: vec![(0.0, 0.0); cross.len()],
            });
        for (sum, add) in class.masses.iter_mut().zip(masses) {
            (sum.0, sum.1) = (sum.0 + add.0, sum.1 + add.1);
        }
        for (sum, add) in class.cross.iter_mut().zip(cross) {
            (sum.0, sum.1) = (sum.0 + add.0, sum.1 + add.1);
        }
    }

    /// Each part's sums as the fold takes them without a correction.
    pub fn blurred(&self) -> Vec<Tally> {
        let mut tallies = vec![Tally::default(); self.parts()];
        for (&(decision, label), class) in &self.classes {
            for (t, &(mass, sq)) in tallies.iter_mut().zip(&class.masses) {
                t.record(decision, label, mass, sq);
            }
        }
        tallies
    }

    /// Each part's corrected sums (a part of negligible mass has none; a cell the correction
    /// makes negative is 0); `None` when the parts' probabilities cannot be told apart (their
    /// products' matrix is singular: too few rows, or two parts always in proportion).
    pub fn corrected(&self) -> Option<Vec<Tally>> {
        let parts = self.parts();
        let mass: Vec<f64> = (0..parts)
            .map(|j| self.classes.values().map(|c| c.masses[j].0).sum())
            .collect();
        let total: f64 = mass.iter().sum();
        let kept: Vec<usize> = (0..parts)
            .filter(|&j| mass[j] > NEGLIGIBLE_SHARE * total)
            .collect();
        let products = symmetric(parts, &kept, |i| {
            self.classes.values().map(|c| c.cross[i].0).sum()
        });
        let inverse = inverse(products)?;
        let scale =
            DMatrix::from_diagonal(&kept.iter().map(|&j| mass[j]).collect::<Vec<_>>().into());
        let c = scale * inverse;
        let mut tallies = vec![Tally::default(); parts];
        for (&(decision, label), class) in &self.classes {
            let b = nalgebra::DVector::from_iterator(
                kept.len(),
                kept.iter().map(|&j| class.masses[j].0),
            );
            let q = symmetric(parts, &kept, |i| class.cross[i].1);
            let sums = &c * b;
            let squares = &c * q * c.transpose();
            for (at, &j) in kept.iter().enumerate() {
                tallies[j].record(decision, label, sums[at].max(0.0), squares[(at, at)]);
            }
        }
        Some(tallies)
    }

    fn parts(&self) -> usize {
        self.classes.values().next().map_or(0, |c| c.masses.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows `(decision, probabilities)` as one cell each, with their products.
    fn blur(rows: &[(bool, [f64; 2])]) -> Blur {
        let mut blur = Blur::default();
        for (decision, p) in rows {
            let p = [p[0], p[1], 1.0 - p[0] - p[1]];
            let masses: Vec<(f64, f64)> = p.iter().map(|x| (*x, x * x)).collect();
            let cross: Vec<(f64, f64)> =
                pairs(3).map(|(j, k)| (p[j] * p[k], p[j] * p[k])).collect();
            blur.add(*decision, None, &masses, &cross);
        }
        blur
    }

    #[test]
    fn certain_probabilities_are_left_as_they_are() {
        let rows = [
            (true, [1.0, 0.0]),
            (false, [1.0, 0.0]),
            (true, [0.0, 1.0]),
            (true, [0.0, 0.0]),
        ];
        let b = blur(&rows);
        let corrected = b.corrected().unwrap();
        for (c, u) in corrected.iter().zip(b.blurred()) {
            assert!((c.sum.pp - u.sum.pp).abs() < 1e-12 && (c.sum.n - u.sum.n).abs() < 1e-12);
            assert!((c.sq.n - u.sq.n).abs() < 1e-12);
        }
    }

    /// A population where group A's rows are selected at 0.8 and B's at 0.2, seen through
    /// probabilities that blur them: half the rows say (0.9, 0.1), half (0.2, 0.8). Of the
    /// first kind 90% are A, of the second 20%, exactly (a row stands for its expected
    /// selections), so the corrected rates are the groups' own and the uncorrected ones are
    /// pulled toward each other.
    #[test]
    fn blurred_rates_are_restored() {
        let mut rows = Vec::new();
        for (p_a, count) in [(0.9, 100), (0.2, 100)] {
            let selected = p_a * 0.8 + (1.0 - p_a) * 0.2;
            let picked = (selected * count as f64).round() as usize;
            for i in 0..count {
                rows.push((i < picked, [p_a, 1.0 - p_a]));
            }
        }
        let b = blur(&rows);
        let rate = |t: &Tally| t.sum.pp / t.sum.n;
        let corrected = b.corrected().unwrap();
        assert!(
            (rate(&corrected[0]) - 0.8).abs() < 1e-9,
            "{}",
            rate(&corrected[0])
        );
        assert!(
            (rate(&corrected[1]) - 0.2).abs() < 1e-9,
            "{}",
            rate(&corrected[1])
        );
        let blurred = b.blurred();
        assert!(rate(&blurred[0]) < 0.7 && rate(&blurred[1]) > 0.3);
        // Sizes are kept; effective sizes shrink.
        assert!((corrected[0].sum.n - 110.0).abs() < 1e-9);
        assert!(corrected[0].effective_size() < blurred[0].effective_size());
        assert_eq!(corrected[2], Tally::default());
    }

    #[test]
    fn parts_that_cannot_be_told_apart_are_not_corrected() {
        let b = blur(&[(true, [0.5, 0.5]), (false, [0.5, 0.5])]);
        assert!(b.corrected().is_none());
    }
}
