//! The audit pipeline: load → tally → measure → judge, producing `AuditResults`.

use crate::error::{AuditError, Result};
use crate::judge::judge_set;
use crate::measure::measure_set;
use crate::results::{AuditInfo, AuditResults, InputInfo, ScoreRule, ToolInfo};
use crate::spec::{AuditSpec, Decision};
use crate::{load, tally};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Runs the audit described by `spec` and returns its results. Writes nothing.
pub fn run(spec: &AuditSpec) -> Result<AuditResults> {
    let path = spec.data.as_path();
    let mut frame = load::open(path, spec.format)?;
    load::check_columns(path, &mut frame, &spec.columns())?;
    let (tallies, hash) = std::thread::scope(|s| {
        let hasher = s.spawn(|| sha256_file(path));
        let tallies = tally::tally(path, frame, spec);
        let hash = hasher.join().unwrap_or_else(|_| Err(AuditError::input(path, "hashing failed")));
        (tallies, hash)
    });
    let tallies = tallies?;
    let (sha256, size_bytes) = hash?;
    let attribute_sets = tallies
        .sets
        .iter()
        .map(|set| {
            let measured = measure_set(set, spec, tallies.has_label)?;
            Ok(judge_set(measured, spec.favorable, spec.di_threshold))
        })
        .collect::<Result<Vec<_>>>()?;
    let (outcome, score, positive) = match &spec.decision {
        Decision::Outcome(c) => (Some(c.column.clone()), None, c.positive.clone()),
        Decision::Score { column, threshold } => (
            None,
            Some(ScoreRule {
                column: column.clone(),
                threshold: *threshold,
            }),
            None,
        ),
    };
    Ok(AuditResults {
        tool: ToolInfo::current(),
        input: InputInfo {
            path: path.display().to_string(),
            format: spec.format,
            sha256,
            size_bytes,
            rows_read: tallies.rows_read,
            rows_used: tallies.rows_used(),
            rows_excluded: tallies.rows_excluded.clone(),
        },
        audit: AuditInfo {
            outcome,
            score,
            positive,
            negative_values: tallies.negative_values.clone(),
            favorable: spec.favorable,
            label: spec.label.as_ref().map(|l| l.column.clone()),
            label_positive: spec.label.as_ref().and_then(|l| l.positive.clone()),
            label_negative_values: tallies.label_negative_values.clone(),
            di_threshold: spec.di_threshold,
        },
        attribute_sets,
    })
}

/// SHA-256 (hex) and size of a file.
pub fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut file = std::fs::File::open(path).map_err(|e| AuditError::input(path, e.to_string()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| AuditError::input(path, e.to_string()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex(&hasher.finalize()), size))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
