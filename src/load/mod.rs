//! Load stage: open a decision log as a Polars `LazyFrame` and check that the columns an audit
//! needs are there. Nothing is read beyond the header (or Parquet footer) here; the tally stage
//! reads only the columns it selects, and [`csv_shape`] checks a CSV file's records while the
//! file is hashed.

pub mod csv_shape;
pub mod files;
pub mod ndjson_shape;
pub mod write;

use crate::error::{AuditError, Result};
use crate::spec::{AuditSpec, Format};
use polars::prelude::*;
use std::io::Read;
use std::path::Path;
use std::path::PathBuf;

/// Opens `path` lazily. CSV columns are all read as text, so that no column's type is guessed
/// from its first rows (the audit interprets values itself), and their names are read by RFC 4180
/// (`"a""b"` is the column `a"b`), duplicates renamed as Polars does (`x_duplicated_0`).
pub fn open(path: &Path, format: Format, delimiter: u8) -> Result<LazyFrame> {
    let path_buf = || path.to_path_buf();
    let meta = std::fs::metadata(path).map_err(|source| AuditError::Open {
        path: path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return Err(AuditError::NotAFile { path: path_buf() });
    }
    if meta.len() == 0 {
        return Err(AuditError::EmptyFile { path: path_buf() });
    }
    if format != Format::Parquet {
        refuse_compressed(path)?;
    }
    let pl_path = PlRefPath::try_from_path(path).map_err(|e| read_error(path, e))?;
    let frame = match format {
        Format::Csv => LazyCsvReader::new(pl_path)
            .with_has_header(true)
            .with_separator(delimiter)
            .with_schema(Some(Arc::new(csv_schema(path, delimiter)?)))
            .with_glob(false)
            .finish(),
        Format::Parquet => LazyFrame::scan_parquet(
            pl_path,
            ScanArgsParquet {
                glob: false,
                ..Default::default()
            },
        ),
        Format::Ndjson => LazyJsonLineReader::new(pl_path).finish(),
        Format::Arrow => Err(PolarsError::InvalidOperation(
            "an Arrow table is read from memory, not from a file".into(),
        )),
    };
    frame.map_err(|e| read_error(path, e))
}

/// The audit's log, lazily, with the columns it needs checked, and what it was read from: its
/// frame in memory (named as `data` names it), or the files `data` names ([`files::files`]).
pub fn open_audit_log(spec: &AuditSpec) -> Result<(LazyFrame, Vec<PathBuf>)> {
    let columns = spec.columns();
    if let Some(frame) = &spec.frame {
        let mut lazy = frame.frame().clone().lazy();
        check_columns(&spec.data, &mut lazy, &columns)?;
        return Ok((lazy, vec![spec.data.clone()]));
    }
    let path = spec.data.as_path();
    let files = files::files(path, spec.format)?;
    let frame = open_log(path, &files, spec.format, spec.delimiter, &columns)
        .map_err(|e| explain(&files, spec.format, spec.delimiter, e))?;
    Ok((frame, files))
}

/// Opens the log made of `files` (what `data` names, by [`files::files`]) and checks that each
/// has the columns in `needed`. Several files are read as one log of those columns, in the order
/// given (a file with other columns besides is fine).
pub fn open_log(
    data: &Path,
    files: &[std::path::PathBuf],
    format: Format,
    delimiter: u8,
    needed: &[String],
) -> Result<LazyFrame> {
    if let [only] = files {
        let mut frame = open(only, format, delimiter)?;
        check_columns(only, &mut frame, needed)?;
        return Ok(frame);
    }
    let columns: Vec<Expr> = needed.iter().map(|c| col(c.as_str())).collect();
    let mut schemas = Vec::with_capacity(files.len());
    let frames = files
        .iter()
        .map(|path| {
            let mut frame = open(path, format, delimiter)?;
            check_columns(path, &mut frame, needed)?;
            schemas.push(frame.collect_schema().map_err(|e| read_error(path, e))?);
            Ok(frame.select(columns.clone()))
        })
        .collect::<Result<Vec<_>>>()?;
    if format == Format::Parquet && schemas.windows(2).all(|w| w[0] == w[1]) {
        // Parquet files of one schema are scanned as one source, one file after another, so
        // memory stays near one file's batches (a union of ten scans held 1.5 GB for 100 million
        // rows, this 0.6 GB).
        let paths = files
            .iter()
            .map(|p| PlRefPath::try_from_path(p))
            .collect::<PolarsResult<Vec<_>>>()
            .map_err(|e| read_error(data, e))?;
        let args = ScanArgsParquet {
            glob: false,
            ..Default::default()
        };
        return LazyFrame::scan_parquet_files(paths.into_iter().collect(), args)
            .map(|f| f.select(columns))
            .map_err(|e| read_error(data, e));
    }
    concat(frames, UnionArgs::default()).map_err(|e| read_error(data, e))
}

/// Fails on a gzip, zstd, bzip2, xz or zip file (by its first bytes), naming the tool that
/// decompresses it.
fn refuse_compressed(path: &Path) -> Result<()> {
    let mut head = [0u8; 6];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|source| AuditError::Open {
            path: path.to_path_buf(),
            source,
        })?;
    let head = &head[..n];
    let found = [
        (&b"\x1f\x8b"[..], "gzip", "gunzip"),
        (&b"\x28\xb5\x2f\xfd"[..], "zstd", "unzstd"),
        (&b"BZh"[..], "bzip2", "bunzip2"),
        (&b"\xfd7zXZ\x00"[..], "xz", "unxz"),
        (&b"PK\x03\x04"[..], "zip", "unzip"),
    ]
    .into_iter()
    .find(|(magic, _, _)| head.starts_with(magic));
    match found {
        Some((_, kind, command)) => Err(AuditError::Compressed {
            path: path.to_path_buf(),
            kind,
            command,
        }),
        None => Ok(()),
    }
}

