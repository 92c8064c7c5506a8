"""Writes admissions/berkeley_1973.csv: one row per applicant to the six largest departments of
the University of California, Berkeley, graduate division, autumn 1973, from the published table
(Bickel, Hammel and O'Connell 1975, "Sex bias in graduate admissions: data from Berkeley",
Science 187:398-404; the same counts as R's datasets::UCBAdmissions): 4,526 applicants.

Run from datasets/: python3 tools/berkeley_admissions.py
"""

import csv

# (department, sex, admitted, rejected)
TABLE = [
    ("A", "Male", 512, 313), ("A", "Female", 89, 19),
    ("B", "Male", 353, 207), ("B", "Female", 17, 8),
    ("C", "Male", 120, 205), ("C", "Female", 202, 391),
    ("D", "Male", 138, 279), ("D", "Female", 131, 244),
    ("E", "Male", 53, 138), ("E", "Female", 94, 299),
    ("F", "Male", 22, 351), ("F", "Female", 24, 317),
]

with open("admissions/berkeley_1973.csv", "w", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["applicant", "dept", "sex", "admitted"])
    n = 0
    for dept, sex, admitted, rejected in TABLE:
        for value, count in ((1, admitted), (0, rejected)):
            for _ in range(count):
                n += 1
                out.writerow([n, dept, sex, value])
