//! Bad input: a one-line error naming the file, column and offending values, exit code 2, and no
//! output directory.

mod common;
use common::*;
use predicates::str::contains;

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = args("nowhere/log.csv", "y", "g").fails(&dir.path().join("out"));
    assert!(
        err.contains("nowhere/log.csv") && err.contains("cannot open"),
        "{err}"
    );
}

#[test]
fn empty_file_and_header_only_file() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", "");
    let err = args(&empty, "y", "g").fails(&dir.path().join("out"));
    assert!(err.contains("empty.csv") && err.contains("empty"), "{err}");
    let header = write(dir.path(), "header.csv", "y,g\n");
    let err = args(&header, "y", "g").fails(&dir.path().join("out"));
    assert!(
        err.contains("header.csv") && err.contains("no rows"),
        "{err}"
    );
}

#[test]
fn unknown_column_lists_the_available_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "log.csv", "y,g\n1,a\n0,b\n");
    let err = args(&data, "y", "race").fails(&dir.path().join("out"));
    assert!(
        err.contains("log.csv") && err.contains("'race'") && err.contains("y, g"),
        "{err}"
    );
}

#[test]
fn outcome_and_label_outside_the_binary_values() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "log.csv",
        "y,l,g\n1,0,a\nmaybe,1,a\nmaybe,2,b\n0,0,b\n2,1,a\n",
    );
    let err = args(&data, "y", "g").fails(&dir.path().join("out"));
    assert!(err.contains("log.csv") && err.contains("'y'"), "{err}");
    assert!(
        err.contains("\"maybe\" (2 rows), \"2\" (1 rows)") && err.contains("--positive"),
        "{err}"
    );
    let err = args(&data, "y", "g")
        .with("--positive", "1")
        .with("--label", "l")
        .fails(&dir.path().join("out"));
    assert!(
        err.contains("'l'") && err.contains("\"2\" (1 rows)") && err.contains("--label-positive"),
        "{err}"
    );
}

#[test]
fn identifier_used_as_protected_attribute() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset("compas/compas-scores-two-years.csv");
    let err = fails(
        &dir.path().join("out"),
        &[
            "--data",
            data.to_str().unwrap(),
            "--score",
            "decile_score",
            "--threshold",
            "5",
            "--protected",
            "id",
        ],
    );
    assert!(
        err.contains("compas-scores-two-years.csv")
            && err.contains("'id'")
            && err.contains("7214 distinct values"),
        "{err}"
    );
    assert!(err.contains("--max-groups 1000"), "{err}");
}

#[test]
fn score_that_is_not_a_number() {
    // A score that is not a number in some rows (text, NaN) leaves those rows out, counted and
    // named in the report; a log with no number in it at all is refused.
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "log.csv", "s,g\n0.5,a\nhigh,b\n0.7,b\nNaN,a\n");
    let out = dir.path().join("out");
    let flags = ["--score", "s", "--threshold", "0.6", "--protected", "g"];
    let mut with_data = vec!["--data", data.to_str().unwrap()];
    with_data.extend(flags);
    let r = audit(&out, &with_data);
    assert_eq!(r["input"]["rows_excluded"]["score not a number"], 2);
    assert_eq!(r["input"]["rows_used"], 2);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("2 with a score not a number"), "{report}");
    let none = write(dir.path(), "none.csv", "s,g\nhigh,a\nNaN,b\n");
    let mut with_none = vec!["--data", none.to_str().unwrap()];
    with_none.extend(flags);
    let err = fails(&dir.path().join("out2"), &with_none);
    assert!(err.contains("none.csv") && err.contains("'s'"), "{err}");
}

#[test]
fn positive_value_that_never_occurs() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "log.csv", "risk,g\nLow,a\nHigh,b\n");
    let err = args(&data, "risk", "g")
        .with("--positive", "high")
        .fails(&dir.path().join("out"));
    assert!(
        err.contains("'risk'") && err.contains("high") && err.contains("\"High\" (1 rows)"),
        "{err}"
    );
}

#[test]
fn unknown_reference_group() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "log.csv", "y,g\n1,a\n0,b\n");
    let err = args(&data, "y", "g")
        .with("--reference", "g=c")
        .fails(&dir.path().join("out"));
    assert!(err.contains("g=c") && err.contains("a; b"), "{err}");
}

