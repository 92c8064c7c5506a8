//! Benchmark beyond one machine's usual log: a full audit of a 100-million-row Parquet log (ten
//! files of 10 million rows, read as one log through `--data DIR`) by the `fairaudit` binary, its
//! wall time and peak memory (the child process's maximum resident set), next to a bare Polars
//! lazy `group_by` of the same counts over the same files; and the 10-million-row log audited on
//! a local Spark (`--engine spark`, two workers) next to Spark's own `groupBy().count()` of the
//! same file, both as whole `spark-submit` runs.
//!
//! Run with `cargo bench --bench scale` (rows per file and files: `FAIRAUDIT_SCALE_ROWS`, default
//! 10,000,000, and `FAIRAUDIT_SCALE_FILES`, default 10; about 1.6 GB in `bench-data/`). Targets:
//! peak RSS under 2 GB, and time within 2× the bare group-by.

mod logs;
mod process;

use polars::prelude::*;
use process::measured;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 3;

/// The median of `RUNS` runs of `f` (each returns its duration and a size), and the largest size.
fn median(mut f: impl FnMut() -> (Duration, u64)) -> (Duration, u64) {
    let mut runs: Vec<(Duration, u64)> = (0..RUNS).map(|_| f()).collect();
    let peak = runs.iter().map(|(_, m)| *m).max().unwrap_or(0);
    runs.sort();
    (runs[RUNS / 2].0, peak)
}

/// A bare Polars lazy `group_by` of the counts per sex, age band, decision and label over
/// `pattern`'s files, on the streaming engine.
fn bare_group_by(pattern: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let pl_path = PlRefPath::try_from_path(pattern).unwrap();
    let counts = LazyFrame::scan_parquet(pl_path, Default::default())
        .unwrap()
        .group_by([col("sex"), col("age_band"), col("decision"), col("label")])
        .agg([len()])
        .collect_with_engine(Engine::Streaming)
        .unwrap()
        .unwrap_single();
    assert!(counts.height() > 0);
    (start.elapsed(), 0)
}

fn main() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (rows, files) = (
        env("FAIRAUDIT_SCALE_ROWS", 10_000_000),
        env("FAIRAUDIT_SCALE_FILES", 10),
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench-data");
    let dir = root.join(format!("decisions_{files}x{rows}"));
    for k in 0..files {
        logs::decisions(
            rows,
            &dir,
            20261201 + k as u64,
            &format!("part-{k:02}"),
            false,
        );
    }
    let bytes: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum();
    let out = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_fairaudit");
    let audit = |data: &Path, extra: &[&str]| {
        let mut c = Command::new(binary);
        c.args(["audit", "--data"])
            .arg(data)
            .args(["--outcome", "decision", "--label", "label"])
            .args(["--protected", "sex", "--protected", "age_band"])
            .args(["--protected", "sex,age_band", "--force", "--out"])
            .arg(out.path().join("audit"))
            .args(extra);
        c
    };
    let (wall, peak) = median(|| measured(&mut audit(&dir, &[])));
    let (bare, _) = median(|| bare_group_by(&dir.join("*.parquet")));
    println!(
        "scale    ({} rows in {files} Parquet files, {:.2} GB): full audit {:.3} s, peak RSS {:.0} MB \
         (target under 2048); bare Polars group_by {:.3} s streaming; ratio {:.2} (target at most 2; \
         median of {RUNS})",
        rows * files,
        bytes as f64 / 1e9,
        wall.as_secs_f64(),
        peak as f64 / 1e6,
        bare.as_secs_f64(),
        wall.as_secs_f64() / bare.as_secs_f64()
    );
    // Spark: the audit with its tallies on Spark, against Spark's own count of the same groups.
    let (one, _) = logs::decisions(rows, &root, 20261122, &format!("decisions_{rows}"), true);
    let (spark, _) = median(|| measured(&mut audit(&one, &["--engine", "spark"])));
    let script = out.path().join("count.py");
    std::fs::write(
        &script,
        "import sys\nfrom pyspark.sql import SparkSession\n\
         spark = SparkSession.builder.appName('count').getOrCreate()\n\
         n = spark.read.parquet(sys.argv[1]).groupBy('sex', 'age_band', 'decision', 'label').count().collect()\n\
         assert len(n) > 0\nspark.stop()\n",
    )
    .unwrap();
    let (count, _) = median(|| {
        measured(
            Command::new("spark-submit")
                .args(["--master", "local[2]"])
                .arg(&script)
                .arg(&one),
        )
    });
    println!(
        "spark    ({rows} rows, one Parquet file, local[2]): audit with --engine spark {:.3} s; Spark's own \
         groupBy().count() {:.3} s; ratio {:.2} (whole spark-submit runs, JVM start included; median of {RUNS})",
        spark.as_secs_f64(),
        count.as_secs_f64(),
        spark.as_secs_f64() / count.as_secs_f64()
    );
}
