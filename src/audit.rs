//! The audit pipeline: load → tally → measure → judge, producing `AuditResults`.

use crate::error::{AuditError, Result};
use crate::estimate::{self, Coverage};
use crate::explain;
use crate::hash::sha256_file_with;
use crate::judge::trend::{failing_streaks, reference_moves};
use crate::judge::{judge, Rules};
use crate::load;
use crate::load::Shape;
use crate::measure::binary::Binary;
use crate::measure::measure_set;
use crate::measure::numeric::Numeric;
use crate::remedies;
use crate::results::explain::Explanation;
use crate::results::{
    AttributeSetResult, AuditInfo, AuditResults, InputInfo, LogFile, PeriodResult,
    RaceEstimateInfo, ScoreRule, TallyEngineUsed, ToolInfo,
};
use crate::spec::{AuditSpec, Decision, Engine, ExplainSpec, Format, OutcomeKind};
use crate::stats::adjust::{adjust, PAdjust};
use crate::tally::cell_file::CellFile;
use crate::tally::{self, PolarsEngine, Tallies};
use crate::value::value_name;
use indexmap::IndexMap;
use polars::prelude::{col, Expr, IntoLazy, LazyFrame};

/// The hash of a log of several files: the SHA-256 of its listing, one line per file in order,
/// `SHA-256  path` as `sha256sum` prints it.
fn log_hash(files: &[std::path::PathBuf], hashes: &[(String, u64)]) -> String {
    let listing: String = files
        .iter()
        .zip(hashes)
        .map(|(f, (h, _))| format!("{h}  {}\n", f.display()))
        .collect();
    crate::hash::sha256_hex(listing.as_bytes())
}

/// The SHA-256 and size of a file.
fn hash_file(path: &std::path::Path) -> Result<(String, u64)> {
    sha256_file_with(path, |_| Ok(()))
}

/// What reading the log gave: its tallies, the files read and their hashes, and with
/// `--estimate-race` how its names and places were found.
struct LogRead {
    tallies: Tallies,
    files: Vec<std::path::PathBuf>,
    hashes: Vec<(String, u64)>,
    estimated: Option<Coverage>,
}

/// With `--estimate-race`: the log's columns with each row's race probabilities added (the
/// columns of the membership attribute `race_est`), in memory only, and how its names and
/// places were found.
fn with_race_estimate(spec: &AuditSpec, frame: LazyFrame) -> Result<(LazyFrame, Option<Coverage>)> {
    let Some(race) = &spec.estimate else {
        return Ok((frame, None));
    };
    let path = spec.data.as_path();
    let columns: Vec<Expr> = spec.columns().iter().map(|c| col(c.as_str())).collect();
    let mut df = load::collect(path, frame.select(columns))?;
    let coverage = estimate::add_estimates(path, &mut df, &race.columns, race.allow_low_coverage)?;
    Ok((df.lazy(), Some(coverage)))
}

/// The tallies of the log on Polars, with the hash of each of its files (or of its frame in
/// memory): one read of each file hashes it and checks the shape of every CSV record or NDJSON
/// line, alongside the tally.
fn polars_tally(spec: &AuditSpec) -> Result<LogRead> {
    let path = spec.data.as_path();
    let (frame, files) = load::open_audit_log(spec)?;
    let (frame, estimated) = with_race_estimate(spec, frame)
        .map_err(|e| load::explain(&files, spec.format, spec.delimiter, e))?;
    let engine = PolarsEngine::new(path, frame)
        .map_err(|e| load::explain(&files, spec.format, spec.delimiter, e))?;
    let (tallies, hashes) = std::thread::scope(|s| {
        let hasher = s.spawn(|| match &spec.frame {
            Some(frame) => crate::hash::sha256_frame(frame.frame())
                .map(|digest| vec![digest])
                .map_err(|e| load::read_error(path, e)),
            None => files
                .iter()
                .map(|file| {
                    let mut shape = Shape::of(file, spec.format, spec.delimiter);
                    sha256_file_with(file, |block| shape.feed(block))
                })
                .collect::<Result<Vec<_>>>(),
        });
        let tallies = tally::tally(&engine, spec);
        let hashes = hasher.join().unwrap_or_else(|_| {
            Err(AuditError::Hash {
                path: path.to_path_buf(),
                source: std::io::Error::other("hashing failed"),
            })
        });
        (tallies, hashes)
    });
    // A malformed file explains a failed tally better than the tally's own error.
    let hashes = hashes?;
    Ok(LogRead {
        tallies: tallies?,
        files,
        hashes,
        estimated,
    })
}

