//! The smallest gap a comparison could have shown: for two groups of given sizes, the effect a
//! two-sided test at level α detects with the given power (normal approximation, as statsmodels'
//! `NormalIndPower`): a standardized mean difference, or for a rate Cohen's h (the difference of
//! 2·asin(√p)) turned back into the group's rate and its ratio to the reference's.

use super::standard_normal;
use statrs::distribution::ContinuousCDF;

/// The power the smallest detectable gap is given at.
pub const POWER: f64 = 0.8;

/// The standardized effect (an SMD, or Cohen's h) detected with `power` by a two-sided test at
/// `alpha` between groups of `n1` and `n0`: (z₁₋α/₂ + z_power) · √(1/n1 + 1/n0).
pub fn detectable_effect(n1: f64, n0: f64, alpha: f64, power: f64) -> Option<f64> {
    if n1 <= 0.0 || n0 <= 0.0 || !(0.0..1.0).contains(&alpha) || alpha == 0.0 {
        return None;
    }
    let z = |p: f64| standard_normal().inverse_cdf(p);
    Some((z(1.0 - alpha / 2.0) + z(power)) * (1.0 / n1 + 1.0 / n0).sqrt())
}

/// The ratio to the reference's rate `p0` of the rate a group of `n1` rows would need, on the
/// side `lower` (below the reference's, else above), for the difference to be detected against
/// `n0` reference rows: the rate at Cohen's h of [`detectable_effect`] from `p0`. `None` when no
/// rate on that side is far enough (the bound 0 or 1 is reached first) or `p0` is 0.
pub fn detectable_ratio(
    (n1, n0): (f64, f64),
    p0: f64,
    lower: bool,
    (alpha, power): (f64, f64),
) -> Option<f64> {
    let h = detectable_effect(n1, n0, alpha, power)?;
    let phi0 = 2.0 * p0.sqrt().asin();
    let phi1 = if lower { phi0 - h } else { phi0 + h };
    if !(0.0..=std::f64::consts::PI).contains(&phi1) || p0 <= 0.0 {
        return None;
    }
    Some((phi1 / 2.0).sin().powi(2) / p0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_match_statsmodels_normal_ind_power() {
        // statsmodels 0.15: NormalIndPower().solve_power(effect_size=None, nobs1=32, alpha=0.05,
        // power=0.8, ratio=2454/32) = 0.4984729531430256; with Cohen's h from a reference rate of
        // 0.348, the group's rate sin(asin(√0.348) − h/2)² = 0.13876728373155056, ratio
        // 0.3987565624469844. statsmodels finds h by root finding, so the closed form agrees to
        // about six digits.
        let h = detectable_effect(32.0, 2454.0, 0.05, 0.8).unwrap();
        assert!((h - 0.4984729531430256).abs() < 1e-5, "{h}");
        let ratio = detectable_ratio((32.0, 2454.0), 0.348, true, (0.05, 0.8)).unwrap();
        assert!((ratio - 0.3987565624469844).abs() < 1e-5, "{ratio}");
        // Above: no rate short of 1 is far enough for a tiny group against a high rate.
        assert_eq!(
            detectable_ratio((3.0, 100.0), 0.9, false, (0.05, 0.8)),
            None
        );
        assert_eq!(detectable_effect(0.0, 10.0, 0.05, 0.8), None);
    }
}
