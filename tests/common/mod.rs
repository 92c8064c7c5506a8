//! Helpers shared by the integration tests: run the real binary, read its results.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Path of a bundled dataset.
pub fn dataset(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets")
        .join(rel)
}

/// The `fairaudit` binary.
pub fn fairaudit() -> Command {
    Command::cargo_bin("fairaudit").unwrap()
}

/// Runs `fairaudit audit ARGS --out OUT` and returns the parsed `results.json`.
pub fn audit(out: &Path, args: &[&str]) -> Value {
    fairaudit()
        .arg("audit")
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    results(out)
}

/// Reads `results.json` from an output directory.
pub fn results(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap()
}

/// The group of attribute set `set` whose values are `values` (attribute, value pairs).
pub fn group<'a>(results: &'a Value, set: usize, values: &[(&str, &str)]) -> &'a Value {
    results["attribute_sets"][set]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| values.iter().all(|(a, v)| g["values"][*a] == *v))
        .unwrap_or_else(|| panic!("no group {values:?}"))
}

/// A number from the results, panicking with the field name when absent or null.
pub fn num(v: &Value, field: &str) -> f64 {
    v[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{field} is {:?}", v[field]))
}

/// Asserts `actual` is within `tol` of `expected`.
pub fn close(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "{actual} is not within {tol} of {expected}"
    );
}

/// Writes a file into `dir` and returns its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs `fairaudit synth ARGS --out DIR/NAME` and returns the log's path.
pub fn synth(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    fairaudit()
        .arg("synth")
        .args(args)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

/// Verdicts that failed, as (attribute set index, group values joined by ", ").
pub fn failing(results: &Value) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, set) in results["attribute_sets"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for g in set["groups"].as_array().unwrap() {
            if g["verdict"]["four_fifths"] == "fail" {
                let values: Vec<&str> = g["values"]
                    .as_object()
                    .unwrap()
                    .values()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                out.push((i, values.join(", ")));
            }
        }
    }
    out
}
