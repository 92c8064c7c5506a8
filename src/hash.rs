//! SHA-256 of files and bytes, as lowercase hex: how inputs and outputs are identified in
//! results and manifests.

use crate::error::{AuditError, Result};
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

#[cfg(test)]
mod tests {
    use super::*;

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
