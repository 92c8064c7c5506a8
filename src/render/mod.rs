//! Render stage: each output format is a pure function from results to files (hyperfine's
//! exporter habit). Renderers only format: every number and judgement comes from the results.

pub mod changes;
mod charts;
pub mod context;
mod controls;
mod explain;
mod headline;
pub mod history;
mod html;
mod json;
mod markdown;
mod numeric;
mod tables;
mod text;
mod trend;
mod verdicts;
mod words;
mod xlsx;

pub use context::RunContext;

use crate::error::Result;
use crate::results::AuditResults;

/// A file to write, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path (`report.md`, `charts/selection_rate_1_race.svg`).
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// One output format.
pub trait Renderer {
    /// The files this format produces for `results` in the run `ctx`.
    fn render(&self, results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>>;
}

/// Every output of an audit run but the manifest (which [`crate::bundle`] adds).
pub fn render_all(results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
    let renderers: [&dyn Renderer; 4] = [
        &markdown::Markdown,
        &charts::Charts,
        &tables::Tables,
        &xlsx::Xlsx,
    ];
    // results.json keeps every number (unless --suppress-json); the outputs for people never
    // show anything from which a group smaller than --min-cell could be worked out.
    let public = results.without_small_groups(ctx.privacy.min_cell);
    let mut files = json::Json.render(results, ctx)?;
    if let Some(c) = &ctx.baseline {
        files.push(changes::json(c)?);
    }
    for r in renderers {
        files.extend(r.render(&public, ctx)?);
    }
    files.extend(html::Html.render_with(&public, ctx, &files)?);
    Ok(files)
}
