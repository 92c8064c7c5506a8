//! `fairaudit compare`, `audit --baseline` and `fairaudit history`: what changed between two
//! audits, and the trend across many. Checked on the
//! demo generator's drift (women's offers halved from month 9 on) and on the bundled service log's
//! May change, against statsmodels and scipy.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The rows of a CSV log whose second column (the decision date) is in `month` (`2025-08`) and
/// that `keep` accepts, written to `dir/name` with the header.
fn month_of(
    log: &Path,
    month: &str,
    dir: &Path,
    name: &str,
    keep: impl Fn(&str) -> bool,
) -> PathBuf {
    let text = std::fs::read_to_string(log).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines.filter(|l| l.split(',').nth(1).unwrap().starts_with(month) && keep(l)) {
        out.push_str(line);
        out.push('\n');
    }
    write(dir, name, &out)
}

/// Audits a month of the offers log by sex (men the reference, with the would-redeem label).
fn audit_offers(data: &Path, out: &Path, extra: &[&str]) -> Value {
    let mut a = args(data, "offer_sent", "sex")
        .with("--reference", "sex=Male")
        .with("--label", "would_redeem")
        .with("--date", "decision_date");
    for pair in extra.chunks(2) {
        a = a.with(pair[0], pair[1]);
    }
    a.run(out)
}

/// Runs `fairaudit compare BEFORE AFTER --out OUT` and returns `changes.json`.
fn compare(before: &Path, after: &Path, out: &Path) -> Value {
    fairaudit()
        .arg("compare")
        .arg(before)
        .arg(after)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    serde_json::from_str(&std::fs::read_to_string(out.join("changes.json")).unwrap()).unwrap()
}

/// The change of `metric` for the group with `value` of its attribute.
fn change<'a>(c: &'a Value, value: &str, metric: &str) -> &'a Value {
    c["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            x["metric"] == metric
                && x["values"]
                    .as_object()
                    .unwrap()
                    .values()
                    .any(|v| v == value)
        })
        .unwrap_or_else(|| panic!("no change of {metric} for {value}"))
}

#[test]
fn month_eight_against_month_nine_flags_the_drift_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let log = drift_log(dir.path());
    let aug = month_of(&log, "2025-08", dir.path(), "aug.csv", |_| true);
    let sep = month_of(&log, "2025-09", dir.path(), "sep.csv", |_| true);
    audit_offers(&aug, &dir.path().join("a8"), &[]);
    audit_offers(&sep, &dir.path().join("a9"), &[]);
    let c = compare(
        &dir.path().join("a8"),
        &dir.path().join("a9"),
        &dir.path().join("c"),
    );
    assert_eq!(c["before"]["period"], "2025-08");
    assert_eq!(c["after"]["period"], "2025-09");
    // Every significant change is women's, and their selection rate's verdict is new.
    let significant: Vec<&Value> = c["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["significant"] == true)
        .collect();
    assert!(!significant.is_empty());
    assert!(
        significant.iter().all(|x| x["values"]["sex"] == "Female"),
        "{significant:?}"
    );
    for metric in ["selection_rate", "tpr", "fpr"] {
        assert_eq!(change(&c, "Male", metric)["significant"], false, "{metric}");
    }
    let women = change(&c, "Female", "selection_rate");
    assert_eq!(women["verdict_before"], "pass");
    assert_eq!(women["verdict_after"], "fail");
    assert_eq!(women["verdict_change"], "new");
    assert_eq!(
        change(&c, "Male", "selection_rate")["verdict_change"],
        "unchanged"
    );
    assert_eq!(c["resolved"], 0);
    assert_eq!(c["persisting"], 0);
    // pandas counts: 401 of 1003 women offered in August, 211 of 1005 in September; statsmodels
    // 0.15 proportions_ztest([211, 401], [1005, 1003]): z = -9.2408, p = 2.4472e-20;
    // confint_proportions_2indep(211, 1005, 401, 1003, method="newcomb"): (-0.228805, -0.150072).
    close(num(women, "before"), 401.0 / 1003.0, 1e-12);
    close(num(women, "after"), 211.0 / 1005.0, 1e-12);
    close(
        num(women, "difference"),
        211.0 / 1005.0 - 401.0 / 1003.0,
        1e-12,
    );
    rel(num(women, "p"), 2.4472132815750046e-20, 1e-6);
    close(women["ci"][0].as_f64().unwrap(), -0.22880465242344955, 1e-9);
    close(women["ci"][1].as_f64().unwrap(), -0.15007223712305773, 1e-9);
    assert_eq!(women["method"], "z");
    // The mix of men and women did not change: the drift is in how women were treated.
    let mix = &c["population"][0];
    assert_eq!(mix["significant"], false);
    let md = std::fs::read_to_string(dir.path().join("c/changes.md")).unwrap();
    assert!(
        md.contains(
            "- **New**: the selection rate of people with sex Female became a failing verdict"
        ),
        "{md}"
    );
    assert!(
        md.contains("the changes above are in how people were treated, not in who was in the data")
    );
    assert!(std::fs::read_to_string(dir.path().join("c/changes.html"))
        .unwrap()
        .contains("<h2"));
    // The comparison is a bundle of its own.
    fairaudit()
        .arg("verify")
        .arg(dir.path().join("c"))
        .assert()
        .success();
}

