//! Confidence intervals for a proportion (Wilson), a ratio of proportions (Katz log) and a
//! difference of proportions (Newcombe's hybrid score). Counts may be effective (non-integer)
//! counts from weighted data.

/// Wilson score interval (no continuity correction) of `x` successes in `n` trials.
pub fn wilson(x: f64, n: f64, z: f64) -> Option<[f64; 2]> {
    if n <= 0.0 {
        return None;
    }
    let p = x / n;
    let z2 = z * z;
    let centre = (x + z2 / 2.0) / (n + z2);
    let half = z / (n + z2) * (x * (1.0 - p) + z2 / 4.0).sqrt();
    Some([(centre - half).max(0.0), (centre + half).min(1.0)])
}

/// Katz log interval of the ratio `(x1 / n1) / (x2 / n2)`; undefined with a zero count.
pub fn katz(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Option<[f64; 2]> {
    if x1 <= 0.0 || x2 <= 0.0 || n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let log_ratio = ((x1 / n1) / (x2 / n2)).ln();
    let se = (1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2).max(0.0).sqrt();
    Some([(log_ratio - z * se).exp(), (log_ratio + z * se).exp()])
}

/// Newcombe's hybrid score interval (his method 10) of `x1 / n1 − x2 / n2`.
pub fn newcombe(x1: f64, n1: f64, x2: f64, n2: f64, z: f64) -> Option<[f64; 2]> {
    let [l1, u1] = wilson(x1, n1, z)?;
    let [l2, u2] = wilson(x2, n2, z)?;
    let (p1, p2) = (x1 / n1, x2 / n2);
    let d = p1 - p2;
    Some([
        d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::z_for;

    fn close(a: [f64; 2], b: [f64; 2], tol: f64) {
        assert!(
            (a[0] - b[0]).abs() <= tol && (a[1] - b[1]).abs() <= tol,
            "{a:?} vs {b:?}"
        );
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels.stats.proportion.proportion_confint(method="wilson")
        let z = z_for(0.95);
        close(wilson(0.0, 10.0, z).unwrap(), [0.0, 0.27753], 5e-6);
        close(wilson(1.0, 10.0, z).unwrap(), [0.01788, 0.40415], 5e-6);
        close(wilson(5.0, 5.0, z).unwrap(), [0.56552, 1.0], 5e-6);
        close(wilson(805.0, 1795.0, z).unwrap(), [0.42559, 0.47156], 5e-6);
        assert_eq!(wilson(0.0, 0.0, z), None);
    }

    #[test]
    fn katz_and_newcombe_on_compas_fpr() {
        // COMPAS false positives: African-American 805 of 1795, Caucasian 349 of 1488.
        let z = z_for(0.95);
        close(
            katz(805.0, 1795.0, 349.0, 1488.0, z).unwrap(),
            [1.7212, 2.1241],
            5e-5,
        );
        close(
            newcombe(805.0, 1795.0, 349.0, 1488.0, z).unwrap(),
            [0.1821, 0.2450],
            5e-5,
        );
        assert_eq!(katz(0.0, 10.0, 3.0, 10.0, z), None);
    }

    #[test]
    fn z_quantile() {
        assert!((z_for(0.95) - 1.959964).abs() < 1e-6);
    }
}
