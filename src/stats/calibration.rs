//! Whether a probability means what it says: logistic recalibration (Cox 1958) of the outcome on
//! the logit of the score, whose slope is 1 and intercept 0 for a calibrated score, fitted by
//! iteratively reweighted least squares on counts by score. Plain numbers in, numbers out.

/// Scores of 0 or 1 are taken this far inside (0, 1) for their logit.
pub const LOGIT_CLIP: f64 = 1e-6;

/// The logit of a probability, clipped to [`LOGIT_CLIP`], 1 − [`LOGIT_CLIP`].
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(LOGIT_CLIP, 1.0 - LOGIT_CLIP);
    (p / (1.0 - p)).ln()
}

/// A fitted recalibration: logit P(y = 1) = intercept + slope · logit(score).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recalibration {
    /// The intercept.
    pub intercept: f64,
    /// Its standard error (from the inverse of the Fisher information).
    pub intercept_se: f64,
    /// The slope.
    pub slope: f64,
    /// Its standard error.
    pub slope_se: f64,
}

/// The maximum-likelihood recalibration from `(score, rows, positives)` per score; `None` when
/// the outcome is all one class, the scores are all equal, or the fit does not converge (a
/// score that separates the classes perfectly).
pub fn recalibrate(points: &[(f64, f64, f64)]) -> Option<Recalibration> {
    let data: Vec<(f64, f64, f64)> = points
        .iter()
        .filter(|p| p.1 > 0.0)
        .map(|&(s, n, y)| (logit(s), n, y))
        .collect();
    let (n, y): (f64, f64) = data.iter().fold((0.0, 0.0), |a, p| (a.0 + p.1, a.1 + p.2));
    if y <= 0.0 || y >= n || data.iter().all(|p| p.0 == data[0].0) {
        return None;
    }
    let (mut b0, mut b1) = ((y / (n - y)).ln(), 0.0);
    for _ in 0..100 {
        // Score vector and information matrix of the binomial log-likelihood.
        let (mut g0, mut g1, mut i00, mut i01, mut i11) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(x, rows, pos) in &data {
            let p = 1.0 / (1.0 + (-(b0 + b1 * x)).exp());
            let w = rows * p * (1.0 - p);
            g0 += pos - rows * p;
            g1 += (pos - rows * p) * x;
            i00 += w;
            i01 += w * x;
            i11 += w * x * x;
        }
        let det = i00 * i11 - i01 * i01;
        if !(det > 0.0) {
            return None;
        }
        let (d0, d1) = ((i11 * g0 - i01 * g1) / det, (i00 * g1 - i01 * g0) / det);
        b0 += d0;
        b1 += d1;
        if !b0.is_finite() || !b1.is_finite() || b1.abs() > 1e6 {
            return None;
        }
        if d0.abs() < 1e-12 && d1.abs() < 1e-12 {
            // The standard errors at the estimate.
            let (mut i00, mut i01, mut i11) = (0.0, 0.0, 0.0);
            for &(x, rows, _) in &data {
                let p = 1.0 / (1.0 + (-(b0 + b1 * x)).exp());
                let w = rows * p * (1.0 - p);
                i00 += w;
                i01 += w * x;
                i11 += w * x * x;
            }
            let det = i00 * i11 - i01 * i01;
            return Some(Recalibration {
                intercept: b0,
                intercept_se: (i11 / det).sqrt(),
                slope: b1,
                slope_se: (i00 / det).sqrt(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recalibration_matches_statsmodels_logit() {
        // Five scores with rows and positives; statsmodels 0.15
        // `Logit(y, add_constant(logit(s))).fit(tol=1e-12)` on the 250 rows they stand for gives
        // params [0.10343969, 0.76204655], bse [0.14402758, 0.1116194].
        let points = [
            (0.1, 50.0, 8.0),
            (0.3, 50.0, 17.0),
            (0.5, 50.0, 30.0),
            (0.7, 50.0, 33.0),
            (0.9, 50.0, 42.0),
        ];
        let r = recalibrate(&points).unwrap();
        assert!((r.intercept - 0.10343969).abs() < 1e-7, "{r:?}");
        assert!((r.slope - 0.76204655).abs() < 1e-7, "{r:?}");
        assert!((r.intercept_se - 0.14402758).abs() < 1e-7, "{r:?}");
        assert!((r.slope_se - 0.1116194).abs() < 1e-7, "{r:?}");
        assert_eq!(recalibrate(&[(0.5, 10.0, 5.0)]), None);
        assert_eq!(recalibrate(&[(0.2, 10.0, 0.0), (0.6, 10.0, 0.0)]), None);
    }
}
