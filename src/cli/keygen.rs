//! `fairaudit keygen --out KEY`: a new Ed25519 key pair for signing evidence bundles.

use anyhow::{bail, Context};
use clap::Args;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

/// Arguments of `fairaudit keygen`.
#[derive(Debug, Clone, Args)]
pub struct KeygenArgs {
    /// Where the secret key goes (readable by its owner only); the public key goes to KEY.pub.
    #[arg(long)]
    pub out: PathBuf,
}

/// Writes the secret key and the public key; never replaces an existing file.
pub fn run(args: KeygenArgs) -> anyhow::Result<i32> {
    let public = {
        let mut name = args.out.as_os_str().to_owned();
        name.push(".pub");
        PathBuf::from(name)
    };
    for path in [&args.out, &public] {
        if std::fs::symlink_metadata(path).is_ok() {
            bail!("{}: exists; keys are never overwritten", path.display());
        }
    }
    let (secret, public_hex) = fairaudit::bundle::sign::generate();
    let write = |path: &PathBuf, text: &str, mode: u32| -> anyhow::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(path)
            .with_context(|| format!("{}: cannot create", path.display()))?;
        file.write_all(text.as_bytes())
            .with_context(|| format!("{}: cannot write", path.display()))
    };
    write(&args.out, &secret, 0o600)?;
    write(&public, &public_hex, 0o644)?;
    println!(
        "wrote the secret key to {} (keep it private) and the public key to {}",
        args.out.display(),
        public.display()
    );
    Ok(0)
}
