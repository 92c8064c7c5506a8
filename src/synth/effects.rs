//! Planted effects: what the synthetic decision rule does to which group, and what an audit
//! should therefore find (the ground truth written next to the log).

use super::population::{proxy_share_of_ethnicity, ETHNICITIES, SEXES};
use super::Design;
use serde::{Deserialize, Serialize};

/// Index of the group the direct effect targets (ethnicity = Black).
pub const DIRECT_GROUP: usize = 1;
/// Index of the group the drift effect targets from its month on (sex = Female).
pub const DRIFT_GROUP: usize = 0;

/// Which effects are planted and how large each is. A size `s` multiplies the affected
/// customers' probability of the favourable decision by `s` (0.6: they get it 60% as often,
/// other things equal) and raises their price or waiting time by `(1 − s) / 4`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Effects {
    /// Direct effect: the rule uses ethnicity (ethnicity = Black).
    pub direct: Option<f64>,
    /// Proxy effect: the rule uses postcode area (Riverside, Eastfield), which correlates with
    /// ethnicity.
    pub proxy: Option<f64>,
    /// Legitimate difference: the affected age band differs in a factor the rule legitimately
    /// uses, so that its raw rate is `s` times the others' and the gap vanishes within the factor.
    pub legitimate: Option<f64>,
    /// A change: from month `drift_from` on, the rule treats sex = Female with size `s`.
    pub drift: Option<f64>,
    /// First month (1-based) of the drift.
    pub drift_from: Option<u32>,
    /// A miscalibrated score (offers only): ethnicity = Black customers redeem the offer `s`
    /// times as often as the shop's `redeem_score` says (below 1, the score over-states them).
    pub miscalibrate: Option<f64>,
}

impl Effects {
    /// Checks sizes and months; the message names the flag.
    pub fn validate(&self, design: &Design, months: u32) -> Result<(), String> {
        for (name, size) in [
            ("direct", self.direct),
            ("proxy", self.proxy),
            ("legitimate", self.legitimate),
            ("drift", self.drift),
            ("miscalibrate", self.miscalibrate),
        ] {
            if let Some(s) = size {
                if !(s > 0.0 && s <= 2.0) {
                    return Err(format!("--{name} {s}: an effect size must be in (0, 2]"));
                }
            }
        }
        if let Some(s) = self.legitimate {
            let a = design.factor_share_for(s);
            if !(0.0..=1.0).contains(&a) {
                return Err(format!(
                    "--legitimate {s}: cannot be reached through {} (feasible sizes {:.2} to {:.2})",
                    design.factor,
                    design.legitimate_ratio(0.0).min(design.legitimate_ratio(1.0)),
                    design.legitimate_ratio(0.0).max(design.legitimate_ratio(1.0))
                ));
            }
        }
        match (self.drift, self.drift_from) {
            (Some(_), None) => return Err("--drift needs --drift-from MONTH".into()),
            (None, Some(_)) => return Err("--drift-from goes with --drift".into()),
            (Some(_), Some(m)) if m < 1 || m > months => {
                return Err(format!(
                    "--drift-from {m}: must be a month from 1 to {months}"
                ))
            }
            _ => {}
        }
        Ok(())
    }

    /// The multipliers of the favourable decision's probability and of the continuous outcome
    /// (price, hours) for one customer.
    pub fn multipliers(
        &self,
        ethnicity: usize,
        proxy_area: bool,
        sex: usize,
        month: u32,
    ) -> (f64, f64) {
        let sizes = self.sizes(ethnicity, proxy_area, sex, month);
        (
            sizes.iter().product(),
            sizes.iter().map(|s| outcome_factor(*s)).product(),
        )
    }

    /// How a customer's true chance of the label differs from what the score says.
    pub fn calibration(&self, ethnicity: usize) -> f64 {
        match (self.miscalibrate, ethnicity == DIRECT_GROUP) {
            (Some(s), true) => s,
            _ => 1.0,
        }
    }

    fn sizes(&self, ethnicity: usize, proxy_area: bool, sex: usize, month: u32) -> Vec<f64> {
        let mut sizes = Vec::with_capacity(3);
        if let (Some(s), true) = (self.direct, ethnicity == DIRECT_GROUP) {
            sizes.push(s);
        }
        if let (Some(s), true) = (self.proxy, proxy_area) {
            sizes.push(s);
        }
        if let (Some(s), Some(from), true) = (self.drift, self.drift_from, sex == DRIFT_GROUP) {
            if month + 1 >= from {
                sizes.push(s);
            }
        }
        sizes
    }
}

/// How an effect of size `s` scales a price or a waiting time.
pub fn outcome_factor(s: f64) -> f64 {
    1.0 + (1.0 - s) / 4.0
}

