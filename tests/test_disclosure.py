"""The attacks of the anonymity issue, each tried as a curious viewer would, on planted data.

Expected figures are worked out from the planted rows with plain Python (``_mean``), never
taken from the product's own output.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import math
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from lvm_data import ingest, store
from lvm_data.instrument import load_default
from lvm_data.store import disclosure
from tests.fixtures import planted

ROOT = Path(__file__).resolve().parents[1]
K = 5
DIMS = load_default().dimensions
OTHER_TENURES = ["<1 year", *planted.TENURES]           # every tenure but "30+ years"


@pytest.fixture
def org(tmp_path, con):
    ingest.import_file(con, planted.write(tmp_path / "planted.csv"), ingest.Options(wave="w"))
    return con.cursor()


def cli(*args, db, env=None):
    out = subprocess.run([sys.executable, "-m", "lvm_data", *args, "--db", str(db)], cwd=ROOT,
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return out


def _pole(row: dict, dim: str, pole: str) -> float | None:
    """The scoring rules of the README, written out again: reverse, half answered, mean."""
    items = [i for i in planted.ITEMS if i.dimension == dim and i.pole == pole]
    values = [6 - int(row[i.id]) if i.reverse else int(row[i.id]) for i in items if row[i.id]]
    return sum(values) / len(values) if len(values) >= math.ceil(len(items) / 2) else None


def _mean(rows: list[dict], dim: str) -> tuple[int, float, float]:
    pairs = [(_pole(r, dim, "leadership"), _pole(r, dim, "management")) for r in rows]
    pairs = [(lead, man) for lead, man in pairs if lead is not None and man is not None]
    return (len(pairs), sum(p[0] for p in pairs) / len(pairs),
            sum(p[1] for p in pairs) / len(pairs))


# --- one person's exact answers ---------------------------------------------------------

def test_subtracting_a_tenure_band_is_refused(org):
    sales = store.item_distribution(org, "vision_execution", where={"department": ["Sales"]})
    assert not sales.empty                                           # 21 people: fine
    rest = {"department": ["Sales"], "tenure_band": OTHER_TENURES}   # 20 people: Sales - 1
    for result in (store.item_distribution(org, "vision_execution", where=rest),
                   store.group_scores(org, where=rest), store.archetype_mix(org, where=rest),
                   store.overview(org, where=rest)):
        assert result.empty and "differs from a wider selection" in result.message
        assert not any(ch.isdigit() and ch != "5" for ch in result.message)   # no count


def test_the_two_person_band_cannot_be_subtracted_on_the_cli(tmp_path):
    db = tmp_path / "cli.duckdb"
    cli("import", str(planted.write(tmp_path / "p.csv")), "--wave", "w", db=db)
    where = [f"--where=tenure_band={t}" for t in ["30+ years", *planted.TENURES]]
    out = cli("scores", "--where", "department=Sales", *where, db=db)   # Sales minus 2
    assert out.stdout.strip() == ",".join(
        ["group", "dimension", "n", "leadership", "management", "orientation",
         "orientation_ci_low", "orientation_ci_high", "balance", "archetype"])
    assert "differs from a wider selection by fewer than 5" in out.stderr
    items = cli("items", "--dimension", "people_process", "--where", "department=Sales",
                *where, db=db)
    assert items.stdout.strip() == "item,pole,reverse,value,label,count,share"
    mix = cli("mix", "--where", "department=Sales", *where, db=db)
    assert mix.stdout.strip() == "dimension,archetype,n,share" and mix.stderr


def test_the_sample_attack_of_the_issue_is_refused(tmp_path):
    """On the bundled sample: Sales in 2025-H1 (48) minus three tenure bands (46)."""
    db = tmp_path / "sample.duckdb"
    cli("import", str(ROOT / "sample_data" / "sample_export.csv"), db=db)
    whole = cli("scores", "--wave", "2025-H1", "--where", "department=Sales", db=db)
    assert "\nall,vision_execution,48," in whole.stdout
    bands = [f"--where=tenure_band={b}" for b in ("1-3 years", "3-5 years", "5+ years")]
    part = cli("scores", "--wave", "2025-H1", "--where", "department=Sales", *bands, db=db)
    assert part.stdout.count("\n") == 1 and "wider selection" in part.stderr


# --- grouped remainder ------------------------------------------------------------------

def test_hidden_teams_cannot_be_worked_out_from_the_total(org):
    rows = planted.rows()
    finance = [r for r in rows if r["Department"] == "Finance"]
    everyone = store.group_scores(org, where={"department": ["Finance"]}).table
    teams = store.group_scores(org, by="team", where={"department": ["Finance"]})
    # Treasury (3) is too small; Controlling (6) is hidden with it so that "all minus the
    # shown teams" covers 9 people, not 3. Accounting (7) stays, exact.
    assert set(teams.table["group"]) == {"Finance - Accounting"}
    for dim in DIMS:
        total = everyone.loc[everyone["dimension"] == dim, "n"].sum()
        shown = teams.table.loc[teams.table["dimension"] == dim, "n"].sum()
        assert total - shown == 0 or total - shown >= K, dim
    accounting = [r for r in finance if r["Team"] == "Finance - Accounting"]
    for dim in DIMS:
        row = teams.table[teams.table["dimension"] == dim]
        if dim == "people_process":
            # Controlling's one answerer + Treasury's 3 = 4 < 5: Accounting hides too
            assert row.empty
            continue
        n, lead, man = _mean(accounting, dim)
        assert (int(row["n"].iloc[0]), row["leadership"].iloc[0], row["management"].iloc[0]) \
            == (n, pytest.approx(lead, abs=1e-12), pytest.approx(man, abs=1e-12))
    assert "hidden" in teams.message and "3" not in teams.message.split("(")[0]


def test_complement_rule_on_its_own():
    """Rule 3 as a pure function: hide the next-smallest until the hidden hold >= k."""
    import pandas as pd
    n = pd.DataFrame({"all": [7, 6, 3, 20], "dim:x": [7, 6, 3, 20]}, index=list("ABCD"))
    status = n.map(lambda v: disclosure.OK if v >= 5 else disclosure.SMALL)
    out = disclosure.suppress_complement(disclosure.Verdict(n, status), ["dim:x"], 5)
    assert out.status["dim:x"].tolist() == ["ok", "secondary", "small", "ok"]


# --- per-dimension and per-item gaps ----------------------------------------------------

def test_a_pole_answered_by_one_person_is_withheld_everywhere(org):
    team = {"team": ["Finance - Controlling"]}                       # 6 people, 1 on PP-M
    scores = store.group_scores(org, where=team)
    assert "people_process" not in set(scores.table["dimension"])
    assert set(scores.table["n"]) == {6}
    assert "People" in scores.message and "fewer than 5" in scores.message
    mix = store.archetype_mix(org, where=team)
    assert "people_process" not in set(mix.table["dimension"])
    assert mix.table.groupby("dimension")["n"].sum().tolist() == [6, 6, 6, 6]
    items = store.item_distribution(org, "people_process", where=team)
    poles = items.table.drop_duplicates("item_id").set_index("item_id")["pole"]
    assert set(poles) == {"leadership"}                              # PP_M* withheld
    assert items.table.groupby("item_id")["count"].sum().tolist() == [6, 6, 6]
    assert set(items.extra["withheld"]) == {"PP_M1", "PP_M2", "PP_M3", "PP_M4"}


# --- free text --------------------------------------------------------------------------

def _with_comments(path: Path, header: str) -> Path:
    rows = planted.rows() * 5                                        # 285 rows
    for i, row in enumerate(rows):
        row["Respondent ID"] = f"P{i:04d}"
        row[header] = "No" if i % 2 else "None"
    rows[260][header] = "My manager, J. Smith in Treasury, shouts at people in meetings."
    rows[270][header] = "Stop the reorganisation"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*planted.HEADER, header])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("header", ["Any other comments?", "Q99"])
def test_comment_columns_are_never_stored(tmp_path, con, header):
    path = _with_comments(tmp_path / "c.csv", header)
    report = ingest.import_file(con, path, ingest.Options(wave="w"), dry_run=True)
    assert report.free_text_columns == [header]
    ingest.import_file(con, path, ingest.Options(wave="w"))
    cur = con.cursor()
    assert store.attribute_names(cur) == ["department", "team", "role", "tenure_band"]
    stored = cur.execute("SELECT * FROM respondents").df().astype(str).to_csv()
    assert "shouts" not in stored and "reorganisation" not in stored


def test_a_comment_column_can_be_kept_deliberately(tmp_path, con):
    path = _with_comments(tmp_path / "c.csv", "Q99")
    ingest.import_file(con, path, ingest.Options(wave="w", overrides={"Q99": ("attribute",
                                                                                "q99")}))
    assert "q99" in store.attribute_names(con.cursor())


# --- respondent keys --------------------------------------------------------------------

def _keyed_rows(path: Path, key_header: str, make_key) -> list[str]:
    rows = planted.rows()
    keys = [make_key(i) for i in range(len(rows))]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[key_header, *planted.HEADER[1:]])
        writer.writeheader()
        for key, row in zip(keys, rows):
            row.pop("Respondent ID")
            writer.writerow({key_header: key, **row})
    return keys


@pytest.mark.parametrize("header,make_key", [
    ("Email", lambda i: f"Person.{i}@Example.com"), ("Employee ID", lambda i: f"E{i:05d}")])
def test_personal_keys_are_a_keyed_hash_with_the_key_outside(tmp_path, con, header, make_key):
    keys = _keyed_rows(tmp_path / "k.csv", header, make_key)
    ingest.import_file(con, tmp_path / "k.csv", ingest.Options(wave="w"))
    secrets_file = tmp_path / "lvm_secrets.toml"                      # beside the settings
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    secret = bytes.fromhex(tomllib.loads(secrets_file.read_text())["respondent_key"])
    expected = {hmac.new(secret, k.lower().encode(), hashlib.sha256).hexdigest() for k in keys}
    cur = con.cursor()
    stored = {r[0] for r in cur.execute("SELECT respondent_key FROM respondents").fetchall()}
    assert stored == expected
    # nothing in the database reverses them: no salt, and no unkeyed hash matches
    meta = dict(cur.execute("SELECT key, value FROM meta").fetchall())
    assert "salt" not in meta and secret.hex() not in str(meta)
    for value in ["", *meta.values()]:
        plain = {hashlib.sha256((value + k.lower()).encode()).hexdigest() for k in keys}
        assert not plain & stored


def test_a_survey_tools_response_id_stays_as_it_is(tmp_path, con):
    keys = _keyed_rows(tmp_path / "r.csv", "Response ID", lambda i: f"R_{i:06x}abc")
    ingest.import_file(con, tmp_path / "r.csv", ingest.Options(wave="w"))
    stored = {r[0] for r in con.cursor().execute("SELECT respondent_key FROM respondents")
              .fetchall()}
    assert stored == set(keys) and not (tmp_path / "lvm_secrets.toml").exists()


# --- the minimum travels with the database ----------------------------------------------

def test_the_minimum_recorded_at_creation_survives_a_move(tmp_path, monkeypatch):
    (tmp_path / "lvm_settings.toml").write_text("min_group_size = 10\n")
    db = tmp_path / "org.duckdb"
    con = store.connect(db)
    ingest.import_file(con, planted.write(tmp_path / "p.csv"), ingest.Options(wave="w"))
    con.close()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "LVM_SETTINGS": str(elsewhere / "none.toml")}   # no settings file
    out = cli("scores", "--by", "team", db=db, env=env)
    teams = {line.split(",")[0] for line in out.stdout.splitlines()[1:]}
    # >= 10: North 11, South 10, Platform 10, Data 10; Finance's teams are all below 10
    assert teams == {"Sales - North", "Sales - South", "Engineering - Platform",
                     "Engineering - Data"}
    low = subprocess.run([sys.executable, "-m", "lvm_data", "scores", "--min-group-size", "5",
                          "--db", str(db)], cwd=ROOT, capture_output=True, text=True, env=env)
    assert low.returncode == 2 and "minimum of 10" in low.stderr


# --- option lists -----------------------------------------------------------------------

def test_option_lists_hold_no_value_of_fewer_than_k(org):
    assert store.attribute_values(org, "tenure_band", wave="w") == planted.TENURES
    teams = store.attribute_values(org, "team", wave="w", where={"department": ["Finance"]})
    assert teams == ["Finance - Accounting", "Finance - Controlling"]   # not Treasury (3)


def test_compare_does_not_confirm_a_small_group(org):
    sales = store.Selection("w", {"department": ["Sales"]}, "Sales")
    small = store.compare(org, sales, store.Selection("w", {"team": ["Finance - Treasury"]},
                                                      "T"))
    none = store.compare(org, sales, store.Selection("w", {"team": ["Nobody"]}, "T"))
    assert small.empty and small.message == none.message
    assert small.population == none.population == 0


# --- what breaks no rule stays exact ----------------------------------------------------

@pytest.mark.parametrize("by,where", [("department", None), ("role", {"department": ["Sales"]}),
                                      ("team", {"department": ["Engineering"]})])
def test_big_groups_keep_their_exact_figures(con, by, where):
    """On the bundled sample, groups that break no rule match an independent pandas
    computation (bench/pandas_reference.py shares no code with the store) to 1e-12."""
    import pandas as pd
    sys.path.insert(0, str(ROOT / "bench"))
    import pandas_reference as ref
    sample = ROOT / "sample_data" / "sample_export.csv"
    ingest.import_file(con, sample, ingest.Options())
    df = pd.read_csv(sample)
    df = df[df["wave"] == "2025-H2"]
    expected = ref.group_scores(df, load_default(), by=by, where=where).set_index(
        ["group", "dimension"])
    got = store.group_scores(con.cursor(), by=by, where=where).table.set_index(
        ["group", "dimension"])
    assert len(got) >= 10 and set(got.index) <= set(expected.index)
    for column in ("n", "leadership", "management", "orientation", "orientation_ci_low"):
        diff = (got[column] - expected.loc[got.index, column]).abs().max()
        assert diff < 1e-12, column


def test_items_and_mix_commands_match_a_hand_count(tmp_path):
    """`items` and `mix` for Sales, against counts made from the planted rows directly."""
    db = tmp_path / "cli.duckdb"
    cli("import", str(planted.write(tmp_path / "p.csv")), "--wave", "w", db=db)
    sales = [r for r in planted.rows() if r["Department"] == "Sales"]
    items = list(csv.DictReader(io.StringIO(cli(
        "items", "--dimension", "vision_execution", "--where", "department=Sales",
        db=db).stdout)))
    for item in (i for i in planted.ITEMS if i.dimension == "vision_execution"):
        answers = [int(r[item.id]) for r in sales if r[item.id]]
        got = {int(r["value"]): int(r["count"]) for r in items if r["item"] == item.id}
        assert got == {v: answers.count(v) for v in set(answers)}, item.id
        assert {r["reverse"] for r in items if r["item"] == item.id} == {str(item.reverse)}
    mix = list(csv.DictReader(io.StringIO(cli("mix", "--where", "department=Sales",
                                              db=db).stdout)))
    for dim in DIMS:
        expected: dict[str, int] = {}
        for r in sales:
            lead, man = _pole(r, dim, "leadership"), _pole(r, dim, "management")
            name = {(True, True): "Integrator", (True, False): "Leadership-led",
                    (False, True): "Management-led", (False, False): "Developing"}[
                (lead >= 3, man >= 3)]
            expected[name] = expected.get(name, 0) + 1
        got = {r["archetype"]: int(r["n"]) for r in mix if r["dimension"] == dim}
        assert got == expected, dim


def test_a_dry_run_creates_no_secrets_file(tmp_path):
    keys = _keyed_rows(tmp_path / "k.csv", "Email", lambda i: f"p{i}@example.com")
    assert keys
    out = subprocess.run([sys.executable, "-m", "lvm_data", "import", str(tmp_path / "k.csv"),
                          "--dry-run", "--db", str(tmp_path / "new.duckdb")], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "stored as a keyed hash" in out.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.csv", "lvm_settings.toml"]
