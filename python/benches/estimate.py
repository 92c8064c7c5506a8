"""`fairaudit estimate` and `audit --estimate-race` on a 10-million-row log of US names and places:
the estimate's time (target: under 10 s) and the audit's against the same audit of the recorded
race (target: at most 2x).

    python3 python/benches/estimate.py [ROWS] [RUNS]

The log (bench-data/names_ROWS.parquet, made on first use, seed 1) holds people of known race with
surnames and ZCTAs drawn from the shipped tables given their race (datasets/census/), and an offer
decision. Medians of RUNS runs (default 3). The binary is $FAIRAUDIT_BIN, else
$CARGO_TARGET_DIR/release/fairaudit, else target/release/fairaudit.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[2]
RACES = ["white", "black", "api", "native", "multiple", "hispanic"]
SHARES = [0.6, 0.13, 0.06, 0.01, 0.02, 0.18]


def binary() -> str:
    if os.environ.get("FAIRAUDIT_BIN"):
        return os.environ["FAIRAUDIT_BIN"]
    return str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "fairaudit")


def make_log(path: Path, rows: int) -> None:
    rng = np.random.default_rng(1)
    census = ROOT / "datasets" / "census"
    surnames = pl.read_parquet(census / "surnames.parquet").filter(pl.col("name") != "ALL OTHER NAMES")
    zctas = pl.read_parquet(census / "zctas.parquet").fill_null(0)
    race = rng.choice(len(RACES), rows, p=SHARES)
    surname = np.empty(rows, dtype=object)
    zcta = np.empty(rows, dtype=object)
    for i, r in enumerate(RACES):
        who = race == i
        w = surnames[r].to_numpy().astype(float)
        surname[who] = rng.choice(surnames["name"].to_numpy(), who.sum(), p=w / w.sum())
        z = zctas[r].to_numpy()
        zcta[who] = rng.choice(zctas["zcta5"].to_numpy(), who.sum(), p=z / z.sum())
    offered = rng.random(rows) < np.where(race == 1, 0.35, 0.5)
    pl.DataFrame({
        "surname": [s.title() for s in surname], "zcta": zcta.astype(str),
        "race": np.array(RACES)[race], "offered": offered.astype(np.int32),
    }).write_parquet(path)


def timed(args: list, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([binary(), *args], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
    return statistics.median(times)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    log = ROOT / "bench-data" / f"names_{rows}.parquet"
    if not log.exists():
        log.parent.mkdir(exist_ok=True)
        make_log(log, rows)
    out = Path(tempfile.mkdtemp())
    estimate = timed(["estimate", "--data", str(log), "--surname", "surname", "--zcta", "zcta",
                      "--out", str(out / "estimated.parquet"), "--force"], runs)
    common = ["audit", "--data", str(log), "--outcome", "offered", "--force"]
    estimated = timed([*common, "--estimate-race", "surname=surname,zcta=zcta", "--protected", "race_est",
                       "--reference", "race_est=White", "--out", str(out / "a")], runs)
    recorded = timed([*common, "--protected", "race", "--reference", "race=white", "--out", str(out / "b")], runs)
    print(f"{rows:,} rows; median of {runs}: estimate {estimate:.2f} s (target under 10 s); "
          f"audit with --estimate-race {estimated:.2f} s against {recorded:.2f} s with the recorded race: "
          f"ratio {estimated / recorded:.2f} (target 2)")


if __name__ == "__main__":
    main()
