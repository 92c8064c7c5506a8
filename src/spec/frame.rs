//! A decision log already in memory: a frame handed over by the Python package (through the
//! Arrow C stream interface), audited where it is instead of from a file.

use polars::prelude::DataFrame;
use std::sync::Arc;

/// A log in memory and the name it goes by in results and messages (`polars DataFrame`).
#[derive(Clone)]
pub struct LogFrame {
    name: String,
    frame: Arc<DataFrame>,
}

impl LogFrame {
    /// The frame `frame`, called `name` where a file would be named by its path.
    pub fn new(name: impl Into<String>, frame: DataFrame) -> LogFrame {
        LogFrame {
            name: name.into(),
            frame: Arc::new(frame),
        }
    }

    /// The name it goes by.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The frame.
    pub fn frame(&self) -> &DataFrame {
        &self.frame
    }
}

impl std::fmt::Debug for LogFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogFrame({}, {:?})", self.name, self.frame.shape())
    }
}

impl PartialEq for LogFrame {
    /// The same frame (not a copy of it) under the same name.
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && Arc::ptr_eq(&self.frame, &other.frame)
    }
}
