"""The Python package against the command line it shares its engine with, and against fairlearn.

The `fairaudit` binary is the one `cargo test --release` built: $FAIRAUDIT_BIN, else
$CARGO_TARGET_DIR/release/fairaudit, else target/release/fairaudit; a missing binary fails.
"""

import json
import os
import subprocess
from html import escape
from pathlib import Path

import nbclient
import nbformat
import pandas as pd
import polars as pl
import pyarrow.csv as pacsv
import pytest

import fairaudit

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"


def binary() -> str:
    if os.environ.get("FAIRAUDIT_BIN"):
        return os.environ["FAIRAUDIT_BIN"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = target / "release" / "fairaudit"
    assert path.is_file(), f"{path}: build it first with cargo test --release (or set FAIRAUDIT_BIN)"
    return str(path)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary(), *args], capture_output=True, text=True)


@pytest.mark.parametrize("name", ["offers", "pricing", "service", "compas"])
def test_the_bundled_audits_give_the_command_lines_results_json(name, tmp_path):
    # offers explains its gaps and searches remedies; pricing has a control; service is judged
    # month by month; COMPAS audits a score with its label.
    config = DATASETS / f"{name}.toml"
    result = fairaudit.Audit.from_config(config).run()
    done = cli("audit", "--config", str(config), "--out", str(tmp_path / "cli"))
    assert done.returncode == 0, done.stderr
    assert result.to_json() == (tmp_path / "cli" / "results.json").read_text()
    # The decision sheet is the one the command line prints after its first line.
    assert result.sheet() == done.stdout.splitlines()[1:]


def test_keywords_are_the_command_lines_flags(tmp_path):
    log = DATASETS / "business" / "offers.csv"
    result = fairaudit.audit(
        log,
        outcome="offer_sent",
        protected=["ethnicity", ("ethnicity", "sex")],
        reference={"ethnicity": "White"},
        control=["channel"],
        label="would_redeem",
        min_group_size=50,
    )
    done = cli(
        "audit", "--data", str(log), "--outcome", "offer_sent", "--protected", "ethnicity",
        "--protected", "ethnicity,sex", "--reference", "ethnicity=White", "--control", "channel",
        "--label", "would_redeem", "--min-group-size", "50", "--out", str(tmp_path / "cli"),
    )
    assert done.returncode == 0, done.stderr
    ours = result.to_dict()
    theirs = json.loads((tmp_path / "cli" / "results.json").read_text())
    assert ours == theirs
    assert ours["audit"]["min_group_size"] == 50
    assert [s["attributes"] for s in ours["attribute_sets"]] == [["ethnicity"], ["ethnicity", "sex"]]


def test_the_bundle_is_the_command_lines_and_verifies(tmp_path):
    key = tmp_path / "key"
    assert cli("keygen", "--out", str(key)).returncode == 0
    result = fairaudit.Audit.from_config(DATASETS / "compas.toml").run()
    out = result.write(tmp_path / "bundle", sign=key)
    assert out == tmp_path / "bundle"
    for name in ["manifest.json", "results.json", "report.md", "report.html", "tables.xlsx"]:
        assert (out / name).is_file(), name
    assert (out / "results.json").read_text() == result.to_json()
    verified = cli("verify", str(out), "--key", str(key) + ".pub")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # An existing bundle is not overwritten without force, and nothing in it changes.
    before = (out / "report.md").read_bytes()
    with pytest.raises(fairaudit.InputError, match="output directory exists and is not empty; pass force to replace it"):
        result.write(out)
    assert (out / "report.md").read_bytes() == before
    assert result.write(out, force=True) == out