/// Runs the audit described by `spec` on its decision log and returns its results. Writes
/// nothing.
pub fn run(spec: &AuditSpec) -> Result<AuditResults> {
    spec.validate()?;
    let LogRead {
        tallies,
        files,
        hashes,
        estimated,
    } = tally_log(spec)?;
    let mut attribute_sets = measure_all(&tallies, spec, 0)?;
    if let Some(column) = &spec.segment {
        for (value, segment) in &tallies.segments {
            let label: IndexMap<String, String> =
                [(column.clone(), value_name(value).to_string())].into();
            for mut set in measure_all(segment, spec, attribute_sets.len())? {
                set.segment = Some(label.clone());
                attribute_sets.push(set);
            }
        }
    }
    let test_families = adjust_families(&mut attribute_sets, spec.stats.p_adjust);
    let mut results = AuditResults {
        tool: ToolInfo::current(),
        input: input_info(spec, &tallies, &files, &hashes),
        audit: audit_info(spec, &tallies, &test_families, estimated),
        attribute_sets,
        periods: Vec::new(),
        failing_streaks: Vec::new(),
        reference_moves: Vec::new(),
        explain: None,
        failures: 0,
    };
    judge(&mut results, rules_for(spec, &test_families));
    results.periods = periods(&results, &tallies, spec)?;
    results.failing_streaks = failing_streaks(&results);
    results.reference_moves = reference_moves(&results);
    explain_gaps(&mut results, spec)?;
    Ok(results)
}

/// The tallies of the log on the audit's engine, with the files read and their hashes.
fn tally_log(spec: &AuditSpec) -> Result<LogRead> {
    let path = spec.data.as_path();
    let (tallies, files, hashes) = match &spec.engine {
        Engine::Polars => return polars_tally(spec),
        Engine::Cells => {
            let tallies = tally::tally(&CellFile::new(path, spec.format), spec)?;
            (tallies, vec![path.to_path_buf()], vec![hash_file(path)?])
        }
        Engine::Spark { remote } => {
            let plan = tally::TallyPlan::of(spec);
            let (_dir, cells) = tally::spark::cells(&plan, path, spec.format, remote.as_deref())?;
            let tallies = tally::tally(&CellFile::new(&cells, Format::Csv), spec)?;
            // Only the cell table left the cluster: it is the input this machine saw.
            (tallies, vec![path.to_path_buf()], vec![hash_file(&cells)?])
        }
    };
    Ok(LogRead {
        tallies,
        files,
        hashes,
        estimated: None,
    })
}

/// What was read: the log (or the cell table), its hash and size, and its rows.
fn input_info(
    spec: &AuditSpec,
    tallies: &Tallies,
    files: &[std::path::PathBuf],
    hashes: &[(String, u64)],
) -> InputInfo {
    let (sha256, size_bytes) = match hashes {
        [(sha256, size)] => (sha256.clone(), *size),
        _ => (
            log_hash(files, hashes),
            hashes.iter().map(|(_, size)| size).sum(),
        ),
    };
    let parts: Vec<LogFile> = match files.len() {
        1 => Vec::new(),
        _ => files
            .iter()
            .zip(hashes)
            .map(|(file, (sha256, size_bytes))| LogFile {
                path: file.display().to_string(),
                sha256: sha256.clone(),
                size_bytes: *size_bytes,
            })
            .collect(),
    };
    InputInfo {
        path: spec.data.display().to_string(),
        format: spec.format,
        sha256,
        size_bytes,
        rows_read: tallies.rows_read,
        rows_used: tallies.rows_used(),
        rows_excluded: tallies.rows_excluded.clone(),
        files: parts,
        engine: match spec.engine {
            Engine::Polars => TallyEngineUsed::Polars,
            Engine::Cells => TallyEngineUsed::Cells,
            Engine::Spark { .. } => TallyEngineUsed::Spark,
        },
    }
}

