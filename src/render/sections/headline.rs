//! The executive summary: one line per decision and attribute set with a status, one plain
//! sentence a non-specialist can read, and the suggested next step.

use super::explain::{cause_of, cause_text};
use crate::judge::checks::Measure;
use crate::metric::{Metric, Tested, Versus};
use crate::render::context::{Cadence, FollowUp};
use crate::render::text::{
    how_often, pct, period_words, ratio as ratio_text, share_of_gap, thousands,
};
use crate::render::words::{capitalized, Words};
use crate::results::explain::Cause;
use crate::results::{
    AttributeSetResult, AuditResults, GroupMeasures, GroupResult, SetCheck, SetStatus, VerdictState,
};
use crate::spec::{Basis, Favorable};
use crate::stats::power::POWER;

/// A set status's label, with a shape that does not rely on colour.
pub fn status_label(status: SetStatus) -> &'static str {
    match status {
        SetStatus::ActionNeeded => "✖ ACTION NEEDED",
        SetStatus::Review => "▲ REVIEW",
        SetStatus::Explained => "✔ EXPLAINED",
        SetStatus::Ok => "✔ OK",
    }
}

/// A status's label for a line about the controls `controls` (in words): an explained gap says
/// by what (`✔ EXPLAINED by channel`).
pub fn label_with(status: SetStatus, controls: &str) -> String {
    match status {
        SetStatus::Explained => format!("{} by {controls}", status_label(status)),
        _ => status_label(status).to_string(),
    }
}

/// The suggested next step for a set status, fitting how often the audit runs: a one-off review
/// of past decisions is not "audited again next month".
pub fn next_step(status: SetStatus, cadence: Cadence) -> String {
    match (status, cadence.next()) {
        (SetStatus::ActionNeeded, Some(next)) => format!(
            "find out why the decision rule treats this group differently (a legitimate factor, a proxy, or the \
             attribute itself), decide on a remedy, and check the change in {next}'s audit"
        ),
        (SetStatus::ActionNeeded, None) => "find out why the decision rule treated this group differently (a \
             legitimate factor, a proxy, or the attribute itself), and check whether the system in use today still \
             does before deciding on a remedy"
            .to_string(),
        (SetStatus::Review, Some(next)) => format!(
            "review the cases by hand, and watch whether the gap holds in {next}'s audit: it is large but the \
             numbers are too small to be sure"
        ),
        (SetStatus::Review, None) => "review the cases by hand or collect more data: the gap is large but the \
             numbers are too small to be sure"
            .to_string(),
        (SetStatus::Explained, _) => {
            "confirm that the declared legitimate factors are legitimate for this decision".to_string()
        }
        (SetStatus::Ok, Some(next)) => format!("no action; audit again {next}"),
        (SetStatus::Ok, None) => "no action on this evidence".to_string(),
    }
}

/// One line of the executive summary.
#[derive(Debug, Clone)]
pub struct Headline {
    /// The decision audited, as its column reads (`tpr of offer_sent`).
    pub decision: String,
    /// What is judged: `selection rate`, `false positive rate`, `mean price`.
    pub check: String,
    /// The attribute set.
    pub attributes: String,
    /// Its status.
    pub status: SetStatus,
    /// Its status by the raw rates alone, when it differs (the status follows the gaps at equal
    /// controls).
    pub raw_status: Option<SetStatus>,
    /// What it means, in one plain sentence.
    pub sentence: String,
    /// The sentence's first part only: the comparison and how sure it is (the brief's findings
    /// give the rest per group).
    pub short: String,
    /// With controls, for a focus group that does not pass: the controls in words, and whether
    /// they explain its gap.
    pub controls: Option<(String, bool)>,
    /// With `--features`, for a focus group that does not pass: the cause the data supports
    /// (`proxy` with the feature in words and whether it carries only part of the gap,
    /// `direct` with the attribute, or `unexplained`).
    pub cause: Option<(String, Option<String>, bool)>,
    /// Whether the focus group passes with a statistically significant gap (a numeric
    /// outcome's difference within the threshold, but real).
    pub within_but_real: bool,
    /// With `--date`, when the group's gap began after periods without it: the period, in words
    /// (`May 2025`), and the sentence saying so.
    pub began: Option<(String, String)>,
    /// With remedies, for the selection rate: the best option found for the set, in words.
    pub remedy: Option<String>,
}

