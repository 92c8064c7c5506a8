//! Every input read the same way: Parquet of any column type, categorical columns as their
//! strings, compressed and malformed files refused with their line, weighted sums reproducible.

mod common;
use common::*;
use polars::prelude::*;
use std::path::Path;

fn parquet(path: &Path, df: &mut DataFrame) {
    ParquetWriter::new(std::fs::File::create(path).unwrap())
        .finish(df)
        .unwrap();
}

#[test]
fn decimal_columns_read_as_numbers_used_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let n = 60;
    let mut df = df!(
        "y" => (0..n).map(|i| i % 2).collect::<Vec<i32>>(),
        "g" => (0..n).map(|i| if i < 30 { "a" } else { "b" }).collect::<Vec<_>>(),
        "price" => (0..n).map(|i| 10.0 + i as f64 / 4.0).collect::<Vec<f64>>(),
        "w" => (0..n).map(|i| if i % 2 == 0 { 1.5 } else { 0.5 }).collect::<Vec<f64>>(),
    )
    .unwrap();
    for c in ["price", "w"] {
        let decimal = df
            .column(c)
            .unwrap()
            .cast(&DataType::Decimal(6, 2))
            .unwrap();
        df.replace(c, decimal).unwrap();
    }
    let path = dir.path().join("log.parquet");
    parquet(&path, &mut df);
    // Unused: the audit reads around it.
    let r = args(&path, "y", "g").run(&dir.path().join("a"));
    assert_eq!(num(group(&r, 0, &[("g", "a")]), "n"), 30.0);
    // Used as weights: 15 rows of 1.5 with y = 0 and 15 of 0.5 with y = 1 per group.
    let r = args(&path, "y", "g")
        .with("--weight", "w")
        .run(&dir.path().join("b"));
    let a = group(&r, 0, &[("g", "a")]);
    assert_eq!(num(a, "n"), 30.0);
    close(num(a, "selection_rate"), 7.5 / 30.0, 1e-12);
}

#[test]
fn categorical_columns_read_as_their_strings() {
    let dir = tempfile::tempdir().unwrap();
    let sex: Vec<&str> = (0..80)
        .map(|i| if i < 40 { "Female" } else { "Male" })
        .collect();
    let offer: Vec<&str> = (0..80)
        .map(|i| if i % 4 == 0 { "yes" } else { "no" })
        .collect();
    let mut df = df!("sex" => sex, "offer" => offer).unwrap();
    for c in ["sex", "offer"] {
        let categorical = df
            .column(c)
            .unwrap()
            .cast(&DataType::from_categories(Categories::global()))
            .unwrap();
        df.replace(c, categorical).unwrap();
    }
    assert!(matches!(
        df.column("sex").unwrap().dtype(),
        DataType::Categorical(..)
    ));
    let path = dir.path().join("log.parquet");
    parquet(&path, &mut df);
    let r = args(&path, "offer", "sex")
        .with("--positive", "yes")
        .with("--reference", "sex=Female")
        .run(&dir.path().join("out"));
    assert_eq!(r["attribute_sets"][0]["reference"]["sex"], "Female");
    let female = group(&r, 0, &[("sex", "Female")]);
    close(num(female, "selection_rate"), 0.25, 1e-12);
    assert_eq!(r["audit"]["negative_values"][0]["value"], "no");
}

