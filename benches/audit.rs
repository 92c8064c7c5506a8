//! Benchmark: a full audit of a 10-million-row decision log (two protected attributes with 2 and
//! 6 values and their intersection, label, decision, score, price) against a bare Polars lazy
//! `group_by` computing the same counts on the same file, for Parquet and CSV; and a pricing audit
//! (price with three controls) against the bare `group_by` of count, Σy and Σy²; and the explain
//! stage (`--features`, sample of 200,000) and the audit by month (`--date`) against the same
//! audit without periods, on a 10-million-row synthetic offers log; and the score audit (ranking,
//! calibration and every threshold of a continuous score) against the same audit without it, as
//! whole runs of the binary with their peak memory.
//!
//! Run with `cargo bench --bench audit` (rows: `FAIRAUDIT_BENCH_ROWS`, default 10,000,000).
//! The generated logs are cached in `bench-data/` (git-ignored).

mod logs;
mod process;

use fairaudit::spec::{AuditSpec, BinaryColumn, Decision, Format};
use polars::prelude::*;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 5;
use logs::AGE_BANDS;

fn generate(rows: usize, dir: &Path) -> (PathBuf, PathBuf) {
    logs::decisions(rows, dir, 20261122, &format!("decisions_{rows}"), true)
}

/// A pricing log: price in cents, with three categorical pricing factors (3 products, 4
/// regions, 3 risk tiers) that move it, and a markup for one age band.
fn generate_pricing(rows: usize, dir: &Path) -> PathBuf {
    let parquet = dir.join(format!("pricing_{rows}.parquet"));
    if parquet.exists() {
        return parquet;
    }
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261201);
    let (mut sex, mut age, mut product, mut region, mut tier, mut price) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..rows {
        let a = rng.random_range(0..AGE_BANDS.len());
        let (p, r, t) = (
            rng.random_range(0..3),
            rng.random_range(0..4),
            rng.random_range(0..3),
        );
        sex.push(if rng.random_bool(0.5) { "M" } else { "F" });
        age.push(AGE_BANDS[a]);
        product.push(["basic", "standard", "premium"][p]);
        region.push(["north", "south", "east", "west"][r]);
        tier.push(["low", "medium", "high"][t]);
        let value = 20.0
            + 10.0 * p as f64
            + 2.0 * r as f64
            + 8.0 * t as f64
            + 10.0 * rng.random::<f64>()
            + if a == 0 { 3.0 } else { 0.0 };
        price.push((value * 100.0).round() / 100.0);
    }
    let mut df = df!("sex" => sex, "age_band" => age, "product" => product,
        "region" => region, "risk_tier" => tier, "price" => price)
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .finish(&mut df)
        .unwrap();
    parquet
}

/// A synthetic offers log (the demo's, with its proxy and legitimate effects), as Parquet with
/// its decision dates as dates.
fn generate_offers(rows: usize, dir: &Path) -> PathBuf {
    use fairaudit::synth::{Effects, Kind, SynthSpec};
    let parquet = dir.join(format!("offers_dated_{rows}.parquet"));
    if parquet.exists() {
        return parquet;
    }
    std::fs::create_dir_all(dir).unwrap();
    let (df, truth) = fairaudit::synth::generate(&SynthSpec {
        kind: Kind::Offers,
        rows,
        months: 12,
        seed: 2025,
        start: "2025-01".into(),
        effects: Effects {
            proxy: Some(0.6),
            legitimate: Some(0.7),
            ..Effects::default()
        },
        names: false,
    })
    .unwrap();
    // In Parquet a date is stored as a date, as a warehouse export would.
    polars::error::set_warning_function(|_, _| {});
    let mut df = df
        .lazy()
        .with_column(col("decision_date").cast(DataType::Date))
        .collect()
        .unwrap();
    fairaudit::synth::write(&parquet, &mut df, &truth).unwrap();
    parquet
}

/// The offers audit of the bundled config, explained by the customer data.
fn offers_spec(path: &Path) -> AuditSpec {
    let mut spec = AuditSpec::new(
        path,
        Decision::Outcome(BinaryColumn {
            column: "offer_sent".into(),
            positive: None,
        }),
        vec![
            vec!["ethnicity".into()],
            vec!["sex".into()],
            vec!["age_band".into()],
        ],
    );
    spec.format = Format::Parquet;
    spec.controls = vec!["channel".into()];
    spec.explain = Some(fairaudit::spec::ExplainSpec {
        features: [
            "postcode_area",
            "income_band",
            "tenure_months",
            "past_spend",
            "channel",
        ]
        .map(String::from)
        .to_vec(),
        ..Default::default()
    });
    spec
}

