//! The audit's options, declared once: one struct is the command line (clap), the `--config`
//! TOML file (serde, same names) and, through [`AuditArgs::spec`], the engine's audit
//! definition, whose serialization is the report's appendix. The engine never sees clap types.

use crate::bundle::run::BundleOptions;
use crate::render::context::{timestamp, Cadence, FindingsFile, InputFile, Labels, Privacy};
use crate::render::RunContext;
use crate::spec::{
    AuditSpec, Basis, BinaryColumn, Dated, Decision, Engine, Every, Exclusion, ExplainSpec,
    Favorable, Format, LogFrame, Membership, NameColumns, RaceEstimate, ReferenceChoice,
    ReferenceStrategy, Selection, StatsSpec,
};
use crate::stats::adjust::PAdjust;
use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// `--favorable` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FavorableArg {
    Positive,
    Negative,
}

/// `--kind` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KindArg {
    Binary,
    Continuous,
}

/// `--higher` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HigherArg {
    Favorable,
    Adverse,
}

/// `--every` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EveryArg {
    Month,
    Week,
    Quarter,
}

/// `--engine` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineArg {
    Polars,
    Spark,
}

/// `--score-rate` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreRateArg {
    Median,
}

/// `--reference-strategy` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StrategyArg {
    Largest,
    Highest,
    Overall,
}

/// `--p-adjust` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PAdjustArg {
    Holm,
    Bh,
    None,
}

/// `--judge` values.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JudgeArg {
    Adjusted,
    Raw,
}

/// A list given either as one comma-separated string or as an array (TOML).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    Ok(Option::<OneOrMany>::deserialize(d)?.map(|v| match v {
        OneOrMany::One(s) => s.split(',').map(|x| x.trim().to_string()).collect(),
        OneOrMany::Many(v) => v,
    }))
}

fn one_or_many_sets<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
        None => vec![],
    })
}

