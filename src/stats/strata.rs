//! A group against its reference within strata (the combinations of the controls' values): the
//! group's selection rate standardized to the reference's mix of strata, the Mantel–Haenszel
//! common risk ratio with the Greenland–Robins interval, the Cochran–Mantel–Haenszel test, and
//! Kitagawa's split of the rate difference into the part the different mix explains and the
//! rest. Plain numbers in, numbers out.

use super::standard_normal;
use statrs::distribution::ContinuousCDF;

/// One stratum: positives and rows of the group, and of the reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stratum {
    /// The group's positive decisions.
    pub a: f64,
    /// The group's rows.
    pub n1: f64,
    /// The reference's positive decisions.
    pub c: f64,
    /// The reference's rows.
    pub n0: f64,
}

/// The strata both sides have rows in (the others say nothing of a difference within a stratum).
fn shared(strata: &[Stratum]) -> impl Iterator<Item = &Stratum> {
    strata.iter().filter(|s| s.n1 > 0.0 && s.n0 > 0.0)
}

/// The group's and the reference's selection rates over the shared strata, both weighted by the
/// reference's mix of them (direct standardization), with the interval of their ratio at `z`
/// (delta method on the log ratio, the weights taken as fixed).
pub fn standardized(strata: &[Stratum], z: f64) -> Option<(f64, f64, Option<[f64; 2]>)> {
    let total: f64 = shared(strata).map(|s| s.n0).sum();
    if total <= 0.0 {
        return None;
    }
    let (mut group, mut reference, mut var_g, mut var_r) = (0.0, 0.0, 0.0, 0.0);
    for s in shared(strata) {
        let w = s.n0 / total;
        let (pg, pr) = (s.a / s.n1, s.c / s.n0);
        group += w * pg;
        reference += w * pr;
        var_g += w * w * pg * (1.0 - pg) / s.n1;
        var_r += w * w * pr * (1.0 - pr) / s.n0;
    }
    let interval = (group > 0.0 && reference > 0.0).then(|| {
        let se = (var_g / (group * group) + var_r / (reference * reference)).sqrt();
        let log = (group / reference).ln();
        [(log - z * se).exp(), (log + z * se).exp()]
    });
    Some((group, reference, interval))
}

/// The Mantel–Haenszel common risk ratio, Σ a·n0/N / Σ c·n1/N, with the Greenland–Robins (1985)
/// interval of its logarithm at `z`.
pub fn mantel_haenszel(strata: &[Stratum], z: f64) -> Option<(f64, Option<[f64; 2]>)> {
    let (mut r, mut s, mut p) = (0.0, 0.0, 0.0);
    for t in shared(strata) {
        let n = t.n1 + t.n0;
        r += t.a * t.n0 / n;
        s += t.c * t.n1 / n;
        p += (t.n1 * t.n0 * (t.a + t.c) - t.a * t.c * n) / (n * n);
    }
    if r <= 0.0 || s <= 0.0 {
        return (s > 0.0).then_some((r / s, None));
    }
    let se = (p / (r * s)).sqrt();
    let log = (r / s).ln();
    Some((r / s, Some([(log - z * se).exp(), (log + z * se).exp()])))
}

/// The Cochran–Mantel–Haenszel test of no association within strata (without continuity
/// correction): the statistic, chi-square with 1 degree of freedom, and its p-value.
pub fn cochran_mantel_haenszel(strata: &[Stratum]) -> Option<(f64, f64)> {
    let (mut deviation, mut variance) = (0.0, 0.0);
    for t in shared(strata) {
        let n = t.n1 + t.n0;
        if n < 2.0 {
            continue;
        }
        let positives = t.a + t.c;
        deviation += t.a - t.n1 * positives / n;
        variance += t.n1 * t.n0 * positives * (n - positives) / (n * n * (n - 1.0));
    }
    (variance > 0.0).then(|| {
        let statistic = deviation * deviation / variance;
        (statistic, 2.0 * standard_normal().cdf(-statistic.sqrt()))
    })
}

