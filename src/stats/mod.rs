//! Statistics on tallies: confidence intervals, two-proportion tests, multiple-comparison
//! adjustment and the bootstrap of between-groups summaries. Plain numbers in, numbers out.

pub mod adjust;
pub mod association;
pub mod bootstrap;
pub mod calibration;
pub mod distribution;
pub mod interval;
pub mod ols;
pub mod power;
pub mod roc;
pub mod strata;
pub mod test;

use statrs::distribution::{ContinuousCDF, Normal};

/// The standard normal quantile for a two-sided interval at `confidence` (1.96 for 0.95).
pub fn z_for(confidence: f64) -> f64 {
    standard_normal().inverse_cdf(1.0 - (1.0 - confidence) / 2.0)
}

/// The standard normal distribution.
pub fn standard_normal() -> Normal {
    Normal::standard()
}
