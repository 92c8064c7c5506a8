//! The registry of the numbers an audit reports: one entry per group metric (its typed id, its
//! name in `results.json`, its name in words, and which way is good for the people), and the
//! typed names of the comparisons with the reference built from them. Every stage looks a
//! number up by its id, so a misspelt name is a compile error, not a silent `n/a`.

use std::borrow::Cow;

/// A number measured for each group: a rate of a yes/no decision, or a statistic of a numeric
/// outcome's distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// The group's share of the attribute set's rows.
    GroupShare,
    /// The group's share of the positive decisions.
    ShareOfPredictedPositives,
    /// Positive decisions over rows.
    SelectionRate,
    /// Positive labels over rows.
    BaseRate,
    /// True positive rate.
    Tpr,
    /// False positive rate.
    Fpr,
    /// False negative rate.
    Fnr,
    /// True negative rate.
    Tnr,
    /// Positive predictive value.
    Ppv,
    /// Negative predictive value.
    Npv,
    /// False discovery rate.
    Fdr,
    /// False omission rate.
    For,
    /// Accuracy.
    Accuracy,
    /// Error rate.
    ErrorRate,
    /// A numeric outcome's mean.
    Mean,
    /// Its sample standard deviation.
    Std,
    /// Its smallest value.
    Min,
    /// Its 10th percentile.
    P10,
    /// Its 25th percentile.
    P25,
    /// Its median.
    Median,
    /// Its 75th percentile.
    P75,
    /// Its 90th percentile.
    P90,
    /// Its largest value.
    Max,
}

/// Which way a metric is good for the people audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Higher {
    /// Higher is better when the audit's positive decision (or higher value) is favourable,
    /// worse when it is adverse: the selection rate, the tpr and fpr, a numeric outcome's
    /// location.
    FollowsDirection,
    /// Higher is better whatever the direction (accuracy, predictive values).
    Better,
    /// Higher is worse whatever the direction (error rates of the model).
    Worse,
    /// Neither: a description of the group (its share, its base rate, a spread).
    Neutral,
}

/// A metric's entry in the registry.
#[derive(Debug, Clone, Copy)]
pub struct MetricInfo {
    /// Its id.
    pub metric: Metric,
    /// Its name in `results.json` and the tables (the field's vocabulary: AIF360, fairlearn,
    /// aequitas).
    pub name: &'static str,
    /// Its name in sentences: `selection rate`, `true positive rate`.
    pub words: &'static str,
    /// Which way is good for the people.
    pub higher: Higher,
}

/// Every metric, in the order of [`Metric`].
#[rustfmt::skip]
pub const METRICS: [MetricInfo; 23] = [
    info(Metric::GroupShare, "group_share", "share of the people", Higher::Neutral),
    info(Metric::ShareOfPredictedPositives, "share_of_predicted_positives", "share of the positive decisions", Higher::Neutral),
    info(Metric::SelectionRate, "selection_rate", "selection rate", Higher::FollowsDirection),
    info(Metric::BaseRate, "base_rate", "base rate", Higher::Neutral),
    info(Metric::Tpr, "tpr", "true positive rate", Higher::FollowsDirection),
    info(Metric::Fpr, "fpr", "false positive rate", Higher::FollowsDirection),
    info(Metric::Fnr, "fnr", "false negative rate", Higher::Worse),
    info(Metric::Tnr, "tnr", "true negative rate", Higher::Better),
    info(Metric::Ppv, "ppv", "positive predictive value", Higher::Better),
    info(Metric::Npv, "npv", "negative predictive value", Higher::Better),
    info(Metric::Fdr, "fdr", "false discovery rate", Higher::Worse),
    info(Metric::For, "for", "false omission rate", Higher::Worse),
    info(Metric::Accuracy, "accuracy", "accuracy", Higher::Better),
    info(Metric::ErrorRate, "error_rate", "error rate", Higher::Worse),
    info(Metric::Mean, "mean", "mean", Higher::FollowsDirection),
    info(Metric::Std, "std", "standard deviation", Higher::Neutral),
    info(Metric::Min, "min", "smallest value", Higher::FollowsDirection),
    info(Metric::P10, "p10", "10th percentile", Higher::FollowsDirection),
    info(Metric::P25, "p25", "25th percentile", Higher::FollowsDirection),
    info(Metric::Median, "median", "median", Higher::FollowsDirection),
    info(Metric::P75, "p75", "75th percentile", Higher::FollowsDirection),
    info(Metric::P90, "p90", "90th percentile", Higher::FollowsDirection),
    info(Metric::Max, "max", "largest value", Higher::FollowsDirection),
];

