//! `fairaudit synth`: determinism, the bundled business logs, and every planted effect found by
//! the audit where it was planted and nowhere else.

mod common;
use common::*;
use polars::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The commands that made the bundled business logs (datasets/README.md lists them).
const BUNDLED: [(&str, &[&str]); 3] = [
    (
        "offers",
        &[
            "--kind",
            "offers",
            "--rows",
            "12000",
            "--months",
            "12",
            "--seed",
            "2025",
            "--proxy",
            "0.6",
            "--legitimate",
            "0.7",
        ],
    ),
    (
        "pricing",
        &[
            "--kind",
            "pricing",
            "--rows",
            "8000",
            "--months",
            "12",
            "--seed",
            "2025",
            "--direct",
            "0.7",
            "--legitimate",
            "0.7",
        ],
    ),
    (
        "service",
        &[
            "--kind",
            "service",
            "--rows",
            "8000",
            "--months",
            "12",
            "--seed",
            "2025",
            "--drift",
            "0.4",
            "--drift-from",
            "5",
        ],
    ),
];

#[test]
fn bundled_business_logs_are_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in BUNDLED {
        let log = synth(dir.path(), &format!("{name}.csv"), args);
        let bundled = dataset(&format!("business/{name}.csv"));
        assert!(
            std::fs::read(&log).unwrap() == std::fs::read(&bundled).unwrap(),
            "{name}.csv differs from the bundled one"
        );
        let truth = std::fs::read(dir.path().join(format!("{name}.csv.truth.json"))).unwrap();
        assert!(
            truth == std::fs::read(dataset(&format!("business/{name}.csv.truth.json"))).unwrap(),
            "{name} truth differs"
        );
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["csv", "parquet"] {
        let run = |name: &str, seed: &str| {
            let p = synth(
                dir.path(),
                &format!("{name}.{ext}"),
                &[
                    "--kind", "pricing", "--rows", "3000", "--seed", seed, "--direct", "0.7",
                ],
            );
            std::fs::read(p).unwrap()
        };
        let (a, b, c) = (run("a", "7"), run("b", "7"), run("c", "8"));
        assert!(a == b, "{ext}: same seed, different bytes");
        assert!(a != c, "{ext}: different seeds, same bytes");
    }
}

#[test]
fn existing_output_needs_force_and_bad_sizes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let log = synth(dir.path(), "s.csv", &["--kind", "service", "--rows", "100"]);
    fairaudit()
        .args(["synth", "--kind", "service", "--rows", "100", "--out"])
        .arg(&log)
        .assert()
        .code(2);
    let bad = dir.path().join("bad.csv");
    for args in [
        &["--direct", "0"][..],
        &["--drift", "0.5"],
        &["--legitimate", "0.1"],
        &["--drift", "0.5", "--drift-from", "13"],
    ] {
        fairaudit()
            .args(["synth", "--kind", "offers", "--rows", "100"])
            .args(args)
            .arg("--out")
            .arg(&bad)
            .assert()
            .code(2);
        assert!(!bad.exists());
    }
}

fn truth(log: &Path) -> Value {
    let mut name = log.file_name().unwrap().to_os_string();
    name.push(".truth.json");
    serde_json::from_str(&std::fs::read_to_string(log.with_file_name(name)).unwrap()).unwrap()
}

