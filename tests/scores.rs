//! The score audit (`--score` with a threshold): ROC areas with DeLong's intervals, ABROCA,
//! calibration and the threshold sweep, each against an independent reference — scikit-learn
//! 1.9.1 (`roc_auc_score`, `calibration_curve`), statsmodels 0.15 (`Logit`), DeLong's variance
//! from each row's placement in numpy, pandas — computed once and cited; COMPAS's published
//! finding; and a miscalibration planted by `fairaudit synth`.

mod common;
use common::*;
use serde_json::Value;

/// A group's score audit.
/// The offers log's audit of its redeem_score at 0.25, with its label, by ethnicity against White
/// customers.
const OFFERS_SCORE: &[&str] = &[
    "--score",
    "redeem_score",
    "--threshold",
    "0.25",
    "--label",
    "would_redeem",
    "--protected",
    "ethnicity",
    "--reference",
    "ethnicity=White",
];

fn score<'a>(r: &'a Value, set: usize, values: &[(&str, &str)]) -> &'a Value {
    &group(r, set, values)["score_audit"]
}

/// The observed rates of a group's non-empty reliability bins.
fn observed(audit: &Value) -> Vec<f64> {
    audit["calibration"]["bins"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["observed"].as_f64())
        .collect()
}

#[test]
fn compas_decile_scores_rank_and_mean_alike_for_black_and_white_defendants() {
    let dir = tempfile::tempdir().unwrap();
    let r = audit_bundled("compas", dir.path());
    let black = score(&r, 0, &[("race", "African-American")]);
    let white = score(&r, 0, &[("race", "Caucasian")]);
    // scikit-learn roc_auc_score(two_year_recid, decile_score) per race; DeLong's variance
    // from the placements row by row (numpy): 7.330452449154997e-05 and 1.1658586686969748e-04.
    let z = 1.959963984540054;
    for (g, auc, var) in [
        (black, 0.6918343812595336, 7.330452449154997e-05_f64),
        (white, 0.6931462744050402, 1.1658586686969748e-04),
    ] {
        close(num(g, "auc"), auc, 1e-12);
        close(g["auc_ci"][0].as_f64().unwrap(), auc - z * var.sqrt(), 1e-9);
        close(g["auc_ci"][1].as_f64().unwrap(), auc + z * var.sqrt(), 1e-9);
    }
    // The published finding (Flores, Bechtel and Lowenkamp 2016; Dieterich et al. 2016): an area
    // of about 0.70 for both, no significant difference.
    assert!((num(black, "auc") - 0.70).abs() < 0.02 && (num(white, "auc") - 0.70).abs() < 0.02);
    let test = &black["auc_test"];
    close(
        num(test, "z"),
        (0.6918343812595336 - 0.6931462744050402)
            / (7.330452449154997e-05_f64 + 1.1658586686969748e-04).sqrt(),
        1e-9,
    );
    assert!(num(test, "p_value") > 0.5);
    // Observed reoffending per decile (pandas groupby mean), and at equal decile the same for
    // both: the score means the same for Black and white defendants.
    let expected_black = [
        0.22864321608,
        0.302798982188,
        0.419075144509,
        0.45974025974,
        0.482191780822,
        0.559895833333,
        0.5925,
        0.682451253482,
        0.707894736842,
        0.793706293706,
    ];
    let expected_white = [
        0.208516886931,
        0.313019390582,
        0.340659340659,
        0.39649122807,
        0.460580912863,
        0.572164948454,
        0.615384615385,
        0.719298245614,
        0.69387755102,
        0.703125,
    ];
    for (g, expected) in [(black, expected_black), (white, expected_white)] {
        for (a, e) in observed(g).iter().zip(expected) {
            close(*a, e, 1e-11);
        }
    }
    let at_equal = &black["calibration"]["vs_reference"];
    assert_eq!(at_equal["verdict"], "alike");
    assert!((num(at_equal, "ratio") - 1.0).abs() < 0.1);
    // Deciles are not probabilities: no calibration error, no slope.
    assert!(black["calibration"]["ece"].is_null() && black["calibration"]["slope"].is_null());
    let sweep = &r["attribute_sets"][0]["score_audit"];
    assert_eq!(sweep["binned"], false);
    assert_eq!(sweep["probabilities"], false);
    assert_eq!(sweep["thresholds"].as_array().unwrap().len(), 10);
    // The sweep at the threshold in use gives the audit's own ratios.
    let at_5 = &sweep["thresholds"][4];
    assert_eq!(at_5["threshold"], 5.0);
    let i = r["attribute_sets"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .position(|g| g["values"]["race"] == "African-American")
        .unwrap();
    close(
        at_5["impact_ratio"][i].as_f64().unwrap(),
        num(
            &group(&r, 0, &[("race", "African-American")])["vs_reference"],
            "disparate_impact_ratio",
        ),
        1e-12,
    );
    // The report says it in words, beside the error-rate verdict.
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        report.contains("## The score across thresholds"),
        "{report}"
    );
    assert!(report.contains(
        "At equal scores, defendants with race African-American were charged with a new crime within two years about as often as defendants with race Caucasian"
    ));
    assert!(report.contains("the two halves of the COMPAS debate"));
}