/// The audit definition. Every flag can also be a key of the `--config` TOML file (same name);
/// flags override the file.
#[derive(Debug, Clone, Default, PartialEq, Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AuditArgs {
    /// TOML file with the audit definition (keys are the flag names).
    #[arg(long)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// The decision log (CSV, Parquet or NDJSON).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Input format, overriding the file extension: csv, parquet or ndjson.
    #[arg(long)]
    pub format: Option<String>,
    /// Field delimiter of a CSV log (default ,): one character, e.g. ';' or 'tab'.
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Column holding the decision.
    #[arg(long)]
    pub outcome: Option<String>,
    /// Outcome values counted as positive (comma-separated); other non-null values are negative.
    #[arg(long, value_delimiter = ',')]
    #[serde(default, deserialize_with = "one_or_many")]
    pub positive: Option<Vec<String>>,
    /// Score column; the decision is positive when score >= --threshold.
    #[arg(long)]
    pub score: Option<String>,
    /// Threshold for --score.
    #[arg(long, allow_negative_numbers = true)]
    pub threshold: Option<f64>,
    /// Instead of --threshold: `median` counts a --score as selected when strictly above the
    /// log's median score, with impact ratios against the highest group (the scoring-rate table
    /// of a NYC Local Law 144 bias audit).
    #[arg(long, value_enum)]
    pub score_rate: Option<ScoreRateArg>,
    /// Leave out the audit of the --score itself (its ranking by group, its calibration with a
    /// --label, every threshold); the verdicts at --threshold are the same either way.
    #[arg(long)]
    #[serde(default)]
    pub no_score_audit: bool,
    /// Whether the positive decision is good (positive) or bad (negative) for the customer.
    #[arg(long, value_enum)]
    pub favorable: Option<FavorableArg>,
    /// What --outcome holds: binary (a yes/no decision, the default) or continuous (a number
    /// per row: a price, a discount, a waiting time).
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// With --kind continuous: whether a higher value is favorable (a discount) or adverse (a
    /// price, a waiting time) for the people.
    #[arg(long, value_enum)]
    pub higher: Option<HigherArg>,
    /// A legitimate factor the gap is also estimated after (repeatable: product, region, risk
    /// tier, channel); read as categories, except one of more than 10 numbers: a number in a
    /// numeric outcome's regression, five quintile bins for a yes/no decision.
    #[arg(long)]
    #[serde(default, deserialize_with = "one_or_many_sets")]
    pub control: Vec<String>,
    /// Audit only the rows whose COL is one of the values: COL=V1,V2 (repeatable: every one
    /// must hold); the other rows are counted as left out.
    #[arg(long = "where")]
    #[serde(default, rename = "where", deserialize_with = "one_or_many_sets")]
    pub where_: Vec<String>,
    /// A column (product, region) whose every value gets the whole analysis of its own rows, next
    /// to the pooled one.
    #[arg(long)]
    pub segment: Option<String>,
    /// A date column (a date, a datetime or an ISO date string): the whole analysis per period
    /// too, next to the whole range.
    #[arg(long)]
    pub date: Option<String>,
    /// With --date: the length of a period, month (default), week or quarter.
    #[arg(long, value_enum)]
    pub every: Option<EveryArg>,
    /// A cell table computed elsewhere (Parquet or CSV, by `fairaudit sql`'s query): every stage
    /// after the tally runs on it, in place of --data (a config's `data` is then not read).
    #[arg(long)]
    pub cells: Option<PathBuf>,
    /// Where the tallies are computed: polars (default, this machine) or spark (where --data
    /// lives; only the cell table comes back).
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// With --engine spark: a Spark Connect address (sc://host:15002) instead of spark-submit.
    #[arg(long)]
    pub spark_remote: Option<String>,
    /// With --kind continuous: the standardized mean difference beyond which a gap fails when
    /// significant (default 0.2, a "small" effect).
    #[arg(long, allow_negative_numbers = true)]
    pub smd_threshold: Option<f64>,
    /// The inputs the decision system saw, or candidate explanations (comma-separated): turns on
    /// "Why the gaps exist", models of the decision that say what drives it and which inputs
    /// stand for a protected group.
    #[arg(long, value_delimiter = ',')]
    #[serde(default, deserialize_with = "one_or_many")]
    pub features: Option<Vec<String>>,
    /// With --features: rows the models train and test on, a seeded sample of the log (default
    /// 200000).
    #[arg(long)]
    pub explain_sample: Option<usize>,
    /// With --features: depth of the decision tree printed as rules (default 3).
    #[arg(long)]
    pub tree_depth: Option<usize>,
    /// With --features: the share of the model's permutation importance from which a feature
    /// drives the decision (default 0.1).
    #[arg(long)]
    pub proxy_importance: Option<f64>,
    /// With --features: the balanced accuracy from which a feature alone tells a group's members
    /// from the others (default 0.7); a driver that does is a likely proxy.
    #[arg(long)]
    pub proxy_accuracy: Option<f64>,
    /// With --features: features a customer can change (numbers: spend, tenure); the report says
    /// per group how many unfavourable decisions a change of each could turn, and by how much.
    #[arg(long, value_delimiter = ',')]
    #[serde(default, deserialize_with = "one_or_many")]
    pub actionable: Option<Vec<String>>,
    /// With --actionable: FEATURE=MAX, the largest change of the feature a customer can make
    /// within the audit's horizon (repeatable; tenure_months=12 for a year of tenure); default
    /// the feature's interquartile range. A decision that would turn only with a larger change
    /// has no feasible change.
    #[arg(long)]
    #[serde(default, deserialize_with = "one_or_many_sets")]
    pub recourse_horizon: Vec<String>,
    /// With --features: search each set whose four-fifths verdict fails for a less
    /// discriminatory alternative, and say what each costs (on by default; yes/no decisions and
    /// scores only: a numeric outcome has no four-fifths verdict to remedy).
    #[arg(long)]
    #[serde(default)]
    pub remedies: bool,
    /// With --features: leave out the search for alternatives.
    #[arg(long, conflicts_with = "remedies")]
    #[serde(default)]
    pub no_remedies: bool,
    /// Column holding the true outcome, when known.
    #[arg(long)]
    pub label: Option<String>,
    /// Label values counted as positive (comma-separated).
    #[arg(long, value_delimiter = ',')]
    #[serde(default, deserialize_with = "one_or_many")]
    pub label_positive: Option<Vec<String>>,
    /// Protected attribute to audit (repeatable); A,B audits the intersection of A and B.
    #[arg(long)]
    #[serde(default, deserialize_with = "one_or_many_sets")]
    pub protected: Vec<String>,
    /// Reference group, A=V or A,B=V1,V2 for an intersection (repeatable).
    #[arg(long)]
    #[serde(default, deserialize_with = "one_or_many_sets")]
    pub reference: Vec<String>,
    /// How to pick the reference group when not given: largest, highest or overall.
    #[arg(long, value_enum)]
    pub reference_strategy: Option<StrategyArg>,
    /// The four-fifths threshold (default 0.8).
    #[arg(long, allow_negative_numbers = true)]
    pub di_threshold: Option<f64>,
    /// Output directory (default reports/<log file name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace a non-empty output directory.
    #[arg(long)]
    #[serde(default)]
    pub force: bool,
    /// Exit with code 1 when any check needs action (with --control, at equal controls unless
    /// --judge raw).
    #[arg(long)]
    #[serde(default)]
    pub fail_on_violation: bool,
    /// What the statuses and the gates follow with --control: adjusted (default: the gap at
    /// equal controls; a raw gap they explain is EXPLAINED) or raw (the raw rates).
    #[arg(long, value_enum)]
    pub judge: Option<JudgeArg>,
    /// The last audit's bundle: the report says what changed since (changes.json too).
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// With --baseline: exit with code 1 only when a check needs action that did not in the last
    /// audit (following --judge as --fail-on-violation does).
    #[arg(long)]
    #[serde(default)]
    pub fail_on_new_violation: bool,
    /// Most distinct values a protected attribute may have (default 1000).
    #[arg(long)]
    pub max_groups: Option<usize>,
    /// Confidence level of every interval (default 0.95).
    #[arg(long, allow_negative_numbers = true)]
    pub confidence: Option<f64>,
    /// Significance level behind `fail` verdicts (default 0.05).
    #[arg(long, allow_negative_numbers = true)]
    pub alpha: Option<f64>,
    /// Multiple-comparison adjustment: holm (default), bh or none.
    #[arg(long, value_enum)]
    pub p_adjust: Option<PAdjustArg>,
    /// Bootstrap replicates for the between-groups summaries (default 1000; 0 turns it off).
    #[arg(long)]
    pub bootstrap: Option<usize>,
    /// Seed of the bootstrap (default 20240601); the same seed gives the same results.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Groups with fewer rows (or less weight) are excluded (default 30).
    #[arg(long, allow_negative_numbers = true)]
    pub min_group_size: Option<f64>,
    /// Groups with a smaller share of the rows are excluded (default 0; NYC LL144 audits use 0.02).
    #[arg(long, allow_negative_numbers = true)]
    pub min_group_share: Option<f64>,
    /// Leave the (missing) group out of references, comparisons and summaries.
    #[arg(long)]
    #[serde(default)]
    pub exclude_missing: bool,
    /// Attribute values that mean "unknown" (comma-separated, e.g. "Sex Not Available"): they
    /// join the (missing) group instead of being judged as a group.
    #[arg(long, value_delimiter = ',')]
    #[serde(default, deserialize_with = "one_or_many")]
    pub missing_values: Option<Vec<String>>,
    /// Column of row weights: every count becomes a weighted sum.
    #[arg(long)]
    pub weight: Option<String>,
    /// An attribute known as probabilities per row: ATTR=COL:VALUE,COL:VALUE,... (repeatable).
    #[arg(long)]
    #[serde(default, deserialize_with = "one_or_many_sets")]
    pub membership: Vec<String>,
    /// Correct a --membership attribute's groups for the blur of its probabilities (each row
    /// counts partly toward every group, so gaps look smaller), as race_est's are: for
    /// probabilities that are each person's chances given what they are estimated from, such
    /// as those `fairaudit estimate` writes, and a decision that depends on that only through
    /// the attribute (repeatable; Polars engine only).
    #[arg(long)]
    #[serde(default, deserialize_with = "one_or_many_sets")]
    pub correct_blur: Vec<String>,
    /// Race and ethnicity estimated from names and places (BISG; BIFSG with a first name), as
    /// the attribute race_est to use with --protected: surname=COL[,first_name=COL][,zcta=COL or
    /// tract=COL, the tract's 11-digit GEOID]. Its groups are corrected for the estimate's
    /// blur. No row's estimate is written anywhere.
    #[arg(long)]
    pub estimate_race: Option<String>,
    /// With --estimate-race: estimate even when fewer than half the surnames are in the Census
    /// list (the method is for US names and places).
    #[arg(long)]
    #[serde(default)]
    pub allow_low_coverage: bool,
    /// The decision system audited, in words (shown in the report's scope).
    #[arg(long)]
    pub system: Option<String>,
    /// What the label is and why it is a genuine ground truth, not a consequence of the
    /// decision, in one sentence (shown in the report's scope beside the error rates).
    #[arg(long)]
    pub label_means: Option<String>,
    /// The period the log covers, in words (shown in the report's scope).
    #[arg(long)]
    pub period: Option<String>,
    /// How often this audit runs: monthly (default), quarterly, yearly, or once (a one-off review
    /// of past decisions); the report's next steps follow it.
    #[arg(long, value_parser = parse_cadence)]
    pub cadence: Option<Cadence>,
    /// Plain names for sentences and charts (config file only, `[labels]`): `decision` ("received
    /// a discount offer"), `people` ("customers") and any protected attribute (`age_band = "age
    /// band"`).
    #[arg(skip)]
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
    /// Pin the run's timestamp (RFC 3339 or seconds since 1970; default SOURCE_DATE_EPOCH, else now).
    #[arg(long)]
    pub timestamp: Option<String>,
    /// TOML file of earlier findings ([[finding]] with finding, owner, action, due, status).
    #[arg(long)]
    pub findings: Option<PathBuf>,
    /// Counts below this are shown as "<N" in the report and tables (default 5).
    #[arg(long, allow_negative_numbers = true)]
    pub min_cell: Option<f64>,
    /// Sign the bundle with this Ed25519 secret key (from `fairaudit keygen`): writes
    /// manifest.json.sig, which `fairaudit verify --key KEY.pub` checks.
    #[arg(long)]
    pub sign: Option<PathBuf>,
    /// Also drop counts below --min-cell from results.json (as null).
    #[arg(long)]
    #[serde(default)]
    pub suppress_json: bool,
}

