//! The same audit from CSV, Parquet and NDJSON; config files; reference strategies; exit codes.

mod common;
use common::*;
use polars::prelude::*;
use serde_json::Value;

const GROUPS: [&str; 18] = [
    "b", "b", "a", "b", "b", "c", "c", "c", "a", "a", "c", "a", "b", "c", "c", "b", "c", "c",
];
const Y_TRUE: [i64; 18] = [0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1];
const Y_PRED: [bool; 18] = [
    false, false, true, false, true, true, true, false, false, true, true, true, true, false,
    false, true, true, false,
];

fn sets(r: &Value) -> &Value {
    &r["attribute_sets"]
}

#[test]
fn csv_parquet_and_ndjson_give_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("y_true,y_pred,group\n");
    let mut ndjson = String::new();
    for i in 0..18 {
        csv += &format!("{},{},{}\n", Y_TRUE[i], u8::from(Y_PRED[i]), GROUPS[i]);
        let pred = if Y_PRED[i] { "Yes" } else { "no" };
        ndjson += &format!(
            "{{\"y_true\": {}, \"y_pred\": \"{pred}\", \"group\": \"{}\"}}\n",
            Y_TRUE[i], GROUPS[i]
        );
    }
    let csv_path = write(dir.path(), "log.csv", &csv);
    let nd_path = write(dir.path(), "log.ndjson", &ndjson);
    let pq_path = dir.path().join("log.parquet");
    let mut df = df!("y_true" => Y_TRUE, "y_pred" => Y_PRED, "group" => GROUPS).unwrap();
    ParquetWriter::new(std::fs::File::create(&pq_path).unwrap())
        .finish(&mut df)
        .unwrap();

    let run = |path: &std::path::Path, name: &str| {
        args(&path, "y_pred", "group")
            .with("--label", "y_true")
            .run(&dir.path().join(name))
    };
    let from_csv = run(&csv_path, "csv");
    let from_parquet = run(&pq_path, "parquet");
    let from_ndjson = run(&nd_path, "ndjson");
    assert_eq!(from_parquet["input"]["format"], "parquet");
    assert_eq!(from_ndjson["input"]["format"], "ndjson");
    assert_eq!(sets(&from_csv), sets(&from_parquet));
    assert_eq!(sets(&from_csv), sets(&from_ndjson));
    close(
        num(group(&from_parquet, 0, &[("group", "a")]), "tpr"),
        0.5,
        1e-12,
    );
}

#[test]
fn format_flag_overrides_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "log.txt", "y,g\n1,a\n0,a\n1,b\n");
    let r = args(&data, "y", "g")
        .with("--format", "csv")
        .run(&dir.path().join("out"));
    assert_eq!(r["input"]["rows_read"], 3);
}

#[test]
fn positive_values_count_the_rest_as_negative_and_report_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "log.csv",
        "risk,g\nLow,a\nMedium,a\nHigh,b\nLow,b\nLow,b\n,a\n",
    );
    let out = dir.path().join("out");
    let r = args(&data, "risk", "g")
        .with("--positive", "Medium,High")
        .run(&out);
    assert_eq!(
        r["audit"]["negative_values"],
        serde_json::json!([{"value": "Low", "count": 3}])
    );
    assert_eq!(r["input"]["rows_excluded"]["null outcome"], 1);
    assert_eq!(r["input"]["rows_used"], 5);
    close(
        num(group(&r, 0, &[("g", "a")]), "selection_rate"),
        0.5,
        1e-12,
    );
    close(
        num(group(&r, 0, &[("g", "b")]), "selection_rate"),
        1.0 / 3.0,
        1e-12,
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("Counted as negative decisions:** Low (3)"),
        "{report}"
    );
}

#[test]
fn missing_attribute_values_form_their_own_group() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "log.csv", "y,g\n1,a\n0,a\n1,\n0,\n0,\n");
    let r = args(&data, "y", "g").run(&dir.path().join("out"));
    let missing = group(&r, 0, &[("g", "(missing)")]);
    assert_eq!(missing["n"], 3);
}

