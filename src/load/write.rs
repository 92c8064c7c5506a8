//! Writing a decision log: what `fairaudit synth` makes and `fairaudit estimate` adds to, as
//! CSV or Parquet, never left half-written.

use crate::error::{AuditError, Result};
use polars::prelude::*;
use std::path::Path;

/// Writes the log `df` to `path` (CSV or Parquet, by its extension) through a temporary sibling
/// file renamed into place, creating its directory.
pub fn write_log(path: &Path, df: &mut DataFrame) -> Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(ext.as_str(), "csv" | "parquet" | "pq") {
        return Err(AuditError::Spec(format!(
            "{}: the output must end in .csv or .parquet",
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| AuditError::write(dir, e))?;
    }
    write_via_temp(path, |file| {
        match ext.as_str() {
            "csv" => CsvWriter::new(file).finish(df),
            _ => ParquetWriter::new(file).finish(df).map(|_| ()),
        }
        .map_err(|e| e.to_string())
    })
}

/// Writes `path` through `.<name>.tmp` beside it, renamed into place once complete.
pub fn write_via_temp(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::result::Result<(), String>,
) -> Result<()> {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".tmp");
    let tmp = path.with_file_name(name);
    let result = std::fs::File::create(&tmp)
        .map_err(|e| e.to_string())
        .and_then(|mut file| write(&mut file))
        .and_then(|_| std::fs::rename(&tmp, path).map_err(|e| e.to_string()));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        AuditError::render(&path.display().to_string(), e)
    })
}