#[test]
fn probabilities_with_few_values_match_scikit_learn_and_statsmodels_exactly() {
    // The offers log's redeem_score takes four values: the cells are the scores themselves.
    let dir = tempfile::tempdir().unwrap();
    let log = dataset("business/offers.csv");
    let r = audit(
        dir.path(),
        &[&["--data", log.to_str().unwrap()], OFFERS_SCORE].concat(),
    );
    // scikit-learn roc_auc_score and calibration_curve(n_bins=10); statsmodels Logit of
    // would_redeem on logit(redeem_score) with a constant: params and bse.
    let cases = [
        (
            "Black",
            0.6406256877157462,
            [
                0.12842105263157894,
                0.20238095238095238,
                0.2980392156862745,
                0.3850574712643678,
            ],
            [-0.17237508368136226, 0.8046590832276943],
            [0.13680248195193465, 0.10468263649963103],
        ),
        (
            "White",
            0.6708380316819275,
            [
                0.09549071618037135,
                0.1825922421948912,
                0.28353759523020866,
                0.390521327014218,
            ],
            [-0.06938229630787662, 1.0007683540737098],
            [0.057338482121450436, 0.04557242519018431],
        ),
    ];
    let z = 1.959963984540054;
    for (name, auc, curve, params, bse) in cases {
        let a = score(&r, 0, &[("ethnicity", name)]);
        close(num(a, "auc"), auc, 1e-12);
        for (o, e) in observed(a).iter().zip(curve) {
            close(*o, e, 1e-12);
        }
        let c = &a["calibration"];
        close(num(c, "intercept"), params[0], 1e-7);
        close(num(c, "slope"), params[1], 1e-7);
        close(
            c["slope_ci"][0].as_f64().unwrap(),
            params[1] - z * bse[1],
            1e-7,
        );
        close(
            c["intercept_ci"][1].as_f64().unwrap(),
            params[0] + z * bse[0],
            1e-7,
        );
    }
    // The sweep: four thresholds, the scores.
    let sweep = &r["attribute_sets"][0]["score_audit"]["thresholds"];
    let thresholds: Vec<f64> = sweep
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["threshold"].as_f64().unwrap())
        .collect();
    assert_eq!(thresholds, [0.1, 0.2, 0.3, 0.4]);
}

#[test]
fn a_score_of_many_values_is_binned_within_its_stated_bound() {
    // The bank model's score has 40,000 distinct values: 1,000 bins by rank. Each group's area
    // stays within the stated bound of scikit-learn's exact roc_auc_score; its calibration curve
    // is scikit-learn's, and its recalibration slope (on each bin's mean score) close to
    // statsmodels' on every row.
    let dir = tempfile::tempdir().unwrap();
    let r = audit_bundled("bank", dir.path());
    let sweep = &r["attribute_sets"][0]["score_audit"];
    assert_eq!(sweep["binned"], true);
    assert_eq!(sweep["probabilities"], true);
    let bound = num(sweep, "auc_bin_error");
    assert!(bound > 0.0 && bound < 0.005, "{bound}");
    let cases = [
        (
            "25-59",
            0.7721387445111896,
            vec![
                0.04995, 0.116756, 0.287796, 0.350085, 0.419525, 0.537705, 0.664879, 0.708207,
                0.801242, 1.0,
            ],
            0.989647,
        ),
        (
            "60+",
            0.7273075883307083,
            vec![
                0.066327, 0.275, 0.396825, 0.341014, 0.422111, 0.494845, 0.647059, 0.728261,
                0.818182,
            ],
            0.791869,
        ),
    ];
    for (name, auc, curve, slope) in cases {
        let a = score(&r, 0, &[("age_group", name)]);
        assert!((num(a, "auc") - auc).abs() <= bound, "{name}");
        let got = observed(a);
        assert_eq!(got.len(), curve.len(), "{name}");
        // No bin spans a tenth of 0 to 1: the reliability table is calibration_curve's own
        // (printed to 6 decimals).
        for (o, e) in got.iter().zip(&curve) {
            close(*o, *e, 5e-7);
        }
        close(num(&a["calibration"], "slope"), slope, 0.01);
    }
    // 200 thresholds of the pooled score, and the one in use.
    let thresholds = sweep["thresholds"].as_array().unwrap();
    assert!(thresholds.len() == 200 || thresholds.len() == 201);
    assert!(thresholds
        .iter()
        .any(|t| t["threshold"].as_f64().unwrap() >= 0.2));
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(report.contains("cut into 1,000 bins of equal rows by rank"));
}

