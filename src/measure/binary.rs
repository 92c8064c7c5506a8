//! Measures of a yes/no decision: per group its counts and rates with Wilson intervals; against
//! the reference every rate's ratio and difference with their intervals and tests, the gap at
//! the reference's mix of the controls, and the people affected; between groups fairlearn's
//! summaries with bootstrap intervals.

use super::compare::{compare, self_comparison};
use super::kind::{Frame, OutcomeMeasures};
use super::metrics::{self, rates_for, ratio_of_counts, selection_rate, Rate};
use super::{strata, summary};
use crate::error::Result;
use crate::metric::{Metric, Versus};
use crate::results::{Comparison, Count, Counts, Intervals, Summary, Values};
use crate::spec::Favorable;
use crate::stats::power::{detectable_ratio, POWER};
use crate::stats::{interval, z_for};
use crate::tally::{Cells, ControlledCell, SetTally, Tally};
use std::borrow::Cow;

/// A yes/no decision's groups, with their strata when the audit has controls.
pub struct Binary<'a> {
    /// Each group × controls stratum's sums, with `--control`.
    pub controlled: Option<&'a [ControlledCell]>,
    /// Whether the audit has a label (the error rates exist).
    pub has_label: bool,
}

impl OutcomeMeasures for Binary<'_> {
    type Reference = Tally;

    fn ranking<'s>(&self, set: &'s SetTally) -> Cow<'s, SetTally> {
        Cow::Borrowed(set)
    }

    fn prepare(&mut self, f: &Frame) -> Result<Option<Tally>> {
        let included_total = f.included_total();
        Ok(match f.reference {
            Some(i) => Some(f.set.groups[i].tally),
            None if f.overall && included_total.sum.n > 0.0 => Some(included_total),
            None => None,
        })
    }

    fn group(&self, f: &Frame, i: usize) -> (Counts, Values, Intervals) {
        let t = &f.set.groups[i].tally;
        let z = z_for(f.spec.stats.confidence);
        (
            counts(&t.sum, self.has_label),
            group_rates(t, &f.total, self.has_label),
            rates_for(self.has_label)
                .map(|r| (r.name().to_string(), wilson(r, t, z)))
                .collect(),
        )
    }

    fn self_comparison(&self, f: &Frame, i: usize) -> Comparison {
        let t = &f.set.groups[i].tally;
        let mut c = self_comparison(t, self.has_label);
        self.add_shortfalls(&mut c, f, t, t);
        c
    }

    fn compare(&mut self, f: &Frame, i: usize, r: &Tally) -> Comparison {
        let g = &f.set.groups[i].tally;
        let z = z_for(f.spec.stats.confidence);
        // Against the whole population, test the group against everyone else.
        let rest = f.overall.then(|| f.included_total().minus(g));
        let mut c = compare(g, r, rest.as_ref(), self.has_label, z);
        if let (Some(cells), Some(reference)) = (self.controlled, f.reference) {
            strata::add_stratified(&mut c, f.set, cells, (i, reference), (z, f.spec.favorable));
        }
        self.add_shortfalls(&mut c, f, g, r);
        c
    }

    fn detectable(&self, f: &Frame, i: usize, r: &Tally) -> Vec<(Versus, Option<f64>)> {
        let g = &f.set.groups[i].tally;
        let levels = (f.spec.stats.alpha, POWER);
        // The group's disadvantaged side: fewer favourable decisions, more adverse ones.
        let lower = f.spec.favorable == Favorable::Positive;
        let selection = selection_rate().of(r).and_then(|p0| {
            detectable_ratio((g.effective_size(), r.effective_size()), p0, lower, levels)
        });
        let mut found = vec![(Versus::DetectableRatio, selection)];
        if self.has_label {
            // tpr for a favourable decision (fewer is worse), fpr for an adverse one (more is).
            let rate = metrics::rate(f.spec.favorable.error_rate().0).unwrap_or(selection_rate());
            // Kish's effective size of the rows the rate is of (their count when unweighted).
            let n = |t: &Tally| {
                let (sum, sq) = ((rate.denominator)(&t.sum), (rate.denominator)(&t.sq));
                if sq > 0.0 {
                    sum * sum / sq
                } else {
                    0.0
                }
            };
            let error = rate
                .of(r)
                .and_then(|p0| detectable_ratio((n(g), n(r)), p0, lower, levels));
            found.push((Versus::DetectableErrorRatio, error));
        }
        found
    }

    fn summary(&self, f: &Frame) -> Summary {
        summary::summary((f.set, &f.included), self.has_label, &f.spec.stats, f.index)
    }

    fn reference_rate(&self, reference: Option<&Tally>) -> Option<f64> {
        reference.and_then(|r| selection_rate().of(r))
    }
}

impl Binary<'_> {
    /// The people affected: by the selection rate's gap, and with a label by the judged error
    /// rate's.
    fn add_shortfalls(&self, c: &mut Comparison, f: &Frame, g: &Tally, r: &Tally) {
        let favorable = f.spec.favorable;
        c.set(
            Versus::Shortfall,
            shortfall(selection_rate(), g, r, favorable),
        );
        if self.has_label {
            let judged = metrics::rate(favorable.error_rate().0).unwrap_or(selection_rate());
            c.set(
                Versus::ErrorRateShortfall,
                shortfall(judged, g, r, favorable),
            );
        }
    }
}

/// How many more people of the group would have fared well at the reference's `rate`: the
/// rate's denominator (all rows for the selection rate, the true negatives' and false positives'
/// for fpr, ...) times the gap. For the selection rate of a favourable decision, the favourable
/// decisions the group did not receive; of an adverse one, the adverse decisions it received in
/// excess; for fpr, the people wrongly flagged in excess. Negative when the group fares better.
fn shortfall(rate: &Rate, g: &Tally, reference: &Tally, favorable: Favorable) -> Option<f64> {
    let (own, theirs) = (rate.of(g)?, rate.of(reference)?);
    Some((rate.denominator)(&g.sum) * (favorable.goodness(theirs) - favorable.goodness(own)))
}

fn counts(c: &Cells, has_label: bool) -> Counts {
    let label = |x: f64| has_label.then_some(Count::Value(x));
    Counts {
        n: Count::Value(c.n),
        tp: label(c.tp),
        fp: label(c.fp),
        tn: label(c.tn),
        fn_: label(c.fn_),
        pp: Some(Count::Value(c.pp)),
        pn: Some(Count::Value(c.pn)),
    }
}

/// `group_share`, `share_of_predicted_positives` and every rate of one group.
fn group_rates(t: &Tally, total: &Tally, has_label: bool) -> Values {
    let mut v = Values::new();
    v.insert(
        Metric::GroupShare.name().into(),
        ratio_of_counts(t.sum.n, total.sum.n),
    );
    v.insert(
        Metric::ShareOfPredictedPositives.name().into(),
        ratio_of_counts(t.sum.pp, total.sum.pp),
    );
    for rate in rates_for(has_label) {
        v.insert(rate.name().into(), rate.of(t));
    }
    v
}

fn wilson(rate: &Rate, t: &Tally, z: f64) -> Option<[f64; 2]> {
    let (x, n) = rate.effective(t)?;
    interval::wilson(x, n, z)
}
