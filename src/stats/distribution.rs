//! A numeric outcome (a price, a waiting time) in one group, held as its distinct values and how
//! many rows have each (what the tally of a numeric outcome yields), and the statistics on it:
//! moments, quantiles (numpy's linear interpolation), Welch's t-test and interval, the
//! standardized mean difference, the two-sample Kolmogorov–Smirnov statistic, and a stratified
//! bootstrap of the median difference. Plain numbers in, numbers out.

use super::bootstrap::bias_corrected;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution as _};
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Distinct values in increasing order, each with its count of rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distribution {
    values: Vec<f64>,
    counts: Vec<u64>,
    /// Rows up to and including each value.
    cumulative: Vec<u64>,
}

impl Distribution {
    /// The distribution of `(value, rows)` pairs in any order (equal values are merged; NaN is
    /// not a value and must not be given).
    pub fn from_counts(pairs: impl IntoIterator<Item = (f64, u64)>) -> Self {
        let mut pairs: Vec<(f64, u64)> = pairs.into_iter().filter(|p| p.1 > 0).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut d = Distribution::default();
        for (v, c) in pairs {
            match d.values.last() {
                Some(last) if *last == v => *d.counts.last_mut().unwrap_or(&mut 0) += c,
                _ => {
                    d.values.push(v);
                    d.counts.push(c);
                }
            }
        }
        let mut total = 0;
        d.cumulative = d
            .counts
            .iter()
            .map(|c| {
                total += c;
                total
            })
            .collect();
        d
    }

    /// The distribution of every row of both.
    pub fn merged(&self, other: &Distribution) -> Distribution {
        Distribution::from_counts(self.pairs().chain(other.pairs()))
    }

    /// `(value, rows)` in increasing order of value.
    pub fn pairs(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.values.iter().copied().zip(self.counts.iter().copied())
    }

    /// Rows.
    pub fn n(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The mean (compensated sum, so prices in the millions keep their cents).
    pub fn mean(&self) -> Option<f64> {
        let n = self.n();
        (n > 0).then(|| neumaier(self.pairs().map(|(v, c)| v * c as f64)) / n as f64)
    }

    /// The sample variance (denominator n − 1), two-pass around the mean as numpy computes it.
    pub fn variance(&self) -> Option<f64> {
        let n = self.n();
        let mean = self.mean()?;
        (n > 1).then(|| {
            neumaier(
                self.pairs()
                    .map(|(v, c)| (v - mean) * (v - mean) * c as f64),
            ) / (n - 1) as f64
        })
    }

    /// The sample standard deviation.
    pub fn std(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// The interval of the mean at `confidence`: mean ± t(n − 1) · s / √n.
    pub fn mean_interval(&self, confidence: f64) -> Option<[f64; 2]> {
        let n = self.n() as f64;
        let (mean, sd) = (self.mean()?, self.std()?);
        let t = StudentsT::new(0.0, 1.0, n - 1.0).ok()?;
        let half = t.inverse_cdf(1.0 - (1.0 - confidence) / 2.0) * sd / n.sqrt();
        Some([mean - half, mean + half])
    }

    /// The smallest value.
    pub fn min(&self) -> Option<f64> {
        self.values.first().copied()
    }

    /// The largest value.
    pub fn max(&self) -> Option<f64> {
        self.values.last().copied()
    }

    /// The `k`-th smallest row's value (0-based).
    fn at(&self, k: u64) -> f64 {
        let i = self.cumulative.partition_point(|&c| c <= k);
        self.values[i.min(self.values.len() - 1)]
    }

    /// The `q` quantile with linear interpolation between order statistics (numpy's default).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
        let lo = pos.floor() as u64;
        let (a, b) = (self.at(lo), self.at((lo + 1).min(n - 1)));
        Some(a + (b - a) * (pos - lo as f64))
    }

    /// The median.
    pub fn median(&self) -> Option<f64> {
        self.quantile(0.5)
    }

    /// The value below which a share `u` (0 ≤ u < 1) of the rows lie: the empirical quantile
    /// function, through which a uniform draw becomes a draw of a row.
    fn inverse(&self, u: f64) -> f64 {
        let n = self.n();
        self.at(((u * n as f64) as u64).min(n - 1))
    }

    /// Share of rows at or below `x`.
    fn cdf(&self, x: f64) -> f64 {
        let i = self.values.partition_point(|v| *v <= x);
        if i == 0 {
            0.0
        } else {
            self.cumulative[i - 1] as f64 / self.n() as f64
        }
    }

    /// The median of a resample of `n` rows drawn with replacement, drawn directly: the `m`-th
    /// smallest of `n` uniforms is Beta(m, n − m + 1), and the next one lies above it as the
    /// smallest of the remaining `n − m` uniforms. Exact, and independent of `n` in cost.
    fn resampled_median(&self, rng: &mut ChaCha8Rng) -> f64 {
        let n = self.n();
        if n == 1 {
            return self.values[0];
        }
        let m = n.div_ceil(2);
        let u = Beta::new(m as f64, (n - m + 1) as f64).map_or(0.5, |b| b.sample(rng));
        if n % 2 == 1 {
            return self.inverse(u);
        }
        let v: f64 = rng.random();
        let next = u + (1.0 - u) * (1.0 - v.powf(1.0 / (n - m) as f64));
        (self.inverse(u) + self.inverse(next)) / 2.0
    }
}

/// Count, mean and sum of squared deviations of some rows' outcome: what a least-squares fit
/// needs of them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    /// Rows.
    pub n: f64,
    /// Their mean.
    pub mean: f64,
    /// Σ (y − mean)².
    pub m2: f64,
}