impl Headline {
    /// Its status's label: `✔ EXPLAINED by channel`, `✖ ACTION NEEDED`.
    pub fn label(&self) -> String {
        match &self.controls {
            Some((controls, _)) => label_with(self.status, controls),
            None => status_label(self.status).to_string(),
        }
    }

    /// `many` when the controls are several, else `one`.
    fn plural<'a>(&self, many: &'a str, one: &'a str) -> &'a str {
        match &self.controls {
            Some((names, _)) if names.contains(" and ") => many,
            _ => one,
        }
    }

    /// The suggested next step: as [`next_step`], or for a gap the controls explain, checking
    /// that they are legitimate factors.
    pub fn next_step(&self, cadence: Cadence) -> String {
        match &self.began {
            Some((period, _)) if self.status == SetStatus::ActionNeeded => format!(
                "find out what changed in {period}, when the gap began; then {}",
                self.step(cadence)
            ),
            _ => self.step(cadence),
        }
    }

    /// The next step, whenever the gap began, naming the best option found when there is one.
    fn step(&self, cadence: Cadence) -> String {
        let step = self.cause_step(cadence);
        match &self.remedy {
            Some(remedy) if self.status == SetStatus::ActionNeeded => format!(
                "{step}; the best option found: {remedy} (see “What could be done instead”)"
            ),
            _ => step,
        }
    }

    /// The next step the cause and the controls suggest.
    fn cause_step(&self, cadence: Cadence) -> String {
        let check_next = cadence.next().map_or(String::new(), |next| {
            format!("; check the change in {next}'s audit")
        });
        match &self.cause {
            Some((case, Some(feature), partly)) if case == "proxy" => {
                let (share, rest) = if *partly {
                    ("part of the gap", ", and find out what drives the rest")
                } else {
                    ("the gap", "")
                };
                return format!(
                    "review {feature}: it carries {share} and stands for the group, so decide whether the rule may \
                     use it, and how{rest}{check_next}"
                );
            }
            Some((case, Some(attribute), _)) if case == "direct" => {
                return format!(
                    "stop the rule from using {attribute}: its decisions depend on it directly; decide on a \
                     remedy for the people affected{check_next}"
                )
            }
            Some((case, _, _)) if case == "unexplained" && self.status == SetStatus::ActionNeeded => {
                return format!(
                    "find out what drives the gap: no single input given passes the proxy test and no declared \
                     legitimate factor accounts for it, so review with the rule's owner how its inputs together \
                     (see “What drives the decision”) produce the gap, and decide on a remedy{check_next}"
                )
            }
            _ => {}
        }
        match &self.controls {
            Some((controls, true)) => format!(
                "confirm that {controls} {} for this decision: the gap disappears at equal {controls}, so no \
                 remedy for the group itself is needed if {}",
                self.plural("are legitimate factors", "is a legitimate factor"),
                self.plural("they are", "it is")
            ),
            Some((controls, false)) if self.status == SetStatus::ActionNeeded => format!(
                "{controls} {} not explain the gap: find out whether another legitimate factor, a proxy or the \
                 attribute itself drives it, and decide on a remedy{}",
                self.plural("do", "does"),
                cadence
                    .next()
                    .map_or(String::new(), |next| format!("; check the change in {next}'s audit"))
            ),
            _ if self.within_but_real && self.status == SetStatus::Ok => {
                cadence.next().map_or(
                    "no action under the rule; the difference is real, so say whether it is acceptable".to_string(),
                    |next| format!("no action under the rule; the difference is real, so watch it in {next}'s audit"),
                )
            }
            _ => next_step(self.status, cadence),
        }
    }
}