/// The pricing audit: price (higher is adverse) by sex, age band and both, at equal product,
/// region and risk tier.
fn pricing_spec(path: &Path) -> AuditSpec {
    let mut spec = AuditSpec::new(
        path,
        Decision::Value {
            column: "price".into(),
        },
        vec![
            vec!["sex".into()],
            vec!["age_band".into()],
            vec!["sex".into(), "age_band".into()],
        ],
    );
    spec.format = Format::Parquet;
    spec.favorable = fairaudit::spec::Favorable::Negative;
    spec.controls = vec!["product".into(), "region".into(), "risk_tier".into()];
    spec
}

/// The bare Polars query a pricing analyst would write: count, Σ price and Σ price² per group
/// and pricing factors, on the streaming engine.
fn bare_moments(path: &Path) {
    let pl_path = PlRefPath::try_from_path(path).unwrap();
    let frame = LazyFrame::scan_parquet(pl_path, Default::default()).unwrap();
    let keys = ["sex", "age_band", "product", "region", "risk_tier"].map(col);
    let sums = frame
        .group_by(keys)
        .agg([
            len(),
            col("price").sum().alias("sum"),
            (col("price") * col("price")).sum().alias("sum_sq"),
        ])
        .collect_with_engine(Engine::Streaming)
        .unwrap()
        .unwrap_single();
    assert!(sums.height() > 0);
}

fn spec(path: &Path, format: Format, bootstrap: usize) -> AuditSpec {
    let mut spec = AuditSpec::new(
        path,
        Decision::Outcome(BinaryColumn {
            column: "decision".into(),
            positive: None,
        }),
        vec![
            vec!["sex".into()],
            vec!["age_band".into()],
            vec!["sex".into(), "age_band".into()],
        ],
    );
    spec.format = format;
    spec.label = Some(BinaryColumn {
        column: "label".into(),
        positive: None,
    });
    spec.stats.bootstrap = bootstrap;
    spec
}

fn full_audit(path: &Path, format: Format, out: &Path, bootstrap: usize) {
    write_audit(&spec(path, format, bootstrap), out);
}

/// Runs `spec` and writes every output.
fn write_audit(spec: &AuditSpec, out: &Path) {
    let results = fairaudit::audit::run(spec).unwrap();
    let files =
        fairaudit::bundle::files(&results, &fairaudit::render::RunContext::default()).unwrap();
    fairaudit::bundle::write(out, &files, true, &[]).unwrap();
}

/// What a Polars user would write by hand: the default scanner and one `group_by`, collected on
/// the default in-memory engine or on the streaming engine (the one the audit uses).
fn bare_group_by(path: &Path, format: Format, engine: Engine) {
    let pl_path = PlRefPath::try_from_path(path).unwrap();
    let frame = match format {
        Format::Parquet => LazyFrame::scan_parquet(pl_path, Default::default()).unwrap(),
        _ => LazyCsvReader::new(pl_path)
            .with_has_header(true)
            .finish()
            .unwrap(),
    };
    let counts = frame
        .group_by([col("sex"), col("age_band"), col("decision"), col("label")])
        .agg([len()])
        .collect_with_engine(engine)
        .unwrap()
        .unwrap_single();
    assert!(counts.height() > 0);
}