/// What was audited and how: the decision, the label, the rules and the settings.
fn audit_info(
    spec: &AuditSpec,
    tallies: &Tallies,
    test_families: &IndexMap<String, usize>,
    estimated: Option<Coverage>,
) -> AuditInfo {
    let numeric = spec.decision.is_value();
    let tests_in_family = rules_for(spec, test_families).family;
    let (outcome, score, positive) = match &spec.decision {
        Decision::Outcome(c) => (Some(c.column.clone()), None, c.positive.clone()),
        Decision::Value { column } => (Some(column.clone()), None, None),
        Decision::AboveMedian { column, .. } => (
            None,
            Some(ScoreRule {
                column: column.clone(),
                threshold: tallies.score_median.unwrap_or(f64::NAN),
            }),
            None,
        ),
        Decision::Score { column, threshold } => (
            None,
            Some(ScoreRule {
                column: column.clone(),
                threshold: *threshold,
            }),
            None,
        ),
    };
    AuditInfo {
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
        test_families: test_families.clone(),
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
        blur_corrected: spec
            .membership
            .iter()
            .filter(|m| m.corrected)
            .map(|m| m.attribute.clone())
            .collect(),
        uncorrected_groups: tallies.uncorrected.clone(),
        race_estimate: spec
            .estimate
            .as_ref()
            .zip(estimated)
            .map(|(race, coverage)| RaceEstimateInfo {
                method: match race.columns.first_name {
                    Some(_) => "BIFSG",
                    None => "BISG",
                }
                .into(),
                surname: race.columns.surname.clone(),
                first_name: race.columns.first_name.clone(),
                zcta: race.columns.zcta.clone(),
                tract: race.columns.tract.clone(),
                coverage,
            }),
        counts_suppressed_below: None,
        kind: numeric.then_some(OutcomeKind::Continuous),
        smd_threshold: numeric.then_some(spec.smd_threshold),
        controls: spec.controls.clone(),
        judge: (!spec.controls.is_empty()).then_some(spec.judge),
        control_bins: tallies.bins.iter().cloned().collect(),
        control_numbers: tallies
            .covariates
            .iter()
            .flat_map(|c| c.columns.iter().map(|(name, _)| name.clone()))
            .collect(),
        selection: spec
            .selection
            .iter()
            .map(|s| (s.column.clone(), s.values.clone()))
            .collect(),
        score_rate: matches!(spec.decision, Decision::AboveMedian { .. })
            .then(|| "median".to_string()),
        explain_left_out: None,
    }
}

/// Each period measured and judged alone, its tests a family of their own.
fn periods(
    results: &AuditResults,
    tallies: &Tallies,
    spec: &AuditSpec,
) -> Result<Vec<PeriodResult>> {
    let mut periods = Vec::new();
    for (k, (period, period_tallies)) in tallies.periods.iter().enumerate() {
        let mut sets = measure_all(period_tallies, spec, PERIOD_SEEDS * (k + 1))?;
        let families = adjust_families(&mut sets, spec.stats.p_adjust);
        let mut judged = AuditResults {
            attribute_sets: sets,
            periods: Vec::new(),
            explain: None,
            ..results.clone()
        };
        judge(&mut judged, rules_for(spec, &families));
        periods.push(PeriodResult {
            period: period.clone(),
            attribute_sets: judged.attribute_sets,
        });
    }
    Ok(periods)
}

/// With `--features`: why the gaps exist, from a sample of the log's rows.
fn explain_gaps(results: &mut AuditResults, spec: &AuditSpec) -> Result<()> {
    let path = spec.data.as_path();
    match (&spec.explain, &spec.engine) {
        (Some(settings), Engine::Polars) => {
            let explained = explain::explain(spec, settings, results, None)?;
            results.explain = Some(with_remedies(explained, results, settings));
        }
        (Some(_), Engine::Cells) => {
            results.audit.explain_left_out = Some(
                "the tallies came from a cell table, which holds no rows for the models to learn from".into(),
            );
        }
        (Some(settings), Engine::Spark { remote }) => {
            // Spark draws the same seeded sample where the log lives; only it comes back.
            let query =
                explain::sample::query(spec, settings, results.input.rows_used, tally::spark::VIEW);
            let (_dir, drawn) = tally::spark::run(&query, path, spec.format, remote.as_deref())?;
            let explained = explain::explain(spec, settings, results, Some(&drawn))?;
            results.explain = Some(with_remedies(explained, results, settings));
        }
        (None, _) => {}
    }
    Ok(())
}

/// The explanation with the remedies of its failing sets, when asked for and the decision is
/// yes/no.
fn with_remedies(
    (mut explanation, learned): (Explanation, explain::Learned),
    results: &AuditResults,
    settings: &ExplainSpec,
) -> Explanation {
    if settings.remedies && learned.decision {
        let explained = remedies::Explained {
            sample: &learned.sample,
            design: &learned.design,
            split: &learned.split,
            proxies: &explanation.proxies,
            causes: &explanation.causes,
        };
        explanation.remedies = remedies::remedies(results, &explained);
    }
    explanation
}

/// The first bootstrap stream of each period's sets is a multiple of this (the pooled sets and
/// segments count from 0).
const PERIOD_SEEDS: usize = 10_000;