/// Every option's name as the `--config` file spells it (`label-means`), in declaration order:
/// the keys [`AuditArgs`] reads, and so the Python package's keywords (with `_` for `-`).
pub fn option_names() -> Vec<&'static str> {
    serde_aux::serde_introspection::serde_introspect::<AuditArgs>().to_vec()
}

impl AuditArgs {
    /// How the bundle of this audit is written into `out`: replaced under `--force`, signed
    /// with `--sign`, compared with `--baseline`, never over the config and findings files.
    pub fn bundle_options(&self, out: PathBuf) -> BundleOptions {
        BundleOptions {
            out,
            force: self.force,
            sign: self.sign.clone(),
            baseline: self.baseline.clone(),
            protected_inputs: self.config.iter().chain(&self.findings).cloned().collect(),
        }
    }

    /// Whether nothing was given (the demo run).
    pub fn is_empty(&self) -> bool {
        *self == AuditArgs::default()
    }

    /// Reads the `--config` file, if any, and lets the flags override it: every option given on
    /// the command line replaces the file's. Paths in the file are relative to the file.
    pub fn merged(self) -> anyhow::Result<AuditArgs> {
        let Some(config) = self.config.clone() else {
            return Ok(self);
        };
        let text = read_settings(&config, "the config file")?;
        let mut file: AuditArgs = toml::from_str(&text)
            .with_context(|| format!("{}: invalid config", config.display()))?;
        let base = config.parent().unwrap_or(Path::new(""));
        for path in [
            &mut file.data,
            &mut file.out,
            &mut file.findings,
            &mut file.sign,
            &mut file.baseline,
            &mut file.cells,
        ] {
            *path = path.take().map(|p| base.join(p));
        }
        // Merged as TOML values (not JSON, which has no NaN): a flag given on the command line
        // replaces the file's key; unset options are absent, unset switches false.
        let mut merged = toml::Table::try_from(&file)?;
        for (key, value) in toml::Table::try_from(&self)? {
            let given = !matches!(&value, toml::Value::Boolean(false))
                && value.as_array().is_none_or(|a| !a.is_empty());
            if given {
                merged.insert(key, value);
            }
        }
        let mut args: AuditArgs = merged.try_into()?;
        args.config = Some(config);
        Ok(args)
    }

