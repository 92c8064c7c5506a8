//! The edge-case fixture: groups with zero denominators. Every undefined value must be `null`,
//! never 0 or NaN, and nothing may panic.

mod common;
use common::*;
use serde_json::Value;

fn edge_audit(out: &std::path::Path) -> Value {
    let data = dataset("synthetic/edge_cases.csv");
    audit(
        out,
        &[
            "--data",
            data.to_str().unwrap(),
            "--outcome",
            "prediction",
            "--label",
            "label",
            "--protected",
            "grp",
            "--protected",
            "site",
            "--protected",
            "grp,sex",
            "--min-group-size",
            "1",
        ],
    )
}

#[test]
fn undefined_rates_are_null() {
    let dir = tempfile::tempdir().unwrap();
    let r = edge_audit(&dir.path().join("out"));
    let g = |name| group(&r, 0, &[("grp", name)]);
    // B: no actual positives.
    assert!(g("B")["tpr"].is_null() && g("B")["fnr"].is_null());
    assert_eq!(g("B")["fpr"], 0.5);
    // C: no predicted positives: selection rate is a defined 0, ppv and fdr undefined.
    assert_eq!(g("C")["selection_rate"], 0.0);
    assert!(g("C")["ppv"].is_null() && g("C")["fdr"].is_null());
    // D: a single positive row.
    for m in ["fpr", "tnr", "npv", "for"] {
        assert!(g("D")[m].is_null(), "D {m}");
    }
    assert_eq!(g("D")["tpr"], 1.0);
    // E: only actual positives, none predicted.
    assert!(g("E")["fpr"].is_null() && g("E")["ppv"].is_null());
    assert_eq!(g("E")["tpr"], 0.0);
    // Ratios against a defined rate of an undefined group rate are undefined too.
    assert!(g("B")["vs_reference"]["tpr_ratio"].is_null());
    assert!(g("E")["vs_reference"]["fpr_difference"].is_null());
    // The reference A (largest) compares to itself.
    assert_eq!(g("A")["vs_reference"]["tpr_ratio"], 1.0);
}

#[test]
fn a_reference_without_positive_decisions_makes_ratios_undefined() {
    let dir = tempfile::tempdir().unwrap();
    let r = edge_audit(&dir.path().join("out"));
    let site = &r["attribute_sets"][1];
    assert_eq!(site["reference"]["site"], "s0");
    let s1 = group(&r, 1, &[("site", "s1")]);
    assert!(s1["vs_reference"]["disparate_impact_ratio"].is_null());
    assert_eq!(s1["vs_reference"]["statistical_parity_difference"], 1.0);
    assert_eq!(s1["verdict"]["four_fifths"], "inconclusive");
}

#[test]
fn empty_intersections_do_not_appear_and_output_has_no_nan() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = edge_audit(&out);
    let groups = r["attribute_sets"][2]["groups"].as_array().unwrap();
    // grp × sex combinations present in the data: A F, A M, B F, C F, C M, D M, E F, E M.
    assert_eq!(groups.len(), 8);
    assert!(groups.iter().all(|g| g["n"].as_u64().unwrap() > 0));
    let text = std::fs::read_to_string(out.join("results.json")).unwrap();
    assert!(!text.contains("NaN") && !text.contains("inf"));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("n/a"));
    assert!(!report.contains("NaN"));
}
