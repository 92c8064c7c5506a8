//! `fairaudit verify DIR`: check an evidence bundle against its manifest.

use clap::Args;
use std::path::PathBuf;

/// Arguments of `fairaudit verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The output directory of an audit.
    pub dir: PathBuf,
    /// Check the outputs only, not the input files (for a bundle moved without its data).
    #[arg(long)]
    pub outputs_only: bool,
    /// Also check the bundle's signature (manifest.json.sig) with this Ed25519 public key.
    #[arg(long)]
    pub key: Option<PathBuf>,
}

/// Prints every changed, added or removed file; exit code 1 when there is any.
pub fn run(args: VerifyArgs) -> anyhow::Result<i32> {
    let v = fairaudit::bundle::verify::verify(&args.dir, !args.outputs_only)?;
    let signed = match &args.key {
        Some(key) => Some(fairaudit::bundle::sign::check(&args.dir, key)?),
        None => None,
    };
    for (what, files) in [
        ("changed", &v.changed),
        ("added", &v.added),
        ("removed", &v.removed),
    ] {
        for f in files {
            println!("{what}: {f}");
        }
    }
    match signed {
        Some(true) => println!("signature: good (manifest.json was signed with that key)"),
        Some(false) => {
            println!("signature: BAD (manifest.json was changed, or signed with another key)")
        }
        None if args.dir.join(fairaudit::bundle::sign::SIGNATURE).exists() => {
            println!("signature: present but not checked (pass --key KEY.pub)")
        }
        None => {}
    }
    if v.ok() && signed != Some(false) {
        println!(
            "verified: {} files of {} are intact",
            v.intact,
            args.dir.display()
        );
        Ok(0)
    } else {
        println!(
            "NOT verified: {} file(s) of {} changed, added or removed since its manifest was written",
            v.changed.len() + v.added.len() + v.removed.len(),
            args.dir.display()
        );
        Ok(1)
    }
}
