//! Errors the engine reports to the user, by kind. Each names the file, the column and the
//! offending values as fields (so a caller can tell "not binary" from "too many groups") and
//! keeps its source error; its message is the one line the CLI prints. A message names a setting
//! of the audit as the library does (`max_groups`), or as the command line's flag
//! (`--max-groups`) once the command line has asked for that.

use crate::value::{describe, ValueCount};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether messages name settings as the command line's flags.
static AS_FLAGS: AtomicBool = AtomicBool::new(false);

/// Makes every message name a setting as the command line's flag (`--max-groups`) instead of
/// as [`AuditSpec`](crate::spec::AuditSpec) does (`max_groups`). The command line calls it
/// once, first; other front ends keep the settings' own names.
pub fn name_settings_as_flags() {
    AS_FLAGS.store(true, Ordering::Relaxed);
}

/// A setting's name as messages write it: `max_groups`, or `--max-groups` on the command line.
pub fn setting_name(name: &str) -> String {
    if AS_FLAGS.load(Ordering::Relaxed) {
        format!("--{}", name.replace('_', "-"))
    } else {
        name.to_string()
    }
}

/// Everything that can stop an audit. Every variant is a problem with the user's input or
/// environment; the CLI prints it on one line and exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The audit definition (flags or config file) is incomplete or contradictory.
    #[error("{0}")]
    Spec(String),
    /// A setting of the audit is outside its range; `setting` is its name in
    /// [`AuditSpec`](crate::spec::AuditSpec) (`min_group_size`), written as the command line's
    /// flag there ([`setting_name`]).
    #[error("{} {value}: {problem}", setting_name(setting))]
    Setting {
        /// The setting's name.
        setting: &'static str,
        /// Its value, as given.
        value: String,
        /// What its range is.
        problem: String,
    },
    /// The decision log cannot be opened.
    #[error("{}: cannot open the decision log: {source}", path.display())]
    Open {
        /// The log.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The decision log is a directory or another non-file.
    #[error("{}: is not a file", path.display())]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
    /// The decision log has no bytes.
    #[error("{}: the decision log is empty (0 bytes)", path.display())]
    EmptyFile {
        /// The log.
        path: PathBuf,
    },
    /// The decision log has a header and no rows.
    #[error("{}: the decision log has a header but no rows", path.display())]
    NoRows {
        /// The log.
        path: PathBuf,
    },
    /// A column the audit needs is not in the log.
    #[error("{}: column '{column}': no such column; the file has: {}{hint}", path.display(), available.join(", "))]
    ColumnNotFound {
        /// The log.
        path: PathBuf,
        /// The missing column.
        column: String,
        /// The columns the log has.
        available: Vec<String>,
        /// What probably went wrong (a delimiter), or empty.
        hint: String,
    },
    /// A column of names or places cannot give a race estimate (mostly not US names).
    #[error("{}: column '{column}': {problem}", path.display())]
    NamesUnusable {
        /// The log.
        path: PathBuf,
        /// The column of names or places.
        column: String,
        /// What is wrong, in words.
        problem: String,
    },
    /// A frame handed over in memory has two columns of one name (a file's are renamed, a
    /// frame's cannot be).
    #[error("{}: column '{column}' occurs more than once; rename all but one", path.display())]
    DuplicateColumn {
        /// The frame's name.
        path: PathBuf,
        /// The name that occurs more than once.
        column: String,
    },
    /// A decision or label column holds values that are not binary and no positives were named.
    #[error(
        "{}: column '{column}': {} distinct values are not 0/1, true/false or yes/no: {}; name the positive values with {}",
        path.display(), offending.len(), describe(offending), setting_name(positives)
    )]
    NotBinary {
        /// The log.
        path: PathBuf,
        /// The column.
        column: String,
        /// The values not recognised, most frequent first.
        offending: Vec<ValueCount>,
        /// The setting that names the positive values (`positive`, `label_positive`).
        positives: &'static str,
    },
    /// None of the named positive values occurs in the column.
    #[error(
        "{}: column '{column}': none of the positive values {} occurs; the column holds {}",
        path.display(), positive.join(", "), describe(present)
    )]
    PositiveAbsent {
        /// The log.
        path: PathBuf,
        /// The column.
        column: String,
        /// The positive values named.
        positive: Vec<String>,
        /// The values present, most frequent first.
        present: Vec<ValueCount>,
    },
    /// A protected attribute has more distinct values than `max_groups`.
    #[error(
        "{}: column '{column}': {distinct} distinct values, more than {m} {max}; this looks like an identifier, not a group (raise {m} if it is one)",
        path.display(), m = setting_name("max_groups")
    )]
    TooManyGroups {
        /// The log.
        path: PathBuf,
        /// The attribute's column.
        column: String,
        /// Its distinct values.
        distinct: usize,
        /// The limit.
        max: usize,
    },
    /// Rows hold values a column may not hold (not a number, a negative weight, ...).
    #[error("{}: column '{column}': {rows} rows: {problem}: {}", path.display(), describe(sample))]
    InvalidValues {
        /// The log.
        path: PathBuf,
        /// The column (or columns, comma-separated).
        column: String,
        /// Rows affected.
        rows: f64,
        /// What is wrong with them.
        problem: &'static str,
        /// The most frequent offending values.
        sample: Vec<ValueCount>,
    },
    /// Every row was excluded (null decision, label or weight).
    #[error(
        "{}: column '{column}': every row has a null decision, label or weight; nothing to audit",
        path.display()
    )]
    NothingToAudit {
        /// The log.
        path: PathBuf,
        /// The decision column.
        column: String,
    },
    /// A numeric outcome's column holds no number.
    #[error(
        "{}: column '{column}': no row holds a number ({rows} rows of text); {} continuous needs a price, an amount or a time",
        path.display(), setting_name("kind")
    )]
    NoNumbers {
        /// The log.
        path: PathBuf,
        /// The outcome column.
        column: String,
        /// Rows whose value is not a number.
        rows: u64,
    },
    /// No value of the `date` column is a date.
    #[error(
        "{}: {} {column}: no value is a date ({rows} rows); give a date, a datetime or an ISO date string (2025-05-31)",
        path.display(), setting_name("date")
    )]
    NoDates {
        /// The log.
        path: PathBuf,
        /// The date column.
        column: String,
        /// Rows whose date cannot be read.
        rows: u64,
    },
    /// A CSV record has more or fewer fields than the header.
    #[error("{}: line {line} has {fields} fields, the header has {expected}; quote fields that hold the delimiter (\"Doe, Jane\")", path.display())]
    RaggedRow {
        /// The log.
        path: PathBuf,
        /// The physical line the record starts on.
        line: u64,
        /// Its fields.
        fields: usize,
        /// The header's fields.
        expected: usize,
    },
    /// A line of an NDJSON log is not what it must be.
    #[error("{}: line {line}: {problem}", path.display())]
    BadLine {
        /// The log.
        path: PathBuf,
        /// The line.
        line: u64,
        /// What is wrong with it.
        problem: String,
    },
    /// The log is not UTF-8 text.
    #[error("{}: line {line} is not UTF-8 text (Latin-1 or Windows-1252?); convert the file first, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8.csv", path.display())]
    NotUtf8 {
        /// The log.
        path: PathBuf,
        /// The line of the first byte that is not UTF-8.
        line: u64,
    },
    /// The log is compressed.
    #[error("{}: compressed input ({kind}); decompress it first (e.g. {command} FILE) and audit the result", path.display())]
    Compressed {
        /// The log.
        path: PathBuf,
        /// gzip, zstd, bzip2, xz or zip.
        kind: &'static str,
        /// The command that decompresses it.
        command: &'static str,
    },
    /// Polars could not read or process the decision log.
    #[error("{}: could not read the decision log: {}", path.display(), polars_message(source))]
    Read {
        /// The log.
        path: PathBuf,
        /// Polars' error.
        source: polars::error::PolarsError,
    },
    /// A file could not be read to hash it.
    #[error("{}: {source}", path.display())]
    Hash {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An explicit reference group is excluded.
    #[error("{} {}={}: that group is excluded ({why}) and cannot be the reference", setting_name("reference"), attributes.join(","), values.join(","))]
    ReferenceExcluded {
        /// The attribute set.
        attributes: Vec<String>,
        /// The group's values.
        values: Vec<String>,
        /// Why it is excluded.
        why: String,
    },
    /// A control cannot be used: constant, or determined by the other controls and the groups.
    #[error("{}: {} {column}: {problem}", path.display(), setting_name("control"))]
    ControlUnusable {
        /// The log.
        path: PathBuf,
        /// The control column.
        column: String,
        /// What is wrong, in words.
        problem: String,
    },
    /// A feature cannot be used by the models of the decision.
    #[error("{}: {} {column}: {problem}", path.display(), setting_name("features"))]
    FeatureUnusable {
        /// The log.
        path: PathBuf,
        /// The feature column.
        column: String,
        /// What is wrong, in words.
        problem: String,
    },
    /// An explicit reference group does not occur in the log.
    #[error("{} {}={}: no such group in {}; groups present: {}", setting_name("reference"), attributes.join(","), values.join(","), path.display(), present.join("; "))]
    ReferenceNotFound {
        /// The log.
        path: PathBuf,
        /// The attribute set.
        attributes: Vec<String>,
        /// The group's values.
        values: Vec<String>,
        /// The groups present, values comma-separated.
        present: Vec<String>,
    },
    /// The output directory is not empty and `force` was not given.
    #[error("{}: output directory exists and is not empty; pass {} to replace it", path.display(), setting_name("force"))]
    OutputExists {
        /// The output directory.
        path: PathBuf,
    },
    /// The output directory may not be replaced (the working directory, a directory holding an
    /// input, something that is not an earlier bundle, ...).
    #[error("{}: {reason}", path.display())]
    OutputRefused {
        /// The output path.
        path: PathBuf,
        /// Why, and what to do.
        reason: String,
    },
    /// The output path is a file, not a directory.
    #[error("{}: exists and is not a directory", path.display())]
    NotADirectory {
        /// The output path.
        path: PathBuf,
    },
    /// A file or directory could not be written.
    #[error("{}: {source}", path.display())]
    Write {
        /// What was being written.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An output could not be produced (serialization, drawing, encoding).
    #[error("{}: {message}", path.display())]
    Render {
        /// The output file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// An evidence bundle's manifest cannot be read.
    #[error("{}: cannot read the manifest: {source}", path.display())]
    ManifestUnreadable {
        /// The manifest.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A signing or verifying key, or a signature, cannot be used.
    #[error("{}: {reason}", path.display())]
    Key {
        /// The key or signature file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An evidence bundle's manifest cannot be trusted (a link, no outputs, paths leaving the
    /// bundle, ...).
    #[error("{}: invalid manifest: {reason}", path.display())]
    InvalidManifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// An evidence bundle's manifest is not a fairaudit manifest.
    #[error("{}: not a fairaudit manifest: {source}", path.display())]
    NotAManifest {
        /// The manifest.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A directory or pattern given as the log names no file to read.
    #[error("{}: {why}", path.display())]
    NoFiles {
        /// The directory or pattern.
        path: PathBuf,
        /// What was found instead.
        why: String,
    },
    /// A cell table (`--cells`) that cannot be what a tally computed.
    #[error("{}: column '{column}': {problem}", path.display())]
    InvalidCells {
        /// The cell table.
        path: PathBuf,
        /// The column.
        column: String,
        /// What is wrong, with the value.
        problem: String,
    },
    /// A directory that should be an audit's bundle has no manifest.
    #[error("{}: not a fairaudit bundle (it has no manifest.json); give the {} directory of an audit", dir.display(), setting_name("out"))]
    NotABundle {
        /// The directory.
        dir: PathBuf,
    },
    /// An evidence bundle no longer matches its manifest.
    #[error("{}: the bundle does not match its manifest ({what}); run `fairaudit verify` on it", dir.display())]
    BundleChanged {
        /// The bundle.
        dir: PathBuf,
        /// The files changed, added or removed.
        what: String,
    },
    /// A bundle's `results.json` cannot be read back.
    #[error("{}: cannot read it as a fairaudit results.json: {reason}", path.display())]
    NotResults {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// What an error is about, for a front end that hands it over as data (the Python package's
/// `InputError.file`, `.column` and `.values`): the file, the column and the values it names.
#[derive(Debug, Default, PartialEq)]
pub struct Subject {
    /// The file (or bundle directory) the error is about.
    pub file: Option<PathBuf>,
    /// The column.
    pub column: Option<String>,
    /// The values it names: the offending ones, or those asked for that are absent.
    pub values: Vec<String>,
}

impl AuditError {
    /// The file, column and values this error names ([`Subject`]).
    pub fn subject(&self) -> Subject {
        use AuditError::*;
        let texts = |v: &[ValueCount]| v.iter().map(|c| c.value.clone()).collect::<Vec<_>>();
        let (file, column, values) = match self {
            Spec(_) => (None, None, Vec::new()),
            Setting { value, .. } => (None, None, vec![value.clone()]),
            ColumnNotFound { path, column, .. }
            | DuplicateColumn { path, column }
            | NamesUnusable { path, column, .. }
            | TooManyGroups { path, column, .. }
            | NothingToAudit { path, column }
            | NoNumbers { path, column, .. }
            | NoDates { path, column, .. }
            | ControlUnusable { path, column, .. }
            | FeatureUnusable { path, column, .. }
            | InvalidCells { path, column, .. } => (Some(path), Some(column), Vec::new()),
            NotBinary {
                path,
                column,
                offending,
                ..
            } => (Some(path), Some(column), texts(offending)),
            PositiveAbsent {
                path,
                column,
                positive,
                ..
            } => (Some(path), Some(column), positive.clone()),
            InvalidValues {
                path,
                column,
                sample,
                ..
            } => (Some(path), Some(column), texts(sample)),
            ReferenceExcluded { values, .. } => (None, None, values.clone()),
            ReferenceNotFound { path, values, .. } => (Some(path), None, values.clone()),
            NotABundle { dir } | BundleChanged { dir, .. } => (Some(dir), None, Vec::new()),
            Open { path, .. }
            | NotAFile { path }
            | EmptyFile { path }
            | NoRows { path }
            | RaggedRow { path, .. }
            | BadLine { path, .. }
            | NotUtf8 { path, .. }
            | Compressed { path, .. }
            | Read { path, .. }
            | Hash { path, .. }
            | OutputExists { path }
            | OutputRefused { path, .. }
            | NotADirectory { path }
            | Write { path, .. }
            | Render { path, .. }
            | ManifestUnreadable { path, .. }
            | Key { path, .. }
            | InvalidManifest { path, .. }
            | NotAManifest { path, .. }
            | NoFiles { path, .. }
            | NotResults { path, .. } => (Some(path), None, Vec::new()),
        };
        Subject {
            file: file.cloned(),
            column: column.cloned(),
            values,
        }
    }

    /// A failure writing `path`.
    pub fn write(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Write {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A failure producing the output `path`.
    pub fn render(path: &str, message: impl std::fmt::Display) -> Self {
        Self::Render {
            path: PathBuf::from(path),
            message: message.to_string(),
        }
    }
}

/// Polars' message without its advice for the Python API (`infer_schema_length`,
/// `truncate_ragged_lines`, `ignore_errors`, ...), which names options our users do not have.
fn polars_message(error: &polars::error::PolarsError) -> String {
    const ADVICE: [&str; 6] = [
        "You might want to try",
        "infer_schema_length",
        "truncate_ragged_lines",
        "ignore_errors",
        "schema_overrides",
        "Hint:",
    ];
    let text = error.to_string();
    let kept: Vec<&str> = text
        .lines()
        .take_while(|line| !ADVICE.iter().any(|a| line.contains(a)))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let message = kept.join(" ");
    let message = message.trim_end_matches([':', ',', ' ']);
    if message.is_empty() {
        text.lines().next().unwrap_or_default().to_string()
    } else {
        message.to_string()
    }
}

/// Result type of the engine.
pub type Result<T> = std::result::Result<T, AuditError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polars_advice_for_its_python_api_is_left_out() {
        // The shape of Polars' CSV parse error (polars-io, csv/read/read_impl.rs).
        let source = polars::error::PolarsError::ComputeError(
            "could not parse `x` as dtype `i64` at column 'y' (column number 1)\n\n\
             The current offset in the file is 5 bytes.\n\n\
             You might want to try:\n\
             - increasing `infer_schema_length` (e.g. `infer_schema_length=10000`),\n\
             - setting `ignore_errors` to `True`,"
                .into(),
        );
        let message = AuditError::Read {
            path: "log.csv".into(),
            source,
        }
        .to_string();
        assert_eq!(
            message,
            "log.csv: could not read the decision log: could not parse `x` as dtype `i64` at column 'y' (column number 1) The current offset in the file is 5 bytes."
        );
    }
}
