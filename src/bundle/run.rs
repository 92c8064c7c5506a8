//! An audit from its definition to its evidence bundle: the one sequence every front end (the
//! command line, a program using the library) shares. The output directory is checked first,
//! then the signing key and the baseline are read, the log audited, compared with the
//! baseline, rendered, signed and written; nothing is written unless every step succeeded.

use super::{check_output_dir, files, read, sign, write};
use crate::error::Result;
use crate::hash::sha256_file;
use crate::render::context::InputFile;
use crate::render::RunContext;
use crate::results::changes::Changes;
use crate::results::AuditResults;
use crate::spec::AuditSpec;
use std::path::{Path, PathBuf};

/// Where and how an audit's bundle is written.
#[derive(Debug, Clone, Default)]
pub struct BundleOptions {
    /// The output directory.
    pub out: PathBuf,
    /// Whether an earlier bundle there may be replaced.
    pub force: bool,
    /// The secret key (from `fairaudit keygen`) that signs the manifest.
    pub sign: Option<PathBuf>,
    /// The last audit's bundle, to say what changed since.
    pub baseline: Option<PathBuf>,
    /// Files of the run besides the log (config, findings): never written into.
    pub protected_inputs: Vec<PathBuf>,
}

/// An audit written as a bundle.
#[derive(Debug, Clone)]
pub struct AuditBundle {
    /// The audit's results.
    pub results: AuditResults,
    /// What changed since the baseline, with one.
    pub changes: Option<Changes>,
    /// The decision sheet for a terminal ([`crate::render::decision_sheet_lines`]).
    pub sheet: Vec<String>,
}

impl AuditBundle {
    /// Verdicts that fail in this audit.
    pub fn failures(&self) -> usize {
        self.results.failures
    }

    /// Verdicts that became `fail` since the baseline (0 without one).
    pub fn new_failures(&self) -> usize {
        self.changes.as_ref().map_or(0, |c| c.new)
    }
}

/// Audits `spec` and writes its bundle as `options` say. `ctx` is the run's context without the
/// log's files, which are added first among its inputs (and the baseline's results last);
/// `progress` is told when the writing starts. The output directory, the key and the baseline
/// are checked before the audit runs, so a bad one costs no audit.
pub fn audit(
    spec: &AuditSpec,
    ctx: RunContext,
    options: &BundleOptions,
    progress: &dyn Fn(String),
) -> Result<AuditBundle> {
    let destination = Destination::checked(spec, options)?;
    let results = crate::audit::run(spec)?;
    progress(format!("writing the report to {}", options.out.display()));
    destination.write(results, ctx, options)
}

/// Writes the bundle of `results`, the audit of `spec`, as `options` say (the second half of
/// [`audit`], for a front end that keeps the results before writing them).
pub fn write_bundle(
    spec: &AuditSpec,
    results: AuditResults,
    ctx: RunContext,
    options: &BundleOptions,
) -> Result<AuditBundle> {
    Destination::checked(spec, options)?.write(results, ctx, options)
}

/// Where a bundle goes, checked before anything is written: the files it must never overwrite
/// (its inputs), the key that signs it and the baseline's results it is compared with.
struct Destination<'a> {
    never_written: Vec<PathBuf>,
    key: Option<ed25519_dalek::SigningKey>,
    baseline: Option<(&'a Path, AuditResults)>,
}

impl<'a> Destination<'a> {
    /// Checks that the output directory may be written, and reads the key and the baseline.
    fn checked(spec: &AuditSpec, options: &'a BundleOptions) -> Result<Self> {
        let mut never_written: Vec<PathBuf> = vec![spec.data.clone()];
        never_written.extend(options.protected_inputs.iter().cloned());
        never_written.extend(options.baseline.iter().cloned());
        never_written
            .extend(crate::load::files::files(&spec.data, spec.format).unwrap_or_default());
        check_output_dir(&options.out, options.force, &never_written)?;
        let key = options.sign.as_deref().map(sign::secret_key).transpose()?;
        let baseline = options
            .baseline
            .as_deref()
            .map(|dir| Ok::<_, crate::error::AuditError>((dir, read::results(dir)?)))
            .transpose()?;
        Ok(Destination {
            never_written,
            key,
            baseline,
        })
    }

    /// Renders `results` (compared with the baseline, signed with the key) and writes them.
    fn write(
        self,
        results: AuditResults,
        mut ctx: RunContext,
        options: &BundleOptions,
    ) -> Result<AuditBundle> {
        ctx.inputs.splice(0..0, log_input(&results));
        if let Some((dir, before)) = &self.baseline {
            let changes = crate::compare::compare(
                before,
                &dir.display().to_string(),
                &results,
                &options.out.display().to_string(),
            );
            ctx.inputs.push(results_input(dir, "baseline results")?);
            ctx.baseline = Some(changes);
        }
        let mut files = files(&results, &ctx)?;
        if let Some(key) = &self.key {
            files.push(sign::signature(&files, key)?);
        }
        write(&options.out, &files, options.force, &self.never_written)?;
        Ok(AuditBundle {
            sheet: crate::render::decision_sheet_lines(&results, &ctx),
            results,
            changes: ctx.baseline,
        })
    }
}

/// The decision log as input files of the run: the file, or each file of a log read from
/// several.
pub fn log_input(results: &AuditResults) -> Vec<InputFile> {
    let input = &results.input;
    if input.files.is_empty() {
        return vec![InputFile {
            path: input.path.clone(),
            role: "decision log".into(),
            sha256: input.sha256.clone(),
            size_bytes: input.size_bytes,
        }];
    }
    input
        .files
        .iter()
        .map(|f| InputFile {
            path: f.path.clone(),
            role: "decision log".into(),
            sha256: f.sha256.clone(),
            size_bytes: f.size_bytes,
        })
        .collect()
}

/// A bundle's `results.json` as an input of a run, with its hash and the `role` it plays.
pub fn results_input(dir: &Path, role: &str) -> Result<InputFile> {
    let path = dir.join("results.json");
    let (sha256, size_bytes) = sha256_file(&path)?;
    Ok(InputFile {
        path: path.display().to_string(),
        role: role.into(),
        sha256,
        size_bytes,
    })
}
