//! ProPublica's COMPAS truth tables and aequitas' published COMPAS disparities, reproduced from
//! the raw ProPublica CSV (repeated column names, commas inside quoted fields).

mod common;
use common::*;

const RACE: usize = 0;

fn propublica_audit(out: &std::path::Path) -> serde_json::Value {
    let data = dataset("compas/compas-scores-two-years.csv");
    audit(
        out,
        &[
            "--data",
            data.to_str().unwrap(),
            "--score",
            "decile_score",
            "--threshold",
            "5",
            "--label",
            "two_year_recid",
            "--favorable",
            "negative",
            "--protected",
            "race",
            "--reference",
            "race=Caucasian",
        ],
    )
}

#[test]
fn reproduces_propublica_truth_tables() {
    let dir = tempfile::tempdir().unwrap();
    let r = propublica_audit(&dir.path().join("out"));
    assert_eq!(r["input"]["rows_read"], 7214);
    assert_eq!(r["input"]["rows_used"], 7214);
    let aa = group(&r, RACE, &[("race", "African-American")]);
    assert_eq!(
        (
            aa["fp"].as_u64(),
            aa["tn"].as_u64(),
            aa["fn"].as_u64(),
            aa["tp"].as_u64()
        ),
        (Some(805), Some(990), Some(532), Some(1369))
    );
    close(num(aa, "fpr"), 0.4485, 5e-5);
    close(num(aa, "fnr"), 0.2799, 5e-5);
    let wh = group(&r, RACE, &[("race", "Caucasian")]);
    assert_eq!(
        (
            wh["fp"].as_u64(),
            wh["tn"].as_u64(),
            wh["fn"].as_u64(),
            wh["tp"].as_u64()
        ),
        (Some(349), Some(1139), Some(461), Some(505))
    );
    close(num(wh, "fpr"), 0.2345, 5e-5);
    close(num(wh, "fnr"), 0.4772, 5e-5);
    // aequitas' published COMPAS audit: FPR disparity of African-American vs Caucasian.
    close(num(&aa["vs_reference"], "fpr_ratio"), 1.9121, 5e-5);
    assert_eq!(r["attribute_sets"][RACE]["reference"]["race"], "Caucasian");
    assert_eq!(r["attribute_sets"][RACE]["reference_strategy"], "explicit");
}

#[test]
fn derived_metrics_follow_their_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let r = propublica_audit(&dir.path().join("out"));
    let aa = group(&r, RACE, &[("race", "African-American")]);
    let wh = group(&r, RACE, &[("race", "Caucasian")]);
    let vs = &aa["vs_reference"];
    // Selection (high-risk) rates straight from the counts: (tp + fp) / n.
    let sel_aa = (1369.0 + 805.0) / 3696.0;
    let sel_wh = (505.0 + 349.0) / 2454.0;
    close(num(aa, "selection_rate"), sel_aa, 1e-12);
    close(num(vs, "disparate_impact_ratio"), sel_aa / sel_wh, 1e-12);
    close(
        num(vs, "statistical_parity_difference"),
        sel_aa - sel_wh,
        1e-12,
    );
    let (dtpr, dfpr): (f64, f64) = (
        num(aa, "tpr") - num(wh, "tpr"),
        num(aa, "fpr") - num(wh, "fpr"),
    );
    close(num(vs, "equal_opportunity_difference"), dtpr, 1e-12);
    close(
        num(vs, "average_odds_difference"),
        (dtpr + dfpr) / 2.0,
        1e-12,
    );
    close(
        num(vs, "equalized_odds_difference"),
        dtpr.abs().max(dfpr.abs()),
        1e-12,
    );
    // The reference compares as ratio 1, difference 0.
    assert_eq!(num(&wh["vs_reference"], "fpr_ratio"), 1.0);
    assert_eq!(num(&wh["vs_reference"], "fpr_difference"), 0.0);
    // "High risk" is adverse: 1.69 > 1.25 fails the four-fifths rule.
    assert_eq!(aa["verdict"]["four_fifths"], "fail");
    assert_eq!(wh["verdict"]["four_fifths"], "pass");
}

