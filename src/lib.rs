//! fairaudit: bias audits of automated decision logs.
//!
//! The pipeline's stages, each a module: [`load`] → [`tally`] → [`measure`] → [`judge`] →
//! [`render`], run together by [`audit::run`]. Stages talk through plain data types
//! ([`tally::Tally`], [`results::GroupMeasures`], [`results::AuditResults`]). [`synth`] makes
//! realistic decision logs with planted effects of known size.

pub mod audit;
pub mod binary;
pub mod error;
pub mod judge;
pub mod load;
pub mod measure;
pub mod metrics;
pub mod render;
pub mod results;
pub mod spec;
pub mod stats;
pub mod synth;
pub mod tally;
pub mod verify;
