//! The verdict follows the declared legitimate factors. The famous case: graduate admissions at
//! Berkeley in 1973 by sex, with the department as the control (Bickel, Hammel and O'Connell
//! 1975, Science 187:398–404: six departments, 4,526 applicants; `datasets/admissions/`, built
//! from the published table by `datasets/tools/berkeley_admissions.py`). Women were admitted
//! 68% as often as men, and within departments about as often or more: the raw check fails,
//! the department explains it. Reference values: statsmodels 0.15
//! `StratifiedTable([[[f_admitted, f_rejected], [m_admitted, m_rejected]] per department])`:
//! `riskratio_pooled` 1.058307423589208, `test_null_odds(correction=False)` statistic
//! 1.5246066604434427, p-value 0.21692369705551717; with numpy from the same table: the raw
//! ratio 0.3035422343 / 0.4451876626 = 0.6818298435630683, women's rate at men's mix of
//! departments 0.5161568383 / 0.4451876626 = 1.1594140667489499, Kitagawa's share of the raw gap
//! due to the mix 1.254356835597906; with pandas, the people affected: 1835 women × men's rate
//! − 557 admitted = 259.9193608324043 raw, Σ over departments of women's applicants × men's rate
//! there − women admitted there = −1.9960947476748316 at equal department (about 2 more admitted).

mod common;
use common::*;
use std::path::Path;

fn admissions(out: &Path, more: &[&str]) -> serde_json::Value {
    let mut args = Args::bundled("admissions");
    for pair in more.chunks(2) {
        args = args.with(pair[0], pair[1]);
    }
    args.run(out)
}

#[test]
fn the_admissions_gap_is_explained_by_department_with_statsmodels_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = admissions(&out, &[]);
    let women = group(&r, 0, &[("sex", "Female")]);
    let vs = &women["vs_reference"];
    rel(num(vs, "disparate_impact_ratio"), 0.6818298435630683, 1e-12);
    rel(num(vs, "mantel_haenszel_ratio"), 1.058307423589208, 1e-12);
    rel(
        num(&vs["tests"]["cmh"], "statistic"),
        1.5246066604434427,
        1e-10,
    );
    rel(num(&vs["tests"]["cmh"], "p"), 0.21692369705551717, 1e-6);
    rel(
        num(vs, "disparate_impact_ratio_adjusted"),
        1.1594140667489499,
        1e-12,
    );
    rel(num(vs, "explained_share"), 1.254356835597906, 1e-9);
    rel(num(vs, "shortfall"), 259.9193608324043, 1e-9);
    rel(num(vs, "shortfall_adjusted"), -1.9960947476748316, 1e-9);
    // The raw verdict fails, the verdict at equal department passes; the two measures at equal
    // department disagree on whether women were favoured.
    assert_eq!(women["verdict"]["four_fifths"], "fail");
    assert_eq!(women["verdict"]["four_fifths_adjusted"], "pass");
    assert_eq!(women["verdict"]["adjusted_measures_disagree"], true);
    let check = &r["attribute_sets"][0]["checks"][0];
    assert_eq!(check["metric"], "selection_rate");
    assert_eq!(check["status"], "explained");
    assert_eq!(check["status_basis"], "adjusted");
    assert_eq!(check["raw_status"], "action_needed");
    assert_eq!(r["audit"]["judge"], "adjusted");
    assert_eq!(check["states"], serde_json::json!(["explained", null]));
    // The people affected on the basis the status follows: at equal department.
    rel(
        check["affected"][0].as_f64().unwrap(),
        -1.9960947476748316,
        1e-9,
    );

    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for words in [
        "0 of 1 check needs action, 1 is explained by a declared legitimate factor (selection rate by sex; 1 group listed below)",
        "by the raw rates alone, 1 check would need action",
        "- **✔ EXPLAINED by department** — selection rate by sex (by the raw rates alone: ✖ ACTION NEEDED)",
        "the mix of department accounts for more than the whole raw gap (125%): at equal department the direction reverses",
        // The two ratios at equal department, and which the verdict uses.
        "ratio at the reference's mix 1.16, 95% interval 1.05 to 1.28",
        "the Mantel–Haenszel ratio is 1.06",
        "Cochran–Mantel–Haenszel test p = 0.22",
        "*Next step:* confirm that department is a legitimate factor for this decision",
        "about 260 fewer applicants were admitted than at the reference's rate (none at the reference's rate within each department)",
    ] {
        assert!(report.contains(words), "{words:?} not in:\n{report}");
    }
    assert!(!report.contains("125% of the raw gap"), "{report}");
}

