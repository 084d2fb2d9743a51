"""Response quality in SQL: flags at import, their record per wave, and the Data quality page.

At import the staged rows (``clean``) get a duration in seconds (from a duration column or
start and end times; the timestamps themselves are never stored) and two flags; flagged
rows become import problems when the wave's setting excludes them. ``response_quality``
keeps the flags and duration of each imported respondent, ``wave_quality`` what was
checked and excluded, with the setting in force: the wave's record of how its numbers
were made.

Counts of flagged respondents are figures about people: a count, or its complement in the
wave, of 1..k-1 is shown as "fewer than k" (``masked``). The page shows whole waves only, so
no filter can be narrowed to difference two counts.
"""
from __future__ import annotations

import json

import pandas as pd

from ..quality import FLAGS, MIN_STRAIGHT_ITEMS, PROBLEMS, SPEED_FRACTION, STRAIGHTLINERS, Timing
from . import disclosure
from .read import Result, _empty, wave_row
from .schema import answers_table, quote
from .staging import quote_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS response_quality (
    rid BIGINT, wave_id INTEGER, duration_s DOUBLE, straightliner BOOLEAN, speeder BOOLEAN);
CREATE TABLE IF NOT EXISTS wave_quality (
    wave_id INTEGER PRIMARY KEY, excluded_flags VARCHAR, checked INTEGER,
    straightliners INTEGER, speeders INTEGER, excluded INTEGER, timed INTEGER,
    median_duration_s DOUBLE);
