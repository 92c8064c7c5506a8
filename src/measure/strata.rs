//! A yes/no decision's gap within the controls' strata: each compared group's selection rate at
//! the reference's mix of strata and its ratio to the reference's, the Mantel–Haenszel risk
//! ratio, the Cochran–Mantel–Haenszel test, and the share of the raw gap the different mix
//! explains (Kitagawa), and the people affected at equal controls.

use crate::metric::{Tested, Versus};
use crate::results::Comparison;
use crate::spec::Favorable;
use crate::stats::strata::{
    cochran_mantel_haenszel, explained_share, mantel_haenszel, standardized, within_shortfall,
    Stratum,
};
use crate::stats::test::{TestMethod, TestResult};
use crate::tally::{ControlledCell, SetTally};

/// Adds the stratified comparison of group `g` with group `reference` of `set` to `c`.
pub fn add_stratified(
    c: &mut Comparison,
    set: &SetTally,
    cells: &[ControlledCell],
    (g, reference): (usize, usize),
    (z, favorable): (f64, Favorable),
) {
    let of = |i: usize| {
        cells
            .iter()
            .filter(move |cell| cell.group == set.groups[i].values)
    };
    let strata: Vec<Stratum> = of(g)
        .map(|cell| {
            let r = of(reference).find(|r| r.levels == cell.levels);
            let (c, n0) = r.map_or((0.0, 0.0), |r| (r.tally.sum.pp, r.tally.sum.n));
            Stratum {
                a: cell.tally.sum.pp,
                n1: cell.tally.sum.n,
                c,
                n0,
            }
        })
        .collect();
    let standard = standardized(&strata, z);
    let ratio = standard.and_then(|(g, r, _)| (r > 0.0).then(|| g / r));
    let mh = mantel_haenszel(&strata, z);
    for (versus, value) in [
        (Versus::SelectionRateAdjusted, standard.map(|s| s.0)),
        (Versus::DisparateImpactRatioAdjusted, ratio),
        (Versus::MantelHaenszelRatio, mh.map(|m| m.0)),
        (Versus::ExplainedShare, explained_share(&strata)),
        (
            Versus::ShortfallAdjusted,
            within_shortfall(&strata).map(|n| favorable.goodness(n)),
        ),
    ] {
        c.set(versus, value);
    }
    c.set_interval(
        Versus::DisparateImpactRatioAdjusted,
        standard.and_then(|s| s.2),
    );
    c.set_interval(Versus::MantelHaenszelRatio, mh.and_then(|m| m.1));
    if let Some((statistic, p)) = cochran_mantel_haenszel(&strata) {
        c.set_test(
            Tested::Cmh,
            TestResult {
                method: TestMethod::Cmh,
                z: None,
                t: None,
                df: None,
                statistic: Some(statistic),
                p: Some(p),
                p_value: p,
                p_adjusted: f64::NAN,
            },
        );
    }
}