const fn info(
    metric: Metric,
    name: &'static str,
    words: &'static str,
    higher: Higher,
) -> MetricInfo {
    MetricInfo {
        metric,
        name,
        words,
        higher,
    }
}

impl Metric {
    /// Its entry in the registry.
    pub fn info(self) -> &'static MetricInfo {
        &METRICS[self as usize]
    }

    /// Its name in `results.json`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Its name in sentences.
    pub fn words(self) -> &'static str {
        self.info().words
    }

    /// Whether it is a share of rows, between 0 and 1 (every rate), rather than an amount in the
    /// outcome's unit (a numeric outcome's statistics).
    pub fn is_share(self) -> bool {
        !matches!(
            self,
            Metric::Mean
                | Metric::Std
                | Metric::Min
                | Metric::P10
                | Metric::P25
                | Metric::Median
                | Metric::P75
                | Metric::P90
                | Metric::Max
        )
    }

    /// The metric of a `results.json` name, if it is one.
    pub fn from_name(name: &str) -> Option<Metric> {
        METRICS.iter().find(|m| m.name == name).map(|m| m.metric)
    }
}

/// A summary of a rate over all the groups of a set (fairlearn's between-groups summaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Between {
    /// Highest − lowest selection rate.
    DemographicParityDifference,
    /// Lowest / highest selection rate.
    DemographicParityRatio,
    /// The larger of the tpr and fpr spreads.
    EqualizedOddsDifference,
    /// The smaller of the tpr and fpr lowest / highest.
    EqualizedOddsRatio,
}

impl Between {
    /// Every summary, in the order `results.json` lists them.
    pub const ALL: [Between; 4] = [
        Between::DemographicParityDifference,
        Between::DemographicParityRatio,
        Between::EqualizedOddsDifference,
        Between::EqualizedOddsRatio,
    ];

    /// Its name in `results.json` (fairlearn's).
    pub fn name(self) -> &'static str {
        match self {
            Between::DemographicParityDifference => "demographic_parity_difference",
            Between::DemographicParityRatio => "demographic_parity_ratio",
            Between::EqualizedOddsDifference => "equalized_odds_difference",
            Between::EqualizedOddsRatio => "equalized_odds_ratio",
        }
    }

    /// How it is computed, in words.
    pub fn formula(self) -> &'static str {
        match self {
            Between::DemographicParityDifference => "highest − lowest selection rate",
            Between::DemographicParityRatio => "lowest / highest selection rate",
            Between::EqualizedOddsDifference => {
                "the larger of the tpr and fpr spreads (highest − lowest)"
            }
            Between::EqualizedOddsRatio => {
                "the smaller of lowest / highest tpr and lowest / highest fpr"
            }
        }
    }

    /// Whether it is a ratio (else a difference of shares).
    pub fn is_ratio(self) -> bool {
        matches!(
            self,
            Between::DemographicParityRatio | Between::EqualizedOddsRatio
        )
    }

    /// The summary of a `results.json` name, if it is one.
    pub fn from_name(name: &str) -> Option<Between> {
        Between::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// A comparison of a group with the reference, by what it compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Versus {
    /// A metric's ratio to the reference's (`<metric>_ratio`).
    Ratio(Metric),
    /// A metric minus the reference's (`<metric>_difference`).
    Difference(Metric),
    /// The selection rate's ratio (the four-fifths rule's).
    DisparateImpactRatio,
    /// The selection rate's difference.
    StatisticalParityDifference,
    /// The tpr's difference.
    EqualOpportunityDifference,
    /// The mean of the tpr's and fpr's differences.
    AverageOddsDifference,
    /// The mean of their absolute values.
    AverageAbsOddsDifference,
    /// The larger of their absolute values.
    EqualizedOddsDifference,
    /// The ppv's difference.
    PredictiveParityDifference,
    /// The ppv's ratio.
    PredictiveParityRatio,
    /// A numeric outcome's difference of means over the pooled standard deviation.
    StandardizedMeanDifference,
    /// The two-sample Kolmogorov–Smirnov statistic.
    KsStatistic,
    /// Its p-value.
    KsPValue,
    /// With controls: the group's selection rate at the reference's mix of strata.
    SelectionRateAdjusted,
    /// Its ratio to the reference's rate.
    DisparateImpactRatioAdjusted,
    /// The Mantel–Haenszel risk ratio.
    MantelHaenszelRatio,
    /// The share of the gap the controls explain (Kitagawa).
    ExplainedShare,
    /// The people affected by the selection rate's gap.
    Shortfall,
    /// The people affected by the judged error rate's gap.
    ErrorRateShortfall,
    /// With controls: the people affected by the selection rate's gap within the strata (the
    /// group's rows at the reference's rate in each stratum).
    ShortfallAdjusted,
    /// The smallest ratio of selection rates, on the group's disadvantaged side, its size could
    /// show (80% power, the audit's level before adjustment).
    DetectableRatio,
    /// With a label: the same for the judged error rate's ratio, over the group's rows the rate
    /// is of (its qualified or its unqualified people).
    DetectableErrorRatio,
    /// A numeric outcome's smallest standardized mean difference its size could show.
    DetectableSmd,
}

