//! `fairaudit history`: the trend across a series of audits (one bundle per month, say), as
//! `history.md`, `history.html` and the trend charts. Each audit is one period of the trend, its
//! tests a family of their own.

use super::text::md;
use super::words::Words;
use super::{OutputFile, RunContext};
use crate::error::Result;
use crate::results::changes::AuditRef;
use crate::results::AuditResults;
use std::fmt::Write;

/// The files of the trend report of `series`: the latest audit's results, with every audit of the
/// series (in order) as its periods, each named by `audits`.
pub fn files(series: &AuditResults, audits: &[AuditRef]) -> Result<Vec<OutputFile>> {
    let ctx = RunContext::default();
    let w = Words::new(series, &ctx);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Trend of {} across {} audits\n",
        md(&w.decision_column()),
        series.periods.len()
    );
    let _ = writeln!(
        s,
        "How each group's treatment moved from audit to audit, read from the audits' bundles (each verified \
         against its manifest first). The groups are the latest audit's.\n"
    );
    for (p, audit) in series.periods.iter().zip(audits) {
        let _ = writeln!(
            s,
            "- **{}:** {}",
            md(&p.period),
            crate::render::sections::changes::audit_line(audit)
        );
    }
    let _ = writeln!(s);
    crate::render::sections::trend::section(&mut s, &w);
    let charts = super::charts::trend_files(series, &ctx)?;
    let html = crate::render::formats::html::page(
        &s,
        &charts,
        &format!("Trend of {}", w.decision_column()),
    );
    let mut files = vec![
        OutputFile {
            name: "history.md".into(),
            bytes: s.into_bytes(),
        },
        OutputFile {
            name: "history.html".into(),
            bytes: html.into_bytes(),
        },
    ];
    files.extend(charts);
    Ok(files)
}
