//! The published tables BISG and BIFSG look names and places up in, compiled into the binary
//! from `datasets/census/` (made by `datasets/tools/census_tables.py`; provenance and licences in
//! `datasets/README.md`).

use polars::prelude::*;
use std::collections::HashMap;
use std::io::Cursor;

/// P(race | surname), Census 2010 surname table: shares in ten-thousandths.
const SURNAMES: &[u8] = include_bytes!("../../datasets/census/surnames.parquet");
/// P(first name | race), Tzioumis (2018).
const FIRST_NAMES: &[u8] = include_bytes!("../../datasets/census/first_names.parquet");
/// P(ZCTA | race), Census 2010.
const ZCTAS: &[u8] = include_bytes!("../../datasets/census/zctas.parquet");
/// P(tract | race), Census 2010, keyed by the tract's 11-digit GEOID.
const TRACTS: &[u8] = include_bytes!("../../datasets/census/tracts.parquet");

/// The six races of the tables, in their order: White, Black, Asian or Pacific Islander,
/// American Indian or Alaska Native, two or more races, Hispanic.
pub const RACES: [&str; 6] = ["white", "black", "api", "native", "multiple", "hispanic"];

/// Six numbers, one per race in the order of [`RACES`].
pub type PerRace = [f64; 6];

/// A table of six numbers per key, and its row for keys it does not list, if it has one.
pub struct Table {
    rows: HashMap<String, PerRace>,
    /// The row for the names the table does not list ("ALL OTHER NAMES").
    pub other: Option<PerRace>,
}

impl Table {
    /// The row of `key`.
    pub fn get(&self, key: &str) -> Option<&PerRace> {
        self.rows.get(key)
    }

    /// Its rows (but the row for other names), in no particular order.
    pub fn rows(self) -> Vec<(String, PerRace)> {
        self.rows.into_iter().collect()
    }
}

/// P(race | surname), with "ALL OTHER NAMES".
pub fn surnames() -> Table {
    read(SURNAMES, "name", 1e4, Some("ALL OTHER NAMES"))
}

/// P(first name | race), with "ALL OTHER FIRST NAMES".
pub fn first_names() -> Table {
    read(FIRST_NAMES, "name", 1.0, Some("ALL OTHER FIRST NAMES"))
}

/// P(ZCTA | race).
pub fn zctas() -> Table {
    read(ZCTAS, "zcta5", 1.0, None)
}

/// P(tract | race), by GEOID.
pub fn tracts() -> Table {
    read(TRACTS, "geoid", 1.0, None)
}

/// A compiled-in table: `key`, then a column per race divided by `scale`; `other` names its
/// row for the keys it does not list. The tables are part of the binary, so a failure to read
/// one is a fault of the build, not of the user's input.
fn read(bytes: &[u8], key: &str, scale: f64, other: Option<&str>) -> Table {
    let df = ParquetReader::new(Cursor::new(bytes))
        .finish()
        .expect("the compiled-in Census tables are valid Parquet");
    let column = |name: &str| -> Vec<f64> {
        df.column(name)
            .and_then(|c| c.cast(&DataType::Float64))
            .expect("every race has its column")
            .f64()
            .expect("cast to numbers")
            .iter()
            .map(|v| v.unwrap_or(0.0) / scale)
            .collect()
    };
    let values: Vec<Vec<f64>> = RACES.iter().map(|r| column(r)).collect();
    let keys = df
        .column(key)
        .expect("the key column")
        .str()
        .expect("text keys");
    let mut rows: HashMap<String, PerRace> = keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| Some((k?.to_string(), std::array::from_fn(|r| values[r][i]))))
        .collect();
    let other = other.and_then(|name| rows.remove(name));
    Table { rows, other }
}