fn expected_ratio(log: &Path, effect: &str) -> f64 {
    let t = truth(log);
    let e = t["effects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == effect)
        .unwrap();
    assert_eq!(e["enabled"], true);
    e["expected_selection_rate_ratio"].as_f64().unwrap()
}

/// Audits a synthetic log by ethnicity, sex and age band with fixed references.
fn audit_log(log: &Path, decision: &str, out: &Path) -> Value {
    audit(
        out,
        &[
            "--data",
            log.to_str().unwrap(),
            "--outcome",
            decision,
            "--protected",
            "ethnicity",
            "--protected",
            "sex",
            "--protected",
            "age_band",
            "--reference",
            "ethnicity=White",
            "--reference",
            "sex=Male",
            "--reference",
            "age_band=35-44",
        ],
    )
}

/// Writes the rows of `log` that satisfy `keep` to a new CSV.
fn subset(log: &Path, keep: Expr, name: &str) -> PathBuf {
    let mut df = LazyCsvReader::new(PlRefPath::try_from_path(log).unwrap())
        .finish()
        .unwrap()
        .filter(keep)
        .collect()
        .unwrap();
    let out = log.with_file_name(name);
    CsvWriter::new(std::fs::File::create(&out).unwrap())
        .finish(&mut df)
        .unwrap();
    out
}

#[test]
fn direct_effect_is_found_on_ethnicity_only() {
    let dir = tempfile::tempdir().unwrap();
    let log = synth(
        dir.path(),
        "o.csv",
        &[
            "--kind", "offers", "--rows", "20000", "--seed", "11", "--direct", "0.6",
        ],
    );
    let r = audit_log(&log, "offer_sent", &dir.path().join("a"));
    assert_eq!(failing(&r), vec![(0, "Black".to_string())]);
    let black = group(&r, 0, &[("ethnicity", "Black")]);
    close(
        num(&black["vs_reference"], "disparate_impact_ratio"),
        expected_ratio(&log, "direct"),
        0.07,
    );
}

#[test]
fn proxy_effect_shows_on_ethnicity_through_postcode_area() {
    let dir = tempfile::tempdir().unwrap();
    let log = synth(
        dir.path(),
        "o.csv",
        &[
            "--kind", "offers", "--rows", "20000", "--seed", "12", "--proxy", "0.5",
        ],
    );
    let r = audit_log(&log, "offer_sent", &dir.path().join("a"));
    assert_eq!(failing(&r), vec![(0, "Black".to_string())]);
    let black = group(&r, 0, &[("ethnicity", "Black")]);
    let expected = expected_ratio(&log, "proxy");
    close(expected, 0.657, 0.001);
    close(
        num(&black["vs_reference"], "disparate_impact_ratio"),
        expected,
        0.07,
    );
}

#[test]
fn legitimate_difference_is_a_raw_gap_that_vanishes_within_the_factor() {
    let dir = tempfile::tempdir().unwrap();
    let log = synth(
        dir.path(),
        "o.csv",
        &[
            "--kind",
            "offers",
            "--rows",
            "30000",
            "--seed",
            "13",
            "--legitimate",
            "0.7",
        ],
    );
    let raw = audit_log(&log, "offer_sent", &dir.path().join("raw"));
    assert_eq!(failing(&raw), vec![(2, "65+".to_string())]);
    close(
        num(
            &group(&raw, 2, &[("age_band", "65+")])["vs_reference"],
            "disparate_impact_ratio",
        ),
        0.7,
        0.07,
    );
    for (name, keep) in [
        ("app.csv", col("channel").eq(lit("app"))),
        ("other.csv", col("channel").neq(lit("app"))),
    ] {
        let part = subset(&log, keep, name);
        let r = audit_log(
            &part,
            "offer_sent",
            &dir.path().join(name.replace(".csv", "")),
        );
        assert!(
            failing(&r).iter().all(|(set, _)| *set != 2),
            "{name}: {:?}",
            failing(&r)
        );
        let old = num(
            &group(&r, 2, &[("age_band", "65+")])["vs_reference"],
            "disparate_impact_ratio",
        );
        assert!(old > 0.85, "{name}: 65+ ratio {old} within the factor");
    }
}

#[test]
fn drift_appears_from_its_month_on() {
    let dir = tempfile::tempdir().unwrap();
    let log = synth(
        dir.path(),
        "s.csv",
        &[
            "--kind",
            "service",
            "--rows",
            "30000",
            "--seed",
            "14",
            "--drift",
            "0.5",
            "--drift-from",
            "7",
        ],
    );
    let before = subset(
        &log,
        col("decision_date").lt(lit("2025-07-01")),
        "before.csv",
    );
    let after = subset(
        &log,
        col("decision_date").gt_eq(lit("2025-07-01")),
        "after.csv",
    );
    let r = audit_log(&after, "escalated", &dir.path().join("after"));
    assert_eq!(failing(&r), vec![(1, "Female".to_string())]);
    close(
        num(
            &group(&r, 1, &[("sex", "Female")])["vs_reference"],
            "disparate_impact_ratio",
        ),
        0.5,
        0.08,
    );
    let r = audit_log(&before, "escalated", &dir.path().join("before"));
    assert!(failing(&r).is_empty(), "{:?}", failing(&r));
}

fn mean_outcome_ratio(log: &Path, outcome: &str) -> f64 {
    let df = LazyCsvReader::new(PlRefPath::try_from_path(log).unwrap())
        .finish()
        .unwrap()
        .group_by([col("ethnicity")])
        .agg([col(outcome).mean()])
        .collect()
        .unwrap();
    let mean = |who: &str| {
        let i = (0..df.height())
            .find(|&i| df.column("ethnicity").unwrap().get(i).unwrap() == AnyValue::String(who))
            .unwrap();
        df.column(outcome)
            .unwrap()
            .get(i)
            .unwrap()
            .extract::<f64>()
            .unwrap()
    };
    mean("Black") / mean("White")
}

#[test]
fn pricing_and_service_carry_the_planted_gaps() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, decision, outcome) in [
        ("pricing", "discount_given", "quoted_price"),
        ("service", "escalated", "hours_to_resolution"),
    ] {
        let log = synth(
            dir.path(),
            &format!("{kind}.csv"),
            &[
                "--kind", kind, "--rows", "30000", "--seed", "15", "--direct", "0.6",
            ],
        );
        let r = audit_log(&log, decision, &dir.path().join(kind));
        assert_eq!(failing(&r), vec![(0, "Black".to_string())], "{kind}");
        let t = truth(&log);
        let expected = t["effects"][0]["expected_outcome_ratio"].as_f64().unwrap();
        close(expected, 1.1, 1e-12);
        close(mean_outcome_ratio(&log, outcome), expected, 0.03);
    }
}

#[test]
fn without_effects_false_alarms_stay_below_the_significance_level() {
    // Groups differ only by chance: over 20 seeds of each business log (the bundled sizes), the
    // share of `fail` verdicts must not exceed alpha = 0.05.
    let dir = tempfile::tempdir().unwrap();
    for (kind, decision, rows) in [
        ("offers", "offer_sent", "12000"),
        ("pricing", "discount_given", "8000"),
        ("service", "escalated", "8000"),
    ] {
        let (mut fails, mut verdicts) = (0, 0);
        for seed in 1..=20 {
            let name = format!("{kind}{seed}");
            let log = synth(
                dir.path(),
                &format!("{name}.csv"),
                &["--kind", kind, "--rows", rows, "--seed", &seed.to_string()],
            );
            let r = audit_log(&log, decision, &dir.path().join(&name));
            fails += failing(&r).len();
            verdicts += r["attribute_sets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["groups"].as_array().unwrap().len() - 1)
                .sum::<usize>();
        }
        let rate = fails as f64 / verdicts as f64;
        println!(
            "{kind}: false alarms without planted effects: {fails} of {verdicts} verdicts ({:.1}%)",
            rate * 100.0
        );
        assert!(
            rate <= 0.05,
            "{kind}: {fails} of {verdicts} non-reference verdicts failed"
        );
    }
}
