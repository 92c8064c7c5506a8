//! The score audit of an attribute set, from each group's rows by score (the tally's score
//! keys): ROC, area and DeLong's test against the reference, ABROCA, the reliability table and
//! calibration, and the threshold sweep. Every number is a fold of the same cells.

use crate::results::score::{
    AtEqualScore, Calibration, CalibrationVerdict, GroupScoreAudit, ReliabilityBin, ScoreTest,
    SetScoreAudit, ThresholdRow,
};
use crate::results::AttributeSetResult;
use crate::spec::AuditSpec;
use crate::stats::adjust::adjust;
use crate::stats::calibration::recalibrate;
use crate::stats::interval::wilson;
use crate::stats::roc;
use crate::stats::strata::{cochran_mantel_haenszel, mantel_haenszel, Stratum};
use crate::stats::z_for;
use crate::tally::{ScoreBin, ScoreBins};

/// Bins of the reliability table.
pub const RELIABILITY_BINS: usize = 10;

/// Most thresholds of the sweep: the distinct scores, or this many quantiles of the pooled score.
pub const MAX_THRESHOLDS: usize = 200;

/// Most points of a ROC curve in the results (every k-th of the curve's, its ends kept).
const MAX_CURVE_POINTS: usize = 201;

/// One group's rows at each score key of the pooled log.
#[derive(Debug, Clone, Default)]
struct Aligned {
    bins: Vec<ScoreBin>,
}

impl Aligned {
    fn rows(&self) -> f64 {
        self.bins.iter().map(|b| b.weight).sum()
    }

    fn counts(&self) -> Vec<roc::Counts> {
        self.bins
            .iter()
            .map(|b| (b.positive, b.negative()))
            .collect()
    }
}

/// The pooled log's score keys, and a group's rows at each.
struct Pool {
    /// The keys with the pooled rows (min and max over every group).
    keys: Vec<ScoreBin>,
}

impl Pool {
    fn of(groups: &[&ScoreBins]) -> Pool {
        let cells: Vec<ScoreBin> = groups.iter().flat_map(|g| g.bins.clone()).collect();
        Pool {
            keys: ScoreBins::of(cells).bins,
        }
    }

    /// A group's bins at every pooled key (empty where the group has none).
    fn align(&self, group: &ScoreBins) -> Aligned {
        let mut bins: Vec<ScoreBin> = self
            .keys
            .iter()
            .map(|k| ScoreBin {
                key: k.key,
                min: k.min,
                max: k.max,
                ..ScoreBin::default()
            })
            .collect();
        for b in &group.bins {
            if let Ok(i) = self.keys.binary_search_by(|k| k.key.total_cmp(&b.key)) {
                bins[i] = *b;
            }
        }
        Aligned { bins }
    }

    /// Whether every score lies from 0 to 1.
    fn probabilities(&self) -> bool {
        self.keys.iter().all(|k| k.min >= 0.0 && k.max <= 1.0)
    }

    /// Each key's bin of the reliability table: for probabilities the tenths of [0, 1] as
    /// scikit-learn's `calibration_curve` cuts them (a score on an edge belongs to the lower
    /// bin); a score of at most ten values, each value; otherwise tenths of the pooled rows.
    fn reliability_bins(&self) -> Vec<usize> {
        let n = RELIABILITY_BINS;
        if self.probabilities() {
            let edges: Vec<f64> = (1..n).map(|i| i as f64 * (1.0 / n as f64)).collect();
            return self
                .keys
                .iter()
                .map(|k| edges.iter().filter(|e| **e < k.mean()).count())
                .collect();
        }
        if self.keys.len() <= n {
            return (0..self.keys.len()).collect();
        }
        let total: f64 = self.keys.iter().map(|k| k.weight).sum();
        let mut below = 0.0;
        self.keys
            .iter()
            .map(|k| {
                let bin = ((below / total) * n as f64).floor() as usize;
                below += k.weight;
                bin.min(n - 1)
            })
            .collect()
    }

