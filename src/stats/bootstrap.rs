//! Stratified bootstrap of statistics computed from per-group counts: each replicate redraws
//! every group's cells from a multinomial with the group's own size and cell shares, so no group
//! vanishes from a replicate and the cost does not depend on the number of rows. Replicates run
//! in parallel (rayon) and each has its own seeded stream, so results do not depend on threads.
//! The statistic is a function of the redrawn counts; plain numbers in, numbers out.

use super::standard_normal;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;
use statrs::distribution::ContinuousCDF;

/// One group to redraw: how many trials (its effective size) and its cells' shares.
#[derive(Debug, Clone, PartialEq)]
pub struct Stratum {
    /// Trials of the multinomial.
    pub trials: u64,
    /// Probability of each cell; they add up to 1.
    pub shares: Vec<f64>,
}

/// How many replicates, from which seed, at which confidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resampling {
    /// Replicates (0: no intervals).
    pub replicates: usize,
    /// Seed of the replicates' streams.
    pub seed: u64,
    /// Confidence level of the percentile intervals.
    pub confidence: f64,
}

/// Bias-corrected percentile intervals (Efron's BC; numpy's linear quantiles) of the statistics
/// that `statistic` computes from each replicate's redrawn counts (one vector of cell counts per
/// stratum), around their `estimates` from the data. A statistic like highest − lowest over groups
/// is biased upwards in resamples, so a plain percentile interval can miss its own estimate; the
/// bias correction moves the quantiles by how many replicates fall below the estimate, and an
/// interval that still misses it (every replicate on one side) is widened to reach it.
/// Replicates where a statistic is undefined are left out of its interval; an undefined estimate
/// has none.
pub fn bias_corrected_intervals<F>(
    strata: &[Stratum],
    estimates: &[Option<f64>],
    resampling: Resampling,
    statistic: F,
) -> Vec<Option<[f64; 2]>>
where
    F: Fn(&[Vec<u64>]) -> Vec<Option<f64>> + Sync,
{
    if resampling.replicates == 0 || strata.is_empty() {
        return vec![None; estimates.len()];
    }
    let replicates: Vec<Vec<Option<f64>>> = (0..resampling.replicates)
        .into_par_iter()
        .map(|b| {
            let mut rng = ChaCha8Rng::seed_from_u64(resampling.seed);
            rng.set_stream(b as u64);
            let drawn: Vec<Vec<u64>> = strata
                .iter()
                .map(|s| multinomial(s.trials, &s.shares, &mut rng))
                .collect();
            statistic(&drawn)
        })
        .collect();
    estimates
        .iter()
        .enumerate()
        .map(|(k, estimate)| {
            let estimate = (*estimate)?;
            let mut values: Vec<f64> = replicates.iter().filter_map(|r| r[k]).collect();
            if values.is_empty() {
                return None;
            }
            values.sort_by(f64::total_cmp);
            let [lo, hi] = bias_corrected(&values, estimate, resampling.confidence);
            Some([lo.min(estimate), hi.max(estimate)])
        })
        .collect()
}

/// Efron's bias-corrected percentile interval of sorted replicate `values` around `estimate`:
/// `z0 = Φ⁻¹(share of replicates below the estimate, ties counting half)`, and the quantiles at
/// `Φ(2·z0 ∓ z)`. The share is kept within half a replicate of 0 and 1.
pub fn bias_corrected(sorted: &[f64], estimate: f64, confidence: f64) -> [f64; 2] {
    let normal = standard_normal();
    let z = normal.inverse_cdf(1.0 - (1.0 - confidence) / 2.0);
    let b = sorted.len() as f64;
    let below = sorted.iter().filter(|v| **v < estimate).count() as f64
        + 0.5 * sorted.iter().filter(|v| **v == estimate).count() as f64;
    let z0 = normal.inverse_cdf((below / b).clamp(0.5 / b, 1.0 - 0.5 / b));
    [
        quantile(sorted, normal.cdf(2.0 * z0 - z)),
        quantile(sorted, normal.cdf(2.0 * z0 + z)),
    ]
}

/// A multinomial draw as a chain of binomials.
fn multinomial(trials: u64, shares: &[f64], rng: &mut ChaCha8Rng) -> Vec<u64> {
    let mut left = trials;
    let mut mass = 1.0;
    let mut out = Vec::with_capacity(shares.len());
    for (i, &p) in shares.iter().enumerate() {
        let k = if i + 1 == shares.len() || mass <= 0.0 {
            left
        } else {
            let q = (p / mass).clamp(0.0, 1.0);
            Binomial::new(left, q).map_or(0, |b| b.sample(rng))
        };
        out.push(k);
        left -= k.min(left);
        mass -= p;
    }
    out
}

