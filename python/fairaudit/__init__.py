"""fairaudit from Python: the same audit, numbers and evidence bundle as the ``fairaudit`` command.

>>> import fairaudit
>>> result = fairaudit.audit("offers.csv", outcome="offer_sent", protected=["ethnicity", ("ethnicity", "sex")],
...                          reference={"ethnicity": "White"}, control=["channel"])
>>> print(result.summary())
>>> result.write("audit-2025-12")       # the bundle `fairaudit verify` checks

Every keyword is an option of ``fairaudit audit`` under its flag's name with ``_`` for ``-``
(``label_means`` is ``--label-means``); an unknown one is refused with the list of names.
"""

from ._api import Audit, AuditResult, InputError, InternalError, audit

__all__ = ["audit", "Audit", "AuditResult", "InputError", "InternalError"]
