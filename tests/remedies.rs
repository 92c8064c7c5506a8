//! What could be done instead (`--features`, remedies on by default): on the synthetic offers
//! log the search finds the planted proxy's remedy at a small loss, proposes nothing for a
//! legitimately different group or without an effect, and says the rule itself must change when
//! it uses the attribute.

mod common;
use common::*;
use serde_json::Value;

/// The customer data of the synthetic offers log.
const FEATURES: &str = "postcode_area,income_band,tenure_months,past_spend,channel";

fn audited(data: &std::path::Path, features: &str, out: &std::path::Path) -> Value {
    args(data, "offer_sent", "ethnicity")
        .with("--protected", "sex")
        .with("--protected", "age_band")
        .with("--reference", "ethnicity=White")
        .with("--control", "channel")
        .with("--features", features)
        .run(out)
}

/// The remedies of the set of `attribute`.
fn remedies<'a>(r: &'a Value, attribute: &str) -> &'a Value {
    r["explain"]["remedies"]
        .as_array()
        .unwrap_or_else(|| panic!("no remedies: {}", r["explain"]))
        .iter()
        .find(|s| s["attributes"] == serde_json::json!([attribute]))
        .unwrap_or_else(|| panic!("no remedies for {attribute}"))
}

fn candidate<'a>(set: &'a Value, name: &str) -> &'a Value {
    set["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no candidate {name}: {}", set["candidates"]))
}

fn black<'a>(candidate: &'a Value) -> &'a Value {
    candidate["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"]["ethnicity"] == "Black")
        .unwrap()
}

