"""A wave's default name and date: from the responses' own dates, else from the file name.

Rule (documented in the README): all responses in one calendar month -> ``2026-10``; in one
calendar quarter -> ``2026-Q4``; otherwise the first and last month, ``2026-09 to 2027-01``.
The date is the last response's. Without a date column the file name is used, unless it is
shorter than three characters (``s.csv`` gives no "s"): then ``Wave N``. A name already
taken gets " (2)", " (3)"... so a default never collides with an existing wave.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .mapping_rules import norm_header

# Completion time first: the moment a response was finished dates it best.
DATE_HEADERS = ("enddate", "recordeddate", "submitdate", "datesubmitted", "submitdateutc",
                "completiontime", "timestamp", "zeitstempel", "horodateur", "marcatemporal",
                "datumabgeschickt", "endtime")
MIN_FILE_NAME_CHARS = 3

_PERIOD = re.compile(r"^(\d{4})(?:[-_ /]?(?:(H)([12])|(Q)([1-4])|(0[1-9]|1[0-2])))?\b", re.I)


def date_column(columns) -> str | None:
    """The key of the column holding the responses' completion dates, if any."""
    found = {}
    for c in columns:
        for raw in (c.key, c.header, c.text):
            n = norm_header(raw)
            if n in DATE_HEADERS and n not in found:
                found[n] = c.key
    return next((found[h] for h in DATE_HEADERS if h in found), None)


def period_name(first: date, last: date) -> str:
    """'2026-10' (one month), '2026-Q4' (one quarter), else '2026-09 to 2027-01'."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{last.year}-{last.month:02d}"
    quarter = (first.month - 1) // 3
    if first.year == last.year and quarter == (last.month - 1) // 3:
        return f"{last.year}-Q{quarter + 1}"
    return f"{first.year}-{first.month:02d} to {last.year}-{last.month:02d}"


def unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    k = 2
    while f"{name} ({k})" in taken:
        k += 1
    return f"{name} ({k})"


def default_wave(dates: tuple[date, date] | None, source: str,
                 taken: set[str]) -> tuple[str, date | None]:
    """(name, date) for a file with no wave column and no name given."""
    if dates is not None:
        return unique(period_name(*dates), taken), dates[1]
    stem = Path(source).stem.strip()[:100]
    if len(stem) < MIN_FILE_NAME_CHARS or not re.search(r"[A-Za-z0-9]", stem):
        stem = f"Wave {len(taken) + 1}"
    return unique(stem, taken), None


def wave_date_from_name(name: str) -> date | None:
    """'2025-H2' -> 1 July 2025, '2026-Q3' -> 1 July 2026, '2025-03' -> 1 March 2025,
    '2024 pulse' -> 1 January 2024: waves named by period sort in time order."""
    m = _PERIOD.match(name.strip())
    if not m or not 1990 <= int(m.group(1)) <= 2100:
        return None
    year, half, quarter, month = int(m.group(1)), m.group(3), m.group(5), m.group(6)
    first = 1 + 6 * (int(half) - 1) if half else 1 + 3 * (int(quarter) - 1) if quarter \
        else int(month) if month else 1
    return date(year, first, 1)