def test_bad_input_raises_input_error_with_the_command_lines_message(tmp_path):
    log = DATASETS / "business" / "offers.csv"
    done = cli("audit", "--data", str(log), "--outcome", "nope", "--protected", "sex",
               "--out", str(tmp_path / "cli"))
    assert done.returncode == 2
    with pytest.raises(fairaudit.InputError) as raised:
        fairaudit.audit(log, outcome="nope", protected=["sex"])
    assert isinstance(raised.value, ValueError)
    assert done.stderr.strip() == f"error: {raised.value}"
    assert "column 'nope': no such column" in str(raised.value)
    assert (raised.value.file, raised.value.column, raised.value.values) == (str(log), "nope", [])
    # A value the audit was asked for that the log does not hold is named too.
    with pytest.raises(fairaudit.InputError) as raised:
        fairaudit.audit(log, outcome="offer_sent", protected=["sex"], reference={"sex": "Unknown"})
    assert (raised.value.file, raised.value.column, raised.value.values) == (str(log), None, ["Unknown"])
    # An option's own error names nothing in the log.
    with pytest.raises(fairaudit.InputError) as raised:
        fairaudit.audit(log, protected=["sex"])
    assert (raised.value.file, raised.value.column, raised.value.values) == (None, None, [])
    assert not (tmp_path / "cli").exists()


def test_an_unknown_keyword_is_refused_by_name():
    with pytest.raises(fairaudit.InputError, match="unknown option `outcom`.*`outcome`"):
        fairaudit.audit(DATASETS / "business" / "offers.csv", outcom="offer_sent", protected=["sex"])


LOGS = {
    "offers": "business/offers.csv",
    "pricing": "business/pricing.csv",
    "service": "business/service.csv",
    "compas": "compas/compas-scores-two-years.csv",
}


def frame_of(kind: str, path: Path):
    """The log at `path` as a frame of `kind`, read the way each library reads a CSV by default
    (types inferred: numbers as numbers, where the command line reads text)."""
    if kind == "polars DataFrame":
        return pl.read_csv(path)
    if kind == "polars LazyFrame":
        return pl.scan_csv(path)
    if kind == "pandas DataFrame":
        return pd.read_csv(path)
    table = pacsv.read_csv(path)
    # pyarrow keeps a repeated header name (COMPAS has two decile_score columns); a frame
    # cannot be audited so (see the test below): rename the repeats as polars does.
    seen: dict = {}
    names = []
    for name in table.column_names:
        names.append(name if name not in seen else f"{name}_duplicated_{seen[name]}")
        seen[name] = seen.get(name, -1) + 1
    return table.rename_columns(names)


@pytest.mark.parametrize("name", list(LOGS))
@pytest.mark.parametrize("kind", ["polars DataFrame", "polars LazyFrame", "pandas DataFrame", "pyarrow Table"])
def test_a_frame_gives_the_command_lines_results_json(name, kind, tmp_path):
    # The config's log handed over as a frame (through the Arrow C stream, not a file): every
    # number, verdict and explanation is the command line's; only what was read differs.
    config = DATASETS / f"{name}.toml"
    result = fairaudit.Audit.from_config(config, data=frame_of(kind, DATASETS / LOGS[name])).run()
    done = cli("audit", "--config", str(config), "--out", str(tmp_path / "cli"))
    assert done.returncode == 0, done.stderr
    ours = result.to_dict()
    theirs = json.loads((tmp_path / "cli" / "results.json").read_text())
    ours_input, theirs_input = ours.pop("input"), theirs.pop("input")
    assert ours == theirs
    assert (ours_input["path"], ours_input["format"]) == (kind, "arrow")
    for field in ["rows_read", "rows_used", "rows_excluded"]:
        assert ours_input[field] == theirs_input[field], field
    assert result.sheet() == done.stdout.splitlines()[1:]


def test_a_frames_hash_is_of_its_values():
    # The same values give the same SHA-256 whatever library holds them; one changed value
    # changes it (the digest itself is checked against hashlib in src/hash.rs).
    log = DATASETS / LOGS["pricing"]
    def digest(data):
        return fairaudit.Audit.from_config(DATASETS / "pricing.toml", data=data).run().to_dict()["input"]["sha256"]
    polars_frame = pl.read_csv(log)
    assert digest(polars_frame) == digest(pd.read_csv(log)) == digest(polars_frame.to_arrow())
    changed = polars_frame.with_columns(pl.col("discount_given").reverse())
    assert digest(changed) != digest(polars_frame)


