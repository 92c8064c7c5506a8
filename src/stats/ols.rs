//! Ordinary least squares from sufficient statistics, with heteroskedasticity-robust (HC1)
//! standard errors, never visiting a row. The rows come as cells: the regressors `d` are the
//! same for every row of a cell (the intercept, group and category indicators), and the cell
//! holds sums over its rows of its outcome `u` and of its numeric regressors `z`, the
//! covariates. Writing z̃ = (1, z), a cell gives Σ z̃z̃', Σ u·z̃ and, for coefficients b̃ of z̃,
//! Σ (u − b̃'z̃)²·z̃z̃' ([`CellSums`]); the design row is x = (d, z), so X'X, X'y and the HC1
//! middle term Σ e²·xx' follow exactly. Without covariates a cell is its outcome's mean and
//! sum of squared deviations ([`DesignCell`]); with them, the sums of the products of u (up to
//! its square) and the covariates up to the fourth degree ([`CovariateCell`], [`Terms`]).
//! Solved with nalgebra's Cholesky factorization; a regressor that the others determine is
//! named.

use nalgebra::{DMatrix, DVector};
use std::collections::HashMap;

/// What a cell adds to a fit.
pub trait CellSums {
    /// The regressors every row of the cell shares (the intercept included, as 1).
    fn shared(&self) -> &[f64];
    /// Σ z̃z̃' over the rows, z̃ = (1, covariates).
    fn gram(&self) -> DMatrix<f64>;
    /// Σ u·z̃ over the rows.
    fn cross(&self) -> DVector<f64>;
    /// Σ (u − b̃'z̃)²·z̃z̃' over the rows.
    fn residual_gram(&self, b: &DVector<f64>) -> DMatrix<f64>;
}

/// Rows sharing one design row, with no covariates.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignCell {
    /// The regressors (the intercept included, as 1).
    pub x: Vec<f64>,
    /// Rows.
    pub n: f64,
    /// Mean of their outcome.
    pub mean: f64,
    /// Sum of squared deviations of their outcome from `mean`.
    pub m2: f64,
}

impl CellSums for DesignCell {
    fn shared(&self) -> &[f64] {
        &self.x
    }

    fn gram(&self) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, self.n)
    }

    fn cross(&self) -> DVector<f64> {
        DVector::from_element(1, self.n * self.mean)
    }

    fn residual_gram(&self, b: &DVector<f64>) -> DMatrix<f64> {
        DMatrix::from_element(1, 1, self.m2 + self.n * (self.mean - b[0]).powi(2))
    }
}

/// The sums a cell with `p` covariates needs: Σ u^i·z_j·z_k·… for i ≤ 2 and products of up
/// to 4 − i covariates (indices ascending), in a fixed order.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    /// Covariates.
    pub p: usize,
    /// The terms: the power of u and the covariates multiplied.
    pub list: Vec<(u8, Vec<usize>)>,
    index: HashMap<(u8, Vec<usize>), usize>,
}

impl Terms {
    /// The terms of `p` covariates: for p = 1, 1, z, z², z³, z⁴, u, uz, uz², uz³, u², u²z, u²z².
    pub fn new(p: usize) -> Terms {
        let mut list = Vec::new();
        for power in 0..=2u8 {
            let mut products: Vec<Vec<usize>> = vec![Vec::new()];
            let mut last: Vec<Vec<usize>> = vec![Vec::new()];
            for _ in 0..4 - power {
                last = last
                    .iter()
                    .flat_map(|m| {
                        let from = m.last().copied().unwrap_or(0);
                        (from..p).map(move |j| {
                            let mut next = m.clone();
                            next.push(j);
                            next
                        })
                    })
                    .collect();
                products.extend(last.iter().cloned());
            }
            list.extend(products.into_iter().map(|m| (power, m)));
        }
        let index = list
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, t)| (t, i))
            .collect();
        Terms { p, list, index }
    }

    /// The position of Σ u^power·Π z̃ over `factors`, indices of z̃ (0 is the constant 1).
    fn at(&self, power: u8, factors: &[usize]) -> usize {
        let mut z: Vec<usize> = factors.iter().filter(|&&f| f > 0).map(|f| f - 1).collect();
        z.sort_unstable();
        self.index[&(power, z)]
    }
}

/// Rows sharing their indicators, with covariates: the sums listed by [`Terms`].
#[derive(Debug, Clone, PartialEq)]
pub struct CovariateCell<'a> {
    /// The regressors every row shares (the intercept included, as 1).
    pub d: Vec<f64>,
    /// The sums, in the order of `terms`.
    pub sums: Vec<f64>,
    /// What the sums are.
    pub terms: &'a Terms,
}