/// The `q` quantile of sorted values with linear interpolation (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.quantile([1, 2, 3, 4], [0.025, 0.5, 0.975]) = [1.075, 2.5, 3.925]
        let v = [1.0, 2.0, 3.0, 4.0];
        assert!((quantile(&v, 0.025) - 1.075).abs() < 1e-12);
        assert!((quantile(&v, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile(&v, 0.975) - 3.925).abs() < 1e-12);
    }

    #[test]
    fn multinomial_draws_keep_the_total() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let d = multinomial(1000, &[0.1, 0.2, 0.3, 0.4], &mut rng);
        assert_eq!(d.iter().sum::<u64>(), 1000);
    }

    #[test]
    fn bootstrap_interval_covers_a_known_gap_and_is_reproducible() {
        // Two groups, selection 300/1000 and 500/1000: the difference 0.2 has the normal-
        // approximation 95% interval 0.2 ± 1.96 × sqrt(.21/1000 + .25/1000) = ±0.042.
        let strata = [
            Stratum {
                trials: 1000,
                shares: vec![0.3, 0.7],
            },
            Stratum {
                trials: 1000,
                shares: vec![0.5, 0.5],
            },
        ];
        let resampling = Resampling {
            replicates: 1000,
            seed: 20240601,
            confidence: 0.95,
        };
        let gap = |d: &[Vec<u64>]| vec![Some((d[1][0] as f64 - d[0][0] as f64) / 1000.0)];
        let ci = bias_corrected_intervals(&strata, &[Some(0.2)], resampling, gap);
        let [lo, hi] = ci[0].unwrap();
        assert!(
            (lo - 0.158).abs() < 0.01 && (hi - 0.242).abs() < 0.01,
            "{lo} {hi}"
        );
        assert_eq!(
            ci,
            bias_corrected_intervals(&strata, &[Some(0.2)], resampling, gap)
        );
        let none = Resampling {
            replicates: 0,
            ..resampling
        };
        assert_eq!(
            bias_corrected_intervals(&strata, &[Some(0.2)], none, gap),
            vec![None]
        );
    }

    #[test]
    fn bias_correction_matches_scipy_and_numpy() {
        // Computed once with scipy 1.17.1 and numpy 2.4.6: z0 = norm.ppf(share below), then
        // numpy.quantile(values, [norm.cdf(2*z0 - z), norm.cdf(2*z0 + z)]), z = norm.ppf(0.975).
        let values: Vec<f64> = (1..=20).map(|i| i as f64 / 10.0).collect();
        let [lo, hi] = bias_corrected(&values, 0.55, 0.95);
        assert!(
            (lo - 0.10088966).abs() < 1e-7 && (hi - 1.48585064).abs() < 1e-7,
            "{lo} {hi}"
        );
        // Ties with the estimate count half.
        let values = [0.3, 0.3, 0.4, 0.5, 0.5, 0.5, 0.6, 0.8];
        let [lo, hi] = bias_corrected(&values, 0.5, 0.95);
        assert!(
            (lo - 0.3).abs() < 1e-12 && (hi - 0.78394843).abs() < 1e-7,
            "{lo} {hi}"
        );
    }

    #[test]
    fn a_biased_statistic_keeps_its_estimate_inside_its_interval() {
        // Six groups of 40 with the same rate 0.5 observed as 18-22 of 40: the spread
        // (highest − lowest) observed is 0.1, and resamples of six small groups spread wider, so
        // the plain percentile interval lies above the estimate.
        let observed = [18u64, 22, 20, 19, 21, 20];
        let strata: Vec<Stratum> = observed
            .iter()
            .map(|&x| Stratum {
                trials: 40,
                shares: vec![x as f64 / 40.0, 1.0 - x as f64 / 40.0],
            })
            .collect();
        let spread = |d: &[Vec<u64>]| {
            let rates: Vec<f64> = d.iter().map(|c| c[0] as f64 / 40.0).collect();
            let max = rates.iter().copied().fold(f64::MIN, f64::max);
            let min = rates.iter().copied().fold(f64::MAX, f64::min);
            vec![Some(max - min)]
        };
        let resampling = Resampling {
            replicates: 2000,
            seed: 7,
            confidence: 0.95,
        };
        let estimate = 0.1;
        let [lo, hi] =
            bias_corrected_intervals(&strata, &[Some(estimate)], resampling, spread)[0].unwrap();
        assert!(lo <= estimate && estimate <= hi, "[{lo}, {hi}]");
        // Without the bias correction (as if the estimate were the replicates' typical spread)
        // the interval lies above the estimate.
        let plain =
            bias_corrected_intervals(&strata, &[Some(0.35)], resampling, spread)[0].unwrap();
        assert!(plain[0] > estimate, "{plain:?}");
    }
}
