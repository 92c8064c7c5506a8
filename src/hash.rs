//! SHA-256 of files, bytes and frames in memory, as lowercase hex: how inputs and outputs are
//! identified in results and manifests.

use crate::error::{AuditError, Result};
use polars::prelude::*;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 (hex) and size of a file, read in 1 MiB blocks.
pub fn sha256_file(path: &Path) -> Result<(String, u64)> {
    sha256_file_with(path, |_| Ok(()))
}

/// SHA-256 (hex) and size of a file, handing every block to `inspect` as well (so that one read
/// of the file both hashes and checks it). `inspect` gets an empty block at the end.
pub fn sha256_file_with(
    path: &Path,
    mut inspect: impl FnMut(&[u8]) -> Result<()>,
) -> Result<(String, u64)> {
    let err = |source| AuditError::Hash {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(err)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(err)?;
        inspect(&buf[..n])?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex(&hasher.finalize()), size))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 (hex) that identifies a frame's contents, and its size in memory. The digest is
/// that of one line per column, `SHA-256  name  type` as `sha256sum` prints a listing, each
/// column's SHA-256 taken over its values in row order ([`column_digest`]): the same rows give
/// the same digest however the frame is split into chunks.
pub fn sha256_frame(frame: &DataFrame) -> PolarsResult<(String, u64)> {
    let lines = frame
        .columns()
        .par_iter()
        .map(|c| {
            let digest = column_digest(c.as_materialized_series())?;
            Ok(format!("{digest}  {}  {}\n", c.name(), c.dtype()))
        })
        .collect::<PolarsResult<Vec<String>>>()?;
    Ok((
        sha256_hex(lines.concat().as_bytes()),
        frame.estimated_size() as u64,
    ))
}

/// The SHA-256 (hex) of a column's values in row order. A number (a date's or a time's is its
/// physical one) is its little-endian bytes, those of 0 for a null, and after the values come
/// the row numbers (from 0) of the nulls, 8 little-endian bytes each; a text is its length in 4
/// little-endian bytes and its UTF-8 bytes, a null the length 2³² − 1; a yes/no is a byte 1 or
/// 0, a null 2; any other type is read as its text.
pub fn column_digest(series: &Series) -> PolarsResult<String> {
    let mut feed = Feed::default();
    let physical = series.to_physical_repr();
    macro_rules! numbers {
        ($ca:expr, $zero:expr) => {{
            let mut nulls: Vec<u8> = Vec::new();
            let mut row = 0u64;
            for array in $ca.downcast_iter() {
                let valid = array.validity().filter(|v| v.unset_bits() > 0);
                for (i, v) in array.values_iter().enumerate() {
                    match valid.map_or(true, |valid| valid.get_bit(i)) {
                        true => feed.put(&v.to_le_bytes()),
                        false => {
                            feed.put(&$zero.to_le_bytes());
                            nulls.extend_from_slice(&(row + i as u64).to_le_bytes());
                        }
                    }
                }
                row += array.len() as u64;
            }
            feed.put(&nulls);
        }};
    }
    match physical.dtype() {
        DataType::Int8 => numbers!(physical.i8()?, 0i8),
        DataType::Int16 => numbers!(physical.i16()?, 0i16),
        DataType::Int32 => numbers!(physical.i32()?, 0i32),
        DataType::Int64 => numbers!(physical.i64()?, 0i64),
        DataType::Int128 => numbers!(physical.i128()?, 0i128),
        DataType::UInt8 => numbers!(physical.u8()?, 0u8),
        DataType::UInt16 => numbers!(physical.u16()?, 0u16),
        DataType::UInt32 => numbers!(physical.u32()?, 0u32),
        DataType::UInt64 => numbers!(physical.u64()?, 0u64),
        DataType::Float32 => numbers!(physical.f32()?, 0f32),
        DataType::Float64 => numbers!(physical.f64()?, 0f64),
        DataType::Boolean => {
            for v in physical.bool()?.iter() {
                feed.put(&[v.map_or(2, u8::from)]);
            }
        }
        _ => {
            let text = match physical.dtype() {
                DataType::String => physical.into_owned(),
                _ => series.cast(&DataType::String)?,
            };
            for array in text.str()?.downcast_iter() {
                for v in array.iter() {
                    match v {
                        None => feed.put(&u32::MAX.to_le_bytes()),
                        Some(s) => {
                            feed.put(&(s.len() as u32).to_le_bytes());
                            feed.put(s.as_bytes());
                        }
                    }
                }
            }
        }
    }
    Ok(feed.finish())
}

/// Bytes gathered into blocks before they are hashed: a value is a few bytes, and the hasher
/// is fastest fed in blocks.
#[derive(Default)]
struct Feed {
    block: Vec<u8>,
    hasher: Sha256,
}

impl Feed {
    /// Most bytes gathered before they are hashed.
    const BLOCK: usize = 1 << 16;

    /// The next bytes.
    fn put(&mut self, bytes: &[u8]) {
        if self.block.len() + bytes.len() > Self::BLOCK {
            self.hasher.update(&self.block);
            self.block.clear();
        }
        if bytes.len() > Self::BLOCK {
            self.hasher.update(bytes);
        } else {
            self.block.extend_from_slice(bytes);
        }
    }

    /// The digest, hex.
    fn finish(mut self) -> String {
        self.hasher.update(&self.block);
        format!("{:x}", self.hasher.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frames_digest_is_of_its_values_however_it_is_chunked() {
        // Python's hashlib over the same bytes by hand (struct.pack): an i64 column's values
        // little-endian, 0 for the null, then the null's row number as 8 bytes; a text
        // column's lengths in 4 bytes (2³² − 1 for the null) before each text; then the
        // listing "SHA-256  name  type" of the two columns.
        let frame =
            df!("a" => [Some(1i64), None, Some(3)], "s" => [Some("x"), None, Some("yz")]).unwrap();
        let expected = "fa7421db7a213620e041ad0b785ac93728dde392265dcdbf84297f6baf226685";
        assert_eq!(sha256_frame(&frame).unwrap().0, expected);
        let mut chunked = frame.slice(0, 1);
        chunked.vstack_mut_owned(frame.slice(1, 2)).unwrap();
        assert_eq!(chunked.first_col_n_chunks(), 2);
        assert_eq!(sha256_frame(&chunked).unwrap().0, expected);
        let other =
            df!("a" => [Some(1i64), Some(0), Some(3)], "s" => [Some("x"), None, Some("yz")])
                .unwrap();
        assert_ne!(sha256_frame(&other).unwrap().0, expected);
    }

    #[test]
    fn known_digests() {
        // sha256sum of the empty input and of "abc" (FIPS 180-2 example).
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
