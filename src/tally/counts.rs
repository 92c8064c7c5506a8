//! The sums of one group: what every group statistic is computed from. Each kind of outcome has
//! its own sums (today the decision × label counts of a yes/no decision); all of them add up
//! cell by cell, so an attribute set's groups are folds of the cell table.

use serde::{Deserialize, Serialize};

/// The sums one group holds for one kind of outcome. A group's sums are the sums of its cells',
/// so the fold and the bootstrap work the same way for every kind.
pub trait GroupSums: Copy + Default + PartialEq + std::fmt::Debug {
    /// Adds another group's (or cell's) sums.
    fn add(&mut self, other: &Self);
    /// Rows of the group (the sum of their weights when weighted).
    fn size(&self) -> f64;
}

/// Row counts of one group by decision and label: `n`, positive and negative decisions `pp`,
/// `pn`, and with a label the confusion cells `tp`, `fp`, `tn`, `fn`. Weighted sums when the
/// audit has weights or soft membership.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Cells {
    /// Rows.
    pub n: f64,
    /// Positive decisions.
    pub pp: f64,
    /// Negative decisions.
    pub pn: f64,
    /// Positive decision, positive label.
    pub tp: f64,
    /// Positive decision, negative label.
    pub fp: f64,
    /// Negative decision, negative label.
    pub tn: f64,
    /// Negative decision, positive label.
    #[serde(rename = "fn")]
    pub fn_: f64,
}

impl Cells {
    /// Adds `amount` rows with the given decision and label.
    pub fn record(&mut self, decision: bool, label: Option<bool>, amount: f64) {
        self.n += amount;
        match (decision, label) {
            (true, Some(true)) => self.tp += amount,
            (true, Some(false)) => self.fp += amount,
            (false, Some(false)) => self.tn += amount,
            (false, Some(true)) => self.fn_ += amount,
            _ => {}
        }
        if decision {
            self.pp += amount;
        } else {
            self.pn += amount;
        }
    }

    /// Adds another set of cells.
    pub fn add(&mut self, o: &Cells) {
        self.n += o.n;
        self.pp += o.pp;
        self.pn += o.pn;
        self.tp += o.tp;
        self.fp += o.fp;
        self.tn += o.tn;
        self.fn_ += o.fn_;
    }

    /// The cells with every count negated (to take a group out of a total).
    pub fn negated(&self) -> Cells {
        Cells {
            n: -self.n,
            pp: -self.pp,
            pn: -self.pn,
            tp: -self.tp,
            fp: -self.fp,
            tn: -self.tn,
            fn_: -self.fn_,
        }
    }

    /// The cells a resampled group is drawn over: the four confusion cells with a label, the
    /// two decisions without.
    pub fn draw_cells(&self, has_label: bool) -> Vec<f64> {
        if has_label {
            vec![self.tp, self.fp, self.tn, self.fn_]
        } else {
            vec![self.pp, self.pn]
        }
    }

    /// The cells of counts drawn over [`Cells::draw_cells`], in the same order.
    pub fn from_draw(drawn: &[u64], has_label: bool) -> Cells {
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
}

/// The sums of a yes/no decision for one group: the sums of its weights per cell and the sums
/// of their squares (for Kish's effective sample size). Unweighted, both are row counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// Sums of weights (row counts when unweighted).
    pub sum: Cells,
    /// Sums of squared weights.
    pub sq: Cells,
}

impl GroupSums for Tally {
    fn add(&mut self, other: &Tally) {
        self.sum.add(&other.sum);
        self.sq.add(&other.sq);
    }

    fn size(&self) -> f64 {
        self.sum.n
    }
}

impl Tally {
    /// Adds rows with total weight `w` and total squared weight `w2`.
    pub fn record(&mut self, decision: bool, label: Option<bool>, w: f64, w2: f64) {
        self.sum.record(decision, label, w);
        self.sq.record(decision, label, w2);
    }

    /// This tally without the rows of `part` (everyone but a group).
    pub fn minus(&self, part: &Tally) -> Tally {
        let mut out = *self;
        out.add(&Tally {
            sum: part.sum.negated(),
            sq: part.sq.negated(),
        });
        out
    }

    /// Kish's effective number of rows, `(Σw)² / Σw²` (the row count when unweighted).
    pub fn effective_size(&self) -> f64 {
        if self.sq.n > 0.0 {
            self.sum.n * self.sum.n / self.sq.n
        } else {
            0.0
        }
    }

    /// The unweighted tally of a list of decisions and labels (for examples and tests).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (bool, Option<bool>)>) -> Self {
        let mut t = Tally::default();
        pairs
            .into_iter()
            .for_each(|(d, l)| t.record(d, l, 1.0, 1.0));
        t
    }

    /// The unweighted tally of the given cell counts (with a label).
    pub fn from_counts(tp: u64, fp: u64, tn: u64, fn_: u64) -> Self {
        let mut t = Tally::default();
        for (d, l, k) in [
            (true, true, tp),
            (true, false, fp),
            (false, false, tn),
            (false, true, fn_),
        ] {
            t.record(d, Some(l), k as f64, k as f64);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_taken_out_of_a_total_leaves_the_rest() {
        let a = Tally::from_counts(3, 1, 4, 2);
        let b = Tally::from_counts(1, 5, 2, 0);
        let mut total = a;
        total.add(&b);
        assert_eq!(total.minus(&a), b);
        assert_eq!(total.size(), 18.0);
    }

    #[test]
    fn drawn_cells_round_trip() {
        let t = Tally::from_counts(3, 1, 4, 2);
        let drawn: Vec<u64> = t.sum.draw_cells(true).iter().map(|c| *c as u64).collect();
        assert_eq!(Cells::from_draw(&drawn, true), t.sum);
        let no_label = Tally::from_pairs([(true, None), (false, None), (false, None)]);
        let drawn: Vec<u64> = no_label
            .sum
            .draw_cells(false)
            .iter()
            .map(|c| *c as u64)
            .collect();
        assert_eq!(Cells::from_draw(&drawn, false), no_label.sum);
    }
}
