//! Surnames and places drawn for a log's people given their ethnicity (`synth --names`), from
//! the tables `fairaudit estimate` uses, so that an estimate of the ethnicity the log records can
//! be checked against it.

use crate::estimate::tables::{self, PerRace};
use nalgebra::{DMatrix, DVector};
use rand::Rng;

/// The Census race each of the log's ethnicities ([`ETHNICITIES`](super::population::ETHNICITIES)) draws its names and place as:
/// White, Black, Asian (Asian or Pacific Islander), Mixed (two or more races), Other (Hispanic,
/// the largest US group the list lacks); `None` for "Not provided" ([`not_provided`]).
const RACE_OF: [Option<usize>; 6] = [Some(0), Some(1), Some(2), Some(4), Some(5), None];

/// The share of "Not provided" people drawn as American Indian or Alaska Native (the others as
/// two or more races): the two groups no planted effect touches, so the people who did not say
/// blur no group an effect is planted on, and every race of the tables is in the log.
const NOT_PROVIDED_NATIVE: f64 = 0.15;

/// The fit of the surnames' frequencies ends when every race's share is this close to the mix.
const FIT_TOLERANCE: f64 = 1e-13;

/// The Census race (an index of [`tables::RACES`]) of a person of ethnicity `ethnicity` (an
/// index of [`ETHNICITIES`](super::population::ETHNICITIES)).
pub fn race_of(ethnicity: usize, rng: &mut impl Rng) -> usize {
    RACE_OF[ethnicity].unwrap_or_else(|| not_provided(rng))
}

/// The race of a "Not provided" person: native or two or more races.
fn not_provided(rng: &mut impl Rng) -> usize {
    if rng.random::<f64>() < NOT_PROVIDED_NATIVE {
        3
    } else {
        4
    }
}

/// Draws a row's surname and ZCTA given its Census race: P(ZCTA | race) as published, and
/// P(surname | race) ∝ P(race | surname) · f(surname), where the surnames' frequencies f (the
/// published list gives none here) are fitted so that the races they give are the log's own mix
/// (`Σ f · P(race | surname) = P(race)`). In such a population BISG's posterior is exactly each
/// person's chance of each race, so what an audit through the estimate gets wrong is the
/// estimate's, not the draw's.
pub struct NameDraw {
    surnames: Vec<String>,
    surname_weights: [Vec<f64>; 6],
    zctas: Vec<String>,
    zcta_weights: [Vec<f64>; 6],
}

impl NameDraw {
    /// The draw over the compiled-in tables for a log whose races have the shares `mix`.
    pub fn new(mix: &PerRace) -> NameDraw {
        let mut surnames = tables::surnames().rows();
        surnames.sort_by(|a, b| a.0.cmp(&b.0));
        let frequencies = fitted_frequencies(&surnames, mix);
        let weighted: Vec<(String, PerRace)> = surnames
            .into_iter()
            .zip(frequencies)
            .map(|((name, shares), f)| (title_case(&name), shares.map(|p| p * f)))
            .collect();
        let (surnames, surname_weights) = cumulative(weighted);
        let mut zctas = tables::zctas().rows();
        zctas.sort_by(|a, b| a.0.cmp(&b.0));
        let (zctas, zcta_weights) = cumulative(zctas);
        NameDraw {
            surnames,
            surname_weights,
            zctas,
            zcta_weights,
        }
    }

    /// A surname and a ZCTA for a person of Census race `race`.
    pub fn draw(&self, race: usize, rng: &mut impl Rng) -> (&str, &str) {
        (
            &self.surnames[pick(&self.surname_weights[race], rng)],
            &self.zctas[pick(&self.zcta_weights[race], rng)],
        )
    }
}

/// Surname frequencies `f ∝ exp(Σ_r λ_r · P(r | surname))` whose races have the shares `mix`:
/// the `λ` minimising the convex `log Σ f − λ · mix`, by Newton's method with halved steps. A
/// race the mix lacks keeps `λ_r = 0`.
fn fitted_frequencies(surnames: &[(String, PerRace)], mix: &PerRace) -> Vec<f64> {
    let fitted: Vec<usize> = (0..6).filter(|&r| mix[r] > 0.0).collect();
    let mut lambda = [0.0; 6];
    let (mut objective, mut moments) = frequency_moments(surnames, mix, &lambda);
    for _ in 0..100 {
        let shares = moments.0;
        let gradient =
            DVector::from_iterator(fitted.len(), fitted.iter().map(|&r| shares[r] - mix[r]));
        if gradient.amax() < FIT_TOLERANCE {
            break;
        }
        let hessian = DMatrix::from_fn(fitted.len(), fitted.len(), |a, b| {
            let (r, t) = (fitted[a], fitted[b]);
            moments.1[r][t] - shares[r] * shares[t] + if a == b { 1e-12 } else { 0.0 }
        });
        let Some(step) = hessian.cholesky().map(|c| c.solve(&gradient)) else {
            break;
        };
        let mut scale = 1.0;
        loop {
            let mut next = lambda;
            fitted
                .iter()
                .zip(step.iter())
                .for_each(|(&r, s)| next[r] -= scale * s);
            let (value, next_moments) = frequency_moments(surnames, mix, &next);
            if value <= objective || scale < 1e-6 {
                (lambda, objective, moments) = (next, value, next_moments);
                break;
            }
            scale /= 2.0;
        }
    }
    let largest = largest_exponent(surnames, &lambda);
    surnames
        .iter()
        .map(|(_, p)| (dot(&lambda, p) - largest).exp())
        .collect()
}

/// The largest of the exponents `λ · P(r | surname)` (taken out of each, so none overflows).
fn largest_exponent(surnames: &[(String, PerRace)], lambda: &PerRace) -> f64 {
    surnames
        .iter()
        .map(|(_, p)| dot(lambda, p))
        .fold(f64::NEG_INFINITY, f64::max)
}

/// `log Σ f − λ · mix` at `lambda`, with the races' shares under `f` and their second moments.
fn frequency_moments(
    surnames: &[(String, PerRace)],
    mix: &PerRace,
    lambda: &PerRace,
) -> (f64, (PerRace, [PerRace; 6])) {
    let largest = largest_exponent(surnames, lambda);
    let (mut total, mut shares, mut second) = (0.0, [0.0; 6], [[0.0; 6]; 6]);
    for (_, p) in surnames {
        let f = (dot(lambda, p) - largest).exp();
        total += f;
        for r in 0..6 {
            shares[r] += f * p[r];
            for t in 0..6 {
                second[r][t] += f * p[r] * p[t];
            }
        }
    }
    shares.iter_mut().for_each(|s| *s /= total);
    second.iter_mut().flatten().for_each(|s| *s /= total);
    (total.ln() + largest - dot(lambda, mix), (shares, second))
}

/// `Σ a_r b_r`.
fn dot(a: &PerRace, b: &PerRace) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// The keys of a table's rows, in their order, and per race the running totals of their numbers.
fn cumulative(rows: Vec<(String, PerRace)>) -> (Vec<String>, [Vec<f64>; 6]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_frequencies_give_the_mix_asked_for() {
        let surnames = tables::surnames().rows();
        let mix = [0.6, 0.13, 0.09, 0.01, 0.1, 0.07];
        let f = fitted_frequencies(&surnames, &mix);
        let total: f64 = f.iter().sum();
        for r in 0..6 {
            let share: f64 = f.iter().zip(&surnames).map(|(f, (_, p))| f * p[r]).sum();
            assert!(
                (share / total - mix[r]).abs() < 1e-9,
                "{r}: {}",
                share / total
            );
        }
    }
}