#[test]
fn an_audit_compared_with_itself_has_no_changes() {
    let dir = tempfile::tempdir().unwrap();
    let log = drift_log(dir.path());
    let sep = month_of(&log, "2025-09", dir.path(), "sep.csv", |_| true);
    audit_offers(&sep, &dir.path().join("a9"), &[]);
    let a9 = dir.path().join("a9");
    let c = compare(&a9, &a9, &dir.path().join("c"));
    assert_eq!(c["significant_changes"], 0);
    assert_eq!(c["new"], 0);
    assert_eq!(c["resolved"], 0);
    // Women fail in September, in both: persisting, not new.
    assert_eq!(
        change(&c, "Female", "selection_rate")["verdict_change"],
        "persisting"
    );
    for x in c["changes"].as_array().unwrap() {
        assert_eq!(num(x, "difference"), 0.0);
        assert_eq!(x["significant"], false);
    }
    assert_eq!(c["population"][0]["chi_square"], 0.0);
}

#[test]
fn a_tampered_bundle_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let log = drift_log(dir.path());
    let sep = month_of(&log, "2025-09", dir.path(), "sep.csv", |_| true);
    let a9 = dir.path().join("a9");
    audit_offers(&sep, &a9, &[]);
    let before = dir.path().join("before");
    std::fs::create_dir(&before).unwrap();
    for f in ["results.json", "manifest.json"] {
        std::fs::copy(a9.join(f), before.join(f)).unwrap();
    }
    let text = std::fs::read_to_string(a9.join("results.json")).unwrap();
    let out = dir.path().join("c");
    // A results.json edited after the audit (a failing verdict turned into a pass).
    std::fs::write(
        a9.join("results.json"),
        text.replacen("\"fail\"", "\"pass\"", 1),
    )
    .unwrap();
    let err = fairaudit()
        .arg("compare")
        .arg(&a9)
        .arg(&a9)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("the bundle does not match its manifest (changed: results.json)"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1);
    assert!(!out.exists());
    // A directory that is no bundle at all, and the same for --baseline.
    let err = fairaudit()
        .arg("compare")
        .arg(dir.path())
        .arg(&before)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("not a fairaudit bundle (it has no manifest.json)"));
    let line = args(&sep, "offer_sent", "sex")
        .with("--baseline", &a9)
        .fails(&out);
    assert!(
        line.contains("the bundle does not match its manifest"),
        "{line}"
    );
}

