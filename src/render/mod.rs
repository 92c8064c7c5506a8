//! Render stage: each output format is a pure function from results to files (hyperfine's
//! exporter habit). Renderers only format: every number and judgement comes from the results.

mod charts;
pub mod context;
mod headline;
mod html;
mod json;
mod markdown;
mod tables;
mod text;

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
        &json::Json,
        &markdown::Markdown,
        &charts::Charts,
        &tables::Tables,
    ];
    let mut files = Vec::new();
    for r in renderers {
        files.extend(r.render(results, ctx)?);
    }
    files.extend(html::Html.render_with(results, ctx, &files)?);
    Ok(files)
}
