//! The benchmarks' synthetic decision log (two protected attributes with 2 and 6 values, label,
//! decision, score, price), generated once and cached in `bench-data/`.

use polars::prelude::*;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};

/// The age bands of the synthetic logs.
pub const AGE_BANDS: [&str; 6] = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"];

/// `rows` rows drawn with `seed`, written to `dir/NAME.parquet` and, with `csv`, `dir/NAME.csv`
/// (unless they exist); returns both paths.
pub fn decisions(rows: usize, dir: &Path, seed: u64, name: &str, csv: bool) -> (PathBuf, PathBuf) {
    let parquet = dir.join(format!("{name}.parquet"));
    let csv_path = dir.join(format!("{name}.csv"));
    if parquet.exists() && (!csv || csv_path.exists()) {
        return (parquet, csv_path);
    }
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut sex = Vec::with_capacity(rows);
    let mut age = Vec::with_capacity(rows);
    let mut label = Vec::with_capacity(rows);
    let mut decision = Vec::with_capacity(rows);
    let mut score = Vec::with_capacity(rows);
    let mut price = Vec::with_capacity(rows);
    for _ in 0..rows {
        let s = rng.random_bool(0.5);
        let a = rng.random_range(0..AGE_BANDS.len());
        let sc: f64 = rng.random::<f64>() + if s { 0.05 } else { 0.0 } - 0.02 * a as f64;
        sex.push(if s { "M" } else { "F" });
        age.push(AGE_BANDS[a]);
        label.push(i32::from(rng.random_bool(sc.clamp(0.0, 1.0))));
        decision.push(i32::from(sc >= 0.5));
        score.push(sc);
        price.push(100.0 + 20.0 * rng.random::<f64>() + 5.0 * a as f64);
    }
    let mut df = df!("sex" => sex, "age_band" => age, "label" => label, "decision" => decision,
        "score" => score, "price" => price)
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .finish(&mut df)
        .unwrap();
    if csv {
        CsvWriter::new(std::fs::File::create(&csv_path).unwrap())
            .finish(&mut df)
            .unwrap();
    }
    (parquet, csv_path)
}
