//! What a kind of outcome measures. The skeleton of an attribute set's measurement (which groups
//! are excluded, which is the reference, how group and set results are assembled) is shared in
//! [`super::measure_set`]; each kind of outcome (a yes/no decision in [`super::binary`], a
//! number per row in [`super::numeric`]) implements this trait for what differs: its per-group
//! figures, its comparison with the reference and its between-groups summary. A new kind is a
//! new module implementing it, not a branch in the skeleton.

use crate::error::Result;
use crate::metric::Versus;
use crate::results::{Comparison, Counts, Intervals, Summary, Values};
use crate::spec::AuditSpec;
use crate::tally::{GroupSums, SetTally, Tally};
use std::borrow::Cow;

/// What the skeleton knows of a set once its reference is chosen, for the kind to measure with.
pub struct Frame<'a> {
    /// The set's groups and sums.
    pub set: &'a SetTally,
    /// The audit's definition.
    pub spec: &'a AuditSpec,
    /// The set's number in the audit (each set's bootstrap has its own stream).
    pub index: usize,
    /// The sums of every group of the set.
    pub total: Tally,
    /// The groups that are not excluded, in the set's order.
    pub included: Vec<usize>,
    /// The reference group, when one group is the reference.
    pub reference: Option<usize>,
    /// Whether the reference is the whole population (the included groups pooled).
    pub overall: bool,
}

impl Frame<'_> {
    /// The sums of the included groups.
    pub fn included_total(&self) -> Tally {
        let mut t = Tally::default();
        self.included
            .iter()
            .for_each(|&i| t.add(&self.set.groups[i].tally));
        t
    }
}

/// The measures of one kind of outcome for the groups of one attribute set.
pub trait OutcomeMeasures {
    /// What each group is compared with: the reference group's sums or distribution, or the
    /// pooled included groups'.
    type Reference;

    /// The set's tallies the reference is chosen among (their selection rates rank the groups
    /// for the `highest` strategy).
    fn ranking<'a>(&self, set: &'a SetTally) -> Cow<'a, SetTally>;

    /// The reference's figures (`None` when there is no reference), and whatever the kind
    /// measures for all groups at once before the group loop (gaps at equal controls).
    fn prepare(&mut self, frame: &Frame) -> Result<Option<Self::Reference>>;

    /// Group `i`'s counts, rates or statistics, and their intervals.
    fn group(&self, frame: &Frame, i: usize) -> (Counts, Values, Intervals);

    /// The reference group against itself.
    fn self_comparison(&self, frame: &Frame, i: usize) -> Comparison;

    /// Group `i` against the reference, with whatever follows from the comparison (gaps at
    /// equal controls, people affected).
    fn compare(&mut self, frame: &Frame, i: usize, reference: &Self::Reference) -> Comparison;

    /// The smallest gaps group `i` (included or not) could have shown against the reference, by
    /// its size, on each measure judged: the comparisons they are recorded under and their values.
    fn detectable(
        &self,
        frame: &Frame,
        i: usize,
        reference: &Self::Reference,
    ) -> Vec<(Versus, Option<f64>)>;

    /// The between-groups summary over the included groups.
    fn summary(&self, frame: &Frame) -> Summary;

    /// The reference's selection rate, for kinds that have one.
    fn reference_rate(&self, reference: Option<&Self::Reference>) -> Option<f64>;
}
