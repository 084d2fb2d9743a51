"""The second floor of the import benchmark: what storing this product's tables costs alone.

Any import into this schema reads the file once and writes two tables in one transaction:
the answers (one DOUBLE per item) and the respondents (key, group columns and the ten pole
means). This does exactly that and nothing else (no check of any kind), so its time against
the bare read shows how much of the import target is left for the checks the import must
make (``bench_core.py`` prints both). The file is the benchmark's generated sample: its
header names the default instrument's items, "Respondent ID" and four group columns.
"""
from __future__ import annotations

import time

import duckdb

from lvm_data.instrument import load_default
from lvm_data.scoring import min_answered
from lvm_data.store.staging import quote_key as _quote

GROUPS = {"Department": "department", "Team": "team", "Role": "role",
          "Tenure band": "tenure_band"}


def _pole_mean(values: list[str]) -> str:
    """Mean of the answered items, if enough are answered (the product's rule)."""
    answered = " + ".join(f"({v} IS NOT NULL)::INTEGER" for v in values)
    total = " + ".join(f"coalesce({v}, 0)" for v in values)
    return (f"CASE WHEN {answered} >= {min_answered(len(values))} "
            f"THEN ({total}) / ({answered}) END")


def _statements() -> tuple[str, str]:
    inst = load_default()
    reverse_sum = float(inst.scale_min + inst.scale_max)
    answers = ", ".join(f"{_quote(i.id)}::DOUBLE AS {_quote(i.id)}" for i in inst.items)
    means = []
    for dim in inst.dimensions:
        for pole in ("leadership", "management"):
            values = [f"({reverse_sum} - {_quote(i.id)})" if i.reverse else _quote(i.id)
                      for i in inst.items if i.dimension == dim and i.pole == pole]
            means.append(f"{_pole_mean(values)} AS {_quote(f'{dim}__{pole[0]}')}")
    groups = ", ".join(f"{_quote(src)} AS {dst}" for src, dst in GROUPS.items())
    return (f"CREATE TABLE answers_1 AS SELECT rid, {answers} FROM staged",
            f"CREATE TABLE respondents AS SELECT rid, 1 AS wave_id, "
            f"\"Respondent ID\" AS respondent_key, {groups}, {', '.join(means)} FROM staged")


def store_only(csv: str, db: str) -> float:
    """Seconds to read ``csv`` once and write both tables to the new file ``db``."""
    answers, respondents = _statements()
    start = time.perf_counter()
    con = duckdb.connect(db)
    con.execute("BEGIN TRANSACTION")
    con.execute("CREATE TEMP TABLE read_once AS SELECT * FROM read_csv(?)", [csv])
    con.execute("CREATE TEMP VIEW staged AS SELECT rowid + 1 AS rid, * FROM read_once")
    con.execute(answers)
    con.execute(respondents)
    con.execute("COMMIT")
    con.close()
    return time.perf_counter() - start
