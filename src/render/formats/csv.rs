//! `tables/*.csv`: every table of the report as a CSV file.

use super::tables::Table;
use crate::error::{AuditError, Result};
use crate::render::OutputFile;

/// The CSV files of `tables`, under `tables/`.
pub fn files(tables: &[Table]) -> Result<Vec<OutputFile>> {
    tables.iter().map(csv_file).collect()
}

/// A table as `tables/<name>.csv`.
fn csv_file(t: &Table) -> Result<OutputFile> {
    let name = format!("tables/{}.csv", t.name);
    let err = |e: &dyn std::fmt::Display| AuditError::render(&name, e);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&t.header).map_err(|e| err(&e))?;
    for row in &t.rows {
        w.write_record(row).map_err(|e| err(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| err(&e))?;
    Ok(OutputFile { name, bytes })
}