#[test]
fn existing_output_directory_is_kept_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "log.csv", "y,g\n1,a\n0,b\n");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    let args = [
        "audit",
        "--data",
        data.to_str().unwrap(),
        "--outcome",
        "y",
        "--protected",
        "g",
        "--out",
        out.to_str().unwrap(),
    ];
    fairaudit()
        .args(args)
        .assert()
        .code(2)
        .stderr(contains("--force"));
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
    // --force replaces only an earlier bundle, and this directory is not one.
    fairaudit()
        .args(args)
        .arg("--force")
        .assert()
        .code(2)
        .stderr(contains(
            "only replaces an earlier fairaudit bundle, and this is not one (no manifest.json)",
        ));
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn unknown_extension_config_key_and_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "log.txt", "y,g\n1,a\n0,b\n");
    let err = args(&data, "y", "g").fails(&dir.path().join("out"));
    assert!(err.contains("log.txt") && err.contains("--format"), "{err}");

    let config = write(
        dir.path(),
        "audit.toml",
        "data = \"log.txt\"\nformat = \"csv\"\noutcom = \"y\"\n",
    );
    let err = fails(
        &dir.path().join("out"),
        &["--config", config.to_str().unwrap()],
    );
    assert!(
        err.contains("audit.toml") && err.contains("outcom"),
        "{err}"
    );

    let csv = write(dir.path(), "log.csv", "y,g\n1,a\n0,b\n");
    let err = args(&csv, "y", "g")
        .with("--timestamp", "yesterday")
        .fails(&dir.path().join("out"));
    assert!(
        err.contains("--timestamp") && err.contains("yesterday"),
        "{err}"
    );
}

#[test]
fn bad_delimiter_and_signing_key_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "log.csv", "y,g\n1,a\n0,b\n");
    let out = dir.path().join("out");
    let err = args(&data, "y", "g").with("--delimiter", "ab").fails(&out);
    assert!(
        err.contains("--delimiter \"ab\": one ASCII character"),
        "{err}"
    );
    let err = args(&data, "y", "g")
        .with("--format", "ndjson")
        .with("--delimiter", ";")
        .fails(&out);
    assert!(err.contains("--delimiter goes with CSV logs"), "{err}");
    let err = args(&data, "y", "g")
        .with("--sign", dir.path().join("no.key"))
        .fails(&out);
    assert!(
        err.contains("no.key: cannot read an Ed25519 secret key"),
        "{err}"
    );
    let bad = write(dir.path(), "bad.key", "not a key\n");
    let err = args(&data, "y", "g").with("--sign", &bad).fails(&out);
    assert!(
        err.contains("bad.key: not an Ed25519 secret key: expected 64 hex digits"),
        "{err}"
    );
}

#[test]
fn a_flag_value_clap_refuses_is_one_line_too() {
    // An unknown value of an enumerated flag: exit 2, one line naming the flag and the values
    // it takes, nothing written.
    let dir = tempfile::tempdir().unwrap();
    let err = args(dataset("business/offers.csv"), "offer_sent", "sex")
        .with("--kind", "other")
        .fails(&dir.path().join("out"));
    assert!(
        err.contains("invalid value 'other' for '--kind <KIND>'")
            && err.contains("[possible values: binary, continuous]"),
        "{err}"
    );
}

#[test]
fn library_errors_name_the_command_lines_flags() {
    // The library names its settings as the audit's definition does (`positive`, `max_groups`);
    // the command line asks for its flags' names, so every message names the flag to change.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let log = write(
        dir.path(),
        "log.csv",
        "y,l,g,d,p\nmaybe,x,a,2025-01-01,1\n1,1,b,soon,2\n0,0,a,later,3\n",
    );
    let err = args(&log, "y", "g").fails(&out);
    assert!(
        err.contains("name the positive values with --positive"),
        "{err}"
    );
    let err = args(&log, "y", "g")
        .with("--positive", "1")
        .with("--label", "l")
        .fails(&out);
    assert!(
        err.contains("name the positive values with --label-positive"),
        "{err}"
    );
    let err = args(&log, "g", "y")
        .with("--kind", "continuous")
        .with("--higher", "adverse")
        .fails(&out);
    assert!(
        err.contains("; --kind continuous needs a price, an amount or a time"),
        "{err}"
    );
    let err = args(&log, "y", "g")
        .with("--positive", "1")
        .with("--where", "d=soon,later")
        .with("--date", "d")
        .fails(&out);
    assert!(
        err.contains("log.csv: --date d: no value is a date"),
        "{err}"
    );
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let output = fairaudit()
        .arg("audit")
        .args(args(&log, "y", "g").with("--positive", "1").list())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        err.contains("output directory exists and is not empty; pass --force to replace it"),
        "{err}"
    );
}