#[test]
fn aequitas_extract_gives_the_same_counts() {
    // aequitas' extract encodes score = (score_text != Low), i.e. decile_score >= 5.
    let dir = tempfile::tempdir().unwrap();
    let data = dataset("compas/compas_for_aequitas.csv");
    let r = args(&data, "score", "race")
        .with("--label", "label_value")
        .with("--favorable", "negative")
        .with("--reference", "race=Caucasian")
        .run(&dir.path().join("out"));
    let aa = group(&r, RACE, &[("race", "African-American")]);
    assert_eq!(
        (
            aa["fp"].as_u64(),
            aa["tn"].as_u64(),
            aa["fn"].as_u64(),
            aa["tp"].as_u64()
        ),
        (Some(805), Some(990), Some(532), Some(1369))
    );
}

#[test]
fn every_rate_and_share_matches_the_truth_table_counts() {
    // ProPublica's African-American truth table (tp 1369, fp 805, tn 990, fn 532; n 3696) and
    // Caucasian one (505, 349, 1139, 461; n 2454); 7214 defendants, of whom 3317 are rated
    // Medium or High (aequitas' extract: the sum of its `score` column).
    let dir = tempfile::tempdir().unwrap();
    let r = propublica_audit(&dir.path().join("out"));
    let aa = group(&r, RACE, &[("race", "African-American")]);
    let wh = group(&r, RACE, &[("race", "Caucasian")]);
    let rates = |tp: f64, fp: f64, tn: f64, fn_: f64| {
        let n = tp + fp + tn + fn_;
        [
            ("base_rate", (tp + fn_) / n),
            ("tpr", tp / (tp + fn_)),
            ("fpr", fp / (fp + tn)),
            ("fnr", fn_ / (tp + fn_)),
            ("tnr", tn / (fp + tn)),
            ("ppv", tp / (tp + fp)),
            ("npv", tn / (tn + fn_)),
            ("fdr", fp / (tp + fp)),
            ("for", fn_ / (tn + fn_)),
            ("accuracy", (tp + tn) / n),
            ("error_rate", (fp + fn_) / n),
        ]
    };
    let expected_aa = rates(1369.0, 805.0, 990.0, 532.0);
    let expected_wh = rates(505.0, 349.0, 1139.0, 461.0);
    for ((name, a), (_, w)) in expected_aa.iter().zip(expected_wh.iter()) {
        close(num(aa, name), *a, 1e-12);
        close(num(wh, name), *w, 1e-12);
        close(
            num(&aa["vs_reference"], &format!("{name}_ratio")),
            a / w,
            1e-12,
        );
        close(
            num(&aa["vs_reference"], &format!("{name}_difference")),
            a - w,
            1e-12,
        );
    }
    close(num(aa, "group_share"), 3696.0 / 7214.0, 1e-12);
    close(
        num(aa, "share_of_predicted_positives"),
        2174.0 / 3317.0,
        1e-12,
    );
    let vs = &aa["vs_reference"];
    let (dtpr, dfpr): (f64, f64) = (
        1369.0 / 1901.0 - 505.0 / 966.0,
        805.0 / 1795.0 - 349.0 / 1488.0,
    );
    close(
        num(vs, "average_abs_odds_difference"),
        (dtpr.abs() + dfpr.abs()) / 2.0,
        1e-12,
    );
    close(
        num(vs, "predictive_parity_difference"),
        1369.0 / 2174.0 - 505.0 / 854.0,
        1e-12,
    );
    close(
        num(vs, "predictive_parity_ratio"),
        (1369.0 / 2174.0) / (505.0 / 854.0),
        1e-12,
    );
}

