//! Estimate stage: the probability of each race and ethnicity of a person the log does not
//! record it for, from the surname, the first name and the place of residence, by Bayesian
//! Improved (First name and) Surname Geocoding (BISG; BIFSG with the first name), as the CFPB
//! publishes the method and the `surgeo` package implements it: P(race | surname) from the
//! Census 2010 surname list, times P(ZCTA | race) and P(first name | race), normalised.

pub mod names;
pub mod tables;

use crate::error::{AuditError, Result};
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
pub use tables::{PerRace, RACES};

pub use crate::spec::{NameColumns, RaceEstimate};

/// How each row's name or place was found in its table.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub struct Found {
    /// Found as it is (standardised).
    pub listed: u64,
    /// Found by a part of a compound name (`GARCIA` of `Garcia-Lopez`).
    pub by_part: u64,
    /// Not in the table: its row for other names taken instead (or, for a place, none).
    pub unlisted: u64,
    /// Empty, null, or nothing left once standardised (digits only), or for a ZCTA not five
    /// digits once padded with zeros as the Census writes it.
    pub unusable: u64,
}

impl Found {
    /// The rows counted.
    pub fn rows(&self) -> u64 {
        self.listed + self.by_part + self.unlisted + self.unusable
    }

    /// The share of rows found (as they are or by a part).
    pub fn coverage(&self) -> f64 {
        (self.listed + self.by_part) as f64 / self.rows().max(1) as f64
    }
}

/// What the estimate found: per column, how its values were found.
#[derive(
    Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Coverage {
    /// The surnames.
    pub surname: Found,
    /// The first names, with BIFSG.
    pub first_name: Option<Found>,
    /// The ZCTAs: without a usable one a row's estimate is its names' alone.
    pub zcta: Option<Found>,
    /// The census tracts, the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tract: Option<Found>,
    /// Rows whose name and place rule out every race together (a product of zeros): their
    /// estimate is their names' alone.
    pub no_overlap: u64,
}

/// Each row's six probabilities ([`RACES`]) and how its values were found.
pub struct Estimate {
    /// Per race, a probability per row.
    pub probabilities: [Vec<f64>; 6],
    /// How the rows' names and places were found.
    pub coverage: Coverage,
}

/// The estimate of every row of `df` (the log at `path`) from its `columns`.
pub fn estimate(path: &Path, df: &DataFrame, columns: &NameColumns) -> Result<Estimate> {
    let text = |column: &str| -> Result<StringChunked> {
        df.column(column)
            .and_then(|c| c.cast(&DataType::String))
            .and_then(|c| c.str().cloned())
            .map_err(|e| crate::load::read_error(path, e))
    };
    let surnames = text(&columns.surname)?;
    let first_names = columns.first_name.as_deref().map(text).transpose()?;
    let places = match (&columns.zcta, &columns.tract) {
        (Some(z), None) => Some((text(z)?, Place::Zcta)),
        (None, Some(t)) => Some((text(t)?, Place::Tract)),
        (None, None) => None,
        (Some(_), Some(t)) => {
            return Err(AuditError::NamesUnusable {
                path: path.to_path_buf(),
                column: t.clone(),
                problem: "give the place as a ZCTA or as a tract, not both".into(),
            })
        }
    };
    let lookups = Lookups {
        surnames: tables::surnames(),
        first_names: first_names.as_ref().map(|_| tables::first_names()),
        places: places.as_ref().map(|(_, kind)| Places::of(*kind)),
    };
    // The rows in one run per thread, each looked up and estimated on its own into its part of
    // the columns.
    let rows = df.height();
    let run = rows.div_ceil(rayon::current_num_threads()).max(1);
    let mut probabilities: [Vec<f64>; 6] = std::array::from_fn(|_| vec![0.0; rows]);
    let mut chunks = probabilities.each_mut().map(|p| p.chunks_mut(run));
    let runs: Vec<[&mut [f64]; 6]> = std::iter::from_fn(|| {
        let next = chunks.each_mut().map(|c| c.next().unwrap_or_default());
        (!next[0].is_empty()).then_some(next)
    })
    .collect();
    let coverage = runs
        .into_par_iter()
        .enumerate()
        .map(|(i, out)| {
            let slice = |c: &StringChunked| c.slice((i * run) as i64, out[0].len());
            lookups.estimate(
                &slice(&surnames),
                first_names.as_ref().map(slice).as_ref(),
                places.as_ref().map(|(p, _)| slice(p)).as_ref(),
                out,
            )
        })
        .reduce_with(|mut a, b| {
            a.add(&b);
            a
        });
    let coverage = coverage.unwrap_or_else(|| {
        lookups.estimate(
            &surnames,
            first_names.as_ref(),
            places.as_ref().map(|(p, _)| p),
            std::array::from_fn(|_| &mut [][..]),
        )
    });
    Ok(Estimate {
        probabilities,
        coverage,
    })
}

