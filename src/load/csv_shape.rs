//! The shape of a CSV log, checked while the file is hashed: every record has as many fields as
//! the header (RFC 4180 quoting), and the text is UTF-8. Polars reads only the columns an audit
//! needs, so a row with an unquoted comma would otherwise be read shifted, and a short row padded
//! with nulls, without a word.

use crate::error::{AuditError, Result};
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use std::path::{Path, PathBuf};

/// Checks a CSV file block by block (feed it every block, then an empty one).
pub struct CsvShape {
    path: PathBuf,
    reader: Reader,
    /// Fields the header has (`None` until the header is read).
    expected: Option<usize>,
    /// Fields of the record being read.
    fields: usize,
    /// Physical line (1-based) the record being read starts on.
    record_line: u64,
    /// Line breaks read so far.
    newlines: u64,
    /// An incomplete UTF-8 sequence at the end of the last block.
    carry: Vec<u8>,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl CsvShape {
    /// A checker of the CSV file at `path` with the given delimiter.
    pub fn new(path: &Path, delimiter: u8) -> Self {
        Self {
            path: path.to_path_buf(),
            reader: ReaderBuilder::new().delimiter(delimiter).build(),
            expected: None,
            fields: 0,
            record_line: 1,
            newlines: 0,
            carry: Vec::new(),
            out: vec![0; 1 << 16],
            ends: vec![0; 1024],
        }
    }

    /// Checks the next block of the file; an empty block ends it. The first problem in the
    /// file is reported, wherever the blocks split it.
    pub fn feed(&mut self, block: &[u8]) -> Result<()> {
        let (good, not_utf8) = self.utf8_prefix(block);
        self.records(&block[..good], block.is_empty())?;
        match not_utf8 {
            Some(()) => Err(AuditError::NotUtf8 {
                path: self.path.clone(),
                line: self.newlines + 1,
            }),
            None => Ok(()),
        }
    }

    /// Reads the records of `input`; `at_end` marks the end of the file.
    fn records(&mut self, mut input: &[u8], at_end: bool) -> Result<()> {
        // csv-core reads an empty input as the end of the file: only the last call passes one.
        while at_end || !input.is_empty() {
            let (result, read, _, ends) =
                self.reader
                    .read_record(input, &mut self.out, &mut self.ends);
            self.newlines += input[..read].iter().filter(|&&b| b == b'\n').count() as u64;
            input = &input[read..];
            self.fields += ends;
            match result {
                ReadRecordResult::Record => self.end_record()?,
                ReadRecordResult::End => return Ok(()),
                ReadRecordResult::InputEmpty if at_end => return Ok(()),
                ReadRecordResult::InputEmpty
                | ReadRecordResult::OutputFull
                | ReadRecordResult::OutputEndsFull => {}
            }
        }
        Ok(())
    }

    /// A record ended: compare its fields with the header's.
    fn end_record(&mut self) -> Result<()> {
        let fields = std::mem::take(&mut self.fields);
        let line = self.record_line;
        self.record_line = self.newlines + 1;
        match self.expected {
            None => self.expected = Some(fields),
            Some(expected) if fields != expected => {
                return Err(AuditError::RaggedRow {
                    path: self.path.clone(),
                    line,
                    fields,
                    expected,
                })
            }
            Some(_) => {}
        }
        Ok(())
    }

    /// How many bytes of `block` are UTF-8 text (an incomplete character at its end continues
    /// in the next block), and whether a byte that is not UTF-8 follows them.
    fn utf8_prefix(&mut self, block: &[u8]) -> (usize, Option<()>) {
        let carried = self.carry.len();
        let mut text = std::mem::take(&mut self.carry);
        text.extend_from_slice(block);
        match std::str::from_utf8(&text) {
            Ok(_) => (block.len(), None),
            Err(e) if e.error_len().is_none() && !block.is_empty() => {
                self.carry = text[e.valid_up_to()..].to_vec();
                (block.len(), None)
            }
            Err(e) => (e.valid_up_to().saturating_sub(carried), Some(())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, block: usize) -> Result<()> {
        let mut shape = CsvShape::new(Path::new("log.csv"), b',');
        for chunk in text.as_bytes().chunks(block) {
            shape.feed(chunk)?;
        }
        shape.feed(&[])
    }

    #[test]
    fn well_formed_files_pass_in_any_block_size() {
        let text = "a,b,c\n1,\"x, y\",3\n4,\"multi\nline\",6\n\n7,8,9";
        for block in [1, 2, 3, 7, 1000] {
            check(text, block).unwrap();
        }
        check("\"a\"\"b\",y\r\n1,2\r\n", 4).unwrap();
    }

    #[test]
    fn ragged_and_short_rows_name_their_line() {
        for block in [1, 5, 1000] {
            let err = check("id,name,region,channel\n1,Doe, Jane,North,web\n", block).unwrap_err();
            assert_eq!(
                err.to_string(),
                "log.csv: line 2 has 5 fields, the header has 4; quote fields that hold the delimiter (\"Doe, Jane\")"
            );
            let err = check("a,b,c\n1,2,3\n\"multi\nline\",2,3\n4,5\n", block).unwrap_err();
            assert!(err.to_string().contains("line 5 has 2 fields"), "{err}");
        }
    }

    #[test]
    fn latin1_is_named_with_its_line() {
        let mut bytes = b"name,y\nJos".to_vec();
        bytes.push(0xe9); // é in Latin-1
        bytes.extend_from_slice(b",1\n");
        let mut shape = CsvShape::new(Path::new("log.csv"), b',');
        let err = shape.feed(&bytes).unwrap_err();
        assert!(err.to_string().contains("line 2 is not UTF-8"), "{err}");
        // A multi-byte character split between blocks is fine.
        let text = "name,y\nJosé,1\n".as_bytes();
        for split in 0..text.len() {
            let mut shape = CsvShape::new(Path::new("log.csv"), b',');
            shape.feed(&text[..split]).unwrap();
            shape.feed(&text[split..]).unwrap();
            shape.feed(&[]).unwrap();
        }
    }
}
