//! The files a `--data` names: one file, every file of a directory in the log's format, or the
//! files a glob pattern matches (`logs/2026-*.parquet`), in name order; read as one log.

use crate::error::{AuditError, Result};
use crate::spec::Format;
use std::path::{Path, PathBuf};

/// Whether `data` is a glob pattern rather than a path.
fn is_pattern(data: &Path) -> bool {
    data.to_string_lossy().contains(['*', '?', '['])
}

fn none_found(data: &Path, why: impl Into<String>) -> AuditError {
    AuditError::NoFiles {
        path: data.to_path_buf(),
        why: why.into(),
    }
}

/// The files of the log `data` names, sorted by name: `data` itself, the regular files of a
/// directory whose extension is the format's (hidden files left out), or the regular files a glob
/// pattern matches.
pub fn files(data: &Path, format: Format) -> Result<Vec<PathBuf>> {
    let mut found = if data.is_dir() {
        let entries = std::fs::read_dir(data).map_err(|source| AuditError::Open {
            path: data.to_path_buf(),
            source,
        })?;
        let found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && !hidden(p) && Format::of_path(p) == Some(format))
            .collect();
        if found.is_empty() {
            return Err(none_found(
                data,
                format!("the directory holds no {} file", format.name()),
            ));
        }
        found
    } else if is_pattern(data) && !data.exists() {
        let pattern = data.to_string_lossy();
        let paths = glob::glob(&pattern)
            .map_err(|e| none_found(data, format!("not a valid pattern: {}", e.msg)))?;
        let found: Vec<PathBuf> = paths.flatten().filter(|p| p.is_file()).collect();
        if found.is_empty() {
            return Err(none_found(data, "no file matches this pattern"));
        }
        found
    } else {
        vec![data.to_path_buf()]
    };
    found.sort();
    Ok(found)
}

/// The format of a directory's files, or a pattern's, when every file it holds with a known
/// extension has the same one.
pub fn format_of(data: &Path) -> Option<Format> {
    let formats: Vec<Format> = if data.is_dir() {
        std::fs::read_dir(data)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| !hidden(p))
            .filter_map(|p| Format::of_path(&p))
            .collect()
    } else {
        Format::of_path(data).into_iter().collect()
    };
    let first = *formats.first()?;
    formats.iter().all(|f| *f == first).then_some(first)
}

/// Whether a file's name starts with a dot.
fn hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}