    /// Where the tallies are computed, after checking that the flags fit together.
    fn engine_of(&self) -> anyhow::Result<Engine> {
        match (&self.cells, self.engine, &self.spark_remote) {
            (Some(_), Some(EngineArg::Spark), _) | (Some(_), _, Some(_)) => {
                bail!("--cells is a tally computed already: it goes without --engine spark")
            }
            (Some(_), _, _) => Ok(Engine::Cells),
            (None, Some(EngineArg::Spark), remote) => Ok(Engine::Spark {
                remote: remote.clone(),
            }),
            (None, _, Some(_)) => bail!("--spark-remote goes with --engine spark"),
            (None, _, None) => Ok(Engine::Polars),
        }
    }

    /// The engine's audit definition, after checking that the arguments fit together.
    pub fn spec(&self) -> anyhow::Result<AuditSpec> {
        self.spec_of(None)
    }

    /// The audit definition of the log `frame`, already in memory (from Python), in place of the
    /// log a configuration's `data` names: read by Polars where it is, so neither a cell table,
    /// a format nor another engine goes with it.
    pub fn spec_of_frame(&self, frame: LogFrame) -> anyhow::Result<AuditSpec> {
        if let Some(cells) = &self.cells {
            bail!(
                "cells {}: a cell table is audited from its file, not with a frame",
                cells.display()
            );
        }
        if self.engine.is_some() || self.format.is_some() {
            bail!("a frame in memory is read by Polars where it is: it takes no engine or format");
        }
        self.spec_of(Some(frame))
    }

    /// The audit definition of the log `data` names, or of `frame` when given.
    fn spec_of(&self, frame: Option<LogFrame>) -> anyhow::Result<AuditSpec> {
        let engine = self.engine_of()?;
        let (data, format) = match &frame {
            Some(frame) => (PathBuf::from(frame.name()), Format::Arrow),
            None => {
                let Some(data) = self.cells.clone().or(self.data.clone()) else {
                    bail!("--data is required: the decision log to audit");
                };
                let format = self.format_of(&data)?;
                (data, format)
            }
        };
        let continuous = self.kind == Some(KindArg::Continuous);
        self.check_combinations(continuous)?;
        let explain = self.explain_spec(continuous)?;
        let decision = self.decision(continuous)?;
        let label = self.label()?;
        let (protected, membership) = self.protected_sets()?;
        if let (Some(attribute), false) = (self.correct_blur.first(), engine == Engine::Polars) {
            bail!("--correct-blur {attribute}: the correction's sums are made on Polars, not with --engine");
        }
        let references = self
            .reference
            .iter()
            .map(|r| parse_reference(r, &protected))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let di_threshold = self.di_threshold.unwrap_or(0.8);
        if let Some(min_cell) = self.min_cell {
            if !(min_cell.is_finite() && min_cell >= 0.0) {
                bail!("--min-cell {min_cell}: must be a count, 0 or more");
            }
        }
        let delimiter = self.delimiter(format)?;
        let spec = AuditSpec {
            data,
            frame,
            estimate: self.race_estimate(&engine)?,
            engine,
            format,
            delimiter,
            decision,
            favorable: match (
                self.higher,
                self.favorable.unwrap_or(FavorableArg::Positive),
            ) {
                (Some(HigherArg::Favorable), _) => Favorable::Positive,
                (Some(HigherArg::Adverse), _) => Favorable::Negative,
                (None, FavorableArg::Positive) => Favorable::Positive,
                (None, FavorableArg::Negative) => Favorable::Negative,
            },
            label,
            protected,
            references,
            reference_strategy: match self.reference_strategy.unwrap_or(
                if self.score_rate.is_some() {
                    // Local Law 144 compares each category with the one selected most often.
                    StrategyArg::Highest
                } else {
                    StrategyArg::Largest
                },
            ) {
                StrategyArg::Largest => ReferenceStrategy::Largest,
                StrategyArg::Highest => ReferenceStrategy::Highest,
                StrategyArg::Overall => ReferenceStrategy::Overall,
            },
            di_threshold,
            smd_threshold: self.smd_threshold.unwrap_or(0.2),
            judge: match self.judge.unwrap_or(JudgeArg::Adjusted) {
                JudgeArg::Adjusted => Basis::Adjusted,
                JudgeArg::Raw => Basis::Raw,
            },
            max_groups: self.max_groups.unwrap_or(1000),
            weight: self.weight.clone(),
            membership,
            missing_values: self.missing_values.clone().unwrap_or_default(),
            controls: self.control.clone(),
            explain,
            dated: self.date.clone().map(|column| Dated {
                column,
                every: match self.every.unwrap_or(EveryArg::Month) {
                    EveryArg::Month => Every::Month,
                    EveryArg::Week => Every::Week,
                    EveryArg::Quarter => Every::Quarter,
                },
            }),
            segment: self.segment.clone(),
            score_audit: !self.no_score_audit,
            selection: self
                .where_
                .iter()
                .map(|w| match w.split_once('=') {
                    Some((c, v)) if !c.trim().is_empty() && !v.is_empty() => Ok(Selection {
                        column: c.trim().to_string(),
                        values: split_list(v),
                    }),
                    _ => bail!("--where {w:?}: expected COL=VALUE or COL=V1,V2"),
                })
                .collect::<anyhow::Result<Vec<_>>>()?,
            stats: self.stats(),
            exclusion: self.exclusion(),
        };
        spec.validate()?;
        Ok(spec)
    }