def test_a_frames_bad_input_names_the_frame():
    frame = pl.read_csv(DATASETS / LOGS["offers"])
    with pytest.raises(fairaudit.InputError) as raised:
        fairaudit.audit(frame, outcome="nope", protected=["sex"])
    assert str(raised.value).startswith("polars DataFrame: column 'nope': no such column; the file has: ")
    assert (raised.value.file, raised.value.column) == ("polars DataFrame", "nope")
    # A header name pyarrow keeps twice cannot be one column of a frame.
    table = pacsv.read_csv(DATASETS / LOGS["compas"])
    with pytest.raises(fairaudit.InputError) as raised:
        fairaudit.audit(table, score="decile_score", threshold=5, protected=["race"])
    assert str(raised.value) == "pyarrow Table: column 'decile_score' occurs more than once; rename all but one"
    assert (raised.value.file, raised.value.column) == ("pyarrow Table", "decile_score")
    # A frame replaces a config's log, not a cell table.
    with pytest.raises(fairaudit.InputError, match="a cell table is audited from its file"):
        fairaudit.audit(frame, cells="cells.csv", outcome="offer_sent", protected=["sex"])


def test_what_is_neither_a_path_nor_a_frame_is_refused():
    with pytest.raises(TypeError, match="as a path .* or as a frame .*not dict"):
        fairaudit.audit({"offer_sent": [1, 0]}, outcome="offer_sent", protected=["sex"])


def test_fairlearns_metric_frame_gives_the_same_rates():
    # fairlearn 0.x MetricFrame on the COMPAS rows the audit uses (decile score 5 or more is the
    # decision, two_year_recid the label), by race, over the groups of at least 30 people that
    # the audit's between-groups summaries take.
    from fairlearn.metrics import (MetricFrame, demographic_parity_ratio, false_positive_rate,
                                   selection_rate, true_positive_rate)

    result = fairaudit.Audit.from_config(DATASETS / "compas.toml").run().to_dict()
    race = result["attribute_sets"][0]
    assert race["attributes"] == ["race"]
    kept = {g["values"]["race"]: g for g in race["groups"] if g["n"] >= result["audit"]["min_group_size"]}
    rows = pd.read_csv(DATASETS / "compas" / "compas-scores-two-years.csv")
    rows = rows[rows["race"].isin(kept)]
    y_pred = (rows["decile_score"] >= 5).astype(int)
    frame = MetricFrame(
        metrics={"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=rows["two_year_recid"], y_pred=y_pred, sensitive_features=rows["race"],
    )
    for value, group in kept.items():
        for metric in ["selection_rate", "tpr", "fpr"]:
            assert group[metric] == pytest.approx(frame.by_group.loc[value, metric], abs=1e-12)
    expected = demographic_parity_ratio(rows["two_year_recid"], y_pred, sensitive_features=rows["race"])
    assert race["summary"]["demographic_parity_ratio"] == pytest.approx(expected, abs=1e-12)


def test_groups_is_a_frame_of_results_json():
    result = fairaudit.Audit.from_config(DATASETS / "compas.toml").run()
    groups = result.groups
    sets = result.to_dict()["attribute_sets"]
    assert groups.height == sum(len(s["groups"]) for s in sets)
    row = groups.filter((groups["attribute_set"] == "race") & (groups["race"] == "African-American")).row(0, named=True)
    group = next(g for g in sets[0]["groups"] if g["values"] == {"race": "African-American"})
    assert row["n"] == group["n"]
    assert row["selection_rate"] == group["selection_rate"]
    assert row["fpr_ratio"] == group["vs_reference"]["fpr_ratio"]
    assert [row["ci_selection_rate_low"], row["ci_selection_rate_high"]] == group["ci"]["selection_rate"]
    assert row["four_fifths"] == group["verdict"]["four_fifths"] == "fail"
    intersection = groups.filter(groups["attribute_set"] == "race × sex")
    assert set(intersection["sex"]) == {"Male", "Female"}
    # A numeric outcome's groups have its moments instead of rates.
    prices = fairaudit.Audit.from_config(DATASETS / "pricing_price.toml").run()
    first = prices.to_dict()["attribute_sets"][0]["groups"][0]
    assert prices.groups.row(0, named=True)["mean"] == first["mean"]


def test_verdicts_is_a_frame_of_the_checks():
    result = fairaudit.Audit.from_config(DATASETS / "compas.toml").run()
    verdicts = result.verdicts
    sets = result.to_dict()["attribute_sets"]
    assert verdicts.height == sum(len(s["checks"]) * len(s["groups"]) for s in sets)
    race = verdicts.filter(verdicts["attribute_set"] == "race")
    state = {(r["metric"], r["race"]): r["state"] for r in race.iter_rows(named=True)}
    # ProPublica's finding: African-American defendants flagged more often, and more often
    # wrongly; Caucasian defendants are the reference; 18 Native American ones are too few.
    assert state[("selection_rate", "African-American")] == "action_needed"
    assert state[("fpr", "African-American")] == "action_needed"
    assert state[("selection_rate", "Caucasian")] is None
    assert state[("selection_rate", "Native American")] is None
    check = sets[0]["checks"][0]
    first = race.row(0, named=True)
    assert (first["check_status"], first["status_basis"]) == (check["status"], check["status_basis"])
    assert first["affected"] == check["affected"][0]
    # The worst groups a notebook cell shows: every group needing action or review, action
    # first, and in the table each check in the decision sheet's words.
    worst = result.worst(n=100)
    needing = verdicts.filter(verdicts["state"].is_in(["action_needed", "review"]))
    assert len(worst) == needing.height
    assert [w["state"] for w in worst] == sorted((w["state"] for w in worst), key=["action_needed", "review"].index)
    shown = result._repr_html_()
    assert ">false positive rate</td>" in shown and ">fpr</td>" not in shown
    assert ">African-American</td>" in shown


def test_the_type_stubs_list_every_option_of_the_one_list():
    import ast
    import sys

    # The stub is generated from src/front/options.rs and up to date...
    check = subprocess.run([sys.executable, str(ROOT / "python" / "tools" / "stubs.py"), "--check"])
    assert check.returncode == 0, "stale stub: run python3 python/tools/stubs.py"
    # ...its keywords are the options the native side reads (the log is the first argument)...
    stub = (ROOT / "python" / "fairaudit" / "__init__.pyi").read_text()
    tree = ast.parse(stub)
    options = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "AuditOptions")
    keywords = [n.target.id for n in options.body if isinstance(n, ast.AnnAssign)]
    native = [name.replace("-", "_") for name in fairaudit._fairaudit.option_names()]
    assert keywords == [name for name in native if name != "data"]
    # ...and the installed package carries it, marked as typed.
    installed = Path(fairaudit.__file__).parent
    assert (installed / "__init__.pyi").read_text() == stub
    assert (installed / "py.typed").is_file()


