//! How strongly two variables go together, from counts: Cramér's V and mutual information of a
//! contingency table, the correlation ratio of a number across categories, and the area under
//! the ROC curve of a score.

/// Cramér's V of a contingency table (rows × columns of counts): sqrt(χ² / (n·(min(r, c) − 1))),
/// without bias correction. `None` when a margin leaves fewer than two rows or columns.
pub fn cramers_v(table: &[Vec<f64>]) -> Option<f64> {
    let test = chi_square(table)?;
    let (rows, columns, n) = margins(table);
    let r = rows.iter().filter(|&&x| x > 0.0).count();
    let c = columns.iter().filter(|&&x| x > 0.0).count();
    Some((test.statistic / (n * (r.min(c) - 1) as f64)).sqrt())
}

/// Pearson's chi-square test of independence of a contingency table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    /// Σ (observed − expected)² / expected, without continuity correction.
    pub statistic: f64,
    /// (non-empty rows − 1) · (non-empty columns − 1).
    pub df: usize,
    /// The upper tail of the chi-square distribution at the statistic.
    pub p: f64,
}

/// Pearson's chi-square test of a contingency table (rows and columns of zeros left out, as
/// they carry no information). `None` when fewer than two rows or columns have counts.
pub fn chi_square(table: &[Vec<f64>]) -> Option<ChiSquare> {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    let (rows, columns, n) = margins(table);
    let r = rows.iter().filter(|&&x| x > 0.0).count();
    let c = columns.iter().filter(|&&x| x > 0.0).count();
    if r < 2 || c < 2 {
        return None;
    }
    let mut statistic = 0.0;
    for (i, row) in table.iter().enumerate() {
        for (j, &observed) in row.iter().enumerate() {
            let expected = rows[i] * columns[j] / n;
            if expected > 0.0 {
                statistic += (observed - expected).powi(2) / expected;
            }
        }
    }
    let df = (r - 1) * (c - 1);
    let p = ChiSquared::new(df as f64).ok()?.sf(statistic);
    Some(ChiSquare { statistic, df, p })
}

/// Mutual information of a contingency table, in bits: Σ p·log2(p / (p_row·p_column)).
pub fn mutual_information(table: &[Vec<f64>]) -> f64 {
    let (rows, columns, n) = margins(table);
    if n <= 0.0 {
        return 0.0;
    }
    let mut mi = 0.0;
    for (i, row) in table.iter().enumerate() {
        for (j, &count) in row.iter().enumerate() {
            if count > 0.0 {
                let p = count / n;
                mi += p * (p / (rows[i] / n * columns[j] / n)).log2();
            }
        }
    }
    mi.max(0.0)
}

/// Row sums, column sums and the total.
fn margins(table: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>, f64) {
    let width = table.iter().map(Vec::len).max().unwrap_or(0);
    let rows: Vec<f64> = table.iter().map(|r| r.iter().sum()).collect();
    let columns: Vec<f64> = (0..width)
        .map(|j| table.iter().map(|r| r.get(j).copied().unwrap_or(0.0)).sum())
        .collect();
    let n = rows.iter().sum();
    (rows, columns, n)
}

/// The correlation ratio η of numbers across categories: sqrt(between-category sum of squares
/// / total sum of squares), from each category's (count, mean, sum of squared deviations).
/// `None` when the numbers do not vary.
pub fn correlation_ratio(categories: &[(f64, f64, f64)]) -> Option<f64> {
    let n: f64 = categories.iter().map(|c| c.0).sum();
    if n <= 0.0 {
        return None;
    }
    let mean = categories.iter().map(|c| c.0 * c.1).sum::<f64>() / n;
    let between: f64 = categories.iter().map(|c| c.0 * (c.1 - mean).powi(2)).sum();
    let within: f64 = categories.iter().map(|c| c.2).sum();
    let total = between + within;
    (total > 0.0).then(|| (between / total).sqrt())
}