#[test]
fn config_file_with_flag_override() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset("compas/compas_for_aequitas.csv");
    let config = write(
        dir.path(),
        "audit.toml",
        &format!(
            "data = {:?}\noutcome = \"score\"\nlabel = \"label_value\"\nfavorable = \"negative\"\nprotected = [\"race\", \"race,sex\"]\nreference = [\"race=Caucasian\", \"race,sex=Caucasian,Male\"]\n",
            data.to_str().unwrap()
        ),
    );
    let r = audit(
        &dir.path().join("out"),
        &[
            "--config",
            config.to_str().unwrap(),
            "--di-threshold",
            "0.9",
        ],
    );
    assert_eq!(r["audit"]["di_threshold"], 0.9);
    assert_eq!(
        r["attribute_sets"][1]["reference"],
        serde_json::json!({"race": "Caucasian", "sex": "Male"})
    );
    let g = group(&r, 1, &[("race", "African-American"), ("sex", "Female")]);
    assert!(g["n"].as_u64().unwrap() > 0);
}

#[test]
fn reference_strategies() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset("compas/compas_for_aequitas.csv");
    let base = [
        "--data",
        data.to_str().unwrap(),
        "--outcome",
        "score",
        "--favorable",
        "negative",
        "--protected",
        "race",
    ];
    let highest = audit(
        &dir.path().join("h"),
        &[&base[..], &["--reference-strategy", "highest"]].concat(),
    );
    // Adverse decision: the most favourable group has the lowest rate of it.
    let groups = highest["attribute_sets"][0]["groups"].as_array().unwrap();
    let min = groups
        .iter()
        .map(|g| num(g, "selection_rate"))
        .fold(f64::INFINITY, f64::min);
    let reference = &highest["attribute_sets"][0]["reference"]["race"];
    assert_eq!(
        num(
            group(&highest, 0, &[("race", reference.as_str().unwrap())]),
            "selection_rate"
        ),
        min
    );

    let largest = audit(&dir.path().join("l"), &base);
    assert_eq!(
        largest["attribute_sets"][0]["reference"]["race"],
        "African-American"
    );

    let overall = audit(
        &dir.path().join("o"),
        &[&base[..], &["--reference-strategy", "overall"]].concat(),
    );
    assert!(overall["attribute_sets"][0]["reference"].is_null());
    // The whole population of the groups not excluded (Native American, n = 18, is below 30).
    let included: Vec<&Value> = overall["attribute_sets"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["verdict"]["four_fifths"] != "excluded")
        .collect();
    assert_eq!(included.len(), 5);
    let pp: f64 = included.iter().map(|g| g["pp"].as_f64().unwrap()).sum();
    let n: f64 = included.iter().map(|g| g["n"].as_f64().unwrap()).sum();
    let aa = group(&overall, 0, &[("race", "African-American")]);
    close(
        num(&aa["vs_reference"], "disparate_impact_ratio"),
        num(aa, "selection_rate") / (pp / n),
        1e-12,
    );
}

#[test]
fn fail_on_violation_exits_1_only_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset("compas/compas_for_aequitas.csv");
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--outcome",
        "score",
        "--favorable",
        "negative",
        "--protected",
        "race",
        "--reference",
        "race=Caucasian",
    ];
    fairaudit()
        .arg("audit")
        .args(args)
        .arg("--out")
        .arg(dir.path().join("a"))
        .arg("--fail-on-violation")
        .assert()
        .code(1);
    assert!(dir.path().join("a/report.md").exists());
    fairaudit()
        .arg("audit")
        .args(args)
        .arg("--out")
        .arg(dir.path().join("b"))
        .assert()
        .code(0);
    let data = write(dir.path(), "fair.csv", "y,g\n1,a\n0,a\n1,b\n0,b\n");
    fairaudit()
        .args([
            "audit",
            "--data",
            data.to_str().unwrap(),
            "--outcome",
            "y",
            "--protected",
            "g",
            "--fail-on-violation",
            "--out",
        ])
        .arg(dir.path().join("c"))
        .assert()
        .code(0);
}

