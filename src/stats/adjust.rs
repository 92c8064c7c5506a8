//! Multiple-comparison adjustment of a family of p-values.

use serde::{Deserialize, Serialize};

/// How p-values are adjusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PAdjust {
    /// Holm's step-down (controls the family-wise error rate).
    Holm,
    /// Benjamini–Hochberg (controls the false discovery rate).
    Bh,
    /// No adjustment.
    None,
}

/// The adjusted p-values, in the order given.
pub fn adjust(p: &[f64], method: PAdjust) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut out = vec![0.0; m];
    match method {
        PAdjust::None => out.copy_from_slice(p),
        PAdjust::Holm => {
            let mut running: f64 = 0.0;
            for (rank, &i) in order.iter().enumerate() {
                running = running.max(((m - rank) as f64 * p[i]).min(1.0));
                out[i] = running;
            }
        }
        PAdjust::Bh => {
            let mut running: f64 = 1.0;
            for (rank, &i) in order.iter().enumerate().rev() {
                running = running.min((m as f64 / (rank + 1) as f64 * p[i]).min(1.0));
                out[i] = running;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_statsmodels_multipletests() {
        // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.005], method=...)
        let p = [0.01, 0.04, 0.03, 0.005];
        let close = |a: Vec<f64>, b: [f64; 4]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
        assert!(close(adjust(&p, PAdjust::Holm), [0.03, 0.06, 0.06, 0.02]));
        assert!(close(adjust(&p, PAdjust::Bh), [0.02, 0.04, 0.04, 0.02]));
        assert!(close(adjust(&p, PAdjust::None), p));
    }
}