#[test]
fn an_audit_prints_its_decision_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let args = Args::bundled("admissions").with("--out", dir.path().join("out"));
    let run = fairaudit()
        .arg("audit")
        .args(args.list())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(
        stdout.contains(
            "\n0 of 1 check needs action, 1 is explained by a declared legitimate factor"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n  ✔ EXPLAINED by department  selection rate by sex\n"),
        "{stdout}"
    );
}

#[test]
fn judged_raw_the_admissions_check_needs_action_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let r = admissions(&dir.path().join("out"), &["--judge", "raw"]);
    let check = &r["attribute_sets"][0]["checks"][0];
    assert_eq!(check["status"], "action_needed");
    assert_eq!(check["status_basis"], "raw");
    assert_eq!(r["audit"]["judge"], "raw");
    assert_eq!(check["states"], serde_json::json!(["action_needed", null]));
}

/// A log where the raw rates are equal but the group is admitted less within each stratum: in
/// stratum s1 (rate 0.5 for the group, 0.9 for the reference) the group has 500 rows and the
/// reference 250; in s2 (0.1 both) 500 and 750. Raw: 0.3 and 0.3; at the reference's mix
/// 0.25 · 0.5 + 0.75 · 0.1 = 0.2 against 0.3, a ratio of 2/3.
fn hidden_gap(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from("g,s,y\n");
    for (g, s, n, positives) in [
        ("a", "s1", 500, 250),
        ("a", "s2", 500, 50),
        ("ref", "s1", 250, 225),
        ("ref", "s2", 750, 75),
    ] {
        for i in 0..n {
            text += &format!("{g},{s},{}\n", u8::from(i < positives));
        }
    }
    write(dir, "hidden.csv", &text)
}

#[test]
fn a_gap_that_appears_only_at_equal_controls_needs_action() {
    let dir = tempfile::tempdir().unwrap();
    let log = hidden_gap(dir.path());
    let base = args(&log, "y", "g").with("--reference", "g=ref");
    let out = dir.path().join("out");
    let r = audit(&out, &base.clone().with("--control", "s").list());
    let a = group(&r, 0, &[("g", "a")]);
    rel(
        num(&a["vs_reference"], "disparate_impact_ratio"),
        1.0,
        1e-12,
    );
    rel(
        num(&a["vs_reference"], "disparate_impact_ratio_adjusted"),
        2.0 / 3.0,
        1e-12,
    );
    assert_eq!(a["verdict"]["four_fifths"], "pass");
    assert_eq!(a["verdict"]["four_fifths_adjusted"], "fail");
    let check = &r["attribute_sets"][0]["checks"][0];
    assert_eq!(check["status"], "action_needed");
    assert_eq!(check["raw_status"], "ok");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("At equal s, a gap appears that the raw rates do not show"),
        "{report}"
    );
}

#[test]
fn the_gates_follow_the_verdict_at_equal_controls_unless_judged_raw() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let gated = |args: Args| args.flag("--fail-on-violation");
    // Explained by department: nothing needs action; by the raw rates it does.
    let admissions = gated(Args::bundled("admissions"));
    assert_eq!(admissions.exit_code(&out("a1")), 0);
    assert_eq!(admissions.with("--judge", "raw").exit_code(&out("a2")), 1);
    // Without the control, the raw rule.
    let raw_only = args(dataset("admissions/berkeley_1973.csv"), "admitted", "sex")
        .with("--reference", "sex=Male");
    assert_eq!(gated(raw_only).exit_code(&out("a3")), 1);
    // A gap only at equal controls fails the gate; judged raw it passes.
    let log = hidden_gap(dir.path());
    let hidden = args(&log, "y", "g").with("--reference", "g=ref");
    let controlled = hidden.clone().with("--control", "s");
    assert_eq!(gated(controlled.clone()).exit_code(&out("h1")), 1);
    let judged_raw = controlled.clone().with("--judge", "raw");
    assert_eq!(gated(judged_raw.clone()).exit_code(&out("h2")), 0);
    assert_eq!(gated(hidden).exit_code(&out("h3")), 0);
    // Since a baseline without controls (nothing failed), the gap at equal controls is new.
    let since = |args: Args| {
        args.with("--baseline", out("h3"))
            .flag("--fail-on-new-violation")
    };
    assert_eq!(since(controlled).exit_code(&out("h4")), 1);
    assert_eq!(since(judged_raw).exit_code(&out("h5")), 0);
}
