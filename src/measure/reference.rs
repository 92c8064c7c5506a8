//! The choice of an attribute set's reference group: named with `--reference`, or by strategy
//! (the largest group, the best-off group, or the whole population). Excluded groups are never
//! the reference.

use crate::error::{AuditError, Result};
use crate::results::ReferenceUsed;
use crate::spec::{AuditSpec, ReferenceStrategy};
use crate::tally::{Cells, GroupTally, SetTally};
use crate::value::value_name;

/// The index of the reference group (`None`: the whole population, or no group qualifies) and
/// how it was chosen. `excluded[i]` says why group `i` is excluded, if it is.
pub fn choose_reference(
    set: &SetTally,
    spec: &AuditSpec,
    excluded: &[Option<String>],
) -> Result<(Option<usize>, ReferenceUsed)> {
    if let Some(choice) = spec
        .references
        .iter()
        .find(|r| r.attributes == set.attributes)
    {
        let found = set.groups.iter().position(|g| {
            g.values
                .iter()
                .zip(&choice.values)
                .all(|(v, want)| value_name(v) == want)
        });
        return match found {
            Some(i) => match &excluded[i] {
                None => Ok((Some(i), ReferenceUsed::Explicit)),
                Some(why) => Err(AuditError::ReferenceExcluded {
                    attributes: choice.attributes.clone(),
                    values: choice.values.clone(),
                    why: why.clone(),
                }),
            },
            None => Err(AuditError::ReferenceNotFound {
                path: spec.data.clone(),
                attributes: choice.attributes.clone(),
                values: choice.values.clone(),
                present: set.groups.iter().map(name).collect(),
            }),
        };
    }
    let best_by = |key: &dyn Fn(&Cells) -> f64| {
        let mut best: Option<usize> = None;
        for (i, g) in set.groups.iter().enumerate() {
            if excluded[i].is_none()
                && best.is_none_or(|b| key(&g.tally.sum) > key(&set.groups[b].tally.sum))
            {
                best = Some(i);
            }
        }
        best
    };
    let (index, used) = match spec.reference_strategy {
        ReferenceStrategy::Largest => (best_by(&|c| c.n), ReferenceUsed::Largest),
        ReferenceStrategy::Highest => (
            best_by(&|c| spec.favorable.goodness(c.pp / c.n)),
            ReferenceUsed::Highest,
        ),
        ReferenceStrategy::Overall => return Ok((None, ReferenceUsed::Overall)),
    };
    Ok(match index {
        Some(i) => (Some(i), used),
        None => (None, ReferenceUsed::None),
    })
}

/// A group's values joined for a message: `a,b`.
fn name(g: &GroupTally) -> String {
    g.values
        .iter()
        .map(value_name)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{BinaryColumn, Decision, Favorable, ReferenceChoice};
    use crate::tally::Tally;

    fn set() -> SetTally {
        let group = |v: &str, pp: usize, n: usize| GroupTally {
            values: vec![Some(v.to_string())],
            tally: Tally::from_pairs((0..n).map(|i| (i < pp, None))),
        };
        SetTally {
            attributes: vec!["g".into()],
            // a: largest, lowest rate; b: highest rate; c: excluded, highest rate of all.
            groups: vec![group("a", 10, 100), group("b", 30, 50), group("c", 9, 10)],
        }
    }

    fn spec(strategy: ReferenceStrategy, favorable: Favorable) -> AuditSpec {
        let mut s = AuditSpec::new(
            "log.csv",
            Decision::Outcome(BinaryColumn {
                column: "y".into(),
                positive: None,
            }),
            vec![vec!["g".into()]],
        );
        s.reference_strategy = strategy;
        s.favorable = favorable;
        s
    }

    #[test]
    fn strategies_pick_the_largest_the_best_off_or_no_group() {
        let excluded = [None, None, Some("small".to_string())];
        let pick = |strategy, favorable| {
            choose_reference(&set(), &spec(strategy, favorable), &excluded).unwrap()
        };
        use ReferenceStrategy::*;
        assert_eq!(
            pick(Largest, Favorable::Positive),
            (Some(0), ReferenceUsed::Largest)
        );
        assert_eq!(
            pick(Highest, Favorable::Positive),
            (Some(1), ReferenceUsed::Highest)
        );
        // With an adverse decision the best-off group has the lowest rate.
        assert_eq!(
            pick(Highest, Favorable::Negative),
            (Some(0), ReferenceUsed::Highest)
        );
        assert_eq!(
            pick(Overall, Favorable::Positive),
            (None, ReferenceUsed::Overall)
        );
        let all = [Some("x".to_string()), Some("x".into()), Some("x".into())];
        assert_eq!(
            choose_reference(&set(), &spec(Largest, Favorable::Positive), &all).unwrap(),
            (None, ReferenceUsed::None)
        );
    }

    #[test]
    fn an_explicit_reference_must_exist_and_not_be_excluded() {
        let excluded = [None, None, Some("fewer than 30 rows".to_string())];
        let mut s = spec(ReferenceStrategy::Largest, Favorable::Positive);
        let choose = |s: &AuditSpec, value: &str| {
            let mut s = s.clone();
            s.references = vec![ReferenceChoice {
                attributes: vec!["g".into()],
                values: vec![value.into()],
            }];
            choose_reference(&set(), &s, &excluded)
        };
        assert_eq!(choose(&s, "b").unwrap(), (Some(1), ReferenceUsed::Explicit));
        let err = choose(&s, "c").unwrap_err().to_string();
        assert_eq!(err, "--reference g=c: that group is excluded (fewer than 30 rows) and cannot be the reference");
        s.data = "log.csv".into();
        let err = choose(&s, "z").unwrap_err().to_string();
        assert_eq!(
            err,
            "--reference g=z: no such group in log.csv; groups present: a; b; c"
        );
    }
}
