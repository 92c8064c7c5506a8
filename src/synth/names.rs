//! Surnames and places drawn for a log's people given their ethnicity (`synth --names`), from
//! the tables `fairaudit estimate` uses, so that an estimate of the ethnicity the log records can
//! be checked against it.

use super::population::ETHNICITIES;
use crate::estimate::tables::{self, PerRace};
use rand::Rng;

/// The Census race each of the log's ethnicities ([`ETHNICITIES`]) draws its names and place as:
/// White, Black, Asian (Asian or Pacific Islander), Mixed (two or more races), Other (Hispanic,
/// the largest US group the list lacks); `None` for "Not provided", whose people draw a race by
/// the shares of the others.
const RACE_OF: [Option<usize>; 6] = [Some(0), Some(1), Some(2), Some(4), Some(5), None];

/// Draws a row's surname and ZCTA given its ethnicity: P(surname | race) taken as proportional
/// to P(race | surname) (every listed surname equally common: the published list gives no
/// counts per name here, and under this draw BISG's posterior is exact), P(ZCTA | race) as
/// published.
pub struct NameDraw {
    surnames: Vec<String>,
    surname_weights: [Vec<f64>; 6],
    zctas: Vec<String>,
    zcta_weights: [Vec<f64>; 6],
}

impl NameDraw {
    /// The draw over the compiled-in tables.
    pub fn new() -> NameDraw {
        let (surnames, surname_weights) = cumulative(tables::surnames().rows());
        let (zctas, zcta_weights) = cumulative(tables::zctas().rows());
        NameDraw {
            surnames: surnames.iter().map(|s| title_case(s)).collect(),
            surname_weights,
            zctas,
            zcta_weights,
        }
    }

    /// A surname and a ZCTA for a person of ethnicity `ethnicity` (an index of [`ETHNICITIES`]).
    pub fn draw(&self, ethnicity: usize, rng: &mut impl Rng) -> (&str, &str) {
        let race = RACE_OF[ethnicity].unwrap_or_else(|| {
            let shares: Vec<f64> = ETHNICITIES[..5].iter().map(|e| e.1).collect();
            let pick = rng.random::<f64>() * shares.iter().sum::<f64>();
            let mut total = 0.0;
            let i = shares
                .iter()
                .position(|s| {
                    total += s;
                    pick < total
                })
                .unwrap_or(0);
            RACE_OF[i].unwrap_or(0)
        });
        (
            &self.surnames[pick(&self.surname_weights[race], rng)],
            &self.zctas[pick(&self.zcta_weights[race], rng)],
        )
    }
}

impl Default for NameDraw {
    fn default() -> Self {
        Self::new()
    }
}

/// The keys of a table's rows (sorted, so the draw does not depend on a hash's order) and, per
/// race, the running totals of their numbers.
fn cumulative(rows: Vec<(String, PerRace)>) -> (Vec<String>, [Vec<f64>; 6]) {
    let mut rows = rows;
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let totals = std::array::from_fn(|r| {
        rows.iter()
            .scan(0.0, |total, (_, numbers)| {
                *total += numbers[r];
                Some(*total)
            })
            .collect()
    });
    (rows.into_iter().map(|(k, _)| k).collect(), totals)
}

/// An index drawn with probability proportional to its step in the running totals `totals`.
fn pick(totals: &[f64], rng: &mut impl Rng) -> usize {
    let target = rng.random::<f64>() * totals.last().copied().unwrap_or(0.0);
    totals
        .partition_point(|t| *t <= target)
        .min(totals.len() - 1)
}

/// `GARCIA` as `Garcia`.
fn title_case(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_string() + &chars.as_str().to_lowercase(),
        None => String::new(),
    }
}