/// One planted effect as the ground truth states it.
#[derive(Debug, Clone, Serialize)]
pub struct PlantedEffect {
    /// `direct`, `proxy`, `legitimate` or `drift`.
    pub name: &'static str,
    /// Whether it was planted in this log.
    pub enabled: bool,
    /// Its size (`null` when off).
    pub size: Option<f64>,
    /// The protected attribute where the audit should see it.
    pub attribute: &'static str,
    /// The group it affects.
    pub group: &'static str,
    /// What the rule does, in words.
    pub mechanism: String,
    /// Expected ratio of the group's favourable-decision rate to the comparison group's.
    pub expected_selection_rate_ratio: Option<f64>,
    /// The group the ratio is taken against.
    pub compared_with: &'static str,
    /// Expected ratio of the group's mean continuous outcome (price, hours) to the comparison's.
    pub expected_outcome_ratio: Option<f64>,
    /// For the drift: the first month (1-based) it applies.
    pub from_month: Option<u32>,
    /// For a miscalibrated score: the expected ratio of the group's observed rate of the label
    /// to the others' at equal score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_ratio_at_equal_score: Option<f64>,
}

/// Every effect, on or off, with what the audit should find; expected ratios hold for each
/// effect on its own (probabilities are capped at 1, which only matters for sizes above 1).
pub fn truth(effects: &Effects, design: &Design) -> Vec<PlantedEffect> {
    let black = ETHNICITIES[DIRECT_GROUP].0;
    let (p_black, p_white) = (
        proxy_share_of_ethnicity(DIRECT_GROUP),
        proxy_share_of_ethnicity(0),
    );
    let proxy_ratio = |s: f64| (1.0 - (1.0 - s) * p_black) / (1.0 - (1.0 - s) * p_white);
    let proxy_outcome = |s: f64| {
        let f = outcome_factor(s) - 1.0;
        (1.0 + f * p_black) / (1.0 + f * p_white)
    };
    let outcome = design.outcome.is_some();
    vec![
        PlantedEffect {
            name: "direct",
            enabled: effects.direct.is_some(),
            size: effects.direct,
            attribute: "ethnicity",
            group: black,
            mechanism: format!("the rule multiplies the probability of {} by the size for ethnicity = {black}", design.decision),
            expected_selection_rate_ratio: effects.direct,
            compared_with: "any other ethnicity",
            expected_outcome_ratio: effects.direct.filter(|_| outcome).map(outcome_factor),
            from_month: None,
            expected_ratio_at_equal_score: None,
        },
        PlantedEffect {
            name: "proxy",
            enabled: effects.proxy.is_some(),
            size: effects.proxy,
            attribute: "ethnicity",
            group: black,
            mechanism: format!(
                "the rule multiplies the probability of {} by the size in postcode areas Riverside and Eastfield, where {:.0}% of {black} customers and {:.0}% of White customers live",
                design.decision,
                p_black * 100.0,
                p_white * 100.0
            ),
            expected_selection_rate_ratio: effects.proxy.map(proxy_ratio),
            compared_with: "White",
            expected_outcome_ratio: effects.proxy.filter(|_| outcome).map(proxy_outcome),
            from_month: None,
            expected_ratio_at_equal_score: None,
        },
        PlantedEffect {
            name: "legitimate",
            enabled: effects.legitimate.is_some(),
            size: effects.legitimate,
            attribute: "age_band",
            group: design.legitimate_group,
            mechanism: format!(
                "{} holds for {:.0}% of age band {} against {:.0}% of other customers, and the rule legitimately multiplies the probability of {} by {} when it holds; within {} there is no gap",
                design.factor,
                effects.legitimate.map_or(design.factor_share, |s| design.factor_share_for(s)) * 100.0,
                design.legitimate_group,
                design.factor_share * 100.0,
                design.decision,
                design.factor_multiplier,
                design.factor_column
            ),
            expected_selection_rate_ratio: effects.legitimate,
            compared_with: "other age bands",
            expected_outcome_ratio: effects.legitimate.filter(|_| outcome).map(|s| design.legitimate_outcome_ratio(s)),
            from_month: None,
            expected_ratio_at_equal_score: None,
        },
        PlantedEffect {
            name: "drift",
            enabled: effects.drift.is_some(),
            size: effects.drift,
            attribute: "sex",
            group: SEXES[DRIFT_GROUP].0,
            mechanism: format!(
                "from month {} on, the rule multiplies the probability of {} by the size for sex = {}",
                effects.drift_from.unwrap_or(0),
                design.decision,
                SEXES[DRIFT_GROUP].0
            ),
            expected_selection_rate_ratio: effects.drift,
            compared_with: "Male, in the months from the change on",
            expected_outcome_ratio: effects.drift.filter(|_| outcome).map(outcome_factor),
            from_month: effects.drift_from,
            expected_ratio_at_equal_score: None,
        },
        PlantedEffect {
            name: "miscalibrate",
            enabled: effects.miscalibrate.is_some(),
            size: effects.miscalibrate,
            attribute: "ethnicity",
            group: black,
            mechanism: format!(
                "{black} customers redeem the offer the size times as often as the shop's redeem_score says (the score is right for everyone else)"
            ),
            expected_selection_rate_ratio: None,
            compared_with: "any other ethnicity at equal redeem_score",
            expected_outcome_ratio: None,
            from_month: None,
            expected_ratio_at_equal_score: effects.miscalibrate,
        },
    ]
}