/// The area under the ROC curve of `scores` for telling `positive` rows from the others: the
/// chance that a positive row scores above a negative one, ties counting half (the
/// Mann–Whitney statistic over both counts). `None` without both kinds of rows.
pub fn auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut rank_sum, mut positives) = (0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // Tied scores share the mean of their ranks (1-based).
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            if positive[k] {
                rank_sum += rank;
                positives += 1.0;
            }
        }
        i = j + 1;
    }
    let negatives = scores.len() as f64 - positives;
    (positives > 0.0 && negatives > 0.0)
        .then(|| (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_matches_scipy() {
        // scipy 1.17: scipy.stats.chi2_contingency(t, correction=False).
        let t = vec![vec![120.0, 80.0, 50.0], vec![100.0, 110.0, 40.0]];
        let c = chi_square(&t).unwrap();
        assert!((c.statistic - 7.666135034556087).abs() < 1e-10);
        assert_eq!(c.df, 2);
        assert!((c.p - 0.021643123044520908).abs() < 1e-12);
        let t = vec![vec![512.0, 488.0], vec![470.0, 530.0]];
        let c = chi_square(&t).unwrap();
        assert!((c.statistic - 3.529143442475362).abs() < 1e-10);
        assert!((c.p - 0.06029893176825257).abs() < 1e-12);
        // A column of zeros carries nothing; one row with counts is no test.
        let padded = vec![vec![512.0, 488.0, 0.0], vec![470.0, 530.0, 0.0]];
        assert_eq!(chi_square(&padded).unwrap().df, 1);
        assert_eq!(chi_square(&[vec![3.0, 4.0], vec![0.0, 0.0]]), None);
    }

    #[test]
    fn cramers_v_and_mutual_information_of_hand_tables() {
        // scipy 1.17: scipy.stats.contingency.association(t, method="cramer"); the mutual
        // information by hand with numpy, Σ p·log2(p / (p_i·p_j)).
        let t = vec![vec![10.0, 20.0], vec![30.0, 40.0]];
        assert!((cramers_v(&t).unwrap() - 0.0890870806374748).abs() < 1e-12);
        assert!((mutual_information(&t) - 0.005802149014345649).abs() < 1e-12);
        let t3 = vec![vec![12.0, 3.0, 5.0], vec![2.0, 14.0, 4.0]];
        assert!((cramers_v(&t3).unwrap() - 0.5994083606522306).abs() < 1e-12);
        assert!((mutual_information(&t3) - 0.2841971167754394).abs() < 1e-12);
        // Independent: V = 0, no information; one row: undefined.
        let independent = vec![vec![10.0, 20.0], vec![20.0, 40.0]];
        assert!(cramers_v(&independent).unwrap().abs() < 1e-12);
        assert!(mutual_information(&independent).abs() < 1e-12);
        assert_eq!(cramers_v(&[vec![3.0, 4.0]]), None);
    }

    #[test]
    fn correlation_ratio_of_two_categories() {
        // A = 1, 2, 3 and B = 4, 5, 6: between 3·1.5² + 3·1.5² = 13.5 of a total 17.5.
        let eta = correlation_ratio(&[(3.0, 2.0, 2.0), (3.0, 5.0, 2.0)]).unwrap();
        assert!((eta - (13.5_f64 / 17.5).sqrt()).abs() < 1e-12);
        assert_eq!(correlation_ratio(&[(3.0, 2.0, 0.0), (2.0, 2.0, 0.0)]), None);
    }

    #[test]
    fn auc_counts_pairs_and_half_ties() {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered.
        let scores = [0.1, 0.4, 0.35, 0.8];
        let positive = [false, false, true, true];
        assert!((auc(&scores, &positive).unwrap() - 0.75).abs() < 1e-12);
        // A tie between a positive and a negative counts half: pairs (0.5, 0.5) ½, (0.5, 0.2) 1.
        let tied = auc(&[0.5, 0.5, 0.2], &[true, false, false]).unwrap();
        assert!((tied - 0.75).abs() < 1e-12);
        assert_eq!(auc(&[0.1, 0.2], &[true, true]), None);
    }
}