/// Every line of the executive summary, in the report's order of attribute sets: per set, the
/// selection rate (four-fifths rule) and, with a label, the judged error rate.
pub fn headlines(w: &Words) -> Vec<Headline> {
    let mut lines = Vec::new();
    for set in &w.r.attribute_sets {
        for (check, judged) in checks(set) {
            lines.push(line(w, set, check, judged));
        }
    }
    lines
}

/// The checks of an attribute set, as judge filled them, with what each is about.
fn checks(set: &AttributeSetResult) -> impl Iterator<Item = (Check, &SetCheck)> {
    set.checks.iter().map(|c| (Check(Measure::of(c)), c))
}

/// What a line of the summary is about: a check judge made, with its words.
#[derive(Clone, Copy)]
struct Check(Measure);

impl Check {
    fn state(self, g: &GroupResult) -> VerdictState {
        self.0.state(g)
    }

    /// The rate the check judges.
    fn metric(self) -> Metric {
        self.0.metric()
    }

    /// The ratio the check judges.
    fn ratio(self, g: &GroupResult) -> Option<f64> {
        self.0.ratio(g)
    }

    /// Whether the controls' analysis is about this check (the selection rate or the mean; the
    /// error rates are not stratified).
    fn stratified(self) -> bool {
        !matches!(self.0, Measure::ErrorRate(_))
    }

    /// The check's name: `selection rate`, `false positive rate`, `mean interest rate`.
    fn name(self, w: &Words) -> String {
        match self.0 {
            Measure::Selection => "selection rate".to_string(),
            Measure::ErrorRate(metric) => metric.words().to_string(),
            Measure::Mean => format!("mean {}", w.outcome()),
        }
    }
}

fn line(w: &Words, set: &AttributeSetResult, check: Check, judged: &SetCheck) -> Headline {
    let index = judged
        .focus
        .as_ref()
        .and_then(|values| set.groups.iter().position(|g| &g.measures.values == values));
    let focus = index.map(|i| (&set.groups[i], judged.states.get(i).copied().flatten()));
    let raw_status = (judged.raw_status != judged.status).then_some(judged.raw_status);
    about(w, set, check, (judged.status, raw_status), focus)
}

/// The sentence of a check no group could be compared on.
const NONE_COMPARED: &str = "No group could be compared: every group is too small or excluded.";

/// The line of `check` on `set` with status `status` (and the raw one when it differs), about
/// a group with its own status on the check.
fn about(
    w: &Words,
    set: &AttributeSetResult,
    check: Check,
    (status, raw_status): (SetStatus, Option<SetStatus>),
    group: Option<(&GroupResult, Option<SetStatus>)>,
) -> Headline {
    let focus = group.map(|(g, _)| g);
    // The group needs a look: its status is not OK.
    let looked = group
        .filter(|(_, s)| s.is_some_and(|s| s != SetStatus::Ok))
        .map(|(g, _)| g);
    let short = focus.map_or_else(
        || NONE_COMPARED.to_string(),
        |g| {
            format!(
                "{}.{}",
                comparison(w, set, check, g),
                certainty(w, check, g)
            )
        },
    );
    let decision = match check.0 {
        Measure::Selection | Measure::Mean => w.decision_column(),
        Measure::ErrorRate(metric) => format!("{} of {}", metric.name(), w.decision_column()),
    };
    Headline {
        decision,
        check: check.name(w),
        attributes: w.set(set),
        status,
        raw_status,
        controls: looked
            .filter(|g| check.stratified() && adjusted(g))
            .map(|g| (w.controls(), explained(g))),
        within_but_real: focus.is_some_and(|g| real_gap(w.r, check, g).is_some()),
        began: looked.and_then(|g| began(w, set, check, g)),
        remedy: matches!(check.0, Measure::Selection)
            .then(|| w.r.remedies_of(set))
            .flatten()
            .and_then(|m| {
                m.candidates
                    .iter()
                    .find(|c| m.best.as_ref() == Some(&c.name))
            })
            .map(|c| super::remedies::what(w, c)),
        cause: cause(w, set, check, focus).map(|c| {
            (
                c.case.clone(),
                c.feature.as_deref().map(|f| w.attribute(f)),
                c.remains_within,
            )
        }),
        sentence: focus.map_or_else(
            || NONE_COMPARED.to_string(),
            |g| {
                format!(
                    "{short}{}{}",
                    looked
                        .and_then(|g| after_controls(w, check, g))
                        .map_or(String::new(), |a| format!(" {a}.")),
                    cause(w, set, check, Some(g))
                        .filter(|c| c.case != "legitimate")
                        .map_or(String::new(), |c| format!(
                            " {}",
                            cause_text(w, c, &w.reference(set))
                        ))
                )
            },
        ),
        short,
    }
}