    /// The thresholds of the sweep, as key indices: every key's lowest score, or
    /// [`MAX_THRESHOLDS`] quantiles of the pooled rows and the first key at or above `used`, the
    /// threshold in use.
    fn grid(&self, used: f64) -> Vec<usize> {
        if self.keys.len() <= MAX_THRESHOLDS {
            return (0..self.keys.len()).collect();
        }
        let total: f64 = self.keys.iter().map(|k| k.weight).sum();
        let mut grid = Vec::new();
        let mut below = 0.0;
        for (i, k) in self.keys.iter().enumerate() {
            let q = (below / total * MAX_THRESHOLDS as f64).floor() as usize;
            if grid.len() <= q {
                grid.push(i);
            }
            below += k.weight;
        }
        let at_used = self.keys.partition_point(|k| k.min < used);
        if at_used < self.keys.len() && !grid.contains(&at_used) {
            grid.push(at_used);
            grid.sort();
        }
        grid
    }
}

/// Adds the score audit to `set`, whose groups' rows by score are `scores` (in the set's group
/// order), when the audit has one.
pub fn audit(set: &mut AttributeSetResult, scores: &[ScoreBins], spec: &AuditSpec, label: bool) {
    let Some(threshold) = spec.score_threshold() else {
        return;
    };
    if scores.len() != set.groups.len() || scores.iter().all(|s| s.bins.is_empty()) {
        return;
    }
    let included: Vec<usize> = (0..set.groups.len())
        .filter(|&i| set.groups[i].measures.excluded.is_none())
        .collect();
    let pool = Pool::of(&included.iter().map(|&i| &scores[i]).collect::<Vec<_>>());
    if pool.keys.is_empty() {
        return;
    }
    let aligned: Vec<Aligned> = scores.iter().map(|s| pool.align(s)).collect();
    let reference = match set.groups.iter().position(|g| g.measures.is_reference) {
        Some(r) => aligned[r].clone(),
        // Against the whole log: every included group's rows.
        None => Aligned {
            bins: pool.keys.clone(),
        },
    };
    let z = z_for(spec.stats.confidence);
    let reliability = pool.reliability_bins();
    let probabilities = pool.probabilities();
    let reference_area = roc::area(&reference.counts());
    let reference_curve = roc::curve(&reference.counts());
    let reference_bins = reliability_rows(&reference, &reliability);
    for &i in &included {
        let g = &aligned[i];
        let is_reference = set.groups[i].measures.is_reference;
        let area = label.then(|| roc::area(&g.counts())).flatten();
        let curve = roc::curve(&g.counts());
        let calibration = label.then(|| {
            calibration(
                g,
                (&reliability, probabilities, z),
                (!is_reference).then_some(&reference_bins),
            )
        });
        set.groups[i].measures.score_audit = Some(GroupScoreAudit {
            auc: area.map(|a| a.auc),
            auc_ci: area.map(|a| a.interval(z)),
            auc_test: match (area, reference_area, is_reference) {
                (Some(a), Some(r), false) => a.test(&r).map(|(z, p_value)| ScoreTest {
                    z,
                    p_value,
                    p_adjusted: p_value,
                }),
                _ => None,
            },
            abroca: (label && !is_reference && area.is_some() && reference_area.is_some())
                .then(|| roc::abroca(&curve, &reference_curve)),
            roc: match label {
                true => thinned(&curve),
                false => Vec::new(),
            },
            calibration,
        });
    }
    adjust_tests(set, spec);
    let binned = !pool.keys.iter().all(|k| k.min == k.max);
    set.score_audit = Some(SetScoreAudit {
        threshold_used: threshold,
        binned,
        auc_bin_error: (binned && label).then(|| {
            included
                .iter()
                .filter_map(|&i| tie_error(&aligned[i]))
                .fold(0.0, f64::max)
        }),
        probabilities,
        thresholds: sweep(&pool, &aligned, (&included, &reference), spec, label),
        passing: Vec::new(),
    });
    if let Some(s) = &mut set.score_audit {
        s.passing = passing(&s.thresholds);
    }
}

