"""The Python face of the audit: keyword arguments in, the native audit run, results out.

Nothing here computes a number: options are handed to the library under their ``--config``
names (the one list, in ``src/front/options.rs``), and results come back as the library wrote them.
"""

import html
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _fairaudit

InputError = _fairaudit.InputError
InternalError = _fairaudit.InternalError

PathLike = Union[str, "os.PathLike[str]"]
# A path, or a frame: a polars DataFrame or LazyFrame, a pandas DataFrame, a pyarrow Table (any
# object offering the Arrow C stream interface, ``__arrow_c_stream__``).
Data = Any


def _frame(data: Data) -> Optional[Tuple[List[Any], str]]:
    """The frame ``data`` is, as parts to hand over in order, with the name it goes by
    (``polars DataFrame``); ``None`` for a path.

    A polars LazyFrame is collected first (on polars' streaming engine). Every frame is handed
    over through the Arrow C stream interface, its buffers shared, not copied; a polars
    DataFrame of several chunks goes a chunk at a time, since polars makes a frame one chunk (a
    copy of it) before it hands the frame over whole.
    """
    if isinstance(data, (str, os.PathLike)):
        return None
    kind = f"{type(data).__module__.split('.')[0]} {type(data).__name__}"
    if kind == "polars LazyFrame":
        data = data.collect(engine="streaming")
    if not hasattr(data, "__arrow_c_stream__"):
        raise TypeError(
            f"fairaudit.audit takes the decision log as a path (a file, a directory or a glob) or "
            f"as a frame (polars, pandas with pyarrow, pyarrow), not {type(data).__name__}"
        )
    if kind.startswith("polars") and data.width > 0 and data.n_chunks() > 1:
        lengths = [len(chunk) for chunk in data.to_series(0).get_chunks()]
        starts = [sum(lengths[:i]) for i in range(len(lengths))]
        return [data.slice(start, n) for start, n in zip(starts, lengths)], kind
    return [data], kind


def _option_value(name: str, value: Any) -> Any:
    """A keyword's value as the ``--config`` file writes it."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if name == "protected" and isinstance(value, (list, tuple)):
        # ("sex", "age_band") is the intersection, written "sex,age_band".
        return [",".join(v) if isinstance(v, tuple) else v for v in value]
    if name == "reference" and isinstance(value, dict):
        return [f"{k}={v}" for k, v in value.items()]
    if isinstance(value, tuple):
        return list(value)
    return value


def _options(data: Optional[PathLike], options: Dict[str, Any]) -> str:
    """The options as a JSON object under their ``--config`` names (``label_means`` is ``label-means``)."""
    table: Dict[str, Any] = {}
    if data is not None:
        table["data"] = os.fspath(data)
    for key, value in options.items():
        if value is None:
            continue
        table[key.replace("_", "-")] = _option_value(key, value)
    return json.dumps(table)


def _polars() -> Any:
    """The polars module, which the frames of results need."""
    try:
        import polars
    except ImportError as e:
        raise ImportError("fairaudit's tables are polars DataFrames: pip install polars") from e
    return polars


def _flatten(row: Dict[str, Any], path: List[str], value: Any) -> None:
    """Puts a group's nested values into ``row``, each under its own key, or its path joined by
    ``_`` when the key is taken; a pair of numbers (an interval) as ``_low`` and ``_high``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(row, path + [key], inner)
        return
    name = path[-1]
    if name in row:
        name = "_".join(path)
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, (int, float)) or v is None for v in value):
            row[f"{name}_low"], row[f"{name}_high"] = value
        return
    row[name] = value


_CELL = 'style="padding:2px 8px;border-bottom:1px solid #ddd;text-align:left"'
_STATE_COLOUR = {"action_needed": "#b00020", "review": "#8a5a00"}


def _html_row(row: Dict[str, Any]) -> str:
    """A row of the worst groups' table."""
    affected = "" if row["affected"] is None else f"{row['affected']:,.0f}"
    state = (f'<span style="color:{_STATE_COLOUR[row["state"]]};font-weight:bold">'
             f'{html.escape(row["state"].replace("_", " "))}</span>')
    cells = [html.escape(row["attribute_set"]), html.escape(row["group"]),
             html.escape(_fairaudit.metric_words(row["metric"])), state, affected]
    return "<tr>" + "".join(f"<td {_CELL}>{c}</td>" for c in cells) + "</tr>"


