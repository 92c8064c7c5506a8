//! `fairaudit examples` (the example reports of the bundled datasets) and the demo run
//! (`fairaudit audit` with no arguments): each audits configs from `datasets/` and writes one
//! report per log under a common directory with an index page.

use anyhow::{bail, Context};
use clap::Args;
use fairaudit::bundle;
use fairaudit::bundle::run::log_input;
use fairaudit::front::options::AuditArgs;
use fairaudit::render::OutputFile;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The timestamp of the committed example reports, so that they are reproducible.
const EXAMPLES_TIMESTAMP: &str = "2026-01-01T00:00:00Z";

/// The bundled business logs the demo audits, in the index's order.
const DEMO_LOGS: [&str; 5] = [
    "offers",
    "pricing",
    "pricing_price",
    "service",
    "service_time",
];

/// Arguments of `fairaudit examples`.
#[derive(Debug, Clone, Args)]
pub struct ExamplesArgs {
    /// Compare instead of writing: exit 1 naming every example report that is out of date.
    #[arg(long)]
    pub check: bool,
}

/// Audits the bundled business logs into `reports/demo/` (replaced on every run).
pub fn demo() -> anyhow::Result<i32> {
    let datasets = datasets_dir()?;
    let names: Vec<String> = DEMO_LOGS.iter().map(|s| s.to_string()).collect();
    let files = audit_all(
        &datasets,
        &names,
        "fairaudit demo: the bundled business logs",
        None,
    )?;
    let out = Path::new("reports").join("demo");
    files.write(&out)?;
    println!(
        "demo: audited {} logs; open {}",
        names.len(),
        out.join("index.md").display()
    );
    Ok(0)
}

/// Writes (or with `check`, compares) the example reports of every `datasets/*.toml` in
/// `reports/examples/`.
pub fn run(args: ExamplesArgs) -> anyhow::Result<i32> {
    let check = args.check;
    let datasets = datasets_dir()?;
    let mut names: Vec<String> = std::fs::read_dir(&datasets)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    names.sort();
    let files = audit_all(
        &datasets,
        &names,
        "fairaudit examples: the bundled datasets",
        Some(EXAMPLES_TIMESTAMP),
    )?;
    let out = Path::new("reports").join("examples");
    if !check {
        files.write(&out)?;
        println!(
            "examples: wrote {} reports to {}",
            names.len(),
            out.display()
        );
        return Ok(0);
    }
    let files = files.flat();
    let stale = stale_files(&out, &files);
    if stale.is_empty() {
        println!(
            "examples: all {} files of {} are up to date",
            files.len(),
            out.display()
        );
        Ok(0)
    } else {
        println!(
            "examples: out of date in {}: {}; regenerate with `cargo run --release -- examples`",
            out.display(),
            stale.join(", ")
        );
        Ok(1)
    }
}

/// Files that differ from, are missing from or are extra in `dir`.
fn stale_files(dir: &Path, files: &[OutputFile]) -> Vec<String> {
    let mut stale: Vec<String> = files
        .iter()
        .filter(|f| std::fs::read(dir.join(&f.name)).ok().as_deref() != Some(&f.bytes[..]))
        .map(|f| f.name.clone())
        .collect();
    let mut on_disk = Vec::new();
    bundle::verify::list_files(dir, dir, &mut on_disk);
    stale.extend(
        on_disk
            .into_iter()
            .filter(|n| !files.iter().any(|f| &f.name == n)),
    );
    stale
}

/// `datasets/` under the working directory (the repository root).
fn datasets_dir() -> anyhow::Result<PathBuf> {
    let dir = PathBuf::from("datasets");
    if !dir.is_dir() {
        bail!(
            "datasets/ not found in the working directory; run from the fairaudit repository root"
        );
    }
    Ok(dir)
}

/// One bundle per audited log and an index page linking their reports.
struct Collection {
    /// Each log's name and its bundle.
    bundles: Vec<(String, Vec<OutputFile>)>,
    /// `index.md`.
    index: OutputFile,
}

impl Collection {
    /// Every file, bundles under `<name>/`, the index last.
    fn flat(self) -> Vec<OutputFile> {
        let mut files: Vec<OutputFile> = self
            .bundles
            .into_iter()
            .flat_map(|(name, files)| {
                files.into_iter().map(move |f| OutputFile {
                    name: format!("{name}/{}", f.name),
                    bytes: f.bytes,
                })
            })
            .collect();
        files.push(self.index);
        files
    }

    /// Writes each bundle into `dir/<name>` (replacing an earlier bundle there), then the index.
    fn write(&self, dir: &Path) -> anyhow::Result<()> {
        for (name, files) in &self.bundles {
            bundle::write(&dir.join(name), files, true, &[])?;
        }
        bundle::write_file(dir, &self.index)?;
        Ok(())
    }
}

/// Audits `datasets/<name>.toml` for every name into one bundle each, with an index.
fn audit_all(
    datasets: &Path,
    names: &[String],
    title: &str,
    timestamp: Option<&str>,
) -> anyhow::Result<Collection> {
    let mut bundles = Vec::new();
    let mut index =
        format!("# {title}\n\n| log | rows | decision audited | failing groups | report |\n|---|---:|---|---:|---|\n");
    for name in names {
        let config = datasets.join(format!("{name}.toml"));
        let args = AuditArgs {
            config: Some(config.clone()),
            timestamp: timestamp.map(str::to_string),
            ..Default::default()
        }
        .merged()?;
        let spec = args
            .spec()
            .with_context(|| format!("{}", config.display()))?;
        let results = fairaudit::audit::run(&spec)?;
        let decision = results
            .audit
            .outcome
            .clone()
            .or_else(|| {
                results
                    .audit
                    .score
                    .as_ref()
                    .map(|s| format!("{} >= {}", s.column, s.threshold))
            })
            .unwrap_or_default();
        let _ = writeln!(
            index,
            "| {name} | {} | {decision} | {} | [{name}/report.md]({name}/report.md) |",
            results.input.rows_used, results.failures
        );
        let ctx = args.context(&spec, log_input(&results))?;
        if timestamp.is_none() {
            // The demo: each log's decision sheet on the terminal.
            println!("{name}:");
            for line in fairaudit::render::decision_sheet_lines(&results, &ctx) {
                println!("  {line}");
            }
        }
        bundles.push((name.clone(), bundle::files(&results, &ctx)?));
    }
    Ok(Collection {
        bundles,
        index: OutputFile {
            name: "index.md".into(),
            bytes: index.into_bytes(),
        },
    })
}