#[test]
fn baseline_adds_since_the_last_audit_and_fails_only_on_a_new_violation() {
    let dir = tempfile::tempdir().unwrap();
    let log = drift_log(dir.path());
    let aug = month_of(&log, "2025-08", dir.path(), "aug.csv", |_| true);
    let sep = month_of(&log, "2025-09", dir.path(), "sep.csv", |_| true);
    let oct = month_of(&log, "2025-10", dir.path(), "oct.csv", |_| true);
    let (a8, a9) = (dir.path().join("a8"), dir.path().join("a9"));
    audit_offers(&aug, &a8, &[]);
    let base = |data: &Path, baseline: &Path| {
        args(data, "offer_sent", "sex")
            .with("--reference", "sex=Male")
            .with("--label", "would_redeem")
            .with("--baseline", baseline)
            .flag("--fail-on-new-violation")
    };
    // September after August: women's verdict is new, exit 1, and the report says so.
    fairaudit()
        .arg("audit")
        .args(base(&sep, &a8).list())
        .arg("--out")
        .arg(&a9)
        .assert()
        .code(1);
    let report = std::fs::read_to_string(a9.join("report.md")).unwrap();
    assert!(report.contains("## Since the last audit"));
    // In the executive summary too: women's selection rate and true positive rate now fail.
    assert!(
        report.contains(
            "**Since the last audit** (2025-08): 2 verdict(s) became failing, 0 stopped failing"
        ),
        "{report}"
    );
    assert!(report.contains(
        "- **New**: the selection rate of people with sex Female became a failing verdict"
    ));
    assert!(a9.join("changes.json").exists());
    fairaudit().arg("verify").arg(&a9).assert().success();
    // October after September: still failing, nothing new, exit 0.
    let a10 = dir.path().join("a10");
    fairaudit()
        .arg("audit")
        .args(base(&oct, &a9).list())
        .arg("--out")
        .arg(&a10)
        .assert()
        .code(0);
    let c: Value =
        serde_json::from_str(&std::fs::read_to_string(a10.join("changes.json")).unwrap()).unwrap();
    assert_eq!(c["new"], 0);
    assert_eq!(
        change(&c, "Female", "selection_rate")["verdict_change"],
        "persisting"
    );
    // The flag needs a baseline.
    let line = args(&oct, "offer_sent", "sex")
        .flag("--fail-on-new-violation")
        .fails(&dir.path().join("x"));
    assert!(
        line.contains("--fail-on-new-violation needs --baseline DIR"),
        "{line}"
    );
}

#[test]
fn a_changed_mix_of_people_is_told_apart_from_changed_rates() {
    let dir = tempfile::tempdir().unwrap();
    let log = drift_log(dir.path());
    let aug = month_of(&log, "2025-08", dir.path(), "aug.csv", |_| true);
    // August again, with every man of an odd customer number left out: the rates stay, the mix
    // of men and women changes.
    let sep = month_of(&log, "2025-08", dir.path(), "fewer_men.csv", |l| {
        let f: Vec<&str> = l.split(',').collect();
        f[3] != "Male" || f[0].parse::<u64>().unwrap() % 2 == 0
    });
    audit_offers(&aug, &dir.path().join("a"), &[]);
    audit_offers(&sep, &dir.path().join("b"), &[]);
    let c = compare(
        &dir.path().join("a"),
        &dir.path().join("b"),
        &dir.path().join("c"),
    );
    let mix = &c["population"][0];
    // pandas: 1003 women and 997 men, then 504 men; scipy 1.17
    // chi2_contingency([[1003, 997], [1003, 504]], correction=False): 94.48799, p = 2.4658e-22.
    close(num(mix, "chi_square"), 94.48798804877705, 1e-9);
    rel(num(mix, "p"), 2.465842079776846e-22, 1e-6);
    assert_eq!(mix["significant"], true);
    assert_eq!(mix["df"], 1);
    close(num(&mix["shares_after"], "Male"), 504.0 / 1507.0, 1e-12);
    close(num(&mix["shares_before"], "Female"), 1003.0 / 2000.0, 1e-12);
    let md = std::fs::read_to_string(dir.path().join("c/changes.md")).unwrap();
    assert!(md.contains("The mix of people by sex changed"), "{md}");
}

