//! Render stage: each output format is a pure function from results to files (hyperfine's
//! exporter habit). Renderers only format: every number and judgement comes from the results.
//!
//! The folder shows the report's structure: [`formats`] holds one module per file written
//! (`results.json`, `report.md`, `report.html`, the CSV tables, the workbook), [`sections`] the
//! report's parts they put together, [`kinds`] what each kind of outcome shows, and [`charts`]
//! the charts; [`words`] and [`text`] are the sentences' names and number formats, [`history`]
//! the document of a series of audits.

mod charts;
pub mod context;
mod formats;
pub mod history;
mod kinds;
mod sections;
mod text;
mod words;

pub use context::RunContext;
pub use sections::changes;

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

/// The decision sheet in plain text, for a terminal: its overall sentence, then one line per
/// check (`✖ ACTION NEEDED  selection rate by ethnicity`), as the report's executive summary
/// has them (small groups hidden as there).
pub fn decision_sheet_lines(results: &AuditResults, ctx: &RunContext) -> Vec<String> {
    let mut public = results.without_small_groups(ctx.privacy.min_cell);
    crate::judge::restore(&mut public);
    let w = words::Words::new(&public, ctx);
    let (overall, _) = sections::headline::decision_sheet(&w, &ctx.follow_up, ctx.cadence);
    let mut lines = vec![overall];
    lines.extend(
        sections::headline::headlines(&w)
            .iter()
            .map(|h| format!("  {}  {} by {}", h.label(), h.check, h.attributes)),
    );
    lines
}

/// `results.json` as a bundle holds it, byte for byte (for a front end that hands the results
/// over without writing a bundle).
pub fn results_json(results: &AuditResults, ctx: &RunContext) -> Result<Vec<u8>> {
    let mut files = formats::json::Json.render(results, ctx)?;
    Ok(files.remove(0).bytes)
}

/// Every output of an audit run but the manifest (which [`crate::bundle`] adds).
pub fn render_all(results: &AuditResults, ctx: &RunContext) -> Result<Vec<OutputFile>> {
    // results.json keeps every number (unless --suppress-json); the outputs for people never
    // show anything from which a group smaller than --min-cell could be worked out.
    let mut public = results.without_small_groups(ctx.privacy.min_cell);
    // What needs attention first is judged again on what people are shown.
    crate::judge::restore(&mut public);
    // The tables (as CSV files and as a workbook) are written while the rest renders: with
    // the threshold tables they take as long as all the charts.
    let (files, tables) = rayon::join(
        || -> Result<Vec<OutputFile>> {
            let mut files = formats::json::Json.render(results, ctx)?;
            if let Some(c) = &ctx.baseline {
                files.push(changes::json(c)?);
            }
            files.extend(formats::markdown::Markdown.render(&public, ctx)?);
            files.extend(charts::Charts.render(&public, ctx)?);
            Ok(files)
        },
        || {
            let tables = formats::tables::tables(&public, ctx);
            let (csv, workbook) = rayon::join(
                || formats::csv::files(&tables),
                || formats::xlsx::workbook(&tables, ctx),
            );
            csv.and_then(|mut files| {
                files.push(workbook?);
                Ok(files)
            })
        },
    );
    let mut files = files?;
    files.extend(tables?);
    files.extend(formats::html::Html.render_with(&public, ctx, &files)?);
    Ok(files)
}