/// What "not statistically certain" can mean for a group of its size: the smallest gap it could
/// show.
fn detectable(w: &Words, check: Check, g: &GroupResult) -> Option<String> {
    let errors = matches!(check.0, Measure::ErrorRate(_));
    let gap = crate::render::kinds::layout(w.r).detectable_text(w.r, &g.measures, errors)?;
    let who = if errors {
        w.among_judged(w.people())
    } else {
        w.people().to_string()
    };
    let n = check.0.rows(g);
    Some(format!(
        "With {} {who}, only {gap} could be shown with {:.0}% power (at the {} level before adjustment).",
        thousands(n),
        POWER * 100.0,
        w.r.audit.alpha
    ))
}

/// When a group's gap began, with `--date`: the failing streak judge found for it on the judged
/// measure, when the periods before it did not fail; the period in words and the sentence.
fn began(
    w: &Words,
    set: &AttributeSetResult,
    check: Check,
    g: &GroupResult,
) -> Option<(String, String)> {
    if matches!(check.0, Measure::ErrorRate(_)) || set.segment.is_some() {
        return None;
    }
    let f =
        w.r.failing_streaks
            .iter()
            .find(|f| f.attributes == set.attributes && f.group == g.measures.values)?;
    let before = f.ratio_before?;
    let period = period_words(&f.since);
    let during = f.ratio_range.map_or(String::new(), |[low, high]| {
        format!(", and {low:.2} to {high:.2} in every period since")
    });
    let sentence = format!(
        "The gap began in {period}: the group's ratio to the reference was {before:.2} on average in the periods \
         before{during} (see Trend)."
    );
    Some((period, sentence))
}

/// The explanation's cause of a focus group's selection-rate gap (pooled sets only).
fn cause<'a>(
    w: &Words<'a>,
    set: &AttributeSetResult,
    check: Check,
    g: Option<&GroupResult>,
) -> Option<&'a Cause> {
    let g = g.filter(|g| check.state(g) != VerdictState::Pass)?;
    if !matches!(check.0, Measure::Selection) || set.segment.is_some() {
        return None;
    }
    cause_of(w.r, &set.attributes, &g.measures.values)
}

/// The decision sheet's words on the controls for a check they apply to: `. The gap is explained
/// by …` (without the full stop the sheet adds).
fn controlled(w: &Words, check: Check, g: &GroupResult) -> String {
    after_controls(w, check, g).map_or(String::new(), |a| format!(". {a}"))
}

/// A finding of the brief: a group whose status on a check is not OK.
pub struct Finding {
    /// Its status's label (`✖ ACTION NEEDED`, `✔ EXPLAINED by channel`).
    pub label: String,
    /// The check and the attribute set: `selection rate by ethnicity`.
    pub check: String,
    /// What differs, by how much and for how many people, with its owner from `--findings`.
    pub text: String,
    /// What to do next about it.
    pub next_step: String,
    status: SetStatus,
    affected: f64,
}