/// The smallest raw gap split into shares: a ratio of the rates (over the shared strata) within
/// 1 ± this has no explained share, as a share of next to nothing is noise (−1851%).
pub const MIN_RAW_RATIO_GAP: f64 = 0.05;

/// Kitagawa's decomposition of the rate difference over the shared strata: the share of it due
/// to the group's different mix of strata, Σ (wg − wr)·(pg + pr)/2 over the difference
/// Σ wg·pg − Σ wr·pr (w: each side's share of its rows in the stratum). `None` when the ratio
/// of the two rates is within [`MIN_RAW_RATIO_GAP`] of 1.
pub fn explained_share(strata: &[Stratum]) -> Option<f64> {
    let (ng, nr): (f64, f64) = shared(strata).fold((0.0, 0.0), |(g, r), s| (g + s.n1, r + s.n0));
    if ng <= 0.0 || nr <= 0.0 {
        return None;
    }
    let (mut difference, mut composition) = (0.0, 0.0);
    for s in shared(strata) {
        let (wg, wr) = (s.n1 / ng, s.n0 / nr);
        let (pg, pr) = (s.a / s.n1, s.c / s.n0);
        difference += wg * pg - wr * pr;
        composition += (wg - wr) * (pg + pr) / 2.0;
    }
    let reference_rate = shared(strata)
        .map(|s| s.n0 / nr * (s.c / s.n0))
        .sum::<f64>();
    let ratio = (reference_rate > 0.0).then(|| (difference + reference_rate) / reference_rate);
    ratio
        .filter(|r| (r - 1.0).abs() >= MIN_RAW_RATIO_GAP)
        .map(|_| composition / difference)
}

/// The group's positive decisions short of the reference's rate within each shared stratum:
/// Σ (n1 · c/n0 − a), the people of the group who would have had the positive decision had each
/// stratum's rate been the reference's there (indirect standardization, on the group's own mix).
/// Negative when the group has more. `None` without a shared stratum.
pub fn within_shortfall(strata: &[Stratum]) -> Option<f64> {
    let mut shared = shared(strata).peekable();
    shared.peek()?;
    Some(shared.map(|s| s.n1 * s.c / s.n0 - s.a).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two strata where the group is mostly in the low-rate one.
    fn strata() -> Vec<Stratum> {
        vec![
            Stratum {
                a: 10.0,
                n1: 100.0,
                c: 5.0,
                n0: 50.0,
            },
            Stratum {
                a: 30.0,
                n1: 50.0,
                c: 120.0,
                n0: 200.0,
            },
        ]
    }

    #[test]
    fn equal_rates_within_strata_are_explained_by_the_mix() {
        // 10% and 60% on both sides: the raw gap (26.7% vs 50%) is all mix.
        let s = strata();
        let (g, r, _) = standardized(&s, 1.96).unwrap();
        assert!((g - r).abs() < 1e-12);
        assert!((explained_share(&s).unwrap() - 1.0).abs() < 1e-12);
        let (rr, _) = mantel_haenszel(&s, 1.96).unwrap();
        assert!((rr - 1.0).abs() < 1e-12);
        assert!(cochran_mantel_haenszel(&s).unwrap().0 < 1e-20);
        assert!(within_shortfall(&s).unwrap().abs() < 1e-12);
    }

    #[test]
    fn the_shortfall_within_strata_counts_the_group_at_the_references_rates() {
        // 100 × 10% − 5 and 50 × 60% − 20: 15 decisions short; the stratum without reference
        // rows says nothing.
        let mut s = strata();
        s[0].a = 5.0;
        s[1].a = 20.0;
        s.push(Stratum {
            a: 1.0,
            n1: 10.0,
            c: 0.0,
            n0: 0.0,
        });
        assert!((within_shortfall(&s).unwrap() - 15.0).abs() < 1e-12);
        assert_eq!(within_shortfall(&s[2..]), None);
    }
}
