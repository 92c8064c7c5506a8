//! Row generators of the three business logs. Every row is one decision about one customer; the
//! decision rule depends on legitimate inputs and, where planted, on the effects.

use super::population::{pick, Customer, AGE_BANDS, AREAS, ETHNICITIES, OTHER_CHANNELS, SEXES};
use super::{Design, Kind, SynthSpec};
use polars::prelude::*;
use rand::Rng;
use rand_distr::{Distribution, LogNormal};

/// One column's values.
enum Values {
    Text(Vec<&'static str>),
    Int(Vec<i64>),
    Float(Vec<f64>),
}

/// The columns of a log under construction, in the order they were first written.
#[derive(Default)]
struct Log {
    columns: Vec<(&'static str, Values)>,
}

impl Log {
    fn column(&mut self, name: &'static str, empty: fn() -> Values) -> &mut Values {
        let i = match self.columns.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                self.columns.push((name, empty()));
                self.columns.len() - 1
            }
        };
        &mut self.columns[i].1
    }
    fn text(&mut self, name: &'static str, v: &'static str) {
        if let Values::Text(values) = self.column(name, || Values::Text(Vec::new())) {
            values.push(v);
        }
    }
    fn int(&mut self, name: &'static str, v: i64) {
        if let Values::Int(values) = self.column(name, || Values::Int(Vec::new())) {
            values.push(v);
        }
    }
    fn float(&mut self, name: &'static str, v: f64, decimals: i32) {
        let scale = 10f64.powi(decimals);
        if let Values::Float(values) = self.column(name, || Values::Float(Vec::new())) {
            values.push((v * scale).round() / scale);
        }
    }
}

/// Generates `spec.rows` decisions spread evenly over `spec.months` months from `start`.
pub fn rows(
    spec: &SynthSpec,
    design: &Design,
    start: (i32, u32),
    rng: &mut impl Rng,
) -> PolarsResult<DataFrame> {
    let mut log = Log::default();
    let mut ids = Vec::with_capacity(spec.rows);
    let mut dates = Vec::with_capacity(spec.rows);
    for i in 0..spec.rows {
        let month = (i as u64 * spec.months as u64 / spec.rows as u64) as u32;
        let c = Customer::draw(rng);
        let months_since = start.1 - 1 + month;
        let (year, mon) = (start.0 + (months_since / 12) as i32, months_since % 12 + 1);
        dates.push(format!(
            "{year:04}-{mon:02}-{:02}",
            rng.random_range(1..=28)
        ));
        ids.push(100_000 + i as i64);
        log.text("age_band", AGE_BANDS[c.age].0);
        log.text("sex", SEXES[c.sex].0);
        log.text("ethnicity", ETHNICITIES[c.ethnicity].0);
        log.text("postcode_area", AREAS[c.area].0);
        log.text("income_band", c.income);
        log.int("tenure_months", c.tenure_months as i64);
        log.float("past_spend", c.past_spend, 2);
        // The legitimate factor: its share differs for the legitimate effect's age band.
        let share = match spec.effects.legitimate {
            Some(s) if c.age == design.legitimate_age => design.factor_share_for(s),
            _ => design.factor_share,
        };
        let factor = rng.random_bool(share.clamp(0.0, 1.0));
        let (effect, outcome_effect) =
            spec.effects
                .multipliers(c.ethnicity, c.in_proxy_area(), c.sex, month);
        let factor_multiplier = if factor {
            design.factor_multiplier
        } else {
            1.0
        };
        match spec.kind {
            Kind::Offers => offer(
                &mut log,
                rng,
                (&c, factor),
                factor_multiplier * effect,
                spec.effects.calibration(c.ethnicity),
            ),
            Kind::Pricing => quote(
                &mut log,
                rng,
                factor,
                factor_multiplier * effect,
                outcome_effect,
            ),
            Kind::Service => ticket(
                &mut log,
                rng,
                factor,
                factor_multiplier * effect,
                outcome_effect,
            ),
        }
    }
    let mut columns = vec![
        Column::new("customer_id".into(), ids),
        Column::new("decision_date".into(), dates),
    ];
    columns.extend(log.columns.into_iter().map(|(name, values)| match values {
        Values::Text(v) => Column::new(name.into(), v),
        Values::Int(v) => Column::new(name.into(), v),
        Values::Float(v) => Column::new(name.into(), v),
    }));
    DataFrame::new_infer_height(columns)
}