/// The most a group's area from bins can differ from the area over its exact scores: half the
/// share of its positive–negative pairs that share a bin (within a bin, any order is possible).
fn tie_error(g: &Aligned) -> Option<f64> {
    let p: f64 = g.bins.iter().map(|b| b.positive).sum();
    let n: f64 = g.bins.iter().map(|b| b.negative()).sum();
    (p > 0.0 && n > 0.0).then(|| {
        0.5 * g
            .bins
            .iter()
            .filter(|b| b.min < b.max)
            .map(|b| b.positive * b.negative())
            .sum::<f64>()
            / (p * n)
    })
}

/// A curve of at most [`MAX_CURVE_POINTS`] points: every k-th, the last kept.
fn thinned(curve: &[(f64, f64)]) -> Vec<[f64; 2]> {
    let step = curve.len().div_ceil(MAX_CURVE_POINTS).max(1);
    let mut points: Vec<[f64; 2]> = curve.iter().step_by(step).map(|p| [p.0, p.1]).collect();
    if let Some(last) = curve.last() {
        if points.last() != Some(&[last.0, last.1]) {
            points.push([last.0, last.1]);
        }
    }
    points
}

/// A group's rows per reliability bin: (lowest and highest pooled score, rows, positives,
/// Σ weight·score).
fn reliability_rows(g: &Aligned, bins: &[usize]) -> Vec<([f64; 2], f64, f64, f64)> {
    let count = bins.iter().max().map_or(0, |m| m + 1);
    let mut rows: Vec<([f64; 2], f64, f64, f64)> =
        vec![([f64::INFINITY, f64::NEG_INFINITY], 0.0, 0.0, 0.0); count];
    for (b, &r) in g.bins.iter().zip(bins) {
        let row = &mut rows[r];
        row.0 = [row.0[0].min(b.min), row.0[1].max(b.max)];
        row.1 += b.weight;
        row.2 += b.positive;
        row.3 += b.mean() * b.weight;
    }
    rows
}

/// A group's calibration: its reliability table, and with probabilities the calibration in the
/// large, the expected calibration error and the recalibration; against the reference's rows
/// per bin, the ratio at equal score.
fn calibration(
    g: &Aligned,
    (bins, probabilities, z): (&[usize], bool, f64),
    reference: Option<&Vec<([f64; 2], f64, f64, f64)>>,
) -> Calibration {
    let rows = reliability_rows(g, bins);
    let n = g.rows();
    let positives: f64 = g.bins.iter().map(|b| b.positive).sum();
    let mean_score = g.bins.iter().map(|b| b.mean() * b.weight).sum::<f64>() / n;
    let table: Vec<ReliabilityBin> = rows
        .iter()
        .filter(|r| r.0[0] <= r.0[1])
        .map(|&(scores, n, pos, sum)| ReliabilityBin {
            scores,
            n,
            mean_score: (n > 0.0).then(|| sum / n),
            observed: (n > 0.0).then(|| pos / n),
            observed_ci: wilson(pos, n, z),
        })
        .collect();
    let ece = table
        .iter()
        .filter_map(|b| Some(b.n / n * (b.observed? - b.mean_score?).abs()))
        .sum::<f64>();
    let recalibration = probabilities
        .then(|| {
            recalibrate(
                &g.bins
                    .iter()
                    .map(|b| (b.mean(), b.weight, b.positive))
                    .collect::<Vec<_>>(),
            )
        })
        .flatten();
    let interval = |est: f64, se: f64| [est - z * se, est + z * se];
    Calibration {
        in_the_large: (probabilities && n > 0.0).then(|| positives / n - mean_score),
        in_the_large_ci: wilson(positives, n, z)
            .filter(|_| probabilities)
            .map(|[lo, hi]| [lo - mean_score, hi - mean_score]),
        ece: (probabilities && n > 0.0).then_some(ece),
        slope: recalibration.map(|r| r.slope),
        slope_ci: recalibration.map(|r| interval(r.slope, r.slope_se)),
        intercept: recalibration.map(|r| r.intercept),
        intercept_ci: recalibration.map(|r| interval(r.intercept, r.intercept_se)),
        vs_reference: reference.map(|reference| at_equal_score(&rows, reference, z)),
        bins: table,
    }
}