impl Versus {
    /// Its name in `results.json`.
    pub fn name(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Versus::Ratio(m) => return Cow::Owned(format!("{}_ratio", m.name())),
            Versus::Difference(m) => return Cow::Owned(format!("{}_difference", m.name())),
            Versus::DisparateImpactRatio => "disparate_impact_ratio",
            Versus::StatisticalParityDifference => "statistical_parity_difference",
            Versus::EqualOpportunityDifference => "equal_opportunity_difference",
            Versus::AverageOddsDifference => "average_odds_difference",
            Versus::AverageAbsOddsDifference => "average_abs_odds_difference",
            Versus::EqualizedOddsDifference => "equalized_odds_difference",
            Versus::PredictiveParityDifference => "predictive_parity_difference",
            Versus::PredictiveParityRatio => "predictive_parity_ratio",
            Versus::StandardizedMeanDifference => "standardized_mean_difference",
            Versus::KsStatistic => "ks_statistic",
            Versus::KsPValue => "ks_p_value",
            Versus::SelectionRateAdjusted => "selection_rate_adjusted",
            Versus::DisparateImpactRatioAdjusted => "disparate_impact_ratio_adjusted",
            Versus::MantelHaenszelRatio => "mantel_haenszel_ratio",
            Versus::ExplainedShare => "explained_share",
            Versus::Shortfall => "shortfall",
            Versus::ErrorRateShortfall => "error_rate_shortfall",
            Versus::ShortfallAdjusted => "shortfall_adjusted",
            Versus::DetectableRatio => "detectable_ratio",
            Versus::DetectableErrorRatio => "detectable_error_ratio",
            Versus::DetectableSmd => "detectable_smd",
        })
    }
}

/// A test of a group against the reference, by what it tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tested {
    /// A rate's two-proportion test, or a numeric outcome's mean's Welch test.
    Metric(Metric),
    /// With controls: the Cochran–Mantel–Haenszel test of the selection rate within strata.
    Cmh,
}

impl Tested {
    /// Its name in `results.json`'s `tests`.
    pub fn name(self) -> &'static str {
        match self {
            Tested::Metric(m) => m.name(),
            Tested::Cmh => "cmh",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_in_the_place_of_its_id_and_names_are_unique() {
        for (i, m) in METRICS.iter().enumerate() {
            assert_eq!(m.metric as usize, i, "{}", m.name);
            assert_eq!(Metric::from_name(m.name), Some(m.metric));
        }
        assert_eq!(Versus::Ratio(Metric::Fpr).name(), "fpr_ratio");
        assert_eq!(Versus::Difference(Metric::Mean).name(), "mean_difference");
        assert_eq!(Tested::Cmh.name(), "cmh");
    }
}
