//! Signed bundles. Without a signature, `verify` proves that the files match their manifest,
//! but anyone who can rewrite `manifest.json` can make a changed file verify clean. With
//! `--sign KEY` the run writes `manifest.json.sig`, an Ed25519 signature of the manifest's bytes;
//! `verify --key KEY.pub` then proves that the manifest (and so every file it lists) is the one
//! the holder of the secret key wrote. Keys are 32 bytes written as hex on one line.

use super::manifest::MANIFEST;
use crate::error::{AuditError, Result};
use crate::render::OutputFile;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use std::path::Path;

/// Name of the signature beside the manifest.
pub const SIGNATURE: &str = "manifest.json.sig";

fn key_error(path: &Path, reason: impl Into<String>) -> AuditError {
    AuditError::Key {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads `N` bytes written as hex on the first line of the file at `path`.
fn read_hex<const N: usize>(path: &Path, what: &str) -> Result<[u8; N]> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_string(&mut text))
        .map_err(|e| key_error(path, format!("cannot read {what}: {e}")))?;
    let line = text.lines().next().unwrap_or("").trim();
    let wrong = || {
        key_error(
            path,
            format!("not {what}: expected {} hex digits on one line", 2 * N),
        )
    };
    if line.len() != 2 * N {
        return Err(wrong());
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&line[2 * i..2 * i + 2], 16).map_err(|_| wrong())?;
    }
    Ok(out)
}

/// A new key pair: the secret key and the public key, each as a line of hex.
pub fn generate() -> (String, String) {
    use rand::RngCore;
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let key = SigningKey::from_bytes(&secret);
    (
        format!("{}\n", hex(&secret)),
        format!("{}\n", hex(key.verifying_key().as_bytes())),
    )
}

/// Reads the secret key at `path` (fails early, before an audit runs, if it is not one).
pub fn secret_key(path: &Path) -> Result<SigningKey> {
    Ok(SigningKey::from_bytes(&read_hex::<32>(
        path,
        "an Ed25519 secret key",
    )?))
}

/// The signature file of a bundle whose files are `files` (the manifest among them).
pub fn signature(files: &[OutputFile], key: &SigningKey) -> Result<OutputFile> {
    let manifest = files
        .iter()
        .find(|f| f.name == MANIFEST)
        .ok_or_else(|| AuditError::render(SIGNATURE, "the bundle has no manifest to sign"))?;
    let signature = key.sign(&manifest.bytes);
    Ok(OutputFile {
        name: SIGNATURE.into(),
        bytes: format!("{}\n", hex(&signature.to_bytes())).into_bytes(),
    })
}

/// Checks the signature of the bundle in `dir` with the public key at `public`: `Ok(true)` when
/// the manifest is the one the key's holder signed, `Ok(false)` when it was changed or signed
/// by another key, an error when there is no signature or the key is not a key.
pub fn check(dir: &Path, public: &Path) -> Result<bool> {
    let key = VerifyingKey::from_bytes(&read_hex::<32>(public, "an Ed25519 public key")?)
        .map_err(|_| key_error(public, "not an Ed25519 public key"))?;
    let sig_path = dir.join(SIGNATURE);
    if !std::fs::symlink_metadata(&sig_path).is_ok_and(|m| m.is_file()) {
        return Err(key_error(
            &sig_path,
            "the bundle is not signed (no manifest.json.sig)",
        ));
    }
    let signature = Signature::from_bytes(&read_hex::<64>(&sig_path, "an Ed25519 signature")?);
    let manifest = dir.join(MANIFEST);
    let bytes = std::fs::read(&manifest).map_err(|source| AuditError::ManifestUnreadable {
        path: manifest.clone(),
        source,
    })?;
    Ok(key.verify_strict(&bytes, &signature).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8032_test_vector_1() {
        // RFC 8032, section 7.1, TEST 1: the empty message.
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("key");
        std::fs::write(
            &secret,
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\n",
        )
        .unwrap();
        let key = secret_key(&secret).unwrap();
        assert_eq!(
            hex(key.verifying_key().as_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        let files = [OutputFile {
            name: MANIFEST.into(),
            bytes: Vec::new(),
        }];
        let sig = signature(&files, &key).unwrap();
        assert_eq!(
            String::from_utf8(sig.bytes).unwrap(),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b\n"
        );
    }

    #[test]
    fn keys_must_be_hex_of_the_right_length() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad");
        std::fs::write(&bad, "not a key\n").unwrap();
        let err = secret_key(&bad).unwrap_err().to_string();
        assert!(err.contains("expected 64 hex digits"), "{err}");
    }
}