    /// `--estimate-race surname=COL,first_name=COL,zcta=COL`, read where the log is (on Polars).
    fn race_estimate(&self, engine: &Engine) -> anyhow::Result<Option<RaceEstimate>> {
        let Some(text) = &self.estimate_race else {
            if self.allow_low_coverage {
                bail!("--allow-low-coverage goes with --estimate-race");
            }
            return Ok(None);
        };
        if *engine != Engine::Polars {
            bail!("--estimate-race {text}: the estimate is made where the log is read, on Polars, not with --engine");
        }
        let (mut surname, mut first_name, mut zcta, mut tract) = (None, None, None, None);
        let usage = || {
            format!("--estimate-race {text:?}: expected surname=COL[,first_name=COL][,zcta=COL or tract=COL]")
        };
        for pair in split_list(text) {
            let (key, column) = pair
                .split_once('=')
                .map(|(k, c)| (k.trim(), c.trim()))
                .unwrap_or_default();
            let slot = match key {
                "surname" => &mut surname,
                "first_name" => &mut first_name,
                "zcta" => &mut zcta,
                "tract" => &mut tract,
                _ => bail!(usage()),
            };
            if column.is_empty() || slot.is_some() {
                bail!(usage());
            }
            *slot = Some(column.to_string());
        }
        let Some(surname) = surname else {
            bail!("--estimate-race {text:?}: the surname is needed (surname=COL)");
        };
        if zcta.is_some() && tract.is_some() {
            bail!("--estimate-race {text:?}: give the place as a ZCTA or as a tract, not both");
        }
        Ok(Some(RaceEstimate {
            columns: NameColumns {
                surname,
                first_name,
                zcta,
                tract,
            },
            allow_low_coverage: self.allow_low_coverage,
        }))
    }

    /// The log's format: `--format`, or the file's extension.
    fn format_of(&self, data: &Path) -> anyhow::Result<Format> {
        Ok(match &self.format {
            Some(f) => Format::parse(f)
                .with_context(|| format!("--format {f}: use csv, parquet or ndjson"))?,
            None => crate::load::files::format_of(&data).with_context(|| {
                format!(
                    "{}: unknown file extension; name the format with --format csv|parquet|ndjson",
                    data.display()
                )
            })?,
        })
    }

    /// Fails when options that do not go together are given together.
    fn check_combinations(&self, continuous: bool) -> anyhow::Result<()> {
        if continuous {
            self.check_continuous()?;
        } else if self.higher.is_some() || self.smd_threshold.is_some() {
            bail!("--higher and --smd-threshold go with --kind continuous");
        }
        if let Some(c) = self.segment.as_ref().filter(|c| {
            self.control.contains(c) || self.protected.iter().any(|p| split_list(p).contains(c))
        }) {
            bail!("--segment {c}: it is already audited (--protected) or a --control; a segment is another column");
        }
        if self.every.is_some() && self.date.is_none() {
            bail!("--every goes with --date, the column the periods are read from");
        }
        if !self.control.is_empty() && (self.weight.is_some() || !self.membership.is_empty()) {
            bail!("--control does not go with --weight or --membership yet");
        }
        if let Some(c) = self
            .control
            .iter()
            .find(|c| self.protected.iter().any(|p| split_list(p).contains(c)))
        {
            bail!("--control {c}: it is audited with --protected; a control is another column (product, region, risk tier)");
        }
        Ok(())
    }

    /// The decision audited: an outcome column, a score and its threshold, or a number.
    fn decision(&self, continuous: bool) -> anyhow::Result<Decision> {
        Ok(match (&self.outcome, &self.score, self.threshold) {
            (Some(outcome), None, None) if continuous => Decision::Value {
                column: outcome.clone(),
            },
            (None, Some(score), None) if self.score_rate.is_some() => {
                if self.positive.is_some() {
                    bail!("--positive goes with --outcome; with --score-rate median a score is selected when above the median");
                }
                Decision::AboveMedian {
                    column: score.clone(),
                    median: None,
                }
            }
            (_, _, Some(_)) if self.score_rate.is_some() => {
                bail!("--score-rate median replaces --threshold: give one of them")
            }
            (Some(_), None, None) if self.score_rate.is_some() => {
                bail!("--score-rate goes with --score, the column holding the score")
            }
            (Some(_), Some(_), _) => bail!("give either --outcome or --score, not both"),
            (Some(outcome), None, None) => Decision::Outcome(BinaryColumn {
                column: outcome.clone(),
                positive: self.positive.clone(),
            }),
            (Some(_), None, Some(_)) => bail!("--threshold goes with --score, not --outcome"),
            (None, Some(score), Some(threshold)) => {
                if !threshold.is_finite() {
                    bail!("--threshold {threshold}: must be a finite number");
                }
                if self.positive.is_some() {
                    bail!("--positive goes with --outcome; with --score the decision is score >= --threshold");
                }
                Decision::Score {
                    column: score.clone(),
                    threshold,
                }
            }
            (None, Some(_), None) => bail!("--score needs --threshold"),
            (None, None, _) => {
                bail!("--outcome (or --score with --threshold) is required: the decision to audit")
            }
        })
    }

