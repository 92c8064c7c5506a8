//! Monthly audits (`--date`, `--every`): every group measured and judged period by period in
//! the same pass, and the report's Trend says since when a finding holds. Checked on the demo
//! generator's drift effect, planted from a known month.

mod common;
use common::*;
use serde_json::Value;

/// The Female group's verdict in each period of set 0.
fn female_verdicts(r: &Value) -> Vec<(String, String)> {
    r["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let g = p["attribute_sets"][0]["groups"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["values"]["sex"] == "Female")
                .unwrap();
            (
                p["period"].as_str().unwrap().to_string(),
                g["verdict"]["four_fifths"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_drift_from_month_nine_fails_from_month_nine_and_not_before() {
    // The offers rule halves women's offers from the 9th of 12 months (2025-09) on.
    let dir = tempfile::tempdir().unwrap();
    let log = drift_log(dir.path());
    let r = args(&log, "offer_sent", "sex")
        .with("--reference", "sex=Male")
        .with("--date", "decision_date")
        .run(&dir.path().join("out"));
    let verdicts = female_verdicts(&r);
    assert_eq!(verdicts.len(), 12);
    for (i, (period, verdict)) in verdicts.iter().enumerate() {
        assert_eq!(period, &format!("2025-{:02}", i + 1));
        assert_eq!(verdict, if i >= 8 { "fail" } else { "pass" }, "{period}");
    }
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(report.contains("## Trend"));
    // The Trend section shows both trend charts; each month that fails is ringed in vermillion
    // on the rate chart: the four months from September, and no other.
    for chart in ["trend_rate_1_sex", "trend_ratio_1_sex"] {
        assert!(report.contains(&format!("(charts/{chart}.svg)")), "{chart}");
    }
    let svg = std::fs::read_to_string(dir.path().join("out/charts/trend_rate_1_sex.svg")).unwrap();
    let rings: Vec<&str> = svg
        .match_indices("r=\"9\" opacity=\"1\" fill=\"none\" stroke=\"#D55E00\"")
        .map(|(i, _)| &svg[svg[..i].rfind("<circle").unwrap()..i])
        .collect();
    assert_eq!(rings.len(), 4, "{rings:?}");
    // No --period: the scope states the range the dates cover.
    assert!(
        report.contains("- **Period:** 2025-01 to 2025-12, 12 periods found in the log's dates")
    );
    assert!(
        report.contains(
            "People with sex Female compared with people with sex Male: failing since 2025-09"
        ),
        "{report}"
    );
    // The streak is judged, and results.json holds it: September to December, nobody else.
    let streaks = r["failing_streaks"].as_array().unwrap();
    assert_eq!(streaks.len(), 1, "{streaks:?}");
    assert_eq!(streaks[0]["group"]["sex"], "Female");
    assert_eq!(
        (&streaks[0]["since"], &streaks[0]["until"]),
        (&serde_json::json!("2025-09"), &serde_json::json!("2025-12"))
    );
    let ratio = |month: usize| {
        let set = &r["periods"][month]["attribute_sets"][0];
        let one = serde_json::json!({ "attribute_sets": [set] });
        let g = group(&one, 0, &[("sex", "Female")]);
        num(&g["vs_reference"], "disparate_impact_ratio")
    };
    let during: Vec<f64> = (8..12).map(ratio).collect();
    let before: Vec<f64> = (0..8).map(ratio).collect();
    let low = during.iter().copied().fold(f64::INFINITY, f64::min);
    close(streaks[0]["ratio_range"][0].as_f64().unwrap(), low, 1e-12);
    close(
        num(&streaks[0], "ratio_before"),
        before.iter().sum::<f64>() / 8.0,
        1e-12,
    );
    // By quarter: the drift's first quarter is Q3 only in part (September), Q4 whole.
    let r = args(&log, "offer_sent", "sex")
        .with("--reference", "sex=Male")
        .with("--date", "decision_date")
        .with("--every", "quarter")
        .run(&dir.path().join("q"));
    let quarters: Vec<String> = female_verdicts(&r).into_iter().map(|(p, _)| p).collect();
    assert_eq!(quarters, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
    assert_eq!(female_verdicts(&r)[3].1, "fail");
}

#[test]
fn the_service_example_shows_the_may_change() {
    // Counted with pandas on business/service.csv, rows of each month by decision_date[:7]:
    // April, women escalated 25.32% (of 316) against men 20.23%, ratio 1.2516; May, 11.87%
    // (of 337) against 23.33%, ratio 0.5087.
    let dir = tempfile::tempdir().unwrap();
    let r = audit_bundled("service", &dir.path().join("out"));
    let female = |month: usize| {
        let set = &r["periods"][month]["attribute_sets"][0];
        group(
            &serde_json::json!({ "attribute_sets": [set] }),
            0,
            &[("sex", "Female")],
        )
        .clone()
    };
    let april = female(3);
    assert_eq!(april["n"], 316);
    close(num(&april, "selection_rate"), 0.25316455696202533, 1e-12);
    close(
        num(&april["vs_reference"], "disparate_impact_ratio"),
        1.251559992868604,
        1e-12,
    );
    let may = female(4);
    close(
        num(&may["vs_reference"], "disparate_impact_ratio"),
        0.5086901229334464,
        1e-12,
    );
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(
        report.contains("Customers with sex Female compared with customers with sex Male: failing since 2025-05"),
        "{report}"
    );
    // The change point is in the brief (the first 60 lines), with the ratios pandas gives:
    // Female / Male rate per month, mean of January to April 1.1746891192019493, May to December
    // 0.3369719812259991 to 0.5109309751903709 (the drift planted from month 5,
    // service.csv.truth.json), and the next step asks what changed then.
    let brief: String = report.lines().take(60).collect::<Vec<_>>().join("\n");
    assert!(
        brief.contains(
            "The gap began in May 2025: the group's ratio to the reference was 1.17 on average in the periods \
             before, and 0.34 to 0.51 in every period since (see Trend). *Next step:* find out what changed in May \
             2025, when the gap began; then"
        ),
        "{brief}"
    );
}

#[test]
fn a_month_the_reference_group_moves_is_named_as_its_move() {
    // Service, October 2025: every age band is 0.59 to 0.66 times as often escalated as 35-44,
    // because 35-44 were escalated 25.38% of the time that month against 18.83% over the year
    // (pandas on business/service.csv: 0.25384615384615383, 0.18832731648616124); the other bands
    // moved less. No other month of any set is the reference's move.
    let dir = tempfile::tempdir().unwrap();
    let r = audit_bundled("service", &dir.path().join("out"));
    let moves = r["reference_moves"].as_array().unwrap();
    assert_eq!(moves.len(), 1, "{moves:?}");
    let m = &moves[0];
    assert_eq!(m["attributes"], serde_json::json!(["age_band"]));
    assert_eq!(m["period"], "2025-10");
    assert_eq!(m["groups"], 5);
    close(num(m, "reference_value"), 0.25384615384615383, 1e-12);
    close(
        num(m, "reference_value_overall"),
        0.18832731648616124,
        1e-12,
    );
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    assert!(report.contains(
        "In October 2025, every one of the 5 groups compared had a ratio of 0.59 to 0.66, each beyond the threshold: \
         the reference group moved, not the others. The selection rate of customers with age band 35-44 was 25.4% in \
         that period, against 18.8% over the whole log."
    ));
}

#[test]
fn dates_that_cannot_be_read_are_counted_and_left_out() {
    // Two rows of 202 have no readable date: they are left out of everything, under their own
    // reason; weeks are ISO weeks (2025-01-05 is in week 1 of 2025, 2025-01-06 starts week 2).
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("y,g,day\n");
    for i in 0..200 {
        let day = if i % 2 == 0 {
            "2025-01-05"
        } else {
            "2025-01-06"
        };
        csv += &format!("{},{},{day}\n", i % 3 % 2, ["a", "b"][i % 2]);
    }
    csv += "1,a,not a date\n0,b,\n";
    let data = write(dir.path(), "log.csv", &csv);
    let r = args(&data, "y", "g")
        .with("--date", "day")
        .with("--every", "week")
        .run(&dir.path().join("out"));
    assert_eq!(r["input"]["rows_excluded"]["date not readable"], 2);
    assert_eq!(r["input"]["rows_used"], 200);
    let periods: Vec<&str> = r["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2025-W01", "2025-W02"]);
    let lone = args(&data, "y", "g")
        .with("--every", "week")
        .fails(&dir.path().join("bad"));
    assert!(lone.contains("--every goes with --date"), "{lone}");
}

#[test]
fn a_log_in_monthly_files_is_read_as_one_with_each_file_hashed() {
    // The same 12-month log, whole and split into one CSV per month: by directory and by glob
    // pattern, every group and period comes out as from the whole file, and the manifest lists
    // each month's file with the hash sha256sum gives it.
    let dir = tempfile::tempdir().unwrap();
    let log = synth(
        dir.path(),
        "offers.csv",
        &["--kind", "offers", "--rows", "6000", "--seed", "8"],
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let months = dir.path().join("logs");
    std::fs::create_dir(&months).unwrap();
    let rows: Vec<&str> = lines.collect();
    for m in 1..=12 {
        let month = format!("2025-{m:02}");
        let mut file = format!("{header}\n");
        for r in rows
            .iter()
            .filter(|r| r.split(',').nth(1).unwrap().starts_with(&month))
        {
            file += &format!("{r}\n");
        }
        write(&months, &format!("{month}.csv"), &file);
    }
    write(&months, "README.txt", "not a log");
    let audit_of = |data: &std::path::Path, out: &str| {
        args(data, "offer_sent", "sex,ethnicity")
            .with("--date", "decision_date")
            .run(&dir.path().join(out))
    };
    let whole = audit_of(&log, "whole");
    let pattern = months.join("2025-*.csv");
    for (data, out) in [(months.as_path(), "by_dir"), (pattern.as_path(), "by_glob")] {
        let r = audit_of(data, out);
        assert_eq!(r["input"]["rows_read"], 6000);
        assert_eq!(r["attribute_sets"], whole["attribute_sets"], "{out}");
        assert_eq!(r["periods"], whole["periods"], "{out}");
        assert_eq!(r["input"]["files"].as_array().unwrap().len(), 12);
        let manifest: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(out).join("manifest.json")).unwrap(),
        )
        .unwrap();
        let logs: Vec<&Value> = manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["role"] == "decision log")
            .collect();
        assert_eq!(logs.len(), 12);
        for (i, input) in logs.iter().enumerate() {
            let path = months.join(format!("2025-{:02}.csv", i + 1));
            assert_eq!(input["path"], path.to_str().unwrap());
            let sum = std::process::Command::new("sha256sum")
                .arg(&path)
                .output()
                .unwrap();
            let sum = String::from_utf8(sum.stdout).unwrap();
            assert_eq!(input["sha256"], sum.split_whitespace().next().unwrap());
        }
    }
    // A file without a needed column is named; a pattern that matches nothing says so.
    write(
        &months,
        "2025-13.csv",
        "customer_id,decision_date\n1,2025-12-31\n",
    );
    let line = args(&months, "offer_sent", "sex").fails(&dir.path().join("bad"));
    assert!(
        line.contains("2025-13.csv: column 'sex': no such column"),
        "{line}"
    );
    let nothing = dir.path().join("logs/2024-*.csv");
    let line = args(&nothing, "offer_sent", "sex").fails(&dir.path().join("bad"));
    assert!(
        line.contains("2024-*.csv: no file matches this pattern"),
        "{line}"
    );
}

#[test]
fn parquet_files_of_one_schema_or_several_are_read_as_one_log() {
    // Two files of one schema are scanned as one source; a third with another column order and a
    // column the others lack is read alongside. Counts by hand: g = a in rows i ≡ 0 (mod 3).
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let write_parquet = |name: &str, mut df: DataFrame| {
        let file = std::fs::File::create(logs.join(name)).unwrap();
        ParquetWriter::new(file).finish(&mut df).unwrap();
    };
    let g: Vec<&str> = (0..300)
        .map(|i| if i % 3 == 0 { "a" } else { "b" })
        .collect();
    let odd: Vec<i32> = (0..300).map(|i| i % 2).collect();
    let fifth: Vec<i32> = (0..300).map(|i| i32::from(i % 5 == 0)).collect();
    write_parquet("p1.parquet", df!("y" => &odd, "g" => &g).unwrap());
    write_parquet("p2.parquet", df!("y" => &odd, "g" => &g).unwrap());
    let same = args(&logs, "y", "g").run(&dir.path().join("same"));
    // a: 100 rows per file, 50 of them odd; b: 200 per file, 100 odd.
    let counts = |r: &Value| -> Vec<(i64, i64)> {
        r["attribute_sets"][0]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["n"].as_i64().unwrap(), g["pp"].as_i64().unwrap()))
            .collect()
    };
    assert_eq!(counts(&same), [(200, 100), (400, 200)]);
    write_parquet(
        "p3.parquet",
        df!("extra" => vec!["x"; 300], "g" => &g, "y" => &fifth).unwrap(),
    );
    let mixed = args(&logs, "y", "g").run(&dir.path().join("mixed"));
    // p3 adds a: 100 rows, 20 with i ≡ 0 (mod 15); b: 200 rows, 40.
    assert_eq!(counts(&mixed), [(300, 120), (600, 240)]);
    assert_eq!(mixed["input"]["files"].as_array().unwrap().len(), 3);
}

