//! `fairaudit verify DIR`: re-hashes every file an evidence bundle's manifest lists and names
//! every file that was changed, added or removed. A tampered bundle cannot make it leave the
//! bundle or hang: it never follows a link, never opens anything but a regular file, rejects
//! listed paths that leave the bundle, and walks a bounded number of entries.

use super::manifest::{Manifest, MANIFEST};
use super::sign::SIGNATURE;
use crate::error::{AuditError, Result};
use crate::hash::sha256_file;
use std::path::{Component, Path};

/// Most entries `verify` walks in a bundle; a bundle has a few hundred at most.
const MAX_ENTRIES: usize = 100_000;

/// Most bytes a manifest may have.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// What verification found, one line per problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Files whose bytes differ from the manifest (or that are no longer regular files).
    pub changed: Vec<String>,
    /// Files (or links, or special files) in the directory the manifest does not list.
    pub added: Vec<String>,
    /// Files the manifest lists that are gone.
    pub removed: Vec<String>,
    /// Files checked and found intact.
    pub intact: usize,
}

impl Verification {
    /// Whether the bundle is exactly as written.
    pub fn ok(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
}

fn invalid(path: &Path, why: impl Into<String>) -> AuditError {
    AuditError::InvalidManifest {
        path: path.to_path_buf(),
        reason: why.into(),
    }
}

/// Reads the manifest of the bundle in `dir`: a regular file of bounded size listing at least
/// one output, every output path inside the bundle.
fn read_manifest(dir: &Path) -> Result<Manifest> {
    use std::io::Read;
    let path = dir.join(MANIFEST);
    let unreadable = |source| AuditError::ManifestUnreadable {
        path: path.clone(),
        source,
    };
    let meta = std::fs::symlink_metadata(&path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(invalid(&path, "is a link or not a regular file"));
    }
    let mut text = String::new();
    std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_MANIFEST_BYTES + 1).read_to_string(&mut text))
        .map_err(unreadable)?;
    if text.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(invalid(
            &path,
            "is larger than any manifest fairaudit writes",
        ));
    }
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|source| AuditError::NotAManifest {
            path: path.clone(),
            source,
        })?;
    if manifest.outputs.is_empty() {
        return Err(invalid(&path, "lists no outputs; every bundle has some"));
    }
    if let Some(bad) = manifest.outputs.iter().find(|f| !inside(&f.path)) {
        return Err(invalid(
            &path,
            format!(
                "lists {:?}, which is not a path inside the bundle",
                bad.path
            ),
        ));
    }
    Ok(manifest)
}

/// Whether a listed path stays inside the bundle: relative, with no `..`, root or prefix.
fn inside(listed: &str) -> bool {
    !listed.is_empty()
        && Path::new(listed)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// How a listed file compares with what is on disk.
enum Found {
    Intact,
    Changed,
    Removed,
}

/// Compares the file at `path` with a hash and size, opening it only if it is a regular file
/// (a link or a FIFO in its place counts as changed).
fn compare(path: &Path, sha256: &str, size: u64, follow_links: bool) -> Found {
    let meta = if follow_links {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    match meta {
        Err(_) => Found::Removed,
        Ok(m) if !m.is_file() || m.len() != size => Found::Changed,
        Ok(_) => match sha256_file(path) {
            Ok((hash, _)) if hash == sha256 => Found::Intact,
            _ => Found::Changed,
        },
    }
}

/// Verifies the bundle in `dir`. Inputs are looked up as given on the command line (relative to
/// the working directory) unless `check_inputs` is false.
pub fn verify(dir: &Path, check_inputs: bool) -> Result<Verification> {
    let manifest = read_manifest(dir)?;
    let mut v = Verification::default();
    let mut record = |shown: String, found: Found| match found {
        Found::Intact => v.intact += 1,
        Found::Changed => v.changed.push(shown),
        Found::Removed => v.removed.push(shown),
    };
    for f in &manifest.outputs {
        let found = if reached_through_link(dir, &f.path) {
            Found::Changed
        } else {
            compare(&dir.join(&f.path), &f.sha256, f.size_bytes, false)
        };
        record(f.path.clone(), found);
    }
    if check_inputs {
        for f in &manifest.inputs {
            let found = compare(Path::new(&f.path), &f.sha256, f.size_bytes, true);
            record(format!("{} (input)", f.path), found);
        }
    }
    let mut present = Vec::new();
    walk(dir, dir, &mut present, &mut 0).map_err(|why| invalid(&dir.join(MANIFEST), why))?;
    present.sort();
    v.added = present
        .into_iter()
        .filter(|p| {
            p != MANIFEST && p != SIGNATURE && !manifest.outputs.iter().any(|f| &f.path == p)
        })
        .collect();
    Ok(v)
}

/// Whether a directory on the way to a listed file is a link (which could lead out of the
/// bundle).
fn reached_through_link(dir: &Path, listed: &str) -> bool {
    let mut at = dir.to_path_buf();
    let parts: Vec<&str> = listed.split('/').collect();
    parts[..parts.len().saturating_sub(1)].iter().any(|part| {
        at.push(part);
        std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// Every entry below `dir` that is not a directory (files, links, special files), as paths
/// relative to `root` with `/` separators; links are listed, never followed. Fails beyond
/// [`MAX_ENTRIES`] entries.
fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<String>,
    seen: &mut usize,
) -> std::result::Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        *seen += 1;
        if *seen > MAX_ENTRIES {
            return Err(format!(
                "the bundle holds more than {MAX_ENTRIES} entries; it is not a fairaudit bundle"
            ));
        }
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(root, &path, out, seen)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(relative(rel));
        }
    }
    Ok(())
}

/// A relative path with `/` separators.
fn relative(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every file below `dir`, as paths relative to `root` with `/` separators (links listed, not
/// followed).
pub fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let _ = walk(root, dir, out, &mut 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_paths_must_stay_inside_the_bundle() {
        assert!(inside("report.md"));
        assert!(inside("charts/a.svg"));
        for bad in [
            "",
            "../../etc/hostname",
            "/etc/hostname",
            "charts/../../x",
            "./x",
        ] {
            assert!(!inside(bad), "{bad}");
        }
    }
}