#[test]
fn race_by_sex_is_compared_with_caucasian_men_and_needs_action() {
    // datasets/compas.toml names race's reference (Caucasian) and none for race × sex, whose
    // reference is then Caucasian × Male (sex's largest group), not the most flagged group.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = audit_bundled("compas", &out);
    let set = &r["attribute_sets"][2];
    assert_eq!(set["attributes"], serde_json::json!(["race", "sex"]));
    assert_eq!(set["reference_strategy"], "attributes");
    assert_eq!(set["reference"]["race"], "Caucasian");
    assert_eq!(set["reference"]["sex"], "Male");
    let black_men = group(&r, 2, &[("race", "African-American"), ("sex", "Male")]);
    assert_eq!(black_men["verdict"]["four_fifths"], "fail");
    let summary = std::fs::read_to_string(out.join("tables/executive_summary.csv")).unwrap();
    let line = summary.lines().find(|l| l.contains("race × sex")).unwrap();
    assert!(line.contains("ACTION NEEDED"), "{line}");
}

#[test]
fn propublicas_false_positive_finding_needs_action() {
    // With a genuine label, the error rate that harms is judged too: for "high risk" (adverse),
    // the false positive rate. ProPublica: 44.8% of African-American defendants who did not
    // reoffend were labelled high risk, against 23.5% of Caucasian ones (ratio 1.91).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = audit_bundled("compas", &out);
    let aa = group(&r, 0, &[("race", "African-American")]);
    close(num(aa, "fpr"), 0.4485, 5e-5);
    close(num(&aa["vs_reference"], "fpr_ratio"), 1.9121, 5e-5);
    assert_eq!(aa["verdict"]["fpr_parity"], "fail");
    assert!(aa["verdict"].get("tpr_parity").is_none());
    let caucasian = group(&r, 0, &[("race", "Caucasian")]);
    assert_eq!(caucasian["verdict"]["fpr_parity"], "pass");
    let summary = std::fs::read_to_string(out.join("tables/executive_summary.csv")).unwrap();
    let line = summary
        .lines()
        .find(|l| l.starts_with("fpr of decile_score >= 5,false positive rate,race,"))
        .unwrap();
    assert!(
        line.contains("ACTION NEEDED") && line.contains("44.8% vs 23.5%"),
        "{line}"
    );
}

#[test]
fn shortfalls_count_the_people_a_gap_concerns() {
    // African-American: 2,174 of 3,696 flagged (58.82%) against Caucasian 822 of 2,454 (33.50%):
    // 3,696 × (0.5882 − 0.3350) more adverse decisions than at the reference's rate. The
    // false positive rates 805/1,795 against 349/1,488: 1,795 × (0.4485 − 0.2345) ≈ 384 more
    // people wrongly flagged (ProPublica's truth tables).
    let dir = tempfile::tempdir().unwrap();
    let r = propublica_audit(&dir.path().join("out"));
    let aa = group(&r, 0, &[("race", "African-American")]);
    let caucasian = group(&r, 0, &[("race", "Caucasian")]);
    let (n, pp) = (num(aa, "n"), num(aa, "pp"));
    let reference = num(caucasian, "pp") / num(caucasian, "n");
    close(
        num(&aa["vs_reference"], "shortfall"),
        n * (pp / n - reference),
        1e-9,
    );
    close(
        num(&aa["vs_reference"], "error_rate_shortfall"),
        1795.0 * (805.0 / 1795.0 - 349.0 / 1488.0),
        1e-9,
    );
    close(num(&aa["vs_reference"], "error_rate_shortfall"), 384.0, 0.5);
    assert_eq!(num(&caucasian["vs_reference"], "shortfall"), 0.0);
}

#[test]
fn only_is_kept_for_a_disadvantage() {
    // Women are flagged high risk less often than men: an advantage, so not "only 90%".
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    audit_bundled("compas", &out);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains(
        "Defendants with sex Female were rated high risk (decile score 5 or more) 90% as often as defendants with sex Male"
    ));
    assert!(!report.contains("only 90% as often"));
}
