//! The files of an audit's report, one module per format: `results.json`, `report.md`,
//! `report.html`, `tables/*.csv` and `tables.xlsx` (the tables laid out once, in [`tables`]).
//! The charts are drawn in [`super::charts`].

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod tables;
pub mod xlsx;
