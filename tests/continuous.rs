//! Numeric outcomes (`--kind continuous`): prices and waiting times compared between groups.
//! References: the HMDA figures (Asian applicants' interest rates), and numpy / scipy
//! 1.17 on the same rows (`np.quantile`, `stats.ttest_ind(equal_var=False)`, `stats.ks_2samp`,
//! `stats.kstwobign.sf`), computed once and cited here.

mod common;
use common::*;

/// Interest rates (higher is adverse) by race against White applicants, on the bundled HMDA log.
fn hmda_args() -> Args {
    args(
        dataset("hmda/hmda_decisions.csv"),
        "interest_rate",
        "derived_race",
    )
    .with("--kind", "continuous")
    .with("--higher", "adverse")
    .with("--reference", "derived_race=White")
}

fn hmda(out: &std::path::Path) -> serde_json::Value {
    hmda_args().run(out)
}

#[test]
fn hmda_interest_rates_by_race_match_the_reference_figures() {
    let dir = tempfile::tempdir().unwrap();
    let r = hmda(&dir.path().join("out"));
    // Denied applications have no rate ("NA") and 593 approved ones are "Exempt": 13,080 + 593
    // rows are left out as not numbers, none read as 0.
    assert_eq!(r["input"]["rows_excluded"]["outcome not a number"], 13673);
    assert_eq!(r["input"]["rows_used"], 12471);
    let asian = group(&r, 0, &[("derived_race", "Asian")]);
    assert_eq!(asian["n"], 2715);
    rel(num(asian, "mean"), 7.0256427256, 1e-9);
    assert_eq!(num(asian, "median"), 7.0);
    rel(
        num(&asian["vs_reference"], "standardized_mean_difference"),
        0.1159024897,
        1e-9,
    );
    assert_eq!(asian["verdict"]["smd"], "pass");
}

#[test]
fn approved_loans_only_with_where() {
    // The reading: approved loans (action_taken = 1), rows without a number excluded.
    // Denied applications are then outside the selection, and the 357 approved loans without a
    // rate ("Exempt" or "NA") are not numbers; the Asian group is the same 2,715 loans.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = hmda_args().with("--where", "action_taken=1").run(&out);
    assert_eq!(r["input"]["rows_excluded"]["outside --where"], 13316);
    assert_eq!(r["input"]["rows_excluded"]["outcome not a number"], 357);
    let asian = group(&r, 0, &[("derived_race", "Asian")]);
    assert_eq!(asian["n"], 2715);
    rel(num(asian, "mean"), 7.0256427256, 1e-9);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("- **Rows audited:** only those where `action_taken` is 1"));
    assert!(report.contains(
        "13,316 outside --where, 0 with a null outcome, 357 with an outcome not a number"
    ));
}

#[test]
fn welch_ks_and_quantiles_agree_with_scipy_and_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let r = hmda(&dir.path().join("out"));
    let g = group(
        &r,
        0,
        &[("derived_race", "Native Hawaiian or Other Pacific Islander")],
    );
    // numpy: np.quantile(rates, [.1, .25, .5, .75, .9]), rates.std(ddof=1).
    for (q, want) in [
        ("p10", 6.2875),
        ("p25", 10.25),
        ("median", 11.99),
        ("p75", 12.99),
        ("p90", 12.99),
        ("std", 2.641330897888748),
    ] {
        rel(num(g, q), want, 1e-12);
    }
    let vs = &g["vs_reference"];
    let test = &vs["tests"]["mean"];
    assert_eq!(test["method"], "welch");
    rel(num(test, "t"), 11.522057023216377, 1e-10);
    rel(num(test, "df"), 51.18846716232564, 1e-10);
    rel(num(test, "p_value"), 7.850076358257818e-16, 1e-6);
    let ci = &vs["ci"]["mean_difference"];
    rel(ci[0].as_f64().unwrap(), 3.4883059640748195, 1e-10);
    rel(ci[1].as_f64().unwrap(), 4.960233668008084, 1e-10);
    rel(num(vs, "ks_statistic"), 0.7919703979851103, 1e-12);
    rel(num(vs, "ks_p_value"), 1.5228153485629406e-28, 1e-6);
    assert_eq!(g["verdict"]["smd"], "fail");
    // The median difference's bootstrap interval holds its estimate.
    let median = &vs["ci"]["median_difference"];
    let estimate = num(vs, "median_difference");
    assert!(median[0].as_f64().unwrap() <= estimate && estimate <= median[1].as_f64().unwrap());
}

#[test]
fn the_pricing_report_says_black_customers_pay_more() {
    // The hand computation on the bundled pricing log: a mean quoted price of 42.12 for
    // Black customers against 37.38 for White ones (+12.7%).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = audit_bundled("pricing_price", &out);
    let black = group(&r, 0, &[("ethnicity", "Black")]);
    rel(
        num(&black["vs_reference"], "mean_ratio"),
        42.12 / 37.38,
        2e-4,
    );
    // scipy: stats.t.interval(0.95, n - 1, loc=mean, scale=stats.sem(prices)) of Black
    // customers' prices = (40.735832754498645, 43.5048050587132).
    rel(
        black["ci"]["mean"][0].as_f64().unwrap(),
        40.735832754498645,
        1e-12,
    );
    rel(
        black["ci"]["mean"][1].as_f64().unwrap(),
        43.5048050587132,
        1e-12,
    );
    assert_eq!(black["verdict"]["smd"], "fail");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    // With `[labels] unit = "EUR"`, every amount in a sentence carries it.
    assert!(report.contains(
        "Customers with ethnicity Black had a mean quoted price of 42.12 EUR against 37.38 EUR for customers \
         with ethnicity White (12.7% higher; standardized mean difference +0.25)."
    ));
    assert!(report.contains("The distribution of quoted price (in EUR) in each group"));
    assert!(out.join("charts/distribution_1_ethnicity.svg").exists());
    // With controls, the raw and the adjusted gaps side by side.
    let chart = std::fs::read_to_string(out.join("charts/adjusted_gap_1_ethnicity.svg")).unwrap();
    assert!(chart.contains("Gap in quoted price by ethnicity, raw and at equal controls"));
    assert!(report.contains("](charts/adjusted_gap_1_ethnicity.svg)"));
    // No "-0" where no value is missing (an empty float sum is −0).
    assert!(report.contains("| ethnicity | unknown values | 0 | no value for ethnicity |"));
    let json = std::fs::read_to_string(out.join("results.json")).unwrap();
    assert!(json.contains("\"missing\": 0.0") && !json.contains("\"missing\": -0.0"));
    let table = std::fs::read_to_string(out.join("tables/1_ethnicity_groups.csv")).unwrap();
    assert!(table
        .lines()
        .next()
        .unwrap()
        .contains(",mean,std,min,p10,p25,median,p75,p90,max,"));
}

#[test]
fn a_numeric_outcome_needs_its_direction_and_refuses_yes_no_options() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let base =
        args(dataset("business/pricing.csv"), "quoted_price", "sex").with("--kind", "continuous");
    assert!(base
        .fails(&out)
        .contains("--kind continuous needs --higher"));
    let with_label = base
        .clone()
        .with("--higher", "adverse")
        .with("--label", "accepted");
    assert!(with_label
        .fails(&out)
        .contains("--label does not go with --kind continuous"));
    let text_only = args(dataset("business/pricing.csv"), "ethnicity", "sex")
        .with("--kind", "continuous")
        .with("--higher", "adverse");
    let err = text_only.fails(&out);
    assert!(
        err.contains("column 'ethnicity': no row holds a number (8000 rows of text)"),
        "{err}"
    );
}
