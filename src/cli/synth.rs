//! `fairaudit synth`: write a realistic decision log with planted effects and its ground truth.

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// `--kind` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Offers,
    Pricing,
    Service,
}

/// Arguments of `fairaudit synth`.
#[derive(Debug, Clone, Args)]
pub struct SynthArgs {
    /// Which business log: offers, pricing or service.
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// Number of decisions.
    #[arg(long, default_value_t = 10_000)]
    pub rows: usize,
    /// Months the decisions are spread over.
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    /// Random seed; the same seed writes a byte-identical file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// First month of the log, YYYY-MM.
    #[arg(long, default_value = "2025-01")]
    pub start: String,
    /// Output file (.csv or .parquet); the ground truth goes to FILE.truth.json.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
    /// TOML file with effect sizes (keys: direct, proxy, legitimate, drift, drift-from, miscalibrate); flags override it.
    #[arg(long)]
    pub effects: Option<PathBuf>,
    /// Direct effect: the rule multiplies the favourable decision's probability by SIZE for ethnicity = Black.
    #[arg(long)]
    pub direct: Option<f64>,
    /// Proxy effect: the same in the postcode areas where most Black customers live.
    #[arg(long)]
    pub proxy: Option<f64>,
    /// Legitimate difference: an age band differs in a factor the rule uses, raw rate ratio SIZE.
    #[arg(long)]
    pub legitimate: Option<f64>,
    /// Change: from --drift-from on, the rule multiplies the probability by SIZE for sex = Female.
    #[arg(long)]
    pub drift: Option<f64>,
    /// First month (1-based) of the drift.
    #[arg(long)]
    pub drift_from: Option<u32>,
    /// A miscalibrated score (offers): Black customers redeem SIZE times as often as the shop's
    /// redeem_score says (below 1, the score over-states their chance).
    #[arg(long)]
    pub miscalibrate: Option<f64>,
    /// Give each row a surname and a ZCTA drawn from the Census tables given its ethnicity
    /// (White, Black, Asian as Asian or Pacific Islander, Mixed as two or more races, Other as
    /// Hispanic, Not provided as American Indian 15% of the time and two or more races
    /// otherwise; surnames as common as makes the log's mix the one the Census table implies),
    /// for checking `fairaudit estimate` and `audit --estimate-race`.
    #[arg(long)]
    pub names: bool,
}

impl SynthArgs {
    /// The engine's synth definition: the effects file, overridden by the flags.
    pub fn spec(&self) -> anyhow::Result<fairaudit::synth::SynthSpec> {
        use fairaudit::synth::{Effects, Kind, SynthSpec};
        let file: Effects = match &self.effects {
            Some(path) => {
                let text = fairaudit::front::options::read_settings(path, "the effects file")?;
                toml::from_str(&text)
                    .with_context(|| format!("{}: invalid effects file", path.display()))?
            }
            None => Effects::default(),
        };
        Ok(SynthSpec {
            kind: match self.kind {
                KindArg::Offers => Kind::Offers,
                KindArg::Pricing => Kind::Pricing,
                KindArg::Service => Kind::Service,
            },
            rows: self.rows,
            months: self.months,
            seed: self.seed,
            start: self.start.clone(),
            effects: Effects {
                direct: self.direct.or(file.direct),
                proxy: self.proxy.or(file.proxy),
                legitimate: self.legitimate.or(file.legitimate),
                drift: self.drift.or(file.drift),
                drift_from: self.drift_from.or(file.drift_from),
                miscalibrate: self.miscalibrate.or(file.miscalibrate),
            },
            names: self.names,
        })
    }
}

/// Writes the log and its ground truth.
pub fn run(args: SynthArgs) -> anyhow::Result<i32> {
    let spec = args.spec()?;
    if args.out.exists() && !args.force {
        bail!("{}: exists; pass --force to replace it", args.out.display());
    }
    let (mut df, truth) = fairaudit::synth::generate(&spec)?;
    fairaudit::synth::write(&args.out, &mut df, &truth)?;
    println!(
        "wrote {} {:?} decisions to {} and the ground truth to {}",
        df.height(),
        spec.kind,
        args.out.display(),
        fairaudit::synth::truth_path(&args.out).display()
    );
    Ok(0)
}