class AuditResult:
    """The results of one audit: ``results.json`` as a dict or text, the decision sheet, and the
    evidence bundle the command line writes."""

    def __init__(self, native: Any):
        self._native = native
        self._json: Optional[str] = None

    def to_json(self) -> str:
        """``results.json``, byte for byte as the bundle holds it."""
        if self._json is None:
            self._json = self._native.results_json()
        return self._json

    def to_dict(self) -> Dict[str, Any]:
        """``results.json`` as Python values (``null`` is ``None``)."""
        return json.loads(self.to_json())

    @property
    def groups(self) -> "polars.DataFrame":
        """One row per group and attribute set (a polars DataFrame; ``.to_pandas()`` for pandas):
        ``attribute_set``, a column per attribute, then every number and verdict of the group in
        ``results.json`` under its own name (``selection_rate``, ``selection_rate_ratio``,
        ``mean``...), an interval as ``<name>_low`` and ``<name>_high`` (``ci_selection_rate_low``).
        The score audit's curves stay in :meth:`to_dict`."""
        polars = _polars()
        rows = []
        for audited in self.to_dict()["attribute_sets"]:
            for group in audited["groups"]:
                row: Dict[str, Any] = {"attribute_set": " × ".join(audited["attributes"])}
                row.update(group["values"])
                _flatten(row, [], {k: v for k, v in group.items() if k not in ("values", "score_audit")})
                rows.append(row)
        return polars.DataFrame(rows, infer_schema_length=None)

    def _verdict_rows(self) -> List[Dict[str, Any]]:
        """A row per check and group, as ``results.json``'s ``checks`` hold them."""
        rows = []
        for audited in self.to_dict()["attribute_sets"]:
            for check in audited["checks"]:
                for group, state, severity, affected in zip(
                    audited["groups"], check["states"], check["severity"], check["affected"]
                ):
                    row: Dict[str, Any] = {"attribute_set": " × ".join(audited["attributes"])}
                    row.update(group["values"])
                    row.update(metric=check["metric"], state=state, severity=severity, affected=affected,
                               check_status=check["status"], status_basis=check["status_basis"])
                    row["group"] = " × ".join(str(v) for v in group["values"].values())
                    rows.append(row)
        return rows

    @property
    def verdicts(self) -> "polars.DataFrame":
        """One row per check and group (a polars DataFrame): ``attribute_set``, a column per
        attribute, the judged ``metric``, the group's ``state`` (``action_needed``, ``review``,
        ``explained``, ``ok``; null for the reference and excluded groups), its ``severity`` and
        the people ``affected``, and the check's ``check_status`` and ``status_basis`` (raw or
        at equal controls), as ``results.json``'s ``checks`` hold them."""
        rows = [{k: v for k, v in row.items() if k != "group"} for row in self._verdict_rows()]
        return _polars().DataFrame(rows, infer_schema_length=None)

    def sheet(self) -> List[str]:
        """The decision sheet: one line per check, as ``fairaudit audit`` prints it."""
        return list(self._native.sheet())

    def summary(self) -> str:
        """The decision sheet as text."""
        return "\n".join(self.sheet())

    def write(self, out: PathLike, sign: Optional[PathLike] = None, force: bool = False) -> Path:
        """Writes the evidence bundle (manifest, results.json, report, charts, tables) into ``out``,
        signed with the Ed25519 key file ``sign`` (or the audit's own ``sign`` option) when given,
        compared with the audit's ``baseline`` when it has one; ``fairaudit verify`` checks it.
        An existing directory is refused unless ``force``. Returns the directory."""
        written = self._native.write(
            os.fspath(out), None if sign is None else os.fspath(sign), force
        )
        return Path(written)

    def worst(self, n: int = 10) -> List[Dict[str, Any]]:
        """The ``n`` group verdicts most in need of attention, worst first: every group whose
        state is ``action_needed`` or ``review``, by state, then severity, then people affected
        (each a row of :attr:`verdicts` as a dict, with ``group`` its values joined by ×)."""
        order = {"action_needed": 0, "review": 1}
        rows = [row for row in self._verdict_rows() if row["state"] in order]
        rows.sort(key=lambda r: (order[r["state"]], -(r["severity"] or 0), -(r["affected"] or 0)))
        return rows[:n]

    def _repr_html_(self) -> str:
        """The decision sheet and the worst groups, for a notebook cell."""
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in self.sheet())
        worst = self.worst()
        if not worst:
            return (f"<div><strong>fairaudit: decision sheet</strong><ul>{lines}</ul>"
                    f"<p>No group needs action or review.</p></div>")
        heads = ["attribute set", "group", "check", "state", "people affected"]
        rows = "".join(_html_row(r) for r in worst)
        header = "".join(f"<th {_CELL}>{h}</th>" for h in heads)
        return (f"<div><strong>fairaudit: decision sheet</strong><ul>{lines}</ul>"
                f"<strong>Worst groups</strong><table style=\"border-collapse:collapse\">"
                f"<thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></div>")

    def __repr__(self) -> str:
        return "AuditResult(\n  " + "\n  ".join(self.sheet()) + "\n)"


class Audit:
    """An audit definition: the options of ``fairaudit audit``, as keywords or a TOML config."""

    def __init__(self, data: Optional[Data] = None, *, config: Optional[PathLike] = None, **options: Any):
        self._frame = None if data is None else _frame(data)
        self._options = _options(None if self._frame else data, options)
        self._config = None if config is None else os.fspath(config)

    @classmethod
    def from_config(cls, config: PathLike, data: Optional[Data] = None, **overrides: Any) -> "Audit":
        """The audit a ``--config`` TOML file defines; keywords override its keys, as flags do,
        and ``data`` (a path or a frame) its log."""
        return cls(data, config=config, **overrides)

    def run(self) -> AuditResult:
        """Runs the audit. Bad input raises :class:`InputError` with the command line's message;
        nothing is written until :meth:`AuditResult.write`."""
        frame, name = self._frame or (None, None)
        return AuditResult(_fairaudit.audit(self._options, self._config, frame, name))


def audit(data: Data, **options: Any) -> AuditResult:
    """Audits the decision log ``data``: a polars DataFrame or LazyFrame, a pandas DataFrame, a
    pyarrow Table (handed over through the Arrow C stream interface, not copied), or the path of
    a CSV, Parquet or NDJSON file, a directory or a glob.

    Every keyword is an option of ``fairaudit audit`` (see its ``--help``) with ``_`` for ``-``:
    ``outcome="offer_sent"``, ``protected=["sex", ("sex", "age_band")]`` (a tuple is an
    intersection), ``reference={"sex": "F"}``, ``label=...``, ``control=[...]``, ``date=...``,
    ``features=[...]``. Raises :class:`InputError` (a ``ValueError``) on bad input.
    """
    return Audit(data, **options).run()