#[test]
fn waiting_times_compared_by_welch_test_against_scipy() {
    // The bundled service log, April against May 2025 (women's waits rose in May).
    let dir = tempfile::tempdir().unwrap();
    let log = dataset("business/service.csv");
    let apr = month_of(&log, "2025-04", dir.path(), "apr.csv", |_| true);
    let may = month_of(&log, "2025-05", dir.path(), "may.csv", |_| true);
    for (data, out) in [(&apr, "apr"), (&may, "may")] {
        args(data, "hours_to_resolution", "sex")
            .with("--kind", "continuous")
            .with("--higher", "adverse")
            .with("--reference", "sex=Male")
            .run(&dir.path().join(out));
    }
    let c = compare(
        &dir.path().join("apr"),
        &dir.path().join("may"),
        &dir.path().join("c"),
    );
    // scipy 1.17 ttest_ind(may, april, equal_var=False) of hours_to_resolution by sex (pandas
    // split by decision_date): women +6.093362 h, p = 9.9250e-05, 95% interval (3.039785,
    // 9.146939); men -0.919788 h, p = 0.466399.
    let women = change(&c, "Female", "mean");
    assert_eq!(women["method"], "welch");
    close(num(women, "difference"), 6.093361942681138, 1e-9);
    rel(num(women, "p"), 9.925026539728303e-05, 1e-6);
    close(women["ci"][0].as_f64().unwrap(), 3.0397847561528795, 1e-6);
    close(women["ci"][1].as_f64().unwrap(), 9.146939129209397, 1e-6);
    let men = change(&c, "Male", "mean");
    close(num(men, "difference"), -0.9197876197876198, 1e-9);
    rel(num(men, "p"), 0.46639906903971695, 1e-6);
    assert_eq!(women["significant"], true);
    assert_eq!(men["significant"], false);
}

#[test]
fn history_across_monthly_bundles_says_since_when() {
    // One audit per month, July to October: the trend across their bundles says women have
    // failed since September (the drift's first month), and a changed bundle stops it.
    let dir = tempfile::tempdir().unwrap();
    let log = drift_log(dir.path());
    let mut bundles = Vec::new();
    for m in 7..=10 {
        let month = format!("2025-{m:02}");
        let data = month_of(&log, &month, dir.path(), &format!("{month}.csv"), |_| true);
        let out = dir.path().join(&month);
        audit_offers(&data, &out, &[]);
        bundles.push(out);
    }
    let out = dir.path().join("history");
    fairaudit()
        .arg("history")
        .args(&bundles)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let md = std::fs::read_to_string(out.join("history.md")).unwrap();
    assert!(md.contains("# Trend of offer_sent across 4 audits"), "{md}");
    assert!(
        md.contains(
            "People with sex Female compared with people with sex Male: failing since 2025-09"
        ),
        "{md}"
    );
    assert!(md.contains("| 2025-08 | 1.02 ✔ pass |"), "{md}");
    assert!(out.join("charts/trend_rate_1_sex.svg").exists());
    assert!(std::fs::read_to_string(out.join("history.html"))
        .unwrap()
        .contains("data:image/svg+xml;base64,"));
    fairaudit().arg("verify").arg(&out).assert().success();
    // A bundle changed after its audit is refused; nothing is written.
    std::fs::write(bundles[1].join("report.md"), "edited").unwrap();
    let again = dir.path().join("again");
    let err = fairaudit()
        .arg("history")
        .args(&bundles)
        .arg("--out")
        .arg(&again)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("2025-08: the bundle does not match its manifest (changed: report.md)"));
    assert!(!again.exists());
}
