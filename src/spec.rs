//! The audit definition the engine runs: plain data, independent of how it was given (flags, TOML).

use serde::Serialize;
use std::path::PathBuf;

/// File format of a decision log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// Newline-delimited JSON, one object per row.
    Ndjson,
}

impl Format {
    /// The format implied by a file extension (`csv`, `parquet`/`pq`, `ndjson`/`jsonl`).
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "parquet" | "pq" => Some(Self::Parquet),
            "ndjson" | "jsonl" => Some(Self::Ndjson),
            _ => None,
        }
    }

    /// Parses a `--format` value.
    pub fn parse(name: &str) -> Option<Self> {
        Self::from_extension(name)
    }
}

/// Whether the positive decision is good or bad for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Favorable {
    /// The positive decision is favourable (an offer, an approval).
    Positive,
    /// The positive decision is adverse (a flag, a denial, "high risk").
    Negative,
}

/// How the reference group of an attribute set is chosen when none is given explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceStrategy {
    /// The group with the most rows.
    Largest,
    /// The group with the most favourable selection rate (the four-fifths rule's reference).
    Highest,
    /// The whole population of the attribute set.
    Overall,
}

/// A binary column and, optionally, the values that count as positive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinaryColumn {
    /// Column name in the decision log.
    pub column: String,
    /// Values counted as positive; `None` means the column must be binary (0/1, true/false, yes/no).
    pub positive: Option<Vec<String>>,
}

/// Where the decision comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// A column holding the decision itself.
    Outcome(BinaryColumn),
    /// A score column: the decision is positive when `score >= threshold`.
    Score { column: String, threshold: f64 },
}

impl Decision {
    /// The column the decision is read from.
    pub fn column(&self) -> &str {
        match self {
            Decision::Outcome(c) => &c.column,
            Decision::Score { column, .. } => column,
        }
    }
}

/// An explicitly chosen reference group: `attributes` (one attribute set) take `values`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceChoice {
    /// The attribute set, in the order given.
    pub attributes: Vec<String>,
    /// One value per attribute.
    pub values: Vec<String>,
}

/// The complete definition of one audit run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditSpec {
    /// The decision log.
    pub data: PathBuf,
    /// Its format.
    pub format: Format,
    /// The decision the system made.
    pub decision: Decision,
    /// Whether the positive decision is favourable.
    pub favorable: Favorable,
    /// The true outcome, when known.
    pub label: Option<BinaryColumn>,
    /// Attribute sets to audit; a set of more than one attribute is an intersection.
    pub protected: Vec<Vec<String>>,
    /// Explicit reference groups.
    pub references: Vec<ReferenceChoice>,
    /// How other reference groups are chosen.
    pub reference_strategy: ReferenceStrategy,
    /// The four-fifths threshold.
    pub di_threshold: f64,
    /// Most distinct values a protected attribute may have.
    pub max_groups: usize,
}

impl AuditSpec {
    /// Every column the audit reads, each once, in a stable order.
    pub fn columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = Vec::new();
        let mut push = |c: &str| {
            if !cols.iter().any(|x| x == c) {
                cols.push(c.to_string());
            }
        };
        self.protected.iter().flatten().for_each(|c| push(c));
        push(self.decision.column());
        if let Some(label) = &self.label {
            push(&label.column);
        }
        cols
    }

    /// The distinct protected attributes, in order of first mention.
    pub fn protected_columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = Vec::new();
        for c in self.protected.iter().flatten() {
            if !cols.contains(c) {
                cols.push(c.clone());
            }
        }
        cols
    }
}
