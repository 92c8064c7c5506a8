//! Writing a bundle without ever losing a user's file. The new bundle is staged in a hidden
//! sibling directory and renamed into place; `--force` replaces only an earlier fairaudit bundle
//! (its `manifest.json` lists every file in it), and the old bundle is renamed aside until the new
//! one is in place. The working directory, its ancestors, the home directory and any directory
//! holding an input are never replaced. Staging directories of runs that died are removed by the
//! next run in the same place.

use super::manifest::{Manifest, MANIFEST};
use super::sign::SIGNATURE;
use crate::error::{AuditError, Result};
use crate::render::OutputFile;
use std::path::{Path, PathBuf};

/// Prefix of the hidden directories a run stages its bundle in, followed by the run's process id.
const STAGING: &str = ".fairaudit-";

fn refused(dir: &Path, reason: impl Into<String>) -> AuditError {
    AuditError::OutputRefused {
        path: dir.to_path_buf(),
        reason: reason.into(),
    }
}

/// Fails unless `dir` may receive a new bundle: it does not exist, is an empty directory, or
/// (with `force`) is an earlier fairaudit bundle. Never the working directory or one of its
/// ancestors, the home directory, or a directory holding one of `inputs`. Run it before any work;
/// [`write`] runs it again.
pub fn check_output_dir(dir: &Path, force: bool, inputs: &[PathBuf]) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() && std::fs::metadata(dir).is_err() {
        return Err(refused(
            dir,
            "is a symbolic link to nothing; remove it or choose another --out",
        ));
    }
    if !dir.is_dir() {
        return Err(AuditError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    let real = dir.canonicalize().map_err(|e| AuditError::write(dir, e))?;
    if let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize()) {
        if cwd.starts_with(&real) {
            return Err(refused(
                dir,
                "is the working directory or one of its ancestors; choose a new directory for --out",
            ));
        }
    }
    if let Some(home) = std::env::var_os("HOME").and_then(|h| PathBuf::from(h).canonicalize().ok())
    {
        if home == real {
            return Err(refused(
                dir,
                "is the home directory; choose a new directory for --out",
            ));
        }
    }
    for input in inputs {
        if input.canonicalize().is_ok_and(|p| p.starts_with(&real)) {
            return Err(refused(
                dir,
                format!(
                    "holds an input of this run ({}); choose a new directory for --out",
                    input.display()
                ),
            ));
        }
    }
    let empty = std::fs::read_dir(dir)
        .map_err(|e| AuditError::write(dir, e))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    if !force {
        return Err(AuditError::OutputExists {
            path: dir.to_path_buf(),
        });
    }
    if let Err(why) = earlier_bundle(dir) {
        return Err(refused(
            dir,
            format!(
                "--force only replaces an earlier fairaudit bundle, and this is not one ({why})"
            ),
        ));
    }
    Ok(())
}

/// Checks that `dir` is a bundle fairaudit wrote: a fairaudit `manifest.json` that lists every
/// file in the directory, and nothing but directories and regular files. Says why not otherwise.
fn earlier_bundle(dir: &Path) -> std::result::Result<(), String> {
    let text =
        std::fs::read_to_string(dir.join(MANIFEST)).map_err(|_| "no manifest.json".to_string())?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|_| "manifest.json is not a fairaudit manifest".to_string())?;
    if manifest.tool.name != env!("CARGO_PKG_NAME") {
        return Err("manifest.json was not written by fairaudit".into());
    }
    let mut found = Vec::new();
    files_below(dir, dir, &mut found)?;
    match found.iter().find(|f| {
        *f != MANIFEST && *f != SIGNATURE && !manifest.outputs.iter().any(|o| &o.path == *f)
    }) {
        Some(f) => Err(format!("{f} is not listed in its manifest")),
        None => Ok(()),
    }
}

/// Every regular file below `dir` relative to `root`; fails on links and special files.
fn files_below(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::result::Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| e.to_string())?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        let rel = path
            .strip_prefix(root)
            .map_err(|e| e.to_string())?
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if kind.is_dir() {
            files_below(root, &path, out)?;
        } else if kind.is_file() {
            out.push(rel);
        } else {
            return Err(format!("{rel} is a link or a special file"));
        }
    }
    Ok(())
}

/// Writes `files` as the bundle `dir`: staged in a hidden sibling directory, then renamed into
/// place. With `force` an earlier bundle is renamed aside first and removed once the new one is
/// in place; without, a directory that appeared meanwhile (another run) makes this run fail.
pub fn write(dir: &Path, files: &[OutputFile], force: bool, inputs: &[PathBuf]) -> Result<()> {
    check_output_dir(dir, force, inputs)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| AuditError::write(&parent, e))?;
    clean_dead_staging(&parent)?;
    let prefix = format!("{STAGING}{}-", std::process::id());
    let staging = tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(&parent)
        .map_err(|e| AuditError::write(&parent, e))?;
    for file in files {
        let path = staging.path().join(&file.name);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| AuditError::write(p, e))?;
        }
        std::fs::write(&path, &file.bytes).map_err(|e| AuditError::write(&path, e))?;
    }
    let replacing = force && std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    let aside = if replacing {
        let aside = tempfile::Builder::new()
            .prefix(&format!("{prefix}old-"))
            .tempdir_in(&parent)
            .map_err(|e| AuditError::write(&parent, e))?
            .keep();
        std::fs::rename(dir, &aside).map_err(|e| AuditError::write(dir, e))?;
        Some(aside)
    } else {
        None
    };
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, dir) {
        let _ = std::fs::remove_dir_all(&staged);
        if let Some(aside) = &aside {
            let _ = std::fs::rename(aside, dir);
        }
        let exists = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
        return Err(if exists {
            AuditError::OutputExists {
                path: dir.to_path_buf(),
            }
        } else {
            AuditError::write(dir, e)
        });
    }
    if let Some(aside) = aside {
        std::fs::remove_dir_all(&aside).map_err(|e| AuditError::write(&aside, e))?;
    }
    Ok(())
}

/// Removes the staging directories that runs which are no longer alive left in `parent`. An
/// earlier bundle such a run had renamed aside is not removed: the error names it.
fn clean_dead_staging(parent: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix(STAGING) else {
            continue;
        };
        let Some((pid, tail)) = rest.split_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if Path::new("/proc").join(pid.to_string()).exists() {
            continue;
        }
        let path = entry.path();
        if tail.starts_with("old-") {
            return Err(refused(
                &path,
                "holds the earlier bundle of a run that was stopped while replacing it; move it back to its place or remove it",
            ));
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
            Ok(t) if t.is_file() => std::fs::remove_file(&path),
            _ => continue,
        }
        .map_err(|e| AuditError::write(&path, e))?;
    }
    Ok(())
}

/// Writes one file into `dir` (created if needed) through a temporary file renamed into place.
pub fn write_file(dir: &Path, file: &OutputFile) -> Result<()> {
    let path = dir.join(&file.name);
    std::fs::create_dir_all(dir).map_err(|e| AuditError::write(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{STAGING}{}-", std::process::id()))
        .tempfile_in(dir)
        .map_err(|e| AuditError::write(dir, e))?;
    std::io::Write::write_all(&mut tmp, &file.bytes).map_err(|e| AuditError::write(&path, e))?;
    tmp.persist(&path)
        .map_err(|e| AuditError::write(&path, e.error))?;
    Ok(())
}