/// The binary's audit of the `score` column at 0.5 with its label, by sex, age band and both, on
/// `path`, with the score audit on or off: the median wall time of `RUNS` runs and the largest
/// peak resident memory.
fn score_audit(path: &Path, out: &Path, on: bool) -> (Duration, u64) {
    let mut runs: Vec<(Duration, u64)> = (0..RUNS)
        .map(|_| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fairaudit"));
            command
                .args(["audit", "--data"])
                .arg(path)
                .args(["--score", "score", "--threshold", "0.5", "--label", "label"])
                .args(["--protected", "sex", "--protected", "age_band"])
                .args(["--protected", "sex,age_band", "--force", "--out"])
                .arg(out);
            if !on {
                command.arg("--no-score-audit");
            }
            process::measured(&mut command)
        })
        .collect();
    let peak = runs.iter().map(|(_, m)| *m).max().unwrap_or(0);
    runs.sort();
    (runs[RUNS / 2].0, peak)
}

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    let rows: usize = std::env::var("FAIRAUDIT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench-data");
    let started = Instant::now();
    let (parquet, csv) = generate(rows, &dir);
    println!(
        "log: {rows} rows ({:.1} s to generate or find)",
        started.elapsed().as_secs_f64()
    );
    let out = tempfile::tempdir().unwrap();
    // The fixed cost of a report (charts, tables, bootstrap) on a small log, as a share of the
    // whole audit of the large one.
    let (small, _) = generate(1_000, &dir);
    let fixed = median(|| full_audit(&small, Format::Parquet, &out.path().join("small"), 1000));
    let large = median(|| full_audit(&parquet, Format::Parquet, &out.path().join("large"), 1000));
    println!(
        "fixed cost: the 1,000-row audit takes {:.3} s, {:.2} of the {rows}-row audit ({:.3} s; target at most 0.15)",
        fixed.as_secs_f64(),
        fixed.as_secs_f64() / large.as_secs_f64(),
        large.as_secs_f64()
    );
    let (on, on_peak) = score_audit(&parquet, &out.path().join("score"), true);
    let (off, off_peak) = score_audit(&parquet, &out.path().join("score"), false);
    println!(
        "score    (Parquet, a continuous score): audit with the score audit {:.3} s, peak RSS {:.0} MB; \
         without {:.3} s, {:.0} MB; ratio {:.2} (target at most 1.5), memory {:.2} (whole runs of the \
         binary, median of {RUNS})",
        on.as_secs_f64(),
        on_peak as f64 / 1e6,
        off.as_secs_f64(),
        off_peak as f64 / 1e6,
        on.as_secs_f64() / off.as_secs_f64(),
        on_peak as f64 / off_peak as f64
    );
    let offers = generate_offers(rows, &dir);
    let spec = offers_spec(&offers);
    let results = fairaudit::audit::run(&AuditSpec {
        explain: None,
        ..spec.clone()
    })
    .unwrap();
    let settings = spec.explain.clone().unwrap();
    let explain = median(|| {
        fairaudit::explain::explain(&spec, &settings, &results, None).unwrap();
    });
    println!(
        "explain  ({:.0} MB offers log): models, importance, proxies and causes on a sample of {} rows {:.3} s \
         (target under 10; median of {RUNS})",
        std::fs::metadata(&offers).unwrap().len() as f64 / 1e6,
        settings.sample,
        explain.as_secs_f64()
    );
    let (explanation, learned) =
        fairaudit::explain::explain(&spec, &settings, &results, None).unwrap();
    let explained = fairaudit::remedies::Explained {
        sample: &learned.sample,
        design: &learned.design,
        split: &learned.split,
        proxies: &explanation.proxies,
        causes: &explanation.causes,
    };
    let mut searched = Vec::new();
    let remedies = median(|| {
        searched = fairaudit::remedies::remedies(&results, &explained);
    });
    println!(
        "remedies (the same sample): {} candidates for {} failing sets {:.3} s (target under 20; median of {RUNS})",
        searched.iter().map(|s| s.candidates.len()).sum::<usize>(),
        searched.len(),
        remedies.as_secs_f64()
    );
    let dated = median(|| {
        write_audit(
            &AuditSpec {
                explain: None,
                dated: Some(fairaudit::spec::Dated {
                    column: "decision_date".into(),
                    every: fairaudit::spec::Every::Month,
                }),
                ..spec.clone()
            },
            &out.path().join("dated"),
        )
    });
    let undated = median(|| {
        write_audit(
            &AuditSpec {
                explain: None,
                ..spec.clone()
            },
            &out.path().join("undated"),
        )
    });
    println!(
        "periods  (84 MB offers log, 12 months): audit by month {:.3} s; without periods {:.3} s; ratio {:.2} \
         (target at most 1.5; median of {RUNS})",
        dated.as_secs_f64(),
        undated.as_secs_f64(),
        dated.as_secs_f64() / undated.as_secs_f64()
    );
    let pricing = generate_pricing(rows, &dir);
    let audit = median(|| write_audit(&pricing_spec(&pricing), &out.path().join("pricing")));
    let bare = median(|| bare_moments(&pricing));
    println!(
        "pricing  ({:.0} MB): full audit of price with 3 controls {:.3} s; bare Polars group_by of count, Σy, Σy² \
         {:.3} s; ratio {:.2} (target at most 3; median of {RUNS})",
        std::fs::metadata(&pricing).unwrap().len() as f64 / 1e6,
        audit.as_secs_f64(),
        bare.as_secs_f64(),
        audit.as_secs_f64() / bare.as_secs_f64()
    );
    for (name, path, format) in [
        ("parquet", &parquet, Format::Parquet),
        ("csv", &csv, Format::Csv),
    ] {
        let size = std::fs::metadata(path).unwrap().len() as f64 / 1e6;
        let audit = median(|| full_audit(path, format, &out.path().join("report"), 1000));
        let no_bootstrap = median(|| full_audit(path, format, &out.path().join("report"), 0));
        let streaming = median(|| bare_group_by(path, format, Engine::Streaming));
        let in_memory = median(|| bare_group_by(path, format, Engine::InMemory));
        println!(
            "{name:8} ({size:.0} MB): full audit {:.3} s; bare Polars group_by {:.3} s streaming, {:.3} s in memory; \
             ratio to the bare streaming group_by {:.2} (median of {RUNS})",
            audit.as_secs_f64(),
            streaming.as_secs_f64(),
            in_memory.as_secs_f64(),
            audit.as_secs_f64() / streaming.as_secs_f64()
        );
        println!(
            "{name:8} 1,000 bootstrap replicates add {:.1}% to the audit ({:.3} s without them)",
            (audit.as_secs_f64() / no_bootstrap.as_secs_f64() - 1.0) * 100.0,
            no_bootstrap.as_secs_f64()
        );
    }
}