impl CellSums for CovariateCell<'_> {
    fn shared(&self) -> &[f64] {
        &self.d
    }

    fn gram(&self) -> DMatrix<f64> {
        let q = self.terms.p + 1;
        DMatrix::from_fn(q, q, |a, b| self.sums[self.terms.at(0, &[a, b])])
    }

    fn cross(&self) -> DVector<f64> {
        DVector::from_fn(self.terms.p + 1, |a, _| self.sums[self.terms.at(1, &[a])])
    }

    fn residual_gram(&self, b: &DVector<f64>) -> DMatrix<f64> {
        let q = self.terms.p + 1;
        let sum = |power, factors: &[usize]| self.sums[self.terms.at(power, factors)];
        DMatrix::from_fn(q, q, |a, c| {
            let mut total = sum(2, &[a, c]);
            for l in 0..q {
                total -= 2.0 * b[l] * sum(1, &[l, a, c]);
                for m in 0..q {
                    total += b[l] * b[m] * sum(0, &[l, m, a, c]);
                }
            }
            total
        })
    }
}

/// A least-squares fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The coefficients: the shared regressors', then the covariates'.
    pub beta: Vec<f64>,
    /// HC1 standard errors: sqrt of the diagonal of n/(n−k)·(X'X)⁻¹·M·(X'X)⁻¹.
    pub se: Vec<f64>,
    /// Residual standard deviation, sqrt(RSS / (n − k)).
    pub residual_sd: f64,
    /// Rows.
    pub n: f64,
}

/// Why a model cannot be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum OlsError {
    /// Regressor `index` (the shared ones first, then the covariates) is a linear combination
    /// of the ones before it (or constant).
    Collinear { index: usize },
    /// Fewer rows than regressors.
    TooFewRows,
}

/// The matrix taking a cell's z̃ = (1, z) to its design row x = (d, z).
fn design_map(d: &[f64], q: usize) -> DMatrix<f64> {
    let k = d.len() + q - 1;
    DMatrix::from_fn(k, q, |row, column| match (row < d.len(), column) {
        (true, 0) => d[row],
        (false, c) if c > 0 => f64::from(u8::from(row - d.len() == c - 1)),
        _ => 0.0,
    })
}

/// Fits `cells` by least squares.
pub fn fit<C: CellSums>(cells: &[C]) -> Result<Fit, OlsError> {
    let Some(first) = cells.first() else {
        return Err(OlsError::TooFewRows);
    };
    let q = first.gram().nrows();
    let k = first.shared().len() + q - 1;
    let maps: Vec<DMatrix<f64>> = cells.iter().map(|c| design_map(c.shared(), q)).collect();
    let n: f64 = cells.iter().map(|c| c.gram()[(0, 0)]).sum();
    if n <= k as f64 {
        return Err(OlsError::TooFewRows);
    }
    let mut xtx = DMatrix::<f64>::zeros(k, k);
    let mut xty = DVector::<f64>::zeros(k);
    for (c, m) in cells.iter().zip(&maps) {
        xtx += m * c.gram() * m.transpose();
        xty += m * c.cross();
    }
    check_rank(&xtx)?;
    let chol = xtx
        .clone()
        .cholesky()
        .ok_or(OlsError::Collinear { index: k - 1 })?;
    let beta = chol.solve(&xty);
    let inverse = chol.inverse();
    let mut meat = DMatrix::<f64>::zeros(k, k);
    let mut rss = 0.0;
    for (c, m) in cells.iter().zip(&maps) {
        let d = c.shared();
        let mut b = DVector::<f64>::zeros(q);
        b[0] = d.iter().zip(beta.iter()).map(|(x, b)| x * b).sum();
        for j in 1..q {
            b[j] = beta[d.len() + j - 1];
        }
        let residual = c.residual_gram(&b);
        rss += residual[(0, 0)];
        meat += m * residual * m.transpose();
    }
    let dof = n - k as f64;
    let cov = &inverse * meat * &inverse * (n / dof);
    Ok(Fit {
        beta: beta.iter().copied().collect(),
        se: (0..k).map(|i| cov[(i, i)].max(0.0).sqrt()).collect(),
        residual_sd: (rss.max(0.0) / dof).sqrt(),
        n,
    })
}