/// The group's observed rate against the reference's within the reliability bins (its verdict
/// waits for the adjusted p-value, [`adjust_tests`]).
fn at_equal_score(
    group: &[([f64; 2], f64, f64, f64)],
    reference: &[([f64; 2], f64, f64, f64)],
    z: f64,
) -> AtEqualScore {
    let strata: Vec<Stratum> = group
        .iter()
        .zip(reference)
        .map(|(g, r)| Stratum {
            a: g.2,
            n1: g.1,
            c: r.2,
            n0: r.1,
        })
        .collect();
    let mh = mantel_haenszel(&strata, z);
    let p_value = cochran_mantel_haenszel(&strata).map(|(_, p)| p);
    AtEqualScore {
        ratio: mh.map(|m| m.0),
        ci: mh.and_then(|m| m.1),
        p_value,
        p_adjusted: p_value,
        verdict: CalibrationVerdict::Untested,
    }
}

/// Adjusts each family of the set's tests (the areas' tests; the tests at equal score) over its
/// groups with the audit's method, and gives each calibration its verdict at the adjusted
/// p-value.
fn adjust_tests(set: &mut AttributeSetResult, spec: &AuditSpec) {
    let method = spec.stats.p_adjust;
    let audits = || {
        set.groups
            .iter()
            .filter_map(|g| g.measures.score_audit.as_ref())
    };
    let areas: Vec<f64> = audits()
        .filter_map(|a| a.auc_test.map(|t| t.p_value))
        .collect();
    let equal: Vec<f64> = audits()
        .filter_map(|a| a.calibration.as_ref()?.vs_reference.as_ref()?.p_value)
        .collect();
    let (mut areas, mut equal) = (
        adjust(&areas, method).into_iter(),
        adjust(&equal, method).into_iter(),
    );
    for a in set
        .groups
        .iter_mut()
        .filter_map(|g| g.measures.score_audit.as_mut())
    {
        if let Some(t) = &mut a.auc_test {
            t.p_adjusted = areas.next().unwrap_or(t.p_value);
        }
        let Some(e) = a.calibration.as_mut().and_then(|c| c.vs_reference.as_mut()) else {
            continue;
        };
        if e.p_value.is_some() {
            e.p_adjusted = equal.next();
        }
        e.verdict = match (e.ratio, e.p_adjusted) {
            (Some(r), Some(p)) if p < spec.stats.alpha && r < 1.0 => CalibrationVerdict::OverStates,
            (Some(r), Some(p)) if p < spec.stats.alpha && r > 1.0 => {
                CalibrationVerdict::UnderStates
            }
            (Some(_), Some(_)) => CalibrationVerdict::Alike,
            _ => CalibrationVerdict::Untested,
        };
    }
}

