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
}

/// Prints every changed, added or removed file; exit code 1 when there is any.
pub fn run(args: VerifyArgs) -> anyhow::Result<i32> {
    let v = fairaudit::bundle::verify::verify(&args.dir, !args.outputs_only)?;
    for (what, files) in [
        ("changed", &v.changed),
        ("added", &v.added),
        ("removed", &v.removed),
    ] {
        for f in files {
            println!("{what}: {f}");
        }
    }
    if v.ok() {
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