    /// The true outcome, with `--label`.
    fn label(&self) -> anyhow::Result<Option<BinaryColumn>> {
        Ok(match (&self.label, &self.label_positive) {
            (Some(l), p) => Some(BinaryColumn {
                column: l.clone(),
                positive: p.clone(),
            }),
            (None, Some(_)) => bail!("--label-positive goes with --label"),
            (None, None) => None,
        })
    }

    /// The attribute sets audited, and the attributes known only as probabilities.
    fn protected_sets(&self) -> anyhow::Result<(Vec<Vec<String>>, Vec<Membership>)> {
        if self.protected.is_empty() {
            bail!("--protected is required: the attribute(s) to audit, e.g. --protected sex --protected race,sex");
        }
        let protected: Vec<Vec<String>> = self.protected.iter().map(|p| split_list(p)).collect();
        if let Some(empty) = self
            .protected
            .iter()
            .find(|p| split_list(p).iter().any(|a| a.is_empty()))
        {
            bail!("--protected {empty:?}: empty attribute name");
        }
        let mut membership = self
            .membership
            .iter()
            .map(|m| parse_membership(m))
            .collect::<anyhow::Result<Vec<_>>>()?;
        if self.estimate_race.is_some() {
            if membership
                .iter()
                .any(|m| m.attribute == RaceEstimate::ATTRIBUTE)
            {
                bail!(
                    "--membership {}: that attribute is --estimate-race's",
                    RaceEstimate::ATTRIBUTE
                );
            }
            membership.push(RaceEstimate::membership());
        }
        for attribute in &self.correct_blur {
            match membership.iter_mut().find(|m| &m.attribute == attribute) {
                Some(m) => m.corrected = true,
                None => bail!("--correct-blur {attribute}: not a --membership attribute"),
            }
        }
        for set in &protected {
            if set
                .iter()
                .filter(|a| membership.iter().any(|m| &m.attribute == *a))
                .count()
                > 1
            {
                bail!(
                    "--protected {}: at most one attribute of a set can be a --membership",
                    set.join(",")
                );
            }
        }
        Ok((protected, membership))
    }

    /// The intervals', tests' and bootstrap's settings.
    fn stats(&self) -> StatsSpec {
        let defaults = StatsSpec::default();
        StatsSpec {
            confidence: self.confidence.unwrap_or(defaults.confidence),
            alpha: self.alpha.unwrap_or(defaults.alpha),
            p_adjust: match self.p_adjust.unwrap_or(PAdjustArg::Holm) {
                PAdjustArg::Holm => PAdjust::Holm,
                PAdjustArg::Bh => PAdjust::Bh,
                PAdjustArg::None => PAdjust::None,
            },
            bootstrap: self.bootstrap.unwrap_or(defaults.bootstrap),
            seed: self.seed.unwrap_or(defaults.seed),
        }
    }

    /// Which groups are too small to judge.
    fn exclusion(&self) -> Exclusion {
        let defaults = Exclusion::default();
        Exclusion {
            min_group_size: self.min_group_size.unwrap_or(defaults.min_group_size),
            min_group_share: self.min_group_share.unwrap_or(defaults.min_group_share),
            exclude_missing: self.exclude_missing,
        }
    }

    /// The field delimiter of a CSV log.
    fn delimiter(&self, format: Format) -> anyhow::Result<u8> {
        let delimiter = match self.delimiter.as_deref() {
            None => b',',
            Some("tab" | "\\t" | "\t") => b'\t',
            Some(d) if d.len() == 1 && d.is_ascii() && d != "\"" && d != "\n" => d.as_bytes()[0],
            Some(d) => bail!("--delimiter {d:?}: one ASCII character, e.g. ';' or 'tab'"),
        };
        if delimiter != b',' && format != Format::Csv {
            bail!("--delimiter goes with CSV logs");
        }
        Ok(delimiter)
    }

    /// The options a numeric outcome takes: an --outcome column, --higher, and none of the
    /// yes/no decision's options.
    fn check_continuous(&self) -> anyhow::Result<()> {
        if self.score.is_some() || self.outcome.is_none() {
            bail!("--kind continuous needs --outcome, the column holding the number (a price, a waiting time)");
        }
        if self.higher.is_none() {
            bail!("--kind continuous needs --higher favorable (a discount) or --higher adverse (a price, a waiting time)");
        }
        for (given, flag) in [
            (self.favorable.is_some(), "--favorable"),
            (self.positive.is_some(), "--positive"),
            (self.label.is_some(), "--label"),
            (self.weight.is_some(), "--weight"),
            (!self.membership.is_empty(), "--membership"),
        ] {
            if given {
                bail!("{flag} does not go with --kind continuous");
            }
        }
        Ok(())
    }