impl Moments {
    /// The moments of `n` rows from the sums of their distances from a `shift` and of the
    /// squares (the moments table's sums).
    pub fn from_shifted(n: f64, shift: f64, sum: f64, sum_sq: f64) -> Moments {
        if n <= 0.0 {
            return Moments::default();
        }
        Moments {
            n,
            mean: shift + sum / n,
            m2: (sum_sq - sum * sum / n).max(0.0),
        }
    }

    /// Adds other rows (Chan's pairwise update, accurate whatever the sizes).
    pub fn merge(&mut self, o: &Moments) {
        let n = self.n + o.n;
        if n <= 0.0 {
            return;
        }
        let delta = o.mean - self.mean;
        self.m2 += o.m2 + delta * delta * self.n * o.n / n;
        self.mean += delta * o.n / n;
        self.n = n;
    }
}

/// A sum with Neumaier's compensation.
fn neumaier(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut compensation) = (0.0f64, 0.0f64);
    for v in values {
        let t = sum + v;
        compensation += if sum.abs() >= v.abs() {
            (sum - t) + v
        } else {
            (v - t) + sum
        };
        sum = t;
    }
    sum + compensation
}

/// Welch's unequal-variances comparison of two means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Welch {
    /// Mean of the first minus mean of the second.
    pub difference: f64,
    /// The t statistic.
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// The interval of the difference at the requested confidence.
    pub interval: [f64; 2],
}

/// Welch's t-test and interval of `a`'s mean minus `b`'s; `None` when either has fewer than two
/// rows or both have no spread.
pub fn welch(a: &Distribution, b: &Distribution, confidence: f64) -> Option<Welch> {
    welch_from_summaries(
        (a.n() as f64, a.mean()?, a.variance()?),
        (b.n() as f64, b.mean()?, b.variance()?),
        confidence,
    )
}

/// Welch's t-test and interval from each sample's `(n, mean, sample variance)`.
pub fn welch_from_summaries(
    (na, mean_a, va): (f64, f64, f64),
    (nb, mean_b, vb): (f64, f64, f64),
    confidence: f64,
) -> Option<Welch> {
    if na < 2.0 || nb < 2.0 {
        return None;
    }
    let (sa, sb) = (va / na, vb / nb);
    let se = (sa + sb).sqrt();
    if se <= 0.0 {
        return None;
    }
    let difference = mean_a - mean_b;
    let df = (sa + sb).powi(2) / (sa * sa / (na - 1.0) + sb * sb / (nb - 1.0));
    let t_dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let t = difference / se;
    let q = t_dist.inverse_cdf(1.0 - (1.0 - confidence) / 2.0);
    Some(Welch {
        difference,
        t,
        df,
        p_value: 2.0 * t_dist.cdf(-t.abs()),
        interval: [difference - q * se, difference + q * se],
    })
}

/// The standardized mean difference: `a`'s mean minus `b`'s over the pooled sample standard
/// deviation `sqrt(((na − 1)·sa² + (nb − 1)·sb²) / (na + nb − 2))`.
pub fn standardized_mean_difference(a: &Distribution, b: &Distribution) -> Option<f64> {
    let (na, nb) = (a.n() as f64, b.n() as f64);
    if na + nb <= 2.0 {
        return None;
    }
    let pooled = ((na - 1.0) * a.variance().unwrap_or(0.0)
        + (nb - 1.0) * b.variance().unwrap_or(0.0))
        / (na + nb - 2.0);
    (pooled > 0.0).then(|| (a.mean().unwrap_or(0.0) - b.mean().unwrap_or(0.0)) / pooled.sqrt())
}