/// The rules of judgement of an audit whose tests form `families` (tests per tested rate).
fn rules_for(spec: &AuditSpec, families: &IndexMap<String, usize>) -> Rules {
    let numeric = spec.decision.is_value();
    let judged = spec.decision.kind().judged_metric().name();
    Rules {
        favorable: spec.favorable,
        threshold: spec.di_threshold,
        alpha: spec.stats.alpha,
        p_adjust: spec.stats.p_adjust,
        family: families.get(judged).copied().unwrap_or(0),
        // With a label, the error rate that matters for the audit's direction is judged too.
        error_family: spec.label.as_ref().map(|_| {
            let (metric, _) = spec.favorable.error_rate();
            families.get(metric.name()).copied().unwrap_or(0)
        }),
        smd_threshold: numeric.then_some(spec.smd_threshold),
        adjusted_family: families
            .get(if numeric { ADJUSTED } else { "cmh" })
            .copied(),
    }
}

/// Measures every attribute set of `tallies`; `first` numbers them after the sets already
/// measured (each set's bootstrap has its own stream). In a segment, a reference named with
/// `--reference` that has no rows there (or too few) gives way to the strategy, and the set says so.
fn measure_all(
    tallies: &Tallies,
    spec: &AuditSpec,
    first: usize,
) -> Result<Vec<AttributeSetResult>> {
    let measure = |i: usize, spec: &AuditSpec| {
        let set = &tallies.sets[i];
        let controlled = tallies.controlled.get(i).map(Vec::as_slice);
        // The one place the kind of outcome chooses its measures.
        match tallies.distributions.get(i) {
            Some(distributions) => measure_set(
                Numeric::new(
                    distributions,
                    controlled.map(|c| (c, tallies.covariates.as_ref())),
                ),
                set,
                spec,
                first + i,
            ),
            None => measure_set(
                Binary {
                    controlled,
                    has_label: tallies.has_label,
                },
                set,
                spec,
                first + i,
            )
            .map(|mut result| {
                if let Some(scores) = tallies.scores.get(i) {
                    crate::measure::score::audit(&mut result, scores, spec, tallies.has_label);
                }
                result
            }),
        }
    };
    (0..tallies.sets.len())
        .map(|i| match measure(i, spec) {
            Err(
                AuditError::ReferenceNotFound { values, .. }
                | AuditError::ReferenceExcluded { values, .. },
            ) if first > 0 => {
                let attributes = &tallies.sets[i].attributes;
                let mut fallback = spec.clone();
                fallback.references.retain(|r| &r.attributes != attributes);
                let mut set = measure(i, &fallback)?;
                set.reference_note = Some(format!(
                    "the named reference ({}) has no rows or too few in this segment",
                    values.join(", ")
                ));
                Ok(set)
            }
            other => other,
        })
        .collect()
}

/// Adjusts the tests of each tested rate as a family of its own, across all attribute sets (the
/// selection-rate tests, which the verdicts use, are not diluted by tests no verdict uses);
/// returns each family's size.
fn adjust_families(sets: &mut [AttributeSetResult], method: PAdjust) -> IndexMap<String, usize> {
    let mut sizes = IndexMap::new();
    let mut tested: Vec<String> = Vec::new();
    for name in sets
        .iter()
        .flat_map(|s| &s.groups)
        .flat_map(|g| g.measures.vs_reference.tests.keys())
    {
        if !tested.contains(name) {
            tested.push(name.clone());
        }
    }
    for rate in tested.iter().map(String::as_str) {
        let p: Vec<f64> = sets
            .iter()
            .flat_map(|s| &s.groups)
            .filter_map(|g| g.measures.vs_reference.tests.get(rate))
            .map(|t| t.p_value)
            .collect();
        let adjusted = adjust(&p, method);
        let mut next = adjusted.iter();
        for t in sets
            .iter_mut()
            .flat_map(|s| &mut s.groups)
            .filter_map(|g| g.measures.vs_reference.tests.get_mut(rate))
        {
            t.p_adjusted = next.next().copied().unwrap_or(1.0);
        }
        if !p.is_empty() {
            sizes.insert(rate.to_string(), p.len());
        }
    }
    // The gaps left after the controls are a family of their own.
    let gaps = || {
        sets.iter()
            .flat_map(|s| &s.groups)
            .filter_map(|g| g.measures.vs_reference.adjusted_gap.as_ref())
    };
    let p: Vec<f64> = gaps().map(|a| a.p).collect();
    let adjusted = adjust(&p, method);
    for (gap, p) in sets
        .iter_mut()
        .flat_map(|s| &mut s.groups)
        .filter_map(|g| g.measures.vs_reference.adjusted_gap.as_mut())
        .zip(adjusted)
    {
        gap.p_adjusted = p;
    }
    if !p.is_empty() {
        sizes.insert(ADJUSTED.to_string(), p.len());
    }
    sizes
}

/// The family name of the gaps left after the controls.
const ADJUSTED: &str = "adjusted_gap";