/// Each threshold of the grid with every group's rates and impact ratio.
fn sweep(
    pool: &Pool,
    aligned: &[Aligned],
    (included, reference): (&[usize], &Aligned),
    spec: &AuditSpec,
    label: bool,
) -> Vec<ThresholdRow> {
    // Rows at or above each key, per group: (rows, positives), summed from the top.
    let above = |g: &Aligned| -> Vec<(f64, f64)> {
        let mut out = vec![(0.0, 0.0); g.bins.len() + 1];
        for i in (0..g.bins.len()).rev() {
            out[i] = (
                out[i + 1].0 + g.bins[i].weight,
                out[i + 1].1 + g.bins[i].positive,
            );
        }
        out
    };
    let tails: Vec<Vec<(f64, f64)>> = aligned.iter().map(above).collect();
    let reference_tail = above(reference);
    let rate = |x: f64, n: f64| (n > 0.0).then(|| x / n);
    pool.grid(spec.score_threshold().unwrap_or(f64::INFINITY))
        .into_iter()
        .map(|k| {
            let (ref_n, _) = reference_tail[0];
            let ref_rate = rate(reference_tail[k].0, ref_n);
            let mut row = ThresholdRow {
                threshold: pool.keys[k].min,
                selection_rate: Vec::new(),
                tpr: Vec::new(),
                fpr: Vec::new(),
                impact_ratio: Vec::new(),
                all_pass: true,
            };
            for (i, tail) in tails.iter().enumerate() {
                if !included.contains(&i) {
                    row.selection_rate.push(None);
                    row.tpr.push(None);
                    row.fpr.push(None);
                    row.impact_ratio.push(None);
                    continue;
                }
                let (n, pos) = tail[0];
                let (sel, sel_pos) = tail[k];
                let selection = rate(sel, n);
                let ratio = match (selection, ref_rate) {
                    (Some(s), Some(r)) if r > 0.0 => Some(s / r),
                    _ => None,
                };
                if ratio.is_some_and(|r| spec.favorable.crosses(r, spec.di_threshold)) {
                    row.all_pass = false;
                }
                row.selection_rate.push(selection);
                row.tpr.push(rate(sel_pos, pos).filter(|_| label));
                row.fpr.push(rate(sel - sel_pos, n - pos).filter(|_| label));
                row.impact_ratio.push(ratio);
            }
            row
        })
        .collect()
}

/// The runs of thresholds at which every group passes.
fn passing(rows: &[ThresholdRow]) -> Vec<[f64; 2]> {
    let mut runs: Vec<[f64; 2]> = Vec::new();
    let mut open = false;
    for r in rows {
        match (r.all_pass, open, runs.last_mut()) {
            (true, true, Some(last)) => last[1] = r.threshold,
            (true, _, _) => runs.push([r.threshold, r.threshold]),
            _ => {}
        }
        open = r.all_pass;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(key: f64, weight: f64, positive: f64) -> ScoreBin {
        ScoreBin {
            key,
            min: key,
            max: key,
            sum: key * weight,
            weight,
            positive,
        }
    }

    #[test]
    fn the_grid_takes_every_score_or_quantiles_of_the_rows() {
        let few = ScoreBins::of((0..50).map(|i| bin(i as f64, 1.0, 0.0)).collect());
        assert_eq!(Pool::of(&[&few]).grid(20.0).len(), 50);
        let many = ScoreBins::of((0..1000).map(|i| bin(i as f64, 1.0, 0.0)).collect());
        let grid = Pool::of(&[&many]).grid(f64::INFINITY);
        assert_eq!(grid.len(), MAX_THRESHOLDS);
        assert_eq!(&grid[..3], &[0, 5, 10]);
        // The threshold in use joins the grid: 502.5 is first reached at score 503.
        let grid = Pool::of(&[&many]).grid(502.5);
        assert_eq!(grid.len(), MAX_THRESHOLDS + 1);
        assert!(grid.contains(&503) && grid.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn passing_ranges_are_the_runs_of_passing_thresholds() {
        let row = |t: f64, all_pass: bool| ThresholdRow {
            threshold: t,
            selection_rate: vec![],
            tpr: vec![],
            fpr: vec![],
            impact_ratio: vec![],
            all_pass,
        };
        let rows = [
            row(1.0, true),
            row(2.0, true),
            row(3.0, false),
            row(4.0, true),
        ];
        assert_eq!(passing(&rows), vec![[1.0, 2.0], [4.0, 4.0]]);
    }

    #[test]
    fn a_group_of_one_class_has_no_area() {
        let one_class = ScoreBins::of(vec![bin(0.2, 3.0, 3.0), bin(0.7, 2.0, 2.0)]);
        let pool = Pool::of(&[&one_class]);
        assert_eq!(roc::area(&pool.align(&one_class).counts()), None);
    }
}
