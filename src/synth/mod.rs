//! `fairaudit synth`: realistic decision logs of a small online business, with planted effects
//! whose size is known, and the ground truth next to them. Deterministic for a given seed.

mod effects;
mod kinds;
pub mod names;
mod population;

pub use effects::{truth, Effects, PlantedEffect};

use crate::error::{AuditError, Result};
use polars::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::path::Path;

/// The kind of decision log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Who was sent a discount offer, and whether they would have redeemed it.
    Offers,
    /// Quotes: product, options, region, risk tier, quoted price and discount.
    Pricing,
    /// Service tickets: escalation to a human, time to resolution, satisfaction.
    Service,
}

/// How a kind's decision rule is built: its favourable decision, and the legitimate factor
/// the rule may use.
#[derive(Debug, Clone, Copy)]
pub struct Design {
    /// The column holding the favourable binary decision.
    pub decision: &'static str,
    /// The continuous outcome (price, hours), if any.
    pub outcome: Option<&'static str>,
    /// The legitimate factor, in words (`channel = app`).
    pub factor: &'static str,
    /// The column holding it.
    pub factor_column: &'static str,
    /// How the factor multiplies the favourable decision's probability.
    pub factor_multiplier: f64,
    /// Share of customers for whom it holds (outside the legitimate effect's group).
    pub factor_share: f64,
    /// The continuous outcome's multiplier when the factor holds, and its mean otherwise.
    pub factor_outcome: (f64, f64),
    /// Index of the age band the legitimate effect concerns, and its name.
    pub legitimate_age: usize,
    /// Name of that age band.
    pub legitimate_group: &'static str,
}

impl Design {
    /// The design of each kind.
    pub fn of(kind: Kind) -> Self {
        match kind {
            Kind::Offers => Design {
                decision: "offer_sent",
                outcome: None,
                factor: "channel = app",
                factor_column: "channel",
                factor_multiplier: 3.0,
                factor_share: 0.3,
                factor_outcome: (1.0, 1.0),
                legitimate_age: 5,
                legitimate_group: "65+",
            },
            Kind::Pricing => Design {
                decision: "discount_given",
                outcome: Some("quoted_price"),
                factor: "risk_tier = high",
                factor_column: "risk_tier",
                factor_multiplier: 1.0 / 3.0,
                factor_share: 0.3,
                factor_outcome: (1.35, (0.4 * 0.9 + 0.3 * 1.0) / 0.7),
                legitimate_age: 0,
                legitimate_group: "18-24",
            },
            Kind::Service => Design {
                decision: "escalated",
                outcome: Some("hours_to_resolution"),
                factor: "priority = high",
                factor_column: "priority",
                factor_multiplier: 3.0,
                factor_share: 0.3,
                factor_outcome: (0.6, 1.0),
                legitimate_age: 5,
                legitimate_group: "65+",
            },
        }
    }

    /// Raw rate ratio of a group for which the factor holds with share `a`.
    pub fn legitimate_ratio(&self, a: f64) -> f64 {
        let k = self.factor_multiplier;
        (1.0 + (k - 1.0) * a) / (1.0 + (k - 1.0) * self.factor_share)
    }

    /// The factor's share in the legitimate effect's group that gives a raw ratio of `s`.
    pub fn factor_share_for(&self, s: f64) -> f64 {
        let k = self.factor_multiplier;
        (s * (1.0 + (k - 1.0) * self.factor_share) - 1.0) / (k - 1.0)
    }

    /// Expected ratio of mean outcomes between the legitimate effect's group and the others.
    pub fn legitimate_outcome_ratio(&self, s: f64) -> f64 {
        let (with, without) = self.factor_outcome;
        let mean = |a: f64| a * with + (1.0 - a) * without;
        mean(self.factor_share_for(s)) / mean(self.factor_share)
    }
}

