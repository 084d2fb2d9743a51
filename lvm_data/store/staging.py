"""Staging an import: the file read once into ``raw_staging`` (all text, whole-number
answers as BIGINT), and the counts the checks take from it.

Every column is named by the file's header, so it is quoted with ``quote_key`` wherever it
appears in SQL; every value is a parameter.
"""
from __future__ import annotations

import duckdb
import pandas as pd


def stage(cur, read_csv_fragment: str, params: list, whole_numbers: set[str] = frozenset(),
          limit: int | None = None) -> int:
    """Read the whole file (or its first ``limit`` records, for a preview) once, numbering
    the records in file order.

    The fragment is the format module's fixed ``read_csv(?, ...)`` call whose last
    parameter maps column -> type; every value in it is a parameter. Columns whose sample
    held only whole numbers are read as BIGINT, which parses twice as fast as text; if a
    later row disagrees, the file is read again as text. ``rowid`` follows insertion order
    but starts at an internal offset inside a transaction, so ``__lvm_row`` (0-based
    record number) is derived from it.
    """
    columns = dict(params[-1])
    typed = {k: ("BIGINT" if k in whole_numbers else t) for k, t in columns.items()}
    sql = f"CREATE OR REPLACE TEMP TABLE raw_staging AS SELECT * FROM {read_csv_fragment}"
    tail = [] if limit is None else [int(limit)]
    sql += "" if limit is None else " LIMIT ?"
    try:
        cur.execute(sql, [*params[:-1], typed, *tail])
    except duckdb.ConversionException:
        cur.execute(sql, [*params[:-1], columns, *tail])
    cur.execute("CREATE OR REPLACE TEMP VIEW staging AS SELECT rowid - "
                "(SELECT min(rowid) FROM raw_staging) AS __lvm_row, * FROM raw_staging")
    return cur.execute("SELECT count(*) FROM raw_staging").fetchone()[0]


def sample_rows(cur, read_csv_fragment: str, params: list, limit: int = 2000) -> pd.DataFrame:
    """The first rows as text, to map columns and choose types before the full read."""
    return cur.execute(f"SELECT * FROM {read_csv_fragment} LIMIT ?", [*params, limit]).df()


def drop_raw(cur) -> None:
    """The file as read, once ``clean`` holds all that is stored: memory for the write."""
    cur.execute("DROP VIEW IF EXISTS staging; DROP TABLE IF EXISTS raw_staging; "
                "DROP TABLE IF EXISTS staged_values")


def count_values(cur, keys: list[str], ranged: tuple[str, ...] = ()) -> dict[str, str]:
    """One scan of the staged file for every count the checks need: per column (item
    answers for scale inference, candidate attributes for free-text screening) its distinct
    values and their counts, as ``histogram`` maps (blanks left out) in the one-row
    ``staged_values``; returns column key -> its column there. One scan instead of one per
    question and attribute was a tenth of a large import.

    Whole-number columns in ``ranged`` are only measured (least and greatest answer), a
    fifth of a histogram's cost: when both ends are on the scale, so is every answer
    between them, and their counts change nothing (``value_counts``)."""
    names = {k: f"h{i}" for i, k in enumerate(dict.fromkeys(keys))}
    select = ", ".join(f"[min({quote_key(k)}), max({quote_key(k)})] AS {n}" if k in ranged
                       else f"histogram({quote_key(k)}) AS {n}" for k, n in names.items())
    cur.execute("CREATE OR REPLACE TEMP TABLE staged_values AS SELECT "
                f"{select or 'NULL AS h'} FROM staging")
    return names


def whole_number_columns(cur) -> set[str]:
    """Staged columns read as integers (``stage``'s typed read held)."""
    rows = cur.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = 'temp' AND "
                       "table_name = 'raw_staging' AND data_type = 'BIGINT'").fetchall()
    return {r[0] for r in rows}


def value_counts(cur, counted: dict[str, str], keys: list[str]) -> pd.DataFrame:
    """Distinct raw answers per item column, with counts (``count_values``), for scale
    inference; ``exact`` is False for a measured column's two ends (count 1 each), which
    stand for every whole number between them."""
    if not keys:
        return pd.DataFrame({"key": [], "value": [], "count": [], "exact": []})
    found = cur.execute(f"SELECT {', '.join(counted[k] for k in keys)} "
                        "FROM staged_values").fetchone()
    rows = []
    for key, seen in zip(keys, found):
        if isinstance(seen, list):
            ends = dict.fromkeys(v for v in seen if v is not None)
            rows += [(key, str(v), 1, False) for v in ends]
        else:
            rows += [(key, _text(value), int(n), True) for value, n in (seen or {}).items()]
    return pd.DataFrame(rows, columns=["key", "value", "count", "exact"])


def tidy(cur, counted: dict[str, str], keys: list[str]) -> set[str]:
    """Counted columns (``count_values``) whose every answer is already trimmed and not
    blank, so ``build_clean`` can take them as they are: trimming a million answers per
    column cost more than the rest of building ``clean``."""
    keys = [k for k in keys if k in counted]
    if not keys:
        return set()
    checks = ", ".join(f"(SELECT coalesce(bool_and(v = trim(v) AND v <> ''), TRUE) FROM "
                       f"(SELECT unnest(map_keys({counted[k]}))::VARCHAR AS v "
                       "FROM staged_values))" for k in keys)
    found = cur.execute(f"SELECT {checks}").fetchone()
    return {k for k, ok in zip(keys, found) if ok}


def _text(value) -> str:
    """A staged answer as the text a file held (whole-number columns are read as BIGINT)."""
    return value if isinstance(value, str) else str(value)


def text_profile(cur, counted: dict[str, str], keys: list[str]) -> pd.DataFrame:
    """Per column, over the whole staged file: how many different answers, the longest, the
    most words, and how many answers only one respondent gave (free text vs category).
    Raw values are counted before they are trimmed and measured, so each distinct text is
    measured once (``count_values``)."""
    parts = []
    for name in (counted[k] for k in keys):
        parts.append(f"""SELECT ? AS key, count(*) AS distinct_values,
            coalesce(max(length(v)), 0) AS max_chars,
            coalesce(max(len(regexp_split_to_array(v, '\\s+'))), 0) AS max_words,
            count(*) FILTER (WHERE c = 1) AS singletons
            FROM (SELECT trim(raw) AS v, sum(c) AS c FROM (
                      SELECT unnest(map_keys({name}))::VARCHAR AS raw,
                             unnest(map_values({name})) AS c FROM staged_values)
                  WHERE coalesce(trim(raw), '') <> '' GROUP BY 1)""")
    return cur.execute(" UNION ALL ".join(parts), list(keys)).df()


def quote_key(key: str) -> str:
    """Staging columns are named by the file's headers: quote them safely, whatever they are."""
    return '"' + key.replace('"', '""') + '"'
