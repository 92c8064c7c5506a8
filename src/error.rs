//! Errors the engine reports to the user: each names the file, the column and the offending value.

use std::path::{Path, PathBuf};

/// Everything that can stop an audit. Every variant is a problem with the user's input or
/// environment; the CLI prints it on one line and exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The audit definition (flags or config file) is incomplete or contradictory.
    #[error("{0}")]
    Spec(String),
    /// A problem with the decision log as a whole (missing, empty, unreadable).
    #[error("{}: {message}", path.display())]
    Input { path: PathBuf, message: String },
    /// A problem with one column of the decision log.
    #[error("{}: column '{column}': {message}", path.display())]
    Column {
        path: PathBuf,
        column: String,
        message: String,
    },
    /// Polars could not read or process the decision log.
    #[error("{}: could not read the decision log: {source}", path.display())]
    Read {
        path: PathBuf,
        source: polars::error::PolarsError,
    },
    /// The outputs could not be written.
    #[error("{}: {message}", path.display())]
    Output { path: PathBuf, message: String },
}

impl AuditError {
    /// A whole-file problem with `path`.
    pub fn input(path: &Path, message: impl Into<String>) -> Self {
        Self::Input {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    /// A problem with `column` of the file at `path`.
    pub fn column(path: &Path, column: &str, message: impl Into<String>) -> Self {
        Self::Column {
            path: path.to_path_buf(),
            column: column.to_string(),
            message: message.into(),
        }
    }

    /// A failure writing outputs at `path`.
    pub fn output(path: &Path, err: impl std::fmt::Display) -> Self {
        Self::Output {
            path: path.to_path_buf(),
            message: err.to_string(),
        }
    }
}

/// Result type of the engine.
pub type Result<T> = std::result::Result<T, AuditError>;
