//! The scoring-rate table of a NYC Local Law 144 bias audit (`--score COL --score-rate median`):
//! the share of each category scoring strictly above the median score of the whole sample, and
//! impact ratios against the category with the highest rate. Checked by hand on a small sample
//! with ties at the median.

mod common;
use common::*;

#[test]
fn scoring_rates_and_impact_ratios_follow_the_hand_computation() {
    // Scores of 16 people: men 1 2 3 3 5 6, women 2 3 3 4 7 8 9 3, unknown sex 4 1.
    // Sorted: 1 1 2 2 3 3 3 3 | 3 4 4 5 6 7 8 9: the median is (3 + 3) / 2 = 3, and five people
    // tie at it (they are not above it). Above 3: men 5, 6 (2 of 6); women 4, 7, 8, 9 (4 of 8);
    // unknown 4 (1 of 2). Women have the highest rate: men's impact ratio is (2/6) / (4/8) = 2/3.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("score,sex\n");
    for (sex, scores) in [
        ("M", &[1, 2, 3, 3, 5, 6][..]),
        ("F", &[2, 3, 3, 4, 7, 8, 9, 3][..]),
        ("", &[4, 1][..]),
    ] {
        for s in scores {
            csv += &format!("{s},{sex}\n");
        }
    }
    let data = write(dir.path(), "scores.csv", &csv);
    let out = dir.path().join("out");
    let r = fairaudit()
        .args(["audit", "--data", data.to_str().unwrap()])
        .args([
            "--score",
            "score",
            "--score-rate",
            "median",
            "--protected",
            "sex",
        ])
        .args(["--min-group-size", "1", "--exclude-missing"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    drop(r);
    let r = results(&out);
    assert_eq!(r["audit"]["score_rate"], "median");
    assert_eq!(num(&r["audit"]["score"], "threshold"), 3.0);
    let set = &r["attribute_sets"][0];
    assert_eq!(set["reference_strategy"], "highest");
    assert_eq!(set["reference"]["sex"], "F");
    let men = group(&r, 0, &[("sex", "M")]);
    close(num(men, "selection_rate"), 2.0 / 6.0, 1e-15);
    close(
        num(&men["vs_reference"], "disparate_impact_ratio"),
        2.0 / 3.0,
        1e-15,
    );
    close(
        num(group(&r, 0, &[("sex", "F")]), "selection_rate"),
        0.5,
        1e-15,
    );
    // The unknown category is counted, as the table requires, and left out of the ratios.
    assert_eq!(num(set, "missing"), 2.0);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("strictly above the log's median score, 3"));
}

#[test]
fn a_score_rate_replaces_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "s.csv", "score,sex\n1,M\n2,F\n");
    let err = fails(
        &dir.path().join("out"),
        &[
            "--data",
            data.to_str().unwrap(),
            "--score",
            "score",
            "--threshold",
            "2",
            "--score-rate",
            "median",
            "--protected",
            "sex",
        ],
    );
    assert!(
        err.contains("--score-rate median replaces --threshold"),
        "{err}"
    );
}
