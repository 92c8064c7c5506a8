"""Adds to the bank-marketing decision log the inputs its targeting model saw, so that
`--features` can explain the decisions.

The decision log (`bank_targeting_decisions.csv` of the shared datasets, made by
`prepare_decision_logs.py` with seed 20240601) has one row per row of UCI's
`bank-additional-full.csv`, in the same order (`row_id`). This script copies from that file
eight of the model's other inputs (age, job and marital status are already in the log) and
writes
`datasets/bank/bank_targeting_decisions.csv` with them, the log's columns first.

Usage: python3 datasets/tools/bank_inputs.py ../shared/datasets/bank
"""

import os
import sys

import pandas as pd

# The model's most telling inputs; the other economic indicators follow euribor3m month by month,
# and the rest add little, so the bundled file stays small.
INPUTS = ["education", "default", "contact", "month", "poutcome", "campaign", "pdays", "euribor3m"]

source = sys.argv[1]
log = pd.read_csv(os.path.join(source, "bank_targeting_decisions.csv"))
full = pd.read_csv(os.path.join(source, "bank-additional-full.csv"), sep=";")
assert len(log) == len(full) and (log["age"].values == full["age"].values).all()
assert (log["job"].values == full["job"].values).all()
out = log.copy()
for c in INPUTS:
    out[c] = full[c].values
here = os.path.dirname(os.path.abspath(__file__))
out.to_csv(os.path.join(here, "..", "bank", "bank_targeting_decisions.csv"), index=False)
print(out.shape)
