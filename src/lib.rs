//! fairaudit: bias audits of automated decision logs.
//!
//! The pipeline's stages, each a module, depend on each other in one direction:
//! [`load`] → [`tally`] → [`measure`] → [`judge`] → [`explain`] → [`compare`] → [`render`] →
//! [`bundle`], run
//! together by
//! [`audit::run`]. Stages talk through plain data types ([`tally::Tally`],
//! [`results::AuditResults`]); [`stats`] is plain numbers in, numbers out, and depends on no
//! other module. [`synth`] makes realistic decision logs with planted effects of known size.
//! [`estimate`] adds race and ethnicity estimated from names and places (BISG, BIFSG) to a log,
//! between [`load`] and [`tally`] when an audit asks for it.
//! [`front`] holds what the command line and the Python package share: the options as a user
//! gives them, turned into the engine's [`spec::AuditSpec`] in one place.

pub mod audit;
pub mod bundle;
pub mod compare;
pub mod error;
pub mod estimate;
pub mod explain;
pub mod front;
pub mod hash;
pub mod judge;
pub mod load;
pub mod measure;
pub mod metric;
pub mod remedies;
pub mod render;
pub mod results;
pub mod spec;
pub mod stats;
pub mod synth;
pub mod tally;
pub mod value;