    /// The explanation's settings, when --features is given, checked.
    fn explain_spec(&self, continuous: bool) -> anyhow::Result<Option<ExplainSpec>> {
        let Some(features) = self.features.clone().filter(|f| !f.is_empty()) else {
            if self.explain_sample.is_some()
                || self.actionable.is_some()
                || self.tree_depth.is_some()
                || self.proxy_importance.is_some()
                || self.proxy_accuracy.is_some()
                || self.remedies
                || self.no_remedies
            {
                bail!("--explain-sample, --actionable, --tree-depth, --proxy-importance, --proxy-accuracy, --remedies and --no-remedies go with --features");
            }
            return Ok(None);
        };
        if !self.recourse_horizon.is_empty() && self.actionable.is_none() {
            bail!("--recourse-horizon goes with --actionable: it bounds the change of an actionable feature");
        }
        if continuous && self.actionable.is_some() {
            bail!("--actionable goes with a yes/no decision or a score: recourse turns a decision");
        }
        if continuous && self.remedies {
            bail!("--remedies goes with a yes/no decision or a score: a remedy is another rule that decides yes or no");
        }
        if self.weight.is_some() || !self.membership.is_empty() {
            bail!("--features does not go with --weight or --membership yet");
        }
        for (column, flag) in [
            (&self.outcome, "--outcome"),
            (&self.label, "--label"),
            (&self.score, "--score"),
        ] {
            if let Some(c) = column.as_ref().filter(|c| features.contains(c)) {
                bail!("--features {c}: it is the {flag} column; a feature is an input of the decision");
            }
        }
        let defaults = ExplainSpec::default();
        let spec = ExplainSpec {
            features,
            sample: self.explain_sample.unwrap_or(defaults.sample),
            tree_depth: self.tree_depth.unwrap_or(defaults.tree_depth),
            proxy_importance: self.proxy_importance.unwrap_or(defaults.proxy_importance),
            proxy_accuracy: self.proxy_accuracy.unwrap_or(defaults.proxy_accuracy),
            actionable: self.actionable.clone().unwrap_or_default(),
            recourse_horizon: self
                .recourse_horizon
                .iter()
                .map(|h| parse_horizon(h))
                .collect::<anyhow::Result<_>>()?,
            // A numeric outcome has no four-fifths verdict to remedy: no search.
            remedies: !self.no_remedies && !continuous,
        };
        if let Some(c) = spec.actionable.iter().find(|c| !spec.features.contains(c)) {
            bail!("--actionable {c}: not among --features; an actionable feature is an input of the models");
        }
        if let Some((c, _)) = spec
            .recourse_horizon
            .iter()
            .find(|(c, _)| !spec.actionable.contains(c))
        {
            bail!("--recourse-horizon {c}: not among --actionable; a horizon bounds an actionable feature's change");
        }
        Ok(Some(spec))
    }

    /// The run's context for the renderers: configuration, input files with their hashes,
    /// timestamp, follow-up of earlier findings and privacy settings.
    pub fn context(&self, spec: &AuditSpec, log: Vec<InputFile>) -> anyhow::Result<RunContext> {
        let mut inputs = log;
        let mut follow_up = Vec::new();
        for (path, role) in [(&self.config, "config"), (&self.findings, "findings")] {
            if let Some(path) = path {
                let text = read_settings(path, &format!("the {role} file"))?;
                inputs.push(InputFile {
                    path: path.display().to_string(),
                    role: role.into(),
                    sha256: crate::hash::sha256_hex(text.as_bytes()),
                    size_bytes: text.len() as u64,
                });
            }
        }
        if let Some(path) = &self.findings {
            let text = read_settings(path, "the findings")?;
            let file: FindingsFile = toml::from_str(&text)
                .with_context(|| format!("{}: invalid findings file", path.display()))?;
            follow_up = file.finding;
        }
        let min_cell = self.min_cell.unwrap_or(Privacy::default().min_cell);
        Ok(RunContext {
            configuration: serde_json::to_value(spec)?,
            timestamp: timestamp(self.timestamp.as_deref()).map_err(anyhow::Error::msg)?,
            inputs,
            follow_up,
            privacy: Privacy {
                min_cell,
                suppress_json: self.suppress_json,
            },
            system: self.system.clone(),
            label_means: self.label_means.clone(),
            period: self.period.clone(),
            labels: self.labels_for(spec)?,
            cadence: self.cadence.unwrap_or_default(),
            baseline: None,
        })
    }

    /// The `[labels]`, checked: every key other than `decision`, `people` and the outcomes names
    /// a protected attribute (or a numeric outcome's column).
    fn labels_for(&self, spec: &AuditSpec) -> anyhow::Result<Labels> {
        let mut attributes: Vec<&str> = spec
            .protected
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if spec.decision.is_value() {
            attributes.push(spec.decision.column());
        }
        attributes.extend(spec.controls.iter().map(String::as_str));
        attributes.extend(spec.segment.as_deref());
        attributes.extend(
            spec.explain
                .iter()
                .flat_map(|e| e.features.iter().map(String::as_str)),
        );
        let mut seen = Vec::new();
        attributes.retain(|a| {
            let first = !seen.contains(a);
            seen.push(*a);
            first
        });
        match self.labels.unit.as_deref() {
            Some(unit) if unit.trim().is_empty() => bail!("[labels] unit: empty; give the outcome's unit (\"EUR\", \"hours\") or leave it out"),
            Some(unit) if !spec.decision.is_value() => bail!(
                "[labels] unit = {unit:?}: only a numeric outcome (kind = \"continuous\") has a unit; this audit judges a yes/no decision"
            ),
            _ => {}
        }
        for key in self.labels.attributes.keys() {
            if !attributes.contains(&key.as_str()) {
                bail!(
                    "[labels] {key:?}: not a column of this audit; the keys are decision, people and the columns audited, controlled for or explained ({})",
                    attributes.join(", ")
                );
            }
        }
        Ok(self.labels.clone())
    }

    /// Where outputs go: `--out`, or `reports/<log file stem>`.
    pub fn out_dir(&self, spec: &AuditSpec) -> PathBuf {
        self.out.clone().unwrap_or_else(|| {
            let stem = spec
                .data
                .file_stem()
                .map(|s| s.to_string_lossy().to_string());
            Path::new("reports").join(stem.unwrap_or_else(|| "audit".into()))
        })
    }
}

