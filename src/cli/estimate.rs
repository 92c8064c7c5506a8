//! `fairaudit estimate`: each person's race and ethnicity as six probabilities (BISG, or BIFSG
//! with a first name), added to the log.

use clap::Args;
use fairaudit::estimate::{write_estimates, Found, NameColumns};
use std::path::PathBuf;

/// Arguments of `fairaudit estimate`.
#[derive(Debug, Clone, Args)]
pub struct EstimateArgs {
    /// The decision log (CSV, Parquet or NDJSON).
    #[arg(long)]
    pub data: PathBuf,
    /// The column of surnames.
    #[arg(long)]
    pub surname: String,
    /// The column of first names (BIFSG: the first name sharpens the estimate).
    #[arg(long)]
    pub first_name: Option<String>,
    /// The column of ZIP Code Tabulation Areas (five digits; a shorter number is padded with
    /// zeros, as the Census writes ZCTAs).
    #[arg(long, conflicts_with = "tract")]
    pub zcta: Option<String>,
    /// The column of census tracts, as their 11-digit GEOID (state, county and tract codes;
    /// a shorter number is padded with zeros), instead of a ZCTA.
    #[arg(long)]
    pub tract: Option<String>,
    /// Where to write the log with p_white, p_black, p_api, p_native, p_multiple and p_hispanic
    /// added (.csv or .parquet).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
    /// Estimate even when fewer than half the surnames are in the Census list (the method is
    /// for US names and places).
    #[arg(long)]
    pub allow_low_coverage: bool,
}

/// Writes the estimates and says how the names and places were found.
pub fn run(args: EstimateArgs) -> anyhow::Result<i32> {
    if args.out.exists() && !args.force {
        anyhow::bail!("{}: exists; pass --force to replace it", args.out.display());
    }
    if args.out == args.data {
        anyhow::bail!(
            "{}: the output would replace the log itself",
            args.out.display()
        );
    }
    let columns = NameColumns {
        surname: args.surname.clone(),
        first_name: args.first_name.clone(),
        zcta: args.zcta.clone(),
        tract: args.tract.clone(),
    };
    let coverage = write_estimates(&args.data, &columns, &args.out, args.allow_low_coverage)?;
    let method = if args.first_name.is_some() {
        "BIFSG"
    } else {
        "BISG"
    };
    println!(
        "{method}: {} rows estimated, written to {}",
        coverage.surname.rows(),
        args.out.display()
    );
    print_found("surnames", &coverage.surname, "ALL OTHER NAMES");
    if let Some(found) = &coverage.first_name {
        print_found("first names", found, "ALL OTHER FIRST NAMES");
    }
    let places = [
        ("ZCTAs", "five", &coverage.zcta),
        ("tracts", "eleven", &coverage.tract),
    ];
    for (what, digits, found) in places {
        if let Some(found) = found {
            println!(
                "  {what}: {} found ({:.1}%); {} not in the Census 2010 list and {} not {digits} digits or empty (estimated from the names alone)",
                found.listed,
                100.0 * found.coverage(),
                found.unlisted,
                found.unusable
            );
        }
    }
    if coverage.no_overlap > 0 {
        println!(
            "  {} rows whose names and place rule out every race together: estimated from the names alone",
            coverage.no_overlap
        );
    }
    Ok(0)
}

/// One line of how a column of names was found.
fn print_found(what: &str, found: &Found, other: &str) {
    println!(
        "  {what}: {} in the list, {} by a part of a compound name ({:.1}% found); {} not in it and {} empty or without letters (given the row {other})",
        found.listed,
        found.by_part,
        100.0 * found.coverage(),
        found.unlisted,
        found.unusable
    );
}
