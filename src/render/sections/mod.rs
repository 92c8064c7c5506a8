//! The report's parts, in the report's order: the executive summary ([`headline`]), a numeric
//! outcome's findings ([`numeric`]), the gaps at equal legitimate factors ([`controls`]), the
//! list of verdicts ([`verdicts`]), what changed since the last audit ([`changes`]), the trend
//! ([`trend`]) and why the gaps exist ([`explain`]). The formats put them together.

pub mod changes;
pub mod controls;
pub mod explain;
pub mod headline;
pub mod numeric;
pub mod trend;
pub mod verdicts;
