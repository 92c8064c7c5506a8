//! The choice of an attribute set's reference group: named with `--reference`, or by strategy
//! (the largest group, the best-off group, or the whole population). An intersection without a
//! reference of its own takes each attribute's reference (Caucasian × Male when race's is
//! Caucasian and sex's the largest, Male). Excluded groups are never the reference.

use crate::error::{AuditError, Result};
use crate::results::ReferenceUsed;
use crate::spec::{AuditSpec, ReferenceStrategy};
use crate::tally::{Cells, GroupSums, GroupTally, SetTally, Tally};
use crate::value::value_name;
use indexmap::IndexMap;

/// Why a group is excluded, given the total of its set (`None`: it is not).
pub type Exclusion<'a> = &'a dyn Fn(&GroupTally, &Tally) -> Option<String>;

/// The reference of an attribute set.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The reference group's index (`None`: the whole population, or no group qualifies).
    pub index: Option<usize>,
    /// How it was chosen.
    pub used: ReferenceUsed,
    /// Why an intersection fell back to the strategy, in words.
    pub note: Option<String>,
}

/// The reference of `set`; `excluded[i]` says why group `i` is excluded, and `exclusion` judges
/// the groups of a single attribute (for an intersection's per-attribute references).
pub fn choose_reference(
    set: &SetTally,
    spec: &AuditSpec,
    excluded: &[Option<String>],
    exclusion: Exclusion,
) -> Result<Reference> {
    let own = spec
        .references
        .iter()
        .any(|r| r.attributes == set.attributes);
    if set.attributes.len() < 2 || own {
        let (index, used) = single(set, spec, excluded)?;
        return Ok(Reference {
            index,
            used,
            note: None,
        });
    }
    let mut wanted = Vec::with_capacity(set.attributes.len());
    for k in 0..set.attributes.len() {
        let marginal = marginal(set, k);
        let mut total = Tally::default();
        marginal.groups.iter().for_each(|g| total.add(&g.tally));
        let marginal_excluded: Vec<Option<String>> = marginal
            .groups
            .iter()
            .map(|g| exclusion(g, &total))
            .collect();
        match single(&marginal, spec, &marginal_excluded)? {
            (Some(i), _) => wanted.push(marginal.groups[i].values[0].clone()),
            // The whole population (or nothing qualifies) for an attribute: so for the set.
            (None, _) => {
                let (index, used) = single(set, spec, excluded)?;
                return Ok(Reference {
                    index,
                    used,
                    note: None,
                });
            }
        }
    }
    let combination = wanted
        .iter()
        .zip(&set.attributes)
        .map(|(v, a)| format!("{a} = {}", value_name(v)))
        .collect::<Vec<_>>()
        .join(", ");
    let problem = match set.groups.iter().position(|g| g.values == wanted) {
        Some(i) => match &excluded[i] {
            None => {
                return Ok(Reference {
                    index: Some(i),
                    used: ReferenceUsed::Attributes,
                    note: None,
                })
            }
            Some(why) => format!("is excluded ({why})"),
        },
        None => "does not occur in the data".to_string(),
    };
    let (index, used) = single(set, spec, excluded)?;
    Ok(Reference {
        index,
        used,
        note: Some(format!(
            "the combination of each attribute's reference ({combination}) {problem}"
        )),
    })
}

/// Group `k`-th attribute's values of `set` over the others: that attribute's own groups.
fn marginal(set: &SetTally, k: usize) -> SetTally {
    let mut groups: IndexMap<Option<String>, Tally> = IndexMap::new();
    for g in &set.groups {
        groups.entry(g.values[k].clone()).or_default().add(&g.tally);
    }
    SetTally {
        attributes: vec![set.attributes[k].clone()],
        groups: groups
            .into_iter()
            .map(|(v, tally)| GroupTally {
                values: vec![v],
                tally,
            })
            .collect(),
    }
}

/// The reference of a set by its own `--reference`, else by the strategy.
fn single(
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
        let pick =
            |strategy, favorable| single(&set(), &spec(strategy, favorable), &excluded).unwrap();
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
            single(&set(), &spec(Largest, Favorable::Positive), &all).unwrap(),
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
            single(&set(), &s, &excluded)
        };
        assert_eq!(choose(&s, "b").unwrap(), (Some(1), ReferenceUsed::Explicit));
        let err = choose(&s, "c").unwrap_err().to_string();
        assert_eq!(err, "reference g=c: that group is excluded (fewer than 30 rows) and cannot be the reference");
        s.data = "log.csv".into();
        let err = choose(&s, "z").unwrap_err().to_string();
        assert_eq!(
            err,
            "reference g=z: no such group in log.csv; groups present: a; b; c"
        );
    }

    /// race × sex: White 100 (F 70, M 30), Black 60 (F 20, M 40); Asian × F only 5.
    fn intersection() -> SetTally {
        let group = |r: &str, s: &str, n: usize| GroupTally {
            values: vec![Some(r.to_string()), Some(s.to_string())],
            tally: Tally::from_pairs((0..n).map(|i| (i % 2 == 0, None))),
        };
        SetTally {
            attributes: vec!["race".into(), "sex".into()],
            groups: vec![
                group("Black", "F", 20),
                group("Black", "M", 40),
                group("White", "F", 70),
                group("White", "M", 30),
                group("Asian", "F", 5),
            ],
        }
    }

    #[test]
    fn an_intersection_takes_each_attributes_reference() {
        let set = intersection();
        let mut s = spec(ReferenceStrategy::Largest, Favorable::Positive);
        s.protected = vec![vec!["race".into()], vec!["race".into(), "sex".into()]];
        let small =
            |g: &GroupTally, _: &Tally| (g.tally.size() < 10.0).then(|| "small".to_string());
        let excluded: Vec<Option<String>> = set
            .groups
            .iter()
            .map(|g| small(g, &Tally::default()))
            .collect();
        // race by its largest group (White), sex by its largest (F, 95 rows): White × F.
        let r = choose_reference(&set, &s, &excluded, &small).unwrap();
        assert_eq!(
            (r.index, r.used, r.note),
            (Some(2), ReferenceUsed::Attributes, None)
        );
        // An explicit race reference is used for the intersection too: Black × F.
        s.references = vec![ReferenceChoice {
            attributes: vec!["race".into()],
            values: vec!["Black".into()],
        }];
        let r = choose_reference(&set, &s, &excluded, &small).unwrap();
        assert_eq!((r.index, r.used), (Some(0), ReferenceUsed::Attributes));
        // Asian × F is excluded (5 rows): the intersection falls back to its largest group and
        // says why.
        s.references[0].values = vec!["Asian".into()];
        let r = choose_reference(&set, &s, &excluded, &|_, _| None).unwrap();
        assert_eq!((r.index, r.used), (Some(2), ReferenceUsed::Largest));
        assert_eq!(
            r.note.as_deref(),
            Some("the combination of each attribute's reference (race = Asian, sex = F) is excluded (small)")
        );
        // A combination that does not occur: Black × F removed, sex's largest is then F (75).
        s.references[0].values = vec!["Black".into()];
        let mut gone = set.clone();
        gone.groups.remove(0);
        let excluded: Vec<Option<String>> = gone
            .groups
            .iter()
            .map(|g| small(g, &Tally::default()))
            .collect();
        let r = choose_reference(&gone, &s, &excluded, &small).unwrap();
        assert_eq!((r.index, r.used), (Some(1), ReferenceUsed::Largest));
        assert!(r
            .note
            .unwrap()
            .contains("(race = Black, sex = F) does not occur"));
    }
}
