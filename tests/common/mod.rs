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

/// The arguments of `fairaudit audit`, built flag by flag.
#[derive(Debug, Clone)]
pub struct Args(Vec<String>);

/// `--data DATA --outcome OUTCOME --protected PROTECTED`: where most audits in the tests start.
pub fn args(data: impl AsRef<Path>, outcome: &str, protected: &str) -> Args {
    Args(vec![
        "--data".into(),
        data.as_ref().to_str().unwrap().into(),
        "--outcome".into(),
        outcome.into(),
        "--protected".into(),
        protected.into(),
    ])
}

impl Args {
    /// Adds `FLAG VALUE` (a path is taken as its text).
    pub fn with(mut self, flag: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.0.push(flag.into());
        self.0.push(value.as_ref().to_str().unwrap().into());
        self
    }

    /// Adds a flag without a value (`--force`).
    pub fn flag(mut self, flag: &str) -> Self {
        self.0.push(flag.into());
        self
    }

    /// `--config datasets/NAME.toml`: a bundled log's audit.
    pub fn bundled(name: &str) -> Self {
        let config = dataset(&format!("{name}.toml"));
        Args(vec!["--config".into(), config.to_str().unwrap().into()])
    }

    /// The exit code of the audit into `out` (0, or 1 from a gate).
    pub fn exit_code(&self, out: &Path) -> i32 {
        fairaudit()
            .arg("audit")
            .args(self.list())
            .arg("--out")
            .arg(out)
            .assert()
            .get_output()
            .status
            .code()
            .unwrap()
    }

    /// The arguments as given to the command.
    pub fn list(&self) -> Vec<&str> {
        self.0.iter().map(String::as_str).collect()
    }

    /// Runs the audit into `out`, expecting success, and returns `results.json`.
    pub fn run(&self, out: &Path) -> Value {
        audit(out, &self.list())
    }

    /// Runs the audit into `out`, expecting bad input: exit code 2, one line on stderr and no
    /// output directory. Returns the line.
    pub fn fails(&self, out: &Path) -> String {
        fails(out, &self.list())
    }
}

/// Runs `fairaudit audit ARGS --out OUT` expecting bad input: exit code 2, one error line, no
/// output directory. Returns stderr.
pub fn fails(out: &Path, args: &[&str]) -> String {
    let output = fairaudit()
        .arg("audit")
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(!out.exists(), "output directory was created");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line: {stderr}"
    );
    stderr
}

/// Runs `fairaudit audit --config datasets/NAME.toml --out OUT` and returns `results.json`.
pub fn audit_bundled(name: &str, out: &Path) -> Value {
    let config = dataset(&format!("{name}.toml"));
    audit(out, &["--config", config.to_str().unwrap()])
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

/// Asserts `actual` is within a relative tolerance `tol` of `expected`.
pub fn rel(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol * expected.abs(),
        "{actual} is not within {tol} (relative) of {expected}"
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

/// The demo generator's 12-month offers log (24,000 rows, seed 5) with women's offers halved from
/// September (month 9) on, written to `dir/offers.csv`.
pub fn drift_log(dir: &Path) -> PathBuf {
    synth(
        dir,
        "offers.csv",
        &[
            "--kind",
            "offers",
            "--rows",
            "24000",
            "--seed",
            "5",
            "--drift",
            "0.5",
            "--drift-from",
            "9",
        ],
    )
}
