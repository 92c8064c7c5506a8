//! Two-proportion tests of a group against its reference: the pooled z-test, and Fisher's exact
//! test (two-sided) when a 2×2 cell's expected count is below 5.

use super::standard_normal;
use serde::{Deserialize, Serialize};
use statrs::distribution::ContinuousCDF;
use statrs::function::factorial::ln_factorial;

/// Which test was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TestMethod {
    /// The pooled two-proportion z-test.
    Z,
    /// Fisher's exact test, two-sided.
    Fisher,
    /// Welch's unequal-variances t-test of two means.
    Welch,
    /// The Cochran–Mantel–Haenszel test across the controls' strata.
    Cmh,
}

/// The outcome of one test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TestResult {
    /// The test used.
    pub method: TestMethod,
    /// Pooled z statistic, group minus reference (`null` when both rates are 0 or both 1).
    pub z: Option<f64>,
    /// Welch's t statistic, group minus reference (numeric outcomes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<f64>,
    /// Welch–Satterthwaite degrees of freedom (numeric outcomes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub df: Option<f64>,
    /// The chi-square statistic (Cochran–Mantel–Haenszel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<f64>,
    /// The p-value, under the name the stratified test reports it by (Cochran–Mantel–Haenszel;
    /// the same as `p_value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<f64>,
    /// Two-sided p-value of the method used.
    pub p_value: f64,
    /// The p-value after the multiple-comparison adjustment.
    pub p_adjusted: f64,
}

/// Tests `x1 / n1` (group) against `x2 / n2` (reference). Counts may be effective counts; Fisher's
/// test uses them rounded.
pub fn two_proportions(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<TestResult> {
    if n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let z = pooled_z(x1, n1, x2, n2);
    let total = n1 + n2;
    let positives = x1 + x2;
    let expected = [
        n1 * positives / total,
        n1 * (total - positives) / total,
        n2 * positives / total,
        n2 * (total - positives) / total,
    ];
    if expected.iter().any(|e| *e < 5.0) {
        let r = |v: f64| v.round().max(0.0) as u64;
        let (a, b, c, d) = (r(x1), r(n1 - x1), r(x2), r(n2 - x2));
        return Some(TestResult {
            method: TestMethod::Fisher,
            z,
            t: None,
            df: None,
            statistic: None,
            p: None,
            p_value: fisher_exact(a, b, c, d),
            p_adjusted: f64::NAN,
        });
    }
    let p_value = match z {
        Some(z) => 2.0 * standard_normal().cdf(-z.abs()),
        None => 1.0,
    };
    Some(TestResult {
        method: TestMethod::Z,
        z,
        t: None,
        df: None,
        statistic: None,
        p: None,
        p_value,
        p_adjusted: f64::NAN,
    })
}

/// The pooled two-proportion z statistic; undefined when the pooled rate is 0 or 1.
pub fn pooled_z(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<f64> {
    let pooled = (x1 + x2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    (se > 0.0).then(|| (x1 / n1 - x2 / n2) / se)
}

/// Fisher's exact test, two-sided, of the table `[[a, b], [c, d]]`: the probability of every
/// table with the same margins that is no more likely than the observed one (R's definition,
/// with its relative tolerance of 1e-7).
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (row1, col1, n) = (a + b, a + c, a + b + c + d);
    let ln_choose = |n: u64, k: u64| ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k);
    let ln_p = |x: u64| ln_choose(col1, x) + ln_choose(n - col1, row1 - x) - ln_choose(n, row1);
    let lo = row1.saturating_sub(n - col1);
    let hi = row1.min(col1);
    let observed = ln_p(a);
    let p: f64 = (lo..=hi)
        .map(ln_p)
        .filter(|lp| *lp <= observed + 1e-7f64.ln_1p())
        .map(f64::exp)
        .sum();
    p.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compas_fpr_z_statistic() {
        // African-American 805 of 1795 false positives vs Caucasian 349 of 1488: "12.78 SDs".
        let t = two_proportions(805.0, 1795.0, 349.0, 1488.0).unwrap();
        assert_eq!(t.method, TestMethod::Z);
        assert!((t.z.unwrap() - 12.78).abs() < 0.01, "{:?}", t.z);
        assert!(t.p_value < 1e-30);
    }

    #[test]
    fn fisher_matches_scipy() {
        // scipy.stats.fisher_exact([[0, 5], [500, 500]]) and ([[1, 7], [30, 10]]).
        let t = two_proportions(0.0, 5.0, 500.0, 1000.0).unwrap();
        assert_eq!(t.method, TestMethod::Fisher);
        assert!((t.p_value - 0.0619).abs() < 5e-5, "{}", t.p_value);
        assert!(
            (fisher_exact(1, 7, 30, 10) - 0.00166).abs() < 5e-6,
            "{}",
            fisher_exact(1, 7, 30, 10)
        );
        assert!((fisher_exact(3, 1, 1, 3) - 0.485714).abs() < 1e-6);
    }

    #[test]
    fn equal_extreme_rates_have_no_z() {
        let t = two_proportions(0.0, 50.0, 0.0, 80.0).unwrap();
        assert_eq!(t.z, None);
        assert_eq!(t.p_value, 1.0);
    }
}