/// Finds the first regressor that the ones before it determine: the leading block of X'X
/// stops being positive definite there (its Cholesky pivot vanishes relative to its diagonal).
fn check_rank(xtx: &DMatrix<f64>) -> Result<(), OlsError> {
    let k = xtx.nrows();
    for j in 0..k {
        let block = xtx.view((0, 0), (j + 1, j + 1)).into_owned();
        let pivot = block
            .cholesky()
            .map(|c| c.l()[(j, j)].powi(2))
            .unwrap_or(0.0);
        if pivot <= 1e-9 * xtx[(j, j)].max(f64::MIN_POSITIVE) {
            return Err(OlsError::Collinear { index: j });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One cell per row: the plain regression.
    fn rows(x: &[Vec<f64>], y: &[f64]) -> Vec<DesignCell> {
        x.iter()
            .zip(y)
            .map(|(x, y)| DesignCell {
                x: x.clone(),
                n: 1.0,
                mean: *y,
                m2: 0.0,
            })
            .collect()
    }

    #[test]
    fn cells_of_equal_rows_give_the_row_by_row_fit() {
        let x = vec![
            vec![1.0, 0.0],
            vec![1.0, 0.0],
            vec![1.0, 1.0],
            vec![1.0, 1.0],
            vec![1.0, 1.0],
        ];
        let y = [1.0, 3.0, 4.0, 6.0, 8.0];
        let by_row = fit(&rows(&x, &y)).unwrap();
        let by_cell = fit(&[
            DesignCell {
                x: vec![1.0, 0.0],
                n: 2.0,
                mean: 2.0,
                m2: 2.0,
            },
            DesignCell {
                x: vec![1.0, 1.0],
                n: 3.0,
                mean: 6.0,
                m2: 8.0,
            },
        ])
        .unwrap();
        for (a, b) in by_row.beta.iter().zip(&by_cell.beta) {
            assert!((a - b).abs() < 1e-12);
        }
        for (a, b) in by_row.se.iter().zip(&by_cell.se) {
            assert!((a - b).abs() < 1e-12);
        }
        assert!((by_cell.beta[1] - 4.0).abs() < 1e-12);
    }

    /// The covariate sums of rows (d, z, y), by the definition of [`Terms`].
    fn covariate_cell<'a>(
        rows: &[(f64, f64, f64)],
        d: Vec<f64>,
        terms: &'a Terms,
    ) -> CovariateCell<'a> {
        let sums = terms
            .list
            .iter()
            .map(|(power, factors)| {
                rows.iter()
                    .map(|(z1, z2, y)| {
                        let z = [*z1, *z2];
                        factors
                            .iter()
                            .fold(y.powi(i32::from(*power)), |p, &j| p * z[j])
                    })
                    .sum()
            })
            .collect();
        CovariateCell { d, sums, terms }
    }

    #[test]
    fn covariate_sums_give_the_row_by_row_fit() {
        // Two groups of rows sharing an indicator, two covariates varying within them: the fit
        // from the sums equals the fit with one cell per row (where the covariates are shared).
        let a = [
            (0.1, -0.5, 1.0),
            (0.4, 0.2, 1.5),
            (-0.3, 0.9, 0.2),
            (0.8, 0.1, 2.0),
        ];
        let b = [
            (0.2, 0.3, 2.5),
            (-0.7, -0.2, 0.9),
            (0.5, 0.6, 3.1),
            (0.0, -0.9, 1.2),
            (0.9, 0.4, 3.0),
        ];
        let terms = Terms::new(2);
        assert_eq!(terms.list.len(), 31);
        let by_cell = fit(&[
            covariate_cell(&a, vec![1.0, 0.0], &terms),
            covariate_cell(&b, vec![1.0, 1.0], &terms),
        ])
        .unwrap();
        let x: Vec<Vec<f64>> = a
            .iter()
            .map(|(z1, z2, _)| vec![1.0, 0.0, *z1, *z2])
            .chain(b.iter().map(|(z1, z2, _)| vec![1.0, 1.0, *z1, *z2]))
            .collect();
        let y: Vec<f64> = a.iter().chain(&b).map(|r| r.2).collect();
        let by_row = fit(&rows(&x, &y)).unwrap();
        for (p, q) in by_row.beta.iter().zip(&by_cell.beta) {
            assert!((p - q).abs() < 1e-12, "{p} {q}");
        }
        for (p, q) in by_row.se.iter().zip(&by_cell.se) {
            assert!((p - q).abs() < 1e-12, "{p} {q}");
        }
        assert!((by_row.residual_sd - by_cell.residual_sd).abs() < 1e-12);
    }

    #[test]
    fn a_regressor_the_others_determine_is_named() {
        // The third column is the second plus the first: collinear at index 2.
        let x = vec![
            vec![1.0, 0.0, 1.0],
            vec![1.0, 1.0, 2.0],
            vec![1.0, 0.0, 1.0],
            vec![1.0, 1.0, 2.0],
        ];
        assert_eq!(
            fit(&rows(&x, &[1.0, 2.0, 3.0, 4.0])),
            Err(OlsError::Collinear { index: 2 })
        );
        let constant = vec![vec![1.0, 0.0], vec![1.0, 0.0], vec![1.0, 0.0]];
        assert_eq!(
            fit(&rows(&constant, &[1.0, 2.0, 3.0])),
            Err(OlsError::Collinear { index: 1 })
        );
    }
}
