//! The logistic regression of a yes/no variable on the model columns, fitted by linfa-logistic
//! (L-BFGS on the summed log-loss plus α/2·‖β‖², the intercept not penalized), and read the
//! usual way round: the coefficients give the log-odds of `true`.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, ArrayView2};

/// Iterations of L-BFGS at most.
const MAX_ITERATIONS: u64 = 300;

/// A fitted logistic model: P(true) = 1 / (1 + exp(−(intercept + x·beta))).
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    /// The intercept.
    pub intercept: f64,
    /// One coefficient per column.
    pub beta: Array1<f64>,
}

impl Logistic {
    /// Fits `y` on `x` with L2 penalty `alpha`, starting from `start` when given, until the
    /// gradient of the summed log-loss is below `tolerance` per row. `None` when `y` takes one
    /// value or the optimizer fails.
    pub fn fit(
        x: ArrayView2<f64>,
        y: &[bool],
        (alpha, tolerance): (f64, f64),
        start: Option<&Logistic>,
    ) -> Option<Logistic> {
        let targets: Array1<bool> = y.iter().copied().collect();
        let dataset = Dataset::new(x.to_owned(), targets);
        let mut params = LogisticRegression::default()
            .alpha(alpha)
            .max_iterations(MAX_ITERATIONS)
            .gradient_tolerance(tolerance * y.len() as f64);
        // linfa models the more frequent value: its parameters are the others' negated.
        let trues = y.iter().filter(|&&v| v).count();
        let flip = trues * 2 < y.len();
        if let Some(s) = start {
            let sign = if flip { -1.0 } else { 1.0 };
            let mut initial: Vec<f64> = s.beta.iter().map(|b| b * sign).collect();
            initial.push(s.intercept * sign);
            params = params.initial_params(Array1::from(initial));
        }
        let fitted = params.fit(&dataset).ok()?;
        let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
        Some(Logistic {
            intercept: fitted.intercept() * sign,
            beta: fitted.params().mapv(|b| b * sign),
        })
    }

    /// P(true) for each row of `x`.
    pub fn probability(&self, x: ArrayView2<f64>) -> Array1<f64> {
        (x.dot(&self.beta) + self.intercept).mapv(|z| 1.0 / (1.0 + (-z).exp()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn coefficients_agree_with_statsmodels_without_penalty() {
        // A fixed log of 500 rows: x1 = (37i mod 101)/101 − 0.5, x2 = (53i mod 97)/97 − 0.5, and
        // y = 1 when (61i mod 89)/89 is below 1/(1 + exp(0.5 − 2·x1 + 1.5·x2)). statsmodels 0.15:
        // sm.Logit(y, sm.add_constant(np.column_stack([x1, x2]))).fit(tol=1e-12).params.
        let n = 500;
        let x = Array2::from_shape_fn((n, 2), |(i, j)| match j {
            0 => ((i * 37) % 101) as f64 / 101.0 - 0.5,
            _ => ((i * 53) % 97) as f64 / 97.0 - 0.5,
        });
        let y: Vec<bool> = (0..n)
            .map(|i| {
                let z = -0.5 + 2.0 * x[(i, 0)] - 1.5 * x[(i, 1)];
                (((i * 61) % 89) as f64 / 89.0) < 1.0 / (1.0 + (-z).exp())
            })
            .collect();
        assert_eq!(y.iter().filter(|&&v| v).count(), 197);
        let fit = Logistic::fit(x.view(), &y, (1e-9, 1e-10), None).unwrap();
        let statsmodels = [-0.4889422812018535, 1.941533039046471, -1.8029787205948313];
        assert!(
            (fit.intercept - statsmodels[0]).abs() < 1e-3,
            "{}",
            fit.intercept
        );
        assert!(
            (fit.beta[0] - statsmodels[1]).abs() < 1e-3,
            "{}",
            fit.beta[0]
        );
        assert!(
            (fit.beta[1] - statsmodels[2]).abs() < 1e-3,
            "{}",
            fit.beta[1]
        );
        // Read the usual way round whichever value is more frequent: flipping y flips the signs.
        let flipped: Vec<bool> = y.iter().map(|v| !v).collect();
        let negated = Logistic::fit(x.view(), &flipped, (1e-9, 1e-10), None).unwrap();
        assert!((negated.beta[0] + fit.beta[0]).abs() < 1e-3);
        assert!((negated.intercept + fit.intercept).abs() < 1e-3);
    }
}
