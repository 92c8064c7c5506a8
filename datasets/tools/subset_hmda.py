#!/usr/bin/env python3
"""Write datasets/hmda/hmda_decisions.csv: the columns of the shared HMDA sample
(shared/datasets/hmda/hmda_sample.csv, 26,144 rows) that the audit uses, rows unchanged.

    python3 datasets/tools/subset_hmda.py ../shared/datasets/hmda/hmda_sample.csv datasets/hmda/hmda_decisions.csv
"""
import csv
import sys

COLUMNS = ["derived_ethnicity", "derived_race", "derived_sex", "applicant_age", "action_taken",
           "interest_rate", "loan_amount", "income"]

with open(sys.argv[1], newline="") as src, open(sys.argv[2], "w", newline="") as dst:
    reader = csv.DictReader(src)
    writer = csv.DictWriter(dst, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in reader:
        writer.writerow({c: row[c] for c in COLUMNS})