/// The tables a log's estimate looks its names and place up in.
struct Lookups {
    surnames: tables::Table,
    first_names: Option<tables::Table>,
    places: Option<Places>,
}

impl Lookups {
    /// The estimate of the rows whose surnames, first names and places these are, written to
    /// `out` (a column per race), and how their values were found.
    fn estimate(
        &self,
        surnames: &StringChunked,
        first_names: Option<&StringChunked>,
        places: Option<&StringChunked>,
        mut out: [&mut [f64]; 6],
    ) -> Coverage {
        let (surname, (first, place)) = rayon::join(
            || look_up_names(surnames, &self.surnames),
            || {
                rayon::join(
                    || {
                        first_names
                            .zip(self.first_names.as_ref())
                            .map(|(f, t)| look_up_names(f, t))
                    },
                    || places.zip(self.places.as_ref()).map(|(p, t)| t.look_up(p)),
                )
            },
        );
        let mut no_overlap = 0;
        for row in 0..surnames.len() {
            let alone = surname.at(row).0;
            let names = match &first {
                Some(f) => product(&alone, &f.at(row).0),
                None => alone,
            };
            let with_place = place
                .as_ref()
                .and_then(|z| z.at(row).0)
                .map(|z| product(&names, &z));
            let p = match with_place.and_then(normalised) {
                Some(p) => p,
                None => {
                    no_overlap += u64::from(with_place.is_some());
                    normalised(names)
                        .or_else(|| normalised(alone))
                        .unwrap_or([f64::NAN; 6])
                }
            };
            for (race, value) in out.iter_mut().zip(p) {
                race[row] = value;
            }
        }
        let kind = self.places.as_ref().map(|p| p.kind);
        Coverage {
            surname: found(&surname),
            first_name: first.as_ref().map(found),
            zcta: place
                .as_ref()
                .filter(|_| kind == Some(Place::Zcta))
                .map(found),
            tract: place
                .as_ref()
                .filter(|_| kind == Some(Place::Tract))
                .map(found),
            no_overlap,
        }
    }
}

impl Coverage {
    /// Adds the counts of other rows.
    fn add(&mut self, other: &Coverage) {
        let add = |a: &mut Option<Found>, b: &Option<Found>| {
            if let (Some(a), Some(b)) = (a.as_mut(), b) {
                a.merge(b);
            }
        };
        self.surname.merge(&other.surname);
        add(&mut self.first_name, &other.first_name);
        add(&mut self.zcta, &other.zcta);
        add(&mut self.tract, &other.tract);
        self.no_overlap += other.no_overlap;
    }
}

/// Each race's product of two rows of numbers.
fn product(a: &PerRace, b: &PerRace) -> PerRace {
    std::array::from_fn(|r| a[r] * b[r])
}

/// Numbers divided by their sum (added in the races' order), none when the sum is 0.
fn normalised(u: PerRace) -> Option<PerRace> {
    let total: f64 = u.iter().sum();
    (total > 0.0).then(|| u.map(|x| x / total))
}

/// How a name was found ([`Found`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Listed,
    ByPart,
    Unlisted,
    Unusable,
}

impl Found {
    /// Adds the counts of other rows.
    fn merge(&mut self, other: &Found) {
        self.listed += other.listed;
        self.by_part += other.by_part;
        self.unlisted += other.unlisted;
        self.unusable += other.unusable;
    }