/// The decision sheet: one sentence over every check, then each group that needs action or
/// review, or whose gap the declared legitimate factors explain: those that need action first,
/// then review, then explained, each by the people its gap affects on the basis the status
/// follows (at equal controls when there are any), most first, with its status's label, how many
/// people it concerns, its next step and, from `--findings`, who owns it.
pub fn decision_sheet(
    w: &Words,
    follow_up: &[FollowUp],
    cadence: Cadence,
) -> (String, Vec<Finding>) {
    let mut entries: Vec<Finding> = Vec::new();
    for set in &w.r.attribute_sets {
        for (check, judged) in checks(set) {
            for ((g, affected), state) in
                set.groups.iter().zip(&judged.affected).zip(&judged.states)
            {
                let Some(status) = state.filter(|s| *s != SetStatus::Ok) else {
                    continue;
                };
                let owned = follow_up
                    .iter()
                    .filter(|f| f.concerns(&set.attributes, &g.measures.values))
                    .map(|f| format!(" Owner: {}, due {} ({}).", f.owner, f.due, f.status))
                    .collect::<String>();
                let raw = check.0.status(g, Basis::Raw).filter(|r| *r != status);
                let beside = raw.map_or(String::new(), |r| {
                    format!(" By the raw rates alone: {}.", status_label(r))
                });
                let h = about(w, set, check, (status, raw), Some((g, Some(status))));
                let cause = cause(w, set, check, Some(g))
                    .filter(|c| c.case != "legitimate")
                    .map_or(String::new(), |c| {
                        format!(" {}", cause_text(w, c, &w.reference(set)))
                    });
                let detectable = (status == SetStatus::Review)
                    .then(|| detectable(w, check, g))
                    .flatten()
                    .map_or(String::new(), |d| format!(" {d}"));
                let began = h
                    .began
                    .as_ref()
                    .map_or(String::new(), |(_, sentence)| format!(" {sentence}"));
                entries.push(Finding {
                    label: label_with(status, &w.controls()),
                    check: format!("{} by {}", h.check, h.attributes),
                    text: format!(
                        "{}.{began}{detectable}{cause}{beside}{owned}",
                        entry(w, set, check, g)
                    ),
                    next_step: h.next_step(cadence),
                    status,
                    affected: affected.unwrap_or_default(),
                });
            }
        }
    }
    let lines = headlines(w);
    let count = |status| lines.iter().filter(|h| h.status == status).count();
    // The checks of a status, then how many of the groups listed below they concern, so that the
    // counts add up.
    let named = |status| {
        let groups = entries.iter().filter(|e| e.status == status).count();
        format!(
            "{}; {groups} {} listed below",
            lines
                .iter()
                .filter(|h| h.status == status)
                .map(|h| format!("{} by {}", h.check, h.attributes))
                .collect::<Vec<_>>()
                .join("; "),
            if groups == 1 { "group" } else { "groups" }
        )
    };
    let (action, explained, review, ok) = (
        count(SetStatus::ActionNeeded),
        count(SetStatus::Explained),
        count(SetStatus::Review),
        count(SetStatus::Ok),
    );
    let verb = |n: usize, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    let mut overall = format!(
        "{action} of {} {} {} action",
        lines.len(),
        verb(lines.len(), "check", "checks"),
        // "1 of 3 checks needs", "0 of 1 check needs", "0 of 3 checks need".
        if action == 1 || lines.len() == 1 {
            "needs"
        } else {
            "need"
        }
    );
    if action > 0 {
        overall += &format!(" ({})", named(SetStatus::ActionNeeded));
    }
    if explained > 0 {
        overall += &format!(
            ", {explained} {} explained by a declared legitimate factor ({})",
            verb(explained, "is", "are"),
            named(SetStatus::Explained)
        );
    }
    overall += &format!(", {review} {} review", verb(review, "needs", "need"));
    if review > 0 {
        overall += &format!(" ({})", named(SetStatus::Review));
    }
    overall += &format!(", {ok} {} OK.", verb(ok, "is", "are"));
    let raw_action = lines
        .iter()
        .filter(|h| h.raw_status.unwrap_or(h.status) == SetStatus::ActionNeeded)
        .count();
    if lines.iter().any(|h| h.raw_status.is_some()) {
        overall += &format!(
            " These statuses follow the gaps at equal {}, the declared legitimate {}; by the raw rates alone, {raw_action} \
             {} action.",
            w.controls(),
            verb(w.r.audit.controls.len(), "factor", "factors"),
            verb(raw_action, "check would need", "checks would need")
        );
    }
    let tier = |s: SetStatus| match s {
        SetStatus::ActionNeeded => 0,
        SetStatus::Review => 1,
        _ => 2,
    };
    entries.sort_by(|a, b| {
        tier(a.status)
            .cmp(&tier(b.status))
            .then(b.affected.total_cmp(&a.affected))
    });
    (overall, entries)
}

