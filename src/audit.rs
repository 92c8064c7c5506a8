//! The audit pipeline: load → tally → measure → judge, producing `AuditResults`.

use crate::error::{AuditError, Result};
use crate::judge::{judge_set, Rules};
use crate::measure::{measure_set, MeasuredSet};
use crate::results::{AuditInfo, AuditResults, InputInfo, ScoreRule, ToolInfo};
use crate::spec::{AuditSpec, Decision};
use crate::stats::adjust::{adjust, PAdjust};
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
        let hash = hasher
            .join()
            .unwrap_or_else(|_| Err(AuditError::input(path, "hashing failed")));
        (tallies, hash)
    });
    let tallies = tallies?;
    let (sha256, size_bytes) = hash?;
    let mut measured = tallies
        .sets
        .iter()
        .enumerate()
        .map(|(i, set)| measure_set(set, spec, tallies.has_label, i))
        .collect::<Result<Vec<_>>>()?;
    let tests_in_family = adjust_family(&mut measured, spec.stats.p_adjust);
    let rules = Rules {
        favorable: spec.favorable,
        threshold: spec.di_threshold,
        alpha: spec.stats.alpha,
        p_adjust: spec.stats.p_adjust,
    };
    let attribute_sets = measured
        .into_iter()
        .map(|set| judge_set(set, rules))
        .collect();
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
            confidence: spec.stats.confidence,
            alpha: spec.stats.alpha,
            p_adjust: spec.stats.p_adjust,
            tests_in_family,
            bootstrap: spec.stats.bootstrap,
            seed: spec.stats.seed,
            min_group_size: spec.exclusion.min_group_size,
            min_group_share: spec.exclusion.min_group_share,
            exclude_missing: spec.exclusion.exclude_missing,
            weight: spec.weight.clone(),
            membership: spec
                .membership
                .iter()
                .map(|m| m.attribute.clone())
                .collect(),
        },
        attribute_sets,
    })
}

/// Adjusts every test of every group that is neither the reference nor excluded, across all
/// attribute sets, as one family; returns the family's size.
fn adjust_family(sets: &mut [MeasuredSet], method: PAdjust) -> usize {
    let tests = || {
        sets.iter()
            .flat_map(|s| &s.groups)
            .flat_map(|g| g.vs_reference.tests.values())
    };
    let p: Vec<f64> = tests().map(|t| t.p_value).collect();
    let adjusted = adjust(&p, method);
    let mut next = adjusted.iter();
    for t in sets
        .iter_mut()
        .flat_map(|s| &mut s.groups)
        .flat_map(|g| g.vs_reference.tests.values_mut())
    {
        t.p_adjusted = next.next().copied().unwrap_or(1.0);
    }
    p.len()
}

/// SHA-256 (hex) and size of a file.
pub fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut file = std::fs::File::open(path).map_err(|e| AuditError::input(path, e.to_string()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| AuditError::input(path, e.to_string()))?;
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