    /// Counts `rows` more rows found so.
    fn add(&mut self, how: How, rows: u64) {
        match how {
            How::Listed => self.listed += rows,
            How::ByPart => self.by_part += rows,
            How::Unlisted => self.unlisted += rows,
            How::Unusable => self.unusable += rows,
        }
    }
}

/// A column's values looked up: each distinct value's result, and each row's distinct value.
struct Looked<T> {
    distinct: Vec<T>,
    rows: Vec<u32>,
}

impl<T> Looked<T> {
    /// Row `row`'s result.
    fn at(&self, row: usize) -> &T {
        &self.distinct[self.rows[row] as usize]
    }
}

/// `look` of each distinct value of `values` (in parallel), and each row's distinct value.
fn per_value<T: Send>(
    values: &StringChunked,
    look: impl Fn(Option<&str>) -> T + Sync,
) -> Looked<T> {
    let mut index: HashMap<Option<&str>, u32, foldhash::fast::FixedState> = HashMap::default();
    let mut order: Vec<Option<&str>> = Vec::new();
    let rows = values
        .iter()
        .map(|value| {
            *index.entry(value).or_insert_with(|| {
                order.push(value);
                (order.len() - 1) as u32
            })
        })
        .collect();
    Looked {
        distinct: order.par_iter().map(|value| look(*value)).collect(),
        rows,
    }
}

/// How many rows each [`How`] of `looked` covers.
fn found<T>(looked: &Looked<(T, How)>) -> Found {
    let mut per_distinct = vec![0u64; looked.distinct.len()];
    for row in &looked.rows {
        per_distinct[*row as usize] += 1;
    }
    let mut found = Found::default();
    for ((_, how), rows) in looked.distinct.iter().zip(per_distinct) {
        found.add(*how, rows);
    }
    found
}

/// Each row's numbers in `table` by its name, standardised ([`names::standardize`]), else by the
/// first part of a compound name the table lists, else the table's row for other names.
fn look_up_names(values: &StringChunked, table: &tables::Table) -> Looked<(PerRace, How)> {
    let other = table.other.unwrap_or([1.0; 6]);
    per_value(values, |value| {
        let name = names::standardize(value.unwrap_or(""));
        if name.is_empty() {
            return (other, How::Unusable);
        }
        if let Some(numbers) = table.get(&name) {
            return (*numbers, How::Listed);
        }
        let part = names::parts(value.unwrap_or(""))
            .into_iter()
            .find_map(|p| table.get(&p).copied());
        match part {
            Some(numbers) => (numbers, How::ByPart),
            None => (other, How::Unlisted),
        }
    })
}

/// A kind of place of residence the tables know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A ZIP Code Tabulation Area: five digits.
    Zcta,
    /// A census tract: its GEOID, eleven digits (state 2, county 3, tract 6).
    Tract,
}

/// A kind of place's table and its codes' digits.
struct Places {
    kind: Place,
    table: tables::Table,
    width: usize,
}

impl Places {
    fn of(kind: Place) -> Places {
        let (table, width) = match kind {
            Place::Zcta => (tables::zctas(), 5),
            Place::Tract => (tables::tracts(), 11),
        };
        Places { kind, table, width }
    }

    /// Each row's P(place | race): its value trimmed and padded with zeros to the place's
    /// digits (ZCTA `"531"` is `00531`, as the Census writes ZCTAs; a GEOID read as a number
    /// regains its state's leading zero); none when it is then not all digits of that length,
    /// or not in the table.
    fn look_up(&self, values: &StringChunked) -> Looked<(Option<PerRace>, How)> {
        let width = self.width;
        per_value(values, |value| {
            let trimmed = value.unwrap_or("").trim();
            let code = format!("{trimmed:0>width$}");
            if code.len() != width || !code.bytes().all(|b| b.is_ascii_digit()) {
                return (None, How::Unusable);
            }
            match self.table.get(&code) {
                Some(numbers) => (Some(*numbers), How::Listed),
                None => (None, How::Unlisted),
            }
        })
    }
}

