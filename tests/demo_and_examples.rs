//! The demo run (`fairaudit audit` with no arguments) and the committed example reports.

mod common;
use common::*;
use std::path::Path;

#[test]
fn demo_audits_the_bundled_business_logs_and_finds_what_was_planted() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets"),
        dir.path().join("datasets"),
    )
    .unwrap();
    let run = fairaudit()
        .current_dir(dir.path())
        .arg("audit")
        .assert()
        .success();
    // The terminal shows each log's decision sheet, a line per check.
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(
        stdout.contains("offers:\n  3 of 8 checks need action"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    ✔ EXPLAINED by channel  selection rate by age band\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("    ✖ ACTION NEEDED  selection rate by ethnicity\n"),
        "{stdout}"
    );
    let demo = dir.path().join("reports/demo");
    let index = std::fs::read_to_string(demo.join("index.md")).unwrap();
    for (log, planted) in [
        (
            "offers",
            vec![
                (0, "Black"),
                (2, "65+"),
                (3, "Black, Female"),
                (3, "Black, Male"),
            ],
        ),
        ("pricing", vec![(0, "Black"), (2, "18-24")]),
        ("service", vec![(0, "Female")]),
    ] {
        assert!(
            index.contains(&format!("[{log}/report.md]({log}/report.md)")),
            "{index}"
        );
        assert!(demo.join(log).join("report.md").exists());
        let found = failing(&results(&demo.join(log)));
        for (set, group) in planted {
            assert!(
                found.contains(&(set, group.to_string())),
                "{log}: {group} not failing in {found:?}"
            );
        }
    }
}

#[test]
fn example_reports_are_up_to_date() {
    let output = fairaudit()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["examples", "--check"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn bundled_configs_use_a_label_only_where_it_is_a_ground_truth() {
    // Whether a quote was accepted, or a customer satisfied, follows from the decision itself:
    // error rates against them would mean nothing, so those configs have no label. Every config
    // with a label says in one sentence what it is.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let config: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        let name = path.file_stem().unwrap().to_str().unwrap();
        if ["pricing", "service"].contains(&name) {
            assert!(config.get("label").is_none(), "{name} has a label");
        }
        if config.contains_key("label") {
            assert!(
                config.contains_key("label-means"),
                "{name} does not say what its label is"
            );
        }
    }
    let report = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/examples/compas/report.md"),
    )
    .unwrap();
    assert!(report.contains(
        "**True outcome (label):** `two_year_recid`: whether the defendant was charged with a new crime"
    ));
}

#[test]
fn the_offers_decision_sheet_counts_the_offers_black_customers_did_not_get() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/examples/offers");
    let r = results(&root);
    let black = group(&r, 0, &[("ethnicity", "Black")]);
    let shortfall = num(&black["vs_reference"], "shortfall");
    // n × (reference rate − group rate), from the group's own numbers.
    let expected = num(black, "n") * -num(&black["vs_reference"], "statistical_parity_difference");
    close(shortfall, expected, 1e-6);
    assert_eq!(shortfall.round(), 141.0);
    // At equal channel: Σ over channels of Black customers × White customers' rate there −
    // Black customers' offers there, by pandas from offers.csv: 140.8626135781735.
    rel(
        num(&black["vs_reference"], "shortfall_adjusted"),
        140.8626135781735,
        1e-9,
    );
    let report = std::fs::read_to_string(root.join("report.md")).unwrap();
    assert!(report.contains(
        "Customers with ethnicity Black received a discount offer only 70% as often as customers with ethnicity White (25.2% vs 35.9%); about 141 fewer customers received a discount offer than at the reference's rate (141 at the reference's rate within each channel)."
    ));
    // The 65+ gap in offers is explained by channel (planted: 65+ use the app less), so of the
    // four checks that fail by the raw rates, three need action.
    assert!(report.contains("**Decision sheet.** 3 of 8 checks need action"));
    assert!(report.contains(
        "1 is explained by a declared legitimate factor (selection rate by age band; 1 group listed below)"
    ));
    assert!(report.contains("by the raw rates alone, 4 checks would need action"));
}

#[test]
fn reports_read_well_counts_verdicts_contents_and_glossary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/examples");
    let offers = std::fs::read_to_string(root.join("offers/report.md")).unwrap();
    // Counts with thousands separators.
    assert!(
        offers.contains("**Who it affects:** 12,000 people"),
        "{offers}"
    );
    assert!(offers.contains("**Rows:** 12,000 read, 12,000 used"));
    // Verdicts carry their symbol, so colour is never the only cue; the page colours them.
    assert!(offers.contains("| ✖ **FAIL** |") && offers.contains("| ✔ pass |"));
    let html = std::fs::read_to_string(root.join("compas/report.html")).unwrap();
    assert!(html.contains("<span class=\"fail\">✖ <strong>FAIL</strong></span>"));
    assert!(html.contains("<span class=\"fail\"><strong>✖ ACTION NEEDED</strong></span>"));
    // A table of contents linking every section.
    for section in [
        "Scope and method",
        "Executive summary",
        "Findings",
        "Groups left out and unknown values",
        "Glossary",
    ] {
        assert!(
            html.contains(&format!("\">{section}</a></li>")),
            "{section}"
        );
    }
    // Every column header of the report's tables and every abbreviation is in the glossary.
    let compas = std::fs::read_to_string(root.join("compas/report.md")).unwrap();
    let glossary = compas
        .split("## Glossary")
        .nth(1)
        .unwrap()
        .split("## Appendix")
        .next()
        .unwrap();
    for term in [
        "selection rate",
        "share",
        "disparate impact ratio",
        "statistical parity difference",
        "base rate",
        "fpr",
        "fnr",
        "ppv",
        "equal opportunity difference",
        "average odds difference",
        "demographic parity",
        "equalized odds",
        "Holm",
        "Wilson",
        "Katz",
        "Newcombe",
        "shortfall",
        "pts",
        "bootstrap interval",
    ] {
        assert!(glossary.contains(term), "the glossary lacks {term:?}");
    }
}
