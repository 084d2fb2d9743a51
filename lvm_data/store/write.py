"""Writing an import: staging the file, checking it, and storing waves in one transaction.

The file is read once into a temporary ``staging`` table (all text), turned into
numbers and flags in ``clean``, and only rows without a problem reach the real
tables. Respondent scores are computed here, once, so the dashboard only averages.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..instrument import Instrument
from ..keyfile import keyed_hash
from ..scoring import min_answered
from . import cells, demo, facts, item_matrix, participation, sketch, staging
from . import quality as quality_store
from .schema import FIXED_ATTRIBUTES as FIXED
from .staging import quote_key
from .schema import (answers_table, cells_table, ensure_attribute, ensure_dimension,
                     pole_column, quote)


@dataclass
class Plan:
    """What each column of the staged file becomes; every value here came from a file."""
    items: dict[str, str]                         # column key -> item id
    value_maps: dict[str, dict[str, float | None]]  # column key -> raw answer -> value (None: blank)
    bad_values: dict[str, list[str]]              # column key -> raw answers that are not on the scale
    attributes: dict[str, str] = field(default_factory=dict)   # column key -> attribute name
    respondent_key: str | None = None
    key_secret: bytes | None = None               # personal ids (e-mail, employee id): HMAC key
    wave_key: str | None = None
    finished_key: str | None = None
    progress_key: str | None = None
    submitted_key: str | None = None              # LimeSurvey: blank submit date = unfinished
    include_partial: bool = False
    tidy: frozenset[str] = frozenset()            # attribute columns needing no trim (staging.tidy)
    row_offset: int = 1                           # spreadsheet row of the first data row
    duration: tuple[str, list] = ("NULL::DOUBLE", [])   # seconds per row (store.quality)


def _case(key: str, mapping: dict[str, float | None]) -> tuple[str, list]:
    """Raw answer -> number; a plain cast when every answer is its own number (fast path).
    An answer mapped to None (a missing code such as -99) is left blank, so it rules the
    cast out."""
    known = {raw: value for raw, value in mapping.items() if value is not None}
    if not known:
        return "NULL::DOUBLE", []
    if all(_as_float(raw) == value for raw, value in mapping.items()):
        return f"TRY_CAST(s.{quote_key(key)} AS DOUBLE)", []
    whens = " ".join("WHEN ? THEN ?" for _ in known)
    params = [x for raw, value in known.items() for x in (raw, float(value))]
    return f"CASE s.{quote_key(key)} {whens} ELSE NULL END::DOUBLE", params


def _flags_sql(plan: Plan) -> tuple[str, list]:
    """Per-row flags read from the raw text: an answer off the scale, an unfinished response."""
    params: list = []
    bad_parts = []
    for key, bad in plan.bad_values.items():
        if bad:
            bad_parts.append(f"s.{quote_key(key)} IN ({', '.join('?' * len(bad))})")
            params += bad
    invalid = " OR ".join(bad_parts) or "FALSE"
    unfinished = _unfinished_sql(plan) if not plan.include_partial else None
    return f"({invalid}) AS _invalid, coalesce({unfinished or 'FALSE'}, FALSE) AS _unfinished", \
        params


def _as_float(raw: str) -> float | None:
    try:
        return float(raw)
    except ValueError:
        return None


def _problem_sql(plan: Plan) -> str:
    no_answers = " AND ".join(f"{quote(i)} IS NULL" for i in plan.items.values()) or "TRUE"
    return (f"CASE WHEN {no_answers} THEN 'no answers' WHEN _invalid THEN 'invalid value' "
            "WHEN _unfinished THEN 'unfinished' END")


def _unfinished_sql(plan: Plan) -> str | None:
    parts = []
    if plan.finished_key:
        parts.append(f"lower(trim(s.{quote_key(plan.finished_key)})) IN ('0', 'false', 'no')")
    if plan.progress_key:
        parts.append(f"TRY_CAST(s.{quote_key(plan.progress_key)} AS DOUBLE) < 100")
    if plan.submitted_key:
        parts.append(f"coalesce(trim(s.{quote_key(plan.submitted_key)}), '') = ''")
    return " OR ".join(parts) or None


HMAC_FUNCTION = "lvm_respondent_hmac"


def _key_sql(plan: Plan) -> tuple[str, list]:
    if plan.respondent_key is None:
        return "'row-' || (s.__lvm_row + ?)::VARCHAR", [plan.row_offset]
    col = f"trim(s.{quote_key(plan.respondent_key)}::VARCHAR)"
    if plan.key_secret is not None:
        return f"CASE WHEN {col} <> '' THEN {HMAC_FUNCTION}({col}) END", []
    return f"nullif({col}, '')", []


def _register_hmac(cur, secret: bytes) -> None:
    """A vectorised UDF: DuckDB has no keyed hash, and the key must never enter the SQL."""
    import pyarrow as pa

    def keyed(values):
        return pa.array([None if v is None else keyed_hash(secret, v)
                         for v in values.to_pylist()], pa.string())

    cur.execute("SELECT 1").fetchall()     # finish any pending result: DuckDB requires it
    cur.create_function(HMAC_FUNCTION, keyed, ["VARCHAR"], "VARCHAR", type="arrow",
                        side_effects=False)


def build_clean(cur, plan: Plan, rid_base: int) -> None:
    """Numbers, attributes and a ``problem`` per row; duplicates flagged after the rest."""
    cols, params = [], []
    key_sql, key_params = _key_sql(plan)
    cols.append(f"{key_sql} AS respondent_key")
    params += key_params
    wave = f"nullif(trim(s.{quote_key(plan.wave_key)}), '')" if plan.wave_key else "NULL"
    cols.append(f"{wave}::VARCHAR AS wave_name")
    for key, name in plan.attributes.items():
        value = f"s.{quote_key(key)}"
        if key not in plan.tidy:
            value = f"nullif(trim({value}), '')"
        cols.append(f"{value} AS {quote(name)}")
    for key, item in plan.items.items():
        expr, p = _case(key, plan.value_maps.get(key, {}))
        cols.append(f"{expr} AS {quote(item)}")
        params += p
    cols.append(f"{plan.duration[0]} AS duration_s")
    params += plan.duration[1]
    flags, flag_params = _flags_sql(plan)
    items = list(plan.items.values())
    # the row's quality flag and answer hash are made with it, while its answers are at hand
    straight, straight_params = quality_store.straight_sql(items) if items else ("FALSE", [])
    sketch.drop_file_hashes(cur)              # hashes of an earlier ``clean``
    row_hash = sketch.row_hash_sql(cur, items)
    if plan.key_secret is not None:
        _register_hmac(cur, plan.key_secret)
    try:
        cur.execute(f"""
            CREATE OR REPLACE TEMP TABLE clean AS
            SELECT * EXCLUDE (_invalid, _unfinished), {_problem_sql(plan)} AS problem,
                   {straight} AS straight, {row_hash} AS row_hash FROM (
                SELECT ? + s.__lvm_row + 1 AS rid, s.__lvm_row + ? AS source_row,
                       {', '.join(cols)}, {flags}
                FROM staging s)""", [*straight_params, rid_base, plan.row_offset, *params,
                                     *flag_params])
    finally:
        if plan.key_secret is not None:
            cur.execute("SELECT 1").fetchall()
            cur.remove_function(HMAC_FUNCTION)
    cur.execute("""
        UPDATE clean SET problem = 'duplicate respondent' WHERE rid IN (
            SELECT rid FROM (SELECT rid, row_number() OVER (
                PARTITION BY coalesce(wave_name, ''), respondent_key ORDER BY rid) AS k
                FROM clean WHERE problem IS NULL AND respondent_key IS NOT NULL) WHERE k > 1)""")


def drop_staged(cur) -> None:
    """What an import staged: the file as read, ``clean`` and what was made from it."""
    staging.drop_raw(cur)
    quality_store.drop(cur)
    cur.execute("DROP TABLE IF EXISTS clean; DROP TABLE IF EXISTS clean_hash_items")
    sketch.drop_file_hashes(cur)


def problem_counts(cur) -> dict[str, int]:
    rows = cur.execute("SELECT problem, count(*) FROM clean WHERE problem IS NOT NULL "
                       "GROUP BY 1").fetchall()
    return dict(rows)


def problem_rows(cur, plan: Plan, limit: int = 50) -> pd.DataFrame:
    """Rows that will not be imported, with the column and value at fault where there is one."""
    parts, params = [], []
    for key, bad in plan.bad_values.items():
        if bad:
            parts.append(f"SELECT s.__lvm_row + ? AS \"row\", ? AS \"column\", s.{quote_key(key)} AS value, "
                         f"'invalid value' AS reason FROM staging s WHERE s.{quote_key(key)} "
                         f"IN ({', '.join('?' * len(bad))})")
            params += [plan.row_offset, key, *bad]
    parts.append("SELECT source_row AS \"row\", NULL::VARCHAR AS \"column\", NULL::VARCHAR AS value, "
                 "problem AS reason FROM clean "
                 "WHERE problem IS NOT NULL AND problem <> 'invalid value'")
    sql = f"SELECT * FROM ({' UNION ALL '.join(parts)}) ORDER BY \"row\", \"column\" LIMIT ?"
    return cur.execute(sql, [*params, limit]).df()


def wave_names_in_file(cur) -> list[str | None]:
    rows = cur.execute("SELECT DISTINCT wave_name FROM clean WHERE problem IS NULL "
                       "ORDER BY wave_name").fetchall()
    return [r[0] for r in rows]


def wave_names(cur) -> list[str]:
    return [r[0] for r in cur.execute("SELECT name FROM waves").fetchall()]


def next_ids(cur) -> tuple[int, int]:
    rid = cur.execute("SELECT coalesce(max(rid), 0) FROM respondents").fetchone()[0]
    wave = cur.execute("SELECT coalesce(max(wave_id), 0) + 1 FROM waves").fetchone()[0]
    return int(rid), int(wave)


@dataclass
class WaveMeta:
    name: str
    wave_date: date
    source: str
    tool: str
    scale_name: str
    scale_min: float
    scale_max: float
    scale_labels: dict[str, str]


def write_wave(cur, wave_id: int, meta: WaveMeta, instrument: Instrument, plan: Plan,
               file_wave: str | None, rid_shift: int = 0) -> int:
    """Store one wave's rows of ``clean``; the caller holds the transaction. ``rid_shift``
    moves the staged respondent ids past the database's, when ``clean`` was built apart
    from it (the command line stages in memory)."""
    if cur.execute("SELECT 1 FROM waves WHERE name = ?", [meta.name]).fetchone():
        raise ValueError(f"a wave named {meta.name!r} already exists: choose another name "
                         "or delete that wave first")
    for key, name in plan.attributes.items():
        ensure_attribute(cur, name, key)
    for dim in instrument.dimensions:
        ensure_dimension(cur, dim)
    n = _insert_respondents(cur, wave_id, plan, instrument, meta, file_wave, rid_shift)
    item_cols = ", ".join(quote(i) for i in plan.items.values())
    cur.execute(f"CREATE TABLE {answers_table(wave_id)} AS SELECT rid + ? AS rid, {item_cols} "
                f"FROM clean WHERE problem IS NULL AND coalesce(wave_name, '') = coalesce(?, '')",
                [rid_shift, file_wave])
    _insert_items(cur, wave_id, instrument, set(plan.items.values()))
    cells.keep(cur, wave_id)
    item_matrix.keep_answers(cur, wave_id, (set(plan.attributes.values()), file_wave))
    cur.execute("INSERT INTO waves VALUES (?, ?, ?, current_timestamp, ?, ?, ?, ?, ?, ?, ?, ?)",
                [wave_id, meta.name, meta.wave_date, meta.source, meta.tool, instrument.name,
                 meta.scale_name, meta.scale_min, meta.scale_max,
                 json.dumps(meta.scale_labels), n])
    return int(n)


def _insert_items(cur, wave_id: int, instrument: Instrument, present: set[str]) -> None:
    rows = [(wave_id, i.id, i.dimension, i.pole, i.reverse, i.text, pos)
            for pos, i in enumerate(instrument.items) if i.id in present]
    cur.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def _pole_sql(instrument: Instrument, dim: str, pole: str, present: set[str],
              reverse_sum: float) -> tuple[str, list]:
    """Mean of the answered items of a pole, NULL when fewer than half (rounded up) answered.

    Plain arithmetic over the item columns (sum of answered / number answered), which
    DuckDB vectorises better than building a list per row.
    """
    items = instrument.items_for(dim, pole)
    values, params = [], []
    for item in items:
        if item.id not in present:
            continue
        if item.reverse:
            values.append(f"(?::DOUBLE - {quote(item.id)})")
            params.append(reverse_sum)
        else:
            values.append(quote(item.id))
    if not values:
        return "NULL::DOUBLE", []
    answered = " + ".join(f"({v} IS NOT NULL)::INTEGER" for v in values)
    total = " + ".join(f"coalesce({v}, 0)" for v in values)
    sql = f"CASE WHEN {answered} >= ? THEN ({total}) / ({answered}) END"
    return sql, [*params, min_answered(len(items)), *params, *params]


def _insert_respondents(cur, wave_id: int, plan: Plan, instrument: Instrument,
                        meta: WaveMeta, file_wave: str | None, rid_shift: int) -> int:
    """Attributes and pole scores in one pass; a dimension counts only with both poles (a
    custom dimension with one pole keeps that pole's score, and never counts on orientation)."""
    present = set(plan.attributes.values())
    attrs = [*FIXED, *sorted(present - set(FIXED))]
    poles, inner, params = [], [], []
    for i, dim in enumerate(instrument.dimensions):
        for pole, alias in (("leadership", f"_l{i}"), ("management", f"_m{i}")):
            expr, p = _pole_sql(instrument, dim, pole, set(plan.items.values()),
                                meta.scale_min + meta.scale_max)
            inner.append(f"{expr} AS {alias}")
            params += p
            other = f"_m{i}" if alias.startswith("_l") else f"_l{i}"
            keep = (f"CASE WHEN {other} IS NOT NULL THEN {alias} END"
                    if len(instrument.poles_of(dim)) == 2 else alias)   # a one-pole scale
            poles.append((pole_column(dim, pole), keep))
    target = ", ".join([*(quote(c) for c in attrs), *(c for c, _ in poles)])
    select = ", ".join([*(quote(c) if c in present else "NULL" for c in attrs),
                        *(e for _, e in poles)])
    return cur.execute(f"""
        INSERT INTO respondents (rid, wave_id, respondent_key, {target})
        SELECT rid + ?, ?, respondent_key, {select} FROM (
            SELECT *, {', '.join(inner)} FROM clean
            WHERE problem IS NULL AND coalesce(wave_name, '') = coalesce(?, ''))""",
                       [rid_shift, wave_id, *params, file_wave]).fetchone()[0]


def delete_wave(cur, name: str) -> int:
    with facts.changing():
        cur.execute("BEGIN TRANSACTION")
        try:
            n = remove_wave(cur, name)
            demo.retire(cur)              # the user has deleted something: no sample again
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
    return n


def remove_wave(cur, name: str) -> int:
    """Delete a wave inside the caller's transaction (an import that replaces it)."""
    row = cur.execute("SELECT wave_id FROM waves WHERE name = ?", [name]).fetchone()
    if row is None:
        raise ValueError(f"no wave named {name!r}")
    wave_id = row[0]
    facts.forget()
    n = cur.execute("DELETE FROM respondents WHERE wave_id = ?", [wave_id]).fetchone()[0]
    demo.forget(cur, wave_id)
    participation.forget(cur, wave_id)
    sketch.forget(cur, wave_id)
    for table in ("items", "waves", "answer_cells", "off_scale", *quality_store.TABLES):
        cur.execute(f"DELETE FROM {table} WHERE wave_id = ?", [wave_id])
    cur.execute(f"DROP TABLE IF EXISTS {answers_table(wave_id)}")
    cur.execute(f"DROP TABLE IF EXISTS {cells_table(wave_id)}")
    return int(n)


def rename_wave(cur, old: str, new: str) -> None:
    new = (new or "").strip()
    if not new or len(new) > 100:
        raise ValueError("a wave name must be 1 to 100 characters")
    if cur.execute("SELECT 1 FROM waves WHERE name = ?", [new]).fetchone():
        raise ValueError(f"a wave named {new!r} already exists")
    facts.forget()
    if cur.execute("UPDATE waves SET name = ? WHERE name = ?", [new, old]).fetchone()[0] == 0:
        raise ValueError(f"no wave named {old!r}")
