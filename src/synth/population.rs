//! The customers of the synthetic business: attributes a business holds or infers, with the
//! correlations real cities have (postcode area with ethnicity and income).

use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal};

/// Age bands and their shares.
pub const AGE_BANDS: [(&str, f64); 6] = [
    ("18-24", 0.12),
    ("25-34", 0.20),
    ("35-44", 0.20),
    ("45-54", 0.18),
    ("55-64", 0.15),
    ("65+", 0.15),
];
/// Sexes and their shares.
pub const SEXES: [(&str, f64); 2] = [("Female", 0.51), ("Male", 0.49)];
/// Postcode areas: name, share of customers, whether it is one of the two areas where most
/// Black customers live (the proxy areas).
pub const AREAS: [(&str, f64, bool); 8] = [
    ("Northgate", 0.15, false),
    ("Riverside", 0.12, true),
    ("Old Town", 0.13, false),
    ("Eastfield", 0.13, true),
    ("Hillcrest", 0.12, false),
    ("Westbrook", 0.12, false),
    ("Harbour", 0.12, false),
    ("Parkside", 0.11, false),
];
/// Self-reported ethnicity, with its shares inside and outside the proxy areas.
pub const ETHNICITIES: [(&str, f64, f64); 6] = [
    ("White", 0.45, 0.75),
    ("Black", 0.35, 0.03),
    ("Asian", 0.08, 0.10),
    ("Mixed", 0.05, 0.04),
    ("Other", 0.02, 0.03),
    ("Not provided", 0.05, 0.05),
];
/// Income bands with their shares inside and outside the proxy areas.
const INCOME: [(&str, f64, f64); 3] = [
    ("low", 0.50, 0.25),
    ("middle", 0.35, 0.45),
    ("high", 0.15, 0.30),
];
/// Channels other than the app, with their shares of the non-app customers.
pub const OTHER_CHANNELS: [(&str, f64); 3] = [("web", 0.58), ("store", 0.25), ("phone", 0.17)];

/// One customer.
#[derive(Debug, Clone)]
pub struct Customer {
    /// Index into `AGE_BANDS`.
    pub age: usize,
    /// Index into `SEXES`.
    pub sex: usize,
    /// Index into `AREAS`.
    pub area: usize,
    /// Index into `ETHNICITIES`.
    pub ethnicity: usize,
    /// Income band name.
    pub income: &'static str,
    /// Months as a customer.
    pub tenure_months: u32,
    /// Spend over the last year.
    pub past_spend: f64,
}

impl Customer {
    /// Draws a customer.
    pub fn draw(rng: &mut impl Rng) -> Self {
        let area = pick(rng, AREAS.iter().map(|a| a.1));
        let proxy = AREAS[area].2;
        let ethnicity = pick(
            rng,
            ETHNICITIES.iter().map(|e| if proxy { e.1 } else { e.2 }),
        );
        let income = INCOME[pick(rng, INCOME.iter().map(|i| if proxy { i.1 } else { i.2 }))].0;
        let tenure: f64 = Exp::new(1.0 / 30.0).map_or(0.0, |d| d.sample(rng));
        let spend: f64 = LogNormal::new(5.0, 0.8).map_or(0.0, |d| d.sample(rng));
        Customer {
            age: pick(rng, AGE_BANDS.iter().map(|a| a.1)),
            sex: pick(rng, SEXES.iter().map(|s| s.1)),
            area,
            ethnicity,
            income,
            tenure_months: 1 + (tenure as u32).min(239),
            past_spend: (spend * 100.0).round() / 100.0,
        }
    }

    /// Whether the customer lives in one of the proxy areas.
    pub fn in_proxy_area(&self) -> bool {
        AREAS[self.area].2
    }
}

/// Draws an index with the given weights (which sum to about 1).
pub fn pick(rng: &mut impl Rng, weights: impl Iterator<Item = f64> + Clone) -> usize {
    let total: f64 = weights.clone().sum();
    let mut u = rng.random::<f64>() * total;
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        if u < w {
            return i;
        }
        u -= w;
        last = i;
    }
    last
}

/// Share of the customers of ethnicity `e` who live in the proxy areas (Bayes over `AREAS`).
pub fn proxy_share_of_ethnicity(e: usize) -> f64 {
    let (mut inside, mut all) = (0.0, 0.0);
    for (_, share, proxy) in AREAS {
        let p = share
            * if proxy {
                ETHNICITIES[e].1
            } else {
                ETHNICITIES[e].2
            };
        all += p;
        if proxy {
            inside += p;
        }
    }
    inside / all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_to_one() {
        let sum = |it: &mut dyn Iterator<Item = f64>| it.sum::<f64>();
        assert!((sum(&mut AGE_BANDS.iter().map(|a| a.1)) - 1.0).abs() < 1e-12);
        assert!((sum(&mut AREAS.iter().map(|a| a.1)) - 1.0).abs() < 1e-12);
        assert!((sum(&mut ETHNICITIES.iter().map(|e| e.1)) - 1.0).abs() < 1e-12);
        assert!((sum(&mut ETHNICITIES.iter().map(|e| e.2)) - 1.0).abs() < 1e-12);
        assert!((sum(&mut OTHER_CHANNELS.iter().map(|c| c.1)) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn most_black_customers_live_in_the_proxy_areas() {
        // 0.25 × 0.35 / (0.25 × 0.35 + 0.75 × 0.03) = 0.795
        assert!((proxy_share_of_ethnicity(1) - 0.0875 / 0.11).abs() < 1e-12);
        assert!(proxy_share_of_ethnicity(0) < 0.2);
    }
}