fn channel(rng: &mut impl Rng, app: bool) -> &'static str {
    if app {
        "app"
    } else {
        OTHER_CHANNELS[pick(rng, OTHER_CHANNELS.iter().map(|c| c.1))].0
    }
}

/// A targeting decision: the rule favours long-standing customers and app users. The shop's
/// redemption model scores each customer's chance of redeeming (`redeem_score`); the customer
/// redeems with that chance times `calibration` (1: the score is right).
fn offer(
    log: &mut Log,
    rng: &mut impl Rng,
    (c, app): (&Customer, bool),
    multiplier: f64,
    calibration: f64,
) {
    log.text("channel", channel(rng, app));
    let tenure = if c.tenure_months > 24 { 1.3 } else { 1.0 };
    let p = (0.22 * tenure * multiplier).min(1.0);
    let sent = rng.random_bool(p);
    let redeem = 0.10 + if c.past_spend > 150.0 { 0.2 } else { 0.0 } + if app { 0.1 } else { 0.0 };
    log.float("targeting_score", p, 4);
    log.float("redeem_score", redeem, 4);
    log.int("offer_sent", i64::from(sent));
    log.int(
        "would_redeem",
        i64::from(rng.random_bool((redeem * calibration).min(1.0))),
    );
}

const PRODUCTS: [(&str, f64, f64); 3] = [
    ("basic", 0.5, 20.0),
    ("standard", 0.35, 35.0),
    ("premium", 0.15, 60.0),
];

/// A quote: price from product, options and risk tier; a discount less likely for high risk.
fn quote(log: &mut Log, rng: &mut impl Rng, high_risk: bool, multiplier: f64, price_effect: f64) {
    let app = rng.random_bool(0.3);
    log.text("channel", channel(rng, app));
    let (product, _, list) = PRODUCTS[pick(rng, PRODUCTS.iter().map(|p| p.1))];
    let options = rng.random_range(0..=3);
    let (tier, tier_factor) = if high_risk {
        ("high", 1.35)
    } else if rng.random_bool(0.4 / 0.7) {
        ("low", 0.9)
    } else {
        ("medium", 1.0)
    };
    let noise = LogNormal::new(0.0, 0.05).map_or(1.0, |d| d.sample(rng));
    let price = list * (1.0 + 0.08 * options as f64) * tier_factor * noise * price_effect;
    let discount = rng.random_bool((0.35 * multiplier).min(1.0));
    let pct = if discount {
        [5, 10, 15][rng.random_range(0..3)]
    } else {
        0
    };
    let accept = 0.55 + if discount { 0.15 } else { 0.0 } - if high_risk { 0.1 } else { 0.0 };
    log.text("product", product);
    log.int("options", options);
    log.text("risk_tier", tier);
    log.float("quoted_price", price, 2);
    log.int("discount_given", i64::from(discount));
    log.int("discount_pct", pct);
    log.int("accepted", i64::from(rng.random_bool(accept)));
}

const CATEGORIES: [(&str, f64); 4] = [
    ("billing", 0.3),
    ("technical", 0.3),
    ("delivery", 0.25),
    ("complaint", 0.15),
];

/// A service ticket: high priority is escalated to a human more often and resolved sooner.
fn ticket(log: &mut Log, rng: &mut impl Rng, high: bool, multiplier: f64, hours_effect: f64) {
    let app = rng.random_bool(0.3);
    log.text("channel", channel(rng, app));
    let category = CATEGORIES[pick(rng, CATEGORIES.iter().map(|c| c.1))].0;
    let priority = if high {
        "high"
    } else if rng.random_bool(0.5) {
        "normal"
    } else {
        "low"
    };
    let escalated = rng.random_bool((0.15 * multiplier).min(1.0));
    let base = LogNormal::new(24f64.ln(), 0.6).map_or(24.0, |d| d.sample(rng));
    let hours = base * if high { 0.6 } else { 1.0 } * hours_effect;
    let satisfied =
        0.75 - if hours > 48.0 { 0.15 } else { 0.0 } + if escalated { 0.05 } else { 0.0 };
    log.text("category", category);
    log.text("priority", priority);
    log.int("escalated", i64::from(escalated));
    log.float("hours_to_resolution", hours, 1);
    log.int("satisfied", i64::from(rng.random_bool(satisfied)));
}
