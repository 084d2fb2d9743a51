"""Headcounts per wave: how many people each unit (a department, a team...) has.

One row per unit of the uploaded headcount file; the unit is a JSON object of attribute
values, since the file may name any attribute columns. Headcounts are organisational
figures, not answers, so they are stored as given; the response rates computed from them
pass the same anonymity rules as the respondent counts (``lvm_data.headcount``).
"""
from __future__ import annotations

import json

import pandas as pd

SCHEMA = "CREATE TABLE IF NOT EXISTS headcounts (wave_id INTEGER, unit VARCHAR, headcount BIGINT);\n"


def replace(cur, wave_id: int, units: list[dict[str, str]], counts: list[int]) -> None:
    """The wave's headcounts, replacing any earlier file (the caller holds the transaction)."""
    cur.execute("DELETE FROM headcounts WHERE wave_id = ?", [wave_id])
    cur.executemany("INSERT INTO headcounts VALUES (?, ?, ?)",
                    [(wave_id, json.dumps(u, sort_keys=True), int(c))
                     for u, c in zip(units, counts)])


def load(cur, wave_id: int) -> pd.DataFrame:
    """One row per unit: its attribute columns and ``headcount`` (empty when none)."""
    rows = cur.execute("SELECT unit, headcount FROM headcounts WHERE wave_id = ?",
                       [wave_id]).fetchall()
    return pd.DataFrame([{**json.loads(u), "headcount": int(c)} for u, c in rows])


def forget(cur, wave_id: int) -> None:
    cur.execute("DELETE FROM headcounts WHERE wave_id = ?", [wave_id])