/// The columns of a CSV file, every one as text: the header read by RFC 4180.
fn csv_schema(path: &Path, delimiter: u8) -> Result<Schema> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_path(path)
        .map_err(|e| AuditError::Open {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let mut header = csv::ByteRecord::new();
    let read = reader
        .read_byte_record(&mut header)
        .map_err(|e| AuditError::Open {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?;
    if !read {
        return Err(AuditError::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut schema = Schema::with_capacity(header.len());
    for field in header.iter() {
        let name = std::str::from_utf8(field).map_err(|_| AuditError::NotUtf8 {
            path: path.to_path_buf(),
            line: 1,
        })?;
        let count = seen.entry(name.to_string()).or_insert(0);
        let unique = match *count {
            0 => name.to_string(),
            k => format!("{name}_duplicated_{}", k - 1),
        };
        *count += 1;
        if schema
            .insert(unique.as_str().into(), DataType::String)
            .is_some()
        {
            return Err(AuditError::Spec(format!(
                "{}: the header has the column {unique:?} twice (after renaming duplicates); rename one",
                path.display()
            )));
        }
    }
    Ok(schema)
}

/// A check of a log's text that runs while the file is hashed (one read for both).
pub enum Shape {
    /// CSV: records and UTF-8.
    Csv(csv_shape::CsvShape),
    /// NDJSON: one object per line, one kind of value per field.
    Ndjson(ndjson_shape::NdjsonShape),
    /// Parquet checks itself.
    None,
}

impl Shape {
    /// The check for a log of `format`.
    pub fn of(path: &Path, format: Format, delimiter: u8) -> Shape {
        match format {
            Format::Csv => Shape::Csv(csv_shape::CsvShape::new(path, delimiter)),
            Format::Ndjson => Shape::Ndjson(ndjson_shape::NdjsonShape::new(path)),
            Format::Parquet | Format::Arrow => Shape::None,
        }
    }

    /// Checks the next block of the file; an empty block ends it.
    pub fn feed(&mut self, block: &[u8]) -> Result<()> {
        match self {
            Shape::Csv(s) => s.feed(block),
            Shape::Ndjson(s) => s.feed(block),
            Shape::None => Ok(()),
        }
    }
}

/// A better error than Polars' for a log it could not read: the first problem the files' shape
/// check finds (a truncated NDJSON line, a ragged CSV row), else `error` itself.
pub fn explain(
    files: &[std::path::PathBuf],
    format: Format,
    delimiter: u8,
    error: AuditError,
) -> AuditError {
    if !matches!(error, AuditError::Read { .. }) || format == Format::Arrow {
        return error;
    }
    for path in files {
        let mut shape = Shape::of(path, format, delimiter);
        if let Err(found) = crate::hash::sha256_file_with(path, |block| shape.feed(block)) {
            return found;
        }
    }
    error
}

/// Checks that every column in `needed` exists; the error lists the columns that do, and says
/// when the header looks separated by another delimiter.
pub fn check_columns(path: &Path, frame: &mut LazyFrame, needed: &[String]) -> Result<()> {
    let schema = frame.collect_schema().map_err(|e| read_error(path, e))?;
    for column in needed {
        if schema.get(column).is_none() {
            let available: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
            let hint = match available.as_slice() {
                [only] => [';', '\t', '|']
                    .into_iter()
                    .find(|d| only.contains(*d))
                    .map(|d| {
                        let flag = if d == '\t' {
                            "tab".to_string()
                        } else {
                            format!("'{d}'")
                        };
                        format!("; the header looks separated by {flag}: pass --delimiter {flag}")
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            };
            return Err(AuditError::ColumnNotFound {
                path: path.to_path_buf(),
                column: column.clone(),
                available,
                hint,
            });
        }
    }
    Ok(())
}

/// Wraps a Polars error with the file it came from.
pub fn read_error(path: &Path, source: PolarsError) -> AuditError {
    AuditError::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// Runs several queries over the same log as one plan on the streaming engine (their common scan
/// is shared), returning their frames in order.
pub fn collect_all(path: &Path, frames: Vec<LazyFrame>) -> Result<Vec<DataFrame>> {
    let options = frames
        .first()
        .map(|f| f.get_current_optimizations())
        .unwrap_or_default();
    LazyFrame::collect_all_with_engine(
        frames.into_iter().map(|f| f.logical_plan).collect(),
        Engine::Streaming,
        options,
    )
    .map_err(|e| read_error(path, e))
}

/// Runs a query on Polars' streaming engine: the log is read in batches, so memory stays flat
/// whatever its size (measured: 10M rows in ~200 MB instead of ~1.5 GB, and 3x faster).
pub fn collect(path: &Path, frame: LazyFrame) -> Result<DataFrame> {
    // A query without sinks always yields a single frame, so `unwrap_single` cannot panic here.
    frame
        .collect_with_engine(Engine::Streaming)
        .map(|result| result.unwrap_single())
        .map_err(|e| read_error(path, e))
}