#[test]
fn the_planted_proxys_remedy_passes_at_a_small_loss() {
    // The rule cuts offers by 70% in Riverside and Eastfield, where most Black customers
    // live. The current rule as modelled fails four-fifths for Black customers; merging those
    // two areas into the most common one (or dropping the area) brings them within it, while
    // agreeing with today's decisions about as often as the current rule does.
    let dir = tempfile::tempdir().unwrap();
    let log = synth(
        dir.path(),
        "offers.csv",
        &[
            "--kind", "offers", "--rows", "20000", "--seed", "7", "--proxy", "0.3",
        ],
    );
    let r = audited(&log, FEATURES, &dir.path().join("a"));
    let set = remedies(&r, "ethnicity");
    assert_eq!(set["status"], "searched");
    assert_eq!(set["holdout_rows"], 6000);
    let current = candidate(set, "current rule");
    assert_eq!(black(current)["four_fifths"], "fail");
    assert_eq!(current["passes"], false);
    assert_eq!(
        current["worst_group"],
        serde_json::json!({"ethnicity": "Black"})
    );
    assert_eq!(
        num(current, "worst_ratio"),
        num(black(current), "impact_ratio")
    );
    // One threshold for everyone selects the share asked: 25% more than the current rule.
    let more = candidate(set, "select 25% more");
    let share = num(more, "selection_rate") / num(current, "selection_rate");
    assert!((share - 1.25).abs() < 0.03, "{share}");
    let coarsen = candidate(set, "coarsen postcode_area");
    assert_eq!(coarsen["changed"], serde_json::json!(["postcode_area"]));
    assert_eq!(
        coarsen["merged"],
        serde_json::json!(["Riverside", "Eastfield"])
    );
    let best = set["best"].as_str().unwrap();
    assert!(
        ["coarsen postcode_area", "drop postcode_area"].contains(&best),
        "{best}"
    );
    let best = candidate(set, best);
    assert_eq!(best["passes"], true);
    assert_eq!(best["frontier"], true);
    assert!(num(best, "agreement") > num(current, "agreement") - 0.02);
    assert!(num(black(best), "impact_ratio") >= 0.8);
    // Changes are counted against the current rule as modelled: it changes nothing. More
    // Black customers would receive the offer than would lose it.
    assert_eq!(
        (
            black(current)["gains"].as_u64(),
            black(current)["losses"].as_u64()
        ),
        (Some(0), Some(0))
    );
    assert!(num(black(best), "gains_in_log") > num(black(best), "losses_in_log"));
    // The scale is the log's people per hold-out row.
    let scaled = num(black(best), "gains") * 20000.0 / 6000.0;
    assert!((num(black(best), "gains_in_log") - scaled).abs() < 1e-9);
    // The heavier the penalty, the smaller the gap.
    let light = num(candidate(set, "fit with gap penalty 1"), "worst_ratio");
    let heavy = num(candidate(set, "fit with gap penalty 64"), "worst_ratio");
    assert!(heavy > light, "{light} {heavy}");
    // Sex and age band pass: nothing is proposed for them.
    let sets: Vec<&Value> = r["explain"]["remedies"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(sets.len(), 1);
    // The same sample and seed give the same search.
    let again = audited(&log, FEATURES, &dir.path().join("b"));
    assert_eq!(r["explain"]["remedies"], again["explain"]["remedies"]);
    let without = args(&log, "offer_sent", "ethnicity")
        .with("--reference", "ethnicity=White")
        .with("--features", FEATURES)
        .flag("--no-remedies")
        .run(&dir.path().join("c"));
    assert!(without["explain"].get("remedies").is_none());
}

#[test]
fn no_remedy_for_a_legitimate_difference_or_without_an_effect() {
    let dir = tempfile::tempdir().unwrap();
    let legitimate = synth(
        dir.path(),
        "legitimate.csv",
        &[
            "--kind",
            "offers",
            "--rows",
            "20000",
            "--seed",
            "7",
            "--legitimate",
            "0.65",
        ],
    );
    let r = audited(&legitimate, FEATURES, &dir.path().join("a"));
    let set = remedies(&r, "age_band");
    assert_eq!(set["status"], "legitimate");
    assert_eq!(set["candidates"], serde_json::json!([]));
    assert_eq!(set["best"], Value::Null);
    let none = synth(
        dir.path(),
        "none.csv",
        &["--kind", "offers", "--rows", "20000", "--seed", "7"],
    );
    let r = audited(&none, FEATURES, &dir.path().join("b"));
    assert!(r["explain"].get("remedies").is_none(), "{}", r["explain"]);
}

#[test]
fn a_rule_that_uses_the_attribute_must_change_itself() {
    let dir = tempfile::tempdir().unwrap();
    let direct = synth(
        dir.path(),
        "direct.csv",
        &[
            "--kind", "offers", "--rows", "20000", "--seed", "7", "--direct", "0.5",
        ],
    );
    let r = audited(
        &direct,
        "ethnicity,postcode_area,tenure_months,channel",
        &dir.path().join("a"),
    );
    let set = remedies(&r, "ethnicity");
    assert_eq!(set["status"], "direct");
    assert_eq!(set["candidates"], serde_json::json!([]));
    assert_eq!(set["failing"], serde_json::json!([{"ethnicity": "Black"}]));
}

#[test]
fn the_report_names_the_best_option_and_follows_an_adopted_one() {
    // A finding adopted the option last month: on a log that still has the proxy the gap is
    // still open; on one without it (the option in use) the gap has closed. The report's
    // section, its table and chart, the decision sheet's next step and the CSV name the option.
    let dir = tempfile::tempdir().unwrap();
    let findings = dir.path().join("findings.toml");
    std::fs::write(
        &findings,
        "[[finding]]\nfinding = \"Black customers get fewer offers\"\nowner = \"CRM team\"\n\
         action = \"Merge the two postcode areas\"\ndue = \"2027-01-31\"\nstatus = \"done\"\n\
         group = \"ethnicity=Black\"\nremedy = \"coarsen postcode_area\"\n",
    )
    .unwrap();
    let run = |log: &std::path::Path, out: &str| -> String {
        args(log, "offer_sent", "ethnicity")
            .with("--reference", "ethnicity=White")
            .with("--features", FEATURES)
            .with("--findings", &findings)
            .run(&dir.path().join(out));
        std::fs::read_to_string(dir.path().join(out).join("report.md")).unwrap()
    };
    let proxy = synth(
        dir.path(),
        "proxy.csv",
        &[
            "--kind", "offers", "--rows", "20000", "--seed", "7", "--proxy", "0.3",
        ],
    );
    let report = run(&proxy, "a");
    assert!(report.contains("## What could be done instead"), "{report}");
    assert!(report.contains(
        "**The best option:** Merging the postcode_area values Riverside and Eastfield into its most common one: every group within four-fifths"
    ), "{report}");
    assert!(report.contains(
        "the best option found: merging the postcode_area values Riverside and Eastfield into its most common one"
    ));
    assert!(report.contains("![What each option costs and gains](charts/remedies_1_ethnicity.svg)"));
    assert!(
        report
            .contains("| coarsen postcode_area | gap still open: ratio 0.45, fails four-fifths |"),
        "{report}"
    );
    let csv =
        std::fs::read_to_string(dir.path().join("a/tables/1_ethnicity_remedies.csv")).unwrap();
    assert!(csv
        .lines()
        .any(|l| l.starts_with("coarsen postcode_area,coarsen,,Riverside; Eastfield,")));
    let none = synth(
        dir.path(),
        "none.csv",
        &["--kind", "offers", "--rows", "20000", "--seed", "7"],
    );
    let report = run(&none, "b");
    assert!(
        report.contains("| coarsen postcode_area | gap closed: ratio"),
        "{report}"
    );
    assert!(!report.contains("## What could be done instead"));
}

#[test]
fn an_uncertain_ratio_counts_against_an_option_when_the_audit_found_that_gap() {
    // On the bundled offers log, the hold-out's 3,600 rows are too few to settle some ratios of
    // ethnicity × sex: a group the audit found failing can be below four-fifths with an interval
    // that reaches 1. Its ratio still counts: an option's lowest ratio is never above the ratio
    // of a group it fails, so the frontier and the chart rank options by what fails them.
    let dir = tempfile::tempdir().unwrap();
    let r = audit_bundled("offers", dir.path());
    let mut uncertain_failing = 0;
    for set in r["explain"]["remedies"].as_array().unwrap() {
        let failing = set["failing"].as_array().unwrap();
        for c in set["candidates"].as_array().unwrap() {
            for g in c["groups"].as_array().unwrap() {
                let Some(ratio) = g["impact_ratio"].as_f64() else {
                    continue;
                };
                if !failing.contains(&g["group"]) {
                    continue;
                }
                assert!(num(c, "worst_ratio") <= ratio, "{}: {g}", c["name"]);
                if g["four_fifths"] == "inconclusive" && ratio < 0.8 {
                    uncertain_failing += 1;
                    assert_eq!(c["passes"], false, "{}", c["name"]);
                }
            }
        }
    }
    assert!(
        uncertain_failing > 0,
        "the case is not in this log any more"
    );
}
