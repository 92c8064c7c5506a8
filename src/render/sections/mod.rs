//! The report's parts, in the report's order: the executive summary ([`headline`]), each kind of
//! outcome's scope lines, findings and glossary ([`binary`], [`numeric`], behind
//! [`KindSections`]), the gaps at equal legitimate factors ([`controls`]), the list of verdicts
//! ([`verdicts`]), the score itself with a score audit ([`score`]), what changed since the last audit ([`changes`]), the trend ([`trend`]) and why
//! the gaps exist ([`explain`]). The formats put them together.

pub mod binary;
pub mod changes;
pub mod controls;
pub mod explain;
pub mod headline;
pub mod numeric;
pub mod remedies;
pub mod score;
pub mod trend;
pub mod verdicts;

use crate::render::words::Words;
use crate::render::RunContext;
use crate::results::{AttributeSetResult, AuditInfo, AuditResults};
use crate::spec::OutcomeKind;

/// A kind of outcome's own parts of the report.
pub trait KindSections {
    /// The scope's lines on what is audited and the rule behind the verdicts.
    fn scope_lines(&self, s: &mut String, r: &AuditResults, ctx: &RunContext);
    /// The findings of the `index`-th attribute set.
    fn findings(
        &self,
        s: &mut String,
        r: &AuditResults,
        ctx: &RunContext,
        set: (usize, &AttributeSetResult),
    );
    /// The kind's own glossary entries, before the shared ones.
    fn glossary(&self, s: &mut String);
    /// How a gap is estimated at equal controls, for the scope's line on them.
    fn controls_method(&self, a: &AuditInfo) -> String;
    /// The glossary's terms of the tables at equal controls.
    fn controls_terms(&self) -> &'static [(&'static str, &'static str)];
    /// What the verdicts judge, in words: `selection rate`, `mean quoted price`.
    fn judged_words(&self, w: &Words) -> String;
    /// What the audit's column holds, in words: `decision`, `quoted price`.
    fn subject(&self, w: &Words) -> String;
    /// The rule the verdicts apply, in words: `the four-fifths rule`.
    fn rule_name(&self, a: &AuditInfo) -> String;
    /// How a group fares against the reference within each value of a proxy, `within` its ratio at
    /// the reference's mix (`interval` its interval, written) and `raw` the ratio in the whole sample: after "within each value
    /// of area, ".
    fn within_proxy(
        &self,
        w: &Words,
        reference: &str,
        within: f64,
        raw: &str,
        interval: &str,
    ) -> String;
}

/// The parts of the audit's kind of outcome.
pub fn of(kind: OutcomeKind) -> &'static dyn KindSections {
    match kind {
        OutcomeKind::Binary => &binary::Binary,
        OutcomeKind::Continuous => &numeric::Numeric,
    }
}
