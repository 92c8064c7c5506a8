//! `tables.xlsx`: every table of the report in one workbook, a sheet per table, for the people
//! who work in spreadsheets. Numbers are numbers (with a display format), counts below the
//! minimum cell size stay `<5`, and verdict and status cells are coloured beside their words.
//! The workbook's creation date is the run's timestamp, so the file is reproducible.

use super::tables::Table;
use crate::error::{AuditError, Result};
use crate::render::context::RunContext;
use crate::render::OutputFile;
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

const NAME: &str = "tables.xlsx";

/// `tables.xlsx`: a sheet for each of `tables`, dated by the run's timestamp.
pub fn workbook(tables: &[Table], ctx: &RunContext) -> Result<OutputFile> {
    let err = |e: XlsxError| AuditError::render(NAME, e);
    let mut workbook = Workbook::new();
    // The fastest deflate: the threshold tables make large sheets, and the workbook is
    // written on every run.
    workbook.set_zip_compression_level(1);
    // The run's timestamp (always set by the CLI) pins the file's creation date.
    if !ctx.timestamp.is_empty() {
        let created = ExcelDateTime::parse_from_str(&ctx.timestamp).map_err(err)?;
        workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    }
    for (i, table) in tables.iter().enumerate() {
        sheet(&mut workbook, i, table).map_err(err)?;
    }
    let bytes = workbook.save_to_buffer().map_err(err)?;
    Ok(OutputFile {
        name: NAME.into(),
        bytes,
    })
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique by its number.
fn sheet_name(index: usize, table: &Table) -> String {
    let clean: String = table
        .name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let name = if index == 0 {
        clean
    } else {
        // Table names start with their set's number; keep the sheet's own number in front.
        format!(
            "{index} {}",
            clean
                .split_once('_')
                .map_or(clean.as_str(), |(_, rest)| rest)
        )
    };
    name.chars().take(31).collect()
}

/// Most characters Excel holds in a cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Text cut to fit a cell (the CSV tables keep the whole text).
fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= MAX_CELL_CHARS {
        return text.into();
    }
    let note = "… (cut to fit Excel; the CSV table has it whole)";
    let kept: String = text
        .chars()
        .take(MAX_CELL_CHARS - note.chars().count())
        .collect();
    (kept + note).into()
}

/// The fill of a verdict or status cell, by its words.
fn fill(text: &str) -> Option<Color> {
    match text {
        "fail" | "✖ ACTION NEEDED" => Some(Color::RGB(0xF8D0C0)),
        "inconclusive" | "▲ REVIEW" => Some(Color::RGB(0xFBE8B0)),
        "pass" | "✔ OK" => Some(Color::RGB(0xCDEBD3)),
        t if t.starts_with("✔ EXPLAINED") => Some(Color::RGB(0xD3E0F2)),
        _ => None,
    }
}

fn sheet(
    workbook: &mut Workbook,
    index: usize,
    table: &Table,
) -> std::result::Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(index, table))?;
    let bold = Format::new().set_bold();
    let whole = Format::new().set_num_format("#,##0");
    let decimal = Format::new().set_num_format("0.0000");
    for (col, name) in table.header.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, fit(name), &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (col, text) in row.iter().enumerate() {
            let col = col as u16;
            match (text.parse::<f64>(), fill(text)) {
                (Ok(x), _) if x.is_finite() && !text.starts_with('\'') => {
                    let format = if x.fract() == 0.0 { &whole } else { &decimal };
                    sheet.write_number_with_format(r, col, x, format)?;
                }
                (_, Some(colour)) => {
                    sheet.write_string_with_format(
                        r,
                        col,
                        text,
                        &Format::new().set_background_color(colour),
                    )?;
                }
                _ => {
                    sheet.write_string(r, col, fit(text))?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel() {
        let t = |name: &str| Table {
            name: name.into(),
            header: vec![],
            rows: vec![],
        };
        assert_eq!(sheet_name(0, &t("executive_summary")), "executive_summary");
        assert_eq!(
            sheet_name(3, &t("1_race_x_sex_groups")),
            "3 race_x_sex_groups"
        );
        let long = sheet_name(9, &t(&format!("2_{}_groups", "a".repeat(60))));
        assert_eq!(long.chars().count(), 31);
        assert_eq!(sheet_name(1, &t("1_a[b]:c_groups")), "1 a_b__c_groups");
    }

    #[test]
    fn long_text_is_cut_to_fit_a_cell() {
        let long = "x".repeat(40_000);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with("the CSV table has it whole)"));
        assert_eq!(fit("short"), "short");
    }
}