/// Everything that defines a synthetic log.
#[derive(Debug, Clone, Serialize)]
pub struct SynthSpec {
    /// Which business log.
    pub kind: Kind,
    /// Rows (decisions).
    pub rows: usize,
    /// Months the decisions are spread over.
    pub months: u32,
    /// Random seed: the same seed gives the same file.
    pub seed: u64,
    /// First month, `YYYY-MM`.
    pub start: String,
    /// Planted effects.
    pub effects: Effects,
    /// Whether each row also gets a surname and a ZCTA drawn given its ethnicity (`--names`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub names: bool,
}

/// The ground truth written next to a log (`FILE.truth.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Truth {
    /// How the log was made.
    pub spec: SynthSpec,
    /// The favourable binary decision column.
    pub decision: &'static str,
    /// The continuous outcome column, if any.
    pub outcome: Option<&'static str>,
    /// Every effect, planted or not.
    pub effects: Vec<PlantedEffect>,
}

/// Generates the log and its ground truth.
pub fn generate(spec: &SynthSpec) -> Result<(DataFrame, Truth)> {
    let design = Design::of(spec.kind);
    spec.effects
        .validate(&design, spec.months)
        .map_err(AuditError::Spec)?;
    if spec.effects.miscalibrate.is_some() && spec.kind != Kind::Offers {
        return Err(AuditError::Spec(
            "--miscalibrate goes with --kind offers (its redeem_score)".into(),
        ));
    }
    if spec.rows == 0 || spec.months == 0 {
        return Err(AuditError::Spec(
            "--rows and --months must be at least 1".into(),
        ));
    }
    let (year, month) = parse_start(&spec.start)?;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut df = kinds::rows(spec, &design, (year, month), &mut rng)
        .map_err(|e| AuditError::Spec(e.to_string()))?;
    if spec.names {
        add_names(&mut df, spec.seed).map_err(|e| AuditError::Spec(e.to_string()))?;
    }
    let truth = Truth {
        spec: spec.clone(),
        decision: design.decision,
        outcome: design.outcome,
        effects: truth(&spec.effects, &design),
    };
    Ok((df, truth))
}

/// Adds `surname` and `zcta`, drawn given each row's Census race ([`names::race_of`] its
/// ethnicity) from a random stream of their own, so the log's other columns are the same as
/// without them.
fn add_names(df: &mut DataFrame, seed: u64) -> PolarsResult<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6e61_6d65_7321);
    let ethnicity = df.column("ethnicity")?.str()?.clone();
    let races: Vec<usize> = ethnicity
        .iter()
        .map(|value| {
            let index = population::ETHNICITIES
                .iter()
                .position(|e| Some(e.0) == value)
                .unwrap_or(population::ETHNICITIES.len() - 1);
            names::race_of(index, &mut rng)
        })
        .collect();
    let mut mix = [0.0; 6];
    races
        .iter()
        .for_each(|&r| mix[r] += 1.0 / races.len() as f64);
    let draw = names::NameDraw::new(&mix);
    let (mut surnames, mut zctas) = (Vec::with_capacity(df.height()), Vec::new());
    for race in races {
        let (surname, zcta) = draw.draw(race, &mut rng);
        surnames.push(surname.to_string());
        zctas.push(zcta.to_string());
    }
    df.with_column(Column::new("surname".into(), surnames))?;
    df.with_column(Column::new("zcta".into(), zctas))?;
    Ok(())
}

fn parse_start(start: &str) -> Result<(i32, u32)> {
    let bad = || AuditError::Spec(format!("--start {start:?}: expected YYYY-MM"));
    let (y, m) = start.split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok((y, m))
}

/// Writes the log (CSV or Parquet, by extension) and `FILE.truth.json`, each through a temporary
/// sibling file renamed into place.
pub fn write(path: &Path, df: &mut DataFrame, truth: &Truth) -> Result<()> {
    let mut json = serde_json::to_vec_pretty(truth)
        .map_err(|e| AuditError::render(&path.display().to_string(), e))?;
    json.push(b'\n');
    crate::load::write::write_log(path, df)?;
    crate::load::write::write_via_temp(&truth_path(path), |file| {
        std::io::Write::write_all(file, &json).map_err(|e| e.to_string())
    })
}

/// `FILE.truth.json` for `FILE`.
pub fn truth_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".truth.json");
    path.with_file_name(name)
}
