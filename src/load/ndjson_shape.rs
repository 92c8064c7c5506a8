//! The shape of an NDJSON log, checked while the file is hashed: every non-blank line is one
//! JSON object, and each field holds one kind of value (numbers, text or true/false; null
//! anywhere). A truncated line or a field that is a number on one line and text on another is
//! named with its line, instead of Polars' "Syntax at character 0".

use crate::error::{AuditError, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Checks an NDJSON file block by block (feed it every block, then an empty one).
pub struct NdjsonShape {
    path: PathBuf,
    /// The start of a line that continues in the next block.
    partial: Vec<u8>,
    /// Lines read so far.
    line: u64,
    /// Per field: the kind of value it holds and the line it was first seen on.
    kinds: HashMap<String, (&'static str, u64)>,
}

/// The kind of a JSON value, for the message (`None` for null, which fits any field).
fn kind(value: &serde_json::Value) -> Option<&'static str> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::Bool(_) => Some("true/false"),
        serde_json::Value::Number(_) => Some("a number"),
        serde_json::Value::String(_) => Some("text"),
        serde_json::Value::Array(_) => Some("a list"),
        serde_json::Value::Object(_) => Some("an object"),
    }
}

impl NdjsonShape {
    /// A checker of the NDJSON file at `path`.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            partial: Vec::new(),
            line: 0,
            kinds: HashMap::new(),
        }
    }

    /// Checks the next block of the file; an empty block ends it.
    pub fn feed(&mut self, block: &[u8]) -> Result<()> {
        let mut rest = block;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let mut line = std::mem::take(&mut self.partial);
            line.extend_from_slice(&rest[..end]);
            rest = &rest[end + 1..];
            self.check_line(&line)?;
        }
        self.partial.extend_from_slice(rest);
        if block.is_empty() && !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.check_line(&line)?;
        }
        Ok(())
    }

    fn check_line(&mut self, line: &[u8]) -> Result<()> {
        self.line += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let bad = |problem: String| AuditError::BadLine {
            path: self.path.clone(),
            line: self.line,
            problem,
        };
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(line)
            .map_err(|e| match std::str::from_utf8(line) {
                Err(_) => AuditError::NotUtf8 {
                    path: self.path.clone(),
                    line: self.line,
                },
                Ok(_) if e.is_eof() => {
                    bad("the line ends before its JSON object does (a truncated file?)".into())
                }
                Ok(_) => bad(format!("not one JSON object: {e}")),
            })?;
        for (field, value) in &object {
            let Some(now) = kind(value) else { continue };
            match self.kinds.get(field) {
                None => {
                    self.kinds.insert(field.clone(), (now, self.line));
                }
                Some(&(first, first_line)) if first != now => {
                    return Err(bad(format!(
                        "field '{field}' holds {now}, but {first} on line {first_line}; give every row the same kind of value"
                    )));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, block: usize) -> Result<()> {
        let mut shape = NdjsonShape::new(Path::new("log.ndjson"));
        for chunk in text.as_bytes().chunks(block) {
            shape.feed(chunk)?;
        }
        shape.feed(&[])
    }

    #[test]
    fn well_formed_lines_pass_in_any_block_size() {
        let text =
            "{\"y\": 1, \"g\": \"a\"}\n\n{\"y\": 0.5, \"g\": null}\n{\"y\": 1, \"g\": \"b\"}";
        for block in [1, 3, 1000] {
            check(text, block).unwrap();
        }
    }

    #[test]
    fn truncated_and_mixed_lines_are_named() {
        for block in [1, 4, 1000] {
            let err = check("{\"y\": 1, \"g\": \"a\"}\n{\"y\": 0, \"g\": \"b", block).unwrap_err();
            assert_eq!(
                err.to_string(),
                "log.ndjson: line 2: the line ends before its JSON object does (a truncated file?)"
            );
            let err = check("{\"y\": 1, \"g\": \"a\"}\n{\"y\": 0, \"g\": 5}\n", block).unwrap_err();
            assert_eq!(
                err.to_string(),
                "log.ndjson: line 2: field 'g' holds a number, but text on line 1; give every row the same kind of value"
            );
        }
    }
}