#[test]
fn outputs_are_complete_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset("compas/compas_for_aequitas.csv");
    let args = [
        "--data",
        data.to_str().unwrap(),
        "--outcome",
        "score",
        "--label",
        "label_value",
        "--favorable",
        "negative",
        "--protected",
        "race",
        "--protected",
        "race,sex",
        "--timestamp",
        "2026-11-01T00:00:00Z",
    ];
    audit(&dir.path().join("a"), &args);
    audit(&dir.path().join("b"), &args);
    let (mut a_files, mut b_files) = (Vec::new(), Vec::new());
    fairaudit::bundle::verify::list_files(
        &dir.path().join("a"),
        &dir.path().join("a"),
        &mut a_files,
    );
    fairaudit::bundle::verify::list_files(
        &dir.path().join("b"),
        &dir.path().join("b"),
        &mut b_files,
    );
    a_files.sort();
    b_files.sort();
    assert_eq!(a_files, b_files);
    for f in [
        "results.json",
        "report.md",
        "report.html",
        "manifest.json",
        "charts/selection_rate_2_race_x_sex.svg",
        "tables/1_race_groups.csv",
    ] {
        assert!(a_files.contains(&f.to_string()), "{f} missing");
    }
    for f in &a_files {
        let a = std::fs::read(dir.path().join("a").join(f)).unwrap();
        assert!(
            a == std::fs::read(dir.path().join("b").join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
    let report = std::fs::read_to_string(dir.path().join("a/report.md")).unwrap();
    let sha = common::results(&dir.path().join("a"))["input"]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sha.len(), 64);
    assert!(report.contains(&sha) && report.contains("charts/selection_rate_2_race_x_sex.svg"));
    let svg =
        std::fs::read_to_string(dir.path().join("a/charts/selection_rate_1_race.svg")).unwrap();
    assert!(
        svg.contains("African-American (reference, n=3,696)") && svg.contains("four-fifths line")
    );
}

#[test]
fn parquet_decimals_are_numbers_where_a_number_is_expected() {
    // A Parquet log whose decision, label and price are Decimal(5, 2) (0.00 and 1.00; 12.50...)
    // gives the results of the same log with integers and floats in CSV.
    let dir = tempfile::tempdir().unwrap();
    let prices: Vec<f64> = (0..18).map(|i| 10.0 + f64::from(i) * 0.25).collect();
    let mut csv = String::from("y_true,y_pred,group,price\n");
    for i in 0..18 {
        csv += &format!(
            "{},{},{},{}\n",
            Y_TRUE[i],
            u8::from(Y_PRED[i]),
            GROUPS[i],
            prices[i]
        );
    }
    let csv_path = write(dir.path(), "log.csv", &csv);
    let decimal = |name: &str, values: Vec<f64>| {
        Series::new(name.into(), values)
            .cast(&DataType::Decimal(5, 2))
            .unwrap()
            .into_column()
    };
    let mut df = DataFrame::new(
        18,
        vec![
            decimal("y_true", Y_TRUE.iter().map(|&v| v as f64).collect()),
            decimal(
                "y_pred",
                Y_PRED.iter().map(|&v| f64::from(u8::from(v))).collect(),
            ),
            Series::new("group".into(), GROUPS).into_column(),
            decimal("price", prices.clone()),
        ],
    )
    .unwrap();
    assert!(matches!(
        df.column("y_pred").unwrap().dtype(),
        DataType::Decimal(..)
    ));
    let pq_path = dir.path().join("log.parquet");
    ParquetWriter::new(std::fs::File::create(&pq_path).unwrap())
        .finish(&mut df)
        .unwrap();
    let yes_no = |path: &std::path::Path, name: &str| {
        args(&path, "y_pred", "group")
            .with("--label", "y_true")
            .run(&dir.path().join(name))
    };
    assert_eq!(
        sets(&yes_no(&csv_path, "csv")),
        sets(&yes_no(&pq_path, "parquet"))
    );
    let priced = |path: &std::path::Path, name: &str| {
        args(&path, "price", "group")
            .with("--kind", "continuous")
            .with("--higher", "adverse")
            .run(&dir.path().join(name))
    };
    let from_parquet = priced(&pq_path, "pq_price");
    assert_eq!(sets(&priced(&csv_path, "csv_price")), sets(&from_parquet));
    // Group a's prices: rows 2, 8, 9 and 11.
    let a = [2, 8, 9, 11].map(|i| prices[i]).iter().sum::<f64>() / 4.0;
    close(
        num(group(&from_parquet, 0, &[("group", "a")]), "mean"),
        a,
        1e-12,
    );
}