/// One group of the decision sheet: what differs, by how much, and for how many people (its
/// segment, if any, is in the check's name).
fn entry(w: &Words, set: &AttributeSetResult, check: Check, g: &GroupResult) -> String {
    let f = w.r.audit.favorable;
    let key = match check.0 {
        Measure::Selection => Versus::Shortfall,
        Measure::ErrorRate(_) => Versus::ErrorRateShortfall,
        Measure::Mean => {
            return format!(
                "{}; the gap concerns its {} {}{}",
                capitalized(&comparison(w, set, check, g)),
                thousands(g.measures.counts.n.get()),
                w.people(),
                controlled(w, check, g)
            )
        }
    };
    let more = match (check.0, f) {
        (Measure::Selection, Favorable::Positive)
        | (Measure::ErrorRate(_), Favorable::Positive) => "fewer",
        _ => "more",
    };
    let who = match check.0 {
        Measure::ErrorRate(_) => w.among_judged(w.people()),
        _ => w.people().to_string(),
    };
    // At equal controls: the group's rows at the reference's rate in each stratum.
    let within = g
        .measures
        .vs(Versus::ShortfallAdjusted)
        .filter(|_| matches!(check.0, Measure::Selection))
        .map_or(String::new(), |n| {
            let n = if n >= 0.5 {
                thousands(n.round())
            } else {
                "none".to_string()
            };
            format!(" ({n} at the reference's rate {})", within_each(w))
        });
    let people = g
        .measures
        .vs(key)
        .map(|n| {
            format!(
                "; about {} {more} {who} {} than at the reference's rate{within}",
                thousands(n.round()),
                w.decision()
            )
        })
        .unwrap_or_default();
    format!(
        "{}{people}{}",
        capitalized(&comparison(w, set, check, g)),
        controlled(w, check, g)
    )
}

/// How the check's raw verdict reads, after the numbers. A numeric outcome's gap within the
/// threshold that is statistically significant says so, with its size: within the rule is not
/// no difference.
fn certainty(w: &Words, check: Check, g: &GroupResult) -> String {
    let r = w.r;
    let rule = match r.audit.smd_threshold {
        Some(t) => format!("a standardized difference of {t}"),
        None => "the four-fifths threshold".to_string(),
    };
    let real = real_gap(r, check, g);
    match check.state(g) {
        VerdictState::Fail => " The gap is statistically significant.".to_string(),
        VerdictState::Inconclusive => {
            format!(" The gap is beyond {rule} but is not statistically certain.")
        }
        _ if real.is_some() => format!(
            " This is within {rule}, but real: a difference of {} in the mean, statistically significant.",
            w.change(real)
        ),
        _ if r.audit.smd_threshold.is_some() => format!(" This is within {rule}."),
        _ => " This is within the four-fifths rule.".to_string(),
    }
}

/// A numeric outcome's difference of means from the reference when it is statistically
/// significant and its verdict passes (within the threshold, but real).
fn real_gap(r: &AuditResults, check: Check, g: &GroupResult) -> Option<f64> {
    g.measures
        .test(Tested::Metric(Metric::Mean))
        .filter(|t| {
            matches!(check.0, Measure::Mean)
                && t.p_adjusted < r.audit.alpha
                && check.state(g) == VerdictState::Pass
                && !g.measures.is_reference
        })
        .and(g.measures.vs(Versus::Difference(Metric::Mean)))
}