#[test]
fn the_trend_charts_key_what_they_draw_and_the_trend_table_is_exported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    audit_bundled("service", &out);
    let chart = |name: &str| std::fs::read_to_string(out.join("charts").join(name)).unwrap();
    // The ratio chart draws no line for the reference (its ratio is 1): the key names the parity
    // line instead of a swatch.
    let ratio = chart("trend_ratio_3_age_band.svg");
    assert!(!ratio.contains("35-44 (reference)"), "{ratio}");
    assert!(ratio.contains("1.00: the reference group, 35-44"));
    // Bands only for groups that fail in some period: sex (women from May), not age band.
    let band = "band: 95% confidence interval (groups failing in some period)";
    assert!(chart("trend_rate_1_sex.svg").contains(band));
    assert!(!chart("trend_rate_3_age_band.svg").contains(band));
    // The trend table as CSV (and a sheet of tables.xlsx): May's Female row has pandas' ratio
    // 0.5086901229334464 (above).
    let csv = std::fs::read_to_string(out.join("tables/1_sex_trend.csv")).unwrap();
    assert!(
        csv.starts_with("period,sex,reference,n,selection_rate,disparate_impact_ratio,verdict\n")
    );
    let may: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("2025-05,Female,"))
        .unwrap()
        .split(',')
        .collect();
    close(may[5].parse().unwrap(), 0.5086901229334464, 1e-12);
    assert_eq!(may[6], "fail");
    assert_eq!(csv.lines().count(), 1 + 12 * 2);
}
