"""A 10-million-row polars frame audited in-process against the command line on the same rows
as Parquet: the ratio of their times (target: at most 1.5) and of memory (target: the Python
process's peak at most the frame's own size plus the command line's peak, that is, while it
audits, the process grows no more above its size with the frame than the command line's peak).

    python3 python/benches/frame_vs_cli.py [LOG.parquet] [RUNS]

LOG defaults to the bench log `cargo bench --bench audit` writes (bench-data/decisions_10000000.parquet;
run that first). Each side runs RUNS times (default 5); the medians are compared. The binary is
$FAIRAUDIT_BIN, else $CARGO_TARGET_DIR/release/fairaudit, else target/release/fairaudit.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

import fairaudit

ROOT = Path(__file__).resolve().parents[2]
# The decision with its label, by sex, age band and both (as `cargo bench --bench audit` audits it).
OPTIONS = dict(outcome="decision", label="label", protected=["sex", "age_band", ("sex", "age_band")])
FLAGS = ["--outcome", "decision", "--label", "label", "--protected", "sex", "--protected", "age_band",
         "--protected", "sex,age_band"]


def binary() -> str:
    if os.environ.get("FAIRAUDIT_BIN"):
        return os.environ["FAIRAUDIT_BIN"]
    return str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "fairaudit")


def status_mib(field: str) -> float:
    """This process's `VmRSS` (resident now) or `VmHWM` (its peak), from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def reset_peak() -> None:
    """Starts `VmHWM` again from the resident size (Linux's clear_refs, value 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    log = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench-data" / "decisions_10000000.parquet"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    out = Path(tempfile.mkdtemp())
    cli_times, cli_peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", binary(), "audit", "--data", str(log), *FLAGS,
                               "--force", "--out", str(out / "cli")], capture_output=True, text=True)
        cli_times.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
        cli_peaks.append(int(done.stderr.strip().splitlines()[-1]) / 1024)
    before = status_mib("VmRSS")
    frame = pl.read_parquet(log)
    frame_mib = frame.estimated_size() / 2**20
    # Reading the Parquet file peaks above the frame it leaves; the audits' peak is measured alone.
    loaded = status_mib("VmRSS")
    reset_peak()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fairaudit.audit(frame, **OPTIONS)
        result.write(out / "python", force=True)
        times.append(time.perf_counter() - start)
    python, cli = statistics.median(times), statistics.median(cli_times)
    cli_peak = max(cli_peaks)
    extra = status_mib("VmHWM") - loaded
    print(f"{frame.height:,} rows; median of {runs}: in-process (polars frame) {python:.3f} s, "
          f"command line (Parquet) {cli:.3f} s: ratio {python / cli:.2f} (target 1.5)")
    print(f"memory: the frame {frame_mib:.0f} MiB (the process grew {loaded - before:.0f} MiB reading it); "
          f"while auditing, the process's peak rose {extra:.0f} MiB above that, against the command "
          f"line's whole peak of {cli_peak:.0f} MiB: ratio {extra / cli_peak:.2f} (target: at most 1)")


if __name__ == "__main__":
    main()