#[test]
fn a_planted_miscalibration_is_found_and_none_without() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let mut args = vec!["--kind", "offers", "--rows", "20000", "--seed", "7"];
        args.extend(extra);
        let log = synth(dir.path(), &format!("{name}.csv"), &args);
        audit(
            &dir.path().join(name),
            &[&["--data", log.to_str().unwrap()], OFFERS_SCORE].concat(),
        )
    };
    let planted = run("planted", &["--miscalibrate", "0.7"]);
    let black = &score(&planted, 0, &[("ethnicity", "Black")])["calibration"];
    assert_eq!(black["vs_reference"]["verdict"], "over_states");
    close(num(&black["vs_reference"], "ratio"), 0.7, 0.07);
    assert!(num(black, "in_the_large") < -0.03);
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("planted.csv.truth.json")).unwrap(),
    )
    .unwrap();
    let effect = truth["effects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "miscalibrate")
        .unwrap();
    assert_eq!(effect["expected_ratio_at_equal_score"], 0.7);
    let report = std::fs::read_to_string(dir.path().join("planted/report.md")).unwrap();
    assert!(report.contains("**the score over-states their chance**"));
    // Without it, no group's score is found to mean something else.
    let clean = run("clean", &[]);
    for g in clean["attribute_sets"][0]["groups"].as_array().unwrap() {
        let verdict = &g["score_audit"]["calibration"]["vs_reference"]["verdict"];
        assert!(verdict.is_null() || verdict == "alike", "{g}");
    }
    // A planted miscalibration needs a score: the other logs have none.
    fairaudit()
        .args([
            "synth",
            "--kind",
            "pricing",
            "--miscalibrate",
            "0.7",
            "--out",
        ])
        .arg(dir.path().join("p.csv"))
        .assert()
        .code(2);
}

#[test]
fn constant_scores_one_class_groups_and_scores_outside_zero_to_one() {
    let dir = tempfile::tempdir().unwrap();
    // Group a: both classes at one constant score (area ½: every pair tied); group b: only
    // positives (area undefined, never ½); scores 3 and 7 (not probabilities).
    let mut text = String::from("s,g,y\n");
    for i in 0..40 {
        text += &format!("5,a,{}\n", i % 2);
        text += &format!("{},b,1\n", if i % 2 == 0 { 3 } else { 7 });
    }
    let log = write(dir.path(), "log.csv", &text);
    let run = |out: &str, extra: &[&str]| {
        let mut flags = vec![
            "--data",
            log.to_str().unwrap(),
            "--score",
            "s",
            "--threshold",
            "5",
            "--label",
            "y",
            "--protected",
            "g",
            "--reference",
            "g=a",
        ];
        flags.extend(extra);
        audit(&dir.path().join(out), &flags)
    };
    let r = run("out", &[]);
    let a = score(&r, 0, &[("g", "a")]);
    assert_eq!(num(a, "auc"), 0.5);
    let b = score(&r, 0, &[("g", "b")]);
    assert!(b["auc"].is_null() && b["auc_ci"].is_null() && b["auc_test"].is_null());
    assert!(b["abroca"].is_null());
    assert!(a["calibration"]["ece"].is_null() && a["calibration"]["slope"].is_null());
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(report.contains("cannot be measured: all of them had the same outcome"));
    assert!(report.contains("The scores are not probabilities"));
    // --no-score-audit leaves it out, and the verdicts stay.
    let off = run("off", &["--no-score-audit"]);
    assert!(off["attribute_sets"][0]["score_audit"].is_null());
    assert_eq!(
        off["attribute_sets"][0]["checks"],
        r["attribute_sets"][0]["checks"]
    );
}
