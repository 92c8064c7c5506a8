//! Ordinary least squares from sufficient statistics, with heteroskedasticity-robust (HC1)
//! standard errors. The rows come as cells sharing one design row: a cell of `n` rows with the
//! same regressors `x`, whose outcomes have mean `mean` and sum of squared deviations `m2`. So
//! X'X = Σ n·x·x', X'y = Σ n·mean·x, and each cell's squared residuals sum to
//! m2 + n·(mean − x'β)², which makes the HC1 middle term exact without visiting a row. Solved with
//! nalgebra's Cholesky factorization; a regressor that the others determine is named.

use nalgebra::{DMatrix, DVector};

/// Rows sharing one design row.
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

/// A least-squares fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The coefficients, in the regressors' order.
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
    /// Regressor `index` is a linear combination of the ones before it (or constant).
    Collinear { index: usize },
    /// Fewer rows than regressors.
    TooFewRows,
}

/// Fits `cells` by least squares.
pub fn fit(cells: &[DesignCell]) -> Result<Fit, OlsError> {
    let k = cells.first().map_or(0, |c| c.x.len());
    let n: f64 = cells.iter().map(|c| c.n).sum();
    if n <= k as f64 {
        return Err(OlsError::TooFewRows);
    }
    let mut xtx = DMatrix::<f64>::zeros(k, k);
    let mut xty = DVector::<f64>::zeros(k);
    for c in cells {
        let x = DVector::from_column_slice(&c.x);
        xtx += &x * x.transpose() * c.n;
        xty += &x * (c.n * c.mean);
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
    for c in cells {
        let x = DVector::from_column_slice(&c.x);
        let fitted = x.dot(&beta);
        let squared = c.m2 + c.n * (c.mean - fitted).powi(2);
        rss += squared;
        meat += &x * x.transpose() * squared;
    }
    let dof = n - k as f64;
    let cov = &inverse * meat * &inverse * (n / dof);
    Ok(Fit {
        beta: beta.iter().copied().collect(),
        se: (0..k).map(|i| cov[(i, i)].max(0.0).sqrt()).collect(),
        residual_sd: (rss / dof).sqrt(),
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