/// Refuses an estimate whose surnames are mostly not in the Census list (a log from outside
/// the United States, or a column that is not surnames), unless `allow_low` says to go on.
pub fn check_coverage(
    path: &Path,
    column: &str,
    coverage: &Coverage,
    allow_low: bool,
) -> Result<()> {
    let found = &coverage.surname;
    let share = found.coverage();
    if share >= 0.5 || allow_low {
        return Ok(());
    }
    let empty = found.unusable as f64 / found.rows().max(1) as f64;
    let problem = if empty >= 0.5 {
        format!(
            "{:.1}% of rows have no surname (empty, or numbers and signs only); for them the \
             estimate would be the mix of names the Census list does not hold, not these people's \
             (pass --allow-low-coverage to estimate anyway)",
            100.0 * empty
        )
    } else {
        format!(
            "only {:.1}% of surnames are in the Census 2010 list; BISG is a method for US names \
             and places, and here its estimate would be mostly the mix of names it does not list \
             (pass --allow-low-coverage to estimate anyway)",
            100.0 * share
        )
    };
    Err(AuditError::NamesUnusable {
        path: path.to_path_buf(),
        column: column.to_string(),
        problem,
    })
}

/// The log at `data` with each row's six probabilities added as `p_white` … `p_hispanic`,
/// written to `out` (CSV or Parquet, by its extension), and how its names and places were
/// found. Refused, with nothing written, when a needed column is missing, when the log already
/// has a column of those names, or when its surnames are mostly not in the Census list (unless
/// `allow_low`).
pub fn write_estimates(
    data: &Path,
    columns: &NameColumns,
    out: &Path,
    allow_low: bool,
) -> Result<Coverage> {
    let format = crate::load::files::format_of(data).ok_or_else(|| {
        AuditError::Spec(format!(
            "{}: unknown file extension; the log must be .csv, .parquet or .ndjson",
            data.display()
        ))
    })?;
    let mut frame = crate::load::open(data, format, b',')?;
    let needed: Vec<String> = std::iter::once(columns.surname.clone())
        .chain(columns.first_name.clone())
        .chain(columns.zcta.clone())
        .chain(columns.tract.clone())
        .collect();
    crate::load::check_columns(data, &mut frame, &needed)?;
    let mut df = crate::load::collect(data, frame)?;
    let coverage = add_estimates(data, &mut df, columns, allow_low)?;
    crate::load::write::write_log(out, &mut df)?;
    Ok(coverage)
}

/// Adds each row's six probabilities to `df` (the log at `path`) as the columns of
/// [`RaceEstimate::membership`] (`p_white` … `p_hispanic`), and says how its names and places were
/// found. Refused when the log already has a column of those names, or when its surnames are
/// mostly not in the Census list (unless `allow_low`).
pub fn add_estimates(
    path: &Path,
    df: &mut DataFrame,
    columns: &NameColumns,
    allow_low: bool,
) -> Result<Coverage> {
    let groups = RaceEstimate::membership().columns;
    if let Some((taken, _)) = groups.iter().find(|(name, _)| df.column(name).is_ok()) {
        return Err(AuditError::NamesUnusable {
            path: path.to_path_buf(),
            column: taken.clone(),
            problem: "the log already has a column of this name, which the estimate would replace"
                .into(),
        });
    }
    let estimate = estimate(path, df, columns)?;
    check_coverage(path, &columns.surname, &estimate.coverage, allow_low)?;
    for ((name, _), values) in groups.iter().zip(estimate.probabilities) {
        df.with_column(Column::new(name.as_str().into(), values))
            .map_err(|e| crate::load::read_error(path, e))?;
    }
    Ok(estimate.coverage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_given_both_as_a_zcta_and_as_a_tract_is_refused() {
        let df =
            df!("surname" => ["SMITH"], "zcta" => ["10001"], "geoid" => ["36061000100"]).unwrap();
        let columns = NameColumns {
            surname: "surname".into(),
            first_name: None,
            zcta: Some("zcta".into()),
            tract: Some("geoid".into()),
        };
        let Err(error) = estimate(Path::new("log.csv"), &df, &columns) else {
            panic!("both places are refused");
        };
        assert_eq!(
            error.to_string(),
            "log.csv: column 'geoid': give the place as a ZCTA or as a tract, not both"
        );
    }
}
