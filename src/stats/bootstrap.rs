//! Stratified bootstrap of the between-groups summaries: each replicate redraws every group's
//! confusion cells from a multinomial with the group's own size and cell shares, so no group
//! vanishes from a replicate and the cost does not depend on the number of rows. Replicates run
//! in parallel (rayon) and each has its own seeded stream, so results do not depend on threads.

use crate::measure::summarize;
use crate::results::Intervals;
use crate::spec::StatsSpec;
use crate::tally::{Cells, Tally};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;

/// Percentile intervals of every summary over `groups` (the groups not excluded).
pub fn summary_intervals(
    groups: &[Tally],
    has_label: bool,
    stats: &StatsSpec,
    set_index: usize,
) -> Intervals {
    let names: Vec<String> = summarize(&[], has_label).keys().cloned().collect();
    if stats.bootstrap == 0 || groups.is_empty() {
        return names.into_iter().map(|n| (n, None)).collect();
    }
    let seed = stats
        .seed
        .wrapping_add((set_index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let replicates: Vec<Vec<Option<f64>>> = (0..stats.bootstrap)
        .into_par_iter()
        .map(|b| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(b as u64);
            let cells: Vec<Cells> = groups
                .iter()
                .map(|g| redraw(g, has_label, &mut rng))
                .collect();
            summarize(&cells, has_label).into_values().collect()
        })
        .collect();
    let alpha = 1.0 - stats.confidence;
    names
        .into_iter()
        .enumerate()
        .map(|(k, name)| {
            let mut values: Vec<f64> = replicates.iter().filter_map(|r| r[k]).collect();
            values.sort_by(f64::total_cmp);
            let interval = (!values.is_empty()).then(|| {
                [
                    quantile(&values, alpha / 2.0),
                    quantile(&values, 1.0 - alpha / 2.0),
                ]
            });
            (name, interval)
        })
        .collect()
}

/// One replicate of a group: its effective size redrawn over its cells.
fn redraw(g: &Tally, has_label: bool, rng: &mut ChaCha8Rng) -> Cells {
    let s = &g.sum;
    let n_eff = if g.sq.n > 0.0 {
        s.n * s.n / g.sq.n
    } else {
        0.0
    };
    let trials = n_eff.round() as u64;
    let shares: Vec<f64> = if has_label {
        [s.tp, s.fp, s.tn, s.fn_].iter().map(|c| c / s.n).collect()
    } else {
        [s.pp, s.pn].iter().map(|c| c / s.n).collect()
    };
    let drawn = multinomial(trials, &shares, rng);
    let mut out = Cells::default();
    if has_label {
        for (k, (d, l)) in [(true, true), (true, false), (false, false), (false, true)]
            .into_iter()
            .enumerate()
        {
            out.record(d, Some(l), drawn[k] as f64);
        }
    } else {
        out.record(true, None, drawn[0] as f64);
        out.record(false, None, drawn[1] as f64);
    }
    out
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
        // Two groups, selection 300/1000 and 500/1000: demographic parity difference 0.2, whose
        // normal-approximation 95% interval is 0.2 ± 1.96 × sqrt(.21/1000 + .25/1000) = ±0.042.
        let a = Tally::from_pairs((0..1000).map(|i| (i < 300, None)));
        let b = Tally::from_pairs((0..1000).map(|i| (i < 500, None)));
        let stats = StatsSpec::default();
        let ci = summary_intervals(&[a, b], false, &stats, 0);
        let [lo, hi] = ci["demographic_parity_difference"].unwrap();
        assert!(
            (lo - 0.158).abs() < 0.01 && (hi - 0.242).abs() < 0.01,
            "{lo} {hi}"
        );
        assert_eq!(ci, summary_intervals(&[a, b], false, &stats, 0));
    }
}
