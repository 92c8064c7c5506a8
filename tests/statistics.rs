//! Statistical evidence against published references: COMPAS intervals and z statistic, Fisher's
//! exact test on small groups, weights, soft membership, exclusions and determinism.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

fn compas(out: &Path, extra: &[&str]) -> Value {
    let data = dataset("compas/compas-scores-two-years.csv");
    let mut args = vec![
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
    ];
    args.extend_from_slice(extra);
    audit(out, &args)
}

fn interval(v: &Value) -> [f64; 2] {
    [v[0].as_f64().unwrap(), v[1].as_f64().unwrap()]
}

#[test]
fn compas_false_positive_rates_with_intervals_and_test() {
    let dir = tempfile::tempdir().unwrap();
    let r = compas(&dir.path().join("out"), &[]);
    let aa = group(&r, 0, &[("race", "African-American")]);
    let vs = &aa["vs_reference"];
    close(vs["tests"]["fpr"]["z"].as_f64().unwrap(), 12.78, 0.01);
    assert_eq!(vs["tests"]["fpr"]["method"], "z");
    let katz = interval(&vs["ci"]["fpr_ratio"]);
    close(katz[0], 1.7212, 5e-5);
    close(katz[1], 2.1241, 5e-5);
    let newcombe = interval(&vs["ci"]["fpr_difference"]);
    close(newcombe[0], 0.1821, 5e-5);
    close(newcombe[1], 0.2450, 5e-5);
    let wilson = interval(&aa["ci"]["fpr"]);
    close(wilson[0], 0.42559, 5e-6);
    close(wilson[1], 0.47156, 5e-6);
    // Each tested rate is its own family: 4 tested groups (Native American, n = 18, is
    // excluded). The verdicts' selection-rate tests are not diluted by 8 tpr/fpr tests.
    assert_eq!(r["audit"]["tests_in_family"], 4);
    assert_eq!(
        r["audit"]["test_families"],
        serde_json::json!({"selection_rate": 4, "tpr": 4, "fpr": 4})
    );
    let groups = r["attribute_sets"][0]["groups"].as_array().unwrap();
    for rate in ["selection_rate", "fpr"] {
        let tests: Vec<&serde_json::Value> = groups
            .iter()
            .filter_map(|g| g["vs_reference"]["tests"].get(rate))
            .collect();
        let raw: Vec<f64> = tests
            .iter()
            .map(|t| t["p_value"].as_f64().unwrap())
            .collect();
        let holm = fairaudit::stats::adjust::adjust(&raw, fairaudit::stats::adjust::PAdjust::Holm);
        for (t, p) in tests.iter().zip(holm) {
            assert_eq!(t["p_adjusted"].as_f64().unwrap(), p, "{rate}");
        }
    }
    assert_eq!(aa["verdict"]["four_fifths"], "fail");
    assert!(aa["verdict"]["reason"]
        .as_str()
        .unwrap()
        .contains("significant: z = "));
    let native = group(&r, 0, &[("race", "Native American")]);
    assert_eq!(native["verdict"]["four_fifths"], "excluded");
    assert!(native["vs_reference"]["disparate_impact_ratio"].is_null());
    assert!(native["vs_reference"]["tests"]
        .as_object()
        .unwrap()
        .is_empty());
    let summary = &r["attribute_sets"][0]["summary"];
    let dp = interval(&summary["ci"]["demographic_parity_difference"]);
    let value = num(summary, "demographic_parity_difference");
    assert!(dp[0] < value && value < dp[1], "{dp:?} around {value}");
}

fn small_groups_log(
    dir: &Path,
    small: (usize, usize),
    reference: (usize, usize),
) -> std::path::PathBuf {
    let mut csv = String::from("y,g\n");
    for (name, (pos, n)) in [("small", small), ("ref", reference)] {
        for i in 0..n {
            csv += &format!("{},{name}\n", u8::from(i < pos));
        }
    }
    write(dir, "log.csv", &csv)
}