/// A group against the reference, in words: for the selection rate, who received the decision
/// how often; for the error rate, among people whose true outcome was negative (adverse decision:
/// wrongly flagged) or positive (favourable: qualified), who received it how often.
fn comparison(w: &Words, set: &AttributeSetResult, check: Check, g: &GroupResult) -> String {
    let f = w.r.audit.favorable;
    let metric = check.metric();
    let (group, reference) = (w.group(&g.measures.values), w.reference(set));
    let (group, reference) = match check.0 {
        Measure::Selection => (group, reference),
        Measure::ErrorRate(_) => (w.among_judged(&group), w.among_judged(&reference)),
        Measure::Mean => return mean_comparison(w, g, &group, &reference),
    };
    format!(
        "{} {} {} {} ({} vs {})",
        capitalized(&group),
        w.decision(),
        how_often(check.ratio(g), f),
        reference,
        pct(g.measures.rate(metric)),
        pct(g.measures.reference_value(metric))
    )
}

/// Whether the controls explain a group's gap: its adjusted verdict passes.
fn explained(g: &GroupResult) -> bool {
    g.verdict
        .as_ref()
        .and_then(|v| v.adjusted_gap.or(v.four_fifths_adjusted))
        .is_some_and(|s| s == VerdictState::Pass)
}

/// Whether a group was compared within the controls' strata.
fn adjusted(g: &GroupResult) -> bool {
    g.verdict
        .as_ref()
        .is_some_and(|v| v.adjusted_gap.or(v.four_fifths_adjusted).is_some())
}

/// What the controls do to a group's gap on a check.
#[derive(Clone, Copy, PartialEq)]
enum AtEqual {
    /// A raw gap that is within the rule at equal controls.
    Explained,
    /// A raw gap that remains at equal controls.
    Remains,
    /// No raw gap, but one at equal controls.
    Appears,
}

impl AtEqual {
    /// The case of `g` on `check`, when it was compared within the controls and has a gap either
    /// way.
    fn of(check: Check, g: &GroupResult) -> Option<AtEqual> {
        let adjusted = check.0.adjusted_state(g)?;
        match (
            check.state(g) == VerdictState::Pass,
            adjusted == VerdictState::Pass,
        ) {
            (false, true) => Some(AtEqual::Explained),
            (false, false) => Some(AtEqual::Remains),
            (true, false) => Some(AtEqual::Appears),
            (true, true) => None,
        }
    }

    /// The sentence's opening, before what the gap is at equal controls.
    fn opening(self, controls: &str) -> String {
        match self {
            AtEqual::Explained => format!("The gap is explained by {controls}: "),
            AtEqual::Remains => format!("After accounting for {controls}, it remains: "),
            AtEqual::Appears => {
                format!("At equal {controls}, a gap appears that the raw rates do not show: ")
            }
        }
    }
}

/// The sentence on the gap after the controls (without its full stop), which says which case it
/// is: explained by them, remaining, or appearing only at equal controls.
fn after_controls(w: &Words, check: Check, g: &GroupResult) -> Option<String> {
    let case = AtEqual::of(check, g).filter(|_| check.stratified())?;
    let Some(gap) = g.measures.vs_reference.adjusted_gap.as_ref() else {
        return within_strata(w, g, case);
    };
    let controls = w.controls();
    let m = &g.measures;
    let of_mean = gap.percent_of_reference.map_or(String::new(), |p| {
        format!(", {:+.1}% of the reference's mean", p * 100.0)
    });
    // The raw SMD's scale: the two groups' pooled standard deviation.
    let raw_scale = m
        .vs(Versus::Difference(Metric::Mean))
        .zip(m.vs(Versus::StandardizedMeanDifference))
        .filter(|(_, smd)| *smd != 0.0)
        .map_or(String::new(), |(d, smd)| {
            format!(", against {} for the raw SMD", w.amount(Some(d / smd)))
        });
    let at_equal = format!(
        "at equal {controls}, the gap is {}{of_mean} ({:.0}% interval {} to {}): an SMD of {:+.2} on the spread \
         among {} alike in {controls} (residual standard deviation {}{raw_scale}), the scale the verdict at equal \
         controls uses",
        w.change(Some(gap.estimate)),
        w.r.audit.confidence * 100.0,
        w.change(Some(gap.ci[0])),
        w.change(Some(gap.ci[1])),
        gap.residual_smd,
        w.people(),
        w.amount(Some(gap.residual_sd)),
    );
    let part = gap.explained_share.map_or(String::new(), |e| {
        format!("; {}", share_of_gap(e, "the controls", &controls))
    });
    Some(format!("{}{at_equal}{part}", case.opening(&controls)))
}

