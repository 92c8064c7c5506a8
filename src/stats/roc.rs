//! How well a score ranks positives above negatives, from counts by score: the ROC curve, its
//! area by the Mann–Whitney count (ties counted half), DeLong's variance of the area and the test
//! of two independent areas, and the absolute area between two ROC curves (ABROCA). Plain
//! numbers in, numbers out: each entry is one score (or bin of scores), in increasing order of
//! score, with its positive and negative rows (weights count as that many rows).

use super::standard_normal;
use statrs::distribution::ContinuousCDF;

/// The rows of one score: `(positives, negatives)`.
pub type Counts = (f64, f64);

/// The area under the ROC curve with DeLong's variance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    /// P(score of a positive > score of a negative) + ½ P(equal).
    pub auc: f64,
    /// DeLong's (1988) variance of the area.
    pub variance: f64,
}

/// The area under the ROC curve of `counts` and its DeLong variance; `None` when one class has
/// no row (the area is undefined, never ½).
pub fn area(counts: &[Counts]) -> Option<Area> {
    let positives: f64 = counts.iter().map(|c| c.0).sum();
    let negatives: f64 = counts.iter().map(|c| c.1).sum();
    if positives <= 0.0 || negatives <= 0.0 {
        return None;
    }
    // Each positive's placement among the negatives (the share below it, ties half), and each
    // negative's among the positives (the share above it).
    let mut below = 0.0;
    let mut above = positives;
    let mut placements = Vec::with_capacity(counts.len());
    for &(p, n) in counts {
        above -= p;
        placements.push(((below + 0.5 * n) / negatives, (above + 0.5 * p) / positives));
        below += n;
    }
    let auc = counts
        .iter()
        .zip(&placements)
        .map(|(c, v)| c.0 * v.0)
        .sum::<f64>()
        / positives;
    let spread = |i: usize, count: f64| -> f64 {
        if count <= 1.0 {
            return 0.0;
        }
        counts
            .iter()
            .zip(&placements)
            .map(|(c, v)| {
                let (w, x) = if i == 0 { (c.0, v.0) } else { (c.1, v.1) };
                w * (x - auc) * (x - auc)
            })
            .sum::<f64>()
            / (count - 1.0)
    };
    let variance = spread(0, positives) / positives + spread(1, negatives) / negatives;
    Some(Area { auc, variance })
}

impl Area {
    /// The interval at `z` (normal, as pROC's DeLong interval), within [0, 1].
    pub fn interval(&self, z: f64) -> [f64; 2] {
        let half = z * self.variance.sqrt();
        [(self.auc - half).max(0.0), (self.auc + half).min(1.0)]
    }

    /// The test of this area against `other`'s, from independent samples (DeLong's unpaired
    /// test, as pROC's `roc.test` for unpaired curves): z and its two-sided p-value.
    pub fn test(&self, other: &Area) -> Option<(f64, f64)> {
        let variance = self.variance + other.variance;
        (variance > 0.0).then(|| {
            let z = (self.auc - other.auc) / variance.sqrt();
            (z, 2.0 * standard_normal().cdf(-z.abs()))
        })
    }
}

/// The ROC curve: (false positive rate, true positive rate) when every score at or above each
/// score counts as positive, from the highest score down, starting at (0, 0) and ending at (1, 1).
pub fn curve(counts: &[Counts]) -> Vec<(f64, f64)> {
    let positives: f64 = counts.iter().map(|c| c.0).sum();
    let negatives: f64 = counts.iter().map(|c| c.1).sum();
    let mut points = vec![(0.0, 0.0)];
    if positives <= 0.0 || negatives <= 0.0 {
        return points;
    }
    let (mut tp, mut fp) = (0.0, 0.0);
    for &(p, n) in counts.iter().rev() {
        tp += p;
        fp += n;
        points.push((fp / negatives, tp / positives));
    }
    points
}