#[test]
fn fisher_on_small_groups_is_inconclusive_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let data = small_groups_log(dir.path(), (0, 5), (500, 1000));
    let r = args(&data, "y", "g")
        .with("--reference", "g=ref")
        .with("--min-group-size", "1")
        .run(&dir.path().join("a"));
    let small = group(&r, 0, &[("g", "small")]);
    let test = &small["vs_reference"]["tests"]["selection_rate"];
    assert_eq!(test["method"], "fisher");
    close(test["p_value"].as_f64().unwrap(), 0.0619, 5e-5);
    assert_eq!(num(&small["vs_reference"], "disparate_impact_ratio"), 0.0);
    assert_eq!(small["verdict"]["four_fifths"], "inconclusive");

    let dir = tempfile::tempdir().unwrap();
    let data = small_groups_log(dir.path(), (1, 8), (30, 40));
    let r = args(&data, "y", "g")
        .with("--reference", "g=ref")
        .with("--min-group-size", "1")
        .run(&dir.path().join("b"));
    let test = &group(&r, 0, &[("g", "small")])["vs_reference"]["tests"]["selection_rate"];
    assert_eq!(test["method"], "fisher");
    close(test["p_value"].as_f64().unwrap(), 0.00166, 5e-6);
    assert_eq!(
        group(&r, 0, &[("g", "small")])["verdict"]["four_fifths"],
        "fail"
    );
}

#[test]
fn same_seed_same_results_other_seed_other_bootstrap() {
    let dir = tempfile::tempdir().unwrap();
    let a = compas(&dir.path().join("a"), &["--seed", "7"]);
    let b = compas(&dir.path().join("b"), &["--seed", "7"]);
    let c = compas(&dir.path().join("c"), &["--seed", "8"]);
    let bytes = |d: &str| std::fs::read(dir.path().join(d).join("results.json")).unwrap();
    assert!(bytes("a") == bytes("b"));
    assert_eq!(
        a["attribute_sets"][0]["summary"]["ci"],
        b["attribute_sets"][0]["summary"]["ci"]
    );
    assert_ne!(
        a["attribute_sets"][0]["summary"]["ci"],
        c["attribute_sets"][0]["summary"]["ci"]
    );
}