/// The two-sample Kolmogorov–Smirnov statistic (the largest gap between the two empirical
/// distribution functions) and its asymptotic two-sided p-value, the Kolmogorov distribution's
/// tail at `D·sqrt(na·nb / (na + nb))` (scipy's `kstwobign.sf`).
pub fn kolmogorov_smirnov(a: &Distribution, b: &Distribution) -> Option<(f64, f64)> {
    let (na, nb) = (a.n() as f64, b.n() as f64);
    if na == 0.0 || nb == 0.0 {
        return None;
    }
    let d = a
        .values
        .iter()
        .chain(&b.values)
        .map(|&x| (a.cdf(x) - b.cdf(x)).abs())
        .fold(0.0, f64::max);
    Some((d, kolmogorov_tail(d * (na * nb / (na + nb)).sqrt())))
}

/// `P(K > x)` for the Kolmogorov distribution: `2 Σ (−1)^(k−1) exp(−2 k² x²)`.
pub fn kolmogorov_tail(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    if x < 0.2 {
        // The alternating series converges slowly here; the tail is 1 to double precision.
        return 1.0;
    }
    let mut sum = 0.0;
    for k in 1..=200 {
        let k = k as f64;
        let term = (-2.0 * k * k * x * x).exp();
        sum += if k as u64 % 2 == 1 { term } else { -term };
        if term < 1e-17 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// The bias-corrected percentile interval of `a`'s median minus `b`'s over `replicates`
/// stratified resamples (each distribution redrawn with its own size), each from its own seeded
/// stream so the result does not depend on threads; `None` with no replicates or rows.
pub fn median_difference_interval(
    a: &Distribution,
    b: &Distribution,
    replicates: usize,
    seed: u64,
    confidence: f64,
) -> Option<[f64; 2]> {
    let estimate = a.median()? - b.median()?;
    if replicates == 0 {
        return None;
    }
    let mut drawn: Vec<f64> = (0..replicates)
        .into_par_iter()
        .map(|r| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(r as u64);
            a.resampled_median(&mut rng) - b.resampled_median(&mut rng)
        })
        .collect();
    drawn.sort_by(f64::total_cmp);
    let [lo, hi] = bias_corrected(&drawn, estimate, confidence);
    Some([lo.min(estimate), hi.max(estimate)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: &[f64]) -> Distribution {
        Distribution::from_counts(values.iter().map(|v| (*v, 1)))
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} vs {b}");
    }

    #[test]
    fn moments_merge_like_the_rows_they_hold() {
        let rows = [
            1.0e6 + 0.5,
            1.0e6 + 1.5,
            1.0e6 + 4.0,
            1.0e6 + 2.0,
            1.0e6 + 7.0,
        ];
        let moments_of = |ys: &[f64]| {
            let min = ys.iter().copied().fold(f64::INFINITY, f64::min);
            let sum: f64 = ys.iter().map(|y| y - min).sum();
            let sum_sq: f64 = ys.iter().map(|y| (y - min) * (y - min)).sum();
            Moments::from_shifted(ys.len() as f64, min, sum, sum_sq)
        };
        let mut merged = moments_of(&rows[..2]);
        merged.merge(&moments_of(&rows[2..]));
        let all = moments_of(&rows);
        let d = of(&rows);
        close(merged.mean, d.mean().unwrap(), 1e-15);
        close(merged.m2, d.variance().unwrap() * 4.0, 1e-10);
        close(all.m2, merged.m2, 1e-10);
    }

    #[test]
    fn quantiles_and_moments_match_numpy() {
        // numpy 2: np.quantile(x, [.1,.25,.5,.75,.9]) of x = [1, 2, 2, 3, 7, 10]
        // -> [1.5, 2.0, 2.5, 6.0, 8.5]; x.mean() 4.166666666666667; x.std(ddof=1) 3.5449494589721118
        let d = of(&[7.0, 2.0, 1.0, 10.0, 2.0, 3.0]);
        for (q, want) in [(0.1, 1.5), (0.25, 2.0), (0.5, 2.5), (0.75, 6.0), (0.9, 8.5)] {
            close(d.quantile(q).unwrap(), want, 1e-12);
        }
        close(d.mean().unwrap(), 4.166666666666667, 1e-15);
        close(d.std().unwrap(), 3.5449494589721118, 1e-15);
        assert_eq!((d.min(), d.max(), d.n()), (Some(1.0), Some(10.0), 6));
    }

    #[test]
    fn prices_in_the_millions_keep_their_variance() {
        // 1,000,000 + k/100 for k = 0..999, each twice: the variance is that of k/100,
        // (1000² − 1)/12 / 10⁴ × 2000/1999 (population variance of 0..999, rescaled to n − 1).
        let d = Distribution::from_counts((0..1000).map(|k| (1.0e6 + k as f64 / 100.0, 2)));
        let want = (1000.0f64 * 1000.0 - 1.0) / 12.0 / 1e4 * 2000.0 / 1999.0;
        close(d.variance().unwrap(), want, 1e-9);
        close(d.mean().unwrap(), 1.0e6 + 4.995, 1e-15);
    }

    #[test]
    fn welch_smd_and_ks_match_scipy() {
        // scipy 1.17: ttest_ind(a, b, equal_var=False) -> t = -1.3587324409735149,
        // p = 0.21023894969903964, df = 8.243902439024389, confidence_interval(0.95) =
        // (-5.376945149450915, 1.3769451494509148); ks_2samp(a, b).statistic = 1/3, and the
        // asymptotic tail stats.kstwobign.sf(sqrt(6·6/12) / 3) = 0.8927783372501086 (scipy's
        // ks_2samp(method="asymp") uses the finite-n kstwo instead: 0.7778 at n = 3, the same
        // limit for large groups). SMD: (a.mean() - b.mean()) / sqrt((5·a.var(ddof=1) +
        // 5·b.var(ddof=1)) / 10) = -0.7844645405527362.
        let a = of(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = of(&[2.0, 4.0, 6.0, 8.0, 10.0, 3.0]);
        let w = welch(&a, &b, 0.95).unwrap();
        close(w.t, -1.3587324409735149, 1e-12);
        close(w.p_value, 0.21023894969903964, 1e-10);
        close(w.df, 8.243902439024389, 1e-12);
        close(w.interval[0], -5.376945149450915, 1e-10);
        close(w.interval[1], 1.3769451494509148, 1e-10);
        close(
            standardized_mean_difference(&a, &b).unwrap(),
            -0.7844645405527362,
            1e-12,
        );
        let (d, p) = kolmogorov_smirnov(&a, &b).unwrap();
        close(d, 1.0 / 3.0, 1e-12);
        close(p, 0.8927783372501086, 1e-10);
    }

    /// The bootstrap by definition: `n` rows drawn with replacement, their median.
    fn brute_force_median(values: &[f64], rng: &mut ChaCha8Rng) -> f64 {
        let drawn: Vec<f64> = (0..values.len())
            .map(|_| values[rng.random_range(0..values.len())])
            .collect();
        of(&drawn).median().unwrap()
    }

    #[test]
    fn the_direct_draw_matches_resampling_rows() {
        // A skewed log with ties (odd and even sizes): the quantiles of 20,000 medians drawn
        // directly and of 20,000 medians of rows resampled one by one agree.
        for n in [41usize, 60] {
            let values: Vec<f64> = (0..n)
                .map(|i| ((i * i) % 17) as f64 + (i / 7) as f64)
                .collect();
            let d = of(&values);
            let mut rng = ChaCha8Rng::seed_from_u64(11);
            let mut direct: Vec<f64> = (0..20_000).map(|_| d.resampled_median(&mut rng)).collect();
            let mut brute: Vec<f64> = (0..20_000)
                .map(|_| brute_force_median(&values, &mut rng))
                .collect();
            direct.sort_by(f64::total_cmp);
            brute.sort_by(f64::total_cmp);
            for q in [0.1, 0.25, 0.5, 0.75, 0.9] {
                let (a, b) = (
                    crate::stats::bootstrap::quantile(&direct, q),
                    crate::stats::bootstrap::quantile(&brute, q),
                );
                assert!((a - b).abs() <= 0.5, "n {n}, q {q}: {a} vs {b}");
            }
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            assert!((mean(&direct) - mean(&brute)).abs() < 0.05, "n {n}");
        }
    }

    #[test]
    fn the_resampled_median_is_distributed_as_the_bootstrap_says() {
        // Rows 0..=9 (even n): a bootstrap median is the mean of the 5th and 6th smallest of 10
        // draws. Its mean over many draws is 4.5 by symmetry.
        let d = of(&(0..10).map(f64::from).collect::<Vec<_>>());
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let draws: Vec<f64> = (0..20_000).map(|_| d.resampled_median(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        close(mean, 4.5, 0.01);
        assert!(draws.iter().all(|m| (0.0..=9.0).contains(m)));
        let interval = median_difference_interval(&d, &of(&[0.0, 1.0, 2.0]), 500, 1, 0.95).unwrap();
        assert!(interval[0] <= 3.5 && 3.5 <= interval[1]);
    }
}
