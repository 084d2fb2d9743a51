"""CSV that is safe to open in a spreadsheet: every CSV the product writes goes through here.

Group names and other text come from uploaded files, so a cell such as ``=HYPERLINK(...)``
would run as a formula in Excel or LibreOffice. Every text cell that starts with a
formula trigger gets a leading single quote; numbers are written as numbers, so a
negative orientation stays a number rather than turning into text. Files the product
reads back (codebooks) drop that quote again with ``unquote``.
"""
from __future__ import annotations

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Neutralise one value; anything that is not a string passes through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values) -> list:
    """A row for ``csv.writer`` with every text cell neutralised."""
    return [safe_text(v) for v in values]


def unquote(value: str) -> str:
    """Undo ``safe_text`` on a cell read back from one of our own CSV files."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def _is_number_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with text cells and column names made formula-safe."""
    out = df.copy()
    for column in out.columns:
        if not _is_number_column(out[column]):
            out[column] = out[column].astype(object).map(safe_text)
    out.columns = [safe_text(str(c)) for c in out.columns]
    return out


def csv_text(df: pd.DataFrame, lineterminator: str = "\n", **to_csv) -> str:
    """``df`` as formula-safe CSV text, without the index (the command line's output)."""
    return neutralise(df).to_csv(index=False, lineterminator=lineterminator, **to_csv)


def scores_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a byte-order mark so Excel reads accents) of a scores table."""
    return csv_text(df, lineterminator="\r\n").encode("utf-8-sig")