#[test]
fn a_null_and_the_text_missing_stay_two_groups() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("y,g\n");
    for (value, rows) in [("a", 40), ("", 35), ("(missing)", 45)] {
        for k in 0..rows {
            csv += &format!("{},{value}\n", k % 2);
        }
    }
    let log = write(dir.path(), "log.csv", &csv);
    let r = args(&log, "y", "g").run(&dir.path().join("a"));
    assert_eq!(num(group(&r, 0, &[("g", "(missing)")]), "n"), 35.0);
    assert_eq!(num(group(&r, 0, &[("g", "\"(missing)\"")]), "n"), 45.0);
    assert_eq!(r["attribute_sets"][0]["missing"], 35.0);
    let report = std::fs::read_to_string(dir.path().join("a/report.md")).unwrap();
    assert!(
        report.contains("| \"(missing)\" (reference) | ✔ pass | 45 |"),
        "{report}"
    );
    // --exclude-missing leaves out the nulls only; the literal value is an ordinary group.
    let r = args(&log, "y", "g")
        .flag("--exclude-missing")
        .run(&dir.path().join("b"));
    let verdict = |v: &str| group(&r, 0, &[("g", v)])["verdict"]["four_fifths"].clone();
    assert_eq!(verdict("(missing)"), "excluded");
    assert_ne!(verdict("\"(missing)\""), "excluded");
    // And it can be named as the reference.
    let r = args(&log, "y", "g")
        .with("--reference", "g=\"(missing)\"")
        .run(&dir.path().join("c"));
    assert_eq!(r["attribute_sets"][0]["reference"]["g"], "\"(missing)\"");
}

#[test]
fn ragged_and_short_rows_are_errors_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut csv = String::from("id,name,region,channel\n");
    for i in 0..40 {
        csv += &format!("{i},Person {i},North,web\n");
    }
    let mut ragged = csv.clone();
    ragged += "1,Doe, Jane,North,web\n";
    let log = write(dir.path(), "ragged.csv", &ragged);
    // The last column is not audited, and the row is still refused.
    let err = args(&log, "region", "name").fails(&out);
    assert!(
        err.contains("ragged.csv: line 42 has 5 fields, the header has 4"),
        "{err}"
    );
    let short = csv + "41,Short Row\n";
    let log = write(dir.path(), "short.csv", &short);
    let err = args(&log, "region", "name").fails(&out);
    assert!(
        err.contains("line 42 has 2 fields, the header has 4"),
        "{err}"
    );
}

#[test]
fn a_quoted_header_with_an_escaped_quote_is_auditable() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("\"a\"\"b\",y\n");
    for k in 0..40 {
        csv += &format!("{},{}\n", if k < 20 { "x" } else { "z" }, k % 2);
    }
    let log = write(dir.path(), "log.csv", &csv);
    let r = args(&log, "y", "a\"b").run(&dir.path().join("out"));
    assert_eq!(r["attribute_sets"][0]["attributes"][0], "a\"b");
}

#[test]
fn compressed_latin1_and_semicolon_files_get_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut gz = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03".to_vec();
    gz.extend_from_slice(&[0x4b, 0x4c, 0x4a, 0x06, 0x00]);
    let log = dir.path().join("log.csv");
    std::fs::write(&log, gz).unwrap();
    let err = args(&log, "y", "g").fails(&out);
    assert!(
        err.contains("log.csv: compressed input (gzip); decompress it first (e.g. gunzip FILE)"),
        "{err}"
    );

    let mut latin1 = b"y,g\n1,a\n0,Jos".to_vec();
    latin1.extend_from_slice(&[0xe9, b'\n']);
    let log = dir.path().join("latin1.csv");
    std::fs::write(&log, latin1).unwrap();
    let err = args(&log, "y", "g").fails(&out);
    assert!(
        err.contains("latin1.csv: line 3 is not UTF-8 text"),
        "{err}"
    );

    let mut csv = String::from("y;g\n");
    for k in 0..40 {
        csv += &format!("{};{}\n", k % 2, if k < 20 { "a" } else { "b" });
    }
    let log = write(dir.path(), "semi.csv", &csv);
    let err = args(&log, "y", "g").fails(&out);
    assert!(
        err.contains("the header looks separated by ';': pass --delimiter ';'"),
        "{err}"
    );
    let r = args(&log, "y", "g").with("--delimiter", ";").run(&out);
    assert_eq!(num(group(&r, 0, &[("g", "a")]), "n"), 20.0);
}