/// The aequitas COMPAS extract with extra columns: weights and race as 0/1 probabilities.
fn weighted_log(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(dataset("compas/compas_for_aequitas.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let races = [
        "African-American",
        "Asian",
        "Caucasian",
        "Hispanic",
        "Native American",
        "Other",
    ];
    let mut out = format!(
        "{header},w1,w2,{}\n",
        (0..races.len())
            .map(|i| format!("p{i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    for line in lines {
        let race = line.split(',').nth(3).unwrap();
        let probs: Vec<&str> = races
            .iter()
            .map(|r| if *r == race { "1" } else { "0" })
            .collect();
        out += &format!("{line},1,2,{}\n", probs.join(","));
    }
    write(dir, "weighted.csv", &out)
}

fn strip_groups_of(r: &Value, fields: &[&str]) -> Value {
    let mut sets = r["attribute_sets"].clone();
    for set in sets.as_array_mut().unwrap() {
        for g in set["groups"].as_array_mut().unwrap() {
            for f in fields {
                g.as_object_mut().unwrap().remove(*f);
                // Shortfalls are counts of people too.
                g["vs_reference"].as_object_mut().unwrap().remove(*f);
            }
        }
        // The rows of a group a summary stands on.
        if let Some(drivers) = set["summary"]["driven_by"].as_object_mut() {
            for d in drivers.values_mut() {
                d.as_object_mut().unwrap().remove("n");
            }
        }
        // The people each check's gaps affect.
        for check in set["checks"].as_array_mut().unwrap() {
            check.as_object_mut().unwrap().remove("affected");
        }
    }
    sets
}

#[test]
fn weights_of_one_change_nothing_and_doubling_them_only_doubles_counts() {
    let dir = tempfile::tempdir().unwrap();
    let data = weighted_log(dir.path());
    let base = [
        "--data",
        data.to_str().unwrap(),
        "--outcome",
        "score",
        "--label",
        "label_value",
        "--favorable",
        "negative",
        "--protected",
        "race",
        "--protected",
        "race,sex",
    ];
    let plain = audit(&dir.path().join("plain"), &base);
    let ones = audit(
        &dir.path().join("ones"),
        &[&base[..], &["--weight", "w1"]].concat(),
    );
    let twos = audit(
        &dir.path().join("twos"),
        &[&base[..], &["--weight", "w2"]].concat(),
    );
    assert_eq!(plain["attribute_sets"], ones["attribute_sets"]);
    let aa_plain = group(&plain, 0, &[("race", "African-American")]);
    let aa_twos = group(&twos, 0, &[("race", "African-American")]);
    for count in ["n", "tp", "fp", "tn", "fn", "pp", "pn"] {
        assert_eq!(
            aa_twos[count].as_f64().unwrap(),
            2.0 * aa_plain[count].as_f64().unwrap(),
            "{count}"
        );
    }
    for shortfall in ["shortfall", "error_rate_shortfall"] {
        let caucasian = |r: &Value| {
            group(r, 0, &[("race", "Caucasian")])["vs_reference"][shortfall]
                .as_f64()
                .unwrap()
        };
        close(caucasian(&twos), 2.0 * caucasian(&plain), 1e-9);
    }
    let affected = |r: &Value| {
        r["attribute_sets"][0]["checks"][0]["affected"][2]
            .as_f64()
            .unwrap()
    };
    close(affected(&twos), 2.0 * affected(&plain), 1e-9);
    // Rates, ratios, intervals, tests, summaries and which groups are excluded do not change:
    // group size is judged on the effective sample size (Native American, 18 rows of weight 2,
    // is still excluded under the default --min-group-size 30).
    let counts = [
        "n",
        "tp",
        "fp",
        "tn",
        "fn",
        "pp",
        "pn",
        "shortfall",
        "error_rate_shortfall",
    ];
    assert_eq!(
        strip_groups_of(&plain, &counts),
        strip_groups_of(&twos, &counts)
    );
}

#[test]
fn soft_membership_with_certain_probabilities_equals_the_hard_attribute() {
    let dir = tempfile::tempdir().unwrap();
    let data = weighted_log(dir.path());
    let base = [
        "--data",
        data.to_str().unwrap(),
        "--outcome",
        "score",
        "--label",
        "label_value",
        "--favorable",
        "negative",
    ];
    let hard = audit(
        &dir.path().join("hard"),
        &[
            &base[..],
            &["--protected", "race", "--protected", "race,sex"],
        ]
        .concat(),
    );
    let membership = "race_est=p0:African-American,p1:Asian,p2:Caucasian,p3:Hispanic,p4:Native American,p5:Other";
    let soft = audit(
        &dir.path().join("soft"),
        &[
            &base[..],
            &[
                "--membership",
                membership,
                "--protected",
                "race_est",
                "--protected",
                "race_est,sex",
            ],
        ]
        .concat(),
    );
    let renamed = serde_json::to_string(&soft["attribute_sets"])
        .unwrap()
        .replace("race_est", "race");
    assert_eq!(
        serde_json::from_str::<Value>(&renamed).unwrap(),
        hard["attribute_sets"]
    );
}

#[test]
fn soft_membership_splits_rows_by_probability() {
    let dir = tempfile::tempdir().unwrap();
    // Two rows, each half A and half B, one positive: each group gets n = 1 and pp = 0.5; the
    // third row has probabilities summing to 0.6, so 0.4 of it is (missing).
    let data = write(
        dir.path(),
        "soft.csv",
        "y,pa,pb\n1,0.5,0.5\n0,0.5,0.5\n1,0.6,0\n",
    );
    let r = args(&data, "y", "grp")
        .with("--membership", "grp=pa:A,pb:B")
        .with("--min-group-size", "0")
        .run(&dir.path().join("out"));
    let a = group(&r, 0, &[("grp", "A")]);
    close(num(a, "n"), 1.6, 1e-12);
    close(num(a, "pp"), 1.1, 1e-12);
    let b = group(&r, 0, &[("grp", "B")]);
    assert_eq!((b["n"].as_f64(), b["pp"].as_f64()), (Some(1.0), Some(0.5)));
    close(num(group(&r, 0, &[("grp", "(missing)")]), "n"), 0.4, 1e-12);
}

#[test]
fn small_rare_and_missing_groups_are_excluded_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("y,g\n");
    for (g, n) in [("big", 500), ("mid", 100), ("rare", 12), ("", 60)] {
        for i in 0..n {
            csv += &format!("{},{g}\n", u8::from(i % 2 == 0));
        }
    }
    let data = write(dir.path(), "log.csv", &csv);
    let out = dir.path().join("out");
    let r = args(&data, "y", "g")
        .with("--min-group-share", "0.02")
        .with("--min-group-size", "5")
        .flag("--exclude-missing")
        .run(&out);
    let verdict = |g: &str| group(&r, 0, &[("g", g)])["verdict"]["four_fifths"].clone();
    assert_eq!(verdict("big"), "pass");
    assert_eq!(verdict("mid"), "pass");
    assert_eq!(verdict("rare"), "excluded");
    assert_eq!(verdict("(missing)"), "excluded");
    assert_eq!(r["attribute_sets"][0]["missing"], 60.0);
    assert!(group(&r, 0, &[("g", "rare")])["vs_reference"]["selection_rate_ratio"].is_null());
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    // One section lists every group left out and the unknown values.
    let section = report
        .split("## Groups left out and unknown values")
        .nth(1)
        .unwrap();
    assert!(
        section.contains("| g | rare | 12 | less than 2% of the rows (--min-group-share) |"),
        "{report}"
    );
    assert!(
        section.contains("| g | unknown values | 60 | no value for g |"),
        "{report}"
    );
}

#[test]
fn bad_weights_and_probabilities_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "log.csv",
        "y,g,w,pa,pb\n1,a,1,0.7,0.6\n0,b,-2,0.2,0.1\n",
    );
    let run = |extra: &[&str]| {
        let out = dir.path().join("out");
        let output = fairaudit()
            .args([
                "audit",
                "--data",
                data.to_str().unwrap(),
                "--outcome",
                "y",
                "--out",
                out.to_str().unwrap(),
            ])
            .args(extra)
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(!out.exists());
        String::from_utf8(output.stderr).unwrap()
    };
    let err = run(&["--protected", "g", "--weight", "w"]);
    assert!(
        err.contains("log.csv") && err.contains("'w'") && err.contains("\"-2\" (1 rows)"),
        "{err}"
    );
    let err = run(&["--membership", "grp=pa:A,pb:B", "--protected", "grp"]);
    assert!(
        err.contains("'pa, pb'")
            && err.contains("add up to more than 1")
            && err.contains("\"0.7\" (1 rows)"),
        "{err}"
    );
    // A probability far past 1 (past what its sums take in 64-bit fixed point) is refused by
    // the same check, not by a failed sum.
    std::fs::write(&data, "y,g,w,pa,pb\n1,a,1,1e10,0\n0,b,1,0.2,0.1\n").unwrap();
    let err = run(&["--membership", "grp=pa:A,pb:B", "--protected", "grp"]);
    assert!(
        err.contains("'pa'") && err.contains("not numbers from 0 to 1") && err.contains("\"1e10\""),
        "{err}"
    );
}