/// `--cadence` values.
/// `FEATURE=MAX` of `--recourse-horizon`: a feature and the largest change of it, a positive
/// number.
fn parse_horizon(text: &str) -> anyhow::Result<(String, f64)> {
    let parsed = text.split_once('=').and_then(|(feature, max)| {
        let max: f64 = max.trim().parse().ok()?;
        (!feature.trim().is_empty() && max.is_finite() && max > 0.0)
            .then(|| (feature.trim().to_string(), max))
    });
    parsed.ok_or_else(|| {
        anyhow::anyhow!("--recourse-horizon {text:?}: expected FEATURE=MAX with MAX a positive number (tenure_months=12)")
    })
}

fn parse_cadence(text: &str) -> Result<Cadence, String> {
    match text {
        "monthly" => Ok(Cadence::Monthly),
        "quarterly" => Ok(Cadence::Quarterly),
        "yearly" => Ok(Cadence::Yearly),
        "once" => Ok(Cadence::Once),
        _ => Err("use monthly, quarterly, yearly or once".to_string()),
    }
}

/// The most a settings file (config, findings, effects) may hold.
const MAX_SETTINGS_BYTES: u64 = 1 << 20;

/// Reads a settings file: a regular file of at most 1 MiB of UTF-8 text (`/dev/zero` or a FIFO is
/// refused instead of read until memory runs out).
pub fn read_settings(path: &Path, what: &str) -> anyhow::Result<String> {
    use std::io::Read;
    let meta = std::fs::metadata(path)
        .with_context(|| format!("{}: cannot read {what}", path.display()))?;
    if !meta.is_file() {
        bail!("{}: {what} is not a regular file", path.display());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_SETTINGS_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("{}: cannot read {what}", path.display()))?;
    if bytes.len() as u64 > MAX_SETTINGS_BYTES {
        bail!(
            "{}: {what} is larger than 1 MiB; settings files are small TOML files",
            path.display()
        );
    }
    String::from_utf8(bytes)
        .with_context(|| format!("{}: {what} is not UTF-8 text", path.display()))
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(|x| x.trim().to_string()).collect()
}

/// Parses `ATTR=COL:VALUE,COL:VALUE,...`.
fn parse_membership(text: &str) -> anyhow::Result<Membership> {
    let usage = || format!("--membership {text:?}: expected ATTR=COLUMN:VALUE,COLUMN:VALUE,...");
    let (attribute, pairs) = text.split_once('=').with_context(usage)?;
    let columns = pairs
        .split(',')
        .map(|p| {
            p.split_once(':')
                .map(|(c, v)| (c.trim().to_string(), v.trim().to_string()))
                .with_context(usage)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if attribute.trim().is_empty() || columns.is_empty() {
        bail!(usage());
    }
    Ok(Membership {
        attribute: attribute.trim().to_string(),
        columns,
        corrected: false,
    })
}

/// Parses `A=V` or `A,B=V1,V2`; the attribute set must be one of the audited ones.
fn parse_reference(text: &str, protected: &[Vec<String>]) -> anyhow::Result<ReferenceChoice> {
    let Some((attrs, values)) = text.split_once('=') else {
        bail!("--reference {text:?}: expected ATTRIBUTE=VALUE (or A,B=V1,V2 for an intersection)");
    };
    let attributes = split_list(attrs);
    let values = split_list(values);
    if attributes.len() != values.len() {
        bail!(
            "--reference {text:?}: {} attributes but {} values",
            attributes.len(),
            values.len()
        );
    }
    if !protected.contains(&attributes) {
        bail!(
            "--reference {text:?}: {} is not an audited attribute set (add --protected {})",
            attrs,
            attrs
        );
    }
    Ok(ReferenceChoice { attributes, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("audit.toml");
        std::fs::write(
            &config,
            "data = \"log.csv\"\noutcome = \"risk\"\npositive = \"Medium,High\"\nprotected = [\"race\", \"race,sex\"]\nfavorable = \"negative\"\ndi-threshold = 0.9\n",
        )
        .unwrap();
        let args = AuditArgs {
            config: Some(config),
            di_threshold: Some(0.75),
            ..Default::default()
        };
        let spec = args.merged().unwrap().spec().unwrap();
        assert_eq!(spec.data, dir.path().join("log.csv"));
        assert_eq!(spec.di_threshold, 0.75);
        assert_eq!(spec.favorable, Favorable::Negative);
        assert_eq!(
            spec.protected,
            vec![vec!["race".to_string()], vec!["race".into(), "sex".into()]]
        );
        let Decision::Outcome(c) = spec.decision else {
            panic!("outcome expected")
        };
        assert_eq!(
            c.positive,
            Some(vec!["Medium".to_string(), "High".to_string()])
        );
    }

    #[test]
    fn membership_parses() {
        let m = parse_membership("race=p_white:White,p_black:Black").unwrap();
        assert_eq!(m.attribute, "race");
        assert_eq!(
            m.columns,
            vec![
                ("p_white".into(), "White".into()),
                ("p_black".into(), "Black".into())
            ]
        );
        assert!(parse_membership("race=p_white").is_err());
    }

    #[test]
    fn intersection_reference_parses() {
        let protected = vec![vec!["race".to_string(), "sex".to_string()]];
        let r = parse_reference("race,sex=Black,Female", &protected).unwrap();
        assert_eq!(r.values, vec!["Black", "Female"]);
        assert!(parse_reference("race=Black", &protected).is_err());
        assert!(parse_reference("race,sex=Black", &protected).is_err());
    }
}