#[test]
fn truncated_and_mixed_ndjson_name_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let log = write(
        dir.path(),
        "log.ndjson",
        "{\"y\": 1, \"g\": \"a\"}\n{\"y\": 0, \"g\": \"b\"}\n{\"y\": 1, \"g\": \"a",
    );
    let err = args(&log, "y", "g").fails(&out);
    assert!(
        err.contains("log.ndjson: line 3: the line ends before its JSON object does"),
        "{err}"
    );
    let log = write(
        dir.path(),
        "mixed.ndjson",
        "{\"y\": 1, \"g\": \"a\"}\n{\"y\": 0, \"g\": 5}\n",
    );
    let err = args(&log, "y", "g").fails(&out);
    assert!(
        err.contains("line 2: field 'g' holds a number, but text on line 1"),
        "{err}"
    );
}

#[test]
fn long_column_names_fit_in_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let name = "c".repeat(300);
    let mut csv = format!("{name},y\n");
    for k in 0..40 {
        csv += &format!("{},{}\n", if k < 20 { "x" } else { "z" }, k % 2);
    }
    let log = write(dir.path(), "log.csv", &csv);
    let r = args(&log, "y", &name).run(&dir.path().join("out"));
    assert_eq!(r["attribute_sets"][0]["attributes"][0], name.as_str());
}

#[test]
fn weighted_audits_are_byte_for_byte_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    // A million rows in row groups of 20,000: the streaming engine adds them up in whatever order
    // its threads finish, so plain float sums (and the cells' order) vary from run to run.
    let rows = 1_000_000u64;
    let mut df = df!(
        "y" => (0..rows).map(|i| (i % 3 % 2) as i32).collect::<Vec<_>>(),
        "sex" => (0..rows).map(|i| if i % 5 < 2 { "F" } else { "M" }).collect::<Vec<_>>(),
        "age" => (0..rows).map(|i| ["18-24", "25-44", "45-64", "65+"][(i % 7 % 4) as usize]).collect::<Vec<_>>(),
        "w" => (0..rows).map(|i| 0.1 + (i * 7919 % 1000) as f64 / 997.0).collect::<Vec<_>>(),
    )
    .unwrap();
    let path = dir.path().join("log.parquet");
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .with_row_group_size(Some(20_000))
        .finish(&mut df)
        .unwrap();
    let runs: Vec<String> = (0..3)
        .map(|k| {
            let out = dir.path().join(format!("run{k}"));
            args(&path, "y", "sex")
                .with("--protected", "age")
                .with("--protected", "sex,age")
                .with("--weight", "w")
                .with("--bootstrap", "0")
                .with("--timestamp", "2026-11-01T00:00:00Z")
                .run(&out);
            std::fs::read_to_string(out.join("results.json")).unwrap()
        })
        .collect();
    assert!(runs[0] == runs[1] && runs[1] == runs[2]);
}

#[test]
fn values_that_mean_unknown_join_the_missing_group() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("y,sex\n");
    for (value, rows) in [
        ("Female", 40),
        ("Male", 40),
        ("Sex Not Available", 35),
        ("", 5),
    ] {
        for k in 0..rows {
            csv += &format!("{},{value}\n", k % 2);
        }
    }
    let log = write(dir.path(), "log.csv", &csv);
    let r = args(&log, "y", "sex")
        .with("--missing-values", "Sex Not Available")
        .flag("--exclude-missing")
        .run(&dir.path().join("out"));
    let groups: Vec<&str> = r["attribute_sets"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["values"]["sex"].as_str().unwrap())
        .collect();
    assert_eq!(groups, vec!["Female", "Male", "(missing)"]);
    assert_eq!(r["attribute_sets"][0]["missing"], 40.0);
    assert_eq!(
        group(&r, 0, &[("sex", "(missing)")])["verdict"]["four_fifths"],
        "excluded"
    );
}