/// The selection rate within the controls' strata: the ratio at the reference's mix and what it
/// says, for a yes/no decision; when the Mantel–Haenszel ratio tells otherwise, both and why.
fn within_strata(w: &Words, g: &GroupResult, case: AtEqual) -> Option<String> {
    let m = &g.measures;
    let ratio = m.vs(Versus::DisparateImpactRatioAdjusted)?;
    let controls = w.controls();
    let within = within_each(w);
    let interval =
        m.vs_interval(Versus::DisparateImpactRatioAdjusted)
            .map_or(String::new(), |[lo, hi]| {
                format!(
                    ", {:.0}% interval {lo:.2} to {hi:.2}",
                    w.r.audit.confidence * 100.0
                )
            });
    let part = m.vs(Versus::ExplainedShare).map_or(String::new(), |e| {
        format!(
            "; {}",
            share_of_gap(e, &format!("the mix of {controls}"), &controls)
        )
    });
    let disagree = g
        .verdict
        .as_ref()
        .filter(|v| v.adjusted_measures_disagree)
        .map_or(String::new(), |_| two_weightings(w, m));
    Some(format!(
        "{}{within}, the group {} {} the reference group (ratio at the reference's mix {ratio:.2}{interval}){part}{disagree}",
        case.opening(&controls),
        w.decision(),
        how_often(Some(ratio), w.r.audit.favorable)
    ))
}

/// `within each channel`, `within each combination of channel and region`.
fn within_each(w: &Words) -> String {
    match w.r.audit.controls.len() {
        1 => format!("within each {}", w.controls()),
        _ => format!("within each combination of {}", w.controls()),
    }
}

/// Why the two measures at equal controls tell differently, and which the verdict uses.
fn two_weightings(w: &Words, m: &GroupMeasures) -> String {
    let controls = w.controls();
    let mh = match m.vs_interval(Versus::MantelHaenszelRatio) {
        Some([lo, hi]) => format!(
            "{}, interval {lo:.2} to {hi:.2}",
            ratio_text(m.vs(Versus::MantelHaenszelRatio))
        ),
        None => ratio_text(m.vs(Versus::MantelHaenszelRatio)),
    };
    let p = m
        .test(Tested::Cmh)
        .map_or("n/a".to_string(), |t| format!("{:.2}", t.p_adjusted));
    format!(
        ". Weighted otherwise, the Mantel–Haenszel ratio is {mh} (Cochran–Mantel–Haenszel test p = {p}): it weights \
         each {controls} by the people of both groups in it, the ratio at the reference's mix by the reference \
         group's alone; the verdict uses the latter against the four-fifths threshold, with the CMH test for its \
         significance"
    )
}

/// A group's mean against the reference's: `Customers with ethnicity Black had a mean price of
/// 42.12 against 37.38 for customers with ethnicity White (12.7% higher; standardized mean
/// difference 0.45)`.
fn mean_comparison(w: &Words, g: &GroupResult, group: &str, reference: &str) -> String {
    let m = &g.measures;
    let relative = m
        .vs(Versus::Ratio(Metric::Mean))
        .map_or(String::new(), |ratio| {
            let change = (ratio - 1.0) * 100.0;
            match change {
                c if c > 0.0 => format!("{c:.1}% higher; "),
                c if c < 0.0 => format!("{:.1}% lower; ", -c),
                _ => "the same; ".to_string(),
            }
        });
    format!(
        "{} had a mean {} of {} against {} for {reference} ({relative}standardized mean difference {})",
        capitalized(group),
        w.outcome(),
        w.amount(m.rate(Metric::Mean)),
        w.amount(m.reference_value(Metric::Mean)),
        m.vs(Versus::StandardizedMeanDifference)
            .map_or("n/a".to_string(), |v| format!("{v:+.2}"))
    )
}