def test_the_example_notebook_runs_and_shows_the_command_lines_decision_sheet(tmp_path):
    # python/examples/monthly_offers.ipynb, executed end to end by a Python kernel (nbclient):
    # its audit of the offers log from a polars frame shows the decision sheet the command line
    # prints for the same audit of the same file, and writes the bundle.
    examples = ROOT / "python" / "examples"
    notebook = nbformat.read(examples / "monthly_offers.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(examples)}}).execute()
    done = cli(
        "audit", "--data", str(DATASETS / LOGS["offers"]), "--outcome", "offer_sent", "--label", "would_redeem",
        "--protected", "ethnicity", "--protected", "sex", "--protected", "ethnicity,sex",
        "--reference", "ethnicity=White", "--control", "channel", "--date", "decision_date",
        "--every", "month", "--out", str(tmp_path / "cli"),
    )
    assert done.returncode == 0, done.stderr
    sheet = done.stdout.splitlines()[1:]
    outputs = {cell.source: cell.outputs for cell in notebook.cells if cell.cell_type == "code"}
    shown = next(o for source, o in outputs.items() if source.endswith("\nresult"))
    html = shown[0]["data"]["text/html"]
    assert "Worst groups" in html
    for line in sheet:
        assert f"<li>{escape(line)}</li>" in html, line
    printed = next(o for source, o in outputs.items() if source == "print(result.summary())")
    assert printed[0]["text"] == "\n".join(sheet) + "\n"
    written = next(o for source, o in outputs.items() if "result.write(" in source)
    assert "'manifest.json'" in written[0]["data"]["text/plain"]


def test_a_panic_inside_reaches_python_as_internal_error():
    # The native side's self-check panics inside the guard every call goes through.
    with pytest.raises(fairaudit.InternalError, match=r"^fairaudit failed inside \(the panic guard's self-check\)$"):
        fairaudit._fairaudit._check_panic_guard()
    assert issubclass(fairaudit.InternalError, RuntimeError)
