"""Example survey exports for the browser test and the screenshots (synthetic answers).

``limesurvey_codes`` writes what LimeSurvey's "Export responses" gives with "Question code"
headings and "Answer codes": the metadata columns, then ``G01Q01`` (department), ``G01Q02``
(team) and the statements as ``G02Q01[VE_L1]`` (subquestion code = item id), except the
last statement, asked as its own question ``G03Q01``: so the department, the team and one
item must be chosen in the mapping grid, the other items map themselves.
"""
from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from lvm_data.instrument import load_default

DEPARTMENTS = {"Sales": ["Sales North", "Sales South"], "Engineering": ["Platform", "Apps"]}
META = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]


def limesurvey_header() -> list[str]:
    items = load_default().items
    return [*META, "G01Q01", "G01Q02", *(f"G02Q01[{i.id}]" for i in items[:-1]), "G03Q01"]


def limesurvey_codes(path: Path, respondents: int, first: datetime, seed: int = 1,
                     span_days: int = 20) -> Path:
    """``respondents`` rows submitted over ``span_days`` days from ``first``."""
    rng = random.Random(seed)
    n_items = len(load_default().items)
    rows = [limesurvey_header()]
    for r in range(respondents):
        dept = list(DEPARTMENTS)[r % 2]
        team = DEPARTMENTS[dept][(r // 2) % 2]
        when = first + timedelta(days=r * span_days // max(respondents - 1, 1), minutes=r)
        stamp = when.strftime("%Y-%m-%d %H:%M:%S")
        answers = [f"AO0{rng.randint(1, 5)}" for _ in range(n_items)]
        rows.append([str(r + 1), stamp, "3", "en", str(rng.randint(10**6, 10**7)), stamp,
                     stamp, dept, team, *answers])
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)
    return path


def limesurvey_codebook() -> str:
    """The three choices the grid needs for ``limesurvey_codes`` (the CLI takes it as
    ``--codebook``); the other columns map themselves."""
    last = load_default().items[-1].id
    return f"question,item\nG01Q01,department\nG01Q02,team\nG03Q01,{last}\n"