/// The curve as a function of the false positive rate: on each interval between two false
/// positive rates of its points, the line from the highest point at the first to the lowest at
/// the second.
fn segments(points: &[(f64, f64)]) -> Vec<((f64, f64), (f64, f64))> {
    points
        .windows(2)
        .filter(|w| w[1].0 > w[0].0)
        .map(|w| (w[0], w[1]))
        .collect()
}

/// The true positive rate of `segments` at false positive rate `f`: on the first segment that
/// reaches `f` (the segments follow one another along the false positive rate).
fn at(segments: &[((f64, f64), (f64, f64))], f: f64) -> f64 {
    segments
        .get(segments.partition_point(|(_, b)| b.0 < f))
        .filter(|(a, _)| a.0 <= f)
        .map_or(1.0, |(a, b)| a.1 + (b.1 - a.1) * (f - a.0) / (b.0 - a.0))
}

/// The absolute area between two ROC curves (ABROCA; Gardner, Brooks and Baker 2019), exact for
/// curves that are straight between their points: ∫₀¹ |TPR₁(f) − TPR₂(f)| df.
pub fn abroca(one: &[(f64, f64)], two: &[(f64, f64)]) -> f64 {
    let (s1, s2) = (segments(one), segments(two));
    let mut cuts: Vec<f64> = one.iter().chain(two).map(|p| p.0).collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut area = 0.0;
    for w in cuts.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        // Inside the interval both curves are straight: their difference is a line, so its
        // values just inside the ends give it.
        let d = |f: f64| at(&s1, f) - at(&s2, f);
        let eps = (hi - lo) * 1e-9;
        let (a, b) = (d(lo + eps), d(hi - eps));
        let width = hi - lo;
        area += if a * b >= 0.0 {
            width * (a.abs() + b.abs()) / 2.0
        } else {
            // The line crosses zero: two triangles.
            width * (a * a + b * b) / (2.0 * (a.abs() + b.abs()))
        };
    }
    area
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hanley_and_mcneils_ratings() {
        // Hanley & McNeil (1982), Radiology 143:29, table 1: 109 CT images rated 1 to 5, 58
        // normal and 51 abnormal. Their area is 0.893 (scikit-learn's roc_auc_score over the 109
        // rows: 0.8931710615280595); DeLong's variance, from each row's placement computed row
        // by row in numpy: 0.0009439892702629848 (SE 0.0307, beside Hanley and McNeil's own
        // formula's 0.032).
        let counts = [
            (3.0, 33.0),
            (2.0, 6.0),
            (2.0, 6.0),
            (11.0, 11.0),
            (33.0, 2.0),
        ];
        let a = area(&counts).unwrap();
        assert!((a.auc - 0.893_171_061_528_059_5).abs() < 1e-12, "{}", a.auc);
        assert!((a.variance - 0.000_943_989_270_262_984_8).abs() < 1e-15);
    }

    #[test]
    fn one_class_has_no_area_and_identical_curves_no_gap() {
        assert_eq!(area(&[(3.0, 0.0), (2.0, 0.0)]), None);
        let c = curve(&[(1.0, 3.0), (2.0, 2.0), (3.0, 1.0)]);
        assert_eq!(abroca(&c, &c), 0.0);
        // The diagonal against the perfect ranking: half the square.
        let perfect = curve(&[(0.0, 5.0), (5.0, 0.0)]);
        let chance = curve(&[(5.0, 5.0)]);
        assert!((abroca(&perfect, &chance) - 0.5).abs() < 1e-12);
        // Crossing curves: (0,0)-(0.5,0.8)-(1,1) against (0,0)-(0.5,0.2)-(1,1) is 2 × 0.15.
        let up = [(0.0, 0.0), (0.5, 0.8), (1.0, 1.0)];
        let down = [(0.0, 0.0), (0.5, 0.2), (1.0, 1.0)];
        assert!((abroca(&up, &down) - 0.3).abs() < 1e-9);
    }
}
