"""The first and last response date of a staged file, read from its date column.

Tools write dates their own way: Qualtrics and LimeSurvey ``2026-10-05 09:12:00``, Google
Forms ``10/5/2026 9:12:00`` (US order), SurveyMonkey ``10/05/2026 09:12:00 AM``, German
exports ``05.10.2026 09:12``. A value no format reads is left out of the range.
"""
from __future__ import annotations

from datetime import date

FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d",
           "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M", "%m/%d/%Y",
           "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"]
RELATIONS = ("staging", "lvm_date_sample")     # the staged file, or a registered sample


def date_range(cur, relation: str, key: str) -> tuple[date, date] | None:
    """(first, last) date of the column ``key`` of ``relation``; None when none is a date."""
    if relation not in RELATIONS:
        raise ValueError(f"unknown relation {relation!r}")
    col = '"' + key.replace('"', '""') + '"'
    row = cur.execute(
        f"SELECT min(d)::DATE, max(d)::DATE FROM (SELECT try_strptime("
        f"trim({col}::VARCHAR), ?) AS d FROM {relation}) WHERE d IS NOT NULL",
        [FORMATS]).fetchall()[0]        # fetch all: the cursor must be free afterwards
    return None if row[0] is None else (row[0], row[1])


def sample_range(cur, frame, key: str) -> tuple[date, date] | None:
    """The same over a DataFrame of the file's first rows (a preview that staged nothing)."""
    cur.register("lvm_date_sample", frame[[key]])
    try:
        return date_range(cur, "lvm_date_sample", key)
    finally:
        cur.unregister("lvm_date_sample")
