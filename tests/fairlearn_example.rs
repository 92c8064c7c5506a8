//! fairlearn's documented MetricFrame example (user guide, "Performing a fairness assessment").

mod common;
use common::*;

const Y_TRUE: &str = "0,1,1,1,1,0,1,0,1,0,0,0,1,1,1,1,1,1";
const Y_PRED: &str = "0,0,1,0,1,1,1,0,0,1,1,1,1,0,0,1,1,0";
const GROUPS: &str = "b,b,a,b,b,c,c,c,a,a,c,a,b,c,c,b,c,c";

/// The example as a CSV decision log.
pub fn example_csv() -> String {
    let cols: Vec<Vec<&str>> = [Y_TRUE, Y_PRED, GROUPS]
        .iter()
        .map(|c| c.split(',').collect())
        .collect();
    let mut s = String::from("y_true,y_pred,group\n");
    for i in 0..cols[0].len() {
        s += &format!("{},{},{}\n", cols[0][i], cols[1][i], cols[2][i]);
    }
    s
}

#[test]
fn group_rates_and_summaries_match_fairlearn() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "example.csv", &example_csv());
    let r = args(&data, "y_pred", "group")
        .with("--label", "y_true")
        .with("--min-group-size", "1")
        .run(&dir.path().join("out"));
    for (name, tpr, fpr, sel) in [
        ("a", 0.5, 1.0, 0.75),
        ("b", 0.6, 0.0, 0.5),
        ("c", 0.4, 0.6667, 0.5),
    ] {
        let g = group(&r, 0, &[("group", name)]);
        close(num(g, "tpr"), tpr, 5e-5);
        close(num(g, "fpr"), fpr, 5e-5);
        close(num(g, "selection_rate"), sel, 5e-5);
    }
    let summary = &r["attribute_sets"][0]["summary"];
    close(num(summary, "demographic_parity_difference"), 0.25, 1e-12);
    close(num(summary, "demographic_parity_ratio"), 0.6667, 5e-5);
    close(num(summary, "equalized_odds_difference"), 1.0, 1e-12);
    close(num(summary, "equalized_odds_ratio"), 0.0, 1e-12);
}