"""
TABLES = ("response_quality", "wave_quality")
_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y %H:%M", "%Y/%m/%d %H:%M:%S")


def _timestamp(key: str) -> tuple[str, list]:
    col = f"trim(s.{quote_key(key)}::VARCHAR)"
    tries = [f"TRY_CAST({col} AS TIMESTAMP)"] + [f"try_strptime({col}, ?)" for _ in _FORMATS]
    return f"coalesce({', '.join(tries)})", list(_FORMATS)


def duration_sql(timing: Timing) -> tuple[str, list]:
    """Seconds per staged row (NULL when not timed or not positive)."""
    if timing.duration_key:
        expr = f"TRY_CAST(replace(trim(s.{quote_key(timing.duration_key)}::VARCHAR), ',', '.') AS DOUBLE)"
        return f"CASE WHEN {expr} > 0 THEN {expr} END", []
    if timing.start_key and timing.end_key:
        start, p1 = _timestamp(timing.start_key)
        end, p2 = _timestamp(timing.end_key)
        seconds = f"(epoch({end}) - epoch({start}))"
        return f"CASE WHEN {seconds} > 0 THEN {seconds} END", [*p2, *p1, *p2, *p1]
    return "NULL::DOUBLE", []


def straight_sql(items: list[str]) -> tuple[str, list]:
    """Whether a staged row gave one answer to every item it answered, over enough items.
    ``write.build_clean`` computes it with the row's answers, so no later scan is needed."""
    cols = ", ".join(quote(i) for i in items)
    answered = " + ".join(f"({quote(i)} IS NOT NULL)::INTEGER" for i in items)
    need = max(MIN_STRAIGHT_ITEMS, -(-len(items) // 2))
    return (f"coalesce(({answered}) >= ? AND least({cols}) = greatest({cols}), FALSE)",
            [need])


def mark(cur, exclude: tuple[str, ...]) -> None:
    """Flag the staged rows (``quality_flags``, a view over ``clean``, whose ``straight``
    column ``build_clean`` made), and turn flagged rows into import problems as the
    setting says. The speed bar is each wave's median before any exclusion, kept apart so
    the flags stay as first decided."""
    cur.execute("""
        CREATE OR REPLACE TEMP TABLE quality_medians AS
        SELECT coalesce(wave_name, '') AS w, median(duration_s) * ? AS fast FROM clean
        WHERE problem IS NULL GROUP BY 1""", [SPEED_FRACTION])
    cur.execute("""
        CREATE OR REPLACE TEMP VIEW quality_flags AS
        SELECT c.rid, c.wave_name, c.problem, c.duration_s, c.straight,
               coalesce(c.duration_s < m.fast, FALSE) AS speeder
        FROM clean c LEFT JOIN quality_medians m ON m.w = coalesce(c.wave_name, '')""")
    for flag in (f for f in FLAGS if f in exclude):
        column = "straight" if flag == STRAIGHTLINERS else "speeder"
        cur.execute(f"UPDATE clean SET problem = ? WHERE problem IS NULL AND rid IN "
                    f"(SELECT rid FROM quality_flags WHERE {column})", [PROBLEMS[flag]])


def drop(cur) -> None:
    cur.execute("DROP VIEW IF EXISTS quality_flags; DROP TABLE IF EXISTS quality_medians")


def record(cur, wave_id: int, file_wave: str | None, exclude: tuple[str, ...],
           rid_shift: int = 0) -> None:
    """Store the imported respondents' flags and the wave's quality record (``rid_shift``:
    see ``write.write_wave``)."""
    rows = "FROM quality_flags WHERE coalesce(wave_name, '') = coalesce(?, '')"
    cur.execute(f"INSERT INTO response_quality SELECT rid + ?, ?, duration_s, straight, "
                f"speeder {rows} AND problem IS NULL", [rid_shift, wave_id, file_wave])
    cur.execute(f"""
        INSERT INTO wave_quality SELECT ?, ?, count(*),
            count(*) FILTER (WHERE straight), count(*) FILTER (WHERE speeder),
            count(*) FILTER (WHERE problem IS NOT NULL), count(duration_s),
            median(duration_s)
        {rows} AND (problem IS NULL OR problem IN (?, ?))""",
                [wave_id, json.dumps(list(exclude)), file_wave, *(PROBLEMS[f] for f in FLAGS)])


def masked(count: int, total: int, k: int) -> str | None:
    """How a count of ``total`` must be shown when it, or the rest, is 1..k-1 (else None)."""
    if 0 < count < k:
        return f"fewer than {k}"
    if 0 < total - count < k:
        return f"all but fewer than {k}"
    return None


def _record(cur, wave_id: int) -> dict | None:
    row = cur.execute("SELECT * FROM wave_quality WHERE wave_id = ?", [wave_id]).df()
    return None if row.empty else row.iloc[0].to_dict()


def flags(cur, wave: str | None = None, min_group_size: int | None = None) -> Result:
    """Per flag: the respondents of the wave's check, how many were flagged, and whether the
    wave excludes them (``count`` None and ``shown`` in words when masked)."""
    k = disclosure.minimum(cur, min_group_size)
    info = wave_row(cur, wave)
    rec = _record(cur, info["wave_id"])
    cols = ["flag", "count", "share", "shown", "excluded"]
    if rec is None:
        return Result(_empty(cols), k, message="This wave was imported before response "
                      "quality was checked: nothing was flagged or excluded. Import it again "
                      "(replacing it) to check it.", extra={"wave": info["name"]})
    total, excluded = int(rec["checked"]), json.loads(rec["excluded_flags"] or "[]")
    if total < k:
        return Result(_empty(cols), k, message=f"This wave has fewer than {k} respondents.")
    rows = []
    for flag, count in ((FLAGS[0], rec["straightliners"]), (FLAGS[1], rec["speeders"])):
        count = int(count)
        base = total if flag == STRAIGHTLINERS else int(rec["timed"])
        if flag != STRAIGHTLINERS and base < k:
            continue                                      # not timed (or too few timed)
        hide = masked(count, base, k)
        rows.append({"flag": flag, "count": None if hide else count,
                     "share": None if hide else count / base,
                     "shown": hide or f"{count:,}", "excluded": flag in excluded})
    gone = int(rec["excluded"])
    extra = {"wave": info["name"], "checked": total, "excluded_flags": excluded,
             "timed": int(rec["timed"]) >= k,
             "median_duration_s": rec["median_duration_s"] if int(rec["timed"]) >= k else None,
             "excluded": masked(gone, total, k) or f"{gone:,}"}
    if masked(gone, total, k):
        extra["checked"] = None                # checked - imported would give the count
    return Result(pd.DataFrame(rows, columns=cols), k, total, extra=extra)


def missingness(cur, wave: str | None = None, min_group_size: int | None = None) -> Result:
    """Per item of the wave: how many imported respondents left it blank, and the share."""
    k = disclosure.minimum(cur, min_group_size)
    info = wave_row(cur, wave)
    cols = ["item_id", "text", "dimension", "missing", "share", "shown"]
    items = cur.execute("SELECT item_id, text, dimension FROM items WHERE wave_id = ? "
                        "ORDER BY position", [info["wave_id"]]).df()
    if items.empty:
        return Result(_empty(cols), k)
    counts = ", ".join(f"count(*) - count({quote(i)})" for i in items["item_id"])
    row = cur.execute(f"SELECT count(*), {counts} FROM {answers_table(info['wave_id'])}").fetchone()
    total = int(row[0])
    if total < k:
        return Result(_empty(cols), k, message=f"This wave has fewer than {k} respondents.")
    items["missing"] = [int(v) for v in row[1:]]
    hide = [masked(m, total, k) for m in items["missing"]]
    items["shown"] = [h or f"{m / total:.1%}" for h, m in zip(hide, items["missing"])]
    items["share"] = [None if h else m / total for h, m in zip(hide, items["missing"])]
    items["missing"] = [None if h else m for h, m in zip(hide, items["missing"])]
    return Result(items[cols], k, total, extra={"wave": info["name"]})
